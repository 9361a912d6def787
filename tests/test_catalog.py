"""Issue 10, part 3: every channel gets a catalog entry when the app synthesizes.

What runs for real: ``python main.py`` of the example organisation and of ``examples/aws``, and the README's
example as written, each a plain ``app.synth()``; their catalogs are read back from ``<outdir>/catalog``. What is
validated only: every ODCS contract against the official ODCS v3.1.0 JSON Schema (bundled,
``channelkit/schemas/odcs``), every OpenLineage event against the OpenLineage 2-0-2 schema and each facet against
its own schema (bundled in ``tests/fixtures/openlineage``), with ``jsonschema``. The page itself is opened in
Chromium by ``test_catalog_chromium.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from channel_helpers import channel_kwargs, new_stack, orders
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from channelkit.catalog import CATALOG_DIR, Lineage, catalog_channels, contract_errors, write_catalog
from channelkit.constructs.errors import ConstructPropsError
from channelkit.patterns import Channel, Column, Reader, Table

ROOT = Path(__file__).resolve().parents[1]
OPENLINEAGE = Path(__file__).parent / "fixtures" / "openlineage"
_SWITCHES = ("CHANNELKIT_AWS_ENDPOINT", "CHANNELKIT_AWS_EMULATOR", "CHANNELKIT_PROTECT")


def _run(cwd: Path, out: Path, code: str | None = None) -> Path:
    env = {k: v for k, v in os.environ.items() if k not in _SWITCHES}
    env["CDKTF_OUTDIR"] = str(out)
    args = [sys.executable, "-c", code] if code else [sys.executable, "main.py"]
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / CATALOG_DIR


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(ROOT, tmp_path_factory.mktemp("org") / "out")


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(ROOT / "examples" / "aws", tmp_path_factory.mktemp("aws") / "out")


@pytest.fixture(scope="module")
def readme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (code,) = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    tmp = tmp_path_factory.mktemp("readme")
    return _run(tmp, tmp / "cdktf.out", code)


def _contracts(catalog: Path) -> dict[str, dict[str, Any]]:
    return {p.relative_to(catalog).as_posix(): yaml.safe_load(p.read_text()) for p in catalog.glob("*/*.odcs.yaml")}


# -- a plain app.synth() writes the catalog --------------------------------------------------------------------
def test_plain_synth_writes_a_contract_lineage_and_the_page(org: Path, aws: Path, readme: Path) -> None:
    assert sorted(p.relative_to(org).as_posix() for p in org.rglob("*") if p.is_file()) == [
        "growth/growth.odcs.yaml", "growth/growth.openlineage.json", "index.html",
        "payments/payments.odcs.yaml", "payments/payments.openlineage.json",
        "support/support.odcs.yaml", "support/support.openlineage.json"]
    assert (aws / "orders-aws" / "orders.odcs.yaml").is_file() and (aws / "index.html").is_file()
    assert (readme / "payments" / "payments.odcs.yaml").is_file() and (readme / "index.html").is_file()


def test_the_catalog_is_written_by_app_synth_in_process(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    Channel(stack, "shop", **channel_kwargs())
    Channel(stack, "crm", **channel_kwargs(source=channel_kwargs()["source"].__class__(host="db2", database="crm")))
    index = tmp_path / "out" / CATALOG_DIR / "index.html"
    assert not index.exists()  # written at synth, not at construction
    app.synth()
    assert index.is_file() and (tmp_path / "out" / CATALOG_DIR / "s" / "crm.odcs.yaml").is_file()
    assert [c.channel_name for c in catalog_channels(app)] == ["shop", "crm"]  # one hook, every channel


def test_readers_granted_after_construction_are_in_the_contract(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import yaml

    app, stack = new_stack(tmp_path)
    channel = Channel(stack, "shop", **channel_kwargs())
    until = datetime(2031, 1, 1, tzinfo=UTC)
    channel.grant_read("user:late@example.com", expires=until)
    app.synth()
    contract = yaml.safe_load((tmp_path / "out" / CATALOG_DIR / "s" / "shop.odcs.yaml").read_text())
    (role,) = [r for r in contract["roles"] if r["role"] == "user:late@example.com"]
    custom = {p["property"]: p["value"] for p in role["customProperties"]}
    assert custom == {"system": "gcp", "clearance": "internal", "expires": until.isoformat()}


def test_skip_validation_skips_the_hook_and_write_catalog_writes_it(tmp_path: Path) -> None:
    from channelkit._cdk import cdk

    app = cdk.App(outdir=str(tmp_path / "out"), skip_validation=True)
    channel = Channel(cdk.TerraformStack(app, "s"), "shop", **channel_kwargs())
    app.synth()
    assert not (tmp_path / "out" / CATALOG_DIR).exists()  # cdktf runs no validation at all: documented
    index = write_catalog(tmp_path / "out", [channel])
    assert index == tmp_path / "out" / CATALOG_DIR / "index.html" and index.is_file()


# -- ODCS -------------------------------------------------------------------------------------------------------
def test_every_contract_validates_against_the_official_odcs_schema(org: Path, aws: Path, readme: Path) -> None:
    contracts = {**_contracts(org), **{f"aws:{k}": v for k, v in _contracts(aws).items()},
                 **{f"readme:{k}": v for k, v in _contracts(readme).items()}}
    assert len(contracts) == 5  # growth (YAML), payments, support, orders-aws, the README's payments
    assert {name: contract_errors(doc) for name, doc in contracts.items()} == {name: [] for name in contracts}


def test_the_schema_check_can_fail() -> None:
    errors = contract_errors({"apiVersion": "v3.1.0", "kind": "DataContract", "id": "x", "version": "1",
                              "status": "active", "schema": [{"name": "t", "properties": [{"name": "c",
                                                                                             "logicalType": "int"}]}]})
    assert len(errors) == 1 and "/schema/0/properties/0" in errors[0]


def test_contract_carries_owner_schema_classification_retention_servers_and_roles(org: Path) -> None:
    doc = _contracts(org)["payments/payments.odcs.yaml"]
    assert (doc["apiVersion"], doc["kind"], doc["version"], doc["status"]) == ("v3.1.0", "DataContract", "1.0.0",
                                                                               "active")
    assert doc["team"] == {"name": "payments", "members": [{"username": "payments-data@acme.example",
                                                             "role": "owner"}]}
    customers = next(o for o in doc["schema"] if o["name"] == "customers")
    email = next(p for p in customers["properties"] if p["name"] == "email")
    assert (email["physicalType"], email["logicalType"], email["classification"], email["tags"]) == (
        "STRING", "string", "confidential", ["pii"])
    custom = {c["property"]: c["value"] for c in email["customProperties"]}
    assert custom["masking"] == "sha256"
    assert custom["visibility"] == {"public": "sha256", "internal": "sha256", "confidential": "clear",
                                    "restricted": "clear"}
    key = customers["properties"][0]
    assert (key["name"], key["primaryKey"], key["primaryKeyPosition"]) == ("id", True, 1)
    ledger = next(o for o in doc["schema"] if o["name"] == "ledger_entries")
    assert [(p["name"], p["primaryKeyPosition"]) for p in ledger["properties"] if p.get("primaryKey")] == [
        ("account_id", 1), ("entry_no", 2)]
    kafka_sla, history_sla = doc["slaProperties"]
    assert (kafka_sla["property"], kafka_sla["value"], kafka_sla["unit"]) == ("retention", 14, "d")
    assert history_sla["value"] is None and "no expiry" in history_sla["description"]
    assert [s["type"] for s in doc["servers"]] == ["mysql", "kafka", "bigquery"]
    roles = {r["role"]: {c["property"]: c["value"] for c in r["customProperties"]} for r in doc["roles"]}
    assert roles["user:auditor@acme.example"]["expires"] == "2030-06-30T00:00:00+00:00"
    assert roles["User:finance-analytics"]["clearance"] == "restricted"
    custom = {c["property"]: c["value"] for c in doc["customProperties"]}
    assert custom["region"] == "EU"
    assert custom["cdc"]["sourceConnector"] == "payments-source" and custom["cdc"]["snapshotMode"] == "initial"
    assert {t["topic"] for t in custom["topics"]} >= {"payments.payments.customers"}


def test_postgres_and_lake_contracts_name_their_own_servers(org: Path, aws: Path) -> None:
    support = _contracts(org)["support/support.odcs.yaml"]
    source = support["servers"][0]
    assert (source["type"], source["schema"]) == ("postgresql", "public")
    cdc = {c["property"]: c["value"] for c in support["customProperties"]}["cdc"]
    assert cdc["slotName"] and cdc["publicationName"] == "ck_support"
    lake = _contracts(aws)["orders-aws/orders.odcs.yaml"]
    assert [s["type"] for s in lake["servers"]] == ["mysql", "kafka", "s3", "glue", "athena"]
    orders_ = next(o for o in lake["schema"] if o["name"] == "customers")
    email = next(p for p in orders_["properties"] if p["name"] == "email")
    shown = {c["property"]: c["value"] for c in email["customProperties"]}["visibility"]
    assert shown["internal"] == "hidden"  # the lake cannot mask: the column is left out
    assert {c["property"]: c["value"] for c in email["customProperties"]}["masking"] == "hidden"


def test_visibility_in_the_catalog_is_the_warehouses_own(tmp_path: Path) -> None:
    from channelkit.catalog.build import channel_entry

    app, stack = new_stack(tmp_path)
    channel = Channel(stack, "shop", **channel_kwargs(readers=[Reader(gcp="user:a@example.com", clearance="public")]))
    entry = channel_entry(channel)
    table = channel.tables[0]
    for clearance in ("public", "internal", "confidential", "restricted"):
        expected = channel.warehouse_deployment.visibility(table, clearance)
        assert {c.name: c.shown[clearance] for c in entry.tables[0].columns} == expected


# -- OpenLineage ------------------------------------------------------------------------------------------------
def _registry() -> Registry:
    resources = [json.loads(p.read_text()) for p in [OPENLINEAGE / "OpenLineage.json",
                                                       *sorted((OPENLINEAGE / "facets").glob("*.json"))]]
    return Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in resources)


def _facet_errors(registry: Registry, facet: dict[str, Any]) -> list[str]:
    url = facet["_schemaURL"]
    validator = Draft202012Validator({"$ref": url}, registry=registry)
    return [e.message for e in validator.iter_errors(facet)]


def test_openlineage_events_validate_against_the_spec_and_their_facets(org: Path, aws: Path) -> None:
    registry = _registry()
    core = Draft202012Validator(json.loads((OPENLINEAGE / "OpenLineage.json").read_text()), registry=registry)
    files = [*org.glob("*/*.openlineage.json"), *aws.glob("*/*.openlineage.json")]
    assert len(files) == 4
    for path in files:
        for event in json.loads(path.read_text()):
            assert [e.message for e in core.iter_errors(event)] == [], path
            facets = (event.get("dataset") or event["job"])["facets"]
            for name, facet in facets.items():
                assert _facet_errors(registry, facet) == [], (path, name)


def test_openlineage_events_chain_source_topic_table_view_by_column(org: Path) -> None:
    found = json.loads((org / "payments" / "payments.openlineage.json").read_text())
    datasets = {e["dataset"]["name"]: e["dataset"] for e in found if "dataset" in e}
    jobs = {e["job"]["name"]: e for e in found if "job" in e}
    assert set(jobs) == {"payments-source", "payments-sink"}
    assert jobs["payments-source"]["job"]["facets"]["jobType"]["integration"] == "DEBEZIUM"
    view = datasets["acme-warehouse.payments.customers"]
    (upstream,) = view["facets"]["columnLineage"]["fields"]["email"]["inputFields"]
    assert upstream["name"] == "acme-warehouse.payments.customers_changes"
    table = datasets[upstream["name"]]
    (topic,) = table["facets"]["columnLineage"]["fields"]["email"]["inputFields"]
    assert (topic["namespace"], topic["name"]) == ("kafka://kafka-0.data.internal:9093", "payments.payments.customers")
    (source,) = datasets[topic["name"]]["facets"]["columnLineage"]["fields"]["email"]["inputFields"]
    assert (source["namespace"], source["name"]) == ("mysql://payments-db.internal:3306", "payments.customers")
    assert "columnLineage" not in datasets[source["name"]]["facets"]
    tags = datasets[source["name"]]["facets"]["tags"]["tags"]
    assert {"key": "pii", "value": "true", "source": "CHANNELKIT", "field": "email"} in tags
    assert {"key": "classification", "value": "confidential", "source": "CHANNELKIT", "field": "email"} in tags
    assert datasets[source["name"]]["facets"]["ownership"]["owners"][0] == {"name": "team:payments", "type": "OWNER"}


# -- the page ---------------------------------------------------------------------------------------------------
def test_the_page_escapes_user_text_and_loads_nothing(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    table = Table("orders", primary_key=["id"], description=evil, columns=[
        Column(name="id", type="int64", description=evil), *orders().columns[1:]])
    Channel(stack, "shop", **channel_kwargs(tables=[table]))
    app.synth()
    page = (tmp_path / "out" / CATALOG_DIR / "index.html").read_text()
    assert evil not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in page
    assert page.count("<script>") == 1  # the page's own script only
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from the network


# -- props: version and lineage ---------------------------------------------------------------------------------
def test_lineage_adds_debeziums_openlineage_keys(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    channel = Channel(stack, "shop", **channel_kwargs(
        lineage=Lineage(namespace="cdc.prod", config_file="/etc/connect/openlineage.yml", tags={"env": "prod"}),
        version="2.1.0"))
    config = channel.debezium_config()
    assert {k: v for k, v in config.items() if k.startswith("openlineage.")} == {
        "openlineage.integration.enabled": "true",
        "openlineage.integration.config.file.path": "/etc/connect/openlineage.yml",
        "openlineage.integration.job.namespace": "cdc.prod",
        "openlineage.integration.job.description": "CDC of mysql database shop (channelkit channel shop)",
        "openlineage.integration.job.tags": "channel=shop,classification=confidential,env=prod",
        "openlineage.integration.job.owners": "team=team-a,email=a@example.com",
    }
    off = Channel(stack, "other", **channel_kwargs(source=channel_kwargs()["source"].__class__(host="d2",
                                                                                                database="o")))
    assert not any(k.startswith("openlineage.") for k in off.debezium_config())
    app.synth()
    contract = yaml.safe_load((tmp_path / "out" / CATALOG_DIR / "s" / "shop.odcs.yaml").read_text())
    assert contract["version"] == "2.1.0"
    lineage = json.loads((tmp_path / "out" / CATALOG_DIR / "s" / "shop.openlineage.json").read_text())
    assert {e["job"]["namespace"] for e in lineage if "job" in e} == {"cdc.prod"}


def test_bad_version_and_lineage_props_are_one_typed_error(tmp_path: Path) -> None:
    app, stack = new_stack(tmp_path)
    with pytest.raises(ConstructPropsError) as err:
        Channel(stack, "shop", **channel_kwargs(version="v1", lineage=Lineage(namespace="a b", tags={"k": "a,b"})))
    fields = {p.field for p in err.value.problems}
    assert {"version", "lineage.namespace", "lineage.tags[k]"} <= fields
    with pytest.raises(ConstructPropsError) as err:
        Channel(stack, "shop", **channel_kwargs(lineage="on"))
    assert [p.field for p in err.value.problems] == ["lineage"]
