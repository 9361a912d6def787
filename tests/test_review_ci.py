"""The CI script (examples/ci/review.sh) run locally on two commits of a temporary git repository.

The repository holds a small channelkit app (``main.py``, one channel). Commit 1 captures two tables,
commit 2 drops one and adds a reader. The script really checks both commits out in worktrees, really
synthesizes them with ``channelkit synth`` and really runs ``channelkit review``; what it does not do here is
talk to GitHub: once with ``REVIEW_POST=dry-run`` (it prints the ``gh api`` calls), once with a fake ``gh`` on
``PATH`` that answers the comment lookup with an existing comment id and records the calls, so the
update-the-one-comment path runs. No ``terraform plan`` runs (``REVIEW_PLAN_STACKS`` is unset: the
channel's providers are not reachable offline); tests/test_review_moto.py reviews a real plan. The workflow
file is checked for what the script relies on (full history, the comment permission), not run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_review import APP

from channelkit.review import MARKER

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "examples" / "ci" / "review.sh"
WORKFLOW = REPO / "examples" / "ci" / "review.yml"
CHANNELKIT = Path(sys.executable).parent / "channelkit"
FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
case "$*" in *--paginate*) echo 4242 ;; esac
"""


@pytest.fixture(scope="module")
def app_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("ci") / "app"
    (repo / "channels").mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "channels" / "main.py").write_text(APP.format(tables="[ORDERS, CUSTOMERS]"))
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "two tables"], cwd=repo, check=True)
    (repo / "channels" / "main.py").write_text(APP.format(tables="[ORDERS]"))
    subprocess.run([*git, "commit", "-qam", "drop customers"], cwd=repo, check=True)
    return repo


def run_script(repo: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "REVIEW_"))}
    full.update({"CHANNELKIT": str(CHANNELKIT), "REVIEW_DIR": str(tmp_path / "review"), "GITHUB_REPOSITORY": "o/r",
                 "PR_NUMBER": "7", "GITHUB_ACTOR": "octocat", **env})
    return subprocess.run(["bash", str(SCRIPT), "HEAD~1", "HEAD"], cwd=repo / "channels", env=full,
                          capture_output=True, text=True, timeout=300, check=False)


def test_script_blocks_and_prints_the_comment_calls(app_repo: Path, tmp_path: Path) -> None:
    proc = run_script(app_repo, tmp_path, REVIEW_POST="dry-run")
    assert proc.returncode == 2, proc.stderr[-3000:]
    review = tmp_path / "review"
    markdown = (review / "review.md").read_text()
    assert markdown.startswith(MARKER + "\n### channelkit review: 3 blockers")
    assert proc.stdout == markdown  # the markdown is also the step's output
    report = json.loads((review / "review.json").read_text())
    assert report["exit_code"] == 2
    assert sorted(b["code"] for b in report["blockers"]) == ["delete-data", "delete-data", "table-removed"]
    assert f"gh api --paginate repos/o/r/issues/7/comments --jq .[] | select(.body | startswith(\"{MARKER}\"))" \
        in proc.stderr
    assert f"gh api --method POST repos/o/r/issues/7/comments -F body=@{review}/review.md" in proc.stderr
    trees = subprocess.run(["git", "worktree", "list"], cwd=app_repo, capture_output=True, text=True, check=True)
    assert len(trees.stdout.strip().splitlines()) == 1  # the script removed its worktrees


def test_script_updates_the_one_comment_and_records_the_override(app_repo: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    log, summary = tmp_path / "gh.log", tmp_path / "summary.md"
    proc = run_script(app_repo, tmp_path, REVIEW_POST="post", REVIEW_ALLOW_DATA_LOSS="customers moved to crm",
                      PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", FAKE_GH_LOG=str(log),
                      GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == 0, proc.stderr[-3000:]
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and calls[0].startswith("api --paginate repos/o/r/issues/7/comments")
    assert calls[1] == f"api --method PATCH repos/o/r/issues/comments/4242 -F body=@{tmp_path}/review/review.md"
    markdown = (tmp_path / "review" / "review.md").read_text()
    assert "**octocat** allowed 3 data-loss blockers: “customers moved to crm”" in markdown
    assert summary.read_text() == markdown


def test_workflow_runs_the_script_with_history_and_comment_permission() -> None:
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert doc[True]["pull_request"]["types"][:3] == ["opened", "synchronize", "reopened"]  # YAML 1.1: on = True
    assert doc["permissions"]["pull-requests"] == "write"
    steps = doc["jobs"]["review"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    review = next(s for s in steps if s.get("name") == "channelkit review")
    assert "examples/ci/review.sh" in review["run"] and review["env"]["REVIEW_POST"] == "post"
    assert {"GH_TOKEN", "PR_NUMBER", "REVIEW_PLAN_STACKS", "REVIEW_ALLOW_DATA_LOSS"} <= set(review["env"])
    terraform = next(s for s in steps if s.get("uses", "").startswith("hashicorp/setup-terraform"))
    assert terraform["with"]["terraform_wrapper"] is False  # `show -json` must print JSON only
