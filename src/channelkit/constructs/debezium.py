"""Debezium 3.x source connectors on a Kafka Connect cluster (``kafka-connect_connector``).

The connector config is built by the pure functions :func:`mysql_connector_config`,
:func:`mariadb_connector_config` and :func:`postgres_connector_config`, so that other runtimes
(MSK Connect) reuse it.
The database password never enters ``config``: it goes into ``config_sensitive``
as a reference (``${random_password.x.result}``).

Every change event is flattened by the ``ExtractNewRecordState`` SMT: deletes are
rewritten into a row with ``__deleted = "true"`` (so downstream sees them), and
``__op``, ``__source_ts_ms`` plus the source position (MySQL and MariaDB ``__source_file``,
``__source_pos``, ``__source_row``; Postgres ``__source_lsn``) are added to every row.

A source ``TRUNCATE`` is not a change the warehouse applies (:data:`SKIPPED_OPERATIONS`): only row changes are
carried, so one statement in a service database can never empty the warehouse's tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from constructs import Construct

from channelkit.errors import ProblemCollector
from channelkit.props import Boolean, Integer, Maybe, OneOf, Seq, Text, check_props
from channelkit.providers.kafka_connect import Connector

from ._util import init_construct
from .connect import connector_resource
from .naming import BOOTSTRAP_SERVERS, check_kafka_topic

__all__ = [
    "CDC_METADATA_COLUMNS",
    "BINLOG_SNAPSHOT_MODES",
    "DELETE_HANDLING_MODES",
    "MARIADB_CONNECTOR_CLASS",
    "MARIADB_POSITION_COLUMNS",
    "MARIADB_SSL_MODES",
    "MYSQL_POSITION_COLUMNS",
    "MYSQL_SSL_MODES",
    "POSTGRES_POSITION_COLUMNS",
    "POSTGRES_PUBLISHED_OPERATIONS",
    "POSTGRES_SSL_MODES",
    "SKIPPED_OPERATIONS",
    "SNAPSHOT_MODES",
    "DebeziumMySqlSource",
    "DebeziumPostgresSource",
    "anchored_table_list",
    "mariadb_connector_config",
    "mysql_connector_config",
    "postgres_connector_config",
    "postgres_heartbeat_topic",
]

MYSQL_CONNECTOR_CLASS = "io.debezium.connector.mysql.MySqlConnector"
POSTGRES_CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector"
#: Debezium's dedicated MariaDB connector (module ``debezium-connector-mariadb``, Debezium 3.x).
MARIADB_CONNECTOR_CLASS = "io.debezium.connector.mariadb.MariaDbConnector"

#: ``snapshot.mode`` values of the Postgres connector (``PostgresConnectorConfig.SnapshotMode``, Debezium 3.6, less
#: ``configuration_based`` and ``custom``), which every source accepts; the binlog sources add ``recovery``.
SNAPSHOT_MODES = ("initial", "initial_only", "when_needed", "no_data", "always")
#: ``database.ssl.mode`` values of the MySQL connector, least to most strict.
MYSQL_SSL_MODES = ("disabled", "preferred", "required", "verify_ca", "verify_identity")
#: ``skipped.operations`` of every source connector: ``t``, a source ``TRUNCATE`` produces no record. Said
#: explicitly rather than left to Debezium's default, because it is channelkit's semantics: the warehouse keeps the
#: rows a ``TRUNCATE`` removed (the change log keeps the history; the latest state keeps their last version), and
#: only row changes (``DELETE`` included) are propagated. It is also the only outcome the standard chain allows:
#: ``ExtractNewRecordState`` drops a truncate event whatever its settings (``handleTruncateRecord`` returns
#: null, debezium v3.6.1.Final), and Kafka Connect's predicates (topic name, header key, tombstone) cannot
#: select a record by its operation to route it around the SMT. ``docs/channel.md`` ("TRUNCATE") has the why.
SKIPPED_OPERATIONS = "t"
#: ``publish`` of the Postgres publication channelkit creates: the row changes, not ``truncate``, so the slot
#: never decodes what :data:`SKIPPED_OPERATIONS` would discard.
POSTGRES_PUBLISHED_OPERATIONS: tuple[str, ...] = ("insert", "update", "delete")
#: ``snapshot.mode`` values of the binlog connectors (``BinlogConnectorConfig.SnapshotMode``, Debezium 3.6), less
#: ``configuration_based`` and ``custom`` (they need further keys channelkit does not set); no ``never`` in 3.x.
BINLOG_SNAPSHOT_MODES = ("initial", "initial_only", "when_needed", "no_data", "recovery", "always")
#: ``database.ssl.mode`` values of the MariaDB connector (``MariaDbSecureConnectionMode``; not MySQL's names), least
#: to most strict: ``trust`` encrypts without verifying the certificate (the binlog client runs it as MySQL's
#: ``REQUIRED``), ``verify-ca`` also checks it against ``database.ssl.truststore``, ``verify-full`` also the host.
MARIADB_SSL_MODES = ("disable", "trust", "verify-ca", "verify-full")
#: ``delete.tombstone.handling.mode`` values that keep deletes visible downstream.
DELETE_HANDLING_MODES = ("rewrite", "rewrite-with-tombstone")

#: Columns (name, portable type) giving the source position of a MySQL change, newest is greatest.
MYSQL_POSITION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("__source_file", "string"),
    ("__source_pos", "int64"),
    ("__source_row", "int64"),
)
#: The MariaDB connector's ``source`` block has the same binlog position as MySQL's (``BinlogSourceInfoStructMaker``).
MARIADB_POSITION_COLUMNS: tuple[tuple[str, str], ...] = MYSQL_POSITION_COLUMNS
#: Columns (name, portable type) giving the source position of a Postgres change.
POSTGRES_POSITION_COLUMNS: tuple[tuple[str, str], ...] = (("__source_lsn", "int64"),)
#: Columns (name, portable type) the ``ExtractNewRecordState`` SMT adds to every row besides the position.
CDC_METADATA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("__op", "string"), ("__deleted", "string"), ("__source_ts_ms", "int64"))

#: ``database.sslmode`` values of the Debezium Postgres connector (libpq's names; the provider takes the same).
POSTGRES_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: How often (ms) the Postgres connector sends a heartbeat while no captured table changes.
POSTGRES_HEARTBEAT_INTERVAL_MS = 10_000
#: Prefix of the logical-decoding message the heartbeat writes (excluded from the records).
POSTGRES_HEARTBEAT_MESSAGE_PREFIX = "heartbeat"
#: The heartbeat's action: a non-transactional logical-decoding message, so the slot always has a change to
#: confirm (``heartbeat.interval.ms`` alone does not advance an idle slot: nothing is decoded for it).
POSTGRES_HEARTBEAT_ACTION_QUERY = (
    f"SELECT pg_logical_emit_message(false, '{POSTGRES_HEARTBEAT_MESSAGE_PREFIX}', now()::varchar)")
#: Debezium's re-select post-processor: an unchanged TOASTed column (sent by pgoutput as "unchanged", which
#: Debezium marks ``__debezium_unavailable_value``) is read again by primary key with the CDC role's SELECT.
POSTGRES_RESELECT: dict[str, str] = {
    "post.processors": "reselector",
    "reselector.type": "io.debezium.processors.reselect.ReselectColumnsPostProcessor",
    "reselector.reselect.unavailable.values": "true",
    "reselector.reselect.null.values": "false",
}

_JSON = "org.apache.kafka.connect.json.JsonConverter"


def anchored_table_list(schema: str, tables: Sequence[str]) -> str:
    """``table.include.list`` matching exactly ``schema.table`` for each table (``^db[.]orders$`` escaped)."""
    return ",".join(f"^{re.escape(schema)}\\.{re.escape(t)}$" for t in tables)


def _common(
    *, name: str, connector_class: str, hostname: str, port: int, user: str, topic_prefix: str,
    schema: str, tables: Sequence[str], snapshot_mode: str, delete_handling: str, add_fields: str,
) -> dict[str, str]:
    return {
        "name": name,
        "connector.class": connector_class,
        "tasks.max": "1",
        "database.hostname": hostname,
        "database.port": str(port),
        "database.user": user,
        "topic.prefix": topic_prefix,
        "table.include.list": anchored_table_list(schema, tables),
        "snapshot.mode": snapshot_mode,
        "skipped.operations": SKIPPED_OPERATIONS,
        "key.converter": _JSON,
        "key.converter.schemas.enable": "true",
        "value.converter": _JSON,
        "value.converter.schemas.enable": "true",
        "transforms": "unwrap",
        "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
        "transforms.unwrap.delete.tombstone.handling.mode": delete_handling,
        "transforms.unwrap.add.fields": add_fields,
    }


def mysql_connector_config(
    *, name: str, hostname: str, port: int, user: str, database: str, tables: Sequence[str],
    topic_prefix: str, server_id: int, bootstrap_servers: str, history_topic: str,
    snapshot_mode: str = "initial", delete_handling: str = "rewrite", ssl_mode: str = "required",
) -> dict[str, str]:
    """The Debezium MySQL connector config (no password) for ``tables`` of ``database``.

    ``ssl_mode`` is ``database.ssl.mode`` (default ``required``: the connection is encrypted or refused).
    """
    config = _common(
        name=name, connector_class=MYSQL_CONNECTOR_CLASS, hostname=hostname, port=port, user=user,
        topic_prefix=topic_prefix, schema=database, tables=tables, snapshot_mode=snapshot_mode,
        delete_handling=delete_handling, add_fields="op,source.ts_ms,source.file,source.pos,source.row",
    )
    config.update({
        "database.server.id": str(server_id),
        "database.ssl.mode": ssl_mode,
        "decimal.handling.mode": "string",  # exact: "20.99", never base64 bytes or a rounded double
        "database.include.list": database,
        "include.schema.changes": "false",
        "schema.history.internal.kafka.bootstrap.servers": bootstrap_servers,
        "schema.history.internal.kafka.topic": history_topic,
    })
    return config


def mariadb_connector_config(
    *, name: str, hostname: str, port: int, user: str, database: str, tables: Sequence[str],
    topic_prefix: str, server_id: int, bootstrap_servers: str, history_topic: str,
    snapshot_mode: str = "initial", delete_handling: str = "rewrite", ssl_mode: str = "trust",
) -> dict[str, str]:
    """The Debezium MariaDB connector config (no password) for ``tables`` of ``database``.

    The keys are those of :func:`mysql_connector_config` (both connectors share Debezium's binlog configuration:
    ``database.server.id``, the Kafka schema history, ``database.include.list``), with the MariaDB connector class
    and its own ``database.ssl.mode`` values (:data:`MARIADB_SSL_MODES`; default ``trust``: the connection is
    encrypted or refused, as MySQL's ``required``). GTIDs need no key: MariaDB always writes them and the
    connector always reads them. The source position (``source.file``/``pos``/``row``) is the same as MySQL's.

    Facts from Debezium's source (github.com/debezium/debezium, tag ``v3.6.1.Final`` and the ``3.6`` branch at
    ``6f830f234fba27ce91b0b8e3b449d5b7130f5ef6``, whose MariaDB module is unchanged since that tag; the mirror
    has no 3.6.3 tag): ``debezium-connector-mariadb/.../MariaDbConnectorConfig.java`` (``SSL_MODE`` with enum
    ``MariaDbSecureConnectionMode``: disable, trust, verify-ca, verify-full, default disable),
    ``MariaDbStreamingChangeEventSource.java`` (``sslModeFor``: trust → binlog client ``REQUIRED``),
    ``jdbc/MariaDbConnection.java`` (GTID always on), ``debezium-connector-binlog/.../BinlogConnectorConfig.java``
    (``database.server.id`` required, ``SnapshotMode``) and ``BinlogSourceInfoStructMaker.java`` (the source block).
    The shared binlog classes were checked against the bundled 3.6.3 jar (``javap``: the snapshot modes and the
    ``file``/``pos``/``row``/``gtid`` keys); the MariaDB jar itself is not bundled (see ``docs/channel.md``).
    """
    config = _common(
        name=name, connector_class=MARIADB_CONNECTOR_CLASS, hostname=hostname, port=port, user=user,
        topic_prefix=topic_prefix, schema=database, tables=tables, snapshot_mode=snapshot_mode,
        delete_handling=delete_handling, add_fields="op,source.ts_ms,source.file,source.pos,source.row",
    )
    config.update({
        "database.server.id": str(server_id),
        "database.ssl.mode": ssl_mode,
        "decimal.handling.mode": "string",
        "database.include.list": database,
        "include.schema.changes": "false",
        "schema.history.internal.kafka.bootstrap.servers": bootstrap_servers,
        "schema.history.internal.kafka.topic": history_topic,
    })
    return config


def postgres_heartbeat_topic(topic_prefix: str) -> str:
    """The heartbeat topic of a Postgres connector: ``<prefix>.heartbeat.<prefix>``, under the ``<prefix>.`` ACLs.

    Debezium names it ``<topic.heartbeat.prefix>.<topic.prefix>``; :func:`postgres_connector_config` sets
    ``topic.heartbeat.prefix`` to ``<prefix>.heartbeat``.
    """
    return f"{topic_prefix}.heartbeat.{topic_prefix}"


def postgres_connector_config(
    *, name: str, hostname: str, port: int, user: str, database: str, schema: str, tables: Sequence[str],
    topic_prefix: str, slot_name: str, publication_name: str, snapshot_mode: str = "initial",
    delete_handling: str = "rewrite", sslmode: str = "require", publication_managed: bool = True,
) -> dict[str, str]:
    """The Debezium Postgres connector config (no password): pgoutput, own slot, a publication made by Terraform.

    Args:
        name: connector name.
        hostname: Postgres host.
        port: Postgres port.
        user: the CDC role.
        database: ``database.dbname``.
        schema: the schema of ``tables``.
        tables: the captured tables.
        topic_prefix: ``topic.prefix``.
        slot_name: ``slot.name``.
        publication_name: ``publication.name``.
        snapshot_mode: ``snapshot.mode``.
        delete_handling: ``delete.tombstone.handling.mode`` of the SMT.
        sslmode: ``database.sslmode`` (one of :data:`POSTGRES_SSL_MODES`; default ``require``).
        publication_managed: the publication exists already (a ``postgresql_publication`` made by the
            table owner), so ``publication.autocreate.mode=disabled``; False leaves Debezium to create it
            (``filtered``), which needs CREATE on the database and ownership of every table.

    Beyond the connection, the config keeps an idle slot from retaining WAL (a heartbeat that writes a
    logical-decoding message, excluded from the records, on a topic under the channel's prefix), re-selects
    unchanged TOASTed values (:data:`POSTGRES_RESELECT`) so records carry the real value, sends every numeric as
    an exact decimal string (``decimal.handling.mode=string``) and every time and timestamp in microseconds
    whatever the column's precision (``time.precision.mode=microseconds``; ``timestamptz`` stays an ISO-8601
    UTC string). ``docs/channel.md`` has the wire form of each type.
    """
    config = _common(
        name=name, connector_class=POSTGRES_CONNECTOR_CLASS, hostname=hostname, port=port, user=user,
        topic_prefix=topic_prefix, schema=schema, tables=tables, snapshot_mode=snapshot_mode,
        delete_handling=delete_handling, add_fields="op,source.ts_ms,source.lsn",
    )
    config.update({
        "database.dbname": database,
        "database.sslmode": sslmode,
        "plugin.name": "pgoutput",
        "slot.name": slot_name,
        "publication.name": publication_name,
        "publication.autocreate.mode": "disabled" if publication_managed else "filtered",
        "heartbeat.interval.ms": str(POSTGRES_HEARTBEAT_INTERVAL_MS),
        "heartbeat.action.query": POSTGRES_HEARTBEAT_ACTION_QUERY,
        "message.prefix.exclude.list": POSTGRES_HEARTBEAT_MESSAGE_PREFIX,
        "topic.heartbeat.prefix": f"{topic_prefix}.heartbeat",
        "decimal.handling.mode": "string",
        "time.precision.mode": "microseconds",
        **POSTGRES_RESELECT,
    })
    return config


#: What the props shared by both Debezium sources accept.
COMMON_RULES = {
    "name": Text(r"[A-Za-z0-9._-]{1,249}", what="a connector name of 1-249 characters from [A-Za-z0-9._-]"),
    "hostname": Text(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", what="a host name or address"),
    "port": Integer(1, 65535, what="a TCP port"),
    "user": Text(min_len=1, tokens=True, what="a database user (a reference is fine)"),
    "database": Text(min_len=1, what="a database name"),
    "tables": Seq(Text(min_len=1, what="a table name"), min_items=1, what="a list of table names (not one string)"),
    "snapshot_mode": OneOf(BINLOG_SNAPSHOT_MODES),  # the Postgres source narrows it to SNAPSHOT_MODES
    "delete_handling": OneOf(DELETE_HANDLING_MODES),
}


def _check_common(problems: ProblemCollector, *, password: Any, depends_on: Any = (), **props: Any) -> None:
    check_props(problems, COMMON_RULES, props)
    problems.check(isinstance(depends_on, list | tuple), "depends_on", depends_on, "a list of resources")
    problems.check(isinstance(password, str) and password.startswith("${"), "password", "<redacted>",
                   "a reference (e.g. random_password.result or a config-provider '${...}'), never a literal")


class _DebeziumSource(Construct):
    """Shared behaviour of the two Debezium sources."""

    resource: Connector
    config: dict[str, str]

    def _create(self, config: dict[str, str], password: str, provider: Any, depends_on: Sequence[Any]) -> None:
        self.config = config
        self.connector_name = config["name"]
        self.resource = connector_resource(
            self, "Resource", name=config["name"], config=config, sensitive={"database.password": password},
            provider=provider, depends_on=depends_on,
        )


class DebeziumMySqlSource(_DebeziumSource):
    """A Debezium MySQL source connector (construct id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: connector name (also ``config["name"]``, as the kafka-connect provider requires).
        hostname: MySQL host.
        port: MySQL port (default 3306).
        user: database user (a reference to a ``mysql_user`` is fine).
        password: reference to the password; goes only into ``config_sensitive``.
        database: the database holding ``tables``.
        tables: table names to capture (``table.include.list`` is anchored).
        topic_prefix: ``topic.prefix``; topics are ``<topic_prefix>.<database>.<table>``.
        server_id: ``database.server.id``, unique among the server's replicas.
        bootstrap_servers: Kafka bootstrap servers for the schema history.
        history_topic: the schema-history topic (``schema.history.internal.kafka.topic``).
        snapshot_mode: ``snapshot.mode`` (default ``initial``).
        delete_handling: ``delete.tombstone.handling.mode`` of the SMT: ``rewrite`` (default) or
            ``rewrite-with-tombstone`` (needed by a sink that deletes on tombstones).
        provider: the ``kafka-connect`` provider (default: the stack's default).
        depends_on: resources that must exist first (topics, ACLs, grants; default none).

    Raises:
        ConstructPropsError: bad port, server id, snapshot mode, empty tables, literal password.
        InvalidNameError: bad connector name, topic prefix or history topic.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, hostname: str, port: int = 3306, user: str, password: str,
        database: str, tables: Sequence[str], topic_prefix: str, server_id: int, bootstrap_servers: str,
        history_topic: str, snapshot_mode: str = "initial", delete_handling: str = "rewrite",
        provider: Any = None, depends_on: Sequence[Any] = (),
    ) -> None:
        init_construct(super().__init__, scope, id, "MySQL source")
        from .aws._common import Checks, check_provider

        checks = Checks(self)
        check_kafka_topic(checks.names, "topic_prefix", topic_prefix)
        check_kafka_topic(checks.names, "history_topic", history_topic)
        problems = checks.props
        _check_common(problems, name=name, hostname=hostname, port=port, user=user, database=database, tables=tables,
                      snapshot_mode=snapshot_mode, delete_handling=delete_handling, password=password,
                      depends_on=depends_on)
        Integer(1, 2**32 - 1, what="unique among the MySQL server's replicas").check(problems, "server_id", server_id)
        Text(BOOTSTRAP_SERVERS, min_len=1, what="Kafka bootstrap servers: host:port[,host:port...]").check(
            problems, "bootstrap_servers", bootstrap_servers)
        check_provider(problems, "provider", provider)
        checks.raise_if_any("invalid MySQL source at {path}")
        self._create(
            mysql_connector_config(
                name=name, hostname=hostname, port=port, user=user, database=database, tables=tables,
                topic_prefix=topic_prefix, server_id=server_id, bootstrap_servers=bootstrap_servers,
                history_topic=history_topic, snapshot_mode=snapshot_mode, delete_handling=delete_handling,
            ),
            password, provider, depends_on,
        )


class DebeziumPostgresSource(_DebeziumSource):
    """A Debezium Postgres source connector (pgoutput, own slot, existing publication; id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: connector name (also ``config["name"]``).
        hostname: Postgres host.
        port: Postgres port (default 5432).
        user: database role (a reference to a ``postgresql_role`` is fine).
        password: reference to the password; goes only into ``config_sensitive``.
        database: ``database.dbname``.
        schema: the schema holding ``tables`` (default ``public``).
        tables: table names to capture (``table.include.list`` is anchored).
        topic_prefix: ``topic.prefix``; topics are ``<topic_prefix>.<schema>.<table>``.
        slot_name: ``slot.name`` (``[a-z0-9_]``, at most 63 characters), one per channel.
        publication_name: ``publication.name`` (default: the slot name).
        snapshot_mode: ``snapshot.mode`` (default ``initial``).
        delete_handling: as for :class:`DebeziumMySqlSource` (default ``rewrite``).
        sslmode: ``database.sslmode`` (default ``require``; one of :data:`POSTGRES_SSL_MODES`).
        publication_managed: the publication is created outside Debezium (e.g. a ``postgresql_publication``;
            default True: ``publication.autocreate.mode=disabled``); False lets Debezium create it.
        provider: the ``kafka-connect`` provider (default: the stack's default).
        depends_on: resources that must exist first (default none; include the publication).

    Raises:
        ConstructPropsError: bad port, slot name, snapshot mode, sslmode, empty tables, literal password.
        InvalidNameError: bad connector name or topic prefix.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, hostname: str, port: int = 5432, user: str, password: str,
        database: str, schema: str = "public", tables: Sequence[str], topic_prefix: str, slot_name: str,
        publication_name: str | None = None, snapshot_mode: str = "initial", delete_handling: str = "rewrite",
        sslmode: str = "require", publication_managed: bool = True, provider: Any = None,
        depends_on: Sequence[Any] = (),
    ) -> None:
        init_construct(super().__init__, scope, id, "Postgres source")
        from .aws._common import Checks, check_provider

        checks = Checks(self)
        check_kafka_topic(checks.names, "topic_prefix", topic_prefix)
        problems = checks.props
        _check_common(problems, name=name, hostname=hostname, port=port, user=user, database=database, tables=tables,
                      snapshot_mode=snapshot_mode, delete_handling=delete_handling, password=password,
                      depends_on=depends_on)
        slot = Text(r"[a-z0-9_]{1,63}", what="1-63 characters from [a-z0-9_]")
        slot.check(problems, "slot_name", slot_name)
        Maybe(slot).check(problems, "publication_name", publication_name)
        Text(min_len=1, max_bytes=63, what="a Postgres schema name").check(problems, "schema", schema)
        OneOf(POSTGRES_SSL_MODES).check(problems, "sslmode", sslmode)
        if snapshot_mode in BINLOG_SNAPSHOT_MODES:  # otherwise reported by the common rules
            OneOf(SNAPSHOT_MODES).check(problems, "snapshot_mode", snapshot_mode)
        Boolean().check(problems, "publication_managed", publication_managed)
        check_provider(problems, "provider", provider)
        checks.raise_if_any("invalid Postgres source at {path}")
        self._create(
            postgres_connector_config(
                name=name, hostname=hostname, port=port, user=user, database=database, schema=schema,
                tables=tables, topic_prefix=topic_prefix, slot_name=slot_name,
                publication_name=publication_name or slot_name, snapshot_mode=snapshot_mode,
                delete_handling=delete_handling, sslmode=sslmode, publication_managed=publication_managed,
            ),
            password, provider, depends_on,
        )


