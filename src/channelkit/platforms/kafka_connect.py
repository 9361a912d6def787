"""Self-managed Kafka + Kafka Connect (or Confluent Platform, Aiven...): the ``Mongey`` providers.

``kafka=KafkaCluster(...)`` + ``connect=ConnectCluster(...)``. Below the channel's ``Target``:

- ``Topic-<table>`` per table, ``HistoryTopic`` (sources with a schema history), ``HeartbeatTopic``
  (sources that send heartbeats), ``DlqTopic``: all ``prevent_destroy``;
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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit._stack import stack_provider
from channelkit._text import literal_settings
from channelkit.claims import Claim
from channelkit.constructs._util import child_id
from channelkit.constructs.connect import connector_resource
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.constructs.kafka import INFINITE_RETENTION_MS, KafkaTopic, grant_acls
from channelkit.constructs.naming import HOST_PORT, check_kafka_principal
from channelkit.errors import ProblemCollector
from channelkit.props import Boolean, Instance, Integer, Maybe, OneOf, Rule, Seq, Text, check_props
from channelkit.providers.kafka import KafkaProvider
from channelkit.providers.kafka_connect import KafkaConnectProvider

from .base import ConnectorSecret, ConnectorSpec, Platform, PlatformDeployment, cut_note, kafka_claims

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = [
    "SASL_MECHANISMS",
    "ClientCredentials",
    "ConnectCluster",
    "KafkaCluster",
    "KafkaConnectDeployment",
    "KafkaConnectPlatform",
    "describe",
    "sink_policy_name",
]


#: ``KafkaCluster.sasl_mechanism`` (the provider's spelling) → the Kafka clients' ``sasl.mechanism``.
SASL_MECHANISMS: dict[str, str] = {
    "plain": "PLAIN", "scram-sha256": "SCRAM-SHA-256", "scram-sha512": "SCRAM-SHA-512", "oauthbearer": "OAUTHBEARER",
}
#: Client setting names whose values are secrets: they must be config-provider placeholders.
_SECRET_HINTS = ("password", "jaas", "secret", "token", "key.password")
_PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9_.-]+:[^{}]*\}")
#: IAM policy names are at most 128 characters.
_POLICY_LIMIT = 128


def sink_policy_name(connector: str) -> str:
    """The IAM policy (on the workers' role) of the sink connector ``connector``: ``<name>-sink``, cut to 128."""
    return f"{connector}-sink"[:_POLICY_LIMIT]


#: A short name used in construct ids and provider keys.
_SHORT_NAME = Text(r"[A-Za-z0-9_-]+", min_len=1, max_len=64, what="a short name of letters, digits, '_' and '-'")
_PRINCIPAL = Text(min_len=1, what="a Kafka principal 'User:<name>'")


@dataclass(frozen=True, kw_only=True)
class ClientCredentials:
    """How one connector's Kafka clients log in as the connector's own principal.

    The values reach the connector config as literals: Kafka Connect resolves them with a config
    provider on the worker (``FileConfigProvider``, ``DirectoryConfigProvider``, a secrets manager), so
    no secret is ever in the synthesized JSON.

    Args:
        settings: Kafka client settings that identify the principal, e.g. for SASL
            ``{"sasl.jaas.config": "${file:/etc/kafka-connect/secrets/source.properties:sasl.jaas.config}"}``, for
            mutual TLS ``{"ssl.keystore.location": "/etc/kafka-connect/tls/source.p12", "ssl.keystore.password":
            "${file:/etc/kafka-connect/secrets/source.properties:keystore.password}"}``. Every value of a setting
            that holds a secret (its name contains ``password``, ``jaas``, ``secret`` or ``token``) must be a
            config-provider placeholder ``${provider:path:key}``.
    """

    settings: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class KafkaCluster:
    """A self-managed (or Confluent/Aiven) Kafka cluster reached by the ``Mongey/kafka`` provider.

    Args:
        name: short name of the cluster (used in construct ids).
        bootstrap_servers: ``host:port`` of some brokers: a list or tuple, or one comma-separated string
            as Kafka clients take it (``"b1:9093,b2:9093"``; it is split at the commas, spaces around the
            commas dropped).
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

    #: What each field accepts (checked by the Channel, with the channel's path).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": _SHORT_NAME,
        "bootstrap_servers": Seq(Text(HOST_PORT, what="host:port (port 1-65535)"), min_items=1,
                                 what="brokers as a list or a comma-separated string"),
        "broker_count": Integer(min=1),
        "tls_enabled": Boolean(),
        "sasl_mechanism": Maybe(OneOf(tuple(SASL_MECHANISMS))),
    }

    def __post_init__(self) -> None:
        servers: Any = self.bootstrap_servers
        if isinstance(servers, str):  # the form Kafka clients take: "b1:9093,b2:9093"
            object.__setattr__(self, "bootstrap_servers", tuple(s.strip() for s in servers.split(",")))
        elif isinstance(servers, list):
            object.__setattr__(self, "bootstrap_servers", tuple(servers))

    @property
    def secured(self) -> bool:
        """Whether clients must use TLS or SASL (and so need credentials of their own)."""
        return self.tls_enabled or self.sasl_mechanism is not None

    def client_security(self) -> dict[str, str]:
        """The ``security.protocol`` (and ``sasl.mechanism``) every Kafka client of this cluster uses."""
        protocol = ("SASL_SSL" if self.tls_enabled else "SASL_PLAINTEXT") if self.sasl_mechanism else (
            "SSL" if self.tls_enabled else "PLAINTEXT")
        settings = {"security.protocol": protocol}
        if self.sasl_mechanism:
            settings["sasl.mechanism"] = SASL_MECHANISMS.get(self.sasl_mechanism, self.sasl_mechanism.upper())
        return settings


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
        source_credentials: how the source connector's clients log in as ``source_principal`` (default
            None). Required when ``source_principal`` differs from ``principal`` (channelkit then emits
            ``producer.override.*``), and for a source with a schema history on a TLS or SASL cluster (the
            history clients are the connector's own and never use the worker's login).
        sink_credentials: how the sink connector's clients log in as ``sink_principal`` (default None);
            required when ``sink_principal`` differs from ``principal`` (``consumer.override.*`` for the
            consumer, ``producer.override.*`` for the dead-letter producer, ``admin.override.*``).
        aws_role: name of the IAM role the workers run as (default None). Needed for a warehouse on
            AWS (the S3 lake): its sink's bucket and key permissions are attached to this role.

    The workers must allow client overrides: ``connector.client.config.override.policy=Principal``
    (enough for SASL) or ``All`` (mutual TLS).
    """

    name: str
    url: str
    principal: str
    source_principal: str | None = None
    sink_principal: str | None = None
    source_credentials: ClientCredentials | None = None
    sink_credentials: ClientCredentials | None = None
    aws_role: str | None = None

    #: What each field accepts (principals are also checked as Kafka principals, credentials setting by setting).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": _SHORT_NAME,
        "url": Text(r"https?://[^\s/?#]+(/\S*)?", what="an http:// or https:// URL of the Connect REST API"),
        "principal": _PRINCIPAL,
        "source_principal": Maybe(_PRINCIPAL),
        "sink_principal": Maybe(_PRINCIPAL),
        "source_credentials": Maybe(Instance((ClientCredentials,), "ClientCredentials(settings={...})")),
        "sink_credentials": Maybe(Instance((ClientCredentials,), "ClientCredentials(settings={...})")),
        # IAM role names: 1-64 of [A-Za-z0-9+=,.@_-] (IAM User Guide, "IAM object quotas" / CreateRole RoleName).
        "aws_role": Maybe(Text(r"[\w+=,.@-]+", min_len=1, max_len=64, what="an IAM role name (not an ARN)")),
    }


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
        """Every prop of both, principals and their credentials, and the workers' AWS role for a warehouse on AWS."""
        kafka_ok = check_props(problems, KafkaCluster.PROPS, self.kafka, prefix="kafka.")
        connect_ok = check_props(problems, ConnectCluster.PROPS, self.connect, prefix="connect.")
        if connect_ok["principal"] and connect_ok["source_principal"]:
            check_kafka_principal(problems, "connect.source_principal", self.source_principal)
        if connect_ok["principal"] and connect_ok["sink_principal"]:
            check_kafka_principal(problems, "connect.sink_principal", self.sink_principal)
        connect = self.connect
        history = bool(getattr(channel.source, "uses_history_topic", False))
        secured = kafka_ok["tls_enabled"] and kafka_ok["sasl_mechanism"] and self.kafka.secured
        for kind, principal, credentials in (("source", self.source_principal, connect.source_credentials),
                                             ("sink", self.sink_principal, connect.sink_credentials)):
            field = f"connect.{kind}_credentials"
            if credentials is None:
                if principal != connect.principal:
                    problems.add(field, None, f"the credentials {kind} clients log in as {principal} with: without "
                                              "them they log in as the worker's principal, which holds none of "
                                              f"the {kind}'s ACLs")
                elif kind == "source" and history and secured:
                    problems.add(field, None, "the credentials the schema-history clients log in with: they are "
                                              "the connector's own clients and never use the worker's login")
                continue
            if isinstance(credentials, ClientCredentials):
                _check_credentials(problems, field, credentials)
        if getattr(channel.warehouse, "sink_cloud", None) == "aws" and connect_ok["aws_role"]:
            problems.check(bool(self.connect.aws_role), "connect.aws_role", self.connect.aws_role,
                           "the IAM role name the Connect workers run as (the sink writes to S3 with it)")

    def claims(self, channel: Channel) -> list[Claim | tuple[str, str]]:
        """Topics and consumer groups on the Kafka cluster, connector names on the Connect cluster, the sink's policy.

        The clusters are identified by their ``name``: two ``KafkaCluster`` props with one name are one cluster.
        """
        groups = [("sink", channel.sink_group)]
        if channel.history_topic is not None:
            groups.append(("schema history", _history_group(channel)))
        claims: list[Claim | tuple[str, str]] = [
            *kafka_claims(channel, f"Kafka cluster {self.kafka.name}", groups),
            *(Claim("Kafka Connect connector", name, within=f"Kafka Connect cluster {self.connect.name}", by=by)
              for by, name in (("source", channel.source_connector_name), ("sink", channel.sink_connector_name))),
        ]
        if channel.warehouse.sink_cloud == "aws" and self.connect.aws_role:
            full = f"{channel.sink_connector_name}-sink"
            claims.append(Claim("IAM policy", sink_policy_name(channel.sink_connector_name), fold="case",
                                note=cut_note(full, full[:_POLICY_LIMIT], "IAM policy", _POLICY_LIMIT)))
        return claims
    def grant_can_expire(self, principal: str) -> bool:
        """Kafka ACLs cannot expire."""
        return False

    def deploy(self, channel: Channel, scope: Construct, *, local_emulator: bool) -> KafkaConnectDeployment:
        """Topics, ACLs and the providers; connectors follow through :meth:`KafkaConnectDeployment.deploy_connector`."""
        return KafkaConnectDeployment(self, channel, scope)


class KafkaConnectDeployment(PlatformDeployment):
    """Topics, ACLs and connectors of one channel on self-managed Kafka + Connect."""

    platform: KafkaConnectPlatform

    def __init__(self, platform: KafkaConnectPlatform, channel: Channel, scope: Construct) -> None:
        self.platform, self.channel, self.scope = platform, channel, scope
        kafka, connect, c = platform.kafka, platform.connect, channel
        stack = channel.stack
        # Keyed on every setting: a channel reaching the cluster (or Connect) otherwise gets a provider of its own.
        kafka_settings: dict[str, Any] = dict(bootstrap_servers=list(kafka.bootstrap_servers),
                                              tls_enabled=kafka.tls_enabled, sasl_mechanism=kafka.sasl_mechanism)
        self.kafka_provider = stack_provider(stack, f"kafka-{kafka.name}", lambda s, i, a: KafkaProvider(
            s, i, alias=a, **literal_settings(kafka_settings)), kafka_settings)
        connect_settings: dict[str, Any] = dict(url=connect.url)
        self.connect_provider = stack_provider(stack, f"connect-{connect.name}", lambda s, i, a: KafkaConnectProvider(
            s, i, alias=a, **literal_settings(connect_settings)), connect_settings)
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
        self.heartbeat_topic: KafkaTopic | None = None
        if c.heartbeat_topic is not None:  # heartbeats advance an idle source; one small partition, a day kept
            self.heartbeat_topic = KafkaTopic(
                scope, "HeartbeatTopic", name=c.heartbeat_topic, partitions=1, replication_factor=rf,
                broker_count=kafka.broker_count, retention_ms=86_400_000, provider=self.kafka_provider)
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
                       ("Group", self.history_group, ("Read",), "HistoryGroup", False)]
        return self._acls(Construct(self.scope, "SourceAcls"), self.platform.source_principal, grants)

    def _sink_acls(self) -> list[Any]:
        grants: list[tuple[str, str, tuple[str, ...], str, bool]] = [
            ("Topic", topic.name_ref, ("Read",), child_id("Topic", name), False)
            for name, topic in self.table_topics.items()]
        grants += [("Group", self.channel.sink_group, ("Read",), "Group", False),
                   ("Topic", self.dlq_topic.name_ref, ("Write",), "Dlq", False)]
        return self._acls(Construct(self.scope, "SinkAcls"), self.platform.sink_principal, grants)

    def client_settings(self, credentials: ClientCredentials | None) -> dict[str, str]:
        """The cluster's security settings plus ``credentials``, for one connector's clients.

        The connector L2 writes every config value as a literal (a ``${file:...}`` placeholder stays one).
        """
        settings = self.platform.kafka.client_security()
        if credentials is not None:
            settings.update(credentials.settings)
        return settings

    def _overrides(self, kind: str, prefixes: Sequence[str]) -> dict[str, str]:
        connect = self.platform.connect
        principal = self.platform.source_principal if kind == "Source" else self.platform.sink_principal
        if principal == connect.principal:
            return {}
        credentials = connect.source_credentials if kind == "Source" else connect.sink_credentials
        settings = self.client_settings(credentials)
        return {prefix + k: v for prefix in prefixes for k, v in settings.items()}

    def source_settings(self) -> dict[str, str]:
        """Client overrides for a per-connector principal, and the schema-history clients' login.

        The producer logs in as ``source_principal`` through ``producer.override.*``; the schema-history
        producer and consumer (the connector's own clients) get the cluster's security settings and the
        source credentials, and read with the consumer group the source's ACLs name.
        """
        settings = self._overrides("Source", ("producer.override.",))
        c = self.channel
        if c.history_topic is not None:
            history = self.client_settings(self.platform.connect.source_credentials)
            for prefix in ("schema.history.internal.producer.", "schema.history.internal.consumer."):
                settings.update({prefix + k: v for k, v in history.items()})
            settings["schema.history.internal.consumer.group.id"] = self.history_group
        return settings

    @property
    def history_group(self) -> str:
        """The consumer group Debezium's schema-history consumer reads with (the source's ACLs name it)."""
        return _history_group(self.channel)

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
            extra = [t.resource for t in (self.history_topic, self.heartbeat_topic) if t is not None]
            depends = [*self.source_acls, *(t.resource for t in self.table_topics.values()), *extra, *spec.depends_on]
        else:
            depends = [*self.sink_acls, *spec.depends_on, *(t.resource for t in self.table_topics.values()),
                       self.dlq_topic.resource]
            if spec.aws_statements and self.platform.connect.aws_role:
                from channelkit.constructs.aws import ManagedPolicy

                policy = ManagedPolicy(
                    scope, "Policy", name=sink_policy_name(spec.name), statements=spec.aws_statements,
                    attach_to_roles=(self.platform.connect.aws_role,),
                    description=f"Kafka Connect sink {spec.name} of channel {self.channel.channel_name}")
                depends += policy.attachments
        overrides = {} if spec.kind == "Source" else self._overrides(
            "Sink", ("consumer.override.", "producer.override.", "admin.override."))
        connector = connector_resource(
            scope, "Resource", name=spec.name, config={"name": spec.name, **spec.config, **overrides},
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
            "topics": [*c.table_topics.values(), *(t for t in (c.history_topic, c.heartbeat_topic) if t), c.dlq_topic],
            "connectors": [c.source_connector_name, c.sink_connector_name],
            "kafka_grants": list(self.grants),
        }


def _history_group(channel: Channel) -> str:
    return f"{channel.topic_prefix}-schemahistory"


def _check_credentials(problems: ProblemCollector, field: str, credentials: Any) -> None:
    settings = credentials.settings if isinstance(credentials, ClientCredentials) else None
    if not isinstance(settings, Mapping) or not settings:
        problems.add(field, credentials, "ClientCredentials(settings={...}) with at least one Kafka client setting")
        return
    for key, value in settings.items():
        where = f"{field}.settings[{key}]"
        if not (isinstance(key, str) and re.fullmatch(r"[a-z][a-z0-9.]*[a-z0-9]", key)):
            problems.add(where, key, "a Kafka client setting name such as sasl.jaas.config")
            continue
        if key in ("security.protocol", "sasl.mechanism", "bootstrap.servers"):
            problems.add(where, value, "nothing: channelkit sets it from the KafkaCluster props")
        elif not isinstance(value, str) or not value or value != value.strip():
            problems.add(where, value, "a non-empty string without surrounding whitespace")
        elif any(h in key for h in _SECRET_HINTS) and not _PLACEHOLDER.fullmatch(value):
            problems.add(where, "<redacted>", "a config-provider placeholder '${provider:path:key}', never a secret")


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
