"""The quality rules of one table: what was declared plus what the schema implies.

:func:`table_rules` lists, for one table, every check to run with the column it is on:

- the primary key implies :class:`~channelkit.quality.NotNull` on each key column (its uniqueness in the
  latest state is what the latest-state view and query build: one row per key);
- an ``ENUM('a','b')`` column implies :class:`~channelkit.quality.AcceptedValues` with its values, unless the
  column declares its own;
- then every check the columns and the table declare, in order.

**Which rows a rule reads.** The warehouse holds a change log: every captured version of every row. Column
rules (not-null, accepted values, range, regex) and row conditions read every version except deletes
(``__deleted = 'true'``: a Postgres delete carries only the key), so a value that was ever wrong fails the rule
while its version is kept (``history_retention``). Uniqueness is a property of the latest state only (the log
repeats each key once per change), so it is checked on the latest state. Freshness reads the newest change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .checks import AcceptedValues, Check, Freshness, NotNull, RowCondition

if TYPE_CHECKING:
    from channelkit.columns import LogicalType
    from channelkit.patterns.model import Table

__all__ = ["PlannedRule", "table_rules"]


@dataclass(frozen=True)
class PlannedRule:
    """One rule to run on a table.

    Attributes:
        check: the check.
        column: the column it is on (None for a table check; the Freshness column is in the check).
        name: the rule's name, unique in the table (``<column>-<kind>`` or the table check's own).
        implied: whether the schema implies it (primary key, ENUM) rather than the user declaring it.
    """

    check: Check
    column: str | None
    name: str
    implied: bool = False


def _rule_name(column: str, kind: str) -> str:
    text = "".join(c if c.isalnum() else "-" for c in column.lower()).strip("-") or "column"
    if not text[0].isalpha():
        text = "c-" + text
    return f"{text[: 62 - len(kind)]}-{kind}".replace("--", "-")


def table_rules(table: Table, types: dict[str, LogicalType]) -> list[PlannedRule]:
    """Every rule of ``table``: implied first (key columns, ENUM values), then the declared ones.

    Args:
        table: a table that passed the Channel's checks.
        types: column name -> logical type.
    """
    rules: list[PlannedRule] = []
    names: set[str] = set()

    def add(check: Check, column: str | None, name: str, implied: bool = False) -> None:
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name[:60]}-{n}", n + 1
        names.add(unique)
        rules.append(PlannedRule(check, column, unique, implied))

    declared = {c.name: tuple(getattr(c, "checks", ())) for c in table.columns}
    for key in table.primary_key:
        if not any(isinstance(ch, NotNull) for ch in declared.get(key, ())):
            add(NotNull(), key, _rule_name(key, NotNull.kind), implied=True)
    for col in table.columns:
        logical = types.get(col.name)
        if logical is not None and logical.kind == "enum" and logical.values and not any(
                isinstance(ch, AcceptedValues) for ch in declared[col.name]):
            add(AcceptedValues(logical.values), col.name, _rule_name(col.name, AcceptedValues.kind), implied=True)
    for col in table.columns:
        for check in declared[col.name]:
            add(check, col.name, _rule_name(col.name, check.kind))
    conditions = 0
    for check in getattr(table, "checks", ()):
        if isinstance(check, RowCondition):
            conditions += 1
            add(check, None, check.name or f"row-condition-{conditions}")
        elif isinstance(check, Freshness):
            add(check, None, "freshness")
    return rules
