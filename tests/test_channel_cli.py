"""``channelkit synth`` runs the app and prints a per-channel summary; app errors stay one message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from channel_helpers import ROOT
from click.testing import CliRunner

from channelkit.cli import main


def test_synth_prints_each_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["synth", "--app", f"{sys.executable} main.py", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "== payments/payments: " in text and "== support/support: " in text
    assert "topics (8): payments-dlq, payments.payments.accounts" in text
    assert "connectors (2): payments-sink, payments-source" in text
    assert "User:connect-source Write Topic payments.*" in text
    assert "User:connect-sink Read Topic payments.payments.customers" in text
    assert "user:auditor@acme.example roles/bigquery.dataViewer (until 2030-06-30T00:00:00Z)" in text
    assert (out / "stacks" / "support" / "cdk.tf.json").is_file()
    assert f"catalog: {out / 'catalog' / 'index.html'} " in text  # written by the app's own synth


def test_synth_reports_the_apps_error_without_a_traceback(tmp_path: Path) -> None:
    app = tmp_path / "bad_app.py"
    app.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from channel_helpers import channel_kwargs, new_stack\n"
        "from pathlib import Path\n"
        "from channelkit.patterns import Channel\n"
        "app, stack = new_stack(Path(sys.argv[1]))\n"
        "Channel(stack, 'shop', **channel_kwargs(tables=[]))\n"
    )
    result = CliRunner().invoke(main, ["synth", "--app", f"{sys.executable} {app} {tmp_path}",
                                       "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "TableDefinitionError: invalid tables at s/shop (1 problem):" in result.output
    assert "s/shop: tables = []: at least one Table" in result.output
    assert "Traceback" not in result.output and 'File "' not in result.output
