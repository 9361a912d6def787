"""Provider schemas: the typed model, the bundled files and trimming."""

from __future__ import annotations

from .model import AttributeSchema, BlockSchema, BlockTypeSchema, ProviderSchema, load_schema, parse_schema, parse_type
from .registry import (
    BUNDLED_RULES,
    BUNDLED_SCHEMAS,
    ProviderEntry,
    bundled_providers,
    bundled_rules,
    bundled_schema,
    type_rules,
)
from .rules import ProviderRules, Rule, TypeRules, load_rules, parse_rules

__all__ = [
    "BUNDLED_RULES",
    "BUNDLED_SCHEMAS",
    "AttributeSchema",
    "BlockSchema",
    "BlockTypeSchema",
    "ProviderEntry",
    "ProviderRules",
    "ProviderSchema",
    "Rule",
    "TypeRules",
    "bundled_providers",
    "bundled_rules",
    "bundled_schema",
    "load_rules",
    "load_schema",
    "parse_rules",
    "parse_schema",
    "parse_type",
    "type_rules",
]
