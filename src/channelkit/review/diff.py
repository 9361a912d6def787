"""Attribute-level differences between two resource bodies, with sensitive values redacted.

Objects are compared key by key and lists of objects item by item (``rule.0.expiration.0.days``); a list
of plain values, a string (a JSON schema, a SQL query) and a number are compared whole. ``lifecycle``,
``depends_on`` and ``provider`` are Terraform meta-arguments, not attributes, and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .model import REDACTED, AttributeChange
from .rules import is_sensitive

__all__ = ["META_ARGUMENTS", "attribute_changes", "get_path"]

#: Terraform meta-arguments: changing them changes no attribute of the real resource.
META_ARGUMENTS = frozenset({"lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"})

_MISSING = object()


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _walk(before: Any, after: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from _walk(before.get(key, _MISSING), after.get(key, _MISSING), f"{path}.{key}" if path else key)
        return
    if _is_record_list(before) and _is_record_list(after):
        for i in range(max(len(before), len(after))):
            b = before[i] if i < len(before) else _MISSING
            a = after[i] if i < len(after) else _MISSING
            yield from _walk(b, a, f"{path}.{i}")
        return
    if isinstance(before, dict) and after is _MISSING:
        for key in sorted(before):
            yield from _walk(before[key], _MISSING, f"{path}.{key}" if path else key)
        return
    if isinstance(after, dict) and before is _MISSING:
        for key in sorted(after):
            yield from _walk(_MISSING, after[key], f"{path}.{key}" if path else key)
        return
    if before != after:
        yield path, None if before is _MISSING else before, None if after is _MISSING else after


def attribute_changes(provider: str, rtype: str, before: dict[str, Any] | None,
                      after: dict[str, Any] | None) -> list[AttributeChange]:
    """Every attribute path that differs between two bodies (``None``: the resource does not exist on that side)."""
    b = {k: v for k, v in (before or {}).items() if k not in META_ARGUMENTS}
    a = {k: v for k, v in (after or {}).items() if k not in META_ARGUMENTS}
    out = []
    for path, old, new in _walk(b, a, ""):
        secret = is_sensitive(provider, rtype, path)
        out.append(AttributeChange(path=path, before=REDACTED if secret and old is not None else old,
                                   after=REDACTED if secret and new is not None else new, sensitive=secret))
    return out


def get_path(body: Any, path: str) -> list[Any]:
    """Every value at a dotted ``path``, searching lists element by element (``rule.expiration.days``).

    A map key may hold dots itself (a topic's ``config.retention.ms``): the longest key that matches wins.
    """
    return _get(body, path.split("."))


def _get(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        if isinstance(value, list) and not _is_record_list(value):
            return list(value)
        return [value]
    if isinstance(value, list):
        return [found for item in value for found in _get(item, parts)]
    if not isinstance(value, dict):
        return []
    for i in range(len(parts), 0, -1):
        key = ".".join(parts[:i])
        if key in value:
            return _get(value[key], parts[i:])
    return []
