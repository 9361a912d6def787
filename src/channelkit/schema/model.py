"""Typed model of a provider schema (the JSON of ``terraform providers schema -json``).

Read by the generator (to write bindings) and by ``channelkit validate`` (to
check synthesized stacks). Terraform types become hashable tuples:
``["list", "string"]`` → ``("list", "string")``; objects keep a dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import read_json
from ..errors import SchemaError
from .shape import check_document

__all__ = [
    "AttributeSchema",
    "BlockSchema",
    "BlockTypeSchema",
    "ProviderSchema",
    "load_schema",
    "parse_schema",
    "parse_type",
]

_NESTING_MODES = {"single", "list", "set", "map", "group"}


@dataclass(frozen=True)
class AttributeSchema:
    """One attribute of a block."""

    name: str
    type: Any
    description: str = ""
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    deprecated: bool = False
    force_new: bool = False
    write_only: bool = False  # never stored in state or plan; needs terraform >= 1.11

    @property
    def is_input(self) -> bool:
        """Whether a configuration may set it (required or optional)."""
        return self.required or self.optional


@dataclass(frozen=True)
class BlockTypeSchema:
    """A nested block type: how it nests, how many, and its own block."""

    name: str
    nesting: str
    block: BlockSchema
    min_items: int = 0
    max_items: int = 0
    force_new: bool = False  # channelkit extension: a change to the block forces replacement

    @property
    def single(self) -> bool:
        """Whether at most one may appear (nesting ``single``/``group`` or ``max_items == 1``)."""
        return self.nesting in ("single", "group") or (self.nesting in ("list", "set") and self.max_items == 1)


@dataclass(frozen=True)
class BlockSchema:
    """A block: attributes and nested block types."""

    attributes: dict[str, AttributeSchema] = field(default_factory=dict)
    block_types: dict[str, BlockTypeSchema] = field(default_factory=dict)
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class ProviderSchema:
    """One provider's schema."""

    address: str  # registry.terraform.io/hashicorp/aws
    provider: BlockSchema
    resources: dict[str, BlockSchema]
    data_sources: dict[str, BlockSchema]

    @property
    def source(self) -> str:
        """``hashicorp/aws`` for ``registry.terraform.io/hashicorp/aws``."""
        parts = self.address.split("/")
        return "/".join(parts[-2:])

    @property
    def local_name(self) -> str:
        """The provider's local name (``aws``, ``kafka-connect``)."""
        return self.address.split("/")[-1]


def parse_type(raw: Any, where: str) -> Any:
    """A Terraform type from its JSON form."""
    if isinstance(raw, str):
        if raw not in ("string", "number", "bool", "dynamic"):
            raise SchemaError(f"{where}: unknown primitive type {raw!r}")
        return raw
    if isinstance(raw, list) and len(raw) == 2:
        kind, inner = raw
        if kind in ("list", "set", "map"):
            return (kind, parse_type(inner, where))
        if kind == "object" and isinstance(inner, dict):
            return ("object", {k: parse_type(v, where) for k, v in sorted(inner.items())})
        if kind == "tuple" and isinstance(inner, list):
            return ("tuple", tuple(parse_type(v, where) for v in inner))
    raise SchemaError(f"{where}: malformed type {raw!r}")


def _nested_type(raw: dict[str, Any], where: str) -> Any:
    """The object type a framework ``nested_type`` attribute stands for."""
    attrs = raw.get("attributes") or {}
    obj = (
        "object",
        {
            name: (
                _nested_type(a["nested_type"], f"{where}.{name}")
                if "nested_type" in a
                else parse_type(a["type"], where)
            )
            for name, a in sorted(attrs.items())
        },
    )
    mode = raw.get("nesting_mode", "single")
    return obj if mode == "single" else (mode, obj)


def _attribute(name: str, raw: dict[str, Any], where: str) -> AttributeSchema:
    if "nested_type" in raw:
        tf_type = _nested_type(raw["nested_type"], f"{where}.{name}")
    elif "type" in raw:
        tf_type = parse_type(raw["type"], f"{where}.{name}")
    else:
        raise SchemaError(f"{where}.{name}: attribute has neither type nor nested_type")
    attr = AttributeSchema(
        name=name,
        type=tf_type,
        description=raw.get("description", "") or "",
        required=bool(raw.get("required")),
        optional=bool(raw.get("optional")),
        computed=bool(raw.get("computed")),
        sensitive=bool(raw.get("sensitive")),
        deprecated=bool(raw.get("deprecated")),
        force_new=bool(raw.get("force_new")),
        write_only=bool(raw.get("write_only")),
    )
    if not (attr.required or attr.optional or attr.computed):
        raise SchemaError(f"{where}.{name}: attribute is neither required, optional nor computed")
    return attr


def _block(raw: dict[str, Any], where: str) -> BlockSchema:
    block_types = {}
    for name, bt in sorted((raw.get("block_types") or {}).items()):
        nesting = bt.get("nesting_mode")
        if nesting not in _NESTING_MODES:
            raise SchemaError(f"{where}.{name}: unknown nesting_mode {nesting!r}")
        block_types[name] = BlockTypeSchema(
            name=name,
            nesting=nesting,
            block=_block(bt.get("block") or {}, f"{where}.{name}"),
            min_items=int(bt.get("min_items", 0)),
            max_items=int(bt.get("max_items", 0)),
            force_new=bool(bt.get("force_new")),
        )
    return BlockSchema(
        attributes={n: _attribute(n, a, where) for n, a in sorted((raw.get("attributes") or {}).items())},
        block_types=block_types,
        description=raw.get("description", "") or "",
        deprecated=bool(raw.get("deprecated")),
    )


def parse_schema(data: dict[str, Any], origin: str = "<schema>") -> dict[str, ProviderSchema]:
    """Every provider in a parsed schema document, by address.

    Raises:
        SchemaError: the document is not a provider schema (see :func:`channelkit.schema.shape.check_document`).
    """
    check_document(data, origin)
    out = {}
    for address, raw in sorted(data["provider_schemas"].items()):
        out[address] = ProviderSchema(
            address=address,
            provider=_block((raw.get("provider") or {}).get("block") or {}, f"{address} provider"),
            resources={n: _block(r["block"], n) for n, r in sorted((raw.get("resource_schemas") or {}).items())},
            data_sources={
                n: _block(r["block"], f"data.{n}") for n, r in sorted((raw.get("data_source_schemas") or {}).items())
            },
        )
    return out


def load_schema(path: str | Path) -> dict[str, ProviderSchema]:
    """Read and parse a schema file."""
    path = Path(path)
    return parse_schema(read_json(path, what="schema", error=SchemaError), str(path))
