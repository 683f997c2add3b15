"""The names register (content/names.yaml): the bundled one, its rules as `path:line:
field: message` problems all in one run, and briefs' place and person ids checked against
it with a did-you-mean from any spelling."""

from __future__ import annotations

import subprocess
import sys

from briefing.content.layout import unknown_file_message
from briefing.content.names import load_names
from conftest import REPO, brief_text
from test_content_errors import problems_of

NAMES = "content/names.yaml"
BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"

# A register with one mistake of each kind; the number at the end of a line is its line.
BROKEN = """\
places:
  - id: Stepanakert
    official: Stepanakert
    forms: {en: [Stepanakert]}
  - id: baku
    official: Bakou
    forms: {en: [Baku], hy: [Baku], az: [Bakı], ru: [Баку], fr: [Bakou]}
    variants: [Bakı]
  - id: baku
    official: Baku
    forms: {en: [Baku]}
  - id: lachin
    official: Lachin
    forms: {en: [Lachin]}
    names:
      - used_by: armenian
        forms: {en: [Berdzor]}
  - id: shusha-shushi
    contested: true
    official: Shusha
    names:
      - used_by: armenian
        forms: {en: [Shushi]}
      - used_by: turkish
        forms: {en: [Şuşa]}
  - id: kalbajar-karvachar
    contested: true
    names:
      - used_by: azerbaijani
        forms: {en: [Kalbajar]}
  - id: sochi
    forms: {en: [Sochi], ru: [Sochi]}
  - id: yerevan
    official: Yerevan
    forms: {en: [Yerevan, Ереван]}
    variants: [Lachin]
people:
  - id: nikol-pashinyan
    variants: [Pashinian]
  - id: ilham-aliyev
    forms: {en: [Ilham Aliyev], hy: [Ilham Aliyev]}
    role: President of Azerbaijan
    title: President
"""


def test_the_bundled_register_is_valid_and_contested_places_keep_the_mechanical_order():
    names, problems = load_names(REPO, REPO / "content")
    assert problems == [] and names is not None
    assert (len(names.places), len(names.people)) == (61, 22)
    contested = {entry.id: entry.label for entry in names.places if entry.contested}
    assert contested == {
        "berdzor-lachin": "Berdzor/Lachin", "kalbajar-karvachar": "Kalbajar/Karvachar",
        "khankendi-stepanakert": "Khankendi/Stepanakert", "shusha-shushi": "Shusha/Shushi",
    }
    for entry in names.places:
        if entry.contested:
            # Alphabetical by English form, whichever side's name that is.
            assert [n.display for n in entry.names] == sorted((n.display for n in entry.names), key=str.casefold)
            assert {n.used_by for n in entry.names} == {"armenian", "azerbaijani"}
    labels = [entry.label for entry in names.places]
    assert labels == sorted(labels, key=lambda label: label.casefold().replace("ç", "c"))


def test_every_mistake_in_the_register_is_reported_in_one_run(project):
    project.write(NAMES, BROKEN)
    assert problems_of(project) == [
        f"{NAMES}:2: places[1].id: 'Stepanakert' must be lowercase letters, digits and hyphens, starting with a letter",
        f"{NAMES}:6: places[2].official: 'Bakou' is not one of forms.en; list it there too, so search finds it",
        f"{NAMES}:7: places[2].forms.fr: unknown field 'fr' (allowed: az, en, hy, ru)",
        f"{NAMES}:7: places[2].forms.hy: 'Baku' has the letter 'B', but Armenian forms here are written in Armenian letters",
        f"{NAMES}:8: places[2].variants: 'Bakı' is not plain ASCII; variants are spellings typed on any keyboard, so put it under forms",
        f"{NAMES}:9: places[3].id: 'baku' is defined twice",
        f"{NAMES}:15: places[4].names: only a contested place (contested: true) has two names; give an uncontested place's forms under 'forms'",
        f"{NAMES}:20: places[5].official: a contested place is shown by both its names, so it has no one official name; leave 'official' out",
        f"{NAMES}:24: places[5].names[2].used_by: 'turkish' must be one of: armenian, azerbaijani",
        f"{NAMES}:28: places[6].names: a contested place has exactly two names, the Armenian and the Azerbaijani one (found 1)",
        f"{NAMES}:31: places[7].official: required field is missing: an uncontested place is shown by its official name",
        f"{NAMES}:32: places[7].forms.ru: 'Sochi' has the letter 'S', but Russian forms here are written in Cyrillic letters",
        f"{NAMES}:35: places[8].forms.en: 'Ереван' has the letter 'Е', but English forms here are written in Latin letters",
        f"{NAMES}:36: places[8].variants: 'Lachin' is also a spelling of lachin; a spelling may name only one place or person",
        f"{NAMES}:38: people[1].forms: required field is missing",
        f"{NAMES}:41: people[2].forms.hy: 'Ilham Aliyev' has the letter 'I', but Armenian forms here are written in Armenian letters",
        f"{NAMES}:43: people[2].title: unknown field 'title' (allowed: forms, id, role, variants)",
    ]
    # Once the file's own rules pass, the rules across entries: scripts and shared spellings.
    project.write(NAMES, """\
places:
  - id: baku
    official: Baku
    forms: {en: [Baku], hy: [Baku], az: [Bakı]}
    variants: [Bakı]
  - id: lachin
    official: Lachin
    forms: {en: [Lachin]}
  - id: yerevan
    official: Yerevan
    forms: {en: [Yerevan]}
    variants: [LACHIN]
""")
    assert problems_of(project) == [
        f"{NAMES}:4: places[1].forms.hy: 'Baku' has the letter 'B', but Armenian forms here are written in Armenian letters",
        f"{NAMES}:5: places[1].variants: 'Bakı' is not plain ASCII; variants are spellings typed on any keyboard, so put it under forms",
        f"{NAMES}:12: places[3].variants: 'LACHIN' is also a spelling of lachin; a spelling may name only one place or person",
    ]


def test_a_yaml_mistake_in_the_register_is_reported_at_its_line(project):
    project.write(NAMES, "places:\n  - id: baku\n    official: Baku\n    forms: {en: [Baku]\n")
    [problem] = problems_of(project)
    assert problem.startswith(f"{NAMES}:4: yaml: ")


def test_unknown_place_and_person_ids_in_briefs_suggest_the_entry_one_run(project):
    project.write(NAMES, (REPO / NAMES).read_text(encoding="utf-8"))
    text = brief_text().replace("actors: [armenia, azerbaijan]\n", "actors: [armenia, azerbaijan]\nplaces: [stepanakert, berdzor-lachn, zzz-nowhere]\npeople: [Pashinian]\n")
    project.write(BRIEF, text)
    assert problems_of(project) == sorted([
        f"{BRIEF}:6: places: unknown place 'stepanakert' (did you mean 'khankendi-stepanakert'? places are listed in content/names.yaml)",
        f"{BRIEF}:6: places: unknown place 'berdzor-lachn' (did you mean 'berdzor-lachin'? places are listed in content/names.yaml)",
        f"{BRIEF}:6: places: unknown place 'zzz-nowhere' (places are listed in content/names.yaml)",
        f"{BRIEF}:7: people: unknown person 'Pashinian' (did you mean 'nikol-pashinyan'? people are listed in content/names.yaml)",
    ])


def test_without_a_register_places_are_unknown_and_with_a_broken_one_briefs_are_still_checked(project):
    project.write(BRIEF, brief_text().replace("actors: [armenia, azerbaijan]\n", "actors: [armenia, azerbaijan]\nplaces: [baku]\n"))
    assert problems_of(project) == [f"{BRIEF}:6: places: unknown place 'baku' (places are listed in content/names.yaml)"]
    # A broken register: its problems, and the brief's other problems, in the same run.
    project.write(NAMES, "places:\n  - id: baku\n")
    project.write(BRIEF, brief_text().replace("type: statement", "type: zzz").replace("actors: [armenia, azerbaijan]\n", "actors: [armenia, azerbaijan]\nplaces: [baku]\n"))
    assert problems_of(project) == [
        f"{BRIEF}:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)",
        f"{NAMES}:2: places[1].forms: required field is missing: an uncontested place lists its forms (en at least)",
    ]


def test_the_command_line_reports_register_problems_and_exits_1(project):
    project.write(NAMES, BROKEN)
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check", "--root", str(project.root)], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert f"{NAMES}:9: places[3].id: 'baku' is defined twice" in lines
    assert lines[-1] == "check failed: 17 errors in 1 file"


def test_names_yaml_is_a_known_content_file(project):
    project.write(NAMES, "places: []\npeople: []\n")
    assert problems_of(project) == []
    assert "did you mean content/names.yaml?" in unknown_file_message("name.yaml")
