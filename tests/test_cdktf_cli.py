"""`cdktf synth` (the npm cdktf-cli that data engineers run) synthesizes the example app, which then validates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from channelkit.validate import validate_output

ROOT = Path(__file__).resolve().parents[1]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"


def test_cdktf_synth_of_the_example_org(tmp_path: Path) -> None:
    assert CDKTF.exists(), "cdktf-cli is missing: run scripts/setup.sh (npm ci)"
    out = tmp_path / "cdktf.out"
    env = dict(os.environ, CHECKPOINT_DISABLE="1", CI="1", DISABLE_VERSION_CHECK="1")
    proc = subprocess.run([str(CDKTF), "synth", "--output", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert sorted(p.name for p in (out / "stacks").iterdir()) == ["growth", "payments", "platform", "support"]
    report = validate_output(out, run_terraform=False)
    assert report.ok, report.lines()
