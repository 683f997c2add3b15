"""The shortcuts over Python-Markdown's and Jinja's internals change nothing: the site built
with them off (the stock libraries) is byte-identical, for the bundled archive and a
generated project. A library upgrade is then one test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, tree_bytes

sys.path.insert(0, str(REPO / "bench"))
from generate import generate_project  # noqa: E402


def build(root: Path, out: Path, speedups: bool) -> dict[str, bytes]:
    switch = [] if speedups else ["--no-speedups"]
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "-q", "--root", str(root), "--out", str(out), "--no-cache", "--no-search", *switch],
        check=True, timeout=600,
    )
    return tree_bytes(out)


@pytest.mark.parametrize("project", ["bundled", "generated"])
def test_the_site_is_the_same_with_and_without_the_speedups(tmp_path: Path, project: str):
    root = REPO if project == "bundled" else generate_project(tmp_path / "gen", 300)
    quick = build(root, tmp_path / "quick", speedups=True)
    stock = build(root, tmp_path / "stock", speedups=False)
    assert len(quick) > 100
    assert sorted(quick) == sorted(stock)
    assert [path for path in quick if quick[path] != stock[path]] == []


def test_the_switch_reaches_both_libraries(monkeypatch):
    import jinja2

    from briefing.content.markdown_render import MarkdownRenderer
    from briefing.output.render import TemplateRenderer

    monkeypatch.setenv("BRIEFING_SPEEDUPS", "0")
    stock_markdown = MarkdownRenderer()._md
    assert type(stock_markdown.parser).__name__ == "BlockParser"
    assert TemplateRenderer(REPO / "templates", REPO, {"t": {}}).env.context_class is jinja2.runtime.Context
    monkeypatch.setenv("BRIEFING_SPEEDUPS", "1")
    assert type(MarkdownRenderer()._md.parser).__name__ == "_QuickBlockParser"
    assert TemplateRenderer(REPO / "templates", REPO, {"t": {}}).env.context_class is not jinja2.runtime.Context
