"""A channel's three axes are independent: any platform with any warehouse whose sink it can run.

The two combinations the examples use (self-managed Kafka + Connect into BigQuery: ``stacks/``;
MSK + MSK Connect into the S3 lake: ``examples/aws``) are tested elsewhere. Here the two new ones
synthesize and pass ``channelkit validate``:

- self-managed Kafka + Kafka Connect into the S3 lake: validated against the provider schemas, and its
  AWS part applied for real on moto and re-planned with no changes (the kafka, kafka-connect and mysql
  providers have no binary here: their resources are validated only);
- MSK + MSK Connect into BigQuery: validated against the provider schemas (no google provider binary
  here); the BigQuery key reaches MSK Connect through a Secrets Manager secret, never as config.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from channel_helpers import KAFKA, TEAM, orders

from channelkit import cdk
from channelkit.constructs.aws import LocalAwsEndpoint, aws_provider
from channelkit.patterns import (
    AwsLake,
    BigQuery,
    Channel,
    ConnectCluster,
    MskCluster,
    MskConnect,
    MySqlSource,
    PostgresSource,
    Reader,
)
from channelkit.synth_report import channel_reports
from channelkit.validate import validate_output

if TYPE_CHECKING:
    from aws_fixtures import Terraform

pytest_plugins = ["aws_fixtures"]

ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
MSK_CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",), plugin_bucket="acme-plugins",
                         source_plugin_key="debezium.zip", sink_plugin_key="bigquery-sink.zip")
WORKERS = "connect-workers"
CONNECT = ConnectCluster(name="c", url="https://connect:8083", principal="User:connect", aws_role=WORKERS)


def _kafka_into_lake(tmp_path: Path, local: LocalAwsEndpoint | None = None) -> tuple[Path, Channel]:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "lake")
    aws_provider(stack, region="us-east-1", local=local)
    cdk.LocalBackend(stack, path="terraform.tfstate")
    channel = Channel(
        stack, "crm", source=PostgresSource(host="crm-db.internal", database="crm"), tables=[orders()],
        kafka=KAFKA, connect=CONNECT, owner=TEAM,
        warehouse=AwsLake(region="us-east-1", bucket_name="acme-crm-cdc", protect=local is None,
                          local_emulator=local is not None),
        readers=[Reader(kafka="User:analytics", aws="arn:aws:iam::123456789012:role/analyst",
                        clearance="confidential")])
    app.synth()
    return tmp_path / "out", channel


def _msk_into_bigquery(tmp_path: Path) -> tuple[Path, Channel]:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "bq")
    aws_provider(stack, region="eu-west-1")
    channel = Channel(
        stack, "shop", source=MySqlSource(host="shop-db.internal", database="shop"), tables=[orders()],
        kafka=MskCluster(arn=ARN), connect=MSK_CONNECT, owner=TEAM,
        warehouse=BigQuery(project="acme-warehouse", location="EU"), readers=["group:analysts@acme.example"])
    app.synth()
    return tmp_path / "out", channel


def _doc(out: Path, stack: str) -> dict[str, Any]:
    return json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())


def test_self_managed_kafka_into_the_s3_lake_synthesizes_and_validates(tmp_path: Path) -> None:
    out, channel = _kafka_into_lake(tmp_path)
    report = validate_output(out, run_terraform=False)
    assert report.ok, "\n".join(report.lines())
    res = _doc(out, "lake")["resource"]
    assert len(res["kafka_topic"]) == 3 and "aws_mskconnect_connector" not in res  # table, heartbeat, DLQ
    (sink,) = [c for c in res["kafka-connect_connector"].values() if c["name"] == "crm-sink"]
    assert sink["config"]["connector.class"] == "io.confluent.connect.s3.S3SinkConnector"
    assert sink["config"]["s3.bucket.name"] == "acme-crm-cdc"
    assert "crm-sink-sink" in {p["name"] for p in res["aws_iam_policy"].values()}
    assert WORKERS in {a["role"] for a in res["aws_iam_role_policy_attachment"].values()}
    assert {a["acl_principal"] for a in res["kafka_acl"].values()} == {"User:analytics", "User:connect"}
    assert channel.summary()["platform"] == "kafka-connect" and channel.summary()["warehouse"] == "s3-lake"


def test_msk_into_bigquery_synthesizes_and_validates(tmp_path: Path) -> None:
    out, channel = _msk_into_bigquery(tmp_path)
    report = validate_output(out, run_terraform=False)
    assert report.ok, "\n".join(report.lines())
    doc = _doc(out, "bq")
    res = doc["resource"]
    assert "kafka_topic" not in res and "kafka-connect_connector" not in res
    connectors = {c["name"]: c for c in res["aws_mskconnect_connector"].values()}
    assert set(connectors) == {"shop-source", "shop-sink"}
    sink = connectors["shop-sink"]["connector_configuration"]
    assert sink["connector.class"] == "com.wepay.kafka.connect.bigquery.BigQuerySinkConnector"
    assert sink["keyfile"].startswith("$${secretsmanager:") or "secretsmanager" in sink["keyfile"]
    assert "private_key" not in json.dumps(connectors)  # the key goes through Secrets Manager only
    assert res["google_bigquery_dataset"] and len(res["google_bigquery_table"]) == 2
    (key,) = res["aws_kms_key"].values()  # the platform's own key encrypts the channel's secrets
    assert key["enable_key_rotation"] is True
    source = connectors["shop-source"]["connector_configuration"]
    assert source["topic.creation.enable"] == "true" and "secretsmanager" in source["database.password"]


def test_the_synth_report_asks_each_family(tmp_path: Path) -> None:
    out, _ = _msk_into_bigquery(tmp_path)
    (report,) = channel_reports(out)
    assert sorted(report.connectors) == ["shop-sink", "shop-source"]
    assert set(report.topics) == {"shop.shop.orders"}
    assert any(g.startswith("group:analysts@acme.example roles/bigquery.dataViewer") for g in report.grants)


@pytest.mark.moto
@pytest.mark.terraform
def test_the_aws_part_of_kafka_into_the_lake_applies_on_moto(
    tmp_path: Path, moto_endpoint: str, terraform: Terraform,
) -> None:
    """Apply everything the aws provider manages for real; the Kafka-side resources are left out (no binary)."""
    kw: dict[str, Any] = {"endpoint_url": moto_endpoint, "region_name": "us-east-1", "aws_access_key_id": "testing",
                          "aws_secret_access_key": "testing"}
    iam = boto3.client("iam", **kw)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for role in {WORKERS, "analyst"} - {r["RoleName"] for r in iam.list_roles()["Roles"]}:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)  # what the app assumes exists
    out, _ = _kafka_into_lake(tmp_path, LocalAwsEndpoint(url=moto_endpoint))
    stack = out / "stacks" / "lake"
    doc = _doc(out, "lake")
    doc["resource"] = {t: g for t, g in doc["resource"].items() if t.startswith("aws_")}
    doc["data"] = {t: g for t, g in doc.get("data", {}).items() if t.startswith("aws_")}
    doc["provider"] = {"aws": doc["provider"]["aws"]}
    doc["terraform"]["required_providers"] = {"aws": doc["terraform"]["required_providers"]["aws"]}
    (stack / "cdk.tf.json").write_text(json.dumps(doc))
    terraform(stack, "init", "-input=false")
    terraform(stack, "apply", "-auto-approve", "-input=false")
    plan = terraform(stack, "plan", "-detailed-exitcode", "-input=false", check=False)
    assert plan.returncode == 0, plan.stdout[-3000:]
    shown = json.loads(terraform(stack, "show", "-json").stdout)
    types = {r["type"] for r in shown["values"]["root_module"]["resources"] if r["mode"] == "managed"}
    assert {"aws_s3_bucket", "aws_glue_catalog_table", "aws_iam_policy", "aws_iam_role_policy_attachment"} <= types
    for address in [a for a in terraform(stack, "state", "list").stdout.split()
                    if a.startswith("aws_lakeformation_permissions.")]:
        terraform(stack, "state", "rm", address)  # moto cannot revoke Lake Formation grants
    terraform(stack, "destroy", "-auto-approve", "-input=false")


def test_the_synth_report_of_the_aws_example_lists_topics_connectors_and_grants(tmp_path: Path) -> None:
    from channelkit.app_runner import app_command, run_app

    example = Path(__file__).resolve().parents[1] / "examples" / "aws"
    run_app(app_command(example), tmp_path / "out", example)
    (report,) = channel_reports(tmp_path / "out")
    assert sorted(report.topics) == ["orders.shop.customers", "orders.shop.orders"]
    assert sorted(report.connectors) == ["orders-sink", "orders-source"]
    assert "arn:aws:iam::123456789012:role/analyst DESCRIBE, SELECT on table orders.customers (without email)" in (
        report.grants)
