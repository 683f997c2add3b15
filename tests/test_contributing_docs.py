"""CONTRIBUTING.md and docs/reference.md stay true: the generated tables match the validator,
the example brief and correction pass it, the `new` example writes the file it names, and the
web editor's template is valid YAML whose every placeholder the check refuses."""

from __future__ import annotations

import re
import shutil
import textwrap
import subprocess
import sys

from briefing.content.config import load_vocabulary
from briefing.content.tracks import load_tracks
from briefing.dev.field_docs import render_field_table, update_generated_blocks
from briefing.content.loader import parse_brief
from briefing.content.markdown_render import MarkdownRenderer
from briefing.model import Limits
from briefing.content.schema import SOURCE_FIELDS
from conftest import REPO
from test_content_errors import problems_of

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
REFERENCE = (REPO / "docs/reference.md").read_text(encoding="utf-8")


def code_blocks(language: str, text: str = REFERENCE) -> list[str]:
    return [textwrap.dedent(m[1]) for m in re.finditer(rf"^ *```{language}\n(.*?)^ *```$", text, re.S | re.M)]


def test_generated_files_are_up_to_date():
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "schema", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_field_tables_come_from_the_field_specs():
    table = render_field_table(SOURCE_FIELDS)
    assert "| `url` | yes | `http://` or `https://` address | Address of the source (http or https), as a reader's browser reads it: a public host by its name, no user info, at most 2048 characters. |" in table
    stale = REFERENCE.replace("| `url` | yes |", "| `url` | no |")
    assert stale != REFERENCE and update_generated_blocks(stale, {"source-fields": table}) == REFERENCE


def parse_example_with(first_line: str):
    """The reference's example brief with the YAML example starting `first_line` added to
    its front matter, parsed against the bundled vocabulary and tracks."""
    vocabulary, _ = load_vocabulary(REPO, REPO / "content")
    tracks, _ = load_tracks(REPO, REPO / "content")
    front, body = code_blocks("markdown")[0].split("---\n")[1:]
    extra = next(block for block in code_blocks("yaml") if block.startswith(first_line))
    name = "content/briefs/2024/2024-04-19-border-commissions-agree.md"
    return parse_brief(name, f"---\n{front}{extra}---\n{body}", vocabulary, Limits(), MarkdownRenderer(), tracks)


def test_example_brief_and_correction_pass_the_validator():
    brief, problems = parse_example_with("updated:")
    assert problems == [] and brief.corrections[0].note.startswith("The commissions agreed four")


def test_example_moves_and_reactions_pass_the_validator():
    brief, problems = parse_example_with("moves:")
    assert problems == [] and brief is not None


def test_new_example_writes_the_file_it_names(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    command = re.search(r"build\.py new (.*?)\n\s*```", GUIDE, re.S)[1].replace("\\\n", " ")
    args = re.findall(r'"[^"]*"|\S+', command)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "new", *(a.strip('"') for a in args)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    named = re.search(r"It prints the path of the file it wrote, here\s+`([^`]+)`", GUIDE)[1]
    assert result.stdout == f"{named}\n"


def test_readme_and_contribute_page_point_to_the_guide():
    assert "](CONTRIBUTING.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "`CONTRIBUTING.md`" in (REPO / "content/pages/contribute.md").read_text(encoding="utf-8")


def test_the_web_editor_template_is_valid_and_every_todo_is_refused(project):
    template = next(block for block in code_blocks("yaml", GUIDE) if block.startswith("---\n"))
    project.write("content/briefs/2024/2024-04-19-x.md", template)
    found = problems_of(project)
    assert found and not [p for p in found if ": yaml: " in p or ": front matter: " in p]
    lines = {int(p.split(":")[1]) for p in found}
    todo_lines = {n for n, line in enumerate(template.splitlines(), start=1) if "TODO" in line}
    assert todo_lines <= lines, sorted(todo_lines - lines)  # no placeholder slips through


def test_the_guide_says_what_the_checks_and_the_commands_are():
    assert "docs/reference.md" in GUIDE and "### Without make" in GUIDE
    assert "requirements/site.txt" in GUIDE and "--require-hashes" in GUIDE
    for topic in ("Related briefs", "Sources not in English", "Who reviews", "CODEOWNERS", "CC BY 4.0", "MIT"):
        assert topic in GUIDE, topic
    assert ".venv/bin/python build.py new" not in GUIDE  # `python build.py` works as written
    assert "## Sources not in English".replace("## ", "### ") in REFERENCE
