"""Generated modules type-check, and the cdktn (CDK Terrain) drop-in works through the single import point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def test_generated_edge_and_bundled_bindings_pass_mypy(edge_dir: Path) -> None:
    env = dict(os.environ, MYPYPATH=str(edge_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental", "-p", "edge",
         "-p", "channelkit.providers"],
        capture_output=True, text=True, env=env, cwd=edge_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success" in proc.stdout


def test_a_typed_user_program_is_checked(edge_dir: Path, tmp_path: Path) -> None:
    """mypy catches a missing required argument and a wrong type in user code."""
    program = tmp_path / "user.py"
    program.write_text(
        "from channelkit._cdk import cdk\n"
        "from channelkit.providers.kafka import Topic\n"
        "stack = cdk.TerraformStack(cdk.App(), 's')\n"
        "Topic(stack, 't', name='x', partitions='three')\n"
    )
    proc = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", str(program)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'Missing named argument "replication_factor"' in proc.stdout
    assert 'Argument "partitions" to "Topic" has incompatible type "str"' in proc.stdout


def test_cdktn_works_as_a_drop_in(tmp_path: Path) -> None:
    pytest.importorskip("cdktn")
    script = (
        "import json, sys\n"
        "from channelkit._cdk import cdk, CDK_NAME\n"
        "from channelkit.providers.kafka import KafkaProvider, Topic\n"
        f"app = cdk.App(outdir={str(tmp_path)!r})\n"
        "st = cdk.TerraformStack(app, 's')\n"
        "KafkaProvider(st, 'kafka', bootstrap_servers=['b:9092'])\n"
        "t = Topic(st, 't', name='a', partitions=1, replication_factor=1)\n"
        "Topic(st, 'u', name=t.name, partitions=1, replication_factor=1)\n"
        "app.synth()\n"
        "print(CDK_NAME, type(app).__module__.split('.')[0])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, CHANNELKIT_CDK="cdktn"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["cdktn", "cdktn"]
    doc = json.loads((tmp_path / "stacks" / "s" / "cdk.tf.json").read_text())
    assert doc["resource"]["kafka_topic"]["u"]["name"] == "${kafka_topic.t.name}"


def test_cdk_import_lives_in_one_module() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "_cdk.py"
        and any(line.startswith(("import cdktf", "from cdktf", "import cdktn", "from cdktn"))
                for line in p.read_text().splitlines())
    ]
    assert offenders == []
