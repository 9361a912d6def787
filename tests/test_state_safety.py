"""The three-axes restructuring kept Terraform state: same resources, same logical ids, same attributes.

``tests/golden/pre_axes/`` holds what the example org and ``examples/aws`` synthesized before
sources, platforms and warehouses became families of their own (commit 679e2fe). Every resource
must keep its type, logical id and attributes, except the changes listed in :data:`INTENDED`,
each with the reason. No logical id moved, so no ``moved`` block is needed; the moto test
``test_aws_migration.py`` applies the old example and plans the new one to show that no resource
is destroyed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "pre_axes"

#: Resource types whose new resources may appear (type → why): every other new resource is drift.
ADDED_TYPES: dict[str, str] = {
    "kafka_topic": "the Postgres source's heartbeat topic (issue 8: an idle slot must not retain WAL), created "
                   "as a resource like every topic on self-managed Kafka",
    "postgresql_publication":
        "the Postgres source creates its channel's publication (issue 8): Terraform, applied by the table owner, "
        "for exactly the captured tables; Debezium no longer tries to create it",
    # issue 10: classification drives protection
    "google_data_catalog_taxonomy": "the channel's policy-tag taxonomy (column-level security, issue 10)",
    "google_data_catalog_policy_tag": "one policy tag per protected (level, masking rule) group (issue 10)",
    "google_bigquery_datapolicy_data_policy": "one data-masking policy per policy tag (issue 10)",
    "google_bigquery_datapolicy_data_policy_iam_member": "readers below a tag's level read it masked (issue 10)",
    "google_data_catalog_policy_tag_iam_member": "readers cleared for a tag's level read it in clear (issue 10)",
    "aws_lakeformation_lf_tag": "the channel's classification LF-tag (issue 10)",
    "aws_lakeformation_resource_lf_tag": "the classification of each Glue table and column as an LF-tag (issue 10)",
    "aws_kms_key": "the Athena results key: readers no longer hold the data key (issue 10)",
    "aws_kms_alias": "the alias of the Athena results key (issue 10)",
    "aws_iam_role": "Lake Formation's data access role, holding the data key for credential vending (issue 10)",
    "aws_iam_role_policy": "the inline policy of Lake Formation's data access role (issue 10)",
    # issue 10, part 4: quality, DLP, audit (new resources only: no existing logical id or attribute changes)
    "google_dataplex_datascan": "one data quality scan per table with rules (issue 10)",
    "google_data_loss_prevention_inspect_template": "the channel's DLP inspect template (issue 10)",
    "google_data_loss_prevention_job_trigger": "one scheduled DLP inspection per table (issue 10)",
    "aws_glue_data_quality_ruleset": "one DQDL ruleset per table with rules (issue 10)",
    "aws_scheduler_schedule": "the daily evaluation of each ruleset (issue 10)",
    "aws_macie2_classification_job": "the channel's Macie job over its data prefix (issue 10)",
    "aws_macie2_account": "Macie for the account, in the example's audit baseline (issue 10)",
    "aws_cloudtrail": "the account's data-event trail, in the example's audit baseline (issue 10)",
    "aws_s3_bucket": "the audit trail's log bucket (issue 10)",
    "aws_s3_bucket_policy": "CloudTrail's bucket policy on the log bucket (issue 10)",
    "aws_s3_bucket_public_access_block": "the log bucket's public access block (issue 10)",
    "aws_s3_bucket_server_side_encryption_configuration": "the log bucket's encryption (issue 10)",
    "aws_s3_bucket_versioning": "the log bucket's versioning (issue 10)",
    "aws_lakeformation_permissions": "the data quality evaluation role's grant on each checked table (issue 10)",
}

#: (resource type, attribute) → why it may differ from the golden.
INTENDED: dict[tuple[str, str], str] = {
    ("aws_athena_named_query", "query"):
        "one latest-state SQL module: Athena queries order by source position, as BigQuery views do",
    ("aws_glue_catalog_table", "storage_descriptor"):
        "Glue tables carry the source position columns the latest-state query orders by",
    ("aws_iam_policy_document", "statement"):
        "grants cover the key: each bucket, workgroup and secret grant brings its own KMS statement",
    ("aws_iam_role", "description"): "the role describes the connector kind, not the sink product",
    ("kafka-connect_connector", "config"):
        "each connector's Kafka clients log in as the principal holding its ACLs (client overrides, the "
        "schema-history clients' TLS settings and group); MySQL connects with database.ssl.mode=required; "
        "Postgres: database.sslmode, publication.autocreate.mode=disabled (the publication is "
        "Terraform), heartbeat.*, message.prefix.exclude.list, topic.heartbeat.prefix, the TOAST "
        "re-select post-processor, decimal.handling.mode=string, time.precision.mode=microseconds (issue 8)",
    ("kafka-connect_connector", "depends_on"):
        "the Postgres source connector also waits for its postgresql_publication (issue 8)",
    ("google_bigquery_dataset", "default_partition_expiration_ms"):
        "warehouse history retention is its own setting (BigQuery(history_retention=None) keeps the change "
        "history): partitions no longer expire with the Kafka retention",
    ("aws_s3_bucket_lifecycle_configuration", "rule"):
        "AwsLake(history_retention=None) keeps the change history: no object expiration with the Kafka "
        "retention (noncurrent-version and multipart rules kept)",
    ("aws_glue_catalog_table", "parameters"):
        "partition projection on dt (matching the sink's path.format): Athena sees every day without a repair",
    ("google_bigquery_table", "schema"):
        "protected columns carry their policy tag (policyTags.names, in the form the API returns; issue 10)",
    ("aws_athena_named_query", "description"):
        "the latest-state query says which columns it leaves out (above the reader clearance; issue 10)",
    ("aws_athena_workgroup", "configuration"): "results are encrypted with the results key (issue 10)",
    # issue 10 part 3: warehouse metadata carries the catalog's facts (in-place updates, no replacement)
    ("google_bigquery_dataset", "description"):
        "the dataset description names the contract, owner, classification, PII and retention (issue 10, catalog)",
    ("google_bigquery_dataset", "labels"): "contact, contract, contract_version, pii and retention labels (issue 10)",
    ("google_bigquery_table", "labels"): "the same labels on change-log tables and views (issue 10, catalog)",
    ("aws_glue_catalog_database", "parameters"):
        "owner email, contract id and version, retention parameters (issue 10, catalog)",
    ("aws_lakeformation_resource", "role_arn"):
        "Lake Formation reads the data with a role holding the data key (the service-linked role cannot; issue 10)",
    ("aws_lakeformation_resource", "use_service_linked_role"): "see role_arn (issue 10)",
    ("google_bigquery_dataset", "default_encryption_configuration"):
        "the example org's data policy requires a customer key for confidential data (issue 10): an in-place "
        "update that encrypts new tables only, so existing tables keep Google-managed keys until recreated",
    ("aws_kms_key", "policy"):
        "the data key's policy also lets Macie's service-linked role decrypt, so the Macie job can classify the "
        "channel's SSE-KMS objects (issue 10); the account keeps administering the key as by default",
    ("aws_mskconnect_connector", "connector_configuration"):
        "the S3 sink reads the source's JSON with schemas (schemaless it wrote {schema, payload} envelopes "
        "and every Glue column read NULL)",
}


def _synth(app_dir: Path, out: Path, env: dict[str, str] | None = None) -> Path:
    full = {**os.environ, **(env or {}), "CDKTF_OUTDIR": str(out)}
    subprocess.run([sys.executable, "main.py"], cwd=app_dir, env=full, check=True, capture_output=True)
    return out / "stacks"


def _bodies(doc: dict[str, Any], kind: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t, lid): {k: v for k, v in body.items() if k != "//"}
            for t, group in doc.get(kind, {}).items() for lid, body in group.items()}


def _compare(golden: Path, stack_file: Path) -> list[str]:
    old, new = json.loads(golden.read_text()), json.loads(stack_file.read_text())
    drift: list[str] = []
    before, after = _bodies(old, "resource"), _bodies(new, "resource")
    drift += [f"resource {t}.{lid} is gone" for t, lid in sorted(set(before) - set(after))]
    drift += [f"resource {t}.{lid} is new" for t, lid in sorted(set(after) - set(before)) if t not in ADDED_TYPES]
    for kind in ("resource", "data"):
        for (t, lid), body in _bodies(old, kind).items():
            now = _bodies(new, kind).get((t, lid))
            if now is None:
                drift.append(f"{kind} {t}.{lid} is gone")
                continue
            for attr in sorted(set(body) | set(now)):
                if body.get(attr) != now.get(attr) and (t, attr) not in INTENDED:
                    drift.append(f"{kind} {t}.{lid}.{attr} changed")
    if old.get("provider") != new.get("provider"):
        drift.append("providers changed")
    return drift


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("axes")
    return {"org": _synth(REPO, out / "org"), "aws": _synth(REPO / "examples" / "aws", out / "aws")}


@pytest.mark.parametrize(("app", "stack"), [("org", "payments"), ("org", "support"), ("aws", "orders-aws")])
def test_resources_keep_type_logical_id_and_attributes(synthesized: dict[str, Path], app: str, stack: str) -> None:
    drift = _compare(GOLDEN / f"{app}-{stack}.json", synthesized[app] / stack / "cdk.tf.json")
    assert drift == []


def test_the_intended_changes_are_real(synthesized: dict[str, Path]) -> None:
    """Each allowed difference is one the restructuring made (the list does not hide anything else)."""
    new = json.loads((synthesized["aws"] / "orders-aws" / "cdk.tf.json").read_text())
    tables = new["resource"]["aws_glue_catalog_table"].values()
    for table in tables:
        names = [c["name"] for c in table["storage_descriptor"]["columns"]]
        assert names[-3:] == ["__source_file", "__source_pos", "__source_row"]
    for query in new["resource"]["aws_athena_named_query"].values():
        assert '"__source_file" DESC, "__source_pos" DESC, "__source_row" DESC' in query["query"]


def test_the_retention_and_read_path_changes_are_real(synthesized: dict[str, Path]) -> None:
    """The warehouse-history, partition-projection and sink-converter entries of :data:`INTENDED` (issue 8)."""
    support = json.loads((synthesized["org"] / "support" / "cdk.tf.json").read_text())
    (dataset,) = support["resource"]["google_bigquery_dataset"].values()
    assert "default_partition_expiration_ms" not in dataset
    aws = json.loads((synthesized["aws"] / "orders-aws" / "cdk.tf.json").read_text())["resource"]
    (lifecycle,) = aws["aws_s3_bucket_lifecycle_configuration"].values()
    assert "expiration" not in lifecycle["rule"][0] and lifecycle["rule"][0]["noncurrent_version_expiration"]
    for table in aws["aws_glue_catalog_table"].values():
        assert table["parameters"]["projection.enabled"] == "true"
    sink = next(c for c in aws["aws_mskconnect_connector"].values() if c["name"] == "orders-sink")
    assert sink["connector_configuration"]["value.converter.schemas.enable"] == "true"


def test_the_postgres_source_changes_are_real(synthesized: dict[str, Path]) -> None:
    """The ``ADDED_TYPES`` entry and the Postgres parts of the connector entries of :data:`INTENDED` (issue 8)."""
    support = json.loads((synthesized["org"] / "support" / "cdk.tf.json").read_text())["resource"]
    (pub_id, publication), = support["postgresql_publication"].items()
    assert publication["name"] == "ck_support" and "owner" not in publication
    source = next(c for c in support["kafka-connect_connector"].values() if c["name"] == "support-source")
    assert f"postgresql_publication.{pub_id}" in source["depends_on"]
    assert source["config"]["publication.autocreate.mode"] == "disabled"
    assert source["config"]["database.sslmode"] == "require"


def test_the_governance_changes_are_real(synthesized: dict[str, Path]) -> None:
    """The issue-10 entries of :data:`ADDED_TYPES` and :data:`INTENDED`: tags, masking, the lake's own keys and role."""
    support = json.loads((synthesized["org"] / "support" / "cdk.tf.json").read_text())["resource"]
    tagged = [f for t in support["google_bigquery_table"].values() if "view" not in t
              for f in json.loads(t["schema"]) if "policyTags" in f]
    assert tagged and support["google_bigquery_datapolicy_data_policy"]
    aws = json.loads((synthesized["aws"] / "orders-aws" / "cdk.tf.json").read_text())["resource"]
    (location,) = aws["aws_lakeformation_resource"].values()
    assert location["role_arn"].startswith("${aws_iam_role.")
    (workgroup,) = aws["aws_athena_workgroup"].values()
    (sse,) = [c for c in aws["aws_s3_bucket_server_side_encryption_configuration"].values()  # not the trail's logs
              if c["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"]
    results_key = workgroup["configuration"]["result_configuration"]["encryption_configuration"]["kms_key_arn"]
    assert results_key != sse["rule"][0]["apply_server_side_encryption_by_default"]["kms_master_key_id"]
    assert aws["aws_lakeformation_resource_lf_tag"] and aws["aws_lakeformation_lf_tag"]
    for dataset in support["google_bigquery_dataset"].values():  # the org policy's customer key
        assert dataset["default_encryption_configuration"]["kms_key_name"].endswith("/cryptoKeys/cdc")


def test_the_quality_dlp_and_audit_changes_are_real(synthesized: dict[str, Path]) -> None:
    """The part-4 entries of :data:`ADDED_TYPES`: scans and DLP per table, rulesets and schedules, the baseline."""
    payments = json.loads((synthesized["org"] / "payments" / "cdk.tf.json").read_text())["resource"]
    assert len(payments["google_dataplex_datascan"]) == len(payments["google_data_loss_prevention_job_trigger"]) == 6
    platform = json.loads((synthesized["org"] / "platform" / "cdk.tf.json").read_text())["resource"]
    (audit,) = platform["google_project_iam_audit_config"].values()
    assert audit["service"] == "bigquery.googleapis.com"
    assert "google_project_iam_audit_config" not in payments  # never per channel
    aws = json.loads((synthesized["aws"] / "orders-aws" / "cdk.tf.json").read_text())["resource"]
    assert len(aws["aws_glue_data_quality_ruleset"]) == len(aws["aws_scheduler_schedule"]) == 2
    (trail,) = aws["aws_cloudtrail"].values()
    prefixes = trail["advanced_event_selector"][1]["field_selector"][2]["starts_with"]
    assert prefixes == ["arn:aws:s3:::acme-orders-cdc-example/cdc/"]


def test_the_catalog_changes_are_real(synthesized: dict[str, Path]) -> None:
    """The issue-10 catalog entries of :data:`INTENDED`: the warehouse's labels, descriptions and parameters."""
    payments = json.loads((synthesized["org"] / "payments" / "cdk.tf.json").read_text())["resource"]
    (dataset,) = payments["google_bigquery_dataset"].values()
    assert dataset["labels"]["contract_version"] == "1_0_0" and dataset["labels"]["kafka_retention_days"] == "14"
    assert dataset["labels"]["contract"] in dataset["description"]
    tables = payments["google_bigquery_table"].values()
    assert all(t["labels"]["contact"] == "payments-data_acme_example" for t in tables)
    aws = json.loads((synthesized["aws"] / "orders-aws" / "cdk.tf.json").read_text())["resource"]
    (database,) = aws["aws_glue_catalog_database"].values()
    assert database["parameters"]["channelkit.contract_version"] == "1.0.0"
    assert all(t["parameters"]["channelkit.history_retention_days"] == "kept"
               for t in aws["aws_glue_catalog_table"].values())
