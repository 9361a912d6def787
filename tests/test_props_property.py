"""Property test: whatever a user passes to a public constructor, the outcome is one of two things.

Either a stack that synthesizes and that ``channelkit validate`` (the offline checks: provider schemas, the
providers' rules, references) accepts, or one typed :class:`~channelkit.errors.ChannelkitError` naming construct
path, field and value. Never a raw Python or jsii exception, never an accepted value that the target would refuse.

Hypothesis draws a valid channel (three bases: MySQL → Kafka/Connect → BigQuery, Postgres → Kafka/Connect →
BigQuery, MySQL → MSK/MSK Connect → S3 lake), picks one public prop anywhere in it (a ``Channel`` keyword, a field
of its source, platform, warehouse, owner, a table, a column, a quality check or a reader), and replaces it with a
drawn value: wrong types (``None``, bools where integers go, numbers, lists, dicts), boundary lengths, unicode and
control characters, trailing whitespace, interpolation markers. A second property builds two channels in one stack
that share a name (collisions). ``derandomize=True`` makes every run draw the same examples, so CI is not flaky;
the outcome counts are printed (``pytest -s``) for the closing note.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import CONNECT, KAFKA, TEAM, WAREHOUSE, orders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelkit._cdk import cdk
from channelkit.constructs.aws import aws_provider
from channelkit.errors import ChannelkitError, ValidationError
from channelkit.patterns import (
    AwsLake,
    Channel,
    Column,
    MskCluster,
    MskConnect,
    MySqlSource,
    PostgresSource,
    Reader,
    Table,
    Team,
)
from channelkit.quality import Freshness, Matches, NotNull, Range, RowCondition
from channelkit.validate import validate_stack_document

ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
MSK_CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",), plugin_bucket="acme-plugins",
                         source_plugin_key="debezium.zip", sink_plugin_key="s3-sink.zip")
LATER = datetime(2999, 1, 1, tzinfo=UTC)

#: How many examples each property draws. The figures of a run are in the closing note of issue 9.
EXAMPLES = 400
OUTCOMES: collections.Counter[str] = collections.Counter()


def _base(kind: str) -> dict[str, Any]:
    """The keyword arguments of one valid channel of ``kind``."""
    readers = [Reader(gcp="group:analysts@example.com", expires=LATER)]
    tables = [orders(), Table("refunds", primary_key=["id"], description="refunds", columns=[
        Column(name="id", type="int64", checks=[Range(min=1, max=10**9)]),
        Column(name="reason", type="string", description="why", checks=[Matches("[a-z ]+"), NotNull()]),
        Column(name="refunded_at", type="timestamp", checks=[Range(min=datetime(2020, 1, 1, tzinfo=UTC))]),
    ], checks=[RowCondition("id > 0", name="positive-id"), Freshness(max_age=timedelta(hours=6),
                                                                     column="refunded_at")])]
    if kind == "gcp-mysql":
        return dict(source=MySqlSource(host="db", database="shop"), tables=tables, kafka=KAFKA, connect=CONNECT,
                    warehouse=WAREHOUSE, owner=TEAM, readers=readers, retention=timedelta(days=7), partitions=3)
    if kind == "gcp-postgres":
        return dict(source=PostgresSource(host="pg", database="crm"), tables=tables, kafka=KAFKA, connect=CONNECT,
                    warehouse=WAREHOUSE, owner=TEAM, readers=readers, retention=timedelta(days=7), partitions=3)
    return dict(source=MySqlSource(host="db", database="shop"), tables=tables, kafka=MskCluster(arn=ARN),
                connect=MSK_CONNECT, warehouse=AwsLake(region="eu-west-1", bucket_name="acme-shop-cdc"),
                owner=Team(name="team-a", email="a@example.com"),
                readers=[Reader(aws="arn:aws:iam::123456789012:role/analyst", expires=LATER)],
                retention=timedelta(days=7), partitions=3)


BASES = ("gcp-mysql", "gcp-postgres", "aws-msk-lake")

SPECIAL_TEXT = [
    "", " ", "\n", "orders\n", "User:connect\n", "us-east-1\n", "db ", " db", "a\tb", "a\x00b", "\u200bx", "é",
    "Ünïcödé", "日本", "${var.cdc_password}", "price in ${currency}", "%{ if true }x%{ endif }", "$${x}", "a.b",
    "a-b", "A_B", "-a", "_a", "1a", "a/b", "a:b", "a,b", "*", "..", "Orders", "ORDERS", "null", "true",
]


def _long(n: int) -> str:
    return "a" * n


BAD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([-1, 0, 1, 65535, 65536, 2**31, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=12),
    st.builds(_long, st.sampled_from([31, 32, 33, 63, 64, 65, 80, 81, 100, 101, 128, 129, 249, 250, 255, 256,
                                      300, 301, 1024, 1025])),
    st.lists(st.sampled_from(["a", "b:1", "", "x\n"]), max_size=3),
    st.lists(st.sampled_from(["a", "b:1", "", "x\n"]), max_size=3).map(tuple),
    st.dictionaries(st.sampled_from(["a", "b", ""]), st.sampled_from(["1", "", "${x}"]), max_size=2),
    st.sampled_from([timedelta(0), timedelta(days=-1), timedelta(days=36500), datetime(2000, 1, 1),
                     datetime(2000, 1, 1, tzinfo=UTC), LATER.replace(tzinfo=None), object()]),
)


def _targets(kwargs: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every mutable public prop of the channel ``kwargs``: a path of keys/indexes/field names."""
    out: list[tuple[str, ...]] = [(k,) for k in kwargs]
    for key in ("source", "kafka", "connect", "warehouse", "owner"):
        out += [(key, f.name) for f in dataclasses.fields(kwargs[key])]
    for i, table in enumerate(kwargs["tables"]):
        out += [("tables", str(i), f.name) for f in dataclasses.fields(table)]
        out += [("tables", str(i), "columns", str(j), f.name) for j, col in enumerate(table.columns)
                for f in dataclasses.fields(col)]
        out += [("tables", str(i), "checks", str(k), f.name) for k, check in enumerate(table.checks)
                for f in dataclasses.fields(check)]
        out += [("tables", str(i), "columns", str(j), "checks", str(k), f.name)
                for j, col in enumerate(table.columns) for k, check in enumerate(col.checks)
                for f in dataclasses.fields(check)]
    for i, reader in enumerate(kwargs["readers"]):
        out += [("readers", str(i), f.name) for f in dataclasses.fields(reader)]
    return out


def _replaced(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    """``obj`` with the prop at ``path`` set to ``value`` (props are frozen: rebuilt through their constructor)."""
    head, rest = path[0], path[1:]
    if isinstance(obj, dict):
        return {**obj, head: value if not rest else _replaced(obj[head], rest, value)}
    if isinstance(obj, list):
        i = int(head)
        return [*obj[:i], value if not rest else _replaced(obj[i], rest, value), *obj[i + 1:]]
    current = getattr(obj, head)
    if rest:
        current = list(current) if isinstance(current, tuple | list) else current
        new = _replaced(current, rest, value)
        new = tuple(new) if isinstance(getattr(obj, head), tuple) else new
        return dataclasses.replace(obj, **{head: new})
    return dataclasses.replace(obj, **{head: value})


def _stack(kind: str, outdir: Path) -> tuple[Any, Any]:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.TerraformStack(app, "s")
    if kind.startswith("aws") or kind.startswith("L2 aws"):
        aws_provider(stack, region="eu-west-1")
    if kind.startswith("L2"):  # a standalone L2 uses the app's providers, as the Channel creates them
        from channelkit.providers.google import GoogleProvider
        from channelkit.providers.kafka import KafkaProvider
        from channelkit.providers.kafka_connect import KafkaConnectProvider
        from channelkit.providers.mysql import MysqlProvider
        from channelkit.providers.postgresql import PostgresqlProvider
        from channelkit.providers.random import RandomProvider

        KafkaProvider(stack, "kafka", bootstrap_servers=["b:9092"])
        KafkaConnectProvider(stack, "connect", url="https://connect:8083")
        GoogleProvider(stack, "google", project="proj-test")
        MysqlProvider(stack, "mysql", endpoint="db:3306", username="admin")
        PostgresqlProvider(stack, "postgresql", host="pg", username="postgres")
        RandomProvider(stack, "random")
    return app, stack


def _judge(build: Any, kind: str, case: str, *, must_fail: bool = False) -> None:
    """Run ``build(stack)``; the outcome must be a stack ``validate`` accepts or one well-formed typed error.

    ``must_fail``: the input is known to be unusable (a collision ``validate`` cannot see), so only the error will do.
    """
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(tmp) / "out"
        try:
            app, stack = _stack(kind, outdir)
            build(stack)
        except ChannelkitError as err:
            if isinstance(err, ValidationError):
                assert err.problems, f"{case}: a ValidationError without problems: {err}"
                for p in err.problems:
                    assert p.path and p.field and p.allowed, f"{case}: a problem without path/field/allowed: {p}"
            OUTCOMES[f"{kind}: typed error"] += 1
            return
        except Exception as err:  # the defect this test exists to find
            OUTCOMES[f"{kind}: untyped {type(err).__name__}"] += 1
            pytest.fail(f"{case}: raised {type(err).__name__} instead of a ChannelkitError: {err}")
        assert not must_fail, f"{case}: accepted, but it cannot work"
        app.synth()
        doc = json.loads((outdir / "stacks" / "s" / "cdk.tf.json").read_text())
        _, findings = validate_stack_document(doc, "s")
        assert not findings, f"{case}: accepted, but channelkit validate finds: {[f.render() for f in findings]}"
        OUTCOMES[f"{kind}: accepted and valid"] += 1


@st.composite
def _mutated(draw: Any) -> tuple[str, tuple[str, ...], Any, dict[str, Any] | None]:
    kind = draw(st.sampled_from(BASES))
    base = _base(kind)
    path = draw(st.sampled_from(_targets(base)))
    value = draw(BAD)
    try:
        kwargs = _replaced(base, path, value)
    except ChannelkitError:
        kwargs = None  # the prop's own constructor refused it (typed): judged below
    except Exception as err:
        raise AssertionError(f"{kind} {'.'.join(path)} = {value!r}: a prop constructor raised "
                             f"{type(err).__name__}: {err}") from err
    return kind, path, value, kwargs


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_mutated())
def test_any_one_bad_prop_is_a_valid_stack_or_one_typed_error(case: Any) -> None:
    kind, path, value, kwargs = case
    label = f"{kind} {'.'.join(path)} = {value!r}"
    if kwargs is None:
        OUTCOMES[f"{kind}: typed error"] += 1
        return
    _judge(lambda stack: Channel(stack, "shop", **kwargs), kind, label)


NAMES = st.sampled_from(["shop", "Shop", "shop2", "a" * 40, "a" * 41])


@settings(max_examples=EXAMPLES // 2, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), NAMES, NAMES, st.sampled_from(["same", "other"]), st.sampled_from(["same", "other"]))
def test_two_channels_in_one_stack_never_collide_silently(
    kind: str, first: str, second: str, database: str, bucket: str,
) -> None:
    def build(stack: Any) -> None:
        for i, name in enumerate((first, second)):
            kwargs = _base(kind)
            if database == "other" and i:
                kwargs["source"] = dataclasses.replace(kwargs["source"], database="shop_two")
            if bucket == "other" and i and isinstance(kwargs["warehouse"], AwsLake):
                kwargs["warehouse"] = dataclasses.replace(kwargs["warehouse"], bucket_name="acme-shop-two-cdc")
            Channel(stack, f"{name}-{i}" if first == second else name, **kwargs)

    shared_bucket = kind.startswith("aws") and bucket == "same"
    _judge(build, kind, f"{kind}: {first!r} + {second!r}, database {database}, bucket {bucket}",
           must_fail=shared_bucket)


def teardown_module() -> None:
    print("\nproperty outcomes:", dict(sorted(OUTCOMES.items())))


# ------------------------------------------------------------------------------------------------ L2 constructs
def _l2_builders() -> dict[str, tuple[Any, Any]]:
    """Per L2 construct: (constructor, a function of the stack giving valid keyword arguments)."""
    from channelkit.constructs import (
        BigQueryDataset,
        BigQueryField,
        BigQuerySink,
        BigQueryTable,
        CdcDatabaseUser,
        DebeziumMySqlSource,
        DebeziumPostgresSource,
        KafkaTopic,
        LatestStateView,
    )
    from channelkit.constructs.aws import (
        ChannelKey,
        CustomPlugin,
        DataBucket,
        GeneratedSecret,
        GlueColumn,
        GlueDatabase,
        GlueTable,
        LakeGrant,
        NamedQuery,
        WorkerConfiguration,
        Workgroup,
    )

    def dataset(stack: Any) -> Any:
        return BigQueryDataset(stack, "D", dataset_id="ds", project="proj-test", location="EU")

    def table(stack: Any) -> Any:
        return BigQueryTable(stack, "T", dataset=dataset(stack), table_id="orders_changes", primary_key=["id"],
                             fields=[BigQueryField(name="id", type="INT64"), BigQueryField(name="b", type="STRING")],
                             metadata_fields=[BigQueryField(name="__source_lsn", type="INT64")])

    def key(stack: Any) -> Any:
        return ChannelKey(stack, "Key", alias="alias/channelkit/orders")

    def glue_db(stack: Any) -> Any:
        return GlueDatabase(stack, "Db", name="orders")

    def password(stack: Any) -> str:
        from channelkit.providers.random import Password

        return str(Password(stack, "Pw", length=32).result)

    glue_columns = [GlueColumn(name="id", type="bigint", comment="key"), GlueColumn(name="email", type="string")]
    return {
        "KafkaTopic": (KafkaTopic, lambda s: dict(name="a.b.c", broker_count=3)),
        "BigQueryDataset": (BigQueryDataset, lambda s: dict(dataset_id="ds", project="proj-test", location="EU")),
        "BigQueryTable": (BigQueryTable, lambda s: dict(
            dataset=dataset(s), table_id="t", primary_key=["id"], fields=[BigQueryField(name="id", type="INT64")])),
        "LatestStateView": (LatestStateView, lambda s: dict(
            source=table(s), view_id="orders", columns=["id", "b"], primary_key=["id"],
            position_columns=["__source_lsn"])),
        "DebeziumMySqlSource": (DebeziumMySqlSource, lambda s: dict(
            name="src", hostname="db", user="cdc", password=password(s), database="shop",
            tables=["orders"], topic_prefix="shop", server_id=123456, bootstrap_servers="b:9092",
            history_topic="shop.schema-history")),
        "DebeziumPostgresSource": (DebeziumPostgresSource, lambda s: dict(
            name="p", hostname="pg", user="u", password=password(s), database="d", tables=["t"],
            topic_prefix="p", slot_name="ck_p", publication_name="ck_p")),
        "CdcDatabaseUser": (CdcDatabaseUser, lambda s: dict(
            engine="mysql", user_name="cdc_shop", database="shop", tables=["orders"])),
        "BigQuerySink": (BigQuerySink, lambda s: dict(
            name="sink", dataset=dataset(s), topics=[KafkaTopic(s, "Tp", name="a.b.c", broker_count=3)],
            table_for_topic={"a.b.c": "c_changes"}, dlq_topic=KafkaTopic(s, "Q", name="dlq", broker_count=3),
            account_id="ck-test-sink")),
        "ChannelKey": (ChannelKey, lambda s: dict(alias="alias/channelkit/orders", tags={"team": "a"})),
        "DataBucket": (DataBucket, lambda s: dict(bucket_name="orders-data", key=key(s), expiration_days=7)),
        "GlueDatabase": (GlueDatabase, lambda s: dict(name="orders", description="CDC", parameters={"o": "a"})),
        "GlueTable": (GlueTable, lambda s: dict(
            database=glue_db(s), name="customers", columns=glue_columns,
            partition_keys=[GlueColumn(name="dt", type="string")], location="s3://orders-data/topics/customers/",
            owner="team-a", parameters={"channelkit.channel": "orders"})),
        "CustomPlugin": (CustomPlugin, lambda s: dict(name="debezium", bucket_arn="arn:aws:s3:::plugins",
                                                      file_key="dbz.zip")),
        "WorkerConfiguration": (WorkerConfiguration, lambda s: dict(name="workers", properties={"a.key": "1"})),
        "GeneratedSecret": (GeneratedSecret, lambda s: dict(name="channelkit/orders/db", username="cdc", key=key(s))),
        "Workgroup": (Workgroup, lambda s: dict(name="orders", output_location="s3://orders-data/athena/",
                                                key=key(s))),
        "NamedQuery": (NamedQuery, lambda s: dict(
            name="customers_latest", database=glue_db(s), query="SELECT 1",
            workgroup=Workgroup(s, "Wg", name="orders", output_location="s3://orders-data/athena/", key=key(s)))),
        "LakeGrant": (LakeGrant, lambda s: dict(principal="arn:aws:iam::123456789012:role/analyst",
                                                permissions=["DESCRIBE"], database=glue_db(s))),
    }


L2 = _l2_builders()
_AWS_L2 = {"ChannelKey", "DataBucket", "GlueDatabase", "GlueTable", "CustomPlugin", "WorkerConfiguration",
           "GeneratedSecret", "Workgroup", "NamedQuery", "LakeGrant"}


@st.composite
def _l2_case(draw: Any) -> tuple[str, str | None, Any, str]:
    name = draw(st.sampled_from(sorted(L2)))
    with tempfile.TemporaryDirectory() as tmp:  # the keyword names only: a throwaway stack to read them from
        _, stack = _stack("aws" if name in _AWS_L2 else "gcp", Path(tmp))
        keys = sorted(L2[name][1](stack))
    field = draw(st.sampled_from([*keys, "(construct id)"]))
    value = draw(st.one_of(BAD, st.sampled_from(["", "X", "a/b"])) if field == "(construct id)" else BAD)
    return name, field, value, "aws" if name in _AWS_L2 else "gcp"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_l2_case())
def test_any_one_bad_l2_prop_is_a_valid_stack_or_one_typed_error(case: Any) -> None:
    name, field, value, kind = case
    cls, base = L2[name]

    def build(stack: Any) -> None:
        kwargs = base(stack)
        if field == "(construct id)":
            cls(stack, value, **kwargs)
        else:
            cls(stack, "X", **{**kwargs, field: value})

    _judge(build, f"L2 {name}" if kind == "gcp" else f"L2 aws {name}", f"{name}.{field} = {value!r}")
