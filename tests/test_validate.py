"""``channelkit validate``: every finding category on hand-made stacks, and real terraform on an AWS stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from channelkit.validate import validate_output, validate_stack_document

AWS = {"aws": {"source": "hashicorp/aws", "version": "~> 5.100"}}
KAFKA = {"kafka": {"source": "mongey/kafka", "version": "~> 0.13"}}


def _doc(required: dict[str, Any], resource: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"terraform": {"required_providers": required}, "resource": resource, **extra}


def _messages(doc: dict[str, Any]) -> list[str]:
    return [f.render() for f in validate_stack_document(doc, "st")[1]]


def test_clean_stack_has_no_findings() -> None:
    doc = _doc(
        KAFKA,
        {
            "kafka_topic": {"t": {"name": "a", "partitions": 3, "replication_factor": "3", "config": {"x": "1"}}},
            "kafka_acl": {
                "a": {
                    "resource_name": "${kafka_topic.t.name}",
                    "resource_type": "Topic",
                    "acl_principal": "User:x",
                    "acl_host": "*",
                    "acl_operation": "Read",
                    "acl_permission_type": "Allow",
                    "depends_on": ["kafka_topic.t"],
                    "lifecycle": {"prevent_destroy": True},
                }
            },
        },
        provider={"kafka": [{"bootstrap_servers": ["b:9092"]}]},
    )
    assert _messages(doc) == []


def test_unknown_missing_type_and_computed_findings() -> None:
    doc = _doc(KAFKA, {"kafka_topic": {"t": {"name": "a", "partitions": "three", "colour": "red", "id": "x"}}})
    assert sorted(_messages(doc)) == sorted(
        [
            "st → kafka_topic.t → partitions: expected number, got string 'three'",
            "st → kafka_topic.t → colour: unknown attribute or block; allowed: config, id, name, partitions, "
            "replication_factor",
            "st → kafka_topic.t → replication_factor: required attribute is missing",
        ]
    )
    doc = _doc(AWS, {"aws_s3_bucket": {"b": {"arn": "x", "tags": ["not", "a", "map"]}}})
    found = _messages(doc)
    assert "st → aws_s3_bucket.b → arn: is computed by the provider and cannot be set" in found
    assert "st → aws_s3_bucket.b → tags: expected map, got list" in found


def test_block_cardinality_and_nested_findings() -> None:
    versioning = {"bucket": "b", "versioning_configuration": [{"status": "Enabled"}, {"status": "Suspended"}]}
    doc = _doc(AWS, {"aws_s3_bucket_versioning": {"v": versioning}})
    assert _messages(doc) == [
        "st → aws_s3_bucket_versioning.v → versioning_configuration: 2 blocks given; allowed between 1 and 1"
    ]
    doc = _doc(AWS, {"aws_s3_bucket_versioning": {"v": {"bucket": "b", "versioning_configuration": {"mfa": 1}}}})
    assert sorted(_messages(doc)) == [
        "st → aws_s3_bucket_versioning.v → versioning_configuration.mfa: unknown attribute or block; allowed: "
        "mfa_delete, status",
        "st → aws_s3_bucket_versioning.v → versioning_configuration.status: required attribute is missing",
    ]
    doc = _doc(AWS, {"aws_s3_bucket_versioning": {"v": {"bucket": "b"}}})
    assert _messages(doc) == [
        "st → aws_s3_bucket_versioning.v → versioning_configuration: required block is missing (at least 1)"
    ]


def test_dangling_references_are_found() -> None:
    doc = _doc(
        KAFKA,
        {
            "kafka_topic": {"t": {"name": "a", "partitions": 1, "replication_factor": 1}},
            "kafka_acl": {
                "a": {
                    "resource_name": "${kafka_topic.gone.name}",
                    "resource_type": "${kafka_topic.t.colour}",
                    "acl_principal": "${var.who}",
                    "acl_host": '${upper("kafka_topic.not_a_ref")}',
                    "acl_operation": "Read",
                    "acl_permission_type": "Allow",
                }
            },
        },
    )
    assert sorted(_messages(doc)) == [
        "st → kafka_acl.a: reference to kafka_topic.gone, which this stack does not define",
        "st → kafka_acl.a: reference to kafka_topic.t.colour: kafka_topic has no attribute 'colour'",
        "st → kafka_acl.a: reference to undefined variable var.who",
    ]


def test_types_without_a_provider_and_unknown_types() -> None:
    doc = _doc(KAFKA, {"kafka_topik": {"t": {}}, "google_bigquery_dataset": {"d": {}}})
    assert sorted(_messages(doc)) == [
        "st → google_bigquery_dataset.d: no provider in required_providers serves google_bigquery_dataset",
        "st → kafka_topik.t: kafka has no resource type kafka_topik",
    ]


def test_provider_block_is_checked() -> None:
    doc = _doc(KAFKA, {}, provider={"kafka": [{"bootstrap_servers": "b:9092", "alias": "x", "nope": 1}]})
    assert sorted(_messages(doc)) == [
        "st → provider.kafka → bootstrap_servers: expected list, got str",
        "st → provider.kafka → nope: unknown attribute or block; allowed: " + _provider_args("kafka"),
    ]


def _provider_args(key: str) -> str:
    from channelkit.schema import bundled_providers, bundled_schema

    schema = bundled_schema(bundled_providers()[key].address)
    return ", ".join(
        sorted(n for n, a in schema.provider.attributes.items() if a.is_input) + sorted(schema.provider.block_types)
    )


def _aws_stack(stack: Any) -> None:
    from channelkit._cdk import cdk
    from channelkit.providers.aws import AwsProvider, KmsKey, S3Bucket, S3BucketServerSideEncryptionConfiguration
    from channelkit.providers.aws.s3_bucket_server_side_encryption_configuration import (
        S3BucketServerSideEncryptionConfigurationRule as Rule,
    )
    from channelkit.providers.aws.s3_bucket_server_side_encryption_configuration import (
        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault as ByDefault,
    )

    AwsProvider(stack, "aws", region="eu-west-1")
    key = KmsKey(stack, "key", enable_key_rotation=True, description="channel key")
    bucket = S3Bucket(
        stack, "bucket", bucket="channelkit-test-data", lifecycle=cdk.TerraformResourceLifecycle(prevent_destroy=True)
    )
    S3BucketServerSideEncryptionConfiguration(
        stack,
        "sse",
        bucket=bucket.id,
        rule=[
            Rule(apply_server_side_encryption_by_default=ByDefault(sse_algorithm="aws:kms", kms_master_key_id=key.arn))
        ],
    )


@pytest.mark.terraform
def test_aws_stack_passes_schema_check_and_real_terraform_validate(stack: Any, tmp_path: Path) -> None:
    _aws_stack(stack)
    stack.synth_json()
    report = validate_output(tmp_path / "out")
    assert report.ok, report.lines()
    assert [s.terraform for s in report.stacks] == ["passed"]
    assert report.stacks[0].blocks_checked == 4


@pytest.mark.terraform
def test_real_terraform_validate_catches_what_schema_check_cannot(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "stacks" / "s").mkdir(parents=True)
    doc = _doc(
        AWS,
        {"aws_kms_key": {"k": {"deletion_window_in_days": '${tonumber("x")}'}}},
        provider={"aws": [{"region": "eu-west-1"}]},
    )
    (out / "stacks" / "s" / "cdk.tf.json").write_text(json.dumps(doc))
    report = validate_output(out)
    assert not report.ok
    assert report.stacks[0].terraform.startswith("failed:")


def test_stacks_with_unmirrored_providers_skip_terraform(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "stacks" / "k").mkdir(parents=True)
    doc = _doc(KAFKA, {"kafka_topic": {"t": {"name": "a", "partitions": 1, "replication_factor": 1}}})
    (out / "stacks" / "k" / "cdk.tf.json").write_text(json.dumps(doc))
    report = validate_output(out)
    assert report.ok
    assert report.stacks[0].terraform == "skipped (not in the local mirror: mongey/kafka)"


def test_a_resource_naming_an_undeclared_provider_alias_is_found() -> None:
    topic = {"name": "a", "partitions": 3, "replication_factor": "3"}
    providers = {"kafka": [{"bootstrap_servers": ["b:9092"]}, {"bootstrap_servers": ["c:9092"], "alias": "k_1"}]}
    ok = _doc(KAFKA, {"kafka_topic": {"t": {**topic, "provider": "kafka.k_1"}, "u": {**topic, "provider": "kafka"}}},
              provider=providers)
    assert _messages(ok) == []
    bad = _doc(KAFKA, {"kafka_topic": {"t": {**topic, "provider": "kafka.k_2"}}}, provider=providers)
    assert _messages(bad) == ["st → kafka_topic.t → provider: 'kafka.k_2' is not a provider of this stack "
                              "(kafka, kafka.k_1)"]
    only_aliased = _doc(KAFKA, {"kafka_topic": {"t": {**topic, "provider": "kafka"}}},
                        provider={"kafka": [providers["kafka"][1]]})
    assert "'kafka' is not a provider of this stack" in _messages(only_aliased)[0]
