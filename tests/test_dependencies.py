"""Dependencies are pinned exactly and kept current by Dependabot (pip and Actions)."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from conftest import REPO

EXACT_PIN = re.compile(r"^[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==\d[\w.]*$")


def test_every_python_dependency_is_pinned_exactly():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    assert requirements
    loose = [r for r in requirements if not EXACT_PIN.match(r)]
    assert not loose, f"pin these exactly with ==: {loose}"


def test_npm_test_tools_are_locked():
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in {**package.get("dependencies", {}), **package.get("devDependencies", {})}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_dependabot_updates_python_packages_and_actions():
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert {"pip", "github-actions"} <= set(ecosystems)
    assert all(update["directory"] == "/" for update in ecosystems.values())
