"""The latest state of a CDC change-log table, in each warehouse's SQL dialect.

The change-log table holds one row per change event, as flattened by Debezium's
``ExtractNewRecordState`` SMT: the row's columns plus ``__deleted`` (``"true"`` for
a delete), ``__op``, ``__source_ts_ms`` and the source position columns. The query
keeps, per primary key, the row with the greatest source position (then the greatest
``__source_ts_ms``), and drops the key when that newest row is a delete.

One definition serves every warehouse: :data:`DIALECTS` names the SQL dialects it
renders (``bigquery`` for BigQuery standard SQL, ``athena`` for Athena/Trino). Only
the identifier quoting differs between them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["DIALECTS", "RANK_COLUMN", "latest_state_sql", "quote_identifier"]

#: Name of the helper column the query ranks with (never exposed).
RANK_COLUMN = "__channelkit_rank"

#: SQL dialect → (opening quote, closing quote) of identifiers.
_QUOTES: dict[str, tuple[str, str]] = {"bigquery": ("`", "`"), "athena": ('"', '"')}
#: The dialects :func:`latest_state_sql` renders.
DIALECTS: tuple[str, ...] = tuple(_QUOTES)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quote_identifier(name: str, dialect: str = "bigquery") -> str:
    """``name`` as a quoted identifier of ``dialect``; only plain identifiers are accepted.

    Raises:
        ValueError: ``name`` is not a plain identifier, or ``dialect`` is unknown.
    """
    if dialect not in _QUOTES:
        raise ValueError(f"unknown SQL dialect {dialect!r}: one of {', '.join(DIALECTS)}")
    if not isinstance(name, str) or not _IDENT.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    start, end = _QUOTES[dialect]
    return f"{start}{name}{end}"


def latest_state_sql(
    *,
    source_table: str,
    columns: Sequence[str],
    primary_key: Sequence[str],
    position_columns: Sequence[str],
    deleted_column: str = "__deleted",
    extra_columns: Sequence[str] = ("__source_ts_ms",),
    dialect: str = "bigquery",
    expressions: Mapping[str, str] | None = None,
) -> str:
    """SQL selecting the newest non-deleted row per primary key.

    Args:
        source_table: the change-log table, already quoted for ``dialect``
            (BigQuery: in backticks, ``project.dataset.orders_changes``; Athena ``"db"."orders"``).
        columns: the table's own columns, in order (all are selected).
        primary_key: the primary-key columns (the partition of the ranking).
        position_columns: source-position columns, most significant first; newest is greatest.
        deleted_column: the string column that is ``"true"`` for a delete (default ``__deleted``).
        extra_columns: metadata columns also selected (default ``__source_ts_ms``).
        dialect: ``bigquery`` (default) or ``athena``.
        expressions: column → the expression selected for it, aliased to its name (default none: every column
            as stored), e.g. what gives an integer-encoded date its meaning
            (:func:`channelkit.columns.athena_expression`). The ranking and filter use the stored columns.

    Returns:
        One ``SELECT`` statement, without a trailing semicolon.

    Raises:
        ValueError: no primary key, an identifier that is not plain, or an unknown dialect.
    """
    if not primary_key:
        raise ValueError("a latest-state query needs a primary key")

    def q(name: str) -> str:
        return quote_identifier(name, dialect)

    exprs = dict(expressions or {})
    unknown = sorted(set(exprs) - set(columns))
    if unknown:
        raise ValueError(f"expressions for columns that are not selected: {', '.join(unknown)}")
    selected = ",\n  ".join(f"{exprs[c]} AS {q(c)}" if c in exprs else q(c) for c in [*columns, *extra_columns])
    partition = ", ".join(q(c) for c in primary_key)
    order = ", ".join(f"{q(c)} DESC" for c in [*position_columns, "__source_ts_ms"])
    return (
        f"SELECT\n  {selected}\n"
        f"FROM (\n"
        f"  SELECT\n    *,\n"
        f"    ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {order}) AS {RANK_COLUMN}\n"
        f"  FROM {source_table}\n"
        f")\n"
        f"WHERE {RANK_COLUMN} = 1\n"
        f"  AND COALESCE({q(deleted_column)}, 'false') != 'true'"
    )
