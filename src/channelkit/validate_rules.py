"""The provider rules part of ``channelkit validate``: what the schema JSON cannot say.

For every resource and data block of a synthesized stack whose type has bundled rules
(:mod:`channelkit.schema.rules`), this reports:

- attributes set together that conflict (``ConflictsWith``);
- an attribute set without the ones it requires (``RequiredWith``);
- a group with none or more than one set (``ExactlyOneOf``) or none set (``AtLeastOneOf``);
- literal values out of range, not in an enum, of the wrong length, not matching a
  pattern, or not a JSON array.

Values that hold a Terraform expression (``${...}``) are unknown until plan and are
skipped by the value checks; for "is it set" they count as set, as in the SDK.
``replace_if`` rules are carried for plan review and never reported here.
References to write-only attributes are reported too: their value is never stored.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .schema.model import BlockSchema, ProviderSchema
from .schema.registry import type_rules
from .schema.rules import Rule, TypeRules

if TYPE_CHECKING:
    from .validate import Finding

__all__ = ["rule_findings", "rule_problem", "value_problem", "write_only_findings"]

_MISSING = object()


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _instances(value: Any) -> list[Any]:
    """The instances of a block value in cdktf JSON (an object or a list of objects)."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return [value] if isinstance(value, dict) else []


def _first(body: Any, path: str) -> Any:
    """The value at ``path`` through the first instance of each block; _MISSING when unset."""
    current = body
    for part in path.split("."):
        instances = _instances(current)
        if not instances or part not in instances[0] or instances[0][part] is None:
            return _MISSING
        current = instances[0][part]
    if isinstance(current, list) and not current:
        return _MISSING
    return current


def _every(body: Any, path: str) -> Iterator[Any]:
    """Every value at ``path`` through every instance of each block."""
    head, _, rest = path.partition(".")
    for instance in _instances(body):
        if head not in instance or instance[head] is None:
            continue
        if rest:
            yield from _every(instance[head], rest)
        else:
            yield instance[head]


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # Go's RE2 ``$`` (without the m flag) matches only at the very end; Python's also before a final newline.
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def value_problem(rule: Rule, value: Any) -> str | None:
    """None when the literal ``value`` satisfies the value rule, else why not."""
    if value is None or _is_expression(value):
        return None
    if rule.kind == "enum":
        allowed = [str(v) for v in rule.values]
        text = str(value).lower() if rule.ignore_case else str(value)
        if text in ([a.lower() for a in allowed] if rule.ignore_case else allowed):
            return None
        shown = ", ".join(repr(a) if a == "" else a for a in allowed)
        return f"{value!r} is not one of {shown}"
    if rule.kind == "range":
        number = _number(value)
        if number is None:
            return None  # the type check reports it
        if (rule.min is not None and number < rule.min) or (rule.max is not None and number > rule.max):
            return f"{value!r} is out of range ({rule.doc().rstrip('.').lower()})"
        return None
    if not isinstance(value, str):
        return None
    if rule.kind == "length":
        if (rule.min is not None and len(value) < rule.min) or (rule.max is not None and len(value) > rule.max):
            return f"{value!r} has {len(value)} characters ({rule.doc().rstrip('.').lower()})"
        return None
    if rule.kind == "regex":
        if rule.allow_empty and value == "":
            return None
        found = _compiled(rule.pattern).search(value) is not None
        if found == rule.negate:
            return f"{value!r} {'matches' if rule.negate else 'does not match'} {rule.pattern}"
        return None
    if rule.kind == "json_array":
        try:
            parsed = json.loads(value)
        except ValueError:
            return f"{value[:60]!r} is not valid JSON"
        if not isinstance(parsed, list) or any(item is None for item in parsed):
            return "is not a JSON array without null elements"
    return None


def _set(body: Any, path: str) -> bool:
    return _first(body, path) is not _MISSING


def _scope_present(body: Any, scope: str) -> bool:
    return not scope or bool(_instances(_first(body, scope)))


def rule_problem(rule: Rule, body: dict[str, Any]) -> tuple[str, str] | None:
    """(attribute path, message) when the cross-attribute ``rule`` is violated by ``body``, else None."""
    if rule.kind == "conflicts_with":
        if not _set(body, rule.attribute):
            return None
        clash = [k for k in rule.keys if _set(body, k) and not _is_expression(_first(body, k))]
        if clash:
            return rule.attribute, f"conflicts with {', '.join(clash)}: set only one (provider rule ConflictsWith)"
        return None
    if rule.kind == "required_with":
        if not _set(body, rule.attribute):
            return None
        missing = [k for k in rule.keys if not _set(body, k)]
        if missing:
            return rule.attribute, f"requires {', '.join(missing)} to be set too (provider rule RequiredWith)"
        return None
    if rule.kind in ("exactly_one_of", "at_least_one_of"):
        if not _scope_present(body, rule.scope):
            return None
        given = [k for k in rule.keys if _set(body, k)]
        if rule.kind == "exactly_one_of" and len(given) != 1:
            got = "none" if not given else ", ".join(given)
            names = ", ".join(rule.keys)
            return rule.scope, f"exactly one of {names} must be set; got {got} (provider rule ExactlyOneOf)"
        if rule.kind == "at_least_one_of" and not given:
            return rule.scope, f"at least one of {', '.join(rule.keys)} must be set (provider rule AtLeastOneOf)"
        return None
    if rule.kind == "at_least_sum_of":
        total = 0.0
        for key in (rule.attribute, *rule.keys):
            value = _first(body, key)
            number = 0.0 if value is _MISSING and key != rule.attribute else _number(value)
            if number is None:
                return None
            if key == rule.attribute:
                own = number
            else:
                total += number
        if own < total:
            names = ", ".join(rule.keys)
            return rule.attribute, f"{_number_text(own)} is less than the sum of {names} ({_number_text(total)})"
        return None
    if rule.kind == "at_least_one_true":
        values = [_first(body, k) for k in (rule.attribute, *rule.keys)]
        if all(v is False or v == "false" for v in values):
            return rule.attribute, f"{rule.attribute} and {', '.join(rule.keys)} are all false; one must be true"
    return None


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _type_findings(rules: TypeRules, body: Any, where: tuple[str, str]) -> Iterator[Finding]:
    from .validate import Finding

    stack, label = where
    if not isinstance(body, dict):
        return
    for rule in rules.rules:
        if rule.kind in ("replace_if",):
            continue
        if rule.kind in ("enum", "range", "length", "regex", "json_array"):
            for value in _every(body, rule.attribute):
                items = value if rule.elements and isinstance(value, list) else [value]
                for item in items:
                    problem = value_problem(rule, item)
                    if problem:
                        yield Finding(stack, label, rule.attribute, f"{problem} (provider rule)")
            continue
        found = rule_problem(rule, body)
        if found:
            yield Finding(stack, label, found[0], found[1])


def rule_findings(doc: dict[str, Any], stack: str, schemas: dict[str, ProviderSchema]) -> list[Finding]:
    """Every provider-rule violation of the resource and data blocks of one stack document."""
    from .validate import _provider_for

    findings: list[Finding] = []
    for is_data, section in ((False, "resource"), (True, "data")):
        for type_name, blocks in (doc.get(section) or {}).items():
            local = _provider_for(type_name, list(schemas))
            if local is None or not isinstance(blocks, dict):
                continue
            rules = type_rules(schemas[local].address, type_name, is_data)
            if not rules.rules:
                continue
            for name, body in blocks.items():
                label = f"{'data.' if is_data else ''}{type_name}.{name}"
                findings += _type_findings(rules, body, (stack, label))
    return findings


def _write_only(block: BlockSchema) -> set[str]:
    return {name for name, attr in block.attributes.items() if attr.write_only}


def write_only_findings(doc: dict[str, Any], stack: str, schemas: dict[str, ProviderSchema]) -> list[Finding]:
    """References to write-only attributes: Terraform never stores them, so a reference is always null."""
    from .validate import Finding, _labelled_blocks, _provider_for, _references, _strings

    findings = set()
    for label, value in _labelled_blocks(doc):
        for text in _strings(value):
            for is_data, first, second, attr in _references(text):
                local = _provider_for(first, list(schemas))
                if not attr or local is None:
                    continue
                table = schemas[local].data_sources if is_data else schemas[local].resources
                block = table.get(first)
                if block is not None and attr in _write_only(block):
                    ref = f"{'data.' if is_data else ''}{first}.{second}.{attr}"
                    findings.add(Finding(stack, label, "", f"reference to {ref}: {attr} is write-only (never stored)"))
    return sorted(findings, key=lambda f: (f.block, f.message))
