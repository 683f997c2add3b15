"""Command line: `build.py [build|check|new] [options]` (build is the default)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Sequence

from . import ENGINE_VERSION
from .build import BuildOptions, build_site, check_site
from .config import load_vocabulary
from .errors import BuildFailed, Problem, failure_summary
from .scaffold import new_brief_text, slugify
from .write import OutputError

COMMANDS = ("build", "check", "new")

DESCRIPTION = """\
Build the Armenia–Azerbaijan normalization archive: Markdown briefs in content/ become a
static site in site/.

commands:
  build   validate everything, then build the site into site/ (the default)
  check   validate content and templates only; write nothing
  new     create a new brief with every required field, ready to fill in

Run `build.py COMMAND --help` for a command's options. Exit status: 0 success,
1 content or template errors (site/ left unchanged), 2 usage errors."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "build")
    parser = _parser()
    options = parser.parse_args(args)
    try:
        return options.run(options)
    except BuildFailed as failure:
        _report(failure.problems, options, out_name=_out_name(options))
        return 1
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
    parser.add_argument("--version", action="version", version=f"briefing {ENGINE_VERSION}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    common.add_argument("--content", type=Path, help="content folder (default: ROOT/content)")
    common.add_argument("--templates", type=Path, help="templates folder (default: ROOT/templates)")
    common.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    common.add_argument("--base-url", metavar="URL", help="override base_url from site.yaml, e.g. http://127.0.0.1:8000/")
    common.add_argument("--format", choices=("text", "github"), help="error format (default: github under GitHub Actions, else text)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    common.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build the site (default)", description="Validate all content, then build the site into the output folder; on any error nothing is written.")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    build.set_defaults(run=_run_build)

    check = commands.add_parser("check", parents=[common], help="validate content only", description="Validate content and templates and report every problem as path:line: field: message. Writes nothing.")
    check.set_defaults(run=_run_check)

    new = commands.add_parser("new", parents=[common], help="create a new brief", description="Create content/briefs/YYYY/YYYY-MM-DD-slug.md with every required field; TODO placeholders fail `check` until you replace them.")
    new.add_argument("title", nargs="?", help="title of the brief")
    new.add_argument("--date", help="day of the event, YYYY-MM-DD")
    new.add_argument("--type", dest="milestone_type", help="milestone type id from content/vocabulary.yaml")
    new.add_argument("--actors", help="comma-separated actor ids, parties first")
    new.add_argument("--slug", help="file name part after the date (default: made from the title)")
    new.set_defaults(run=_run_new)
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
    )


def _run_build(args: argparse.Namespace) -> int:
    options = _options(args)
    report = build_site(options)
    if not args.quiet:
        print(
            f"built {report.briefs} briefs into {_display(options.out)}/: {report.files} files, "
            f"{report.bytes / 1e6:.1f} MB in {report.seconds:.2f} s"
        )
    return 0


def _run_check(args: argparse.Namespace) -> int:
    archive = check_site(_options(args))
    if not args.quiet:
        print(f"ok: {len(archive.briefs)} briefs and {len(archive.pages)} pages are valid")
    return 0


def _run_new(args: argparse.Namespace) -> int:
    options = _options(args)
    vocabulary, problems = load_vocabulary(options.root, options.content)
    if vocabulary is None:
        raise BuildFailed(problems)
    title = args.title or _ask("Title", args)
    date_text = args.date or _ask("Date of the event (YYYY-MM-DD)", args)
    milestone_type = args.milestone_type or _ask(f"Milestone type ({', '.join(sorted(vocabulary.ids('types')))})", args)
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        return _usage(f"--date: '{date_text}' is not a date as YYYY-MM-DD")
    if milestone_type not in vocabulary.ids("types"):
        return _usage(f"--type: unknown milestone type '{milestone_type}'; choose one of {', '.join(sorted(vocabulary.ids('types')))}")
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


def _ask(label: str, args: argparse.Namespace) -> str:
    if not sys.stdin.isatty():
        raise SystemExit(_usage(f"missing {label.split(' (')[0].lower()}: give it as an argument (no terminal to ask on)"))
    answer = input(f"{label}: ").strip()
    if not answer:
        raise SystemExit(_usage(f"{label.split(' (')[0].lower()} is required"))
    return answer


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


def _out_name(args: argparse.Namespace) -> str:
    out = getattr(args, "out", None)
    return out.name if out else "site"


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
