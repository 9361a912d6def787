"""Quality checks: props refused with one gathered error, rules as each engine reads them (synthesized only).

What runs for real: the checks' validation and the synthesized Dataplex rules and DQDL documents. The DQDL is
not evaluated here (moto has no Glue Data Quality); the rulesets are validated and planned by terraform in
``test_aws_moto.py``, the Dataplex scans validated with the bundled google provider rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import build, channel_kwargs, new_stack, resources, synth

from channelkit.constructs.errors import TableDefinitionError
from channelkit.patterns import Channel, Column, Table
from channelkit.quality import (
    AcceptedValues,
    Freshness,
    Matches,
    NotNull,
    Range,
    RowCondition,
    Unique,
    re2_problem,
)


def _table(*columns: Column, checks: tuple[Any, ...] = ()) -> Table:
    return Table("orders", primary_key=["id"], columns=[Column(name="id", type="int64"), *columns], checks=checks)


def _problems(tmp_path: Path, table: Table) -> list[tuple[str, Any]]:
    _, stack = new_stack(tmp_path)
    with pytest.raises(TableDefinitionError) as err:
        Channel(stack, "shop", **channel_kwargs(tables=[table]))
    return [(p.field, p.value) for p in err.value.problems]


def test_every_bad_check_is_reported_at_once(tmp_path: Path) -> None:
    table = _table(
        Column(name="total", type="DECIMAL(10,2)", checks=[Matches("[0-9]+"), Range(min="0")]),
        Column(name="code", type="VARCHAR(8)", checks=[Range(min=1), Matches("(?=a)b"), AcceptedValues('a"b')]),
        Column(name="day", type="DATE", checks=[Range(min=date(2024, 1, 1), max=date(2020, 1, 1))]),
        checks=(RowCondition("total > 0; DROP TABLE x"), Freshness(max_age=timedelta(seconds=5)),
                Freshness(max_age=timedelta(days=1), column="code"), NotNull()))
    fields = [f for f, _ in _problems(tmp_path, table)]
    assert fields == [
        "tables[orders].columns[total].checks[0]",          # regex on a number
        "tables[orders].columns[total].checks[1].min",      # a string bound on a number
        "tables[orders].columns[code].checks[0]",           # range on text
        "tables[orders].columns[code].checks[1].pattern",   # lookahead: not RE2
        "tables[orders].columns[code].checks[2].values[0]",  # a double quote ends the DQDL string
        "tables[orders].columns[day].checks[0].max",        # max < min
        "tables[orders].checks[0].sql",                     # a second statement
        "tables[orders].checks[1].max_age",                 # under a minute
        "tables[orders].checks[2]",                         # a second Freshness
        "tables[orders].checks[2].column",                  # not a date/time column
        "tables[orders].checks[3]",                         # a column check on the table
    ]


@pytest.mark.parametrize(("pattern", "ok"), [
    (r"[A-Z]{2}", True), (r"\d+(\.\d+)?", True), (r"[\(?=]", True), (r"a\\1", True),
    (r"(?=x)", False), (r"(?<!x)y", False), (r"(a)\1", False), (r"(?P<n>a)(?P=n)", False), (r"a*+", False),
    (r"(?>a)", False), (r"(", False),
])
def test_re2_refuses_python_only_constructs(pattern: str, ok: bool) -> None:
    assert (re2_problem(pattern) is None) is ok


def test_dataplex_rules_on_the_change_log_and_uniqueness_on_the_view(tmp_path: Path) -> None:
    table = _table(
        Column(name="email", type="VARCHAR(100)", checks=[Unique(), Matches(r"[^@]+@[^@]+")]),
        Column(name="rating", type="ENUM('G','PG')"),
        Column(name="total", type="DECIMAL(10,2)", checks=[Range(min=0, max=1000.5)]),
        Column(name="placed", type="TIMESTAMP", checks=[Range(min=datetime(2020, 1, 1, tzinfo=UTC))]),
        checks=(RowCondition("total >= 0", name="non-negative"), Freshness(max_age=timedelta(hours=2))))
    _, doc = build(tmp_path, tables=[table])
    (scan,) = resources(doc, "google_dataplex_datascan").values()
    assert scan["data"]["resource"].endswith("/datasets/shop/tables/orders_changes")
    assert scan["data_quality_spec"]["row_filter"] == "(__deleted IS NULL OR __deleted != 'true')"
    assert scan["execution_spec"]["trigger"]["schedule"]["cron"] == "0 3 * * *"
    rules = {r["name"]: r for r in scan["data_quality_spec"]["rules"]}
    assert "non_null_expectation" in rules["id-not-null"]                          # implied by the key
    assert rules["rating-accepted-values"]["set_expectation"]["values"] == ["G", "PG"]  # implied by the ENUM
    assert rules["email-unique"]["sql_assertion"]["sql_statement"] == (
        "SELECT `email` FROM `proj-test.shop.orders` WHERE `email` IS NOT NULL GROUP BY `email` HAVING COUNT(*) > 1")
    assert rules["email-matches"]["regex_expectation"]["regex"] == "^(?:[^@]+@[^@]+)$"
    assert rules["total-range"]["range_expectation"] == {"min_value": "0", "max_value": "1000.5"}
    assert rules["placed-range"]["range_expectation"]["min_value"] == "2020-01-01 00:00:00.000000 UTC"
    assert rules["non-negative"]["row_condition_expectation"]["sql_expression"] == "total >= 0"
    assert rules["freshness"]["table_condition_expectation"]["sql_expression"] == (
        "TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), TIMESTAMP_MILLIS(MAX(__source_ts_ms)), SECOND) <= 7200")


def test_user_text_never_becomes_a_terraform_expression(tmp_path: Path) -> None:
    table = _table(Column(name="code", type="VARCHAR(8)", checks=[AcceptedValues("${var.x}", "%{if}")]),
                   checks=(RowCondition("code != '${x}'"),))
    _, doc = build(tmp_path, tables=[table])
    (scan,) = resources(doc, "google_dataplex_datascan").values()
    rules = {r["name"]: r for r in scan["data_quality_spec"]["rules"]}
    assert rules["code-accepted-values"]["set_expectation"]["values"] == ["$${var.x}", "%%{if}"]
    assert rules["row-condition-1"]["row_condition_expectation"]["sql_expression"] == "code != '$${x}'"


def test_dlp_inspects_every_change_log_and_saves_findings_in_the_dataset(tmp_path: Path) -> None:
    _, doc = build(tmp_path)
    (template,) = resources(doc, "google_data_loss_prevention_inspect_template").values()
    assert template["parent"] == "projects/proj-test/locations/europe"
    assert template["inspect_config"]["include_quote"] is False
    (trigger,) = resources(doc, "google_data_loss_prevention_job_trigger").values()
    job = trigger["inspect_job"]
    assert job["storage_config"]["big_query_options"]["table_reference"]["table_id"] == "orders_changes"
    save = job["actions"][0]["save_findings"]["output_config"]["table"]
    assert (save["dataset_id"], save["table_id"]) == ("shop", "orders_dlp_findings")
    assert "publish_findings_to_dataplex_catalog" in job["actions"][1]
    assert "google_project_iam_audit_config" not in doc["resource"]  # audit is the platform's, never per channel


def test_a_second_audit_baseline_for_the_same_project_is_refused(tmp_path: Path) -> None:
    from channelkit._cdk import cdk
    from channelkit.constructs.audit import GcpAuditBaseline
    from channelkit.constructs.errors import CollisionError
    from channelkit.providers.google import GoogleProvider

    app, stack = new_stack(tmp_path)
    GoogleProvider(stack, "google", project="proj-test")
    GcpAuditBaseline(stack, "Audit", project="proj-test")
    other = cdk.TerraformStack(app, "other")
    GoogleProvider(other, "google", project="proj-test")
    with pytest.raises(CollisionError):
        GcpAuditBaseline(other, "Audit", project="proj-test")
    GcpAuditBaseline(other, "AuditOther", project="proj-other")
    doc = synth(app, tmp_path)
    (config,) = resources(doc, "google_project_iam_audit_config").values()
    assert [c["log_type"] for c in config["audit_log_config"]] == ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]
