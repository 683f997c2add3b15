"""Nothing lost: a build killed with SIGKILL at any moment leaves the output folder as the
complete old site or the complete new one, and the next build succeeds; a write that
fails (full disk, file too large, no permission) leaves the old site intact."""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.build import build_site
from briefing.output.write import OutputError, staging_dir
from conftest import REPO, Project, brief_text, tree_bytes

BRIEFS = 60
KILL_BUDGET_SECONDS = 10  # time per swap kind spent killing builds, after MIN_KILLS kills
MIN_KILLS = 6


def site_tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site except the search index (not byte-reproducible)."""
    return {k: v for k, v in tree_bytes(folder).items() if not k.startswith("pagefind/")}


def generate(project: Project, version: str) -> None:
    """Write BRIEFS briefs whose text depends on `version` (old/new differ in every page)."""
    body = "\n\n".join(f"Paragraph {n} of the {version} text, with **emphasis** and a [link](https://example.org/{n})." for n in range(4))
    for number in range(BRIEFS):
        year = 2020 + number % 6
        stem = f"{year}-{number % 12 + 1:02d}-{number % 28 + 1:02d}-brief-{number}"
        text = brief_text(title=f"Brief {number} ({version})", date=stem[:10], summary=f"Summary {number} {version}.", body=body + "\n")
        project.write(f"content/briefs/{year}/{stem}.md", text)


def build_command(project: Project, fallback_swap: bool = False) -> list[str]:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        + ("import briefing.output.write as w; w._exchange = lambda a, b: False;" if fallback_swap else "")
        + "from briefing.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    return [sys.executable, "-c", code, str(REPO), "build", "-q", "--root", str(project.root)]


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """A generated project plus reference trees of its old and new site."""
    project = Project(tmp_path_factory.mktemp("killed") / "project")
    generate(project, "new")
    started = time.perf_counter()
    project.build()
    seconds = time.perf_counter() - started
    new = site_tree(project.out)
    generate(project, "old")
    project.build()
    old = site_tree(project.out)
    old_copy = project.root.parent / "old-site"
    shutil.copytree(project.out, old_copy)
    generate(project, "new")  # content is now the new version; site/ holds the old one
    assert old != new and len(new) > BRIEFS
    return project, old, new, old_copy, seconds


def reset_to_old(project: Project, old_copy: Path) -> None:
    for leftover in (project.out, staging_dir(project.out), project.out.parent / f".{project.out.name}.old"):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(old_copy, project.out)


def wait_for_staging(project: Project, process: subprocess.Popen, limit: float) -> None:
    """Return once the build has started writing (its staging folder exists)."""
    stage = staging_dir(project.out)
    deadline = time.perf_counter() + limit
    while not stage.exists() and process.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.0005)


def wait_for_swap(project: Project, process: subprocess.Popen, old_inode: int, limit: float) -> None:
    """Return once site/ is a different folder than before (the swap happened)."""
    deadline = time.perf_counter() + limit
    while process.poll() is None and time.perf_counter() < deadline:
        try:
            if project.out.stat().st_ino != old_inode:
                return
        except FileNotFoundError:
            pass  # between the two renames of the fallback swap
        time.sleep(0.0005)


@pytest.mark.parametrize("fallback_swap", [False, True], ids=["renameat2 exchange", "two renames"])
def test_sigkill_at_random_points_leaves_old_or_new_site(references, fallback_swap):
    project, old, new, old_copy, seconds = references
    rng = random.Random(7 + fallback_swap)  # deterministic sequence of kill points
    outcomes = {"old": 0, "new": 0, "mid-write": 0}
    started = time.perf_counter()
    kills = 0
    while kills < MIN_KILLS or time.perf_counter() - started < KILL_BUDGET_SECONDS:
        reset_to_old(project, old_copy)
        process = subprocess.Popen(build_command(project, fallback_swap), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        old_inode = project.out.stat().st_ino
        if kills % 3 == 0:
            time.sleep(rng.uniform(0, seconds * 2))  # anywhere in the build
        elif kills % 3 == 1:
            wait_for_staging(project, process, seconds * 10)  # aim at the writing phase
            time.sleep(rng.uniform(0, 0.05))
        else:
            wait_for_swap(project, process, old_inode, seconds * 10)  # aim just after the swap
            time.sleep(rng.uniform(0, 0.01))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        outcomes["mid-write"] += staging_dir(project.out).exists()
        if not project.out.exists() and fallback_swap:
            # Killed between the two renames: the old site waits beside, whole, and the
            # next build puts it back before anything else.
            moved = project.out.parent / f".{project.out.name}.old"
            assert site_tree(moved) == old
            outcome = "old"
        else:
            tree = site_tree(project.out)
            assert tree in (old, new), f"kill {kills}: site/ is neither the old nor the new site"
            outcome = "old" if tree == old else "new"
        outcomes[outcome] += 1
        result = subprocess.run(build_command(project, fallback_swap), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert site_tree(project.out) == new
        # The staging folder is kept on purpose (incremental builds reuse it); a killed
        # build's leftovers there are never trusted, as the rebuild above shows.
        assert not (project.out.parent / f".{project.out.name}.old").exists()
    assert kills >= MIN_KILLS
    # Kills landed before the swap, after it, and while files were being written.
    assert outcomes["old"] and outcomes["new"] and outcomes["mid-write"], outcomes


def test_killed_first_build_leaves_no_site_or_the_complete_one(references, tmp_path):
    project, _, new, _, seconds = references
    rng = random.Random(11)
    for _ in range(3):
        for leftover in (project.out, staging_dir(project.out)):
            shutil.rmtree(leftover, ignore_errors=True)
        process = subprocess.Popen(build_command(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_staging(project, process, seconds * 10)
        time.sleep(rng.uniform(0, seconds / 3))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not project.out.exists() or site_tree(project.out) == new
        assert subprocess.run(build_command(project), capture_output=True, timeout=120).returncode == 0
        assert site_tree(project.out) == new


def small_project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    for number in range(5):
        project.write(f"content/briefs/2023/2023-12-0{number + 1}-brief-{number}.md", brief_text(date=f"2023-12-0{number + 1}", title=f"Brief {number}"))
    project.build()
    return project


def test_file_too_large_mid_write_gives_a_clear_error_and_keeps_the_site(tmp_path):
    """A real write failure, no mocking: the kernel refuses bytes beyond RLIMIT_FSIZE."""
    project = small_project(tmp_path)
    before = tree_bytes(project.out)
    pages = [len(v) for k, v in before.items() if k.endswith(".html")]
    project.write("content/briefs/2023/2023-12-09-big.md", brief_text(date="2023-12-09", body="word " * 4000 + "\n"))
    largest = max(pages)  # the new brief's page is larger by far than any page before
    assert largest + 1000 < 20_000

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # turn the signal into an EFBIG error
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 1000, largest + 1000))

    result = subprocess.run(build_command(project), capture_output=True, text=True, timeout=120, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: cannot write") and "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(project.out) == before
    # Once space is back, the next build completes from whatever the failed one left.
    assert subprocess.run(build_command(project), capture_output=True, timeout=120).returncode == 0
    assert (project.out / "briefs/2023-12-09-big/index.html").is_file()


@pytest.mark.parametrize("after_files", [0, 3, 12])
def test_full_disk_gives_a_clear_error_and_keeps_the_site(after_files, tmp_path, monkeypatch):
    project = small_project(tmp_path)
    before = tree_bytes(project.out)
    project.write("content/briefs/2023/2023-12-09-new.md", brief_text(date="2023-12-09"))
    import briefing.output.write

    real_replace = briefing.output.write.replace_file
    opened = {"count": 0}

    def full_disk_replace(stage, path, data):
        # Every staged file goes through replace_file: the disk fills after a few of them.
        opened["count"] += 1
        if opened["count"] > after_files:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(stage / path))
        return real_replace(stage, path, data)

    monkeypatch.setattr(briefing.output.write, "replace_file", full_disk_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        build_site(project.options())
    assert opened["count"] > after_files  # the failure really happened mid-write
    assert tree_bytes(project.out) == before
    monkeypatch.setattr(briefing.output.write, "replace_file", real_replace)
    build_site(project.options())  # space is back: the next build completes
    assert (project.out / "briefs/2023-12-09-new/index.html").is_file()


def test_unwritable_output_parent_gives_a_clear_error(tmp_path, monkeypatch):
    project = small_project(tmp_path)
    before = tree_bytes(project.out)
    (project.root / "templates" / "static" / "new.css").write_text("p{}\n")  # work to do
    shutil.rmtree(staging_dir(project.out))  # the spare the last build left: one must be made
    real_mkdir = Path.mkdir

    def refuse_staging(self, *args, **kwargs):
        if self.name.endswith(".staging"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse_staging)
    with pytest.raises(OutputError, match="Permission denied"):
        build_site(project.options())
    assert tree_bytes(project.out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_parent_folder_gives_a_clear_error(tmp_path):
    project = small_project(tmp_path)
    before = tree_bytes(project.out)
    project.root.chmod(0o555)
    try:
        result = subprocess.run(build_command(project), capture_output=True, text=True, timeout=120)
    finally:
        project.root.chmod(0o755)
    assert result.returncode == 1 and result.stderr.startswith("error: cannot write")
    assert tree_bytes(project.out) == before


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of the live child processes of `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append((int(entry.name), name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def test_a_killed_build_leaves_no_lingering_search_indexer(references):
    """An orphaned indexer must end on its own, and the next build must not mind it."""
    project, _, new, old_copy, seconds = references
    reset_to_old(project, old_copy)
    process = subprocess.Popen(build_command(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    indexer = None
    deadline = time.perf_counter() + seconds * 10
    while indexer is None and process.poll() is None and time.perf_counter() < deadline:
        indexer = next((pid for pid, name in _children(process.pid) if "pagefind" in name), None)
    assert indexer is not None, "the build never started Pagefind"
    process.send_signal(signal.SIGKILL)
    process.wait()
    started = time.perf_counter()
    while _alive(indexer) and time.perf_counter() - started < 5:
        time.sleep(0.001)
    # It outlives the build briefly (measured: ~70 ms, writing into the dead build's staging
    # folder, which the next build removes first); it must not linger.
    assert not _alive(indexer)
    assert subprocess.run(build_command(project), capture_output=True, timeout=120).returncode == 0
    assert site_tree(project.out) == new


def _session(sid: int) -> list[int]:
    """Live processes (not zombies) of session `sid`."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # fields after the name: state, ppid, pgrp, session
            members.append(int(entry))
    return members


def test_sigkill_at_random_moments_of_a_build_with_workers_leaves_no_process(tmp_path):
    """Parsing, encoding and rendering run in worker processes: none may outlive a killed build."""
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate_project

    root = generate_project(tmp_path / "gen", 250)
    command = [sys.executable, str(REPO / "build.py"), "build", "-q", "--root", str(root), "-j", "2", "--no-cache"]
    started = time.perf_counter()
    subprocess.run(command, check=True, timeout=300)
    seconds = time.perf_counter() - started
    expected = site_tree(root / "site")
    rng = random.Random(5)
    for attempt in range(6):
        # Its own session: everything the build starts can be found, whoever its parent is now.
        process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, seconds))
        workers = [pid for pid in _session(process.pid) if pid != process.pid]
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.perf_counter() + 5
        while _session(process.pid) and time.perf_counter() < deadline:
            time.sleep(0.01)
        assert _session(process.pid) == [], f"attempt {attempt}: processes left after the kill (workers seen: {workers})"
    subprocess.run(command[:-1], check=True, timeout=300)  # and the cached build after them all is right
    assert site_tree(root / "site") == expected
