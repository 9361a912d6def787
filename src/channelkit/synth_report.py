"""``channelkit synth``'s report: each channel's resources, topics, connectors and grants, from the synthesized JSON.

The report is read from ``cdktf.out`` rather than from live objects, so it describes exactly what
Terraform will see. A channel is the construct whose child ``Target`` holds the resources
(``<stack>/<channel>/Target/...`` in each resource's metadata path). What a resource means is asked
of the family that made it: every source, platform and warehouse module has a ``describe`` function
(see :data:`DESCRIBERS`) turning one resource into report entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cdktf_out import load_stack
from .errors import ChannelkitError
from .platforms import kafka_connect, msk
from .sources import base as sources
from .warehouses import bigquery, s3_lake

__all__ = ["DESCRIBERS", "ChannelReport", "ReportError", "channel_reports", "render"]

#: ``describe(resource_type, body, references) -> [(kind, text)]`` of each family; kind is topic, connector or grant.
DESCRIBERS: tuple[Callable[[str, dict[str, Any], dict[str, str]], Iterable[tuple[str, str]]], ...] = (
    sources.describe, kafka_connect.describe, msk.describe, bigquery.describe, s3_lake.describe,
)


class ReportError(ChannelkitError):
    """A synthesized stack could not be read."""


@dataclass
class ChannelReport:
    """What one channel synthesizes to."""

    stack: str
    channel: str
    resources: Counter[str] = field(default_factory=Counter)
    topics: list[str] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        """Record one entry of ``kind`` (``topic``, ``connector`` or ``grant``); several families may name one topic."""
        entries = {"topic": self.topics, "connector": self.connectors, "grant": self.grants}[kind]
        if kind != "topic" or text not in entries:
            entries.append(text)


def _channel_of(path: str) -> tuple[str, str] | None:
    parts = path.split("/")
    if "Target" not in parts[1:]:
        return None
    i = parts.index("Target", 1)
    return parts[0], "/".join(parts[1:i])


def channel_reports(out_dir: Path) -> list[ChannelReport]:
    """One report per channel found in the stacks under ``out_dir``.

    Raises:
        OutputError: a stack cannot be read or is not Terraform JSON; ReportError: a channel's resource
            lacks what channelkit synthesizes into it (a hand-edited stack).
    """
    reports: dict[tuple[str, str], ChannelReport] = {}
    for stack_file in sorted((out_dir / "stacks").glob("*/cdk.tf.json")):
        resources = load_stack(stack_file, stack_file.parent.name).get("resource", {}) or {}
        refs = {f"${{{rtype}.{lid}.name}}": body.get("name", "")
                for rtype, group in resources.items() for lid, body in group.items() if isinstance(body, dict)}
        for rtype, group in resources.items():
            for lid, body in group.items():
                where = _channel_of(body.get("//", {}).get("metadata", {}).get("path", ""))
                if where is None:
                    continue
                report = reports.setdefault(where, ChannelReport(stack=where[0], channel=where[1]))
                report.resources[rtype] += 1
                for kind, text in _describe(rtype, body, refs, f"{stack_file}: {rtype}.{lid}"):
                    report.add(kind, text)
    return list(reports.values())


def _describe(rtype: str, body: dict[str, Any], refs: dict[str, str], where: str) -> list[tuple[str, str]]:
    """Every family's entries for one resource; a body that is not what channelkit wrote is a ReportError."""
    try:
        return [(kind, str(text)) for describe in DESCRIBERS for kind, text in describe(rtype, body, refs)]
    except (KeyError, TypeError, AttributeError, IndexError) as exc:  # the describers read channelkit's own JSON
        raise ReportError(f"{where} is not what channelkit synthesizes ({type(exc).__name__}: {exc})") from None


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
        grants = sorted(set(r.grants))
        lines.append(f"   grants ({len(grants)}):")
        lines += [f"     - {g}" for g in grants]
    if not reports:
        lines.append("no channels found")
    return lines
