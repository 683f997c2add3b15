"""Command line: `build.py [build|check|new|schema|serve] [options]` (build is the default)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import speedups
from .build import BuildOptions, build_site, check_files, check_site
from .content.config import load_vocabulary
from .errors import BuildFailed, Problem, failure_summary, markdown_summary
from .dev.field_docs import render_field_blocks, update_generated_blocks
from .content.files import is_inside, relative_name
from .dev.jsonschema_export import SCHEMA_PATH, render_brief_schema
from .dev.scaffold import new_brief_text, slugify
from .output.search_index import SearchIndexError
from .output.write import OutputError
from .store.lock import Busy, LockError

COMMANDS = ("build", "check", "new", "schema", "serve")

DESCRIPTION = """\
Build the Armenia–Azerbaijan normalization archive: Markdown briefs in content/ become a
static site in site/.

commands:
  build   validate everything, then build the site and its search index into site/ (the default)
  check   validate content and templates only; write nothing
          (`check FILE...` checks just those briefs or pages, in well under a second)
  new     create a new brief with every required field, ready to fill in
  schema  regenerate schema/brief.schema.json and the field tables in CONTRIBUTING.md
  serve   build, serve on http://127.0.0.1:8000/, rebuild on save, reload the browser

Run `build.py COMMAND --help` for a command's options. Exit status: 0 success,
1 content or template errors (site/ left unchanged), 2 usage errors."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "build")
    parser = _parser()
    options = parser.parse_args(args)
    if getattr(options, "no_speedups", False):
        os.environ[speedups.SWITCH] = "0"  # read by this process and inherited by its workers
    try:
        return options.run(options)
    except BuildFailed as failure:
        _report(failure.problems, options, out_name=_out_name(options))
        return 1
    except UsageError as exc:
        return _usage(str(exc))
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Busy as exc:
        who = f"pid {exc.holder}" if exc.holder else "another process"
        print(f"error: another build of this project is running ({who}; lock {exc.path}); "
              "not waiting for it because of --no-wait", file=sys.stderr)
        return 1
    except LockError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SearchIndexError as exc:
        print(f"error: search index: {exc}\nbuild failed; {_out_name(options)}/ left unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; site/ left unchanged", file=sys.stderr)
        return 130
    except Exception:
        if getattr(options, "debug", False):
            raise
        import traceback

        print("internal error (a bug in the engine, not in your content); details follow:", file=sys.stderr)
        traceback.print_exc()
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"briefing {_engine_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    common.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    common.add_argument("--templates", type=Path, help="templates folder (default: ROOT/templates)")
    common.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    common.add_argument("--base-url", metavar="URL", help="override base_url from site.yaml, e.g. http://127.0.0.1:8000/")
    common.add_argument("--format", choices=("text", "github"), help="error format (default: github under GitHub Actions, else text)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    common.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    common.add_argument("--no-speedups", action="store_true", help="render with the stock Python-Markdown and Jinja pipelines, without the engine's shortcuts (slower; the output is the same: e.g. to check a library upgrade)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the site (default)", description="Validate all content, then build the site and its search index (Pagefind) into the output folder; on any error, or if indexing fails, nothing is written. Only changed pages are rendered and written (cache in ROOT/.cache/briefing/), and if no content, template or option changed since the output was built, the build says it is up to date and does nothing.")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    build.add_argument("--no-cache", action="store_true", help="ignore ROOT/.cache/briefing/: parse, render and write everything afresh")
    build.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="processes for parsing and rendering (default: one per core)")
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster; the site then has no pagefind/ folder and its search page finds nothing)")
    build.add_argument("--no-wait", action="store_true", help="if another build of this project is running, fail at once instead of waiting for it")
    build.add_argument("--show-written", action="store_true", help="list every file written, one path per line")
    build.set_defaults(run=_run_build)

    check = commands.add_parser("check", parents=[common], help="validate content only", description="Validate content and templates and report every problem as path:line: field: message. Writes nothing. Given FILEs (briefs or pages), check only those, plus the rules across briefs that involve them (unique ids, related briefs exist); templates are then not checked.")
    check.add_argument("files", nargs="*", type=Path, metavar="FILE", help="brief or page files to check (default: everything)")
    check.set_defaults(run=_run_check)

    new = commands.add_parser("new", parents=[common], help="create a new brief", description="Create content/briefs/YYYY/YYYY-MM-DD-slug.md with every required field; TODO placeholders fail `check` until you replace them.")
    new.add_argument("title", nargs="?", help="title of the brief")
    new.add_argument("--date", help="day of the event, YYYY-MM-DD")
    new.add_argument("--type", dest="milestone_type", help="milestone type id from content/vocabulary.yaml")
    new.add_argument("--actors", help="comma-separated actor ids, parties first")
    new.add_argument("--slug", help="file name part after the date (default: made from the title)")
    new.set_defaults(run=_run_new)

    schema = commands.add_parser("schema", parents=[common], help="regenerate the brief schema files", description=f"Write {SCHEMA_PATH} (JSON Schema of brief front matter, for editors) and the field tables in CONTRIBUTING.md, both generated from briefing/schema.py and the vocabulary.")
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is out of date")
    schema.set_defaults(run=_run_schema)

    serve = commands.add_parser("serve", parents=[common], help="serve with live reload", description="Build the site, serve it on a local address, rebuild when a file in the content or templates folder is saved, and reload open pages; build errors show in the terminal and over the page while the last good build stays served. Pages are built for this server; --base-url only sets the path they are served under. For development only.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--no-search", action="store_true", help="keep no search index (the search page then finds nothing)")
    serve.add_argument("--poll", action="store_true", help="check for changes by polling, for file systems without change events (network or container mounts)")
    serve.add_argument("--poll-interval", type=float, default=1.0, metavar="SECONDS", help="seconds between polls with --poll (default: 1.0)")
    serve.set_defaults(run=_run_serve)
    return parser


def _options(args: argparse.Namespace) -> BuildOptions:
    root = args.root
    return BuildOptions.for_root(
        root,
        content=args.content,
        templates=args.templates,
        out=getattr(args, "out", None),
        base_url=args.base_url,
        drafts=args.drafts,
        use_cache=not getattr(args, "no_cache", False),
        jobs=max(0, getattr(args, "jobs", 0) or 0),
        search="skip" if getattr(args, "no_search", False) else "build",
        wait=not getattr(args, "no_wait", False),
    )


def _run_build(args: argparse.Namespace) -> int:
    options = _options(args)
    show_progress = not args.quiet and sys.stderr.isatty() and not os.environ.get("CI")
    progress = ProgressLine(sys.stderr) if show_progress else None
    try:
        report = build_site(options, progress=progress, on_wait=_say_waiting)
    finally:
        if progress:
            progress.clear()
    if args.quiet:
        return 0
    if args.show_written:
        for path in report.written_paths:
            print(path)
    if report.cache_note.startswith("could not save"):
        print(f"note: {report.cache_note}; the next build starts afresh", file=sys.stderr)
    elif report.cache_note and report.cache_note != "--no-cache":
        print(f"note: no build cache ({report.cache_note}); every build starts afresh", file=sys.stderr)
    if report.up_to_date:
        print(f"{_display(options.out)}/ is up to date: no content, template or setting changed since it was built ({report.briefs} briefs, {report.files} files; checked in {report.seconds:.2f} s)")
    else:
        print(
            f"built {report.briefs} briefs into {_display(options.out)}/: {report.written} pages written, "
            f"{report.unchanged} unchanged, in {report.seconds:.2f} s{_search_note(report, options)}"
        )
    return 0


def _say_waiting(holder: int | None) -> None:
    who = f" (pid {holder})" if holder else ""
    print(f"waiting for another build of this project{who} to finish...", file=sys.stderr, flush=True)


def _engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefing")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _search_note(report, options: BuildOptions) -> str:
    if options.search == "skip":
        return "; no search index (--no-search)"
    if report.search is None or report.search.pages == 0:
        return "; no briefs, so no search index"
    how = "reused (brief pages unchanged)" if report.search.reused else "built"
    return f"; search index {how} in {report.search.seconds:.2f} s"


def _run_serve(args: argparse.Namespace) -> int:
    from .dev.serve import DevServer, ServeSettings

    options = _options(args)
    settings = ServeSettings(
        host=args.host, port=args.port, poll=args.poll, poll_interval=args.poll_interval, quiet=args.quiet,
        search=not args.no_search,
    )
    server = DevServer(options, settings)
    try:
        server.bind()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        return server.run()
    except Busy as exc:
        who = f"pid {exc.holder}" if exc.holder else "another process"
        print(f"error: another `serve` of this project is running ({who}); stop it first", file=sys.stderr)
        return 1


class ProgressLine:
    """One self-overwriting status line on a terminal: '<stage> done/total (rate/s)'."""

    def __init__(self, stream, clock=None):
        import time

        self.stream = stream
        self.clock = clock or time.perf_counter
        self.started: dict[str, tuple[float, int]] = {}  # stage -> first report (time, done)
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        since, first = self.started.setdefault(stage, (now, done))
        rate = f" ({(done - first) / (now - since):.0f}/s)" if now > since else ""
        self.stream.write(f"\r\x1b[K{stage} {done}/{total}{rate}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Remove the line before the summary is printed."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _run_check(args: argparse.Namespace) -> int:
    options = _options(args)
    started = time.perf_counter()
    if args.files:
        briefs, pages = check_files(options, tuple(_content_file(path, options) for path in args.files))
        message = f"ok: {_count(briefs, 'brief')} and {_count(pages, 'page')} are valid ({time.perf_counter() - started:.2f} s)"
    else:
        archive = check_site(options)
        message = f"ok: {len(archive.briefs)} briefs and {len(archive.pages)} pages are valid"
    if not args.quiet:
        print(message)
    _write_job_summary(f"### Content check passed\n\n{message}\n")
    return 0


def _content_file(path: Path, options: BuildOptions) -> Path:
    """A FILE given to `check`: an existing .md file under content/briefs or content/pages."""
    if not path.is_file() or path.suffix != ".md":
        raise UsageError(f"{path}: not a Markdown file (give briefs or pages, e.g. content/briefs/2024/2024-04-19-slug.md)")
    if not any(is_inside(path, options.content / folder) for folder in ("briefs", "pages")):
        raise UsageError(f"{path}: not under {_display(options.content)}/briefs or {_display(options.content)}/pages")
    # Names in messages are relative to the project root, like a full check's.
    return options.root / path.resolve().relative_to(options.root.resolve()) if is_inside(path, options.root) else path


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _run_new(args: argparse.Namespace) -> int:
    options = _options(args)
    vocabulary, problems = load_vocabulary(options.root, options.content)
    if vocabulary is None:
        raise BuildFailed(problems)
    types = ", ".join(term.id for term in vocabulary.types)

    def parse_title(text: str):
        return (text, None) if text.strip() else (None, "the title must not be empty")

    def parse_date(text: str):
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, f"--date: '{text}' is not a date as YYYY-MM-DD"

    def parse_type(text: str):
        if text in vocabulary.ids("types"):
            return text, None
        return None, f"--type: unknown milestone type '{text}'; choose one of {types}"

    title = _value(args.title, "title", "Title", parse_title)
    date = _value(args.date, "date", "Date of the event (YYYY-MM-DD)", parse_date)
    milestone_type = _value(args.milestone_type, "type", f"Milestone type ({types})", parse_type)
    actors = tuple(a.strip() for a in (args.actors or "").split(",") if a.strip())
    unknown = [a for a in actors if a not in vocabulary.ids("actors")]
    if unknown:
        return _usage(f"--actors: unknown actor id(s) {', '.join(unknown)}; see content/vocabulary.yaml")
    slug = slugify(args.slug or title)
    path = options.content / "briefs" / f"{date.year}" / f"{date.isoformat()}-{slug}.md"
    if path.exists():
        return _usage(f"{_display(path)} already exists; choose another --slug or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(new_brief_text(title, date, milestone_type, actors))
    print(_display(path))
    return 0


def _value(given: str | None, name: str, prompt: str, parse):
    """Parse an argument; when it is missing, ask on a terminal until the answer parses."""
    if given is not None:
        value, error = parse(given)
        if error:
            raise UsageError(error)
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"missing {name}: give it as an argument (no terminal to ask on)")
    while True:
        try:
            answer = input(f"{prompt}: ").strip()
        except EOFError:
            raise UsageError(f"missing {name}: no answer given") from None
        value, error = parse(answer)
        if error is None:
            return value
        print(error.split(": ", 1)[-1] if error.startswith("--") else error, file=sys.stderr)


def _run_schema(args: argparse.Namespace) -> int:
    options = _options(args)
    vocabulary, problems = load_vocabulary(options.root, options.content)
    if vocabulary is None:
        raise BuildFailed(problems)
    outputs = {options.root / SCHEMA_PATH: render_brief_schema(vocabulary)}
    guide = options.root / "CONTRIBUTING.md"
    if guide.exists():
        try:
            outputs[guide] = update_generated_blocks(guide.read_text(encoding="utf-8"), render_field_blocks())
        except ValueError as exc:
            raise UsageError(f"{_display(guide)}: {exc}") from None
    stale = [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        # Reported like content problems, so CI annotates the stale file and summarizes it.
        problems = [
            Problem(relative_name(path, options.root), 1, "schema", "is out of date with briefing/schema.py and content/vocabulary.yaml; run `python build.py schema` (or `make schema`) and commit the result")
            for path in stale
        ]
        if problems:
            raise BuildFailed(problems)
        return 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(outputs[path], encoding="utf-8", newline="\n")
        if not args.quiet:
            print(f"wrote {_display(path)}")
    return 0


class UsageError(Exception):
    """A command was given something it cannot use; exit status 2."""


def _usage(message: str) -> int:
    print(f"build.py: error: {message}", file=sys.stderr)
    return 2


def _report(problems: tuple[Problem, ...], args: argparse.Namespace, out_name: str) -> None:
    fmt = getattr(args, "format", None) or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if fmt == "github":
        for problem in problems:
            print(problem.format_github())
    print(failure_summary(problems, out_name), file=sys.stderr)
    _write_job_summary(markdown_summary(problems, out_name))


def _write_job_summary(markdown: str) -> None:
    """Append to the GitHub Actions job summary, when running under Actions."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and os.environ.get("GITHUB_ACTIONS") == "true":
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")


def _out_name(args: argparse.Namespace) -> str:
    out = getattr(args, "out", None)
    return out.name if out else "site"


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
