"""YAML values → the Python props, driven by the props' own signatures and type hints.

One generic conversion serves every prop class (``Column``, ``Table``, the sources, platforms and
warehouses, ``Reader``, ``DataPolicy``...), so a YAML declaration has the full expressiveness of the Python
API and follows it without a second definition:

- a mapping becomes the prop class its field is typed with, its keys the keyword arguments;
- a field typed with a family (``source``, ``kafka``, ``connect``, ``warehouse``: see :data:`KINDS`) takes a
  one-key mapping naming the kind (``{mysql: {...}}``), or the name of a prop the app shares
  (``kafka: main``);
- durations are written ``7d``, ``12h``, ``30m`` or ``45s``; expiries as YAML timestamps with an offset
  (``2030-06-30T00:00:00Z``);
- every other value is passed as written, so the props' own rules judge it exactly as they judge Python.

Every value's position is recorded under the field name the Channel's errors use (``tables[orders]
.columns[email].masking``, ``readers[0].expires``, ``warehouse.location``), so an error raised later by
the Channel points back to the file, line and column it came from.
"""

from __future__ import annotations

import functools
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from channelkit.errors import Problem

from .located import Located

__all__ = [
    "INVALID", "Conversion", "duration", "has_fields", "kind_name", "kinds", "required_fields", "subclass_kinds",
    "takes_items",
]

#: A value that could not be converted (its problem is recorded).
INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "<invalid>"})()

_DURATION = re.compile(r"\s*(?P<n>[0-9]+)\s*(?P<unit>d|h|m|s|days?|hours?|minutes?|seconds?)\s*")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
#: How a duration is written.
DURATION_FORM = "a duration such as 7d, 12h, 30m or 45s"


def duration(text: Any) -> timedelta | None:
    """``7d`` → ``timedelta(days=7)`` (also ``12h``, ``30m``, ``45s``, ``14 days``); None when not a duration."""
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    return timedelta(**{_UNITS[match["unit"][0]]: int(match["n"])})


@functools.cache
def kinds() -> dict[str, dict[str, type]]:
    """Field name → {kind name → prop class}: the families a YAML file names by kind (computed once; do not modify)."""
    from channelkit.platforms import ConnectCluster, KafkaCluster, MskCluster, MskConnect
    from channelkit.sources import MariaDbSource, MySqlSource, PostgresSource
    from channelkit.warehouses import AwsLake, BigQuery

    return {
        "source": {"mysql": MySqlSource, "mariadb": MariaDbSource, "postgres": PostgresSource},
        "kafka": {"kafka": KafkaCluster, "msk": MskCluster},
        "connect": {"kafka_connect": ConnectCluster, "msk_connect": MskConnect},
        "warehouse": {"bigquery": BigQuery, "aws_lake": AwsLake},
    }


@dataclass
class Conversion:
    """One conversion: problems found, and where each field's value was written.

    Args:
        path: the construct path problems carry.
        shared: field name → {name → prop} the app shares (``kafka: main``).
    """

    path: str
    shared: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: field name (as the Channel's errors name it) → ``file:line:column``.
    where: dict[str, str] = field(default_factory=dict)
    #: field name → the value as written in the YAML.
    written: dict[str, Any] = field(default_factory=dict)

    def problem(self, node: Located, field: str, value: Any, allowed: str) -> Any:
        """Record a problem at ``node``; return :data:`INVALID`."""
        self.problems.append(Problem(self.path, field, value, allowed, location=node.where))
        return INVALID

    def locate(self, field: str) -> str | None:
        """Where the value of ``field`` (or of the nearest enclosing field) was written."""
        name = field.split(" ", 1)[0]
        while name:
            if name in self.where:
                return self.where[name]
            cut = max(name.rfind("."), name.rfind("["))
            name = name[:cut] if cut > 0 else ""
        return self.where.get("")

    # -- conversion ------------------------------------------------------------------------------------------
    def call(self, target: Callable[..., Any], node: Located, field: str, *, skip: Sequence[str] = (),
             hints: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The keyword arguments of ``target`` from the mapping ``node`` (None when it is not a mapping)."""
        self.where.setdefault(field, node.where)
        if not isinstance(node.value, dict):
            name = getattr(target, "__name__", "the prop")
            self.problem(node, field or "<file>", node.plain, f"a mapping of {name}'s fields")
            return None
        params = {n: p for n, p in inspect.signature(target).parameters.items()
                  if n not in skip and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        types_of = dict(hints) if hints is not None else _hints(target)
        kwargs: dict[str, Any] = {}
        for key, value in node.value.items():
            sub = f"{field}.{key}" if field else key
            if key not in params:
                self.problem(value, sub, value.plain, f"one of the fields {', '.join(params)}")
                continue
            kwargs[key] = self.value(types_of.get(key, Any), value, sub, key)
        missing = [n for n, p in params.items() if p.default is inspect.Parameter.empty and n not in node.value]
        for name in missing:
            self.problem(node, f"{field}.{name}" if field else name, "<missing>", "required")
        return kwargs if not missing and all(v is not INVALID for v in kwargs.values()) else None

    def build(self, cls: type, node: Located, field: str) -> Any:
        """An instance of the prop class ``cls`` from the mapping ``node``."""
        kwargs = self.call(cls, node, field)
        if kwargs is None:
            return INVALID
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:  # a prop class refusing its arguments outright
            return self.problem(node, field, node.plain, str(exc))

    def value(self, hint: Any, node: Located, field: str, name: str) -> Any:
        """``node`` converted to what ``hint`` says the field ``name`` holds."""
        self.where[field] = node.where
        if not isinstance(node.value, dict | list):
            self.written[field] = node.value
        family = kinds().get(name) if field == name else None  # the Channel's own source, kafka... fields
        if family is not None:
            return self.kind(family, node, field, name)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if node.value is None and len(options) < len(args):
                return None
            for option in options:  # a prop class takes a mapping, a scalar type a scalar
                if _is_props(option) and isinstance(node.value, dict):
                    return self.build(option, node, field)
            scalars = [o for o in options if not _is_props(o)]
            return self.value(scalars[0], node, field, "") if scalars else self.value(options[0], node, field, "")
        if hint is timedelta:
            return self.duration(node, field)
        if hint is datetime:
            return self.moment(node, field)
        if _is_props(hint):
            return self.build(hint, node, field) if isinstance(node.value, dict) else node.plain
        family = subclass_kinds(hint)
        if family:
            return self.kind(family, node, field, "")
        if origin in (tuple, list, Sequence, typing.Sequence) or hint in (tuple, list):
            item = args[0] if args else Any
            return self.items(item, node, field) if isinstance(node.value, list) else node.plain
        if origin in (dict, Mapping, typing.Mapping) and isinstance(node.value, dict):
            value_hint = args[1] if len(args) == 2 else Any
            return {k: self.value(value_hint, v, f"{field}[{k}]", "") for k, v in node.value.items()}
        return node.plain

    def items(self, item: Any, node: Located, field: str) -> Any:
        """A list: each item converted, positioned as ``field[i]`` and, for named props, ``field[name]``."""
        out = []
        for i, sub in enumerate(node.value):
            name = sub.value.get("name") if isinstance(sub.value, dict) else None
            label = f"{field}[{name.value}]" if isinstance(name, Located) and isinstance(name.value, str) else None
            self.where[f"{field}[{i}]"] = sub.where
            converted = self.value(item, sub, label or f"{field}[{i}]", "")
            if label is not None:  # the Channel names a table by its name, a column by its name
                for key, where in list(self.where.items()):
                    if key.startswith(label):
                        self.where.setdefault(f"{field}[{i}]" + key[len(label):], where)
            if converted is not INVALID:  # its problem is recorded; the rest is still checked
                out.append(converted)
        return out

    def kind(self, family: Mapping[str, type], node: Located, field: str, name: str) -> Any:
        """A family prop: ``{kind: {...}}``, or the name of a prop the app shares."""
        shared = self.shared.get(name, {})
        if isinstance(node.value, str) and node.value in family and not has_fields(family[node.value]):
            return family[node.value]()  # a kind without fields, by its name alone (``not_null``)
        if isinstance(node.value, str):
            if node.value in shared:
                return shared[node.value]
            known = f"one of the shared {name} props {sorted(shared)}, or " if shared else ""
            return self.problem(node, field, node.value, f"{known}a mapping {{kind: {{...}}}} with kind one of "
                                                          f"{', '.join(family)}")
        if not isinstance(node.value, dict) or len(node.value) != 1 or next(iter(node.value)) not in family:
            return self.problem(node, field, node.plain, f"a mapping of one kind, one of {', '.join(family)}, to "
                                                         f"its fields (e.g. {{{next(iter(family))}: {{...}}}})")
        ((kind, body),) = node.value.items()
        if isinstance(body.value, list) and takes_items(family[kind]):  # ``accepted_values: [a, b]``
            self.where[field] = body.where
            return family[kind](*body.plain)
        return self.build(family[kind], body, field)

    def duration(self, node: Located, field: str) -> Any:
        """A duration: ``7d``, ``12h``..."""
        found = duration(node.value)
        return found if found is not None else self.problem(node, field, node.plain, DURATION_FORM)

    def moment(self, node: Located, field: str) -> Any:
        """A point in time: a YAML timestamp, or an ISO 8601 string."""
        value = node.value
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return self.problem(node, field, node.plain, "a date and time with a UTC offset, such as "
                                                             "2030-06-30T00:00:00Z")
        if isinstance(value, date) and not isinstance(value, datetime):
            return self.problem(node, field, node.plain, "a date and time with a UTC offset, such as "
                                                         "2030-06-30T00:00:00Z (a date alone has no time zone)")
        return value


def required_fields(cls: type) -> list[str]:
    """The parameters of ``cls`` without a default."""
    return [n for n, p in inspect.signature(cls).parameters.items()
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def has_fields(cls: type) -> bool:
    """Whether ``cls`` takes any argument at all."""
    return bool(inspect.signature(cls).parameters)


def takes_items(cls: type) -> bool:
    """Whether ``cls`` takes its values positionally (``AcceptedValues("a", "b")``)."""
    return any(p.kind is p.VAR_POSITIONAL for p in inspect.signature(cls).parameters.values())


def kind_name(cls: type) -> str:
    """The name a channels file gives a kind: its class name in snake case (``NotNull`` → ``not_null``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


@functools.cache
def subclass_kinds(hint: Any) -> dict[str, type]:
    """A base class's prop subclasses by kind name (``NotNull`` → ``not_null``); empty for other hints (cached)."""
    if not isinstance(hint, type) or _is_props(hint) or hint.__module__ == "builtins":
        return {}
    found: dict[str, type] = {}
    pending: list[type] = list(hint.__subclasses__())
    while pending:
        sub = pending.pop(0)
        pending += sub.__subclasses__()
        if _is_props(sub) and not inspect.isabstract(sub):
            found[kind_name(sub)] = sub
    return dict(sorted(found.items()))


def _is_props(hint: Any) -> bool:
    """Whether ``hint`` is a prop class (a dataclass) rather than a scalar or container type."""
    return isinstance(hint, type) and hasattr(hint, "__dataclass_fields__")


def _hints(target: Callable[..., Any]) -> dict[str, Any]:
    """The type hints of ``target``'s parameters (a class's fields, or a function's arguments)."""
    try:
        return typing.get_type_hints(target if isinstance(target, type) else target)
    except Exception:  # pragma: no cover - an unresolvable annotation: every field is taken as written
        return {}
