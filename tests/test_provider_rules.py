"""Provider rules (``schemas/rules/*.json``): completeness, well-formedness, and what ``channelkit validate`` reports.

The rules are transcribed facts; these tests check that every bundled type has an entry,
that every rule names attributes the bundled schema really has, and that each rule kind
is reported on a hand-made synthesized stack of a real bundled type. They do not prove
the transcription matches the provider (that was read from the Go source, see
PROVENANCE-rules.md); the AWS types are deferred to the real ``terraform validate``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from channelkit.schema import bundled_providers, bundled_rules, bundled_schema, parse_rules
from channelkit.schema.model import BlockSchema
from channelkit.schema.rules import CROSS_KINDS, Rule
from channelkit.validate import validate_output, validate_stack_document

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {
    "kafka": {"source": "mongey/kafka"},
    "mysql": {"source": "petoju/mysql"},
    "postgresql": {"source": "cyrilgdn/postgresql"},
    "google": {"source": "hashicorp/google"},
    "random": {"source": "hashicorp/random"},
}


def _messages(resource: dict[str, Any]) -> list[str]:
    doc = {"terraform": {"required_providers": REQUIRED}, "resource": resource}
    return [f.render() for f in validate_stack_document(doc, "st")[1]]


# ---------------------------------------------------------------- the rules files


def _bound_types(key: str) -> tuple[list[str], list[str]]:
    entry = bundled_providers()[key]
    schema = bundled_schema(entry.address)
    return list(entry.resources) or sorted(schema.resources), list(entry.data_sources)


@pytest.mark.parametrize("key", sorted(bundled_providers()))
def test_every_bundled_type_has_a_rules_entry(key: str) -> None:
    """Every bound type has an entry, even an empty one ("checked, none"); every entry is a type of the schema."""
    entry = bundled_providers()[key]
    schema = bundled_schema(entry.address)
    rules = bundled_rules(entry.address)
    assert rules is not None, f"no rules file {entry.rules_file}"
    assert rules.version == entry.version
    resources, data_sources = _bound_types(key)
    assert set(resources) <= set(rules.resources) == set(schema.resources)
    assert set(data_sources) <= set(rules.data_sources) == set(schema.data_sources)  # validate checks them all


def _resolve(block: BlockSchema, path: str, *, cross: bool) -> str | None:
    """None when ``path`` names an input attribute or block of ``block``, else why not."""
    parts = path.split(".")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if last and part in block.attributes:
            return None if block.attributes[part].is_input else f"{path}: {part} is computed-only"
        block_type = block.block_types.get(part)
        if block_type is None:
            return f"{path}: no {part}"
        if cross and not last and not block_type.single:
            return f"{path}: {part} is not a single block, so 'the first instance' is ambiguous"
        block = block_type.block
    return None


def _rule_paths(rule: Rule) -> list[tuple[str, bool]]:
    cross = rule.kind in CROSS_KINDS
    paths = [(k, cross) for k in rule.keys]
    if rule.attribute:
        paths.append((rule.attribute, cross))
    if rule.scope:
        paths.append((rule.scope, True))
    return paths


@pytest.mark.parametrize("key", sorted(bundled_providers()))
def test_every_rule_names_real_attributes(key: str) -> None:
    """A rule on a misspelt path would silently check nothing; each path must exist in the bundled schema."""
    entry = bundled_providers()[key]
    schema = bundled_schema(entry.address)
    rules = bundled_rules(entry.address)
    assert rules is not None
    problems = []
    for table, schemas in ((rules.resources, schema.resources), (rules.data_sources, schema.data_sources)):
        for type_name, type_rules in table.items():
            for rule in type_rules.rules:
                assert rule.source, f"{type_name}: rule without provenance: {rule}"
                for path, cross in _rule_paths(rule):
                    problem = _resolve(schemas[type_name], path, cross=cross)
                    if problem:
                        problems.append(f"{type_name} {rule.kind}: {problem}")
    assert problems == []


def test_rules_documents_are_checked() -> None:
    from channelkit.errors import SchemaError

    with pytest.raises(SchemaError, match="kind must be one of"):
        parse_rules({"provider": "p", "resources": {"t": {"rules": [{"kind": "conflicts"}]}}})
    with pytest.raises(SchemaError, match="needs keys"):
        parse_rules({"provider": "p", "resources": {"t": {"rules": [{"kind": "exactly_one_of", "scope": ""}]}}})


def test_the_issue_examples_are_recorded() -> None:
    mysql = bundled_rules("registry.terraform.io/petoju/mysql")
    google = bundled_rules("registry.terraform.io/hashicorp/google")
    kafka = bundled_rules("registry.terraform.io/mongey/kafka")
    assert mysql is not None and google is not None and kafka is not None
    user = {(r.kind, r.attribute): r.keys for r in mysql.resources["mysql_user"].rules}
    assert user[("conflicts_with", "password")] == ("plaintext_password", "password_wo")
    assert user[("required_with", "password_wo")] == ("password_wo_version",)
    scan = [r for r in google.resources["google_dataplex_datascan"].rules if r.kind == "exactly_one_of" and not r.scope]
    assert [r.keys for r in scan] == [("data_discovery_spec", "data_documentation_spec", "data_profile_spec",
                                       "data_quality_spec")]
    topic = {(r.kind, r.attribute): r for r in kafka.resources["kafka_topic"].rules}
    assert topic[("range", "partitions")].min == 1
    assert topic[("replace_if", "partitions")].when == "decreased"


def test_write_only_and_block_force_new_are_in_the_model() -> None:
    mysql = bundled_schema("registry.terraform.io/petoju/mysql").resources["mysql_user"]
    assert mysql.attributes["password_wo"].write_only
    assert not mysql.attributes["password"].write_only
    assert mysql.block_types["aad_identity"].force_new


# ---------------------------------------------------------------- validate: one failing stack per rule kind


def test_conflicts_with() -> None:
    found = _messages({"mysql_user": {"u": {"user": "a", "password": "x", "plaintext_password": "y"}}})
    assert found == [
        "st → mysql_user.u → password: conflicts with plaintext_password: set only one (provider rule ConflictsWith)"
    ]


def test_required_with() -> None:
    found = _messages({"postgresql_role": {"r": {"name": "a", "password_wo": "x"}}})
    assert found == [
        "st → postgresql_role.r → password_wo: requires password_wo_version to be set too (provider rule RequiredWith)"
    ]


def test_exactly_one_of_none_and_two() -> None:
    trigger = {"trigger": {"on_demand": {}}}
    base = {"location": "l", "data_scan_id": "s", "data": {"entity": "e"}, "execution_spec": trigger}
    spec = "data_discovery_spec, data_documentation_spec, data_profile_spec, data_quality_spec"
    assert _messages({"google_dataplex_datascan": {"d": base}}) == [
        f"st → google_dataplex_datascan.d: exactly one of {spec} must be set; got none (provider rule ExactlyOneOf)"
    ]
    policy = {
        "location": "l",
        "data_policy_id": "p",
        "policy_tag": "t",
        "data_policy_type": "DATA_MASKING_POLICY",
        "data_masking_policy": {"predefined_expression": "SHA256", "routine": "r"},
    }
    keys = "data_masking_policy.predefined_expression, data_masking_policy.routine"
    assert _messages({"google_bigquery_datapolicy_data_policy": {"p": policy}}) == [
        f"st → google_bigquery_datapolicy_data_policy.p → data_masking_policy: exactly one of {keys} must be set; "
        f"got {keys} (provider rule ExactlyOneOf)"
    ]
    policy["data_masking_policy"] = {"routine": "r"}
    assert _messages({"google_bigquery_datapolicy_data_policy": {"p": policy}}) == []


def test_at_least_one_of_only_inside_a_present_block() -> None:
    sheets = {"source_uris": ["u"], "autodetect": True, "source_format": "GOOGLE_SHEETS", "google_sheets_options": {}}
    table = {"dataset_id": "d", "table_id": "t", "external_data_configuration": sheets}
    found = _messages({"google_bigquery_table": {"t": table}})
    assert found == [
        "st → google_bigquery_table.t → external_data_configuration.google_sheets_options: at least one of "
        "external_data_configuration.google_sheets_options.skip_leading_rows, "
        "external_data_configuration.google_sheets_options.range must be set (provider rule AtLeastOneOf)"
    ]
    del sheets["google_sheets_options"]
    assert _messages({"google_bigquery_table": {"t": table}}) == []


def test_range_and_enum() -> None:
    found = _messages(
        {
            "kafka_topic": {"t": {"name": "a", "partitions": 0, "replication_factor": 1}},
            "kafka_quota": {"q": {"entity_type": "users"}},
        }
    )
    assert found == [
        "st → kafka_topic.t → partitions: 0 is out of range (at least 1) (provider rule)",
        "st → kafka_quota.q → entity_type: 'users' is not one of client-id, user, ip (provider rule)",
    ]


def test_regex_length_and_go_end_of_text() -> None:
    """``$`` in the provider's (RE2) pattern matches only at the end: a trailing newline is a mismatch."""
    found = _messages({"google_service_account": {"a": {"account_id": "Ab"}, "b": {"account_id": "abcdef\n"}}})
    assert found == [
        "st → google_service_account.a → account_id: 'Ab' has 2 characters (length 6 to 30) (provider rule)",
        "st → google_service_account.a → account_id: 'Ab' does not match ^[a-z]([-a-z0-9]*[a-z0-9])?$ (provider rule)",
        "st → google_service_account.b → account_id: 'abcdef\\n' does not match ^[a-z]([-a-z0-9]*[a-z0-9])?$ "
        "(provider rule)",
    ]


def test_negated_regex_element_enum_and_json_array() -> None:
    found = _messages(
        {
            "google_project_iam_member": {"m": {"project": "p", "role": "r", "member": "deleted:user:x@y.z"}},
            "google_data_catalog_taxonomy": {"t": {"display_name": "t", "activated_policy_types": ["NOPE"]}},
            "google_bigquery_table": {"t": {"dataset_id": "d", "table_id": "t", "schema": '{"name": "x"}'}},
        }
    )
    assert sorted(found) == [
        "st → google_bigquery_table.t → schema: is not a JSON array without null elements (provider rule)",
        "st → google_data_catalog_taxonomy.t → activated_policy_types: 'NOPE' is not one of POLICY_TYPE_UNSPECIFIED, "
        "FINE_GRAINED_ACCESS_CONTROL (provider rule)",
        "st → google_project_iam_member.m → member: 'deleted:user:x@y.z' matches ^deleted (provider rule)",
    ]


def test_framework_validators_of_random_password() -> None:
    found = _messages(
        {
            "random_password": {
                "a": {"length": 2, "min_upper": 2, "min_lower": 1},
                "b": {"length": 8, "numeric": False, "special": False, "upper": False, "lower": False},
            }
        }
    )
    assert found == [
        "st → random_password.a → length: 2 is less than the sum of min_upper, min_lower, min_numeric, min_special (3)",
        "st → random_password.b → numeric: numeric and special, upper, lower are all false; one must be true",
    ]


def test_expressions_are_not_judged() -> None:
    """``${...}`` is unknown until plan: no value rule applies, and a conflicting expression is not a clash."""
    found = _messages(
        {
            "kafka_topic": {"t": {"name": "a", "partitions": "${var.p}", "replication_factor": 1}},
            "kafka_quota": {"q": {"entity_type": "${local.kind}"}},
            "mysql_user": {"u": {"user": "a", "password": "x", "plaintext_password": "${var.pw}"}},
        }
    )
    assert [f for f in found if "provider rule" in f] == []


def test_references_to_write_only_attributes_are_reported() -> None:
    resource = {
        "mysql_user": {"u": {"user": "a", "password_wo": "x", "password_wo_version": 1}},
        "kafka_topic": {"t": {"name": "${mysql_user.u.password_wo}", "partitions": 1, "replication_factor": 1}},
    }
    doc = {"terraform": {"required_providers": REQUIRED}, "resource": resource}
    found = [f.render() for f in validate_stack_document(doc, "st")[1]]
    assert found == [
        "st → kafka_topic.t: reference to mysql_user.u.password_wo: password_wo is write-only (never stored)"
    ]


# ---------------------------------------------------------------- the example org


def test_the_example_org_validates_clean(tmp_path: Path) -> None:
    """``main.py`` synthesized for real, then checked offline (schema + provider rules; terraform not run)."""
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out")}
    subprocess.run([sys.executable, "main.py"], cwd=REPO, env=env, check=True, capture_output=True)
    report = validate_output(tmp_path / "out", run_terraform=False)
    assert [s.name for s in report.stacks] == ["growth", "payments", "platform", "support"]
    assert report.ok, report.lines()


def test_the_aws_example_validates_clean(tmp_path: Path) -> None:
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out")}
    subprocess.run([sys.executable, "main.py"], cwd=REPO / "examples" / "aws", env=env, check=True, capture_output=True)
    report = validate_output(tmp_path / "out", run_terraform=False)
    assert report.ok, report.lines()

