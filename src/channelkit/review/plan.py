"""Real plans: the JSON of ``terraform show -json PLANFILE`` for one synthesized stack.

For each resource it covers, a plan gives the action Terraform will take (``change.actions``: ``["create"]``,
``["update"]``, ``["delete"]``, ``["delete", "create"]`` or ``["create", "delete"]`` for a replacement,
``["no-op"]``, ``["read"]``), the attribute paths that force the replacement (``change.replace_paths``)
and why (``action_reason``). A plan file names no stack: ``STACK=FILE`` says which, otherwise the stack is
the one whose resource addresses the plan's addresses match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import read_json_object
from .load import Output, ReviewError

__all__ = ["PlanChange", "PlanFile", "load_plan", "plan_action"]


@dataclass(frozen=True)
class PlanChange:
    """One ``resource_changes`` entry of a plan."""

    address: str
    action: str  #: create, update, replace, delete, no-op, read
    replace_paths: tuple[str, ...] = ()  #: dotted (``bucket``, ``storage_descriptor.0.columns``)
    reason: str = ""  #: ``action_reason`` (replace_because_cannot_update, ...)


@dataclass
class PlanFile:
    """A plan file and the stack it covers."""

    file: str
    stack: str
    changes: dict[str, PlanChange] = field(default_factory=dict)


def plan_action(actions: list[str]) -> str:
    """Terraform's ``change.actions`` as one word."""
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if len(actions) == 1 and actions[0] in ("create", "update", "delete", "no-op", "read"):
        return actions[0]
    return "+".join(actions) or "no-op"


def _path_text(path: Any) -> str:
    return ".".join(str(step) for step in path) if isinstance(path, list) else str(path)


def _changes(doc: dict[str, Any], where: str) -> dict[str, PlanChange]:
    entries = doc.get("resource_changes")
    if not isinstance(entries, list):
        raise ReviewError(f"{where} is not the JSON of `terraform show -json PLANFILE` (no resource_changes list)")
    out = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("mode", "managed") != "managed":
            continue
        change = entry.get("change") or {}
        address = entry.get("address")
        if not isinstance(address, str) or not isinstance(change.get("actions"), list):
            raise ReviewError(f"{where}: a resource change without address or change.actions")
        paths = tuple(_path_text(p) for p in change.get("replace_paths") or ())
        out[address] = PlanChange(address, plan_action(change["actions"]), paths, str(entry.get("action_reason", "")))
    return out


def load_plan(spec: str, head: Output, base: Output) -> PlanFile:
    """Read ``FILE`` or ``STACK=FILE`` and match it to a stack of the review.

    Raises:
        ReviewError: the file cannot be read or is not a plan; the stack named is in neither side; no stack
            (or more than one) matches the plan's addresses.
    """
    stack: str | None = None
    file = spec
    name, sep, rest = spec.partition("=")
    stacks = set(head.stacks) | set(base.stacks)
    if sep and name in stacks:
        stack, file = name, rest
    path = Path(file)
    changes = _changes(read_json_object(path, what="plan", error=ReviewError), str(path))
    if stack is None:
        addresses = set(changes)
        scores = {s: len(addresses & (set(head.stacks.get(s, {})) | set(base.stacks.get(s, {})))) for s in stacks}
        best = max(scores.values(), default=0)
        matches = [s for s, n in scores.items() if n == best and n > 0]
        if len(matches) != 1:
            found = "no stack" if not matches else "stacks " + ", ".join(sorted(matches))
            raise ReviewError(f"plan {path}: {found} match its resource addresses; name the stack: --plan STACK={path}")
        stack = matches[0]
    return PlanFile(file=str(path), stack=stack, changes=changes)
