"""The AWS target: the optional CDC database user (password from the channel's secret) and reader identities."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_aws_lake import ARN, BROKERS, CONNECT, TABLES

from channelkit._cdk import cdk
from channelkit.constructs.aws import aws_provider
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.errors import ValidationError
from channelkit.patterns import AwsLake, MskCluster, MySqlSource, PostgresSource, Reader, Team
from channelkit.patterns.channel import Channel
from channelkit.validate import validate_stack_document


def _synth(tmp_path: Path, source: Any, readers: list[Any] | None = None) -> dict[str, Any]:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1")
    Channel(stack, "orders", source=source, tables=TABLES, kafka=MskCluster(arn=ARN, bootstrap_brokers=BROKERS),
            connect=CONNECT, warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc"),
            owner=Team(name="payments", email="payments@example.com"), readers=readers or [])
    app.synth()
    return json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())


def _one(doc: dict[str, Any], section: str, rtype: str) -> tuple[str, dict[str, Any]]:
    ((name, body),) = doc[section][rtype].items()
    return name, body


def test_mysql_user_gets_the_secrets_password_without_the_random_provider(tmp_path: Path) -> None:
    doc = _synth(tmp_path, MySqlSource(host="shop-db.internal", database="shop"))
    assert "random_password" not in doc.get("resource", {})
    assert set(doc["terraform"]["required_providers"]) == {"aws", "mysql"}
    secret, _ = _one(doc, "resource", "aws_secretsmanager_secret")
    version, _ = _one(doc, "resource", "aws_secretsmanager_secret_version")
    stored, body = _one(doc, "data", "aws_secretsmanager_secret_version")
    assert body["secret_id"] == f"${{aws_secretsmanager_secret.{secret}.id}}"
    assert body["depends_on"] == [f"aws_secretsmanager_secret_version.{version}"]
    _, user = _one(doc, "resource", "mysql_user")
    assert user["plaintext_password"] == (
        f"${{jsondecode(data.aws_secretsmanager_secret_version.{stored}.secret_string).password}}")
    grants = doc["resource"]["mysql_grant"].values()
    assert sorted(tuple(g["privileges"]) for g in grants) == [
        ("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "REPLICATION CLIENT"), ("SELECT",)]
    assert validate_stack_document(doc, "s")[1] == []


def test_postgres_role_gets_the_secrets_password(tmp_path: Path) -> None:
    doc = _synth(tmp_path, PostgresSource(host="pg.internal", database="shop"))
    _, role = _one(doc, "resource", "postgresql_role")
    assert role["replication"] is True and "jsondecode(data.aws_secretsmanager_secret_version." in role["password"]
    assert "random_password" not in doc.get("resource", {})
    assert validate_stack_document(doc, "s")[1] == []


def test_no_user_resources_when_switched_off(tmp_path: Path) -> None:
    doc = _synth(tmp_path, MySqlSource(host="shop-db.internal", database="shop", manage_user=False, user="cdc"))
    assert not {"mysql_user", "mysql_grant"} & set(doc["resource"])
    assert set(doc["terraform"]["required_providers"]) == {"aws"}
    assert "aws_secretsmanager_secret_version" not in doc.get("data", {})


def test_a_password_ref_is_refused_where_the_warehouse_owns_the_password(tmp_path: Path) -> None:
    source = MySqlSource(host="db", database="shop", manage_user=False, user="cdc", password_ref="${var.pw}")
    with pytest.raises(ConstructPropsError) as caught:
        _synth(tmp_path, source)
    assert caught.value.fields == ["source.password_ref"]
    assert "keeps the CDC password in its own generated secret" in str(caught.value)


def test_iam_user_readers_get_a_policy_with_an_expiry(tmp_path: Path) -> None:
    expires = datetime(2031, 1, 1, tzinfo=UTC)
    reader = Reader(aws="arn:aws:iam::123456789012:user/auditor", gcp="user:auditor@acme.example", expires=expires)
    doc = _synth(tmp_path, MySqlSource(host="db", database="shop", manage_user=False, user="cdc"), [reader])
    _, attachment = _one(doc, "resource", "aws_iam_user_policy_attachment")
    assert attachment["user"] == "auditor"
    policy_name, _ = _one(doc, "resource", "aws_iam_policy")
    assert attachment["policy_arn"] == f"${{aws_iam_policy.{policy_name}.arn}}"
    reader_docs = [d for name, d in doc["data"]["aws_iam_policy_document"].items() if "_Reader1_" in name]
    statements = [s for d in reader_docs for s in d["statement"]]
    assert statements and all(
        {"test": "DateLessThan", "variable": "aws:CurrentTime", "values": ["2031-01-01T00:00:00Z"]} in s["condition"]
        for s in statements)
    principals = {p["principal"] for p in doc["resource"]["aws_lakeformation_permissions"].values()
                  if not p["principal"].startswith("${aws_iam_role.")}  # not the quality evaluation role
    assert principals == {"arn:aws:iam::123456789012:user/auditor"}


def test_a_reader_without_an_aws_identity_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PrincipalError, match="an identity this channel grants: aws"):
        _synth(tmp_path, MySqlSource(host="db", database="shop", manage_user=False, user="cdc"),
               [Reader(gcp="group:analysts@acme.example")])


def test_a_malformed_aws_reader_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _synth(tmp_path, MySqlSource(host="db", database="shop", manage_user=False, user="cdc"),
               [Reader(aws="arn:aws:iam::12345:role/x")])
    assert caught.value.fields == ["readers[0].aws"]
