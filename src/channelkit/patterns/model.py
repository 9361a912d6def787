"""The props of a :class:`~channelkit.patterns.channel.Channel`: frozen, keyword-only dataclasses.

``Column``, ``Table`` and ``Team`` describe the data and its owner; ``MySqlSource`` and
``PostgresSource`` the service database; ``KafkaCluster`` and ``ConnectCluster`` the
streaming platform. Warehouse props (``BigQuery``, ``AwsLake``) live with their targets.

Validation happens in the Channel, which knows the construct path and gathers every
problem of a check into one error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

__all__ = [
    "CLASSIFICATIONS",
    "Column",
    "ConnectCluster",
    "ConnectClusterLike",
    "KafkaCluster",
    "KafkaClusterLike",
    "MySqlSource",
    "PostgresSource",
    "Reader",
    "Table",
    "Team",
    "bootstrap_string",
]

#: Column classifications, least to most sensitive.
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of a captured table.

    Args:
        name: column name as in the source database (and BigQuery).
        type: a portable type from :data:`channelkit.patterns.types.COLUMN_TYPES`.
        description: human description (default empty); lands in the warehouse schema.
        classification: ``public``, ``internal`` (default), ``confidential`` or ``restricted``.
        pii: whether the column holds personal data (default False).
    """

    name: str
    type: str
    description: str = ""
    classification: str = "internal"
    pii: bool = False


@dataclass(frozen=True, init=False)
class Table:
    """One captured table: ``Table("orders", primary_key=["id"], columns=[Column(...), ...])``.

    Args:
        name: the table name in the source database.
        primary_key: the primary-key column names (required, non-empty).
        columns: the columns (required, non-empty; must include the primary key).
        description: table description (default empty).
    """

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str

    def __init__(
        self, name: str, *, primary_key: Sequence[str] = (), columns: Sequence[Column] = (), description: str = ""
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "primary_key", tuple(primary_key))
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "description", description)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def classification(self) -> str:
        """The most sensitive classification among the columns (``public`` for none)."""
        ranks = [CLASSIFICATIONS.index(c.classification) for c in self.columns if c.classification in CLASSIFICATIONS]
        return CLASSIFICATIONS[max(ranks, default=0)]

    @property
    def has_pii(self) -> bool:
        """Whether any column is flagged ``pii``."""
        return any(c.pii for c in self.columns)


@dataclass(frozen=True, kw_only=True)
class Team:
    """The team owning a channel.

    Args:
        name: team name (lower case ``[a-z0-9_-]``, at most 63 characters: it becomes a label).
        email: contact address.
    """

    name: str
    email: str


@dataclass(frozen=True, kw_only=True)
class Reader:
    """A consumer of a channel, with its identity on each platform.

    Args:
        gcp: GCP member (``user:``, ``group:`` or ``serviceAccount:`` + email), or None.
        kafka: Kafka principal ``User:<name>``, or None.
        aws: IAM principal ARN (role or user) or another Lake Formation identifier (AWS target), or None.
        expires: when the grant ends (default None: it does not expire); must be in the future.
    """

    gcp: str | None = None
    kafka: str | None = None
    aws: str | None = None
    expires: datetime | None = None

    @property
    def principals(self) -> tuple[str, ...]:
        """Every principal this reader has, Kafka first, then GCP, then AWS."""
        return tuple(p for p in (self.kafka, self.gcp, self.aws) if p)


@dataclass(frozen=True, kw_only=True)
class MySqlSource:
    """A MySQL service database captured through its binlog.

    Args:
        host: MySQL host name.
        database: the database holding the tables; the ``<db>`` of topic names.
        port: MySQL port (default 3306).
        server_id: ``database.server.id`` (default: derived from the channel name, stable, in [100000, 2**31)).
        topic_prefix: Debezium ``topic.prefix`` (default: the channel name).
        manage_user: create the CDC user and its grants (default True).
        user: the CDC user name (default: ``cdc_<channel>``, shortened to 32 characters).
        password_ref: password reference when ``manage_user=False`` (``${...}``; default None). Not used
            on AWS, where the password always lives in the channel's Secrets Manager secret.
        admin_user: user the mysql Terraform provider logs in as (default ``admin``; its password comes
            from the ``MYSQL_PASSWORD`` environment variable, never from the code).
        snapshot_mode: Debezium ``snapshot.mode`` (default ``initial``).
    """

    host: str
    database: str
    port: int = 3306
    server_id: int | None = None
    topic_prefix: str | None = None
    manage_user: bool = True
    user: str | None = None
    password_ref: str | None = None
    admin_user: str = "admin"
    snapshot_mode: str = "initial"

    engine: ClassVar[str] = "mysql"

    @property
    def namespace(self) -> str:
        """The middle part of topic names (the database)."""
        return self.database


@dataclass(frozen=True, kw_only=True)
class PostgresSource:
    """A Postgres service database captured through logical decoding (pgoutput).

    Args:
        host: Postgres host name.
        database: the database name.
        schema: the schema holding the tables (default ``public``); the ``<db>`` of topic names.
        port: Postgres port (default 5432).
        slot_name: replication slot (default: ``ck_<channel>``).
        publication_name: publication (default: the slot name).
        topic_prefix: Debezium ``topic.prefix`` (default: the channel name).
        manage_user: create the CDC role and its grants (default True).
        user: the CDC role name (default: ``cdc_<channel>``).
        password_ref: password reference when ``manage_user=False`` (``${...}``; default None). Not used
            on AWS, where the password always lives in the channel's Secrets Manager secret.
        admin_user: role the postgresql Terraform provider logs in as (default ``postgres``; its password
            comes from the ``PGPASSWORD`` environment variable).
        sslmode: provider ``sslmode`` (default ``require``).
        snapshot_mode: Debezium ``snapshot.mode`` (default ``initial``).
    """

    host: str
    database: str
    schema: str = "public"
    port: int = 5432
    slot_name: str | None = None
    publication_name: str | None = None
    topic_prefix: str | None = None
    manage_user: bool = True
    user: str | None = None
    password_ref: str | None = None
    admin_user: str = "postgres"
    sslmode: str = "require"
    snapshot_mode: str = "initial"

    engine: ClassVar[str] = "postgres"

    @property
    def namespace(self) -> str:
        """The middle part of topic names (the schema)."""
        return self.schema


@runtime_checkable
class KafkaClusterLike(Protocol):
    """What a Channel needs from a Kafka cluster prop (``KafkaCluster``, ``MskCluster``)."""

    name: str
    broker_count: int

    @property
    def bootstrap_servers(self) -> str | Sequence[str]:
        """``host:port`` list (or one comma-separated string / reference token)."""
        ...


@runtime_checkable
class ConnectClusterLike(Protocol):
    """What a Channel needs from a Kafka Connect prop (``ConnectCluster``, ``MskConnect``)."""

    name: str


@dataclass(frozen=True, kw_only=True)
class KafkaCluster:
    """A self-managed (or Confluent/Aiven) Kafka cluster reached by the ``Mongey/kafka`` provider.

    Args:
        name: short name of the cluster (used in construct ids).
        bootstrap_servers: ``host:port`` of some brokers.
        broker_count: number of brokers (default 3); replication factors may not exceed it.
        tls_enabled: provider ``tls_enabled`` (default True).
        sasl_mechanism: provider ``sasl_mechanism`` (default None: no SASL; credentials come from the
            provider's environment variables, never from the code).
    """

    name: str
    bootstrap_servers: tuple[str, ...]
    broker_count: int = 3
    tls_enabled: bool = True
    sasl_mechanism: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConnectCluster:
    """A Kafka Connect cluster reached by the ``Mongey/kafka-connect`` provider.

    Args:
        name: short name of the cluster (used in construct ids).
        url: the Connect REST URL.
        principal: Kafka principal of the workers (``User:<name>``).
        source_principal: principal of source connectors (default: ``principal``), e.g. when each
            connector authenticates with its own credentials through client overrides.
        sink_principal: principal of sink connectors (default: ``principal``).
    """

    name: str
    url: str
    principal: str
    source_principal: str | None = None
    sink_principal: str | None = None


def bootstrap_string(kafka: KafkaClusterLike) -> str:
    """The cluster's bootstrap servers as one comma-separated string."""
    servers = kafka.bootstrap_servers
    return servers if isinstance(servers, str) else ",".join(servers)

