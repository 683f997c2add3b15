"""`check` warns where a brief names a contested place one way only outside a quotation, or
gives both names in the other order; a warning never fails a check or a build."""

from __future__ import annotations

from briefing.build import check_content
from briefing.content.lint import contested_names
from briefing.content.names import load_names
from conftest import REPO, brief_text
from test_build import build_py

BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"
ARCHIVED = "    archived: https://web.archive.org/web/2023/https://news.az/news/moscow-hails\n"
# Body lines start at line 14 (front matter: 12 lines with the archived copy, then '---').
BODY = """\
The Kalbajar and Lachin districts were to change hands.

Peacekeepers guarded the Lachin corridor, and the Lachin
corridor stayed open; Lachin-corridor traffic resumed.

The statement names the "Kalbajar" and “Lachin” districts, and «Xankəndi».

> Karvachar was handed over, one report said.

Prisoners were held near Shushi/Shusha. Others near Shusha / Shushi.

The town is called Shushi in Armenian and Shusha in Azerbaijani.

See [the map](https://example.org/lachin/) and `Stepanakert` in code, <https://example.org/kalbajar>.

```
Karvachar in a code block
```

- Berdzor
- the Karvachar road

Khankendi's mayor spoke.
"""


def warnings_of(project) -> list[str]:
    return [w.format() for w in check_content(project.options()).warnings if "contested places" in w.message or "other order" in w.message]


def test_one_sided_names_warn_at_their_lines_and_quotations_code_and_pairs_pass(project):
    project.write("content/names.yaml", (REPO / "content/names.yaml").read_text(encoding="utf-8"))
    project.write(BRIEF, brief_text(extra=ARCHIVED, body=BODY))
    one = "outside a quotation this archive gives both names"
    assert warnings_of(project) == [
        f"{BRIEF}:14: body: warning: names Berdzor/Lachin one way only ('Lachin'); {one}, 'Berdzor/Lachin' (contested places are marked in content/names.yaml)",
        f"{BRIEF}:14: body: warning: names Kalbajar/Karvachar one way only ('Kalbajar'); {one}, 'Kalbajar/Karvachar' (contested places are marked in content/names.yaml)",
        f"{BRIEF}:23: body: warning: 'Shushi/Shusha' gives both names of Shusha/Shushi in the other order; write 'Shusha/Shushi' (both names in alphabetical order of their English forms, as every page does)",
        f"{BRIEF}:33: body: warning: names Berdzor/Lachin one way only ('Berdzor'); {one}, 'Berdzor/Lachin' (contested places are marked in content/names.yaml)",
        f"{BRIEF}:34: body: warning: names Kalbajar/Karvachar one way only ('Karvachar'); {one}, 'Kalbajar/Karvachar' (contested places are marked in content/names.yaml)",
        f"{BRIEF}:36: body: warning: names Khankendi/Stepanakert one way only ('Khankendi'); {one}, 'Khankendi/Stepanakert' (contested places are marked in content/names.yaml)",
    ]


def test_a_warning_passes_check_and_build_and_is_listed_by_check(project):
    project.write("content/names.yaml", (REPO / "content/names.yaml").read_text(encoding="utf-8"))
    correction = "corrections:\n  - date: 2024-01-05\n    note: The place was Karvachar, not Shusha/Shushi.\n"
    project.brief(
        extra=ARCHIVED + correction, title="Prisoners freed near Shushi", summary="Freed near Shushi/Shusha, then driven to the Hakari bridge.",
    )
    result = build_py("check", "--all-warnings", cwd=project.root)
    assert result.returncode == 0 and result.stdout == "ok: 1 brief and 0 pages are valid, with 3 warnings\n"
    assert [line.split(": warning: ")[0] for line in result.stderr.splitlines()] == [
        f"{BRIEF}:2: title", f"{BRIEF}:6: summary", f"{BRIEF}:15: corrections[1].note",
    ]
    one_file = build_py("check", BRIEF, cwd=project.root)
    assert one_file.returncode == 0 and one_file.stderr == result.stderr
    built = build_py("-q", "--no-search", cwd=project.root)
    assert built.returncode == 0


def test_a_folded_summary_is_read_as_one_text_and_warned_about_at_the_right_line(project):
    project.write("content/names.yaml", (REPO / "content/names.yaml").read_text(encoding="utf-8"))
    summary = ">-\n  People could leave through the Lachin\n  corridor, by way of Berdzor."
    project.brief(extra=ARCHIVED, summary=summary)
    assert [w.split(": warning: ")[0] for w in warnings_of(project)] == [f"{BRIEF}:8: summary"]


def test_the_bundled_briefs_name_contested_places_by_both_names():
    assert [w for w in check_content(_options()).warnings if "contested places" in w.message or "other order" in w.message] == []


def test_without_contested_places_nothing_is_checked():
    names, _ = load_names(REPO, REPO / "tests")  # no names.yaml there: an empty register
    assert contested_names("a.md", [("body", 1, "Lachin and Kalbajar.", "")], names) == []


def _options():
    from briefing.build import BuildOptions

    return BuildOptions.for_root(REPO)


def test_standalone_pages_are_checked_too(project):
    project.write("content/names.yaml", (REPO / "content/names.yaml").read_text(encoding="utf-8"))
    project.write("content/pages/about.md", "---\ntitle: About\nsummary: What this is.\n---\nWe cover Stepanakert and more.\n")
    assert warnings_of(project) == [
        "content/pages/about.md:5: body: warning: names Khankendi/Stepanakert one way only ('Stepanakert'); outside a quotation "
        "this archive gives both names, 'Khankendi/Stepanakert' (contested places are marked in content/names.yaml)",
    ]
