"""Policy violations in a review: the extension point for the governance ``DataPolicy``.

A review reports, per channel, the rules of a data policy the head output breaks. They come from two
places, both optional:

- **a file the synthesis writes**: ``<head output>/channelkit-policy.json``
  (:data:`POLICY_FILE`), ``{"violations": [{"stack", "channel", "rule", "message", "path", "field", "value",
  "allowed", "severity"}]}``. ``channel`` is the channel's construct id; ``path``, ``field``, ``value`` and
  ``allowed`` are those of a :class:`~channelkit.errors.Problem`, so the problems of a policy error can be
  written as they are. ``severity`` is ``error`` (default: the review blocks) or ``warning``.
- **checks passed in code**: ``review(..., policy_checks=[check])``, each ``check(channel)`` given a
  :class:`ChannelSides` (the channel's resources on both sides) and returning :class:`PolicyViolation`
  objects.

A violation of severity ``error`` is a blocker that ``--allow-data-loss`` does not lift: it is not data
loss, and a policy decides its own exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import read_json_object
from ..governance.policy import POLICY_REPORT_FILE
from .load import Resource, ReviewError
from .model import PolicyViolation

__all__ = ["POLICY_FILE", "ChannelSides", "PolicyCheck", "load_policy_file", "write_policy_file"]

#: The file a synthesis writes its policy violations to, in the output directory (in report mode:
#: ``CHANNELKIT_POLICY_REPORT=<output directory>``, :data:`channelkit.governance.policy.POLICY_REPORT_ENV`).
POLICY_FILE = POLICY_REPORT_FILE


@dataclass(frozen=True)
class ChannelSides:
    """One channel's resources in the base and in the head output (address → resource)."""

    stack: str
    channel: str
    base: dict[str, Resource] = field(default_factory=dict)
    head: dict[str, Resource] = field(default_factory=dict)


#: A policy check run by the review on every channel.
PolicyCheck = Callable[[ChannelSides], Iterable[PolicyViolation]]

_SEVERITIES = ("error", "warning")


def load_policy_file(directory: Path) -> dict[tuple[str, str], list[PolicyViolation]]:
    """The violations ``directory/channelkit-policy.json`` records, by (stack, channel); {} without the file.

    Raises:
        ReviewError: the file cannot be read, is not JSON, or an entry lacks stack, channel, rule or message.
    """
    path = directory / POLICY_FILE
    if not path.is_file():
        return {}
    doc = read_json_object(path, what="policy violations file", error=ReviewError)
    entries = doc.get("violations")
    if not isinstance(entries, list):
        raise ReviewError(f"{path}: 'violations' must be a list")
    out: dict[tuple[str, str], list[PolicyViolation]] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in
                                                    ("stack", "channel", "rule", "message")):
            raise ReviewError(f"{path}: violations[{i}] needs stack, channel, rule and message (strings)")
        severity = entry.get("severity", "error")
        if severity not in _SEVERITIES:
            raise ReviewError(f"{path}: violations[{i}].severity = {severity!r}: one of {', '.join(_SEVERITIES)}")
        out.setdefault((entry["stack"], entry["channel"]), []).append(PolicyViolation(
            rule=entry["rule"], message=entry["message"], path=str(entry.get("path", "")),
            field=str(entry.get("field", "")), value=entry.get("value"), allowed=str(entry.get("allowed", "")),
            severity=severity))
    return out


def write_policy_file(directory: Path, violations: Iterable[tuple[str, str, PolicyViolation]]) -> Path:
    """Write ``(stack, channel, violation)`` entries as ``directory/channelkit-policy.json`` (for a synthesis)."""
    import json

    entries: list[dict[str, Any]] = [
        {"stack": stack, "channel": channel, "rule": v.rule, "message": v.message, "path": v.path,
         "field": v.field, "value": v.value, "allowed": v.allowed, "severity": v.severity}
        for stack, channel, v in violations
    ]
    path = directory / POLICY_FILE
    path.write_text(json.dumps({"violations": entries}, indent=2, default=str) + "\n", encoding="utf-8")
    return path
