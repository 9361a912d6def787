"""A channel's data quality rulesets, their schedules and its Macie job on the S3 lake (built by the lake).

Below the channel's ``Target``:

- ``QualityRole``: the role Glue Data Quality runs as (``glue.amazonaws.com``): reads the channel's Glue
  tables and data prefix (with the data key), publishes results and metrics, writes its logs; Lake
  Formation grants it ``DESCRIBE`` and ``SELECT`` on each checked table (``QualityGrant-<table>``), without
  the columns no rule reads (a row condition may read any: then every column);
- ``QualitySchedulerRole``: the role EventBridge Scheduler calls Glue with (``scheduler.amazonaws.com``): may
  only start evaluation runs of the channel's rulesets and pass ``QualityRole`` to Glue;
- ``Quality-<table>``: a :class:`~channelkit.constructs.aws.glue_quality.QualityRuleset` (DQDL) per table with
  rules, named ``channelkit-<channel>-<table>``, and ``QualitySchedule-<table>``: its daily evaluation;
- ``Macie``: a :class:`~channelkit.constructs.aws.macie.MacieJob` over the bucket's data prefix (it needs Macie
  enabled for the account: :class:`~channelkit.constructs.aws.cloudtrail.AwsAuditBaseline`).

With the local emulator, the rulesets and the Macie job are left out (moto has no Glue Data Quality and no
Macie classification jobs: :data:`EMULATOR_OMITTED`); the roles and schedules are applied.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from channelkit.claims import Claim
from channelkit.constructs._util import child_id
from channelkit.constructs.aws import LakeGrant, ServiceRole, Statement
from channelkit.constructs.aws.glue_quality import QualityRuleset, QualitySchedule
from channelkit.constructs.aws.macie import MacieJob
from channelkit.platforms.msk import aws_name
from channelkit.providers.aws import DataAwsCallerIdentity

from .plan import table_rules
from .render import dqdl_ruleset

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["EMULATOR_OMITTED", "LakeQuality", "lake_quality_claims", "ruleset_name"]

#: Resource types a channel leaves out with ``local_emulator`` (moto 5.2 has neither API).
EMULATOR_OMITTED: tuple[str, ...] = ("aws_glue_data_quality_ruleset", "aws_macie2_classification_job")
#: When the rulesets are evaluated: daily at 03:00 UTC.
QUALITY_SCHEDULE = "cron(0 3 * * ? *)"


def ruleset_name(channel_name: str, table: str) -> str:
    """The ruleset (and schedule) name of ``table``: ``channelkit-<channel>-<table>`` (at most 64)."""
    full = f"channelkit-{aws_name(channel_name)}-{aws_name(table)}"
    if len(full) <= 64:
        return full
    return full[:55] + "-" + hashlib.sha256(full.encode()).hexdigest()[:8]


def _role_names(channel_name: str) -> tuple[str, str]:
    """The two role names; a channel name too long for them is cut and ends in a digest (at most 64)."""
    name = aws_name(channel_name)
    out = []
    for suffix in ("quality", "quality-scheduler"):
        full = f"{name}-{suffix}"
        if len(full) > 64:
            digest = hashlib.sha256(full.encode()).hexdigest()[:8]
            full = f"{name[: 64 - len(suffix) - 10]}-{digest}-{suffix}"
        out.append(full)
    return out[0], out[1]


def lake_quality_claims(channel: Channel) -> list[Claim]:
    """The names the channel's quality roles, rulesets, schedules and Macie job take (account and region)."""
    evaluation, scheduler = _role_names(channel.channel_name)
    claims = [Claim("IAM role", evaluation, by="the data quality evaluation role", fold="case"),
              Claim("IAM role", scheduler, by="the data quality scheduler role", fold="case"),
              Claim("Macie classification job", f"channelkit-{aws_name(channel.channel_name)}")]
    for t in channel.tables:
        name = ruleset_name(channel.channel_name, t.name)
        claims += [Claim("Glue data quality ruleset", name, by=f"tables[{t.name}]"),
                   Claim("EventBridge schedule", name, by=f"tables[{t.name}]")]
    return claims


class LakeQuality:
    """The quality rulesets, schedules and Macie job of one channel on the S3 lake.

    Args:
        deployment: the channel's :class:`~channelkit.warehouses.s3_lake.AwsLakeDeployment` (bucket, key,
            database and tables exist).

    Attributes:
        rulesets: table name -> its :class:`QualityRuleset` (none in the emulator).
        schedules: table name -> its :class:`QualitySchedule`.
        macie: the :class:`MacieJob` (None in the emulator).
        dqdl: table name -> its DQDL document.
    """

    def __init__(self, deployment: Any) -> None:
        channel, lake, scope = deployment.channel, deployment.lake, deployment.scope
        name, tags, emulator = channel.channel_name, channel.aws_tags, deployment.emulator
        self.rulesets: dict[str, QualityRuleset] = {}
        self.schedules: dict[str, QualitySchedule] = {}
        self.dqdl: dict[str, str] = {}
        self.macie: MacieJob | None = None
        engine = channel.source.engine
        position = [n for n, _ in channel.source.position_columns]
        for t in channel.tables:
            types = {c.name: channel.column_type(t, c) for c in t.columns}
            planned = table_rules(t, types)
            if planned:
                glue_names = {c.name: _glue(c.name) for c in t.columns}
                self.dqdl[t.name] = dqdl_ruleset(planned, types, glue_names=glue_names, primary_key=t.primary_key,
                                                 position_columns=position, engine=engine)
        if not self.dqdl and emulator:
            return
        identity = DataAwsCallerIdentity(scope, "QualityAccount")
        account, region = identity.account_id, lake.region
        if self.dqdl:
            evaluation_name, scheduler_name = _role_names(name)
            tables = [deployment.tables[t] for t in self.dqdl]
            self.role = ServiceRole(
                scope, "QualityRole", name=evaluation_name, service="glue.amazonaws.com", tags=tags,
                description=f"Glue Data Quality evaluates channel {name}",
                statements=[
                    Statement(sid="GlueCatalog", actions=("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"),
                              resources=(f"arn:aws:glue:{region}:{account}:catalog", deployment.database.arn,
                                         *(t.arn for t in tables))),
                    Statement(sid="QualityResults", actions=("glue:PublishDataQuality", "glue:GetDataQualityRuleset"),
                              resources=(f"arn:aws:glue:{region}:{account}:dataQualityRuleset/"
                                         f"channelkit-{aws_name(name)}-*",)),
                    Statement(sid="LakeFormationData", actions=("lakeformation:GetDataAccess",), resources=("*",)),
                    *deployment.bucket.grant_read(f"{lake.data_prefix}/", sid="QualityData"),
                    Statement(sid="QualityMetrics", actions=("cloudwatch:PutMetricData",), resources=("*",)),
                    Statement(sid="QualityLogs", actions=("logs:CreateLogGroup", "logs:CreateLogStream",
                                                          "logs:PutLogEvents"),
                              resources=(f"arn:aws:logs:{region}:{account}:log-group:/aws-glue/*",)),
                ])
            self.scheduler_role = ServiceRole(
                scope, "QualitySchedulerRole", name=scheduler_name, service="scheduler.amazonaws.com", tags=tags,
                description=f"EventBridge Scheduler starts the quality runs of channel {name}",
                statements=[
                    Statement(sid="StartEvaluation", actions=("glue:StartDataQualityRulesetEvaluationRun",),
                              resources=(f"arn:aws:glue:{region}:{account}:dataQualityRuleset/"
                                         f"channelkit-{aws_name(name)}-*",)),
                    Statement(sid="PassEvaluationRole", actions=("iam:PassRole",), resources=(self.role.arn,),
                              conditions=()),
                ])
            for table_name, document in self.dqdl.items():
                table = deployment.tables[table_name]
                ruleset = ruleset_name(name, table_name)
                spec = next(t for t in channel.tables if t.name == table_name)
                excluded = tuple(sorted(_glue(c) for c in _unread_columns(spec)))
                if not (excluded and emulator):  # column-level grants do not read back from moto
                    LakeGrant(scope, child_id("QualityGrant", aws_name(table_name)), principal=self.role.arn,
                              permissions=("DESCRIBE", "SELECT"), database=deployment.database, table=table,
                              excluded_columns=excluded)
                if not emulator:
                    self.rulesets[table_name] = QualityRuleset(
                        scope, child_id("Quality", aws_name(table_name)), name=ruleset, ruleset=document,
                        table=table, database=deployment.database, tags=tags,
                        description=f"Quality of {table_name} (channel {name}): every captured version but "
                                    "deletes; uniqueness on the latest state")
                self.schedules[table_name] = QualitySchedule(
                    scope, child_id("QualitySchedule", aws_name(table_name)), name=ruleset,
                    database_name=deployment.database_name, table_name=deployment.table_names[table_name],
                    ruleset_names=[ruleset], evaluation_role=self.role, scheduler_role=self.scheduler_role,
                    expression=QUALITY_SCHEDULE, description=f"Daily quality run of {table_name} (channel {name})")
        if not emulator:
            self.macie = MacieJob(
                scope, "Macie", name=f"channelkit-{aws_name(name)}", account_id=account,
                bucket_name=deployment.bucket_name, prefix=f"{lake.data_prefix}/", tags=tags,
                description=f"Sensitive data in channel {name} (channelkit)")


def _unread_columns(table: Any) -> list[str]:
    """The declared columns no rule of ``table`` reads (left out of the evaluation role's grant)."""
    read = set(table.primary_key)
    for col in table.columns:
        if getattr(col, "checks", ()) or col.type.lower().startswith("enum("):
            read.add(col.name)
    for check in getattr(table, "checks", ()):
        column = getattr(check, "column", None)
        if column:
            read.add(column)
        if check.kind == "row-condition":  # a condition may name any column
            return []
    return [c.name for c in table.columns if c.name not in read]


def _glue(name: str) -> str:
    from channelkit.warehouses.s3_lake import glue_ident

    return glue_ident(name)
