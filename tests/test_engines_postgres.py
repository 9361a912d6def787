"""End to end on real engines: the example ``support`` channel against a real PostgreSQL and Debezium.

What runs for real: a local PostgreSQL 15+ server (``engines.postgres``), the provider's SQL for the synthesized
``postgresql_*`` resources run as the provider's user (``engines.pg_apply``), and the synthesized Debezium source
config in Debezium 3.6's embedded engine with the config's own SMT and converters (``engines.debezium``), logging
in as the synthesized CDC role with its generated password.

Stand-ins, all visible here: the connection keys point at 127.0.0.1; offsets live in a file (a worker keeps them
in Kafka); and, for the intended-design tests, :class:`UntilSourceModuleEmits` adds the ``postgresql_publication``
and ``publication.autocreate.mode=disabled`` that the source module does not emit yet. The table DDL is derived
from the channel's declared columns (``engines.channel.PG_TYPES``), except ``messages.sent_at`` which is made
``timestamp without time zone`` on purpose so both timestamp wire types are covered.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from engines import debezium
from engines.channel import (
    UntilSourceModuleEmits,
    captured_tables,
    create_table_sql,
    provision,
    source_connector,
)
from engines.postgres import PostgresServer

pytestmark = pytest.mark.engines

TOAST_PLACEHOLDER = "__debezium_unavailable_value"  # Debezium's default unavailable.value.placeholder


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


def summary(records: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(table, op, key) per record: what Debezium's own integration tests assert first."""
    return [(r["topic"].rsplit(".", 1)[-1], payload(r)["__op"], key(r)["id"]) for r in records]


def field_schema(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in record["value"]["schema"]["fields"] if f["field"] == name)


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
def test_pg_apply_grants_exactly_what_the_resources_declare(pg_server: PostgresServer,
                                                            support: dict[str, Any]) -> None:
    ch = provision(pg_server, support, support_ddl(), until_source_module_emits=None)
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
    # The generated password is the one the role got: the CDC role can log in with it over SSL.
    with pg_server.connect(ch.role, ch.password, "support", sslmode="require") as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (0,)


# -- today's channel: the failure ------------------------------------------------------------------------------
def test_synthesized_channel_cannot_create_its_filtered_publication(pg_server: PostgresServer,
                                                                   support: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    """As synthesized (``publication.autocreate.mode=filtered``) Debezium must create the publication itself,
    which needs CREATE on the database and ownership of every table; the CDC role has neither."""
    ch = provision(pg_server, support, support_ddl(), until_source_module_emits=None)
    assert ch.config["publication.autocreate.mode"] == "filtered"
    with debezium.running(ch.config, tmp_path / "as-synthesized") as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert "Unable to create filtered publication ck_support" in failure.messages[0]
    assert any("ERROR: permission denied for database support" in m for m in failure.messages), failure.messages
    print("\nas synthesized:", " <- ".join(dict.fromkeys(failure.messages)))

    # What a DBA might try next (NOT something the channel should do): CREATE on the database. Still not enough.
    pg_server.sql('GRANT CREATE ON DATABASE "support" TO "cdc_support"')
    with debezium.running(ch.config, tmp_path / "with-create-on-db") as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert any("must be owner of table" in m for m in failure.messages), failure.messages
    print("with CREATE on the database:", " <- ".join(dict.fromkeys(failure.messages)))


# -- the intended design: publication by the owner, Debezium does not create it -------------------------------
def test_support_channel_end_to_end(pg_server: PostgresServer, support: dict[str, Any], tmp_path: Path) -> None:
    ch = provision(pg_server, support, support_ddl(), until_source_module_emits=UntilSourceModuleEmits())
    db = "support"
    published = pg_server.sql("SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                              "WHERE pubname = 'ck_support' ORDER BY 1", dbname=db)
    assert [r[0] for r in published] == sorted(captured_tables(support))
    assert pg_server.scalar("SELECT pg_get_userbyid(pubowner) FROM pg_publication WHERE pubname = 'ck_support'",
                            dbname=db) == "postgres"

    body = os.urandom(10_000).hex()  # 20 kB of incompressible-ish text, stored EXTERNAL: really TOASTed
    pg_server.sql([
        "INSERT INTO agents VALUES (1, 'Ada', 'tier1', true)",
        "INSERT INTO tickets VALUES (1, 'c@example.com', 'Login', 'open', '2024-05-06 07:08:09.123456+02')",
        f"INSERT INTO messages VALUES (1, 1, '{body}', '2024-05-06 07:08:09.123456')",
    ], dbname=db)
    assert pg_server.scalar("SELECT pg_column_size(body) FROM messages WHERE id = 1", dbname=db) >= 20_000
    work = tmp_path / "engine"

    with debezium.running(ch.config, work) as engine:
        snapshot = engine.wait_for(3, timeout=120)
        assert sorted(summary(snapshot)) == [("agents", "r", 1), ("messages", "r", 1), ("tickets", "r", 1)]
        assert {r["topic"] for r in snapshot} == {f"support.{t}" for t in captured_tables(support)}
        assert payload(next(r for r in snapshot if r["topic"].endswith("messages")))["body"] == body
        # The streaming connection is the CDC role's, and it negotiated SSL (Debezium's default sslmode=prefer).
        assert pg_server.sql("SELECT ssl FROM pg_stat_replication JOIN pg_stat_ssl USING (pid) "
                             "WHERE usename = 'cdc_support'") == [(True,)]
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
        streamed = engine.wait_for(9, timeout=120)[3:]
        streamed += engine.wait_for(None, idle=3, timeout=30)[3 + len(streamed):]  # nothing else arrives

    assert summary(streamed) == [
        ("tickets", "c", 2), ("tickets", "u", 2), ("messages", "u", 1), ("tickets", "d", 2),
        ("agents", "d", 1), ("agents", "c", 2), ("tickets", "c", 3),
    ], "TRUNCATE produces no record (skipped.operations defaults to 't'); audit_log is not captured"
    insert, update, toast, delete, pk_old, pk_new, _marker = streamed
    assert payload(insert) | {"__source_ts_ms": 0, "__source_lsn": 0} == {
        "id": 2, "customer_email": "d@example.com", "subject": "Refund", "status": "open",
        "opened_at": "2024-05-07T00:00:00.000000Z", "__deleted": "false", "__op": "c", "__source_ts_ms": 0,
        "__source_lsn": 0}
    assert payload(update)["status"] == "closed" and payload(update)["subject"] == "Refund"
    assert payload(toast)["ticket_id"] == 2 and payload(toast)["body"] == TOAST_PLACEHOLDER
    assert payload(delete) | {"__source_ts_ms": 0, "__source_lsn": 0} == {
        "id": 2, "customer_email": None, "subject": None, "status": None, "opened_at": None,
        "__deleted": "true", "__op": "d", "__source_ts_ms": 0, "__source_lsn": 0}
    assert delete["value"] is not None, "rewrite mode: no tombstones, the delete itself carries __deleted"
    assert (payload(pk_old)["__deleted"], pk_old["headers"]["__debezium.newkey"]) == ("true", '{"id":2}')
    assert (payload(pk_new)["name"], pk_new["headers"]["__debezium.oldkey"]) == ("Ada", '{"id":1}')
    lsns = [payload(r)["__source_lsn"] for r in streamed]
    assert lsns == sorted(lsns) and lsns[0] >= max(payload(r)["__source_lsn"] for r in snapshot)
    # Wire types under the default handling modes (time.precision.mode=adaptive).
    assert field_schema(insert, "opened_at") == {"type": "string", "optional": True, "field": "opened_at",
                                                 "name": "io.debezium.time.ZonedTimestamp", "version": 1}
    assert field_schema(toast, "sent_at")["name"] == "io.debezium.time.MicroTimestamp"
    assert payload(toast)["sent_at"] == 1714979289123456
    assert field_schema(insert, "__source_lsn")["type"] == "int64"

    # Restart: changes made while the connector was down are streamed from the stored offsets, no new snapshot.
    assert (work / "offsets.dat").stat().st_size > 0
    pg_server.sql(["INSERT INTO tickets VALUES (4, 'f@example.com', 'While down', 'open', now())",
                   "UPDATE tickets SET status = 'pending' WHERE id = 3"], dbname=db)
    with debezium.running(ch.config, work) as engine:
        resumed = engine.wait_for(2, timeout=120)
        resumed += engine.wait_for(None, idle=3, timeout=30)[len(resumed):]
    assert summary(resumed) == [("tickets", "c", 4), ("tickets", "u", 3)]
    assert payload(resumed[0])["__source_lsn"] > max(lsns)
    print("\nstreamed:", summary(streamed), "resumed:", summary(resumed))


# -- WAL retention of an idle slot -----------------------------------------------------------------------------
HEARTBEAT = {  # what keeps the slot moving while no captured table changes (the finding of this test)
    "heartbeat.interval.ms": "1000",
    "heartbeat.action.query": "SELECT pg_logical_emit_message(false, 'heartbeat', now()::varchar)",
    "message.prefix.exclude.list": "heartbeat",  # the emitted messages would otherwise be records on support.message
    "topic.heartbeat.prefix": "support.heartbeat",  # heartbeat topic under the source's "support." ACL prefix
}


def _retained_after_uncaptured_wal(pg_server: PostgresServer, slot: str, settle_s: float,
                                   until_below: int | None = None) -> tuple[int, int]:
    """Write ~30 MB of WAL into a table that is not captured; (bytes written, bytes the slot still retains)."""
    before = pg_server.scalar("SELECT pg_current_wal_lsn()")
    pg_server.sql("INSERT INTO audit_log (payload) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 90000) g",
                  dbname="support")
    written = int(pg_server.scalar(f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{before}')"))
    query = ("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots "
             f"WHERE slot_name = '{slot}'")
    retained = int(pg_server.scalar(query))
    import time

    deadline = time.monotonic() + settle_s
    while time.monotonic() < deadline and not (until_below is not None and retained < until_below):
        time.sleep(0.5)
        retained = int(pg_server.scalar(query))
    return written, retained


def test_idle_slot_wal_retention_with_and_without_heartbeat(pg_server: PostgresServer, support: dict[str, Any],
                                                            tmp_path: Path) -> None:
    ch = provision(pg_server, support, support_ddl(), until_source_module_emits=UntilSourceModuleEmits())
    pg_server.sql("INSERT INTO agents VALUES (1, 'Ada', 'tier1', true)", dbname="support")
    figures = {}
    for name, overrides in {"no heartbeat": {}, "heartbeat + pg_logical_emit_message": HEARTBEAT}.items():
        slot = "ck_support_" + ("hb" if overrides else "plain")
        engine = ch.engine(tmp_path / slot, **{"slot.name": slot}, **overrides)
        with engine:
            engine.wait_for(1, timeout=120)  # snapshot done: the slot exists and streaming starts
            if overrides:
                written, retained = _retained_after_uncaptured_wal(pg_server, slot, settle_s=60, until_below=1 << 20)
            else:
                written, retained = _retained_after_uncaptured_wal(pg_server, slot, settle_s=5)
            topics = {r["topic"] for r in engine.records()}
        pg_server.sql(f"SELECT pg_drop_replication_slot('{slot}')")
        figures[name] = (written, retained, sorted(topics))
        print(f"\n{name}: wrote {written / 2**20:.1f} MiB of uncaptured WAL, slot retains {retained / 2**20:.1f} MiB;"
              f" topics {sorted(topics)}")

    written, retained, _ = figures["no heartbeat"]
    assert written > 25 * 2**20
    assert retained >= written, "an idle slot holds back all WAL written since its last captured change"
    written, retained, topics = figures["heartbeat + pg_logical_emit_message"]
    assert retained < 1 << 20, "the emitted message advances confirmed_flush_lsn"
    assert "support.message" not in topics and "support.heartbeat.support" in topics


# -- numeric on the wire ---------------------------------------------------------------------------------------
def test_numeric_wire_type_of_a_postgres_channel(pg_server: PostgresServer, tmp_path: Path) -> None:
    """A second, minimal Postgres channel (tests/channel_helpers.py ``orders``: id, email, total numeric)."""
    from channel_helpers import new_stack, orders, postgres_kwargs, synth

    from channelkit.patterns import Channel, PostgresSource

    app, stack = new_stack(tmp_path)
    Channel(stack, "crm", **postgres_kwargs(source=PostgresSource(host="pg", database="crm")))
    doc = synth(app, tmp_path)
    ddl = [create_table_sql(orders(), {"total": "numeric(12,2)"}),
           "ALTER TABLE orders ADD COLUMN total_any numeric"]  # not declared: also published (whole row)
    ch = provision(pg_server, doc, ddl, until_source_module_emits=UntilSourceModuleEmits())
    assert source_connector(doc)["config"].get("decimal.handling.mode") is None  # default: precise
    pg_server.sql("INSERT INTO orders VALUES (1, 'a@example.com', 1234.50, 3.14159)", dbname="crm")
    with debezium.running(ch.config, tmp_path / "engine") as engine:
        (record,) = engine.wait_for(1, timeout=120)
    total, total_any = field_schema(record, "total"), field_schema(record, "total_any")
    assert total["type"] == "bytes" and total["name"] == "org.apache.kafka.connect.data.Decimal"
    assert total["parameters"]["scale"] == "2"
    assert payload(record)["total"] == "AeI6"  # base64 of the unscaled big-endian integer 123450
    assert total_any["name"] == "io.debezium.data.VariableScaleDecimal"
    assert payload(record)["total_any"] == {"scale": 5, "value": "BMsv"}  # 314159
    print("\nnumeric(12,2):", total, payload(record)["total"], "\nnumeric:", total_any, payload(record)["total_any"])
