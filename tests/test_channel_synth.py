"""The example organisation synthesizes a complete, least-privilege, protected CDC channel per team."""

from __future__ import annotations

import json
import re
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from channel_helpers import ROOT, references, resources, strings

from stacks import build_app  # (importable because channel_helpers puts ROOT on sys.path)

assert ROOT.is_dir()

CDC_METADATA = {"__op", "__deleted", "__source_ts_ms"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example app, synthesized once."""
    directory = tmp_path_factory.mktemp("example") / "cdktf.out"
    build_app(str(directory)).synth()
    return directory


@pytest.fixture(scope="module")
def payments(out: Path) -> dict[str, Any]:
    return json.loads((out / "stacks" / "payments" / "cdk.tf.json").read_text())


@pytest.fixture(scope="module")
def support(out: Path) -> dict[str, Any]:
    return json.loads((out / "stacks" / "support" / "cdk.tf.json").read_text())


@pytest.fixture(scope="module", params=["growth", "payments", "support"])
def doc(request: pytest.FixtureRequest, out: Path) -> dict[str, Any]:
    return json.loads((out / "stacks" / request.param / "cdk.tf.json").read_text())


def _connector(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in resources(doc, "kafka-connect_connector").values() if c["name"] == name]
    assert len(found) == 1, name
    return found[0]


# -- validate ------------------------------------------------------------------------------------------------
def test_channelkit_validate_passes_on_the_example_stacks(out: Path) -> None:
    from channelkit.validate import validate_output

    report = validate_output(out, run_terraform=False)
    assert report.ok, "\n".join(report.lines())


# -- structure -----------------------------------------------------------------------------------------------
def test_payments_has_every_resource_type_of_a_mysql_channel(payments: dict[str, Any]) -> None:
    counts = {t: len(r) for t, r in payments["resource"].items()}
    assert counts["kafka_topic"] == 6 + 2  # tables + history + DLQ
    assert counts["google_bigquery_table"] == 6 * 2  # change log + view per table
    assert counts["kafka-connect_connector"] == 2
    for rtype in ("mysql_user", "mysql_grant", "random_password", "google_bigquery_dataset",
                  "google_service_account", "google_service_account_key", "google_bigquery_dataset_iam_member",
                  "kafka_acl"):
        assert counts.get(rtype), rtype
    assert set(payments["provider"]) == {"google", "kafka", "kafka-connect", "mysql", "random"}


def test_support_has_every_resource_type_of_a_postgres_channel(support: dict[str, Any]) -> None:
    counts = {t: len(r) for t, r in support["resource"].items()}
    assert counts["kafka_topic"] == 3 + 2  # tables + heartbeat + DLQ (Postgres has no schema history)
    assert counts["postgresql_role"] == 1 and counts["postgresql_grant"] == 2
    assert "mysql_user" not in counts


def test_every_reference_resolves_in_the_same_stack(doc: dict[str, Any]) -> None:
    refs = references(doc)
    assert refs, "expected cross-references"
    declared = {(t, n) for t, rs in doc["resource"].items() for n in rs}
    declared |= {("data." + t, n) for t, rs in doc.get("data", {}).items() for n in rs}
    missing = [r for r in refs if r not in declared]
    assert not missing


def test_topics_are_named_as_debezium_names_them(payments: dict[str, Any], support: dict[str, Any]) -> None:
    names = {t["name"] for t in resources(payments, "kafka_topic").values()}
    assert "payments.payments.customers" in names and "payments.payments.ledger_entries" in names
    assert {"payments.schema-history", "payments-dlq"} <= names
    support_names = {t["name"] for t in resources(support, "kafka_topic").values()}
    assert support_names == {
        "support.public.tickets", "support.public.messages", "support.public.agents", "support-dlq",
        "support.heartbeat.support",  # under the source's prefix ACL; heartbeats keep an idle slot's WAL bounded
    }


def test_history_topic_has_one_partition_infinite_retention_no_compaction(payments: dict[str, Any]) -> None:
    (history,) = [t for t in resources(payments, "kafka_topic").values() if t["name"] == "payments.schema-history"]
    assert history["partitions"] == 1
    assert history["config"]["retention.ms"] == "-1"
    assert history["config"]["retention.bytes"] == "-1"
    assert history["config"]["cleanup.policy"] == "delete"


def test_table_topics_carry_the_channel_retention(payments: dict[str, Any]) -> None:
    topic = next(t for t in resources(payments, "kafka_topic").values() if t["name"] == "payments.payments.refunds")
    assert topic["config"]["retention.ms"] == str(14 * 86_400_000)
    assert topic["replication_factor"] == 3 and topic["partitions"] == 3


# -- protection ----------------------------------------------------------------------------------------------
def test_every_data_bearing_resource_is_protected(doc: dict[str, Any]) -> None:
    for topic in resources(doc, "kafka_topic").values():
        assert topic["lifecycle"]["prevent_destroy"] is True, topic["name"]
    for ds in resources(doc, "google_bigquery_dataset").values():
        assert ds["lifecycle"]["prevent_destroy"] is True
        assert ds["deletion_policy"] == "PREVENT"
        assert ds["delete_contents_on_destroy"] is False
    tables = [t for t in resources(doc, "google_bigquery_table").values() if "view" not in t]
    assert tables
    for table in tables:
        assert table["deletion_protection"] is True, table["table_id"]


# -- least privilege -----------------------------------------------------------------------------------------
def test_no_acl_or_iam_binding_on_a_wildcard(doc: dict[str, Any]) -> None:
    for acl in resources(doc, "kafka_acl").values():
        assert acl["resource_name"] not in ("*", ""), acl
        assert acl["acl_principal"].startswith("User:") and "*" not in acl["acl_principal"]
        assert acl["acl_permission_type"] == "Allow"
        assert acl["resource_type"] in ("Topic", "Group")
    for member in resources(doc, "google_bigquery_dataset_iam_member").values():
        assert member["member"].split(":")[0] in ("user", "group", "serviceAccount")
        assert member["role"].startswith("roles/bigquery.")  # never a legacy READER/WRITER/OWNER


def _acls(doc: dict[str, Any], principal: str) -> set[tuple[str, str, str, str]]:
    topics = {f"${{kafka_topic.{k}.name}}": v["name"] for k, v in resources(doc, "kafka_topic").items()}
    return {
        (a["acl_operation"], a["resource_type"], topics.get(a["resource_name"], a["resource_name"]),
         a["resource_pattern_type_filter"])
        for a in resources(doc, "kafka_acl").values() if a["acl_principal"] == principal
    }


def test_source_and_sink_acls_are_exactly_what_they_need(payments: dict[str, Any]) -> None:
    source = _acls(payments, "User:connect-source")
    # source: its own prefix (which holds the history topic) + reading back the history topic
    assert source == {
        ("Write", "Topic", "payments.", "Prefixed"),
        ("Describe", "Topic", "payments.", "Prefixed"),
        ("Create", "Topic", "payments.", "Prefixed"),
        ("Read", "Topic", "payments.schema-history", "Literal"),
        ("Read", "Group", "payments-schemahistory", "Literal"),
    }
    assert "payments.schema-history".startswith("payments.")
    sink = _acls(payments, "User:connect-sink")
    # sink: read exactly the six table topics and its own group, write the DLQ; nothing prefixed
    tables = ("accounts", "customers", "fx_rates", "ledger_entries", "payments", "refunds")
    assert sink == {("Read", "Topic", f"payments.payments.{t}", "Literal") for t in tables} | {
        ("Read", "Group", "connect-payments-sink", "Literal"),
        ("Write", "Topic", "payments-dlq", "Literal"),
    }
    assert _acls(payments, "User:connect") == set()


def test_readers_get_consume_acls_and_dataset_viewer(payments: dict[str, Any]) -> None:
    acls = _acls(payments, "User:finance-analytics")
    assert ("Read", "Topic", "payments.payments.customers", "Literal") in acls
    assert ("Read", "Group", "finance-analytics.payments", "Prefixed") in acls
    assert not any(a[2] in ("payments-dlq", "payments.schema-history") for a in acls)
    members = {m["member"]: m for m in resources(payments, "google_bigquery_dataset_iam_member").values()}
    viewer = members["group:finance-analysts@acme.example"]
    assert viewer["role"] == "roles/bigquery.dataViewer" and "condition" not in viewer
    auditor = members["user:auditor@acme.example"]
    assert auditor["condition"]["expression"] == 'request.time < timestamp("2030-06-30T00:00:00Z")'


def test_sink_service_account_writes_the_dataset(payments: dict[str, Any]) -> None:
    (sa_id,) = resources(payments, "google_service_account")
    writers = [m for m in resources(payments, "google_bigquery_dataset_iam_member").values()
               if m["role"] == "roles/bigquery.dataEditor"]
    assert [w["member"] for w in writers] == [f"serviceAccount:${{google_service_account.{sa_id}.email}}"]


# -- secrets -------------------------------------------------------------------------------------------------
def test_no_secret_in_clear_text(doc: dict[str, Any]) -> None:
    for conn in resources(doc, "kafka-connect_connector").values():
        assert not {"database.password", "keyfile"} & set(conn["config"])
        for value in conn["config_sensitive"].values():
            assert value.startswith("${") and value.endswith("}")
    text = json.dumps(doc)
    assert "BEGIN PRIVATE KEY" not in text and '"type": "service_account"' not in text
    for s in strings(doc):
        if "random_password." in s or ".private_key" in s:
            assert s.startswith("${"), s
    for user in [*resources(doc, "mysql_user").values(), *resources(doc, "postgresql_role").values()]:
        pw = user.get("plaintext_password") or user.get("password")
        assert pw.startswith("${random_password.") and pw.endswith(".result}")


# -- connectors ----------------------------------------------------------------------------------------------
def test_mysql_source_connector_config(payments: dict[str, Any]) -> None:
    conn = _connector(payments, "payments-source")
    cfg = conn["config"]
    assert cfg["name"] == conn["name"]
    assert cfg["connector.class"] == "io.debezium.connector.mysql.MySqlConnector"
    assert cfg["database.hostname"] == "payments-db.internal" and cfg["database.port"] == "3306"
    assert cfg["database.user"].startswith("${mysql_user.")
    assert conn["config_sensitive"]["database.password"].startswith("${random_password.")
    assert 100_000 <= int(cfg["database.server.id"]) < 2**31
    assert cfg["topic.prefix"] == "payments"
    assert cfg["table.include.list"].split(",")[0] == r"^payments\.customers$"
    assert len(cfg["table.include.list"].split(",")) == 6
    assert cfg["schema.history.internal.kafka.topic"] == "payments.schema-history"
    assert cfg["schema.history.internal.kafka.bootstrap.servers"].startswith("kafka-0.data.internal:9093,")
    assert cfg["snapshot.mode"] == "initial"
    assert cfg["transforms.unwrap.type"] == "io.debezium.transforms.ExtractNewRecordState"
    assert cfg["transforms.unwrap.delete.tombstone.handling.mode"] == "rewrite"
    assert "source.file" in cfg["transforms.unwrap.add.fields"]
    assert cfg["skipped.operations"] == "t", "TRUNCATE is not propagated (docs/channel.md)"


def test_postgres_source_connector_config(support: dict[str, Any]) -> None:
    conn = _connector(support, "support-source")
    cfg = conn["config"]
    assert cfg["connector.class"] == "io.debezium.connector.postgresql.PostgresConnector"
    assert cfg["plugin.name"] == "pgoutput"
    assert cfg["slot.name"] == "ck_support"
    assert cfg["publication.autocreate.mode"] == "disabled"  # the postgresql_publication below exists first
    assert cfg["database.dbname"] == "support"
    assert cfg["database.sslmode"] == "require"
    assert (cfg["decimal.handling.mode"], cfg["time.precision.mode"]) == ("string", "microseconds")
    assert cfg["topic.heartbeat.prefix"] == "support.heartbeat" and cfg["heartbeat.interval.ms"] == "10000"
    assert cfg["post.processors"] == "reselector"
    assert cfg["reselector.type"] == "io.debezium.processors.reselect.ReselectColumnsPostProcessor"
    (pub_id, publication), = resources(support, "postgresql_publication").items()
    assert (publication["name"], publication["database"], publication["tables"]) == (
        "ck_support", "support", ["public.tickets", "public.messages", "public.agents"])
    assert "owner" not in publication, "created by the provider's login, who owns the tables"
    assert publication["publish_param"] == ["insert", "update", "delete"], "TRUNCATE is not published"
    assert cfg["skipped.operations"] == "t", "TRUNCATE is not propagated (docs/channel.md)"
    assert f"postgresql_publication.{pub_id}" in conn["depends_on"]
    assert cfg["table.include.list"] == r"^public\.tickets$,^public\.messages$,^public\.agents$"
    assert cfg["database.user"].startswith("${postgresql_role.")
    assert "source.lsn" in cfg["transforms.unwrap.add.fields"]
    assert "schema.history.internal.kafka.topic" not in cfg


def test_bigquery_sink_connector_config(payments: dict[str, Any]) -> None:
    conn = _connector(payments, "payments-sink")
    cfg = conn["config"]
    topics = [t["name"] for t in resources(payments, "kafka_topic").values() if t["name"].count(".") == 2]
    assert sorted(cfg["topics"].split(",")) == sorted(topics)
    assert cfg["connector.class"] == "com.wepay.kafka.connect.bigquery.BigQuerySinkConnector"
    assert cfg["project"] == "acme-warehouse"
    assert cfg["defaultDataset"].startswith("${google_bigquery_dataset.")
    assert cfg["keySource"] == "JSON"
    assert conn["config_sensitive"]["keyfile"].startswith("${base64decode(google_service_account_key.")
    tables = {t["table_id"] for t in resources(payments, "google_bigquery_table").values() if "view" not in t}
    mapping = dict(pair.split(":") for pair in cfg["topic2TableMap"].split(","))
    assert sorted(mapping) == sorted(topics) and set(mapping.values()) == tables
    assert cfg["errors.tolerance"] == "all"
    assert cfg["errors.deadletterqueue.topic.name"] == "payments-dlq"
    assert "upsertEnabled" not in cfg
    assert "google_project_iam_member" not in payments["resource"]  # no project role unless upsert


# -- BigQuery ------------------------------------------------------------------------------------------------
def test_dataset_labels_location_and_no_partition_expiry(payments: dict[str, Any]) -> None:
    (ds,) = resources(payments, "google_bigquery_dataset").values()
    assert ds["dataset_id"] == "payments" and ds["location"] == "EU"
    assert ds["labels"] == {"owner": "payments", "channel": "payments", "classification": "restricted",
                            "contact": "payments-data_acme_example", "contract": ds["labels"]["contract"],
                            "contract_version": "1_0_0", "pii": "true", "kafka_retention_days": "14",
                            "history_retention_days": "kept"}
    # history_retention=None (default): the change history is kept, whatever the Kafka retention (14 days)
    assert "default_partition_expiration_ms" not in ds


def _dataset(tmp_path: Path, warehouse: Any) -> dict[str, Any]:
    from channel_helpers import build

    tmp_path.mkdir(parents=True, exist_ok=True)
    _, doc = build(tmp_path, warehouse=warehouse, retention=timedelta(days=14))
    (ds,) = resources(doc, "google_bigquery_dataset").values()
    return ds


def test_history_retention_sets_the_partition_expiry(tmp_path: Path) -> None:
    from channelkit.patterns import BigQuery

    ds = _dataset(tmp_path, BigQuery(project="proj-test", location="EU", history_retention=timedelta(days=400)))
    assert ds["default_partition_expiration_ms"] == 400 * 86_400_000


def test_expire_partitions_is_a_deprecated_alias(tmp_path: Path) -> None:
    from channelkit.patterns import BigQuery

    with pytest.warns(DeprecationWarning, match="history_retention"):
        on = BigQuery(project="proj-test", location="EU", expire_partitions=True)
    with pytest.warns(DeprecationWarning):
        off = BigQuery(project="proj-test", location="EU", expire_partitions=False)
    assert _dataset(tmp_path / "on", on)["default_partition_expiration_ms"] == 14 * 86_400_000  # Kafka retention
    assert "default_partition_expiration_ms" not in _dataset(tmp_path / "off", off)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"history_retention": timedelta(hours=12)}, "warehouse.history_retention"),
    ({"history_retention": timedelta(days=1, hours=1)}, "warehouse.history_retention"),
    ({"history_retention": 30}, "warehouse.history_retention"),
    ({"history_retention": timedelta(days=30), "expire_partitions": True}, "warehouse.expire_partitions"),
])
def test_history_retention_is_validated(tmp_path: Path, kwargs: dict[str, Any], field: str) -> None:
    from channelkit.errors import ValidationError
    from channelkit.patterns import BigQuery

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warehouse = BigQuery(project="proj-test", location="EU", **kwargs)
    with pytest.raises(ValidationError) as err:
        _dataset(tmp_path, warehouse)
    assert err.value.fields == [field]


def test_change_log_table_schema_partitioning_and_clustering(payments: dict[str, Any]) -> None:
    table = next(t for t in resources(payments, "google_bigquery_table").values()
                 if t["table_id"] == "ledger_entries_changes")
    fields = {f["name"]: f for f in json.loads(table["schema"])}
    assert fields["amount"]["type"] == "NUMERIC" and fields["metadata"]["type"] == "JSON"
    assert CDC_METADATA | {"__source_file", "__source_pos", "__source_row"} <= set(fields)
    assert table["clustering"] == ["account_id", "entry_no"]
    assert table["time_partitioning"] == {"type": "DAY"}
    customers = next(t for t in resources(payments, "google_bigquery_table").values()
                     if t["table_id"] == "customers_changes")
    email = next(f for f in json.loads(customers["schema"]) if f["name"] == "email")
    assert email["description"] == "Contact email [classification=confidential, pii]"
    assert customers["labels"]["pii"] == "true"


def test_views_use_standard_sql_and_parse_as_bigquery(doc: dict[str, Any]) -> None:
    views = [t for t in resources(doc, "google_bigquery_table").values() if "view" in t]
    assert views
    for view in views:
        assert view["view"]["use_legacy_sql"] is False
        assert view["deletion_protection"] is False
        query = view["view"]["query"].replace("${", "X_").replace("}", "")
        parsed = sqlglot.parse_one(query, read="bigquery")
        assert parsed.find(sqlglot.exp.Window) is not None
        (ref,) = re.findall(r"google_bigquery_table\.([A-Za-z0-9_-]+)\.table_id", view["view"]["query"])
        assert resources(doc, "google_bigquery_table")[ref]["table_id"] == f"{view['table_id']}_changes"


def test_db_user_grants(payments: dict[str, Any], support: dict[str, Any]) -> None:
    grants = {tuple(sorted(g["privileges"])): g for g in resources(payments, "mysql_grant").values()}
    assert grants[("RELOAD", "REPLICATION CLIENT", "REPLICATION SLAVE", "SHOW DATABASES")]["database"] == "*"
    assert grants[("SELECT",)]["database"] == "payments"
    (role,) = resources(support, "postgresql_role").values()
    assert role["replication"] is True and role["login"] is True
    select = next(g for g in resources(support, "postgresql_grant").values() if g["object_type"] == "table")
    assert select["privileges"] == ["SELECT"] and sorted(select["objects"]) == ["agents", "messages", "tickets"]
