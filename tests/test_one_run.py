"""Every problem in one run: rules across briefs alongside field rules, YAML errors at their
real line with a plain hint while the rest of the file and of the project is still checked."""

from __future__ import annotations

import pytest

from conftest import brief_text
from test_build import build_py
from test_content_errors import PATH, VALID, problems_of, with_line

OTHER = "content/briefs/2023/2023-12-08-other.md"


def test_field_errors_and_a_bad_related_id_in_one_run(project):
    project.write(PATH, with_line(with_line(brief_text(extra="related: [2023-12-13-handover]\n"), "type: statement", "type: zzz"), "actors: [armenia, azerbaijan]", "actors: []"))
    assert problems_of(project) == [
        f"{PATH}:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)",
        f"{PATH}:5: actors: needs at least 1 entry",
        f"{PATH}:12: related: no brief has the id '2023-12-13-handover'",
    ]


def test_a_brief_with_errors_still_counts_as_existing_for_related(project):
    project.write(PATH, with_line(VALID, "type: statement", "type: zzz"))
    project.write(OTHER, brief_text(date="2023-12-08", extra="related: [2023-12-07-joint-statement]\n"))
    assert problems_of(project) == [f"{PATH}:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)"]


def test_duplicate_ids_are_reported_even_when_one_brief_has_errors(project):
    project.brief()
    project.write("content/briefs/2024/2023-12-07-joint-statement.md", with_line(VALID, "title: Joint statement on prisoners", "title: yes"))
    found = problems_of(project)
    assert f"{PATH}:1: id: '2023-12-07-joint-statement' is also the id of content/briefs/2024/2023-12-07-joint-statement.md; ids must be unique" in found
    assert any(":2: title: expected text" in line for line in found)


# Fixtures: (name, front matter lines after '---', the line and the message expected).
YAML_CASES = [
    ("tab in indentation",
     "title: Joint statement\ndate: 2023-12-07\nsources:\n\t- publisher: News.Az\n",
     5, "this line is indented with a tab; YAML allows only spaces there: replace the tab with spaces"),
    ("unclosed double quote",
     'title: "Joint statement\ndate: 2023-12-07\ntype: statement\nactors: [armenia]\nsummary: s\nsources: []\n',
     2, 'the quote (") that opens this value is never closed, so the value runs on to the end of the front matter; end the value with " on this line, or remove the quote'),
    ("unclosed single quote closed by a later apostrophe",
     "title: 'Joint statement\ndate: 2023-12-07\ntype: statement\nsummary: It's agreed\n",
     2, "the quote (') that opens this value is never closed, so the value runs on into line 3 and on; end the value with ' on this line, or remove the quote"),
    ("unquoted colon",
     "title: Joint statement\nsummary: Baku said: talks go on\n",
     3, "the value contains ': ', which YAML reads as the start of another field; put the whole value in quotes: summary: \"Baku said: talks go on\""),
    ("unclosed list",
     "title: Joint statement\nactors: [armenia, azerbaijan\ntype: statement\n",
     3, "the list opened with '[' on this line is not closed: end it with ']' on the same line, and put items that contain ',' or ':' in quotes"),
    ("line without a colon",
     "title Joint statement\ndate: 2023-12-07\n",
     2, "this line has no ':' after its field name; write 'field: value'"),
    ("value starting with a reserved character",
     "title: @home talks\n",
     2, "a value cannot start with '@' in YAML; put the whole value in quotes"),
]


@pytest.mark.parametrize("front,line,message", [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_yaml_errors_at_their_real_line_with_a_plain_hint(project, front, line, message):
    project.write(PATH, f"---\n{front}---\nBody.\n")
    yaml_problems = [p for p in problems_of(project) if ": yaml: " in p]
    assert yaml_problems == [f"{PATH}:{line}: yaml: {message}"]


def test_a_yaml_error_hides_nothing_else_in_the_file(project):
    # A tab in `sources`, an unquoted colon in `summary`, an unknown type and an empty body.
    text = with_line(VALID, "  - publisher: News.Az", "\t- publisher: News.Az")
    text = with_line(text, "summary: The two governments agreed to release detained servicemen.", "summary: Baku said: yes")
    text = with_line(text, "type: statement", "type: zzz")
    text = text.split("---\n")[0] + "---\n" + text.split("---\n")[1] + "---\n\n"
    project.write(PATH, text)
    assert problems_of(project) == [
        f"{PATH}:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)",
        f"{PATH}:6: yaml: the value contains ': ', which YAML reads as the start of another field; put the whole value in quotes: summary: \"Baku said: yes\"",
        f"{PATH}:8: yaml: this line is indented with a tab; YAML allows only spaces there: replace the tab with spaces",
        f"{PATH}:13: body: is empty; write the brief below the closing '---'",
    ]


def test_a_quote_that_swallows_fields_is_refused_even_when_the_yaml_parses(project):
    # A later quote closes the open one, so PyYAML reads one long title holding date and type.
    text = with_line(VALID, "title: Joint statement on prisoners", "title: 'Joint statement on prisoners")
    text = with_line(text, "summary: The two governments agreed to release detained servicemen.", "summary: It's agreed'")
    project.write(PATH, text)
    assert f"{PATH}:2: yaml: the quote (') that opens this value is never closed, so the value runs on into line 3 and on; end the value with ' on this line, or remove the quote" in problems_of(project)


def test_a_broken_vocabulary_does_not_stop_the_briefs_being_checked(project):
    vocabulary = project.root / "content/vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("  - id: summit\n", "  - id: summit\n\tx: 1\n"))
    project.write(PATH, with_line(VALID, "summary: The two governments agreed to release detained servicemen.\n", ""))
    found = problems_of(project)
    assert found == [
        f"{PATH}:1: summary: required field is missing",
        "content/vocabulary.yaml:9: yaml: this line is indented with a tab; YAML allows only spaces there: replace the tab with spaces",
    ]  # and no 'unknown type' noise: ids cannot be checked against a vocabulary that cannot be read


def test_a_broken_site_yaml_and_broken_briefs_in_one_run(project):
    (project.root / "content/site.yaml").write_text("title: 'Test\nbase_url: https://example.org/\n")
    project.write(PATH, with_line(VALID, "type: statement", "type: zzz"))
    result = build_py("check", cwd=project.root)
    assert result.returncode == 1
    assert "content/site.yaml:1: yaml: the quote (') that opens this value is never closed" in result.stderr
    assert f"{PATH}:4: type: unknown milestone type 'zzz'" in result.stderr


def test_two_files_with_yaml_errors_and_a_page_in_one_run(project):
    project.write(PATH, "---\ntitle: Note: x\n---\nBody\n")
    project.write(OTHER, "---\ntitle:\tx\n\tdate: 2023-12-08\n---\nBody\n")
    project.write("content/pages/about.md", "---\ntitle: About: us\nsummary: s\n---\nText\n")
    files = {line.split(":")[0] for line in problems_of(project) if ": yaml: " in line}
    assert files == {PATH, OTHER, "content/pages/about.md"}
