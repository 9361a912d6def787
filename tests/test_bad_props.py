"""Every bad prop is one typed error naming path, field and value, on both targets (table-driven).

The wrong values are generated from the declarative rules each prop class publishes (``PROPS``, see
:mod:`channelkit.props`): for every field, a value of the wrong type (a bool where an integer is expected,
a string where a list is), one out of range, one with a trailing newline, one too long, one empty. Each
Channel below is only *constructed*: every check runs before the channel joins the construct tree, so a
rejected channel costs no synthesis and leaves nothing behind (which is also asserted). Nothing here is
applied to a cloud; the limits checked are the documented ones of each system (see the rule comments).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import CONNECT, KAFKA, TEAM, orders

from channelkit._cdk import cdk
from channelkit.constructs import (
    BigQueryDataset,
    BigQueryField,
    BigQueryTable,
    CdcDatabaseUser,
    CollisionError,
    ConstructPropsError,
    DebeziumMySqlSource,
    InvalidNameError,
    KafkaTopic,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.constructs.aws import ChannelKey, DataBucket, GlueDatabase, ServiceRole, Statement, aws_provider
from channelkit.errors import ChannelkitError, ValidationError
from channelkit.patterns import (
    AwsLake,
    BigQuery,
    Channel,
    Column,
    KafkaCluster,
    MariaDbSource,
    MskCluster,
    MskConnect,
    MySqlSource,
    PostgresSource,
    Reader,
    Table,
    Team,
)
from channelkit.props import Boolean, Days, Instance, Integer, Map, Maybe, Moment, OneOf, Rule, Seq, Text

ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
BROKERS = "b-1.platform.abc.c2.kafka.us-east-1.amazonaws.com:9098"
MSK = MskCluster(arn=ARN, bootstrap_brokers=BROKERS)
MSK_CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",), plugin_bucket="acme-plugins",
                         source_plugin_key="debezium.zip", sink_plugin_key="s3-sink.zip")
LAKE = AwsLake(region="us-east-1", bucket_name="acme-orders-cdc")
BQ = BigQuery(project="proj-test", location="EU")
READER = Reader(gcp="user:ann@example.com", aws="arn:aws:iam::123456789012:role/analyst",
                expires=datetime(2099, 1, 1, tzinfo=UTC))
PATH = "s/shop"


# --------------------------------------------------------------------------------------------- the targets
def gcp_kwargs(**overrides: Any) -> dict[str, Any]:
    """A valid MySQL -> Kafka Connect -> BigQuery channel."""
    return {"source": MySqlSource(host="db", database="shop"), "tables": [orders()], "kafka": KAFKA,
            "connect": CONNECT, "warehouse": BQ, "owner": TEAM, **overrides}


def aws_kwargs(**overrides: Any) -> dict[str, Any]:
    """A valid MySQL -> MSK Connect -> S3 lake channel."""
    return {"source": MySqlSource(host="db", database="shop"), "tables": [orders()], "kafka": MSK,
            "connect": MSK_CONNECT, "warehouse": LAKE, "owner": TEAM, **overrides}


TARGETS: dict[str, Callable[..., dict[str, Any]]] = {"gcp": gcp_kwargs, "aws": aws_kwargs}


@pytest.fixture(scope="module")
def stacks() -> dict[str, Any]:
    """One stack per target, shared: a rejected channel adds nothing to it."""
    app = cdk.App()
    gcp = cdk.TerraformStack(app, "s")
    app2 = cdk.App()
    aws = cdk.TerraformStack(app2, "s")
    aws_provider(aws, region="us-east-1")
    return {"gcp": gcp, "aws": aws}


def rejected(stack: Any, **kwargs: Any) -> ValidationError:
    """The one typed error a Channel with ``kwargs`` raises; checks it left no construct behind."""
    before = len(stack.node.children)
    with pytest.raises(ValidationError) as info:
        Channel(stack, "shop", **kwargs)
    assert isinstance(info.value, ChannelkitError)
    assert len(stack.node.children) == before, "a rejected channel must not stay in the tree"
    return info.value


def _matches(found: Any, given: Any) -> bool:
    if found == given or found == "<redacted>":
        return True
    if isinstance(given, list | tuple):
        return any(_matches(found, item) for item in given)
    if isinstance(given, dict):
        return found in given or found in given.values()
    if dataclasses.is_dataclass(given):
        return found in vars(given).values()
    return False


def assert_names(err: ValidationError, field: str, value: Any, path: str = PATH) -> None:
    """``err`` has a problem at ``path`` on ``field`` (or one of its items) showing ``value``."""
    hits = [p for p in err.problems if p.field == field or p.field.startswith((field + "[", field + " "))]
    assert hits, f"no problem on {field!r}: {err}"
    assert any(p.path == path for p in hits), err
    assert any(_matches(p.value, value) for p in hits), f"{field}: {[p.value for p in hits]!r} vs {value!r}"
    assert all(p.allowed for p in err.problems)


# -------------------------------------------------------------------------- wrong values from the rules
def bad_values(rule: Rule, good: Any) -> Iterator[Any]:
    """Values ``rule`` must refuse: wrong types (bool for int, str for a list), out of range, newline, length."""
    if isinstance(rule, Maybe):
        yield from bad_values(rule.rule, good)
        return
    if isinstance(rule, Integer):
        yield from (True, "3", 1.5, None)
        if rule.min is not None:
            yield rule.min - 1
        if rule.max is not None:
            yield rule.max + 1
    elif isinstance(rule, Boolean):
        yield from (1, "yes", None)
    elif isinstance(rule, Text):
        yield from (5, None, b"bytes")
        if rule.printable and isinstance(good, str) and good:
            yield good + "\n"
        if rule.min_len >= 1:
            yield ""
        if rule.max_len is not None:
            yield "a" * (rule.max_len + 1)
        if rule.max_bytes is not None:
            yield "é" * (rule.max_bytes // 2 + 1)
    elif isinstance(rule, OneOf):
        yield from ("nope", True, None)
    elif isinstance(rule, Seq):
        yield from (5, None, {"a": 1})
        if isinstance(good, list | tuple) and good and isinstance(good[0], str):
            yield good[0]  # one string where a list is expected
            yield [good[0] + "\n"]
        if rule.min_items >= 1:
            yield []
    elif isinstance(rule, Map):
        yield from ("k=v", [("k", "v")], {"": "v"})
    elif isinstance(rule, Days):
        yield from (7, timedelta(hours=36), timedelta(0))
    elif isinstance(rule, Moment):
        yield from (datetime(2099, 1, 1), datetime(2020, 1, 1, tzinfo=UTC), "2099-01-01")
    elif isinstance(rule, Instance):
        yield from ("x", 5, {"name": "x"})


#: (target, Channel prop, the valid prop object, field prefix in problems); each field of its PROPS is tried.
PROP_OBJECTS: list[tuple[str, str, Any, str]] = [
    ("gcp", "source", MySqlSource(host="db", database="shop", server_id=4242, user="cdc_shop",
                                  topic_prefix="shop"), "source."),
    ("gcp", "source", PostgresSource(host="pg", database="crm", slot_name="slot1", publication_name="pub1",
                                     user="cdc_crm", topic_prefix="crm"), "source."),
    ("gcp", "source", MariaDbSource(host="mdb", database="shop", server_id=4243, user="cdc_shop_m",
                                    topic_prefix="shopm"), "source."),
    ("gcp", "kafka", KAFKA, "kafka."),
    ("gcp", "connect", dataclasses.replace(CONNECT, source_principal="User:src", aws_role="connect-workers"),
     "connect."),
    ("gcp", "warehouse", BigQuery(project="proj-test", location="EU", dataset="shop", region="europe-west1",
                                  kms_key_name="projects/p/locations/eu/keyRings/r/cryptoKeys/k",
                                  history_retention=timedelta(days=30)), "warehouse."),
    ("gcp", "owner", TEAM, "owner."),
    ("aws", "source", MySqlSource(host="db", database="shop", server_id=4242), "source."),
    ("aws", "kafka", MSK, "kafka."),
    ("aws", "connect", MSK_CONNECT, "connect."),
    ("aws", "warehouse", AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", database_name="orders",
                                 tags={"team": "payments"}), "warehouse."),
    ("aws", "owner", TEAM, "owner."),
]

#: Fields whose string form is accepted on purpose (documented): KafkaCluster takes "b1:9093,b2:9093".
ACCEPTED = {("kafka.", "bootstrap_servers", "b1:9092")}
#: Fields checked by the warehouse's naming rules rather than their PROPS (the dataset id, bucket, database).
NAMED_LATER = {"warehouse.dataset", "warehouse.bucket_name", "warehouse.database_name"}


def _prop_cases() -> Iterator[Any]:
    for target, prop, obj, prefix in PROP_OBJECTS:
        for field, rule in type(obj).PROPS.items():
            good = getattr(obj, field)
            for bad in bad_values(rule, good):
                if isinstance(bad, str) and (prefix, field, bad) in ACCEPTED:
                    continue
                if isinstance(rule, Maybe) and bad is None:
                    continue
                if f"{prefix}{field}" in NAMED_LATER and isinstance(bad, str) and bad.strip() and "\n" not in bad:
                    continue  # a well-typed name: its rules are the warehouse's (checked in test_names_*)
                label = f"{target}-{type(obj).__name__}.{field}={bad!r}"[:90]
                yield pytest.param(target, prop, obj, prefix, field, bad, id=label)


@pytest.mark.parametrize(("target", "prop", "obj", "prefix", "field", "bad"), list(_prop_cases()))
def test_every_bad_prop_of_every_part_is_one_typed_error(
    stacks: dict[str, Any], target: str, prop: str, obj: Any, prefix: str, field: str, bad: Any,
) -> None:
    # Build the object without its own constructor logic (the frozen dataclass stores what it is given).
    broken = dataclasses.replace(obj)
    object.__setattr__(broken, field, bad)
    err = rejected(stacks[target], **TARGETS[target](**{prop: broken}))
    assert_names(err, prefix + field, bad)


def _model_cases() -> Iterator[Any]:
    table, column, reader = orders(), orders().columns[0], READER
    for field, rule in Table.PROPS.items():
        for bad in bad_values(rule, getattr(table, field)):
            where = "tables[0]." if field == "name" else "tables[orders]."
            yield pytest.param("table", field, bad, where + field, id=f"Table.{field}={bad!r}"[:80])
    for field, rule in Column.PROPS.items():
        for bad in bad_values(rule, getattr(column, field)):
            if isinstance(rule, Maybe) and bad is None:
                continue
            where = "tables[orders].columns[id]."
            if field == "name":
                named = isinstance(bad, str) and bad
                where = f"tables[orders].columns[{bad}]." if named else "tables[orders].columns[0]."
            yield pytest.param("column", field, bad, where + field, id=f"Column.{field}={bad!r}"[:80])
    for field, rule in Reader.PROPS.items():
        for bad in bad_values(rule, getattr(reader, field)):
            if bad is None:
                continue
            yield pytest.param("reader", field, bad, f"readers[0].{field}", id=f"Reader.{field}={bad!r}"[:80])


@pytest.mark.parametrize("target", ["gcp", "aws"])
@pytest.mark.parametrize(("kind", "field", "bad", "expected"), list(_model_cases()))
def test_every_bad_table_column_and_reader_field_on_both_targets(
    stacks: dict[str, Any], target: str, kind: str, field: str, bad: Any, expected: str,
) -> None:
    table, reader = orders(), READER
    if kind == "table":
        object.__setattr__(table, field, bad)
    elif kind == "column":
        col = dataclasses.replace(table.columns[0])
        object.__setattr__(col, field, bad)
        keys = table.primary_key if field != "name" else ()
        table = Table("orders", primary_key=keys or ["email"], columns=[col, *table.columns[1:]])
    else:
        reader = dataclasses.replace(READER)
        object.__setattr__(reader, field, bad)
    err = rejected(stacks[target], **TARGETS[target](tables=[table], readers=[reader]))
    assert_names(err, expected, bad)


# ------------------------------------------------------------------------------------ the Channel's own
CHANNEL_CASES = [
    ("partitions", True), ("partitions", 0), ("partitions", "3"), ("partitions", 1.0),
    ("replication_factor", True), ("replication_factor", 4), ("replication_factor", 0),
    ("retention", 7), ("retention", timedelta(hours=12)), ("retention", None),
    ("tables", None), ("tables", "orders"), ("tables", []), ("tables", [orders(), 5]), ("tables", {"t": orders()}),
    ("readers", None), ("readers", "User:bob"), ("readers", [5]), ("readers", ["user:ann@example.com\n"]),
    ("source", None), ("source", {"host": "db"}), ("warehouse", None), ("warehouse", "bigquery"),
    ("owner", None), ("owner", "team-a"), ("kafka", None),
]


@pytest.mark.parametrize("target", ["gcp", "aws"])
@pytest.mark.parametrize(("field", "bad"), CHANNEL_CASES, ids=[f"{f}={v!r}"[:60] for f, v in CHANNEL_CASES])
def test_channel_props_on_both_targets(stacks: dict[str, Any], target: str, field: str, bad: Any) -> None:
    err = rejected(stacks[target], **TARGETS[target](**{field: bad}))
    assert_names(err, field, bad)


@pytest.mark.parametrize("port", [-1, 0, 65536, "3306", True, None, 3306.0])
@pytest.mark.parametrize("target", ["gcp", "aws"])
def test_ports_are_checked_alike_on_both_targets(stacks: dict[str, Any], target: str, port: Any) -> None:
    for source in (MySqlSource(host="db", database="shop", port=port), PostgresSource(host="pg", database="crm",
                                                                                      port=port)):
        err = rejected(stacks[target], **TARGETS[target](source=source))
        assert_names(err, "source.port", port)
        assert "1 to 65535" in err.problems[0].allowed


@pytest.mark.parametrize("target", ["gcp", "aws"])
@pytest.mark.parametrize("expires", [datetime(2020, 1, 1, tzinfo=UTC), datetime(2099, 1, 1)],
                         ids=["past", "naive"])
def test_expiry_in_the_past_or_naive_is_refused_on_both_targets(
    stacks: dict[str, Any], target: str, expires: datetime,
) -> None:
    err = rejected(stacks[target], **TARGETS[target](readers=[dataclasses.replace(READER, expires=expires)]))
    assert isinstance(err, ConstructPropsError)
    assert_names(err, "readers[0].expires", expires)


@pytest.mark.parametrize("bad_id", ["", 5, None, " shop", "sh\nop", "9lives"])
def test_bad_channel_ids_are_typed(stacks: dict[str, Any], bad_id: Any) -> None:
    before = len(stacks["gcp"].node.children)
    with pytest.raises(ConstructPropsError) as info:
        Channel(stacks["gcp"], bad_id, **gcp_kwargs())
    assert "id" in info.value.fields and len(stacks["gcp"].node.children) == before


def test_duplicate_id_and_bad_scope_are_typed(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    Channel(stack, "shop", **gcp_kwargs())
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **gcp_kwargs(source=MySqlSource(host="db", database="other", topic_prefix="other")))
    assert_names(info.value, "id", "shop")
    for scope in (None, "s", app):
        with pytest.raises(ConstructPropsError) as info:
            Channel(scope, "x", **gcp_kwargs())
        assert info.value.fields == ["scope"]


def test_a_rejected_channel_releases_its_names(tmp_path: Path) -> None:
    """A channel that failed does not keep its topic prefix: fixing it and trying again works."""
    _, stack = cdk.App(outdir=str(tmp_path)), None
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    with pytest.raises(ConstructPropsError):
        Channel(stack, "shop", **gcp_kwargs(partitions=0))
    Channel(stack, "shop", **gcp_kwargs())


def test_one_channel_reports_every_stage_in_one_error(tmp_path: Path) -> None:
    """Props, readers, tables, names and claims problems of one Channel come in ONE error."""
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    Channel(stack, "shop", **gcp_kwargs())
    bad_table = Table("orders-v2", primary_key=["id"], columns=[Column(name="id", type="uuid")])
    with pytest.raises(ValidationError) as info:
        Channel(stack, "shop2", **gcp_kwargs(
            partitions=0,  # props
            readers=[Reader(kafka="bob")],  # readers
            tables=[orders(), bad_table],  # tables (an unknown type) and names (BigQuery refuses '-')
            warehouse=BigQuery(project="proj-test", location="EU", dataset="shop"),  # claims: shop's dataset
            source=MySqlSource(host="db", database="shop", topic_prefix="shop2"),
        ))
    err = info.value
    for kind in (ConstructPropsError, PrincipalError, TableDefinitionError, InvalidNameError, CollisionError):
        assert isinstance(err, kind), type(err).__mro__
    assert {"partitions", "readers[0].kafka", "tables[orders-v2].columns[id].type", "tables[orders-v2].name",
            "dataset"} <= set(err.fields), err
    assert str(err).startswith("invalid channel at s/shop2 (")


# ----------------------------------------------------------------------------------- each system's names
@pytest.mark.parametrize(("target", "overrides", "field"), [
    ("gcp", {"warehouse": BigQuery(project="proj-test", location="EU", dataset="d" * 1025)}, "warehouse.dataset"),
    ("gcp", {"warehouse": BigQuery(project="proj-test", location="EU", dataset="shop\n")}, "warehouse.dataset"),
    ("gcp", {"tables": [Table("t" * 1017, primary_key=["id"], columns=[Column(name="id", type="int64")])]},
     "tables[" + "t" * 1017 + "].name"),  # 1017 + len("_changes") > 1024
    ("gcp", {"tables": [Table("t", primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                                Column(name="c" * 301, type="int64")])]},
     "tables[t].columns"),
    ("gcp", {"tables": [Table("t", primary_key=["id"], columns=[
        Column(name="id", type="int64", description="d" * 1024)])]}, "tables[t].columns[id].description"),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="ab")}, "warehouse.bucket_name"),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="a" * 64)}, "warehouse.bucket_name"),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="acme-orders-cdc\n")}, "warehouse.bucket_name"),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", database_name="x" * 256)},
     "warehouse.database_name"),
    ("aws", {"tables": [Table("t", primary_key=["id"], columns=[
        Column(name="id", type="int64", description="d" * 256)])]}, "tables[t].columns[id].description"),
    ("aws", {"tables": [Table("t", primary_key=["id"], columns=[
        Column(name="id", type="int64", description="two\nlines")])]}, "tables[t].columns[id].description"),
    ("gcp", {"source": MySqlSource(host="db", database="s" * 65)}, "source.database"),
    ("gcp", {"source": MySqlSource(host="db", database="shop ")}, "source.database"),
    ("gcp", {"source": MySqlSource(host="db", database="shop", user="u" * 33)}, "source.user"),
    ("gcp", {"source": PostgresSource(host="pg", database="é" * 32)}, "source.database"),  # 64 bytes
    ("gcp", {"tables": [Table("t" * 65, primary_key=["id"], columns=[Column(name="id", type="int64")])]},
     "tables[" + "t" * 65 + "].name"),  # MySQL's 64
    ("gcp", {"source": MySqlSource(host="db", database="shop", topic_prefix="p" * 240)},
     "tables[orders].name (topic)"),
    ("aws", {"source": MySqlSource(host="db", database="shop", topic_prefix="orders\n")}, "source.topic_prefix"),
    ("aws", {"source": MySqlSource(host="db", database="shop", topic_prefix="bad prefix!")}, "topic_prefix"),
])
def test_names_follow_their_own_systems_rules(
    stacks: dict[str, Any], target: str, overrides: dict[str, Any], field: str,
) -> None:
    err = rejected(stacks[target], **TARGETS[target](**overrides))
    assert any(p.field == field and p.path == PATH for p in err.problems), err


def test_aws_applies_glue_rules_not_bigquerys(stacks: dict[str, Any], tmp_path: Path) -> None:
    """``orders-v2`` is not a BigQuery table id, but Glue/Athena take it as ``orders_v2``."""
    table = Table("orders-v2", primary_key=["id"], columns=[Column(name="id", type="int64")])
    err = rejected(stacks["gcp"], **gcp_kwargs(tables=[table]))
    assert err.fields == ["tables[orders-v2].name"]
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1")
    ch = Channel(stack, "shop", **aws_kwargs(tables=[table]))
    assert ch.warehouse_deployment.table_names == {"orders-v2": "orders_v2"}  # type: ignore[attr-defined]


def test_bootstrap_servers_as_one_comma_separated_string(stacks: dict[str, Any]) -> None:
    """The form Kafka clients take is split at the commas (not into characters)."""
    kafka = KafkaCluster(name="k", bootstrap_servers="b1:9093, b2:9093,b3:9093")
    assert kafka.bootstrap_servers == ("b1:9093", "b2:9093", "b3:9093")
    err = rejected(stacks["gcp"], **gcp_kwargs(kafka=KafkaCluster(name="k", bootstrap_servers="b1:9093,b2")))
    assert_names(err, "kafka.bootstrap_servers", "b2")


# ------------------------------------------------------------------------------------ good edge values
@pytest.mark.parametrize(("target", "overrides"), [
    ("gcp", {"source": MySqlSource(host="db", database="s" * 64, port=65535, user="u" * 32)}),
    ("gcp", {"source": MySqlSource(host="db", database="shop", topic_prefix="p" * (249 - len(".schema-history")))}),
    ("gcp", {"source": MySqlSource(host="db", database="shop", port=1)}),
    ("gcp", {"source": PostgresSource(host="pg", database="é" * 31, schema="s" * 63)}),
    ("gcp", {"warehouse": BigQuery(project="a" * 6, location="EU", dataset="d" * 1024)}),
    ("gcp", {"warehouse": BigQuery(project="a" * 30, location="europe-west1")}),
    ("gcp", {"tables": [Table("t", primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                                Column(name="c" * 64, type="int64")])]}),
    ("gcp", {"kafka": KafkaCluster(name="k", bootstrap_servers=["b1:9092", "[::1]:65535", "10.0.0.1:1"])}),
    ("gcp", {"readers": [Reader(gcp="user:ann@example.com", expires=datetime.now(UTC) + timedelta(minutes=5))]}),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="abc", database_name="x" * 255)}),
    ("aws", {"warehouse": AwsLake(region="us-east-1", bucket_name="a" * 63)}),
    ("aws", {"tables": [Table("t", primary_key=["id"], columns=[Column(name="id", type="int64",
                                                                       description="d" * 255)])]}),
    ("aws", {"connect": dataclasses.replace(MSK_CONNECT, subnets=["subnet-0a1b2c3d"], min_workers=10,
                                            max_workers=10, mcu_count=8)}),
])
def test_boundary_values_are_accepted(tmp_path: Path, target: str, overrides: dict[str, Any]) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    if target == "aws":
        aws_provider(stack, region="us-east-1")
    Channel(stack, "shop", **TARGETS[target](**overrides))


# ------------------------------------------------------------------------------------ the L2 constructs
def _key(stack: Any) -> ChannelKey:
    return ChannelKey(stack, "Key", alias="alias/channelkit/t")


_STATEMENT = Statement(sid="S", actions=("s3:GetObject",), resources=("arn:aws:s3:::b/*",))

#: constructor name -> (factory(stack, id, **overrides), [(field, bad value), ...])
L2: dict[str, tuple[Callable[..., Any], list[tuple[str, Any]]]] = {
    "KafkaTopic": (lambda s, i, **o: KafkaTopic(s, i, **{"name": "shop.orders", **o}), [
        ("name", "orders\n"), ("name", "x" * 250), ("name", 5), ("name", ""), ("partitions", True),
        ("partitions", 0), ("partitions", "3"), ("replication_factor", True), ("retention_ms", True),
        ("retention_ms", 0), ("cleanup_policy", "forever"), ("config", "retention.ms=1"),
        ("config", {"retention.ms": 1}), ("prevent_destroy", "yes"), ("provider", "kafka"),
    ]),
    "BigQueryDataset": (lambda s, i, **o: BigQueryDataset(s, i, **{"dataset_id": "ds", "project": "proj-test",
                                                                   "location": "EU", **o}), [
        ("dataset_id", "ds\n"), ("dataset_id", "d" * 1025), ("dataset_id", None), ("project", "p"),
        ("project", 5), ("location", "eu west"), ("labels", {"Owner": "x"}), ("labels", "owner=x"),
        ("default_partition_expiration_ms", True), ("default_partition_expiration_ms", "1"),
        ("default_partition_expiration_ms", 0), ("description", 5), ("prevent_destroy", 1),
    ]),
    "BigQueryTable": (lambda s, i, **o: BigQueryTable(s, i, **{
        "dataset": BigQueryDataset(s, f"{i}D", dataset_id="ds", project="proj-test", location="EU"),
        "table_id": "t", "fields": [BigQueryField(name="id", type="INT64")], "primary_key": ["id"], **o}), [
        ("table_id", "t\n"), ("dataset", "ds"), ("fields", [BigQueryField(name="id", type="INT")]),
        ("fields", ["id"]), ("fields", "id"), ("primary_key", "id"), ("primary_key", ["nope"]),
        ("deletion_protection", "no"),
    ]),
    "DebeziumMySqlSource": (lambda s, i, **o: DebeziumMySqlSource(s, i, **{
        "name": "shop-source", "hostname": "db", "user": "cdc", "password": "${x.y.z}", "database": "shop",
        "tables": ["orders"], "topic_prefix": "shop", "server_id": 4242, "bootstrap_servers": "b:9092",
        "history_topic": "shop.history", **o}), [
        ("port", True), ("port", 0), ("port", 65536), ("port", "3306"), ("server_id", True), ("server_id", 0),
        ("tables", "orders"), ("tables", []), ("hostname", "db\n"), ("name", "a b"), ("topic_prefix", "shop\n"),
        ("snapshot_mode", "sometimes"), ("password", "hunter2"), ("database", None),
    ]),
    "CdcDatabaseUser": (lambda s, i, **o: CdcDatabaseUser(s, i, **{
        "engine": "mysql", "user_name": "cdc_shop", "database": "shop", "tables": ["orders"], **o}), [
        ("engine", "oracle"), ("user_name", "cdc\n"), ("user_name", "u" * 33), ("user_name", 5),
        ("tables", "orders"), ("database", 5), ("password", "hunter2"),
    ]),
    "DataBucket": (lambda s, i, **o: DataBucket(s, i, **{"bucket_name": "acme-data", "key": _key(s),
                                                          "expiration_days": None, **o}), [
        ("bucket_name", "acme-data\n"), ("bucket_name", "ab"), ("bucket_name", "Acme"), ("key", "alias/x"),
        ("expiration_days", True), ("expiration_days", 0), ("protect", "yes"), ("tags", {"a": 1}),
    ]),
    "GlueDatabase": (lambda s, i, **o: GlueDatabase(s, i, **{"name": "orders", **o}), [
        ("name", "orders\n"), ("name", "Orders"), ("name", "x" * 256), ("description", 5),
        ("parameters", {"a": 1}),
    ]),
    "ServiceRole": (lambda s, i, **o: ServiceRole(s, i, **{"name": "role", "service": "kafkaconnect.amazonaws.com",
                                                           "statements": [_STATEMENT], **o}), [
        ("name", "role\n"), ("name", "r" * 65), ("name", "rôle"), ("statements", []), ("statements", _STATEMENT),
        ("service", "kafkaconnect"), ("tags", "a=b"),
    ]),
}


def _l2_cases() -> Iterator[Any]:
    for name, (_, cases) in L2.items():
        for field, bad in cases:
            yield pytest.param(name, field, bad, id=f"{name}.{field}={bad!r}"[:80])


@pytest.mark.parametrize(("name", "field", "bad"), list(_l2_cases()))
def test_every_bad_l2_prop_is_one_typed_error(tmp_path: Path, name: str, field: str, bad: Any) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    factory, _ = L2[name]
    with pytest.raises(ValidationError) as info:
        factory(stack, "X", **{field: bad})
    assert_names(info.value, field, bad, path="s/X")


@pytest.mark.parametrize("name", list(L2))
def test_l2_ids_empty_duplicate_or_not_a_string_are_typed(tmp_path: Path, name: str) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.TerraformStack(app, "s")
    factory, _ = L2[name]
    factory(stack, "X")
    for bad_id in ("X", "", 5, "a\nb"):
        with pytest.raises(ConstructPropsError) as info:
            factory(stack, bad_id)
        assert "id" in info.value.fields, info.value
    with pytest.raises(ConstructPropsError) as info:
        factory(None, "Y")
    assert "scope" in info.value.fields


def test_aws_provider_region_with_a_trailing_newline(tmp_path: Path) -> None:
    stack = cdk.TerraformStack(cdk.App(outdir=str(tmp_path)), "s")
    with pytest.raises(ConstructPropsError) as info:
        aws_provider(stack, region="us-east-1\n")
    assert_names(info.value, "region", "us-east-1\n", path="s/aws")


def test_team_is_checked_by_its_own_rules(stacks: dict[str, Any]) -> None:
    err = rejected(stacks["gcp"], **gcp_kwargs(owner=Team(name="t" * 64, email="a@example.com")))
    assert_names(err, "owner.name", "t" * 64)


@pytest.mark.parametrize(("target", "reader"), [
    ("gcp", Reader(kafka="User:ann", gcp="user:ann@example.com", expires=datetime(2099, 1, 1, tzinfo=UTC),
                   clearance="restricted")),
    ("aws", Reader(aws="123456789012", expires=datetime(2099, 1, 1, tzinfo=UTC))),
])
def test_an_expiry_the_grant_cannot_carry_is_refused_before_anything_is_built(
    stacks: dict[str, Any], target: str, reader: Reader,
) -> None:
    """Kafka ACLs and Lake Formation grants cannot expire: refused with the other props, not at deploy."""
    err = rejected(stacks[target], **TARGETS[target](readers=[reader]))
    assert "cannot expire" in str(err) and err.fields == ["readers[0].expires"]


@pytest.mark.parametrize(("principal", "expires", "field"), [
    (5, None, "principal"), (None, None, "principal"), ({"gcp": "user:a@example.com"}, None, "principal"),
    ("user:ann@example.com", datetime(2099, 1, 1), "expires"), ("user:ann@example.com", "2099-01-01", "expires"),
    ("user:ann@example.com\n", None, "principal"),
])
def test_grant_read_after_construction_is_typed(tmp_path: Path, principal: Any, expires: Any, field: str) -> None:
    app = cdk.App(outdir=str(tmp_path))
    ch = Channel(cdk.TerraformStack(app, "s"), "shop", **gcp_kwargs())
    with pytest.raises(ValidationError) as info:
        ch.grant_read(principal, expires=expires)
    assert field in info.value.fields
