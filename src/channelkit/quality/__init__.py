"""Data quality checks declared on tables and columns, run by each warehouse's engine.

Declare them on the data (``Column(checks=[...])``, ``Table(checks=[...])``, :mod:`.checks`); the Channel
checks them with the column types at synth (:mod:`.validate`); each warehouse turns a table's rules
(:mod:`.plan`) into its engine's language (:mod:`.render`): a Dataplex data quality scan on BigQuery
(:mod:`.gcp`), a Glue Data Quality ruleset in DQDL with its schedule on the S3 lake (:mod:`.aws`). The same
modules add DLP (Sensitive Data Protection on GCP, Macie on AWS) to every channel.
"""

from .checks import (
    COLUMN_CHECKS,
    TABLE_CHECKS,
    AcceptedValues,
    Check,
    Freshness,
    Matches,
    NotNull,
    Range,
    RowCondition,
    Unique,
)
from .plan import PlannedRule, table_rules
from .validate import check_column_checks, check_table_checks, re2_problem

__all__ = [
    "COLUMN_CHECKS",
    "TABLE_CHECKS",
    "AcceptedValues",
    "Check",
    "Freshness",
    "Matches",
    "NotNull",
    "PlannedRule",
    "Range",
    "RowCondition",
    "Unique",
    "check_column_checks",
    "check_table_checks",
    "re2_problem",
    "table_rules",
]
