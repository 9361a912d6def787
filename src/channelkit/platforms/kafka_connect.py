"""Self-managed Kafka + Kafka Connect (or Confluent Platform, Aiven...): the ``Mongey`` providers.

``kafka=KafkaCluster(...)`` + ``connect=ConnectCluster(...)``. Below the channel's ``Target``:

- ``Topic-<table>`` per table, ``HistoryTopic`` (sources with a schema history), ``DlqTopic``: all
  ``prevent_destroy``;
- ``SourceAcls``, ``SinkAcls``: least-privilege Kafka ACLs, never on ``*``. The source gets
  Write/Describe/Create on its prefix ``<prefix>.`` (which covers the history topic) plus Read on the
  history topic and its group; the sink gets Read on each table topic (Kafka lets Read imply
  Describe), Read on its consumer group and Write on the DLQ;
- ``Source/Resource`` and ``Sink/Resource``: the connectors (``kafka-connect_connector``); secrets go
  only into ``config_sensitive``. A sink that needs AWS (the S3 lake) gets ``Sink/Policy``, attached
  to the workers' IAM role (``ConnectCluster(aws_role=...)``);
- ``Readers``: ACLs made by ``channel.grant_read`` for ``User:`` principals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit._cdk import cdk
from channelkit._stack import stack_provider
from channelkit.constructs._util import child_id
from channelkit.constructs.connect import connector_resource
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.constructs.kafka import INFINITE_RETENTION_MS, KafkaTopic, grant_acls
from channelkit.constructs.naming import check_kafka_principal
from channelkit.errors import ProblemCollector
from channelkit.providers.kafka import KafkaProvider
from channelkit.providers.kafka_connect import KafkaConnectProvider

from .base import ConnectorSecret, ConnectorSpec, Platform, PlatformDeployment

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["ConnectCluster", "KafkaCluster", "KafkaConnectDeployment", "KafkaConnectPlatform", "describe"]


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
        aws_role: name of the IAM role the workers run as (default None). Needed for a warehouse on
            AWS (the S3 lake): its sink's bucket and key permissions are attached to this role.
    """

    name: str
    url: str
    principal: str
    source_principal: str | None = None
    sink_principal: str | None = None
    aws_role: str | None = None


class KafkaConnectPlatform(Platform):
    """Self-managed Kafka with ACLs, and connectors on a Kafka Connect cluster."""

    reader_system: ClassVar[str | None] = "kafka"
    name: ClassVar[str] = "kafka-connect"
    kafka: KafkaCluster
    connect: ConnectCluster

    @classmethod
    def accepts(cls, kafka: Any, connect: Any) -> bool:
        """``KafkaCluster`` + ``ConnectCluster``."""
        return isinstance(kafka, KafkaCluster) and isinstance(connect, ConnectCluster)

    @property
    def broker_count(self) -> int:
        """Brokers of the cluster."""
        return self.kafka.broker_count

    @property
    def source_principal(self) -> str:
        """The principal the source connector's clients use."""
        return self.connect.source_principal or self.connect.principal

    @property
    def sink_principal(self) -> str:
        """The principal the sink connector's clients use."""
        return self.connect.sink_principal or self.connect.principal

    def check(self, problems: ProblemCollector, channel: Channel) -> None:
        """Principals of the connectors, and the workers' AWS role when the warehouse is on AWS."""
        check_kafka_principal(problems, "connect.source_principal", self.source_principal)
        check_kafka_principal(problems, "connect.sink_principal", self.sink_principal)
        if channel.warehouse.sink_cloud == "aws":
            problems.check(bool(self.connect.aws_role), "connect.aws_role", self.connect.aws_role,
                           "the IAM role name the Connect workers run as (the sink writes to S3 with it)")

    def deploy(self, channel: Channel, scope: Construct, *, local_emulator: bool) -> KafkaConnectDeployment:
        """Topics, ACLs and the providers; connectors follow through :meth:`KafkaConnectDeployment.deploy_connector`."""
        return KafkaConnectDeployment(self, channel, scope)


class KafkaConnectDeployment(PlatformDeployment):
    """Topics, ACLs and connectors of one channel on self-managed Kafka + Connect."""

    platform: KafkaConnectPlatform

    def __init__(self, platform: KafkaConnectPlatform, channel: Channel, scope: Construct) -> None:
        self.platform, self.channel, self.scope = platform, channel, scope
        kafka, connect, c = platform.kafka, platform.connect, channel
        stack = cdk.TerraformStack.of(channel)
        self.kafka_provider = stack_provider(stack, f"kafka-{kafka.name}", lambda s, i, a: KafkaProvider(
            s, i, bootstrap_servers=list(kafka.bootstrap_servers), tls_enabled=kafka.tls_enabled,
            sasl_mechanism=kafka.sasl_mechanism, alias=a))
        self.connect_provider = stack_provider(stack, f"connect-{connect.name}", lambda s, i, a: KafkaConnectProvider(
            s, i, url=connect.url, alias=a))
        rf = c.replication_factor
        self.table_topics: dict[str, KafkaTopic] = {
            t.name: KafkaTopic(
                scope, child_id("Topic", t.name), name=c.topic_name(t), partitions=c.partitions,
                replication_factor=rf, broker_count=kafka.broker_count, retention_ms=c.retention_ms,
                provider=self.kafka_provider)
            for t in c.tables
        }
        self.history_topic: KafkaTopic | None = None
        if c.history_topic is not None:
            self.history_topic = KafkaTopic(
                scope, "HistoryTopic", name=c.history_topic, partitions=1, replication_factor=rf,
                broker_count=kafka.broker_count, retention_ms=INFINITE_RETENTION_MS, cleanup_policy="delete",
                config={"retention.bytes": "-1"}, provider=self.kafka_provider)
        self.dlq_topic = KafkaTopic(
            scope, "DlqTopic", name=c.dlq_topic, partitions=1, replication_factor=rf, broker_count=kafka.broker_count,
            retention_ms=c.retention_ms, provider=self.kafka_provider)
        self.source_acls = self._source_acls()
        self.sink_acls = self._sink_acls()
        self.readers = Construct(scope, "Readers")
        self.grants: list[dict[str, str]] = []
        self.connectors: dict[str, Any] = {}

    def _acls(self, scope: Construct, principal: str, grants: Sequence[tuple[str, str, tuple[str, ...], str, bool]],
              ) -> list[Any]:
        created: list[Any] = []
        for resource_type, resource_name, operations, id_prefix, prefixed in grants:
            created += grant_acls(scope, principal=principal, resource_type=resource_type, resource_name=resource_name,
                                  operations=operations, prefixed=prefixed, provider=self.kafka_provider,
                                  id_prefix=id_prefix)
        return created

    def _source_acls(self) -> list[Any]:
        c = self.channel
        grants: list[tuple[str, str, tuple[str, ...], str, bool]] = [
            ("Topic", c.topic_prefix + ".", ("Write", "Describe", "Create"), "Prefix", True)]
        if self.history_topic is not None:
            grants += [("Topic", self.history_topic.name_ref, ("Read",), "History", False),
                       ("Group", f"{c.topic_prefix}-schemahistory", ("Read",), "HistoryGroup", False)]
        return self._acls(Construct(self.scope, "SourceAcls"), self.platform.source_principal, grants)

    def _sink_acls(self) -> list[Any]:
        grants: list[tuple[str, str, tuple[str, ...], str, bool]] = [
            ("Topic", topic.name_ref, ("Read",), child_id("Topic", name), False)
            for name, topic in self.table_topics.items()]
        grants += [("Group", self.channel.sink_group, ("Read",), "Group", False),
                   ("Topic", self.dlq_topic.name_ref, ("Write",), "Dlq", False)]
        return self._acls(Construct(self.scope, "SinkAcls"), self.platform.sink_principal, grants)

    def source_settings(self) -> dict[str, str]:
        """Nothing beyond the source's own config: the topics exist as resources, the history uses defaults."""
        return {}

    def password(
        self, scope: Construct, *, username: str, key: Any = None, for_db_user: bool = True,
    ) -> tuple[str | None, ConnectorSecret | None]:
        """No secret store: the DB user gets a ``random_password``, the connector its reference (sensitive config)."""
        return None, None

    def store_secret(self, scope: Construct, kind: str, name: str, value: str) -> ConnectorSecret:
        """The value goes into the connector's ``config_sensitive`` as it is."""
        return ConnectorSecret(value=value)

    def connector_scope(self, scope: Construct, kind: str) -> Construct:
        """A construct ``<kind>`` (``Source``, ``Sink``) holding the connector as ``Resource``."""
        return Construct(scope, kind)

    def deploy_connector(self, scope: Construct, spec: ConnectorSpec) -> Any:
        """A ``kafka-connect_connector`` (``<kind>/Resource``), after its ACLs and topics."""
        if spec.kind == "Source":
            depends = [*self.source_acls, *(t.resource for t in self.table_topics.values()),
                       *([self.history_topic.resource] if self.history_topic else []), *spec.depends_on]
        else:
            depends = [*self.sink_acls, *spec.depends_on, *(t.resource for t in self.table_topics.values()),
                       self.dlq_topic.resource]
            if spec.aws_statements and self.platform.connect.aws_role:
                from channelkit.constructs.aws import ManagedPolicy

                policy = ManagedPolicy(
                    scope, "Policy", name=f"{spec.name}-sink"[:128], statements=spec.aws_statements,
                    attach_to_roles=(self.platform.connect.aws_role,),
                    description=f"Kafka Connect sink {spec.name} of channel {self.channel.channel_name}")
                depends += policy.attachments
        connector = connector_resource(
            scope, "Resource", name=spec.name, config={"name": spec.name, **spec.config},
            sensitive={k: s.value for k, s in spec.secrets.items()} or None, provider=self.connect_provider,
            depends_on=depends)
        self.connectors[spec.kind] = connector
        return connector

    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Read (implying Describe) on every table topic, Read on consumer groups ``<user>.<channel>*``.

        Raises:
            PrincipalError: not ``User:<name>``.
            ConstructPropsError: ``expires`` given (Kafka ACLs cannot expire).
        """
        path = self.readers.node.path
        problems = ProblemCollector(path)
        check_kafka_principal(problems, "principal", principal)
        problems.raise_if_any(PrincipalError, f"invalid Kafka principal at {path}")
        props = ProblemCollector(path)
        props.check(expires is None, "expires", expires, "None for Kafka principals (Kafka ACLs cannot expire)")
        props.raise_if_any(ConstructPropsError, f"invalid grant at {path}")
        user = principal.split(":", 1)[1]
        group = f"{user}.{self.channel.channel_name}"
        grants: list[tuple[str, str, tuple[str, ...], str, bool]] = [
            ("Topic", topic.name_ref, ("Read",), child_id("Topic", name), False)
            for name, topic in self.table_topics.items()]
        grants.append(("Group", group, ("Read",), "Group", True))
        created = self._acls(self.readers, principal, grants)
        self.grants.append({"principal": principal,
                            "grant": f"consume {len(self.table_topics)} topics, groups {group}*"})
        return created

    def summary(self) -> dict[str, Any]:
        """Topics, connectors and Kafka grants."""
        c = self.channel
        return {
            "platform": self.platform.name,
            "topics": [*c.table_topics.values(), *([c.history_topic] if c.history_topic else []), c.dlq_topic],
            "connectors": [c.source_connector_name, c.sink_connector_name],
            "kafka_grants": list(self.grants),
        }


def describe(rtype: str, body: dict[str, Any], refs: dict[str, str]) -> list[tuple[str, str]]:
    """Report entries of self-managed Kafka resources: topics, connectors and ACLs."""
    if rtype == "kafka_topic":
        return [("topic", body["name"])]
    if rtype == "kafka-connect_connector":
        return [("connector", body["name"])]
    if rtype == "kafka_acl":
        pattern = "*" if body.get("resource_pattern_type_filter") == "Prefixed" else ""
        name = refs.get(body["resource_name"], body["resource_name"])
        return [("grant", f"{body['acl_principal']} {body['acl_operation']} {body['resource_type']} {name}{pattern}")]
    return []
