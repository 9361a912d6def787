"""``MariaDbSource``: a channel on MariaDB synthesizes Debezium's MariaDB connector, secure by default.

Checked in the synthesized JSON (no server; ``test_engines_mariadb.py`` applies the user and grants on a real
MariaDB): the connector class, MariaDB's own ``database.ssl.mode`` values (``trust`` by default, MySQL's names
refused with the MariaDB equivalent), the binlog position columns ordering the latest state on both warehouses,
the CDC user's grants in MariaDB's privilege names, and the column types (MySQL's plus UUID).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import build, channel_kwargs, new_stack, resources, synth

from channelkit._cdk import cdk
from channelkit.columns import TypeParseError, bigquery_type, glue_type, parse
from channelkit.constructs.aws import aws_provider
from channelkit.constructs.errors import CollisionError, ConstructPropsError, TableDefinitionError
from channelkit.patterns import (
    AwsLake,
    Channel,
    Column,
    MariaDbSource,
    MskCluster,
    MskConnect,
    MySqlSource,
    Table,
    Team,
)

MARIADB_CLASS = "io.debezium.connector.mariadb.MariaDbConnector"
POSITION = ("__source_file", "__source_pos", "__source_row")
MSK_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"


def source_connector(doc: dict[str, Any]) -> dict[str, Any]:
    (conn,) = [c for c in resources(doc, "kafka-connect_connector").values()
               if c["config"]["connector.class"].startswith("io.debezium.")]
    return conn


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Channel, dict[str, Any]]:
    return build(tmp_path_factory.mktemp("mariadb"), source=MariaDbSource(host="shop-db.internal", database="shop"))


def test_connector_is_debeziums_mariadb_connector(shop: tuple[Channel, dict[str, Any]]) -> None:
    channel, doc = shop
    conn = source_connector(doc)
    cfg = conn["config"]
    assert cfg["connector.class"] == MARIADB_CLASS
    assert cfg["database.hostname"] == "shop-db.internal" and cfg["database.port"] == "3306"
    assert cfg["database.user"].startswith("${mysql_user.")
    assert conn["config_sensitive"]["database.password"].startswith("${random_password.")
    assert cfg["database.include.list"] == "shop" and cfg["table.include.list"] == r"^shop\.orders$"
    assert cfg["database.server.id"] == str(channel.server_id) and 100_000 <= channel.server_id < 2**31
    assert cfg["schema.history.internal.kafka.topic"] == "shop.schema-history" == channel.history_topic
    assert cfg["decimal.handling.mode"] == "string"
    assert "database.sslmode" not in cfg, "that is the Postgres key"


def test_tls_is_required_by_default_in_mariadbs_own_ssl_mode_names(shop: tuple[Channel, dict[str, Any]],
                                                                     tmp_path: Path) -> None:
    _, doc = shop
    assert source_connector(doc)["config"]["database.ssl.mode"] == "trust"  # Debezium's default is "disable"
    _, verified = build(tmp_path, source=MariaDbSource(host="db", database="shop", ssl_mode="verify-full"))
    assert source_connector(verified)["config"]["database.ssl.mode"] == "verify-full"


@pytest.mark.parametrize(("mysql_name", "mariadb_name"), [("required", "trust"), ("verify_identity", "verify-full")])
def test_mysqls_ssl_mode_names_are_refused_with_the_mariadb_equivalent(
    tmp_path: Path, mysql_name: str, mariadb_name: str,
) -> None:
    with pytest.raises(ConstructPropsError) as info:
        build(tmp_path, source=MariaDbSource(host="db", database="shop", ssl_mode=mysql_name))
    (problem,) = info.value.problems
    assert problem.field == "source.ssl_mode" and problem.value == mysql_name
    assert "disable, trust, verify-ca, verify-full" in problem.allowed and repr(mariadb_name) in problem.allowed


def test_every_bad_prop_is_reported_at_once(tmp_path: Path) -> None:
    source = MariaDbSource(host="db", database="shop", ssl_mode="on", snapshot_mode="never", server_id=0, port=0)
    with pytest.raises(ConstructPropsError) as info:
        build(tmp_path, source=source)
    assert set(info.value.fields) == {"source.ssl_mode", "source.snapshot_mode", "source.server_id", "source.port"}
    snapshot = next(p for p in info.value.problems if p.field == "source.snapshot_mode")
    assert "never" not in snapshot.allowed and "no_data" in snapshot.allowed  # Debezium 3.x binlog modes


def test_cdc_user_grants_use_mariadbs_privilege_names(shop: tuple[Channel, dict[str, Any]]) -> None:
    channel, doc = shop
    (user,) = resources(doc, "mysql_user").values()
    assert user["user"] == channel.db_user_name == "cdc_shop" and user["host"] == "%"
    grants = {g["database"]: g for g in resources(doc, "mysql_grant").values()}
    assert set(grants) == {"*", "shop"}
    assert sorted(grants["*"]["privileges"]) == ["BINLOG MONITOR", "RELOAD", "REPLICATION SLAVE", "SHOW DATABASES"]
    assert grants["*"]["table"] == "*"
    assert grants["shop"]["privileges"] == ["SELECT"] and grants["shop"]["table"] == "*"
    (provider,) = doc["provider"]["mysql"]
    assert provider["endpoint"] == "shop-db.internal:3306" and provider["username"] == "admin"
    conn = source_connector(doc)
    assert {f"mysql_grant.{rid}" for rid in resources(doc, "mysql_grant")} <= set(conn["depends_on"])


def test_mysql_grants_keep_mysqls_names(tmp_path: Path) -> None:
    _, doc = build(tmp_path)  # the default channel is MySQL: unchanged
    privileges = [sorted(g["privileges"]) for g in resources(doc, "mysql_grant").values() if g["database"] == "*"]
    assert privileges == [["RELOAD", "REPLICATION CLIENT", "REPLICATION SLAVE", "SHOW DATABASES"]]
    assert source_connector(doc)["config"]["database.ssl.mode"] == "required"


def test_existing_user_is_not_managed(tmp_path: Path) -> None:
    source = MariaDbSource(host="db", database="shop", manage_user=False, user="debezium",
                           password_ref="${var.mariadb_cdc_password}")
    _, doc = build(tmp_path, source=source)
    assert not resources(doc, "mysql_user") and not resources(doc, "mysql_grant")
    conn = source_connector(doc)
    assert conn["config"]["database.user"] == "debezium"
    assert conn["config_sensitive"]["database.password"] == "${var.mariadb_cdc_password}"


def test_latest_state_orders_by_binlog_position_on_bigquery(shop: tuple[Channel, dict[str, Any]]) -> None:
    _, doc = shop
    tables = {t["table_id"]: t for t in resources(doc, "google_bigquery_table").values()}
    fields = {f["name"]: f["type"] for f in json.loads(tables["orders_changes"]["schema"])}
    assert (fields["__source_file"], fields["__source_pos"], fields["__source_row"]) == ("STRING", "INT64", "INT64")
    query = tables["orders"]["view"]["query"]
    assert "`__source_file` DESC, `__source_pos` DESC, `__source_row` DESC, `__source_ts_ms` DESC" in query
    assert "add.fields" not in query
    assert source_connector(doc)["config"]["transforms.unwrap.add.fields"] == (
        "op,source.ts_ms,source.file,source.pos,source.row")


def test_aws_glue_table_and_latest_state_query(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1")
    table = Table("events", primary_key=["id"], columns=[
        Column(name="id", type="UUID"), Column(name="at", type="DATETIME(3)"), Column(name="n", type="INT UNSIGNED")])
    Channel(stack, "events", source=MariaDbSource(host="db.internal", database="app", manage_user=False,
                                                  user="cdc_events"),
            tables=[table],
            kafka=MskCluster(arn=MSK_ARN, bootstrap_brokers="b-1.platform.kafka.us-east-1.amazonaws.com:9098"),
            connect=MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",),
                               plugin_bucket="acme-plugins", source_plugin_key="debezium-mariadb.zip",
                               sink_plugin_key="s3-sink.zip"),
            warehouse=AwsLake(region="us-east-1", bucket_name="acme-events-cdc"),
            owner=Team(name="apps", email="apps@example.com"))
    app.synth()
    doc = json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())
    (glue,) = resources(doc, "aws_glue_catalog_table").values()
    cols = {c["name"]: c["type"] for c in glue["storage_descriptor"]["columns"]}
    assert [cols[c] for c in POSITION] == ["string", "bigint", "bigint"]
    assert (cols["id"], cols["at"], cols["n"]) == ("string", "bigint", "bigint")
    assert glue["parameters"]["channelkit.source"] == "mariadb/app:events"
    (query,) = [q["query"] for q in resources(doc, "aws_athena_named_query").values()]
    assert '"__source_file" DESC, "__source_pos" DESC, "__source_row" DESC' in query
    # DATETIME(0..3) arrives in milliseconds (io.debezium.time.Timestamp), as from MySQL
    assert "date_add('millisecond', \"at\", TIMESTAMP '1970-01-01 00:00:00.000')" in query
    (source,) = [c["connector_configuration"] for c in resources(doc, "aws_mskconnect_connector").values()
                 if c["connector_configuration"]["connector.class"].startswith("io.debezium.")]
    assert source["connector.class"] == MARIADB_CLASS and source["database.ssl.mode"] == "trust"


def test_types_are_mysqls_plus_uuid() -> None:
    uuid = parse("mariadb", "UUID")
    assert uuid.kind == "uuid" and bigquery_type(uuid).type == "STRING" and glue_type(uuid) == "string"
    assert parse("mariadb", "DECIMAL(5,2)") == parse("mysql", "DECIMAL(5,2)")
    assert parse("mariadb", "ENUM('a','b')").values == ("a", "b")
    with pytest.raises(TypeParseError):
        parse("mysql", "UUID")  # MySQL has no UUID column type
    for unmapped in ("INET6", "INET4"):
        with pytest.raises(TypeParseError, match="not INET4/INET6"):
            parse("mariadb", unmapped)


def test_unknown_column_type_is_a_table_error(tmp_path: Path) -> None:
    table = Table("hosts", primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                        Column(name="ip", type="INET6")])
    with pytest.raises(TableDefinitionError) as info:
        build(tmp_path, source=MariaDbSource(host="db", database="net"), tables=[table])
    (problem,) = info.value.problems
    assert problem.field == "tables[hosts].columns[ip].type" and "UUID" in problem.allowed


def test_server_id_is_claimed_among_mariadb_channels(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    Channel(stack, "a", **channel_kwargs(source=MariaDbSource(host="db", database="a", server_id=4242)))
    with pytest.raises(CollisionError, match="MariaDB server id"):
        Channel(stack, "b", **channel_kwargs(source=MariaDbSource(host="db", database="b", server_id=4242)))


def test_mysql_and_mariadb_channels_share_one_stack(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    Channel(stack, "legacy", **channel_kwargs(source=MySqlSource(host="mysql-db", database="legacy")))
    Channel(stack, "shop", **channel_kwargs(source=MariaDbSource(host="maria-db", database="shop")))
    doc = synth(app, tmp_path)
    classes = sorted(c["config"]["connector.class"] for c in resources(doc, "kafka-connect_connector").values()
                     if c["config"]["connector.class"].startswith("io.debezium."))
    assert classes == [MARIADB_CLASS, "io.debezium.connector.mysql.MySqlConnector"]
    endpoints = sorted(p["endpoint"] for p in doc["provider"]["mysql"])
    assert endpoints == ["maria-db:3306", "mysql-db:3306"]


def test_summary_names_the_engine(shop: tuple[Channel, dict[str, Any]]) -> None:
    channel, _ = shop
    assert channel.summary()["source"] == {"engine": "mariadb", "database": "shop", "user": "cdc_shop"}


@pytest.mark.parametrize("engine", ["mysql", "mariadb"])
def test_char_and_binary_take_their_length(engine: str) -> None:
    """``CHAR(n)``/``BINARY(n)`` are accepted forms (they were refused before MariaDB's types were added)."""
    assert (parse(engine, "CHAR(36)").kind, parse(engine, "CHAR(36)").length) == ("string", 36)
    assert (parse(engine, "BINARY(16)").kind, parse(engine, "BINARY(16)").length) == ("bytes", 16)
    assert parse(engine, "CHAR").length == 1
    with pytest.raises(TypeParseError):
        parse(engine, "VARCHAR")  # a VARCHAR needs its length
