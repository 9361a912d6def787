"""Fixtures of the AWS target tests: one moto_server, one offline Terraform setup, one deployed example.

Load them as a plugin, ``pytest_plugins = ["aws_fixtures"]`` (not ``from aws_fixtures import ...``:
an imported session fixture is a new fixture per module, so every module would start its own
moto_server and deploy the example again).

``moto_endpoint`` starts ``moto_server`` on a free loopback port for the test session and stops it
afterwards. ``tf_env`` is a Terraform CLI config whose ``filesystem_mirror`` points at the provider
mirror found by :func:`channelkit.terraform.find_mirror`, with one plugin cache for the session.
``terraform`` runs the terraform binary with that environment. ``example_deployment`` deploys
``examples/aws`` (emulator switch on, protection on) to the session's moto_server once, with
``cdktf deploy --auto-approve`` from ``node_modules/.bin/cdktf`` — the path data engineers use — or,
without cdktf-cli, with ``terraform apply``; the modules that need the applied example share it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from channelkit.local import EMULATOR_ENV, ENDPOINT_ENV, PROTECT_ENV, MotoServer, seed_local, synth_app
from channelkit.terraform import find_mirror, offline_environment, terraform_binary, write_cli_config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "aws"
CDKTF = REPO / "node_modules" / ".bin" / "cdktf"
#: The example's S3 backend switches: unset for the shared deployment (it keeps its state locally).
STATE_ENV = ("CHANNELKIT_STATE_BUCKET", "CHANNELKIT_STATE_TABLE")

ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
BROKERS = "b-1.platform.abc.c2.kafka.us-east-1.amazonaws.com:9098"


def run_process_group(
    cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in a new session; on timeout (or any error) kill its whole process group, then re-raise."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        kill_process_group(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def kill_process_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL the process group ``proc`` leads (started with ``start_new_session=True``) and reap ``proc``."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto_server on a free loopback port for the whole session; stopped afterwards."""
    server = MotoServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for terraform: offline CLI config (mirror found automatically), shared plugin cache."""
    mirror = find_mirror(required=False)
    if mirror is None:
        pytest.skip("no Terraform provider mirror on this machine")
    base = tmp_path_factory.mktemp("terraform")
    config = write_cli_config(mirror, base, plugin_cache=base / "plugin-cache")
    fake_aws = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    env = offline_environment(config, fake_aws)
    keep = {"TF_CLI_CONFIG_FILE", "TF_IN_AUTOMATION", "CHECKPOINT_DISABLE", "PATH", *fake_aws}
    return {k: v for k, v in env.items() if k in keep}


#: ``terraform(workdir, *args, check=True, timeout=900)``: run terraform with ``tf_env`` (``-no-color`` added).
Terraform = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def terraform(tf_env: dict[str, str]) -> Terraform:
    """Run ``terraform ARGS -no-color`` in a directory with ``tf_env``; fail the test on a non-zero exit."""
    binary = terraform_binary()

    def run(workdir: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        proc = run_process_group([binary, *args, "-no-color"], cwd=workdir, env={**os.environ, **tf_env},
                                 timeout=timeout)
        if check and proc.returncode != 0:
            pytest.fail(f"terraform {' '.join(args)} failed in {workdir}:\n"
                        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    return run


@dataclass(frozen=True)
class ExampleDeployment:
    """``examples/aws`` deployed to the session's moto_server (emulator switch on, protection on)."""

    stack: Path  #: the synthesized stack directory, initialised, with its local ``terraform.tfstate``
    endpoint: str
    tool: str  #: ``cdktf deploy`` or, without cdktf-cli, ``terraform apply``
    returncode: int
    output: str  #: what the deploy printed (stdout + stderr)
    example_files_before: tuple[str, ...]  #: the files of examples/aws before and after the deploy
    example_files_after: tuple[str, ...]
    moto_before: dict[str, Any]  #: :func:`moto_inventory` right before and right after the deploy
    moto_after: dict[str, Any]


def moto_inventory(endpoint: str) -> dict[str, Any]:
    """What exists on ``endpoint`` (boto3): buckets, Glue tables by database, KMS aliases, workgroups, secrets."""
    import boto3

    kw: dict[str, Any] = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "testing",
                          "aws_secret_access_key": "testing"}
    s3, glue, kms = boto3.client("s3", **kw), boto3.client("glue", **kw), boto3.client("kms", **kw)
    athena, secrets = boto3.client("athena", **kw), boto3.client("secretsmanager", **kw)
    databases = [d["Name"] for d in glue.get_databases()["DatabaseList"]]
    return {
        "buckets": {b["Name"] for b in s3.list_buckets()["Buckets"]},
        "glue_tables": {d: {t["Name"] for t in glue.get_tables(DatabaseName=d)["TableList"]} for d in databases},
        "kms_aliases": {a["AliasName"] for a in kms.list_aliases()["Aliases"]},
        "workgroups": {w["Name"] for w in athena.list_work_groups()["WorkGroups"]},
        "secrets": {s["Name"] for s in secrets.list_secrets()["SecretList"]},
    }


def example_env(endpoint: str, tf_env: dict[str, str], *, emulator: bool, protect: bool) -> dict[str, str]:
    """The environment the example app (and cdktf-cli running it) needs against ``endpoint``."""
    env = {k: v for k, v in os.environ.items() if k not in STATE_ENV}
    env.update(tf_env)
    env.update({ENDPOINT_ENV: endpoint, EMULATOR_ENV: "1" if emulator else "0", PROTECT_ENV: "1" if protect else "0"})
    # cdktf.json runs `python3 main.py`: the interpreter of this venv (channelkit installed) comes first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), tf_env.get("PATH", "")])
    return env


def cdktf_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus what keeps cdktf-cli offline, non-interactive and out of ``~/.terraform.d``."""
    return {**env, "CI": "1", "CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1",
            "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1"}  # keep the CLI config's plugin_cache_dir


def _example_files() -> tuple[str, ...]:
    return tuple(sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*")))


@pytest.fixture(scope="session")
def example_deployment(
    tmp_path_factory: pytest.TempPathFactory, moto_endpoint: str, tf_env: dict[str, str], terraform: Terraform
) -> ExampleDeployment:
    """Deploy examples/aws once per session (``cdktf deploy --auto-approve`` when cdktf-cli is installed)."""
    seed_local(EXAMPLE, moto_endpoint)
    out = tmp_path_factory.mktemp("example") / "cdktf.out"
    env = example_env(moto_endpoint, tf_env, emulator=True, protect=True)
    before, moto_before = _example_files(), moto_inventory(moto_endpoint)
    if CDKTF.exists() and shutil.which("node"):
        tool = "cdktf deploy"
        # --skip-provider-lock: cdktf otherwise runs `terraform providers lock -platform=linux_amd64`, which
        # asks registry.terraform.io (it ignores the CLI config's filesystem_mirror) and fails offline.
        cmd = [str(CDKTF), "deploy", "--auto-approve", "--skip-provider-lock", "--no-color", "--output", str(out)]
        proc = run_process_group(cmd, cwd=EXAMPLE, env=cdktf_env(env), timeout=900)
        returncode, output = proc.returncode, proc.stdout + proc.stderr
        stack = out / "stacks" / "orders-aws"
    else:
        tool = "terraform apply"
        (stack,) = synth_app(EXAMPLE, out, env)
        terraform(stack, "init", "-input=false")
        proc = terraform(stack, "apply", "-auto-approve", "-input=false", check=False)
        returncode, output = proc.returncode, proc.stdout + proc.stderr
    if returncode != 0:
        pytest.fail(f"{tool} of examples/aws against moto failed (exit {returncode}):\n{output[-6000:]}")
    return ExampleDeployment(stack, moto_endpoint, tool, returncode, output, before, _example_files(), moto_before,
                             moto_inventory(moto_endpoint))


__all__ = ["ARN", "BROKERS", "CDKTF", "EXAMPLE", "ExampleDeployment", "Terraform", "cdktf_env", "example_deployment",
           "example_env", "kill_process_group", "moto_endpoint", "moto_inventory", "run_process_group", "terraform",
           "tf_env"]
