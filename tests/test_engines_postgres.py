"""End to end on real engines: the example ``support`` channel against a real PostgreSQL and Debezium.

What runs for real: a local PostgreSQL 15+ server (``engines.postgres``), the provider's SQL for the synthesized
``postgresql_*`` resources (role, grants, publication) run as the provider's user (``engines.pg_apply``), and the
synthesized Debezium source config in Debezium 3.6's embedded engine with the config's own post-processor, SMT and
converters (``engines.debezium``), logging in as the synthesized CDC role with its generated password.

Nothing is injected into the channel: the only stand-ins are the connection keys (127.0.0.1 and the local port)
and file offsets (a worker keeps them in Kafka). Two tests change something on purpose, and say so: the one that
shows why the publication is Terraform (it leaves the ``postgresql_publication`` out and lets Debezium try) and the
WAL control run (the heartbeat keys removed, to show what they are for). The table DDL is derived from the
channel's declared columns (``engines.channel.PG_TYPES``), except ``messages.sent_at`` which is made ``timestamp
without time zone`` on purpose so both timestamp wire types are covered.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from engines import debezium, pg_apply
from engines.channel import captured_tables, create_table_sql, provision, source_connector
from engines.postgres import PostgresServer, running_server

pytestmark = pytest.mark.engines

TOAST_PLACEHOLDER = "__debezium_unavailable_value"  # Debezium's default unavailable.value.placeholder
HEARTBEAT_KEYS = ("heartbeat.interval.ms", "heartbeat.action.query", "message.prefix.exclude.list",
                  "topic.heartbeat.prefix")
MiB = 2**20


# -- helpers ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def support(example_out: Path) -> dict[str, Any]:
    return json.loads((example_out / "stacks" / "support" / "cdk.tf.json").read_text())


def support_ddl() -> list[str]:
    from stacks.support import TABLES

    ddl = [create_table_sql(t, {"sent_at": "timestamp"} if t.name == "messages" else None) for t in TABLES]
    # The TOAST case: store message bodies out of line, uncompressed, so a 20 kB body is really TOASTed.
    ddl.append('ALTER TABLE "messages" ALTER COLUMN "body" SET STORAGE EXTERNAL')
    # A table that is not captured: it must stay out of the publication and of the records.
    ddl.append("CREATE TABLE audit_log (id bigserial PRIMARY KEY, payload text)")
    return ddl


def payload(record: dict[str, Any]) -> dict[str, Any]:
    """The value payload (JsonConverter with schemas.enable=true wraps it in {schema, payload})."""
    value = record["value"]
    assert set(value) == {"schema", "payload"}, value
    return value["payload"]


def key(record: dict[str, Any]) -> dict[str, Any]:
    assert set(record["key"]) == {"schema", "payload"}
    return record["key"]["payload"]


def is_change(record: dict[str, Any]) -> bool:
    """A table's change record (not a heartbeat on ``<prefix>.heartbeat.<prefix>``)."""
    return ".heartbeat." not in record["topic"]


def changes(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if is_change(r)]


def summary(records: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(table, op, key) per change record: what Debezium's own integration tests assert first."""
    return [(r["topic"].rsplit(".", 1)[-1], payload(r)["__op"], key(r)["id"]) for r in changes(records)]


def field_schema(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in record["value"]["schema"]["fields"] if f["field"] == name)


def wait_changes(engine: debezium.EmbeddedEngine, count: int, timeout: float = 120) -> list[dict[str, Any]]:
    """The change records of this run once there are ``count`` of them, then whatever else arrives while quiet."""
    engine.wait_for(count, timeout=timeout, where=is_change)
    return changes(engine.wait_for(None, idle=3, timeout=30))


# -- the server fixture itself ---------------------------------------------------------------------------------
def test_postgres_fixture_is_logical_loopback_ssl_and_not_root(pg_server: PostgresServer) -> None:
    settings = dict(pg_server.sql("SELECT name, setting FROM pg_settings WHERE name IN "
                                  "('wal_level', 'listen_addresses', 'ssl', 'max_replication_slots')"))
    assert settings == {"wal_level": "logical", "listen_addresses": "127.0.0.1", "ssl": "on",
                        "max_replication_slots": "10"}
    with pg_server.connect(sslmode="require") as conn:
        assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)
    pid = int((pg_server.data / "postmaster.pid").read_text().splitlines()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0, "postgres must not run as root"


# -- the provider's SQL ----------------------------------------------------------------------------------------
def test_pg_apply_creates_exactly_what_the_resources_declare(pg_server: PostgresServer,
                                                             support: dict[str, Any]) -> None:
    ch = provision(pg_server, support, support_ddl())
    assert ch.role == "cdc_support"
    attrs = pg_server.sql("SELECT rolcanlogin, rolreplication, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
                          "FROM pg_roles WHERE rolname = 'cdc_support'")
    assert attrs == [(True, True, False, False, False, False)]
    grants = pg_server.sql(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = 'cdc_support' ORDER BY 1, 2", dbname="support")
    assert grants == [("agents", "SELECT"), ("messages", "SELECT"), ("tickets", "SELECT")]
    checks = pg_server.sql([
        "SELECT has_schema_privilege('cdc_support', 'public', 'USAGE'), "
        "has_schema_privilege('cdc_support', 'public', 'CREATE'), "
        "has_database_privilege('cdc_support', 'support', 'CREATE'), "
        "has_table_privilege('cdc_support', 'audit_log', 'SELECT')"], dbname="support")
    assert checks == [(True, False, False, False)]
    # The publication: exactly the captured tables, owned by the provider's login (no owner change).
    (publication,) = support["resource"]["postgresql_publication"].values()
    assert {k: v for k, v in publication.items() if k != "//"} == {
        "name": "ck_support", "database": "support", "tables": captured_tables(support), "provider": "postgresql",
        "publish_param": ["insert", "update", "delete"]}
    published = pg_server.sql("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                              "WHERE pubname = 'ck_support' ORDER BY 1", dbname="support")
    assert [r[0] for r in published] == sorted(captured_tables(support))
    assert pg_server.sql("SELECT pg_get_userbyid(pubowner), puballtables, pubinsert, pubupdate, pubdelete, "
                         "pubtruncate FROM pg_publication WHERE pubname = 'ck_support'", dbname="support") \
        == [("postgres", False, True, True, True, False)], "row changes only: no truncate (SKIPPED_OPERATIONS)"
    assert "CREATE PUBLICATION ck_support FOR TABLE \"public\".\"tickets\", \"public\".\"messages\", " \
           "\"public\".\"agents\" WITH (publish = 'insert, update, delete')" in ch.applied.plan.statements()
    # The generated password is the one the role got: the CDC role can log in with it over SSL.
    with pg_server.connect(ch.role, ch.password, "support", sslmode="require") as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (0,)


# -- why the publication is Terraform ---------------------------------------------------------------------------
def test_without_the_publication_resource_debezium_cannot_make_one(pg_server: PostgresServer,
                                                                    support: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    """What the channel avoids: left to Debezium (``publication.autocreate.mode=filtered``, this test's override,
    and no ``postgresql_publication``), creating the publication needs CREATE on the database and ownership of
    every table; the CDC role has neither. With the synthesized ``disabled`` and no publication it stops too."""
    ch = provision(pg_server, support, support_ddl(), without=["postgresql_publication"])
    assert ch.config["publication.autocreate.mode"] == "disabled"
    with ch.engine(tmp_path / "disabled-no-publication") as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert any("Publication autocreation is disabled, please create one" in m for m in failure.messages), \
        failure.messages
    print("\nsynthesized config, publication not applied:", " <- ".join(dict.fromkeys(failure.messages)))

    with ch.engine(tmp_path / "filtered", **{"publication.autocreate.mode": "filtered"}) as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert "Unable to create filtered publication ck_support" in failure.messages[0]
    assert any("ERROR: permission denied for database support" in m for m in failure.messages), failure.messages
    print("Debezium creating it:", " <- ".join(dict.fromkeys(failure.messages)))

    # What a DBA might try next (NOT something the channel does): CREATE on the database. Still not enough.
    pg_server.sql('GRANT CREATE ON DATABASE "support" TO "cdc_support"')
    with ch.engine(tmp_path / "with-create-on-db", **{"publication.autocreate.mode": "filtered"}) as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert any("must be owner of table" in m for m in failure.messages), failure.messages
    print("with CREATE on the database:", " <- ".join(dict.fromkeys(failure.messages)))


# -- the synthesized channel, as it is ------------------------------------------------------------------------
def test_support_channel_end_to_end(pg_server: PostgresServer, support: dict[str, Any], tmp_path: Path) -> None:
    ch = provision(pg_server, support, support_ddl())
    db = "support"
    assert source_connector(support)["config"]["publication.autocreate.mode"] == "disabled"
    assert ch.config["database.sslmode"] == "require"

    body = os.urandom(10_000).hex()  # 20 kB of incompressible-ish text, stored EXTERNAL: really TOASTed
    pg_server.sql([
        "INSERT INTO agents VALUES (1, 'Ada', 'tier1', true)",
        "INSERT INTO tickets VALUES (1, 'c@example.com', 'Login', 'open', '2024-05-06 07:08:09.123456+02')",
        f"INSERT INTO messages VALUES (1, 1, '{body}', '2024-05-06 07:08:09.123456')",
    ], dbname=db)
    assert pg_server.scalar("SELECT pg_column_size(body) FROM messages WHERE id = 1", dbname=db) >= 20_000
    work = tmp_path / "engine"

    with debezium.running(ch.config, work) as engine:
        snapshot = wait_changes(engine, 3)
        assert sorted(summary(snapshot)) == [("agents", "r", 1), ("messages", "r", 1), ("tickets", "r", 1)]
        assert {r["topic"] for r in snapshot} == {f"support.{t}" for t in captured_tables(support)}
        assert payload(next(r for r in snapshot if r["topic"].endswith("messages")))["body"] == body
        # Every connection of the CDC role, the replication stream included, is TLS (database.sslmode=require).
        assert pg_server.sql("SELECT ssl FROM pg_stat_replication JOIN pg_stat_ssl USING (pid) "
                             "WHERE usename = 'cdc_support'") == [(True,)]
        assert pg_server.scalar("SELECT bool_and(ssl) FROM pg_stat_activity JOIN pg_stat_ssl USING (pid) "
                                "WHERE usename = 'cdc_support'") is True
        assert pg_server.sql("SELECT plugin, database FROM pg_replication_slots WHERE slot_name = 'ck_support'") \
            == [("pgoutput", "support")]

        pg_server.sql([
            "INSERT INTO tickets VALUES (2, 'd@example.com', 'Refund', 'open', '2024-05-07 00:00:00+00')",
            "UPDATE tickets SET status = 'closed' WHERE id = 2",
            "UPDATE messages SET ticket_id = 2 WHERE id = 1",      # body (TOASTed) unchanged
            "INSERT INTO audit_log (payload) VALUES ('not captured')",
            "DELETE FROM tickets WHERE id = 2",
            "UPDATE agents SET id = 2 WHERE id = 1",                # primary-key change
            "TRUNCATE agents",
            "INSERT INTO tickets VALUES (3, 'e@example.com', 'Marker', 'open', now())",
        ], dbname=db)
        streamed = wait_changes(engine, 10)[3:]  # nothing else arrives after the marker

    assert summary(streamed) == [
        ("tickets", "c", 2), ("tickets", "u", 2), ("messages", "u", 1), ("tickets", "d", 2),
        ("agents", "d", 1), ("agents", "c", 2), ("tickets", "c", 3),
    ], "TRUNCATE produces no record (not published, skipped.operations = t); audit_log is not captured"
    insert, update, toast, delete, pk_old, pk_new, _marker = streamed
    assert payload(insert) | {"__source_ts_ms": 0, "__source_lsn": 0} == {
        "id": 2, "customer_email": "d@example.com", "subject": "Refund", "status": "open",
        "opened_at": "2024-05-07T00:00:00.000000Z", "__deleted": "false", "__op": "c", "__source_ts_ms": 0,
        "__source_lsn": 0}
    assert payload(update)["status"] == "closed" and payload(update)["subject"] == "Refund"
    # TOAST: pgoutput sends the unchanged out-of-line body as "unchanged"; the re-select post-processor reads it
    # again by primary key, as the CDC role with its SELECT grant, so the record carries the real value.
    assert payload(toast)["ticket_id"] == 2 and payload(toast)["body"] == body
    assert not any(TOAST_PLACEHOLDER in json.dumps(r["value"]) for r in [*snapshot, *streamed])
    assert payload(delete) | {"__source_ts_ms": 0, "__source_lsn": 0} == {
        "id": 2, "customer_email": None, "subject": None, "status": None, "opened_at": None,
        "__deleted": "true", "__op": "d", "__source_ts_ms": 0, "__source_lsn": 0}
    assert delete["value"] is not None, "rewrite mode: no tombstones, the delete itself carries __deleted"
    assert (payload(pk_old)["__deleted"], pk_old["headers"]["__debezium.newkey"]) == ("true", '{"id":2}')
    assert (payload(pk_new)["name"], pk_new["headers"]["__debezium.oldkey"]) == ("Ada", '{"id":1}')
    lsns = [payload(r)["__source_lsn"] for r in streamed]
    assert lsns == sorted(lsns) and lsns[0] >= max(payload(r)["__source_lsn"] for r in snapshot)
    # Temporal wire forms (time.precision.mode=microseconds): timestamptz an ISO string, timestamp µs since epoch.
    assert field_schema(insert, "opened_at") == {"type": "string", "optional": True, "field": "opened_at",
                                                 "name": "io.debezium.time.ZonedTimestamp", "version": 1}
    assert field_schema(toast, "sent_at")["name"] == "io.debezium.time.MicroTimestamp"
    assert payload(toast)["sent_at"] == 1714979289123456  # the wall-clock time, counted as if it were UTC
    assert field_schema(insert, "__source_lsn")["type"] == "int64"

    # Restart: changes made while the connector was down are streamed from the stored offsets, no new snapshot.
    assert (work / "offsets.dat").stat().st_size > 0
    pg_server.sql(["INSERT INTO tickets VALUES (4, 'f@example.com', 'While down', 'open', now())",
                   "UPDATE tickets SET status = 'pending' WHERE id = 3",
                   "UPDATE messages SET ticket_id = 3 WHERE id = 1"], dbname=db)  # TOAST again, after a restart
    with debezium.running(ch.config, work) as engine:
        resumed = wait_changes(engine, 3)
    assert summary(resumed) == [("tickets", "c", 4), ("tickets", "u", 3), ("messages", "u", 1)]
    assert payload(resumed[0])["__source_lsn"] > max(lsns)
    assert payload(resumed[2])["body"] == body
    print("\nstreamed:", summary(streamed), "resumed:", summary(resumed))


def test_sslmode_require_refuses_a_server_without_tls(support: dict[str, Any], tmp_path: Path) -> None:
    """``database.sslmode=require`` (the default) is really enforced: no silent plaintext fallback."""
    with running_server(ssl=False) as server:
        ch = provision(server, support, support_ddl())
        with ch.engine(tmp_path / "no-tls") as engine:
            failure = engine.wait_until_failed(timeout=90)
    assert any("does not support SSL" in m for m in failure.messages), failure.messages
    print("\nsslmode=require against a server without TLS:", " <- ".join(dict.fromkeys(failure.messages)))


# -- WAL retention of an idle slot -----------------------------------------------------------------------------
def _retained_after_uncaptured_wal(pg_server: PostgresServer, slot: str, settle_s: float,
                                   until_below: int | None = None) -> tuple[int, int, float]:
    """Write ~40 MB of WAL into a table that is not captured; (bytes written, bytes the slot retains, seconds)."""
    before = pg_server.scalar("SELECT pg_current_wal_lsn()")
    pg_server.sql("INSERT INTO audit_log (payload) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 110000) g",
                  dbname="support")
    written = int(pg_server.scalar(f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{before}')"))
    query = ("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots "
             f"WHERE slot_name = '{slot}'")
    retained = int(pg_server.scalar(query))
    start = time.monotonic()
    deadline = start + settle_s
    while time.monotonic() < deadline and not (until_below is not None and retained < until_below):
        time.sleep(0.5)
        retained = int(pg_server.scalar(query))
    return written, retained, time.monotonic() - start


def test_idle_slot_wal_is_bounded_by_the_synthesized_heartbeat(pg_server: PostgresServer, support: dict[str, Any],
                                                               tmp_path: Path) -> None:
    ch = provision(pg_server, support, support_ddl())
    assert ch.config["heartbeat.action.query"] == \
        "SELECT pg_logical_emit_message(false, 'heartbeat', now()::varchar)"
    assert ch.config["topic.heartbeat.prefix"] == "support.heartbeat"
    pg_server.sql("INSERT INTO agents VALUES (1, 'Ada', 'tier1', true)", dbname="support")
    interval_s = int(ch.config["heartbeat.interval.ms"]) / 1000
    figures = {}
    runs = {
        "synthesized config": ch.config,
        # The control run, with this test's change: the heartbeat keys removed.
        "control: heartbeat keys removed": {k: v for k, v in ch.config.items() if k not in HEARTBEAT_KEYS},
    }
    for name, config in runs.items():
        slot = "ck_support" if config is ch.config else "ck_support_plain"
        with debezium.running({**config, "slot.name": slot}, tmp_path / slot) as engine:
            engine.wait_for(1, timeout=120, where=is_change)  # snapshot done: the slot exists and streaming starts
            if config is ch.config:
                written, retained, waited = _retained_after_uncaptured_wal(
                    pg_server, slot, settle_s=3 * interval_s + 30, until_below=MiB)
            else:
                written, retained, waited = _retained_after_uncaptured_wal(pg_server, slot, settle_s=interval_s + 5)
            topics = {r["topic"] for r in engine.records()}
        pg_server.sql(f"SELECT pg_drop_replication_slot('{slot}')")
        figures[name] = (written, retained, sorted(topics))
        print(f"\n{name}: wrote {written / MiB:.1f} MiB of uncaptured WAL, slot retains {retained / MiB:.1f} MiB"
              f" after {waited:.1f} s; topics {sorted(topics)}")

    written, retained, topics = figures["synthesized config"]
    assert written >= 30 * MiB
    assert retained < 16 * MiB, "the heartbeat's logical message advances confirmed_flush_lsn"
    assert "support.message" not in topics and "support.heartbeat.support" in topics
    written, retained, _ = figures["control: heartbeat keys removed"]
    assert written >= 30 * MiB
    assert retained >= written, "without it an idle slot holds back all WAL written since its last captured change"


# -- wire forms --------------------------------------------------------------------------------------------------
#: Column → (Postgres type, literal inserted). The channel declares only id/email/total; the others are added to the
#: table (the publication publishes whole rows) so every type's wire form is recorded with the synthesized config.
WIRE_COLUMNS = {
    "total": ("numeric(10,2)", "1234.50"),
    "amount_any": ("numeric", "3.141592653589793238462643383279"),
    "at_tz": ("timestamptz", "'2024-05-06 07:08:09.123456+02'"),
    "at_local": ("timestamp", "'2024-05-06 07:08:09.123456'"),
    "at_ms": ("timestamp(3)", "'2024-05-06 07:08:09.123'"),
    "at_time3": ("time(3)", "'07:08:09.123'"),
    "on_day": ("date", "'2024-05-06'"),
    "at_time": ("time", "'07:08:09.123456'"),
    "uid": ("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
    "doc": ("jsonb", """'{"b": [1, 2.50], "a": "x"}'"""),
    "note": ("text", "'héllo'"),
    "blob": ("bytea", "'\\xdeadbeef'"),
    "flag": ("boolean", "true"),
    "ints": ("int4[]", "'{1,2,3}'"),
}

#: Column → (schema type, schema name or None, value on the wire): what the synthesized config emits.
WIRE_FORMS: dict[str, tuple[str, str | None, Any]] = {
    "total": ("string", None, "1234.50"),
    "amount_any": ("string", None, "3.141592653589793238462643383279"),
    "at_tz": ("string", "io.debezium.time.ZonedTimestamp", "2024-05-06T05:08:09.123456Z"),
    "at_local": ("int64", "io.debezium.time.MicroTimestamp", 1714979289123456),  # µs since epoch, wall clock as UTC
    "at_ms": ("int64", "io.debezium.time.MicroTimestamp", 1714979289123000),  # same unit whatever the precision
    "at_time3": ("int64", "io.debezium.time.MicroTime", 25689123000),
    "on_day": ("int32", "io.debezium.time.Date", 19849),  # days since 1970-01-01
    "at_time": ("int64", "io.debezium.time.MicroTime", 25689123456),  # µs since midnight
    "uid": ("string", "io.debezium.data.Uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    "doc": ("string", "io.debezium.data.Json", '{"a": "x", "b": [1, 2.50]}'),
    "note": ("string", None, "héllo"),
    "blob": ("bytes", None, "3q2+7w=="),
    "flag": ("boolean", None, True),
    "ints": ("array", None, [1, 2, 3]),
}


def test_wire_forms_of_postgres_types(pg_server: PostgresServer, tmp_path: Path) -> None:
    """A second, minimal Postgres channel (tests/channel_helpers.py ``orders``), synthesized config as it is."""
    from channel_helpers import new_stack, orders, postgres_kwargs, synth

    from channelkit.patterns import Channel, PostgresSource

    app, stack = new_stack(tmp_path)
    Channel(stack, "crm", **postgres_kwargs(source=PostgresSource(host="pg", database="crm")))
    doc = synth(app, tmp_path)
    config = source_connector(doc)["config"]
    assert (config["decimal.handling.mode"], config["time.precision.mode"]) == ("string", "microseconds")
    ddl = [create_table_sql(orders(), {"total": "numeric(10,2)"})]
    ddl += [f'ALTER TABLE orders ADD COLUMN "{c}" {t}' for c, (t, _) in WIRE_COLUMNS.items() if c != "total"]
    ch = provision(pg_server, doc, ddl)
    columns = ", ".join(f'"{c}"' for c in WIRE_COLUMNS)
    values = ", ".join(v for _, v in WIRE_COLUMNS.values())
    pg_server.sql(f"INSERT INTO orders (id, email, {columns}) VALUES (1, 'a@example.com', {values})", dbname="crm")
    with debezium.running(ch.config, tmp_path / "engine") as engine:
        wait_changes(engine, 1)  # the snapshot record; then one streamed update of the same row
        pg_server.sql("UPDATE orders SET note = 'streamed' WHERE id = 1", dbname="crm")
        snap, streamed = wait_changes(engine, 2)
    got = {}
    for record in (snap, streamed):
        for c in WIRE_COLUMNS:
            f = field_schema(record, c)
            value = payload(record)[c] if c != "note" else payload(snap)["note"]
            got.setdefault(c, []).append((f["type"], f.get("name"), value))
    rows = [f"| {c} | {WIRE_COLUMNS[c][0]} | {t} | {n or ''} | {json.dumps(v, ensure_ascii=False)} |"
            for c, [(t, n, v), _] in got.items()]
    print("\n" + "\n".join(rows))
    for c, (snapshot_form, streamed_form) in got.items():
        assert snapshot_form == streamed_form, f"{c}: snapshot and streaming differ"
    assert {c: forms[0] for c, forms in got.items()} == WIRE_FORMS
    assert field_schema(snap, "ints")["items"] == {"type": "int32", "optional": True}
    assert payload(streamed)["note"] == "streamed"

    # Why not time.precision.mode=isostring (this run's override): Debezium 3.6 writes a zone designator on dates
    # and times, which neither BigQuery DATE/TIME nor Athena date/time parse.
    with ch.engine(tmp_path / "isostring", **{"time.precision.mode": "isostring", "slot.name": "ck_crm_iso"}) as e:
        (iso,) = wait_changes(e, 1)
    pg_server.sql("SELECT pg_drop_replication_slot('ck_crm_iso')")
    assert {c: (field_schema(iso, c)["name"], payload(iso)[c]) for c in ("on_day", "at_time", "at_local")} == {
        "on_day": ("io.debezium.time.IsoDate", "2024-05-06Z"),
        "at_time": ("io.debezium.time.IsoTime", "07:08:09.123456Z"),
        "at_local": ("io.debezium.time.IsoTimestamp", "2024-05-06T07:08:09.123456Z")}


# -- adding a table -------------------------------------------------------------------------------------------
def test_adding_a_table_is_a_terraform_plan(pg_server: PostgresServer, tmp_path: Path) -> None:
    """One more table: the publication is updated in place (``tables`` is not ForceNew; ``ALTER PUBLICATION … ADD
    TABLE`` as the owner), the SELECT grant is replaced (``objects`` is ForceNew), the connector config changes, and
    the new table streams after the connector restarts with it. No Debezium retry, no DBA step."""
    from channel_helpers import new_stack, orders, postgres_kwargs, synth

    from channelkit.patterns import Channel, Column, PostgresSource, Table

    refunds = Table("refunds", primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                            Column(name="reason", type="string")])
    docs = []
    for n, tables in enumerate(([orders()], [orders(), refunds])):
        (tmp_path / f"v{n}").mkdir()
        app, stack = new_stack(tmp_path / f"v{n}")
        Channel(stack, "crm", **postgres_kwargs(source=PostgresSource(host="pg", database="crm"), tables=tables))
        docs.append(synth(app, tmp_path / f"v{n}"))
    old, new = docs
    (rid,) = old["resource"]["postgresql_publication"]
    assert list(new["resource"]["postgresql_publication"]) == [rid], "same resource, same address"
    body_old, body_new = old["resource"]["postgresql_publication"][rid], new["resource"]["postgresql_publication"][rid]
    assert {k for k in body_old if body_old[k] != body_new.get(k)} == {"tables"}
    schema = json.loads((Path(__file__).parents[1] / "src/channelkit/schemas/postgresql.json").read_text())
    attrs = schema["provider_schemas"]["registry.terraform.io/cyrilgdn/postgresql"]["resource_schemas"][
        "postgresql_publication"]["block"]["attributes"]
    assert not attrs["tables"].get("force_new") and attrs["tables"]["type"] == ["set", "string"]

    ddl = [create_table_sql(orders()), create_table_sql(refunds)]
    ch = provision(pg_server, old, ddl)
    work = tmp_path / "engine"
    pg_server.sql(["INSERT INTO orders VALUES (1, 'a@example.com', 1.50)",
                   "INSERT INTO refunds VALUES (1, 'before it was captured')"], dbname="crm")
    with debezium.running(ch.config, work) as engine:
        assert summary(wait_changes(engine, 1)) == [("orders", "r", 1)]

    statements = pg_apply.update_publication(pg_server, old, new, rid)
    assert statements == ['ALTER PUBLICATION ck_crm ADD TABLE "public"."refunds"']
    pg_apply.apply(pg_server, new, only=["postgresql_grant"])  # the replaced grants, re-created
    assert pg_server.scalar("SELECT has_table_privilege('cdc_crm', 'refunds', 'SELECT')", dbname="crm") is True
    config = debezium.connector_config(source_connector(new), hostname=pg_server.host, port=pg_server.port,
                                       user=ch.role, password=ch.password)
    pg_server.sql(["INSERT INTO refunds VALUES (2, 'after')", "INSERT INTO orders VALUES (2, 'b@example.com', 2)"],
                  dbname="crm")
    with debezium.running(config, work) as engine:
        resumed = wait_changes(engine, 2)
    # Rows already in the table before it was added are not snapshotted (snapshot.mode=initial, offsets exist):
    # only changes after the publication update stream. Backfilling them needs an incremental snapshot.
    assert summary(resumed) == [("refunds", "c", 2), ("orders", "c", 2)]
    print("\nadding a table:", statements, summary(resumed))
