"""Provider schemas: the typed model, the bundled files and trimming."""

from __future__ import annotations

from .model import AttributeSchema, BlockSchema, BlockTypeSchema, ProviderSchema, load_schema, parse_schema, parse_type
from .registry import BUNDLED_SCHEMAS, ProviderEntry, bundled_providers, bundled_schema

__all__ = [
    "BUNDLED_SCHEMAS",
    "AttributeSchema",
    "BlockSchema",
    "BlockTypeSchema",
    "ProviderEntry",
    "ProviderSchema",
    "bundled_providers",
    "bundled_schema",
    "load_schema",
    "parse_schema",
    "parse_type",
]
