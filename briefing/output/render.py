"""Render planned files through one Jinja environment (the only module that uses Jinja).

Autoescape is on for HTML and XML and undefined variables are errors; a template problem
is reported as `templates/x.html:LINE: template: message` like any content problem.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any, Mapping

import jinja2

from .. import speedups
from ..speedups import jinja as quick_jinja
from ..hashing import digest
from ..site.dates import UnknownLanguage, date_locale, date_span, human_date, language_name, plural_category
from ..errors import BuildFailed, Problem
from ..model import Memo
from ..site.archive import Archive
from ..site.languages import EditionInfo, LanguageLink
from ..site.security import CONTENT_SECURITY_POLICY
from ..site.timeline_svg import render_timeline_svg, type_styles
from ..site.urls import Urls
from ..content.files import is_inside, read_text, relative_name
from ..site.plan import OutputFile
from ..content.schema import check_text_characters
from ..content.yamldata import YamlProblem, parse_yaml


def load_strings(templates: Path, root: Path, language: str) -> Mapping[str, Any]:
    """Read the UI strings for `language` from templates/i18n/<language>.yaml (and check
    that dates can be written in it)."""
    path = templates / "i18n" / f"{language}.yaml"
    name = relative_name(path, root)
    if not path.is_file():
        raise BuildFailed([Problem(name, 1, "file", f"is missing: every UI string for language '{language}' lives there")])
    try:
        date_locale(language)
    except UnknownLanguage as exc:
        raise BuildFailed([Problem(name, 1, "language", f"{exc} (CLDR, through Babel, has none)")]) from None
    text, problem = read_text(path, root, templates, 1024 * 1024)
    if problem:
        raise BuildFailed([problem])
    try:
        parsed = parse_yaml(text or "")
    except YamlProblem as exc:
        raise BuildFailed([Problem(name, exc.line, "yaml", exc.message)]) from None
    data = parsed.data
    if not isinstance(data, dict):
        raise BuildFailed([Problem(name, 1, "yaml", "must be a mapping of string names to texts")])
    # UI strings reach every page, feed and download, like content text.
    problems = [
        Problem(name, parsed.line(key, *at), str(key), message)
        for key, value in data.items()
        for at, string in _strings(value)
        if (message := check_text_characters(string))
    ]
    if problems:
        raise BuildFailed(problems)
    return data


def make_renderer(
    templates: Path, root: Path, archive: Archive, memo: Memo | None = None,
    strings: Mapping[str, Any] | None = None, urls: Urls | None = None, edition: EditionInfo | None = None,
) -> "TemplateRenderer":
    """The renderer for `archive`'s pages in its language: its UI strings (read from
    templates/i18n/ unless given), URLs, timeline figure and globals; `edition` tells the
    templates which languages there are (default: the archive's alone)."""
    strings = strings if strings is not None else load_strings(templates, root, archive.config.language)
    urls = urls or Urls(archive.config.base_url)
    language = archive.config.language
    edition = edition or EditionInfo(language, language, (LanguageLink(language, language_name(language), urls.home()),))
    types = archive.vocabulary.types
    timeline = render_timeline_svg(archive.briefs, types, urls, language, str(strings.get("timeline_figure_label", "")))
    return TemplateRenderer(
        templates, root,
        {
            "site": archive.config, "archive": archive, "urls": urls, "t": strings,
            "vocabulary": archive.vocabulary, "content_security_policy": CONTENT_SECURITY_POLICY,
            "timeline": timeline, "type_styles": type_styles(types), "edition": edition,
        },
        memo=memo,
    )


class SiteRenderer:
    """One TemplateRenderer per language of the site: each planned file is rendered by its
    language's (OutputFile.language; '' for the original's)."""

    def __init__(self, renderers: Mapping[str, "TemplateRenderer"], original: str):
        self.renderers = dict(renderers)
        self.original = original

    def for_language(self, language: str) -> "TemplateRenderer":
        """The renderer of one language ('' for the original's)."""
        return self.renderers[language or self.original]

    @property
    def strings(self) -> Mapping[str, Any]:
        return self.for_language("").strings

    @property
    def globals(self) -> Mapping[str, Any]:
        return self.for_language("").globals

    def template_dependencies(self, name: str):
        return self.for_language("").template_dependencies(name)

    def check_templates(self) -> list[Problem]:
        return self.for_language("").check_templates()  # every language renders the same templates

    def render(self, item: OutputFile) -> str:
        return self.for_language(item.language).render(item)


def _strings(value: Any, at: tuple = ()):
    """Every string in a UI string's value (a text, or a list such as the month names)."""
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, at + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, at + (key,))


class TemplateRenderer:
    """A Jinja environment over templates/ with the site's globals and filters."""

    def __init__(self, templates: Path, root: Path, global_vars: Mapping[str, Any], memo: Memo | None = None):
        """`memo` (the store) keeps compiled templates and what each template depends on."""
        self.templates = templates
        self.root = root
        self._memo = memo
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates), followlinks=False),
            # Compiled once per template source: loaded, not compiled again, next build.
            bytecode_cache=_StoredBytecode(memo) if memo is not None else None,
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=False),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one build never sees a template change: no stat per render
        )
        strings = global_vars.get("t", {})
        self.strings: Mapping[str, Any] = strings
        site = global_vars.get("site")
        language = site.language if site is not None else "en"
        self.env.filters["human_date"] = lambda d: human_date(d, language)
        self.env.filters["date_span"] = lambda start, end=None: date_span(start, end, language)
        self.env.filters["iso"] = lambda d: d.isoformat()
        # A UI string in plural forms, in the form CLDR gives this language for `n`.
        self.env.filters["plural"] = lambda forms, n: forms[plural_category(n, language)] if isinstance(forms, dict) else forms
        self.env.globals.update(global_vars)
        if speedups.enabled():
            quick_jinja.quicken(self.env)
        self._closures: dict[str, tuple[str, frozenset[str], frozenset[str] | None]] = {}
        self._sources_digest: str | None = None

    @property
    def globals(self) -> Mapping[str, Any]:
        """The variables every template can read (site, archive, urls, t, ...)."""
        return self.env.globals

    def check_templates(self) -> list[Problem]:
        """Compile every template up front so all syntax errors show in one run."""
        problems = self._linked_folders()
        for name in sorted(self.env.list_templates()):
            path = self.templates / name
            if not is_inside(path, self.templates):
                problems.append(Problem(relative_name(path, self.root), 1, "template", "is a link that leads outside templates/; links out are refused"))
                continue
            if not name.endswith((".html", ".xml", ".txt", ".json", ".svg")) or name.startswith("static/"):
                continue
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(self._problem(exc, exc.lineno or 1, exc.message or str(exc), name))
        return problems

    def template_dependencies(self, name: str) -> tuple[str, frozenset[str], frozenset[str] | None]:
        """What a page made from template `name` depends on besides its own context.

        Returns a digest of the template and all it extends, includes or imports; the
        variable names they read from outside (globals among them); and which attributes
        of `archive` they read (`config`, `years` ...), or None if they use `archive` whole.
        """
        found = self._closures.get(name)
        if found is None:
            key = self._memo.key("template-dependencies", name, self._all_sources()) if self._memo is not None else ""
            found = self._memo.get(key) if key else None
            if found is None:
                sources: dict[str, str] = {}
                names: set[str] = set()
                reads = self._collect(name, sources, names)
                found = (digest(*(f"{n}\0{sources[n]}" for n in sorted(sources))), frozenset(names), reads)
                if key:
                    self._memo.put(key, found)
            self._closures[name] = found
        return found

    def _all_sources(self) -> str:
        """Digest of every template's name and source (what any closure can depend on)."""
        if self._sources_digest is None:
            parts = []
            for other in sorted(self.env.list_templates()):
                try:
                    parts.append(f"{other}\0{self.env.loader.get_source(self.env, other)[0]}")  # type: ignore[union-attr]
                except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
                    parts.append(f"{other}\0<unreadable>")
            self._sources_digest = digest(*parts)
        return self._sources_digest

    def _collect(self, name: str, sources: dict[str, str], names: set[str]) -> frozenset[str] | None:
        if name in sources:
            return frozenset()
        try:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            sources[name] = "<missing>"
            return frozenset()
        sources[name] = source
        loaded, reads, targets = _template_facts(self.env, source)
        names.update(loaded)
        if targets is None:
            # A template chosen at render time: depend on every template there is.
            for other in self.env.list_templates():
                self._collect(other, sources, names)
            return None
        for other in targets:
            more = self._collect(other, sources, names)
            reads = None if reads is None or more is None else reads | more
        return reads

    def _linked_folders(self) -> list[Problem]:
        # Refused, as in content/: Jinja would read templates through one, but neither the
        # list of templates (the key of their cached dependencies) nor the theme files
        # copied from static/ follow it, so what it holds could change unnoticed.
        problems: list[Problem] = []
        for dirpath, dirnames, _ in os.walk(self.templates):
            for dirname in sorted(dirnames):
                path = Path(dirpath) / dirname
                if not path.is_symlink():
                    continue
                if is_inside(path, self.templates):
                    problems.append(Problem(relative_name(path, self.root), 1, "template", "is a linked folder; links to folders are not followed, move its files here"))
                else:
                    problems.append(Problem(relative_name(path, self.root), 1, "template", "is a linked folder that leads outside templates/; links out are refused"))
        return problems

    def render(self, item: OutputFile) -> str:
        """Render one planned file; raise BuildFailed naming the template line on error."""
        try:
            template = self.env.get_template(item.template)
            return template.render(item.context, page_url=item.url, output_path=item.path)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildFailed([self._problem(exc, exc.lineno or 1, exc.message or str(exc), item.template)]) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildFailed([Problem(f"templates/{item.template}", 1, "template", f"template '{exc.name}' not found")]) from None
        except Exception as exc:  # noqa: BLE001 - any error inside a template is the template's
            name, line = self._template_frame(exc, item.template)
            message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, jinja2.UndefinedError) else str(exc)
            raise BuildFailed([Problem(name, line, "template", f"{message} (while rendering {item.path})")]) from exc

    def _problem(self, exc: Exception, line: int, message: str, fallback: str) -> Problem:
        filename = getattr(exc, "filename", None)
        name = relative_name(Path(filename), self.root) if filename else f"templates/{fallback}"
        return Problem(name, line, "template", message)

    def _template_frame(self, exc: BaseException, fallback: str) -> tuple[str, int]:
        # Jinja rewrites tracebacks so template frames carry the template's file and line.
        frames = traceback.extract_tb(exc.__traceback__)
        root = str(self.templates.resolve())
        for frame in reversed(frames):
            if frame.filename and str(Path(frame.filename).resolve()).startswith(root):
                return relative_name(Path(frame.filename).resolve(), self.root.resolve()), frame.lineno or 1
        return f"templates/{fallback}", 1


# Archive methods and the attribute whose data they read.
_ARCHIVE_METHODS = {"term": "vocabulary", "term_label": "vocabulary"}


def _template_facts(env: jinja2.Environment, source: str) -> tuple[frozenset[str], frozenset[str] | None, tuple[str, ...] | None]:
    """What one template's source says about its dependencies: every name it loads, the
    attributes of `archive` it reads (None: `archive` whole) and the templates it extends,
    includes or imports (None: one chosen at render time). Parsing is slow and a build asks
    for each shared template (base.html, the macros) once per page template and language."""
    key = (source, env.block_start_string, env.variable_start_string, env.comment_start_string, env.line_statement_prefix)
    found = _FACTS.get(key)
    if found is None:
        tree = env.parse(source)
        # Every name loaded anywhere (a superset of what comes from outside): Jinja's own
        # find_undeclared_variables leaves out names that are environment globals.
        loaded = frozenset(node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx == "load")
        targets: list[str] | None = []
        for node in tree.find_all((jinja2.nodes.Extends, jinja2.nodes.Include, jinja2.nodes.Import, jinja2.nodes.FromImport)):
            target = node.template
            if isinstance(target, jinja2.nodes.Const):
                targets.append(target.value)
            elif isinstance(target, (jinja2.nodes.List, jinja2.nodes.Tuple)):
                targets += [c.value for c in target.items if isinstance(c, jinja2.nodes.Const)]
            else:
                targets = None
                break
        found = (loaded, _archive_reads(tree), tuple(targets) if targets is not None else None)
        if len(_FACTS) >= 512:
            _FACTS.clear()  # a dev server editing templates for days: keep it bounded
        _FACTS[key] = found
    return found


# Facts of template sources parsed in this process (by source and syntax settings).
_FACTS: dict[tuple, tuple[frozenset[str], frozenset[str] | None, tuple[str, ...] | None]] = {}


def _archive_reads(tree: jinja2.nodes.Node) -> frozenset[str] | None:
    """The attributes read as `archive.<name>`, or None if `archive` is used any other way."""
    attributes: set[str] = set()
    direct: set[int] = set()
    for node in tree.find_all(jinja2.nodes.Getattr):
        if isinstance(node.node, jinja2.nodes.Name) and node.node.name == "archive":
            direct.add(id(node.node))
            attributes.add(_ARCHIVE_METHODS.get(node.attr, node.attr))
    if any(n.name == "archive" and id(n) not in direct for n in tree.find_all(jinja2.nodes.Name)):
        return None
    return frozenset(attributes)


class _StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in the store (authenticated there), keyed by the template's
    name and source checksum and the engine, never read from a file a checkout supplies."""

    def __init__(self, memo: Memo):
        self._memo = memo

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._memo.get(self._memo.key("bytecode", bucket.key, bucket.checksum))
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._memo.put(self._memo.key("bytecode", bucket.key, bucket.checksum), bucket.bytecode_to_string())
