"""Running a CDK for Terraform app as a subprocess: the one runner ``channelkit synth`` and ``deploy`` share."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import ChannelkitError

__all__ = ["SynthError", "app_command", "run_app"]


class SynthError(ChannelkitError):
    """The app failed to synthesize; carries the app's own error message, not its traceback."""


_ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception)\b.*?: ")


def app_command(directory: Path, *, require_config: bool = False) -> list[str]:
    """The app command of ``directory``: ``cdktf.json``'s ``app``, else ``python main.py``.

    A ``python``/``python3`` interpreter named in ``cdktf.json`` becomes the interpreter channelkit runs
    in, so the app sees the same installation.

    Raises:
        SynthError: ``require_config`` and there is no ``cdktf.json`` with an ``app``, or it is not valid JSON.
    """
    config = directory / "cdktf.json"
    app: str | None = None
    if config.is_file():
        try:
            app = json.loads(config.read_text(encoding="utf-8")).get("app")
        except (ValueError, AttributeError, UnicodeDecodeError) as exc:
            raise SynthError(f"{config} is not a valid cdktf.json: {exc}") from None
    if not app:
        if require_config:
            raise SynthError(f"{directory} has no cdktf.json with an 'app' command: not a CDK for Terraform app")
        return [sys.executable, "main.py"]
    try:
        cmd = shlex.split(app)
    except ValueError as exc:
        raise SynthError(f"cannot parse the app command {app!r} of {config}: {exc}") from None
    if cmd and Path(cmd[0]).name in ("python", "python3"):
        cmd[0] = sys.executable
    return cmd


def run_app(command: list[str], out_dir: Path, cwd: Path, env: Mapping[str, str] | None = None) -> list[Path]:
    """Run ``command`` in ``cwd`` with ``CDKTF_OUTDIR=out_dir`` (and ``env``); return the stack directories.

    Raises:
        SynthError: the app could not start or exited non-zero (message: the app's final error, without
            the traceback).
    """
    full_env = {**os.environ, **(env or {}), "CDKTF_OUTDIR": str(out_dir.resolve())}
    try:
        proc = subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SynthError(f"cannot run the app {shlex.join(command)!r}: {exc}") from None
    if proc.returncode != 0:
        lines = proc.stderr.rstrip().splitlines()
        start = max((i for i, line in enumerate(lines) if _ERROR_LINE.match(line)), default=max(len(lines) - 5, 0))
        raise SynthError(f"the app failed ({shlex.join(command)}):\n" + "\n".join(lines[start:]))
    return sorted(p.parent for p in (out_dir / "stacks").glob("*/cdk.tf.json"))
