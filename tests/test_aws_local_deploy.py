"""`channelkit deploy --local examples/aws`: the README's "see it really create infrastructure" step."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from channelkit.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.moto
@pytest.mark.terraform
def test_local_deploy_creates_then_tears_down_the_example() -> None:
    result = CliRunner().invoke(main, ["deploy", "--local", str(ROOT / "examples" / "aws"), "--teardown"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    created = next(line for line in lines if line.startswith("created "))
    count = int(created.split()[1])
    rows = [line.split()[0] for line in lines if line.startswith("  aws_")]
    assert count == len(rows) >= 15
    for rtype in ("aws_s3_bucket", "aws_kms_key", "aws_glue_catalog_table", "aws_secretsmanager_secret",
                  "aws_athena_workgroup", "aws_lakeformation_permissions"):
        assert rtype in rows, rtype
    assert lines[-1] == "torn down"
    assert not (ROOT / "examples" / "aws" / "cdktf.out" / "stacks" / "orders-aws" / "terraform.tfstate").exists()
