"""Every bad input is rejected with one typed error naming path, field, value and what is allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import channel_kwargs, new_stack, orders, postgres_kwargs

from channelkit.constructs import (
    CollisionError,
    ConstructPropsError,
    InvalidNameError,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.errors import ChannelkitError, ValidationError
from channelkit.patterns import BigQuery, Channel, Column, KafkaCluster, MySqlSource, PostgresSource, Reader, Table


def _fail(tmp_path: Path, error: type[ValidationError], id: str = "shop", **overrides: Any) -> ValidationError:
    _, stack = new_stack(tmp_path)
    with pytest.raises(error) as info:
        Channel(stack, id, **channel_kwargs(**overrides))
    return info.value


def _problem(err: ValidationError, field: str) -> Any:
    found = [p for p in err.problems if p.field == field]
    assert found, f"no problem on {field!r}: {err}"
    return found[0]


def test_errors_are_validation_errors_naming_path_field_value_and_allowed(tmp_path: Path) -> None:
    err = _fail(tmp_path, ConstructPropsError, partitions=0)
    assert isinstance(err, ChannelkitError)
    p = _problem(err, "partitions")
    assert p.path == "s/shop" and p.value == 0 and p.allowed == "an integer >= 1"
    assert "s/shop: partitions = 0: an integer >= 1" in str(err)
    assert "jsii" not in str(err) and "Traceback" not in str(err)


def test_no_tables(tmp_path: Path) -> None:
    err = _fail(tmp_path, TableDefinitionError, tables=[])
    assert _problem(err, "tables").allowed == "at least one Table"


def test_table_without_primary_key(tmp_path: Path) -> None:
    err = _fail(tmp_path, TableDefinitionError, tables=[Table("t", columns=[Column(name="a", type="string")])])
    assert "primary-key" in _problem(err, "tables[t].primary_key").allowed


def test_primary_key_must_be_a_declared_column(tmp_path: Path) -> None:
    err = _fail(tmp_path, TableDefinitionError,
                tables=[Table("t", primary_key=["nope"], columns=[Column(name="a", type="string")])])
    assert _problem(err, "tables[t].primary_key").value == "nope"


def test_duplicate_tables_and_columns_are_all_reported(tmp_path: Path) -> None:
    dup_cols = Table("t", primary_key=["a"], columns=[Column(name="a", type="int64"), Column(name="a", type="string")])
    err = _fail(tmp_path, TableDefinitionError, tables=[orders(), orders(), dup_cols])
    assert _problem(err, "tables").value == "orders"
    assert _problem(err, "tables[t].columns").value == "a"
    assert len(err.problems) == 2


def test_unknown_column_type(tmp_path: Path) -> None:
    table = Table("t", primary_key=["a"], columns=[Column(name="a", type="uuid"), Column(name="b", type="varchar")])
    err = _fail(tmp_path, TableDefinitionError, tables=[table])
    assert [p.value for p in err.problems] == ["uuid", "varchar"]
    assert "int64" in err.problems[0].allowed


def test_unknown_classification(tmp_path: Path) -> None:
    table = Table("t", primary_key=["a"], columns=[Column(name="a", type="int64", classification="secret")])
    err = _fail(tmp_path, TableDefinitionError, tables=[table])
    assert "restricted" in _problem(err, "tables[t].columns[a].classification").allowed


def test_kafka_topic_charset(tmp_path: Path) -> None:
    err = _fail(tmp_path, InvalidNameError, source=MySqlSource(host="db", database="shop", topic_prefix="bad prefix!"))
    assert "[A-Za-z0-9._-]" in _problem(err, "topic_prefix").allowed


def test_kafka_topic_length_249(tmp_path: Path) -> None:
    prefix = "p" * 240  # prefix is fine, but <prefix>.shop.orders is 252 characters
    err = _fail(tmp_path, InvalidNameError, source=MySqlSource(host="db", database="shop", topic_prefix=prefix))
    assert len(_problem(err, "tables[orders].name (topic)").value) == 252
    assert "1-249" in err.problems[0].allowed


def test_bigquery_table_id_charset(tmp_path: Path) -> None:
    table = Table("orders-v2", primary_key=["id"], columns=[Column(name="id", type="int64")])
    err = _fail(tmp_path, InvalidNameError, tables=[table])
    assert _problem(err, "tables[orders-v2].name").value == "orders-v2"


def test_bigquery_column_name(tmp_path: Path) -> None:
    columns = [Column(name="id", type="int64"), Column(name="bad-col", type="string")]
    table = Table("t", primary_key=["id"], columns=columns)
    err = _fail(tmp_path, InvalidNameError, tables=[table])
    assert _problem(err, "tables[t].columns").value == "bad-col"


def test_bigquery_dataset_id_length_and_charset(tmp_path: Path) -> None:
    err = _fail(tmp_path, InvalidNameError, warehouse=BigQuery(project="proj-p", location="EU", dataset="d" * 1025))
    assert "1-1024" in _problem(err, "warehouse.dataset").allowed
    err = _fail(tmp_path, InvalidNameError, id="other",
                warehouse=BigQuery(project="proj-p", location="EU", dataset="a.b"))
    assert _problem(err, "warehouse.dataset").value == "a.b"


def test_partitions_below_one(tmp_path: Path) -> None:
    _fail(tmp_path, ConstructPropsError, partitions=0)


def test_replication_factor_below_one_or_above_broker_count(tmp_path: Path) -> None:
    err = _fail(tmp_path, ConstructPropsError, replication_factor=0)
    assert "broker count (3)" in _problem(err, "replication_factor").allowed
    err = _fail(tmp_path, ConstructPropsError, id="b", replication_factor=4)
    assert _problem(err, "replication_factor").value == 4
    one_broker = KafkaCluster(name="k", bootstrap_servers=("b:9092",), broker_count=1)
    err = _fail(tmp_path, ConstructPropsError, id="c", kafka=one_broker, replication_factor=2)
    assert "(1)" in _problem(err, "replication_factor").allowed


def test_retention_must_be_whole_days(tmp_path: Path) -> None:
    err = _fail(tmp_path, ConstructPropsError, retention=timedelta(hours=36))
    assert "whole days" in _problem(err, "retention").allowed


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        (channel_kwargs(), channel_kwargs(source=MySqlSource(host="db2", database="x", topic_prefix="shop")),
         "topic prefix"),
        (channel_kwargs(source=MySqlSource(host="db", database="a", server_id=4242)),
         channel_kwargs(source=MySqlSource(host="db", database="b", server_id=4242)), "MySQL server id"),
        (postgres_kwargs(source=PostgresSource(host="pg", database="crm", slot_name="slot1")),
         postgres_kwargs(source=PostgresSource(host="pg", database="crm", slot_name="slot1")), "Postgres slot name"),
        (channel_kwargs(warehouse=BigQuery(project="proj-p", location="EU", dataset="shared")),
         channel_kwargs(warehouse=BigQuery(project="proj-p", location="EU", dataset="shared")), "dataset"),
    ],
)
def test_two_channels_in_one_app_collide(tmp_path: Path, first: dict[str, Any], second: dict[str, Any],
                                         kind: str) -> None:
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", **first)
    with pytest.raises(CollisionError) as info:
        Channel(stack, "shop2", **second)
    problem = _problem(info.value, kind)
    assert "already used by channel s/shop" in problem.allowed


def test_collisions_are_checked_across_stacks_of_one_app(tmp_path: Path) -> None:
    from channelkit._cdk import cdk

    app = cdk.App(outdir=str(tmp_path / "out"))
    Channel(cdk.TerraformStack(app, "a"), "shop", **channel_kwargs())
    with pytest.raises(CollisionError, match="topic prefix"):
        Channel(cdk.TerraformStack(app, "b"), "shop", **channel_kwargs())


def test_nested_topic_prefixes_collide(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", **channel_kwargs())
    with pytest.raises(CollisionError, match="not nested"):
        Channel(stack, "shop2", **channel_kwargs(source=MySqlSource(host="db", database="x", topic_prefix="shop.eu")))


@pytest.mark.parametrize("principal", ["User:*", "user:bob", "bob", "User:"])
def test_malformed_kafka_principal(tmp_path: Path, principal: str) -> None:
    err = _fail(tmp_path, PrincipalError, readers=[Reader(kafka=principal)])
    assert _problem(err, "readers[0].kafka").allowed.startswith("a Kafka principal 'User:<name>'")


@pytest.mark.parametrize("member", ["allUsers", "allAuthenticatedUsers", "domain:acme.example", "user:not-an-email",
                                    "User:bob@x.com", "serviceAccount:*@x.com"])
def test_malformed_gcp_principal(tmp_path: Path, member: str) -> None:
    err = _fail(tmp_path, PrincipalError, readers=[Reader(gcp=member)])
    assert "serviceAccount:<email>" in _problem(err, "readers[0].gcp").allowed


def test_grant_read_rejects_a_string_that_is_neither_form(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    ch = Channel(stack, "shop", **channel_kwargs())
    with pytest.raises(PrincipalError, match="allUsers"):
        ch.grant_read("allUsers")


def test_expires_in_the_past(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    ch = Channel(stack, "shop", **channel_kwargs())
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(ConstructPropsError) as info:
        ch.grant_read("user:ann@example.com", expires=yesterday)
    assert "in the future" in _problem(info.value, "expires").allowed
    past = datetime(2020, 1, 1, tzinfo=UTC)
    err = _fail(tmp_path, ConstructPropsError, id="b", readers=[Reader(gcp="user:ann@example.com", expires=past)])
    assert _problem(err, "readers[0].expires").value == past


def test_kafka_grants_cannot_expire(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    ch = Channel(stack, "shop", **channel_kwargs())
    with pytest.raises(ConstructPropsError, match="cannot expire"):
        ch.grant_read(Reader(kafka="User:bob", clearance="confidential"), expires=datetime.now(UTC) + timedelta(days=3))


def test_one_check_gathers_every_failure(tmp_path: Path) -> None:
    err = _fail(tmp_path, ConstructPropsError, partitions=0, replication_factor=9, retention=timedelta(0))
    assert set(err.fields) == {"partitions", "replication_factor", "retention"}


def test_literal_password_is_rejected_for_an_unmanaged_user(tmp_path: Path) -> None:
    source = MySqlSource(host="db", database="shop", manage_user=False, user="cdc", password_ref="hunter2")
    err = _fail(tmp_path, ConstructPropsError, source=source)
    p = _problem(err, "source.password_ref")
    assert p.value == "<redacted>" and "hunter2" not in str(err)


@pytest.mark.parametrize(("source", "mode", "ok"), [
    (MySqlSource(host="db", database="shop"), "recovery", True),
    (MySqlSource(host="db", database="shop"), "never", False),
    (PostgresSource(host="pg", database="crm"), "recovery", False),
    (PostgresSource(host="pg", database="crm"), "never", False),
    (PostgresSource(host="pg", database="crm"), "no_data", True),
])
def test_snapshot_modes_are_the_connectors_own(tmp_path: Path, source: Any, mode: str, ok: bool) -> None:
    """Debezium 3.6: Postgres has no ``recovery``, neither connector has ``never`` any more."""
    import dataclasses

    _, stack = new_stack(tmp_path)
    kwargs = channel_kwargs(source=dataclasses.replace(source, snapshot_mode=mode))
    if ok:
        Channel(stack, "shop", **kwargs)
        return
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **kwargs)
    assert _problem(info.value, "source.snapshot_mode").value == mode
