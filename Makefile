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

.PHONY: site check schema serve test clean system-deps bench

## site: set up and build the bundled archive into site/
site: $(RUNTIME)
	$(PY) build.py build $(BUILD_ARGS)

## check: validate content and templates only (writes nothing); FILES="a.md b.md" checks just those
check: $(RUNTIME)
	$(PY) build.py check $(FILES)
	$(PY) build.py schema --check

## schema: regenerate schema/brief.schema.json and the field tables in CONTRIBUTING.md
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

$(RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TESTDEPS): $(RUNTIME) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
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

$(BENCHDEPS): $(RUNTIME) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	touch $@
