"""Generated bindings at run time: exact synthesized JSON, references, meta-arguments, typed errors."""

from __future__ import annotations

from typing import Any

import pytest

from channelkit._cdk import cdk
from channelkit.errors import MISSING, ArgumentError, ChannelkitError


def _thing_args(edge: Any, **over: Any) -> dict[str, Any]:
    from edge.thing import ThingRule, ThingSource

    args = {"name": "n", "size": 1, "rule": [ThingRule(match_="*")], "source": ThingSource(uri="s3://x")}
    args.update(over)
    return args


def test_synthesizes_exact_json_with_references_and_required_providers(edge: Any, stack: Any) -> None:
    from edge import EdgeProvider, Link, Thing
    from edge.thing import ThingMember, ThingRule, ThingRuleCondition, ThingSettings, ThingSettingsLimits, ThingVariant

    EdgeProvider(stack, "edge", endpoint="https://api", retries=3)
    thing = Thing(
        stack,
        "a",
        **_thing_args(
            edge,
            rule=[ThingRule(match_="x", condition=[ThingRuleCondition(key="k", values=["v"])])],
            settings=ThingSettings(mode="fast", limits=ThingSettingsLimits(cpu=2)),
            member=[ThingMember(email="a@b.c")],
            variant={"blue": ThingVariant(weight=0.5)},
            tags={"team": "payments"},
            class_="gold",
            alias=7,
            scope_="wide",
            enabled=True,
            rules=[{"action": "allow"}],
        ),
    )
    Link(stack, "l", from_arn=thing.arn, to_arn=thing.id, depends_on=[thing],
         lifecycle=cdk.TerraformResourceLifecycle(prevent_destroy=True, ignore_changes=["to_arn"]))
    doc = stack.synth_json()
    body = dict(doc["resource"]["edge_thing"]["a"])
    body.pop("//")
    assert body == {
        "name": "n",
        "size": 1,
        "source": {"uri": "s3://x"},
        "rule": [{"match": "x", "condition": [{"key": "k", "values": ["v"]}]}],
        "settings": {"mode": "fast", "limits": {"cpu": 2}},
        "member": [{"email": "a@b.c"}],
        "variant": {"blue": {"weight": 0.5}},
        "tags": {"team": "payments"},
        "class": "gold",
        "alias": 7,
        "scope": "wide",
        "enabled": True,
        "rules": [{"action": "allow"}],
    }
    link = dict(doc["resource"]["edge_link"]["l"])
    link.pop("//")
    assert link == {
        "from_arn": "${edge_thing.a.arn}",
        "to_arn": "${edge_thing.a.id}",
        "depends_on": ["edge_thing.a"],
        "lifecycle": {"prevent_destroy": True, "ignore_changes": ["to_arn"]},
    }
    assert doc["terraform"]["required_providers"] == {"edge": {"source": "example/edge", "version": "~> 1.2"}}
    assert doc["provider"]["edge"] == [{"endpoint": "https://api", "retries": 3}]


def test_provider_alias_count_and_data_sources(edge: Any, stack: Any) -> None:
    from edge import DataEdgeLookup, EdgeProvider, Link

    EdgeProvider(stack, "edge", endpoint="https://a")
    west = EdgeProvider(stack, "west", endpoint="https://b", alias="west")
    found = DataEdgeLookup(stack, "find", query="q", provider=west)
    Link(stack, "l", from_arn=cdk.Fn.element(found.results, 0), to_arn="b", count=2)
    doc = stack.synth_json()
    assert doc["provider"]["edge"][1] == {"alias": "west", "endpoint": "https://b"}
    assert doc["data"]["edge_lookup"]["find"]["provider"] == "edge.west"
    link = doc["resource"]["edge_link"]["l"]
    assert link["count"] == 2
    assert link["from_arn"] == "${element(data.edge_lookup.find.results, 0)}"


def test_kafka_topic_reference_renders_as_terraform_expression(stack: Any) -> None:
    from channelkit.providers.kafka import Acl, KafkaProvider, Topic

    KafkaProvider(stack, "kafka", bootstrap_servers=["b:9092"])
    topic = Topic(stack, "orders", name="shop.orders", partitions=3, replication_factor=3)
    Acl(stack, "read", resource_name=topic.name, resource_type="Topic", acl_principal="User:sink",
        acl_host="*", acl_operation="Read", acl_permission_type="Allow")
    doc = stack.synth_json()
    assert doc["resource"]["kafka_acl"]["read"]["resource_name"] == "${kafka_topic.orders.name}"
    assert doc["terraform"]["required_providers"]["kafka"] == {"source": "mongey/kafka", "version": "~> 0.13"}


def test_every_bad_argument_is_reported_at_once_with_path_and_allowed(edge: Any, stack: Any) -> None:
    from edge import Thing

    with pytest.raises(ArgumentError) as caught:
        Thing(stack, "bad", **_thing_args(edge, name=3, size="big", tags={"a": 1}, bogus=True, source=None))
    err = caught.value
    assert isinstance(err, ChannelkitError)
    by_field = {p.field: p for p in err.problems}
    assert set(by_field) == {"bogus", "name", "size", "tags", "source"}
    assert all(p.path == "s/bad" for p in err.problems)
    assert by_field["name"].allowed == "a string"
    assert by_field["size"].allowed == "a number"
    assert by_field["tags"].allowed == "a map of string"
    assert by_field["source"].value is MISSING and by_field["source"].allowed == "required: a ThingSource"
    assert "unknown argument; allowed:" in by_field["bogus"].allowed
    assert "invalid arguments for edge_thing at s/bad" in str(err)
    assert "s/bad: size = 'big': a number" in str(err)


def test_missing_required_and_block_cardinality(edge: Any, stack: Any) -> None:
    from edge import Thing
    from edge.thing import ThingMember, ThingRule

    with pytest.raises(ArgumentError) as caught:
        Thing(stack, "x")
    assert set(caught.value.fields) == {"name", "size", "rule", "source"}
    members = [ThingMember(email=f"{i}@x") for i in range(4)]
    with pytest.raises(ArgumentError, match=r"between 0 and 3 ThingMember items \(got 4\)"):
        Thing(stack, "y", **_thing_args(edge, member=members))
    with pytest.raises(ArgumentError, match="a sequence of ThingRule"):
        Thing(stack, "z", **_thing_args(edge, rule=ThingRule(match_="single, not a list")))
    with pytest.raises(ArgumentError, match=r"between 1 and any number of ThingRule items \(got 0\)"):
        Thing(stack, "w", **_thing_args(edge, rule=[]))


def test_struct_errors_and_positional_arguments(edge: Any, stack: Any) -> None:
    from edge import Thing
    from edge.thing import ThingRuleCondition

    with pytest.raises(ArgumentError) as caught:
        ThingRuleCondition(values="not-a-list", extra=1)  # type: ignore[call-arg]
    assert set(caught.value.fields) == {"key", "values", "extra"}
    assert caught.value.problems[0].path == "ThingRuleCondition"
    with pytest.raises(ArgumentError, match="only scope and id are positional"):
        Thing(stack, "p", "positional")  # type: ignore[misc]


def test_tokens_are_accepted_for_any_type(edge: Any, stack: Any) -> None:
    from edge import EdgeProvider, Link, Thing

    EdgeProvider(stack, "edge", endpoint="e")
    link = Link(stack, "l", from_arn="a", to_arn="b")
    other = Thing(stack, "o", **_thing_args(edge))
    Thing(stack, "t", **_thing_args(edge, name=link.id, size=cdk.Token.as_number(link.id), enabled=other.enabled,
                                    zones=other.zones))
    body = stack.synth_json()["resource"]["edge_thing"]["t"]
    assert body["name"] == "${edge_link.l.id}"
    assert body["size"] == "${edge_link.l.id}"
    assert body["enabled"] == "${edge_thing.o.enabled}"
    assert body["zones"] == "${edge_thing.o.zones}"
