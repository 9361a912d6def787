"""Native column types parse into logical types and map to the most precise BigQuery and Glue types."""

from __future__ import annotations

import pytest
import sqlglot

from channelkit.columns import TypeParseError, athena_expression, bigquery_type, glue_type, parse, wire_form
from channelkit.columns.warehouse import TRINO_DATE_ADD_UNITS

# (engine, declared, BigQuery type, precision, scale, mode, Glue type)
CASES = [
    ("mysql", "DECIMAL(5,2)", "NUMERIC", 5, 2, "NULLABLE", "decimal(5,2)"),
    ("mysql", "DECIMAL(65,30)", "BIGNUMERIC", 65, 30, "NULLABLE", "string"),
    ("mysql", "DECIMAL(40,0)", "BIGNUMERIC", None, None, "NULLABLE", "string"),
    ("mysql", "INT UNSIGNED", "INT64", None, None, "NULLABLE", "bigint"),
    ("mysql", "BIGINT UNSIGNED", "NUMERIC", 20, 0, "NULLABLE", "decimal(20,0)"),
    ("mysql", "BIGINT", "INT64", None, None, "NULLABLE", "bigint"),
    ("mysql", "TINYINT", "INT64", None, None, "NULLABLE", "tinyint"),
    ("mysql", "TINYINT(1)", "BOOL", None, None, "NULLABLE", "boolean"),
    ("mysql", "BIT(1)", "BOOL", None, None, "NULLABLE", "boolean"),
    ("mysql", "BIT(12)", "BYTES", None, None, "NULLABLE", "string"),
    ("mysql", "DATETIME(3)", "DATETIME", None, None, "NULLABLE", "bigint"),
    ("mysql", "TIMESTAMP", "TIMESTAMP", None, None, "NULLABLE", "timestamp"),
    ("mysql", "YEAR", "INT64", None, None, "NULLABLE", "int"),
    ("mysql", "ENUM('G','PG','PG-13')", "STRING", None, None, "NULLABLE", "string"),
    ("mysql", "SET('Trailers','Deleted Scenes')", "STRING", None, None, "NULLABLE", "string"),
    ("mysql", "MEDIUMBLOB", "BYTES", None, None, "NULLABLE", "string"),
    ("mysql", "JSON", "JSON", None, None, "NULLABLE", "string"),
    ("mysql", "VARCHAR(45)", "STRING", None, None, "NULLABLE", "string"),
    ("mysql", "TIME(6)", "TIME", None, None, "NULLABLE", "bigint"),
    ("postgres", "numeric(10,2)", "NUMERIC", 10, 2, "NULLABLE", "decimal(10,2)"),
    ("postgres", "numeric(20)", "NUMERIC", 20, 0, "NULLABLE", "decimal(20,0)"),
    ("postgres", "NUMERIC", "BIGNUMERIC", None, None, "NULLABLE", "string"),
    ("postgres", "timestamptz", "TIMESTAMP", None, None, "NULLABLE", "timestamp"),
    ("postgres", "timestamp without time zone", "DATETIME", None, None, "NULLABLE", "bigint"),
    ("postgres", "timestamp(3) with time zone", "TIMESTAMP", None, None, "NULLABLE", "timestamp"),
    ("postgres", "date", "DATE", None, None, "NULLABLE", "int"),
    ("postgres", "uuid", "STRING", None, None, "NULLABLE", "string"),
    ("postgres", "jsonb", "JSON", None, None, "NULLABLE", "string"),
    ("postgres", "text", "STRING", None, None, "NULLABLE", "string"),
    ("postgres", "bytea", "BYTES", None, None, "NULLABLE", "string"),
    ("postgres", "boolean", "BOOL", None, None, "NULLABLE", "boolean"),
    ("postgres", "int4[]", "INT64", None, None, "REPEATED", "array<int>"),
    ("postgres", "text[]", "STRING", None, None, "REPEATED", "array<string>"),
    ("postgres", "smallint", "INT64", None, None, "NULLABLE", "smallint"),
    ("postgres", "double precision", "FLOAT64", None, None, "NULLABLE", "double"),
]


@pytest.mark.parametrize(("engine", "declared", "bq", "precision", "scale", "mode", "glue"), CASES)
def test_native_types_map_to_the_most_precise_warehouse_type(
    engine: str, declared: str, bq: str, precision: int | None, scale: int | None, mode: str, glue: str,
) -> None:
    logical = parse(engine, declared)
    assert bigquery_type(logical) == type(bigquery_type(logical))(bq, precision, scale, mode)
    assert glue_type(logical) == glue


MICROS = "CAST(from_unixtime_nanos(\"c\" * 1000) AT TIME ZONE 'UTC' AS timestamp(6))"


@pytest.mark.parametrize(("engine", "declared", "expression"), [
    ("postgres", "date", "CAST(date_add('day', \"c\", DATE '1970-01-01') AS DATE)"),
    ("postgres", "time", f"CAST({MICROS} AS time(6))"),
    ("postgres", "timestamp(3) without time zone", MICROS),
    ("mysql", "DATETIME(3)", "date_add('millisecond', \"c\", TIMESTAMP '1970-01-01 00:00:00.000')"),
    ("mysql", "DATETIME(6)", MICROS),
    ("postgres", "bytea", "from_base64(\"c\")"),
    ("postgres", "timestamptz", None), ("postgres", "numeric(10,2)", None), ("postgres", "int4[]", None),
])
def test_the_latest_state_query_converts_the_wire_forms(engine: str, declared: str, expression: str | None) -> None:
    logical = parse(engine, declared)
    assert athena_expression(logical, '"c"', engine) == expression
    assert (wire_form(logical, engine) is None) is (expression is None)


@pytest.mark.parametrize("declared", ["date", "time", "time(3)", "timestamp without time zone", "bytea"])
def test_the_conversions_are_trino_that_athena_runs(declared: str) -> None:
    """Parsed as Trino (Athena engine 3); every date_add unit is one Trino has (none below the millisecond)."""
    expression = athena_expression(parse("postgres", declared), '"c"')
    assert expression is not None
    tree = sqlglot.parse_one(f"SELECT {expression} FROM t", read="trino")
    units = [str(node.args["unit"]).strip("'").lower() for node in tree.find_all(sqlglot.exp.DateAdd)
             if node.args.get("unit") is not None]
    assert all(unit in TRINO_DATE_ADD_UNITS for unit in units), units
    assert "microsecond" not in expression.lower()


def test_enum_and_set_keep_their_values_and_the_declared_type() -> None:
    rating = parse("mysql", "ENUM('G','PG','it''s')")
    assert rating.values == ("G", "PG", "it's")
    assert rating.describe() == "source type ENUM('G','PG','it''s'); allowed values G, PG, it's"
    assert parse("mysql", "VARCHAR(45)").length == 45


def test_the_nine_portable_names_keep_working() -> None:
    assert bigquery_type(parse("mysql", "numeric")).type == "NUMERIC"
    assert bigquery_type(parse("postgres", "timestamp")).type == "TIMESTAMP"  # 0.1's meaning, not Postgres'
    assert [bigquery_type(parse("mysql", n)).type for n in ("string", "int64", "float64", "bool", "date", "json",
                                                            "bytes")] == [
        "STRING", "INT64", "FLOAT64", "BOOL", "DATE", "JSON", "BYTES"]


@pytest.mark.parametrize(("engine", "declared"), [
    ("mysql", "VARCHAR"), ("mysql", "int(11) unsignd"), ("mysql", "DECIMAL(5,2)\n"), ("mysql", "DECIMAL(70,2)"),
    ("mysql", "ENUM()"), ("mysql", "geometry"), ("postgres", "money"), ("postgres", "int4[][]"), ("postgres", ""),
    ("postgres", "timetz"), ("mysql", 42),
])
def test_unknown_types_are_refused_with_the_accepted_forms(engine: str, declared: object) -> None:
    with pytest.raises(TypeParseError) as info:
        parse(engine, declared)  # type: ignore[arg-type]
    assert "a portable name" in str(info.value)
