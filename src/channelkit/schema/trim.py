"""Keep only the resource and data-source types channelkit uses from a provider schema."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import SchemaError

__all__ = ["trim_schema"]


def trim_schema(schema: dict[str, Any], resources: Iterable[str], data_sources: Iterable[str]) -> dict[str, Any]:
    """A copy of ``schema`` holding only the named types (the provider block is kept whole)."""
    wanted = {"resource_schemas": list(resources), "data_source_schemas": list(data_sources)}
    out: dict[str, Any] = {"format_version": schema.get("format_version", "1.0"), "provider_schemas": {}}
    for address, provider in schema["provider_schemas"].items():
        kept: dict[str, Any] = {"provider": provider["provider"]}
        for kind, names in wanted.items():
            available = provider.get(kind) or {}
            missing = [n for n in names if n not in available]
            if missing:
                raise SchemaError(f"{address} has no {kind[:-8].replace('_', ' ')} {', '.join(missing)}")
            kept[kind] = {n: available[n] for n in names}
        out["provider_schemas"][address] = kept
    return out
