"""The render model: every name, type hint, default and doc line of a binding.

The templates only print what this model computed; all decisions (naming,
escaping, type hints, which class to subclass) are made here.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from ..schema.model import AttributeSchema, BlockSchema, BlockTypeSchema, ProviderSchema
from ..schema.rules import ProviderRules, TypeRules

__all__ = [
    "GetterModel",
    "ModuleModel",
    "PackageModel",
    "ParamModel",
    "StructModel",
    "build_package",
    "class_name_for",
    "module_name_for",
]

#: Members of cdktf's TerraformResource / TerraformDataSource / TerraformProvider and
#: of channelkit's runtime base classes: a Terraform attribute with one of these
#: names gets a trailing underscore on its getter. Fixed here (not read from the
#: installed cdktf) so that output never depends on the environment.
BASE_MEMBERS = frozenset(
    [
        "add_move_target",
        "add_override",
        "alias",
        "cdktf_stack",
        "connection",
        "count",
        "depends_on",
        "for_each",
        "fqn",
        "friendly_unique_id",
        "get_any_map_attribute",
        "get_boolean_attribute",
        "get_boolean_map_attribute",
        "get_list_attribute",
        "get_number_attribute",
        "get_number_list_attribute",
        "get_number_map_attribute",
        "get_string_attribute",
        "get_string_map_attribute",
        "has_resource_move",
        "import_from",
        "interpolation_for_attribute",
        "is_construct",
        "is_terraform_data_source",
        "is_terraform_element",
        "is_terraform_provider",
        "is_terraform_resource",
        "lifecycle",
        "meta_attributes",
        "move_from_id",
        "move_to",
        "move_to_id",
        "node",
        "override_logical_id",
        "provider",
        "provisioners",
        "reset_override_logical_id",
        "terraform_generator_metadata",
        "terraform_meta_arguments",
        "terraform_provider_source",
        "terraform_resource_type",
        "tf_values",
        "to_hcl_terraform",
        "to_metadata",
        "to_string",
        "to_terraform",
        "with_",
    ]
)
#: Constructor names a Terraform argument may not take (it gets a trailing underscore).
CONSTRUCTOR_NAMES = frozenset({"self", "scope", "id", "depends_on", "lifecycle", "provider", "count", "for_each"})
PROVIDER_CONSTRUCTOR_NAMES = frozenset({"self", "scope", "id", "alias"})
STRUCT_NAMES = frozenset({"self", "to_terraform"})

_GETTERS = {
    "string": ("_string_reference", "str"),  # fetched in bulk and kept (channelkit.runtime._References)
    "number": ("get_number_attribute", "float"),
    "bool": ("get_boolean_attribute", "cdk.IResolvable"),
    ("list", "string"): ("get_list_attribute", "list[str]"),
    ("set", "string"): ("get_list_attribute", "list[str]"),
    ("list", "number"): ("get_number_list_attribute", "list[float]"),
    ("set", "number"): ("get_number_list_attribute", "list[float]"),
    ("map", "string"): ("get_string_map_attribute", "Mapping[str, str]"),
    ("map", "number"): ("get_number_map_attribute", "Mapping[str, float]"),
    ("map", "bool"): ("get_boolean_map_attribute", "Mapping[str, bool]"),
}
_OTHER_GETTER = ("interpolation_for_attribute", "cdk.IResolvable")
_DOC_LIMIT = 240


def _pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text) if part)


def _identifier(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    return "_" + ident if ident[:1].isdigit() else ident


def _safe(name: str, reserved: frozenset[str]) -> str:
    ident = _identifier(name)
    return ident + "_" if keyword.iskeyword(ident) or keyword.issoftkeyword(ident) or ident in reserved else ident


def class_name_for(tf_type: str, local_name: str, data: bool = False) -> str:
    """``google_bigquery_dataset`` → ``BigqueryDataset``; data sources keep the prefix: ``DataAwsRegion``."""
    if data:
        return "Data" + _pascal(tf_type)
    stripped = tf_type[len(local_name) + 1 :] if tf_type.startswith(local_name + "_") else tf_type
    name = _pascal(stripped)
    return name if name[:1].isalpha() else "R" + name


def module_name_for(tf_type: str, local_name: str, data: bool = False) -> str:
    """``google_bigquery_dataset`` → ``bigquery_dataset``; data sources: ``data_aws_region``."""
    if data:
        return _identifier("data_" + tf_type).lower()
    stripped = tf_type[len(local_name) + 1 :] if tf_type.startswith(local_name + "_") else tf_type
    module = _identifier(stripped).lower()
    return module + "_" if keyword.iskeyword(module) or module in ("provider", "__init__") else module


def type_hint(tf_type: Any) -> str:
    """The Python hint accepted for an input of ``tf_type``."""
    if isinstance(tf_type, str):
        return {"string": "str", "number": "float", "bool": "bool | cdk.IResolvable", "dynamic": "Any"}[tf_type]
    kind = tf_type[0]
    if kind in ("list", "set"):
        return f"Sequence[{type_hint(tf_type[1])}]"
    if kind == "map":
        return f"Mapping[str, {type_hint(tf_type[1])}]"
    return "Mapping[str, Any]" if kind == "object" else "Any"


def type_literal(tf_type: Any) -> str:
    """Python source that rebuilds ``tf_type`` at import time."""
    if isinstance(tf_type, str):
        return repr(tf_type)
    kind, inner = tf_type
    if kind == "object":
        items = ", ".join(f"{k!r}: {type_literal(v)}" for k, v in inner.items())
        return f"('object', {{{items}}})"
    if kind == "tuple":
        return "('tuple', (" + "".join(type_literal(v) + ", " for v in inner) + "))"
    return f"({kind!r}, {type_literal(inner)})"


def _doc(text: str, limit: int = _DOC_LIMIT) -> str:
    text = " ".join(text.replace("\\", "\\\\").replace('"', "'").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


@dataclass(frozen=True)
class ParamModel:
    """A keyword-only constructor parameter."""

    py_name: str
    tf_name: str
    hint: str  # including "| None" when optional
    default: str  # "" when required
    doc: str
    spec: str  # Python source of the runtime Attr/Block spec

    @property
    def declaration(self) -> str:
        """``name: hint`` or ``name: hint = default``, as in the signature."""
        return f"{self.py_name}: {self.hint}" + (f" = {self.default}" if self.default else "")


@dataclass(frozen=True)
class GetterModel:
    """A property that returns a reference token for an attribute."""

    py_name: str
    tf_name: str
    method: str
    hint: str
    doc: str


@dataclass
class StructModel:
    """A nested block's struct class."""

    class_name: str
    doc: str
    params: list[ParamModel] = field(default_factory=list)

    @property
    def star(self) -> str:
        """The bare ``*`` that makes parameters keyword-only (absent when there are none)."""
        return "        *,\n" if self.params else ""


@dataclass
class ModuleModel:
    """One generated module: a resource, a data source or the provider."""

    module_name: str
    class_name: str
    base_class: str
    tf_type: str
    kind: str  # "resource" | "data source" | "provider"
    doc: str
    doc_url: str
    structs: list[StructModel]
    params: list[ParamModel]
    getters: list[GetterModel]
    exports: list[str]

    @property
    def exports_text(self) -> str:
        """The items of ``__all__``, quoted."""
        return ", ".join(f'"{name}"' for name in self.exports)

    @property
    def meta_template(self) -> str:
        """The template with this class's meta-argument parameters."""
        return "_meta_provider.jinja2" if self.kind == "provider" else "_meta_resource.jinja2"

    @property
    def super_template(self) -> str:
        """The template with this class's call to its base constructor."""
        return "_super_provider.jinja2" if self.kind == "provider" else "_super_resource.jinja2"

    @property
    def class_attrs_template(self) -> str:
        """The template with this class's kind-specific class attributes."""
        return "_attrs_provider.jinja2" if self.kind == "provider" else "_attrs_resource.jinja2"

    @property
    def string_references(self) -> list[str]:
        """Terraform names of the string attributes whose reference tokens are fetched together."""
        return [g.tf_name for g in self.getters if g.method == "_string_reference"]


@dataclass
class PackageModel:
    """A provider's package of generated modules."""

    key: str
    header: str
    source: str
    version: str
    constraint: str
    local_name: str
    provider_class: str
    modules: list[ModuleModel]

    @property
    def lazy_exports(self) -> list[tuple[str, str]]:
        """(class name, module name) of every main class, sorted by class name."""
        return sorted((m.class_name, m.module_name) for m in self.modules)


def _rule_docs(rules: TypeRules, path: str) -> str:
    """The provider rules documented at ``path``, as sentences (escaped for a docstring)."""
    return " ".join(_doc(r.doc(), 10_000) for r in rules.on(path))


def _with_rules(doc: str, rules: TypeRules, path: str) -> str:
    extra = _rule_docs(rules, path)
    return f"{doc} {extra}" if extra else doc


def _input_param(attr: AttributeSchema, reserved: frozenset[str], rules: TypeRules, path: str) -> ParamModel:
    py = _safe(attr.name, reserved)
    hint = type_hint(attr.type)
    notes = []
    if attr.force_new:
        notes.append("forces replacement")
    if attr.sensitive:
        notes.append("sensitive")
    if attr.write_only:
        notes.append("write-only: never stored, needs terraform >= 1.11")
    if attr.deprecated:
        notes.append("deprecated")
    doc = _doc(attr.description) or f"Terraform argument ``{attr.name}``."
    if notes:
        doc += " (" + ", ".join(notes) + ")"
    doc = _with_rules(doc, rules, path)
    return ParamModel(
        py_name=py,
        tf_name=attr.name,
        hint=hint if attr.required else f"{hint} | None",
        default="" if attr.required else "None",
        doc=doc,
        spec=f"Attr({py!r}, {attr.name!r}, {type_literal(attr.type)}, {attr.required!r})",
    )


def _block_param(bt: BlockTypeSchema, struct: str, reserved: frozenset[str], rules: TypeRules, path: str) -> ParamModel:
    py = _safe(bt.name, reserved)
    if bt.single:
        hint = struct
    elif bt.nesting == "map":
        hint = f"Mapping[str, {struct}]"
    else:
        hint = f"Sequence[{struct}]"
    required = bt.min_items > 0
    most = bt.max_items or "any"
    doc = _doc(bt.block.description) or f"``{bt.name}`` block ({bt.nesting}, min {bt.min_items}, max {most})."
    if bt.force_new:
        doc += " (forces replacement)"
    return ParamModel(
        py_name=py,
        tf_name=bt.name,
        hint=hint if required else f"{hint} | None",
        default="" if required else "None",
        doc=_with_rules(doc, rules, path),
        spec=(
            f"Block({py!r}, {bt.name!r}, {bt.nesting!r}, {struct}, {bt.min_items!r}, {bt.max_items!r}, {bt.single!r})"
        ),
    )


def _params(
    block: BlockSchema,
    prefix: str,
    reserved: frozenset[str],
    structs: list[StructModel],
    rules: TypeRules,
    path: str = "",
) -> list[ParamModel]:
    """Parameters of ``block`` (at schema ``path``); nested struct models are appended to ``structs`` deepest first."""
    base = path + "." if path else ""
    params = [_input_param(a, reserved, rules, base + a.name) for a in block.attributes.values() if a.is_input]
    for bt in block.block_types.values():
        struct_name = prefix + _pascal(bt.name)
        group_docs = " ".join(
            _doc(r.doc(), 10_000) for r in rules.rules if r.scope == base + bt.name and not r.attribute
        )
        struct_doc = _doc(bt.block.description) or f"The ``{bt.name}`` block."
        struct = StructModel(class_name=struct_name, doc=f"{struct_doc} {group_docs}" if group_docs else struct_doc)
        struct.params = _params(bt.block, struct_name, STRUCT_NAMES, structs, rules, base + bt.name)
        structs.append(struct)
        params.append(_block_param(bt, struct_name, reserved, rules, base + bt.name))
    # required first (keeps signatures readable), then optional, each by name
    return sorted(params, key=lambda p: (p.default != "", p.py_name))


def _getters(block: BlockSchema) -> list[GetterModel]:
    getters = []
    for attr in block.attributes.values():
        simple = isinstance(attr.type, str) or isinstance(attr.type[1], str)
        method, hint = _GETTERS.get(attr.type, _OTHER_GETTER) if simple else _OTHER_GETTER
        what = "computed attribute" if not attr.is_input else "attribute"
        getters.append(
            GetterModel(
                _safe(attr.name, BASE_MEMBERS), attr.name, method, hint, f"Reference to the {what} ``{attr.name}``."
            )
        )
    for bt in block.block_types.values():
        method, hint = _OTHER_GETTER
        getters.append(GetterModel(_safe(bt.name, BASE_MEMBERS), bt.name, method, hint, f"Reference to ``{bt.name}``."))
    return sorted(getters, key=lambda g: g.py_name)


def _module(
    schema: ProviderSchema, tf_type: str, block: BlockSchema, kind: str, version: str, rules: TypeRules
) -> ModuleModel:
    data = kind == "data source"
    provider = kind == "provider"
    local = schema.local_name
    if provider:
        class_name, module_name, base = _pascal(local) + "Provider", "provider", "GeneratedProvider"
        reserved = PROVIDER_CONSTRUCTOR_NAMES
        url = f"https://registry.terraform.io/providers/{schema.source}/{version}/docs"
    else:
        class_name = class_name_for(tf_type, local, data)
        module_name = module_name_for(tf_type, local, data)
        base = "GeneratedDataSource" if data else "GeneratedResource"
        reserved = CONSTRUCTOR_NAMES
        short = tf_type[len(local) + 1 :] if tf_type.startswith(local + "_") else tf_type
        section = "data-sources" if data else "resources"
        url = f"https://registry.terraform.io/providers/{schema.source}/{version}/docs/{section}/{short}"
    structs: list[StructModel] = []
    params = _params(block, class_name, reserved, structs, rules)
    doc = _doc(block.description, 600) or f"Terraform {kind} ``{tf_type}``."
    group_docs = " ".join(_doc(r.doc(), 10_000) for r in rules.rules if not r.attribute and not r.scope)
    return ModuleModel(
        module_name=module_name,
        class_name=class_name,
        base_class=base,
        tf_type=tf_type,
        kind=kind,
        doc=f"{doc} {group_docs}" if group_docs else doc,
        doc_url=url,
        structs=structs,
        params=params,
        getters=[] if provider else _getters(block),
        exports=sorted([class_name] + [s.class_name for s in structs]),
    )


def build_package(
    schema: ProviderSchema,
    *,
    key: str,
    version: str,
    constraint: str,
    resources: list[str] | None = None,
    data_sources: list[str] | None = None,
    rules: ProviderRules | None = None,
) -> PackageModel:
    """The render model of one provider's bindings.

    ``resources``/``data_sources`` limit which types are bound (None: all); ``rules``
    (the provider's rules file) adds the provider rules to the docstrings.
    """
    none = TypeRules()
    res_rules = rules.resources if rules else {}
    ds_rules = rules.data_sources if rules else {}
    res_names = sorted(schema.resources) if resources is None else sorted(resources)
    ds_names = sorted(schema.data_sources) if data_sources is None else sorted(data_sources)
    modules = [_module(schema, schema.local_name, schema.provider, "provider", version, none)]
    modules += [_module(schema, n, schema.resources[n], "resource", version, res_rules.get(n, none)) for n in res_names]
    modules += [
        _module(schema, n, schema.data_sources[n], "data source", version, ds_rules.get(n, none)) for n in ds_names
    ]
    _dedupe_module_names(modules)
    header = (
        f"# generated by channelkit from {schema.source}@{version} — do not edit.\n"
        "# Regenerate with: channelkit generate --all"
    )
    return PackageModel(
        key=key,
        header=header,
        source=schema.source,
        version=version,
        constraint=constraint,
        local_name=schema.local_name,
        provider_class=modules[0].class_name,
        modules=modules,
    )


def _dedupe_module_names(modules: list[ModuleModel]) -> None:
    seen: set[str] = set()
    for module in modules:
        while module.module_name in seen:
            module.module_name += "_"
        seen.add(module.module_name)
