"""Existing state survives the three-axes restructuring: apply the old example, plan the new one, nothing is destroyed.

``tests/golden/pre_axes/aws-emu-orders-aws.tf.json`` is exactly what ``examples/aws`` synthesized before
the restructuring (emulator switch on, protection off, endpoint ``http://127.0.0.1:5000``). It is applied
for real against the session's moto_server; then the current code's synthesis of the same example is
planned against that state. No logical id moved, so no ``moved`` block is needed and the plan holds no
delete or replace: only the in-place updates intended since 0.1 (Glue tables gain the source position
columns and partition projection; IAM policy documents gain the key statements of each grant; the bucket's
lifecycle rule stops expiring the change history). One resource is replaced on purpose: the Lake Formation
data location, re-registered with Lake Formation's own data access role (issue 10: the service-linked role
cannot use the channel's customer-managed key); it holds no data, and registering again loses nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from channelkit.local import EMULATOR_ENV, ENDPOINT_ENV, PROTECT_ENV, MotoServer, seed_local, synth_app

if TYPE_CHECKING:
    from aws_fixtures import Terraform

pytest_plugins = ["aws_fixtures"]
pytestmark = [pytest.mark.terraform, pytest.mark.moto]

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "aws"
OLD = REPO / "tests" / "golden" / "pre_axes" / "aws-emu-orders-aws.tf.json"
OLD_ENDPOINT = "http://127.0.0.1:5000"


@pytest.fixture()
def own_endpoint() -> Iterator[str]:
    """A moto_server of this test's own: the session's holds the deployed example, with the same names."""
    with MotoServer() as server:
        yield server.url


def test_old_state_plans_without_a_destroy(tmp_path: Path, own_endpoint: str, terraform: Terraform) -> None:
    moto_endpoint = own_endpoint
    seed_local(EXAMPLE, moto_endpoint)
    old = tmp_path / "old"
    old.mkdir()
    (old / "cdk.tf.json").write_text(OLD.read_text().replace(OLD_ENDPOINT, moto_endpoint))
    terraform(old, "init", "-input=false")
    terraform(old, "apply", "-auto-approve", "-input=false")

    env = {ENDPOINT_ENV: moto_endpoint, EMULATOR_ENV: "1", PROTECT_ENV: "0"}
    (new,) = synth_app(EXAMPLE, tmp_path / "new", env)
    shutil.copy(old / "terraform.tfstate", new / "terraform.tfstate")
    terraform(new, "init", "-input=false")
    terraform(new, "plan", "-input=false", "-out=plan.bin")
    plan = json.loads(terraform(new, "show", "-json", "plan.bin").stdout)
    actions = {(c["type"], c["name"]): c["change"]["actions"] for c in plan["resource_changes"]}
    replaced = {t for (t, _), act in actions.items() if "delete" in act}
    assert replaced <= {"aws_lakeformation_resource"}, actions  # re-registered with its data access role
    assert all(act == ["delete", "create"] or act == ["create", "delete"]
               for (t, _), act in actions.items() if t == "aws_lakeformation_resource"), actions
    updated = {t for (t, _), act in actions.items() if act == ["update"]}
    # Glue tables: the source position columns and partition projection; IAM: each grant covers the key;
    # the bucket lifecycle: the warehouse keeps its history (no object expiry by default), issue 8.
    # The workgroup: results encrypted with the results key (issue 10); the Glue database: the catalog's
    # parameters (contract, owner email, retention; issue 10, part 3), updated in place; the data key: its
    # policy lets Macie's service-linked role decrypt (issue 10, part 4), updated in place.
    assert updated <= {"aws_glue_catalog_table", "aws_iam_policy", "aws_s3_bucket_lifecycle_configuration",
                       "aws_athena_workgroup", "aws_glue_catalog_database", "aws_kms_key"}, actions
    assert "aws_glue_catalog_table" in updated
    for address in [a for a in terraform(old, "state", "list").stdout.split()
                    if a.startswith("aws_lakeformation_permissions.")]:
        terraform(old, "state", "rm", address)  # moto cannot revoke Lake Formation grants
    terraform(old, "destroy", "-auto-approve", "-input=false")
