"""Every CLI failure is one ``error: ...`` line and exit code 1; usage errors keep click's exit code 2.

One test per failure class, each through click's ``CliRunner`` (the real command functions, in process):
I/O, decoding, JSON, the shape of a document (``[]``/``null`` where an object is expected, a schema whose
``block`` is a list, a manifest without stack paths, a ``cdktf.json`` whose ``app`` is not a string), an
``--out`` under a regular file, ``--app`` quoting, a missing or failing subprocess (the app, terraform),
and bad ``generate`` arguments (``--key bad-key!`` writes nothing). The terraform case points
``CHANNELKIT_TERRAFORM`` at a path that does not exist; no test needs terraform, moto or the network.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from channelkit.cli import main

GOOD_SCHEMA = {"provider_schemas": {"registry.terraform.io/x/y": {
    "provider": {"block": {}},
    "resource_schemas": {"y_thing": {"block": {"attributes": {"name": {"type": "string", "required": True}}}}},
}}}


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``channelkit ARGS`` in process (stderr kept apart from stdout)."""
    return CliRunner().invoke(main, list(args), env=env)


def assert_one_error(result: Result, *fragments: str) -> None:
    """Exit code 1, exactly one ``error:`` line on stderr naming ``fragments``, and no traceback anywhere."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("error:")] == [lines[0]], result.stderr
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def generate(schema: Path, out: Path, *extra: str) -> Result:
    return invoke("generate", "--schema", str(schema), "--provider", "x/y", "--out", str(out), *extra)


# ------------------------------------------------------------------ generate


def test_generate_schema_not_utf8(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.json", b"\xff\xfe{}")
    assert_one_error(generate(schema, tmp_path / "out"), "cannot read schema", "not UTF-8")


def test_generate_schema_not_json(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.json", "{not json")
    assert_one_error(generate(schema, tmp_path / "out"), "cannot read schema", "not valid JSON")


@pytest.mark.parametrize("document", ["[]", "null", '"text"'])
def test_generate_schema_not_an_object(tmp_path: Path, document: str) -> None:
    schema = write(tmp_path / "s.json", document)
    assert_one_error(generate(schema, tmp_path / "out"), "not a provider schema document")


def test_generate_schema_block_not_an_object(tmp_path: Path) -> None:
    doc = {"provider_schemas": {"registry.terraform.io/x/y": {"resource_schemas": {"y_a": {"block": []}}}}}
    schema = write(tmp_path / "s.json", json.dumps(doc))
    assert_one_error(generate(schema, tmp_path / "out"), "resource_schemas.y_a.block: expected an object, got list")


def test_generate_schema_nested_shapes(tmp_path: Path) -> None:
    doc = {"provider_schemas": {"registry.terraform.io/x/y": {"resource_schemas": {"y_a": {"block": {
        "block_types": {"inner": {"nesting_mode": "list", "min_items": "1", "block": {}}}}}}}}}
    schema = write(tmp_path / "s.json", json.dumps(doc))
    assert_one_error(generate(schema, tmp_path / "out"), "block_types.inner.min_items: expected an integer")


def test_generate_out_under_a_regular_file(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.json", json.dumps(GOOD_SCHEMA))
    blocker = write(tmp_path / "file", "")
    assert_one_error(generate(schema, blocker / "sub"), "cannot create output directory")


def test_generate_rejects_a_bad_key_and_writes_nothing(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.json", json.dumps(GOOD_SCHEMA))
    out = tmp_path / "out"
    assert_one_error(generate(schema, out, "--key", "bad-key!"), "key = 'bad-key!'", "a Python package name")
    assert not out.exists()
    assert_one_error(generate(schema, out, "--key", "class"), "key = 'class'")  # a Python keyword
    ok = generate(schema, out, "--key", "y_bindings")
    assert ok.exit_code == 0, ok.output
    assert (out / "y_bindings" / "__init__.py").is_file()


def test_generate_rejects_version_and_constraint_that_are_not_versions(tmp_path: Path) -> None:
    schema = write(tmp_path / "s.json", json.dumps(GOOD_SCHEMA))
    result = generate(schema, tmp_path / "out", "--version", 'x"y', "--constraint", '~> 1"); import os; ("')
    assert_one_error(result, "version = 'x\"y'", "constraint = ")
    assert not (tmp_path / "out").exists()


def test_generate_usage_error_keeps_exit_2(tmp_path: Path) -> None:
    result = invoke("generate", "--schema", str(write(tmp_path / "s.json", "{}")))
    assert result.exit_code == 2
    assert "--schema, --provider and --out are required" in result.output
    assert invoke("generate", "--no-such-option").exit_code == 2


# ------------------------------------------------------------------ validate


def test_validate_manifest_not_utf8(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", b"\xff")
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)), "cdktf manifest", "not UTF-8")


def test_validate_manifest_not_an_object(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", "[]")
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)), "is not a JSON object", "list")


def test_validate_manifest_without_stack_paths(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", json.dumps({"stacks": {"a": {}}}))
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)), "stack 'a' has no synthesizedStackPath")


@pytest.mark.parametrize("document", ["[]", "null"])
def test_validate_stack_not_an_object(tmp_path: Path, document: str) -> None:
    write(tmp_path / "stacks" / "a" / "cdk.tf.json", document)
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)), "is not a JSON object")


def test_validate_stack_section_of_the_wrong_shape(tmp_path: Path) -> None:
    write(tmp_path / "stacks" / "a" / "cdk.tf.json", json.dumps({"resource": {"kafka_topic": []}}))
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)),
                     "not a synthesized Terraform stack", "resource.kafka_topic must map names to blocks")


def test_validate_stack_not_json(tmp_path: Path) -> None:
    write(tmp_path / "stacks" / "a" / "cdk.tf.json", "{")
    assert_one_error(invoke("validate", "--no-terraform", str(tmp_path)), "not valid JSON")


def test_validate_with_terraform_missing_is_a_failed_stack_not_a_traceback(tmp_path: Path) -> None:
    write(tmp_path / "stacks" / "a" / "cdk.tf.json", json.dumps({"terraform": {"required_providers": {}}}))
    result = invoke("validate", str(tmp_path), env={"CHANNELKIT_TERRAFORM": str(tmp_path / "no-terraform")})
    assert result.exit_code in (0, 1), result.output  # 0 when no provider mirror exists here (terraform skipped)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "terraform validate failed: cannot run terraform" in result.output


# ------------------------------------------------------------------ synth


def test_synth_app_with_unbalanced_quotes(tmp_path: Path) -> None:
    assert_one_error(invoke("synth", "--app", '"unbalanced', "--out", str(tmp_path / "out")),
                     "cannot parse --app", "No closing quotation")


def test_synth_app_that_is_empty(tmp_path: Path) -> None:
    assert_one_error(invoke("synth", "--app", "  ", "--out", str(tmp_path / "out")), "nothing to run")


def test_synth_app_not_found(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-program")
    assert_one_error(invoke("synth", "--app", missing, "--out", str(tmp_path / "out")), "cannot run the app")


def test_synth_app_that_fails(tmp_path: Path) -> None:
    app = f"{sys.executable} -c \"raise SystemExit('boom from the app')\""
    assert_one_error(invoke("synth", "--app", app, "--out", str(tmp_path / "out")), "the app failed")


def test_synth_out_under_a_regular_file(tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "")
    assert_one_error(invoke("synth", "--app", f"{sys.executable} -c pass", "--out", str(blocker / "out")),
                     "cannot create output directory")


@pytest.mark.parametrize(("content", "fragment"), [
    (b"\xff", "not UTF-8"),
    (b"[]", "is not a JSON object"),
    (b'{"app": 5}', "'app' must be a command line"),
    (b'{"app": "\\"x"}', "No closing quotation"),
])
def test_synth_invalid_cdktf_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes,
                                  fragment: str) -> None:
    write(tmp_path / "cdktf.json", content)
    monkeypatch.chdir(tmp_path)
    assert_one_error(invoke("synth", "--out", str(tmp_path / "out")), "cdktf.json", fragment)


def test_synth_report_of_a_hand_edited_stack(tmp_path: Path) -> None:
    out = tmp_path / "out"
    body = {"//": {"metadata": {"path": "s/ch/Target/Topic"}}}  # a kafka_topic without its name
    write(out / "stacks" / "s" / "cdk.tf.json", json.dumps({"resource": {"kafka_topic": {"t": body}}}))
    assert_one_error(invoke("synth", "--app", f"{sys.executable} -c pass", "--out", str(out)),
                     "kafka_topic.t is not what channelkit synthesizes")


# ------------------------------------------------------------------ deploy and bootstrap-state


def test_deploy_app_dir_with_an_invalid_cdktf_json(tmp_path: Path) -> None:
    write(tmp_path / "cdktf.json", '{"app": 5}')
    assert_one_error(invoke("deploy", "--local", str(tmp_path), "--endpoint", "http://127.0.0.1:9"),
                     "'app' must be a command line")


def test_deploy_usage_errors_keep_exit_2(tmp_path: Path) -> None:
    assert invoke("deploy", str(tmp_path)).exit_code == 2  # --local is required
    assert invoke("deploy", "--local", str(tmp_path / "missing")).exit_code == 2  # APP_DIR must exist
    assert invoke("deploy", "--local", "--keep", str(tmp_path)).exit_code == 2  # --keep needs --endpoint


def test_bootstrap_state_endpoint_that_is_not_a_url() -> None:
    result = invoke("bootstrap-state", "--bucket", "my-state-bucket", "--table", "locks", "--endpoint-url", "notaurl")
    assert_one_error(result, "invalid state backend", "endpoint_url = 'notaurl'")


def test_every_command_has_help() -> None:
    for command in ("generate", "validate", "synth", "bootstrap-state", "deploy"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, command
