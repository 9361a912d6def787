"""Dataplex data quality: one scheduled data quality scan of a BigQuery table (``google_dataplex_datascan``).

:class:`QualityScan` holds typed :class:`ScanRule` props (never the generated structs) and turns each into
one ``data_quality_spec.rules`` block: ``non_null_expectation``, ``set_expectation``, ``range_expectation``,
``regex_expectation``, ``row_condition_expectation``, ``table_condition_expectation``, ``sql_assertion``
(``uniqueness_expectation`` too, though channelkit's own rules check uniqueness on the latest state with a
SQL assertion). The scan reads a table of type ``TABLE`` (the provider's ``data.resource``:
"BigQuery table of type TABLE ... for DataProfileScan/DataQualityScan", google 7.45.0,
``resource_dataplex_datascan.go``) and runs on ``execution_spec.trigger.schedule.cron``.

It runs as the project's Dataplex service agent: that agent must read the table (the same project: it
can), and the policy-tagged columns its rules name (BigQuery column-level security) need
``roles/datacatalog.categoryFineGrainedReader`` for it, granted outside channelkit (its e-mail carries the
project number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from constructs import Construct

from channelkit._text import literal, literal_dict, literal_or_none
from channelkit.props import Maybe, OneOf, Rule, Seq, Text, check_props
from channelkit.providers.google import DataplexDatascan
from channelkit.providers.google.dataplex_datascan import (
    DataplexDatascanData,
    DataplexDatascanDataQualitySpec,
    DataplexDatascanDataQualitySpecRules,
    DataplexDatascanDataQualitySpecRulesNonNullExpectation,
    DataplexDatascanDataQualitySpecRulesRangeExpectation,
    DataplexDatascanDataQualitySpecRulesRegexExpectation,
    DataplexDatascanDataQualitySpecRulesRowConditionExpectation,
    DataplexDatascanDataQualitySpecRulesSetExpectation,
    DataplexDatascanDataQualitySpecRulesSqlAssertion,
    DataplexDatascanDataQualitySpecRulesTableConditionExpectation,
    DataplexDatascanDataQualitySpecRulesUniquenessExpectation,
    DataplexDatascanExecutionSpec,
    DataplexDatascanExecutionSpecTrigger,
    DataplexDatascanExecutionSpecTriggerSchedule,
)

from ._util import init_construct, path_of
from .aws._common import Checks
from .bigquery import LABELS

__all__ = ["CRON", "DIMENSIONS", "RULE_KINDS", "QualityScan", "ScanRule"]

#: The built-in dimensions of Dataplex data quality (custom ones are upper case, at most 30 characters).
DIMENSIONS = ("COMPLETENESS", "ACCURACY", "CONSISTENCY", "VALIDITY", "UNIQUENESS", "FRESHNESS", "VOLUME")
#: The rule kinds a :class:`ScanRule` may be.
RULE_KINDS = ("non_null", "uniqueness", "set", "range", "regex", "row_condition", "table_condition",
              "sql_assertion")
#: A five-field cron schedule, optionally after ``TZ=<zone>`` (Dataplex ``Trigger.Schedule.cron``).
CRON = Text(r"(TZ=[A-Za-z_/+-]+ )?(\S+ ){4}\S+", min_len=9, max_len=200,
            what="a cron schedule of five fields, e.g. '0 3 * * *' (optionally 'TZ=Europe/Paris ' first)")
_SCAN_ID = Text(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", what="a data scan id: lower case letters, digits and '-', "
                                                        "starting with a letter, 1-63 characters")
_RULE_NAME = Text(r"[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?", what="a rule name: letters, digits and '-', "
                                                                  "starting with a letter, 1-63 characters")
_RESOURCE = re.compile(r"//bigquery\.googleapis\.com/projects/[^/]+/datasets/[^/]+/tables/[^/]+")


@dataclass(frozen=True, kw_only=True)
class ScanRule:
    """One rule of a :class:`QualityScan`.

    Args:
        name: unique in the scan (letters, digits, ``-``; 1-63).
        kind: one of :data:`RULE_KINDS`.
        dimension: the dimension it reports under (:data:`DIMENSIONS`).
        column: the column of a column rule (``non_null``, ``uniqueness``, ``set``, ``range``, ``regex``).
        values: the accepted values of a ``set`` rule.
        min_value: the lower bound of a ``range`` rule (a literal, e.g. ``"0"`` or ``"2020-01-01"``).
        max_value: the upper bound of a ``range`` rule.
        regex: the pattern of a ``regex`` rule.
        sql: the expression of a ``row_condition`` or ``table_condition`` rule, or the statement of a
            ``sql_assertion`` (rows it returns are failures).
        ignore_null: NULLs pass a column rule (default False).
        description: shown with the result (default empty).
    """

    name: str
    kind: str
    dimension: str
    column: str | None = None
    values: tuple[str, ...] = ()
    min_value: str | None = None
    max_value: str | None = None
    regex: str | None = None
    sql: str | None = None
    ignore_null: bool = False
    description: str = ""

    #: What each field accepts (the fields a kind needs are checked by the scan).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": _RULE_NAME,
        "kind": OneOf(RULE_KINDS),
        "dimension": Text(r"[A-Z][A-Z_]{0,29}", what="a dimension: COMPLETENESS, VALIDITY, UNIQUENESS, FRESHNESS... "
                                                    "(custom: upper case, at most 30 characters)"),
        "column": Maybe(Text(min_len=1, max_len=300, what="a column name")),
        "values": Seq(Text(max_len=1024), what="a list of values"),
        "description": Text(max_len=1024, printable=False, what="a description of at most 1024 characters"),
    }

    def block(self) -> DataplexDatascanDataQualitySpecRules:
        """This rule as the binding's ``rules`` block (every user string through :func:`literal`)."""
        expectation: dict[str, Any] = {}
        if self.kind == "non_null":
            expectation["non_null_expectation"] = DataplexDatascanDataQualitySpecRulesNonNullExpectation()
        elif self.kind == "uniqueness":
            expectation["uniqueness_expectation"] = DataplexDatascanDataQualitySpecRulesUniquenessExpectation()
        elif self.kind == "set":
            expectation["set_expectation"] = DataplexDatascanDataQualitySpecRulesSetExpectation(
                values=[literal(v) for v in self.values])
        elif self.kind == "range":
            expectation["range_expectation"] = DataplexDatascanDataQualitySpecRulesRangeExpectation(
                min_value=literal_or_none(self.min_value), max_value=literal_or_none(self.max_value))
        elif self.kind == "regex":
            expectation["regex_expectation"] = DataplexDatascanDataQualitySpecRulesRegexExpectation(
                regex=literal(self.regex or ""))
        elif self.kind == "row_condition":
            expectation["row_condition_expectation"] = DataplexDatascanDataQualitySpecRulesRowConditionExpectation(
                sql_expression=literal(self.sql or ""))
        elif self.kind == "table_condition":
            expectation["table_condition_expectation"] = (
                DataplexDatascanDataQualitySpecRulesTableConditionExpectation(sql_expression=literal(self.sql or "")))
        else:
            expectation["sql_assertion"] = DataplexDatascanDataQualitySpecRulesSqlAssertion(
                sql_statement=literal(self.sql or ""))
        column_rule = self.kind in ("non_null", "uniqueness", "set", "range", "regex")
        return DataplexDatascanDataQualitySpecRules(
            name=self.name, dimension=self.dimension, column=self.column if column_rule else None,
            description=literal_or_none(self.description),
            ignore_null=True if self.ignore_null and column_rule and self.kind != "non_null" else None,
            **expectation)


def _check_rule(problems: Any, at: str, rule: ScanRule) -> None:
    if not all(check_props(problems, ScanRule.PROPS, rule, prefix=f"{at}.").values()):
        return
    column_rule = rule.kind in ("non_null", "uniqueness", "set", "range", "regex")
    problems.check(not column_rule or rule.column is not None, f"{at}.column", rule.column,
                   f"the column a {rule.kind} rule is on")
    if rule.kind == "set":
        problems.check(bool(rule.values), f"{at}.values", rule.values, "at least one value")
    if rule.kind == "range":
        problems.check(rule.min_value is not None or rule.max_value is not None, f"{at}.min_value",
                       rule.min_value, "a bound (min_value, max_value or both)")
    if rule.kind == "regex":
        problems.check(isinstance(rule.regex, str) and bool(rule.regex), f"{at}.regex", rule.regex, "a pattern")
    if rule.kind in ("row_condition", "table_condition", "sql_assertion"):
        problems.check(isinstance(rule.sql, str) and bool(rule.sql.strip()), f"{at}.sql", rule.sql,
                       f"the SQL of a {rule.kind} rule")


class QualityScan(Construct):
    """A scheduled Dataplex data quality scan of one BigQuery table (``google_dataplex_datascan``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        scan_id: the data scan id (lower case letters, digits, ``-``; unique in the project and location).
        project: the GCP project of the scan (and the table).
        location: the scan's location (the dataset's location in lower case, e.g. ``eu`` or ``europe-west1``).
        table: the scanned table's full resource name,
            ``//bigquery.googleapis.com/projects/P/datasets/D/tables/T``.
        rules: the rules (at least one; names unique).
        cron: when it runs (default ``0 3 * * *``: daily at 03:00 UTC).
        row_filter: a ``WHERE`` expression every rule's rows pass through (default None: every row).
        description: shown in Dataplex (default empty).
        labels: GCP labels (default none).
        provider: the google provider (default: the stack's default one).
        depends_on: resources the scan is created after (default none; e.g. the table's).

    Attributes:
        resource: the ``google_dataplex_datascan``.
        rules: the rules as given.

    Raises:
        ConstructPropsError: a malformed scan id, location, table, cron, label or rule (every problem at once).
    """

    def __init__(
        self, scope: Construct, id: str, *, scan_id: str, project: str, location: str, table: str,
        rules: Sequence[ScanRule], cron: str = "0 3 * * *", row_filter: str | None = None, description: str = "",
        labels: Mapping[str, str] | None = None, provider: Any = None, depends_on: Sequence[Any] = (),
    ) -> None:
        """Check every prop, then create the scan."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        problems = checks.props
        _SCAN_ID.check(problems, "scan_id", scan_id)
        Text(r"[a-z]+(-[a-z]+[0-9]+)?", what="a location in lower case such as eu or europe-west1").check(
            problems, "location", location)
        problems.check(isinstance(table, str) and bool(_RESOURCE.fullmatch(table)), "table", table,
                       "//bigquery.googleapis.com/projects/P/datasets/D/tables/T")
        CRON.check(problems, "cron", cron)
        Maybe(Text(min_len=1, max_len=2000, what="a SQL WHERE expression")).check(problems, "row_filter", row_filter)
        Text(max_len=1024, printable=False).check(problems, "description", description)
        Maybe(LABELS).check(problems, "labels", labels)
        if problems.check(isinstance(rules, list | tuple) and bool(rules), "rules", rules,
                          "a non-empty list of ScanRule"):
            names: set[str] = set()
            for i, rule in enumerate(rules):
                at = f"rules[{i}]"
                if not problems.check(isinstance(rule, ScanRule), at, rule, "a ScanRule"):
                    continue
                problems.check(rule.name not in names, f"{at}.name", rule.name, "a rule name used once per scan")
                names.add(rule.name)
                _check_rule(problems, at, rule)
        checks.raise_if_any("invalid data quality scan at {path}")
        self.rules = tuple(rules)
        self.scan_id = scan_id
        self.resource = DataplexDatascan(
            self, "Resource", data_scan_id=scan_id, project=literal(project), location=literal(location),
            data=DataplexDatascanData(resource=literal(table)),
            execution_spec=DataplexDatascanExecutionSpec(trigger=DataplexDatascanExecutionSpecTrigger(
                schedule=DataplexDatascanExecutionSpecTriggerSchedule(cron=literal(cron)))),
            data_quality_spec=DataplexDatascanDataQualitySpec(
                rules=[r.block() for r in rules], row_filter=literal_or_none(row_filter)),
            description=literal_or_none(description), labels=literal_dict(labels) or None, provider=provider,
            depends_on=list(depends_on) or None)

    @property
    def path(self) -> str:
        """The construct path."""
        return path_of(self)
