"""The L3 :class:`Channel`: one object provisions a whole CDC channel.

A channel is three independent choices, each a family of its own:

- a **source** (:mod:`channelkit.sources`): the service database and its Debezium connector;
- a **streaming platform** (:mod:`channelkit.platforms`), given as the ``kafka=`` + ``connect=`` props:
  topics, their access model and the connector runtime;
- a **warehouse** (:mod:`channelkit.warehouses`): storage, the sink connector and read grants.

``Channel`` holds only what every channel shares: validation of the common props (every part's own
checks gathered with them), naming, and names claimed across the app. It then builds, below its
construct ``Target``: the platform's part, the warehouse's storage, the CDC user, the source
connector and the sink connector.

Attributes other code may rely on (stable contract): ``channel_name``, ``tables``, ``source``,
``kafka``, ``connect``, ``platform``, ``warehouse``, ``stack``, ``owner``, ``readers``, ``retention_days``,
``retention_ms``, ``topic_prefix``, ``topic_name(table)``, ``table_topics``, ``history_topic``,
``dlq_topic``, ``heartbeat_topic``, ``server_id``, ``slot_name``, ``publication_name``, ``source_connector_name``,
``sink_connector_name``, ``sink_group``, ``labels``, ``manage_db_user``, ``db_user_name``,
``debezium_config(...)``, ``target``, ``platform_deployment``, ``warehouse_deployment``, ``db_user``,
``grant_read(...)``, ``summary()``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from constructs import Construct

from channelkit._cdk import cdk
from channelkit._stack import has_child_of_type, random_provider
from channelkit.claims import Claim, check_claims
from channelkit.columns import LogicalType, TypeParseError
from channelkit.columns import parse as parse_type
from channelkit.constructs._util import child_id
from channelkit.constructs.aws.rules import check_principal
from channelkit.constructs.database import CdcDatabaseUser
from channelkit.constructs.errors import (
    ConstructPropsError,
    InvalidNameError,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.constructs.naming import (
    check_gcp_principal,
    check_kafka_principal,
    check_kafka_topic,
    label_value,
    snake,
)
from channelkit.errors import ProblemCollector
from channelkit.governance import LEVELS, channel_level, masking_problem, rank
from channelkit.platforms import ConnectorSpec, Platform, PlatformDeployment, accepted_pairs, resolve
from channelkit.sources import Source, SourceNames
from channelkit.warehouses import Warehouse, WarehouseDeployment

from .model import CLASSIFICATIONS, Column, Reader, Table, Team

__all__ = ["EMULATOR_CONTEXT", "Channel"]

#: cdktf context key: ``true`` leaves out, in every channel of the app, what a local emulator cannot apply.
EMULATOR_CONTEXT = "channelkit:local-emulator"

_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PRINCIPAL_CHECKS = {"kafka": check_kafka_principal, "gcp": check_gcp_principal, "aws": check_principal}


class Channel(Construct):
    """One CDC channel: service database → Debezium → Kafka → warehouse.

    Args:
        scope: parent construct (usually a stack).
        id: construct id; the channel name is derived from it (lower case, ``[a-z0-9_]``).
        source: a source prop (:class:`~channelkit.sources.MySqlSource`, :class:`~channelkit.sources.PostgresSource`).
        tables: the captured tables (at least one; each with a primary key).
        kafka: the Kafka cluster prop (``KafkaCluster``, ``MskCluster``).
        connect: the connector runtime prop that goes with it (``ConnectCluster``, ``MskConnect``).
        warehouse: the warehouse prop (``BigQuery(...)``, ``AwsLake(...)``).
        owner: the owning team.
        readers: readers granted on creation: :class:`~channelkit.patterns.model.Reader` or principal
            strings (default none).
        retention: how long topics keep change events (default 7 days; whole days, at least 1). The
            warehouse keeps its change history on its own terms (``history_retention``, default: kept).
        partitions: partitions of each table topic (default 3).
        replication_factor: replication factor of every topic (default ``min(3, brokers)``).

    Raises:
        ConstructPropsError, PrincipalError, TableDefinitionError, InvalidNameError, CollisionError:
            each with every problem found by its check.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: Source,
        tables: Sequence[Table],
        kafka: Any,
        connect: Any,
        warehouse: Warehouse,
        owner: Team,
        readers: Sequence[Reader | str] = (),
        retention: timedelta = timedelta(days=7),
        partitions: int = 3,
        replication_factor: int | None = None,
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        #: The stack holding the channel (looked up once: every family puts its providers there).
        self.stack: Construct = cdk.TerraformStack.of(self)
        self.channel_name: str = snake(id)
        self.source = source
        self.tables: tuple[Table, ...] = tuple(tables)
        self.kafka, self.connect, self.warehouse, self.owner = kafka, connect, warehouse, owner
        self.readers: tuple[Reader | str, ...] = tuple(readers)
        self.partitions = partitions
        found = resolve(kafka, connect)
        self._check_props(path, found, retention, partitions, replication_factor)
        assert found is not None
        self.platform: Platform = found
        self.retention_days: int = retention.days
        self.retention_ms: int = self.retention_days * 86_400_000
        self.replication_factor: int = (
            replication_factor if replication_factor is not None else min(3, self.platform.broker_count))
        self._check_readers(path)
        self._check_tables(path)

        self.names: SourceNames = source.names(self.channel_name)
        self.topic_prefix: str = source.topic_prefix or self.channel_name
        self.table_topics: dict[str, str] = {t.name: self.topic_name(t) for t in self.tables}
        self.dlq_topic: str = f"{self.topic_prefix}-dlq"
        self.history_topic: str | None = f"{self.topic_prefix}.schema-history" if source.uses_history_topic else None
        #: The topic the source connector writes heartbeats to (Postgres), or None.
        self.heartbeat_topic: str | None = source.heartbeat_topic(self.topic_prefix)
        self.server_id: int | None = self.names.server_id
        self.slot_name: str | None = self.names.slot_name
        self.publication_name: str | None = self.names.publication_name
        self.source_connector_name: str = f"{self.channel_name}-source"
        self.sink_connector_name: str = f"{self.channel_name}-sink"
        #: Consumer group of the sink connector (Kafka Connect's ``connect-<connector name>``).
        self.sink_group: str = f"connect-{self.sink_connector_name}"
        self.manage_db_user: bool = source.manage_user
        self.db_user_name: str = self.names.db_user
        self.labels: dict[str, str] = {
            "owner": label_value(owner.name),
            "channel": label_value(self.channel_name),
            "classification": max((t.classification for t in self.tables), key=CLASSIFICATIONS.index),
        }
        self._check_names(path)
        self._claim(path)
        self.local_emulator: bool = warehouse.local_emulator or _flag(self.node.try_get_context(EMULATOR_CONTEXT))
        #: Tags for every taggable cloud resource of the channel.
        self.aws_tags: dict[str, str] = warehouse.resource_tags(self)

        self.target = Construct(self, "Target")
        self.platform_deployment: PlatformDeployment = self.platform.deploy(
            self, self.target, local_emulator=self.local_emulator)
        self.warehouse_deployment: WarehouseDeployment = warehouse.deploy(self, self.target, self.platform_deployment)
        self.db_user: CdcDatabaseUser | None = None
        self.source_connector = self._deploy_source()
        self.sink_connector = self.warehouse_deployment.deploy_sink()
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
        servers = self.kafka.bootstrap_servers
        return servers if isinstance(servers, str) else ",".join(servers)

    def debezium_config(self, password_ref: str | None = None, **extra: str) -> dict[str, str]:
        """The complete Debezium source connector config of this channel, as the source builds it.

        The password is not part of it unless given: a runtime that keeps it in ``config_sensitive``
        (Kafka Connect) passes nothing; a runtime that resolves secrets through a config provider passes
        the placeholder (``${secretsmanager:...}``) as ``password_ref``, which becomes ``database.password``.

        Args:
            password_ref: a reference/placeholder for ``database.password`` (default None: left out).
            **extra: keys to add or override (use ``**{"a.b": "c"}`` for dotted keys).

        Raises:
            ConstructPropsError: ``password_ref`` is a literal rather than a ``${...}`` reference.
        """
        config = self._connector_config(self.db_user_name)
        if password_ref:
            problems = ProblemCollector(self.node.path)
            problems.check(password_ref.startswith("${"), "password_ref", "<redacted>",
                           "a reference or config-provider placeholder '${...}', never a literal password")
            problems.raise_if_any(ConstructPropsError, f"invalid password reference at {self.node.path}")
            config["database.password"] = password_ref
        config.update(extra)
        return config

    def _connector_config(self, user: str) -> dict[str, str]:
        return self.source.connector_config(
            name=self.source_connector_name, user=user, topic_prefix=self.topic_prefix,
            tables=[t.name for t in self.tables], names=self.names, bootstrap_servers=self.bootstrap_servers,
            history_topic=self.history_topic, delete_handling=self.warehouse.delete_handling)

    def _deploy_source(self) -> Any:
        """The CDC user, its password as the platform keeps it, and the Debezium connector on the platform."""
        platform, target = self.platform_deployment, self.target
        db_password, secret = platform.password(target, username=self.db_user_name,
                                                key=self.warehouse_deployment.secret_key,
                                                for_db_user=self.manage_db_user)
        if self.manage_db_user:
            self.db_user = self.source.db_user(
                target, stack=self.stack, names=self.names, tables=[t.name for t in self.tables], password=db_password,
                random_provider=random_provider(self.stack) if db_password is None else None)
        if secret is None:
            ref = self.db_user.password_ref if self.db_user else (self.source.password_ref or "")
            secret = platform.store_secret(target, "Source", "database.password", ref)
        user = self.db_user.user_ref if self.db_user else self.db_user_name
        config = {**self._connector_config(user), **platform.source_settings()}
        return platform.deploy_connector(platform.connector_scope(target, "Source"), ConnectorSpec(
            kind="Source", name=self.source_connector_name, config=config, plugin="debezium",
            secrets={"database.password": secret}, depends_on=self.db_user.grants if self.db_user else [],
            description="Debezium source connector with msk-config-providers"))

    def column_type(self, table: Table, column: Column) -> LogicalType:
        """The logical type of ``column`` of ``table``, parsed from its declared type for the source engine."""
        return self._column_types[(table.name, column.name)]

    # -- grants ----------------------------------------------------------------------------------------------
    def grant_read(self, principal: Reader | str, expires: datetime | None = None) -> list[Any]:
        """Grant a reader everything needed to read this channel, in one call.

        A :class:`Reader`'s identities are looked up by system: its identity on the platform's
        ``reader_system`` (``kafka``: consume ACLs on the table topics) and on the warehouse's (``gcp``:
        ``roles/bigquery.dataViewer`` on the dataset; ``aws``: Lake Formation grants and an IAM policy).
        A principal string goes to the platform when it is a Kafka ``User:`` principal, else to the warehouse.

        Args:
            principal: a :class:`Reader` or one principal string.
            expires: end of the grant (default None: no end; a Reader's own ``expires`` wins).

        Returns:
            The resources created.

        Raises:
            PrincipalError: the reader has no identity this channel's platform or warehouse grants.
        """
        platform, warehouse = self.platform_deployment, self.warehouse_deployment
        if isinstance(principal, str):
            if principal.startswith("User:"):
                self._check_kafka_clearance(principal, "internal")
                return platform.grant_read(principal, expires=expires)
            return warehouse.grant_read(principal, expires=expires)
        when = principal.expires or expires
        created: list[Any] = []
        for system, part in self._reader_parts():
            identity = principal.identity(system)
            if not identity:
                continue
            if part is warehouse:
                created += warehouse.grant_read(identity, expires=when, clearance=principal.clearance)
            else:
                self._check_kafka_clearance(identity, principal.clearance)
                created += part.grant_read(identity, expires=when)
        return created

    def _check_kafka_clearance(self, principal: str, clearance: str) -> None:
        """A Kafka reader must be cleared for every column: a topic carries them all, and Kafka cannot mask."""
        needed = channel_level(self.tables)
        if rank(clearance) < rank(needed):
            problems = ProblemCollector(self.node.path)
            problems.add("readers.clearance", clearance,
                         f"clearance {needed!r} or above for Kafka principal {principal}: the topics carry every "
                         f"column unmasked, and this channel holds {needed} columns (grant a warehouse identity "
                         "instead: the warehouse masks what the clearance does not cover)")
            problems.raise_if_any(PrincipalError, f"Kafka reader without clearance at {self.node.path}")

    def _reader_parts(self) -> list[tuple[str, PlatformDeployment | WarehouseDeployment]]:
        parts: list[tuple[str, Any]] = []
        if self.platform.reader_system:
            parts.append((self.platform.reader_system, self.platform_deployment))
        parts.append((self.warehouse.reader_system, self.warehouse_deployment))
        return parts

    def summary(self) -> dict[str, Any]:
        """Channel name, owner, and each part's summary (source, platform, warehouse)."""
        return {
            "channel": self.channel_name,
            "owner": self.owner.name,
            "source": dict(self.source.summary(self.names)),
            **self.platform_deployment.summary(),
            **self.warehouse_deployment.summary(),
        }

    # -- checks ----------------------------------------------------------------------------------------------
    def _check_props(
        self, path: str, platform: Platform | None, retention: Any, partitions: Any, replication_factor: Any,
    ) -> None:
        problems = ProblemCollector(path)
        problems.check(bool(self.channel_name) and self.channel_name[0].isalpha(), "id", self.node.id,
                       "an id starting with a letter (the channel name is derived from it)")
        source_ok = problems.check(isinstance(self.source, Source), "source", self.source,
                                   "a source prop such as MySqlSource(...) or PostgresSource(...)")
        problems.check(platform is not None, "kafka", self.kafka, f"a platform's props: {accepted_pairs()}")
        warehouse_ok = problems.check(isinstance(self.warehouse, Warehouse), "warehouse", self.warehouse,
                                      "a warehouse prop such as BigQuery(...) or AwsLake(...)")
        problems.check(isinstance(self.owner, Team), "owner", self.owner, "a Team(name=..., email=...)")
        if isinstance(self.owner, Team):
            problems.check(isinstance(self.owner.name, str) and bool(_LABEL.fullmatch(self.owner.name)),
                           "owner.name", self.owner.name, "1-63 characters from [a-z0-9_-] (it becomes a label)")
            problems.check(isinstance(self.owner.email, str) and bool(_EMAIL.fullmatch(self.owner.email)),
                           "owner.email", self.owner.email, "an email address")
        ok_ret = (
            isinstance(retention, timedelta) and retention.days >= 1 and retention == timedelta(days=retention.days)
        )
        problems.check(ok_ret, "retention", retention, "a timedelta of whole days, at least 1 day")
        problems.check(_is_int(partitions) and partitions >= 1, "partitions", partitions, "an integer >= 1")
        brokers = platform.broker_count if platform is not None else None
        if brokers is not None:
            problems.check(_is_int(brokers) and brokers >= 1, "kafka.broker_count", brokers, "an integer >= 1")
        if replication_factor is not None:
            limit = brokers if _is_int(brokers) else None
            ok = _is_int(replication_factor) and replication_factor >= 1 and (
                limit is None or replication_factor <= limit)
            problems.check(ok, "replication_factor", replication_factor,
                           f"an integer between 1 and the cluster's broker count ({limit})")
        if source_ok:
            self.source.check(problems, platform_owns_password=bool(platform and platform.owns_db_password))
        if platform is not None:
            platform.check(problems, self)
        if warehouse_ok and platform is not None:
            for kind, how in {*platform.user_providers, *self.warehouse.user_providers}:
                problems.check(has_child_of_type(self.stack, kind), "provider", None,
                               f"the app's own {kind.__name__}: {how}")
        if warehouse_ok and platform is not None and ok_ret:
            self.retention_days = retention.days
            self.warehouse.check(problems, self, platform)
        problems.raise_if_any(ConstructPropsError, f"invalid channel props at {path}")

    def _check_readers(self, path: str) -> None:
        problems = ProblemCollector(path)
        systems = [s for s in (self.platform.reader_system, self.warehouse.reader_system) if s]
        for i, reader in enumerate(self.readers):
            if isinstance(reader, Reader):
                for system, check in _PRINCIPAL_CHECKS.items():
                    identity = reader.identity(system)
                    if identity is not None:
                        check(problems, f"readers[{i}].{system}", identity)
                problems.check(any(reader.identity(s) for s in systems), f"readers[{i}]", reader,
                               "a Reader with an identity this channel grants: " + ", ".join(systems))
                problems.check(reader.clearance in LEVELS, f"readers[{i}].clearance", reader.clearance,
                               "one of " + ", ".join(LEVELS))
            elif not isinstance(reader, str):
                problems.add(f"readers[{i}]", reader, "a Reader or a principal string")
        problems.raise_if_any(PrincipalError, f"invalid readers at {path}")

    def _check_tables(self, path: str) -> None:
        self._column_types: dict[tuple[str, str], LogicalType] = {}
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
                try:
                    logical = self._column_types[(t.name, c.name)] = parse_type(self.source.engine, c.type)
                except TypeParseError as exc:
                    problems.add(f"{where}.columns[{c.name}].type", c.type, str(exc))
                else:
                    unsuited = masking_problem(c, logical)
                    if unsuited:
                        problems.add(f"{where}.columns[{c.name}].masking", c.masking, unsuited)
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
        for topic in (self.history_topic, self.heartbeat_topic, self.dlq_topic):
            if topic is not None:
                check_kafka_topic(problems, "topic", topic)
        self.warehouse.check_names(problems, self, self.platform)
        problems.raise_if_any(InvalidNameError, f"invalid names at {path}")

    def _claim(self, path: str) -> None:
        """Claim every name the channel creates that must be unique (see :mod:`channelkit.claims`)."""
        source = self.source
        claims: list[Claim | tuple[str, str]] = [("topic prefix", self.topic_prefix)]
        if self.server_id is not None:
            claims.append(("MySQL server id", str(self.server_id)))
        server = f"{source.engine} server {str(source.host).lower()}:{source.port}"
        if self.slot_name is not None:  # replication slots are per server, publications per database
            claims.append(Claim("Postgres slot name", self.slot_name, within=server))
        if self.publication_name is not None and self.manage_db_user:
            claims.append(Claim("Postgres publication", self.publication_name, within=f"{server}/{source.database}"))
        if self.manage_db_user:
            claims.append(Claim("database user", self.db_user_name, within=server))
        ids = f"channel {path} (topic, table and view construct ids)"
        claims += [Claim("table construct id", child_id(t.name), within=ids, by=f"tables[{t.name}]",
                         note="a table's construct ids are its name with '-' for other characters")
                   for t in self.tables]
        claims += [*self.platform.claims(self), *self.warehouse.claims(self, self.platform)]
        check_claims(self, claims, path=path, topic_prefix=self.topic_prefix)

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _flag(value: Any) -> bool:
    return value is not None and str(value).strip().lower() in ("true", "1", "yes", "on")
