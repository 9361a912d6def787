"""The org's ``DataPolicy``: every channel is checked against it while it is built, all violations in one error.

Each rule has a case that breaks it and one that meets it; the error names the field, the value and the rule.
Nothing here is deployed: a policy only decides whether the channel may be synthesized.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from channel_helpers import TEAM, channel_kwargs, new_stack, synth

from channelkit._cdk import cdk
from channelkit.constructs.aws import aws_provider
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.governance import DataPolicy, PolicyViolationError, RetentionLimit
from channelkit.patterns import (
    AwsLake,
    BigQuery,
    Channel,
    Column,
    MskCluster,
    MskConnect,
    MySqlSource,
    Reader,
    Table,
    Team,
)

KEY = "projects/p/locations/eu/keyRings/r/cryptoKeys/k"
SAFE_BQ = BigQuery(project="proj-test", location="EU", kms_key_name=KEY)
ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
MSK_CONNECT = MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",), plugin_bucket="acme-plugins",
                         source_plugin_key="debezium.zip", sink_plugin_key="s3-sink.zip")
SOON = datetime.now(UTC) + timedelta(days=10)
LATER = datetime.now(UTC) + timedelta(days=100)


def restricted_table() -> Table:
    """A table with a restricted column and a pii one."""
    return Table("staff", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="email", type="string", pii=True),
        Column(name="password", type="string", classification="restricted"),
    ])


def policy_channel(policy: DataPolicy | None, tmp_path: Any, *, on: str = "stack", **overrides: Any) -> Channel:
    """A BigQuery channel in a stack whose app (``on="app"``) or stack carries ``policy``."""
    app, stack = new_stack(tmp_path)
    if policy is not None:
        policy.apply(app if on == "app" else stack)
    return Channel(stack, "shop", **channel_kwargs(**{"warehouse": SAFE_BQ, **overrides}))


def violations(excinfo: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    """field → what is allowed, of every problem of the error."""
    return {p.field: p.allowed for p in excinfo.value.problems}


def test_the_safe_default_policy_accepts_a_well_made_channel(tmp_path: Any) -> None:
    channel = policy_channel(DataPolicy(), tmp_path, tables=[restricted_table()],
                             readers=[Reader(gcp="group:analysts@example.com")])
    assert channel.policies == [DataPolicy()]
    synth(channel.node.root, tmp_path)  # it synthesizes: the policy only checks


def test_every_violation_of_a_channel_in_one_error(tmp_path: Any) -> None:
    policy = DataPolicy(name="acme policy", bigquery_locations={"restricted": ["EU"]},
                        warehouse_retention={"confidential": RetentionLimit(maximum=timedelta(days=365))},
                        explicit_masking=True)
    with pytest.raises(PolicyViolationError) as excinfo:
        policy_channel(policy, tmp_path, tables=[restricted_table()], retention=timedelta(days=14),
                       warehouse=BigQuery(project="proj-test", location="US"),
                       readers=[Reader(gcp="user:auditor@partner.org")])
    found = violations(excinfo)
    assert set(found) == {
        "warehouse.location",  # restricted data only in the EU
        "retention",  # Kafka keeps restricted data at most 7 days by default
        "warehouse.history_retention",  # kept forever > 365 days
        "readers[0].expires",  # a guest without an expiry
        "tables[staff].columns[email].masking",
        "tables[staff].columns[password].masking",
        "warehouse.kms_key_name",  # confidential and above need a customer key
    }
    assert "one of ['EU'] for restricted data (acme policy, geography)" in found["warehouse.location"]
    assert "at most 7 days for restricted data on Kafka" in found["retention"]
    assert "guest from outside the org" in found["readers[0].expires"]
    assert "acme policy" in str(excinfo.value) and "shop" in str(excinfo.value)


def test_a_rejected_channel_leaves_nothing_behind(tmp_path: Any) -> None:
    app, stack = new_stack(tmp_path)
    DataPolicy().apply(stack)
    with pytest.raises(PolicyViolationError):
        Channel(stack, "shop", **channel_kwargs(warehouse=BigQuery(project="proj-test", location="EU")))
    assert [c.node.id for c in stack.node.children if c.node.id == "shop"] == []
    Channel(stack, "shop", **channel_kwargs(warehouse=SAFE_BQ))  # the names were released


def test_the_app_policy_and_the_stack_policy_both_apply(tmp_path: Any) -> None:
    app, stack = new_stack(tmp_path)
    DataPolicy(name="org", bigquery_locations={"confidential": ["EU", "US"]}).apply(app)
    DataPolicy(name="team", bigquery_locations={"confidential": ["US"]}).apply(stack)
    with pytest.raises(PolicyViolationError) as excinfo:
        Channel(stack, "shop", **channel_kwargs(warehouse=SAFE_BQ))
    assert [p.allowed for p in excinfo.value.problems] == [
        "one of ['US'] for confidential data and above (team, geography)"]


def test_bigquery_locations_compare_without_case(tmp_path: Any) -> None:
    policy_channel(DataPolicy(bigquery_locations={"confidential": ["eu"]}), tmp_path)


def test_aws_regions_and_one_region_for_sensitive_data(tmp_path: Any) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="eu-west-1")
    DataPolicy(aws_regions={"restricted": ["eu-west-1"]}).apply(app)
    kwargs = dict(source=MySqlSource(host="db", database="shop", manage_user=False, user="cdc"),
                  tables=[restricted_table()], kafka=MskCluster(arn=ARN.replace("eu-west-1", "us-east-1")),
                  connect=MSK_CONNECT, owner=TEAM, retention=timedelta(days=7))
    with pytest.raises(Exception) as excinfo:
        Channel(stack, "shop", warehouse=AwsLake(region="eu-west-1", bucket_name="acme-shop-cdc"), **kwargs)
    assert isinstance(excinfo.value, PolicyViolationError)
    found = violations(excinfo)
    assert "kafka.arn (region)" in found and "same_region" in found["warehouse.region"]
    Channel(stack, "ok", warehouse=AwsLake(region="eu-west-1", bucket_name="acme-ok-cdc"),
            **{**kwargs, "kafka": MskCluster(arn=ARN)})


def test_lake_protection_is_required(tmp_path: Any) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="eu-west-1")
    DataPolicy().apply(stack)
    with pytest.raises(PolicyViolationError) as excinfo:
        Channel(stack, "shop", source=MySqlSource(host="db", database="shop", manage_user=False, user="cdc"),
                tables=[restricted_table()], kafka=MskCluster(arn=ARN), connect=MSK_CONNECT, owner=TEAM,
                warehouse=AwsLake(region="eu-west-1", bucket_name="acme-shop-cdc", protect=False))
    assert list(violations(excinfo)) == ["warehouse.protect"]


@pytest.mark.parametrize(("reader", "field"), [
    (Reader(gcp="user:bob@partner.org", expires=LATER), "readers[0].expires"),  # too long for a guest
    (Reader(gcp="user:bob@other.org", expires=SOON), "readers[0].gcp"),  # not an admitted guest domain
    ("serviceAccount:etl@other-proj.iam.gserviceaccount.com", "readers[0] (expires)"),  # another project's
])
def test_who_may_read(tmp_path: Any, reader: Any, field: str) -> None:
    policy = DataPolicy(guest_domains=["partner.org", "other-proj.iam.gserviceaccount.com"])
    policy = policy if field != "readers[0].gcp" else DataPolicy(guest_domains=["partner.org"])
    with pytest.raises(PolicyViolationError) as excinfo:
        policy_channel(policy, tmp_path, readers=[reader])
    assert list(violations(excinfo)) == [field]


@pytest.mark.parametrize("reader", [
    Reader(gcp="user:bob@partner.org", expires=SOON),  # a guest, briefly
    Reader(gcp="group:analysts@example.com"),  # the owner's domain is the org's by default
    "serviceAccount:etl@proj-test.iam.gserviceaccount.com",  # the warehouse project's own account
    Reader(kafka="User:analytics", clearance="restricted"),  # Kafka principals are the cluster's users
])
def test_readers_the_default_policy_admits(tmp_path: Any, reader: Any) -> None:
    policy_channel(DataPolicy(), tmp_path, readers=[reader])


def test_org_domains_replace_the_owner_domain_and_bind_the_owner(tmp_path: Any) -> None:
    policy = DataPolicy(org_domains=["acme.com"], guest_domains=())
    with pytest.raises(PolicyViolationError) as excinfo:
        policy_channel(policy, tmp_path, readers=[Reader(gcp="group:analysts@example.com")])
    assert set(violations(excinfo)) == {"owner.email", "readers[0].gcp"}
    (tmp_path / "ok").mkdir()
    policy_channel(policy, tmp_path / "ok", owner=Team(name="team-a", email="a@acme.com"),
                   readers=[Reader(gcp="group:analysts@acme.com")])


def test_grant_read_after_construction_is_checked(tmp_path: Any) -> None:
    channel = policy_channel(DataPolicy(), tmp_path)
    with pytest.raises(PolicyViolationError) as excinfo:
        channel.grant_read("user:bob@partner.org")
    assert [p.field for p in excinfo.value.problems] == ["principal (expires)"]
    assert channel.grant_read("user:bob@partner.org", expires=SOON)


def test_a_policy_applied_later_checks_every_channel_at_once(tmp_path: Any) -> None:
    app, stack = new_stack(tmp_path)
    other = cdk.TerraformStack(app, "t")
    unkeyed = BigQuery(project="proj-test", location="EU")
    Channel(stack, "one", **channel_kwargs(warehouse=unkeyed))
    Channel(other, "two", **channel_kwargs(warehouse=unkeyed, source=MySqlSource(host="db2", database="shop")))
    with pytest.raises(PolicyViolationError) as excinfo:
        DataPolicy().apply(app)
    assert sorted(p.path for p in excinfo.value.problems) == ["s/one", "t/two"]


def test_policy_and_other_problems_come_in_one_error(tmp_path: Any) -> None:
    with pytest.raises(PolicyViolationError) as excinfo:
        policy_channel(DataPolicy(), tmp_path, warehouse=BigQuery(project="proj-test", location="EU"),
                       readers=[Reader(gcp="nobody")])
    assert isinstance(excinfo.value, PrincipalError)  # one error deriving from both kinds
    assert {p.field for p in excinfo.value.problems} == {"readers[0].gcp", "warehouse.kms_key_name"}


def test_a_public_channel_needs_no_key_and_keeps_topics_longer(tmp_path: Any) -> None:
    table = Table("events", primary_key=["id"], columns=[Column(name="id", type="int64", classification="public")])
    policy_channel(DataPolicy(), tmp_path, tables=[table], retention=timedelta(days=90),
                   warehouse=BigQuery(project="proj-test", location="EU"))


@pytest.mark.parametrize(("policy", "field"), [
    (DataPolicy(bigquery_locations={"secret": ["EU"]}), "bigquery_locations key"),
    (DataPolicy(aws_regions={"restricted": "eu-west-1"}), "aws_regions[restricted]"),
    (DataPolicy(org_domains=["Example.COM"]), "org_domains[0]"),
    (DataPolicy(org_accounts=["1234"]), "org_accounts[0]"),
    (DataPolicy(max_guest_grant=timedelta(hours=5)), "max_guest_grant"),
    (DataPolicy(kafka_retention={"restricted": RetentionLimit(minimum=timedelta(days=9),
                                                              maximum=timedelta(days=3))}),
     "kafka_retention[restricted]"),
    (DataPolicy(customer_key_from="secret"), "customer_key_from"),
    (DataPolicy(explicit_masking="yes"), "explicit_masking"),  # type: ignore[arg-type]
])
def test_a_bad_policy_is_one_typed_error(tmp_path: Any, policy: DataPolicy, field: str) -> None:
    app, _ = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError) as excinfo:
        policy.apply(app)
    assert [p.field for p in excinfo.value.problems] == [field]


def test_the_example_org_is_built_under_its_policy(tmp_path: Any) -> None:
    from dataclasses import replace

    from stacks import POLICY, PaymentsStack, build_app

    app = build_app(str(tmp_path / "org"))
    channels = [c for stack in app.node.children for c in stack.node.children if isinstance(c, Channel)]
    assert len(channels) == 3 and all(c.policies == [POLICY] for c in channels)
    stricter = cdk.App(outdir=str(tmp_path / "strict"))
    replace(POLICY, kafka_retention={"restricted": RetentionLimit(maximum=timedelta(days=7))}).apply(stricter)
    with pytest.raises(PolicyViolationError) as excinfo:
        PaymentsStack(stricter, "payments")  # its topics keep the restricted iban 14 days
    assert [(p.path, p.field) for p in excinfo.value.problems] == [("payments/payments", "retention")]


def test_a_rule_covers_its_level_and_every_level_above(tmp_path: Any) -> None:
    """A channel holding only restricted data is bound by the confidential rules too."""
    only_restricted = Table("vault", primary_key=["id"], columns=[
        Column(name="id", type="int64", classification="public"),
        Column(name="secret", type="string", classification="restricted")])
    policy = DataPolicy(bigquery_locations={"confidential": ["EU"]},
                        kafka_retention={"internal": RetentionLimit(minimum=timedelta(days=3))})
    with pytest.raises(PolicyViolationError) as excinfo:
        policy_channel(policy, tmp_path, tables=[only_restricted], retention=timedelta(days=2),
                       warehouse=BigQuery(project="proj-test", location="US", kms_key_name=KEY))
    assert violations(excinfo) == {
        "warehouse.location": "one of ['EU'] for confidential data and above (data policy, geography)",
        "retention": "at least 3 days for internal data and above on Kafka (data policy, retention)"}
    public = Table("events", primary_key=["id"], columns=[Column(name="id", type="int64", classification="public")])
    (tmp_path / "x").mkdir()
    policy_channel(policy, tmp_path / "x", tables=[public], retention=timedelta(days=2),
                   warehouse=BigQuery(project="proj-test", location="US"))  # no rule at or below public
