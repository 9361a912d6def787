"""The provider types bound for data governance (issue 10): bundled, complete, importable, accepted by the provider.

What runs for real: the bindings are imported and synthesized by cdktn; channelkit's offline
validator checks the synthesized JSON against the bundled schema and rules; the ``terraform``-marked
test runs the real ``terraform validate`` with the hashicorp/aws 5.100.0 binary from the local
mirror on a stack that uses every new AWS type, so the dumped schema is shown to describe what
the provider accepts. No google binary exists here: the google types are checked against the
rebuilt schema and the rules transcribed from the Go source at tag v7.45.0 only.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from channelkit.runtime import Block
from channelkit.schema import bundled_providers, bundled_rules, bundled_schema
from channelkit.schema.model import BlockSchema
from channelkit.validate import validate_output, validate_stack_document

NEW_AWS = (
    "aws_cloudtrail",
    "aws_glue_data_quality_ruleset",
    "aws_lakeformation_data_cells_filter",
    "aws_lakeformation_lf_tag",
    "aws_lakeformation_resource_lf_tag",
    "aws_macie2_account",
    "aws_macie2_classification_job",
    "aws_scheduler_schedule",
)
NEW_GOOGLE = (
    "google_bigquery_datapolicy_data_policy_iam_member",
    "google_data_catalog_policy_tag_iam_member",
    "google_data_catalog_taxonomy_iam_member",
    "google_data_loss_prevention_discovery_config",
)

#: type -> (binding module, class, the argument paths the governance constructs rely on).
KEY_PATHS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "aws_lakeformation_lf_tag": ("aws.lakeformation_lf_tag", "LakeformationLfTag", ("key", "values", "catalog_id")),
    "aws_lakeformation_resource_lf_tag": (
        "aws.lakeformation_resource_lf_tag",
        "LakeformationResourceLfTag",
        ("lf_tag.key", "lf_tag.value", "table.database_name", "table_with_columns.database_name",
         "table_with_columns.name", "table_with_columns.column_names"),
    ),
    "aws_lakeformation_data_cells_filter": (
        "aws.lakeformation_data_cells_filter",
        "LakeformationDataCellsFilter",
        ("table_data.name", "table_data.table_name", "table_data.column_names",
         "table_data.column_wildcard.excluded_column_names", "table_data.row_filter.filter_expression",
         "table_data.row_filter.all_rows_wildcard"),
    ),
    "aws_glue_data_quality_ruleset": (
        "aws.glue_data_quality_ruleset",
        "GlueDataQualityRuleset",
        ("name", "ruleset", "target_table.database_name", "target_table.table_name"),
    ),
    "aws_scheduler_schedule": (
        "aws.scheduler_schedule",
        "SchedulerSchedule",
        ("schedule_expression", "flexible_time_window.mode", "target.arn", "target.role_arn", "target.input"),
    ),
    "aws_macie2_account": ("aws.macie2_account", "Macie2Account", ("status", "finding_publishing_frequency")),
    "aws_macie2_classification_job": (
        "aws.macie2_classification_job",
        "Macie2ClassificationJob",
        ("job_type", "s3_job_definition.bucket_definitions.buckets", "s3_job_definition.scoping.includes",
         "schedule_frequency.daily_schedule"),
    ),
    "aws_cloudtrail": (
        "aws.cloudtrail",
        "Cloudtrail",
        ("name", "s3_bucket_name", "s3_key_prefix", "kms_key_id", "advanced_event_selector.field_selector.field",
         "advanced_event_selector.field_selector.starts_with", "event_selector.data_resource.values"),
    ),
    "google_data_catalog_policy_tag_iam_member": (
        "google.data_catalog_policy_tag_iam_member",
        "DataCatalogPolicyTagIamMember",
        ("policy_tag", "role", "member", "condition.expression"),
    ),
    "google_data_catalog_taxonomy_iam_member": (
        "google.data_catalog_taxonomy_iam_member",
        "DataCatalogTaxonomyIamMember",
        ("taxonomy", "role", "member", "condition.title"),
    ),
    "google_bigquery_datapolicy_data_policy_iam_member": (
        "google.bigquery_datapolicy_data_policy_iam_member",
        "BigqueryDatapolicyDataPolicyIamMember",
        ("data_policy_id", "location", "role", "member", "condition.expression"),
    ),
    "google_data_loss_prevention_discovery_config": (
        "google.data_loss_prevention_discovery_config",
        "DataLossPreventionDiscoveryConfig",
        ("parent", "location", "status", "inspect_templates", "targets.big_query_target.filter",
         "actions.pub_sub_notification.topic", "actions.publish_to_scc"),
    ),
    # bundled before, listed for the one path the masking rules need
    "google_bigquery_datapolicy_data_policy": (
        "google.bigquery_datapolicy_data_policy",
        "BigqueryDatapolicyDataPolicy",
        ("data_masking_policy.predefined_expression", "policy_tag", "data_policy_type"),
    ),
}


def _schema_block(provider: str, type_name: str) -> BlockSchema:
    schema = bundled_schema(bundled_providers()[provider].address)
    return schema.resources[type_name]


def _schema_has(block: BlockSchema, path: str) -> bool:
    *blocks, last = path.split(".")
    for part in blocks:
        if part not in block.block_types:
            return False
        block = block.block_types[part].block
    return (last in block.attributes and block.attributes[last].is_input) or last in block.block_types


def _binding_has(cls: Any, path: str) -> bool:
    *blocks, last = path.split(".")
    for part in blocks:
        field = next((f for f in cls._tf_fields if f.tf == part and isinstance(f, Block)), None)
        if field is None:
            return False
        cls = field.struct
    return any(f.tf == last for f in cls._tf_fields)


def test_every_new_type_is_bound_with_a_rules_entry() -> None:
    aws = bundled_providers()["aws"]
    assert set(NEW_AWS) <= set(aws.resources)
    for key, names in (("aws", NEW_AWS), ("google", NEW_GOOGLE)):
        address = bundled_providers()[key].address
        schema, rules = bundled_schema(address), bundled_rules(address)
        assert rules is not None
        for name in names:
            assert name in schema.resources, name
            assert name in rules.resources, name
    aws_rules = bundled_rules(aws.address)
    assert aws_rules is not None
    for name in NEW_AWS:  # the convention: read nothing, say why; the real provider validates
        entry = aws_rules.resources[name]
        assert entry.rules == () and entry.not_transcribed


@pytest.mark.parametrize("type_name", sorted(KEY_PATHS))
def test_key_arguments_are_in_the_schema_and_the_binding(type_name: str) -> None:
    module, class_name, paths = KEY_PATHS[type_name]
    provider = module.split(".")[0]
    cls = getattr(importlib.import_module(f"channelkit.providers.{module}"), class_name)
    assert cls._tf_type == type_name
    assert getattr(importlib.import_module(f"channelkit.providers.{provider}"), class_name) is cls  # package export
    block = _schema_block(provider, type_name)
    assert [p for p in paths if not _schema_has(block, p)] == []
    assert [p for p in paths if not _binding_has(cls, p)] == []


def test_google_iam_members_replace_on_member_role_condition_and_parent() -> None:
    """ForceNew from IamMemberBaseSchema and each parent schema (Go source, tag v7.45.0)."""
    parents = {
        "google_data_catalog_policy_tag_iam_member": ("policy_tag",),
        "google_data_catalog_taxonomy_iam_member": ("taxonomy", "project", "region"),
        "google_bigquery_datapolicy_data_policy_iam_member": ("data_policy_id", "project", "location"),
    }
    for name, parent in parents.items():
        block = _schema_block("google", name)
        for attr in ("member", "role", *parent):
            assert block.attributes[attr].force_new, (name, attr)
        condition = block.block_types["condition"]
        assert condition.force_new and condition.max_items == 1
        assert all(a.force_new for a in condition.block.attributes.values())
        assert not block.attributes["etag"].is_input
    discovery = _schema_block("google", "google_data_loss_prevention_discovery_config")
    assert {n for n, a in discovery.attributes.items() if a.force_new} == {"location", "parent"}


def _google_stack(stack: Any) -> None:
    from channelkit.providers.google import (
        BigqueryDatapolicyDataPolicyIamMember,
        DataCatalogPolicyTagIamMember,
        DataCatalogTaxonomyIamMember,
        DataLossPreventionDiscoveryConfig,
        GoogleProvider,
    )
    from channelkit.providers.google.data_catalog_policy_tag_iam_member import (
        DataCatalogPolicyTagIamMemberCondition,
    )
    from channelkit.providers.google.data_loss_prevention_discovery_config import (
        DataLossPreventionDiscoveryConfigTargets,
        DataLossPreventionDiscoveryConfigTargetsBigQueryTarget,
    )

    GoogleProvider(stack, "google", project="p")
    DataCatalogPolicyTagIamMember(
        stack, "fine", policy_tag="projects/p/locations/eu/taxonomies/1/policyTags/2",
        role="roles/datacatalog.categoryFineGrainedReader", member="group:analysts@example.com",
        condition=DataCatalogPolicyTagIamMemberCondition(
            title="until", expression='request.time < timestamp("2030-01-01T00:00:00Z")'),
    )
    DataCatalogTaxonomyIamMember(stack, "tax", taxonomy="projects/p/locations/eu/taxonomies/1",
                                 role="roles/datacatalog.viewer", member="group:analysts@example.com")
    BigqueryDatapolicyDataPolicyIamMember(stack, "masked", data_policy_id="pii_sha256", location="EU",
                                          role="roles/bigquerydatapolicy.maskedReader",
                                          member="group:analysts@example.com")
    DataLossPreventionDiscoveryConfig(stack, "dlp", parent="projects/p/locations/europe", location="europe",
                                      status="RUNNING",
                                      targets=[DataLossPreventionDiscoveryConfigTargets(
                                          big_query_target=DataLossPreventionDiscoveryConfigTargetsBigQueryTarget())])


def test_google_types_synthesize_and_pass_the_offline_schema_and_rules_check(stack: Any) -> None:
    _google_stack(stack)
    doc = stack.synth_json()
    member = dict(doc["resource"]["google_data_catalog_policy_tag_iam_member"]["fine"])
    member.pop("//")
    assert member == {
        "policy_tag": "projects/p/locations/eu/taxonomies/1/policyTags/2",
        "role": "roles/datacatalog.categoryFineGrainedReader",
        "member": "group:analysts@example.com",
        "condition": {"title": "until", "expression": 'request.time < timestamp("2030-01-01T00:00:00Z")'},
    }
    assert validate_stack_document(doc, "s")[1] == []
    # the transcribed rules of the new types are applied: a deleted principal, an unknown status
    doc["resource"]["google_data_catalog_taxonomy_iam_member"]["tax"]["member"] = "deleted:user:x@example.com"
    doc["resource"]["google_data_loss_prevention_discovery_config"]["dlp"]["status"] = "STOPPED"
    found = sorted(f.render() for f in validate_stack_document(doc, "s")[1])
    assert len(found) == 2, found
    assert found[0].startswith("s → google_data_catalog_taxonomy_iam_member.tax → member:"), found
    assert found[1].startswith("s → google_data_loss_prevention_discovery_config.dlp → status:"), found
    assert "RUNNING" in found[1] and "PAUSED" in found[1]


def _aws_stack(stack: Any, *, job_type: str = "SCHEDULED") -> None:
    from channelkit.providers.aws import (
        AwsProvider,
        Cloudtrail,
        GlueCatalogDatabase,
        GlueDataQualityRuleset,
        IamRole,
        LakeformationDataCellsFilter,
        LakeformationLfTag,
        LakeformationResourceLfTag,
        Macie2Account,
        Macie2ClassificationJob,
        S3Bucket,
        SchedulerSchedule,
    )
    from channelkit.providers.aws import cloudtrail as ct
    from channelkit.providers.aws import glue_data_quality_ruleset as dq
    from channelkit.providers.aws import lakeformation_data_cells_filter as cells
    from channelkit.providers.aws import lakeformation_resource_lf_tag as rlf
    from channelkit.providers.aws import macie2_classification_job as macie
    from channelkit.providers.aws import scheduler_schedule as sched

    AwsProvider(stack, "aws", region="eu-west-1")
    bucket = S3Bucket(stack, "bucket", bucket="channelkit-test-data")
    trail_bucket = S3Bucket(stack, "trail_bucket", bucket="channelkit-test-trail")
    db = GlueCatalogDatabase(stack, "db", name="shop")
    role = IamRole(stack, "role", assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))
    tag = LakeformationLfTag(stack, "tag", key="classification",
                             values=["public", "internal", "confidential", "restricted"])
    LakeformationResourceLfTag(stack, "col_tag", lf_tag=[rlf.LakeformationResourceLfTagLfTag(key=tag.key,
                                                                                               value="restricted")],
                               table_with_columns=[rlf.LakeformationResourceLfTagTableWithColumns(
                                   database_name=db.name, name="staff", column_names=["password"])])
    LakeformationDataCellsFilter(stack, "cells", table_data=[cells.LakeformationDataCellsFilterTableData(
        database_name=db.name, name="staff_internal", table_catalog_id="123456789012", table_name="staff",
        column_wildcard=[cells.LakeformationDataCellsFilterTableDataColumnWildcard(
            excluded_column_names=["password"])],
        row_filter=[cells.LakeformationDataCellsFilterTableDataRowFilter(
            all_rows_wildcard=[cells.LakeformationDataCellsFilterTableDataRowFilterAllRowsWildcard()])])])
    ruleset = GlueDataQualityRuleset(
        stack, "dq", name="shop_staff", ruleset='Rules = [ IsComplete "staff_id", IsUnique "staff_id" ]',
        target_table=dq.GlueDataQualityRulesetTargetTable(database_name=db.name, table_name="staff"))
    SchedulerSchedule(
        stack, "dq_run", name="shop-staff-dq", schedule_expression="rate(1 day)",
        flexible_time_window=sched.SchedulerScheduleFlexibleTimeWindow(mode="OFF"),
        target=sched.SchedulerScheduleTarget(
            arn="arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun", role_arn=role.arn,
            input=json.dumps({"RulesetNames": ["shop_staff"], "Role": "glue-dq",
                              "DataSource": {"GlueTable": {"DatabaseName": "shop", "TableName": "staff"}}})),
        depends_on=[ruleset])
    account = Macie2Account(stack, "macie", status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")
    Macie2ClassificationJob(
        stack, "scan", job_type=job_type, name="shop-cdc",
        schedule_frequency=macie.Macie2ClassificationJobScheduleFrequency(daily_schedule=True),
        s3_job_definition=macie.Macie2ClassificationJobS3JobDefinition(bucket_definitions=[
            macie.Macie2ClassificationJobS3JobDefinitionBucketDefinitions(
                account_id="123456789012", buckets=[bucket.bucket])]),
        depends_on=[account])
    Cloudtrail(stack, "trail", name="shop-data-events", s3_bucket_name=trail_bucket.id,
               advanced_event_selector=[ct.CloudtrailAdvancedEventSelector(name="cdc objects", field_selector=[
                   ct.CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equals=["Data"]),
                   ct.CloudtrailAdvancedEventSelectorFieldSelector(field="resources.type",
                                                                  equals=["AWS::S3::Object"]),
                   ct.CloudtrailAdvancedEventSelectorFieldSelector(
                       field="resources.ARN", starts_with=["arn:aws:s3:::channelkit-test-data/cdc/"])])])


def test_aws_types_synthesize_and_pass_the_offline_schema_check(stack: Any) -> None:
    _aws_stack(stack)
    doc = stack.synth_json()
    assert set(NEW_AWS) <= set(doc["resource"])
    assert doc["resource"]["aws_lakeformation_resource_lf_tag"]["col_tag"]["lf_tag"] == [
        {"key": "${aws_lakeformation_lf_tag.tag.key}", "value": "restricted"}
    ]
    assert validate_stack_document(doc, "s")[1] == []


@pytest.mark.terraform
def test_real_terraform_validate_accepts_every_new_aws_type(stack: Any, tmp_path: Path) -> None:
    """The aws 5.100.0 binary validates the stack (every new type, minimal valid arguments)."""
    _aws_stack(stack)
    stack.synth_json()
    report = validate_output(tmp_path / "out")
    assert report.ok, report.lines()
    assert [s.terraform for s in report.stacks] == ["passed"]


@pytest.mark.terraform
def test_real_terraform_validate_enforces_the_untranscribed_aws_rules(stack: Any, tmp_path: Path) -> None:
    """No AWS rule was transcribed; the offline check passes a bad job_type, the real provider rejects it."""
    _aws_stack(stack, job_type="SOMETIMES")
    doc = stack.synth_json()
    assert validate_stack_document(doc, "s")[1] == []
    report = validate_output(tmp_path / "out")
    assert not report.ok
    assert report.stacks[0].terraform.startswith("failed:")
    assert "job_type" in report.stacks[0].terraform
