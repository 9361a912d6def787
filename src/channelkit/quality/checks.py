"""Quality check props: what a column's or a table's data must satisfy.

Column checks go in ``Column(checks=[...])``, table checks in ``Table(checks=[...])``:

- :class:`NotNull` — the column has a value in every captured version of a row;
- :class:`Unique` — no two rows of the latest state share a value (nulls aside);
- :class:`AcceptedValues` — the value is one of a list (an ``ENUM`` column gets its values for free);
- :class:`Range` — the value lies between ``min`` and ``max`` (numbers, dates and timestamps);
- :class:`Matches` — the text matches a regular expression (the whole value, RE2 syntax);
- :class:`RowCondition` (table) — every row satisfies a SQL condition;
- :class:`Freshness` (table) — the newest change is at most ``max_age`` old.

The primary key implies :class:`NotNull` on each key column, and it is unique in the latest state by
construction (the view keeps one row per key). Every prop is frozen; what each field accepts is its class's
``PROPS``, checked by the Channel with the column's type and the engines that run the check
(:mod:`channelkit.quality.validate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from channelkit.props import Maybe, Rule, Seq, Text

__all__ = [
    "COLUMN_CHECKS",
    "TABLE_CHECKS",
    "AcceptedValues",
    "Check",
    "Freshness",
    "Matches",
    "NotNull",
    "Range",
    "RowCondition",
    "Unique",
]


class Check:
    """The base of every quality check prop."""

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {}
    #: The check's name in rule names and reports (``not-null``, ``range``...).
    kind: ClassVar[str] = ""
    #: The Dataplex dimension the check reports under.
    dimension: ClassVar[str] = "VALIDITY"


@dataclass(frozen=True)
class NotNull(Check):
    """The column is never NULL (in any captured version of a row; deletes aside)."""

    kind: ClassVar[str] = "not-null"
    dimension: ClassVar[str] = "COMPLETENESS"


@dataclass(frozen=True)
class Unique(Check):
    """No two rows of the latest state share the column's value (NULLs are not compared)."""

    kind: ClassVar[str] = "unique"
    dimension: ClassVar[str] = "UNIQUENESS"


#: A value of an accepted-values list: printable text, at most 1024 characters.
_VALUE = Text(max_len=1024, what="a string value without control characters")


@dataclass(frozen=True, init=False)
class AcceptedValues(Check):
    """The column's value is one of ``values`` (text columns: strings, ENUMs, UUIDs).

    Args:
        values: the accepted values (at least one, each a string).
    """

    values: tuple[str, ...]
    kind: ClassVar[str] = "accepted-values"
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "values": Seq(_VALUE, min_items=1, max_items=1000, what="a list of accepted values (not one string)"),
    }

    def __init__(self, *values: str | Sequence[str]) -> None:
        flat: list[Any] = []
        for v in values:
            flat.extend(v) if isinstance(v, list | tuple) else flat.append(v)
        object.__setattr__(self, "values", tuple(flat))


#: What a bound of a :class:`Range` may be.
Bound = int | float | Decimal | date | datetime


@dataclass(frozen=True, kw_only=True)
class Range(Check):
    """The column's value lies between ``min`` and ``max``, both included (NULLs pass).

    Args:
        min: the smallest value allowed (default None: no lower bound).
        max: the largest value allowed (default None: no upper bound). At least one is given.
            Numbers (``int``, ``float``, ``Decimal``) for numeric columns, ``date`` for date columns,
            ``datetime`` for datetime and timestamp columns (timezone-aware for a timestamp).
    """

    min: Bound | None = None
    max: Bound | None = None
    kind: ClassVar[str] = "range"


@dataclass(frozen=True)
class Matches(Check):
    """The column's text matches ``pattern`` as a whole (NULLs pass).

    Args:
        pattern: a regular expression in the syntax every engine running it shares (RE2: no lookaround,
            no backreferences, no possessive or atomic groups); it is anchored at both ends.
    """

    pattern: str
    kind: ClassVar[str] = "matches"
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "pattern": Text(min_len=1, max_len=1000, what="a regular expression without control characters"),
    }


@dataclass(frozen=True)
class RowCondition(Check):
    """Every row satisfies ``sql``, a boolean SQL expression over the table's columns (table check).

    Args:
        sql: the condition, e.g. ``"amount >= 0 OR status = 'refund'"``: one expression (no ``;``, no
            comments, no double quotes), in SQL both BigQuery (GoogleSQL) and Glue (Spark SQL) read.
        name: the rule's name in reports (default ``row-condition-<n>``; lower case letters, digits, ``-``).
    """

    sql: str
    name: str | None = None
    kind: ClassVar[str] = "row-condition"
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "sql": Text(min_len=1, max_len=2000, what="a SQL boolean expression without control characters"),
        "name": Maybe(Text(r"[a-z][a-z0-9-]{0,40}[a-z0-9]", what="a rule name: lower case letters, digits "
                                                                "and '-' (2-42 characters)")),
    }


@dataclass(frozen=True, kw_only=True)
class Freshness(Check):
    """The newest change of the table is at most ``max_age`` old (table check).

    Args:
        max_age: a ``timedelta`` of whole seconds, 1 minute to 366 days.
        column: a ``date``, ``datetime`` or ``timestamp`` column whose newest value is compared (default
            None: the time of the newest captured change, Debezium's ``__source_ts_ms``).
    """

    max_age: timedelta
    column: str | None = None
    kind: ClassVar[str] = "freshness"
    dimension: ClassVar[str] = "FRESHNESS"


#: The checks a column may carry.
COLUMN_CHECKS: tuple[type[Check], ...] = (NotNull, Unique, AcceptedValues, Range, Matches)
#: The checks a table may carry.
TABLE_CHECKS: tuple[type[Check], ...] = (RowCondition, Freshness)
