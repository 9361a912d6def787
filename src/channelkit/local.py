"""A local AWS for newcomers and tests: moto_server, and ``channelkit deploy --local APP_DIR``.

``channelkit deploy --local examples/aws`` starts moto_server on a free loopback port, synthesizes
the app with ``CHANNELKIT_AWS_ENDPOINT`` set (the app then points the AWS provider at moto and leaves
out what moto cannot create), runs ``terraform init`` and ``apply`` offline against the provider
mirror, prints what was created, and tears it all down when asked.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .app_runner import app_command, run_app
from .errors import ChannelkitError
from .terraform import TerraformRunner, find_mirror

__all__ = [
    "ENDPOINT_ENV",
    "LOCAL_STATE_ONLY_TYPES",
    "EMULATOR_ENV",
    "PROTECT_ENV",
    "DeployResult",
    "LocalDeployError",
    "MotoServer",
    "created_resources",
    "deploy_local",
    "seed_local",
    "synth_app",
]

#: Types moto creates but cannot delete (RevokePermissions leaves the grant): teardown drops them from state.
LOCAL_STATE_ONLY_TYPES: tuple[str, ...] = ("aws_lakeformation_permissions",)

#: The example apps read these: the local endpoint URL, "leave out what moto lacks", destroy protection.
ENDPOINT_ENV = "CHANNELKIT_AWS_ENDPOINT"
EMULATOR_ENV = "CHANNELKIT_AWS_EMULATOR"
PROTECT_ENV = "CHANNELKIT_PROTECT"


class LocalDeployError(ChannelkitError):
    """The local endpoint or the app could not be started, synthesized or deployed."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    """``moto_server`` on a free loopback port (``start()``/``stop()``, or a context manager)."""

    host: str = "127.0.0.1"
    port: int = 0
    startup_timeout: float = 60.0
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """``http://HOST:PORT``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> MotoServer:
        """Start the server and wait until it answers."""
        for _attempt in range(3):
            self.port = self.port or _free_port()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if self._wait():
                return self
            self.stop()
            self.port = 0
        raise LocalDeployError("moto_server did not start (is moto[server] installed?)")

    def _wait(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=2):
                    return True
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        return False

    def stop(self) -> None:
        """Stop the server (no-op when not running)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def seed_local(app_dir: Path, endpoint: str) -> bool:
    """Run ``APP_DIR/local_seed.py ENDPOINT`` when present (what the app assumes exists); True if run."""
    seed = app_dir / "local_seed.py"
    if not seed.is_file():
        return False
    try:
        proc = subprocess.run([sys.executable, str(seed), endpoint], cwd=app_dir, capture_output=True, text=True,
                              errors="replace")
    except OSError as exc:
        raise LocalDeployError(f"cannot run {seed}: {exc}") from None
    if proc.returncode != 0:
        raise LocalDeployError(f"{seed} failed:\n{proc.stderr.strip()[-2000:]}")
    return True


def synth_app(app_dir: Path, outdir: Path, env: dict[str, str]) -> list[Path]:
    """Run the app of ``app_dir`` (its cdktf.json ``app``) into ``outdir``; return the stack directories."""
    stacks = run_app(app_command(app_dir, require_config=True), outdir, app_dir, env)
    if not stacks:
        raise LocalDeployError(f"the app in {app_dir} synthesized no stack into {outdir}")
    return stacks


def created_resources(state: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(type, address, id) of every managed resource in ``terraform show -json`` output."""
    out: list[tuple[str, str, str]] = []

    def walk(module: dict[str, Any]) -> None:
        for res in module.get("resources", []) or []:
            if res.get("mode") == "managed":
                values = res.get("values") or {}
                out.append((res["type"], res["address"], str(values.get("arn") or values.get("id") or "")))
        for child in module.get("child_modules", []) or []:
            walk(child)

    values = state.get("values") or {}
    walk(values.get("root_module") or {})
    return sorted(out)


def _state_json(text: str, stack: Path) -> dict[str, Any]:
    """The parsed ``terraform show -json`` output of ``stack``, or a LocalDeployError."""
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise LocalDeployError(f"terraform show -json in {stack} printed no JSON: {exc}") from None
    if not isinstance(state, dict):
        raise LocalDeployError(f"terraform show -json in {stack} printed {type(state).__name__}, not a state object")
    return state


@dataclass
class DeployResult:
    """What ``deploy_local`` did: the endpoint, the stack directories and the resources created."""

    endpoint: str
    stacks: list[Path]
    resources: list[tuple[str, str, str]]
    destroyed: bool = False


def deploy_local(
    app_dir: Path,
    *,
    endpoint: str | None = None,
    teardown: Callable[[DeployResult], bool] = lambda _result: True,
    echo: Callable[[str], None] = print,
    workdir: Path | None = None,
) -> DeployResult:
    """Deploy the app in ``app_dir`` to a local moto endpoint, print what was created, maybe tear down.

    Args:
        app_dir: a CDK for Terraform app (``cdktf.json`` + its ``app`` command).
        endpoint: an already running endpoint; None starts moto_server for the duration of the call.
        teardown: called after the apply with the result; True destroys everything again.
        echo: where progress lines go.
        workdir: where to synthesize (default: a temporary directory, removed afterwards).
    """
    app_dir = app_dir.resolve()
    server = None if endpoint else MotoServer().start()
    url = endpoint or (server.url if server else "")
    tmp = Path(tempfile.mkdtemp(prefix="channelkit-local-")) if workdir is None else workdir
    runners: dict[Path, TerraformRunner] = {}
    try:
        echo(f"local AWS endpoint: {url}")
        env = {ENDPOINT_ENV: url, EMULATOR_ENV: "1", PROTECT_ENV: "0"}
        seed_local(app_dir, url)
        stacks = synth_app(app_dir, tmp / "cdktf.out", env)
        mirror = find_mirror()
        fake_keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        runners.update({stack: TerraformRunner(stack, mirror=mirror, env=fake_keys) for stack in stacks})
        resources: list[tuple[str, str, str]] = []
        for stack in stacks:
            echo(f"applying stack {stack.name} ...")
            runners[stack].run("init", "-input=false", "-no-color")
            runners[stack].run("apply", "-input=false", "-no-color", "-auto-approve")
            shown = _state_json(runners[stack].run("show", "-json", "-no-color").stdout, stack)
            resources += created_resources(shown)
        result = DeployResult(url, stacks, resources)
        echo(f"created {len(resources)} resources:")
        for rtype, address, ident in resources:
            echo(f"  {rtype:45} {address:75} {ident}")
        if teardown(result):
            for stack in reversed(stacks):
                echo(f"destroying stack {stack.name} ...")
                listed = runners[stack].run("state", "list", "-no-color").stdout.split()
                for address in [a for a in listed if a.split(".")[0] in LOCAL_STATE_ONLY_TYPES]:
                    echo(f"  (moto cannot delete {address}: dropped from state, gone with the emulator)")
                    runners[stack].run("state", "rm", "-no-color", address)
                runners[stack].run("destroy", "-input=false", "-no-color", "-auto-approve")
            result.destroyed = True
            echo("torn down")
        return result
    finally:
        for runner in runners.values():
            runner.close()
        if server is not None:
            server.stop()
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
