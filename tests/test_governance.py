"""Classification drives protection: per reader clearance, exactly which columns each target shows.

Nothing here trusts channelkit's own bookkeeping: the visibility of each column is worked out from the
synthesized Terraform alone, following each system's documented access rules.

* **BigQuery** (column-level security and data masking): a column without a policy tag is read by anyone
  with ``roles/bigquery.dataViewer`` on the dataset; a column with a policy tag is read in clear only with
  ``roles/datacatalog.categoryFineGrainedReader`` on that tag, masked by a data policy's expression with
  ``roles/bigquerydatapolicy.maskedReader`` on a data policy of the tag, and not at all otherwise. The views
  read the change-log table, so they show what the table shows.
* **Lake Formation** (column-level grants): a ``table_with_columns`` grant shows every column but the
  excluded ones; no grant shows nothing. Readers' IAM policies must not read the data objects or use the data
  key, so Lake Formation is the only way in.

What runs for real: the synthesis. The BigQuery rules are validated only (no BigQuery here); the Lake
Formation tags and grants are applied on moto in ``tests/test_aws_moto.py``.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import CONNECT, KAFKA, ROOT, new_stack, synth

from channelkit.constructs import PrincipalError, TableDefinitionError
from channelkit.constructs.aws import aws_provider
from channelkit.governance import LEVELS, column_level, rank
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

FINE = "roles/datacatalog.categoryFineGrainedReader"
MASKED = "roles/bigquerydatapolicy.maskedReader"
_REF = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}")

#: A table with a column of every level, PII of three types, and overrides.
STAFF = Table("staff", primary_key=["id"], columns=[
    Column(name="id", type="INT", classification="public"),
    Column(name="first_name", type="VARCHAR(45)", pii=True),
    Column(name="email", type="VARCHAR(50)", classification="confidential", pii=True, masking="email"),
    Column(name="birthday", type="DATE", pii=True),
    Column(name="salary", type="DECIMAL(10,2)", classification="confidential"),
    Column(name="password", type="VARCHAR(40)", classification="restricted"),
    Column(name="store_id", type="TINYINT UNSIGNED"),
])
ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"


def _ref(value: str) -> tuple[str, str] | None:
    m = _REF.fullmatch(value) if isinstance(value, str) else None
    return (m.group(1), m.group(2)) if m else None


def bigquery_visibility(doc: dict[str, Any], member: str) -> dict[str, dict[str, str]]:
    """``{table: {column: clear | masked:<expression> | denied}}`` for ``member``, from the JSON alone."""
    res = doc["resource"]
    viewer = any(m["member"] == member and m["role"] == "roles/bigquery.dataViewer"
                 for m in res.get("google_bigquery_dataset_iam_member", {}).values())
    fine = {_ref(m["policy_tag"]) for m in res.get("google_data_catalog_policy_tag_iam_member", {}).values()
            if m["member"] == member and m["role"] == FINE}
    masked_policies = {_ref(m["data_policy_id"])[1] for m in
                       res.get("google_bigquery_datapolicy_data_policy_iam_member", {}).values()
                       if m["member"] == member and m["role"] == MASKED}
    policies_of_tag: dict[str, list[tuple[str, str]]] = {}
    for pid, policy in res.get("google_bigquery_datapolicy_data_policy", {}).items():
        tag = _ref(policy["policy_tag"])
        assert tag is not None and tag[0] == "google_data_catalog_policy_tag"
        policies_of_tag.setdefault(tag[1], []).append((pid, policy["data_masking_policy"]["predefined_expression"]))
    out: dict[str, dict[str, str]] = {}
    for table in res["google_bigquery_table"].values():
        if "view" in table:
            continue
        shown = {}
        for field in json.loads(table["schema"]):
            names = field.get("policyTags", {}).get("names", [])
            if not viewer:
                shown[field["name"]] = "denied"
            elif not names:
                shown[field["name"]] = "clear"
            else:
                (tag,) = [_ref(n) for n in names]
                assert tag is not None
                masks = [e for pid, e in policies_of_tag.get(tag[1], []) if pid in masked_policies]
                shown[field["name"]] = "clear" if tag in fine else f"masked:{masks[0]}" if masks else "denied"
        out[table["table_id"].removesuffix("_changes")] = shown
    return out


def lake_visibility(doc: dict[str, Any], principal: str) -> dict[str, dict[str, str]]:
    """``{table: {column: clear | hidden}}`` of ``principal``'s Lake Formation grants (denied: no grant)."""
    res = doc["resource"]
    columns = {t["name"]: [c["name"] for c in t["storage_descriptor"]["columns"]]
               for t in res["aws_glue_catalog_table"].values()}
    out = {name: dict.fromkeys(cols, "denied") for name, cols in columns.items()}
    for grant in res.get("aws_lakeformation_permissions", {}).values():
        if grant["principal"] != principal or "SELECT" not in grant["permissions"]:
            continue
        if "table_with_columns" in grant:
            target = grant["table_with_columns"]
            excluded = set(target.get("excluded_column_names", []))
            out[target["name"]] = {c: "hidden" if c in excluded else "clear" for c in columns[target["name"]]}
        elif "table" in grant:
            out[grant["table"]["name"]] = dict.fromkeys(columns[grant["table"]["name"]], "clear")
    return out


# ---------------------------------------------------------------------------------------------- BigQuery
def _bigquery_channel(tmp_path: Path) -> dict[str, Any]:
    app, stack = new_stack(tmp_path)
    readers = [Reader(gcp=f"group:{level}@example.com", clearance=level) for level in LEVELS]
    Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=KAFKA,
            connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU"),
            owner=Team(name="team-a", email="a@example.com"), readers=readers)
    return synth(app, tmp_path)


def test_bigquery_visibility_per_clearance(tmp_path: Path) -> None:
    doc = _bigquery_channel(tmp_path)
    table = {level: bigquery_visibility(doc, f"group:{level}@example.com")["staff"] for level in LEVELS}
    data = [c.name for c in STAFF.columns]
    got = {level: {c: table[level][c] for c in data} for level in LEVELS}
    assert got == {
        # a public reader: the internal columns are tagged too (a reader of the channel has that clearance)
        "public": {"id": "clear", "first_name": "masked:SHA256", "email": "masked:EMAIL_MASK",
                   "birthday": "masked:DATE_YEAR_MASK", "salary": "masked:ALWAYS_NULL",
                   "password": "masked:ALWAYS_NULL", "store_id": "masked:ALWAYS_NULL"},
        "internal": {"id": "clear", "first_name": "masked:SHA256", "email": "masked:EMAIL_MASK",
                     "birthday": "masked:DATE_YEAR_MASK", "salary": "masked:ALWAYS_NULL",
                     "password": "masked:ALWAYS_NULL", "store_id": "clear"},
        "confidential": {"id": "clear", "first_name": "clear", "email": "clear", "birthday": "clear",
                         "salary": "clear", "password": "masked:ALWAYS_NULL", "store_id": "clear"},
        "restricted": dict.fromkeys(data, "clear"),
    }
    # the CDC metadata columns carry no tag: every reader reads them
    assert all(v == "clear" for level in LEVELS for c, v in table[level].items() if c.startswith("__"))


def test_bigquery_taxonomy_tags_and_policies(tmp_path: Path) -> None:
    res = _bigquery_channel(tmp_path)["resource"]
    (taxonomy,) = res["google_data_catalog_taxonomy"].values()
    assert taxonomy["activated_policy_types"] == ["FINE_GRAINED_ACCESS_CONTROL"]
    assert (taxonomy["region"], taxonomy["display_name"]) == ("eu", "channelkit shop")
    tags = sorted(t["display_name"] for t in res["google_data_catalog_policy_tag"].values())
    assert tags == ["confidential-date_year", "confidential-email", "confidential-null", "confidential-sha256",
                    "internal-null", "restricted-null"]
    for policy in res["google_bigquery_datapolicy_data_policy"].values():
        assert policy["data_policy_type"] == "DATA_MASKING_POLICY" and policy["location"] == "eu"
        assert re.fullmatch(r"shop_[a-z]+_[a-z0-9_]+", policy["data_policy_id"])
    # expiry goes through IAM conditions, as on the dataset
    fields = {f["name"]: f for t in res["google_bigquery_table"].values() if "view" not in t
              for f in json.loads(t["schema"])}
    assert fields["email"]["policyTags"] == {"names": [fields["email"]["policyTags"]["names"][0]]}
    assert fields["email"]["policyTags"]["names"][0].startswith("${google_data_catalog_policy_tag.")


def test_expiring_reader_gets_conditions_on_every_column_grant(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    when = datetime(2031, 1, 1, tzinfo=UTC)
    Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=KAFKA,
            connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU"),
            owner=Team(name="team-a", email="a@example.com"),
            readers=[Reader(gcp="user:temp@example.com", clearance="confidential", expires=when)])
    res = synth(app, tmp_path)["resource"]
    grants = [*res["google_data_catalog_policy_tag_iam_member"].values(),
              *res["google_bigquery_datapolicy_data_policy_iam_member"].values()]
    assert grants and all(g["condition"]["expression"] == 'request.time < timestamp("2031-01-01T00:00:00Z")'
                          for g in grants)


def test_the_upsert_sink_reads_every_tag_it_merges(tmp_path: Path) -> None:
    """In upsert mode KCBQ runs MERGE queries over the change log: its account must read the tagged columns."""
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=KAFKA,
            connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU", upsert=True),
            owner=Team(name="team-a", email="a@example.com"))
    res = synth(app, tmp_path)["resource"]
    tags = res["google_data_catalog_policy_tag"]
    sink = [m for m in res["google_data_catalog_policy_tag_iam_member"].values()
            if m["member"].startswith("serviceAccount:${google_service_account.")]
    assert {_ref(m["policy_tag"])[1] for m in sink} == set(tags)


# ---------------------------------------------------------------------------------------------- Kafka
def test_a_kafka_reader_must_be_cleared_for_every_column(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    with pytest.raises(PrincipalError) as info:
        Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=KAFKA,
                connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU"),
                owner=Team(name="team-a", email="a@example.com"),
                readers=["User:everyone", Reader(kafka="User:analytics", clearance="confidential")])
    assert [(p.field, p.value) for p in info.value.problems] == [
        ("readers[0]", "User:everyone"), ("readers[1].clearance", "confidential")]
    assert "restricted" in info.value.problems[0].allowed
    assert not stack.node.children, "a rejected channel leaves nothing behind"
    Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=KAFKA,
            connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU"),
            owner=Team(name="team-a", email="a@example.com"),
            readers=[Reader(kafka="User:analytics", clearance="restricted")])


def test_masking_must_suit_the_column_type(tmp_path: Path) -> None:
    _, stack = new_stack(tmp_path)
    bad = Table("t", primary_key=["id"], columns=[Column(name="id", type="INT"),
                                                  Column(name="n", type="INT", pii=True, masking="email")])
    with pytest.raises(TableDefinitionError) as info:
        Channel(stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[bad], kafka=KAFKA,
                connect=CONNECT, warehouse=BigQuery(project="acme-warehouse", location="EU"),
                owner=Team(name="team-a", email="a@example.com"))
    (problem,) = info.value.problems
    assert problem.field == "tables[t].columns[n].masking" and "default_value" in problem.allowed


# ---------------------------------------------------------------------------------------------- AWS lake
def _lake_channel(tmp_path: Path) -> tuple[dict[str, Any], Channel]:
    app, stack = new_stack(tmp_path)
    aws_provider(stack, region="us-east-1")
    readers = [Reader(aws=f"arn:aws:iam::123456789012:role/{level}", clearance=level) for level in LEVELS]
    channel = Channel(
        stack, "shop", source=MySqlSource(host="db", database="shop"), tables=[STAFF], kafka=MskCluster(arn=ARN),
        connect=MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",),
                           plugin_bucket="acme-plugins", source_plugin_key="d.zip", sink_plugin_key="s.zip"),
        warehouse=AwsLake(region="us-east-1", bucket_name="acme-shop-cdc"),
        owner=Team(name="team-a", email="a@example.com"), readers=readers)
    return synth(app, tmp_path), channel


def test_lake_visibility_per_clearance(tmp_path: Path) -> None:
    doc, _ = _lake_channel(tmp_path)
    data = [c.name for c in STAFF.columns]
    got = {level: {c: v for c, v in lake_visibility(doc, f"arn:aws:iam::123456789012:role/{level}")["staff"].items()
                   if c in data} for level in LEVELS}
    for level in LEVELS:  # Lake Formation cannot mask: a column is in the grant or left out
        assert got[level] == {c.name: "clear" if rank(column_level(c)) <= rank(level) else "hidden"
                              for c in STAFF.columns}, level
    assert got["internal"] == {"id": "clear", "first_name": "hidden", "email": "hidden", "birthday": "hidden",
                               "salary": "hidden", "password": "hidden", "store_id": "clear"}


def test_lake_readers_reach_the_data_only_through_lake_formation(tmp_path: Path) -> None:
    doc, _ = _lake_channel(tmp_path)
    res = doc["resource"]
    keys = res["aws_kms_key"]
    (bucket_sse,) = res["aws_s3_bucket_server_side_encryption_configuration"].values()
    data_key = _ref(bucket_sse["rule"][0]["apply_server_side_encryption_by_default"]["kms_master_key_id"])
    assert data_key is not None and data_key[1] in keys and len(keys) == 2
    readers = {p["name"]: p for p in res["aws_iam_policy"].values() if "-reader-" in p["name"]}
    assert len(readers) == len(LEVELS)
    documents = doc["data"]["aws_iam_policy_document"]
    for policy in readers.values():
        (doc_id,) = [d for d in documents if policy["policy"] == f"${{data.aws_iam_policy_document.{d}.json}}"]
        for statement in documents[doc_id]["statement"]:
            resources = " ".join(statement["resources"])
            assert not ("s3:GetObject" in statement["actions"] and "/cdc/" in resources), statement
            assert f"aws_kms_key.{data_key[1]}." not in resources, statement
    # Lake Formation itself reads with a role that holds the data key
    (location,) = res["aws_lakeformation_resource"].values()
    assert location["role_arn"].startswith("${aws_iam_role.") and "use_service_linked_role" not in location


def test_lake_tags_each_table_and_column_with_its_classification(tmp_path: Path) -> None:
    doc, _ = _lake_channel(tmp_path)
    res = doc["resource"]
    (tag,) = res["aws_lakeformation_lf_tag"].values()
    assert (tag["key"], tag["values"]) == ("channelkit-shop-classification", list(LEVELS))
    assigned: dict[str, str] = {}
    for a in res["aws_lakeformation_resource_lf_tag"].values():
        (value,) = a["lf_tag"]
        if "table" in a:
            assigned["(table)"] = value["value"]
        else:
            for c in a["table_with_columns"][0]["column_names"]:
                assigned[c] = value["value"]
    assert assigned == {"(table)": "restricted", **{c.name: column_level(c) for c in STAFF.columns}}


def test_lake_named_queries_select_only_what_their_readers_see(tmp_path: Path) -> None:
    doc, _ = _lake_channel(tmp_path)
    queries = {q["name"]: q for q in doc["resource"]["aws_athena_named_query"].values()}
    assert set(queries) == {"staff_latest", "staff_latest_public", "staff_latest_confidential",
                            "staff_latest_restricted"}
    for name, level in [("staff_latest", "internal"), ("staff_latest_public", "public"),
                        ("staff_latest_confidential", "confidential"), ("staff_latest_restricted", "restricted")]:
        sql = queries[name]["query"]
        for c in STAFF.columns:
            assert (f'"{c.name}"' in sql) == (rank(column_level(c)) <= rank(level)), (name, c.name)


# ---------------------------------------------------------------------------------------------- the examples
def _examples(tmp_path: Path) -> dict[str, tuple[dict[str, Any], Channel]]:
    sys.path.insert(0, str(ROOT))
    from channelkit._cdk import cdk
    from stacks import build_app

    app = build_app(str(tmp_path / "org"))  # the Python teams and the YAML-declared one
    app.synth()
    channels = {c.stack.node.id: c for s in app.node.children for c in s.node.children if isinstance(c, Channel)}
    assert sorted(channels) == ["growth", "payments", "support"]
    out = {name: (json.loads((tmp_path / "org" / "stacks" / name / "cdk.tf.json").read_text()), channel)
           for name, channel in channels.items()}
    sys.path.insert(0, str(ROOT / "examples" / "aws"))
    import importlib

    aws_main = importlib.import_module("main")
    app = cdk.App(outdir=str(tmp_path / "aws"))
    aws_main.build(app)
    app.synth()
    doc = json.loads((tmp_path / "aws" / "stacks" / "orders-aws" / "cdk.tf.json").read_text())
    out["orders-aws"] = (doc, None)  # type: ignore[assignment]
    return out


def clearance_of(channel: Channel | None, member: str) -> str:
    """The clearance ``channel`` declares for the GCP ``member`` (``internal`` for a principal string)."""
    readers = channel.readers if channel is not None else ()
    return next((r.clearance for r in readers if isinstance(r, Reader) and r.gcp == member), "internal")


def test_no_example_reader_without_clearance_sees_restricted_or_pii_in_clear(tmp_path: Path) -> None:
    """The README example (payments) and every example stack, on both targets.

    A reader sees a pii or restricted column in clear only when the channel declares it cleared for the
    column's level (growth's leads are cleared for confidential data, so they see its pii emails).
    """
    examples = _examples(tmp_path)
    checked = 0
    for name, (doc, channel) in examples.items():
        res = doc["resource"]
        sensitive: set[str] = set()
        levels: dict[str, str] = {}  # the level a reader needs to see a sensitive column in clear
        if "aws_glue_catalog_table" in res:
            for t in res["aws_glue_catalog_table"].values():
                for c in t["storage_descriptor"]["columns"]:
                    p = c.get("parameters", {})
                    if p.get("pii") == "true" or p.get("classification") == "restricted":
                        sensitive.add(f"{t['name']}.{c['name']}")
            # channelkit's own service roles are not readers (as the BigQuery sink's service account below): the
            # data quality evaluation role reads the columns its rules check, and only those
            principals = {g["principal"] for g in res.get("aws_lakeformation_permissions", {}).values()
                          if not g["principal"].startswith("${aws_iam_role.")}
            for principal in principals:
                for table, cols in lake_visibility(doc, principal).items():
                    leaked = [c for c, v in cols.items() if v == "clear" and f"{table}.{c}" in sensitive]
                    assert not leaked, (name, principal, leaked)
                    checked += 1
        else:
            for t in res["google_bigquery_table"].values():
                if "view" in t:
                    continue
                for f in json.loads(t["schema"]):
                    d = f.get("description", "")
                    if "pii" in d.split("[")[-1] or "classification=restricted" in d:
                        key = f"{t['table_id'].removesuffix('_changes')}.{f['name']}"
                        sensitive.add(key)
                        levels[key] = "restricted" if "classification=restricted" in d else "confidential"
            members = {m["member"] for m in res.get("google_bigquery_dataset_iam_member", {}).values()
                       if m["role"] == "roles/bigquery.dataViewer" and not m["member"].startswith("serviceAccount:")}
            for member in members:
                clearance = clearance_of(channel, member)
                for table, cols in bigquery_visibility(doc, member).items():
                    leaked = [c for c, v in cols.items() if v == "clear" and f"{table}.{c}" in sensitive
                              and rank(levels[f"{table}.{c}"]) > rank(clearance)]
                    assert not leaked, (name, member, leaked)
                    checked += 1
        assert sensitive, f"{name}: the example declares sensitive columns"
    assert checked >= 10
