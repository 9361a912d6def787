"""Bring a synthesized Postgres channel up against a real server: tables, the provider's SQL, the Debezium config.

Nothing is injected: the database side is the document's ``postgresql_*`` resources (role, grants, publication) and
the engine runs the document's connector config with only the connection keys pointed at the local server. A test
that wants to show what happens *without* one of the resources says so with ``provision(..., without=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import debezium, pg_apply
from .postgres import PostgresServer

#: Portable column type → PostgreSQL type, for DDL derived from a channel's declared columns.
PG_TYPES = {
    "string": "text",
    "int64": "bigint",
    "float64": "double precision",
    "numeric": "numeric",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamptz",
    "json": "jsonb",
    "bytes": "bytea",
}


def create_table_sql(table: Any, type_overrides: dict[str, str] | None = None) -> str:
    """``CREATE TABLE`` for a :class:`channelkit.patterns.Table` (types from :data:`PG_TYPES`)."""
    overrides = type_overrides or {}
    cols = [f'"{c.name}" {overrides.get(c.name, PG_TYPES[c.type])}' for c in table.columns]
    pk = ", ".join(f'"{c}"' for c in table.primary_key)
    return f'CREATE TABLE "{table.name}" ({", ".join(cols)}, PRIMARY KEY ({pk}))'


def source_connector(doc: dict[str, Any]) -> dict[str, Any]:
    """The stack's Debezium source ``kafka-connect_connector`` resource."""
    found = [c for c in doc["resource"]["kafka-connect_connector"].values()
             if c["config"].get("connector.class", "").startswith("io.debezium.")]
    assert len(found) == 1, found
    return found[0]


def captured_tables(doc: dict[str, Any]) -> list[str]:
    """``schema.table`` of every captured table, from the connector's ``table.include.list`` regexes."""
    include = source_connector(doc)["config"]["table.include.list"]
    out = []
    for pattern in include.split(","):
        m = re.fullmatch(r"\^([A-Za-z0-9_]+)\\\.([A-Za-z0-9_]+)\$", pattern.strip())
        assert m, f"not a literal table regex: {pattern}"
        out.append(f"{m.group(1)}.{m.group(2)}")
    return out


@dataclass
class Provisioned:
    """A channel's database side applied on a real server, and the engine config pointed at it."""

    server: PostgresServer
    doc: dict[str, Any]
    applied: pg_apply.Applied
    role: str
    password: str
    database: str
    config: dict[str, str]

    def engine(self, workdir: Path, **overrides: str) -> debezium.EmbeddedEngine:
        """A (not yet started) embedded engine over the config, plus ``overrides``."""
        return debezium.EmbeddedEngine({**self.config, **overrides}, workdir)


def provision(server: PostgresServer, doc: dict[str, Any], ddl: Sequence[str],
              without: Sequence[str] = ()) -> Provisioned:
    """Create the source database and tables as the owner, apply the DB side, build the connector config.

    Runs the synthesized channel exactly as it is; ``without`` names resource types (e.g.
    ``postgresql_publication``) left out of the apply, for tests that show why they are needed.
    """
    src = source_connector(doc)
    database = src["config"]["database.dbname"]
    server.sql(f'CREATE DATABASE "{database}"')
    server.sql(list(ddl), dbname=database)
    applied_doc = {**doc, "resource": {t: v for t, v in doc["resource"].items() if t not in without}}
    applied = pg_apply.apply(server, applied_doc)
    role = pg_apply.Resolver(doc).value(src["config"]["database.user"])
    password = applied.password_of(role, doc)
    config = debezium.connector_config(src, hostname=server.host, port=server.port, user=role, password=password)
    return Provisioned(server, doc, applied, role, password, database, config)
