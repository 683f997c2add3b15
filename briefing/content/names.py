"""Load content/names.yaml, the names register: every place and person briefs name, with
each language's forms, the spellings readers type, and which places have two names."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

from ..errors import Problem
from ..model import NAME_KINDS, NAME_LANGUAGES, Name, Named, Names
from .config import load_yaml_file
from .files import relative_name
from .schema import MAX_ID_LENGTH, TERM_ID, Checker, FieldSpec, validate_mapping
from .yamldata import ParsedYaml

NAMES_FILE = "names.yaml"
SIDES = ("armenian", "azerbaijani")  # whose name each of a contested place's two names is
_LANGUAGE_NAMES = {"en": "English", "hy": "Armenian", "az": "Azerbaijani", "ru": "Russian"}
_SCRIPTS = {"en": "LATIN", "hy": "ARMENIAN", "az": "LATIN", "ru": "CYRILLIC"}
_SPELLING_LENGTH = 100
# Besides letters and digits, a name may hold spaces, hyphens, apostrophes and full stops
# ('Washington, D.C.' a comma too).
_NAME_MARKS = frozenset(" -'’.,")
_VARIANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 '.,-]*")

FORM_FIELDS = tuple(
    FieldSpec(
        language, "texts", language == "en", f"How {_LANGUAGE_NAMES[language]} writes it, most usual form first.", _SPELLING_LENGTH,
        min_items=1 if language == "en" else 0,
    )
    for language in NAME_LANGUAGES
)
_VARIANTS = FieldSpec("variants", "texts", False, "Other spellings readers type, in plain ASCII (e.g. Pashinian, Nakhichevan).", _SPELLING_LENGTH)
SIDE_FIELDS = (
    FieldSpec("used_by", "text", True, "Whose name it is: armenian or azerbaijani.", 20),
    FieldSpec("forms", "mapping", True, "The name in each language (en required).", item_fields=FORM_FIELDS),
    _VARIANTS,
)
PLACE_FIELDS = (
    FieldSpec("id", "text", True, "Stable id: lowercase letters, digits and hyphens.", MAX_ID_LENGTH),
    FieldSpec("contested", "bool", False, "true when the two sides call the place by different names."),
    FieldSpec("official", "text", False, "An uncontested place's official name in English, shown on every page.", _SPELLING_LENGTH),
    FieldSpec("forms", "mapping", False, "An uncontested place's name in each language (en required).", item_fields=FORM_FIELDS),
    _VARIANTS,
    FieldSpec("names", "records", False, "A contested place's two names, each with its forms.", item_fields=SIDE_FIELDS),
    FieldSpec("note", "text", False, "One line on what the place is.", 400),
)
PERSON_FIELDS = (
    FieldSpec("id", "text", True, "Stable id: lowercase letters, digits and hyphens.", MAX_ID_LENGTH),
    FieldSpec("forms", "mapping", True, "The name in each language (en required; the first is shown).", item_fields=FORM_FIELDS),
    _VARIANTS,
    FieldSpec("role", "text", False, "One line on who the person is, as the briefs describe them.", 400),
)
NAMES_FIELDS = (
    FieldSpec("places", "records", False, "Places briefs name.", item_fields=PLACE_FIELDS),
    FieldSpec("people", "records", False, "People briefs name.", item_fields=PERSON_FIELDS),
)


def load_names(root: Path, content: Path) -> tuple[Names | None, list[Problem]]:
    """The names register (empty when content/names.yaml does not exist), or None and
    every problem of the file."""
    path = content / NAMES_FILE
    if not path.exists() and not path.is_symlink():
        return Names(), []
    parsed, problems = load_yaml_file(path, root, content)
    if parsed is None:
        return None, problems
    name = relative_name(path, root)
    if parsed.data is None:
        return Names(), []
    if not isinstance(parsed.data, dict):
        return None, [Problem(name, 1, "file", "must be a mapping with 'places:' and 'people:' lists")]
    checker = Checker(name, parsed, lambda kind: frozenset())
    # Each record is checked on its own, so one record's problems do not hide the others'.
    _, problems = validate_mapping({k: v for k, v in parsed.data.items() if k not in NAME_KINDS}, NAMES_FIELDS, checker)
    records: dict[str, list[dict[str, Any]]] = {}
    for spec in NAMES_FIELDS:
        raw = parsed.data.get(spec.name)
        if raw is None:
            records[spec.name] = []
        elif not isinstance(raw, list):
            problems.append(Problem(name, parsed.line(spec.name), spec.name, "expected a list of entries starting with '- '"))
            records[spec.name] = []
        else:
            records[spec.name] = []
            for index, item in enumerate(raw):
                values, found = _lenient(item, spec.item_fields, checker, (spec.name, index), f"{spec.name}[{index + 1}]")
                problems += found
                records[spec.name].append(values)
    reader = _Reader(name, parsed, problems)
    places = tuple(reader.place(index, record) for index, record in enumerate(records["places"]))
    people = tuple(reader.person(index, record) for index, record in enumerate(records["people"]))
    reader.check_spellings()
    if reader.problems:
        return None, reader.problems
    return Names(_in_label_order(places), _in_label_order(people)), []  # type: ignore[arg-type]


def _lenient(raw: Any, specs: tuple[FieldSpec, ...], checker: Checker, at: tuple, label: str) -> tuple[dict[str, Any], list[Problem]]:
    """validate_mapping, keeping the valid parts of a mapping or list of records that has
    problems (already reported), so the rules across fields still run on them."""
    values, problems = validate_mapping(raw, specs, checker, at, label)
    if isinstance(raw, dict):
        for spec in specs:
            value = raw.get(spec.name)
            if spec.name in values or value is None:
                continue
            if spec.kind == "mapping" and isinstance(value, dict):
                values[spec.name] = _lenient(value, spec.item_fields, checker, at + (spec.name,), f"{label}.{spec.name}")[0]
            elif spec.kind == "records" and isinstance(value, list):
                values[spec.name] = [
                    _lenient(item, spec.item_fields, checker, at + (spec.name, i), f"{label}.{spec.name}[{i + 1}]")[0]
                    for i, item in enumerate(value)
                ]
    return values, problems


def _in_label_order(entries: tuple[Named | None, ...]) -> tuple[Named, ...]:
    return tuple(sorted((e for e in entries if e is not None), key=lambda e: (sort_key(e.label), e.id)))


def sort_key(text: str) -> str:
    """How names are put in alphabetical order: case and accents aside (Şuşa with Shusha)."""
    return fold(text)


def fold(text: str) -> str:
    """`text` lowercased, without accents and with 'ə' as 'e': how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ə", "e"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Reader:
    """Turns validated records into register entries, adding the rules across fields."""

    def __init__(self, path: str, parsed: ParsedYaml, problems: list[Problem]):
        self.path = path
        self.parsed = parsed
        self.problems = list(problems)
        self.ids: dict[str, set[str]] = {kind: set() for kind in NAME_KINDS}
        # Every spelling read, in file order: (whose it is, the spelling, where, field).
        self.spelled: list[tuple[str, str, tuple, str]] = []

    def problem(self, at: tuple, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.parsed.line(*at), field, message))

    def raw(self, kind: str, index: int) -> dict[str, Any]:
        """The record as written (for telling a missing field from an invalid one)."""
        record = self.parsed.data[kind][index]
        return record if isinstance(record, dict) else {}

    def place(self, index: int, record: dict[str, Any]) -> Named | None:
        at, label = ("places", index), f"places[{index + 1}]"
        entry_id = self.entry_id("places", at, label, record)
        contested = record.get("contested", False)
        if contested:
            for field in ("official", "forms", "variants"):
                if field in record:
                    self.problem(at + (field,), f"{label}.{field}", (
                        "a contested place is shown by both its names, so it has no one official name; leave 'official' out"
                        if field == "official" else f"a contested place gives its {field} under each of its two names (names[1].{field}, names[2].{field})"
                    ))
            names = self.sides(at, label, record, entry_id)
        else:
            if "names" in self.raw("places", index):
                self.problem(at + ("names",), f"{label}.names", "only a contested place (contested: true) has two names; give an uncontested place's forms under 'forms'")
            names = self.official(at, label, record, entry_id)
        if entry_id is None or names is None:
            return None
        return Named(entry_id, names, bool(contested), record.get("note", ""))

    def person(self, index: int, record: dict[str, Any]) -> Named | None:
        at, label = ("people", index), f"people[{index + 1}]"
        entry_id = self.entry_id("people", at, label, record)
        if entry_id is None or "en" not in record.get("forms", {}):
            return None
        forms = self.forms(at, label, record, entry_id)
        variants = self.variants(at, label, record, entry_id)
        return Named(entry_id, (Name(forms[0][1][0], forms, variants),), False, record.get("role", ""))

    def entry_id(self, kind: str, at: tuple, label: str, record: dict[str, Any]) -> str | None:
        entry_id = record.get("id")
        if entry_id is None:
            return None
        if not TERM_ID.fullmatch(entry_id):
            self.problem(at + ("id",), f"{label}.id", f"'{entry_id}' must be lowercase letters, digits and hyphens, starting with a letter")
            return None
        if entry_id in self.ids[kind]:
            self.problem(at + ("id",), f"{label}.id", f"'{entry_id}' is defined twice")
            return None
        self.ids[kind].add(entry_id)
        return entry_id

    def official(self, at: tuple, label: str, record: dict[str, Any], owner: str | None) -> tuple[Name, ...] | None:
        if "en" not in record.get("forms", {}):
            if "forms" not in self.raw("places", at[1]):
                self.problem(at, f"{label}.forms", "required field is missing: an uncontested place lists its forms (en at least)")
            return None
        forms = self.forms(at, label, record, owner)
        official = record.get("official")
        if official is None:
            if "official" not in self.raw("places", at[1]):
                self.problem(at, f"{label}.official", "required field is missing: an uncontested place is shown by its official name")
            return None
        english = dict(forms).get("en", ())
        if official not in english:
            self.problem(at + ("official",), f"{label}.official", f"'{official}' is not one of forms.en; list it there too, so search finds it")
        return (Name(official, forms, self.variants(at, label, record, owner)),)

    def sides(self, at: tuple, label: str, record: dict[str, Any], owner: str | None) -> tuple[Name, ...] | None:
        sides = record.get("names")
        if sides is None:
            if "names" not in self.raw("places", at[1]):
                self.problem(at, f"{label}.names", "required field is missing: a contested place lists its two names, the Armenian and the Azerbaijani one")
            return None
        if len(sides) != 2:
            self.problem(at + ("names",), f"{label}.names", f"a contested place has exactly two names, the Armenian and the Azerbaijani one (found {len(sides)})")
            return None
        names: list[Name] = []
        for number, side in enumerate(sides):
            side_at, side_label = at + ("names", number), f"{label}.names[{number + 1}]"
            used_by = side.get("used_by")
            if used_by is not None and used_by not in SIDES:
                self.problem(side_at + ("used_by",), f"{side_label}.used_by", f"'{used_by}' must be one of: {', '.join(SIDES)}")
            elif used_by is not None and any(n.used_by == used_by for n in names):
                self.problem(side_at + ("used_by",), f"{side_label}.used_by", f"both names are marked '{used_by}'; one is armenian and the other azerbaijani")
            if "en" not in side.get("forms", {}) or used_by is None:
                continue
            whose = f"{owner} ({side['forms']['en'][0]})" if owner else None
            forms = self.forms(side_at, side_label, side, whose)
            names.append(Name(forms[0][1][0], forms, self.variants(side_at, side_label, side, whose), used_by))
        if len(names) != 2:
            return None
        # The one mechanical order, used everywhere: alphabetical by the English forms.
        return tuple(sorted(names, key=lambda n: (sort_key(n.display), n.display)))

    def forms(self, at: tuple, label: str, record: dict[str, Any], owner: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        found = record["forms"]
        for language in NAME_LANGUAGES:
            for number, form in enumerate(found.get(language, ())):
                if owner:
                    self.spelled.append((owner, form, at + ("forms", language, number), f"{label}.forms.{language}"))
                wrong = _wrong_script(form, _SCRIPTS[language])
                if wrong:
                    script = _SCRIPTS[language].capitalize()
                    self.problem(
                        at + ("forms", language, number), f"{label}.forms.{language}",
                        f"'{form}' has {wrong}, but {_LANGUAGE_NAMES[language]} forms here are written in {script} letters",
                    )
        return tuple((language, found[language]) for language in NAME_LANGUAGES if found.get(language))

    def variants(self, at: tuple, label: str, record: dict[str, Any], owner: str | None) -> tuple[str, ...]:
        variants = record.get("variants", ())
        for number, variant in enumerate(variants):
            if owner:
                self.spelled.append((owner, variant, at + ("variants", number), f"{label}.variants"))
            if not _VARIANT.fullmatch(variant):
                self.problem(
                    at + ("variants", number), f"{label}.variants",
                    f"'{variant}' is not plain ASCII; variants are spellings typed on any keyboard, so put it under forms",
                )
        return variants

    def check_spellings(self) -> None:
        """One spelling names one place or person: search and the contested-name check
        could not tell two entries apart (compared without case or accents)."""
        owners: dict[str, str] = {}
        for owner, spelling, at, field in self.spelled:
            other = owners.setdefault(fold(spelling), owner)
            if other != owner:
                self.problem(at, field, f"'{spelling}' is also a spelling of {other}; a spelling may name only one place or person")


def _wrong_script(text: str, script: str) -> str:
    """'the letter X' when `text` holds a letter of another script than `script`, else ''."""
    for character in text:
        if character in _NAME_MARKS or character.isdigit():
            continue
        if not character.isalpha() and not unicodedata.combining(character):
            return f"the character '{character}'"
        if character.isalpha() and not unicodedata.name(character, "").startswith(script):
            return f"the letter '{character}'"
    return ""


def names_suggester(names: Names) -> Callable[[str, str], str | None]:
    """For an unknown place or person id in a brief, the id it most likely means: the
    entry one of whose spellings it is ('stepanakert', 'Pashinian'), else the closest id."""
    slugs: dict[str, dict[str, str]] = {}  # made at the first unknown id: most briefs have none

    def suggest(kind: str, raw: str) -> str | None:
        if kind not in NAME_KINDS:
            return None
        if not slugs:
            for each in NAME_KINDS:
                slugs[each] = {_slug(s): entry.id for entry in names.kind(each) for s in (entry.id, *entry.spellings)}
        slug = _slug(raw)
        if slug in slugs[kind]:
            return slugs[kind][slug]
        close = difflib.get_close_matches(slug, sorted(slugs[kind]), n=1, cutoff=0.75)
        return slugs[kind][close[0]] if close else None

    return suggest


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[^\W_]+", fold(text)))
