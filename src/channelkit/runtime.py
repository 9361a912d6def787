"""What every generated provider binding stands on.

Generated modules (``channelkit.providers.*``) declare, per resource, the
Terraform fields as :class:`Attr` and :class:`Block` specs and a typed
keyword-only ``__init__``. This module does the rest:

- checks every call at construction time (unknown, missing or mistyped
  arguments, block cardinality) and raises one :class:`ArgumentError` that
  lists every problem with the construct path;
- renders the values into Terraform JSON once, at construction, and hands
  them to node with the ``create`` call: the jsii base classes here
  (``_StoredResource`` and friends, see :mod:`channelkit._cdk`) keep them
  node-side, so synthesis never calls back into Python for a resource;
  cdktf's HCL form is still rendered in Python, on demand;
- gives computed and input attributes as reference tokens, fetching all of a
  block's string references in one round trip the first time one is read.

The jsii constructors are called directly with the config structs built here,
not through the CDK's generated Python ``__init__``: the arguments were checked
above already, so jsii's own runtime type checks (typeguard) are skipped for
generated blocks.

Nothing here is provider-specific.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from jsii import _kernel as _jsii_kernel
from jsii import _reference_map as _jsii_reference_map

from ._cdk import NODE_ASSEMBLY, cdk, jsii
from .errors import MISSING, ArgumentError, Problem

__all__ = [
    "Attr",
    "Block",
    "GeneratedDataSource",
    "GeneratedProvider",
    "GeneratedResource",
    "Struct",
    "describe_type",
]

TfType = Any  # "string" | "number" | "bool" | "dynamic" | ("list", TfType) | ("object", {...}) ...


@dataclass(frozen=True, slots=True)
class Attr:
    """One Terraform attribute: Python name, Terraform name, type, and whether it must be given."""

    py: str
    tf: str
    type: TfType
    required: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """One nested block type.

    ``single`` means the binding takes one struct (nesting ``single`` or
    ``max_items == 1``) rather than a sequence (or a mapping for ``map``).
    """

    py: str
    tf: str
    nesting: str
    struct: type[Struct]
    min_items: int = 0
    max_items: int = 0
    single: bool = False

    @property
    def required(self) -> bool:
        """A block is required when at least one must be present."""
        return self.min_items > 0


Field = Attr | Block


def describe_type(tf_type: TfType) -> str:
    """Human words for a Terraform type: ``("list", "string")`` → ``a list of string``."""
    if isinstance(tf_type, str):
        return {"string": "a string", "number": "a number", "bool": "a bool", "dynamic": "any value"}.get(
            tf_type, tf_type
        )
    kind = tf_type[0]
    if kind == "object":
        return "an object with keys " + ", ".join(sorted(tf_type[1]))
    if kind == "tuple":
        return "a tuple"
    return f"a {kind} of {_bare(tf_type[1])}"


def _bare(tf_type: TfType) -> str:
    return describe_type(tf_type).removeprefix("a ").removeprefix("an ")


def _is_token_object(value: Any) -> bool:
    """A jsii object (IResolvable, a reference, an Fn result) stands for any type."""
    return hasattr(value, "__jsii_ref__")


def _is_token_string(value: Any) -> bool:
    return isinstance(value, str) and ("${TfToken[" in value or "#{TfToken[" in value)


def _type_ok(tf_type: TfType, value: Any) -> bool:
    if _is_token_object(value) or _is_token_string(value):
        return True
    if isinstance(tf_type, str):
        if tf_type == "string":
            return isinstance(value, str)
        if tf_type == "number":
            return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
        if tf_type == "bool":
            return isinstance(value, bool)
        return True  # dynamic
    kind, inner = tf_type[0], tf_type[1]
    if kind in ("list", "set"):
        return isinstance(value, list | tuple) and all(_type_ok(inner, v) for v in value)
    if kind == "map":
        return isinstance(value, Mapping) and all(isinstance(k, str) and _type_ok(inner, v) for k, v in value.items())
    if kind == "object":
        return isinstance(value, Mapping) and all(k in inner and _type_ok(inner[k], v) for k, v in value.items())
    return True  # tuple and anything newer: left to terraform


def _block_ok(block: Block, value: Any) -> str | None:
    """None when ``value`` fits ``block``, else what is allowed."""
    name = block.struct.__name__
    if _is_token_object(value):
        return None
    if block.single:
        return None if isinstance(value, block.struct) else f"a {name}"
    if block.nesting == "map":
        ok = isinstance(value, Mapping) and all(isinstance(v, block.struct) for v in value.values())
        return None if ok else f"a mapping of str to {name}"
    if not isinstance(value, list | tuple) or not all(isinstance(v, block.struct) for v in value):
        return f"a sequence of {name}"
    count = len(value)
    if count < block.min_items or (block.max_items and count > block.max_items):
        most = block.max_items or "any number of"
        return f"between {block.min_items} and {most} {name} items (got {count})"
    return None


def check_fields(fields: Sequence[Field], values: Mapping[str, Any], path: str) -> list[Problem]:
    """Every problem with ``values`` (Python names, MISSING for absent) against ``fields``."""
    problems: list[Problem] = []
    for field in fields:
        value = values.get(field.py, MISSING)
        if value is MISSING or value is None:
            if field.required:
                problems.append(Problem(path, field.py, MISSING, f"required: {_allowed(field)}"))
            continue
        if isinstance(field, Attr):
            if not _type_ok(field.type, value):
                problems.append(Problem(path, field.py, value, describe_type(field.type)))
        else:
            allowed = _block_ok(field, value)
            if allowed:
                problems.append(Problem(path, field.py, value, allowed))
    return problems


def _allowed(field: Field) -> str:
    if isinstance(field, Attr):
        return describe_type(field.type)
    return f"a {field.struct.__name__}" if field.single else f"a sequence of {field.struct.__name__}"


def _call_problems(
    fields: Sequence[Field], extra: Sequence[str], kwargs: Mapping[str, Any], path: str
) -> list[Problem]:
    known = {f.py for f in fields} | set(extra)
    problems = [
        Problem(path, name, kwargs[name], "unknown argument; allowed: " + ", ".join(sorted(known)))
        for name in kwargs
        if name not in known
    ]
    given = {k: v for k, v in kwargs.items() if k in known}
    return problems + check_fields(fields, given, path)


def to_terraform(value: Any) -> Any:
    """Plain JSON-able data for ``value`` (structs become dicts of Terraform names)."""
    if isinstance(value, Struct):
        return value.to_terraform()
    if isinstance(value, list | tuple):
        return [to_terraform(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_terraform(v) for k, v in value.items()}
    return value


def _render(fields: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        value = values.get(field.py)
        if value is not None:
            out[field.tf] = to_terraform(value)
    return out


_HCL_STORAGE = {"string": "string", "number": "number", "bool": "boolean", "dynamic": "any"}


def _render_hcl(fields: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        value = values.get(field.py)
        if value is None:
            continue
        if isinstance(field, Block):
            out[field.tf] = {
                "value": to_terraform([value] if field.single else value),
                "isBlock": True,
                "type": "set" if field.nesting == "set" else "list",
                "storageClassType": field.struct.__name__ + "List",
            }
            continue
        tf_type = field.type
        if isinstance(tf_type, str):
            kind, storage = "simple", _HCL_STORAGE.get(tf_type, "any")
        else:
            inner = tf_type[1] if isinstance(tf_type[1], str) else "any"
            kind = tf_type[0] if tf_type[0] in ("list", "set", "map") else "simple"
            storage = _HCL_STORAGE.get(inner, "any") + kind.capitalize()
        out[field.tf] = {"value": to_terraform(value), "isBlock": False, "type": kind, "storageClassType": storage}
    return out


class Struct:
    """A nested block's value. Generated subclasses give typed keyword-only constructors."""

    _tf_fields: ClassVar[tuple[Field, ...]] = ()
    __slots__ = ("_values",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _checked_struct_init(cls, cls.__dict__["__init__"])  # type: ignore[method-assign]

    def _store(self, values: Mapping[str, Any]) -> None:
        self._values = {f.py: values[f.py] for f in self._tf_fields if values.get(f.py) is not None}

    def to_terraform(self) -> dict[str, Any]:
        """This block as Terraform JSON (Terraform names, unset fields left out)."""
        return _render(self._tf_fields, self._values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        for field in type(self)._tf_fields:
            if field.py == name:
                return self._values.get(name)
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted((k, repr(v)) for k, v in self._values.items()))))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{type(self).__name__}({inner})"


def _checked_struct_init(cls: type[Struct], init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def checked(self: Struct, *args: Any, **kwargs: Any) -> None:
        problems = _call_problems(cls._tf_fields, (), kwargs, cls.__name__)
        if args:
            problems.insert(0, Problem(cls.__name__, "<positional>", args, "keyword arguments only"))
        if problems:
            raise ArgumentError(problems, summary=f"invalid arguments for {cls.__name__}")
        init(self, **kwargs)

    return checked


_RESOURCE_META_ARGS = ("depends_on", "lifecycle", "provider", "count", "for_each")
_PROVIDER_META_ARGS = ("alias",)


class _Bound:
    """Shared behaviour of generated resources, data sources and providers."""

    _tf_fields: ClassVar[tuple[Field, ...]] = ()
    _tf_type: ClassVar[str] = ""
    _tf_meta_args: ClassVar[tuple[str, ...]] = _RESOURCE_META_ARGS
    _tf_values: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__ and cls._tf_type:
            cls.__init__ = _checked_construct_init(cls, cls.__dict__["__init__"])  # type: ignore[method-assign]

    def _store(self, values: Mapping[str, Any]) -> None:
        self._tf_values = {f.py: values[f.py] for f in self._tf_fields if values.get(f.py) is not None}

    @property
    def tf_values(self) -> Mapping[str, Any]:
        """The arguments this block was given (Python names), for inspection."""
        return dict(self._tf_values)

    def _terraform_attributes(self) -> Mapping[str, Any]:
        """The Terraform JSON attributes: what node holds for this block since construction."""
        return _render(self._tf_fields, self._tf_values)

    @jsii.member(jsii_name="synthesizeHclAttributes")
    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return _render_hcl(self._tf_fields, self._tf_values)


class _References:
    """Reference tokens of a resource or data source, fetched in bulk and kept.

    The first string reference read on a block asks node once for the tokens of all its
    string attributes (``_tf_string_references``); later reads cost nothing. This is what
    ``get_string_attribute`` would give: cdktf fixes a block's logical id the first time
    any reference to it is made, so a kept token never goes stale.
    """

    _tf_string_references: ClassVar[tuple[str, ...]] = ()
    _tf_references: dict[str, str] | None = None

    def _string_reference(self, name: str) -> str:
        refs = self._tf_references
        if refs is None or name not in refs:
            names = type(self)._tf_string_references
            fetched = self._fetch_string_references(  # type: ignore[attr-defined]  # on the jsii base class
                list(names) if name in names else [name], []
            )
            refs = self._tf_references = {**(refs or {}), **fetched}
        return refs[name]

    def _reference_through(self, fn: str, name: str) -> str:
        """``Fn.<fn>(<reference to name>)``, fetched with the block's references when they are not yet."""
        key = f"{fn}({name})"
        refs = self._tf_references
        if refs is None or key not in refs:
            names = [] if refs is not None else list(type(self)._tf_string_references)
            fetched = self._fetch_string_references(names, [[fn, name]])  # type: ignore[attr-defined]
            refs = self._tf_references = {**(refs or {}), **fetched}
        return refs[key]


def _checked_construct_init(cls: type[_Bound], init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def checked(self: _Bound, scope: Any, id: str, *args: Any, **kwargs: Any) -> None:
        problems = _call_problems(cls._tf_fields, cls._tf_meta_args, kwargs, "")
        if args:
            problems.insert(0, Problem("", "<positional>", args, "only scope and id are positional"))
        if problems:
            path = _path_of(scope, id)
            raise ArgumentError(
                [Problem(path, p.field, p.value, p.allowed) for p in problems],
                summary=f"invalid arguments for {cls._tf_type} at {path}",
            )
        init(self, scope, id, **kwargs)

    return checked


def _path_of(scope: Any, id: str) -> str:
    try:
        parent = scope.node.path
    except Exception:
        return f"<not a construct: {scope!r}>/{id}"
    return f"{parent}/{id}" if parent else id


def _struct(struct_type: type, values: Mapping[str, Any]) -> Any:
    """A jsii struct of ``struct_type`` holding ``values`` (Python names), built without its checks."""
    struct: Any = object.__new__(struct_type)
    struct._values = {k: v for k, v in values.items() if v is not None}
    return struct


def _resource_config(
    terraform_resource_type: str,
    terraform_generator_metadata: Any,
    depends_on: Any,
    lifecycle: Any,
    provider: Any,
    count: Any,
    for_each: Any,
) -> Any:
    if isinstance(lifecycle, Mapping):
        lifecycle = cdk.TerraformResourceLifecycle(**lifecycle)
    return _struct(
        cdk.TerraformResourceConfig,
        {
            "terraform_resource_type": terraform_resource_type,
            "terraform_generator_metadata": terraform_generator_metadata,
            "depends_on": list(depends_on) if depends_on is not None else None,
            "lifecycle": lifecycle,
            "provider": provider,
            "count": count,
            "for_each": for_each,
        },
    )


_OVERRIDES: dict[type, list[Any]] = {}


def _create(jsii_class: type, obj: Any, args: list[Any]) -> None:
    """``jsii.create`` for a generated block, with its class's overrides worked out once per class.

    jsii finds a new object's overrides by walking every member of its class hierarchy, on
    every construction (about 350 attribute look-ups for a generated resource); the answer
    depends on the class only.
    """
    cls = type(obj)
    overrides = _OVERRIDES.get(cls)
    if overrides is None:
        overrides = _OVERRIDES[cls] = _jsii_kernel._get_overides(jsii_class, obj)
    kernel = jsii.kernel
    response = kernel.provider.create(
        _jsii_kernel.CreateRequest(
            fqn=jsii_class.__jsii_type__,  # type: ignore[attr-defined]
            args=_jsii_kernel._make_reference_for_native(kernel, args),
            overrides=overrides,
            interfaces=[],
        )
    )
    if isinstance(response, _jsii_kernel.Callback):
        response = _jsii_kernel._callback_till_result(kernel, response, _jsii_kernel.CreateResponse)
    obj.__jsii_ref__ = response
    _jsii_reference_map.register_reference(obj)


class _StoredResource(cdk.TerraformResource, metaclass=jsii.JSIIMeta, jsii_type=f"{NODE_ASSEMBLY}.StoredResource"):
    """A ``TerraformResource`` whose attributes node keeps from construction on (see :mod:`channelkit._cdk`)."""

    def __init__(self, scope: Any, id: str, config: Any, attributes: Mapping[str, Any]) -> None:
        _create(_StoredResource, self, [scope, id, config, attributes])

    @jsii.member(jsii_name="stringReferences")
    def _fetch_string_references(self, names: Sequence[str], calls: Sequence[Sequence[str]]) -> dict[str, str]:
        return dict(jsii.invoke(self, "stringReferences", [names, calls]))


class _StoredDataSource(
    cdk.TerraformDataSource, metaclass=jsii.JSIIMeta, jsii_type=f"{NODE_ASSEMBLY}.StoredDataSource"
):
    """A ``TerraformDataSource`` whose attributes node keeps from construction on."""

    def __init__(self, scope: Any, id: str, config: Any, attributes: Mapping[str, Any]) -> None:
        _create(_StoredDataSource, self, [scope, id, config, attributes])

    @jsii.member(jsii_name="stringReferences")
    def _fetch_string_references(self, names: Sequence[str], calls: Sequence[Sequence[str]]) -> dict[str, str]:
        return dict(jsii.invoke(self, "stringReferences", [names, calls]))


class _StoredProvider(cdk.TerraformProvider, metaclass=jsii.JSIIMeta, jsii_type=f"{NODE_ASSEMBLY}.StoredProvider"):
    """A ``TerraformProvider`` whose attributes and alias node keeps from construction on."""

    def __init__(
        self, scope: Any, id: str, config: Any, attributes: Mapping[str, Any], alias: str | None = None
    ) -> None:
        _create(_StoredProvider, self, [scope, id, config, attributes, alias])


class _Batch(metaclass=jsii.JSIIMeta, jsii_type=f"{NODE_ASSEMBLY}.Batch"):
    """Node-side helpers doing in one round trip what would take several (static methods only)."""


def create_constructs(scope: Any, ids: Sequence[str]) -> list[Any]:
    """Plain ``constructs.Construct`` children of ``scope``, one per id in order, made in one jsii round trip.

    Each is what ``Construct(scope, id)`` makes: node creates them, so the Python objects are jsii's own
    ``Construct`` objects (not instances of a Python subclass), registered like those Python creates (the
    tree hands back the same Python object).
    """
    made = list(jsii.sinvoke(_Batch, "constructs", [scope, list(ids)]))
    for construct in made:
        # jsii keeps the Python objects of node-made objects only for the call's answer; keep these as it
        # keeps those Python makes, so the tree (children, find_all, aspects) hands back the same objects
        _jsii_reference_map.register_reference(construct)
    return made


class _WithMetaArguments:
    """The constructor shared by generated resources and data sources.

    Normalizes the meta-arguments and renders the stored values (``_store`` runs first in
    generated constructors), then hands both to the jsii base class that follows this mixin
    in the MRO (``_StoredResource`` or ``_StoredDataSource``) in one ``create`` call.
    """

    _tf_fields: ClassVar[tuple[Field, ...]]
    _tf_values: dict[str, Any]

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        terraform_resource_type: str,
        terraform_generator_metadata: Any,
        depends_on: Any = None,
        lifecycle: Any = None,
        provider: Any = None,
        count: Any = None,
        for_each: Any = None,
    ) -> None:
        config = _resource_config(
            terraform_resource_type, terraform_generator_metadata, depends_on, lifecycle, provider, count, for_each
        )
        super().__init__(scope, id, config, _render(self._tf_fields, self._tf_values))  # type: ignore[call-arg]


class GeneratedResource(_Bound, _References, _WithMetaArguments, _StoredResource):
    """Base of every generated resource class."""


class GeneratedDataSource(_Bound, _References, _WithMetaArguments, _StoredDataSource):
    """Base of every generated data-source class."""


class GeneratedProvider(_Bound, _StoredProvider):
    """Base of every generated provider class.

    ``alias`` is kept node-side (node asks for a provider's alias whenever it renders a
    reference to it, so a Python property would turn every such question into a round trip).
    """

    _tf_meta_args: ClassVar[tuple[str, ...]] = _PROVIDER_META_ARGS

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        terraform_resource_type: str,
        terraform_generator_metadata: Any,
        terraform_provider_source: str,
        alias: str | None = None,
    ) -> None:
        config = _struct(
            cdk.TerraformProviderConfig,
            {
                "terraform_resource_type": terraform_resource_type,
                "terraform_generator_metadata": terraform_generator_metadata,
                "terraform_provider_source": terraform_provider_source,
            },
        )
        super().__init__(scope, id, config, _render(self._tf_fields, self._tf_values), alias)


#: The one-argument ``Fn`` functions :func:`reference_through` can apply node-side (they return strings).
REFERENCE_FUNCTIONS = ("base64decode", "base64encode", "lower", "upper", "sha256")


def prefetch_references(blocks: Sequence[Any]) -> None:
    """Fetch the string reference tokens of several generated blocks in one jsii round trip.

    Afterwards, reading a string reference of any of them (``topic.name``) costs nothing. Give only
    blocks whose references are read next: as in cdktf, making a reference fixes the block's logical
    id (a later ``override_logical_id`` would no longer apply to it). Other objects are ignored.

    Args:
        blocks: generated resources or data sources (the L2 constructs' ``resource``).
    """
    pending = [b for b in blocks if isinstance(b, _References) and b._tf_references is None]
    if len(pending) < 2:
        return  # the first read fetches a single block's references just as cheaply
    names = [list(type(b)._tf_string_references) for b in pending]
    fetched = jsii.sinvoke(_Batch, "stringReferences", [pending, names])
    for block, refs in zip(pending, fetched, strict=True):
        block._tf_references = dict(refs)


def reference_through(block: Any, fn: str, attribute: str) -> str:
    """``Fn.<fn>(block.<attribute>)`` as a token, in at most one jsii round trip.

    For a generated block, the function is applied node-side together with fetching the block's
    references (the same token ``cdk.Fn.<fn>(block.<attribute>)`` gives, one round trip fewer); for
    anything else it is exactly that call.

    Args:
        block: the resource or data source holding the attribute.
        fn: one of :data:`REFERENCE_FUNCTIONS`.
        attribute: the Terraform name of a string attribute (``private_key``).

    Raises:
        ValueError: ``fn`` is not one of :data:`REFERENCE_FUNCTIONS`.
    """
    if fn not in REFERENCE_FUNCTIONS:
        raise ValueError(f"reference_through: fn must be one of {', '.join(REFERENCE_FUNCTIONS)}, not {fn!r}")
    if isinstance(block, _References):
        return block._reference_through(fn, attribute)
    return str(getattr(cdk.Fn, fn)(getattr(block, attribute)))


def generator_metadata(provider_name: str, constraint: str) -> Any:
    """Cdktf's generator metadata, which writes ``required_providers``."""
    return cdk.TerraformProviderGeneratorMetadata(
        provider_name=provider_name, provider_version_constraint=constraint
    )


__all__ += [
    "REFERENCE_FUNCTIONS",
    "check_fields",
    "create_constructs",
    "generator_metadata",
    "prefetch_references",
    "reference_through",
    "to_terraform",
]
