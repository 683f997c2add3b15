"""The UI strings of every language: templates/i18n/<code>.yaml for the original's language
and each one site.yaml declares. A translation's file must have exactly the English keys,
the plural forms its language needs and no placeholder the English string lacks; a file
that lacks keys (say, strings added since it was translated) leaves its language unpublished
until they are translated, with a warning naming each, and never breaks the build.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..content.files import relative_name
from ..content.yamldata import YamlProblem, parse_yaml
from ..errors import WARNING, BuildFailed, Problem, did_you_mean
from ..model import SiteConfig
from ..site.dates import UnknownLanguage, counts_in, date_locale, plural_categories
from .render import load_strings

# CLDR's plural categories: a UI string whose value maps some of them (with 'other') to
# texts is written in plural forms, one per category its language has.
ORDER = ("zero", "one", "two", "few", "many", "other")
CATEGORIES = frozenset(ORDER)


@dataclass(frozen=True)
class UiStrings:
    """Every language's UI strings, which languages can be published, and the warnings
    about those that cannot."""

    by_language: Mapping[str, Mapping[str, Any]]
    published: tuple[str, ...]  # translations whose UI files are complete, in site.yaml order
    warnings: tuple[Problem, ...] = ()


def is_plural(value: Any) -> bool:
    """Whether a UI string is written in plural forms (a mapping of CLDR categories)."""
    return isinstance(value, dict) and bool(value) and "other" in value and set(value) <= CATEGORIES


def load_ui_strings(templates: Path, root: Path, config: SiteConfig) -> UiStrings:
    """Read every language's UI strings; raise BuildFailed with every error of every file."""
    original = load_strings(templates, root, config.language)
    english_lines = _lines(templates / "i18n" / f"{config.language}.yaml")
    problems: list[Problem] = []
    warnings: list[Problem] = []
    found: dict[str, Mapping[str, Any]] = {config.language: original}
    english_name = relative_name(templates / "i18n" / f"{config.language}.yaml", root)
    for key, value in original.items():  # the original's own plural forms fit its language
        if is_plural(value):
            problems += _check_plural(value, value, config.language, english_name, english_lines.get((key,), 1), key, english_lines, (key,))
    published = []
    for settings in config.languages:
        code = settings.code
        try:
            date_locale(code)
        except UnknownLanguage as exc:
            problems.append(Problem("content/site.yaml", settings.line, "languages.code", f"{exc} (CLDR, through Babel, has none); use a language tag such as hy, az or ru"))
            continue
        path = templates / "i18n" / f"{code}.yaml"
        name = relative_name(path, root)
        if not path.is_file():
            warnings.append(Problem(name, 1, "file", f"is missing, so the {code} pages are not published; copy templates/i18n/{config.language}.yaml there and translate every string", WARNING))
            continue
        try:
            strings = load_strings(templates, root, code)
        except BuildFailed as failure:
            problems += failure.problems
            continue
        errors, missing = compare_strings(original, strings, code, name, _lines(path), english_lines, config.language)
        problems += errors
        if missing:
            warnings += missing
        elif not errors:
            published.append(code)
            found[code] = strings
    if problems:
        raise BuildFailed(problems)
    return UiStrings(found, tuple(published), tuple(warnings))


def compare_strings(
    english: Mapping[str, Any], strings: Mapping[str, Any], language: str, name: str,
    lines: Mapping[tuple, int], english_lines: Mapping[tuple, int], original: str = "en",
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of a translation's UI strings against the original's: keys it has
    that the original lacks, values of another shape, wrong plural forms and placeholders
    are errors; keys it lacks are warnings (the language is then not published)."""
    errors: list[Problem] = []
    missing: list[Problem] = []
    _compare(english, strings, (), language, name, lines, english_lines, original, errors, missing)
    return errors, missing


def _compare(english, strings, at, language, name, lines, english_lines, original, errors, missing) -> None:
    for key in strings:
        if key not in english:
            field = ".".join(map(str, at + (key,)))
            errors.append(Problem(name, lines.get(at + (key,), 1), field, f"is not a UI string of templates/i18n/{original}.yaml{did_you_mean(key, english)}; remove it or correct its name"))
    for key, value in english.items():
        field = ".".join(map(str, at + (key,)))
        line = lines.get(at + (key,), 1)
        if key not in strings:
            where = english_lines.get(at + (key,), 1)
            missing.append(Problem(name, 1, field, f"is missing (templates/i18n/{original}.yaml:{where} has it), so the {language} pages are not published until every UI string is translated", WARNING))
            continue
        theirs = strings[key]
        if is_plural(value):
            errors.extend(_check_plural(value, theirs, language, name, line, field, lines, at + (key,)))
        elif isinstance(value, dict):
            if not isinstance(theirs, dict):
                errors.append(Problem(name, line, field, f"must be a mapping like the {original} one, with the keys {', '.join(map(str, value))}"))
            else:
                _compare(value, theirs, at + (key,), language, name, lines, english_lines, original, errors, missing)
        elif isinstance(value, str):
            if not isinstance(theirs, str):
                errors.append(Problem(name, line, field, "must be one text, as in the original's file"))
            else:
                errors.extend(_check_placeholders(value, theirs, name, line, field))


def _check_plural(english: dict, theirs: Any, language: str, name: str, line: int, field: str, lines, at) -> list[Problem]:
    needed = plural_categories(language)
    listed = ", ".join(c for c in ORDER if c in needed)
    if not isinstance(theirs, dict):
        return [Problem(name, line, field, f"is written in plural forms: give one text for each of {listed}")]
    problems = []
    for category in sorted(needed - set(theirs), key=ORDER.index):
        problems.append(Problem(name, line, field, f"lacks the plural form '{category}' ({language} writes counts as {listed})"))
    for category in theirs:
        if category not in needed:
            problems.append(Problem(name, lines.get(at + (category,), line), f"{field}.{category}", f"is not a plural form of {language} (it has {listed})"))
    known = set().union(*(_fields(text) or set() for text in english.values() if isinstance(text, str)))
    counted = _fields(english.get("other", "")) or set()
    for category, text in theirs.items():
        if category not in needed:
            continue
        where = lines.get(at + (category,), line)
        if not isinstance(text, str):
            problems.append(Problem(name, where, f"{field}.{category}", "must be a text"))
            continue
        names = _fields(text)
        if names is None:
            problems.append(Problem(name, where, f"{field}.{category}", "has an unmatched '{' or '}'; write {{ or }} for a brace itself"))
            continue
        unknown = names - known
        if unknown:
            problems.append(Problem(name, where, f"{field}.{category}", f"uses {_braced(unknown)}, which the original does not have (it has {_braced(known) or 'none'})"))
        # A form that stands for several counts (Russian 'one' is 1, 21, 31...) must say which.
        if len(counts_in(category, language)) > 1 and counted - names:
            problems.append(Problem(name, where, f"{field}.{category}", f"stands for several counts ({', '.join(map(str, counts_in(category, language)[:4]))}…) so it must show {_braced(counted - names)}"))
    return problems


def _check_placeholders(english: str, theirs: str, name: str, line: int, field: str) -> list[Problem]:
    expected, names = _fields(english) or set(), _fields(theirs)
    if names is None:
        return [Problem(name, line, field, "has an unmatched '{' or '}'; write {{ or }} for a brace itself")]
    problems = []
    if names - expected:
        problems.append(Problem(name, line, field, f"uses {_braced(names - expected)}, which the original does not have (it has {_braced(expected) or 'none'})"))
    if expected - names:
        problems.append(Problem(name, line, field, f"leaves out {_braced(expected - names)}, which the original shows"))
    return problems


def _fields(text: str) -> set[str] | None:
    """The names a format string fills in, or None if it is not one."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return None


def _braced(names: set[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names))


def _lines(path: Path) -> Mapping[tuple, int]:
    """The line of every key path in a YAML file (empty if it cannot be read)."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8")).lines
    except (OSError, UnicodeDecodeError, YamlProblem):
        return {}
