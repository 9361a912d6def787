"""The L2 constructs on their own: main child ``Resource``, typed props, grants, protection, rejections."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import new_stack, resources, synth_stack

from channelkit.constructs import (
    BigQueryDataset,
    BigQueryField,
    BigQuerySink,
    BigQueryTable,
    CdcDatabaseUser,
    ConstructPropsError,
    DebeziumMySqlSource,
    DebeziumPostgresSource,
    InvalidNameError,
    KafkaTopic,
    LatestStateView,
    PrincipalError,
    TableDefinitionError,
)


def _topic(stack: Any, **kw: Any) -> KafkaTopic:
    return KafkaTopic(stack, "T", **{"name": "a.b.c", "broker_count": 3, **kw})


def test_kafka_topic_defaults_and_protection(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    t = _topic(stack, retention_ms=86_400_000)
    assert t.node.find_child("Resource") is t.resource
    (body,) = resources(synth_stack(stack), "kafka_topic").values()
    assert body == {
        "name": "a.b.c", "partitions": 3, "replication_factor": 3, "lifecycle": {"prevent_destroy": True},
        "config": {"cleanup.policy": "delete", "retention.ms": "86400000"}
    }


def test_kafka_topic_protection_can_be_turned_off(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    _topic(stack, prevent_destroy=False)
    (body,) = resources(synth_stack(stack), "kafka_topic").values()
    assert "lifecycle" not in body


def test_grant_produce_and_consume_are_literal_on_this_topic(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    t = _topic(stack)
    produce = t.grant_produce("User:app")
    consume = t.grant_consume("User:etl", group="etl-")
    assert t.grant_produce("User:app") == produce  # idempotent
    acls = resources(synth_stack(stack), "kafka_acl").values()
    got = {(a["acl_principal"], a["acl_operation"], a["resource_type"], a["resource_pattern_type_filter"],
            a["resource_name"].startswith("${kafka_topic.")) for a in acls}
    assert got == {
        ("User:app", "Write", "Topic", "Literal", True),
        ("User:etl", "Read", "Topic", "Literal", True),
        ("User:etl", "Read", "Group", "Literal", False),
    }
    assert len(produce) == 1 and len(consume) == 2


def test_grant_consume_prefixed_group(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    _topic(stack).grant_consume("User:etl", group="etl-", group_prefixed=True)
    groups = [a for a in resources(synth_stack(stack), "kafka_acl").values() if a["resource_type"] == "Group"]
    assert [(g["resource_name"], g["resource_pattern_type_filter"]) for g in groups] == [("etl-", "Prefixed")]


@pytest.mark.parametrize("principal", ["User:*", "*", "Group:x"])
def test_grants_reject_wildcard_or_malformed_principals(tmp_path: Path, principal: str) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(PrincipalError):
        _topic(stack).grant_produce(principal)


def test_grant_consume_rejects_wildcard_group(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError, match="never"):
        _topic(stack).grant_consume("User:a", group="*")


def test_kafka_topic_rejections_gather_every_problem(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError) as info:
        _topic(stack, partitions=0, replication_factor=5, retention_ms=0, cleanup_policy="forever")
    assert info.value.fields == ["partitions", "replication_factor", "retention_ms", "cleanup_policy"]
    with pytest.raises(InvalidNameError, match="249"):
        KafkaTopic(stack, "U", name="x" * 250)


def _dataset(stack: Any, **kw: Any) -> BigQueryDataset:
    return BigQueryDataset(stack, "D", **{"dataset_id": "ds", "project": "proj-p", "location": "EU", **kw})


def test_dataset_grants_with_and_without_expiry(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    ds = _dataset(stack, labels={"owner": "x"}, default_partition_expiration_ms=1000, kms_key_name="projects/p/k")
    ds.grant_read("group:g@x.com")
    ds.grant_read("user:u@x.com", expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    ds.grant_write("serviceAccount:sa@p.iam.gserviceaccount.com")
    doc = synth_stack(stack)
    (body,) = resources(doc, "google_bigquery_dataset").values()
    assert body["default_encryption_configuration"] == {"kms_key_name": "projects/p/k"}
    assert body["deletion_policy"] == "PREVENT" and body["lifecycle"] == {"prevent_destroy": True}
    members = {m["member"]: m for m in resources(doc, "google_bigquery_dataset_iam_member").values()}
    assert members["group:g@x.com"]["role"] == "roles/bigquery.dataViewer"
    assert "condition" not in members["group:g@x.com"]
    cond = members["user:u@x.com"]["condition"]
    assert cond["expression"] == 'request.time < timestamp("2030-01-02T03:04:05Z")' and cond["title"]
    assert members["serviceAccount:sa@p.iam.gserviceaccount.com"]["role"] == "roles/bigquery.dataEditor"
    for m in members.values():
        assert m["dataset_id"].startswith("${google_bigquery_dataset.")


def test_dataset_rejects_bad_members_and_past_expiry(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    ds = _dataset(stack)
    with pytest.raises(PrincipalError):
        ds.grant_read("allAuthenticatedUsers")
    with pytest.raises(ConstructPropsError, match="in the future"):
        ds.grant_read("user:u@x.com", expires=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(InvalidNameError):
        BigQueryDataset(stack, "D2", dataset_id="has-dash", project="proj-p", location="EU")


def test_table_and_view(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    ds = _dataset(stack)
    fields = [BigQueryField(name="id", type="INT64"), BigQueryField(name="email", type="STRING", description="pii"),
              BigQueryField(name="total", type="NUMERIC")]
    table = BigQueryTable(stack, "T", dataset=ds, table_id="orders_changes", fields=fields, primary_key=["id"],
                          metadata_fields=[BigQueryField(name="__op", type="STRING"),
                                           BigQueryField(name="__source_lsn", type="INT64")],
                          key_record="__kafka_key")
    LatestStateView(stack, "V", source=table, view_id="orders", columns=["id", "email", "total"],
                    primary_key=["id"], position_columns=["__source_lsn"])
    doc = synth_stack(stack)
    bodies = {b["table_id"]: b for b in resources(doc, "google_bigquery_table").values()}
    fields = json.loads(bodies["orders_changes"]["schema"])
    assert [f["name"] for f in fields] == ["id", "email", "total", "__op", "__source_lsn", "__kafka_key"]
    assert fields[-1]["type"] == "RECORD"
    assert fields[-1]["fields"] == [{"name": "id", "type": "INT64", "mode": "NULLABLE"}]
    assert bodies["orders_changes"]["deletion_protection"] is True
    view = bodies["orders"]["view"]
    assert view["use_legacy_sql"] is False and "`__source_lsn` DESC" in view["query"]


def test_table_rejects_unknown_type_and_missing_key(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(TableDefinitionError) as info:
        BigQueryTable(stack, "T", dataset=_dataset(stack), table_id="t",
                      fields=[BigQueryField(name="a", type="UUID")], primary_key=["b"])
    assert info.value.fields == ["fields[a].type", "primary_key"]


def _mysql(stack: Any, **kw: Any) -> DebeziumMySqlSource:
    args = dict(name="src", hostname="db", user="cdc", password="${random_password.x.result}", database="shop",
                tables=["orders"], topic_prefix="shop", server_id=123456, bootstrap_servers="b:9092",
                history_topic="shop.schema-history")
    return DebeziumMySqlSource(stack, "S", **{**args, **kw})


def test_debezium_mysql_source(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    src = _mysql(stack)
    assert src.node.find_child("Resource") is src.resource
    (conn,) = resources(synth_stack(stack), "kafka-connect_connector").values()
    assert conn["name"] == conn["config"]["name"] == "src"
    assert conn["config"]["database.server.id"] == "123456"
    assert conn["config_sensitive"] == {"database.password": "${random_password.x.result}"}


def test_debezium_sources_reject_literal_passwords_and_bad_props(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError) as info:
        _mysql(stack, password="hunter2", server_id=0, port=70000, snapshot_mode="sometimes")
    assert set(info.value.fields) == {"password", "server_id", "port", "snapshot_mode"}
    assert "hunter2" not in str(info.value)
    with pytest.raises(ConstructPropsError) as info:
        DebeziumPostgresSource(stack, "P", name="p", hostname="pg", user="u", password="${x.y.z}", database="d",
                               tables=["t"], topic_prefix="p", slot_name="Bad-Slot")
    assert info.value.fields == ["slot_name"]  # publication_name was not given (it defaults to the slot)


def test_cdc_database_users(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    my = CdcDatabaseUser(stack, "M", engine="mysql", user_name="cdc_shop", database="shop", tables=["orders"])
    CdcDatabaseUser(stack, "P", engine="postgres", user_name="cdc_crm", database="crm", tables=["a", "b"])
    assert my.password_ref.startswith("${TfToken[")
    doc = synth_stack(stack)
    assert len(resources(doc, "random_password")) == 2
    (user,) = resources(doc, "mysql_user").values()
    assert user["user"] == "cdc_shop" and user["plaintext_password"].startswith("${random_password.")
    (role,) = resources(doc, "postgresql_role").values()
    assert role["replication"] is True and role["password"].startswith("${random_password.")
    with pytest.raises(ConstructPropsError):
        CdcDatabaseUser(stack, "X", engine="oracle", user_name="x" * 40, database="d", tables=[])


def test_bigquery_sink_upsert_mode_and_merge_interval(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    ds = _dataset(stack)
    topic = _topic(stack)
    dlq = KafkaTopic(stack, "Q", name="dlq", broker_count=3)
    BigQuerySink(stack, "K", name="sink", dataset=ds, topics=[topic], table_for_topic={"a.b.c": "c_changes"},
                 dlq_topic=dlq, account_id="ck-test-sink", upsert=True, merge_interval_ms=30_000)
    doc = synth_stack(stack)
    (conn,) = resources(doc, "kafka-connect_connector").values()
    cfg = conn["config"]
    assert (cfg["upsertEnabled"], cfg["deleteEnabled"], cfg["kafkaKeyFieldName"], cfg["mergeIntervalMs"]) == (
        "true", "true", "__kafka_key", "30000")
    # MERGE jobs need roles/bigquery.jobUser on the project, for the sink's own account only
    ((job_id, job),) = resources(doc, "google_project_iam_member").items()
    (sa_id,) = resources(doc, "google_service_account")
    assert job["role"] == "roles/bigquery.jobUser"
    assert job["member"] == f"serviceAccount:${{google_service_account.{sa_id}.email}}"
    assert f"google_project_iam_member.{job_id}" in conn["depends_on"]
    with pytest.raises(ConstructPropsError) as info:
        BigQuerySink(stack, "K2", name="sink2", dataset=ds, topics=[topic], table_for_topic={}, dlq_topic=dlq,
                     account_id="ck-test-sink2", upsert=True, merge_interval_ms=0)
    assert info.value.fields == ["table_for_topic", "merge_interval_ms"]
