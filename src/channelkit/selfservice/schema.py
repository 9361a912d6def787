"""The JSON Schema of a channels file, derived from the same props the YAML is converted with.

Editors (the YAML language server, IntelliJ) use it to validate and complete ``channels/*.yaml``; it is
published as ``channelkit/schemas/channels.schema.json`` and written by ``channelkit schema``. It is built
from each prop class's signature, type hints, ``PROPS`` rules and docstring, so it cannot drift from what
the loader accepts (a test compares the published file with a fresh one). The props' rules stay the
authority: the schema is a guide for editors, and the Channel's checks (names, limits, policies) go further.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from channelkit.props import Boolean, Days, Instance, Integer, Map, Maybe, Moment, OneOf, Rule, Seq, Text

from .convert import has_fields, kinds, subclass_kinds, takes_items

__all__ = ["SCHEMA_ID", "channels_schema", "render_schema"]

#: The schema's ``$id``.
SCHEMA_ID = "https://channelkit.dev/schemas/channels.schema.json"

_DURATION = {"type": "string", "pattern": r"^\s*[0-9]+\s*(d|h|m|s|days?|hours?|minutes?|seconds?)\s*$",
             "description": "A duration such as 7d, 12h, 30m or 45s."}
_MOMENT = {"type": "string", "format": "date-time",
           "description": "A date and time with a UTC offset, such as 2030-06-30T00:00:00Z."}
#: Channel arguments that have no PROPS of their own.
_CHANNEL_RULES: Mapping[str, Rule] = {"partitions": Integer(min=1), "replication_factor": Maybe(Integer(min=1))}


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        if cls.__name__ not in self.defs:
            self.defs[cls.__name__] = {}  # placeholder: a class may refer to itself
            rules = getattr(cls, "PROPS", {})
            if takes_items(cls):  # its values as a list (``accepted_values: [a, b]``)
                (rule,) = rules.values() or (None,)
                self.defs[cls.__name__] = {**self.hint(tuple[str, ...], rule),
                                           "description": (inspect.getdoc(cls) or "").split("\n\n", 1)[0]}
            else:
                self.defs[cls.__name__] = self.obj(cls, rules)
        return {"$ref": f"#/$defs/{cls.__name__}"}

    def obj(self, target: Callable[..., Any], rules: Mapping[str, Rule], *, skip: Sequence[str] = (),
            extra: Mapping[str, Any] | None = None, doc_of: Any = None) -> dict[str, Any]:
        params = {n: p for n, p in inspect.signature(target).parameters.items()
                  if n not in ("self", *skip) and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        hints = typing.get_type_hints(target)
        docs = _arg_docs(inspect.getdoc(doc_of or target) or "")
        props: dict[str, Any] = dict(extra or {})
        for name in params:
            schema = self.field(name, hints.get(name, Any), rules.get(name))
            if docs.get(name):
                schema = {**schema, "description": docs[name]}
            props[name] = schema
        required = [n for n, p in params.items() if p.default is inspect.Parameter.empty]
        required += [n for n in (extra or {}) if n == "id"]
        out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        summary = (inspect.getdoc(doc_of or target) or "").split("\n\n", 1)[0]
        if summary:
            out["description"] = summary
        if required:
            out["required"] = required
        return out

    def field(self, name: str, hint: Any, rule: Rule | None, *, top: bool = False) -> dict[str, Any]:
        family = kinds().get(name) if top else None
        if family is not None:
            return {"oneOf": [
                {"type": "string", "description": f"The name of a {name} prop the app shares."},
                {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
                 "properties": {kind: self.ref(cls) for kind, cls in family.items()}},
            ]}
        return self.hint(hint, rule)

    def hint(self, hint: Any, rule: Rule | None) -> dict[str, Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if isinstance(rule, Maybe):
            rule = rule.rule
        if origin in (typing.Union, types.UnionType):
            options = [self.hint(a, rule if _is_props(a) is False else None) for a in args if a is not type(None)]
            if type(None) in args:
                options.append({"type": "null"})
            return options[0] if len(options) == 1 else {"anyOf": options}
        if hint is timedelta or isinstance(rule, Days):
            return dict(_DURATION)
        if hint is datetime or isinstance(rule, Moment):
            return dict(_MOMENT)
        if _is_props(hint):
            return self.ref(hint)
        family = subclass_kinds(hint)
        if family:
            bare = [kind for kind, cls in family.items() if not has_fields(cls)]
            tagged = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
                      "properties": {kind: self.ref(cls) for kind, cls in family.items()}}
            return {"oneOf": [{"enum": bare}, tagged]} if bare else tagged
        if origin in (tuple, list, Sequence, typing.Sequence) or hint in (tuple, list):
            item_rule = rule.item if isinstance(rule, Seq) else None
            out: dict[str, Any] = {"type": "array", "items": self.hint(args[0] if args else Any, item_rule)}
            if isinstance(rule, Seq) and rule.min_items:
                out["minItems"] = rule.min_items
            if isinstance(rule, Seq) and rule.max_items is not None:
                out["maxItems"] = rule.max_items
            return out
        if origin in (dict, Mapping, typing.Mapping):
            value_rule = rule.value if isinstance(rule, Map) else None
            out = {"type": "object", "additionalProperties": self.hint(args[1] if len(args) == 2 else Any, value_rule)}
            if isinstance(rule, Map) and isinstance(rule.key, Text | OneOf):
                out["propertyNames"] = self.hint(str, rule.key)
            if isinstance(rule, Map) and rule.max_items is not None:
                out["maxProperties"] = rule.max_items
            return out
        return self.scalar(hint, rule)

    def scalar(self, hint: Any, rule: Rule | None) -> dict[str, Any]:
        if isinstance(rule, OneOf):
            return {"enum": list(rule.choices)}
        if isinstance(rule, Boolean) or hint is bool:
            return {"type": "boolean"}
        if isinstance(rule, Integer) or hint is int:
            out: dict[str, Any] = {"type": "integer"}
            if isinstance(rule, Integer):
                out.update({k: v for k, v in (("minimum", rule.min), ("maximum", rule.max)) if v is not None})
                if rule.choices:
                    out["enum"] = list(rule.choices)
            return out
        if isinstance(rule, Text) or hint is str:
            out = {"type": "string"}
            if isinstance(rule, Text):
                if rule.pattern and _portable(rule.pattern) and not rule.tokens:
                    out["pattern"] = f"^(?:{rule.pattern})$"
                if rule.min_len:
                    out["minLength"] = rule.min_len
                if rule.max_len is not None:
                    out["maxLength"] = rule.max_len
            return out
        if isinstance(rule, Instance):
            return {}
        if hint is float:
            return {"type": "number"}
        if hint is date:
            return {"type": "string", "format": "date"}
        if hint is Decimal:
            return {"type": ["number", "string"]}
        return {}


def _is_props(hint: Any) -> bool:
    return isinstance(hint, type) and hasattr(hint, "__dataclass_fields__")


def _portable(pattern: str) -> bool:
    """Whether a Python pattern means the same in ECMA-262 (no named groups, anchors or inline flags)."""
    return not re.search(r"\(\?P|\\A|\\Z|\(\?[aiLmsux]|\\U", pattern)


_ARG = re.compile(r"^ {4}(?P<name>[a-z_][a-z0-9_]*): (?P<text>.*)$")


def _arg_docs(doc: str) -> dict[str, str]:
    """``name`` → its text, from the ``Args:`` section of a Google-style docstring."""
    found: dict[str, str] = {}
    lines = doc.splitlines()
    try:
        start = lines.index("Args:") + 1
    except ValueError:
        return found
    current = None
    for line in lines[start:]:
        if line and not line.startswith(" "):
            break
        match = _ARG.match(line)
        if match:
            current = match["name"]
            found[current] = match["text"].strip()
        elif current and line.startswith("        "):
            found[current] += " " + line.strip()
    return found


def channels_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a channels file."""
    from channelkit.constructs.aws import aws_provider
    from channelkit.governance import DataPolicy
    from channelkit.patterns import Channel, Team

    b = _Builder()
    channel_params = {n for n in inspect.signature(Channel.__init__).parameters if n not in ("self", "scope", "id")}
    channel = b.obj(Channel.__init__, _CHANNEL_RULES, skip=("scope", "id"), doc_of=Channel,
                    extra={"id": {"type": "string", "minLength": 1,
                                  "description": "The channel's construct id; the channel name derives from it."}})
    hints = typing.get_type_hints(Channel.__init__)
    for name in channel_params:  # the families: a kind or a shared name
        if name in kinds():
            channel["properties"][name] = {**b.field(name, hints.get(name, Any), None, top=True),
                                           "description": channel["properties"][name].get("description", "")}
    channel["required"] = [r for r in channel.get("required", []) if r != "owner"]  # the file's owner serves
    aws = b.obj(aws_provider, {}, skip=("scope", "id", "local"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "channelkit channels file",
        "description": "One stack of CDC channels (channelkit.selfservice.load_channels).",
        "type": "object",
        "additionalProperties": False,
        "required": ["channels"],
        "properties": {
            "$schema": {"type": "string"},
            "stack": {"type": "string", "minLength": 1,
                      "description": "The stack's construct id (default: the file's name)."},
            "owner": {**b.ref(Team), "description": "The default owner of every channel of the file."},
            "aws": {**aws, "description": "The stack's AWS provider (aws_provider(stack, region=...))."},
            "policy": {**b.ref(DataPolicy), "description": "A data policy for this stack (the app's applies too)."},
            "channels": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Channel"}},
        },
        "$defs": {**dict(sorted(b.defs.items())), "Channel": channel},
    }


def render_schema() -> str:
    """The schema as the published file holds it (sorted keys, two-space indent, final newline)."""
    return json.dumps(channels_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
