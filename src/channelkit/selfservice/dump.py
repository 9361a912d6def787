"""Props → the plain values a channels file holds: the inverse of :mod:`.convert`.

``declaration(channel)`` writes a built Channel's props back in the channels-file form (families as
``{kind: {...}}``, durations as ``7d``, expiries as ISO 8601 with their offset, fields left at their
default omitted), so that loading the result builds the same channel. The ODCS contract of a channel
carries it in its ``customProperties``, and ``load_channels`` reads a contract back through it.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .convert import has_fields, kind_name, kinds, subclass_kinds, takes_items

__all__ = ["declaration", "plain"]


def plain(value: Any) -> Any:
    """``value`` as YAML-ready data: props as mappings of their non-default fields, durations as ``7d``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if any(type(value) in subclass_kinds(base).values() for base in type(value).__mro__[1:]):
            return _tagged(value)  # a family member (a quality check): {kind: ...}
        return _props(value)
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _props(value: Any) -> dict[str, Any]:
    params = inspect.signature(type(value)).parameters
    out: dict[str, Any] = {}
    for name, param in params.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or not hasattr(value, name):
            continue
        current = getattr(value, name)
        default = param.default
        if default is not inspect.Parameter.empty and _same(current, default):
            continue
        out[name] = plain(current)
    return out


def _tagged(value: Any) -> Any:
    cls = type(value)
    name = kind_name(cls)
    if takes_items(cls):
        return {name: [plain(v) for f in dataclasses.fields(value) for v in getattr(value, f.name)]}
    body = _props(value)
    return name if not has_fields(cls) else {name: body}


def _same(current: Any, default: Any) -> bool:
    if isinstance(default, tuple | list) and isinstance(current, tuple | list):
        return tuple(current) == tuple(default)
    return bool(current == default)


def _kind(field: str, value: Any) -> dict[str, Any]:
    for name, cls in kinds()[field].items():
        if type(value) is cls:
            return {name: _props(value)}
    raise TypeError(f"{field}: {type(value).__name__} is not a kind a channels file can name")


def declaration(channel: Any) -> dict[str, Any]:
    """The channels-file entry of ``channel``: ``id``, the families and every prop given a non-default value.

    Tables, owner and readers are included; a contract replaces them with its own schema, team and roles.
    """
    from channelkit.patterns import Channel

    out: dict[str, Any] = {"id": channel.node_id}
    params = inspect.signature(Channel.__init__).parameters
    for name, value in channel.declared.items():
        param = params[name]
        if name in kinds():
            out[name] = _kind(name, value)
        elif param.default is inspect.Parameter.empty or not _same(value, param.default):
            out[name] = plain(value)
    return out
