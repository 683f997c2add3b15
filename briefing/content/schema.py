"""The brief schema: one definition of every front matter field, and its validator.

The same field specs drive validation here and the JSON Schema editors use, so the two
cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from .days import real_day
from ..errors import Problem, did_you_mean
from ..model import DIRECTIONS, TRACK_KINDS
from .text_rules import BIDI_CONTROLS, describe_code_point, describe_not_carried, find_not_carried, has_visible_text
from .url_rules import MAX_URL_LENGTH, check_base_url, check_source_url
from .yamldata import BadScalar, ParsedYaml

# Ids become folder names in site/: ASCII lowercase only (case-insensitive file systems
# cannot merge two), [0-9] not `\d` (which accepts any script's digits), short enough for
# every file system. Use them with `fullmatch`: Python's `$` also accepts a final newline.
# (The patterns are shared with the JSON Schema, whose `$` means the very end.)
TERM_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
BRIEF_ID = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
MAX_ID_LENGTH = 100
PLACEHOLDER = "TODO"
# Characters no plain text field may hold: controls (line and paragraph separators
# included, which YAML would fold away unseen), direction marks and overrides, and the
# noncharacters of the first plane. A summary for editors' JSON Schema; the validator's
# own checks (text_rules) are complete and say which character is wrong.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")
_LINE_SEPARATORS = re.compile("[\r\u2028\u2029]")
# Dates the archive accepts: none before this, and none after the day of the build.
EARLIEST_DATE = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class FieldSpec:
    """One front matter field: its name, kind, whether required, and its rule."""

    name: str
    kind: str  # text | texts | date | bool | int | url | term | terms | choice | brief_ids | records | mapping
    required: bool
    description: str
    max_length: int = 0
    vocabulary: str = ""  # for term/terms: a key of TERM_SOURCES ('types', 'actors', 'tracks', ...)
    min_items: int = 0
    item_fields: tuple["FieldSpec", ...] = ()  # for records and mapping
    minimum: int = 0  # for int
    choices: tuple[str, ...] = ()  # for choice: the fixed values allowed


# What each kind of term is called in messages, and where its ids are defined.
TERM_SOURCES = {
    "types": ("milestone type", "content/vocabulary.yaml"),
    "actors": ("actor", "content/vocabulary.yaml"),
    "tags": ("tag", "content/vocabulary.yaml"),
    "tracks": ("track", "content/tracks.yaml"),
    "stances": ("stance", "content/tracks.yaml"),
    "places": ("place", "content/names.yaml"),
    "people": ("person", "content/names.yaml"),
}


SOURCE_FIELDS = (
    FieldSpec("publisher", "text", True, "Who published the source (outlet, ministry, agency).", 200),
    FieldSpec("title", "text", True, "The source's headline or document title.", 300),
    FieldSpec("url", "url", True, f"Address of the source (http or https), as a reader's browser reads it: a public host by its name, no user info, at most {MAX_URL_LENGTH} characters."),
    FieldSpec("date", "date", False, "Publication date shown by the source, YYYY-MM-DD."),
    FieldSpec("archived", "url", False, "Address of an archived copy (http or https), with the same rules as url."),
    FieldSpec("note", "text", False, "Caveat about this source, e.g. a title taken from the URL.", 400),
)

CORRECTION_FIELDS = (
    FieldSpec("date", "date", True, "Day the correction was made, YYYY-MM-DD."),
    FieldSpec("note", "text", True, "What was corrected.", 600),
)

MOVE_FIELDS = (
    FieldSpec("track", "term", True, "Id of the track this milestone moved, from content/tracks.yaml.", vocabulary="tracks"),
    FieldSpec("lane", "text", False, "On a lanes track (e.g. mediation formats): the id of the lane that moved.", 60),
    FieldSpec("to", "text", False, "On a ladder: the id of the level reached; on a lanes track: the lane's new state. Not on an arrows track.", 60),
    FieldSpec("direction", "choice", False, "On an arrows track only: improving or worsening.", choices=DIRECTIONS),
    FieldSpec("as_of", "date", True, "Day the move took effect, YYYY-MM-DD; not before the brief's date."),
    FieldSpec("reason", "text", True, "Why this milestone moved the track, in one sentence.", 300),
    FieldSpec("source", "int", True, "Number of the brief's source that supports the move (1 for the first).", minimum=1),
    FieldSpec("note", "text", False, "Where the judgement is disputed, contestable or rests on uncertain details, and why.", 600),
    FieldSpec("setback", "bool", False, "true for a ladder move to a lower level; required for one."),
)

REACTION_FIELDS = (
    FieldSpec("actor", "term", True, "Actor id from content/vocabulary.yaml of the third party that reacted.", vocabulary="actors"),
    FieldSpec("date", "date", True, "Day of the reaction, YYYY-MM-DD; not before the brief's date."),
    FieldSpec("speaker", "text", True, "Who spoke for the actor, as the source names them.", 200),
    FieldSpec("stance", "term", True, "Stance id from content/tracks.yaml.", vocabulary="stances"),
    FieldSpec("paraphrase", "text", True, "What the actor said, in our own words.", 400),
    FieldSpec("source", "int", True, "Number of the brief's source that reports the reaction (1 for the first).", minimum=1),
    FieldSpec("quote", "text", False, "The actor's words, verbatim, only where the cited source holds them.", 400),
    FieldSpec("note", "text", False, "Where the stance given is contestable: why.", 600),
)

BRIEF_FIELDS = (
    FieldSpec("title", "text", True, "Headline of the brief, plain text.", 200),
    FieldSpec("date", "date", True, "Day of the event, YYYY-MM-DD; must match the file name."),
    FieldSpec("end_date", "date", False, "Last day of a multi-day event, YYYY-MM-DD."),
    FieldSpec("type", "term", True, "Milestone type id from content/vocabulary.yaml.", vocabulary="types"),
    FieldSpec(
        "actors", "terms", True, "Actor ids from content/vocabulary.yaml of those that took part, parties first; a third party that only reacted goes in reactions.",
        vocabulary="actors", min_items=1,
    ),
    FieldSpec("summary", "text", True, "One to three sentences, plain text; shown in lists, feeds and search.", 400),
    FieldSpec(
        "sources", "records", True, "Sources the brief rests on.", min_items=1, item_fields=SOURCE_FIELDS
    ),
    FieldSpec("tags", "terms", False, "Tag ids from content/vocabulary.yaml.", vocabulary="tags"),
    FieldSpec("related", "brief_ids", False, "Ids (file names without .md) of related briefs."),
    FieldSpec("updated", "date", False, "Day of the last substantive update, YYYY-MM-DD."),
    FieldSpec("corrections", "records", False, "Corrections made after publication.", item_fields=CORRECTION_FIELDS),
    FieldSpec("draft", "bool", False, "true keeps the brief out of the site unless built with --drafts."),
    FieldSpec("places", "terms", False, "Place ids from content/names.yaml: where it happened and the places it names.", vocabulary="places"),
    FieldSpec("people", "terms", False, "Person ids from content/names.yaml: the people it names.", vocabulary="people"),
    FieldSpec("moves", "records", False, "What the milestone changed on the tracks of content/tracks.yaml.", item_fields=MOVE_FIELDS),
    FieldSpec("reactions", "records", False, "Public reactions of third parties that did not take part (they are not in actors).", item_fields=REACTION_FIELDS),
)

# The id and label every vocabulary term, track, level and stance has.
ID_FIELD = FieldSpec("id", "text", True, "Stable id: lowercase letters, digits and hyphens.", 60)
LABEL_FIELD = FieldSpec("label", "text", True, "Name shown to readers.", 100)

TERM_FIELDS = (
    ID_FIELD,
    LABEL_FIELD,
    FieldSpec("description", "text", True, "One line explaining the term.", 300),
)

VOCABULARY_FIELDS = tuple(
    FieldSpec(kind, "records", True, f"The {kind} a brief can use.", min_items=1, item_fields=TERM_FIELDS)
    for kind in ("types", "actors", "tags")
)

LEVEL_FIELDS = (
    ID_FIELD,
    LABEL_FIELD,
    FieldSpec("definition", "text", True, "What must be true, and checkable in a source, for this to apply.", 400),
)

TRACK_FIELDS = (
    ID_FIELD,
    LABEL_FIELD,
    FieldSpec("definition", "text", True, "One line saying what the track follows.", 400),
    FieldSpec("kind", "choice", True, "ladder (ordered levels), lanes (lanes with states) or arrows (better or worse).", choices=TRACK_KINDS),
    FieldSpec("levels", "records", False, "A ladder's levels, lowest first; the track starts at the first.", item_fields=LEVEL_FIELDS),
    FieldSpec("lanes", "records", False, "A lanes track's lanes.", item_fields=LEVEL_FIELDS),
    FieldSpec("states", "records", False, "The states a lane of a lanes track can be in.", item_fields=LEVEL_FIELDS),
)

STANCE_FIELDS = (
    ID_FIELD,
    LABEL_FIELD,
    FieldSpec("symbol", "text", True, "A short symbol shown beside the label, e.g. ++.", 5),
    FieldSpec("definition", "text", True, "What a reaction must say to have this stance.", 400),
)

TRACKS_FILE_FIELDS = (
    FieldSpec("stances", "records", True, "The published scale of reactions, most favourable first.", min_items=1, item_fields=STANCE_FIELDS),
    FieldSpec("tracks", "records", True, "The negotiation tracks.", min_items=1, item_fields=TRACK_FIELDS),
)

LIMIT_FIELDS = (
    FieldSpec("max_file_bytes", "int", False, "Largest accepted content file, in bytes.", minimum=1024),
    FieldSpec("max_front_matter_bytes", "int", False, "Largest accepted front matter, in bytes.", minimum=256),
    FieldSpec("max_yaml_values", "int", False, "Most YAML values one file may expand to.", minimum=100),
    FieldSpec("max_body_nesting", "int", False, "Deepest nesting of lists and quotes, and most '[' or '(' open at once, in a body.", minimum=2),
    FieldSpec("max_body_bytes", "int", False, "Largest accepted Markdown body, in bytes.", minimum=1024),
    FieldSpec("max_body_html_bytes", "int", False, "Largest HTML one Markdown body may render to, in bytes (pages and feeds embed it).", minimum=1024),
)

LANGUAGE_FIELDS = (
    FieldSpec("code", "text", True, "Language tag of the translation, e.g. hy; its pages live under /hy/.", 20),
    FieldSpec("title", "text", True, "The site's title in that language.", 200),
    FieldSpec("description", "text", True, "The site's description in that language.", 400),
    FieldSpec("author", "text", False, "Who publishes the archive, in that language (default: as in the original).", 200),
)

SITE_FIELDS = (
    FieldSpec("title", "text", True, "Site title.", 200),
    FieldSpec("description", "text", True, "One-sentence description of the archive.", 400),
    FieldSpec("base_url", "site_url", True, "Absolute address the site is published at, e.g. https://example.org/archive/ (no user info, query or fragment)."),
    FieldSpec("language", "text", True, "Language tag of the content, e.g. en.", 20),
    FieldSpec("author", "text", True, "Who publishes the archive (used in feeds and citations).", 200),
    FieldSpec("license", "text", True, "Licence of the content, e.g. CC BY 4.0.", 100),
    FieldSpec("page_size", "int", False, "Briefs per page on list pages (default 20).", minimum=1),
    FieldSpec("feed_size", "int", False, "Briefs in each feed (default 20).", minimum=1),
    FieldSpec("limits", "mapping", False, "Resource limits for content files.", item_fields=LIMIT_FIELDS),
    FieldSpec(
        "repository", "url", False,
        "Address of the GitHub repository the archive is kept in, e.g. https://github.com/OWNER/NAME: pages then link "
        "to its issue forms and to each brief's source file; without it they show no such links.",
    ),
    FieldSpec("repository_branch", "text", False, "Branch whose files the 'Edit' links open (default main).", 100),
    FieldSpec("contact", "text", False, "E-mail address for reports from readers who do not use GitHub.", 200),
    FieldSpec(
        "languages", "records", False,
        "Languages the archive is translated into, besides `language` (the original's): each one's pages live under "
        "/CODE/ and are published once templates/i18n/CODE.yaml has every UI string.",
        item_fields=LANGUAGE_FIELDS,
    ),
)

PAGE_FIELDS = (
    FieldSpec("title", "text", True, "Page title, plain text.", 200),
    FieldSpec("summary", "text", True, "One sentence describing the page.", 400),
    FieldSpec("order", "int", False, "Position in the site menu (lower comes first)."),
)


# A translation's provenance: how it was made and from which text of the original.
PROVENANCE_FIELDS = (
    FieldSpec("method", "text", True, "How it was translated: human, or machine-assisted (a tool or language model drafted it).", 40),
    FieldSpec("reviewed", "bool", True, "Whether a person checked the whole translation against the original (true for human translations)."),
    FieldSpec("translator", "text", True, "Who translated it, or which tool or model drafted it.", 200),
    FieldSpec("date", "date", True, "Day the translation was made or last brought up to date, YYYY-MM-DD."),
    FieldSpec("original_digest", "text", True, "Digest of the original's text it was made from, as `build.py translations` prints it.", 64),
)
TRANSLATION_METHODS = ("human", "machine-assisted")

# The fields of a translation of a brief or page: translated text and provenance only.
TRANSLATION_FIELDS = (
    FieldSpec("title", "text", True, "The title, translated.", 200),
    FieldSpec("summary", "text", True, "The summary, translated.", 400),
    FieldSpec("corrections", "records", False, "The original's corrections, translated: each with the original's date.", item_fields=CORRECTION_FIELDS),
    FieldSpec("translation", "mapping", True, "How the translation was made.", item_fields=PROVENANCE_FIELDS),
)


@dataclass(frozen=True)
class Checker:
    """What validation needs to know besides the field specs."""

    path: str
    parsed: ParsedYaml
    vocabulary_ids: Callable[[str], frozenset[str]]
    today: dt.date | None = None  # the day of the build: later dates are refused
    # For an unknown id of `kind`, the id it most likely means (e.g. from a spelling), if any.
    suggest: Callable[[str, str], str | None] | None = None


def validate_mapping(
    data: Any, specs: tuple[FieldSpec, ...], checker: Checker, at: tuple = (), label: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """Check a mapping against `specs`; return the clean values and every problem found."""
    problems: list[Problem] = []
    line = checker.parsed.line(*at)
    if not isinstance(data, dict):
        what = label or "front matter"
        return {}, [Problem(checker.path, line, label or "front matter", f"{what} must be a mapping of 'field: value' lines, got {_kind_of(data)}")]
    names = {spec.name for spec in specs}
    for key in data:
        if key not in names:
            hint = did_you_mean(key, names) or f" (allowed: {', '.join(sorted(names))})"
            problems.append(Problem(checker.path, checker.parsed.line(*at, key), _join(label, key), f"unknown field '{key}'{hint}"))
    values: dict[str, Any] = {}
    for spec in specs:
        name = _join(label, spec.name)
        if spec.name not in data or data[spec.name] is None:
            if spec.required:
                where = checker.parsed.line(*at, spec.name) if spec.name in data else line
                problems.append(Problem(checker.path, where, name, "required field is missing"))
            continue
        value, found = _check_value(spec, data[spec.name], checker, at + (spec.name,), name)
        problems.extend(found)
        if not found:
            values[spec.name] = value
    return values, problems


def _check_value(spec: FieldSpec, raw: Any, checker: Checker, at: tuple, name: str) -> tuple[Any, list[Problem]]:
    line = checker.parsed.line(*at)
    if spec.kind == "records":
        return check_records(spec, raw, checker, at, name)
    if spec.kind == "mapping":
        values, problems = validate_mapping(raw, spec.item_fields, checker, at, name)
        return values, problems
    if spec.kind in ("terms", "brief_ids", "texts"):
        return _check_list(spec, raw, checker, at, name)
    value, message = _SCALAR_CHECKS[spec.kind](spec, raw, checker)
    return value, ([Problem(checker.path, line, name, message)] if message else [])


def check_records(spec: FieldSpec, raw: Any, checker: Checker, at: tuple, name: str):
    """A list of records: each entry's valid values (None if it is no list) and the problems."""
    line = checker.parsed.line(*at)
    if not isinstance(raw, list):
        return None, [Problem(checker.path, line, name, f"expected a list of entries starting with '- ', got {_kind_of(raw)}")]
    if len(raw) < spec.min_items:
        return None, [Problem(checker.path, line, name, f"needs at least {spec.min_items} entry")]
    problems: list[Problem] = []
    records = []
    for index, item in enumerate(raw):
        values, found = validate_mapping(item, spec.item_fields, checker, at + (index,), f"{name}[{index + 1}]")
        problems.extend(found)
        records.append(values)
    return records, problems


def _check_list(spec: FieldSpec, raw: Any, checker: Checker, at: tuple, name: str):
    line = checker.parsed.line(*at)
    if not isinstance(raw, list):
        return None, [Problem(checker.path, line, name, f"expected a list such as [a, b], got {_kind_of(raw)}")]
    if len(raw) < spec.min_items:
        return None, [Problem(checker.path, line, name, f"needs at least {spec.min_items} entry")]
    problems: list[Problem] = []
    seen: dict[str, None] = {}  # the items in order, as cleaned (texts with spaces collapsed)
    for index, item in enumerate(raw):
        item_line = checker.parsed.line(*at, index)
        if spec.kind == "terms":
            _, message = _check_term(spec, item, checker)
        elif spec.kind == "texts":
            item, message = _check_text(spec, item, checker)
        else:
            message = _check_brief_id(item)
        if message is None and item in seen:
            message = f"'{item}' is listed twice"
        if message:
            problems.append(Problem(checker.path, item_line, name, message))
        else:
            seen[item] = None
    return tuple(seen), problems


def _check_text(spec: FieldSpec, raw: Any, checker: Checker):
    if isinstance(raw, BadScalar):
        raw = raw.text
    if not isinstance(raw, str):
        return None, f"expected text, got {_kind_of(raw)}; put the value in quotes"
    message = check_plain_text(raw)
    if message:
        return None, message
    text = " ".join(raw.split())
    if spec.max_length and len(text) > spec.max_length:
        return None, f"is {len(text)} characters long; the limit is {spec.max_length}"
    if text.startswith(PLACEHOLDER):
        return None, f"still holds the placeholder '{_shorten(text)}'; replace it"
    return text, None


def check_plain_text(text: str) -> str | None:
    """What is wrong with a plain text value (a title, label, site field), or None.

    It must show something (invisible and blank-looking characters do not count), hold
    only characters XML and JSON can carry, and no direction marks or overrides.
    """
    if not has_visible_text(text):
        return "must not be empty (invisible and blank-looking characters do not count)" if text.strip() else "must not be empty"
    return check_text_characters(text)


def check_text_characters(text: str) -> str | None:
    """Why `text` cannot be shown as plain text in pages, feeds and data, or None: it holds
    a character XML cannot carry, a direction mark or override, or a line separator."""
    bad = find_not_carried(text)
    if bad:
        return describe_not_carried(bad[0])
    bidi = BIDI_CONTROLS.search(text) or _LINE_SEPARATORS.search(text)
    if bidi:
        what = "a direction mark or override" if BIDI_CONTROLS.match(bidi[0]) else "a line or paragraph separator"
        return f"contains {what}, {describe_code_point(bidi[0])}, which would change what readers see; remove it"
    return None


def _check_date(spec: FieldSpec, raw: Any, checker: Checker):
    if isinstance(raw, BadScalar):
        return None, describe_impossible_date(raw.text)
    if isinstance(raw, dt.datetime):
        return None, "must be a day (YYYY-MM-DD) without a time"
    if isinstance(raw, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw.strip()):
        try:
            raw = dt.date.fromisoformat(raw.strip())
        except ValueError:
            return None, describe_impossible_date(raw.strip())
    if isinstance(raw, dt.date):
        return raw, check_date_range(raw, checker.today)
    return None, f"expected a date as YYYY-MM-DD, got {_kind_of(raw)}"


def today_anywhere() -> dt.date:
    """The latest date it is anywhere on Earth now (UTC+14): a brief written on its own day
    in any time zone is not yet in the future. Validation reads the clock; output never does."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()


def check_date_range(day: dt.date, today: dt.date | None) -> str | None:
    """Why a date is outside what the archive accepts (EARLIEST_DATE to `today`), or None."""
    if day < EARLIEST_DATE:
        return f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()}, the earliest date the archive accepts"
    if today is not None and day > today:
        return f"{day.isoformat()} is after the day of this build ({today.isoformat()}); a brief records what has happened"
    return None


_DATE_PARTS = re.compile(r"\s*([0-9]{1,4})-([0-9]{1,2})-([0-9]{1,2})")


def describe_impossible_date(text: str) -> str:
    """Say exactly what is wrong with a YYYY-MM-DD text that is not a date."""
    match = _DATE_PARTS.match(text)
    if not match:
        return f"'{_shorten(text)}' is not a date as YYYY-MM-DD"
    if match.end() != len(text.rstrip()):
        return f"'{_shorten(text)}' is not a date as YYYY-MM-DD (a day, without a time)"
    _, wrong = real_day(*(int(part) for part in match.groups()))
    return f"{wrong} ('{_shorten(text)}')" if wrong else f"'{_shorten(text)}' is not a date as YYYY-MM-DD"


def _check_bool(spec: FieldSpec, raw: Any, checker: Checker):
    if isinstance(raw, bool):
        return raw, None
    return None, f"expected true or false, got {_kind_of(raw)}"


def _check_int(spec: FieldSpec, raw: Any, checker: Checker):
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < spec.minimum:
            return None, f"must be at least {spec.minimum}, got {raw}"
        return raw, None
    return None, f"expected a whole number, got {_kind_of(raw)}"


def _check_url(spec: FieldSpec, raw: Any, checker: Checker):
    return _url_value(raw, check_source_url)


def _check_site_url(spec: FieldSpec, raw: Any, checker: Checker):
    return _url_value(raw, check_base_url)


def _url_value(raw: Any, check: Callable[[str], str | None]):
    if not isinstance(raw, str) or not raw.strip():
        return None, f"expected an http(s) address, got {_kind_of(raw)}"
    url = raw.strip()
    if url.startswith(PLACEHOLDER):
        return None, f"still holds the placeholder '{_shorten(url)}'; replace it"
    message = check(url)
    return (None, message) if message else (url, None)


def _check_term(spec: FieldSpec, raw: Any, checker: Checker):
    known = checker.vocabulary_ids(spec.vocabulary)
    singular, place = TERM_SOURCES[spec.vocabulary]
    if not isinstance(raw, str):
        return None, f"expected a {singular} id, got {_kind_of(raw)}"
    if raw not in known:
        meant = checker.suggest(spec.vocabulary, raw) if checker.suggest else None
        return None, unknown_id_message(singular, raw, known, f"{spec.vocabulary} are listed in {place}", meant)
    return raw, None


def unknown_id_message(singular: str, raw: str, known, listed: str, meant: str | None = None) -> str:
    """`unknown track 'x' (did you mean 'y'? tracks are listed in …)`: an unknown id, the
    id it most likely means (`meant`, else the closest known one) and where they are all listed."""
    hint = f" (did you mean '{meant}'?)" if meant else did_you_mean(raw, known)
    hint = f"{hint[:-1]} {listed})" if hint else f" ({listed})"
    return f"unknown {singular} '{raw}'{hint}"


def _check_choice(spec: FieldSpec, raw: Any, checker: Checker):
    allowed = ", ".join(spec.choices)
    if not isinstance(raw, str) or raw not in spec.choices:
        hint = did_you_mean(raw, spec.choices) if isinstance(raw, str) else ""
        return None, f"expected one of {allowed}, got {_kind_of(raw)}{hint}"
    return raw, None


def _check_brief_id(raw: Any) -> str | None:
    if not isinstance(raw, str) or not BRIEF_ID.fullmatch(raw):
        return f"expected a brief id like 2023-12-07-joint-statement, got {_kind_of(raw)}"
    return None


_SCALAR_CHECKS = {
    "text": _check_text,
    "date": _check_date,
    "bool": _check_bool,
    "int": _check_int,
    "url": _check_url,
    "site_url": _check_site_url,
    "term": _check_term,
    "choice": _check_choice,
}


def _join(label: str, name: str) -> str:
    return f"{label}.{name}" if label else name


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind_of(value: Any) -> str:
    """Describe a YAML value for a message, naming the YAML traps (`no`, `3.10`, dates)."""
    if isinstance(value, BadScalar):
        return f"'{_shorten(value.text)}'"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads yes/no/on/off as booleans)"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return "a date with a time"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"'{_shorten(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
