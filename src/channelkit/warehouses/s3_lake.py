"""The S3 lake warehouse family: S3 + Glue + Lake Formation + Athena, with the Confluent S3 sink.

``warehouse=AwsLake(region=..., ...)``. Below the channel's ``Target``:

- ``Key``: a KMS key (rotation on); ``Bucket``: the data bucket (SSE-KMS, versioned, public access
  blocked, TLS only; objects expire after ``history_retention`` if set, else they are kept);
- ``Database`` and ``Table-<table>``: a Glue database and one external JSON table per source table
  (columns with types and comments, the CDC metadata and source position columns, a ``dt``
  partition key with partition projection matching the sink's ``path.format``, so Athena sees every day
  without ``MSCK REPAIR``/crawlers, parameters for owner, classification and source);
- ``Workgroup`` (results encrypted with the channel key) and ``Latest-<table>``: a latest-state
  named query per table (:func:`channelkit.sql.latest_state_sql`, Athena dialect);
- ``DataLocation``: the bucket registered with Lake Formation; ``Reader<N>``: read grants.

**Protection.** The bucket, the key and the Glue tables carry ``prevent_destroy`` unless
``AwsLake(protect=False)`` (or the ``channelkit:protect`` context is ``false``).

**Local emulator.** ``AwsLake(local_emulator=True)`` leaves out, in every part of the channel, what a
local AWS emulator (moto) cannot apply or destroy: :data:`EMULATOR_OMITTED_TYPES` and Lake Formation
column-level grants.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit.catalog.facts import glue_parameters
from channelkit.claims import Claim
from channelkit.columns import PORTABLE, LogicalType, athena_expression, wire_form
from channelkit.columns import glue_type as column_glue_type
from channelkit.constructs._util import child_id
from channelkit.constructs.aws import (
    ChannelKey,
    Condition,
    DataBucket,
    DataLocation,
    GlueColumn,
    GlueDatabase,
    GlueTable,
    LakeGrant,
    LfTag,
    LfTagAssignment,
    ManagedPolicy,
    NamedQuery,
    ServiceRole,
    Statement,
    Workgroup,
)
from channelkit.constructs.aws.kms import MACIE_SERVICE_ROLE
from channelkit.constructs.aws.rules import (
    AWS_TAG_KEY,
    AWS_TAG_VALUE,
    check_bucket_name,
    check_glue_name,
    check_principal,
    check_region,
    parse_arn,
)
from channelkit.constructs.debezium import CDC_METADATA_COLUMNS
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.errors import ProblemCollector
from channelkit.governance import CLEAR, LEVELS, channel_level, column_level, rank, visibility
from channelkit.patterns.model import Reader
from channelkit.platforms.base import ConnectorSpec
from channelkit.platforms.msk import AWS_PROVIDER_REQUIRED, MSK_CONNECT_TYPES, aws_name, check_aws_region
from channelkit.props import Boolean, Map, Maybe, Moment, Rule, Text, check_props
from channelkit.quality.aws import EMULATOR_OMITTED as QUALITY_EMULATOR_OMITTED
from channelkit.quality.aws import LakeQuality, lake_quality_claims
from channelkit.sql import latest_state_sql, quote_identifier

from .base import StorageFacts, Warehouse, WarehouseDeployment

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel
    from channelkit.patterns.model import Column, Table
    from channelkit.platforms import Platform, PlatformDeployment

__all__ = ["EMULATOR_OMITTED_TYPES", "AwsLake", "AwsLakeDeployment", "glue_ident", "describe"]

def classification_tag_key(channel_name: str) -> str:
    """The Lake Formation tag key of a channel's classification: ``channelkit-<channel>-classification``.

    One key per channel: a tag key is unique in the account, and channels of other apps may share it.
    """
    return f"channelkit-{aws_name(channel_name)}-classification"[:128]


#: The service principal of Lake Formation (its data access role).
LAKEFORMATION = "lakeformation.amazonaws.com"
#: Where Athena writes query results in the channel bucket (encrypted with the results key).
ATHENA_RESULTS_PREFIX = "athena-results/"

#: Resource types a channel leaves out with ``local_emulator``: moto has no MSK Connect API (the log
#: groups and connector roles go with the connectors), and moto cannot delete Athena named queries.
#: moto has no Glue Data Quality and no Macie classification jobs either (:mod:`channelkit.quality.aws`).
EMULATOR_OMITTED_TYPES: tuple[str, ...] = tuple(sorted(("aws_athena_named_query", *MSK_CONNECT_TYPES,
                                                        *QUALITY_EMULATOR_OMITTED)))

#: A Glue column comment: at most 255 characters, no control character but tab (Glue API, Column.Comment:
#: length 0-255, pattern [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*).
GLUE_COMMENT = Text(r"[\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff\t]*", max_len=255, printable=False,
                    what="a Glue column comment without line breaks")
_PARTITION_KEY = GlueColumn(name="dt", type="string", comment="UTC day the change was captured (YYYY-MM-dd)")
_PREFIX = re.compile(r"[a-z0-9][a-z0-9/_-]*")
#: The sink's ``path.format`` (Joda): one ``dt=YYYY-MM-dd`` directory per UTC day, the Glue partition key.
SINK_PATH_FORMAT = "'dt'=YYYY-MM-dd"
#: The first day the ``dt`` projection covers when the history is kept (no channel has data before it).
PROJECTION_START = "2024-01-01"
#: S3's largest lifecycle ``Expiration.Days`` (a positive 32-bit integer).
S3_MAX_EXPIRATION_DAYS = 2**31 - 1


def glue_ident(name: str) -> str:
    """``name`` as a Glue/Athena identifier: lower case, every other character ``_``."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


@dataclass(frozen=True, kw_only=True)
class AwsLake(Warehouse):
    """``warehouse=`` prop: the channel lands in S3, catalogued in Glue, governed by Lake Formation.

    Args:
        region: the AWS region of the stack (used in the sink's config).
        bucket_name: the data bucket (default ``channelkit-<channel>-<account>``, where the account is the
            platform's, e.g. the MSK cluster's; required on platforms that have no AWS account).
        database_name: the Glue database (default: the channel name, ``-`` → ``_``).
        data_prefix: the S3 prefix the sink writes under (default ``cdc``: ``cdc/<topic>/dt=YYYY-MM-dd/``).
        history_retention: how long the lake keeps change objects (whole days, >= 1; default None: the
            whole change history is kept, which the latest-state queries need to see rows that have not
            changed for a while). Independent of the channel's Kafka ``retention``. With a value, objects
            expire that many days after they are written and the ``dt`` projection starts that many days
            back.
        protect: ``prevent_destroy`` on the bucket, the key and the Glue tables (default on). With
            ``False`` the bucket is also ``force_destroy``.
        local_emulator: leave out what a local emulator cannot apply, in every part of the channel
            (default False; see the module docs).
        tags: tags on every taggable resource of the channel (default none besides ``channelkit:channel``).
    """

    region: str
    bucket_name: str | None = None
    database_name: str | None = None
    data_prefix: str = "cdc"
    history_retention: timedelta | None = None
    protect: bool = True
    local_emulator: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    reader_system: ClassVar[str] = "aws"
    sink_cloud: ClassVar[str] = "aws"
    name: ClassVar[str] = "s3-lake"
    user_providers: ClassVar[tuple[tuple[type, str], ...]] = AWS_PROVIDER_REQUIRED
    #: What each field accepts (names are checked by S3's and Glue's rules in ``check_names``).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "region": Text(min_len=1, what="an AWS region code"),
        "bucket_name": Maybe(Text(what="an S3 bucket name")),
        "database_name": Maybe(Text(what="a Glue database name")),
        "data_prefix": Text(r"[a-z0-9][a-z0-9/_-]*", min_len=1, max_len=512,
                            what="lowercase letters, digits, '/', '_', '-' (no trailing '/')"),
        "protect": Boolean(),
        "local_emulator": Boolean(),
        "tags": Map(AWS_TAG_KEY, AWS_TAG_VALUE, max_items=45, what="tags (at most 45 besides channelkit:channel)"),
    }

    def bucket(self, channel: Channel, platform: Platform | None) -> str:
        """The data bucket name of ``channel``."""
        account = (platform.aws_account if platform is not None else None) or "000000000000"
        return self.bucket_name or f"channelkit-{aws_name(channel.channel_name).lower()}-{account}"

    def database(self, channel: Channel) -> str:
        """The Glue database name of ``channel``."""
        return self.database_name or glue_ident(channel.channel_name)

    @property
    def history_days(self) -> int | None:
        """``history_retention`` in days, or None when the history is kept."""
        return None if self.history_retention is None else self.history_retention.days

    def storage_facts(self, channel: Channel, platform: Platform | None) -> StorageFacts:
        """The lake's region, history retention and protection; the channel's own KMS key encrypts it."""
        return StorageFacts(aws_region=self.region, retention_days=self.history_days, protected=self.protect is True,
                            customer_key=True, account=platform.aws_account if platform is not None else None)

    def resource_tags(self, channel: Channel) -> dict[str, str]:
        """``channelkit:channel`` plus the lake's ``tags``."""
        return {"channelkit:channel": channel.channel_name, **dict(self.tags)}

    def check(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """Every prop: region, history retention, data prefix, flags, tags, and a bucket name where needed."""
        ok = check_props(problems, AwsLake.PROPS, self, prefix="warehouse.")
        stack = getattr(channel, "stack", None)
        if ok["region"] and check_region(problems, "warehouse.region", self.region) and stack is not None:
            check_aws_region(problems, "warehouse.region", self.region, stack)
        h = self.history_retention
        problems.check(h is None or (isinstance(h, timedelta) and 1 <= h.days <= S3_MAX_EXPIRATION_DAYS
                                     and h == timedelta(days=h.days)),
                       "warehouse.history_retention", h,
                       f"None (keep the history) or a timedelta of whole days, 1 to {S3_MAX_EXPIRATION_DAYS} "
                       "(S3 lifecycle expiration days)")
        if ok["data_prefix"]:
            problems.check(not self.data_prefix.endswith("/"), "warehouse.data_prefix", self.data_prefix,
                           "lowercase letters, digits, '/', '_', '-' (no trailing '/')")
        if self.bucket_name is None and platform is not None:
            problems.check(platform.aws_account is not None, "warehouse.bucket_name", None,
                           "a bucket name: this platform has no AWS account to derive one from")

    def check_names(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """S3 bucket rules; Glue/Athena names for the database, tables and columns (after lower-casing); comments.

        Athena refuses every character but lower-case letters, digits and '_' in database, table and column
        names, and Glue stores names in lower case, at most 255 bytes (Amazon Athena User Guide, "Name
        databases, tables, and columns"). A table ``orders-v2`` becomes the Glue table ``orders_v2``; BigQuery's
        rules (no '-') are not applied here.
        """
        check_bucket_name(problems, "warehouse.bucket_name", self.bucket(channel, platform))
        check_glue_name(problems, "warehouse.database_name", self.database(channel))
        for t in channel.tables:
            check_glue_name(problems, f"tables[{t.name}].name", glue_ident(t.name))
            for col in t.columns:
                check_glue_name(problems, f"tables[{t.name}].columns[{col.name}].name", glue_ident(col.name))
                GLUE_COMMENT.check(problems, f"tables[{t.name}].columns[{col.name}].description", col.description)

    def grant_can_expire(self, principal: str) -> bool:
        """Only IAM role and user grants can expire (an IAM condition); Lake Formation grants cannot."""
        return _iam_name(principal, "role") is not None or _iam_name(principal, "user") is not None

    def claims(self, channel: Channel, platform: Platform) -> list[Claim | tuple[str, str]]:
        """The bucket (global), the Glue database, tables and columns, the workgroup and the key alias.

        Glue keeps names in lower case, so they are compared case-insensitively: two tables ``Orders`` and
        ``orders`` (or ``a-b`` and ``a_b``, both ``a_b``) would be one Glue table. A column may not take the
        name of the ``dt`` partition key. The workgroup and the KMS alias are unique per account and region.
        Athena named queries have ids, not unique names, so they claim nothing.
        """
        name, database = aws_name(channel.channel_name), self.database(channel)
        claims: list[Claim | tuple[str, str]] = [
            Claim("S3 bucket", self.bucket(channel, platform), fold="case"),
            Claim("Glue database", database, fold="case"),
            Claim("Athena workgroup", f"channelkit-{name}"),
            Claim("KMS alias", f"alias/channelkit/{name}"),
            Claim("KMS alias", f"alias/channelkit/{name}-results"),
            Claim("IAM role", f"{name}-lakeformation"[:64], by="the Lake Formation data access role", fold="case"),
        ]
        path = channel.path
        ids = f"channel {path} (Glue table and query construct ids)"
        for t in channel.tables:
            by = f"tables[{t.name}]"
            table = glue_ident(t.name)
            claims.append(Claim("Glue table", f"{database}.{table}", by=by, fold="case"))
            claims.append(Claim("table construct id", aws_name(t.name), within=ids, by=by,
                                note="the lake's construct ids of a table are its name with '-' for other characters"))
            # columns are unique per table; two tables taking one Glue table is the table's collision
            within = f"Glue table {str(database).lower()}.{table} ({by} of {path})"
            claims.append(Claim("Glue column", _PARTITION_KEY.name, within=within, by="the partition key"))
            claims += [Claim("Glue column", glue_ident(c.name), within=within, by=f"{by}.columns[{c.name}]",
                             fold="case") for c in t.columns]
        return claims + lake_quality_claims(channel)

    def deploy(self, channel: Channel, scope: Construct, platform: PlatformDeployment) -> AwsLakeDeployment:
        """The key, bucket, catalog and queries (the sink follows in :meth:`AwsLakeDeployment.deploy_sink`)."""
        return AwsLakeDeployment(self, channel, scope, platform)


class AwsLakeDeployment(WarehouseDeployment):
    """Key, bucket, Glue, Athena, Lake Formation and the S3 sink of one channel."""

    def __init__(self, lake: AwsLake, channel: Channel, scope: Construct, platform: PlatformDeployment) -> None:
        self.lake, self.channel, self.scope, self.platform = lake, channel, scope, platform
        name, tags, protect = channel.channel_name, channel.aws_tags, lake.protect
        self.emulator = channel.local_emulator
        self.bucket_name = lake.bucket(channel, platform.platform)
        self.database_name = lake.database(channel)
        self.table_names = {t.name: glue_ident(t.name) for t in channel.tables}
        # Macie classifies the channel's objects (channelkit.quality.aws): its role must decrypt them.
        self.key = ChannelKey(scope, "Key", alias=f"alias/channelkit/{aws_name(name)}",
                              description=f"channelkit channel {name}", protect=protect, tags=tags,
                              service_linked_roles=(MACIE_SERVICE_ROLE,))
        self.secret_key = self.key
        self.bucket = DataBucket(scope, "Bucket", bucket_name=self.bucket_name, key=self.key,
                                 expiration_days=lake.history_days, protect=protect, tags=tags)
        self.database = GlueDatabase(scope, "Database", name=self.database_name,
                                     description=f"CDC channel {name} (channelkit)",
                                     parameters={"channelkit.channel": name, "channelkit.owner": channel.owner.name,
                                                 **glue_parameters(channel)})
        self.tables: dict[str, GlueTable] = {t.name: self._glue_table(t) for t in channel.tables}
        # Readers never get the data key: query results are encrypted with a key of their own.
        self.results_key = ChannelKey(scope, "ResultsKey", alias=f"alias/channelkit/{aws_name(name)}-results",
                                      description=f"channelkit channel {name}: Athena query results",
                                      protect=protect, tags=tags)
        self.workgroup = Workgroup(scope, "Workgroup", name=f"channelkit-{aws_name(name)}",
                                   output_location=f"s3://{self.bucket_name}/{ATHENA_RESULTS_PREFIX}",
                                   key=self.results_key, force_destroy=True, tags=tags)
        # One latest-state query per table and reader clearance, selecting only what that clearance sees.
        self.queries: dict[tuple[str, str], NamedQuery] = {}
        if not self.emulator:
            for t in channel.tables:
                for clearance in self._reader_clearances():
                    self.query(t, clearance)
        self.classification_tag = LfTag(
            scope, "ClassificationTag", key=classification_tag_key(name), values=list(LEVELS))
        for t in channel.tables:
            self._tag_table(t)
        # Lake Formation reads the data for the readers (credential vending) with a role of its own, which holds
        # the data key; the service-linked role cannot be given a customer-managed key through IAM.
        self.location_role = ServiceRole(
            scope, "LakeFormationRole", name=f"{aws_name(name)}-lakeformation"[:64], service=LAKEFORMATION,
            statements=self.bucket.grant_read(f"{lake.data_prefix}/", sid="LakeFormationData"),
            description=f"Lake Formation reads channel {name} for its readers", tags=tags)
        self.location = DataLocation(scope, "DataLocation", bucket=self.bucket, role=self.location_role)
        self._grants: list[dict[str, Any]] = []
        self._reader_count = 0
        self.sink: Any = None
        #: Quality rulesets, their schedules and the Macie job (:mod:`channelkit.quality.aws`).
        self.quality = LakeQuality(self)

    def _glue_table(self, table: Table) -> GlueTable:
        channel = self.channel
        topic = channel.table_topics[table.name]
        source = f"{channel.source.engine}/{channel.source.database}"
        columns = tuple(
            _glue_column(c, channel.column_type(table, c), channel.source.engine) for c in table.columns
        ) + tuple(
            GlueColumn(name=n, type=column_glue_type(PORTABLE[t]), comment="CDC metadata added by Debezium "
                       "ExtractNewRecordState")
            for n, t in [*CDC_METADATA_COLUMNS, *channel.source.position_columns]
        )
        classifications = sorted({c.classification for c in table.columns})
        location = f"s3://{self.bucket_name}/{self.lake.data_prefix}/{topic}/"
        days = self.lake.history_days
        return GlueTable(
            self.scope, f"Table-{aws_name(table.name)}", database=self.database, name=self.table_names[table.name],
            columns=columns, partition_keys=(_PARTITION_KEY,),
            location=location,
            description=f"CDC of {source} table {table.name} (channel {channel.channel_name})",
            owner=channel.owner.name,
            parameters={
                "channelkit.owner": channel.owner.name,
                "channelkit.owner_email": channel.owner.email,
                "channelkit.classification": ",".join(classifications) or "unclassified",
                "channelkit.pii_columns": ",".join(sorted(glue_ident(c.name) for c in table.columns if c.pii)),
                "channelkit.source": f"{source}:{table.name}",
                "channelkit.topic": topic,
                "channelkit.primary_key": ",".join(glue_ident(k) for k in table.primary_key),
                "channelkit.channel": channel.channel_name,
                **glue_parameters(channel),
                # Partition projection: Athena computes each day's location, no partitions to add or repair.
                "projection.enabled": "true",
                "projection.dt.type": "date",
                "projection.dt.format": "yyyy-MM-dd",
                "projection.dt.range": f"NOW-{days}DAYS,NOW" if days else f"{PROJECTION_START},NOW",
                "projection.dt.interval": "1",
                "projection.dt.interval.unit": "DAYS",
                # "${dt}" is Athena's placeholder: GlueTable writes it as a literal ("$${dt}"), not an interpolation.
                "storage.location.template": location + "dt=${dt}/",
            },
            protect=self.lake.protect,
        )

    def _reader_clearances(self) -> list[str]:
        """``internal`` (the default clearance, query ``<table>_latest``), then each other one of ``readers=``."""
        held = {r.clearance for r in self.channel.readers if isinstance(r, Reader) and r.aws}
        return ["internal", *sorted(held - {"internal"}, key=rank)]

    def query(self, table: Table, clearance: str) -> NamedQuery | None:
        """The latest-state named query of ``table`` for ``clearance`` (made on first use), or None.

        ``<table>_latest`` for ``internal``, ``<table>_latest_<clearance>`` for the others. None when the
        clearance cannot see a primary-key column (the latest state is computed per key) or in the emulator.
        """
        key = (table.name, clearance)
        if key in self.queries or self.emulator:
            return self.queries.get(key)
        shown = self.visibility(table, clearance)
        if any(shown[k] != CLEAR for k in table.primary_key):
            return None
        suffix = "" if clearance == "internal" else f"_{clearance}"
        cid = f"Latest-{aws_name(table.name)}" + ("" if clearance == "internal" else f"-{clearance}")
        hidden = sorted(c for c, how in shown.items() if how != CLEAR)
        note = f"; without {', '.join(hidden)} (above clearance {clearance})" if hidden else ""
        self.queries[key] = NamedQuery(
            self.scope, cid, name=f"{self.table_names[table.name]}_latest{suffix}", database=self.database,
            query=self.latest_state_sql(table, clearance), workgroup=self.workgroup,
            description=f"Latest state of {table.name}: one row per primary key, deletes removed{note}")
        return self.queries[key]

    def _tag_table(self, table: Table) -> None:
        """The classification tag on the Glue table (its most sensitive level) and on each column (its level).

        One ``aws_lakeformation_resource_lf_tag`` per table and per column (``Tag-<table>``, and below it
        ``Column-<column>``): a change of one column's classification retags that column only.
        """
        glue = self.tables[table.name]
        on_table = LfTagAssignment(self.scope, f"Tag-{aws_name(table.name)}", tag=self.classification_tag,
                                   value=channel_level([table]), table=glue)
        for c in table.columns:
            LfTagAssignment(on_table, child_id("Column", c.name), tag=self.classification_tag,
                            value=column_level(c), table=glue, columns=[glue_ident(c.name)])

    def latest_state_sql(self, table: Table, clearance: str = "restricted") -> str:
        """Athena SQL of ``table``'s latest state: the newest change per primary key by source position.

        Columns the raw table holds in their wire form (dates as days, times and zone-less timestamps as epoch
        integers, bytes as base64) are selected converted (:func:`channelkit.columns.athena_expression`): the
        query returns ``date``, ``time(6)``, ``timestamp(6)`` and ``varbinary``.
        """
        database = quote_identifier(self.database_name, "athena")
        source = f"{database}.{quote_identifier(self.table_names[table.name], 'athena')}"
        engine = self.channel.source.engine
        shown = self.visibility(table, clearance)
        columns = [c for c in table.columns if shown[c.name] == CLEAR]
        expressions = {}
        for c in columns:
            name = glue_ident(c.name)
            expr = athena_expression(self.channel.column_type(table, c), quote_identifier(name, "athena"), engine)
            if expr is not None:
                expressions[name] = expr
        return latest_state_sql(
            source_table=source, columns=[glue_ident(c.name) for c in columns],
            primary_key=[glue_ident(k) for k in table.primary_key],
            position_columns=[n for n, _ in self.channel.source.position_columns], dialect="athena",
            expressions=expressions)

    def sink_config(self) -> dict[str, str]:
        """The Confluent S3 sink connector configuration.

        Its converters read the source's JSON with schemas (Debezium's records carry a ``{"schema", "payload"}``
        envelope), so ``JsonFormat`` writes one flat JSON object per record, line by line, under
        ``<data_prefix>/<topic>/dt=YYYY-MM-dd/`` (the Glue tables' partition projection).
        """
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
            "path.format": SINK_PATH_FORMAT,
            "partition.duration.ms": "86400000",
            "locale": "en-US",
            "timezone": "UTC",
            "timestamp.extractor": "Record",
            "flush.size": "1000",
            "rotate.schedule.interval.ms": "600000",
            # The source writes JSON with a schema envelope ({"schema", "payload"}): read it with schemas, so
            # JsonFormat writes the flat, unwrapped rows the Glue columns name (schemaless, every column is NULL).
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "true",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "true",
            "consumer.override.group.id": channel.sink_group,
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": channel.dlq_topic,
            "errors.deadletterqueue.topic.replication.factor": str(channel.replication_factor),
            "errors.deadletterqueue.context.headers.enable": "true",
        }

    def deploy_sink(self) -> Any:
        """The S3 sink on the platform, allowed to write the data prefix with the channel key."""
        c = self.channel
        scope = self.platform.connector_scope(self.scope, "Sink")
        self.sink = self.platform.deploy_connector(scope, ConnectorSpec(
            kind="Sink", name=c.sink_connector_name, config=self.sink_config(),
            plugin="s3-sink", aws_statements=self.bucket.grant_write(f"{self.lake.data_prefix}/"),
            depends_on=[t.resource for t in self.tables.values()], description="S3 sink connector"))
        return self.sink

    def grant_read(
        self, principal: str, *, expires: datetime | None = None, clearance: str = "internal",
    ) -> list[Any]:
        """Grant ``principal`` read access to every table of the channel, column by column as ``clearance`` allows.

        Lake Formation: DESCRIBE on the database, SELECT + DESCRIBE on each table, without the columns above
        ``clearance`` (Lake Formation cannot mask, so a column the reader may not see in clear is left out:
        :mod:`channelkit.governance.access`). IAM (role or user ARNs): a managed policy for Athena, the Glue
        catalog and the query results, attached to the principal; with ``expires`` every statement carries
        ``DateLessThan aws:CurrentTime``. The data itself is reached only through Lake Formation: the policy
        allows no ``s3:GetObject`` on the data prefix and no use of the data key. Lake Formation grants cannot
        expire, so ``expires`` is only accepted for IAM role and user ARNs.

        Raises:
            PrincipalError: a principal Lake Formation does not accept.
            ConstructPropsError: ``expires`` naive, in the past, or for a non-IAM principal.
        """
        path = self.scope.node.path
        problems = ProblemCollector(path)
        check_principal(problems, "principal", principal)
        problems.raise_if_any(PrincipalError, f"invalid principal at {path}")
        role, user = _iam_name(principal, "role"), _iam_name(principal, "user")
        if expires is not None:
            props = ProblemCollector(path)
            Moment().check(props, "expires", expires)  # the same rule as BigQuery's: aware, in the future
            props.check(role is not None or user is not None, "expires", expires,
                        "only for IAM role or user principals: Lake Formation grants cannot expire, IAM conditions can")
            props.raise_if_any(ConstructPropsError, f"invalid read grant at {path}")
        self._reader_count += 1
        scope = Construct(self.scope, f"Reader{self._reader_count}")
        created: list[Any] = [LakeGrant(scope, "Database", principal=principal, permissions=("DESCRIBE",),
                                        database=self.database)]
        for table in self.channel.tables:
            excluded = tuple(sorted(glue_ident(c) for c, shown in self.visibility(table, clearance).items()
                                    if shown != CLEAR))
            if excluded and self.emulator:
                continue  # column-level grants do not read back from moto: left out of emulator applies
            created.append(LakeGrant(scope, f"Table-{aws_name(table.name)}", principal=principal,
                                     permissions=("DESCRIBE", "SELECT"), database=self.database,
                                     table=self.tables[table.name], excluded_columns=excluded))
        if role is not None or user is not None:
            statements = self.reader_statements()
            if expires is not None:
                stamp = expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                cond = Condition(test="DateLessThan", variable="aws:CurrentTime", values=(stamp,))
                statements = [s.with_conditions(cond) for s in statements]
            created.append(ManagedPolicy(
                scope, "Policy", name=f"{aws_name(self.channel.channel_name)}-reader-{self._reader_count}",
                description=f"Read channel {self.channel.channel_name}", statements=tuple(statements),
                attach_to_roles=(role,) if role else (), attach_to_users=(user,) if user else ()))
        self._grants.append({"principal": principal, "expires": expires.isoformat() if expires else None,
                             "clearance": clearance})
        return created

    def visibility(self, table: Table, clearance: str) -> dict[str, str]:
        """``{column: clear | hidden}`` of ``table`` for a reader with ``clearance`` (the lake cannot mask)."""
        types = {c.name: self.channel.column_type(table, c) for c in table.columns}
        return visibility(table, types, clearance, can_mask=False)

    def reader_statements(self) -> list[Statement]:
        """IAM statements a reader needs next to its Lake Formation grants: Athena, the catalog, the results.

        Nothing here reads the data: no ``s3:GetObject`` on the data prefix and no use of the data key (Lake
        Formation vends the credentials for the columns it grants). The query results are written and read
        under :data:`ATHENA_RESULTS_PREFIX`, encrypted with the results key.
        """
        return [
            *self.workgroup.grant_query("AthenaQuery"),
            Statement(sid="GlueRead", actions=("glue:GetDatabase", "glue:GetTable", "glue:GetTables",
                                               "glue:GetPartition", "glue:GetPartitions"),
                      resources=(self.database.arn, *(t.arn for t in self.tables.values()))),
            Statement(sid="LakeFormationData", actions=("lakeformation:GetDataAccess",), resources=("*",)),
            *self.bucket.grant_write(ATHENA_RESULTS_PREFIX, sid="AthenaResults", key=self.results_key),
        ]

    def summary(self) -> dict[str, Any]:
        """Bucket, database, tables and grants."""
        return {
            "warehouse": self.lake.name,
            "bucket": self.bucket_name,
            "database": self.database_name,
            "tables": dict(self.table_names),
            "warehouse_grants": list(self._grants),
            "local_emulator": self.emulator,
            "protected": self.lake.protect,
        }


def _glue_column(column: Column, logical: LogicalType, engine: str) -> GlueColumn:
    parameters = {"classification": column.classification, "pii": str(bool(column.pii)).lower()}
    wire = wire_form(logical, engine)
    if wire is not None:  # the raw table holds the wire form; the latest-state query converts it
        parameters["channelkit.encoding"] = wire
    if not logical.portable:
        parameters["channelkit.source_type"] = logical.native
        if logical.values:
            parameters["channelkit.values"] = ",".join(logical.values)
    return GlueColumn(name=glue_ident(column.name), type=column_glue_type(logical), comment=column.description or "",
                      parameters=parameters)


def _iam_name(principal: str, kind: str) -> str | None:
    """The role (``kind="role"``) or user name of an IAM ARN of that kind, else None."""
    arn = parse_arn(principal)
    if arn is None or arn.service != "iam" or not arn.resource.startswith(kind + "/"):
        return None
    return arn.resource.rsplit("/", 1)[-1]


def describe(rtype: str, body: dict[str, Any], refs: dict[str, str]) -> list[tuple[str, str]]:
    """Report entries of the lake: the topic each Glue table reads, Lake Formation grants."""
    if rtype == "aws_glue_catalog_table":
        topic = (body.get("parameters") or {}).get("channelkit.topic")
        return [("topic", topic)] if topic else []
    if rtype != "aws_lakeformation_permissions":
        return []
    perms = ", ".join(body.get("permissions", []))
    if "database" in body:
        what = f"database {body['database']['name']}"
    else:
        table = body.get("table") or body.get("table_with_columns") or {}
        excluded = table.get("excluded_column_names") or []
        what = f"table {table.get('database_name')}.{table.get('name')}" + (
            f" (without {', '.join(excluded)})" if excluded else "")
    return [("grant", f"{body['principal']} {perms} on {what}")]
