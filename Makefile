# Every target sets up what it needs: on a fresh machine `make site` and `make test`
# are the only two commands a newcomer runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
TESTDEPS := $(VENV)/.test-installed
NODEDEPS := node_modules/.installed
PYTEST_ARGS ?=
BUILD_ARGS ?=
FILES ?=

.PHONY: site check schema serve test clean system-deps bench lock

## site: set up and build the bundled archive into site/
site: $(RUNTIME)
	$(PY) build.py build $(BUILD_ARGS)

## check: validate content and templates only (writes nothing); FILES="a.md b.md" checks just those
check: $(RUNTIME)
	$(PY) build.py check $(FILES)
	$(PY) build.py schema --check

## schema: regenerate schema/*.schema.json and the field tables in docs/reference.md
schema: $(RUNTIME)
	$(PY) build.py schema

## serve: build and serve on http://127.0.0.1:8000/, rebuild on save, reload the browser
serve: $(RUNTIME)
	$(PY) build.py serve $(SERVE_ARGS)

## test: set up everything the tests need (Chromium, Java, npm tools included) and run them
test: $(TESTDEPS) system-deps $(NODEDEPS)
	$(PY) -m pytest $(PYTEST_ARGS)

## clean: remove the built site and caches (keeps .venv)
clean:
	rm -rf site .site.staging .site.old .cache .pytest_cache .hypothesis

# Every package, transitive ones included, comes from a lock in requirements/ and must
# match one of its hashes; the project itself is then installed without touching them.
PIP_LOCKED = $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: -r
PIP_PROJECT = $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .

$(RUNTIME): requirements/site.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) requirements/site.txt
	$(PIP_PROJECT)
	touch $@

$(TESTDEPS): $(RUNTIME) requirements/test.txt
	$(PIP_LOCKED) requirements/test.txt
	touch $@

# Test-only npm packages (the sitemaps.org XSD, the Nu Html Checker), exactly as
# package-lock.json pins them; install scripts are skipped (vnu-jar's would fetch a Java
# runtime: the machine's own Java from system-deps runs it).
$(NODEDEPS): package.json package-lock.json | system-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	@scripts/install-system-deps.sh

## bench: compare build speed and memory with Hugo on N generated briefs (make bench N=10000)
N ?= 1000
REPEAT ?= 3
BENCHDEPS := $(VENV)/.bench-installed
bench: $(BENCHDEPS)
	$(PY) bench/run.py --count $(N) --repeat $(REPEAT)

$(BENCHDEPS): $(RUNTIME) requirements/bench.txt
	$(PIP_LOCKED) requirements/bench.txt
	touch $@

## lock: recompile requirements/*.txt (every package, with PyPI's hashes) from requirements/*.in;
##       LOCK_ARGS="--upgrade-package NAME" moves one package, LOCK_ARGS=--upgrade all of them
PIP_TOOLS_VERSION := 7.6.2
LOCK_ARGS ?=
LOCKVENV := .cache/pip-tools
lock:
	test -x $(LOCKVENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCKVENV) && $(LOCKVENV)/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION); }
	# PyPI alone (no local mirror or find-links from pip's configuration), so the hashes are
	# those of the files every machine downloads.
	for name in site test bench; do \
	  env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	    $(LOCKVENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	    $(LOCK_ARGS) --output-file requirements/$$name.txt requirements/$$name.in || exit 1; \
	done
