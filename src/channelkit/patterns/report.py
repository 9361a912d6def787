"""``channelkit synth``: run the app, then summarise each channel from the synthesized JSON.

The report is read from ``cdktf.out`` rather than from live objects, so it describes exactly
what Terraform will see. A channel is the construct whose child ``Target`` holds the resources
(``<stack>/<channel>/Target/...`` in each resource's metadata path).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from channelkit.errors import ChannelkitError

__all__ = ["ChannelReport", "SynthError", "app_command", "channel_reports", "render", "run_app"]


class SynthError(ChannelkitError):
    """The app failed to synthesize; carries the app's own error message, not its traceback."""


@dataclass
class ChannelReport:
    """What one channel synthesizes to."""

    stack: str
    channel: str
    resources: Counter[str] = field(default_factory=Counter)
    topics: list[str] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)


def app_command(directory: Path) -> list[str]:
    """The app command: ``cdktf.json``'s ``app`` if present, else ``python main.py``."""
    config = directory / "cdktf.json"
    if config.is_file():
        app = json.loads(config.read_text()).get("app")
        if app:
            return shlex.split(app)
    return [sys.executable, "main.py"]


_ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception)\b.*?: ")


def run_app(command: list[str], out_dir: Path, cwd: Path) -> None:
    """Run ``command`` in ``cwd`` with ``CDKTF_OUTDIR=out_dir``.

    Raises:
        SynthError: the app exited non-zero (message: the app's final error, without the traceback).
    """
    env = {**os.environ, "CDKTF_OUTDIR": str(out_dir.resolve())}
    try:
        proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SynthError(f"cannot run the app {shlex.join(command)!r}: {exc}") from None
    if proc.returncode != 0:
        lines = proc.stderr.rstrip().splitlines()
        start = max((i for i, line in enumerate(lines) if _ERROR_LINE.match(line)), default=max(len(lines) - 5, 0))
        raise SynthError(f"the app failed ({shlex.join(command)}):\n" + "\n".join(lines[start:]))


def _channel_of(path: str) -> tuple[str, str] | None:
    parts = path.split("/")
    if "Target" not in parts[1:]:
        return None
    i = parts.index("Target", 1)
    return parts[0], "/".join(parts[1:i])


def channel_reports(out_dir: Path) -> list[ChannelReport]:
    """One report per channel found in the stacks under ``out_dir``."""
    reports: dict[tuple[str, str], ChannelReport] = {}
    for stack_file in sorted((out_dir / "stacks").glob("*/cdk.tf.json")):
        doc = json.loads(stack_file.read_text())
        topics = doc.get("resource", {}).get("kafka_topic", {})
        topic_names = {f"${{kafka_topic.{lid}.name}}": body["name"] for lid, body in topics.items()}
        for rtype, resources in doc.get("resource", {}).items():
            for body in resources.values():
                meta = body.get("//", {}).get("metadata", {})
                where = _channel_of(meta.get("path", ""))
                if where is None:
                    continue
                report = reports.setdefault(where, ChannelReport(stack=where[0], channel=where[1]))
                report.resources[rtype] += 1
                _describe(report, rtype, body, topic_names)
    return list(reports.values())


def _describe(report: ChannelReport, rtype: str, body: dict[str, Any], topic_names: dict[str, str]) -> None:
    if rtype == "kafka_topic":
        report.topics.append(body["name"])
    elif rtype == "kafka-connect_connector":
        report.connectors.append(body["name"])
    elif rtype == "kafka_acl":
        pattern = "*" if body.get("resource_pattern_type_filter") == "Prefixed" else ""
        name = topic_names.get(body["resource_name"], body["resource_name"])
        report.grants.append(
            f"{body['acl_principal']} {body['acl_operation']} {body['resource_type']} {name}{pattern}")
    elif rtype.endswith("_iam_member"):
        cond = " (until " + body["condition"]["expression"].split('"')[1] + ")" if body.get("condition") else ""
        report.grants.append(f"{body['member']} {body['role']}{cond}")
    elif rtype in ("mysql_grant", "postgresql_grant"):
        report.grants.append(f"db {', '.join(sorted(body['privileges']))}")


def render(reports: list[ChannelReport]) -> list[str]:
    """Human-readable lines: per channel, resources by type, topics, connectors and grants."""
    lines: list[str] = []
    for r in reports:
        total = sum(r.resources.values())
        lines.append(f"== {r.stack}/{r.channel}: {total} resources")
        width = max((len(t) for t in r.resources), default=0)
        for rtype, count in sorted(r.resources.items()):
            lines.append(f"   {rtype:<{width}}  {count:>3}")
        lines.append(f"   topics ({len(r.topics)}): " + ", ".join(sorted(r.topics)))
        lines.append(f"   connectors ({len(r.connectors)}): " + ", ".join(sorted(r.connectors)))
        lines.append(f"   grants ({len(r.grants)}):")
        lines += [f"     - {g}" for g in sorted(set(r.grants))]
    if not reports:
        lines.append("no channels found")
    return lines
