"""The latest-state view over a CDC change-log table.

The change-log table holds one row per change event, as flattened by Debezium's
``ExtractNewRecordState`` SMT: the row's columns plus ``__deleted`` (``"true"`` for
a delete), ``__op``, ``__source_ts_ms`` and the source position columns. The view
keeps, per primary key, the row with the greatest source position, and drops the
key when that newest row is a delete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["RANK_COLUMN", "latest_state_sql", "quote_identifier"]

#: Name of the helper column the view ranks with (never exposed).
RANK_COLUMN = "__channelkit_rank"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_identifier(name: str) -> str:
    """``name`` as a BigQuery quoted identifier (backticks); only plain identifiers are accepted."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f"`{name}`"


def latest_state_sql(
    *,
    source_table: str,
    columns: Sequence[str],
    primary_key: Sequence[str],
    position_columns: Sequence[str],
    deleted_column: str = "__deleted",
    extra_columns: Sequence[str] = ("__source_ts_ms",),
) -> str:
    """BigQuery standard SQL selecting the newest non-deleted row per primary key.

    Args:
        source_table: the change-log table, already quoted (``\\`project.dataset.orders_changes\\```).
        columns: the table's own columns, in order (all are selected).
        primary_key: the primary-key columns (the partition of the ranking).
        position_columns: source-position columns, most significant first; newest is greatest.
        deleted_column: the string column that is ``"true"`` for a delete (default ``__deleted``).
        extra_columns: metadata columns also exposed by the view (default ``__source_ts_ms``).

    Returns:
        One ``SELECT`` statement, without a trailing semicolon.
    """
    if not primary_key:
        raise ValueError("a latest-state view needs a primary key")
    selected = ",\n  ".join(quote_identifier(c) for c in [*columns, *extra_columns])
    partition = ", ".join(quote_identifier(c) for c in primary_key)
    order = ", ".join(f"{quote_identifier(c)} DESC" for c in [*position_columns, "__source_ts_ms"])
    deleted = quote_identifier(deleted_column)
    return (
        f"SELECT\n  {selected}\n"
        f"FROM (\n"
        f"  SELECT\n    *,\n"
        f"    ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {order}) AS {RANK_COLUMN}\n"
        f"  FROM {source_table}\n"
        f")\n"
        f"WHERE {RANK_COLUMN} = 1\n"
        f"  AND COALESCE({deleted}, 'false') != 'true'"
    )
