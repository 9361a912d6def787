"""Generator entry points used by the CLI and by CI's regeneration check."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SchemaError
from ..schema.model import ProviderSchema, load_schema
from ..schema.registry import bundled_providers
from ..schema.rules import ProviderRules, load_rules
from .model import build_package
from .render import RenderResult, _stderr_progress, render_package, render_providers_init

__all__ = ["DEFAULT_OUT", "GenerateReport", "generate_all", "generate_provider", "pick_provider"]

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "providers"


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
    """
    schema = pick_provider(load_schema(schema_file), source)
    unknown = [r for r in resources or [] if r not in schema.resources]
    unknown += [d for d in data_sources or [] if d not in schema.data_sources]
    if unknown:
        raise SchemaError(f"{schema_file}: {schema.address} has no type {', '.join(unknown)}")
    package_key = key or schema.local_name.replace("-", "_")
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
