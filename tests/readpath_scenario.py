"""The shared real scenario of the read-path tests: two synthesized Postgres channels, real DML, every record.

What runs for real (nothing mocked): the example organisation (``stacks/``) is synthesized into a temp dir as
``main.py`` does, and its ``support`` channel (Postgres → BigQuery) is provisioned on a real PostgreSQL server with
the provider's SQL (``engines.pg_apply``); a second channel over the *same tables* (``stacks.support.TABLES``) into
the S3 lake (``AwsLake`` on self-managed Kafka + Kafka Connect with an AWS worker role, as ``tests/test_axes.py``
builds it) is synthesized and provisioned the same way, in its own database. Each channel's synthesized Debezium
config runs in Debezium's embedded engine (``engines.debezium``) **as the channel's synthesized CDC role**, and
every transformed record is captured as ``{topic, key, value, headers}`` serialized with the config's own
converters. The same DML is applied to both databases:

* snapshot rows in every table (one ticket with NULLs);
* an insert, an update, a delete, a primary-key change (``agents`` 1 → 10);
* one transaction changing one row several times (insert + two updates of ``tickets`` 4) and deleting and
  re-inserting another (``tickets`` 3);
* an update of ``messages`` 1 that leaves its >2 kB incompressible ``body`` unchanged (stored ``EXTERNAL``:
  really TOASTed out of line), an update setting a column to NULL, a late insert;
* ``TRUNCATE agents``, then a new ``agents`` row reusing a truncated key (:data:`TRUNCATE_DML`).

The source tables' final state is then read with ``SELECT *`` as the owner (the provider's user). What the
warehouse must hold (:attr:`ChannelRun.expected`) is that state, plus the rows ``TRUNCATE`` removed: a truncate is
not propagated (``channelkit.constructs.debezium.SKIPPED_OPERATIONS``), later changes apply on top of them.

Stand-ins, all shared with ``tests/test_engines_postgres.py``: the connection keys point at 127.0.0.1, offsets live
in a file, and ``messages.sent_at`` is made ``timestamp without time zone`` (both timestamp wire types are covered;
the lake channel, synthesized here, declares it so: :func:`lake_tables`). The ``types`` scenario
(:func:`types_readpath`) declares every Postgres type channelkit maps with its native type.
While the source module does not emit the publication itself, the engines helper's ``UntilSourceModuleEmits`` is
passed (only when the synthesized stack has no ``postgresql_publication``); once it does, nothing is injected.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import channel_helpers  # noqa: F401  (puts the repository root, where stacks/ lives, on sys.path)
import pytest

__all__ = ["BODY", "ChannelRun", "Scenario", "TOAST_PLACEHOLDER", "readpath"]

pytestmark = pytest.mark.engines

#: Debezium's default ``unavailable.value.placeholder`` for an unchanged TOASTed column.
TOAST_PLACEHOLDER = "__debezium_unavailable_value"
#: 4096 characters of random hex: > 2 kB and stored EXTERNAL (out of line, uncompressed).
BODY = os.urandom(2048).hex()

#: The S3 lake channel: its name, database and bucket.
LAKE_CHANNEL, LAKE_DATABASE, LAKE_BUCKET = "supportlake", "supportlake", "acme-support-lake"
LAKE_WORKER_ROLE = "connect-workers"

SNAPSHOT_DML = [
    "INSERT INTO agents VALUES (1, 'Ada', 'tier1', true), (2, 'Bob', 'tier2', false)",
    "INSERT INTO tickets VALUES (1, 'c@example.com', 'Login', 'open', '2024-05-06 07:08:09.123456+02'), "
    "(2, 'd@example.com', 'Refund', 'open', '2024-05-07 00:00:00+00'), (5, NULL, 'No email', 'open', NULL)",
    f"INSERT INTO messages VALUES (1, 1, '{BODY}', '2024-05-06 07:08:09.123456')",
]
SNAPSHOT_COUNT = 6

STREAM_DML = [
    "INSERT INTO tickets VALUES (3, 'e@example.com', 'New', 'open', '2024-05-08 10:00:00.5+00')",   # c
    "UPDATE tickets SET status = 'pending' WHERE id = 1",                                             # u
    "DELETE FROM tickets WHERE id = 2",                                                               # d
    "UPDATE agents SET id = 10 WHERE id = 1",                                                         # d + c
    "BEGIN",
    "INSERT INTO tickets VALUES (4, 'f@example.com', 'Draft', 'open', '2024-05-09 01:02:03+00')",     # c
    "UPDATE tickets SET status = 'pending' WHERE id = 4",                                             # u
    "UPDATE tickets SET status = 'closed', subject = 'Done' WHERE id = 4",                            # u
    "DELETE FROM tickets WHERE id = 3",                                                               # d
    "INSERT INTO tickets VALUES (3, 'e@example.com', 'New again', 'reopened', NULL)",                 # c
    "COMMIT",
    "UPDATE messages SET ticket_id = 4 WHERE id = 1",                     # u, body (TOASTed) unchanged
    "UPDATE agents SET team = NULL WHERE id = 2",                                                     # u
    "INSERT INTO messages VALUES (2, 4, 'short', '2024-05-09 02:00:00')",                             # c
]
STREAM_COUNT = 13
#: Applied after :data:`STREAM_DML`, once the truncated table's rows are read: one record (the insert).
TRUNCATE_DML = [
    "TRUNCATE agents",
    "INSERT INTO agents VALUES (2, 'Bea', 'tier3', true)",                                            # c
]
TRUNCATE_COUNT = 1
TRUNCATED_TABLE = "agents"


@dataclass
class ChannelRun:
    """One channel of the scenario: its synthesized stack, the engine config it ran and what came out."""

    name: str
    doc: dict[str, Any]
    database: str
    config: dict[str, str]
    records: list[dict[str, Any]]
    final: dict[str, list[dict[str, Any]]]
    expected: dict[str, list[dict[str, Any]]]
    pg_types: dict[str, dict[str, str]]
    table_topics: dict[str, str] = field(default_factory=dict)
    injected: list[str] = field(default_factory=list)

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        return dict(self.doc.get("resource", {}).get(rtype, {}))

    def connector(self, cls_prefix: str) -> dict[str, Any]:
        """The ``kafka-connect_connector`` whose class starts with ``cls_prefix``."""
        (found,) = [c for c in self.resources("kafka-connect_connector").values()
                    if c["config"]["connector.class"].startswith(cls_prefix)]
        return found

    def table_records(self, table: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["topic"] == self.table_topics[table]]


@dataclass
class Scenario:
    bigquery: ChannelRun
    s3: ChannelRun


def ddl() -> list[str]:
    from engines.channel import create_table_sql

    from stacks.support import TABLES

    out = [create_table_sql(t, {"sent_at": "timestamp"} if t.name == "messages" else None) for t in TABLES]
    out.append('ALTER TABLE "messages" ALTER COLUMN "body" SET STORAGE EXTERNAL')
    return out


def pg_types() -> dict[str, dict[str, str]]:
    from engines.channel import PG_TYPES

    from stacks.support import TABLES

    return {t.name: {c.name: ("timestamp" if c.name == "sent_at" else PG_TYPES[c.type]) for c in t.columns}
            for t in TABLES}


def lake_tables(tables: list[Any]) -> list[Any]:
    """``tables`` with ``messages.sent_at`` declared as the stand-in DDL creates it (``timestamp without time zone``).

    The example org (BigQuery) keeps its portable ``timestamp``; the lake channel is synthesized here, so it
    declares the column's real type and its Glue column and latest-state query follow the wire form.
    """
    from dataclasses import replace

    out = []
    for t in tables:
        if t.name == "messages":
            t = replace(t, columns=[replace(c, type="timestamp without time zone") if c.name == "sent_at" else c
                                    for c in t.columns])
        out.append(t)
    return out


def synth_lake_channel(outdir: Path) -> dict[str, Any]:
    """A Postgres channel over the support tables into the S3 lake (Kafka + Connect with an AWS worker role)."""
    from channelkit import cdk
    from channelkit.constructs.aws import aws_provider
    from channelkit.patterns import AwsLake, Channel, ConnectCluster, PostgresSource, Reader
    from stacks.platform import KAFKA
    from stacks.support import TABLES, TEAM

    app = cdk.App(outdir=str(outdir))
    stack = cdk.TerraformStack(app, "lake")
    aws_provider(stack, region="us-east-1")
    Channel(stack, LAKE_CHANNEL, source=PostgresSource(host="support-db.internal", database=LAKE_DATABASE),
            tables=lake_tables(TABLES), kafka=KAFKA, owner=TEAM,
            connect=ConnectCluster(name="main", url="https://connect.data.internal:8083", principal="User:connect",
                                   aws_role=LAKE_WORKER_ROLE),
            warehouse=AwsLake(region="us-east-1", bucket_name=LAKE_BUCKET),
            readers=["arn:aws:iam::123456789012:role/support-analyst",
                     Reader(aws="arn:aws:iam::123456789012:role/support-auditor", clearance="restricted")])
    app.synth()
    return json.loads((outdir / "stacks" / "lake" / "cdk.tf.json").read_text())


def _harness_ready(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``doc`` without the source's Terraform-escaped (``$${...}``) config-provider values of keys the harness drops.

    ``engines.debezium.connector_config`` refuses any ``${`` left in a config, and Kafka clients' config-provider
    placeholders (``$${file:...}``, a literal ``${file:...}`` after Terraform) are only in worker/Kafka-client keys
    (``producer.override.*`` ...) that :func:`engines.debezium.embedded_properties` drops anyway (no broker).
    Removing exactly those keys before provisioning changes nothing the engine runs; each is reported.
    """
    from engines import debezium
    from engines.channel import source_connector

    src = source_connector(doc)
    dropped = [k for k, v in src["config"].items() if "$${" in str(v)
               and (k in debezium.DROPPED_KEYS or any(k.startswith(p) for p in debezium.DROPPED_PREFIXES))]
    if not dropped:
        return doc, []
    resources = json.loads(json.dumps(doc["resource"]))
    for body in resources["kafka-connect_connector"].values():
        if body["config"] == src["config"]:
            body["config"] = {k: v for k, v in body["config"].items() if k not in dropped}
    return {**doc, "resource": resources}, [f"{k} (dropped by the harness: no broker)" for k in dropped]


def _provision(server: Any, doc: dict[str, Any]) -> tuple[Any, list[str]]:
    """``engines.channel.provision``, injecting the publication only while the stack does not declare one."""
    from engines import channel as ech

    kwargs: dict[str, Any] = {}
    doc, injected = _harness_ready(doc)
    if "until_source_module_emits" in inspect.signature(ech.provision).parameters:
        until = None
        if "postgresql_publication" not in doc.get("resource", {}) and hasattr(ech, "UntilSourceModuleEmits"):
            until = ech.UntilSourceModuleEmits()
            injected += ["postgresql_publication", *until.connector_overrides]
        kwargs["until_source_module_emits"] = until
    return ech.provision(server, doc, ddl(), **kwargs), injected


def _table_topics(doc: dict[str, Any]) -> dict[str, str]:
    from stacks.support import TABLES

    names = {t["name"] for t in doc["resource"]["kafka_topic"].values()}
    out = {}
    for t in TABLES:
        (topic,) = [n for n in names if n.endswith(f".public.{t.name}")]
        out[t.name] = topic
    return out


def final_state(server: Any, database: str) -> dict[str, list[dict[str, Any]]]:
    """Every source table's rows, as the owner, ordered by primary key."""
    from stacks.support import TABLES

    out: dict[str, list[dict[str, Any]]] = {}
    with server.connect(dbname=database) as conn:
        for t in TABLES:
            cur = conn.execute(f'SELECT * FROM "{t.name}" ORDER BY ' + ", ".join(f'"{k}"' for k in t.primary_key))
            cols = [d.name for d in cur.description]
            out[t.name] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    return out


def warehouse_state(final: dict[str, list[dict[str, Any]]], truncated: list[dict[str, Any]], *,
                    table: str, key: str = "id") -> dict[str, list[dict[str, Any]]]:
    """The latest state the warehouse must hold: ``final`` plus the ``truncated`` rows not rewritten since."""
    rows = {r[key]: r for r in truncated} | {r[key]: r for r in final[table]}
    return final | {table: [rows[k] for k in sorted(rows)]}


def run_scenario(server: Any, example_doc: dict[str, Any], lake_doc: dict[str, Any], workdir: Path) -> Scenario:
    from engines import debezium

    chans = {"bigquery": example_doc, "s3": lake_doc}
    provisioned = {name: _provision(server, doc) for name, doc in chans.items()}
    for name, (ch, _) in provisioned.items():
        server.sql(SNAPSHOT_DML, dbname=ch.database)
        size = server.scalar("SELECT pg_column_size(body) FROM messages WHERE id = 1", dbname=ch.database)
        assert size > 2048, f"{name}: the body must be TOASTed out of line ({size} bytes)"
    topics = {name: _table_topics(doc) for name, doc in chans.items()}
    engines = {name: debezium.EmbeddedEngine(ch.config, workdir / name) for name, (ch, _) in provisioned.items()}

    def is_table(name: str) -> Any:
        return lambda r: r["topic"] in topics[name].values()

    try:
        for e in engines.values():
            e.start()
        for name, e in engines.items():
            e.wait_for(SNAPSHOT_COUNT, timeout=180, where=is_table(name))
        truncated = {}
        for name, (ch, _) in provisioned.items():
            server.sql(STREAM_DML, dbname=ch.database)
            truncated[name] = final_state(server, ch.database)[TRUNCATED_TABLE]
            server.sql(TRUNCATE_DML, dbname=ch.database)
        records = {}
        for name, e in engines.items():
            e.wait_for(SNAPSHOT_COUNT + STREAM_COUNT + TRUNCATE_COUNT, timeout=180, where=is_table(name))
            records[name] = e.wait_for(None, idle=3, timeout=30)
    finally:
        for e in engines.values():
            e.stop()
    runs = {}
    for name, (ch, injected) in provisioned.items():
        final = final_state(server, ch.database)
        runs[name] = ChannelRun(
            name=name, doc=chans[name], database=ch.database, config=ch.config,
            records=[r for r in records[name] if is_table(name)(r)], final=final,
            expected=warehouse_state(final, truncated[name], table=TRUNCATED_TABLE),
            pg_types=pg_types(), table_topics=topics[name], injected=injected)
    return Scenario(bigquery=runs["bigquery"], s3=runs["s3"])


@pytest.fixture(scope="module")
def readpath(example_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """The scenario, run once per test module on a fresh PostgreSQL server (always stopped afterwards)."""
    from engines import missing
    from engines.postgres import find_bindir, start_server

    if find_bindir() is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres)")
    work = tmp_path_factory.mktemp("readpath")
    example_doc = json.loads((example_out / "stacks" / "support" / "cdk.tf.json").read_text())
    lake_doc = synth_lake_channel(work / "lake-out")
    server = start_server()
    try:
        yield run_scenario(server, example_doc, lake_doc, work / "engines")
    finally:
        server.stop()


# -- what a sink reads ------------------------------------------------------------------------------------------
def connect_json(serialized: Any, schemas_enable: bool) -> Any:
    """What Kafka Connect's ``JsonConverter.toConnectData`` gives a sink for one serialized JSON value.

    With ``schemas.enable=true`` the value must be a ``{"schema", "payload"}`` envelope and the sink gets the
    payload (typed by the schema); with ``false`` it gets the whole JSON value, envelope included, schemaless.
    """
    if serialized is None:
        return None
    if schemas_enable:
        if not (isinstance(serialized, dict) and set(serialized) == {"schema", "payload"}):
            raise ValueError("JsonConverter with schemas.enable=true requires \"schema\" and \"payload\" fields "
                             f"and may not contain additional fields: {str(serialized)[:200]}")
        return serialized["payload"]
    return serialized


def resolve_literals(doc: dict[str, Any], text: str) -> str:
    """``text`` with every ``${type.id.attr}`` replaced by that resource's literal attribute in ``doc``."""
    import re

    def sub(m: re.Match[str]) -> str:
        value = doc["resource"][m.group(1)][m.group(2)][m.group(3)]
        assert isinstance(value, str) and "${" not in value, (m.group(0), value)
        return value

    return re.sub(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}", sub, text)


# -- the types scenario: every Postgres type channelkit maps, declared with its native type -------------------------
#: (column, declared native type) of the ``types`` table; the DDL uses the declared types as they are.
#: ``NUMERIC`` in capitals: the lower-case ``numeric`` is the portable name (NUMERIC(38, 9)), see docs/channel.md.
TYPE_COLUMNS: list[tuple[str, str]] = [
    ("id", "integer"), ("n_dec", "numeric(10,2)"), ("n_any", "NUMERIC"), ("ts_tz", "timestamptz"),
    ("ts", "timestamp without time zone"), ("ts3", "timestamp(3) without time zone"), ("d", "date"),
    ("t", "time"), ("u", "uuid"), ("j", "jsonb"), ("tx", "text"), ("vc", "varchar(20)"), ("b", "bytea"),
    ("bo", "boolean"), ("si", "smallint"), ("i", "integer"), ("bi", "bigint"), ("r", "real"),
    ("dp", "double precision"), ("ia", "int4[]"), ("ta", "text[]"),
]
TYPES_CHANNELS = {"bigquery": ("typesbq", "typesbq"), "s3": ("typeslake", "typeslake")}  # channel, database
TYPES_BUCKET = "acme-types-lake"

_ROW1 = ("1, 12345678.90, -12345678901234567890.123456789012, '2024-05-06 07:08:09.123456+02', "
         "'2024-05-06 07:08:09.123456', '2024-05-06 07:08:09.123', '1960-01-01', '23:59:59.999999', "
         "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": \"é\", \"b\": [1, 2.50]}', 'héllo ✓ 日本 \U0001F600', "
         "'varchar ü', '\\xdeadbeef00', true, -32768, -2147483648, -9223372036854775808, 1.5, -2.5e-300, "
         "'{1,-2,3}', '{\"a\",\"ü\"}'")
_ROW2 = "2" + ", NULL" * (len(TYPE_COLUMNS) - 1)
_ROW3 = ("3, -0.01, 0.000000000001, '1969-12-31 23:59:59.999999+00', '1970-01-01 00:00:00.000001', "
         "'2038-01-19 03:14:07.999', '1969-12-31', '00:00:00', '00000000-0000-0000-0000-000000000000', "
         "'[]', '', '', '\\x', false, 32767, 2147483647, 9223372036854775807, -0.25, 1e300, '{}', '{}'")
TYPES_SNAPSHOT_DML = [f"INSERT INTO types VALUES ({_ROW1}), ({_ROW2})"]
TYPES_STREAM_DML = [
    f"INSERT INTO types VALUES ({_ROW3})",                                                             # c
    "UPDATE types SET n_any = 99999999999999999999999.99999999999999, ts = '2000-02-29 12:00:00.000007', "
    "ts_tz = '2000-02-29 12:00:00.000007-05', ia = '{}', ta = '{\"x\",\"\"}', n_dec = -99999999.99 WHERE id = 1",
    "UPDATE types SET d = '1900-03-01', t = '12:34:56.000001', b = '\\x00ff', j = '{\"k\": null}' WHERE id = 2",
    f"INSERT INTO types VALUES (4{_ROW1[1:]})",                                                        # c
    "DELETE FROM types WHERE id = 4",                                                                  # d
]
TYPES_SNAPSHOT_COUNT, TYPES_STREAM_COUNT = 2, 5


def types_table() -> Any:
    from channelkit.patterns import Column, Table

    return Table("types", primary_key=["id"], columns=[Column(name=n, type=t) for n, t in TYPE_COLUMNS])


def synth_types_channels(outdir: Path) -> dict[str, dict[str, Any]]:
    """The ``types`` table in a Postgres channel into BigQuery and in one into the S3 lake (declared native types)."""
    from channelkit import cdk
    from channelkit.constructs.aws import aws_provider
    from channelkit.patterns import AwsLake, Channel, ConnectCluster, PostgresSource
    from stacks.platform import CONNECT, KAFKA, WAREHOUSE
    from stacks.support import TEAM

    app = cdk.App(outdir=str(outdir))
    bq = cdk.TerraformStack(app, "typesbq")
    channel, database = TYPES_CHANNELS["bigquery"]
    Channel(bq, channel, source=PostgresSource(host="types-db.internal", database=database), tables=[types_table()],
            kafka=KAFKA, connect=CONNECT, owner=TEAM, warehouse=WAREHOUSE)
    lake = cdk.TerraformStack(app, "typeslake")
    aws_provider(lake, region="us-east-1")
    channel, database = TYPES_CHANNELS["s3"]
    Channel(lake, channel, source=PostgresSource(host="types-db.internal", database=database),
            tables=[types_table()], kafka=KAFKA, owner=TEAM,
            connect=ConnectCluster(name="main", url="https://connect.data.internal:8083", principal="User:connect",
                                   aws_role=LAKE_WORKER_ROLE),
            warehouse=AwsLake(region="us-east-1", bucket_name=TYPES_BUCKET))
    app.synth()
    return {name: json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())
            for name, stack in (("bigquery", "typesbq"), ("s3", "typeslake"))}


def run_types_scenario(server: Any, docs: dict[str, dict[str, Any]], workdir: Path) -> Scenario:
    """Both types channels provisioned, snapshot + streaming DML applied to each, every record captured."""
    from engines import channel as ech
    from engines import debezium

    ddl = ['CREATE TABLE "types" (' + ", ".join(f'"{n}" {t}' for n, t in TYPE_COLUMNS) + ', PRIMARY KEY ("id"))']
    provisioned = {}
    for name, doc in docs.items():
        ready, injected = _harness_ready(doc)
        kwargs: dict[str, Any] = {}
        if "until_source_module_emits" in inspect.signature(ech.provision).parameters:
            until = None
            if "postgresql_publication" not in doc.get("resource", {}) and hasattr(ech, "UntilSourceModuleEmits"):
                until = ech.UntilSourceModuleEmits()
                injected += ["postgresql_publication", *until.connector_overrides]
            kwargs["until_source_module_emits"] = until
        provisioned[name] = (ech.provision(server, ready, ddl, **kwargs), injected)
        server.sql(TYPES_SNAPSHOT_DML, dbname=provisioned[name][0].database)
    topics = {name: {"types": next(t["name"] for t in doc["resource"]["kafka_topic"].values()
                                   if t["name"].endswith(".public.types"))} for name, doc in docs.items()}
    engines = {name: debezium.EmbeddedEngine(ch.config, workdir / name) for name, (ch, _) in provisioned.items()}

    def is_table(name: str) -> Any:
        return lambda r: r["topic"] in topics[name].values()

    records = {}
    try:
        for e in engines.values():
            e.start()
        for name, e in engines.items():
            e.wait_for(TYPES_SNAPSHOT_COUNT, timeout=180, where=is_table(name))
        for ch, _ in provisioned.values():
            server.sql(TYPES_STREAM_DML, dbname=ch.database)
        for name, e in engines.items():
            e.wait_for(TYPES_SNAPSHOT_COUNT + TYPES_STREAM_COUNT, timeout=180, where=is_table(name))
            records[name] = e.wait_for(None, idle=3, timeout=30)
    finally:
        for e in engines.values():
            e.stop()
    runs = {}
    for name, (ch, injected) in provisioned.items():
        with server.connect(dbname=ch.database) as conn:
            cur = conn.execute('SELECT * FROM "types" ORDER BY "id"')
            cols = [d.name for d in cur.description]
            final = {"types": [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]}
        runs[name] = ChannelRun(name=name, doc=docs[name], database=ch.database, config=ch.config,
                                records=[r for r in records[name] if is_table(name)(r)], final=final, expected=final,
                                pg_types={"types": dict(TYPE_COLUMNS)}, table_topics=topics[name],
                                injected=injected)
    return Scenario(bigquery=runs["bigquery"], s3=runs["s3"])


@pytest.fixture(scope="module")
def types_readpath(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """The types scenario, once per test module on a fresh PostgreSQL server (always stopped afterwards)."""
    from engines import missing
    from engines.postgres import find_bindir, start_server

    if find_bindir() is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres)")
    work = tmp_path_factory.mktemp("types")
    docs = synth_types_channels(work / "out")
    server = start_server()
    try:
        yield run_types_scenario(server, docs, work / "engines")
    finally:
        server.stop()


def athena_on_duckdb(con: Any) -> Any:
    """Prepare a DuckDB connection to run transpiled Athena (Trino) queries: UTC, and ``from_unixtime_nanos``.

    DuckDB stands in for Athena here; sqlglot keeps Trino's ``from_unixtime_nanos`` as it is, so a macro gives
    DuckDB the same function (epoch nanoseconds → timestamp with time zone, exact to the microsecond).
    """
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE MACRO from_unixtime_nanos(n) AS timezone('UTC', make_timestamp(CAST(n // 1000 AS BIGINT)))")
    return con
