"""Resources: huge files, YAML bombs, deep nesting and Markdown built to be slow each end
within a time bound, either built or refused with a `path:line: field: message` error.

Each case runs `build.py check` in a subprocess with a hard timeout, so a hang fails the
test instead of hanging the suite."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from briefing.model import Limits
from conftest import REPO, SITE_YAML, brief_text

BOUND_SECONDS = 30  # generous: the worst accepted shape renders in ~2 s (bench/markdown_shapes.py)
BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"
PROBLEM_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<field>[^:\n]+): (?P<message>.+)$", re.M)


LIMIT = Limits().max_body_bytes


def fill(unit: str, head: str = "") -> str:
    """`head` then `unit` repeated to just under the default body size limit."""
    return head + unit * ((LIMIT - len(head) - 16) // len(unit.encode("utf-8")))


def front_matter_with(extra: str) -> str:
    return brief_text(extra=extra)


def body(text: str) -> str:
    return brief_text(body=text)


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
)

# (id, file text, expected (field, message fragment) or None when it must build)
CASES = [
    ("file over max_file_bytes", body("word " * 120_000), ("file", "the limit is 524288 bytes")),
    ("binary file", b"---\x00\x01\x02" * 1000, ("file", "binary")),
    ("not utf-8", brief_text().encode("utf-8") + b"\xff\xfe\xfa", ("file", "not UTF-8")),
    ("billion laughs", "---\n" + BILLION_LAUGHS + "---\nbody\n", ("yaml", "alias expansion is limited")),
    ("alias bomb in a field", front_matter_with("tags: &t [*t]\n"), ("yaml", "")),
    ("deep flow nesting", "---\ntitle: " + "[" * 50_000 + "\n---\nbody\n", ("yaml", "")),
    ("deep block nesting", "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(300)) + "---\nbody\n", (None, "")),
    ("deep compact list nesting", "---\ntitle: \n  " + "- " * 5000 + "x\n---\nbody\n", ("yaml", "nested too deeply")),
    ("front matter over 64 KiB", front_matter_with("note: " + "x" * 70_000 + "\n"), ("front matter", "larger than 65536 bytes")),
    ("5500 unknown keys", "---\n" + "".join(f"k{i}: {i}\n" for i in range(5500)) + "---\nbody\n", ("yaml", "more than 5000 values")),
    ("2000 sources", front_matter_with("").replace("sources:\n", "sources:\n" + "  - {p: 1, t: 2}\n" * 2000), ("yaml", "more than 5000 values")),
    ("100k-character title", brief_text(title="t" * 60_000), ("title", "the limit is 200")),
    ("empty key", "---\n? \n---\nbody\n", ("yaml", "field name is empty")),
    ("empty quoted key", brief_text(extra='"": x\n'), ("yaml", "field name is empty")),
    ("surrogate escape", brief_text(title='"\\ud83d\\ude00 smile"'), ("yaml", "surrogate")),
    ("python tag", front_matter_with("x: !!python/object/apply:os.system ['true']\n"), ("yaml", "not allowed")),
    ("body over max_body_bytes", body("word " * 10_000), ("body", f"the limit is {LIMIT} bytes")),
    ("5000 nested quotes", body(">" * 5000 + " x\n"), ("body", "nest 5000 levels deep")),
    ("1000 nested lists", body("".join("    " * i + "- x\n" for i in range(60))), ("body", "levels deep")),
    ("nested ordered lists", body("".join("   " * i + "1. x\n" for i in range(60))), ("body", "levels deep")),
    ("20k open brackets", body("[" * 20_000), ("body", "'[' or '(' open at once")),
    ("6k unclosed links", body("[a](" * 6000), ("body", "'[' or '(' open at once")),
    ("4k unclosed images", body("![a](" * 4000), ("body", "'[' or '(' open at once")),
    ("1000 abbreviations", body("".join(f"*[A{i}]: b\n" for i in range(1000)) + "A1 " * 1000), ("body", "abbreviations")),
    # 5,000 nested <strong>: it renders (it was refused only while the toc pass searched
    # the whole tree for a [TOC] marker by recursion); with the marker it still is refused.
    ("nested emphasis", body("*" * 10_000 + "a" + "*" * 10_000), None),
    ("nested emphasis with [TOC]", body("[TOC]\n\n" + "*" * 10_000 + "a" + "*" * 10_000), ("body", "nests too deeply")),
    ("stars at the size limit", body(fill("*")), None),
    ("table at the size limit", body(fill("|x|y|\n", "|a|b|\n|-|-|\n")), None),
    ("wide table", body("|" + "a|" * 3000 + "\n|" + "-|" * 3000 + "\n" + "|" + "x|" * 3000 + "\n"), None),
    ("list items at the size limit", body(fill("- a\n")), None),
    ("definition list at the size limit", body(fill("a\n: b\n\n")), None),
    ("100 abbreviations at the size limit", body(fill("A1 ", "".join(f"*[A{i}]: b\n" for i in range(100)))), None),
    ("zalgo text", body("a\u0300\u0301\u0302\u0303" * 2000), None),
    ("one footnote cited 4000 times", body("x[^1] " * 4000 + "\n\n[^1]: note\n"), ("body", "footnote references")),
    ("one footnote cited 200 times", body("x[^1] " * 200 + "\n\n[^1]: note\n"), None),
    ("150 distinct footnotes", body("".join(f"x[^{i}] " for i in range(150)) + "\n\n" + "".join(f"[^{i}]: n\n" for i in range(150))), None),
]


def run_check(project) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check", "--root", str(project.root)],
        capture_output=True, text=True, timeout=BOUND_SECONDS * 2,
    )
    return result, time.perf_counter() - started


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_file_ends_within_the_bound_with_a_clear_result(text, expected, project):
    project.write(BRIEF, text)
    result, seconds = run_check(project)
    assert seconds < BOUND_SECONDS, f"took {seconds:.1f} s"
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if expected is None:
        assert result.returncode == 0, result.stderr[-2000:]
        return
    field, fragment = expected
    assert result.returncode == 1, result.stdout[-500:]
    problems = [m.groupdict() for m in PROBLEM_LINE.finditer(result.stderr)]
    assert problems, result.stderr[-2000:]
    assert all(p["path"] == BRIEF and int(p["line"]) >= 1 for p in problems)
    assert any(field in (None, p["field"]) and fragment in p["message"] for p in problems), result.stderr[-2000:]
    assert re.search(r"\ncheck failed: \d+ errors? in 1 file$", result.stderr.rstrip()), result.stderr[-500:]


@pytest.mark.parametrize(
    "file,text,field",
    [
        ("content/site.yaml", SITE_YAML + "x: &x [" + ",".join(["*x"] * 3) + "]\n", "yaml"),
        ("content/site.yaml", "---\n" + BILLION_LAUGHS, "yaml"),
        ("content/vocabulary.yaml", BILLION_LAUGHS, "yaml"),
        ("content/vocabulary.yaml", "types: " + "[" * 100_000, "yaml"),
        ("content/site.yaml", SITE_YAML + "junk: '" + "x" * 1_100_000 + "'\n", "file"),
        ("templates/i18n/en.yaml", BILLION_LAUGHS, "yaml"),
    ],
    ids=["self-alias", "bomb in site.yaml", "bomb in vocabulary", "deep vocabulary", "huge site.yaml", "bomb in UI strings"],
)
def test_hostile_settings_files_end_within_the_bound(file, text, field, project):
    project.brief()
    project.write(file, text)
    result, seconds = run_check(project)
    assert seconds < BOUND_SECONDS and result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    problems = [m.groupdict() for m in PROBLEM_LINE.finditer(result.stderr)]
    assert any(p["path"] == file and p["field"] == field for p in problems), result.stderr[-2000:]


def limits_yaml(**values: int) -> str:
    return SITE_YAML + "limits:\n" + "".join(f"  {k}: {v}\n" for k, v in values.items())


def test_limits_are_configurable_in_site_yaml(project):
    deep = "".join("    " * i + "- x\n" for i in range(24))
    project.brief(body=deep)
    project.write("content/site.yaml", limits_yaml(max_body_nesting=30))
    project.build()
    assert (project.out / "briefs/2023-12-07-joint-statement/index.html").is_file()
    project.write("content/site.yaml", limits_yaml(max_body_nesting=5, max_body_bytes=2048, max_file_bytes=4096))
    result, _ = run_check(project)
    assert f"{BRIEF}:13: body: lists and quotes nest 24 levels deep; the limit is 5 (limits.max_body_nesting in content/site.yaml)" in result.stderr
    project.brief(body="word " * 600)
    result, _ = run_check(project)
    assert f"{BRIEF}:13: body: is 3000 bytes; the limit is 2048 bytes" in result.stderr
    project.brief(body="word " * 1000)
    result, _ = run_check(project)
    assert f"{BRIEF}:1: file: is" in result.stderr and "the limit is 4096 bytes" in result.stderr


@pytest.mark.parametrize("field,value,message", [
    ("max_body_nesting", 1, "must be at least 2"), ("max_file_bytes", 10, "must be at least 1024"),
    ("max_body_bytes", "lots", "expected a whole number"), ("max_yaml_nodes", 5, "unknown field"),
])
def test_bad_limits_are_reported(field, value, message, project):
    project.brief()
    project.write("content/site.yaml", limits_yaml(**{field: value}))
    result, _ = run_check(project)
    assert result.returncode == 1 and f"content/site.yaml:10: limits.{field}: {message}" in result.stderr, result.stderr


def test_defaults_are_sane():
    limits = Limits()
    assert limits.max_body_bytes <= limits.max_file_bytes
    assert 10 <= limits.max_body_nesting <= 50
    # The longest bundled body and front matter fit many times over (moves and reactions
    # make a front matter long, not a body).
    from briefing.content.frontmatter import split_front_matter

    paths = sorted((REPO / "content").rglob("*.md"))
    files = [split_front_matter(p.read_text(encoding="utf-8")) for p in paths]
    bodies = {p: len(f.body.encode("utf-8")) for p, f in zip(paths, files)}
    originals = {p: size for p, size in bodies.items() if p.name.count(".") == 1}
    assert max(size for p, size in originals.items() if "briefs" in p.parts) * 4 < limits.max_body_bytes
    # A standalone page (the methodology, a reference) is longer, and still fits three times.
    assert max(size for p, size in originals.items() if "pages" in p.parts) * 3 < limits.max_body_bytes
    # A translation into Armenian or Russian takes two bytes a letter: up to twice the bytes.
    # A translated brief still fits three times; the translated methodology (twice the
    # English page's bytes) one and a half times.
    translations = {p: size for p, size in bodies.items() if p not in originals}
    assert max(size for p, size in translations.items() if "briefs" in p.parts) * 3 < limits.max_body_bytes
    assert max(size for p, size in translations.items() if "pages" in p.parts) * 3 < limits.max_body_bytes * 2
    assert max(len(f.front_matter.encode("utf-8")) for f in files) * 4 < limits.max_front_matter_bytes
