"""The AWS target, checked in synthesized JSON: what each resource says, and typed errors for bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from channelkit._cdk import cdk
from channelkit.constructs.aws import aws_provider
from channelkit.constructs.errors import ConstructPropsError, InvalidNameError
from channelkit.errors import ChannelkitError, ValidationError
from channelkit.patterns import (
    EMULATOR_OMITTED_TYPES,
    AwsLake,
    Column,
    MskCluster,
    MskConnect,
    MySqlSource,
    Table,
    Team,
)
from channelkit.patterns.channel import Channel

ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
BROKERS = "b-1.platform.abc.c2.kafka.us-east-1.amazonaws.com:9098"
TOPIC_ARN = "arn:aws:kafka:us-east-1:123456789012:topic/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5/"
GROUP_ARN = "arn:aws:kafka:us-east-1:123456789012:group/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5/"
ANALYST = "arn:aws:iam::123456789012:role/analyst"
CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",), plugin_bucket="acme-plugins",
                     source_plugin_key="debezium.zip", sink_plugin_key="s3-sink.zip")
TABLES = [
    Table("customers", primary_key=["id"], columns=[
        Column(name="id", type="int64", description="customer id"),
        Column(name="email", type="string", description="e-mail", classification="confidential", pii=True),
    ]),
    Table("orders", primary_key=["id"], columns=[
        Column(name="id", type="int64", description="order id"),
        Column(name="amount", type="numeric", description="total"),
    ]),
]


def synth(tmp_path: Path, *, lake: AwsLake | None = None, kafka: Any = None, connect: Any = None,
          readers: tuple[Any, ...] = (ANALYST,), retention: timedelta = timedelta(days=7),
          tables: list[Table] | None = None) -> tuple[dict[str, Any], Channel]:
    """Synthesize one channel on AWS; return (cdk.tf.json, channel)."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1")
    channel = Channel(
        stack, "orders",
        source=MySqlSource(host="db.internal", database="shop", manage_user=False, user="cdc_orders"),
        tables=tables or TABLES,
        kafka=kafka or MskCluster(arn=ARN, bootstrap_brokers=BROKERS),
        connect=connect or CONNECT,
        warehouse=lake or AwsLake(region="us-east-1", bucket_name="acme-orders-cdc"),
        owner=Team(name="payments", email="payments@example.com"),
        readers=list(readers),
        retention=retention,
    )
    app.synth()
    return json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text()), channel


def resources(doc: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    """Every resource of ``rtype``."""
    return list(doc.get("resource", {}).get(rtype, {}).values())


def reader_grants(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The Lake Formation grants of readers (not the data quality evaluation role's, a channelkit service role)."""
    return [g for g in resources(doc, "aws_lakeformation_permissions")
            if not g["principal"].startswith("${aws_iam_role.")]


def policy_statements(doc: dict[str, Any], role_fragment: str) -> list[dict[str, Any]]:
    """Statements of the policy document below the construct path containing ``role_fragment``."""
    docs = doc["data"]["aws_iam_policy_document"]
    return [s for name, d in docs.items() if role_fragment in name and "Trust" not in name for s in d["statement"]]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Channel]:
    """The channel with everything (no emulator switch)."""
    return synth(tmp_path_factory.mktemp("full"))


def test_only_aws_provider_and_expected_types(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    assert set(doc["terraform"]["required_providers"]) == {"aws"}
    assert doc["terraform"]["required_providers"]["aws"]["source"] == "hashicorp/aws"
    assert set(doc["resource"]) == {
        "aws_athena_named_query", "aws_athena_workgroup", "aws_cloudwatch_log_group", "aws_glue_catalog_database",
        "aws_glue_catalog_table", "aws_iam_policy", "aws_iam_role", "aws_iam_role_policy",
        "aws_iam_role_policy_attachment", "aws_kms_alias", "aws_kms_key", "aws_lakeformation_lf_tag",
        "aws_lakeformation_permissions", "aws_lakeformation_resource", "aws_lakeformation_resource_lf_tag",
        "aws_mskconnect_connector", "aws_mskconnect_custom_plugin",
        "aws_mskconnect_worker_configuration", "aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
        "aws_secretsmanager_secret", "aws_secretsmanager_secret_version",
        # issue 10: data quality (rulesets, their schedules) and Macie
        "aws_glue_data_quality_ruleset", "aws_macie2_classification_job", "aws_scheduler_schedule",
    }


def _kafka_resources(statements: list[dict[str, Any]], kind: str) -> set[str]:
    return {r for s in statements if any(a.startswith("kafka-cluster:") for a in s["actions"])
            for r in s["resources"] if f":{kind}/" in r}


def test_kafka_iam_exactly_the_channel_topics_and_groups(full: tuple[dict[str, Any], Channel]) -> None:
    doc, channel = full
    internal = "__amazon_msk_connect_*"
    source = policy_statements(doc, "SourceRole")
    sink = policy_statements(doc, "SinkRole")
    tables = {TOPIC_ARN + t for t in channel.table_topics.values()}
    assert _kafka_resources(source, "topic") == tables | {TOPIC_ARN + channel.history_topic, TOPIC_ARN + internal}
    assert _kafka_resources(sink, "topic") == tables | {TOPIC_ARN + channel.dlq_topic, TOPIC_ARN + internal}
    assert _kafka_resources(sink, "group") == {GROUP_ARN + channel.sink_group, GROUP_ARN + internal}
    assert _kafka_resources(source, "group") == {GROUP_ARN + "orders-source-schemahistory", GROUP_ARN + internal}
    assert not any("*" in r.rsplit("/", 1)[-1] for r in _kafka_resources(source, "topic") - {TOPIC_ARN + internal})
    assert all(a.startswith("kafka-cluster:") and a != "kafka-cluster:*"
               for s in source + sink for a in s["actions"] if a.startswith("kafka"))


def test_each_connector_role_holds_only_what_it_needs(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    source_actions = {a for s in policy_statements(doc, "SourceRole") for a in s["actions"]}
    sink_actions = {a for s in policy_statements(doc, "SinkRole") for a in s["actions"]}
    assert "secretsmanager:GetSecretValue" in source_actions and "secretsmanager:GetSecretValue" not in sink_actions
    assert "s3:PutObject" in sink_actions and not any(a.startswith("s3:") for a in source_actions)
    connectors = resources(doc, "aws_mskconnect_connector")
    assert len(connectors) == 2
    assert len({c["service_execution_role_arn"] for c in connectors}) == 2
    assert all(c["kafka_cluster_client_authentication"] == {"authentication_type": "IAM"} for c in connectors)


def test_source_connector_config(full: tuple[dict[str, Any], Channel]) -> None:
    doc, channel = full
    source = next(c for c in resources(doc, "aws_mskconnect_connector") if c["name"] == "orders-source")
    config = source["connector_configuration"]
    assert config["topic.creation.default.partitions"] == str(channel.partitions)
    assert config["topic.creation.default.replication.factor"] == str(channel.replication_factor)
    assert config["topic.creation.default.retention.ms"] == str(7 * 86_400_000)
    password = config["database.password"]
    assert password == '${join("", ["$${secretsmanager:", aws_secretsmanager_secret.orders_Target_DbPassword_A70640EC.arn, ":password}"])}'  # noqa: E501
    plugins = resources(doc, "aws_mskconnect_custom_plugin")
    assert {p["location"]["s3"]["file_key"] for p in plugins} == {"debezium.zip", "s3-sink.zip"}


def test_secret_value_never_in_the_configuration(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    (version,) = resources(doc, "aws_secretsmanager_secret_version")
    assert "secret_string" not in version
    assert "data.aws_secretsmanager_random_password." in version["secret_string_wo"]
    assert version["secret_string_wo_version"] == 1
    assert "random" not in json.dumps(doc["terraform"]["required_providers"])


def test_bucket_encrypted_versioned_private_expiring(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    (bucket,) = resources(doc, "aws_s3_bucket")
    assert bucket["bucket"] == "acme-orders-cdc"
    assert bucket["lifecycle"]["prevent_destroy"] is True and bucket["force_destroy"] is False
    (sse,) = resources(doc, "aws_s3_bucket_server_side_encryption_configuration")
    default = sse["rule"][0]["apply_server_side_encryption_by_default"]
    assert default["sse_algorithm"] == "aws:kms" and default["kms_master_key_id"].startswith("${aws_kms_key.")
    (versioning,) = resources(doc, "aws_s3_bucket_versioning")
    assert versioning["versioning_configuration"]["status"] == "Enabled"
    (pab,) = resources(doc, "aws_s3_bucket_public_access_block")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                        "restrict_public_buckets"))
    (lifecycle,) = resources(doc, "aws_s3_bucket_lifecycle_configuration")
    (rule,) = lifecycle["rule"]
    assert "expiration" not in rule, "history_retention=None (default) keeps the change history"
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]
    keys = resources(doc, "aws_kms_key")  # the data key and the Athena results key
    assert len(keys) == 2
    assert all(k["enable_key_rotation"] is True and k["lifecycle"]["prevent_destroy"] is True for k in keys)


def test_glue_tables(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    tables = {t["name"]: t for t in resources(doc, "aws_glue_catalog_table")}
    assert set(tables) == {"customers", "orders"}
    customers = tables["customers"]
    assert customers["lifecycle"]["prevent_destroy"] is True
    cols = {c["name"]: c for c in customers["storage_descriptor"]["columns"]}
    assert cols["id"]["type"] == "bigint" and cols["id"]["comment"] == "customer id"
    assert cols["email"]["parameters"] == {"classification": "confidential", "pii": "true"}
    assert {"__op", "__deleted", "__source_ts_ms"} <= set(cols)
    assert customers["partition_keys"] == [{"name": "dt", "type": "string", "comment": cols and
                                            customers["partition_keys"][0]["comment"]}]
    params = customers["parameters"]
    assert params["channelkit.owner"] == "payments"
    assert params["channelkit.classification"] == "confidential,internal"
    assert params["channelkit.source"] == "mysql/shop:customers"
    assert customers["storage_descriptor"]["location"] == "s3://acme-orders-cdc/cdc/orders.shop.customers/"


def test_athena_workgroup_and_latest_state_queries(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    (wg,) = resources(doc, "aws_athena_workgroup")
    enc = wg["configuration"]["result_configuration"]["encryption_configuration"]
    assert enc["encryption_option"] == "SSE_KMS" and enc["kms_key_arn"].startswith("${aws_kms_key.")
    queries = {q["name"]: q["query"] for q in resources(doc, "aws_athena_named_query")}
    assert set(queries) == {"customers_latest", "orders_latest"}
    assert 'PARTITION BY "id"' in queries["orders_latest"] and '__channelkit_rank = 1' in queries["orders_latest"]
    assert '"__source_file" DESC, "__source_pos" DESC, "__source_row" DESC' in queries["orders_latest"]


def test_reader_grants_lake_formation_without_pii_and_iam(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    grants = reader_grants(doc)
    assert {g["principal"] for g in grants} == {ANALYST}
    (column_grant,) = [g for g in grants if "table_with_columns" in g]
    assert column_grant["table_with_columns"]["excluded_column_names"] == ["email"]
    assert any(g.get("table", {}).get("name") == "orders" for g in grants)
    (attachment,) = resources(doc, "aws_iam_role_policy_attachment")
    assert attachment["role"] == "analyst"


def test_grant_read_expiry_is_an_iam_condition(tmp_path: Path) -> None:
    expires = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    channel = _channel(stack)
    channel.grant_read("arn:aws:iam::123456789012:role/auditor", expires=expires)
    app.synth()
    doc = json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())
    statements = policy_statements(doc, "Reader2")
    assert statements and all(s["condition"] == [{"test": "DateLessThan", "variable": "aws:CurrentTime",
                                                  "values": ["2027-01-31T12:00:00Z"]}] for s in statements)
    with pytest.raises(ValidationError) as err:
        channel.grant_read("123456789012", expires=expires)
    assert err.value.fields == ["expires"]


def _channel(stack: Any, **lake: Any) -> Channel:
    aws_provider(stack, region="us-east-1")
    return Channel(
        stack, "orders",
        source=MySqlSource(host="db.internal", database="shop", manage_user=False, user="cdc_orders"),
        tables=TABLES, kafka=MskCluster(arn=ARN, bootstrap_brokers=BROKERS), connect=CONNECT,
        warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", **lake),
        owner=Team(name="payments", email="payments@example.com"), readers=[ANALYST],
    )


def test_emulator_switch_leaves_out_exactly_the_unsupported(tmp_path: Path) -> None:
    doc, _ = synth(tmp_path, lake=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", local_emulator=True))
    assert not set(EMULATOR_OMITTED_TYPES) & set(doc["resource"])
    assert not [g for g in resources(doc, "aws_lakeformation_permissions") if "table_with_columns" in g]
    assert len(resources(doc, "aws_glue_catalog_table")) == 2


def test_protection_can_be_turned_off(tmp_path: Path) -> None:
    doc, _ = synth(tmp_path, lake=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", protect=False))
    for rtype in ("aws_s3_bucket", "aws_kms_key", "aws_glue_catalog_table"):
        assert all("lifecycle" not in r for r in resources(doc, rtype)), rtype
    assert resources(doc, "aws_s3_bucket")[0]["force_destroy"] is True


def test_msk_bootstrap_looked_up_when_not_given(tmp_path: Path) -> None:
    doc, _ = synth(tmp_path, kafka=MskCluster(arn=ARN))
    (cluster,) = doc["data"]["aws_msk_cluster"].values()
    assert cluster["cluster_name"] == "platform"
    source = next(c for c in resources(doc, "aws_mskconnect_connector") if c["name"] == "orders-source")
    assert "bootstrap_brokers_sasl_iam" in source["kafka_cluster"]["apache_kafka_cluster"]["bootstrap_servers"]


def test_history_retention_is_its_own_setting(tmp_path: Path) -> None:
    """The lake keeps its history for ``history_retention``, not for the Kafka retention (7 days here)."""
    doc, _ = synth(tmp_path, lake=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc",
                                          history_retention=timedelta(days=400)))
    (lifecycle,) = resources(doc, "aws_s3_bucket_lifecycle_configuration")
    (rule,) = lifecycle["rule"]
    assert rule["expiration"] == [{"days": 400}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]
    for table in resources(doc, "aws_glue_catalog_table"):
        assert table["parameters"]["projection.dt.range"] == "NOW-400DAYS,NOW"


def test_glue_partition_projection_matches_the_sink_path(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    (sink,) = [c for c in resources(doc, "aws_mskconnect_connector") if c["name"] == "orders-sink"]
    config = sink["connector_configuration"]
    assert config["path.format"] == "'dt'=YYYY-MM-dd" and config["topics.dir"] == "cdc"
    for table in resources(doc, "aws_glue_catalog_table"):
        params = table["parameters"]
        location = table["storage_descriptor"]["location"]
        assert {k: v for k, v in params.items() if k.startswith(("projection.", "storage."))} == {
            "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
            "projection.dt.range": "2024-01-01,NOW", "projection.dt.interval": "1",
            "projection.dt.interval.unit": "DAYS",
            "storage.location.template": location + "dt=$${dt}/",  # Terraform's escape of a literal ${dt}
        }
        assert location == f"s3://acme-orders-cdc/cdc/{params['channelkit.topic']}/"
        assert [k["name"] for k in table["partition_keys"]] == ["dt"]


def test_the_sink_reads_the_source_envelope(full: tuple[dict[str, Any], Channel]) -> None:
    doc, _ = full
    connectors = {c["name"]: c["connector_configuration"] for c in resources(doc, "aws_mskconnect_connector")}
    source, sink = connectors["orders-source"], connectors["orders-sink"]
    for side in ("key", "value"):
        assert source[f"{side}.converter.schemas.enable"] == "true"
        assert sink[f"{side}.converter"] == source[f"{side}.converter"]
        assert sink[f"{side}.converter.schemas.enable"] == "true", "schemaless, JsonFormat writes the envelope"


@pytest.mark.parametrize("bad", [timedelta(0), timedelta(days=-1), timedelta(hours=36), 30])
def test_history_retention_must_be_whole_days_within_s3_limits(tmp_path: Path, bad: Any) -> None:
    err = _error(tmp_path, lake=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", history_retention=bad))
    assert isinstance(err, ConstructPropsError) and err.fields == ["warehouse.history_retention"]


# ---------------------------------------------------------------------------------------------- bad input
def _error(tmp_path: Path, **kwargs: Any) -> ChannelkitError:
    with pytest.raises(ChannelkitError) as err:
        synth(tmp_path, **kwargs)
    assert "Traceback" not in str(err.value) and "jsii" not in str(err.value)
    return err.value


def test_bad_names_regions_and_arns_are_gathered(tmp_path: Path) -> None:
    err = _error(
        tmp_path,
        lake=AwsLake(region="mars-north-1", bucket_name="Bad_Bucket", database_name="Orders-DB"),
        kafka=MskCluster(arn="arn:aws:kafka:us-east-1:123:cluster/x", bootstrap_brokers=BROKERS),
    )
    # One error for both stages (props and names): ``except`` on either class catches it.
    assert isinstance(err, ConstructPropsError) and isinstance(err, InvalidNameError)
    assert set(err.fields) == {"warehouse.region", "kafka.arn", "warehouse.bucket_name", "warehouse.database_name"}
    assert "s/orders" in str(err) and "mars-north-1" in str(err)
    err = _error(tmp_path, lake=AwsLake(region="us-east-1", bucket_name="Bad_Bucket",
                                                   database_name="Orders-DB"))
    assert isinstance(err, InvalidNameError)
    assert set(err.fields) == {"warehouse.bucket_name", "warehouse.database_name"}
    assert "s/orders" in str(err) and "S3 bucket naming rules" in str(err)


@pytest.mark.parametrize("bucket", ["ab", "a" * 64, "192.168.1.1", "my..bucket", "xn--abc", "data-s3alias",
                                    "-start", "end-", "UPPER"])
def test_s3_bucket_rules(tmp_path: Path, bucket: str) -> None:
    err = _error(tmp_path, lake=AwsLake(region="us-east-1", bucket_name=bucket))
    assert isinstance(err, ValidationError) and err.fields == ["warehouse.bucket_name"]


def test_bad_connect_ids(tmp_path: Path) -> None:
    bad = MskConnect(subnets=("net-1",), security_groups=("group",), plugin_bucket="acme-plugins",
                     source_plugin_key="d.zip", sink_plugin_key="s.zip", kafkaconnect_version="1.0")
    err = _error(tmp_path, connect=bad)
    assert isinstance(err, ValidationError)
    assert set(err.fields) == {"connect.subnets[0]", "connect.security_groups[0]", "connect.kafkaconnect_version"}


@pytest.mark.parametrize("principal", ["arn:aws:iam::123:role/x", "analyst", "user:bob@example.com",
                                       "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:policy/p"])
def test_principal_neither_iam_nor_lake_formation(tmp_path: Path, principal: str) -> None:
    err = _error(tmp_path, readers=(principal,))
    assert isinstance(err, ValidationError) and err.fields == ["readers[0]"]


@pytest.mark.parametrize("principal", [
    "123456789012", "IAM_ALLOWED_PRINCIPALS", "arn:aws:iam::123456789012:saml-provider/okta",
    "arn:aws:quicksight:us-east-1:123456789012:group/default/analysts",
    "arn:aws:organizations::123456789012:organization/o-abcdefghij",
])
def test_lake_formation_principals_accepted(tmp_path: Path, principal: str) -> None:
    doc, _ = synth(tmp_path, readers=(principal,))
    assert {g["principal"] for g in reader_grants(doc)} == {principal}
    assert not resources(doc, "aws_iam_policy")


def test_retention_shorter_than_a_day(tmp_path: Path) -> None:
    err = _error(tmp_path, retention=timedelta(hours=12))
    assert "retention" in [p.field for p in err.problems]  # type: ignore[attr-defined]


def test_glue_name_from_a_table(tmp_path: Path) -> None:
    lake = AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", database_name="x" * 256)
    err = _error(tmp_path, lake=lake)
    assert isinstance(err, ValidationError) and err.fields == ["warehouse.database_name"]


def test_a_stack_without_the_aws_provider_is_a_typed_error(tmp_path: Path) -> None:
    """The AWS provider is the app's (its region and credentials): forgetting it is one typed error, not jsii's."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "orders", source=MySqlSource(host="db.internal", database="shop", manage_user=False,
                                                    user="cdc_orders"),
                tables=TABLES, kafka=MskCluster(arn=ARN, bootstrap_brokers=BROKERS), connect=CONNECT,
                warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc"),
                owner=Team(name="payments", email="payments@example.com"))
    assert info.value.fields == ["provider"]
    assert "aws_provider(stack, region=...)" in str(info.value) and "s/orders" in str(info.value)
