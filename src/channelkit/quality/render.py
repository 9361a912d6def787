"""Quality rules in each engine's language: Dataplex scan rules (GoogleSQL) and a DQDL ruleset (Spark SQL).

Both read the warehouse's change log. Column rules and row conditions skip deletes (:data:`NOT_DELETED`);
uniqueness reads the latest state (BigQuery: the channel's latest-state view; Glue: the same latest-state
window over ``primary``, the ruleset's table); freshness reads the newest change (``__source_ts_ms``, epoch
milliseconds, or a declared date/time column). Regular expressions are anchored (``^(?:...)$``) so both
engines match the whole value. Bounds are written as each engine reads them: ISO dates and timestamps for
BigQuery; for Glue, dates, zone-less datetimes and timestamps in the form the S3 sink wrote them (days and
epoch integers, ISO-8601 text; :func:`channelkit.columns.wire_form`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from channelkit.columns import LogicalType
from channelkit.columns.native import BINLOG_ENGINES
from channelkit.constructs.dataplex import ScanRule
from channelkit.sql import quote_identifier

from .checks import AcceptedValues, Freshness, Matches, NotNull, Range, RowCondition, Unique
from .plan import PlannedRule

__all__ = ["NOT_DELETED", "dataplex_rules", "dqdl_ruleset"]

#: The rows column rules read: every version but deletes (``__deleted`` is ``"true"`` on a delete).
NOT_DELETED = "(__deleted IS NULL OR __deleted != 'true')"
_EPOCH = date(1970, 1, 1)


def _number(value: Any) -> str:
    """A number as a plain decimal literal (no exponent: DQDL's ``number`` has none)."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    return text


def _bigquery_bound(value: Any, logical: LogicalType) -> str:
    if logical.kind == "date":
        return value.isoformat()
    if logical.kind == "datetime":
        return value.isoformat(sep=" ")
    if logical.kind == "timestamp":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    return _number(value)


def dataplex_rules(
    rules: Sequence[PlannedRule], types: dict[str, LogicalType], *, view: str, primary_key: Sequence[str],
) -> list[ScanRule]:
    """The Dataplex rules of a table's planned rules.

    Args:
        rules: the table's :func:`~channelkit.quality.plan.table_rules`.
        types: column name -> logical type.
        view: the latest-state view, quoted (```project.dataset.table```), for uniqueness.
        primary_key: the table's key columns.
    """
    out: list[ScanRule] = []
    for rule in rules:
        check, column, name = rule.check, rule.column, rule.name
        q = quote_identifier(column) if column else ""
        how = "implied by the schema" if rule.implied else "declared"
        if isinstance(check, NotNull):
            out.append(ScanRule(name=name, kind="non_null", dimension=check.dimension, column=column,
                                description=f"{column} is never NULL ({how})"))
        elif isinstance(check, AcceptedValues):
            out.append(ScanRule(name=name, kind="set", dimension=check.dimension, column=column,
                                values=tuple(check.values), ignore_null=True,
                                description=f"{column} is one of the accepted values ({how})"))
        elif isinstance(check, Range):
            logical = types[column or ""]
            out.append(ScanRule(
                name=name, kind="range", dimension=check.dimension, column=column, ignore_null=True,
                min_value=None if check.min is None else _bigquery_bound(check.min, logical),
                max_value=None if check.max is None else _bigquery_bound(check.max, logical),
                description=f"{column} lies in its range ({how})"))
        elif isinstance(check, Matches):
            out.append(ScanRule(name=name, kind="regex", dimension=check.dimension, column=column, ignore_null=True,
                                regex=f"^(?:{check.pattern})$", description=f"{column} matches its pattern ({how})"))
        elif isinstance(check, Unique):
            sql = (f"SELECT {q} FROM {view} WHERE {q} IS NOT NULL GROUP BY {q} HAVING COUNT(*) > 1")
            out.append(ScanRule(name=name, kind="sql_assertion", dimension=check.dimension, sql=sql,
                                description=f"{column} is unique in the latest state (rows returned are duplicates)"))
        elif isinstance(check, RowCondition):
            out.append(ScanRule(name=name, kind="row_condition", dimension=check.dimension, sql=check.sql,
                                description="every row satisfies the condition (declared)"))
        elif isinstance(check, Freshness):
            newest = _bigquery_newest(check, types)
            seconds = int(check.max_age.total_seconds())
            out.append(ScanRule(
                name=name, kind="table_condition", dimension=check.dimension,
                sql=f"TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), {newest}, SECOND) <= {seconds}",
                description=f"the newest change is at most {seconds} s old"))
    return out


def _bigquery_newest(check: Freshness, types: dict[str, LogicalType]) -> str:
    if check.column is None:
        return "TIMESTAMP_MILLIS(MAX(__source_ts_ms))"
    q = quote_identifier(check.column)
    return f"MAX({q})" if types[check.column].kind == "timestamp" else f"TIMESTAMP(MAX({q}))"


# -- DQDL ------------------------------------------------------------------------------------------------------
def _spark(name: str) -> str:
    return quote_identifier(name, "athena").replace('"', "`")


def _epoch_divisor(logical: LogicalType, engine: str) -> int:
    """Epoch units per second of a zone-less datetime on the wire (ms for MySQL fsp 0-3, else µs)."""
    return 1000 if engine in BINLOG_ENGINES and (logical.precision or 0) <= 3 else 1_000_000


def _glue_bound(value: Any, logical: LogicalType, engine: str) -> str:
    """A bound as the raw Glue column holds it (Spark SQL literal)."""
    if logical.kind == "date":
        return str((value - _EPOCH).days)
    if logical.kind == "datetime":
        delta = value - datetime(1970, 1, 1)
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return str(micros * _epoch_divisor(logical, engine) // 1_000_000)
    if logical.kind == "timestamp":
        return f"CAST('{value.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}' AS TIMESTAMP)"
    return _number(value)


def _glue_seconds(logical: LogicalType | None, column: str | None, engine: str) -> str:
    if column is None or logical is None:
        return "MAX(`__source_ts_ms`) / 1000"
    q = _spark(column)
    if logical.kind == "date":
        return f"MAX({q}) * 86400"
    if logical.kind == "datetime":
        return f"MAX({q}) / {_epoch_divisor(logical, engine)}"
    return f"unix_timestamp(MAX({q}))"


def _latest(primary_key: Sequence[str], position: Sequence[str], columns: Sequence[str]) -> str:
    keys = ", ".join(_spark(k) for k in primary_key)
    order = ", ".join(f"{_spark(c)} DESC" for c in [*position, "__source_ts_ms"])
    cols = ", ".join(_spark(c) for c in columns)
    return (f"SELECT {cols} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY {order}) AS rn "
            "FROM primary) latest WHERE rn = 1 AND COALESCE(`__deleted`, 'false') <> 'true'")


def dqdl_ruleset(
    rules: Sequence[PlannedRule], types: dict[str, LogicalType], *, glue_names: dict[str, str],
    primary_key: Sequence[str], position_columns: Sequence[str], engine: str,
) -> str:
    """The DQDL document of a table's planned rules (``Rules = [ ... ]``).

    Args:
        rules: the table's planned rules.
        types: column name -> logical type.
        glue_names: column name -> its Glue column name.
        primary_key: the key columns (source names).
        position_columns: the source position columns (latest-state order).
        engine: the source engine (the wire form of datetimes).
    """
    lines: list[str] = []
    where = f'where "{NOT_DELETED}"'
    keys = [glue_names[k] for k in primary_key]
    for rule in rules:
        check, column = rule.check, rule.column
        g = glue_names.get(column or "", "")
        not_null = f'where "{NOT_DELETED} AND {_spark(g)} IS NOT NULL"' if g else where
        if isinstance(check, NotNull):
            lines.append(f'IsComplete "{g}" {where}')
        elif isinstance(check, AcceptedValues):
            values = ", ".join(f'"{v}"' for v in check.values)
            lines.append(f'ColumnValues "{g}" in [{values}] {not_null}')
        elif isinstance(check, Matches):
            lines.append(f'ColumnValues "{g}" matches "^(?:{check.pattern})$" {not_null}')
        elif isinstance(check, Range):
            logical = types[column or ""]
            q = _spark(g)
            outside = [f"{q} < {_glue_bound(check.min, logical, engine)}"] if check.min is not None else []
            outside += [f"{q} > {_glue_bound(check.max, logical, engine)}"] if check.max is not None else []
            lines.append(f'CustomSql "SELECT COUNT(*) FROM primary WHERE {NOT_DELETED} AND '
                         f'({" OR ".join(outside)})" = 0')
        elif isinstance(check, Unique):
            latest = _latest(keys, position_columns, sorted({g, *keys}))
            lines.append(f'CustomSql "SELECT COUNT(*) FROM ({latest} AND {_spark(g)} IS NOT NULL '
                         f'GROUP BY {_spark(g)} HAVING COUNT(*) > 1) duplicates" = 0')
        elif isinstance(check, RowCondition):
            lines.append(f'CustomSql "SELECT COUNT(*) FROM primary WHERE {NOT_DELETED} AND NOT ({check.sql})" = 0')
        elif isinstance(check, Freshness):
            column_type = types.get(check.column) if check.column else None
            newest = _glue_seconds(column_type, glue_names.get(check.column or ""), engine)
            lines.append(f'CustomSql "SELECT unix_timestamp() - {newest} FROM primary" '
                         f"<= {int(check.max_age.total_seconds())}")
    return "Rules = [\n    " + ",\n    ".join(lines) + "\n]"
