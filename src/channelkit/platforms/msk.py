"""Amazon MSK with IAM access control + MSK Connect.

``kafka=MskCluster(...)`` + ``connect=MskConnect(...)``. Below the channel's ``Target``:

- no topic resources: the Debezium connector creates its topics (``topic.creation.*``), and IAM
  policies, not ACLs, say who may touch them;
- ``DbPassword``: a Secrets Manager secret whose password AWS generates; the connector reads it
  through MSK Connect's config provider (``${secretsmanager:...}``), never as a literal;
- ``WorkerConfiguration``, and per connector ``<Kind>Plugin``, ``<Kind>Role`` (exactly the channel's
  topics and groups, plus what the connector's other needs say) and ``<Kind>Connector``;
- ``Cluster``: the ``aws_msk_cluster`` data source, when the IAM bootstrap brokers are not given.

With a local emulator (moto) the MSK Connect resources are left out: moto has no MSK Connect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.claims import Claim
from channelkit.constructs.aws import (
    ChannelKey,
    Connector,
    CustomPlugin,
    GeneratedSecret,
    ServiceRole,
    Statement,
    WorkerConfiguration,
)
from channelkit.constructs.aws.rules import (
    MskClusterArn,
    check_bucket_name,
    check_msk_cluster_arn,
    parse_msk_cluster_arn,
)
from channelkit.constructs.errors import PrincipalError
from channelkit.errors import ProblemCollector
from channelkit.props import Integer, Maybe, OneOf, Rule, Seq, Text, check_props
from channelkit.providers.aws import AwsProvider, DataAwsMskCluster, SecretsmanagerSecret, SecretsmanagerSecretVersion

from .base import ConnectorSecret, ConnectorSpec, Platform, PlatformDeployment, cut_note, kafka_claims

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = [
    "AWS_PROVIDER_REQUIRED",
    "MSK_CONNECT_TYPES",
    "MskCluster",
    "MskConnect",
    "MskDeployment",
    "MskPlatform",
    "aws_name",
    "check_aws_region",
    "connector_role_name",
    "describe",
]

#: Resource types of MSK Connect, left out with a local emulator (moto has no MSK Connect API; the log
#: groups and connector roles go with the connectors).
MSK_CONNECT_TYPES: tuple[str, ...] = (
    "aws_cloudwatch_log_group",
    "aws_mskconnect_connector",
    "aws_mskconnect_custom_plugin",
    "aws_mskconnect_worker_configuration",
)

#: The AWS provider is the app's: its region, credentials and endpoints are the account's, not the channel's.
AWS_PROVIDER_REQUIRED: tuple[tuple[type, str], ...] = (
    (AwsProvider, "channelkit.constructs.aws.aws_provider(stack, region=...) in the stack before the Channel"),)



def check_aws_region(problems: ProblemCollector, field: str, region: Any, stack: Construct, value: Any = None) -> None:
    """Record a problem unless ``region`` is the region of the stack's default AWS provider.

    ``value`` is what the problem shows (default: ``region``), e.g. the ARN the region was read from.

    channelkit creates its AWS resources with the provider without alias (the app's, see
    :data:`AWS_PROVIDER_REQUIRED`), so a channel whose cluster or lake is in another region would not work:
    the lake's sink would look for its bucket elsewhere, the connectors' config provider for its secrets.
    A region given as a Terraform expression is not compared. A stack whose AWS providers all have an
    alias is a problem on ``provider``.
    """
    providers = [c for c in stack.node.children if isinstance(c, AwsProvider)]
    if not providers:
        return  # the missing provider is reported on its own (Platform.user_providers)
    default = next((p for p in providers if not p.alias), None)
    if default is None:
        if not any(p.field == "provider" for p in problems.problems):
            problems.add("provider", [p.alias for p in providers],
                         "an AWS provider without alias in the stack: channelkit's AWS resources use the default one")
        return
    given = default.tf_values.get("region")
    if isinstance(given, str) and isinstance(region, str) and "${" not in given + region and given != region:
        what = "a region" if value is None else f"a {field} in the region"
        problems.add(field, region if value is None else value,
                     f"{what} of the stack's AWS provider ({given!r}, not {region!r}): channelkit creates the "
                     "channel's AWS resources with that provider")


_MSK_INTERNAL = "__amazon_msk_connect_*"
_SUBNET = Text(r"subnet-[0-9a-f]{8,17}", what="a subnet id (subnet- and 8-17 hex digits)")
_SECURITY_GROUP = Text(r"sg-[0-9a-f]{8,17}", what="a security group id (sg- and 8-17 hex digits)")
_PORT = r"([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_BROKER = rf"[A-Za-z0-9]([A-Za-z0-9.-]{{0,251}}[A-Za-z0-9])?:{_PORT}"
#: An S3 object key: 1-1024 bytes of UTF-8 (Amazon S3 User Guide, "Naming Amazon S3 objects"), no leading '/'.
_OBJECT_KEY = Text(r"[^/].*", min_len=1, max_bytes=1024, what="an S3 object key (no leading '/')")
_IAM_AUTH = {
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "AWS_MSK_IAM",
    "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
    "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
}


#: The longest name :func:`aws_name` gives, and the longest IAM role name.
AWS_NAME_LIMIT, ROLE_NAME_LIMIT = 100, 64


def aws_name(name: str) -> str:
    """``name`` with every character outside ``[A-Za-z0-9-]`` as ``-``, at most 100 characters (MSK Connect names)."""
    return _aws_name_uncut(name)[:AWS_NAME_LIMIT]


def _aws_name_uncut(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-")


def connector_role_name(channel_name: str, kind: str) -> str:
    """The IAM role of the ``kind`` (``Source``, ``Sink``) MSK Connect connector: ``<channel>-<kind>-connector``.

    At most 64 characters (IAM's limit).

    Names are cut as they always were (renaming a role replaces it); two names the cut makes equal are a
    :class:`~channelkit.constructs.errors.CollisionError` (see :meth:`MskPlatform.claims`).
    """
    return f"{aws_name(channel_name)}-{kind.lower()}-connector"[:ROLE_NAME_LIMIT]


@dataclass(frozen=True, kw_only=True)
class MskCluster:
    """``kafka=`` prop: an existing MSK cluster with IAM access control, referenced by ARN.

    Partitions and replication of the topics come from the Channel (``partitions``,
    ``replication_factor``); the source connector creates the topics (``topic.creation.*``).

    Args:
        arn: the cluster ARN; topic and group ARNs in IAM policies are derived from it.
        bootstrap_brokers: the IAM (SASL/IAM, port 9098) bootstrap brokers (default None: read with the
            ``aws_msk_cluster`` data source).
        broker_count: brokers of the cluster (default 3; replication factors may not exceed it).
    """

    arn: str
    bootstrap_brokers: str | None = None
    broker_count: int = 3

    #: What each field accepts (the ARN is then parsed: see ``check_msk_cluster_arn``).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "arn": Text(min_len=1, what="an MSK cluster ARN"),
        "bootstrap_brokers": Maybe(Text(rf"{_BROKER}(,{_BROKER})*",
                                        what="comma-separated host:port of the IAM (port 9098) brokers")),
        "broker_count": Integer(min=1),
    }

    @property
    def name(self) -> str:
        """The cluster name (from the ARN; empty when the ARN is malformed)."""
        parsed = parse_msk_cluster_arn(self.arn)
        return parsed.name if parsed else ""

    @property
    def bootstrap_servers(self) -> str:
        """The IAM bootstrap brokers given (empty when they are looked up at plan time)."""
        return self.bootstrap_brokers or ""


@dataclass(frozen=True, kw_only=True)
class MskConnect:
    """``connect=`` prop: where MSK Connect runs the channel's connectors.

    Args:
        subnets: private subnet ids the workers run in (reach the cluster and the database).
        security_groups: security group ids of the workers.
        plugin_bucket: the S3 bucket holding the plugin archives.
        source_plugin_key: the Debezium connector archive (with msk-config-providers).
        sink_plugin_key: the sink connector archive (S3 sink, BigQuery sink...).
        name: a short name (default ``msk-connect``).
        kafkaconnect_version: ``2.7.1`` or ``3.7.x`` (default).
        mcu_count: MSK Connect units per worker (default 1).
        min_workers: autoscaling lower bound (default 1).
        max_workers: autoscaling upper bound (default 2).
    """

    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    plugin_bucket: str
    name: str = "msk-connect"
    source_plugin_key: str
    sink_plugin_key: str
    kafkaconnect_version: str = "3.7.x"
    mcu_count: int = 1
    min_workers: int = 1
    max_workers: int = 2

    #: What each field accepts. Capacity limits are MSK Connect's (API Reference, AutoScaling: mcuCount 1, 2, 4
    #: or 8; minWorkerCount and maxWorkerCount 1-10).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "subnets": Seq(_SUBNET, min_items=1, what="a list of subnet ids (not one string)"),
        "security_groups": Seq(_SECURITY_GROUP, min_items=1, what="a list of security group ids (not one string)"),
        "plugin_bucket": Text(min_len=1, what="an S3 bucket name"),
        "name": Text(r"[A-Za-z0-9-]+", min_len=1, max_len=64, what="a short name of letters, digits and '-'"),
        "source_plugin_key": _OBJECT_KEY,
        "sink_plugin_key": _OBJECT_KEY,
        "kafkaconnect_version": OneOf(("2.7.1", "3.7.x")),
        "mcu_count": Integer(choices=(1, 2, 4, 8)),
        "min_workers": Integer(1, 10),
        "max_workers": Integer(1, 10),
    }


class MskPlatform(Platform):
    """MSK (IAM access control) with connectors on MSK Connect."""

    owns_db_password: ClassVar[bool] = True
    name: ClassVar[str] = "msk"
    user_providers: ClassVar[tuple[tuple[type, str], ...]] = AWS_PROVIDER_REQUIRED
    kafka: MskCluster
    connect: MskConnect

    @classmethod
    def accepts(cls, kafka: Any, connect: Any) -> bool:
        """``MskCluster`` + ``MskConnect``."""
        return isinstance(kafka, MskCluster) and isinstance(connect, MskConnect)

    @property
    def broker_count(self) -> int:
        """Brokers of the cluster."""
        return self.kafka.broker_count

    @property
    def cluster(self) -> MskClusterArn | None:
        """The parsed cluster ARN (None when malformed)."""
        return parse_msk_cluster_arn(self.kafka.arn)

    @property
    def aws_account(self) -> str | None:
        """The AWS account of the cluster (from its ARN)."""
        return self.cluster.account if self.cluster else None

    @property
    def aws_region(self) -> str | None:
        """The AWS region of the cluster (from its ARN)."""
        return self.cluster.region if self.cluster else None

    def check(self, problems: ProblemCollector, channel: Channel) -> None:
        """Every prop of both: the cluster ARN, subnets, security groups, plugin bucket, version and capacity."""
        kafka_ok = check_props(problems, MskCluster.PROPS, self.kafka, prefix="kafka.")
        connect_ok = check_props(problems, MskConnect.PROPS, self.connect, prefix="connect.")
        if kafka_ok["arn"]:
            cluster = check_msk_cluster_arn(problems, "kafka.arn", self.kafka.arn)
            if cluster is not None and channel.stack is not None:
                check_aws_region(problems, "kafka.arn", cluster.region, channel.stack, value=self.kafka.arn)
        connect = self.connect
        if connect_ok["plugin_bucket"]:
            check_bucket_name(problems, "connect.plugin_bucket", connect.plugin_bucket)
        if connect_ok["min_workers"] and connect_ok["max_workers"]:
            problems.check(connect.min_workers <= connect.max_workers, "connect.max_workers", connect.max_workers,
                           f"an integer from min_workers ({connect.min_workers}) to 10")

    def claims(self, channel: Channel) -> list[Claim | tuple[str, str]]:
        """Topics and groups on the cluster, and the account's names: connectors, roles, secret, key alias...

        MSK Connect names, IAM role names (case-insensitive), the Secrets Manager secret, the KMS alias,
        the worker configuration and the Debezium plugin are unique per account and region; names cut to
        their limit are claimed as cut, so two that the cut makes equal collide.
        """
        name = aws_name(channel.channel_name)
        groups = [("sink", channel.sink_group)]
        if channel.history_topic is not None:
            groups.append(("schema history", f"{aws_name(channel.source_connector_name)}-schemahistory"))
        claims: list[Claim | tuple[str, str]] = [*kafka_claims(channel, f"MSK cluster {self.kafka.arn}", groups)]
        for kind, connector in (("Source", channel.source_connector_name), ("Sink", channel.sink_connector_name)):
            by, cut = kind.lower(), aws_name(connector)
            claims.append(Claim("MSK Connect connector", cut, by=by,
                                note=cut_note(_aws_name_uncut(connector), cut, "MSK Connect", AWS_NAME_LIMIT)))
            role, full = connector_role_name(channel.channel_name, kind), f"{name}-{by}-connector"
            claims.append(Claim("IAM role", role, by=f"{by} connector", fold="case",
                                note=cut_note(full, role, "IAM role", ROLE_NAME_LIMIT)))
        claims += [
            Claim("Secrets Manager secret", f"channelkit/{name}/db"),
            Claim("KMS alias", f"alias/channelkit/{name}"),
            Claim("MSK Connect worker configuration", f"{name}-workers"),
            Claim("MSK Connect custom plugin", f"{name}-debezium", by="source"),
        ]
        return claims

    def deploy(self, channel: Channel, scope: Construct, *, local_emulator: bool) -> MskDeployment:
        """The platform part; connectors follow through :meth:`MskDeployment.deploy_connector`."""
        return MskDeployment(self, channel, scope, local_emulator=local_emulator)


class MskDeployment(PlatformDeployment):
    """IAM policies, secrets and MSK Connect connectors of one channel."""

    platform: MskPlatform

    def __init__(self, platform: MskPlatform, channel: Channel, scope: Construct, *, local_emulator: bool) -> None:
        cluster = platform.cluster
        assert cluster is not None  # checked before
        self.platform, self.channel, self.scope, self.cluster = platform, channel, scope, cluster
        self.local_emulator = local_emulator
        self.connectors: dict[str, Connector] = {}
        self.roles: dict[str, ServiceRole] = {}
        self._key: ChannelKey | None = None
        self._worker: WorkerConfiguration | None = None
        self._bootstrap: str | None = None

    # -- names ------------------------------------------------------------------------------------------------
    def connector_name(self, kind: str) -> str:
        """The MSK Connect name of the ``kind`` connector."""
        c = self.channel
        return aws_name(c.source_connector_name if kind == "Source" else c.sink_connector_name)

    @property
    def history_group(self) -> str:
        """Consumer group Debezium reads the schema-history topic with."""
        return f"{self.connector_name('Source')}-schemahistory"

    # -- source -----------------------------------------------------------------------------------------------
    def source_settings(self) -> dict[str, str]:
        """Topic creation by the connector, and IAM-authenticated schema-history clients."""
        c = self.channel
        settings = {
            "topic.creation.enable": "true",
            "topic.creation.default.partitions": str(c.partitions),
            "topic.creation.default.replication.factor": str(c.replication_factor),
            "topic.creation.default.cleanup.policy": "delete",
            "topic.creation.default.retention.ms": str(c.retention_ms),
        }
        if c.history_topic:
            settings["schema.history.internal.kafka.bootstrap.servers"] = self.bootstrap
            settings["schema.history.internal.consumer.group.id"] = self.history_group
            for prefix in ("schema.history.internal.producer.", "schema.history.internal.consumer."):
                settings.update({prefix + k: v for k, v in _IAM_AUTH.items()})
        return settings

    @property
    def bootstrap(self) -> str:
        """The IAM bootstrap brokers (given, or read with the ``Cluster`` data source)."""
        if self._bootstrap is None:
            if self.platform.kafka.bootstrap_brokers:
                self._bootstrap = self.platform.kafka.bootstrap_brokers
            else:
                data = DataAwsMskCluster(self.scope, "Cluster", cluster_name=self.cluster.name)
                self._bootstrap = data.bootstrap_brokers_sasl_iam
        return self._bootstrap

    def key(self, offered: Any) -> ChannelKey:
        """The KMS key of the channel's secrets: the warehouse's when it offers one, else the platform's own."""
        if isinstance(offered, ChannelKey):
            return offered
        if self._key is None:
            name = self.channel.channel_name
            self._key = ChannelKey(self.scope, "SecretKey", alias=f"alias/channelkit/{aws_name(name)}",
                                   description=f"channelkit channel {name}")
        return self._key

    def password(
        self, scope: Construct, *, username: str, key: Any = None, for_db_user: bool = True,
    ) -> tuple[str | None, ConnectorSecret | None]:
        """A Secrets Manager secret (``DbPassword``) whose password AWS generates."""
        name = aws_name(self.channel.channel_name)
        secret = GeneratedSecret(scope, "DbPassword", name=f"channelkit/{name}/db", username=username,
                                 key=self.key(key), tags=self.channel.aws_tags)
        self.password_secret = secret
        return secret.password_value() if for_db_user else None, ConnectorSecret(
            value=secret.arn, placeholder=secret.placeholder("password"), statements=secret.grant_read())

    def store_secret(self, scope: Construct, kind: str, name: str, value: str) -> ConnectorSecret:
        """A Secrets Manager secret (``<Kind>Secret``) holding ``value``; the connector reads it by placeholder.

        The value reaches the Terraform state (it is written with ``secret_string``), never the configuration.
        """
        key = self.key(None)
        secret = SecretsmanagerSecret(scope, f"{kind}Secret", name=f"channelkit/{aws_name(self.channel.channel_name)}/"
                                      f"{kind.lower()}", kms_key_id=key.arn, tags=self.channel.aws_tags or None)
        SecretsmanagerSecretVersion(scope, f"{kind}SecretValue", secret_id=secret.id,
                                    secret_string=cdk.Fn.jsonencode({"value": value}))
        # A literal "${" must not reach Terraform as an interpolation: inside join(), cdktf escapes it to "$${".
        placeholder = cdk.Fn.join("", ["${secretsmanager:", secret.arn, ":value}"])
        statements = (Statement(sid=f"Read{kind}Secret", actions=("secretsmanager:GetSecretValue",),
                                resources=(secret.arn,)), key.grant_decrypt(f"Read{kind}SecretKms"))
        return ConnectorSecret(value=secret.arn, placeholder=str(placeholder), statements=statements)

    # -- connectors -------------------------------------------------------------------------------------------
    def connector_scope(self, scope: Construct, kind: str) -> Construct:
        """The channel's ``Target`` itself: MSK Connect ids carry the kind (``SourceRole``, ``SinkConnector``)."""
        return scope

    def kafka_statements(self, kind: str) -> list[Statement]:
        """The ``kafka-cluster:*`` statements of the ``Source`` or ``Sink`` connector role."""
        channel, cluster = self.channel, self.cluster
        tables = sorted(channel.table_topics.values())
        statements = [Statement(sid="KafkaConnect", actions=("kafka-cluster:Connect", "kafka-cluster:DescribeCluster"),
                                resources=(cluster.arn,))]
        groups: tuple[str, ...]
        if kind == "Source":
            history = channel.history_topic
            groups = (self.history_group,) if history else ()
            statements.append(Statement(sid="KafkaWriteTopics", actions=(
                "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                "kafka-cluster:DescribeTopicDynamicConfiguration", "kafka-cluster:WriteData"),
                resources=tuple(cluster.topic_arn(t) for t in [*tables, *(x for x in (history, channel.heartbeat_topic)
                                                                            if x)])))
            if history:
                statements.append(Statement(sid="KafkaReadHistory", actions=("kafka-cluster:ReadData",),
                                            resources=(cluster.topic_arn(history),)))
        else:
            groups = (channel.sink_group,)
            statements += [
                Statement(sid="KafkaReadTopics", actions=("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"),
                          resources=tuple(cluster.topic_arn(t) for t in tables)),
                Statement(sid="KafkaWriteDeadLetters", actions=(
                    "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"),
                    resources=(cluster.topic_arn(channel.dlq_topic),)),
            ]
        if groups:
            statements.append(Statement(sid="KafkaGroups", actions=(
                "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"),
                resources=tuple(cluster.group_arn(g) for g in groups)))
        statements += [
            Statement(sid="MskConnectInternalTopics", actions=(
                "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData",
                "kafka-cluster:WriteData"), resources=(cluster.topic_arn(_MSK_INTERNAL),)),
            Statement(sid="MskConnectInternalGroups", actions=(
                "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"),
                resources=(cluster.group_arn(_MSK_INTERNAL),)),
        ]
        return statements

    @property
    def worker_configuration(self) -> WorkerConfiguration:
        """The channel's worker configuration (JSON converters, client overrides, Secrets Manager provider)."""
        if self._worker is None:
            self._worker = WorkerConfiguration(
                self.scope, "WorkerConfiguration", name=f"{aws_name(self.channel.channel_name)}-workers",
                properties={
                    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                    "key.converter.schemas.enable": "false",
                    "value.converter.schemas.enable": "false",
                    "connector.client.config.override.policy": "All",
                    "config.providers": "secretsmanager",
                    "config.providers.secretsmanager.class":
                        "com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider",
                    "config.providers.secretsmanager.param.region": self.cluster.region,
                },
            )
        return self._worker

    def deploy_connector(self, scope: Construct, spec: ConnectorSpec) -> Connector | None:
        """``<Kind>Plugin``, ``<Kind>Role`` and ``<Kind>Connector`` (None with a local emulator)."""
        if self.local_emulator:
            return None
        connect, channel, kind = self.platform.connect, self.channel, spec.kind
        name = aws_name(channel.channel_name)
        plugin_key = connect.source_plugin_key if kind == "Source" else connect.sink_plugin_key
        plugin = CustomPlugin(
            scope, f"{kind}Plugin", name=f"{name}-{spec.plugin}",
            bucket_arn=f"arn:{self.cluster.partition}:s3:::{connect.plugin_bucket}", file_key=plugin_key,
            description=spec.description)
        config = dict(spec.config)
        statements: list[Statement] = [*self.kafka_statements(kind)]
        for config_key, secret in spec.secrets.items():
            config[config_key] = secret.placeholder or secret.value
            statements += secret.statements
        statements += spec.aws_statements
        role = ServiceRole(
            scope, f"{kind}Role", name=connector_role_name(channel.channel_name, kind),
            service="kafkaconnect.amazonaws.com",
            description=f"MSK Connect {kind.lower()} connector of channel {channel.channel_name}",
            statements=statements, tags=channel.aws_tags)
        self.roles[kind] = role
        if "name" in config:
            config["name"] = self.connector_name(kind)
        connector = Connector(
            scope, f"{kind}Connector", name=self.connector_name(kind), config=config, plugin=plugin,
            worker_configuration=self.worker_configuration, role=role, bootstrap_servers=self.bootstrap,
            subnets=connect.subnets, security_groups=connect.security_groups,
            kafkaconnect_version=connect.kafkaconnect_version, mcu_count=connect.mcu_count,
            min_workers=connect.min_workers, max_workers=connect.max_workers, log_retention_days=14,
            tags=channel.aws_tags)
        self.connectors[kind] = connector
        return connector

    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Kafka principals are not granted on MSK (IAM access control): always a typed error.

        Raises:
            PrincipalError: always; grant MSK readers an IAM policy of their own.
        """
        path = self.scope.node.path
        problems = ProblemCollector(path)
        problems.add("principal", principal, "an identity of the warehouse: MSK uses IAM access control, not "
                                             "Kafka ACLs, so Kafka principals cannot be granted here")
        problems.raise_if_any(PrincipalError, f"invalid reader at {path}")
        return []

    def summary(self) -> dict[str, Any]:
        """Topics (created by the source connector) and connectors."""
        c = self.channel
        return {
            "platform": self.platform.name,
            "topics": [*c.table_topics.values(), *(t for t in (c.history_topic, c.heartbeat_topic) if t), c.dlq_topic],
            "connectors": [self.connector_name("Source"), self.connector_name("Sink")],
            "kafka_grants": [],
        }



def describe(rtype: str, body: dict[str, Any], refs: dict[str, str]) -> list[tuple[str, str]]:
    """Report entries of MSK Connect resources: the connectors and the topics their configs name."""
    if rtype != "aws_mskconnect_connector":
        return []
    config = body.get("connector_configuration", {}) or {}
    topics = [("topic", t) for t in str(config.get("topics", "")).split(",") if t]
    return [("connector", body["name"]), *topics]
