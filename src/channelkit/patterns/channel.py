"""The L3 :class:`Channel`: one object provisions a whole CDC channel.

``Channel`` validates what every channel shares and computes the names both warehouse
targets use, then asks its ``warehouse`` prop to build the cloud-specific part::

    self.target = warehouse.create_target(self, "Target")

Attributes other targets rely on (stable contract): ``channel_name``, ``tables``,
``source``, ``kafka``, ``connect``, ``warehouse``, ``owner``, ``readers``,
``retention_days``, ``retention_ms``, ``topic_prefix``, ``topic_name(table)``,
``table_topics``, ``history_topic``, ``dlq_topic``, ``server_id``, ``slot_name``,
``source_connector_name``, ``sink_connector_name``, ``sink_group``, ``labels``,
``manage_db_user``, ``debezium_config(...)``, ``target``, ``grant_read(...)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from constructs import Construct

from channelkit.constructs.debezium import SNAPSHOT_MODES, mysql_connector_config, postgres_connector_config
from channelkit.constructs.errors import (
    CollisionError,
    ConstructPropsError,
    InvalidNameError,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.constructs.naming import (
    check_bigquery_column,
    check_bigquery_id,
    check_gcp_principal,
    check_kafka_principal,
    check_kafka_topic,
    derive_server_id,
    derive_slot_name,
    label_value,
    snake,
)
from channelkit.errors import ProblemCollector

from .model import (
    CLASSIFICATIONS,
    ConnectClusterLike,
    KafkaClusterLike,
    MySqlSource,
    PostgresSource,
    Reader,
    Table,
    Team,
    bootstrap_string,
)
from .target import ChannelTarget, Warehouse
from .types import COLUMN_TYPES

__all__ = ["Channel"]

_LABEL = re.compile(r"^[a-z0-9_-]{1,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Registry:
    """Names claimed by the channels of one app, to reject collisions."""

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], str] = {}
        self.prefixes: dict[str, str] = {}


def _registry(scope: Construct) -> _Registry:
    root: Any = scope.node.root
    reg = getattr(root, "_channelkit_registry", None)
    if reg is None:
        reg = _Registry()
        root._channelkit_registry = reg
    return reg


class Channel(Construct):
    """One CDC channel: service database → Debezium → Kafka → warehouse.

    Args:
        scope: parent construct (usually a stack).
        id: construct id; the channel name is derived from it (lower case, ``[a-z0-9_]``).
        source: :class:`~channelkit.patterns.model.MySqlSource` or :class:`~channelkit.patterns.model.PostgresSource`.
        tables: the captured tables (at least one; each with a primary key).
        kafka: the Kafka cluster (``KafkaCluster``, ``MskCluster`` or anything with ``name``,
            ``bootstrap_servers`` and ``broker_count``).
        connect: the Kafka Connect cluster (``ConnectCluster``, ``MskConnect``...).
        warehouse: the warehouse prop (``BigQuery(...)``, ``AwsLake(...)``) that builds the target.
        owner: the owning team.
        readers: readers granted on creation: :class:`~channelkit.patterns.model.Reader` or principal
            strings (default none).
        retention: how long topics keep change events (default 7 days; whole days, at least 1);
            also the warehouse's default partition expiration unless the warehouse says otherwise.
        partitions: partitions of each table topic (default 3).
        replication_factor: replication factor of every topic (default ``min(3, kafka.broker_count)``).

    Raises:
        TableDefinitionError, InvalidNameError, ConstructPropsError, PrincipalError, CollisionError:
            each with every problem found by its check.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: MySqlSource | PostgresSource,
        tables: Sequence[Table],
        kafka: KafkaClusterLike,
        connect: ConnectClusterLike,
        warehouse: Warehouse,
        owner: Team,
        readers: Sequence[Reader | str] = (),
        retention: timedelta = timedelta(days=7),
        partitions: int = 3,
        replication_factor: int | None = None,
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        self.channel_name: str = snake(id)
        self.source = source
        self.tables: tuple[Table, ...] = tuple(tables)
        self.kafka = kafka
        self.connect = connect
        self.warehouse = warehouse
        self.owner = owner
        self.readers: tuple[Reader | str, ...] = tuple(readers)
        self.partitions = partitions
        self._check_props(path, retention, partitions, replication_factor)
        self._check_tables(path)
        self.retention_days: int = retention.days
        self.retention_ms: int = self.retention_days * 86_400_000
        self.replication_factor: int = (
            replication_factor if replication_factor is not None else min(3, kafka.broker_count)
        )

        self.topic_prefix: str = source.topic_prefix or self.channel_name
        self.table_topics: dict[str, str] = {t.name: self.topic_name(t) for t in self.tables}
        self.dlq_topic: str = f"{self.topic_prefix}-dlq"
        is_mysql = isinstance(source, MySqlSource)
        self.history_topic: str | None = f"{self.topic_prefix}.schema-history" if is_mysql else None
        self.server_id: int | None = (
            (source.server_id or derive_server_id(self.channel_name)) if isinstance(source, MySqlSource) else None
        )
        self.slot_name: str | None = (
            (source.slot_name or derive_slot_name(self.channel_name)) if isinstance(source, PostgresSource) else None
        )
        self.publication_name: str | None = (
            (source.publication_name or self.slot_name) if isinstance(source, PostgresSource) else None
        )
        self.source_connector_name: str = f"{self.channel_name}-source"
        self.sink_connector_name: str = f"{self.channel_name}-sink"
        #: Consumer group of the sink connector (Kafka Connect's ``connect-<connector name>``).
        self.sink_group: str = f"connect-{self.sink_connector_name}"
        self.manage_db_user: bool = source.manage_user
        self.db_user_name: str = source.user or _db_user(self.channel_name, 32 if is_mysql else 63)
        self.labels: dict[str, str] = {
            "owner": label_value(owner.name),
            "channel": label_value(self.channel_name),
            "classification": max((t.classification for t in self.tables), key=CLASSIFICATIONS.index),
        }
        self._check_names(path)
        self._claim(path)

        self.target: ChannelTarget = warehouse.create_target(self, "Target")
        self.reader_grants: list[Any] = []
        for reader in self.readers:
            self.reader_grants += self.grant_read(reader)

    # -- names -----------------------------------------------------------------------------------------------
    def topic_name(self, table: Table | str) -> str:
        """The topic Debezium writes ``table`` to: ``<topic.prefix>.<db>.<table>`` (schema for Postgres)."""
        name = table if isinstance(table, str) else table.name
        return f"{self.topic_prefix}.{self.source.namespace}.{name}"

    @property
    def bootstrap_servers(self) -> str:
        """The Kafka bootstrap servers as one comma-separated string."""
        return bootstrap_string(self.kafka)

    def debezium_config(self, password_ref: str | None = None, **extra: str) -> dict[str, str]:
        """The complete Debezium source connector config of this channel.

        The password is not part of it: a runtime that keeps it in ``config_sensitive`` (kafka-connect)
        passes nothing; a runtime that resolves secrets through a config provider passes the
        placeholder (``${secretsmanager:...}``) as ``password_ref``, which becomes ``database.password``.

        Args:
            password_ref: a reference/placeholder for ``database.password`` (default None: left out).
            **extra: keys to add or override (use ``**{"a.b": "c"}`` for dotted keys).

        Raises:
            ConstructPropsError: ``password_ref`` is a literal rather than a ``${...}`` reference.
        """
        source = self.source
        user = self.db_user_name
        if isinstance(source, MySqlSource):
            assert self.server_id is not None and self.history_topic is not None
            config = mysql_connector_config(
                name=self.source_connector_name, hostname=source.host, port=source.port, user=user,
                database=source.database, tables=[t.name for t in self.tables], topic_prefix=self.topic_prefix,
                server_id=self.server_id, bootstrap_servers=self.bootstrap_servers,
                history_topic=self.history_topic, snapshot_mode=source.snapshot_mode,
            )
        else:
            assert self.slot_name is not None and self.publication_name is not None
            config = postgres_connector_config(
                name=self.source_connector_name, hostname=source.host, port=source.port, user=user,
                database=source.database, schema=source.schema, tables=[t.name for t in self.tables],
                topic_prefix=self.topic_prefix, slot_name=self.slot_name, publication_name=self.publication_name,
                snapshot_mode=source.snapshot_mode,
            )
        if password_ref:
            problems = ProblemCollector(self.node.path)
            problems.check(password_ref.startswith("${"), "password_ref", "<redacted>",
                           "a reference or config-provider placeholder '${...}', never a literal password")
            problems.raise_if_any(ConstructPropsError, f"invalid password reference at {self.node.path}")
            config["database.password"] = password_ref
        config.update(extra)
        return config

    # -- grants ----------------------------------------------------------------------------------------------
    def grant_read(self, principal: Reader | str, expires: datetime | None = None) -> list[Any]:
        """Grant a reader everything needed to read this channel, in one call (delegates to the target).

        On GCP: consume ACLs on the table topics (for ``User:`` principals), ``roles/bigquery.dataViewer``
        on the dataset, which holds the change-log tables and the latest-state views (for ``user:``,
        ``group:`` and ``serviceAccount:`` members; with an IAM condition when ``expires`` is set).

        Args:
            principal: a :class:`Reader` or one principal string.
            expires: end of the grant (default None: no end; a Reader's own ``expires`` wins).

        Returns:
            The resources created.
        """
        if isinstance(principal, Reader):
            created: list[Any] = []
            when = principal.expires or expires
            principals = [getattr(principal, f) for f in self.target.reader_fields if getattr(principal, f)]
            if not principals:
                problems = ProblemCollector(self.node.path)
                problems.add("reader", principal, "a Reader with one of: " + ", ".join(self.target.reader_fields))
                problems.raise_if_any(PrincipalError, f"invalid reader at {self.node.path}")
            for p in principals:
                created += self.target.grant_read(p, expires=when)
            return created
        return self.target.grant_read(principal, expires=expires)

    def summary(self) -> dict[str, Any]:
        """Channel name, owner and the target's summary (topics, connectors, grants)."""
        return {"channel": self.channel_name, "owner": self.owner.name, **self.target.summary()}

    # -- checks ----------------------------------------------------------------------------------------------
    def _check_props(self, path: str, retention: Any, partitions: Any, replication_factor: Any) -> None:
        problems = ProblemCollector(path)
        problems.check(bool(self.channel_name) and self.channel_name[0].isalpha(), "id", self.node.id,
                       "an id starting with a letter (the channel name is derived from it)")
        problems.check(isinstance(self.source, MySqlSource | PostgresSource), "source", self.source,
                       "a MySqlSource or a PostgresSource")
        problems.check(isinstance(self.kafka, KafkaClusterLike), "kafka", self.kafka,
                       "a Kafka cluster prop (name, bootstrap_servers, broker_count)")
        problems.check(isinstance(self.connect, ConnectClusterLike), "connect", self.connect,
                       "a Kafka Connect cluster prop (name, ...)")
        problems.check(callable(getattr(self.warehouse, "create_target", None)), "warehouse", self.warehouse,
                       "a warehouse prop such as BigQuery(...) or AwsLake(...)")
        problems.check(isinstance(self.owner, Team), "owner", self.owner, "a Team(name=..., email=...)")
        if isinstance(self.owner, Team):
            problems.check(bool(_LABEL.match(self.owner.name)), "owner.name", self.owner.name,
                           "1-63 characters from [a-z0-9_-] (it becomes a label)")
            problems.check(bool(_EMAIL.match(self.owner.email)), "owner.email", self.owner.email, "an email address")
        ok_ret = (
            isinstance(retention, timedelta) and retention.days >= 1 and retention == timedelta(days=retention.days)
        )
        problems.check(ok_ret, "retention", retention, "a timedelta of whole days, at least 1 day")
        problems.check(isinstance(partitions, int) and not isinstance(partitions, bool) and partitions >= 1,
                       "partitions", partitions, "an integer >= 1")
        brokers = getattr(self.kafka, "broker_count", None)
        if isinstance(brokers, int):
            problems.check(brokers >= 1, "kafka.broker_count", brokers, "an integer >= 1")
        if replication_factor is not None:
            limit = brokers if isinstance(brokers, int) else None
            ok = isinstance(replication_factor, int) and replication_factor >= 1 and (
                limit is None or replication_factor <= limit)
            problems.check(ok, "replication_factor", replication_factor,
                           f"an integer between 1 and the cluster's broker count ({limit})")
        if isinstance(self.source, MySqlSource | PostgresSource):
            problems.check(self.source.snapshot_mode in SNAPSHOT_MODES, "source.snapshot_mode",
                           self.source.snapshot_mode, "one of " + ", ".join(SNAPSHOT_MODES))
            if isinstance(self.source, MySqlSource) and self.source.server_id is not None:
                problems.check(isinstance(self.source.server_id, int) and 1 <= self.source.server_id < 2**32,
                               "source.server_id", self.source.server_id, "an integer in [1, 4294967295]")
            if isinstance(self.source, PostgresSource):
                for field in ("slot_name", "publication_name"):
                    value = getattr(self.source, field)
                    if value is not None:
                        problems.check(bool(re.match(r"^[a-z0-9_]{1,63}$", value)), f"source.{field}", value,
                                       "1-63 characters from [a-z0-9_]")
            owns_password = bool(getattr(self.warehouse, "owns_db_password", False))
            ref = self.source.password_ref
            if owns_password:
                problems.check(ref is None, "source.password_ref", "<redacted>",
                               "nothing: this warehouse keeps the CDC password in its own generated secret")
            if not self.source.manage_user:
                problems.check(bool(self.source.user), "source.user", self.source.user,
                               "the existing CDC user's name when manage_user=False")
                if not owns_password:
                    problems.check(isinstance(ref, str) and ref.startswith("${"), "source.password_ref",
                                   "<redacted>",
                                   "a '${...}' reference to the existing user's password when manage_user=False")
        problems.raise_if_any(ConstructPropsError, f"invalid channel props at {path}")
        readers = ProblemCollector(path)
        for i, reader in enumerate(self.readers):
            if isinstance(reader, Reader):
                if reader.kafka is not None:
                    check_kafka_principal(readers, f"readers[{i}].kafka", reader.kafka)
                if reader.gcp is not None:
                    check_gcp_principal(readers, f"readers[{i}].gcp", reader.gcp)
                readers.check(bool(reader.principals), f"readers[{i}]", reader,
                              "a Reader with a kafka, gcp or aws principal")
            elif not isinstance(reader, str):
                readers.add(f"readers[{i}]", reader, "a Reader or a principal string")
        readers.raise_if_any(PrincipalError, f"invalid readers at {path}")

    def _check_tables(self, path: str) -> None:
        problems = ProblemCollector(path)
        problems.check(len(self.tables) > 0, "tables", list(self.tables), "at least one Table")
        seen: set[str] = set()
        for t in self.tables:
            if not isinstance(t, Table):
                problems.add("tables", t, "a Table(name, primary_key=[...], columns=[...])")
                continue
            if t.name in seen:
                problems.add("tables", t.name, "unique table names (duplicate)")
            seen.add(t.name)
            where = f"tables[{t.name}]"
            problems.check(len(t.columns) > 0, f"{where}.columns", [], "at least one Column")
            problems.check(len(t.primary_key) > 0, f"{where}.primary_key", list(t.primary_key),
                           "at least one primary-key column (CDC needs a key)")
            cols: set[str] = set()
            for c in t.columns:
                if c.name in cols:
                    problems.add(f"{where}.columns", c.name, "unique column names (duplicate)")
                cols.add(c.name)
                problems.check(c.type in COLUMN_TYPES, f"{where}.columns[{c.name}].type", c.type,
                               "one of " + ", ".join(COLUMN_TYPES))
                problems.check(c.classification in CLASSIFICATIONS, f"{where}.columns[{c.name}].classification",
                               c.classification, "one of " + ", ".join(CLASSIFICATIONS))
                problems.check(not c.name.startswith("__"), f"{where}.columns[{c.name}].name", c.name,
                               "a name not starting with '__' (reserved for CDC metadata)")
            for k in t.primary_key:
                problems.check(k in cols, f"{where}.primary_key", k, "a declared column of the table")
        problems.raise_if_any(TableDefinitionError, f"invalid tables at {path}")

    def _check_names(self, path: str) -> None:
        problems = ProblemCollector(path)
        check_kafka_topic(problems, "topic_prefix", self.topic_prefix)
        for t in self.tables:
            check_kafka_topic(problems, f"tables[{t.name}].name (topic)", self.topic_name(t))
            check_bigquery_id(problems, f"tables[{t.name}].name", t.name, "table")
            for c in t.columns:
                check_bigquery_column(problems, f"tables[{t.name}].columns", c.name)
        for topic in (self.history_topic, self.dlq_topic):
            if topic is not None:
                check_kafka_topic(problems, "topic", topic)
        problems.raise_if_any(InvalidNameError, f"invalid names at {path}")

    def _claim(self, path: str) -> None:
        reg = _registry(self)
        problems = ProblemCollector(path)
        claims: list[tuple[str, str]] = [("topic prefix", self.topic_prefix)]
        if self.server_id is not None:
            claims.append(("MySQL server id", str(self.server_id)))
        if self.slot_name is not None:
            claims.append(("Postgres slot name", f"{self.source.host}/{self.source.database}/{self.slot_name}"))
        dataset = getattr(self.warehouse, "dataset_key", None)
        if callable(dataset):
            claims.append(("dataset", dataset(self)))
        for kind, value in claims:
            owner = reg.claims.get((kind, value))
            if owner is not None and owner != path:
                problems.add(kind, value, f"unique in the app; already used by channel {owner}")
        for other_prefix, other in reg.prefixes.items():
            if other != path and other_prefix != self.topic_prefix and (
                other_prefix.startswith(self.topic_prefix + ".") or self.topic_prefix.startswith(other_prefix + ".")
            ):
                problems.add("topic prefix", self.topic_prefix,
                             f"a prefix not nested in another channel's ({other_prefix!r} of {other})")
        problems.raise_if_any(CollisionError, f"channel {path} collides with another channel")
        for claim in claims:
            reg.claims[claim] = path
        reg.prefixes[self.topic_prefix] = path


def _db_user(channel_name: str, limit: int) -> str:
    name = f"cdc_{channel_name}"
    if len(name) <= limit:
        return name
    import hashlib

    return name[: limit - 7] + "_" + hashlib.sha256(channel_name.encode()).hexdigest()[:6]
