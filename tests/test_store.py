"""The store: one key rule, files only this machine wrote, damage never reaching the output."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

import briefing.store.engine as engine
import briefing.store.inputs
import briefing.store.store as store_module
from briefing.build import BuildOptions, build_site
from briefing.store.store import CACHE_FOLDER, Store
from conftest import REPO, tree_bytes

sys.path.insert(0, str(REPO / "bench"))
from generate import generate_project  # noqa: E402

COUNT = 12


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    return generate_project(tmp_path / "gen", COUNT)


def site_bytes(folder: Path) -> dict[str, bytes]:
    return {path: data for path, data in tree_bytes(folder).items() if not path.startswith("pagefind/")}


def fresh(root: Path, out: Path) -> dict[str, bytes]:
    build_site(BuildOptions.for_root(root, out=out, use_cache=False))
    return site_bytes(out)


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / CACHE_FOLDER).iterdir() if p.is_file() and p.name != "lock")


def test_the_engine_digest_covers_every_file_of_the_package(tmp_path: Path, monkeypatch):
    copy = tmp_path / "briefing"
    shutil.copytree(engine.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(engine, "PACKAGE", copy)
    engine._engine_digest.cache_clear()
    before = engine.engine_digest()
    # Every module counts, the filters and the serve assets too: nothing is bumped by hand.
    for relative in ("content/markdown_render.py", "output/render.py", "site/exports.py", "dev/serve_assets/reload.js", "hashing.py"):
        path = copy / relative
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        engine._engine_digest.cache_clear()
        assert engine.engine_digest() != before, relative
        path.write_bytes(original)
    engine._engine_digest.cache_clear()
    assert engine.engine_digest() == before
    monkeypatch.setenv("BRIEFING_SPEEDUPS", "0")
    assert engine.engine_digest() != before


def test_library_versions_include_what_the_libraries_themselves_need():
    names = dict(engine.library_versions())
    for library in ("jinja2", "markupsafe", "markdown", "pyyaml", "nh3", "pagefind", "pagefind-bin"):
        assert library in names, names
    assert "pytest" not in names and "hugo" not in names  # the test and bench extras are not the engine's


def test_an_engine_never_installed_still_counts_every_library_pyproject_names(monkeypatch):
    # Run from a checkout without the package's metadata, the engine falls back to its own
    # list: upgrading any library pyproject.toml depends on must still change every key.
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = sorted(engine._requirement(requirement, frozenset())[0].lower() for requirement in declared)
    assert sorted(engine._requirement(r, frozenset())[0].lower() for r in engine.RUNTIME_REQUIREMENTS) == names

    def uninstalled(name):
        if name == "briefing":
            raise engine.importlib.metadata.PackageNotFoundError(name)
        return real(name)

    real = engine.importlib.metadata.requires
    monkeypatch.setattr(engine.importlib.metadata, "requires", uninstalled)
    engine.library_versions.cache_clear()
    try:
        found = dict(engine.library_versions())
    finally:
        engine.library_versions.cache_clear()
    assert {"ada-url", "disarm", "jinja2", "markdown"} <= set(found)


def test_every_key_depends_on_the_engine(monkeypatch):
    store = Store.memory()
    key = store.key("parse", "x")
    monkeypatch.setattr(store_module, "engine_digest", lambda: "another engine")
    assert Store.memory().key("parse", "x") != key


class Payload:
    """Unpickling this runs code: it must never happen to a file this machine did not write."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("form", ["old checksum", "new format, another key", "new format, no key"])
def test_a_planted_store_file_with_a_valid_checksum_is_never_loaded(generated: Path, tmp_path: Path, form: str):
    build_site(BuildOptions.for_root(generated))
    marker = tmp_path / "payload-ran"
    payload = pickle.dumps({"x" * 40: Payload(marker)})
    for number in range(16):
        target = generated / CACHE_FOLDER / f"entries-{number:x}.bin"
        if form == "old checksum":
            target.write_bytes(b"briefing-cache-2\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        else:
            key = os.urandom(32) if form == "new format, another key" else b""
            import hmac

            mac = hmac.new(key, target.name.encode() + b"\0" + payload, hashlib.sha256).hexdigest().encode()
            target.write_bytes(b"briefing-store-2\n" + mac + b"\n" + payload)
    (generated / "content/briefs").joinpath(sorted(p.relative_to(generated / "content/briefs") for p in (generated / "content/briefs").rglob("*.md"))[0]).touch()
    store = Store.open(generated)
    build_site(BuildOptions.for_root(generated), store=store)
    assert not marker.exists()
    assert store.hits == 0  # nothing was taken from the planted files
    assert site_bytes(generated / "site") == fresh(generated, tmp_path / "fresh")


@pytest.mark.parametrize("offset", [0.3, 0.999])
def test_a_flipped_byte_in_any_kind_of_store_file_never_changes_the_output(generated: Path, tmp_path: Path, monkeypatch, offset: float):
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)  # remember files written just now
    options = BuildOptions.for_root(generated)
    build_site(options)
    edited = sorted((generated / "content/briefs").rglob("*.md"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build_site(options)  # every kind of store file now exists
    by_kind: dict[str, Path] = {}
    for path in cache_files(generated):
        by_kind.setdefault(path.name.split("-")[0].split(".")[0] + ("-" + path.name.split("-")[1] if path.name.startswith("rows") else ""), path)
    assert {"entries", "inputs", "output", "rows-json.bin", "rows-csv.bin", "rows-index.bin"} <= set(by_kind), by_kind
    for kind, path in sorted(by_kind.items()):
        blob = bytearray(path.read_bytes())
        blob[min(len(blob) - 1, int(len(blob) * offset))] ^= 0x20
        path.write_bytes(bytes(blob))
        edited.write_text(edited.read_text(encoding="utf-8") + "x", encoding="utf-8")  # a build with work to do
        build_site(options)
        assert site_bytes(generated / "site") == fresh(generated, tmp_path / f"fresh-{kind}"), kind


def test_a_linked_cache_folder_is_not_written_through(generated: Path, tmp_path: Path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (generated / ".cache").mkdir()
    (generated / ".cache" / "briefing").symlink_to(elsewhere)
    from briefing.cli import main

    assert main(["build", "--root", str(generated)]) == 0
    assert list(elsewhere.iterdir()) == []
    assert "note: no build cache" in capsys.readouterr().err
    assert site_bytes(generated / "site") == fresh(generated, tmp_path / "fresh")


def test_the_key_lives_outside_the_project(generated: Path, monkeypatch):
    monkeypatch.setenv(store_module.KEY_FILE_ENV, str(generated / "store.key"))
    store = Store.open(generated)
    assert not store.on_disk and "inside the project" in store.why_memory


def test_a_full_disk_while_saving_the_store_is_a_clear_note_and_leaves_no_temporary_files(generated: Path, tmp_path: Path, monkeypatch, capsys):
    from briefing.cli import main

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    def full(fd, mode="r", *args, **kwargs):
        stream = real_fdopen(fd, mode, *args, **kwargs)
        return Full(stream) if "w" in mode and "b" in mode else stream

    monkeypatch.setattr(store_module.os, "fdopen", full)
    assert main(["build", "--root", str(generated), "--no-search"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "could not save the build cache" in err and "No space left on device" in err
    leftovers = [p.name for p in (generated / CACHE_FOLDER).iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []
    monkeypatch.undo()
    assert site_bytes(generated / "site") == {k: v for k, v in fresh(generated, tmp_path / "fresh").items()}
