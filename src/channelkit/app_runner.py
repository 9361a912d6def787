"""Running a CDK for Terraform app as a subprocess: the one runner ``channelkit synth`` and ``deploy`` share."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from ._files import make_dir, read_json_object
from .errors import ChannelkitError

__all__ = ["SynthError", "app_command", "parse_command", "run_app"]


class SynthError(ChannelkitError):
    """The app failed to synthesize; carries the app's own error message, not its traceback."""


_ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception)\b.*?: ")


def app_command(directory: Path, *, require_config: bool = False) -> list[str]:
    """The app command of ``directory``: ``cdktf.json``'s ``app``, else ``python main.py``.

    A directory with ``channels/*.yaml`` and no ``main.py`` synthesizes its YAML channels
    (``python -m channelkit.selfservice channels``).

    A ``python``/``python3`` interpreter named in ``cdktf.json`` becomes the interpreter channelkit runs
    in, so the app sees the same installation.

    Raises:
        SynthError: ``require_config`` and there is no ``cdktf.json`` with an ``app``; ``cdktf.json`` cannot be
            read, is not a JSON object, or its ``app`` is not a command line.
    """
    config = directory / "cdktf.json"
    app: object = None
    if config.is_file():
        app = read_json_object(config, what="cdktf.json", error=SynthError).get("app")
        if app is not None and not isinstance(app, str):
            raise SynthError(f"{config}: 'app' must be a command line (a string), not {type(app).__name__}")
    if not app:
        if require_config:
            raise SynthError(f"{directory} has no cdktf.json with an 'app' command: not a CDK for Terraform app")
        declared = directory / "channels"
        if not (directory / "main.py").exists() and declared.is_dir() and any(
                p.suffix in (".yaml", ".yml") for p in declared.iterdir()):
            return [sys.executable, "-m", "channelkit.selfservice", "channels"]  # channels declared in YAML only
        return [sys.executable, "main.py"]
    assert isinstance(app, str)
    cmd = parse_command(app, f"the app command of {config}")
    if Path(cmd[0]).name in ("python", "python3"):
        cmd[0] = sys.executable
    return cmd


def parse_command(text: str, what: str = "the app command") -> list[str]:
    """``text`` split like a POSIX shell would (quotes, escapes), never empty.

    Raises:
        SynthError: unbalanced quotes, a trailing escape, or nothing to run.
    """
    try:
        cmd = shlex.split(text)
    except ValueError as exc:
        raise SynthError(f"cannot parse {what} {text!r}: {exc}") from None
    if not cmd:
        raise SynthError(f"{what} {text!r} is empty: nothing to run")
    return cmd


def run_app(command: list[str], out_dir: Path, cwd: Path, env: Mapping[str, str] | None = None) -> list[Path]:
    """Run ``command`` in ``cwd`` with ``CDKTF_OUTDIR=out_dir`` (and ``env``); return the stack directories.

    Raises:
        SynthError: ``out_dir`` cannot be created (e.g. it is under a regular file), the app could not start
            (not found, not executable) or exited non-zero (message: the app's final error, without the
            traceback).
    """
    make_dir(out_dir, what="output directory", error=SynthError)
    full_env = {**os.environ, **(env or {}), "CDKTF_OUTDIR": str(out_dir.resolve())}
    try:
        proc = subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, check=False,
                              errors="replace")
    except OSError as exc:
        raise SynthError(f"cannot run the app {shlex.join(command)!r}: {exc}") from None
    if proc.returncode != 0:
        lines = proc.stderr.rstrip().splitlines()
        start = max((i for i, line in enumerate(lines) if _ERROR_LINE.match(line)), default=max(len(lines) - 5, 0))
        raise SynthError(f"the app failed ({shlex.join(command)}):\n" + "\n".join(lines[start:]))
    return sorted(p.parent for p in (out_dir / "stacks").glob("*/cdk.tf.json"))
