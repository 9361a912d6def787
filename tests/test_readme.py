"""The README's Channel example runs as written, and its error sample is what channelkit prints."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_channel_example_synthesizes(tmp_path: Path) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, CDKTF_OUTDIR=str(tmp_path / "cdktf.out")))
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((tmp_path / "cdktf.out" / "stacks" / "payments" / "cdk.tf.json").read_text())
    assert {"kafka_topic", "kafka-connect_connector", "google_bigquery_dataset", "mysql_user"} <= set(doc["resource"])


def test_readme_error_sample_is_real(tmp_path: Path) -> None:
    (sample,) = re.findall(r"```text\n(invalid channel props.*?)```", README, re.S)
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from pathlib import Path\n"
        "from channel_helpers import channel_kwargs, new_stack\n"
        "from channelkit.errors import ChannelkitError\n"
        "from channelkit.patterns import Channel\n"
        "app, stack = new_stack(Path(sys.argv[1]), 'payments')\n"
        "try:\n"
        "    Channel(stack, 'payments', **channel_kwargs(partitions=0, replication_factor=4))\n"
        "except ChannelkitError as e:\n"
        "    print(e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert proc.stdout.strip() == sample.strip(), proc.stdout + proc.stderr
