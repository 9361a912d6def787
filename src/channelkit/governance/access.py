"""Who sees which column, and how: classification and ``pii`` decide, per reader clearance.

One definition both warehouses apply (pure functions, no constructs):

* a column's **level** is its ``classification``, raised to ``confidential`` when it is ``pii`` (so a reader
  with the default clearance, ``internal``, never sees personal data in clear);
* a reader whose ``clearance`` is at or above the level sees the column **in clear**;
* below it, the column is **masked** by its masking rule: the column's own ``masking`` if set, else the
  default (:func:`default_masking`): ``restricted`` → ``null``; ``pii`` → ``sha256`` for text and bytes,
  ``date_year`` for dates and times, the type's ``default_value`` otherwise; anything else → ``null``;
* a warehouse that cannot mask shows a masked column **not at all** (:data:`HIDDEN`): Lake Formation grants
  can only leave columns out, so on the S3 lake every masked column is absent from the reader's grant.

Kafka cannot mask either: a topic carries every column, so a Kafka reader must be cleared for the channel's
most sensitive column (:func:`channel_level`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from channelkit.columns import LogicalType

if TYPE_CHECKING:
    from channelkit.patterns.model import Column, Table

__all__ = [
    "CLEAR",
    "HIDDEN",
    "LEVELS",
    "MASKING_RULES",
    "ColumnAccess",
    "access",
    "channel_level",
    "column_level",
    "default_masking",
    "masking_problem",
    "rank",
    "visibility",
]

#: Classification levels, least to most sensitive (also the clearances a reader can hold).
LEVELS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")
#: The column is shown as it is.
CLEAR = "clear"
#: The column is left out (a warehouse that cannot mask).
HIDDEN = "hidden"

#: Masking rules: name → (BigQuery ``predefined_expression``, logical kinds it applies to, None = every kind).
MASKING_RULES: Mapping[str, tuple[str, frozenset[str] | None]] = {
    "sha256": ("SHA256", frozenset({"string", "enum", "set", "uuid", "json", "bytes"})),
    "email": ("EMAIL_MASK", frozenset({"string"})),
    "last_four": ("LAST_FOUR_CHARACTERS", frozenset({"string", "enum", "uuid"})),
    "first_four": ("FIRST_FOUR_CHARACTERS", frozenset({"string", "enum", "uuid"})),
    "date_year": ("DATE_YEAR_MASK", frozenset({"date", "datetime", "timestamp"})),
    "default_value": ("DEFAULT_MASKING_VALUE", None),
    "null": ("ALWAYS_NULL", None),
}

_TEXT = frozenset({"string", "enum", "set", "uuid", "json", "bytes"})
_TEMPORAL = frozenset({"date", "datetime", "timestamp"})


def rank(level: str) -> int:
    """The position of ``level`` in :data:`LEVELS` (higher is more sensitive)."""
    return LEVELS.index(level)


def column_level(column: Column) -> str:
    """The column's level: its classification, at least ``confidential`` if it is ``pii``."""
    level = column.classification if column.classification in LEVELS else "restricted"
    return LEVELS[max(rank(level), rank("confidential"))] if column.pii else level


def channel_level(tables: Iterable[Table]) -> str:
    """The level of the most sensitive column of ``tables`` (``public`` for none)."""
    return LEVELS[max((rank(column_level(c)) for t in tables for c in t.columns), default=0)]


def default_masking(column: Column, logical: LogicalType) -> str:
    """The masking rule of ``column`` when it sets none (see the module docstring)."""
    if column_level(column) == "restricted" and not column.pii:
        return "null"
    if column.pii:
        if logical.kind in _TEXT:
            return "sha256"
        return "date_year" if logical.kind in _TEMPORAL else "default_value"
    return "null"


def masking_problem(column: Column, logical: LogicalType) -> str | None:
    """Why ``column.masking`` cannot apply to its type, or None (also None when it sets none)."""
    rule = column.masking
    if rule is None:
        return None
    if rule not in MASKING_RULES:
        return f"one of {', '.join(MASKING_RULES)} (or None: the default for its classification)"
    kinds = MASKING_RULES[rule][1]
    if kinds is not None and logical.kind not in kinds:
        suits = [name for name, (_, ks) in MASKING_RULES.items() if ks is None or logical.kind in ks]
        return f"a masking rule for a {logical.kind} column: {', '.join(suits)}"
    return None


@dataclass(frozen=True)
class ColumnAccess:
    """How one reader clearance sees one column.

    Attributes:
        column: the column name.
        level: the column's level (:func:`column_level`).
        shown: :data:`CLEAR`, a masking rule name, or :data:`HIDDEN`.
    """

    column: str
    level: str
    shown: str


def access(column: Column, logical: LogicalType, clearance: str, *, can_mask: bool = True) -> ColumnAccess:
    """How a reader with ``clearance`` sees ``column`` (``can_mask`` False: masked columns are hidden)."""
    level = column_level(column)
    if rank(clearance) >= rank(level):
        shown = CLEAR
    elif not can_mask:
        shown = HIDDEN
    else:
        shown = column.masking or default_masking(column, logical)
    return ColumnAccess(column=column.name, level=level, shown=shown)


def visibility(
    table: Table, types: Mapping[str, LogicalType], clearance: str, *, can_mask: bool = True,
) -> dict[str, str]:
    """``{column: shown}`` of ``table`` for a reader with ``clearance`` (``types``: each column's logical type)."""
    return {c.name: access(c, types[c.name], clearance, can_mask=can_mask).shown for c in table.columns}
