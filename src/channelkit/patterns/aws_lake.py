"""The AWS target of a Channel: MSK (IAM auth) + MSK Connect + S3 + Glue + Lake Formation + Athena.

Use it through the Channel's props::

    Channel(stack, "orders", ...,
            kafka=MskCluster(arn="arn:aws:kafka:eu-west-1:123456789012:cluster/prod/...-1",
                             bootstrap_brokers="b-1.prod...:9098"),
            connect=MskConnect(subnets=("subnet-1",), security_groups=("sg-1",),
                               plugin_bucket="my-plugins", source_plugin_key="debezium-mysql.zip",
                               sink_plugin_key="s3-sink.zip"),
            warehouse=AwsLake(region="eu-west-1", bucket_name="acme-orders-cdc"))

What it builds, per channel:

- a KMS key (rotation on) and an S3 data bucket (SSE-KMS, versioned, public access blocked, TLS only,
  objects expire after the channel's retention);
- a Glue database and one external JSON table per source table (columns with types and comments,
  a ``dt`` partition key, parameters for owner, classification and source);
- an Athena workgroup (results encrypted with the channel key) and one latest-state named query per table;
- a Secrets Manager secret with a password Secrets Manager generates (write-only: never in state);
- MSK Connect: custom plugins, one worker configuration, a Debezium source and an S3 sink connector,
  each with its own execution role that may touch exactly the channel's topics and groups;
- Lake Formation: the bucket registered as a data location; readers get grants (PII columns left out).

**Protection.** The bucket, the key and the Glue tables carry ``prevent_destroy`` unless
``AwsLake(protect=False)`` (or the ``channelkit:protect`` context is ``false``).

**Local emulator switch.** ``AwsLake(local_emulator=True)`` leaves out what a local AWS emulator
(moto) cannot apply or destroy: every type in :data:`EMULATOR_OMITTED_TYPES` (MSK Connect with its log
groups and roles, Athena named queries) and Lake Formation column-level grants. Everything else is identical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from constructs import Construct

from .._cdk import cdk
from ..constructs.aws import (
    ChannelKey,
    ChannelKeyProps,
    Condition,
    Connector,
    ConnectorProps,
    CustomPlugin,
    CustomPluginProps,
    DataBucket,
    DataBucketProps,
    DataLocation,
    DataLocationProps,
    GeneratedSecret,
    GeneratedSecretProps,
    GlueColumn,
    GlueDatabase,
    GlueDatabaseProps,
    GlueTable,
    GlueTableProps,
    LakeGrant,
    LakeGrantProps,
    ManagedPolicy,
    ManagedPolicyProps,
    NamedQuery,
    NamedQueryProps,
    ServiceRole,
    ServiceRoleProps,
    Statement,
    WorkerConfiguration,
    WorkerConfigurationProps,
    Workgroup,
    WorkgroupProps,
)
from ..constructs.aws.rules import (
    MskClusterArn,
    check_bucket_name,
    check_glue_name,
    check_msk_cluster_arn,
    check_principal,
    check_region,
    check_retention_days,
    parse_arn,
    parse_msk_cluster_arn,
)
from ..errors import ProblemCollector, ValidationError
from ..providers.aws import DataAwsMskCluster
from ._shared import build_db_user
from .target import ChannelTarget
from .types import CDC_METADATA_TYPES, glue_type

if TYPE_CHECKING:
    from .channel import Channel

__all__ = [
    "EMULATOR_OMITTED_TYPES",
    "AwsLake",
    "AwsLakeTarget",
    "MskCluster",
    "MskConnect",
]

#: Resource types ``AwsLake(local_emulator=True)`` leaves out: moto has no MSK Connect API (the log groups
#: and connector roles go with the connectors), and moto cannot delete Athena named queries.
EMULATOR_OMITTED_TYPES: tuple[str, ...] = (
    "aws_athena_named_query",  # moto's DeleteNamedQuery leaves the query: destroy would wait forever
    "aws_cloudwatch_log_group",
    "aws_mskconnect_connector",
    "aws_mskconnect_custom_plugin",
    "aws_mskconnect_worker_configuration",
)

_MSK_INTERNAL = "__amazon_msk_connect_*"
_PARTITION_KEY = GlueColumn(name="dt", type="string", comment="UTC day the change was captured (YYYY-MM-dd)")
_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_SECURITY_GROUP = re.compile(r"^sg-[0-9a-f]{8,17}$")


@dataclass(frozen=True, kw_only=True)
class MskCluster:
    """``kafka=`` prop: an existing MSK cluster with IAM access control, referenced by ARN.

    Partitions and replication of the topics come from the Channel (``partitions``,
    ``replication_factor``); the source connector creates the topics (``topic.creation.*``).

    Attributes:
        arn: the cluster ARN; topic and group ARNs in IAM policies are derived from it.
        bootstrap_brokers: the IAM (SASL/IAM, port 9098) bootstrap brokers; when None they are read
            with the ``aws_msk_cluster`` data source.
        broker_count: brokers of the cluster (replication factors may not exceed it).
    """

    arn: str
    bootstrap_brokers: str | None = None
    broker_count: int = 3

    @property
    def name(self) -> str:
        """The cluster name (from the ARN; empty when the ARN is malformed)."""
        parsed = parse_msk_cluster_arn(self.arn)
        return parsed.name if parsed else ""

    @property
    def bootstrap_servers(self) -> str:
        """The IAM bootstrap brokers given (empty when they are looked up at plan time)."""
        return self.bootstrap_brokers or ""

    def problems(self, problems: ProblemCollector, field: str = "kafka") -> MskClusterArn | None:
        """Record what is wrong with these props; return the parsed ARN."""
        return check_msk_cluster_arn(problems, f"{field}.arn", self.arn)


@dataclass(frozen=True, kw_only=True)
class MskConnect:
    """``connect=`` prop: where MSK Connect runs the channel's connectors.

    Attributes:
        subnets: private subnet ids the workers run in (reach the cluster and the database).
        security_groups: security group ids of the workers.
        plugin_bucket: the S3 bucket holding the plugin archives.
        source_plugin_key: the Debezium connector archive (with msk-config-providers).
        sink_plugin_key: the S3 sink connector archive.
        name: a short name (the Channel's ``connect.name``).
        kafkaconnect_version: ``2.7.1`` or ``3.7.x``.
        mcu_count, min_workers, max_workers: capacity of each connector.
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

    def problems(self, problems: ProblemCollector, field: str = "connect") -> None:
        """Record what is wrong with these props."""
        for i, subnet in enumerate(self.subnets):
            problems.check(bool(_SUBNET.match(subnet)), f"{field}.subnets[{i}]", subnet,
                           "a subnet id (subnet- and 8-17 hex digits)")
        problems.check(bool(self.subnets), f"{field}.subnets", self.subnets, "at least one subnet id")
        for i, group in enumerate(self.security_groups):
            problems.check(bool(_SECURITY_GROUP.match(group)), f"{field}.security_groups[{i}]", group,
                           "a security group id (sg- and 8-17 hex digits)")
        problems.check(bool(self.security_groups), f"{field}.security_groups", self.security_groups,
                       "at least one security group id")
        check_bucket_name(problems, f"{field}.plugin_bucket", self.plugin_bucket)
        problems.check(self.kafkaconnect_version in ("2.7.1", "3.7.x"), f"{field}.kafkaconnect_version",
                       self.kafkaconnect_version, "2.7.1 or 3.7.x")


@dataclass(frozen=True, kw_only=True)
class AwsLake:
    """``warehouse=`` prop: the channel lands in S3, catalogued in Glue, governed by Lake Formation.

    Attributes:
        region: the AWS region of the stack (used in connector configs).
        bucket_name: the data bucket (default ``channelkit-<channel>-<account of the MSK cluster>``).
        database_name: the Glue database (default: the channel name, ``-`` → ``_``).
        data_prefix: the S3 prefix the sink writes under (``<prefix>/<topic>/dt=YYYY-MM-dd/``).
        protect: ``prevent_destroy`` on the bucket, the key and the Glue tables (default on). With
            ``False`` the bucket is also ``force_destroy``.
        local_emulator: leave out what a local emulator cannot apply (see the module docs).
        tags: tags on every taggable resource.
    """

    region: str
    bucket_name: str | None = None
    database_name: str | None = None
    data_prefix: str = "cdc"
    protect: bool = True
    local_emulator: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    #: The CDC password lives in the channel's generated Secrets Manager secret: sources give no password_ref.
    owns_db_password: bool = field(default=True, init=False)

    def create_target(self, channel: Channel, id: str) -> AwsLakeTarget:
        """Build the AWS target below ``channel``."""
        return AwsLakeTarget(channel, id, self)


def _glue_ident(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


def _dash(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-")[:100]


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


class AwsLakeTarget(ChannelTarget):
    """Everything AWS-specific below one Channel (see the module docs)."""

    reader_fields = ("aws",)

    def __init__(self, channel: Channel, id: str, lake: AwsLake) -> None:
        super().__init__(channel, id)
        self.lake = lake
        kafka = getattr(channel, "kafka", None)
        connect = getattr(channel, "connect", None)
        problems = ProblemCollector(self.node.path)
        check_region(problems, "warehouse.region", lake.region)
        cluster: MskClusterArn | None = None
        if isinstance(kafka, MskCluster):
            cluster = kafka.problems(problems)
        else:
            problems.add("kafka", kafka, "an MskCluster(...) (the AWS target runs on MSK with IAM access control)")
        if isinstance(connect, MskConnect):
            connect.problems(problems)
        else:
            problems.add("connect", connect, "an MskConnect(...) (the AWS target runs connectors on MSK Connect)")
        check_retention_days(problems, "retention", channel.retention_days)
        name = channel.channel_name
        account = cluster.account if cluster else "000000000000"
        self.bucket_name = lake.bucket_name or f"channelkit-{_dash(name).lower()}-{account}"
        check_bucket_name(problems, "warehouse.bucket_name", self.bucket_name)
        self.database_name = lake.database_name or _glue_ident(name)
        check_glue_name(problems, "warehouse.database_name", self.database_name)
        prefix_ok = bool(re.match(r"^[a-z0-9][a-z0-9/_-]*$", lake.data_prefix)) and not lake.data_prefix.endswith("/")
        problems.check(prefix_ok, "warehouse.data_prefix", lake.data_prefix,
                       "lowercase letters, digits, '/', '_', '-' (no trailing '/')")
        self.table_names = {t.name: _glue_ident(t.name) for t in channel.tables}
        for source_name, glue_name in self.table_names.items():
            check_glue_name(problems, f"tables[{source_name}].name", glue_name)
            for col in next(t for t in channel.tables if t.name == source_name).columns:
                check_glue_name(problems, f"tables[{source_name}].columns[{col.name}].name", _glue_ident(col.name))
        problems.raise_if_any(ValidationError, "invalid AWS lake target")
        assert cluster is not None and isinstance(kafka, MskCluster) and isinstance(connect, MskConnect)
        self.cluster, self.kafka, self.connect = cluster, kafka, connect
        self._grants: list[dict[str, Any]] = []
        self._reader_count = 0
        tags = {"channelkit:channel": name, **dict(lake.tags)}
        protect = lake.protect

        self.key = ChannelKey(self, "Key", ChannelKeyProps(
            alias=f"alias/channelkit/{_dash(name)}", description=f"channelkit channel {name}", protect=protect,
            tags=tags,
        ))
        self.bucket = DataBucket(self, "Bucket", DataBucketProps(
            bucket_name=self.bucket_name, key=self.key, expiration_days=channel.retention_days, protect=protect,
            tags=tags,
        ))
        self.database = GlueDatabase(self, "Database", GlueDatabaseProps(
            name=self.database_name, description=f"CDC channel {name} (channelkit)",
            parameters={"channelkit.channel": name, "channelkit.owner": _owner_name(channel)},
        ))
        self.tables: dict[str, GlueTable] = {}
        for table in channel.tables:
            self.tables[table.name] = self._glue_table(table, protect)
        self.workgroup = Workgroup(self, "Workgroup", WorkgroupProps(
            name=f"channelkit-{_dash(name)}", output_location=f"s3://{self.bucket_name}/athena-results/",
            kms_key_arn=self.key.arn, force_destroy=True, tags=tags,
        ))
        self.queries = {} if lake.local_emulator else {
            t.name: NamedQuery(self, f"Latest-{_dash(t.name)}", NamedQueryProps(
                name=f"{self.table_names[t.name]}_latest", database=self.database_name,
                query=self.latest_state_sql(t), workgroup=self.workgroup,
                description=f"Latest state of {t.name}: one row per primary key, deletes removed",
            ))
            for t in channel.tables
        }
        self.location = DataLocation(self, "DataLocation", DataLocationProps(arn=self.bucket.arn))
        self.secret = GeneratedSecret(self, "DbPassword", GeneratedSecretProps(
            name=f"channelkit/{_dash(name)}/db", username=_db_user(channel), kms_key_arn=self.key.arn, tags=tags,
        ))
        #: What the connector config holds instead of the password (MSK Connect's config provider resolves it).
        self.password_ref = f"${{secretsmanager:{self.secret.arn}:password}}"
        #: The CDC database user (when the source's ``manage_user`` is on), with the secret's password.
        self.db_user = build_db_user(self, channel, password=self.secret.password_value()) if channel.manage_db_user \
            else None
        self.connectors: dict[str, Connector] = {}
        if not lake.local_emulator:
            self._connect(tags)

    # ------------------------------------------------------------------ tables and queries
    def _glue_table(self, table: Any, protect: bool) -> GlueTable:
        channel = self.channel
        topic = channel.table_topics[table.name]
        columns = tuple(
            GlueColumn(
                name=_glue_ident(c.name), type=glue_type(c.type), comment=c.description or "",
                parameters={"classification": str(c.classification or ""), "pii": str(bool(c.pii)).lower()},
            )
            for c in table.columns
        ) + tuple(
            GlueColumn(name=n, type=glue_type(t), comment="CDC metadata added by Debezium ExtractNewRecordState")
            for n, t in CDC_METADATA_TYPES.items()
        )
        classifications = sorted({str(c.classification) for c in table.columns if c.classification})
        return GlueTable(self, f"Table-{_dash(table.name)}", GlueTableProps(
            database=self.database,
            name=self.table_names[table.name],
            columns=columns,
            partition_keys=(_PARTITION_KEY,),
            location=f"s3://{self.bucket_name}/{self.lake.data_prefix}/{topic}/",
            description=f"CDC of {_source_name(channel)} table {table.name} (channel {channel.channel_name})",
            owner=_owner_name(channel),
            parameters={
                "channelkit.owner": _owner_name(channel),
                "channelkit.owner_email": str(getattr(channel.owner, "email", "") or ""),
                "channelkit.classification": ",".join(classifications) or "unclassified",
                "channelkit.pii_columns": ",".join(sorted(_glue_ident(c.name) for c in table.columns if c.pii)),
                "channelkit.source": f"{_source_name(channel)}:{table.name}",
                "channelkit.topic": topic,
                "channelkit.primary_key": ",".join(_glue_ident(k) for k in _pk(table)),
                "channelkit.channel": channel.channel_name,
            },
            protect=protect,
        ))

    def latest_state_sql(self, table: Any) -> str:
        """Athena SQL of ``table``'s latest state: the newest change per primary key, deletes removed."""
        cols = ", ".join(_quote(_glue_ident(c.name)) for c in table.columns)
        keys = ", ".join(_quote(_glue_ident(k)) for k in _pk(table))
        source = f"{_quote(self.database_name)}.{_quote(self.table_names[table.name])}"
        return (
            f"SELECT {cols}\nFROM (\n  SELECT *, row_number() OVER (PARTITION BY {keys} "
            f'ORDER BY "__source_ts_ms" DESC) AS "__rn"\n  FROM {source}\n) AS changes\n'
            "WHERE \"__rn\" = 1 AND coalesce(\"__deleted\", 'false') <> 'true'"
        )

    # ------------------------------------------------------------------ MSK Connect
    def kafka_statements(self, role: str) -> list[Statement]:
        """The ``kafka-cluster:*`` statements of the ``source`` or ``sink`` connector role."""
        channel, cluster = self.channel, self.cluster
        tables = sorted(channel.table_topics.values())
        internal_topics = (cluster.topic_arn(_MSK_INTERNAL),)
        statements = [Statement(sid="KafkaConnect", actions=("kafka-cluster:Connect", "kafka-cluster:DescribeCluster"),
                                resources=(cluster.arn,))]
        if role == "source":
            history = channel.history_topic
            groups: tuple[str, ...] = (self.history_group,) if history else ()
            statements.append(Statement(sid="KafkaWriteTopics", actions=(
                "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                "kafka-cluster:DescribeTopicDynamicConfiguration", "kafka-cluster:WriteData"),
                resources=tuple(cluster.topic_arn(t) for t in [*tables, *([history] if history else [])])))
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
                "kafka-cluster:WriteData"), resources=internal_topics),
            Statement(sid="MskConnectInternalGroups", actions=(
                "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"),
                resources=(cluster.group_arn(_MSK_INTERNAL),)),
        ]
        return statements

    @property
    def source_connector_name(self) -> str:
        """Name of the Debezium source connector."""
        return _dash(self.channel.source_connector_name)

    @property
    def sink_connector_name(self) -> str:
        """Name of the S3 sink connector."""
        return _dash(self.channel.sink_connector_name)

    @property
    def history_group(self) -> str:
        """Consumer group Debezium reads the schema-history topic with."""
        return f"{self.source_connector_name}-schemahistory"

    def _bootstrap(self) -> str:
        if self.kafka.bootstrap_brokers:
            return self.kafka.bootstrap_brokers
        data = DataAwsMskCluster(self, "Cluster", cluster_name=self.cluster.name)
        return data.bootstrap_brokers_sasl_iam

    def source_config(self, bootstrap: str) -> dict[str, str]:
        """The Debezium connector configuration (password by reference to the secret)."""
        channel = self.channel
        iam = {
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "AWS_MSK_IAM",
            "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
            "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
        }
        extra: dict[str, str] = {
            "topic.creation.enable": "true",
            "topic.creation.default.partitions": str(channel.partitions),
            "topic.creation.default.replication.factor": str(channel.replication_factor),
            "topic.creation.default.cleanup.policy": "delete",
            "topic.creation.default.retention.ms": str(channel.retention_ms),
        }
        if channel.history_topic:
            extra["schema.history.internal.kafka.bootstrap.servers"] = bootstrap
            extra["schema.history.internal.consumer.group.id"] = self.history_group
            for prefix in ("schema.history.internal.producer.", "schema.history.internal.consumer."):
                extra.update({prefix + k: v for k, v in iam.items()})
        config = channel.debezium_config(self.password_ref, **extra)
        config["name"] = self.source_connector_name
        # A literal "${" must not reach Terraform as an interpolation: inside join(), cdktf escapes it to "$${".
        config["database.password"] = cdk.Fn.join("", ["${secretsmanager:", self.secret.arn, ":password}"])
        return {str(k): str(v) for k, v in config.items()}

    def sink_config(self) -> dict[str, str]:
        """The S3 sink connector configuration."""
        channel = self.channel
        return {
            "connector.class": "io.confluent.connect.s3.S3SinkConnector",
            "tasks.max": "1",
            "topics": ",".join(sorted(channel.table_topics.values())),
            "s3.bucket.name": self.bucket_name,
            "s3.region": self.lake.region,
            "s3.ssea.name": "aws:kms",
            "s3.sse.kms.key.id": self.key.arn,
            "topics.dir": self.lake.data_prefix,
            "storage.class": "io.confluent.connect.s3.storage.S3Storage",
            "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
            "path.format": "'dt'=YYYY-MM-dd",
            "partition.duration.ms": "86400000",
            "locale": "en-US",
            "timezone": "UTC",
            "timestamp.extractor": "Record",
            "flush.size": "1000",
            "rotate.schedule.interval.ms": "600000",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "false",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false",
            "consumer.override.group.id": channel.sink_group,
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": channel.dlq_topic,
            "errors.deadletterqueue.topic.replication.factor": str(channel.replication_factor),
            "errors.deadletterqueue.context.headers.enable": "true",
        }

    def _connect(self, tags: Mapping[str, str]) -> None:
        connect, name = self.connect, _dash(self.channel.channel_name)
        plugin_bucket_arn = f"arn:{self.cluster.partition}:s3:::{connect.plugin_bucket}"
        source_plugin = CustomPlugin(self, "SourcePlugin", CustomPluginProps(
            name=f"{name}-debezium", bucket_arn=plugin_bucket_arn, file_key=connect.source_plugin_key,
            description="Debezium source connector with msk-config-providers",
        ))
        sink_plugin = CustomPlugin(self, "SinkPlugin", CustomPluginProps(
            name=f"{name}-s3-sink", bucket_arn=plugin_bucket_arn, file_key=connect.sink_plugin_key,
            description="S3 sink connector",
        ))
        worker = WorkerConfiguration(self, "WorkerConfiguration", WorkerConfigurationProps(
            name=f"{name}-workers",
            properties={
                "key.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable": "false",
                "value.converter.schemas.enable": "false",
                "connector.client.config.override.policy": "All",
                "config.providers": "secretsmanager",
                "config.providers.secretsmanager.class":
                    "com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider",
                "config.providers.secretsmanager.param.region": self.lake.region,
            },
        ))
        source_role = ServiceRole(self, "SourceRole", ServiceRoleProps(
            name=f"{name}-source-connector"[:64], service="kafkaconnect.amazonaws.com",
            description=f"MSK Connect source connector of channel {self.channel.channel_name}",
            statements=(*self.kafka_statements("source"), self.secret.read_statement(),
                        self.key.decrypt_statement()),
            tags=tags,
        ))
        sink_role = ServiceRole(self, "SinkRole", ServiceRoleProps(
            name=f"{name}-sink-connector"[:64], service="kafkaconnect.amazonaws.com",
            description=f"MSK Connect S3 sink connector of channel {self.channel.channel_name}",
            statements=(*self.kafka_statements("sink"),
                        *self.bucket.write_statements(f"{self.lake.data_prefix}/"),
                        self.key.encrypt_decrypt_statement()),
            tags=tags,
        ))
        self.roles = {"source": source_role, "sink": sink_role}
        bootstrap = self._bootstrap()
        common = {
            "worker_configuration": worker, "bootstrap_servers": bootstrap, "subnets": connect.subnets,
            "security_groups": connect.security_groups, "kafkaconnect_version": connect.kafkaconnect_version,
            "mcu_count": connect.mcu_count, "min_workers": connect.min_workers, "max_workers": connect.max_workers,
            "log_retention_days": 14, "tags": tags,
        }
        self.connectors["source"] = Connector(self, "SourceConnector", ConnectorProps(
            name=self.source_connector_name, config=self.source_config(bootstrap), plugin=source_plugin,
            execution_role_arn=source_role.arn, **common,  # type: ignore[arg-type]
        ))
        self.connectors["sink"] = Connector(self, "SinkConnector", ConnectorProps(
            name=self.sink_connector_name, config=self.sink_config(), plugin=sink_plugin,
            execution_role_arn=sink_role.arn, **common,  # type: ignore[arg-type]
        ))

    # ------------------------------------------------------------------ readers
    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Grant ``principal`` read access to every table of the channel.

        Lake Formation: DESCRIBE on the database, SELECT + DESCRIBE on each table (every column but the
        PII ones). IAM (role ARNs): a managed policy for Athena, Glue, S3 and KMS, attached to the role;
        with ``expires`` every statement carries ``DateLessThan aws:CurrentTime``. Lake Formation grants
        cannot expire, so ``expires`` is only accepted for IAM role ARNs.
        """
        problems = ProblemCollector(self.node.path)
        check_principal(problems, "principal", principal)
        role = _iam_name(principal, "role")
        user = _iam_name(principal, "user")
        if expires is not None:
            problems.check(isinstance(expires, datetime) and expires.tzinfo is not None, "expires", expires,
                           "a timezone-aware datetime")
            problems.check(role is not None or user is not None, "expires", expires,
                           "only for IAM role or user principals: Lake Formation grants cannot expire, "
                           "IAM conditions can")
        problems.raise_if_any(ValidationError, "invalid read grant")
        self._reader_count += 1
        scope = Construct(self, f"Reader{self._reader_count}")
        created: list[Any] = [LakeGrant(scope, "Database", LakeGrantProps(
            principal=principal, permissions=("DESCRIBE",), database=self.database_name))]
        for table in self.channel.tables:
            pii = tuple(sorted(_glue_ident(c.name) for c in table.columns if c.pii))
            if pii and self.lake.local_emulator:
                continue  # column-level grants do not read back from moto: left out of emulator applies
            created.append(LakeGrant(scope, f"Table-{_dash(table.name)}", LakeGrantProps(
                principal=principal, permissions=("DESCRIBE", "SELECT"), database=self.database_name,
                table=self.table_names[table.name], excluded_columns=pii)))
        if role is not None or user is not None:
            statements = self.reader_statements()
            if expires is not None:
                stamp = expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                cond = Condition(test="DateLessThan", variable="aws:CurrentTime", values=(stamp,))
                statements = [s.with_conditions(cond) for s in statements]
            created.append(ManagedPolicy(scope, "Policy", ManagedPolicyProps(
                name=f"{_dash(self.channel.channel_name)}-reader-{self._reader_count}",
                description=f"Read channel {self.channel.channel_name}", statements=tuple(statements),
                attach_to_roles=(role,) if role else (), attach_to_users=(user,) if user else (),
            )))
        self._grants.append({"principal": principal, "expires": expires.isoformat() if expires else None})
        return created

    def reader_statements(self) -> list[Statement]:
        """IAM statements a reader needs next to its Lake Formation grants."""
        tables = tuple(t.arn for t in self.tables.values())
        return [
            self.workgroup.query_statement("AthenaQuery"),
            Statement(sid="GlueRead", actions=("glue:GetDatabase", "glue:GetTable", "glue:GetTables",
                                               "glue:GetPartition", "glue:GetPartitions"),
                      resources=(self.database.arn, *tables)),
            Statement(sid="LakeFormationData", actions=("lakeformation:GetDataAccess",), resources=("*",)),
            *self.bucket.read_statements(f"{self.lake.data_prefix}/", sid="DataRead"),
            *self.bucket.write_statements("athena-results/", sid="AthenaResults"),
            self.key.encrypt_decrypt_statement("KmsData"),
        ]

    def summary(self) -> dict[str, Any]:
        """Topics, connectors and grants of this channel."""
        channel = self.channel
        return {
            "target": "aws",
            "bucket": self.bucket_name,
            "database": self.database_name,
            "tables": {t: self.table_names[t] for t in self.tables},
            "topics": dict(channel.table_topics),
            "history_topic": channel.history_topic,
            "dlq_topic": channel.dlq_topic,
            "connectors": sorted(c.props.name for c in self.connectors.values()),
            "grants": list(self._grants),
            "local_emulator": self.lake.local_emulator,
            "protected": self.lake.protect,
        }


def _pk(table: Any) -> Sequence[str]:
    pk = table.primary_key
    return [pk] if isinstance(pk, str) else list(pk)


def _owner_name(channel: Any) -> str:
    owner = getattr(channel, "owner", None)
    return str(getattr(owner, "name", owner) or "")


def _source_name(channel: Any) -> str:
    source = channel.source
    kind = str(getattr(source, "engine", "") or type(source).__name__.removesuffix("Source").lower())
    database = getattr(source, "database", None) or getattr(source, "database_name", None) or ""
    return f"{kind}/{database}" if database else kind


def _db_user(channel: Any) -> str:
    source = channel.source
    for attr in ("user",):
        value = getattr(source, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(getattr(channel, "db_user_name", "") or f"cdc_{_glue_ident(channel.channel_name)}")


def _iam_name(principal: str, kind: str) -> str | None:
    """The role (``kind="role"``) or user name of an IAM ARN of that kind, else None."""
    arn = parse_arn(principal)
    if arn is None or arn.service != "iam" or not arn.resource.startswith(kind + "/"):
        return None
    return arn.resource.rsplit("/", 1)[-1]
