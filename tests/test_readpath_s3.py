"""AWS read path: the S3 lake channel's real records, written as its S3 sink writes them, read through its Glue tables.

The records come from the shared real scenario (:mod:`readpath_scenario`): a Postgres channel over the support
tables into the S3 lake, its synthesized Debezium config run in Debezium's embedded engine as its CDC role.

**The one stand-in: the Confluent S3 sink.** Its jar cannot be had here, so :func:`s3_sink_write` does what it
does with the *synthesized* sink config, nothing chosen by the test: every record's value is read with the
configured ``value.converter`` and ``value.converter.schemas.enable`` (Kafka Connect's ``JsonConverter``
semantics, :func:`readpath_scenario.connect_json`); ``format.class=JsonFormat`` writes one JSON object per line
with the format's own converter, without schemas; ``TimeBasedPartitioner`` (``timestamp.extractor=Record``,
``timezone``) formats ``path.format`` under ``topics.dir``/``<topic>``; objects are named
``<topic>+<partition>+<startOffset>.json`` (offset zero-padded to 10 digits, a new object every ``flush.size``
records); records are spread over the topic's partitions by the producer's default partitioner (murmur2 of the
serialized key) and numbered per partition. The record timestamp is the capture time (a worker's producer stamps
``CreateTime``). Objects go to moto S3 (``moto_endpoint``), encrypted with a moto KMS key standing for the
channel key.

Read path: each Glue table's synthesized definition (columns and types, the OpenX JSON SerDe with
``ignore.malformed.json``, the ``dt`` partition key, partition projection's ``storage.location.template``) is
read with DuckDB over the objects downloaded from moto (``read_json`` with the Glue columns as an explicit schema:
keys matched by name, missing keys NULL, other keys ignored, as the SerDe does). Then the synthesized Athena
latest-state named query, transpiled by sqlglot from Athena (Trino) SQL to DuckDB, must equal the source's final
state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
import sqlglot
from readpath_scenario import LAKE_BUCKET, ChannelRun, Scenario, athena_on_duckdb, connect_json, readpath

from channelkit.governance import column_level

pytestmark = [pytest.mark.engines, pytest.mark.moto]
pytest_plugins = ["aws_fixtures"]
__all__ = ["readpath"]  # the module-scoped fixture


# -- the S3 sink stand-in ----------------------------------------------------------------------------------------
def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2`` (the default partitioner's hash), as a signed 32-bit int."""
    m, mask = 0x5BD1E995, 0xFFFFFFFF
    length = len(data)
    h = (0x9747B28C ^ length) & mask
    for i in range(length // 4):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
    tail, rest = length & ~3, length % 4
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def test_murmur2_is_kafkas() -> None:
    # Kafka's UtilsTest.testMurmur2 vectors
    assert murmur2(b"21") == -973932308
    assert murmur2(b"foobar") == -790332482
    assert murmur2(b"a-little-bit-long-string") == -985981536


def joda_format(pattern: str, when: datetime) -> str:
    """A Joda ``DateTimeFormat`` pattern of the letters a daily ``path.format`` uses ('quoted' text, y/Y, M, d, H)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            j = pattern.index("'", i + 1)
            out.append(pattern[i + 1:j] or "'")
            i = j + 1
            continue
        run = len(re.match(rf"{re.escape(ch)}+", pattern[i:]).group(0)) if ch.isalpha() else 1  # type: ignore[union-attr]
        if ch in "yY":
            out.append(f"{when.year:04d}")
        elif ch == "M":
            out.append(f"{when.month:0{run}d}")
        elif ch == "d":
            out.append(f"{when.day:0{run}d}")
        elif ch == "H":
            out.append(f"{when.hour:0{run}d}")
        elif ch.isalpha():
            raise ValueError(f"pattern letter {ch!r} not modelled: {pattern}")
        else:
            out.append(ch)
        i += run
    return "".join(out)


def s3_sink_write(s3: Any, config: dict[str, str], records: list[dict[str, Any]], partitions: dict[str, int],
                  *, bucket: str, kms_key: str, now: datetime) -> list[str]:
    """Write ``records`` to ``bucket`` as the Confluent S3 sink with ``config`` would; the object keys."""
    assert config["connector.class"] == "io.confluent.connect.s3.S3SinkConnector"
    assert config["storage.class"] == "io.confluent.connect.s3.storage.S3Storage"
    assert config["format.class"] == "io.confluent.connect.s3.format.json.JsonFormat"
    assert config["partitioner.class"] == "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"
    assert config["timestamp.extractor"] == "Record" and config["timezone"] == "UTC"
    assert config["value.converter"] == "org.apache.kafka.connect.json.JsonConverter"
    assert config.get("s3.compression.type", "none") == "none"
    schemas = config["value.converter.schemas.enable"] == "true"
    topics = config["topics"].split(",")
    flush_size = int(config["flush.size"])
    offsets: dict[tuple[str, int], int] = {}
    files: dict[tuple[str, int, str], list[tuple[int, str]]] = {}
    for record in records:
        if record["topic"] not in topics:
            continue
        key = json.dumps(record["key"], separators=(",", ":"), ensure_ascii=False).encode()
        partition = (murmur2(key) & 0x7FFFFFFF) % partitions[record["topic"]]
        offset = offsets.get((record["topic"], partition), 0)
        offsets[(record["topic"], partition)] = offset + 1
        value = connect_json(record["value"], schemas)
        if value is None:  # behavior.on.null.values defaults to fail
            assert config.get("behavior.on.null.values", "fail") == "ignore", "a null value fails the sink task"
            continue
        line = json.dumps(value, separators=(",", ":"), ensure_ascii=False)  # JsonFormat: JsonConverter, schemaless
        encoded = joda_format(config["path.format"], now.astimezone(UTC))
        files.setdefault((record["topic"], partition, encoded), []).append((offset, line))
    keys = []
    for (topic, partition, encoded), lines in sorted(files.items()):
        for start in range(0, len(lines), flush_size):
            chunk = lines[start:start + flush_size]
            key = f"{config['topics.dir']}/{topic}/{encoded}/{topic}+{partition}+{chunk[0][0]:010d}.json"
            s3.put_object(Bucket=bucket, Key=key, Body="".join(line + "\n" for _, line in chunk).encode(),
                          ServerSideEncryption=config["s3.ssea.name"], SSEKMSKeyId=kms_key)
            keys.append(key)
    return keys


# -- reading through the Glue table ------------------------------------------------------------------------------
_DUCK = {"bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT", "string": "VARCHAR",
         "boolean": "BOOLEAN", "double": "DOUBLE", "float": "FLOAT", "timestamp": "TIMESTAMP", "date": "DATE",
         "binary": "BLOB"}


def duck_type(glue_type: str) -> str:
    if glue_type.startswith("array<") and glue_type.endswith(">"):
        return duck_type(glue_type[6:-1]) + "[]"
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", glue_type)
    return f"DECIMAL({m.group(1)},{m.group(2)})" if m else _DUCK[glue_type]


def glue_tables(run: ChannelRun) -> dict[str, dict[str, Any]]:
    """Glue table name → its synthesized ``aws_glue_catalog_table`` body."""
    return {b["name"]: b for b in run.resources("aws_glue_catalog_table").values()}


def projected_location(table: dict[str, Any], dt: str) -> str:
    """The partition location Athena's projection computes for ``dt`` (Terraform un-escapes ``$${``)."""
    template = table["parameters"]["storage.location.template"].replace("$${", "${")
    return template.replace("${dt}", dt)


def read_glue_table(s3: Any, table: dict[str, Any], download: Path, bucket: str | None = None) -> list[dict[str, Any]]:
    """The rows Athena reads through ``table``'s definition: every object of every projected partition."""
    sd = table["storage_descriptor"]
    assert sd["ser_de_info"]["serialization_library"] == "org.openx.data.jsonserde.JsonSerDe"
    assert sd["input_format"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert [k["name"] for k in table["partition_keys"]] == ["dt"]
    params = table["parameters"]
    assert params["projection.enabled"] == "true" and params["projection.dt.type"] == "date"
    assert params["projection.dt.format"] == "yyyy-MM-dd"
    start, end = params["projection.dt.range"].split(",")
    loc_bucket, _, prefix = sd["location"].removeprefix("s3://").partition("/")
    bucket = bucket or loc_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    files: list[tuple[str, str]] = []
    for obj in listed:
        directory, _, _name = obj["Key"].rpartition("/")
        m = re.fullmatch(re.escape(prefix) + r"dt=(\d{4}-\d{2}-\d{2})", directory)
        assert m, f"{obj['Key']} is in no projected partition of {table['name']}"
        dt = m.group(1)
        assert projected_location(table, dt) == f"s3://{loc_bucket}/{directory}/"
        assert end == "NOW"
        assert re.fullmatch(r"NOW-\d+DAYS", start) or date.fromisoformat(start) <= date.fromisoformat(dt)
        local = download / bucket / obj["Key"]
        local.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, obj["Key"], str(local))
        files.append((str(local), dt))
    if not files:
        return []
    columns = {c["name"]: duck_type(c["type"]) for c in sd["columns"]}
    con = duckdb.connect()
    rel = con.execute(
        "SELECT * FROM read_json(?, columns = " + "{" + ", ".join(f"'{n}': '{t}'" for n, t in columns.items()) + "}"
        ", format = 'newline_delimited', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'}, "
        "ignore_errors = true)", [[f for f, _ in files]])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


# -- fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s3(moto_endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def kms_key(moto_endpoint: str) -> str:
    kms = boto3.client("kms", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    return str(kms.create_key(Description="stands for the channel key")["KeyMetadata"]["Arn"])


def _partitions(run: ChannelRun) -> dict[str, int]:
    return {t["name"]: int(t["partitions"]) for t in run.resources("kafka_topic").values()}


def _sink_config(run: ChannelRun) -> dict[str, str]:
    return dict(run.connector("io.confluent.connect.s3.")["config"])


@pytest.fixture(scope="module")
def written(readpath: Scenario, s3: Any, kms_key: str) -> Iterator[list[str]]:
    """The S3 lake channel's records in moto S3, written with the synthesized sink config."""
    s3.create_bucket(Bucket=LAKE_BUCKET)
    yield s3_sink_write(s3, _sink_config(readpath.s3), readpath.s3.records, _partitions(readpath.s3),
                        bucket=LAKE_BUCKET, kms_key=kms_key, now=datetime.now(UTC))


# -- the tests ---------------------------------------------------------------------------------------------------
def test_a_schemaless_sink_writes_envelopes_and_every_glue_column_reads_null(
        readpath: Scenario, s3: Any, kms_key: str, tmp_path: Path) -> None:
    """The sink config before the fix (``value.converter.schemas.enable=false``) against the source's envelopes."""
    run = readpath.s3
    config = {**_sink_config(run), "value.converter.schemas.enable": "false"}
    bucket = LAKE_BUCKET + "-schemaless"
    s3.create_bucket(Bucket=bucket)
    keys = s3_sink_write(s3, config, run.records, _partitions(run), bucket=bucket, kms_key=kms_key,
                         now=datetime.now(UTC))
    first = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read().decode().splitlines()[0]
    assert set(json.loads(first)) == {"schema", "payload"}
    for name, table in glue_tables(run).items():
        rows = read_glue_table(s3, table, tmp_path, bucket=bucket)
        assert rows and all(v is None for r in rows for c, v in r.items() if c != "dt"), name
    print(f"\nschemaless: {len(keys)} objects of {{schema, payload}} lines; every Glue column reads NULL")


def test_the_synthesized_sink_writes_flat_records_in_projected_partitions(readpath: Scenario, s3: Any,
                                                                          written: list[str]) -> None:
    run = readpath.s3
    config = _sink_config(run)
    assert config["value.converter.schemas.enable"] == "true"
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    topics = set(run.table_topics.values())
    for key in written:
        m = re.fullmatch(r"cdc/([^/]+)/dt=(\d{4}-\d{2}-\d{2})/([^/+]+)\+(\d+)\+(\d{10})\.json", key)
        assert m and m.group(1) in topics and m.group(3) == m.group(1) and m.group(2) == today, key
        head = s3.head_object(Bucket=LAKE_BUCKET, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        for line in s3.get_object(Bucket=LAKE_BUCKET, Key=key)["Body"].read().decode().splitlines():
            assert "schema" not in json.loads(line) and "__op" in json.loads(line)
    print(f"\n{len(written)} objects:", *written, sep="\n  ")


def _glue_row(table: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """What a flat record is in ``table``'s columns (ISO timestamps as naive UTC, as Athena's ``timestamp``)."""
    out = {}
    for c in table["storage_descriptor"]["columns"]:
        v = value.get(c["name"])
        if v is not None and c["type"] == "timestamp":
            v = datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
        out[c["name"]] = v
    return out


def test_glue_reads_exactly_what_was_written(readpath: Scenario, s3: Any, written: list[str],
                                             tmp_path: Path) -> None:
    run = readpath.s3
    schemas = _sink_config(run)["value.converter.schemas.enable"] == "true"
    for t, table in glue_tables(run).items():
        got = read_glue_table(s3, table, tmp_path)
        assert {r.pop("dt") for r in got} == {datetime.now(UTC).strftime("%Y-%m-%d")}
        want = [_glue_row(table, connect_json(r["value"], schemas)) for r in run.table_records(t)]
        def order(r: dict[str, Any]) -> list[str]:
            return [str(r[k]) for k in ("__source_lsn", "id", "__op")]

        assert sorted(got, key=order) == sorted(want, key=order)
        assert set(got[0]) == {c["name"] for c in table["storage_descriptor"]["columns"]}


def _source_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def test_athena_latest_state_equals_the_source(readpath: Scenario, s3: Any, written: list[str],
                                               tmp_path: Path) -> None:
    run = readpath.s3
    (database,) = run.resources("aws_glue_catalog_database").values()
    con = athena_on_duckdb(duckdb.connect())
    con.execute(f"CREATE SCHEMA \"{database['name']}\"")
    tables = glue_tables(run)
    for name, table in tables.items():
        rows = read_glue_table(s3, table, tmp_path / name)
        cols = [*(c for c in table["storage_descriptor"]["columns"]), *table["partition_keys"]]
        con.execute(f"CREATE TABLE \"{database['name']}\".\"{name}\" (" +
                    ", ".join(f"\"{c['name']}\" {duck_type(c['type'])}" for c in cols) + ")")
        con.executemany(f"INSERT INTO \"{database['name']}\".\"{name}\" VALUES ({', '.join('?' for _ in cols)})",
                        [[r[c["name"]] for c in cols] for r in rows])
    named = {q["name"]: q for q in run.resources("aws_athena_named_query").values()}
    # One query per clearance of the channel's readers: the restricted reader's sees every column, the default
    # (internal) one the same rows without the columns above internal (the lake leaves them out).
    assert set(named) == {f"{t}_latest{suffix}" for t in tables for suffix in ("", "_restricted")}
    from stacks.support import TABLES

    hidden = {c.name for t in TABLES for c in t.columns if column_level(c) not in ("public", "internal")}
    assert hidden, "the support tables hold PII"
    for t, source_rows in run.expected.items():
        for suffix, drop in (("_restricted", set()), ("", hidden)):
            duck = sqlglot.transpile(named[f"{t}_latest{suffix}"]["query"], read="athena", write="duckdb")[0]
            cur = con.execute(duck)
            names = [d[0] for d in cur.description]
            got = sorted(({n: v for n, v in zip(names, row, strict=True) if n != "__source_ts_ms"}
                          for row in cur.fetchall()), key=lambda r: r["id"])
            want = [{c: _source_value(v) for c, v in r.items() if c not in drop} for r in source_rows]
            assert got == want, (t, suffix)
