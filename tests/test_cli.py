"""The command line: help, generate, validate, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import EDGE_SCHEMA

from channelkit.cli import main


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("generate", "validate"):
        assert command in result.output


def test_generate_writes_bindings(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["generate", "--schema", str(EDGE_SCHEMA), "--provider", "example/edge", "--resources", "edge_link",
         "--data-sources", "", "--version", "1.2.3", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "example/edge: 1 resources, 0 data sources -> 3 written" in result.output
    assert sorted(p.name for p in (tmp_path / "edge").glob("*.py")) == ["__init__.py", "link.py", "provider.py"]


def test_library_errors_are_one_message_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(main, ["generate", "--schema", str(bad), "--provider", "x/y", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot read schema")
    assert "Traceback" not in result.output


def test_validate_reports_findings_and_exits_1(tmp_path: Path) -> None:
    stack = tmp_path / "stacks" / "s"
    stack.mkdir(parents=True)
    doc = {
        "terraform": {"required_providers": {"kafka": {"source": "mongey/kafka"}}},
        "resource": {"kafka_topic": {"t": {"name": "a", "partitions": 1}}},
    }
    (stack / "cdk.tf.json").write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--no-terraform"])
    assert result.exit_code == 1
    assert "s → kafka_topic.t → replication_factor: required attribute is missing" in result.output


def test_validate_without_output_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no synthesized stacks" in result.output
