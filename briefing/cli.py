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
from .build import MOVED_NOTE, BuildOptions, build_site, check_content, check_files
from .content.config import load_vocabulary
from .content.tracks import load_tracks
from .content.days import parse_day
from .content.layout import kind_of, unknown_file_message
from .errors import BuildFailed, Problem, count, failure_summary, markdown_summary, warning_details
from .dev.field_docs import render_field_blocks, update_generated_blocks
from .content.files import is_inside, relative_name
from .dev.jsonschema_export import SCHEMA_PATH, render_brief_schema, render_data_schemas
from .dev.scaffold import new_brief_text, slugify
from .output.search_index import SearchIndexError
from .output.write import OutputError
from .store.lock import Busy, LockError

FIELD_TABLES_PATH = "docs/reference.md"  # the contributors' reference, with the generated field tables
COMMANDS = ("build", "check", "new", "schema", "serve", "links", "diff", "translations", "translate")

DESCRIPTION = """\
Build the Armenia–Azerbaijan normalization archive: Markdown briefs in content/ become a
static site in site/.

commands:
  build   validate everything, then build the site and its search index into site/ (the default)
  check   validate content and templates only; write nothing
          (`check FILE...` checks just those briefs or pages, in well under a second)
  new     create a new brief with every required field, ready to fill in
  schema  regenerate schema/*.schema.json and the field tables in docs/reference.md
  serve   build, serve on http://127.0.0.1:8000/, rebuild on save, reload the browser
  links   check every internal link and #anchor of a built site (e.g. site/)
  diff    list the pages added, changed and removed between two builds of the site
  translations  list missing, outdated and correction-pending translations per language
  translate     start a translation of a brief or page: the original's text and provenance

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
        _report(failure, options, out_name=_out_name(options))
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
    common, listing = _common_options(), _common_options(error_format=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the site (default)", description="Validate all content, then build the site and its search index (Pagefind) into the output folder; on any error, or if indexing fails, nothing is written. Only changed pages are rendered and written (cache in ROOT/.cache/briefing/), and if no content, template or option changed since the output was built, the build says it is up to date and does nothing.")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    build.add_argument("--no-cache", action="store_true", help="ignore ROOT/.cache/briefing/: parse, render and write everything afresh")
    build.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="processes for parsing and rendering (default: one per core)")
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster; the site then has no pagefind/ folder and its search page finds nothing)")
    build.add_argument("--no-wait", action="store_true", help="if another build of this project is running, fail at once instead of waiting for it")
    build.add_argument("--show-written", action="store_true", help="list every file written, one path per line")
    build.set_defaults(run=_run_build)

    check = commands.add_parser("check", parents=[common], help="validate content only", description="Validate content and templates and report every problem as path:line: field: message. Writes nothing. Given FILEs (briefs or pages), check only those, plus the rules across briefs that involve them (unique ids, related briefs exist, their moves against the other briefs' moves of the same tracks); templates are then not checked. Warnings (path:line: field: warning: message), such as a source without an archived copy, are pointed out but never fail the check.")
    check.add_argument("files", nargs="*", type=Path, metavar="FILE", help="brief or page files to check (default: everything)")
    check.add_argument("--all-warnings", action="store_true", help=f"list every warning (by default more than {WARNINGS_LISTED} are counted, not listed)")
    check.set_defaults(run=_run_check)

    new = commands.add_parser("new", parents=[common], help="create a new brief", description="Create content/briefs/YYYY/YYYY-MM-DD-slug.md with every required field; TODO placeholders fail `check` until you replace them.")
    new.add_argument("title", nargs="?", help="title of the brief")
    new.add_argument("--date", help="day of the event, YYYY-MM-DD")
    new.add_argument("--type", dest="milestone_type", help="milestone type id from content/vocabulary.yaml")
    new.add_argument("--actors", help="comma-separated actor ids, parties first")
    new.add_argument("--slug", help="file name part after the date (default: made from the title)")
    new.set_defaults(run=_run_new)

    schema = commands.add_parser("schema", parents=[common], help="regenerate the schema files", description=f"Write {SCHEMA_PATH} (JSON Schema of brief front matter, for editors), the JSON Schemas of the tracks downloads (schema/moves.schema.json, reactions.schema.json, tracks.schema.json, when content/tracks.yaml exists) and the field tables in docs/reference.md, all generated from the engine, the vocabulary, tracks.yaml and the UI strings.")
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is out of date")
    schema.set_defaults(run=_run_schema)

    serve = commands.add_parser("serve", parents=[common], help="serve with live reload", description="Build the site, serve it on a local address, rebuild when a file in the content or templates folder is saved, and reload open pages; build errors show in the terminal and over the page while the last good build stays served. Pages are built for this server; --base-url only sets the path they are served under. For development only.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--no-search", action="store_true", help="keep no search index (the search page then finds nothing)")
    serve.add_argument("--poll", action="store_true", help="check for changes by polling, for file systems without change events (network or container mounts)")
    serve.add_argument("--poll-interval", type=float, default=1.0, metavar="SECONDS", help="seconds between polls with --poll (default: 1.0)")
    serve.set_defaults(run=_run_serve)

    links = commands.add_parser("links", help="check a built site's internal links", description="Check that every internal link and #anchor of a built site leads somewhere: each address on every page (and in sitemap.xml) that points into the site must name one of its files, and a #fragment must name an element id on that page. Links to other sites are not fetched. Exit status 1 if any link is broken.")
    links.add_argument("site", type=Path, metavar="SITE", help="the built site's folder, e.g. site")
    links.add_argument("--base-url", metavar="URL", help="the address the site was built for (default: its home page's canonical link)")
    links.add_argument("-q", "--quiet", action="store_true", help="print only broken links")
    links.set_defaults(run=_run_links)

    translations = commands.add_parser("translations", parents=[listing], help="list the state of every translation", description="Validate content, then list, for every language site.yaml declares, the translations that are missing, outdated (the original's text changed, beyond whitespace, since the digest the translation records) or lack a correction the original has, with the digest of the original's text as it is now (what an up-to-date translation records as translation.original_digest). The public page /translations/ shows the same table. Writes nothing; exit status 0 when the content is valid.")
    translations.add_argument("--language", metavar="CODE", help="only this language")
    translations.add_argument("--all", action="store_true", help="also list the current translations (text format)")
    translations.add_argument("--format", dest="output_format", choices=("text", "json"), default="text", help="plain lines (default) or JSON")
    translations.set_defaults(run=_run_translations)

    translate = commands.add_parser("translate", parents=[common], help="start a translation file", description="Write the translation file of a brief or page into LANGUAGE (content/briefs/YYYY/ID.LANGUAGE.md or content/pages/ID.LANGUAGE.md) holding the original's title, summary, corrections and body to translate over, and its provenance with today's date and the digest of the original's text. Never overwrites; prints the path it wrote.")
    translate.add_argument("id", help="the id of a brief (e.g. 2023-12-07-first-bilateral-joint-statement) or page (e.g. about)")
    translate.add_argument("language", help="a language site.yaml declares, e.g. hy")
    translate.add_argument("--method", choices=("human", "machine-assisted"), default="human", help="how it will be translated (default: human)")
    translate.add_argument("--translator", default="TODO", help="who translates it, or which tool or model drafts it")
    translate.set_defaults(run=_run_translate)

    diff = commands.add_parser("diff", help="list the pages two builds differ in", description="Compare two builds of the site file by file (the pagefind/ search index aside) and list the pages added, changed and removed, with each page's address and title, briefs first; other files (feeds, data downloads, sitemap) are counted apart. Writes to standard output; always exits 0 when both folders exist.")
    diff.add_argument("old", type=Path, metavar="OLD_SITE", help="the earlier build, e.g. of the base branch")
    diff.add_argument("new", type=Path, metavar="NEW_SITE", help="the later build")
    diff.add_argument("--format", choices=("text", "markdown"), default="text", help="plain lines (default) or Markdown for a job summary")
    diff.set_defaults(run=_run_diff)
    return parser


def _common_options(error_format: bool = True) -> argparse.ArgumentParser:
    """The options every content command takes (`--format` for errors only where the
    command has no output format of its own)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    common.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    common.add_argument("--templates", type=Path, help="templates folder (default: ROOT/templates)")
    common.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    common.add_argument("--base-url", metavar="URL", help="override base_url from site.yaml, e.g. http://127.0.0.1:8000/")
    if error_format:
        common.add_argument("--format", choices=("text", "github"), help="error format (default: github under GitHub Actions, else text)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    common.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    common.add_argument("--no-speedups", action="store_true", help="render with the stock Python-Markdown and Jinja pipelines, without the engine's shortcuts (slower; the output is the same: e.g. to check a library upgrade)")
    return common


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
    # What the build left out without failing (a language whose UI strings are incomplete).
    _show_warnings(report.warnings, args)
    if args.quiet:
        return 0
    if args.show_written:
        for path in report.written_paths:
            print(path)
    if report.cache_note.startswith("could not save") or report.cache_note == MOVED_NOTE:
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


def _run_links(args: argparse.Namespace) -> int:
    from .review.links import check_links

    if not (args.site / "index.html").is_file():
        raise UsageError(f"{args.site}: not a built site (no index.html); build one with `python build.py build --out {args.site}`")
    report = check_links(args.site, args.base_url)
    for problem in report.broken:
        print(problem.format(), file=sys.stderr)
    if report.broken:
        print(f"links failed: {count(len(report.broken), 'broken link')} among {report.links} in {count(report.pages, 'page')}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"ok: all {report.links} internal links and anchors of {count(report.pages, 'page')} lead somewhere")
    return 0


def _run_diff(args: argparse.Namespace) -> int:
    from .review.changes import compare_sites, format_markdown, format_text

    for folder in (args.old, args.new):
        if not folder.is_dir():
            raise UsageError(f"{folder}: no such folder")
    changes = compare_sites(args.old, args.new)
    sys.stdout.write(format_markdown(changes) if args.format == "markdown" else format_text(changes))
    return 0


def _run_translations(args: argparse.Namespace) -> int:
    import json

    from .site.languages import STATES, status_record

    options = _options(args)
    status = check_content(options).status
    if args.language and args.language not in {item.language for item in status}:
        raise UsageError(f"--language: '{args.language}' is not a language content/site.yaml declares ({', '.join(i.language for i in status) or 'none'})")
    status = tuple(item for item in status if not args.language or item.language == args.language)
    if args.output_format == "json":
        print(json.dumps({"languages": status_record(status)}, ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    if not status:
        print("content/site.yaml declares no languages (`languages:`), so there is nothing to translate")
    for item in status:
        published = "" if item.published else " (not published: its UI strings are incomplete)"
        counts = ", ".join(f"{item.count(state)} {state}" for state in STATES)
        print(f"{item.language} {item.name}{published}: {counts}")
        for row in item.rows:
            if row.state == "current" and not args.all:
                continue
            detail = f"records {row.recorded_digest}, " if row.recorded_digest and row.recorded_digest != row.original_digest else ""
            pending = f", {row.pending_corrections} correction(s) untranslated" if row.pending_corrections else ""
            print(f"  {row.state}: {row.kind} {row.id}: {row.path} ({detail}original now {row.original_digest}{pending})")
    return 0


def _run_translate(args: argparse.Namespace) -> int:
    from .dev.scaffold import translation_text

    options = _options(args)
    report = check_content(options)
    archive = report.archive
    if args.language not in {l.code for l in archive.config.languages}:
        raise UsageError(f"'{args.language}' is not a language content/site.yaml declares ({', '.join(l.code for l in archive.config.languages) or 'none'})")
    original = archive.by_id.get(args.id) or next((p for p in archive.pages if p.id == args.id), None)
    if original is None:
        raise UsageError(f"no brief or page has the id '{args.id}'")
    source = options.root / original.path
    target = source.with_name(f"{original.id}.{args.language}.md")
    if target.exists():
        return _usage(f"{_display(target)} already exists; edit it (`build.py translations` prints the original's digest)")
    text = translation_text(source.read_text(encoding="utf-8"), original, args.method, args.translator, dt.date.today())
    with open(target, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(_display(target))
    return 0


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
        result = check_files(options, tuple(_content_file(path, options) for path in args.files))
        briefs, pages, warnings = result.briefs, result.pages, result.warnings
        message = f"ok: {count(briefs, 'brief')} and {count(pages, 'page')} are valid ({time.perf_counter() - started:.2f} s)"
    else:
        report = check_content(options)
        briefs, pages, warnings = len(report.archive.briefs), len(report.archive.pages), report.warnings
        message = f"ok: {count(briefs, 'brief')} and {count(pages, 'page')} are valid"
    _show_warnings(warnings, args)
    if warnings:
        message += f", with {count(len(warnings), 'warning')}"
    if not args.quiet:
        print(message)
    _write_job_summary("\n".join([f"### Content check passed\n\n{message}\n", *warning_details(warnings)]))
    return 0


# More warnings than this are counted in one line, not listed (`check --all-warnings` lists them).
WARNINGS_LISTED = 10


def _show_warnings(warnings: tuple[Problem, ...], args: argparse.Namespace) -> None:
    """Print warnings to stderr (and as workflow commands), or one line counting them."""
    if not warnings:
        return
    if len(warnings) <= WARNINGS_LISTED or getattr(args, "all_warnings", False):
        for warning in warnings:
            print(warning.format(), file=sys.stderr)
        if _format(args) == "github":
            for warning in warnings:
                print(warning.format_github())
        return
    files = len({w.path for w in warnings})
    print(
        f"{count(len(warnings), 'warning')} in {count(files, 'file')}, not listed: "
        f"`python build.py check --all-warnings` lists them, or check single files", file=sys.stderr,
    )


def _content_file(path: Path, options: BuildOptions) -> Path:
    """A FILE given to `check`: an existing brief or page under content/."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file (give briefs or pages, e.g. content/briefs/2024/2024-04-19-slug.md)")
    if is_inside(path, options.content):
        relative = path.resolve().relative_to(options.content.resolve()).as_posix()
        kind = kind_of(relative)
        if kind is None or path.name.startswith("."):
            raise UsageError(f"{path}: {unknown_file_message(relative)}")
        if kind.name not in ("brief", "page", "brief-translation", "page-translation"):
            raise UsageError(f"{path}: is the {kind.name} file; `check` with no FILE checks it with everything else")
    else:
        raise UsageError(f"{path}: not under {_display(options.content)}/briefs or {_display(options.content)}/pages")
    # Names in messages are relative to the project root, like a full check's.
    return options.root / path.resolve().relative_to(options.root.resolve()) if is_inside(path, options.root) else path


def _run_new(args: argparse.Namespace) -> int:
    options = _options(args)
    vocabulary, problems = load_vocabulary(options.root, options.content)
    if vocabulary is None:
        raise BuildFailed(problems)
    types = ", ".join(term.id for term in vocabulary.types)

    def parse_title(text: str):
        return (text, None) if text.strip() else (None, "the title must not be empty")

    def parse_date(text: str):
        day, wrong = parse_day(text)
        return (day, None) if day else (None, f"--date: {wrong}")

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
    tracks, found = load_tracks(options.root, options.content)
    if vocabulary is None or found:
        raise BuildFailed(problems + found)
    outputs = {options.root / SCHEMA_PATH: render_brief_schema(vocabulary, tracks)}
    if tracks is not None:
        outputs.update({options.root / path: text for path, text in render_data_schemas(options).items()})
    guide = options.root / FIELD_TABLES_PATH
    if guide.exists():
        try:
            outputs[guide] = update_generated_blocks(guide.read_text(encoding="utf-8"), render_field_blocks())
        except ValueError as exc:
            raise UsageError(f"{_display(guide)}: {exc}") from None
    stale = [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        # Reported like content problems, so CI annotates the stale file and summarizes it.
        problems = [
            Problem(relative_name(path, options.root), 1, "schema", "is out of date with the engine, content/vocabulary.yaml, content/tracks.yaml or the UI strings; run `python build.py schema` (or `make schema`) and commit the result")
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


def _report(failure: BuildFailed, args: argparse.Namespace, out_name: str) -> None:
    problems = failure.problems
    command = "build" if args.command in (None, "build", "serve") else args.command
    command = "check" if command == "schema" else command  # `schema --check` writes nothing either
    # Warnings are `check`'s to show; a build reports what stopped it.
    warnings = failure.warnings if command == "check" else ()
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if _format(args) == "github":
        for problem in problems:
            print(problem.format_github())
    _show_warnings(warnings, args)
    print(failure_summary(problems, out_name, command), file=sys.stderr)
    _write_job_summary(markdown_summary(problems, out_name, command, warnings))


def _format(args: argparse.Namespace) -> str:
    return getattr(args, "format", None) or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")


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
