"""Load content/site.yaml and content/vocabulary.yaml into validated settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Problem
from .files import read_text, relative_name
from ..model import Limits, SiteConfig, SiteLanguage, Term, Vocabulary
from .schema import SITE_FIELDS, TERM_ID, VOCABULARY_FIELDS, Checker, FieldSpec, validate_mapping
from .text_rules import label_keys
from .yamldata import ParsedYaml, YamlProblem, parse_yaml

_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# A repository's address: https, a host, then exactly an owner and a name (the issue-form
# and edit links are made by appending GitHub's paths to it).
_REPOSITORY = re.compile(r"^https://[^/?#@]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# A branch name git accepts and a URL path can carry as it is (no '..', no leading '-' or '/').
_BRANCH = re.compile(r"^(?![-/])(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<![./])$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_CONFIG_MAX_BYTES = 1024 * 1024


def load_yaml_file(path: Path, root: Path, content: Path) -> tuple[ParsedYaml | None, list[Problem]]:
    """Read and parse a whole YAML file inside `content`."""
    name = relative_name(path, root)
    if not path.exists():
        return None, [Problem(name, 1, "file", "is missing")]
    text, problem = read_text(path, root, content, _CONFIG_MAX_BYTES)
    if problem:
        return None, [problem]
    try:
        return parse_yaml(text or ""), []
    except YamlProblem as exc:
        return None, [Problem(name, exc.line, "yaml", exc.message)]


def load_validated(path: Path, root: Path, content: Path, fields: tuple[FieldSpec, ...]):
    """Parse a settings file and check it against `fields`: (name, parsed, values, problems)."""
    name = relative_name(path, root)
    parsed, problems = load_yaml_file(path, root, content)
    if parsed is None:
        return name, None, {}, problems
    values, problems = validate_mapping(parsed.data, fields, Checker(name, parsed, lambda kind: frozenset()))
    return name, parsed, values, problems


def load_site_config(root: Path, content: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    """Load site.yaml; `base_url` (from --base-url) overrides the file's value."""
    name, parsed, values, problems = load_validated(content / "site.yaml", root, content, SITE_FIELDS)
    if parsed is None:
        return None, problems
    if "language" in values and not _LANGUAGE.match(values["language"]):
        problems.append(Problem(name, parsed.line("language"), "language", f"'{values['language']}' is not a language tag such as en or hy"))
    problems += _check_links(name, parsed, values)
    languages, found = _languages(name, parsed, values)
    problems += found
    if problems:
        return None, problems
    limits = Limits(**values.get("limits", {}))
    return (
        SiteConfig(
            title=values["title"],
            description=values["description"],
            base_url=normalise_base_url(base_url or values["base_url"]),
            language=values["language"],
            author=values["author"],
            license=values["license"],
            page_size=values.get("page_size", 20),
            feed_size=values.get("feed_size", 20),
            limits=limits,
            repository=values.get("repository", "").removesuffix("/"),
            repository_branch=values.get("repository_branch", "main"),
            contact=values.get("contact", ""),
            languages=languages,
        ),
        [],
    )


def _check_links(name: str, parsed: ParsedYaml, values: dict[str, Any]) -> list[Problem]:
    """The repository, its branch and the contact address, which readers' links are made of."""
    problems = []
    repository = values.get("repository", "").removesuffix("/")
    if repository and (not _REPOSITORY.match(repository) or repository.endswith(".git")):
        problems.append(Problem(name, parsed.line("repository"), "repository", f"'{repository}' is not a repository's web address such as https://github.com/OWNER/NAME"))
    branch = values.get("repository_branch")
    if branch is not None and not _BRANCH.match(branch):
        problems.append(Problem(name, parsed.line("repository_branch"), "repository_branch", f"'{branch}' is not a branch name such as main"))
    contact = values.get("contact")
    if contact is not None and not _EMAIL.match(contact):
        problems.append(Problem(name, parsed.line("contact"), "contact", f"'{contact}' is not an e-mail address such as corrections@example.org"))
    return problems


def _languages(name: str, parsed: ParsedYaml, values: dict[str, Any]) -> tuple[tuple[SiteLanguage, ...], list[Problem]]:
    """The translations site.yaml declares: well-formed codes, each once, none the original's.
    (Whether CLDR knows a code is checked where its UI strings are read.)"""
    problems: list[Problem] = []
    languages: list[SiteLanguage] = []
    seen = {values.get("language", "")}
    for index, record in enumerate(values.get("languages", ())):
        code = record.get("code")
        if code is None:
            continue
        line = parsed.line("languages", index, "code")
        field = f"languages[{index + 1}].code"
        if not _LANGUAGE.match(code) or code != code.lower():
            problems.append(Problem(name, line, field, f"'{code}' is not a lowercase language tag such as hy or ru"))
        elif code == values.get("language"):
            problems.append(Problem(name, line, field, f"'{code}' is the original's language (`language`); list only the languages it is translated into"))
        elif code in seen:
            problems.append(Problem(name, line, field, f"'{code}' is declared twice"))
        else:
            seen.add(code)
            languages.append(SiteLanguage(code, record.get("title", ""), record.get("description", ""), record.get("author", ""), line))
    return tuple(languages), problems


def normalise_base_url(url: str) -> str:
    """Return the base URL with exactly one trailing slash."""
    return url.rstrip("/") + "/"


def load_vocabulary(root: Path, content: Path) -> tuple[Vocabulary | None, list[Problem]]:
    """Load vocabulary.yaml: types, actors and tags, each with id, label and description."""
    name, parsed, values, problems = load_validated(content / "vocabulary.yaml", root, content, VOCABULARY_FIELDS)
    if parsed is None:
        return None, problems
    kinds: dict[str, tuple[Term, ...]] = {}
    for kind in ("types", "actors", "tags"):
        terms, found = _terms(kind, values.get(kind, []), name, parsed)
        kinds[kind] = terms
        problems.extend(found)
    if problems:
        return None, problems
    return Vocabulary(**kinds), []


def _terms(kind: str, records: list[dict[str, Any]], name: str, parsed: ParsedYaml) -> tuple[tuple[Term, ...], list[Problem]]:
    kept, problems = checked_ids(records, (kind,), kind, name, parsed)
    return tuple(Term(record["id"], record.get("label", ""), record.get("description", "")) for record in kept), problems


def checked_ids(
    records: list[dict[str, Any]], at: tuple, label: str, name: str, parsed: ParsedYaml,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The records of a list (at path `at` of the file, `label` in messages) whose `id` is
    well formed and unique in the list, and a problem for each other one and for each
    label a reader could not tell apart from an earlier one of the list."""
    problems: list[Problem] = []
    kept: list[dict[str, Any]] = []
    seen: set[str] = set()
    labels: dict[str, tuple[int, str]] = {}  # a label key -> (index, label) of the first record with it
    for index, record in enumerate(records):
        if "id" not in record:
            continue
        line = parsed.line(*at, index, "id")
        field = f"{label}[{index + 1}].id"
        if not TERM_ID.fullmatch(record["id"]):
            problems.append(Problem(name, line, field, f"'{record['id']}' must be lowercase letters, digits and hyphens, starting with a letter"))
        elif record["id"] in seen:
            problems.append(Problem(name, line, field, f"'{record['id']}' is defined twice"))
        else:
            seen.add(record["id"])
            kept.append(record)
        if record.get("label"):
            problems += _check_label(at, label, index, record["label"], labels, name, parsed)
    return kept, problems


def _check_label(at: tuple, kind: str, index: int, label: str, labels: dict[str, tuple[int, str]], name: str, parsed: ParsedYaml) -> list[Problem]:
    """A label a reader could not tell apart from an earlier one of the same list."""
    for key in label_keys(label):
        if key in labels:
            other, other_label = labels[key]
            same = "is the same label as" if other_label == label else "looks the same as"
            message = f"'{label}' {same} '{other_label}' ({kind}[{other + 1}], line {parsed.line(*at, other, 'label')}); labels must be unique even after case, width and look-alike letters are set aside"
            return [Problem(name, parsed.line(*at, index, "label"), f"{kind}[{index + 1}].label", message)]
    for key in label_keys(label):
        labels[key] = (index, label)
    return []
