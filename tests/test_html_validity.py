"""The Nu Html Checker (npm `vnu-jar`, run with Java) finds no error in the built sites."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from site_fixture import build_fixture

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BROKEN_CONTROL = "<!DOCTYPE html><html lang=en><title>x</title><p><div>block in a paragraph</p></div>"


def run_vnu(folders: list[Path]) -> list[dict]:
    """Check every HTML file under `folders` in one Java run; return its messages."""
    java = shutil.which("java")
    if not java or not VNU_JAR.is_file():
        pytest.fail("the Nu Html Checker needs Java and node_modules/vnu-jar: run `make test` (npm ci, default-jre-headless)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", *map(str, folders)],
        capture_output=True, text=True, timeout=300,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_every_page_of_the_bundled_and_fixture_sites_is_valid_html(bundled_site, tmp_path):
    fixture_site = build_fixture(tmp_path / "fixture")
    control = tmp_path / "control"
    control.mkdir()
    (control / "broken.html").write_text(BROKEN_CONTROL, encoding="utf-8")

    messages = run_vnu([bundled_site, fixture_site, control])

    errors = [m for m in messages if m.get("type") == "error"]
    from_sites = [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors if "/control/" not in m.get("url", "")]
    assert from_sites == []
    # The deliberately broken control page proves the checker ran and its output was read.
    assert any("/control/broken.html" in m.get("url", "") for m in errors)
    assert len(list(bundled_site.rglob("*.html"))) > 50
