"""``channelkit review``: each review case of issue 11 asserts the report's classification and the exit code.

Base and head are real synthesized outputs: small channels (tests/channel_helpers.py) synthesized in
process into two directories, then reviewed through the real ``channelkit review`` command (click's
``CliRunner``), JSON format. Everything here is offline: replacements are *predicted* from the bundled
provider schemas and ``review/rules.json``. The policy-violation case synthesizes its head under a real
``DataPolicy`` in report mode (``CHANNELKIT_POLICY_REPORT``, as the review does for git revisions), which
writes ``channelkit-policy.json`` instead of raising. Real plans are reviewed in tests/test_review_moto.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import CONNECT, SOURCE_CREDENTIALS, WAREHOUSE, channel_kwargs, orders
from click.testing import CliRunner, Result

from channelkit._cdk import cdk
from channelkit.cli import main
from channelkit.patterns import BigQuery, Channel, ClientCredentials, Column, ConnectCluster, Reader, Table
from channelkit.review import PolicyViolation, write_policy_file

CUSTOMERS = Table("customers", primary_key=["id"], columns=[
    Column(name="id", type="int64"),
    Column(name="name", type="string"),
])


def synth(tmp_path: Path, name: str, *, rename_source: str | None = None, **overrides: Any) -> Path:
    """Synthesize one channel ``shop`` in stack ``s`` into ``tmp_path/name``."""
    app = cdk.App(outdir=str(tmp_path / name))
    stack = cdk.TerraformStack(app, "s")
    ch = Channel(stack, "shop", **channel_kwargs(**overrides))
    if rename_source is not None:  # cdktf's escape hatch: the same resource, another connector name
        ch.source_connector.add_override("name", rename_source)
        ch.source_connector.add_override("config.name", rename_source)
    app.synth()
    return tmp_path / name


def run(base: Path | str, head: Path | str, *args: str, env: dict[str, str] | None = None) -> tuple[Result, Any]:
    """``channelkit review --format json``; (result, parsed report or None)."""
    result = CliRunner().invoke(main, ["review", "--base", str(base), "--head", str(head), "--format", "json", *args],
                                env=env)
    assert "Traceback" not in result.output, result.output
    try:
        return result, json.loads(result.stdout)
    except ValueError:
        return result, None


def channel(report: dict[str, Any], key: str = "shop") -> dict[str, Any]:
    return next(c for c in report["channels"] if c["channel"] == key)


def codes(report: dict[str, Any]) -> list[str]:
    return sorted(b["code"] for c in report["channels"] for b in c["blockers"])


def resource(report: dict[str, Any], rtype: str, fragment: str = "") -> dict[str, Any]:
    return next(r for c in report["channels"] for r in c["resources"]
                if r["type"] == rtype and fragment in r["address"])


def test_identical_outputs_are_clean(tmp_path: Path) -> None:
    base = synth(tmp_path, "base")
    result, report = run(base, base)
    assert result.exit_code == 0
    assert report["channels"][0]["status"] == "unchanged"
    assert codes(report) == [] and report["summary"].startswith("channelkit review: no blockers")


def test_add_a_table(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base"), synth(tmp_path, "head", tables=[orders(), CUSTOMERS]))
    assert result.exit_code == 0, result.output
    shop = channel(report)
    assert shop["tables_added"] == ["customers"] and shop["tables_removed"] == []
    created = {(r["kind"], r["type"]) for r in shop["resources"] if r["action"] == "create"}
    assert {("topic", "kafka_topic"), ("table", "google_bigquery_table"), ("view", "google_bigquery_table"),
            ("acl", "kafka_acl")} <= created
    assert {r["action"] for r in shop["resources"]} == {"create", "update"}  # the connectors learn the table
    assert codes(report) == []


def test_remove_a_table_is_blocked(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base", tables=[orders(), CUSTOMERS]), synth(tmp_path, "head"))
    assert result.exit_code == 2
    shop = channel(report)
    assert shop["tables_removed"] == ["customers"]
    assert codes(report) == ["delete-data", "delete-data", "table-removed"]
    deleted = {b["address"].split(".")[0] for b in shop["blockers"] if b["code"] == "delete-data"}
    assert deleted == {"kafka_topic", "google_bigquery_table"}  # the change-log table; the view holds no rows
    assert resource(report, "google_bigquery_table", "View-customers")["data_bearing"] is False


def test_lower_partitions_is_blocked_with_the_replacement_predicted(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base", partitions=3), synth(tmp_path, "head", partitions=2))
    assert result.exit_code == 2
    topic = resource(report, "kafka_topic", "Topic-orders")
    assert topic["action"] == "replace" and topic["basis"] == "predicted"
    (why,) = topic["replacements"]
    assert (why["attribute"], why["rule"]) == ("partitions", "decreased")
    assert "Mongey/terraform-provider-kafka@v0.13.1" in why["source"]
    assert codes(report) == ["replace-data"]


def test_raise_partitions_is_an_update(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base", partitions=3), synth(tmp_path, "head", partitions=6))
    assert result.exit_code == 0
    assert resource(report, "kafka_topic", "Topic-orders")["action"] == "update"


def test_rename_a_connector_is_blocked(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base"), synth(tmp_path, "head", rename_source="shop-cdc"))
    assert result.exit_code == 2
    connector = resource(report, "kafka-connect_connector", "Source")
    assert connector["action"] == "replace"
    assert [(r["attribute"], r["rule"]) for r in connector["replacements"]] == [("name", "force_new")]
    (blocker,) = channel(report)["blockers"]
    assert blocker["code"] == "connector-restart" and "shop-source" in blocker["message"]
    assert "shop-cdc" in blocker["message"]


def _amount(type_: str) -> list[Table]:
    return [Table("orders", primary_key=["id"], columns=[Column(name="id", type="int64"),
                                                         Column(name="amount", type=type_)])]


def test_change_a_column_type_compatibly(tmp_path: Path) -> None:
    base = synth(tmp_path, "base", tables=_amount("decimal(10,2)"))
    result, report = run(base, synth(tmp_path, "head", tables=_amount("decimal(12,2)")))
    assert result.exit_code == 0, result.output
    table = resource(report, "google_bigquery_table", "Table-orders")
    assert table["action"] == "update" and table["replacements"] == []
    assert table["columns"] == ["column amount: NUMERIC(10, 2) -> NUMERIC(12, 2) (widened)"]


def test_change_a_column_type_incompatibly_is_blocked(tmp_path: Path) -> None:
    base = synth(tmp_path, "base", tables=_amount("int64"))
    result, report = run(base, synth(tmp_path, "head", tables=_amount("string")))
    assert result.exit_code == 2
    table = resource(report, "google_bigquery_table", "Table-orders")
    assert table["action"] == "replace"
    (why,) = table["replacements"]
    assert why["rule"] == "bigquery_schema" and "column amount type INT64 -> STRING" in why["description"]
    assert "resourceBigQueryTableSchemaCustomizeDiffFunc" in why["source"]
    assert "replace-data" in codes(report)


def test_narrow_and_drop_columns_in_place_are_blocked(tmp_path: Path) -> None:
    base = synth(tmp_path, "base", tables=[Table("orders", primary_key=["id"], columns=[
        Column(name="id", type="int64"), Column(name="amount", type="decimal(12,2)"),
        Column(name="note", type="string"),
    ])])
    head = synth(tmp_path, "head", tables=_amount("decimal(10,2)"))
    result, report = run(base, head)
    assert result.exit_code == 2
    table = resource(report, "google_bigquery_table", "Table-orders")
    assert table["action"] == "update"  # a top-level drop is in place for the provider: no replacement, still loss
    assert codes(report) == ["column-dropped", "column-narrowed"]


def test_add_a_reader_with_expiry(tmp_path: Path) -> None:
    until = datetime(2031, 1, 1, tzinfo=UTC)
    reader = Reader(gcp="group:analysts@example.com", clearance="confidential", expires=until)
    result, report = run(synth(tmp_path, "base"), synth(tmp_path, "head", readers=[reader]))
    assert result.exit_code == 0, result.output
    access = channel(report)["access"]
    assert {a["change"] for a in access} == {"added"}
    assert {a["principal"] for a in access} == {"group:analysts@example.com"}
    assert {a["expires"] for a in access} == {"2031-01-01T00:00:00Z"}
    viewer = next(a for a in access if a["permission"] == "roles/bigquery.dataViewer")
    assert viewer["clearance"] == ""
    fine = next(a for a in access if a["permission"] == "roles/datacatalog.categoryFineGrainedReader")
    assert fine["clearance"] == "confidential"
    assert codes(report) == []


@pytest.mark.parametrize(("base", "head", "attribute"), [
    ({"retention": timedelta(days=7)}, {"retention": timedelta(days=3)}, "config.retention.ms"),
    ({"warehouse": BigQuery(project="proj-test", location="EU", history_retention=timedelta(days=30))},
     {"warehouse": BigQuery(project="proj-test", location="EU", history_retention=timedelta(days=10))},
     "default_partition_expiration_ms"),
    ({"warehouse": WAREHOUSE},
     {"warehouse": BigQuery(project="proj-test", location="EU", history_retention=timedelta(days=400))},
     "default_partition_expiration_ms"),
], ids=["topic-retention", "bigquery-partition-expiry", "bigquery-kept-forever-then-expiring"])
def test_lower_retention_is_blocked(tmp_path: Path, base: dict[str, Any], head: dict[str, Any], attribute: str) -> None:
    result, report = run(synth(tmp_path, "base", **base), synth(tmp_path, "head", **head))
    assert result.exit_code == 2
    blockers = [b for c in report["channels"] for b in c["blockers"]]
    assert {b["code"] for b in blockers} == {"retention-decrease"}
    assert {b["attribute"] for b in blockers} == {attribute}


def test_longer_retention_is_clean(tmp_path: Path) -> None:
    result, report = run(synth(tmp_path, "base", retention=timedelta(days=3)),
                         synth(tmp_path, "head", retention=timedelta(days=7)))
    assert result.exit_code == 0 and codes(report) == []


def test_a_policy_violation_blocks_and_is_not_lifted_by_allow_data_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The head synthesized as a review does (report mode): its DataPolicy violations become blockers."""
    from channelkit.governance import DataPolicy

    base = synth(tmp_path, "base")
    head = tmp_path / "head"
    monkeypatch.setenv("CHANNELKIT_POLICY_REPORT", str(head))
    app = cdk.App(outdir=str(head))
    DataPolicy(name="acme policy").apply(app)
    stack = cdk.TerraformStack(app, "s")
    Channel(stack, "shop", **channel_kwargs(readers=[Reader(gcp="user:temp@partner.org")]))  # not raised
    app.synth()
    monkeypatch.delenv("CHANNELKIT_POLICY_REPORT")
    result, report = run(base, head, "--allow-data-loss", "not data loss")
    assert result.exit_code == 2
    shop = channel(report)
    assert sorted(v["rule"] for v in shop["policy_violations"]) == ["customer_key_from='confidential'",
                                                                   "who may read"]
    assert sorted((b["code"], b["overridable"]) for b in report["blockers"]) == [("policy", False), ("policy", False)]
    fields = sorted(v["field"] for v in shop["policy_violations"])
    assert fields == ["readers[0].expires", "warehouse.kms_key_name"]


def test_a_policy_file_written_by_hand_is_read_too(tmp_path: Path) -> None:
    base, head = synth(tmp_path, "base"), synth(tmp_path, "head")
    violation = PolicyViolation(rule="pii-needs-expiry", message="a reader of PII columns must have an expiry",
                                path="s/shop", field="readers[0].expires", value=None,
                                allowed="a datetime at most 90 days ahead")
    write_policy_file(head, [("s", "shop", violation)])
    result, report = run(base, head)
    assert result.exit_code == 2
    assert [v["rule"] for v in channel(report)["policy_violations"]] == ["pii-needs-expiry"]


def test_allow_data_loss_records_who_what_and_why(tmp_path: Path) -> None:
    base, head = synth(tmp_path, "base", tables=[orders(), CUSTOMERS]), synth(tmp_path, "head")
    result, report = run(base, head, "--allow-data-loss", "customers moved to the crm channel",
                         env={"GITHUB_ACTOR": "octocat"})
    assert result.exit_code == 0, result.output
    override = report["override"]
    assert override["who"] == "octocat" and override["reason"] == "customers moved to the crm channel"
    assert len(override["blockers"]) == 3 and all(b.startswith("s/shop: ") for b in override["blockers"])
    assert report["blockers"] == [] and report["blocked"] is False
    markdown = CliRunner().invoke(main, ["review", "--base", str(base), "--head", str(head), "--allow-data-loss",
                                         "customers moved to the crm channel"], env={"GITHUB_ACTOR": "octocat"})
    assert markdown.exit_code == 0
    assert "**octocat** allowed 3 data-loss blockers" in markdown.stdout
    assert "3 blockers allowed by octocat" in markdown.stdout


def test_sensitive_values_are_redacted(tmp_path: Path) -> None:
    secret = "${file:/etc/connect/rotated.properties:source.keystore.password}"  # placeholders only, never secrets
    credentials = ClientCredentials(settings={**SOURCE_CREDENTIALS.settings, "ssl.keystore.password": secret})
    connect = ConnectCluster(name=CONNECT.name, url=CONNECT.url, principal=CONNECT.principal,
                             source_credentials=credentials)
    base, head = synth(tmp_path, "base"), synth(tmp_path, "head", connect=connect)
    result, report = run(base, head)
    assert result.exit_code == 0
    attrs = resource(report, "kafka-connect_connector", "Source")["attributes"]
    changed = [a for a in attrs if "keystore.password" in a["path"]]
    assert changed and all(a["sensitive"] and a["after"] == "(sensitive)" for a in changed)
    assert "rotated.properties" not in result.stdout
    markdown = CliRunner().invoke(main, ["review", "--base", str(base), "--head", str(head)])
    assert "rotated.properties" not in markdown.stdout and "(sensitive)" in markdown.stdout


def test_a_real_plan_decides_what_it_covers(tmp_path: Path) -> None:
    """A plan JSON (hand-written here, in `terraform show -json` form) wins over the prediction it covers."""
    base, head = synth(tmp_path, "base", partitions=3), synth(tmp_path, "head", partitions=2)
    doc = json.loads((head / "stacks" / "s" / "cdk.tf.json").read_text())
    topic = next(f"kafka_topic.{n}" for n in doc["resource"]["kafka_topic"] if "Topic-orders" in n)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": [
        {"address": topic, "mode": "managed", "type": "kafka_topic", "change": {"actions": ["no-op"]}},
    ]}))
    result, report = run(base, head, "--plan", str(plan))
    assert result.exit_code == 0
    assert report["plans"] == [{"file": str(plan), "stack": "s", "resources": 1}]
    assert all(r["address"] != topic for c in report["channels"] for r in c["resources"])
    plan.write_text(json.dumps({"resource_changes": [{
        "address": topic, "mode": "managed", "action_reason": "replace_because_cannot_update",
        "change": {"actions": ["delete", "create"], "replace_paths": [["partitions"]]}}]}))
    result, report = run(base, head, "--plan", f"s={plan}")
    assert result.exit_code == 2
    replaced = resource(report, "kafka_topic", "Topic-orders")
    assert replaced["basis"] == "plan" and replaced["plan_reason"] == "replace_because_cannot_update"
    assert [r["attribute"] for r in replaced["replacements"]] == ["partitions"]
    assert [b["basis"] for b in report["blockers"]] == ["plan"]


def test_git_revisions_are_synthesized_in_worktrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--base HEAD~1 --head HEAD``: each commit of a real git repository is checked out and its app run."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text(APP.format(tables="[ORDERS, CUSTOMERS]"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "two tables"], cwd=repo, check=True)
    (repo / "main.py").write_text(APP.format(tables="[ORDERS]"))
    subprocess.run([*git, "commit", "-qam", "drop customers"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["review", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
                                       "--app", f"{sys.executable} main.py"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["base"].startswith("HEAD~1 (") and report["head"].startswith("HEAD (")
    assert channel(report)["tables_removed"] == ["customers"]
    listed = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True, text=True, check=True)
    assert len(listed.stdout.strip().splitlines()) == 1  # the temporary worktrees are gone


HELPERS = str(Path(__file__).resolve().parent)
APP = '''
import sys
sys.path.insert(0, HELPERS)
from channel_helpers import channel_kwargs, orders
from channelkit._cdk import cdk
from channelkit.patterns import Channel, Column, Table

ORDERS = orders()
CUSTOMERS = Table("customers", primary_key=["id"], columns=[Column(name="id", type="int64")])
app = cdk.App()
Channel(cdk.TerraformStack(app, "s"), "shop", **channel_kwargs(tables={tables}))
app.synth()
'''.replace("HELPERS", repr(HELPERS))


# ------------------------------------------------------------------ errors: one line, exit 1, no traceback


def assert_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stderr.startswith("error: ") and fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_error_side_is_neither_directory_nor_revision(tmp_path: Path) -> None:
    result, _ = run(tmp_path / "missing", tmp_path / "missing")
    assert_error(result, "is neither an output directory nor a git revision")


def test_error_directory_is_not_an_output(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result, _ = run(tmp_path / "empty", tmp_path / "empty")
    assert_error(result, "is not a synthesized output directory")


def test_error_plan_is_not_a_plan(tmp_path: Path) -> None:
    base = synth(tmp_path, "base")
    (tmp_path / "plan.json").write_text("[]")
    result, _ = run(base, base, "--plan", str(tmp_path / "plan.json"))
    assert_error(result, "is not a JSON object")
    (tmp_path / "plan.json").write_text('{"resource_changes": [{"address": "x.y", "change": {"actions": ["create"]}}]}')
    result, _ = run(base, base, "--plan", str(tmp_path / "plan.json"))
    assert_error(result, "name the stack: --plan STACK=")


def test_error_allow_data_loss_needs_a_reason(tmp_path: Path) -> None:
    base = synth(tmp_path, "base")
    result, _ = run(base, base, "--allow-data-loss", " ")
    assert_error(result, "--allow-data-loss needs a reason")


def test_error_usage_exits_1_not_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", "--base", str(tmp_path)])
    assert result.exit_code == 1  # exit code 2 means "blocked"
    assert "Missing option '--head'" in result.stderr


def test_error_policy_file_malformed(tmp_path: Path) -> None:
    base = synth(tmp_path, "base")
    (base / "channelkit-policy.json").write_text('{"violations": [{"rule": "r"}]}')
    result, _ = run(base, base)
    assert_error(result, "violations[0] needs stack, channel, rule and message")
