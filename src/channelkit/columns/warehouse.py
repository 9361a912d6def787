"""The most precise warehouse type for each logical type: BigQuery and Glue (Athena).

| logical | BigQuery | Glue / Athena |
|---|---|---|
| bool | BOOL | boolean |
| int 8/16/24/32, signed or unsigned; int 64 signed | INT64 | tinyint, smallint, int, bigint (unsigned: one size up) |
| int 64 unsigned | NUMERIC(20, 0) | decimal(20,0) |
| decimal(p, s) | NUMERIC(p, s) or BIGNUMERIC(p, s), see below | decimal(p,s) up to p = 38, else string |
| decimal, variable scale (Postgres ``numeric``) | BIGNUMERIC | string |
| float 32 / 64 | FLOAT64 | float / double |
| string, enum, set, uuid | STRING | string |
| bytes | BYTES | string (base64, as on the wire) |
| date | DATE | int (days since 1970-01-01, as on the wire) |
| time | TIME | bigint (microseconds since midnight, as on the wire) |
| datetime (no zone) | DATETIME | bigint (µs since 1970-01-01 00:00 as on the wire; MySQL/MariaDB fsp 0..3: ms) |
| timestamp (instant) | TIMESTAMP | timestamp (an ISO-8601 UTC string on the wire) |
| year | INT64 | int |
| json | JSON | string |
| array of T | T, mode REPEATED | array<T> |

A decimal is NUMERIC(p, s) when s ≤ 9 and p − s ≤ 29, else BIGNUMERIC(p, s) when s ≤ 38 and
p − s ≤ 38, else an unparameterized BIGNUMERIC up to 76 digits, else STRING (BigQuery's limits).

The Glue types are what the S3 sink writes: it writes the Connect values as they are (Debezium's
``io.debezium.time.Date``/``MicroTime``/``MicroTimestamp`` are integers, bytes are base64 text), so a Glue
``date``/``timestamp``/``binary`` column would misread them. :func:`athena_expression` is what the
latest-state query selects instead, so its readers get a real ``date``, ``time(6)``, ``timestamp(6)`` and
``varbinary``.

ENUM and SET values and the declared type go into the column's description (and Glue column
parameters); see :meth:`~channelkit.columns.logical.LogicalType.describe`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .logical import LogicalType
from .native import BINLOG_ENGINES

__all__ = ["TRINO_DATE_ADD_UNITS", "BigQueryType", "athena_expression", "bigquery_type", "glue_type", "wire_form"]


@dataclass(frozen=True)
class BigQueryType:
    """A BigQuery column type: standard SQL ``type``, ``precision``/``scale`` of NUMERIC/BIGNUMERIC, ``mode``."""

    type: str
    precision: int | None = None
    scale: int | None = None
    mode: str = "NULLABLE"


def _decimal_bigquery(t: LogicalType) -> BigQueryType:
    if t.portable:
        return BigQueryType("NUMERIC")  # 0.1's "numeric": BigQuery's default NUMERIC(38, 9), unparameterized
    if t.scale is None or t.precision is None:
        return BigQueryType("BIGNUMERIC")
    p, s = t.precision, t.scale
    if s <= 9 and p - s <= 29:
        return BigQueryType("NUMERIC", max(p, 1), s)
    if s <= 38 and p - s <= 38:
        return BigQueryType("BIGNUMERIC", max(p, 1), s)
    if s <= 38 and p <= 76:
        return BigQueryType("BIGNUMERIC")  # unparameterized: 76.76 digits, scale 38
    return BigQueryType("STRING")


_BIGQUERY_SIMPLE = {
    "bool": "BOOL", "float": "FLOAT64", "string": "STRING", "enum": "STRING", "set": "STRING", "uuid": "STRING",
    "bytes": "BYTES", "date": "DATE", "time": "TIME", "datetime": "DATETIME", "timestamp": "TIMESTAMP",
    "year": "INT64", "json": "JSON",
}


def bigquery_type(t: LogicalType) -> BigQueryType:
    """The BigQuery type of ``t``."""
    if t.kind == "array" and t.element is not None:
        element = bigquery_type(t.element)
        return BigQueryType(element.type, element.precision, element.scale, "REPEATED")
    if t.kind == "int":
        return BigQueryType("NUMERIC", 20, 0) if t.unsigned and t.bits == 64 else BigQueryType("INT64")
    if t.kind == "decimal":
        return _decimal_bigquery(t)
    return BigQueryType(_BIGQUERY_SIMPLE[t.kind])


_GLUE_INTS = {8: "tinyint", 16: "smallint", 24: "int", 32: "int", 64: "bigint"}
_GLUE_UNSIGNED = {8: "smallint", 16: "int", 24: "int", 32: "bigint", 64: "decimal(20,0)"}
_GLUE_SIMPLE = {
    "bool": "boolean", "string": "string", "enum": "string", "set": "string", "uuid": "string", "bytes": "string",
    "date": "int", "time": "bigint", "datetime": "bigint", "timestamp": "timestamp", "year": "int",
    "json": "string",
}


def glue_type(t: LogicalType) -> str:
    """The Glue (Hive DDL, as Athena reads it) type of ``t``."""
    if t.kind == "array" and t.element is not None:
        return f"array<{glue_type(t.element)}>"
    if t.kind == "int":
        bits = t.bits or 64
        return (_GLUE_UNSIGNED if t.unsigned else _GLUE_INTS)[bits]
    if t.kind == "decimal":
        if t.scale is None or t.precision is None or t.precision > 38:
            return "string"
        return f"decimal({t.precision},{t.scale})"
    if t.kind == "float":
        return "float" if t.bits == 32 else "double"
    return _GLUE_SIMPLE[t.kind]


def _epoch_unit(t: LogicalType, engine: str) -> str:
    """``microsecond`` or ``millisecond``: the unit of a ``datetime``'s epoch integer on the wire."""
    if engine in BINLOG_ENGINES and (t.precision or 0) <= 3:
        return "millisecond"  # Debezium's io.debezium.time.Timestamp (adaptive_time_microseconds, fsp 0..3)
    return "microsecond"  # io.debezium.time.MicroTimestamp


def wire_form(t: LogicalType, engine: str = "postgres") -> str | None:
    """What a column of ``t`` holds on the wire and in the raw Glue table when that is not its meaning, else None."""
    if t.kind == "date":
        return "days since 1970-01-01 (io.debezium.time.Date)"
    if t.kind == "time":
        return "microseconds since midnight (io.debezium.time.MicroTime)"
    if t.kind == "datetime":
        unit = _epoch_unit(t, engine)
        name = "MicroTimestamp" if unit == "microsecond" else "Timestamp"
        return f"{unit}s since 1970-01-01 00:00:00, wall clock without zone (io.debezium.time.{name})"
    if t.kind == "bytes":
        return "base64 text"
    return None


#: ``date_add`` units Trino (Athena engine 3) accepts; it has none below the millisecond.
TRINO_DATE_ADD_UNITS: tuple[str, ...] = ("millisecond", "second", "minute", "hour", "day", "week", "month",
                                         "quarter", "year")


def _wall_clock_from_micros(column: str) -> str:
    # Exact to the microsecond: Trino's intervals stop at milliseconds, from_unixtime_nanos does not.
    return f"CAST(from_unixtime_nanos({column} * 1000) AT TIME ZONE 'UTC' AS timestamp(6))"


def athena_expression(t: LogicalType, column: str, engine: str = "postgres") -> str | None:
    """The Athena (Trino) expression giving ``column`` (quoted) its meaning from the raw Glue column, or None.

    ``date`` → ``date``; ``time`` → ``time(6)`` and a microsecond ``datetime`` → ``timestamp(6)``, exactly,
    through ``from_unixtime_nanos`` (Trino has no interval finer than a millisecond); a millisecond
    ``datetime`` (MySQL ``DATETIME(0..3)``) → ``timestamp`` with ``date_add('millisecond', ...)``;
    ``bytes`` → ``varbinary``.
    """
    if t.kind == "date":
        return f"CAST(date_add('day', {column}, DATE '1970-01-01') AS DATE)"
    if t.kind == "time":
        return f"CAST({_wall_clock_from_micros(column)} AS time(6))"
    if t.kind == "datetime":
        if _epoch_unit(t, engine) == "microsecond":
            return _wall_clock_from_micros(column)
        return f"date_add('millisecond', {column}, TIMESTAMP '1970-01-01 00:00:00.000')"
    if t.kind == "bytes":
        return f"from_base64({column})"
    return None
