"""``channelkit validate``: check synthesized stacks against the provider schemas, offline.

For every stack in a cdktf output directory, every provider, resource and
data block is checked against the bundled schema of its provider:

- unknown attributes and blocks, and computed-only attributes that are set;
- missing required attributes and blocks;
- type mismatches (following Terraform's conversions: ``"3"`` is a number);
- block cardinality (nesting mode, min/max items);
- references (``${aws_s3_bucket.x.arn}``) to resources, data sources,
  variables or locals that the stack does not define, or to attributes the
  referenced type does not have;
- the provider rules the schema JSON cannot hold (conflicting or missing
  companion attributes, exactly/at least one of a group, literal values out of
  range, not in an enum or not matching a pattern) and references to
  write-only attributes: see :mod:`channelkit.validate_rules`.
- template sequences (``${``, ``%{``) left unescaped in user text: descriptions,
  comments, labels, tags (:mod:`channelkit.validate_text`).

Stacks whose providers are all present in the local provider mirror are
then run through the real ``terraform init`` and ``terraform validate``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cdktf_out import load_stack, stack_files
from .errors import ChannelkitError, SchemaError, TerraformError
from .schema.model import BlockSchema, ProviderSchema
from .schema.registry import bundled_schema
from .validate_rules import rule_findings, write_only_findings
from .validate_text import template_findings

__all__ = ["Finding", "StackReport", "ValidationReport", "validate_output", "validate_stack_document"]

_META_KEYS = {"//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection", "dynamic"}
_PROVIDER_META = {"//", "alias", "version"}
_INTERPOLATION = re.compile(r"(?<!\$)\$\{((?:[^{}]|\{[^{}]*\})*)\}")
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_REFERENCE = re.compile(
    r"(?<![\w.\-])(data\.)?([a-zA-Z][a-zA-Z0-9_\-]*)\.([a-zA-Z_][a-zA-Z0-9_\-]*)((?:\.[a-zA-Z_][a-zA-Z0-9_\-]*)?)"
)
_NOT_RESOURCES = {"var", "local", "module", "each", "count", "self", "path", "terraform", "data"}


@dataclass(frozen=True)
class Finding:
    """One problem: where (stack → block → attribute) and what."""

    stack: str
    block: str  # e.g. kafka_topic.orders, data.aws_region.here, provider.kafka
    attribute: str
    message: str

    def render(self) -> str:
        """``stack → block → attribute: message``."""
        where = " → ".join(p for p in (self.stack, self.block, self.attribute) if p)
        return f"{where}: {self.message}"


@dataclass
class StackReport:
    """What was checked in one stack."""

    name: str
    path: Path
    blocks_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    terraform: str = "skipped"  # "passed", "failed: …", "skipped (…)"


@dataclass
class ValidationReport:
    """The outcome of validating an output directory."""

    stacks: list[StackReport] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every stack."""
        return [f for s in self.stacks for f in s.findings]

    @property
    def ok(self) -> bool:
        """No schema finding, and terraform passed wherever it ran."""
        return not self.findings and not any(s.terraform.startswith("failed") for s in self.stacks)

    def lines(self) -> list[str]:
        """Human-readable report."""
        out = []
        for stack in self.stacks:
            out.append(
                f"{stack.name}: {stack.blocks_checked} blocks checked, {len(stack.findings)} findings, "
                f"terraform validate {stack.terraform}"
            )
            out += [f"  {f.render()}" for f in stack.findings]
        out.append("ok" if self.ok else f"FAILED: {len(self.findings)} findings")
        return out


# ---------------------------------------------------------------- values and types


def _is_interpolated(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("${") and value.endswith("}") and value.count("${") == 1


def _type_problem(tf_type: Any, value: Any) -> str | None:
    """None when Terraform could convert ``value`` to ``tf_type``, else why not."""
    if _is_interpolated(value) or value is None:
        return None
    if isinstance(tf_type, str):
        if tf_type == "dynamic":
            return None
        if isinstance(value, dict | list):
            return f"expected {tf_type}, got {'an object' if isinstance(value, dict) else 'a list'}"
        if tf_type == "number" and isinstance(value, str) and "${" not in value:
            try:
                float(value)
            except ValueError:
                return f"expected number, got string {value!r}"
        if tf_type == "bool" and isinstance(value, str) and "${" not in value and value not in ("true", "false"):
            return f"expected bool, got string {value!r}"
        if tf_type == "bool" and isinstance(value, int | float) and not isinstance(value, bool):
            return f"expected bool, got number {value!r}"
        return None
    kind, inner = tf_type
    if kind in ("list", "set", "tuple"):
        if not isinstance(value, list):
            return f"expected {kind}, got {type(value).__name__}"
        if kind == "tuple":
            return None
        for item in value:
            problem = _type_problem(inner, item)
            if problem:
                return f"element: {problem}"
        return None
    if not isinstance(value, dict):
        return f"expected {kind}, got {type(value).__name__}"
    for key, item in value.items():
        if kind == "object" and key not in inner:
            return f"object has no attribute {key!r}"
        problem = _type_problem(inner[key] if kind == "object" else inner, item)
        if problem:
            return f"{key}: {problem}"
    return None


def _check_block(schema: BlockSchema, body: Any, where: tuple[str, str, str], meta: set[str]) -> Iterator[Finding]:
    stack, block, prefix = where

    def finding(attr: str, message: str) -> Finding:
        return Finding(stack, block, f"{prefix}{attr}", message)

    if not isinstance(body, dict):
        yield finding("", f"expected an object, got {type(body).__name__}")
        return
    for key, value in body.items():
        if key in meta:
            continue
        attr = schema.attributes.get(key)
        if attr is not None:
            if not attr.is_input:
                yield finding(key, "is computed by the provider and cannot be set")
                continue
            problem = _type_problem(attr.type, value)
            if problem:
                yield finding(key, problem)
            continue
        block_type = schema.block_types.get(key)
        if block_type is None:
            allowed = sorted(n for n, a in schema.attributes.items() if a.is_input) + sorted(schema.block_types)
            yield finding(key, "unknown attribute or block; allowed: " + (", ".join(allowed) or "none"))
            continue
        if _is_interpolated(value):
            continue
        if block_type.nesting == "map":
            items = list(value.values()) if isinstance(value, dict) else None
        elif block_type.nesting in ("single", "group"):
            items = [value] if isinstance(value, dict) else None
        else:
            items = [value] if isinstance(value, dict) else value if isinstance(value, list) else None
        if items is None:
            yield finding(key, f"block ({block_type.nesting}) must be an object or a list of objects")
            continue
        if len(items) < block_type.min_items or (block_type.max_items and len(items) > block_type.max_items):
            most = block_type.max_items or "any"
            yield finding(key, f"{len(items)} blocks given; allowed between {block_type.min_items} and {most}")
        for index, item in enumerate(items):
            label = f"{key}[{index}]." if len(items) > 1 else f"{key}."
            yield from _check_block(block_type.block, item, (stack, block, prefix + label), {"//"})
    for name, attr in schema.attributes.items():
        if attr.required and name not in body:
            yield finding(name, "required attribute is missing")
    for name, block_type in schema.block_types.items():
        if block_type.min_items and name not in body and "dynamic" not in body:
            yield finding(name, f"required block is missing (at least {block_type.min_items})")


# ---------------------------------------------------------------- references


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "//":
                yield from _strings(item)


def _references(text: str) -> Iterator[tuple[bool, str, str, str]]:
    """(is_data, type, name, attribute) for each reference in the interpolations of ``text``."""
    for expression in _INTERPOLATION.findall(text):
        expression = _STRING_LITERAL.sub('""', expression)
        for match in _REFERENCE.finditer(expression):
            is_data, first, second, attr = match.groups()
            yield bool(is_data), first, second, attr.lstrip(".")


# ---------------------------------------------------------------- stacks


def _provider_for(type_name: str, local_names: list[str]) -> str | None:
    matches = [n for n in local_names if type_name.startswith(n + "_")]
    return max(matches, key=len) if matches else None


def _address(source: str) -> str:
    parts = source.lower().split("/")
    if len(parts) == 1:
        parts = ["hashicorp", *parts]
    if len(parts) == 2:
        parts = ["registry.terraform.io", *parts]
    return "/".join(parts)


def validate_stack_document(doc: dict[str, Any], stack: str) -> tuple[int, list[Finding]]:
    """Check one synthesized stack; return (blocks checked, findings)."""
    findings: list[Finding] = []
    required = (doc.get("terraform") or {}).get("required_providers") or {}
    schemas: dict[str, ProviderSchema] = {}
    for local, spec in required.items():
        source = spec.get("source", local) if isinstance(spec, dict) else local
        try:
            schemas[local] = bundled_schema(_address(source))
        except SchemaError as exc:
            findings.append(Finding(stack, f"provider.{local}", "", f"cannot check: {exc}"))
    checked = 0
    for local, configs in (doc.get("provider") or {}).items():
        schema = schemas.get(local)
        if schema is None:
            if local not in required:
                findings.append(Finding(stack, f"provider.{local}", "", "provider is not in required_providers"))
            continue
        for config in configs if isinstance(configs, list) else [configs]:
            checked += 1
            findings += _check_block(schema.provider, config, (stack, f"provider.{local}", ""), _PROVIDER_META)
    defined: dict[tuple[bool, str], set[str]] = {}
    for is_data, section in ((False, "resource"), (True, "data")):
        for type_name, blocks in (doc.get(section) or {}).items():
            defined[(is_data, type_name)] = set(blocks)
    for is_data, section in ((False, "resource"), (True, "data")):
        for type_name, blocks in (doc.get(section) or {}).items():
            local = _provider_for(type_name, list(schemas))
            schema = schemas.get(local) if local else None
            table = None if schema is None else (schema.data_sources if is_data else schema.resources)
            for name, body in blocks.items():
                label = f"{'data.' if is_data else ''}{type_name}.{name}"
                checked += 1
                if table is None:
                    findings.append(Finding(stack, label, "", f"no provider in required_providers serves {type_name}"))
                elif type_name not in table:
                    findings.append(Finding(stack, label, "", f"{local} has no {section} type {type_name}"))
                else:
                    findings += _check_block(table[type_name], body, (stack, label, ""), _META_KEYS)
    findings += _check_references(doc, stack, defined, schemas)
    findings += _provider_reference_findings(doc, stack)
    findings += rule_findings(doc, stack, schemas) + write_only_findings(doc, stack, schemas)
    findings += [Finding(stack, *found) for found in template_findings(doc)]
    return checked, findings


def _provider_reference_findings(doc: dict[str, Any], stack: str) -> list[Finding]:
    """Each ``provider = "<local>[.<alias>]"`` of a resource or data source names a provider block of the stack."""
    declared: set[str] = set()
    for local, configs in (doc.get("provider") or {}).items():
        for config in configs if isinstance(configs, list) else [configs]:
            alias = config.get("alias") if isinstance(config, dict) else None
            declared.add(f"{local}.{alias}" if alias else local)
    findings = []
    for is_data, section in ((False, "resource"), (True, "data")):
        for type_name, blocks in (doc.get(section) or {}).items():
            for name, body in (blocks or {}).items():
                ref = body.get("provider") if isinstance(body, dict) else None
                if isinstance(ref, str) and ref not in declared and ("." in ref or ref in (doc.get("provider") or {})):
                    label = f"{'data.' if is_data else ''}{type_name}.{name}"
                    findings.append(Finding(stack, label, "provider",
                                            f"{ref!r} is not a provider of this stack ({', '.join(sorted(declared))})"))
    return findings


def _check_references(
    doc: dict[str, Any], stack: str, defined: dict[tuple[bool, str], set[str]], schemas: dict[str, ProviderSchema]
) -> list[Finding]:
    findings = []
    variables = set(doc.get("variable") or {})
    locals_ = set(doc.get("locals") or {})
    for label, value in _labelled_blocks(doc):
        for text in _strings(value):
            for is_data, first, second, attr in _references(text):
                problem = _reference_problem(is_data, first, second, attr, defined, variables, locals_, schemas)
                if problem:
                    findings.append(Finding(stack, label, "", problem))
    return sorted(set(findings), key=lambda f: (f.block, f.message))


def _labelled_blocks(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(label, body) of every block that may hold references."""
    for section, prefix in (("resource", ""), ("data", "data.")):
        for type_name, blocks in (doc.get(section) or {}).items():
            for name, body in blocks.items():
                yield f"{prefix}{type_name}.{name}", body
    for section in ("output", "provider", "locals"):
        for key, value in (doc.get(section) or {}).items():
            yield f"{section}.{key}", value


def _reference_problem(
    is_data: bool,
    first: str,
    second: str,
    attr: str,
    defined: dict[tuple[bool, str], set[str]],
    variables: set[str],
    locals_: set[str],
    schemas: dict[str, ProviderSchema],
) -> str | None:
    if not is_data:
        if first == "var":
            return None if second in variables else f"reference to undefined variable var.{second}"
        if first == "local":
            return None if second in locals_ else f"reference to undefined local local.{second}"
        if first in _NOT_RESOURCES:
            return None
    if "_" not in first and (False, first) not in defined:
        return None  # not a resource-shaped name (e.g. an attribute chain like each.value.x)
    names = defined.get((is_data, first))
    ref = f"{'data.' if is_data else ''}{first}.{second}"
    if not names or second not in names:
        return f"reference to {ref}, which this stack does not define"
    local = _provider_for(first, list(schemas))
    if attr and local:
        table = schemas[local].data_sources if is_data else schemas[local].resources
        block = table.get(first)
        if block is not None and attr not in block.attributes and attr not in block.block_types:
            return f"reference to {ref}.{attr}: {first} has no attribute {attr!r}"
    return None


def _terraform_check(stack_file: Path, doc: dict[str, Any]) -> str:
    from .terraform import TerraformRunner, find_mirror, mirrored_providers

    mirror = find_mirror(required=False)
    if mirror is None:
        return "skipped (no provider mirror found)"
    available = {p.source for p in mirrored_providers(mirror)}
    required = (doc.get("terraform") or {}).get("required_providers") or {}
    missing = sorted(
        s for s in (_address(v.get("source", k)) for k, v in required.items()) if s not in available
    )
    if missing:
        return "skipped (not in the local mirror: " + ", ".join(m.split("/", 1)[1] for m in missing) + ")"
    with tempfile.TemporaryDirectory(prefix="channelkit-validate-") as tmp:
        shutil.copy(stack_file, Path(tmp) / "main.tf.json")
        for asset in ("assets",):
            if (stack_file.parent / asset).is_dir():
                shutil.copytree(stack_file.parent / asset, Path(tmp) / asset)
        runner = TerraformRunner(Path(tmp), mirror=mirror)
        try:
            runner.init()
            runner.validate()
        except TerraformError as exc:
            return "failed: " + " ".join(str(exc).split())[:600]
        finally:
            runner.close()
    return "passed"


def validate_output(directory: Path | str = "cdktf.out", *, run_terraform: bool = True) -> ValidationReport:
    """Validate every stack under a cdktf output directory.

    Raises:
        ChannelkitError: no stacks; OutputError: the manifest or a stack cannot be read or is not Terraform JSON.
    """
    directory = Path(directory)
    stacks = stack_files(directory)
    if not stacks:
        raise ChannelkitError(f"no synthesized stacks in {directory}; run `cdktf synth` or `python main.py` first")
    report = ValidationReport()
    for name, path in stacks:
        doc = load_stack(path, name)
        stack_report = StackReport(name, path)
        stack_report.blocks_checked, stack_report.findings = validate_stack_document(doc, name)
        if run_terraform and not stack_report.findings:
            stack_report.terraform = _terraform_check(path, doc)
        elif run_terraform:
            stack_report.terraform = "skipped (schema findings first)"
        report.stacks.append(stack_report)
    return report
