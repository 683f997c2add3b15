"""Building tiny inline projects: what is written, what is refused, and that a failed
build leaves the previous site exactly as it was."""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
import sys
from pathlib import Path

import pytest

from briefing.errors import BuildFailed
from briefing.output.write import MARKER, OutputError, staging_dir
from conftest import REPO, brief_text, tree_bytes


def build_py(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run build.py as a contributor would, from the project folder."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if env is None or "GITHUB_ACTIONS" not in env else None
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)


def test_builds_every_page_kind(project):
    project.brief()
    project.brief("2023-12-13-handover", title="Servicemen handed over", type="prisoner-release", extra="tags: [prisoners]\nrelated: [2023-12-07-joint-statement]\n")
    project.write("content/pages/about.md", "---\ntitle: About the archive\nsummary: What this is.\n---\nWe collect *milestones*.\n")
    project.build()
    out = project.out
    for path in [
        "index.html", "404.html", ".nojekyll", "search/index.html", "timeline/index.html",
        "years/index.html", "years/2023/index.html", "types/index.html", "types/statement/index.html",
        "types/summit/index.html", "actors/armenia/index.html", "tags/prisoners/index.html",
        "briefs/2023-12-07-joint-statement/index.html", "briefs/2023-12-13-handover/index.html",
        "about/index.html", "static/style.css",
    ]:
        assert (out / path).is_file(), path
    handover = (out / "briefs/2023-12-13-handover/index.html").read_text()
    assert "<h1>Servicemen handed over</h1>" in handover
    assert 'href="/briefs/2023-12-07-joint-statement/"' in handover  # related and previous
    assert "<em>milestones</em>" in (out / "about/index.html").read_text()


def test_drafts_are_left_out_unless_asked_for(project):
    project.brief()
    project.brief("2024-01-05-draft-brief", title="Unfinished", extra="draft: true\n")
    project.build()
    assert not (project.out / "briefs/2024-01-05-draft-brief").exists()
    assert "Unfinished" not in (project.out / "timeline/index.html").read_text()
    project.build(drafts=True)
    assert (project.out / "briefs/2024-01-05-draft-brief/index.html").is_file()


def test_pagination_splits_long_lists_with_stable_urls(project):
    site = project.root / "content/site.yaml"
    site.write_text(site.read_text().replace("page_size: 20", "page_size: 2"))
    for day in range(1, 6):
        project.brief(f"2023-01-0{day}-brief-{day}", title=f"Brief {day}")
    project.build()
    assert (project.out / "timeline/page/3/index.html").is_file()
    assert not (project.out / "timeline/page/4").exists()
    first = (project.out / "timeline/index.html").read_text()
    assert "Brief 5" in first and "Brief 4" in first and "Brief 3" not in first
    assert 'href="/timeline/page/2/"' in first


def test_two_builds_are_byte_identical(project, tmp_path):
    project.brief()
    project.brief("2023-12-13-handover", title="Handover", extra="tags: [prisoners]\n")
    project.build(out=tmp_path / "one")
    project.build(out=tmp_path / "two")
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    # The search index (site/pagefind/) is the one part allowed to differ between builds.
    assert "pagefind/pagefind.js" in one and "pagefind/pagefind.js" in two
    one, two = ({k: v for k, v in tree.items() if not k.startswith("pagefind/")} for tree in (one, two))
    assert one.keys() == two.keys() and one == two


def test_failed_build_leaves_previous_site_untouched(project):
    project.brief()
    project.build()
    before = tree_bytes(project.out)
    project.brief("2023-12-13-broken", type="nonsense")
    with pytest.raises(BuildFailed):
        project.build()
    assert tree_bytes(project.out) == before
    # What the failed build leaves beside site/ is a complete hard-linked copy of it, for
    # the next build to update (linked while the content was being checked), never a
    # half-written tree.
    stage = staging_dir(project.out)
    index = ("pagefind/",)  # the search index is copied by the indexer, not linked
    assert {p: b for p, b in tree_bytes(stage).items() if not p.startswith(index)} == {p: b for p, b in before.items() if not p.startswith(index)}
    assert all((stage / p).stat().st_ino == (project.out / p).stat().st_ino for p in before if not p.startswith(index) and p != ".briefing-output")


def test_template_error_late_in_rendering_is_reported_and_site_kept(project):
    project.brief()
    project.build()
    before = tree_bytes(project.out)
    page = project.root / "templates/page.html"
    project.write("content/pages/about.md", "---\ntitle: About\nsummary: S.\n---\nText\n")
    page.write_text(page.read_text().replace("{{ page.title }}</h1>", "{{ page.no_such_field }}</h1>"))
    with pytest.raises(BuildFailed) as failure:
        project.build()
    [problem] = failure.value.problems
    line = next(i for i, text in enumerate(page.read_text().splitlines(), 1) if "no_such_field" in text)
    assert problem.format().startswith(f"templates/page.html:{line}: template: ")
    assert "no_such_field" in problem.message and "about/index.html" in problem.message
    assert tree_bytes(project.out) == before


def test_template_syntax_errors_of_all_templates_in_one_run(project):
    project.brief()
    project.write("templates/page.html", "{% block main %}\n{% if %}\n{% endblock %}\n")
    project.write("templates/year.html", "ok\n{{ x }\n")
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [(p.path, p.line, p.field) for p in failure.value.problems] == [
        ("templates/page.html", 2, "template"),
        ("templates/year.html", 2, "template"),
    ]


def test_leftover_staging_folder_is_cleaned(project):
    project.brief()
    stage = staging_dir(project.out)
    stage.mkdir(parents=True)
    (stage / "junk.html").write_text("half-written")
    project.build()
    # The build replaced it with its own spare copy of the output: the junk is gone.
    assert not (stage / "junk.html").exists()
    assert not (project.out / "junk.html").exists()
    assert (stage / "index.html").read_bytes() == (project.out / "index.html").read_bytes()


def test_output_folder_that_is_not_ours_is_refused(project, tmp_path):
    project.brief()
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    with pytest.raises(OutputError, match="not empty and was not made by build.py"):
        project.build(out=mine)
    assert (mine / "thesis.txt").read_text() == "precious"
    for bad in (project.root, project.root / "content", project.root / "content/briefs", tmp_path):
        with pytest.raises(OutputError):
            project.build(out=bad)


def test_our_own_output_is_marked_and_replaced(project):
    project.brief()
    project.build()
    assert (project.out / MARKER).is_file()
    (project.out / "stale.html").write_text("old")
    project.build()
    assert not (project.out / "stale.html").exists()


def test_symlinks_out_of_content_are_refused(project, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(brief_text())
    link = project.root / "content/briefs/2023/2023-12-07-joint-statement.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    outside_dir = tmp_path / "elsewhere"
    outside_dir.mkdir()
    (project.root / "content/briefs/2024").symlink_to(outside_dir)
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [p.format() for p in failure.value.problems] == [
        "content/briefs/2023/2023-12-07-joint-statement.md:1: file: is a link that leads outside content/; links out are refused",
        "content/briefs/2024:1: file: is a linked folder that leads outside content/; links out are refused",
    ]


def test_raw_html_and_script_urls_never_reach_pages(project):
    project.brief(
        title='"<script>alert(1)</script>"',
        summary='"<img src=x onerror=alert(1)>"',
        body="Hi <script>alert(2)</script> <b onclick=x>b</b>\n\n<iframe src=https://evil.example></iframe>\n\n[click](javascript:alert(3)) [d](data:text/html,x)\n",
    )
    project.build()
    html = (project.out / "briefs/2023-12-07-joint-statement/index.html").read_text()
    assert executable_markup(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped silently


def executable_markup(html: str) -> list[str]:
    """Elements, handlers and URLs in parsed HTML that could run code or load frames."""
    found: list[str] = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            # The theme's own scripts: JSON-LD data blocks and files from /static/.
            own_script = tag == "script" and (
                values.get("type") == "application/ld+json" or (values.get("src") or "").startswith("/static/")
            )
            if tag in ("script", "iframe", "object", "embed", "img", "style", "base") and not own_script:
                found.append(tag)
            if tag == "form" and dict(attrs).get("action") != "/search/":  # the site's own search form
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or name == "style":
                    found.append(f"{tag}[{name}]")
                if name in ("href", "src") and (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"{tag}[{name}={value}]")

    Scan().feed(html)
    return found


def test_base_url_with_a_sub_path_prefixes_every_link(project):
    project.brief()
    project.build(base_url="https://example.org/archive")
    html = (project.out / "briefs/2023-12-07-joint-statement/index.html").read_text()
    assert 'href="/archive/static/style.css"' in html
    assert 'href="/archive/types/statement/"' in html
    assert 'href="https://example.org/archive/briefs/2023-12-07-joint-statement/"' in html
    assert 'href="/types/' not in html


class TestCommandLine:
    def test_check_reports_all_errors_and_exits_1_without_traceback(self, project):
        project.brief(type="prisoner-swap", actors="[]")
        result = build_py("check", cwd=project.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "content/briefs/2023/2023-12-07-joint-statement.md:4: type: unknown milestone type 'prisoner-swap' (did you mean 'prisoner-release'? types are listed in content/vocabulary.yaml)",
            "content/briefs/2023/2023-12-07-joint-statement.md:5: actors: needs at least 1 entry",
            "check failed: 2 errors in 1 file",
        ]
        assert "Traceback" not in result.stderr + result.stdout

    def test_build_is_the_default_command_and_reports_a_summary(self, project):
        project.brief()
        result = build_py(cwd=project.root)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("built 1 briefs into site/:")
        assert build_py("-q", cwd=project.root).stdout == ""

    def test_github_format_prints_workflow_commands(self, project):
        project.brief(type="zzz")
        result = build_py("check", "--format", "github", cwd=project.root)
        assert result.returncode == 1
        assert result.stdout.splitlines() == [
            "::error file=content/briefs/2023/2023-12-07-joint-statement.md,line=4,title=type::unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)"
        ]

    def test_usage_errors_exit_2(self, project):
        assert build_py("frobnicate", cwd=project.root).returncode == 2
        assert build_py("build", "--no-such-option", cwd=project.root).returncode == 2

    @pytest.mark.parametrize("command", ["", "build", "check", "new"])
    def test_help_for_every_command(self, project, command):
        result = build_py(*([command] if command else []), "--help", cwd=project.root)
        assert result.returncode == 0 and "usage: build.py" in result.stdout

    def test_new_writes_a_brief_that_fails_check_until_filled(self, project):
        result = build_py("new", "--date", "2024-04-19", "--type", "summit", "--actors", "armenia,azerbaijan", "Border sections agreed", cwd=project.root)
        assert result.returncode == 0, result.stderr
        path = project.root / "content/briefs/2024/2024-04-19-border-sections-agreed.md"
        assert result.stdout.strip() == "content/briefs/2024/2024-04-19-border-sections-agreed.md"
        check = build_py("check", cwd=project.root)
        assert check.returncode == 1
        fields = {line.split(": ")[1] for line in check.stderr.splitlines()[:-1]}
        assert fields == {"summary", "sources[1].publisher", "sources[1].title", "sources[1].url", "body"}
        text = path.read_text()
        text = text.replace("'TODO: one to three plain sentences saying what happened (at most 400 characters).'", "The commissions agreed four sections.")
        text = text.replace("'TODO: who published the source'", "Armenpress").replace("'TODO: the source''s headline'", "Sections agreed")
        text = text.replace("'TODO: https://...'", "https://example.org/a")
        text = text.split("---\n", 2)
        text = "---\n" + text[1] + "---\nThe commissions met and agreed.\n"
        path.write_text(text)
        assert build_py("check", cwd=project.root).returncode == 0, build_py("check", cwd=project.root).stderr
        assert build_py("-q", cwd=project.root).returncode == 0
        assert (project.root / "site/briefs/2024-04-19-border-sections-agreed/index.html").is_file()

    def test_new_refuses_to_overwrite_and_unknown_type(self, project):
        args = ("new", "--date", "2024-04-19", "--type", "summit", "Same title")
        assert build_py(*args, cwd=project.root).returncode == 0
        again = build_py(*args, cwd=project.root)
        assert again.returncode == 2 and "already exists" in again.stderr
        bad = build_py("new", "--date", "2024-04-19", "--type", "sumit", "X", cwd=project.root)
        assert bad.returncode == 2 and "unknown milestone type 'sumit'" in bad.stderr

    def test_new_without_terminal_does_not_prompt(self, project):
        result = build_py("new", "--type", "summit", "Title", cwd=project.root)
        assert result.returncode == 2 and "no terminal to ask on" in result.stderr
