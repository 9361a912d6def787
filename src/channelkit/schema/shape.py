"""The shape of a provider schema document, checked before it is parsed.

:func:`channelkit.schema.model.parse_schema` reads ``terraform providers schema -json`` output; a
file that is JSON but not that (``[]``, a ``block`` that is a list, ``min_items`` that is a string)
is one :class:`~channelkit.errors.SchemaError` naming the JSON path, never an ``AttributeError``.
Only the structure the model reads is checked; the model itself checks types and nesting modes.
"""

from __future__ import annotations

from typing import Any

from ..errors import SchemaError

__all__ = ["check_document"]


def _mapping(value: Any, where: str, *, optional: bool = True) -> dict[str, Any]:
    """``value`` as a dict (``{}`` for an absent optional member), else a SchemaError."""
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        shown = "null" if value is None else type(value).__name__
        raise SchemaError(f"{where}: expected an object, got {shown}")
    return value


def _text(raw: dict[str, Any], key: str, where: str) -> None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise SchemaError(f"{where}.{key}: expected a string, got {type(value).__name__}")


def _attributes(raw: Any, where: str) -> None:
    for name, attr in _mapping(raw, f"{where}.attributes").items():
        at = f"{where}.attributes.{name}"
        attr = _mapping(attr, at, optional=False)
        _text(attr, "description", at)
        if "nested_type" in attr:
            nested = _mapping(attr["nested_type"], f"{at}.nested_type", optional=False)
            _text(nested, "nesting_mode", f"{at}.nested_type")
            _attributes(nested.get("attributes"), f"{at}.nested_type")


def _block(raw: Any, where: str, *, optional: bool = True) -> None:
    block = _mapping(raw, where, optional=optional)
    _text(block, "description", where)
    _attributes(block.get("attributes"), where)
    for name, bt in _mapping(block.get("block_types"), f"{where}.block_types").items():
        at = f"{where}.block_types.{name}"
        bt = _mapping(bt, at, optional=False)
        for bound in ("min_items", "max_items"):
            value = bt.get(bound, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SchemaError(f"{at}.{bound}: expected an integer >= 0, got {value!r}")
        _block(bt.get("block"), f"{at}.block")


def check_document(data: Any, origin: str) -> None:
    """Raise a SchemaError unless ``data`` has the shape of a provider schema document.

    Args:
        data: the parsed JSON.
        origin: where it came from (the file), for messages.
    """
    if not isinstance(data, dict) or "provider_schemas" not in data:
        raise SchemaError(f"{origin}: not a provider schema document (no provider_schemas)")
    providers = _mapping(data["provider_schemas"], f"{origin}: provider_schemas", optional=False)
    for address, raw in providers.items():
        where = f"{origin}: provider_schemas.{address}"
        raw = _mapping(raw, where, optional=False)
        provider = _mapping(raw.get("provider"), f"{where}.provider")
        _block(provider.get("block"), f"{where}.provider.block")
        for section in ("resource_schemas", "data_source_schemas"):
            for type_name, schema in _mapping(raw.get(section), f"{where}.{section}").items():
                at = f"{where}.{section}.{type_name}"
                _block(_mapping(schema, at, optional=False).get("block"), f"{at}.block", optional=False)
