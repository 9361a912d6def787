"""AWS Glue Data Quality: a DQDL ruleset on a Glue table, and the schedule that evaluates it.

- :class:`QualityRuleset` — ``aws_glue_data_quality_ruleset`` with its ``target_table``;
- :class:`QualitySchedule` — ``aws_scheduler_schedule`` calling Glue's ``StartDataQualityRulesetEvaluationRun``
  through the universal target of EventBridge Scheduler
  (``arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun``) with the evaluation run's
  request as ``input``: the table, the ruleset names and the role Glue runs as.

Two roles, least privilege: the **evaluation role** (assumed by ``glue.amazonaws.com``) reads the table's
objects and catalog entry and publishes results; the **scheduler role** (assumed by
``scheduler.amazonaws.com``) may only start evaluation runs and pass the evaluation role to Glue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
from ...providers.aws import GlueDataQualityRuleset, SchedulerSchedule
from ...providers.aws.glue_data_quality_ruleset import GlueDataQualityRulesetTargetTable
from ...providers.aws.scheduler_schedule import SchedulerScheduleFlexibleTimeWindow, SchedulerScheduleTarget
from .._util import init_construct
from ._common import ArnResource, Checks, check_construct, check_tags, check_text
from .glue import GlueDatabase, GlueTable
from .iam import ServiceRole

__all__ = ["START_EVALUATION_TARGET", "QualityRuleset", "QualitySchedule"]

#: EventBridge Scheduler's universal target for Glue's StartDataQualityRulesetEvaluationRun.
START_EVALUATION_TARGET = "arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun"
#: A ruleset name (Glue: 1-255 of the single-line string pattern); channelkit keeps to [A-Za-z0-9_.-].
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,255}")
#: A schedule name (EventBridge Scheduler: 1-64 of [0-9a-zA-Z-_.]).
_SCHEDULE_NAME = re.compile(r"[0-9A-Za-z_.-]{1,64}")
#: A Scheduler expression: cron(6 fields) or rate(n unit).
_EXPRESSION = re.compile(r"cron\((\S+ ){5}\S+\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)")
#: Glue's ``Ruleset`` is at most 65536 characters (CreateDataQualityRuleset).
RULESET_MAX = 65_536


class QualityRuleset(ArnResource, Construct):
    """A Glue Data Quality ruleset on one Glue table (``aws_glue_data_quality_ruleset``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the ruleset name (unique in the account and region; letters, digits, ``_.-``).
        ruleset: the DQDL document (``Rules = [ ... ]``; at most 65536 characters).
        table: the :class:`GlueTable` it evaluates.
        database: the table's :class:`GlueDatabase`.
        description: default empty.
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_glue_data_quality_ruleset``.
        ruleset_name: the name as given.

    Raises:
        ConstructPropsError: a malformed name, ruleset, table, description or tags.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, ruleset: str, table: GlueTable, database: GlueDatabase,
        description: str = "", tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop, then create the ruleset."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        checks.names.check(isinstance(name, str) and bool(_NAME.fullmatch(name)), "name", name,
                           "1-255 letters, digits, '_', '.' or '-'")
        checks.props.check(isinstance(ruleset, str) and ruleset.startswith("Rules = [") and ruleset.endswith("]")
                           and len(ruleset) <= RULESET_MAX, "ruleset", ruleset,
                           f"a DQDL document 'Rules = [ ... ]' of at most {RULESET_MAX} characters")
        check_construct(checks.props, "table", table, GlueTable)
        check_construct(checks.props, "database", database, GlueDatabase)
        check_text(checks.props, "description", description, max_len=2048)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid data quality ruleset at {path}")
        self.ruleset_name = name
        self.resource = GlueDataQualityRuleset(
            self, "Resource", name=name, ruleset=literal(ruleset), description=literal_or_none(description),
            target_table=GlueDataQualityRulesetTargetTable(database_name=database.name, table_name=table.name),
            tags=literal_map(tags))


class QualitySchedule(ArnResource, Construct):
    """Evaluate rulesets of one Glue table on a schedule (``aws_scheduler_schedule``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the schedule name (1-64 of ``[0-9A-Za-z_.-]``, unique in the default group).
        database_name: the Glue database of the table (a plain name).
        table_name: the Glue table (a plain name).
        ruleset_names: the rulesets to evaluate (plain names).
        evaluation_role: the role Glue runs the evaluation as (``glue.amazonaws.com``).
        scheduler_role: the role the scheduler calls Glue with (``scheduler.amazonaws.com``).
        expression: when (default ``cron(0 3 * * ? *)``: daily at 03:00 UTC).
        description: default empty.

    Attributes:
        resource: the ``aws_scheduler_schedule``.

    Raises:
        ConstructPropsError: a malformed name, expression, role or ruleset list.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, database_name: str, table_name: str,
        ruleset_names: Sequence[str], evaluation_role: ServiceRole, scheduler_role: ServiceRole,
        expression: str = "cron(0 3 * * ? *)", description: str = "",
    ) -> None:
        """Check every prop, then create the schedule (flexible window off, UTC)."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        checks.names.check(isinstance(name, str) and bool(_SCHEDULE_NAME.fullmatch(name)), "name", name,
                           "1-64 of [0-9A-Za-z_.-]")
        checks.props.check(isinstance(expression, str) and bool(_EXPRESSION.fullmatch(expression)), "expression",
                           expression, "cron(<6 fields>) or rate(<n> minutes|hours|days)")
        checks.props.check(isinstance(ruleset_names, list | tuple) and bool(ruleset_names) and all(
            isinstance(n, str) and _NAME.fullmatch(n) for n in ruleset_names), "ruleset_names", ruleset_names,
            "a non-empty list of ruleset names")
        check_construct(checks.props, "evaluation_role", evaluation_role, ServiceRole)
        check_construct(checks.props, "scheduler_role", scheduler_role, ServiceRole)
        check_text(checks.props, "description", description, max_len=512)
        checks.raise_if_any("invalid data quality schedule at {path}")
        request = {
            "DataSource": {"GlueTable": {"DatabaseName": database_name, "TableName": table_name}},
            "Role": "__ROLE__",
            "RulesetNames": list(ruleset_names),
        }
        body = json.dumps(request, separators=(",", ":"), sort_keys=True)
        head, tail = body.split('"__ROLE__"')
        self.resource = SchedulerSchedule(
            self, "Resource", name=name, schedule_expression=expression, schedule_expression_timezone="UTC",
            description=literal_or_none(description),
            flexible_time_window=SchedulerScheduleFlexibleTimeWindow(mode="OFF"),
            target=SchedulerScheduleTarget(arn=START_EVALUATION_TARGET, role_arn=scheduler_role.arn,
                                           input=literal(head) + f'"{evaluation_role.arn}"' + literal(tail)))
