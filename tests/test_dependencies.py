"""Dependencies are pinned exactly, every package (transitive ones included) is locked with
hashes in requirements/*.txt, everything installs from those locks, and Dependabot keeps
pip, npm and the actions current."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO

EXACT_PIN = re.compile(r"^[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==\d[\w.]*$")
LOCKS = {"site": "dependencies", "test": "test", "bench": "bench"}  # lock -> pyproject list
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[a-z,]+\])?==(\S+)")


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pyproject_pins(name: str) -> list[str]:
    return list(project()["dependencies"] if name == "dependencies" else project()["optional-dependencies"][name])


def in_file_pins(name: str) -> list[str]:
    """The pins of requirements/NAME.in, without its `-r` includes and comments."""
    lines = (REPO / f"requirements/{name}.in").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "-r"))]


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """requirements/NAME.txt as {normalised name: (version, hashes)}."""
    text = (REPO / f"requirements/{name}.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        match = REQUIREMENT.match(line)
        if match:
            found[normalise(match[1])] = (match[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_python_dependency_is_pinned_exactly():
    requirements = pyproject_pins("dependencies")
    for extra in project().get("optional-dependencies", {}).values():
        requirements += extra
    assert requirements
    loose = [r for r in requirements if not EXACT_PIN.match(r)]
    assert not loose, f"pin these exactly with ==: {loose}"


@pytest.mark.parametrize("lock,source", LOCKS.items())
def test_the_lock_sources_pin_what_pyproject_pins(lock, source):
    assert sorted(in_file_pins(lock)) == sorted(pyproject_pins(source)), (
        f"requirements/{lock}.in and pyproject.toml disagree: change both, then `make lock`"
    )


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_has_a_version_and_hashes(lock):
    packages = locked(lock)
    expected = {normalise(REQUIREMENT.match(pin)[1]): REQUIREMENT.match(pin)[2] for pin in in_file_pins(lock)}
    if lock != "site":
        expected |= {normalise(REQUIREMENT.match(pin)[1]): REQUIREMENT.match(pin)[2] for pin in in_file_pins("site")}
    for name, version in expected.items():
        assert packages.get(name, ("missing",))[0] == version, f"{name} in requirements/{lock}.txt: run `make lock`"
    assert "markupsafe" in packages, "transitive packages must be locked too"
    for name, (version, hashes) in packages.items():
        assert hashes, f"{name}=={version} has no hash"
    # Every line that names a package is a pinned, hashed requirement (no editable or URL).
    body = [line for line in (REPO / f"requirements/{lock}.txt").read_text().splitlines() if line and not line.startswith((" ", "#"))]
    assert len(body) == len(packages), body


@pytest.mark.parametrize("lock", ["test", "bench"])
def test_the_larger_locks_agree_with_the_site_lock(lock):
    site, other = locked("site"), locked(lock)
    assert {name: other[name][0] for name in site} == {name: version for name, (version, _) in site.items()}


def test_installs_come_from_the_locks_with_hashes():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes" in makefile and "--no-deps -e ." in makefile
    for lock in LOCKS:
        assert f"$(PIP_LOCKED) requirements/{lock}.txt" in makefile
    assert "pip install -e" not in makefile.replace("--no-deps -e", "")
    for workflow in sorted((REPO / ".github/workflows").glob("*.yml")):
        for run in re.findall(r"pip install[^\n]*", workflow.read_text(encoding="utf-8")):
            assert "--require-hashes" in run or "--no-deps" in run, (workflow.name, run)


def test_npm_test_tools_are_locked():
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in {**package.get("dependencies", {}), **package.get("devDependencies", {})}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_dependabot_updates_pip_npm_and_actions():
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(ecosystems) == {"pip", "npm", "github-actions"}
    assert all(update["directory"] == "/" for update in ecosystems.values())
    # Dependabot recompiles a lock with the command in its header: it must name the .in file.
    for lock in LOCKS:
        header = Path(REPO / f"requirements/{lock}.txt").read_text(encoding="utf-8")
        assert "pip-compile" in header and "--generate-hashes" in header and f"requirements/{lock}.in" in header
