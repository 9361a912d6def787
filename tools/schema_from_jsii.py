#!/usr/bin/env python3
"""Rebuild ``terraform providers schema -json`` output from a prebuilt CDK Terrain provider wheel.

The prebuilt provider packages on PyPI (``cdktn-provider-google`` and friends) ship a jsii assembly
(``package/.jsii`` inside ``<pkg>/_jsii/*.jsii.tgz``) that was generated from the provider's real
schema.  This tool reads that assembly and reconstructs the parts of the Terraform schema that the
assembly can express:

* attribute names (the exact snake_case name is recovered from the registry doc link in each
  property's docs, ``{@link https://registry.terraform.io/.../docs/resources/x#attr_name ...}``),
* attribute types (string / number / bool / list / map / object),
* required vs optional (optionality of the config struct property),
* computed-only attributes (read-only getters on the resource class / output reference that are
  not part of the config struct), including computed-only nested objects,
* nested blocks (``XStruct`` -> list block with ``max_items`` 1, ``IResolvable | XStruct[]`` -> list
  block, the ``timeouts`` struct -> ``single`` block, required blocks -> ``min_items`` 1),
* the provider block (the provider class's config struct, minus the cdktn-only ``alias``),
* descriptions (docs summary + remarks with the registry link stripped), ``description_kind`` plain.

Flags that the assembly cannot express (``sensitive``, ``force_new``, optional+``computed``,
``write_only``, ``deprecated``, ``min_items`` / ``max_items`` other than the defaults, set vs list,
schema version, descriptions of nested blocks and of computed-only attributes) are taken from a
per-provider overrides JSON file whose entries were read from the provider's Go source.  Overrides
are keyed by dotted paths through nested blocks, e.g.::

    {"resource_schemas": {"google_bigquery_dataset": {
        "version": 0,
        "paths": {"access": {"nesting_mode": "set"},
                  "location": {"computed": true, "force_new": true}}}}}

Attribute override keys: ``computed``, ``optional``, ``required``, ``sensitive``, ``force_new``,
``write_only``, ``deprecated``, ``description`` and ``type`` (only list<->set changes of the
derived type are accepted).  Block override keys: ``nesting_mode``, ``min_items``, ``max_items``,
``description`` and ``deprecated`` (set on the nested block, as terraform does) and ``force_new``
(set on the ``block_types`` entry: channelkit's extension for a ForceNew nested block).  A resource
entry (and the provider entry) may also carry ``description`` for its top-level block.  Keys
starting with ``_`` are comments.  An override path that does not exist in the derived schema is an
error, so the overrides stay in sync with the assembly.

Output follows terraform's JSON conventions: false flags, empty descriptions, empty
``attributes`` / ``block_types`` and empty ``resource_schemas`` / ``data_source_schemas`` maps are
left out, ``min_items`` / ``max_items`` are left out when 0.

Example::

    python tools/schema_from_jsii.py --wheel /tmp/wheels/cdktn_provider_google-20.2.0-py3-none-any.whl \\
        --provider registry.terraform.io/hashicorp/google \\
        --resources google_bigquery_dataset,google_bigquery_table \\
        --overrides tools/schema_overrides/google.json --out src/channelkit/schemas/google.json
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JsonDict = dict[str, Any]
TfType = str | list[Any]

DOC_LINK_RE = re.compile(r"\{@link\s+(https://registry\.terraform\.io/\S+?)(?:\s+([^}]*))?\}")
REPRESENTS_RE = re.compile(r"Represents a \{@link (\S+)/docs/(resources|data-sources)/(\S+?) (\S+)\}")
REGISTRY_TRAILER_RE = re.compile(r"\s*Docs at Terraform Registry: \{@link [^}]*\}\.?")
COMMENT_NOTE = (
    "Note: The above comment contained a comment block ending sequence (* followed by /). "
    "We have introduced a space between to prevent syntax errors. Please ignore the space."
)
ATTR_FLAG_KEYS = ("required", "optional", "computed", "sensitive", "force_new", "write_only", "deprecated")
ATTR_OVERRIDE_KEYS = {*ATTR_FLAG_KEYS, "type", "description"}
BLOCK_OVERRIDE_KEYS = {"nesting_mode", "min_items", "max_items", "description", "deprecated", "force_new"}
# Runtime classes for computed collections; the prefix is the runtime library (cdktn, or cdktf for
# the older prebuilt packages), see ``Package.runtime``.
RUNTIME_MAP_TYPES: dict[str, TfType] = {
    "StringMap": ["map", "string"],
    "NumberMap": ["map", "number"],
    "BooleanMap": ["map", "bool"],
    "AnyMap": ["map", "dynamic"],
    "StringMapList": ["list", ["map", "string"]],
    "NumberMapList": ["list", ["map", "number"]],
    "BooleanMapList": ["list", ["map", "bool"]],
    "AnyMapList": ["list", ["map", "dynamic"]],
    "StringListList": ["list", ["list", "string"]],
    "NumberListList": ["list", ["list", "number"]],
    "BooleanListList": ["list", ["list", "bool"]],
}
# Getters on generated classes that are cdktn plumbing, not Terraform attributes.
PLUMBING_GETTERS = {"internalValue", "tfResourceType", "fqn", "terraformResourceType", "friendlyUniqueId"}


class SchemaError(RuntimeError):
    """Raised when the assembly or the overrides do not fit the expected shape."""


# --------------------------------------------------------------------------------------------
# Loading the assembly
# --------------------------------------------------------------------------------------------


@dataclass
class Package:
    """A loaded jsii assembly plus the package.json metadata that came with it."""

    assembly: JsonDict
    package_json: JsonDict
    source: str

    @property
    def types(self) -> dict[str, JsonDict]:
        """All types of the assembly keyed by fully qualified name."""
        return self.assembly["types"]  # type: ignore[no-any-return]

    @property
    def runtime(self) -> str:
        """The construct runtime the bindings were generated for: ``cdktn`` or (older packages) ``cdktf``."""
        deps = self.assembly.get("dependencies", {})
        return "cdktf" if "cdktf" in deps and "cdktn" not in deps else "cdktn"

    @property
    def provider_meta(self) -> JsonDict:
        """The ``cdktn``/``cdktf`` provider record of package.json (name and version)."""
        for key in ("cdktn", "cdktf"):
            meta = self.package_json.get(key, {}).get("provider")
            if meta:
                return meta  # type: ignore[no-any-return]
        return {}


def _read_assembly_from_tar(tar: tarfile.TarFile) -> tuple[JsonDict, JsonDict]:
    """Return (assembly, package.json) from a jsii tarball, following a gzip file redirect."""

    def read(name: str) -> bytes:
        member = tar.extractfile(name)
        if member is None:
            raise SchemaError(f"{name} missing from jsii tarball")
        return member.read()

    names = set(tar.getnames())
    assembly = json.loads(read("package/.jsii"))
    if assembly.get("schema") == "jsii/file-redirect":
        target = "package/" + assembly["filename"].lstrip("./")
        if target not in names:
            target = "package/" + assembly["filename"]
        raw = read(target)
        if assembly.get("compression") == "gzip":
            raw = gzip.decompress(raw)
        assembly = json.loads(raw)
    package_json = json.loads(read("package/package.json")) if "package/package.json" in names else {}
    return assembly, package_json


def load_package(path: Path) -> Package:
    """Load a jsii assembly from a wheel, a jsii ``.tgz`` tarball or a bare ``.jsii`` file."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as whl:
            tgz = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
            if len(tgz) != 1:
                raise SchemaError(f"expected exactly one .jsii.tgz in {path}, found {tgz}")
            data = whl.read(tgz[0])
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            assembly, package_json = _read_assembly_from_tar(tar)
        return Package(assembly, package_json, f"{path.name}:{tgz[0]}")
    if path.name.endswith(".tgz"):
        with tarfile.open(path, mode="r:gz") as tar:
            assembly, package_json = _read_assembly_from_tar(tar)
        return Package(assembly, package_json, path.name)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return Package(json.loads(raw), {}, path.name)


# --------------------------------------------------------------------------------------------
# Names and docs
# --------------------------------------------------------------------------------------------


def camel_to_snake(name: str) -> str:
    """Fallback name conversion (``maxTimeTravelHours`` -> ``max_time_travel_hours``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def doc_anchor(docs: JsonDict) -> str | None:
    """The ``#anchor`` of the registry doc link in a property's docs: the exact Terraform name."""
    for key in ("remarks", "summary"):
        for match in DOC_LINK_RE.finditer(docs.get(key, "")):
            url = match.group(1)
            if "#" in url:
                return url.rsplit("#", 1)[1]
    return None


def property_name(prop: JsonDict) -> str:
    """Terraform attribute / block name of a struct property."""
    return doc_anchor(prop.get("docs", {})) or camel_to_snake(prop["name"])


def description(docs: JsonDict) -> str:
    """Attribute description: docs summary plus remarks, without the registry doc link trailer."""
    summary = docs.get("summary", "").strip()
    remarks = docs.get("remarks", "").strip()
    if summary.startswith("Docs at Terraform Registry:"):
        # No provider description; the remarks (if any) are cdktn boilerplate (e.g. on ``id``).
        return ""
    if COMMENT_NOTE in remarks:
        # cdktn broke up "*/" inside the doc comment and appended a note saying so; undo both.
        remarks = remarks.replace(COMMENT_NOTE, "")
        summary, remarks = summary.replace("* /", "*/"), remarks.replace("* /", "*/")
    remarks = REGISTRY_TRAILER_RE.sub("", remarks).strip()
    summary = REGISTRY_TRAILER_RE.sub("", summary).strip()
    return f"{summary} {remarks}".strip() if remarks else summary


# --------------------------------------------------------------------------------------------
# Schema reconstruction
# --------------------------------------------------------------------------------------------


@dataclass
class Builder:
    """Turns jsii structs and classes into Terraform schema blocks."""

    pkg: Package
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        runtime = self.pkg.runtime
        self.resolvable = f"{runtime}.IResolvable"
        self.complex_list = f"{runtime}.ComplexList"
        self.complex_map = f"{runtime}.ComplexMap"
        self.complex_object = f"{runtime}.ComplexObject"
        self.map_types = {f"{runtime}.{name}": tf for name, tf in RUNTIME_MAP_TYPES.items()}

    # -- type helpers ------------------------------------------------------------------------

    def _type(self, fqn: str) -> JsonDict:
        try:
            return self.pkg.types[fqn]
        except KeyError as exc:
            raise SchemaError(f"type {fqn} not in assembly") from exc

    def _struct_props(self, fqn: str) -> list[JsonDict]:
        """Properties of a struct, including those of struct interfaces it extends in this assembly."""
        typ = self._type(fqn)
        props: list[JsonDict] = []
        for parent in typ.get("interfaces", []):
            if parent in self.pkg.types:
                props.extend(self._struct_props(parent))
        props.extend(typ.get("properties", []))
        return props

    def _is_struct(self, fqn: str) -> bool:
        typ = self.pkg.types.get(fqn)
        return bool(typ and typ.get("kind") == "interface" and typ.get("datatype"))

    @staticmethod
    def _union(typ: JsonDict) -> list[JsonDict]:
        return list(typ["union"]["types"]) if "union" in typ else [typ]

    def _primitive(self, typ: JsonDict) -> TfType | None:
        """Terraform type of a config-side jsii type that is not a block, else None."""
        members = [t for t in self._union(typ) if t.get("fqn") != self.resolvable]
        if len(members) != 1:
            if not members:  # a bare IResolvable
                return "dynamic"
            raise SchemaError(f"unexpected union {typ}")
        member = members[0]
        if "primitive" in member:
            return {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic", "json": "dynamic"}[
                member["primitive"]
            ]
        if "collection" in member:
            coll = member["collection"]
            inner = self._primitive(coll["elementtype"])
            if inner is None:
                return None
            return ["list" if coll["kind"] == "array" else "map", inner]
        if member.get("fqn") in self.map_types:
            return self.map_types[member["fqn"]]
        return None

    def _block_struct(self, typ: JsonDict) -> tuple[str, bool] | None:
        """(struct fqn, is_list) when a config-side jsii type is a nested block, else None."""
        for member in self._union(typ):
            if member.get("fqn") and self._is_struct(member["fqn"]):
                return member["fqn"], False
            coll = member.get("collection")
            if coll and coll["kind"] == "array":
                elem = coll["elementtype"].get("fqn")
                if elem and self._is_struct(elem):
                    return elem, True
        return None

    # -- output-side (computed) types ---------------------------------------------------------

    def _getters(self, class_fqn: str | None) -> dict[str, JsonDict]:
        """Instance getters of a generated class (resource, OutputReference), by jsii name."""
        if not class_fqn:
            return {}
        out: dict[str, JsonDict] = {}
        typ = self._type(class_fqn)
        base = typ.get("base")
        if base and base in self.pkg.types:
            out.update(self._getters(base))
        for prop in typ.get("properties", []):
            if prop.get("static") or prop.get("protected"):
                continue
            out[prop["name"]] = prop
        return out

    def _element_ref(self, list_fqn: str) -> str | None:
        """The OutputReference class returned by ``get(index)`` of a generated ComplexList class."""
        for method in self._type(list_fqn).get("methods", []):
            if method["name"] == "get":
                return method.get("returns", {}).get("type", {}).get("fqn")  # type: ignore[no-any-return]
        return None

    def _class_kind(self, fqn: str) -> str:
        return str(self._type(fqn).get("base", ""))

    def _computed_type(self, typ: JsonDict, where: str) -> TfType:
        """Terraform type of a read-only getter (computed attribute)."""
        fqn = typ.get("fqn")
        if fqn == self.resolvable:
            return "bool"  # the runtime exposes computed booleans as IResolvable
        if fqn in self.map_types:
            return self.map_types[fqn]
        if fqn and fqn in self.pkg.types:
            base = self._class_kind(fqn)
            ref = self._element_ref(fqn) if base in {self.complex_list, self.complex_map} else None
            if base == self.complex_list and ref:
                return ["list", self._object_type(ref, where)]
            if base == self.complex_map and ref:
                return ["map", self._object_type(ref, where)]
            if base == self.complex_object:
                return self._object_type(fqn, where)
        prim = None if fqn else self._primitive(typ)
        if prim is None:
            raise SchemaError(f"{where}: cannot map computed type {typ}")
        return prim

    def _object_type(self, ref_fqn: str, where: str) -> list[Any]:
        """``["object", {...}]`` from the getters of a computed-only OutputReference class."""
        attrs: dict[str, TfType] = {}
        for name, prop in self._getters(ref_fqn).items():
            if name in PLUMBING_GETTERS or name.endswith("Input") or not prop.get("immutable"):
                continue
            attrs[camel_to_snake(name)] = self._computed_type(prop["type"], f"{where}.{name}")
        return ["object", attrs]

    # -- blocks ------------------------------------------------------------------------------

    def block(self, struct_fqn: str, class_fqn: str | None, where: str, *, top: bool = False) -> JsonDict:
        """Schema block for a config struct; ``class_fqn`` is the class exposing its getters."""
        attributes: JsonDict = {}
        block_types: JsonDict = {}
        getters = self._getters(class_fqn)
        config_names: set[str] = set()
        for prop in self._struct_props(struct_fqn):
            name = property_name(prop)
            config_names.add(prop["name"])
            path = f"{where}.{name}"
            nested = self._block_struct(prop["type"])
            if nested is not None:
                nested_fqn, is_list = nested
                getter = getters.get(prop["name"])
                ref: str | None = getter["type"].get("fqn") if getter else None
                if ref and self._class_kind(ref) == self.complex_list:
                    ref = self._element_ref(ref)
                if top and name == "timeouts" and not is_list:
                    block_types[name] = {"nesting_mode": "single", "block": self.block(nested_fqn, ref, path)}
                    continue
                entry: JsonDict = {"nesting_mode": "list", "block": self.block(nested_fqn, ref, path)}
                if not prop.get("optional"):
                    entry["min_items"] = 1
                if not is_list:
                    entry["max_items"] = 1
                block_types[name] = entry
                continue
            tf_type = self._primitive(prop["type"])
            if tf_type is None:
                raise SchemaError(f"{path}: cannot map config type {prop['type']}")
            attr: JsonDict = {"type": tf_type, "description_kind": "plain"}
            text = description(prop.get("docs", {}))
            if text:
                attr["description"] = text
            if prop.get("optional"):
                attr["optional"] = True
            else:
                attr["required"] = True
            attributes[name] = attr
        for gname, prop in getters.items():
            if gname in config_names or gname in PLUMBING_GETTERS or gname.endswith("Input"):
                continue
            if not prop.get("immutable"):
                self.warnings.append(f"{where}: settable getter {gname} has no config property")
                continue
            name = camel_to_snake(gname)
            if name in attributes or name in block_types:
                continue
            attributes[name] = {
                "type": self._computed_type(prop["type"], f"{where}.{name}"),
                "description_kind": "plain",
                "computed": True,
            }
        out: JsonDict = {"description_kind": "plain"}
        if attributes:
            out["attributes"] = attributes
        if block_types:
            out["block_types"] = block_types
        return out


# --------------------------------------------------------------------------------------------
# Locating resources, data sources and the provider
# --------------------------------------------------------------------------------------------


def index_constructs(pkg: Package) -> tuple[dict[str, str], dict[str, str], str | None]:
    """Map resource type names and data source names to their classes; find the provider class."""
    resources: dict[str, str] = {}
    data_sources: dict[str, str] = {}
    provider: str | None = None
    for fqn, typ in pkg.types.items():
        if typ.get("kind") != "class":
            continue
        if typ.get("base") == f"{pkg.runtime}.TerraformProvider":
            provider = fqn
            continue
        match = REPRESENTS_RE.match(typ.get("docs", {}).get("summary", ""))
        if match:
            target = resources if match.group(2) == "resources" else data_sources
            target[match.group(4)] = fqn
    return resources, data_sources, provider


def config_struct(pkg: Package, class_fqn: str) -> str:
    """The config struct fqn taken by a construct class's initializer."""
    for param in pkg.types[class_fqn].get("initializer", {}).get("parameters", []):
        if param["name"] == "config":
            return str(param["type"]["fqn"])
    raise SchemaError(f"{class_fqn} has no config parameter")


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


def _shape(tf_type: TfType) -> TfType:
    """A type with ``set`` replaced by ``list`` everywhere, for comparing override types."""
    if isinstance(tf_type, str):
        return tf_type
    kind, inner = tf_type
    if kind == "object":
        return ["object", {k: _shape(v) for k, v in inner.items()}]
    return ["list" if kind == "set" else kind, _shape(inner)]


def _find(block: JsonDict, dotted: str) -> tuple[str, JsonDict]:
    """Locate ``a.b.c`` in a block: returns ("attribute", attr) or ("block", block_type entry)."""
    parts = dotted.split(".")
    current = block
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last and part in current.get("attributes", {}):
            return "attribute", current["attributes"][part]
        if part in current.get("block_types", {}):
            entry = current["block_types"][part]
            if last:
                return "block", entry
            current = entry["block"]
            continue
        raise SchemaError(f"override path {dotted!r}: {part!r} not found")
    raise SchemaError(f"override path {dotted!r} is empty")


def _set_flag(target: JsonDict, key: str, value: Any) -> None:
    """Set ``key`` (a true flag or a description string) on ``target``, or drop it when falsy."""
    if not value:
        target.pop(key, None)
    else:
        target[key] = str(value) if key == "description" else True


def apply_overrides(block: JsonDict, paths: JsonDict, where: str) -> None:
    """Apply ``{"a.b": {flag: value}}`` overrides to a block in place."""
    for dotted, flags in sorted(paths.items()):
        if dotted.startswith("_"):
            continue
        kind, target = _find(block, dotted)
        keys = {k for k in flags if not k.startswith("_")}
        allowed = ATTR_OVERRIDE_KEYS if kind == "attribute" else BLOCK_OVERRIDE_KEYS
        bad = keys - allowed
        if bad:
            raise SchemaError(f"{where}: {dotted} is an {kind}; keys {sorted(bad)} do not apply")
        for key in sorted(keys):
            value = flags[key]
            if kind == "block" and key in {"description", "deprecated"}:
                _set_flag(target["block"], key, value)  # these live on the nested block itself
            elif key == "type":
                if _shape(value) != _shape(target["type"]):
                    raise SchemaError(f"{where}: {dotted} type {value} does not fit derived {target['type']}")
                target["type"] = value
            elif key == "description":
                _set_flag(target, key, value)
            elif key == "nesting_mode":
                if value not in {"list", "set", "single", "group", "map"}:
                    raise SchemaError(f"{where}: {dotted} bad nesting_mode {value}")
                target[key] = value
            elif key in {"min_items", "max_items"}:
                if value:
                    target[key] = int(value)
                else:
                    target.pop(key, None)
            elif value:
                target[key] = True
                if key == "required":
                    target.pop("optional", None)
                elif key == "optional":
                    target.pop("required", None)
            else:
                target.pop(key, None)


def finish_implicit_id(block: JsonDict) -> None:
    """SDKv2 adds ``id`` as optional+computed; cdktn lists it as an optional config property."""
    attr = block.get("attributes", {}).get("id")
    if attr and attr.get("optional"):
        attr["computed"] = True


def validate_block(block: JsonDict, where: str, problems: list[str]) -> None:
    """Check the flag invariants of a block recursively (collects messages into ``problems``)."""
    for name, attr in block.get("attributes", {}).items():
        combo = tuple(bool(attr.get(k)) for k in ("required", "optional", "computed"))
        if combo not in {(True, False, False), (False, True, False), (False, True, True), (False, False, True)}:
            problems.append(f"{where}.{name}: bad required/optional/computed combination {combo}")
        for key, value in attr.items():
            if key in ATTR_FLAG_KEYS and value is not True:
                problems.append(f"{where}.{name}: flag {key} must be true or absent")
    for name, entry in block.get("block_types", {}).items():
        if entry.get("nesting_mode") not in {"list", "set", "single", "group", "map"}:
            problems.append(f"{where}.{name}: missing nesting_mode")
        for key in ("min_items", "max_items"):
            if key in entry and (not isinstance(entry[key], int) or entry[key] <= 0):
                problems.append(f"{where}.{name}: {key} must be a positive integer or absent")
        validate_block(entry["block"], f"{where}.{name}", problems)


def count_block(block: JsonDict) -> tuple[int, int]:
    """(attributes, blocks) in a block, recursively."""
    attrs = len(block.get("attributes", {}))
    blocks = len(block.get("block_types", {}))
    for entry in block.get("block_types", {}).values():
        sub_attrs, sub_blocks = count_block(entry["block"])
        attrs += sub_attrs
        blocks += sub_blocks
    return attrs, blocks


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def build_schema(
    pkg: Package,
    provider_address: str,
    resources: Iterable[str],
    data_sources: Iterable[str],
    overrides: JsonDict,
) -> tuple[JsonDict, list[str]]:
    """Build the ``terraform providers schema -json`` document; returns it plus warnings."""
    meta_name = pkg.provider_meta.get("name")
    if meta_name and meta_name != provider_address:
        raise SchemaError(f"package is for {meta_name}, not {provider_address}")
    builder = Builder(pkg)
    res_index, ds_index, provider_fqn = index_constructs(pkg)
    if provider_fqn is None:
        raise SchemaError("no TerraformProvider class in assembly")

    provider_block = builder.block(config_struct(pkg, provider_fqn), None, "provider")
    provider_block.get("attributes", {}).pop("alias", None)  # cdktn meta-argument, not in the schema
    if not provider_block.get("attributes"):
        provider_block.pop("attributes", None)
    prov_over = overrides.get("provider", {})
    _set_flag(provider_block, "description", prov_over.get("description"))
    apply_overrides(provider_block, prov_over.get("paths", {}), "provider")

    def build(kind: str, names: Iterable[str], index: dict[str, str]) -> JsonDict:
        out: JsonDict = {}
        section = overrides.get(kind, {})
        for name in names:
            if name not in index:
                raise SchemaError(f"{name} not found among {kind} of {pkg.source}")
            block = builder.block(config_struct(pkg, index[name]), index[name], name, top=True)
            finish_implicit_id(block)
            over = section.get(name, {})
            _set_flag(block, "description", over.get("description"))
            apply_overrides(block, over.get("paths", {}), name)
            out[name] = {"version": int(over.get("version", 0)), "block": block}
        for name in section:
            if not name.startswith("_") and name not in out:
                builder.warnings.append(f"overrides for {kind} {name} not used (not requested)")
        return out

    entry: JsonDict = {"provider": {"version": int(prov_over.get("version", 0)), "block": provider_block}}
    for kind, names, index in (
        ("resource_schemas", resources, res_index),
        ("data_source_schemas", data_sources, ds_index),
    ):
        built = build(kind, names, index)
        if built:  # terraform omits empty maps (omitempty)
            entry[kind] = built
    return {"format_version": "1.0", "provider_schemas": {provider_address: entry}}, builder.warnings


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", required=True, type=Path, help="cdktn provider wheel (or .jsii.tgz / .jsii)")
    parser.add_argument(
        "--provider", required=True, help="provider address, e.g. registry.terraform.io/hashicorp/google"
    )
    parser.add_argument("--resources", default="", help="comma-separated resource type names")
    parser.add_argument("--data-sources", default="", help="comma-separated data source names")
    parser.add_argument("--overrides", type=Path, help="overrides JSON (flags read from the provider's Go source)")
    parser.add_argument("--out", required=True, type=Path, help="output schema JSON file")
    args = parser.parse_args(argv)

    pkg = load_package(args.wheel)
    overrides = json.loads(args.overrides.read_text()) if args.overrides else {}
    try:
        schema, warnings = build_schema(
            pkg, args.provider, _split(args.resources), _split(args.data_sources), overrides
        )
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems: list[str] = []
    prov = schema["provider_schemas"][args.provider]
    validate_block(prov["provider"]["block"], "provider", problems)
    for kind in ("resource_schemas", "data_source_schemas"):
        for name, entry in prov.get(kind, {}).items():
            validate_block(entry["block"], name, problems)
    for message in warnings:
        print(f"warning: {message}", file=sys.stderr)
    if problems:
        for message in problems:
            print(f"error: {message}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    meta = pkg.provider_meta
    print(f"{args.out}: {meta.get('name', args.provider)} {meta.get('version', '?')} from {pkg.source}")
    for kind in ("resource_schemas", "data_source_schemas"):
        for name, entry in sorted(prov.get(kind, {}).items()):
            attrs, blocks = count_block(entry["block"])
            print(f"  {name}: {attrs} attributes, {blocks} blocks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
