"""The provider schemas bundled with channelkit, and the manifest that lists them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import SchemaError
from .model import ProviderSchema, load_schema

__all__ = ["BUNDLED_SCHEMAS", "ProviderEntry", "bundled_providers", "bundled_schema"]

BUNDLED_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@dataclass(frozen=True)
class ProviderEntry:
    """One provider in ``schemas/providers.yaml``."""

    key: str  # Python package name under channelkit.providers
    source: str  # Mongey/kafka
    version: str  # the version the schema describes
    constraint: str  # written into required_providers
    schema_file: Path
    resources: tuple[str, ...]
    data_sources: tuple[str, ...]

    @property
    def address(self) -> str:
        """``registry.terraform.io/mongey/kafka``."""
        return "registry.terraform.io/" + self.source.lower()


@functools.cache
def bundled_providers() -> dict[str, ProviderEntry]:
    """The manifest, by package key."""
    manifest = yaml.safe_load((BUNDLED_SCHEMAS / "providers.yaml").read_text(encoding="utf-8"))
    out = {}
    for key, raw in manifest["providers"].items():
        out[key] = ProviderEntry(
            key=key,
            source=raw["source"],
            version=str(raw["version"]),
            constraint=str(raw["constraint"]),
            schema_file=BUNDLED_SCHEMAS / raw["schema"],
            resources=tuple(raw.get("resources") or ()),
            data_sources=tuple(raw.get("data_sources") or ()),
        )
    return out


@functools.cache
def bundled_schema(address: str) -> ProviderSchema:
    """The bundled schema of the provider at ``address`` (any case)."""
    for entry in bundled_providers().values():
        if entry.address == address.lower():
            schemas = load_schema(entry.schema_file)
            for found_address, schema in schemas.items():
                if found_address.lower() == entry.address:
                    return schema
            raise SchemaError(f"{entry.schema_file} does not describe {entry.address}")
    raise SchemaError(f"no bundled schema for provider {address}")
