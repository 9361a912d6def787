"""The example AWS channel applied for real: terraform against a local moto_server, and the S3 backend.

Resource types of the example channel (``examples/aws``), by how they are checked here:
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_fixtures import moto_endpoint, tf_env  # noqa: F401  (fixtures)

from channelkit.local import (
    EMULATOR_ENV,
    ENDPOINT_ENV,
    LOCAL_STATE_ONLY_TYPES,
    PROTECT_ENV,
    seed_local,
    synth_app,
)
from channelkit.patterns.aws_lake import EMULATOR_OMITTED_TYPES

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "aws"

#: Applied for real against moto (created, re-planned with no changes, destroyed).
APPLIED_TYPES = (
    "aws_athena_workgroup", "aws_glue_catalog_database", "aws_glue_catalog_table",
    "aws_iam_policy", "aws_iam_role_policy_attachment", "aws_kms_alias", "aws_kms_key",
    "aws_lakeformation_permissions", "aws_lakeformation_resource", "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_secretsmanager_secret",
    "aws_secretsmanager_secret_version",
)
#: Applied and re-planned for real, but moto's RevokePermissions does not revoke (the provider then fails the
#: destroy): the destroy test removes these from state first (``channelkit deploy --local`` does the same).
MOTO_CANNOT_DELETE = LOCAL_STATE_ONLY_TYPES

#: Only validated and planned: moto has no MSK Connect API (the connectors' log groups and roles go with them),
#: moto's DeleteNamedQuery does not delete (destroy waits forever), and Lake Formation column-level grants
#: (``table_with_columns``) do not read back from moto.
PLANNED_ONLY_TYPES = (*EMULATOR_OMITTED_TYPES, "aws_iam_role", "aws_iam_role_policy",
                      "aws_lakeformation_permissions (table_with_columns)")


def _tf(workdir: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["terraform", *args, "-no-color"], cwd=workdir, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"terraform {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _synth(out: Path, endpoint: str, *, emulator: bool, protect: bool, extra: dict[str, str] | None = None) -> Path:
    env = {ENDPOINT_ENV: endpoint, EMULATOR_ENV: "1" if emulator else "0", PROTECT_ENV: "1" if protect else "0",
           **(extra or {})}
    (stack,) = synth_app(EXAMPLE, out, env)
    return stack


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, moto_endpoint: str, tf_env: dict[str, str]) -> Iterator[Path]:  # noqa: F811
    """The example (emulator switch on, protected) synthesized, init'd, validated and applied once."""
    seed_local(EXAMPLE, moto_endpoint)
    stack = _synth(tmp_path_factory.mktemp("applied"), moto_endpoint, emulator=True, protect=True)
    _tf(stack, tf_env, "init", "-input=false")
    assert "Success" in _tf(stack, tf_env, "validate").stdout
    _tf(stack, tf_env, "apply", "-auto-approve", "-input=false")
    yield stack


def _state_types(stack: Path, env: dict[str, str]) -> set[str]:
    shown = json.loads(_tf(stack, env, "show", "-json").stdout)
    module = shown.get("values", {}).get("root_module", {})
    return {r["type"] for r in module.get("resources", []) if r["mode"] == "managed"}


def test_apply_creates_every_applied_type(applied: Path, tf_env: dict[str, str]) -> None:  # noqa: F811
    assert _state_types(applied, tf_env) == set(APPLIED_TYPES)


def test_replan_reports_no_changes(applied: Path, tf_env: dict[str, str]) -> None:  # noqa: F811
    proc = _tf(applied, tf_env, "plan", "-detailed-exitcode", "-input=false", check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_full_channel_validates_and_plans_only_the_planned_types(
    applied: Path, moto_endpoint: str, tf_env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    full = _synth(tmp_path / "full", moto_endpoint, emulator=False, protect=True)
    shutil.copy(applied / "terraform.tfstate", full / "terraform.tfstate")
    _tf(full, tf_env, "init", "-input=false")
    _tf(full, tf_env, "validate")
    _tf(full, tf_env, "plan", "-input=false", "-out=plan.bin")
    plan = json.loads(_tf(full, tf_env, "show", "-json", "plan.bin").stdout)
    changes = [(c["type"], c["change"]["actions"], c["change"]["after"]) for c in plan["resource_changes"]]
    assert all(actions in (["no-op"], ["read"], ["create"]) for _, actions, _ in changes)
    created = [(t, after) for t, actions, after in changes if actions == ["create"]]
    expected = {t.split(" ")[0] for t in PLANNED_ONLY_TYPES}
    assert {t for t, _ in created} == expected
    assert all("table_with_columns" in after for t, after in created if t == "aws_lakeformation_permissions")
    source = next(a for t, a in created if t == "aws_mskconnect_connector" and a["name"] == "orders-source")
    password = source["connector_configuration"]["database.password"]
    assert password.startswith("${secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:channelkit/")
    assert password.endswith(":password}")


def test_protected_resources_refuse_destroy_then_destroy_without_protection(
    applied: Path, moto_endpoint: str, tf_env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    refused = _tf(applied, tf_env, "destroy", "-auto-approve", "-input=false", check=False)
    assert refused.returncode != 0
    assert "prevent_destroy" in refused.stderr
    for rtype in ("aws_s3_bucket", "aws_kms_key", "aws_glue_catalog_table"):
        assert rtype in refused.stderr
    assert _state_types(applied, tf_env) == set(APPLIED_TYPES)  # nothing was destroyed
    unprotected = _synth(tmp_path / "unprotected", moto_endpoint, emulator=True, protect=False)
    shutil.copy(applied / "cdk.tf.json", tmp_path / "protected.tf.json")
    shutil.copy(unprotected / "cdk.tf.json", applied / "cdk.tf.json")
    _tf(applied, tf_env, "apply", "-auto-approve", "-input=false")  # lifts prevent_destroy, sets force_destroy
    for address in _addresses(applied, tf_env, MOTO_CANNOT_DELETE):
        _tf(applied, tf_env, "state", "rm", address)
    _tf(applied, tf_env, "destroy", "-auto-approve", "-input=false")
    assert _state_types(applied, tf_env) == set()


def _addresses(stack: Path, env: dict[str, str], types: tuple[str, ...]) -> list[str]:
    return [a for a in _tf(stack, env, "state", "list").stdout.split() if a.split(".")[0] in types]


def test_terraform_lists_are_consistent() -> None:
    assert not set(APPLIED_TYPES) & set(EMULATOR_OMITTED_TYPES)


def test_bootstrap_state_is_idempotent(moto_endpoint: str) -> None:  # noqa: F811
    import boto3
    from click.testing import CliRunner

    from channelkit.cli import main

    args = ["bootstrap-state", "--bucket", "acme-tf-state", "--table", "acme-tf-locks", "--endpoint-url",
            moto_endpoint]
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "created/updated: bucket acme-tf-state" in first.output
    assert "created/updated: lock table acme-tf-locks" in first.output
    second = CliRunner().invoke(main, args, env=env)
    assert second.exit_code == 0 and "nothing changed" in second.output and "created" not in second.output
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    assert s3.get_bucket_versioning(Bucket="acme-tf-state")["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket="acme-tf-state")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    bad = CliRunner().invoke(main, ["bootstrap-state", "--bucket", "Bad..Bucket", "--table", "t"], env=env)
    assert bad.exit_code == 1 and "bucket" in bad.output and "table" in bad.output


def _keys() -> dict[str, Any]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


__all__ = ["APPLIED_TYPES", "PLANNED_ONLY_TYPES", "sys"]
