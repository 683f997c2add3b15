"""Two builds never interleave: builds of one project (any options) and a build during
`serve` each either wait their turn or refuse, never corrupt the site, never crash."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from briefing.build import BuildOptions, build_site
from briefing.store import lock
from briefing.store.store import CACHE_FOLDER
from conftest import REPO, tree_bytes
from serve_support import running_server, text_of, wait_until

sys.path.insert(0, str(REPO / "bench"))
from generate import generate_project  # noqa: E402


def site(folder: Path) -> dict[str, bytes]:
    return {path: data for path, data in tree_bytes(folder).items() if not path.startswith("pagefind/")}


def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), *args]


def base_url_of(folder: Path) -> str:
    """The base URL a built site was made for (its home page's canonical link)."""
    found = re.search(r'<link rel="canonical" href="([^"]+)"', (folder / "index.html").read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def test_builds_with_different_options_at_once_take_turns(tmp_path: Path):
    root = generate_project(tmp_path / "gen", 120)
    subprocess.run(command(root, "-q"), check=True, timeout=300)
    edited = sorted((root / "content/briefs").rglob("*.md"))[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn edit made before the builds.\n", encoding="utf-8")
    urls = ["https://one.example/", "https://two.example/archive/", "https://three.example/x/"]
    for round_ in range(2):
        processes = [
            subprocess.Popen(command(root, "--base-url", url, *(["--no-search"] if i == 1 else [])), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for i, url in enumerate(urls)
        ]
        outputs = [process.communicate(timeout=300) for process in processes]
        for process, (out, err) in zip(processes, outputs):
            assert process.returncode == 0, err
            assert "Traceback" not in err and "internal error" not in err
        waited = sum("waiting for another build of this project" in err for _, err in outputs)
        assert waited >= 1, [err for _, err in outputs]  # they did meet, and took turns
        last = base_url_of(root / "site")
        assert last in urls
        fresh = tmp_path / f"fresh-{round_}"
        build_site(BuildOptions.for_root(root, out=fresh, use_cache=False, search="skip", base_url=last))
        assert site(root / "site") == site(fresh)
        urls.reverse()


def test_no_wait_refuses_while_another_build_holds_the_project(tmp_path: Path):
    root = generate_project(tmp_path / "gen", 10)
    subprocess.run(command(root, "-q"), check=True, timeout=300)
    with lock.exclusive(root / CACHE_FOLDER / "lock"):
        refused = subprocess.run(command(root, "--no-wait"), capture_output=True, text=True, timeout=60)
        waiting = subprocess.Popen(command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert waiting.poll() is None  # it waits its turn
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "another build of this project is running" in refused.stderr and "--no-wait" in refused.stderr
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "waiting for another build of this project" in err and "up to date" in out


def test_builds_during_serve_exit_cleanly_and_serve_goes_on(tmp_path: Path):
    root = generate_project(tmp_path / "gen", 40)
    options = BuildOptions.for_root(root)
    brief = sorted((root / "content/briefs").rglob("*.md"))[3]
    page = f"/briefs/{brief.stem}/"
    with running_server(options) as server:
        builds = []
        for n in range(3):
            brief.write_text(brief.read_text(encoding="utf-8") + f"\nEdit {n} during serve.\n", encoding="utf-8")
            builds.append(subprocess.Popen(command(root, "-q", *(["--no-search"] if n % 2 else [])), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            time.sleep(0.2)
        for process in builds:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert "Traceback" not in err
        wait_until(lambda: "Edit 2 during serve." in text_of(server, page), what="serve to show the last edit")
        assert "internal error" not in server.stream.text()
    fresh = tmp_path / "fresh"  # the last build to take its turn saw every edit
    build_site(BuildOptions.for_root(root, out=fresh, use_cache=False, search="skip"))
    assert site(root / "site") == site(fresh)
