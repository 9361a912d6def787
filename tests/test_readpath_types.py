"""Every Postgres type channelkit maps, declared with its native type, end to end into BigQuery and the S3 lake.

The records are real (:func:`readpath_scenario.types_readpath`: real PostgreSQL, each synthesized Debezium config in
Debezium's embedded engine as its CDC role): a ``types`` table with one column per type (``numeric(10,2)``,
``numeric``, ``timestamptz``, ``timestamp``, ``timestamp(3)``, ``date``, ``time``, ``uuid``, ``jsonb``, ``text``,
``varchar(20)``, ``bytea``, ``boolean``, ``smallint``, ``integer``, ``bigint``, ``real``, ``double precision``,
``int4[]``, ``text[]``), rows with NULLs, extremes (20+ digit numerics with scale 12, microsecond timestamps,
dates before 1970, int64 bounds, unicode, empty arrays, empty bytes), updates, an insert and a delete.

BigQuery: every value, as KCBQ converts it (:func:`test_readpath_bigquery.kcbq_value`), is valid for its field's type,
precision, scale and mode in the synthesized schema; the latest-state view (transpiled to DuckDB) equals the source
by meaning. S3: the records written as the S3 sink writes them (:func:`test_readpath_s3.s3_sink_write`, the one
stand-in) and read back through the synthesized Glue table hold each value in its wire form (the column's
``channelkit.encoding``), which decodes to the source value; the Athena latest-state query (transpiled) returns
every value typed and equal to the source. Timestamps compare to the microsecond, except Glue ``timestamp`` columns,
which Athena reads at millisecond precision.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
import sqlglot
from readpath_scenario import TYPE_COLUMNS, TYPES_BUCKET, Scenario, athena_on_duckdb, connect_json, types_readpath
from test_readpath_bigquery import bigquery_value_problem, change_tables, load, sink_rows
from test_readpath_s3 import duck_type, glue_tables, read_glue_table, s3_sink_write

pytestmark = [pytest.mark.engines, pytest.mark.moto]
pytest_plugins = ["aws_fixtures"]
__all__ = ["types_readpath"]  # the module-scoped fixture

#: column → (BigQuery type, precision, scale, mode), Glue type: what the declared native types map to.
EXPECTED = {
    "id": (("INT64", None, None, "NULLABLE"), "int"),
    "n_dec": (("NUMERIC", "10", "2", "NULLABLE"), "decimal(10,2)"),
    "n_any": (("BIGNUMERIC", None, None, "NULLABLE"), "string"),
    "ts_tz": (("TIMESTAMP", None, None, "NULLABLE"), "timestamp"),
    "ts": (("DATETIME", None, None, "NULLABLE"), "bigint"),
    "ts3": (("DATETIME", None, None, "NULLABLE"), "bigint"),
    "d": (("DATE", None, None, "NULLABLE"), "int"),
    "t": (("TIME", None, None, "NULLABLE"), "bigint"),
    "u": (("STRING", None, None, "NULLABLE"), "string"),
    "j": (("JSON", None, None, "NULLABLE"), "string"),
    "tx": (("STRING", None, None, "NULLABLE"), "string"),
    "vc": (("STRING", None, None, "NULLABLE"), "string"),
    "b": (("BYTES", None, None, "NULLABLE"), "string"),
    "bo": (("BOOL", None, None, "NULLABLE"), "boolean"),
    "si": (("INT64", None, None, "NULLABLE"), "smallint"),
    "i": (("INT64", None, None, "NULLABLE"), "int"),
    "bi": (("INT64", None, None, "NULLABLE"), "bigint"),
    "r": (("FLOAT64", None, None, "NULLABLE"), "float"),
    "dp": (("FLOAT64", None, None, "NULLABLE"), "double"),
    "ia": (("INT64", None, None, "REPEATED"), "array<int>"),
    "ta": (("STRING", None, None, "REPEATED"), "array<string>"),
}
_EPOCH = datetime(1970, 1, 1)


def meaning(pg_type: str, value: Any, *, millis: bool = False, null_array: Any = None) -> Any:
    """``value`` (a source value or a warehouse value) as what it means, comparable across both."""
    pg_type = pg_type.lower()
    if value is None:
        return null_array if pg_type.endswith("[]") else None
    if pg_type.endswith("[]"):
        return [meaning(pg_type[:-2], v) for v in value]
    if pg_type.startswith("numeric"):
        return Decimal(str(value))
    if pg_type.startswith("timestamp"):
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=value.microsecond // 1000 * 1000) if millis else value
    if pg_type == "uuid":
        return str(uuid.UUID(str(value)))
    if pg_type == "jsonb":
        return json.loads(value) if isinstance(value, str) else value
    if pg_type == "bytea":
        return bytes(value)
    if pg_type == "time" and isinstance(value, str):
        return time.fromisoformat(value)
    if pg_type == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _rows(got: list[dict[str, Any]], **kw: Any) -> list[dict[str, Any]]:
    return sorted(({c: meaning(t, r[c], **kw) for c, t in TYPE_COLUMNS} for r in got), key=lambda r: r["id"])


# -- BigQuery ---------------------------------------------------------------------------------------------------
def test_the_declared_types_map_to_the_expected_bigquery_fields(types_readpath: Scenario) -> None:
    fields = {f["name"]: f for f in change_tables(types_readpath.bigquery)["types"]["fields"]}
    got = {c: (fields[c]["type"], fields[c].get("precision"), fields[c].get("scale"), fields[c].get("mode"))
           for c, _ in TYPE_COLUMNS}
    assert got == {c: bq for c, (bq, _) in EXPECTED.items()}


def test_every_types_record_fits_its_bigquery_field(types_readpath: Scenario) -> None:
    run = types_readpath.bigquery
    fields = {f["name"]: f for f in change_tables(run)["types"]["fields"]}
    rows = sink_rows(run)["types"]
    assert [r["__op"] for r in rows] == ["r", "r", "c", "u", "u", "c", "d"]
    problems: dict[str, set[str]] = {}
    for rec in rows:
        for name, value in rec.items():
            f = fields.get(name)
            if f is None:
                problems.setdefault(name, set()).add("field not declared")
                continue
            problem = bigquery_value_problem(f["type"], value, f.get("mode", "NULLABLE"),
                                             int(f["precision"]) if "precision" in f else None,
                                             int(f["scale"]) if "scale" in f else None)
            if problem:
                problems.setdefault(f"{name} ({f['type']})", set()).add(problem)
    assert {k: sorted(v) for k, v in problems.items()} == {}


def test_the_bigquery_latest_state_equals_the_source_by_meaning(types_readpath: Scenario) -> None:
    run = types_readpath.bigquery
    con, views = load(run)
    (view,) = [v for name, v in views.items() if "types" in name and "changes" not in name]
    cur = con.execute(sqlglot.transpile(view, read="bigquery", write="duckdb")[0])
    names = [d[0] for d in cur.description]
    got = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    # BigQuery has no NULL arrays: a REPEATED field of a NULL source array reads as [] (documented)
    assert _rows(got, null_array=[]) == _rows(run.final["types"], null_array=[])


# -- S3 lake ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lake(types_readpath: Scenario, moto_endpoint: str) -> Any:
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    kms = boto3.client("kms", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    key = kms.create_key(Description="stands for the channel key")["KeyMetadata"]["Arn"]
    run = types_readpath.s3
    s3.create_bucket(Bucket=TYPES_BUCKET)
    config = dict(run.connector("io.confluent.connect.s3.")["config"])
    partitions = {t["name"]: int(t["partitions"]) for t in run.resources("kafka_topic").values()}
    s3_sink_write(s3, config, run.records, partitions, bucket=TYPES_BUCKET, kms_key=key, now=datetime.now(UTC))
    return s3


def _decode(encoding: str | None, glue: str, value: Any) -> Any:
    """A raw Glue value in its wire form (the column's ``channelkit.encoding``) as what it means."""
    if value is None or encoding is None:
        return value
    if encoding.startswith("days"):
        return _EPOCH.date() + timedelta(days=value)
    if encoding.startswith("microseconds since midnight"):
        return (datetime.min + timedelta(microseconds=value)).time()
    if encoding.startswith("microseconds since 1970"):
        return _EPOCH + timedelta(microseconds=value)
    if encoding == "base64 text":
        return base64.b64decode(value)
    raise AssertionError(f"unknown encoding {encoding} ({glue})")


def test_the_declared_types_map_to_the_expected_glue_columns(types_readpath: Scenario) -> None:
    (table,) = glue_tables(types_readpath.s3).values()
    got = {c["name"]: c["type"] for c in table["storage_descriptor"]["columns"] if not c["name"].startswith("__")}
    assert got == {c: glue for c, (_, glue) in EXPECTED.items()}


def test_glue_reads_every_value_with_its_meaning(types_readpath: Scenario, lake: Any, tmp_path: Path) -> None:
    run = types_readpath.s3
    (table,) = glue_tables(run).values()
    cols = {c["name"]: c for c in table["storage_descriptor"]["columns"]}
    got = read_glue_table(lake, table, tmp_path)
    assert len(got) == len(run.records)
    schemas = run.connector("io.confluent.connect.s3.")["config"]["value.converter.schemas.enable"] == "true"
    # each change as read through Glue, decoded from its wire form, against the source row after that change
    decoded = [{c: _decode(cols[c].get("parameters", {}).get("channelkit.encoding"), cols[c]["type"], r[c])
                for c, _ in TYPE_COLUMNS} for r in got]
    payloads = [connect_json(r["value"], schemas) for r in run.records]
    latest = {p["id"]: p for p in payloads}  # the last change of each row is its final state (id 4: deleted)
    by_id: dict[int, list[dict[str, Any]]] = {}
    for row in decoded:
        by_id.setdefault(row["id"], []).append(row)
    final = {r["id"]: r for r in run.final["types"]}
    assert set(final) == {i for i, p in latest.items() if p["__deleted"] != "true"}
    for i, src in final.items():
        want = {c: meaning(t, src[c], millis=cols[c]["type"] == "timestamp") for c, t in TYPE_COLUMNS}
        assert any({c: meaning(t, r[c], millis=cols[c]["type"] == "timestamp") for c, t in TYPE_COLUMNS} == want
                   for r in by_id[i]), (i, by_id[i], want)


def test_athena_latest_state_returns_typed_values_equal_to_the_source(types_readpath: Scenario, lake: Any,
                                                                      tmp_path: Path) -> None:
    run = types_readpath.s3
    (database,) = run.resources("aws_glue_catalog_database").values()
    ((name, table),) = glue_tables(run).items()
    con = athena_on_duckdb(duckdb.connect())
    con.execute(f"CREATE SCHEMA \"{database['name']}\"")
    rows = read_glue_table(lake, table, tmp_path)
    cols = [*table["storage_descriptor"]["columns"], *table["partition_keys"]]
    con.execute(f"CREATE TABLE \"{database['name']}\".\"{name}\" (" +
                ", ".join(f"\"{c['name']}\" {duck_type(c['type'])}" for c in cols) + ")")
    con.executemany(f"INSERT INTO \"{database['name']}\".\"{name}\" VALUES ({', '.join('?' for _ in cols)})",
                    [[r[c["name"]] for c in cols] for r in rows])
    (query,) = run.resources("aws_athena_named_query").values()
    cur = con.execute(sqlglot.transpile(query["query"], read="athena", write="duckdb")[0])
    names = [d[0] for d in cur.description]
    types = dict(zip(names, [str(d[1]) for d in cur.description], strict=True))
    assert {c: types[c] for c in ("d", "t", "ts", "ts3", "b")} == {
        "d": "DATE", "t": "TIME", "ts": "TIMESTAMP", "ts3": "TIMESTAMP", "b": "BLOB"}
    got = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    millis = {c["name"] for c in cols if c["type"] == "timestamp"}
    want = [{c: meaning(t, r[c], millis=c in millis) for c, t in TYPE_COLUMNS} for r in run.final["types"]]
    assert [{c: (meaning(t, r[c], millis=c in millis)) for c, t in TYPE_COLUMNS}
            for r in sorted(got, key=lambda r: r["id"])] == want
