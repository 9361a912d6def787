"""Names that must be unique are claimed across the app; providers are keyed on every setting.

What runs for real: construction and synthesis of the channels (cdktf in node), and ``channelkit validate``
on the synthesized JSON. What does not: no Terraform plan or apply — the kafka, kafka-connect, mysql,
postgresql and google provider binaries are not available offline, so the aliased providers are checked on
the synthesized JSON (every ``provider = "<type>.<alias>"`` names a declared alias, aliases are unique) and
by ``channelkit validate``, not by ``terraform validate``. The collisions are the target systems' own rules
(IAM and Glue ignore case, BigQuery columns ignore case, Kafka refuses topics differing only in ``.``/``_``);
they are asserted as channelkit's typed errors, not observed on a real account.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import CONNECT, KAFKA, channel_kwargs, new_stack, postgres_kwargs, resources, synth

from channelkit._cdk import cdk
from channelkit._stack import stack_provider
from channelkit.constructs import CollisionError, ConstructPropsError
from channelkit.constructs.aws import aws_provider
from channelkit.errors import Problem
from channelkit.patterns import (
    BigQuery,
    Channel,
    Column,
    MySqlSource,
    PostgresSource,
    Table,
)
from channelkit.platforms import MskCluster, MskConnect
from channelkit.validate import validate_output
from channelkit.warehouses import AwsLake

ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
BROKERS = "b-1.platform.abc.c2.kafka.us-east-1.amazonaws.com:9098"
MSK_CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",),
                         plugin_bucket="acme-plugins", source_plugin_key="debezium.zip", sink_plugin_key="sink.zip")
AWS_ROLE_CONNECT = dataclasses.replace(CONNECT, aws_role="connect-workers")


def msk_kwargs(**overrides: Any) -> dict[str, Any]:
    """A MySQL channel on MSK into BigQuery (names derived from the channel id)."""
    base = dict(source=MySqlSource(host="db", database="shop", manage_user=False, user="cdc"),
                kafka=MskCluster(arn=ARN, bootstrap_brokers=BROKERS), connect=MSK_CONNECT)
    return channel_kwargs(**{**base, **overrides})


def lake_kwargs(bucket: str = "acme-shop-cdc", **overrides: Any) -> dict[str, Any]:
    """A MySQL channel on MSK into the S3 lake."""
    return msk_kwargs(warehouse=AwsLake(region="us-east-1", bucket_name=bucket), **overrides)


def aws_stack(app: Any, name: str = "s", region: str = "us-east-1") -> Any:
    stack = cdk.TerraformStack(app, name)
    aws_provider(stack, region=region)
    return stack


def collision(err: CollisionError, kind: str) -> Problem:
    found = [p for p in err.problems if p.field == kind]
    assert found, f"no {kind!r} collision in: {err}"
    return found[0]


def second_collides(tmp_path: Path, first: dict[str, Any], second: dict[str, Any], *, aws: bool = False,
                    ids: tuple[str, str] = ("shop", "shop2"), stacks: tuple[str, str] = ("s", "s")) -> CollisionError:
    """Build ``first`` then ``second`` (ids ``ids``, stacks ``stacks``) in one app; the second's CollisionError."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    made: dict[str, Any] = {}

    def stack(name: str) -> Any:
        if name not in made:
            made[name] = aws_stack(app, name) if aws else cdk.TerraformStack(app, name)
        return made[name]

    Channel(stack(stacks[0]), ids[0], **first)
    with pytest.raises(CollisionError) as info:
        Channel(stack(stacks[1]), ids[1], **second)
    return info.value


def one_collides(tmp_path: Path, kwargs: dict[str, Any], *, aws: bool = False, id: str = "shop") -> CollisionError:
    """Build one channel whose own parts collide; its CollisionError."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = aws_stack(app) if aws else cdk.TerraformStack(app, "s")
    with pytest.raises(CollisionError) as info:
        Channel(stack, id, **kwargs)
    return info.value


def assert_names_both(problem: Problem, first: str, second: str, value: str) -> None:
    """The problem is on the second claimant's path and names the first claimant and the value."""
    assert problem.path == second
    assert f"already used by channel {first}" in problem.allowed
    assert problem.value == value


# -- collisions between channels ---------------------------------------------------------------------------------

def test_iam_roles_cut_to_64_characters_collide_between_channels(tmp_path: Path) -> None:
    # "<50 x>-source-connector" and "<50 x>-source-connector-b-source-connector" are both cut to "<50 x>-source-connec"
    first, second = "x" * 50, "x" * 50 + "_source_connector_b"
    err = second_collides(tmp_path, msk_kwargs(), msk_kwargs(), aws=True, ids=(first, second))
    problem = collision(err, "IAM role")
    assert_names_both(problem, f"s/{first}", f"s/{second}", "x" * 50 + "-source-connec")
    assert "IAM role names are cut to 64 characters" in problem.allowed


def test_iam_roles_of_one_channel_cut_to_the_same_name_collide(tmp_path: Path) -> None:
    err = one_collides(tmp_path, msk_kwargs(), aws=True, id="y" * 64)
    problem = collision(err, "IAM role")
    assert problem.value == "y" * 64 and problem.path == "s/" + "y" * 64
    assert "(source connector)" in problem.allowed and "claimed here by sink connector" in problem.allowed


def test_msk_connect_connector_names_cut_to_100_characters_collide(tmp_path: Path) -> None:
    """Before, the apply failed on the second connector; a channel name this long also cuts its roles alike."""
    stem = "z" * 100
    err = one_collides(tmp_path, msk_kwargs(), aws=True, id=stem)
    problem = collision(err, "MSK Connect connector")
    assert problem.path == f"s/{stem}" and problem.value == stem
    assert "MSK Connect names are cut to 100 characters" in problem.allowed
    assert "(source)" in problem.allowed and "claimed here by sink" in problem.allowed


def test_account_wide_msk_names_collide_across_stacks(tmp_path: Path) -> None:
    first = msk_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="a"))
    second = msk_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="b"),
                        source=MySqlSource(host="db", database="shop", manage_user=False, user="cdc",
                                           topic_prefix="other"))
    err = second_collides(tmp_path, first, second, aws=True, ids=("shop", "shop"), stacks=("a", "b"))
    for kind, value in (("Secrets Manager secret", "channelkit/shop/db"), ("KMS alias", "alias/channelkit/shop"),
                        ("MSK Connect worker configuration", "shop-workers"),
                        ("MSK Connect custom plugin", "shop-debezium"), ("MSK Connect connector", "shop-source"),
                        ("IAM role", "shop-source-connector")):
        assert_names_both(collision(err, kind), "a/shop", "b/shop", value)


def test_iam_policy_names_cut_to_128_characters_collide(tmp_path: Path) -> None:
    stem = "p" * 130
    lake = [AwsLake(region="us-east-1", bucket_name=b) for b in ("acme-a-cdc", "acme-b-cdc")]
    first = channel_kwargs(connect=AWS_ROLE_CONNECT, warehouse=lake[0], source=MySqlSource(host="db", database="a"))
    second = channel_kwargs(connect=AWS_ROLE_CONNECT, warehouse=lake[1], source=MySqlSource(host="db", database="b"))
    err = second_collides(tmp_path, first, second, aws=True, ids=(stem + "a", stem + "b"))
    problem = collision(err, "IAM policy")
    assert_names_both(problem, f"s/{stem}a", f"s/{stem}b", "p" * 128)
    assert "IAM policy names are cut to 128 characters" in problem.allowed


def test_bucket_names_are_global(tmp_path: Path) -> None:
    err = second_collides(tmp_path, lake_kwargs("acme-shared"), lake_kwargs("acme-shared"), aws=True)
    assert_names_both(collision(err, "S3 bucket"), "s/shop", "s/shop2", "acme-shared")


def test_glue_databases_collide_across_stacks(tmp_path: Path) -> None:
    first = msk_kwargs(warehouse=AwsLake(region="us-east-1", bucket_name="acme-a", database_name="lake"))
    second = msk_kwargs(warehouse=AwsLake(region="us-east-1", bucket_name="acme-b", database_name="lake"))
    err = second_collides(tmp_path, first, second, aws=True, stacks=("a", "b"))
    assert_names_both(collision(err, "Glue database"), "a/shop", "b/shop2", "lake")


def test_athena_workgroup_is_unique_per_account(tmp_path: Path) -> None:
    # the same channel id in two stacks: every name derived from it collides, the workgroup among them
    err = second_collides(tmp_path, lake_kwargs("acme-a"), lake_kwargs("acme-b"), aws=True, ids=("shop", "shop"),
                          stacks=("a", "b"))
    assert_names_both(collision(err, "Athena workgroup"), "a/shop", "b/shop", "channelkit-shop")
    assert_names_both(collision(err, "IAM role"), "a/shop", "b/shop", "shop-source-connector")


def test_kafka_topics_differing_only_in_dot_and_underscore_collide(tmp_path: Path) -> None:
    first = channel_kwargs(source=MySqlSource(host="db", database="shop", topic_prefix="shop_eu"))
    second = channel_kwargs(source=MySqlSource(host="db", database="shop", topic_prefix="shop.eu"))
    err = second_collides(tmp_path, first, second)
    problem = collision(err, "Kafka topic")
    assert_names_both(problem, "s/shop", "s/shop2", "shop.eu.shop.orders")
    assert "'shop_eu.shop.orders'" in problem.allowed and "'.' against '_'" in problem.allowed
    assert "within Kafka cluster k" in problem.allowed


def test_connector_names_and_groups_on_one_connect_cluster(tmp_path: Path) -> None:
    # one channel id in two stacks, different prefixes and datasets: same connector names and sink group
    first = channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="a"))
    second = channel_kwargs(source=MySqlSource(host="db", database="shop", topic_prefix="other"),
                            warehouse=BigQuery(project="proj-test", location="EU", dataset="b"))
    err = second_collides(tmp_path, first, second, ids=("shop", "shop"), stacks=("a", "b"))
    assert_names_both(collision(err, "Kafka Connect connector"), "a/shop", "b/shop", "shop-source")
    assert_names_both(collision(err, "Kafka consumer group"), "a/shop", "b/shop", "connect-shop-sink")
    assert_names_both(collision(err, "GCP service account"), "a/shop", "b/shop", "ck-shop-sink")
    assert "topic prefix" not in err.fields and "dataset" not in err.fields


def test_postgres_slots_are_per_server_not_per_database(tmp_path: Path) -> None:
    first = postgres_kwargs(source=PostgresSource(host="pg", database="crm", slot_name="slot1"))
    second = postgres_kwargs(source=PostgresSource(host="PG", database="billing", slot_name="slot1"))
    err = second_collides(tmp_path, first, second)
    problem = collision(err, "Postgres slot name")
    assert_names_both(problem, "s/shop", "s/shop2", "slot1")
    assert "within postgres server pg:5432" in problem.allowed
    assert "Postgres publication" not in err.fields  # publications are per database


def test_managed_database_users_collide_on_one_server(tmp_path: Path) -> None:
    first = channel_kwargs(source=MySqlSource(host="db", database="a", user="cdc"))
    second = channel_kwargs(source=MySqlSource(host="db", database="b", user="cdc"))
    err = second_collides(tmp_path, first, second)
    assert_names_both(collision(err, "database user"), "s/shop", "s/shop2", "cdc")
    # on another server (another port) the same user name is fine
    (tmp_path / "ok").mkdir()
    app, stack = new_stack(tmp_path / "ok")
    Channel(stack, "shop", **first)
    Channel(stack, "shop2", **channel_kwargs(source=MySqlSource(host="db", port=3307, database="b", user="cdc")))


def test_a_collision_records_nothing(tmp_path: Path) -> None:
    """The refused channel's names stay free: a fixed second attempt succeeds."""
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", **channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="same")))
    with pytest.raises(CollisionError):
        Channel(stack, "shop2", **channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="same"),
                                                 source=MySqlSource(host="db", database="x")))
    Channel(stack, "shop3", **channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU", dataset="other"),
                                             source=MySqlSource(host="db", database="x")))


# -- collisions inside one channel -------------------------------------------------------------------------------

def _table(name: str, *columns: str) -> Table:
    return Table(name, primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                    *(Column(name=c, type="string") for c in columns)])


def test_glue_tables_differing_in_case_are_one_table(tmp_path: Path) -> None:
    err = one_collides(tmp_path, lake_kwargs(tables=[_table("Orders"), _table("orders")]), aws=True)
    problem = collision(err, "Glue table")
    assert problem.path == "s/shop" and problem.value == "shop.orders"
    assert "already used by channel s/shop (tables[Orders])" in problem.allowed
    assert "claimed here by tables[orders]" in problem.allowed


def test_glue_columns_differing_in_case_or_named_like_the_partition_key(tmp_path: Path) -> None:
    err = one_collides(tmp_path, lake_kwargs(tables=[_table("orders", "Email", "email", "dt")]), aws=True)
    problems = [p for p in err.problems if p.field == "Glue column"]
    assert {p.value for p in problems} == {"email", "dt"}
    assert any("(the partition key)" in p.allowed for p in problems)


def test_bigquery_columns_are_case_insensitive(tmp_path: Path) -> None:
    err = one_collides(tmp_path, channel_kwargs(tables=[_table("orders", "Email", "email")]))
    problem = collision(err, "BigQuery column")
    assert problem.value == "email" and "tables[orders].columns[Email]" in problem.allowed
    assert "within BigQuery table proj-test.shop.orders_changes (tables[orders] of s/shop)" in problem.allowed


def test_bigquery_view_and_change_log_ids_collide(tmp_path: Path) -> None:
    err = one_collides(tmp_path, channel_kwargs(tables=[_table("orders"), _table("orders_changes")]))
    problem = collision(err, "BigQuery table")
    assert problem.value == "orders_changes"
    assert "tables[orders] (change log)" in problem.allowed and "tables[orders_changes] (view)" in problem.allowed


def test_bigquery_table_ids_are_case_sensitive(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    Channel(stack, "shop", **channel_kwargs(tables=[_table("Orders"), _table("orders")]))


def test_kafka_topics_of_one_channel_collide(tmp_path: Path) -> None:
    # a table named like the heartbeat topic's middle part: Postgres schema "heartbeat", table "shop"
    kwargs = postgres_kwargs(source=PostgresSource(host="pg", database="crm", schema="heartbeat"),
                             tables=[_table("shop")])
    err = one_collides(tmp_path, kwargs)
    problem = collision(err, "Kafka topic")
    assert problem.value == "shop.heartbeat.shop" and "(tables[shop])" in problem.allowed


def test_tables_with_the_same_construct_id_collide(tmp_path: Path) -> None:
    lake = AwsLake(region="us-east-1", bucket_name="acme-shop")
    err = one_collides(tmp_path, channel_kwargs(connect=AWS_ROLE_CONNECT, warehouse=lake,
                                                tables=[_table("a..b"), _table("a-b")]), aws=True)
    problem = collision(err, "table construct id")
    assert problem.value == "a-b" and "(tables[a..b])" in problem.allowed


# -- providers keyed on every setting ----------------------------------------------------------------------------

def provider_blocks(doc: dict[str, Any], ptype: str) -> list[dict[str, Any]]:
    return list(doc.get("provider", {}).get(ptype, []))


def provider_of(body: dict[str, Any]) -> str | None:
    return body.get("provider")


def assert_provider_references_resolve(doc: dict[str, Any]) -> None:
    """Every ``provider = "<type>.<alias>"`` names a declared alias; one default per type at most, unique aliases."""
    declared: dict[str, list[str | None]] = {t: [b.get("alias") for b in blocks]
                                               for t, blocks in doc.get("provider", {}).items()}
    for ptype, aliases in declared.items():
        assert aliases.count(None) <= 1, ptype
        named = [a for a in aliases if a]
        assert len(named) == len(set(named)), ptype
    for section in ("resource", "data"):
        for blocks in doc.get(section, {}).values():
            for body in blocks.values():
                if "provider" in body:
                    ptype, _, alias = body["provider"].partition(".")
                    assert (alias or None) in declared.get(ptype, []), body["provider"]


def two_channels(tmp_path: Path, first: dict[str, Any], second: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", **first)
    Channel(stack, "shop2", **second)
    return stack, synth(app, tmp_path)


def _bodies(doc: dict[str, Any], rtype: str, channel: str) -> list[dict[str, Any]]:
    found = [b for b in resources(doc, rtype).values() if b["//"]["metadata"]["path"].startswith(f"s/{channel}/")]
    assert found, (rtype, channel)
    return found


def test_different_broker_lists_get_their_own_kafka_provider(tmp_path: Path) -> None:
    other = dataclasses.replace(KAFKA, bootstrap_servers=("c1:9092", "c2:9092", "c3:9092"))
    stack, doc = two_channels(tmp_path, channel_kwargs(),
                              channel_kwargs(kafka=other, source=MySqlSource(host="db", database="x",
                                                                             topic_prefix="other")))
    kafka = provider_blocks(doc, "kafka")
    assert [b.get("alias") is None for b in kafka] == [True, False]
    assert kafka[0]["bootstrap_servers"] == list(KAFKA.bootstrap_servers)
    assert kafka[1]["bootstrap_servers"] == list(other.bootstrap_servers)
    alias = kafka[1]["alias"]
    assert alias.startswith("k_") and len(alias) == len("k_") + 8
    assert {provider_of(b) for b in _bodies(doc, "kafka_topic", "shop")} == {"kafka"}
    assert {provider_of(b) for b in _bodies(doc, "kafka_topic", "shop2")} == {f"kafka.{alias}"}
    assert {provider_of(b) for b in _bodies(doc, "kafka_acl", "shop2")} == {f"kafka.{alias}"}
    # the first provider keeps its construct id; the second has a stable one of its own
    assert stack.node.try_find_child("Provider-kafka-k") is not None
    assert stack.node.try_find_child(f"Provider-kafka-k-{alias[2:]}") is not None
    assert len(provider_blocks(doc, "kafka-connect")) == 1  # the Connect settings are the same: shared
    assert_provider_references_resolve(doc)


def test_tls_or_sasl_settings_are_part_of_the_key(tmp_path: Path) -> None:
    sasl = dataclasses.replace(KAFKA, sasl_mechanism="scram-sha512")
    _, doc = two_channels(tmp_path, channel_kwargs(),
                          channel_kwargs(kafka=sasl, source=MySqlSource(host="db", database="x", topic_prefix="o")))
    assert [b.get("sasl_mechanism") for b in provider_blocks(doc, "kafka")] == [None, "scram-sha512"]
    assert_provider_references_resolve(doc)


def test_different_connect_urls_get_their_own_connect_provider(tmp_path: Path) -> None:
    other = dataclasses.replace(CONNECT, url="https://connect-2:8083")
    _, doc = two_channels(tmp_path, channel_kwargs(),
                          channel_kwargs(connect=other, source=MySqlSource(host="db", database="x",
                                                                           topic_prefix="other")))
    blocks = provider_blocks(doc, "kafka-connect")
    assert [b["url"] for b in blocks] == ["http://connect:8083", "https://connect-2:8083"]
    alias = blocks[1]["alias"]
    assert {provider_of(b) for b in _bodies(doc, "kafka-connect_connector", "shop")} == {"kafka-connect"}
    assert {provider_of(b) for b in _bodies(doc, "kafka-connect_connector", "shop2")} == {f"kafka-connect.{alias}"}
    assert_provider_references_resolve(doc)


def test_different_database_ports_get_their_own_mysql_provider(tmp_path: Path) -> None:
    _, doc = two_channels(tmp_path, channel_kwargs(source=MySqlSource(host="db", database="a")),
                          channel_kwargs(source=MySqlSource(host="db", port=3307, database="b")))
    blocks = provider_blocks(doc, "mysql")
    assert [b["endpoint"] for b in blocks] == ["db:3306", "db:3307"]
    alias = blocks[1]["alias"]
    assert {provider_of(b) for b in _bodies(doc, "mysql_user", "shop2")} == {f"mysql.{alias}"}
    assert {provider_of(b) for b in _bodies(doc, "mysql_grant", "shop2")} == {f"mysql.{alias}"}
    assert {provider_of(b) for b in _bodies(doc, "mysql_user", "shop")} == {"mysql"}
    assert_provider_references_resolve(doc)


def test_different_postgres_settings_get_their_own_provider(tmp_path: Path) -> None:
    _, doc = two_channels(tmp_path, postgres_kwargs(source=PostgresSource(host="pg", database="crm")),
                          postgres_kwargs(source=PostgresSource(host="pg", database="crm", sslmode="verify-full",
                                                                slot_name="other", topic_prefix="other",
                                                                admin_user="owner")))
    blocks = provider_blocks(doc, "postgresql")
    assert [(b["sslmode"], b["username"]) for b in blocks] == [("require", "postgres"), ("verify-full", "owner")]
    alias = blocks[1]["alias"]
    assert {provider_of(b) for b in _bodies(doc, "postgresql_publication", "shop2")} == {f"postgresql.{alias}"}
    assert_provider_references_resolve(doc)


def test_google_region_is_part_of_the_key(tmp_path: Path) -> None:
    _, doc = two_channels(tmp_path, channel_kwargs(),
                          channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU", region="europe-west1"),
                                         source=MySqlSource(host="db", database="x", topic_prefix="other")))
    blocks = provider_blocks(doc, "google")
    assert [b.get("region") for b in blocks] == [None, "europe-west1"]
    alias = blocks[1]["alias"]
    assert {provider_of(b) for b in _bodies(doc, "google_bigquery_dataset", "shop2")} == {f"google.{alias}"}
    assert {provider_of(b) for b in _bodies(doc, "google_service_account", "shop2")} == {f"google.{alias}"}
    assert {provider_of(b) for b in _bodies(doc, "google_bigquery_table", "shop2")} == {f"google.{alias}"}
    assert_provider_references_resolve(doc)


def test_the_same_settings_share_one_provider(tmp_path: Path) -> None:
    _, doc = two_channels(tmp_path, channel_kwargs(source=MySqlSource(host="db", database="a")),
                          channel_kwargs(source=MySqlSource(host="db", database="b", topic_prefix="b")))
    for ptype in ("kafka", "kafka-connect", "mysql", "google", "random"):
        assert len(provider_blocks(doc, ptype)) == 1, ptype
    refs = {b["provider"] for blocks in doc["resource"].values() for b in blocks.values() if "provider" in b}
    assert refs and not any("." in r for r in refs)  # the default providers only


def test_cluster_names_that_would_map_to_one_construct_id_are_refused(tmp_path: Path) -> None:
    """``a.b`` and ``a-b`` would both become ``Provider-kafka-a-b``: a cluster name is letters, digits, ``_``, ``-``."""
    _, stack = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **channel_kwargs(kafka=dataclasses.replace(KAFKA, name="a.b")))
    assert [p.field for p in info.value.problems] == ["kafka.name"]


def test_settings_never_reach_construct_ids_or_aliases(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    made: list[tuple[str, str | None]] = []

    def factory(scope: Any, cid: str, alias: str | None) -> tuple[str, str | None]:
        made.append((cid, alias))
        return cid, alias

    for password in ("hunter2", "hunter3", "hunter2"):
        stack_provider(stack, "thing-main", factory, {"password": password})
    assert len(made) == 2  # the third call shares the first provider
    assert made[0] == ("Provider-thing-main", None)
    assert "hunter" not in json.dumps(made)


def test_channelkit_validate_accepts_a_stack_with_aliased_providers(tmp_path: Path) -> None:
    other_kafka = dataclasses.replace(KAFKA, bootstrap_servers=("c1:9092", "c2:9092", "c3:9092"))
    other_connect = dataclasses.replace(CONNECT, url="https://connect-2:8083")
    two_channels(tmp_path, channel_kwargs(),
                 channel_kwargs(kafka=other_kafka, connect=other_connect,
                                source=MySqlSource(host="db", port=3307, database="x", topic_prefix="other"),
                                warehouse=BigQuery(project="proj-test", location="EU", region="europe-west1")))
    report = validate_output(tmp_path / "out", run_terraform=False)
    assert [f.render() for s in report.stacks for f in s.findings] == []
    assert report.stacks[0].blocks_checked > 0


# -- the AWS provider is the app's: a region mismatch is an error, not a silent share ----------------------------

def test_lake_in_another_region_than_the_aws_provider(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = aws_stack(app, region="eu-west-1")
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **msk_kwargs(
            kafka=MskCluster(arn=ARN.replace("us-east-1", "eu-west-1"), bootstrap_brokers=BROKERS),
            warehouse=AwsLake(region="us-east-1", bucket_name="acme-shop")))
    problem = [p for p in info.value.problems if p.field == "warehouse.region"][0]
    assert problem.path == "s/shop" and problem.value == "us-east-1" and "'eu-west-1'" in problem.allowed
    assert "kafka.arn" not in info.value.fields


def test_msk_cluster_in_another_region_than_the_aws_provider(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = aws_stack(app, region="eu-west-1")
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **msk_kwargs())
    problem = [p for p in info.value.problems if p.field == "kafka.arn"][0]
    assert problem.value == ARN and "'eu-west-1'" in problem.allowed and "'us-east-1'" in problem.allowed


def test_only_aliased_aws_providers_is_an_error(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    from channelkit.providers.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1", alias="east")
    with pytest.raises(ConstructPropsError) as info:
        Channel(stack, "shop", **lake_kwargs())
    problems = [p for p in info.value.problems if p.field == "provider"]
    assert len(problems) == 1 and problems[0].value == ["east"]


def test_matching_regions_pass(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    Channel(aws_stack(app), "shop", **lake_kwargs())
    Channel(aws_stack(app, "t"), "shop2", **lake_kwargs("acme-other"))


@pytest.mark.terraform
def test_two_aws_channels_in_one_stack_pass_real_terraform_validate(tmp_path: Path) -> None:
    """Two AWS channels in one stack share the app's AWS provider and pass the real ``terraform validate``.

    Only hashicorp/aws is mirrored offline: the aliased kafka/connect/mysql/google providers above are checked by
    ``channelkit validate`` and on the JSON, not by terraform.
    """
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = aws_stack(app)
    Channel(stack, "shop", **lake_kwargs("acme-shop-cdc"))
    Channel(stack, "shop2", **lake_kwargs("acme-shop2-cdc", source=MySqlSource(
        host="db", port=3307, database="shop", manage_user=False, user="cdc2")))
    app.synth()
    report = validate_output(tmp_path / "out", run_terraform=True)
    assert [f.render() for s in report.stacks for f in s.findings] == []
    assert [s.terraform for s in report.stacks] == ["passed"]
