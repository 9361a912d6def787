"""One contract, both ways: the ODCS contract the catalog writes, read back by ``load_channels``, builds the channel.

The example org's three channels (two declared in Python, one in YAML) and the AWS example are synthesized,
their contracts read back into fresh apps, and the result compared with the original synthesis byte for byte
(the org's stacks as a whole; on AWS the channel's own resources, since its stack also holds the account's
audit baseline, which no channel contract describes). An edit of a standard ODCS field takes effect, and an
error in a contract points to the contract's own ``file:line:column``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import ROOT

from channelkit._cdk import cdk
from channelkit.constructs.errors import TableDefinitionError
from channelkit.selfservice import YamlSyntaxError, load_channels
from stacks import POLICY, build_app


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("org")
    build_app(str(out)).synth()
    return out


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("aws")
    subprocess.run([sys.executable, "main.py"], cwd=ROOT / "examples" / "aws", check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "CDKTF_OUTDIR": str(out),
                        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"})
    return out


def _read_back(contract: Path, out: Path, *, policy: bool) -> list[Any]:
    out.mkdir()
    app = cdk.App(outdir=str(out))
    if policy:
        POLICY.apply(app)
    channels = load_channels(app, contract)
    app.synth()
    return channels


@pytest.mark.parametrize("stack", ["growth", "payments", "support"])
def test_the_org_contracts_read_back_build_the_same_stacks(org: Path, tmp_path: Path, stack: str) -> None:
    contract = org / "catalog" / stack / f"{stack}.odcs.yaml"
    (channel,) = _read_back(contract, tmp_path / "out", policy=True)
    assert channel.node.path == f"{stack}/{stack}"
    got = (tmp_path / "out" / "stacks" / stack / "cdk.tf.json").read_bytes()
    assert got == (org / "stacks" / stack / "cdk.tf.json").read_bytes()
    assert (tmp_path / "out" / "catalog" / stack / f"{stack}.odcs.yaml").read_bytes() == contract.read_bytes()


def _channel_resources(path: Path, prefix: str) -> dict[str, Any]:
    doc = json.loads(path.read_text())
    return {f"{kind}.{t}.{lid}": body for kind in ("resource", "data") for t, group in doc.get(kind, {}).items()
            for lid, body in group.items() if body["//"]["metadata"]["path"].startswith(prefix)}


def test_the_aws_contract_reads_back_the_same_channel(aws: Path, tmp_path: Path) -> None:
    _read_back(aws / "catalog" / "orders-aws" / "orders.odcs.yaml", tmp_path / "out", policy=False)
    want = _channel_resources(aws / "stacks" / "orders-aws" / "cdk.tf.json", "orders-aws/orders/")
    got = _channel_resources(tmp_path / "out" / "stacks" / "orders-aws" / "cdk.tf.json", "orders-aws/orders/")
    assert len(want) > 50 and got == want
    provider = json.loads((tmp_path / "out" / "stacks" / "orders-aws" / "cdk.tf.json").read_text())["provider"]
    assert provider["aws"][0]["default_tags"] == [{"tags": {"managed-by": "channelkit"}}]  # the stack's settings


def test_an_edit_of_a_standard_field_takes_effect_and_errors_point_into_the_contract(
    org: Path, tmp_path: Path,
) -> None:
    text = (org / "catalog" / "support" / "support.odcs.yaml").read_text()
    lines = text.splitlines(keepends=True)
    # the ticket's subject becomes confidential: an ODCS property's own classification
    at = next(i for i, line in enumerate(lines) if line.strip() == "- name: subject")
    cls = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("classification:"))
    edited = tmp_path / "edited.odcs.yaml"
    edited.write_text("".join([*lines[:cls], lines[cls].replace("internal", "confidential"), *lines[cls + 1:]]))
    (channel,) = _read_back(edited, tmp_path / "out", policy=True)
    subject = channel.tables[0].column("subject")
    assert subject is not None and subject.classification == "confidential"
    tables = json.loads((tmp_path / "out" / "stacks" / "support" / "cdk.tf.json").read_text())["resource"][
        "google_bigquery_table"].values()
    (tickets,) = [t for t in tables if t["table_id"] == "tickets_changes"]
    schema = json.loads(tickets["schema"])
    (field,) = [f for f in schema if f["name"] == "subject"]
    assert "policyTags" in field  # now protected: masked for the internal readers
    before = json.loads((org / "stacks" / "support" / "cdk.tf.json").read_text())["resource"]["google_bigquery_table"]
    (original,) = [t for t in before.values() if t["table_id"] == "tickets_changes"]
    assert "policyTags" not in next(f for f in json.loads(original["schema"]) if f["name"] == "subject")

    bad = tmp_path / "bad.odcs.yaml"
    bad.write_text("".join([*lines[:cls], lines[cls].replace("internal", "secret"), *lines[cls + 1:]]))
    with pytest.raises(TableDefinitionError) as excinfo:
        _read_back(bad, tmp_path / "bad-out", policy=True)
    (problem,) = excinfo.value.problems
    column = lines[cls].index("classification:") + len("classification: ") + 1
    assert problem.location == f"{bad}:{cls + 1}:{column}"
    assert problem.field == "tables[tickets].columns[subject].classification"


def test_a_contract_not_written_by_channelkit_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.odcs.yaml"
    other.write_text("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\n")
    with pytest.raises(YamlSyntaxError, match="needs its customProperties 'channelkit'"):
        load_channels(cdk.App(outdir=str(tmp_path)), other)
