"""Remote state against moto: ``channelkit bootstrap-state``, an S3 backend with DynamoDB locking, a held lock.

A one-resource stack (an S3 bucket: cheap to apply) built from channelkit's generated AWS bindings uses
``s3_backend(..., local=LocalAwsEndpoint(...))``; terraform ``init`` + ``apply`` write its state into the
bucket that ``bootstrap-state`` created, and a second terraform process cannot take the lock that a
first one holds (a ``terraform destroy`` waiting at its confirmation prompt).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from channelkit._cdk import cdk
from channelkit.constructs.aws import LocalAwsEndpoint, aws_provider, s3_backend
from channelkit.providers.aws import S3Bucket
from channelkit.terraform import terraform_binary

if TYPE_CHECKING:
    from aws_fixtures import Terraform

pytest_plugins = ["aws_fixtures"]  # one moto_server per session (see aws_fixtures)
pytestmark = [pytest.mark.terraform, pytest.mark.moto]

REGION = "us-east-1"
STATE_BUCKET = "channelkit-locking-test-state"
LOCK_TABLE = "channelkit-locking-test-locks"
STATE_KEY = "channels/locking.tfstate"
DATA_BUCKET = "channelkit-locking-test-data"
LOCK_ID = f"{STATE_BUCKET}/{STATE_KEY}"  # the S3 backend's lock item; ``LOCK_ID-md5`` holds the state digest


def _aws(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def _lock_items(endpoint: str) -> dict[str, dict[str, Any]]:
    items = _aws("dynamodb", endpoint).scan(TableName=LOCK_TABLE)["Items"]
    return {item["LockID"]["S"]: item for item in items}


def _synth_stack(outdir: Path, endpoint: str) -> Path:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.TerraformStack(app, "locking")
    local = LocalAwsEndpoint(url=endpoint)
    aws_provider(stack, region=REGION, local=local)
    s3_backend(stack, bucket=STATE_BUCKET, key=STATE_KEY, region=REGION, lock_table=LOCK_TABLE, local=local)
    S3Bucket(stack, "Bucket", bucket=DATA_BUCKET, force_destroy=True)
    app.synth()
    return outdir / "stacks" / "locking"


def _bootstrap(endpoint: str) -> Any:
    from click.testing import CliRunner

    from channelkit.cli import main

    args = ["bootstrap-state", "--bucket", STATE_BUCKET, "--table", LOCK_TABLE, "--region", REGION,
            "--endpoint-url", endpoint]
    return CliRunner().invoke(main, args)


@pytest.fixture(scope="module")
def backend_stack(
    tmp_path_factory: pytest.TempPathFactory, moto_endpoint: str, terraform: Terraform
) -> Path:
    """The bootstrap-state bucket + table, and the one-bucket stack applied with its state in them."""
    bootstrapped = _bootstrap(moto_endpoint)
    assert bootstrapped.exit_code == 0, bootstrapped.output
    assert f"created/updated: bucket {STATE_BUCKET}" in bootstrapped.output
    assert f"created/updated: lock table {LOCK_TABLE}" in bootstrapped.output
    stack = _synth_stack(tmp_path_factory.mktemp("backend"), moto_endpoint)
    terraform(stack, "init", "-input=false")
    terraform(stack, "apply", "-auto-approve", "-input=false")
    return stack  # left in place: it goes with the session's moto_server


def test_backend_block_points_at_the_emulator(backend_stack: Path, moto_endpoint: str) -> None:
    backend = json.loads((backend_stack / "cdk.tf.json").read_text())["terraform"]["backend"]["s3"]
    assert backend["bucket"] == STATE_BUCKET and backend["key"] == STATE_KEY
    assert backend["dynamodb_table"] == LOCK_TABLE and backend["encrypt"] is True
    assert backend["endpoints"]["s3"] == backend["endpoints"]["dynamodb"] == moto_endpoint
    for flag in ("use_path_style", "skip_credentials_validation", "skip_requesting_account_id",
                 "skip_metadata_api_check"):
        assert backend[flag] is True, flag
    assert not (backend_stack / "terraform.tfstate").exists()  # no local state next to the stack


def test_state_is_in_the_bucket_and_holds_the_resource(backend_stack: Path, moto_endpoint: str) -> None:
    obj = _aws("s3", moto_endpoint).get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)
    state = json.loads(obj["Body"].read())
    assert obj.get("ServerSideEncryption")  # encrypt = true
    buckets = [r for r in state["resources"] if r["type"] == "aws_s3_bucket" and r["mode"] == "managed"]
    assert [b["instances"][0]["attributes"]["bucket"] for b in buckets] == [DATA_BUCKET]
    _aws("s3", moto_endpoint).head_bucket(Bucket=DATA_BUCKET)  # and the resource really exists
    items = _lock_items(moto_endpoint)
    assert set(items) == {f"{LOCK_ID}-md5"}, items  # the state digest; no lock is held between runs
    assert items[f"{LOCK_ID}-md5"]["Digest"]["S"]


def test_bootstrap_state_again_changes_nothing(backend_stack: Path, moto_endpoint: str) -> None:
    again = _bootstrap(moto_endpoint)
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output and "created" not in again.output


def test_second_terraform_cannot_take_a_held_lock(
    backend_stack: Path, moto_endpoint: str, tf_env: dict[str, str], terraform: Terraform, tmp_path: Path
) -> None:
    # `terraform destroy` without -auto-approve holds the state lock while it waits at its prompt.
    log = tmp_path / "holder.log"
    with log.open("w") as out:
        holder = subprocess.Popen(
            [terraform_binary(), "destroy", "-refresh=false", "-no-color"], cwd=backend_stack,
            env={**os.environ, **tf_env}, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while "Enter a value:" not in log.read_text():
            assert holder.poll() is None, f"the lock holder exited early:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no prompt after 120 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)
        held = _lock_items(moto_endpoint)
        assert LOCK_ID in held, held
        info = json.loads(held[LOCK_ID]["Info"]["S"])
        assert info["Path"] == LOCK_ID

        blocked = terraform(backend_stack, "plan", "-input=false", "-lock-timeout=0s", check=False)
        assert blocked.returncode == 1
        assert "Error acquiring the state lock" in blocked.stderr, blocked.stderr[-3000:]
        assert info["ID"] in blocked.stderr  # the lock the holder took, reported by the second process

        assert holder.stdin is not None
        holder.stdin.write("no\n")  # decline: the holder cancels and releases the lock
        holder.stdin.close()
        assert holder.wait(timeout=120) == 1
        assert "Destroy cancelled." in log.read_text()
    finally:  # never leave terraform (or its provider plugin) running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    assert LOCK_ID not in _lock_items(moto_endpoint)
    replan = terraform(backend_stack, "plan", "-input=false", "-lock-timeout=0s", "-refresh=false",
                       "-detailed-exitcode", check=False)
    assert replan.returncode == 0, replan.stdout[-3000:] + replan.stderr[-3000:]
    _aws("s3", moto_endpoint).head_bucket(Bucket=DATA_BUCKET)  # nothing was destroyed


def test_bootstrap_state_is_idempotent(moto_endpoint: str) -> None:
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
    s3 = _aws("s3", moto_endpoint)
    assert s3.get_bucket_versioning(Bucket="acme-tf-state")["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket="acme-tf-state")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    table = _aws("dynamodb", moto_endpoint).describe_table(TableName="acme-tf-locks")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    bad = CliRunner().invoke(main, ["bootstrap-state", "--bucket", "Bad..Bucket", "--table", "t"], env=env)
    assert bad.exit_code == 1 and "bucket" in bad.output and "table" in bad.output
