"""The review's rules: the transcribed BigQuery schema rule, Glue column widths, AWS replacement facts.

The BigQuery cases follow the google provider's ``resourceBigQueryTableSchemaIsChangeable`` (transcribed in
``review/rules.json``), one case per rule. The AWS cases are offline predictions from ``rules.json``'s
``force_new`` facts; tests/test_review_moto.py checks the bucket one against a real plan. The consistency
tests tie ``rules.json`` to the bundled schemas, so a type or attribute that does not exist fails here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from channelkit.review.classify import classify, resource_blockers
from channelkit.review.columns import bigquery_changes, glue_changes
from channelkit.review.load import Resource, load_output
from channelkit.review.rules import review_rules
from channelkit.schema.registry import bundled_providers, bundled_schema


def schema(*fields: dict[str, Any]) -> str:
    return json.dumps(list(fields))


def f(name: str, type_: str = "STRING", mode: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, **extra}
    if mode:
        out["mode"] = mode
    return out


@pytest.mark.parametrize(("before", "after", "forces"), [
    ([f("a", "INTEGER")], [f("a", "INT64")], False),  # an alias
    ([f("a", "float")], [f("a", "FLOAT64")], False),  # case and alias
    ([f("a", "INT64")], [f("a", "NUMERIC")], True),  # no in-place type relaxation in the provider's check
    ([f("a", mode="REQUIRED")], [f("a", mode="NULLABLE")], False),
    ([f("a", mode="REQUIRED")], [f("a")], False),  # a missing mode is NULLABLE
    ([f("a")], [f("a", mode="REQUIRED")], True),
    ([f("a")], [f("a", mode="REPEATED")], True),
    ([f("a")], [f("a"), f("b")], False),
    ([f("a")], [f("a"), f("b", mode="REQUIRED")], True),
    ([f("a"), f("b")], [f("a")], False),  # a top-level drop is in place
    ([f("a"), f("b")], [f("a"), f("c")], True),  # a drop with an addition: a possible rename
    ([f("r", "RECORD", fields=[f("x"), f("y")])], [f("r", "RECORD", fields=[f("x")])], True),  # a nested drop
    ([f("a", description="x")], [f("a", description="y", policyTags={"names": ["t"]})], False),
])
def test_bigquery_schema_rule(before: list[dict[str, Any]], after: list[dict[str, Any]], forces: bool) -> None:
    assert bigquery_changes(schema(*before), schema(*after)).forces_new is forces


def test_bigquery_drop_from_an_external_table_forces_a_new_table() -> None:
    assert bigquery_changes(schema(f("a"), f("b")), schema(f("a")), external=True).forces_new


def test_bigquery_narrowing_is_reported_without_replacement() -> None:
    verdict = bigquery_changes(schema(f("a", "NUMERIC", precision="12", scale="2")),
                               schema(f("a", "NUMERIC", precision="10", scale="2")))
    assert not verdict.forces_new
    assert [(c.change, c.loses_data) for c in verdict.changes] == [("narrowed", True)]


@pytest.mark.parametrize(("old", "new", "change"), [
    ("int", "bigint", "widened"), ("bigint", "int", "narrowed"), ("float", "double", "widened"),
    ("decimal(10,2)", "decimal(12,2)", "widened"), ("decimal(12,2)", "decimal(12,1)", "narrowed"),
    ("bigint", "string", "widened"), ("string", "bigint", "narrowed"), ("bigint", "double", "narrowed"),
])
def test_glue_column_widths(old: str, new: str, change: str) -> None:
    (found,) = glue_changes([{"name": "c", "type": old}], [{"name": "c", "type": new}])
    assert found.change == change


def res(rtype: str, body: dict[str, Any], provider: str = "hashicorp/aws") -> Resource:
    return Resource(stack="s", type=rtype, name="x", body=body, construct_path="s/shop/Target/X/Resource",
                    channel="shop", provider=provider)


def test_glue_data_quality_target_table_forces_a_new_ruleset() -> None:
    before = res("aws_glue_data_quality_ruleset", {"name": "dq", "ruleset": "Rules = []",
                                                   "target_table": {"database_name": "d", "table_name": "a"}})
    after = res("aws_glue_data_quality_ruleset", {**before.body, "target_table": {"database_name": "d",
                                                                                  "table_name": "b"}})
    change = classify(before, after, None)
    assert change is not None and change.action == "replace"
    assert [r.attribute for r in change.replacements] == ["target_table"]
    assert "data_quality_ruleset.go" in change.replacements[0].source
    same_table = res("aws_glue_data_quality_ruleset", {**before.body, "ruleset": "Rules = [RowCount > 0]"})
    assert classify(before, same_table, None).action == "update"  # type: ignore[union-attr]


def test_aws_bucket_rename_is_a_predicted_replacement_of_data() -> None:
    before, after = res("aws_s3_bucket", {"bucket": "a"}), res("aws_s3_bucket", {"bucket": "b"})
    change = classify(before, after, None)
    assert change is not None and change.action == "replace" and change.data_bearing
    assert [b.code for b in resource_blockers(change, before, after)] == ["replace-data"]


def test_kafka_replication_factor_change_is_only_a_possible_replacement() -> None:
    before = res("kafka_topic", {"name": "t", "partitions": 3, "replication_factor": 2}, "Mongey/kafka")
    after = res("kafka_topic", {"name": "t", "partitions": 3, "replication_factor": 3}, "Mongey/kafka")
    change = classify(before, after, None)
    assert change is not None and change.action == "update"
    assert [(r.attribute, r.certain) for r in change.replacements] == [("replication_factor", False)]


def _types(section: str) -> list[str]:
    value = review_rules()[section]
    if section == "kinds":
        return [t for kind, types in value.items() if kind != "//" for t in types]
    return [t for t in value if t != "//"]


def _all_types() -> dict[str, set[str]]:
    out = {}
    for entry in bundled_providers().values():
        out[entry.source] = set(bundled_schema(entry.address).resources)
    return out


@pytest.mark.parametrize("section", ["kinds", "data_bearing", "force_new", "conditional", "retention",
                                     "connector_names"])
def test_rules_name_only_bundled_types(section: str) -> None:
    known = set().union(*_all_types().values())
    assert [t for t in _types(section) if t not in known] == []


def test_force_new_attributes_exist_in_the_bundled_aws_schema() -> None:
    resources = bundled_schema("registry.terraform.io/hashicorp/aws").resources
    missing = []
    for rtype, entry in review_rules()["force_new"].items():
        if rtype == "//":
            continue
        for attr in entry["attributes"]:
            *blocks, last = attr.split(".")
            node = resources[rtype]
            for step in blocks:
                node = node.block_types[step].block
            if last not in node.attributes and last not in node.block_types:
                missing.append(f"{rtype}.{attr}")
    assert missing == []


def test_pinned_versions_are_the_bundled_ones() -> None:
    pinned = {k: v for k, v in review_rules()["providers"].items() if k != "//"}
    assert pinned == {e.source: e.version for e in bundled_providers().values()}


def test_load_output_groups_by_channel(tmp_path: Path) -> None:
    stack = tmp_path / "stacks" / "s"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({"resource": {"kafka_topic": {
        "a": {"//": {"metadata": {"path": "s/shop/Target/Topic-orders/Resource"}}, "name": "t", "partitions": 1},
        "b": {"//": {"metadata": {"path": "s/shared/Topic"}}, "name": "u", "partitions": 1},
    }}, "terraform": {"required_providers": {"kafka": {"source": "Mongey/kafka"}}}}))
    out = load_output(tmp_path)
    assert {r.address: (r.channel, r.provider) for r in out.stacks["s"].values()} == {
        "kafka_topic.a": ("shop", "Mongey/kafka"), "kafka_topic.b": ("", "Mongey/kafka")}
