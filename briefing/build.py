"""One build: load → assemble → plan → render → write, all-or-nothing.

Every stage gathers its problems; the first stage with problems stops the build before
anything is written, so the previous site/ stays as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .archive import Archive, assemble_archive
from .errors import BuildFailed
from .loader import check_selected, load_content
from .plan import check_plan, plan_site
from .render import TemplateRenderer, human_date, load_strings
from .search_index import INDEX_FOLDER, IndexReport, write_search_index
from .security import CONTENT_SECURITY_POLICY
from .timeline_svg import render_timeline_svg, type_classes
from .urls import Urls
from .write import check_output_folder, write_site


@dataclass(frozen=True)
class BuildOptions:
    """Where things are and what to include."""

    root: Path
    content: Path
    templates: Path
    out: Path
    base_url: str | None = None
    drafts: bool = False

    @classmethod
    def for_root(cls, root: Path, **overrides) -> "BuildOptions":
        """Options with the standard layout under a project root."""
        values = {"content": root / "content", "templates": root / "templates", "out": root / "site"}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(root=root, **values)


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    briefs: int
    files: int
    bytes: int
    seconds: float
    search: IndexReport | None = None


def check_site(options: BuildOptions) -> Archive:
    """Load and validate all content and templates; write nothing."""
    content = load_content(options.root, options.content, base_url=options.base_url, drafts=options.drafts)
    archive = assemble_archive(content)
    renderer = _renderer(options, archive)
    plan = plan_site(archive, Urls(archive.config.base_url), renderer.strings)
    problems = renderer.check_templates() + check_plan(plan)
    if problems:
        raise BuildFailed(problems)
    return archive


def check_files(options: BuildOptions, paths: tuple[Path, ...]) -> tuple[int, int]:
    """Validate only these brief or page files (plus cross-brief rules involving them)."""
    return check_selected(options.root, options.content, paths)


def build_site(options: BuildOptions) -> BuildReport:
    """Build the whole site into options.out; raise BuildFailed or OutputError on failure."""
    started = time.perf_counter()
    check_output_folder(options.out, options.root, [options.content, options.templates])
    content = load_content(options.root, options.content, base_url=options.base_url, drafts=options.drafts)
    archive = assemble_archive(content)
    urls = Urls(archive.config.base_url)
    renderer = _renderer(options, archive)
    plan = plan_site(archive, urls, renderer.strings)
    problems = renderer.check_templates() + check_plan(plan)
    if problems:
        raise BuildFailed(problems)
    rendered = [(item.path, item.data if item.data is not None else renderer.render(item).encode("utf-8")) for item in plan]
    rendered.append((".nojekyll", b""))
    static = [(options.templates / "static", "static")] if (options.templates / "static").is_dir() else []
    indexed: list[IndexReport] = []  # filled by the finalize step, which runs inside write_site
    previous_index = options.out / INDEX_FOLDER
    stats = write_site(
        options.out, rendered, static,
        finalize=lambda stage: indexed.append(write_search_index(stage, previous_index)),
    )
    seconds = time.perf_counter() - started
    return BuildReport(len(archive.briefs), stats.files, stats.bytes, seconds, indexed[0] if indexed else None)


def _renderer(options: BuildOptions, archive: Archive) -> TemplateRenderer:
    strings = load_strings(options.templates, options.root, archive.config.language)
    urls = Urls(archive.config.base_url)
    types = archive.vocabulary.types
    timeline = render_timeline_svg(
        archive.briefs, types, urls, lambda day: human_date(day, strings.get("months", ())),
        str(strings.get("timeline_figure_label", "")),
    )
    return TemplateRenderer(
        options.templates,
        options.root,
        {
            "site": archive.config, "archive": archive, "urls": urls, "t": strings,
            "vocabulary": archive.vocabulary, "content_security_policy": CONTENT_SECURITY_POLICY,
            "timeline": timeline, "type_class": type_classes(types),
        },
    )
