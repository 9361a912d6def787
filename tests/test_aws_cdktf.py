"""``cdktf deploy --auto-approve`` of ``examples/aws`` against moto, with cdktf-cli from npm (``node_modules``).

This is the path data engineers use. The ``example_deployment`` fixture of ``aws_fixtures`` runs, once
per session, in ``examples/aws`` with ``--output`` in a temporary directory (nothing is written into the
repository)::

    CHANNELKIT_AWS_ENDPOINT=<moto> CHANNELKIT_AWS_EMULATOR=1 CHANNELKIT_PROTECT=1 \\
    TF_CLI_CONFIG_FILE=<CLI config with the provider mirror> CDKTF_DISABLE_PLUGIN_CACHE_ENV=1 CI=1 \\
    cdktf deploy --auto-approve --skip-provider-lock --no-color --output <tmp>/cdktf.out

``--skip-provider-lock`` is needed offline: otherwise cdktf-cli runs ``terraform providers lock
-platform=linux_amd64``, which ignores the CLI config's ``filesystem_mirror`` and asks
registry.terraform.io. The same deployment is then re-planned, protected and torn down with terraform by
``test_aws_moto.py`` (one ~70 s apply serves both; the S3 lifecycle configuration alone takes ~55 s,
because the provider waits for consistent reads of it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aws_fixtures import ExampleDeployment

pytest_plugins = ["aws_fixtures"]  # one moto_server, one deployed example per session (see aws_fixtures)
pytestmark = [pytest.mark.terraform, pytest.mark.moto]

REPO_ROOT = Path(__file__).resolve().parents[1]
NODE_PTY = REPO_ROOT / "node_modules" / "@cdktf" / "node-pty-prebuilt-multiarch"


def test_node_pty_loads_from_its_bundled_prebuild() -> None:
    """cdktf-cli runs terraform through node-pty; its npm tarball ships prebuilt binaries (no install script)."""
    node = shutil.which("node")
    assert node and NODE_PTY.is_dir(), "cdktf-cli is missing: run scripts/setup.sh (npm ci)"
    script = ("const pty = require('./lib/index.js');"
              "const t = pty.spawn('echo', ['pty-ok'], {});"
              "let out = ''; t.onData(d => { out += d; });"
              "t.onExit(e => { process.stdout.write(out); process.exit(e.exitCode); });")
    proc = subprocess.run([node, "-e", script], cwd=NODE_PTY, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "pty-ok" in proc.stdout, proc.stderr[-2000:]


def test_cdktf_deploy_creates_the_example_in_moto(example_deployment: ExampleDeployment) -> None:
    deployed = example_deployment
    assert deployed.tool == "cdktf deploy", "cdktf-cli is missing: run scripts/setup.sh (npm ci)"
    assert deployed.returncode == 0, deployed.output[-4000:]
    assert re.search(r"Apply complete! Resources: \d+ added, 0 changed, 0 destroyed", deployed.output)
    before, after = deployed.moto_before, deployed.moto_after
    assert "acme-orders-cdc-example" in after["buckets"] - before["buckets"]
    assert "orders" not in before["glue_tables"]
    assert after["glue_tables"]["orders"] == {"customers", "orders"}
    assert "alias/channelkit/orders" in after["kms_aliases"] - before["kms_aliases"]
    assert "channelkit-orders" in after["workgroups"] - before["workgroups"]
    assert "channelkit/orders/db" in after["secrets"] - before["secrets"]
    assert (deployed.stack / "terraform.tfstate").is_file()  # the example's local backend, in the output dir


def test_cdktf_deploy_writes_nothing_into_the_repository(example_deployment: ExampleDeployment) -> None:
    assert example_deployment.example_files_after == example_deployment.example_files_before
    assert not example_deployment.stack.resolve().is_relative_to(REPO_ROOT)
