"""Provider rules the schema JSON cannot hold: cross-attribute rules, value validators, conditional replacement.

A channelkit extension, kept apart from the pristine ``terraform providers schema -json``
files: ``schemas/rules/<provider>.json`` holds, per bundled resource and data-source type,
the rules transcribed from the provider's Go source at the bundled version (see
``schemas/PROVENANCE-rules.md``). A type without rules has an explicit empty entry, so
"checked, none" and "not checked" differ.

Paths are schema paths: dotted attribute and block names without indices
(``data_masking_policy.routine``). Cross-attribute rules go through the first instance
of each block on the path, as the SDK's ``data_masking_policy.0.routine`` keys do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SchemaError

__all__ = [
    "CROSS_KINDS",
    "KINDS",
    "VALUE_KINDS",
    "ProviderRules",
    "Rule",
    "TypeRules",
    "load_rules",
    "parse_rules",
]

#: Rules between attributes (SDKv2 ConflictsWith, RequiredWith, ExactlyOneOf, AtLeastOneOf; framework validators).
CROSS_KINDS = frozenset(
    {"conflicts_with", "required_with", "exactly_one_of", "at_least_one_of", "at_least_sum_of", "at_least_one_true"}
)
#: Rules on one attribute's literal value.
VALUE_KINDS = frozenset({"enum", "range", "length", "regex", "json_array"})
#: Every rule kind; ``replace_if`` is carried (for plan review), not validated.
KINDS = CROSS_KINDS | VALUE_KINDS | {"replace_if"}


def _names(keys: tuple[str, ...]) -> str:
    return ", ".join(keys)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Rule:
    """One rule of one resource or data-source type."""

    kind: str
    attribute: str = ""  # the attribute the rule is declared on (schema path); "" for group rules
    keys: tuple[str, ...] = ()  # the other attributes (cross rules) or the group (exactly/at least one of)
    scope: str = ""  # group rules: the block whose instance the group lives in ("" = the resource)
    values: tuple[Any, ...] = ()
    ignore_case: bool = False
    min: float | None = None
    max: float | None = None
    pattern: str = ""
    negate: bool = False
    allow_empty: bool = False  # "" passes (verify.OrEmpty)
    elements: bool = False  # applies to each element of a list/set attribute
    when: str = ""  # replace_if: the condition
    description: str = ""
    source: str = ""  # Go file:line(s) at the recorded commit

    @property
    def declared_on(self) -> str:
        """The schema path whose docstring carries the rule (the scope for group rules)."""
        return self.scope if self.kind in ("exactly_one_of", "at_least_one_of") else self.attribute

    def _relative(self, path: str) -> str:
        if self.kind in ("exactly_one_of", "at_least_one_of"):
            base = self.scope + "." if self.scope else ""
        else:
            base = self.attribute.rsplit(".", 1)[0] + "." if "." in self.attribute else ""
        return path[len(base) :] if base and path.startswith(base) else path

    def doc(self) -> str:
        """The rule as one docstring sentence (names relative to where it is documented)."""
        keys = tuple(self._relative(k) for k in self.keys)
        each = "each element: " if self.elements else ""
        if self.kind == "conflicts_with":
            return f"Conflicts with: {_names(keys)}."
        if self.kind == "required_with":
            return f"Required with: {_names(keys)}."
        if self.kind == "exactly_one_of":
            return f"Exactly one of: {_names(keys)}."
        if self.kind == "at_least_one_of":
            return f"At least one of: {_names(keys)}."
        if self.kind == "at_least_sum_of":
            return f"At least the sum of: {_names(keys)}."
        if self.kind == "at_least_one_true":
            return f"If it and {_names(keys)} are all set, one must be true."
        if self.kind == "enum":
            shown = ", ".join(repr(v) if v == "" else str(v) for v in self.values)
            return f"{each}One of: {shown}" + (" (any case)." if self.ignore_case else ".")
        if self.kind == "range":
            if self.min is not None and self.max is not None:
                return f"{each}Between {_number(self.min)} and {_number(self.max)}."
            if self.min is not None:
                return f"{each}At least {_number(self.min)}."
            return f"{each}At most {_number(self.max)}."
        if self.kind == "length":
            if self.min is not None and self.max is not None:
                return f"{each}Length {_number(self.min)} to {_number(self.max)}."
            if self.min is not None:
                return f"{each}Length at least {_number(self.min)}."
            return f"{each}Length at most {_number(self.max)}."
        if self.kind == "regex":
            verb = "Must not match" if self.negate else "Must match"
            return f"{each}{verb} ``{self.pattern}``" + (' (or "").' if self.allow_empty else ".")
        if self.kind == "json_array":
            return f"{each}A JSON array without null elements."
        return f"Forces replacement when {self.when}."


@dataclass(frozen=True)
class TypeRules:
    """The rules of one type, and where they were read."""

    files: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    not_transcribed: tuple[str, ...] = ()

    def on(self, path: str) -> list[Rule]:
        """The rules documented at schema path ``path`` ("" = the type itself)."""
        return [r for r in self.rules if r.declared_on == path]


@dataclass(frozen=True)
class ProviderRules:
    """One provider's rules file."""

    address: str
    version: str
    repository: str
    ref: str
    commit: str
    resources: dict[str, TypeRules] = field(default_factory=dict)
    data_sources: dict[str, TypeRules] = field(default_factory=dict)


_FIELDS = {
    "kind",
    "attribute",
    "keys",
    "scope",
    "values",
    "ignore_case",
    "min",
    "max",
    "pattern",
    "negate",
    "allow_empty",
    "elements",
    "when",
    "description",
    "source",
}


def _rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: a rule must be an object")
    unknown = set(raw) - _FIELDS
    kind = raw.get("kind")
    if unknown or kind not in KINDS:
        raise SchemaError(f"{where}: bad rule {raw!r} (kind must be one of {', '.join(sorted(KINDS))})")
    group = kind in ("exactly_one_of", "at_least_one_of")
    if group and not raw.get("keys"):
        raise SchemaError(f"{where}: {kind} needs keys")
    if not group and not raw.get("attribute"):
        raise SchemaError(f"{where}: {kind} needs an attribute")
    if kind in CROSS_KINDS and not raw.get("keys"):
        raise SchemaError(f"{where}: {kind} needs keys")
    if kind in ("range", "length") and raw.get("min") is None and raw.get("max") is None:
        raise SchemaError(f"{where}: {kind} needs min or max")
    if kind == "regex" and not raw.get("pattern"):
        raise SchemaError(f"{where}: regex needs a pattern")
    if kind == "enum" and not raw.get("values"):
        raise SchemaError(f"{where}: enum needs values")
    return Rule(
        kind=kind,
        attribute=str(raw.get("attribute", "")),
        keys=tuple(str(k) for k in raw.get("keys", ())),
        scope=str(raw.get("scope", "")),
        values=tuple(raw.get("values", ())),
        ignore_case=bool(raw.get("ignore_case")),
        min=raw.get("min"),
        max=raw.get("max"),
        pattern=str(raw.get("pattern", "")),
        negate=bool(raw.get("negate")),
        allow_empty=bool(raw.get("allow_empty")),
        elements=bool(raw.get("elements")),
        when=str(raw.get("when", "")),
        description=str(raw.get("description", "")),
        source=str(raw.get("source", "")),
    )


def _types(raw: Any, where: str) -> dict[str, TypeRules]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: expected an object of types")
    out = {}
    for name, entry in sorted(raw.items()):
        if not isinstance(entry, dict) or not isinstance(entry.get("rules"), list):
            raise SchemaError(f"{where}.{name}: expected an object with a rules list")
        out[name] = TypeRules(
            files=tuple(entry.get("files", ())),
            rules=tuple(_rule(r, f"{where}.{name}[{i}]") for i, r in enumerate(entry["rules"])),
            not_transcribed=tuple(entry.get("not_transcribed", ())),
        )
    return out


def parse_rules(data: Any, origin: str = "<rules>") -> ProviderRules:
    """A rules document (``schemas/rules/<provider>.json``) as typed rules."""
    if not isinstance(data, dict) or "provider" not in data:
        raise SchemaError(f"{origin}: not a provider rules document (no provider)")
    source = data.get("source") or {}
    return ProviderRules(
        address=str(data["provider"]),
        version=str(data.get("version", "")),
        repository=str(source.get("repository", "")),
        ref=str(source.get("ref", "")),
        commit=str(source.get("commit", "")),
        resources=_types(data.get("resources") or {}, f"{origin} resources"),
        data_sources=_types(data.get("data_sources") or {}, f"{origin} data_sources"),
    )


def load_rules(path: str | Path) -> ProviderRules:
    """Read and parse a rules file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SchemaError(f"cannot read rules {path}: {exc}") from exc
    return parse_rules(data, str(path))
