"""The provider schemas bundled with channelkit, and the manifest that lists them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .._files import read_yaml_object
from ..errors import SchemaError
from .model import ProviderSchema, load_schema
from .rules import ProviderRules, TypeRules, load_rules

__all__ = [
    "BUNDLED_RULES",
    "BUNDLED_SCHEMAS",
    "ProviderEntry",
    "bundled_providers",
    "bundled_rules",
    "bundled_schema",
    "type_rules",
]

BUNDLED_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
BUNDLED_RULES = BUNDLED_SCHEMAS / "rules"


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
    def rules_file(self) -> Path:
        """``schemas/rules/<key>.json``: the provider rules (channelkit extension)."""
        return BUNDLED_RULES / f"{self.key}.json"

    @property
    def address(self) -> str:
        """``registry.terraform.io/mongey/kafka``."""
        return "registry.terraform.io/" + self.source.lower()


@functools.cache
def bundled_providers() -> dict[str, ProviderEntry]:
    """The manifest, by package key.

    Raises:
        SchemaError: ``providers.yaml`` cannot be read, is not YAML, or an entry lacks a field.
    """
    path = BUNDLED_SCHEMAS / "providers.yaml"
    manifest = read_yaml_object(path, what="provider manifest", error=SchemaError)
    providers = manifest.get("providers")
    if not isinstance(providers, dict):
        raise SchemaError(f"{path}: 'providers' must be a mapping of package keys to entries")
    out = {}
    for key, raw in providers.items():
        problem = _entry_problem(key, raw)
        if problem:
            raise SchemaError(f"{path}: providers.{key}: {problem}")
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


def _entry_problem(key: object, raw: object) -> str | None:
    """Why one manifest entry is unusable, or None."""
    if not isinstance(raw, dict):
        return "expected a mapping"
    missing = [f for f in ("source", "version", "constraint", "schema") if f not in raw]
    if missing:
        return "missing " + ", ".join(missing)
    if not isinstance(raw["source"], str) or not isinstance(raw["schema"], str):
        return "source and schema must be strings"
    for field in ("resources", "data_sources"):
        value = raw.get(field) or []
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"{field} must be a list of type names"
    return None


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


@functools.cache
def bundled_rules(address: str) -> ProviderRules | None:
    """The bundled rules of the provider at ``address`` (any case); None when it has no rules file."""
    for entry in bundled_providers().values():
        if entry.address == address.lower():
            if not entry.rules_file.is_file():
                return None
            rules = load_rules(entry.rules_file)
            if rules.address.lower() != entry.address:
                raise SchemaError(f"{entry.rules_file} describes {rules.address}, not {entry.address}")
            return rules
    return None


def type_rules(address: str, type_name: str, data: bool = False) -> TypeRules:
    """The rules of one bundled type (empty when none are recorded)."""
    rules = bundled_rules(address)
    if rules is None:
        return TypeRules()
    return (rules.data_sources if data else rules.resources).get(type_name, TypeRules())
