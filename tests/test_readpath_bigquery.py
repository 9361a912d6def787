"""GCP read path: the support channel's real records fit its change-log tables, and its views give the source state.

The records come from the shared real scenario (:mod:`readpath_scenario`: real PostgreSQL, the synthesized
Debezium config in Debezium's embedded engine, run as the synthesized CDC role). They are read as the synthesized
KCBQ sink reads them (its ``value.converter`` with its ``schemas.enable``), then

1. every record is checked against the synthesized ``schema`` of its ``google_bigquery_table``: every field
   declared (KCBQ runs with ``allowNewBigQueryFields=false``) and every value valid for its BigQuery type
   (:func:`bigquery_value_problem`, the BigQuery JSON forms of the types channelkit maps to) after KCBQ's own
   conversion of Debezium's logical types (:func:`kcbq_value`: ``io.debezium.time.Date`` → ``YYYY-MM-DD``,
   ``MicroTime`` → ``HH:MM:SS.ffffff``, ``MicroTimestamp`` → ``YYYY-MM-DD HH:MM:SS.ffffff``, ``ZonedTimestamp``
   as is, as KCBQ's ``DebeziumLogicalConverters`` do, with Java's truncating division and ``%03d``);
2. the records are loaded into DuckDB one row per record into ``<table>_changes`` (what KCBQ does in append
   mode), and the synthesized view SQL, transpiled by sqlglot from BigQuery to DuckDB, must give exactly the
   source's final state (``SELECT *`` as the owner).

Stand-ins: DuckDB for BigQuery (the tables have BigQuery's types mapped to DuckDB's, the view is the synthesized
SQL transpiled), and the loading step for KCBQ's streaming inserts. No GCP API is called.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pytest
import sqlglot
from readpath_scenario import TOAST_PLACEHOLDER, ChannelRun, Scenario, connect_json, readpath, resolve_literals

pytestmark = pytest.mark.engines
__all__ = ["readpath"]  # the module-scoped fixture

INT64 = (-(2**63), 2**63 - 1)
_TS = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?"
                 r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


# -- the validator -----------------------------------------------------------------------------------------------
def _decimal_problem(value: Any, precision: int, scale: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"not a number or a decimal string: {type(value).__name__} {str(value)[:60]}"
    try:
        d = Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation:
        return f"not a decimal: {value!r}"
    if not d.is_finite():
        return f"not finite: {value!r}"
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)
    digits = len(d.as_tuple().digits)
    frac = max(0, -exponent)
    whole = max(0, digits + exponent)
    if frac > scale:
        return f"{value!r} has {frac} fractional digits, the type allows {scale}"
    if whole > precision - scale:
        return f"{value!r} has {whole} integer digits, the type allows {precision - scale}"
    return None


_TIME = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})(\.\d{1,6})?")


def parse_time(value: str) -> Any:
    """A BigQuery TIME string (``HH:MM:SS[.ffffff]``) as a :class:`datetime.time`."""
    from datetime import time

    m = _TIME.fullmatch(value.strip())
    if not m:
        raise ValueError(f"not a BigQuery TIME string: {value!r}")
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3)), int((m.group(4) or ".0")[1:].ljust(6, "0")))


def parse_timestamp(value: str) -> datetime:
    """A BigQuery TIMESTAMP string (``YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]`` + optional zone, UTC without one)."""
    m = _TS.fullmatch(value.strip())
    if not m:
        raise ValueError(f"not a BigQuery TIMESTAMP string: {value!r}")
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    s = int(m.group(6) or 0)
    us = int((m.group(7) or ".0")[1:].ljust(6, "0"))
    zone = m.group(8)
    tz = UTC
    if zone and zone not in ("Z", "z", "UTC"):
        sign = 1 if zone[0] == "+" else -1
        hh, mm = int(zone[1:3]), int(zone[3:].lstrip(":") or 0)
        tz = __import__("datetime").timezone(sign * timedelta(hours=hh, minutes=mm))
    return datetime(y, mo, d, h, mi, s, us, tzinfo=tz).astimezone(UTC)


def bigquery_value_problem(bq_type: str, value: Any, mode: str = "NULLABLE", precision: int | None = None,
                           scale: int | None = None) -> str | None:
    """Why ``value`` (a JSON value of a record) is not valid for a BigQuery column of ``bq_type``, or None.

    The forms BigQuery's JSON row format accepts: INT64 an integer (or integer string) in range; FLOAT64 a
    number; NUMERIC/BIGNUMERIC a number or decimal string within precision and scale (38/9, 76/38); STRING a
    string; BOOL a boolean; TIMESTAMP a date-time string, or a number of *seconds* since the epoch (the JSON
    API's numeric form) within 0001-01-01..9999-12-31; DATE ``YYYY-MM-DD``; DATETIME a date-time string without
    zone; TIME ``HH:MM:SS[.ffffff]``; JSON a JSON text (or object/array); BYTES base64. A parameterized
    NUMERIC/BIGNUMERIC (``precision``/``scale`` of the schema) allows exactly its digits. REPEATED: a JSON array
    whose every element is valid (NULL is an empty array; BigQuery has no NULL arrays), no NULL element.
    """
    if mode == "REPEATED":
        if value is None:
            return None
        if not isinstance(value, list):
            return f"not an array in a REPEATED column: {str(value)[:60]}"
        for element in value:
            if element is None:
                return "a NULL element in a REPEATED column"
            problem = bigquery_value_problem(bq_type, element, "REQUIRED", precision, scale)
            if problem:
                return f"element: {problem}"
        return None
    if value is None:
        return "NULL in a REQUIRED column" if mode == "REQUIRED" else None
    t = bq_type.upper()
    if t in ("NUMERIC", "BIGNUMERIC") and precision is not None:
        return _decimal_problem(value, precision, scale or 0)
    if t in ("INT64", "INTEGER"):
        if isinstance(value, bool):
            return f"a boolean in an INT64 column: {value!r}"
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int):
            return f"not an integer: {type(value).__name__} {str(value)[:60]}"
        return None if INT64[0] <= value <= INT64[1] else f"{value} is outside INT64"
    if t in ("FLOAT64", "FLOAT"):
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return None
        return None if isinstance(value, int | float) and not isinstance(value, bool) else f"not a number: {value!r}"
    if t == "NUMERIC":
        return _decimal_problem(value, 38, 9)
    if t == "BIGNUMERIC":
        return _decimal_problem(value, 76, 38)
    if t == "STRING":
        return None if isinstance(value, str) else f"not a string: {type(value).__name__} {str(value)[:60]}"
    if t in ("BOOL", "BOOLEAN"):
        return None if isinstance(value, bool) else f"not a boolean: {value!r}"
    if t == "TIMESTAMP":
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError, ValueError):
                return (f"{value!r} is out of range as seconds since the epoch (BigQuery's numeric TIMESTAMP form; "
                        "Debezium's MicroTimestamp is microseconds)")
            return None
        if not isinstance(value, str):
            return f"not a TIMESTAMP string: {value!r}"
        try:
            parse_timestamp(value)
        except ValueError as e:
            return str(e)
        return None
    if t == "DATE":
        if not (isinstance(value, str) and _DATE.fullmatch(value)):
            return f"not a DATE string (YYYY-MM-DD): {value!r}"
        try:
            date.fromisoformat("-".join(p.zfill(2) for p in value.split("-")))
        except ValueError as e:
            return str(e)
        return None
    if t == "DATETIME":
        if not isinstance(value, str):
            return f"not a DATETIME string: {value!r}"
        m = _TS.fullmatch(value.strip())
        return None if m and not m.group(8) else f"not a DATETIME string (no zone): {value!r}"
    if t == "TIME":
        if not isinstance(value, str):
            return f"not a TIME string: {value!r}"
        try:
            parse_time(value)
        except ValueError as e:
            return str(e)
        return None
    if t == "JSON":
        if isinstance(value, dict | list):
            return None
        if not isinstance(value, str):
            return f"not a JSON text: {value!r}"
        try:
            json.loads(value)
        except ValueError:
            return f"not a JSON text: {value[:60]!r}"
        return None
    if t == "BYTES":
        if not isinstance(value, str):
            return f"not base64: {value!r}"
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return f"not base64: {value[:60]!r}"
        return None
    return f"no validator for BigQuery type {bq_type}"


@pytest.mark.parametrize(("bq_type", "value", "ok"), [
    ("INT64", 2**63 - 1, True), ("INT64", 2**63, False), ("INT64", "42", True), ("INT64", True, False),
    ("NUMERIC", "1234.50", True), ("NUMERIC", "0.1234567891", False), ("NUMERIC", "1" * 30, False),
    ("NUMERIC", "AeI6", False),  # Debezium's Decimal (decimal.handling.mode=precise): base64 of the unscaled int
    ("NUMERIC", {"scale": 5, "value": "BMsv"}, False),  # VariableScaleDecimal
    ("BIGNUMERIC", "0.1234567891", True), ("STRING", "x", True), ("STRING", 1, False), ("BOOL", False, True),
    ("BOOL", "false", False), ("TIMESTAMP", "2024-05-07T00:00:00.000000Z", True),
    ("TIMESTAMP", "2024-05-06 07:08:09.123456+02:00", True), ("TIMESTAMP", 1714979289.5, True),
    ("TIMESTAMP", 1714979289123456, False),  # MicroTimestamp: µs read as seconds is past year 9999
    ("TIMESTAMP", "yesterday", False), ("DATE", "2024-05-07", True), ("DATE", 19850, False),
    ("DATETIME", "2024-05-07 01:02:03", True), ("DATETIME", "2024-05-07T01:02:03Z", False),
    ("JSON", '{"a": 1}', True), ("JSON", "{a", False), ("BYTES", "AeI6", True), ("BYTES", "not base64!", False),
    ("INT64", None, True), ("TIME", "07:08:09.123456", True), ("TIME", 25689123456, False),
    ("DATE", "1960-01-01", True),
])
def test_the_validator_knows_the_bigquery_forms(bq_type: str, value: Any, ok: bool) -> None:
    assert (bigquery_value_problem(bq_type, value) is None) is ok, bigquery_value_problem(bq_type, value)


@pytest.mark.parametrize(("args", "ok"), [
    (("NUMERIC", "12345678.12", "NULLABLE", 10, 2), True), (("NUMERIC", "123456789.12", "NULLABLE", 10, 2), False),
    (("NUMERIC", "1.123", "NULLABLE", 10, 2), False), (("INT64", [1, 2], "REPEATED"), True),
    (("INT64", [], "REPEATED"), True), (("INT64", None, "REPEATED"), True), (("INT64", 1, "REPEATED"), False),
    (("STRING", ["a", None], "REPEATED"), False),
])
def test_the_validator_knows_parameters_and_modes(args: tuple[Any, ...], ok: bool) -> None:
    assert (bigquery_value_problem(*args) is None) is ok, bigquery_value_problem(*args)


# -- KCBQ's conversion of Debezium's logical types -----------------------------------------------------------------
def _java_div(a: int, b: int) -> tuple[int, int]:
    """Java's long ``/`` and ``%`` (truncating towards zero)."""
    q = abs(a) // abs(b) * (1 if (a >= 0) == (b > 0) else -1)
    return q, a - q * b


def _kcbq_micros(micros: int, with_date: bool) -> str:
    millis, rest = _java_div(micros, 1000)
    when = datetime(1970, 1, 1) + timedelta(milliseconds=millis)
    head = when.strftime("%Y-%m-%d %H:%M:%S." if with_date else "%H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    return head + (f"{rest:03d}" if rest >= 0 else f"-{-rest:02d}")  # String.format("%03d", rest)


def kcbq_value(schema: dict[str, Any] | None, value: Any) -> Any:
    """What KCBQ sends BigQuery for a Connect value of ``schema`` (its ``DebeziumLogicalConverters``)."""
    if value is None or schema is None:
        return value
    name = schema.get("name")
    if name == "io.debezium.time.Date":
        return (date(1970, 1, 1) + timedelta(days=value)).isoformat()
    if name == "io.debezium.time.MicroTime":
        return _kcbq_micros(value, with_date=False)
    if name == "io.debezium.time.MicroTimestamp":
        return _kcbq_micros(value, with_date=True)
    if name == "io.debezium.time.Timestamp":
        return _kcbq_micros(value * 1000, with_date=True)[:-3]
    if schema.get("type") == "array":
        return [kcbq_value(schema.get("items"), v) for v in value]
    return value  # ZonedTimestamp and the rest: as they are (bytes: base64 either way)


# -- the synthesized tables --------------------------------------------------------------------------------------
def change_tables(run: ChannelRun) -> dict[str, dict[str, Any]]:
    """Source table → its change-log ``google_bigquery_table`` body (with the ``schema`` parsed)."""
    out = {}
    for body in run.resources("google_bigquery_table").values():
        if "schema" in body and body["table_id"].endswith("_changes"):
            out[body["table_id"].removesuffix("_changes")] = {**body, "fields": json.loads(body["schema"])}
    assert set(out) == set(run.table_topics), out.keys()
    return out


def sink_rows(run: ChannelRun) -> dict[str, list[dict[str, Any]]]:
    """Per source table, the rows the KCBQ sink gets: each record's value through the sink's value converter."""
    config = run.connector("com.wepay.kafka.connect.bigquery.")["config"]
    assert config["value.converter"] == "org.apache.kafka.connect.json.JsonConverter"
    schemas = config["value.converter.schemas.enable"] == "true"
    topic_tables = dict(pair.split(":") for pair in config["topic2TableMap"].split(","))
    assert topic_tables == {run.table_topics[t]: f"{t}_changes" for t in run.table_topics}
    out = {}
    for t in run.table_topics:
        rows = []
        for r in run.table_records(t):
            payload = connect_json(r["value"], schemas)
            fields = {f["field"]: f for f in r["value"]["schema"]["fields"]} if schemas else {}
            rows.append({k: kcbq_value(fields.get(k), v) for k, v in payload.items()})
        out[t] = rows
    return out


def test_the_sink_reads_every_record_of_the_scenario(readpath: Scenario) -> None:
    rows = sink_rows(readpath.bigquery)
    ops = {t: [r["__op"] for r in rs] for t, rs in rows.items()}
    assert ops == {
        "agents": ["r", "r", "d", "c", "u", "c"],  # TRUNCATE: no record; the row after it: "c"
        "tickets": ["r", "r", "r", "c", "u", "d", "c", "u", "u", "d", "c"],
        "messages": ["r", "u", "c"],
    }
    print("\ninjected:", readpath.bigquery.injected or "nothing")


def test_every_record_fits_the_synthesized_change_log_schema(readpath: Scenario) -> None:
    run = readpath.bigquery
    tables, rows = change_tables(run), sink_rows(run)
    problems: dict[str, set[str]] = {}
    for t, recs in rows.items():
        fields = {f["name"]: f for f in tables[t]["fields"]}
        for rec in recs:
            for name, value in rec.items():
                if name not in fields:
                    problems.setdefault(f"{t}.{name}", set()).add("field not declared in the table schema")
                    continue
                f = fields[name]
                problem = bigquery_value_problem(f["type"], value, f.get("mode", "NULLABLE"),
                                                 int(f["precision"]) if "precision" in f else None,
                                                 int(f["scale"]) if "scale" in f else None)
                if problem:
                    problems.setdefault(f"{t}.{name} ({f['type']})", set()).add(problem)
    report = {k: sorted(v)[:2] for k, v in sorted(problems.items())}
    assert report == {}, json.dumps(report, indent=1)


# -- loading as KCBQ does, and the views -------------------------------------------------------------------------
_DUCK = {"INT64": "BIGINT", "INTEGER": "BIGINT", "FLOAT64": "DOUBLE", "NUMERIC": "DECIMAL(38,9)",
         "STRING": "VARCHAR", "BOOL": "BOOLEAN", "TIMESTAMP": "TIMESTAMPTZ", "DATE": "DATE",
         "DATETIME": "TIMESTAMP", "JSON": "JSON", "BYTES": "BLOB", "BIGNUMERIC": "VARCHAR", "TIME": "TIME"}


def duck_column(field: dict[str, Any]) -> str:
    """The DuckDB type standing for a BigQuery schema field (REPEATED: a list)."""
    return _DUCK[field["type"]] + ("[]" if field.get("mode") == "REPEATED" else "")


def bigquery_value(bq_type: str, value: Any, mode: str = "NULLABLE") -> Any:
    """The value BigQuery stores for a valid JSON ``value`` (raises on an invalid one)."""
    problem = bigquery_value_problem(bq_type, value, mode)
    if problem:
        raise ValueError(problem)
    if mode == "REPEATED":
        return [bigquery_value(bq_type, v) for v in value or []]
    if value is None:
        return None
    t = bq_type.upper()
    if t == "TIME":
        return parse_time(value)
    if t == "TIMESTAMP":
        return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else parse_timestamp(value)
    if t in ("INT64", "INTEGER"):
        return int(value)
    if t == "NUMERIC":
        return Decimal(str(value))
    if t == "BYTES":
        return base64.b64decode(value)
    if t == "JSON":
        return value if isinstance(value, str) else json.dumps(value)
    return value


def load(run: ChannelRun) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    """DuckDB with ``<project>.<dataset>.<t>_changes`` holding one row per record; view SQL per table."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    tables, rows = change_tables(run), sink_rows(run)
    views = {}
    (dataset,) = run.resources("google_bigquery_dataset").values()
    con.execute(f"ATTACH ':memory:' AS \"{dataset['project']}\"")
    con.execute(f"CREATE SCHEMA \"{dataset['project']}\".\"{dataset['dataset_id']}\"")
    for body in run.resources("google_bigquery_table").values():
        if "view" in body:
            views[body["table_id"]] = resolve_literals(run.doc, body["view"]["query"])
    for t, body in tables.items():
        fields = body["fields"]
        name = f"\"{dataset['project']}\".\"{dataset['dataset_id']}\".\"{body['table_id']}\""
        con.execute(f"CREATE TABLE {name} (" + ", ".join(f"\"{f['name']}\" {duck_column(f)}" for f in fields) + ")")
        con.executemany(
            f"INSERT INTO {name} VALUES ({', '.join('?' for _ in fields)})",
            [[bigquery_value(f["type"], rec.get(f["name"]), f.get("mode", "NULLABLE")) for f in fields]
             for rec in rows[t]])
    return con, views


def _source_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def test_latest_state_views_equal_the_source(readpath: Scenario) -> None:
    run = readpath.bigquery
    con, views = load(run)
    placeholders = []
    for t, source_rows in run.expected.items():
        duck = sqlglot.transpile(views[t], read="bigquery", write="duckdb")[0]
        cur = con.execute(duck)
        cols = [d[0] for d in cur.description]
        got = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        assert cols[-1] == "__source_ts_ms"
        got = sorted(({c: v for c, v in r.items() if c != "__source_ts_ms"} for r in got), key=lambda r: r["id"])
        want = [{c: _source_value(v) for c, v in r.items()} for r in source_rows]
        for row in got:  # set aside what only the source fix can restore, compare the rest exactly
            for c, v in row.items():
                if v == TOAST_PLACEHOLDER:
                    placeholders.append(f"{t}.{c} id={row['id']}")
                    src = next(s for s in want if s["id"] == row["id"])
                    row[c] = src[c]
        assert got == want, t
    if placeholders:
        pytest.xfail(f"the view shows Debezium's {TOAST_PLACEHOLDER} for {', '.join(placeholders)}: an update that "
                     "left the TOASTed body unchanged carries the placeholder, not the value; every other cell "
                     "equals the source. Awaits the source-module fix (the table's unchanged TOAST values).")
