"""The S3 lake's quality rulesets (DQDL), their schedules and roles, Macie, and the account audit baseline.

Synthesized only here; ``test_aws_moto.py`` applies the trail, Macie's account and the schedules on moto with an
empty re-plan, and validates and plans the rulesets and the Macie job (moto has neither API).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_aws_lake import TABLES, resources, synth

from channelkit.constructs.aws.cloudtrail import AwsAuditBaseline
from channelkit.constructs.errors import ConstructPropsError
from channelkit.patterns import Column, Table
from channelkit.quality import Freshness, NotNull, Range, RowCondition, Unique


def _policy(doc: dict[str, Any], fragment: str) -> list[dict[str, Any]]:
    return [s for name, d in doc["data"]["aws_iam_policy_document"].items() if fragment in name and "Trust" not in name
            for s in d["statement"]]


def test_dqdl_reads_the_wire_forms_and_skips_deletes(tmp_path: Path) -> None:
    table = Table("visits", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="day", type="DATE", checks=[Range(min=date(1970, 1, 11))]),
        Column(name="seen", type="DATETIME(3)", checks=[NotNull(), Unique()]),
        Column(name="note", type="string"),
    ], checks=[RowCondition("day >= 0"), Freshness(max_age=timedelta(hours=1), column="seen")])
    doc, _ = synth(tmp_path, tables=[table])
    (ruleset,) = resources(doc, "aws_glue_data_quality_ruleset")
    text = ruleset["ruleset"]
    assert text.startswith("Rules = [") and text.endswith("]")
    assert 'IsComplete "id" where "(__deleted IS NULL OR __deleted != \'true\')"' in text
    assert "(`day` < 10)" in text  # the date as days since 1970-01-01, as the sink wrote it
    assert "PARTITION BY `id`" in text and "GROUP BY `seen` HAVING COUNT(*) > 1" in text  # the latest state
    assert "unix_timestamp() - MAX(`seen`) / 1000 FROM primary\" <= 3600" in text  # MySQL DATETIME(3): ms
    assert ruleset["target_table"]["database_name"].startswith("${aws_glue_catalog_database.")


def test_schedule_and_roles_are_least_privilege(tmp_path: Path) -> None:
    doc, _ = synth(tmp_path, tables=TABLES)
    schedules = resources(doc, "aws_scheduler_schedule")
    assert len(schedules) == len(TABLES)
    target = schedules[0]["target"]
    assert target["arn"] == "arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun"
    request = json.loads(target["input"])
    assert request["Role"].startswith("${aws_iam_role.") and "QualityRole" in request["Role"]
    scheduler = _policy(doc, "QualitySchedulerRole")
    assert sorted(a for s in scheduler for a in s["actions"]) == ["glue:StartDataQualityRulesetEvaluationRun",
                                                                   "iam:PassRole"]
    grants = [g for g in resources(doc, "aws_lakeformation_permissions") if "QualityRole" in g["principal"]]
    assert grants and all("SELECT" in g["permissions"] for g in grants)


def test_macie_job_is_scoped_to_the_data_prefix_and_the_account_is_not_per_channel(tmp_path: Path) -> None:
    doc, _ = synth(tmp_path)
    (job,) = resources(doc, "aws_macie2_classification_job")
    term = job["s3_job_definition"]["scoping"]["includes"]["and"][0]["simple_scope_term"]
    assert (term["comparator"], term["key"], term["values"]) == ("STARTS_WITH", "OBJECT_KEY", ["cdc/"])
    assert job["s3_job_definition"]["bucket_definitions"][0]["buckets"] == ["acme-orders-cdc"]
    assert "aws_macie2_account" not in doc["resource"] and "aws_cloudtrail" not in doc["resource"]


def test_one_trail_watches_every_registered_prefix(tmp_path: Path) -> None:
    from channel_helpers import new_stack
    from channel_helpers import synth as synth_app

    from channelkit.constructs.aws import aws_provider

    app, stack = new_stack(tmp_path)
    aws_provider(stack, region="us-east-1")
    audit = AwsAuditBaseline(stack, "Audit", log_bucket_name="acme-trail-logs", protect=False)
    audit.watch("acme-a", "cdc")
    audit.watch("acme-b", "cdc/")
    with pytest.raises(ConstructPropsError):
        audit.watch("acme-c", "*")
    doc = synth_app(app, tmp_path)
    (trail,) = doc["resource"]["aws_cloudtrail"].values()
    management, data = trail["advanced_event_selector"]
    assert management["field_selector"] == [{"field": "eventCategory", "equals": ["Management"]}]
    assert data["field_selector"][2]["starts_with"] == ["arn:aws:s3:::acme-a/cdc/", "arn:aws:s3:::acme-b/cdc/"]
    (policy,) = [d for n, d in doc["data"]["aws_iam_policy_document"].items() if "Logs" in n]
    write = next(s for s in policy["statement"] if s["sid"] == "CloudTrailWrite")
    assert {c["variable"] for c in write["condition"]} == {"s3:x-amz-acl", "aws:SourceArn"}
    assert len(doc["resource"]["aws_macie2_account"]) == 1
