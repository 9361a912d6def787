"""The review on a real plan: the AWS example applied to moto, then a head that replaces its bucket.

What runs for real: ``examples/aws`` (copied, its bucket name changed for the head) is synthesized for the
emulator with protection off (``prevent_destroy`` would make Terraform refuse the plan instead of showing the
replacement), applied with the real terraform and the mirrored hashicorp/aws 5.100.0 provider to a moto_server
of this module's own (no name clashes with the session's example deployment), the head is planned against
that state, and ``terraform show -json`` of the plan is given to ``channelkit review --plan``. The review must
block on the plan's replacement of the bucket, say the basis is the plan, and the offline prediction (from
``review/rules.json``'s AWS ``force_new`` facts) must agree with the real plan.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from channelkit.cli import main
from channelkit.local import MotoServer, seed_local, synth_app

pytest_plugins = ["aws_fixtures"]
pytestmark = [pytest.mark.terraform, pytest.mark.moto]

if TYPE_CHECKING:
    from aws_fixtures import Terraform

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "aws"
BASE_BUCKET, HEAD_BUCKET = "review-moto-base", "review-moto-head"


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with MotoServer() as server:
        yield server.url


def _app(tmp_path: Path, name: str, bucket: str) -> Path:
    app = tmp_path / name
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns("cdktf.out", "__pycache__", ".terraform*"))
    main_py = app / "main.py"
    main_py.write_text(main_py.read_text().replace('"acme-orders-cdc-example"', repr(bucket)))
    return app


def test_review_blocks_on_the_real_plan_of_a_replaced_bucket(
    tmp_path: Path, moto: str, tf_env: dict[str, str], terraform: Terraform
) -> None:
    from aws_fixtures import example_env  # loaded as a plugin (pytest_plugins) before the tests run

    env = example_env(moto, tf_env, emulator=True, protect=False)
    base_app, head_app = _app(tmp_path, "base-app", BASE_BUCKET), _app(tmp_path, "head-app", HEAD_BUCKET)
    seed_local(base_app, moto)
    (base_stack,) = synth_app(base_app, tmp_path / "base", env)
    terraform(base_stack, "init", "-input=false")
    terraform(base_stack, "apply", "-auto-approve", "-input=false")
    (head_stack,) = synth_app(head_app, tmp_path / "head", env)
    shutil.copy(base_stack / "terraform.tfstate", head_stack / "terraform.tfstate")
    terraform(head_stack, "init", "-input=false")
    terraform(head_stack, "plan", "-input=false", "-out=plan.bin")
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(terraform(head_stack, "show", "-json", "plan.bin").stdout)
    real = {c["address"]: c["change"] for c in json.loads(plan_json.read_text())["resource_changes"]}
    bucket = next(a for a in real if a.startswith("aws_s3_bucket.") and "Bucket" in a)
    assert sorted(real[bucket]["actions"]) == ["create", "delete"]  # the real provider replaces it

    runner = CliRunner()
    planned = runner.invoke(main, ["review", "--base", str(tmp_path / "base"), "--head", str(tmp_path / "head"),
                                   "--plan", str(plan_json), "--format", "json"])
    assert planned.exit_code == 2, planned.output
    report = json.loads(planned.stdout)
    assert report["plans"][0]["stack"] == head_stack.name
    changes = {r["address"]: r for c in report["channels"] for r in c["resources"]}
    assert changes[bucket]["basis"] == "plan" and changes[bucket]["action"] == "replace"
    assert [r["attribute"] for r in changes[bucket]["replacements"]] == ["bucket"]
    assert {r["basis"] for r in changes.values()} == {"plan"}  # the plan covers the whole stack
    blockers = [(b["code"], b["address"], b["basis"]) for b in report["blockers"]]
    assert ("replace-data", bucket, "plan") in blockers

    predicted = runner.invoke(main, ["review", "--base", str(tmp_path / "base"), "--head", str(tmp_path / "head"),
                                     "--format", "json"])
    assert predicted.exit_code == 2
    offline = {r["address"]: r for c in json.loads(predicted.stdout)["channels"] for r in c["resources"]}
    assert offline[bucket]["basis"] == "predicted" and offline[bucket]["action"] == "replace"
    replaced_for_real = {a for a, c in real.items() if sorted(c["actions"]) == ["create", "delete"]}
    replaced_offline = {a for a, r in offline.items() if r["action"] == "replace"}
    assert replaced_offline <= replaced_for_real, replaced_offline - replaced_for_real  # no false replacement
    assert bucket in replaced_offline
