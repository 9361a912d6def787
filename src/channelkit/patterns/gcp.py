"""The GCP target of a Channel: Kafka topics and ACLs, kafka-connect connectors, BigQuery.

``BigQuery(project=..., location=...)`` is the warehouse prop; ``Channel`` calls its
``create_target`` and gets a :class:`GcpTarget` (construct id ``Target``) holding:

- ``DbUser`` — the CDC database user and grants (when the source's ``manage_user`` is true);
- ``Topic-<table>`` per table, ``HistoryTopic`` (MySQL), ``DlqTopic`` — all ``prevent_destroy``;
- ``SourceAcls``, ``SinkAcls`` — least-privilege Kafka ACLs, never on ``*``. The source gets
  Write/Describe/Create on its prefix ``<prefix>.`` (which covers the history topic) plus Read on the
  history topic and its group; the sink gets Read on each table topic (Kafka lets Read imply
  Describe), Read on its consumer group and Write on the DLQ;
- ``Source`` — the Debezium connector; ``Sink`` — the KCBQ connector, its service account and key;
- ``Dataset``, ``Table-<table>`` (change log, ``<table>_changes``), ``View-<table>`` (latest state, ``<table>``);
- ``Readers`` — grants made by ``channel.grant_read``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.constructs._util import child_id
from channelkit.constructs.bigquery import BigQueryDataset, BigQuerySink, BigQueryTable, LatestStateView
from channelkit.constructs.database import CdcDatabaseUser
from channelkit.constructs.debezium import (
    MYSQL_POSITION_COLUMNS,
    POSTGRES_POSITION_COLUMNS,
    DebeziumMySqlSource,
    DebeziumPostgresSource,
)
from channelkit.constructs.errors import ConstructPropsError, InvalidNameError, PrincipalError
from channelkit.constructs.kafka import INFINITE_RETENTION_MS, KafkaTopic, grant_acls
from channelkit.constructs.naming import check_bigquery_id, check_gcp_principal, check_kafka_principal
from channelkit.errors import ProblemCollector
from channelkit.providers.google import GoogleProvider
from channelkit.providers.kafka import KafkaProvider
from channelkit.providers.kafka_connect import KafkaConnectProvider
from channelkit.providers.random import RandomProvider

from ._shared import build_db_user, stack_provider
from .model import ConnectCluster, KafkaCluster, MySqlSource
from .target import ChannelTarget
from .types import CDC_METADATA_TYPES

if TYPE_CHECKING:
    from .channel import Channel

__all__ = ["BigQuery", "GcpTarget"]

_CHANGES_SUFFIX = "_changes"


@dataclass(frozen=True, kw_only=True)
class BigQuery:
    """The BigQuery warehouse prop of a Channel.

    Args:
        project: GCP project id of the dataset and the sink's service account.
        location: BigQuery location (``EU``, ``US``, ``europe-west1``...).
        dataset: dataset id (default: the channel name).
        kms_key_name: CMEK key for the dataset's tables (default None: Google-managed).
        expire_partitions: set the dataset's default partition expiration to the channel's retention
            (default True). The latest-state views only see keys changed within that time; set False to
            keep the whole change history.
        upsert: let the sink merge by key and apply deletes (KCBQ upsert/delete mode; default False:
            append-only change log, the views compute the latest state).
        merge_interval_ms: KCBQ ``mergeIntervalMs`` in upsert mode (default 60000).
        region: provider region (default None).
    """

    project: str
    location: str
    dataset: str | None = None
    kms_key_name: str | None = None
    expire_partitions: bool = True
    upsert: bool = False
    merge_interval_ms: int = 60_000
    region: str | None = None

    def dataset_id(self, channel: Channel) -> str:
        """The dataset id of ``channel``."""
        return self.dataset or channel.channel_name

    def dataset_key(self, channel: Channel) -> str:
        """``project.dataset``: what must be unique among the app's channels."""
        return f"{self.project}.{self.dataset_id(channel)}"

    def create_target(self, channel: Channel, id: str) -> GcpTarget:
        """Build the GCP target of ``channel``."""
        return GcpTarget(channel, id, warehouse=self)


class GcpTarget(ChannelTarget):
    """Everything below a Channel on GCP (construct id ``Target``)."""

    reader_fields = ("kafka", "gcp")

    def __init__(self, channel: Channel, id: str, *, warehouse: BigQuery) -> None:
        super().__init__(channel, id)
        self.warehouse = warehouse
        c = channel
        kafka, connect, source = c.kafka, c.connect, c.source
        path = self.node.path
        problems = ProblemCollector(path)
        problems.check(isinstance(kafka, KafkaCluster), "kafka", kafka, "a KafkaCluster (the GCP target)")
        problems.check(isinstance(connect, ConnectCluster), "connect", connect, "a ConnectCluster (the GCP target)")
        problems.raise_if_any(ConstructPropsError, f"invalid props for the GCP target at {path}")
        assert isinstance(kafka, KafkaCluster) and isinstance(connect, ConnectCluster)
        principals = ProblemCollector(path)
        self.source_principal = connect.source_principal or connect.principal
        self.sink_principal = connect.sink_principal or connect.principal
        check_kafka_principal(principals, "connect.source_principal", self.source_principal)
        check_kafka_principal(principals, "connect.sink_principal", self.sink_principal)
        principals.raise_if_any(PrincipalError, f"invalid Connect principals at {path}")
        dataset_id = warehouse.dataset_id(c)
        names = ProblemCollector(path)
        check_bigquery_id(names, "warehouse.dataset", dataset_id, "dataset")
        names.raise_if_any(InvalidNameError, f"invalid dataset id at {path}")

        # Providers (one per stack and cluster / database / project).
        stack = cdk.TerraformStack.of(channel)
        self.kafka_provider = stack_provider(stack, f"kafka-{kafka.name}", lambda s, i, a: KafkaProvider(
            s, i, bootstrap_servers=list(kafka.bootstrap_servers), tls_enabled=kafka.tls_enabled,
            sasl_mechanism=kafka.sasl_mechanism, alias=a))
        self.connect_provider = stack_provider(stack, f"connect-{connect.name}", lambda s, i, a: KafkaConnectProvider(
            s, i, url=connect.url, alias=a))
        self.google_provider = stack_provider(stack, f"google-{warehouse.project}", lambda s, i, a: GoogleProvider(
            s, i, project=warehouse.project, region=warehouse.region, alias=a))
        self.random_provider = stack_provider(stack, "random-default", lambda s, i, a: RandomProvider(s, i, alias=a))

        # Database user.
        self.db_user: CdcDatabaseUser | None = build_db_user(self, c, random_provider=self.random_provider)
        password = self.db_user.password_ref if self.db_user else (source.password_ref or "")

        # Topics.
        rf = c.replication_factor
        self.table_topics: dict[str, KafkaTopic] = {
            t.name: KafkaTopic(
                self, child_id("Topic", t.name), name=c.topic_name(t), partitions=c.partitions,
                replication_factor=rf, broker_count=kafka.broker_count, retention_ms=c.retention_ms,
                provider=self.kafka_provider)
            for t in c.tables
        }
        self.history_topic: KafkaTopic | None = None
        if c.history_topic is not None:
            self.history_topic = KafkaTopic(
                self, "HistoryTopic", name=c.history_topic, partitions=1, replication_factor=rf,
                broker_count=kafka.broker_count, retention_ms=INFINITE_RETENTION_MS, cleanup_policy="delete",
                config={"retention.bytes": "-1"}, provider=self.kafka_provider)
        self.dlq_topic = KafkaTopic(
            self, "DlqTopic", name=c.dlq_topic, partitions=1, replication_factor=rf, broker_count=kafka.broker_count,
            retention_ms=c.retention_ms, provider=self.kafka_provider)

        # ACLs.
        source_acls = Construct(self, "SourceAcls")
        self.source_acls = grant_acls(
            source_acls, principal=self.source_principal, resource_type="Topic", resource_name=c.topic_prefix + ".",
            prefixed=True, operations=("Write", "Describe", "Create"), provider=self.kafka_provider,
            id_prefix="Prefix")
        if self.history_topic is not None:
            self.source_acls += grant_acls(
                source_acls, principal=self.source_principal, resource_type="Topic",
                resource_name=self.history_topic.name_ref, operations=("Read",),
                provider=self.kafka_provider, id_prefix="History")
            self.source_acls += grant_acls(
                source_acls, principal=self.source_principal, resource_type="Group",
                resource_name=f"{c.topic_prefix}-schemahistory", operations=("Read",), provider=self.kafka_provider,
                id_prefix="HistoryGroup")
        sink_acls = Construct(self, "SinkAcls")
        self.sink_acls: list[Any] = []
        for t in c.tables:
            topic = self.table_topics[t.name]
            self.sink_acls += grant_acls(
                sink_acls, principal=self.sink_principal, resource_type="Topic", resource_name=topic.name_ref,
                operations=("Read",), provider=self.kafka_provider, id_prefix=child_id("Topic", t.name))
        self.sink_acls += grant_acls(
            sink_acls, principal=self.sink_principal, resource_type="Group", resource_name=c.sink_group,
            operations=("Read",), provider=self.kafka_provider, id_prefix="Group")
        self.sink_acls += grant_acls(
            sink_acls, principal=self.sink_principal, resource_type="Topic", resource_name=self.dlq_topic.name_ref,
            operations=("Write",), provider=self.kafka_provider, id_prefix="Dlq")

        # Source connector (the same config as channel.debezium_config(), plus the user reference).
        user = self.db_user.user_ref if self.db_user else c.db_user_name
        depends = [*self.source_acls, *(t.resource for t in self.table_topics.values()),
                   *([self.history_topic.resource] if self.history_topic else []),
                   *(self.db_user.grants if self.db_user else [])]
        self.source_connector: DebeziumMySqlSource | DebeziumPostgresSource
        if isinstance(source, MySqlSource):
            assert c.server_id is not None and c.history_topic is not None
            self.source_connector = DebeziumMySqlSource(
                self, "Source", name=c.source_connector_name, hostname=source.host, port=source.port, user=user,
                password=password, database=source.database, tables=[t.name for t in c.tables],
                topic_prefix=c.topic_prefix, server_id=c.server_id, bootstrap_servers=c.bootstrap_servers,
                history_topic=c.history_topic, snapshot_mode=source.snapshot_mode,
                delete_handling="rewrite-with-tombstone" if warehouse.upsert else "rewrite",
                provider=self.connect_provider, depends_on=depends)
        else:
            assert c.slot_name is not None
            self.source_connector = DebeziumPostgresSource(
                self, "Source", name=c.source_connector_name, hostname=source.host, port=source.port, user=user,
                password=password, database=source.database, schema=source.schema, tables=[t.name for t in c.tables],
                topic_prefix=c.topic_prefix, slot_name=c.slot_name, publication_name=c.publication_name,
                snapshot_mode=source.snapshot_mode,
                delete_handling="rewrite-with-tombstone" if warehouse.upsert else "rewrite",
                provider=self.connect_provider, depends_on=depends)

        # BigQuery.
        self.dataset = BigQueryDataset(
            self, "Dataset", dataset_id=dataset_id, project=warehouse.project, location=warehouse.location,
            labels=c.labels, default_partition_expiration_ms=c.retention_ms if warehouse.expire_partitions else None,
            kms_key_name=warehouse.kms_key_name, description=f"CDC channel {c.channel_name} (owner {c.owner.email})",
            provider=self.google_provider)
        positions = MYSQL_POSITION_COLUMNS if isinstance(source, MySqlSource) else POSTGRES_POSITION_COLUMNS
        metadata = [*CDC_METADATA_TYPES.items(), *positions]
        self.tables: dict[str, BigQueryTable] = {}
        self.views: dict[str, LatestStateView] = {}
        for t in c.tables:
            labels = {**c.labels, "classification": t.classification, "pii": "true" if t.has_pii else "false"}
            table = BigQueryTable(
                self, child_id("Table", t.name), dataset=self.dataset, table_id=t.name + _CHANGES_SUFFIX,
                columns=t.columns, primary_key=t.primary_key, metadata_columns=metadata,
                key_record="__kafka_key" if warehouse.upsert else None,
                description=f"Change log of {source.namespace}.{t.name}. {t.description}".strip(), labels=labels)
            self.tables[t.name] = table
            self.views[t.name] = LatestStateView(
                self, child_id("View", t.name), source=table, view_id=t.name, columns=[col.name for col in t.columns],
                primary_key=t.primary_key, position_columns=[n for n, _ in positions],
                description=f"Latest state of {source.namespace}.{t.name}. {t.description}".strip(), labels=labels)

        # Sink connector.
        self.sink = BigQuerySink(
            self, "Sink", name=c.sink_connector_name, dataset=self.dataset,
            topics=[self.table_topics[t.name] for t in c.tables],
            table_for_topic={c.topic_name(t): t.name + _CHANGES_SUFFIX for t in c.tables},
            dlq_topic=self.dlq_topic, account_id=_account_id(c.channel_name), upsert=warehouse.upsert,
            merge_interval_ms=warehouse.merge_interval_ms, provider=self.connect_provider,
            google_provider=self.google_provider,
            depends_on=[*self.sink_acls, *(t.resource for t in self.tables.values())])
        self.readers = Construct(self, "Readers")
        self.grants: list[dict[str, str]] = []

    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Grant ``principal`` read access to the channel.

        ``User:<name>``: Read (implying Describe) on every table topic, Read on consumer groups prefixed
        ``<name>.<channel>``. ``user:``/``group:``/``serviceAccount:``: ``roles/bigquery.dataViewer`` on the
        dataset (the change-log tables and latest-state views), with an IAM condition when ``expires``
        is set. Kafka ACLs cannot expire, so ``expires`` is rejected for Kafka principals.

        Raises:
            PrincipalError: the principal is neither form.
            ConstructPropsError: ``expires`` in the past, or given for a Kafka principal.
        """
        path = self.node.path
        c = self.channel
        if isinstance(principal, str) and principal.startswith("User:"):
            problems = ProblemCollector(path)
            check_kafka_principal(problems, "principal", principal)
            problems.raise_if_any(PrincipalError, f"invalid Kafka principal at {path}")
            props = ProblemCollector(path)
            props.check(expires is None, "expires", expires, "None for Kafka principals (Kafka ACLs cannot expire)")
            props.raise_if_any(ConstructPropsError, f"invalid grant at {path}")
            user = principal.split(":", 1)[1]
            created: list[Any] = []
            for name, topic in self.table_topics.items():
                created += grant_acls(
                    self.readers, principal=principal, resource_type="Topic", resource_name=topic.name_ref,
                    operations=("Read",), provider=self.kafka_provider, id_prefix=child_id("Topic", name))
            group = f"{user}.{c.channel_name}"
            created += grant_acls(
                self.readers, principal=principal, resource_type="Group", resource_name=group, prefixed=True,
                operations=("Read",), provider=self.kafka_provider, id_prefix="Group")
            self.grants.append({"principal": principal, "grant": f"consume {len(self.table_topics)} topics, "
                                f"groups {group}*"})
            return created
        problems = ProblemCollector(path)
        check_gcp_principal(problems, "principal", principal)
        problems.raise_if_any(PrincipalError, f"invalid principal at {path} (Kafka 'User:<name>' or a GCP member)")
        member = self.dataset.grant_read(principal, expires=expires)
        until = f" until {expires:%Y-%m-%d}" if expires else ""
        self.grants.append({"principal": principal,
                            "grant": f"dataViewer on {self.dataset.dataset_name} ({len(self.views)} views){until}"})
        return [member]

    def summary(self) -> dict[str, Any]:
        """Topics, connectors, tables, views and grants of this channel."""
        c = self.channel
        topics = [*c.table_topics.values(), *([c.history_topic] if c.history_topic else []), c.dlq_topic]
        return {
            "target": "gcp",
            "topics": topics,
            "connectors": [c.source_connector_name, c.sink_connector_name],
            "dataset": f"{self.warehouse.project}.{self.dataset.dataset_name}",
            "tables": [t.table_name for t in self.tables.values()],
            "views": [v.view_name for v in self.views.values()],
            "grants": list(self.grants),
        }


def _account_id(channel_name: str) -> str:
    from channelkit.constructs.naming import derive_service_account_id

    return derive_service_account_id(channel_name.replace("_", "-"))
