r"""Declarative prop rules: each constructor's props are one table of :class:`Rule` objects.

A rule knows what it accepts (:attr:`Rule.allowed`, the words a :class:`~channelkit.errors.Problem`
carries) and records a problem for a value it does not accept. Tables of rules are plain mappings
(``field -> Rule``) attached to the classes they check (``MySqlSource.PROPS``, ``KafkaTopic.PROPS``...),
so tools (a property-based test, docs) can read them.

Every rule rejects a value of the wrong type before anything else: a ``bool`` is not an integer
(``isinstance(True, int)`` is true in Python), a ``str`` is not a sequence of strings, ``None`` is
accepted only where a rule is wrapped in :class:`Maybe`. Patterns match the *whole* string
(:func:`re.fullmatch`), so ``"orders\\n"`` is never a name.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from channelkit.errors import ProblemCollector

__all__ = [
    "Boolean",
    "Days",
    "Instance",
    "Integer",
    "Map",
    "Maybe",
    "Moment",
    "OneOf",
    "Rule",
    "Seq",
    "Text",
    "check_props",
    "is_int",
    "is_token",
]


def is_int(value: object) -> bool:
    """True for an ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_token(value: object) -> bool:
    """True for a string that is an unresolved cdktf token (a reference to another resource's attribute)."""
    if not (isinstance(value, str) and "${" in value):
        return False
    from channelkit._cdk import cdk  # only for strings that may be tokens: this module loads without jsii

    return bool(cdk.Token.is_unresolved(value))


class Rule(ABC):
    """What one prop accepts."""

    @property
    @abstractmethod
    def allowed(self) -> str:
        """What is accepted, in words."""

    @abstractmethod
    def ok(self, value: Any) -> bool:
        """Whether ``value`` is accepted."""

    def check(self, problems: ProblemCollector, field: str, value: Any) -> bool:
        """Record a problem on ``field`` unless ``value`` is accepted; return whether it is."""
        return problems.check(self.ok(value), field, value, self.allowed)


@dataclass(frozen=True)
class Integer(Rule):
    """An ``int`` (never a ``bool``) in ``[min, max]``, or one of ``choices``."""

    min: int | None = None
    max: int | None = None
    choices: tuple[int, ...] | None = None
    what: str = ""

    @property
    def allowed(self) -> str:
        """``an integer from 1 to 65535`` and the like."""
        if self.choices is not None:
            text = "one of " + ", ".join(map(str, self.choices))
        elif self.min is not None and self.max is not None:
            text = f"an integer from {self.min} to {self.max}"
        elif self.min is not None:
            text = f"an integer >= {self.min}"
        elif self.max is not None:
            text = f"an integer <= {self.max}"
        else:
            text = "an integer"
        return f"{text} ({self.what})" if self.what else text

    def ok(self, value: Any) -> bool:
        """An int in range (bools refused)."""
        if not is_int(value):
            return False
        if self.choices is not None and value not in self.choices:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class Boolean(Rule):
    """``True`` or ``False`` (not ``1``, ``"yes"`` or ``None``)."""

    @property
    def allowed(self) -> str:
        """``True or False``."""
        return "True or False"

    def ok(self, value: Any) -> bool:
        """A bool."""
        return isinstance(value, bool)


@dataclass(frozen=True)
class Text(Rule):
    """A ``str`` of ``min_len`` to ``max_len`` characters (at most ``max_bytes`` UTF-8 bytes) matching ``pattern``.

    Args:
        pattern: a regular expression the *whole* string must match (default: any text).
        min_len: fewest characters (default 0).
        max_len: most characters (default: no limit).
        max_bytes: most UTF-8 bytes (default: no limit), for systems counting bytes (Postgres, Glue).
        what: the words for what is accepted, e.g. ``a Kafka topic name: [A-Za-z0-9._-]``.
        tokens: accept a cdktf reference token as it is (default False).
        printable: refuse control characters (default True; descriptions may allow newlines with False).
    """

    pattern: str | None = None
    min_len: int = 0
    max_len: int | None = None
    max_bytes: int | None = None
    what: str = "a string"
    tokens: bool = False
    printable: bool = True

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern is not None else None

    @property
    def allowed(self) -> str:
        """What the text must be, with its length limits."""
        if self.max_len is not None:
            length = (f"{self.min_len}-{self.max_len} characters" if self.min_len
                      else f"at most {self.max_len} characters")
        elif self.min_len:
            length = f"at least {self.min_len} character{'s' if self.min_len > 1 else ''}"
        else:
            length = ""
        if self.max_bytes is not None:
            limit = f"at most {self.max_bytes} UTF-8 bytes"
            length = f"{length}, {limit}" if length else limit
        return f"{self.what} ({length})" if length else self.what

    def ok(self, value: Any) -> bool:
        """A string of the right length and characters (or a token, where allowed)."""
        if not isinstance(value, str):
            return False
        if self.tokens and is_token(value):
            return True
        if len(value) < self.min_len or (self.max_len is not None and len(value) > self.max_len):
            return False
        if self.max_bytes is not None and len(value.encode("utf-8", "surrogatepass")) > self.max_bytes:
            return False
        if self.printable and any(ord(c) < 32 or ord(c) == 127 for c in value):
            return False
        return self._regex is None or self._regex.fullmatch(value) is not None


@dataclass(frozen=True)
class Maybe(Rule):
    """``None`` or what ``rule`` accepts."""

    rule: Rule

    @property
    def allowed(self) -> str:
        """``None or ...``."""
        return "None or " + self.rule.allowed

    def ok(self, value: Any) -> bool:
        """None, or accepted by the rule."""
        return value is None or self.rule.ok(value)

    def check(self, problems: ProblemCollector, field: str, value: Any) -> bool:
        """None passes; anything else is checked by the rule (which may record several problems)."""
        return value is None or self.rule.check(problems, field, value)


@dataclass(frozen=True)
class OneOf(Rule):
    """One of ``choices``, of the same type (``True`` is not ``1``)."""

    choices: tuple[Any, ...]

    @property
    def allowed(self) -> str:
        """``one of a, b, c``."""
        return "one of " + ", ".join(map(str, self.choices))

    def ok(self, value: Any) -> bool:
        """Equal to a choice of the same type."""
        return any(type(value) is type(c) and value == c for c in self.choices)


@dataclass(frozen=True)
class Instance(Rule):
    """An instance of one of ``kinds`` (a prop object, a construct)."""

    kinds: tuple[type, ...]
    what: str

    @property
    def allowed(self) -> str:
        """The words given."""
        return self.what

    def ok(self, value: Any) -> bool:
        """An instance of a kind."""
        return isinstance(value, self.kinds)


@dataclass(frozen=True)
class Seq(Rule):
    """A list or tuple (never a ``str``, ``bytes``, a mapping or a set) of ``min_items`` to ``max_items`` items.

    Each item is checked by ``item`` under ``field[i]``.
    """

    item: Rule
    min_items: int = 0
    max_items: int | None = None
    what: str = ""

    @property
    def allowed(self) -> str:
        """A sequence of what ``item`` accepts."""
        count = (f"{self.min_items}-{self.max_items}" if self.max_items is not None
                 else f"at least {self.min_items}" if self.min_items else "")
        head = self.what or "a list"
        head = f"{head} of {count} item{'s' if self.max_items != 1 else ''}" if count else head
        return f"{head}, each {self.item.allowed}"

    def ok(self, value: Any) -> bool:
        """A sequence of the right length whose items are accepted."""
        return _is_seq(value) and self._length_ok(value) and all(self.item.ok(v) for v in value)

    def _length_ok(self, value: Sequence[Any]) -> bool:
        return len(value) >= self.min_items and (self.max_items is None or len(value) <= self.max_items)

    def check(self, problems: ProblemCollector, field: str, value: Any) -> bool:
        """One problem for a non-sequence or a wrong length, else one per bad item."""
        if not _is_seq(value) or not self._length_ok(value):
            return problems.check(False, field, value, self.allowed)
        results = [self.item.check(problems, f"{field}[{i}]", v) for i, v in enumerate(value)]
        return all(results)


def _is_seq(value: Any) -> bool:
    return isinstance(value, list | tuple)


@dataclass(frozen=True)
class Map(Rule):
    """A mapping whose keys and values ``key`` and ``value`` accept (a problem per bad entry)."""

    key: Rule = field(default_factory=lambda: Text(min_len=1, what="a non-empty string"))
    value: Rule = field(default_factory=lambda: Text(printable=False))
    max_items: int | None = None
    what: str = "a mapping"

    @property
    def allowed(self) -> str:
        """A mapping of what ``key`` and ``value`` accept."""
        most = f" of at most {self.max_items} entries" if self.max_items is not None else ""
        return f"{self.what}{most}: keys {self.key.allowed}; values {self.value.allowed}"

    def ok(self, value: Any) -> bool:
        """A mapping of accepted entries."""
        return isinstance(value, Mapping) and (self.max_items is None or len(value) <= self.max_items) and all(
            self.key.ok(k) and self.value.ok(v) for k, v in value.items())

    def check(self, problems: ProblemCollector, field: str, value: Any) -> bool:
        """One problem for a non-mapping, else one per bad key or value."""
        if not isinstance(value, Mapping) or (self.max_items is not None and len(value) > self.max_items):
            return problems.check(False, field, value, self.allowed)
        results = [self.key.check(problems, f"{field} key", k) and self.value.check(problems, f"{field}[{k}]", v)
                   for k, v in value.items()]
        return all(results)


@dataclass(frozen=True)
class Days(Rule):
    """A ``timedelta`` of whole days, ``min_days`` to ``max_days``."""

    min_days: int = 1
    max_days: int | None = None

    @property
    def allowed(self) -> str:
        """``a timedelta of whole days, at least 1 day`` and the like."""
        if self.max_days is not None:
            return f"a timedelta of whole days, {self.min_days} to {self.max_days}"
        return f"a timedelta of whole days, at least {self.min_days} day{'s' if self.min_days != 1 else ''}"

    def ok(self, value: Any) -> bool:
        """Whole days in range."""
        return (isinstance(value, timedelta) and value == timedelta(days=value.days) and value.days >= self.min_days
                and (self.max_days is None or value.days <= self.max_days))


@dataclass(frozen=True)
class Moment(Rule):
    """A timezone-aware ``datetime`` in the future (a naive one has no single meaning: refused on every target)."""

    @property
    def allowed(self) -> str:
        """What an expiry must be."""
        return (f"a timezone-aware datetime in the future (now is {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}; "
                "e.g. datetime(2030, 1, 1, tzinfo=UTC))")

    def ok(self, value: Any) -> bool:
        """Aware and later than now."""
        return (isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None
                and value > datetime.now(UTC))


def check_props(
    problems: ProblemCollector, rules: Mapping[str, Rule], values: Mapping[str, Any] | Any, *, prefix: str = "",
) -> dict[str, bool]:
    """Check every prop of ``values`` (a mapping, or an object read with ``getattr``) against ``rules``.

    Args:
        problems: where problems go.
        rules: field name -> rule.
        values: the props, as a mapping or an object holding them as attributes.
        prefix: put before each field name (``source.``).

    Returns:
        field name -> whether the value was accepted (later checks skip the fields that were not).
    """
    get = values.get if isinstance(values, Mapping) else lambda name: getattr(values, name, None)
    return {name: rule.check(problems, prefix + name, get(name)) for name, rule in rules.items()}
