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

#: (resource type, attribute) → why it may differ from the golden.
INTENDED: dict[tuple[str, str], str] = {
    ("aws_athena_named_query", "query"):
        "one latest-state SQL module: Athena queries order by source position, as BigQuery views do",
    ("aws_glue_catalog_table", "storage_descriptor"):
        "Glue tables carry the source position columns the latest-state query orders by",
    ("aws_iam_policy_document", "statement"):
        "grants cover the key: each bucket, workgroup and secret grant brings its own KMS statement",
    ("aws_iam_role", "description"): "the role describes the connector kind, not the sink product",
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
    drift += [f"resource {t}.{lid} is new" for t, lid in sorted(set(after) - set(before))]
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
