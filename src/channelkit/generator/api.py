"""Generator entry points used by the CLI and by CI's regeneration check."""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProblemCollector, SchemaError, ValidationError
from ..schema.model import ProviderSchema, load_schema
from ..schema.registry import bundled_providers
from ..schema.rules import ProviderRules, load_rules
from .model import build_package
from .render import RenderResult, _stderr_progress, render_package, render_providers_init

__all__ = ["DEFAULT_OUT", "GenerateReport", "check_arguments", "generate_all", "generate_provider", "pick_provider"]

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "providers"
_KEY_MAX = 64
_KEY = re.compile(rf"[a-z][a-z0-9_]{{0,{_KEY_MAX - 1}}}")
_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_VERSION = re.compile(r"\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
_CONSTRAINT = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*" + _VERSION.pattern + r"\s*")


@dataclass
class GenerateReport:
    """What one provider's generation produced."""

    key: str
    source: str
    resources: int
    data_sources: int
    result: RenderResult


def pick_provider(schemas: dict[str, ProviderSchema], source: str) -> ProviderSchema:
    """The provider in ``schemas`` whose address ends with ``source`` (case-insensitive)."""
    wanted = source.lower().removeprefix("registry.terraform.io/")
    for address, schema in schemas.items():
        if address.lower().endswith("/" + wanted) or address.lower() == wanted:
            return schema
    raise SchemaError(f"the schema has no provider {source!r}; it has: {', '.join(sorted(schemas))}")


def generate_provider(
    schema_file: Path,
    source: str,
    out_dir: Path,
    *,
    key: str | None = None,
    version: str = "0.0.0",
    constraint: str | None = None,
    resources: list[str] | None = None,
    data_sources: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    rules: ProviderRules | None = None,
) -> GenerateReport:
    """Generate the bindings of one provider in ``schema_file`` into ``out_dir/<key>``.

    ``rules`` (a provider rules file, see :mod:`channelkit.schema.rules`) puts the
    provider's rules into the docstrings.

    Raises:
        SchemaError: the schema cannot be read, has no such provider, or no such type.
        ValidationError: a bad ``key`` (not a Python package name), ``version`` or ``constraint``.
        FileError: ``out_dir`` cannot be created or written (e.g. it is under a regular file).
    """
    schema = pick_provider(load_schema(schema_file), source)
    package_key = key if key is not None else schema.local_name.replace("-", "_")
    check_arguments(package_key, version, constraint, schema.local_name, derived_key=key is None)
    unknown = [r for r in resources or [] if r not in schema.resources]
    unknown += [d for d in data_sources or [] if d not in schema.data_sources]
    if unknown:
        raise SchemaError(f"{schema_file}: {schema.address} has no type {', '.join(unknown)}")
    model = build_package(
        schema,
        key=package_key,
        version=version,
        constraint=constraint or f">= {version}",
        resources=resources,
        data_sources=data_sources,
        rules=rules,
    )
    result = render_package(model, out_dir, progress=progress)
    kinds = [m.kind for m in model.modules]
    return GenerateReport(package_key, schema.source, kinds.count("resource"), kinds.count("data source"), result)


def check_arguments(
    key: str, version: str, constraint: str | None, local_name: str, *, derived_key: bool = False
) -> None:
    """Raise one ValidationError listing every bad generator argument.

    ``key`` becomes the package ``channelkit.providers.<key>`` (the keys of ``schemas/providers.yaml``:
    ``aws``, ``kafka_connect``...), so it must be a lower-case Python identifier that is not a keyword.
    ``version`` and ``constraint`` are written into the generated modules, so they must be a Terraform
    version (``1.2.3``, ``5.100.0-beta1``) and version constraint (``~> 5.100``, ``>= 1.0, < 2.0``).
    """
    problems = ProblemCollector("generate")
    field = "key (derived from the provider's local name; give --key)" if derived_key else "key"
    problems.check(isinstance(key, str) and bool(_KEY.fullmatch(key)) and not keyword.iskeyword(key), field, key,
                   "a Python package name: a lower-case letter, then lower-case letters, digits and '_' "
                   f"(at most {_KEY_MAX} characters, not a Python keyword), e.g. kafka_connect")
    problems.check(bool(_PROVIDER_NAME.fullmatch(local_name)), "provider", local_name,
                   "a provider type name of lower-case letters, digits and '-'")
    problems.check(isinstance(version, str) and bool(_VERSION.fullmatch(version)), "version", version,
                   "a version such as 1.2.3 or 5.100.0-beta1")
    if constraint is not None:
        ok = isinstance(constraint, str) and all(_CONSTRAINT.fullmatch(part) for part in constraint.split(","))
        problems.check(ok, "constraint", constraint,
                       "a Terraform version constraint such as '~> 5.100' or '>= 1.0, < 2.0'")
    problems.raise_if_any(ValidationError, "invalid generator arguments")


def generate_all(out_dir: Path = DEFAULT_OUT) -> list[GenerateReport]:
    """Regenerate every provider in the bundled manifest (what CI checks for drift)."""
    reports = []
    entries = bundled_providers()
    for entry in entries.values():
        print(f"{entry.source} {entry.version}:", file=sys.stderr)
        schema = pick_provider(load_schema(entry.schema_file), entry.source)
        reports.append(
            generate_provider(
                entry.schema_file,
                entry.source,
                out_dir,
                key=entry.key,
                version=entry.version,
                constraint=entry.constraint,
                resources=list(entry.resources) or sorted(schema.resources),
                data_sources=list(entry.data_sources),
                progress=_stderr_progress,
                rules=load_rules(entry.rules_file) if entry.rules_file.is_file() else None,
            )
        )
    render_providers_init(out_dir, list(entries))
    return reports
