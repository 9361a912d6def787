"""The logical type of a column: what a native source type means, independent of any warehouse.

A :class:`LogicalType` is what :mod:`channelkit.columns.native` parses a source engine's declared type
into (``DECIMAL(5,2)`` → ``decimal`` with precision 5 and scale 2, ``INT UNSIGNED`` → ``int`` of 32 bits,
unsigned), and what :mod:`channelkit.columns.warehouse` maps to the most precise type of each warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "LogicalType"]

#: Every logical kind.
KINDS: tuple[str, ...] = (
    "bool", "int", "decimal", "float", "string", "enum", "set", "bytes", "date", "time", "datetime",
    "timestamp", "year", "json", "uuid", "array",
)


@dataclass(frozen=True)
class LogicalType:
    """One column's logical type.

    Attributes:
        kind: one of :data:`KINDS`. ``datetime`` is a wall-clock date and time without a zone (MySQL
            ``DATETIME``, Postgres ``timestamp``); ``timestamp`` is an instant (MySQL ``TIMESTAMP``,
            Postgres ``timestamptz``).
        native: the type as declared, normalized to lower case (``decimal(5,2) unsigned``).
        bits: integer width (8, 16, 24, 32, 64) or float width (32, 64).
        unsigned: an unsigned integer (or decimal).
        precision: decimal digits; fractional-second digits of ``time``/``datetime``/``timestamp``.
        scale: decimal digits after the point (None: variable, Postgres' unconstrained ``numeric``).
        length: declared length of a string or binary column (None: unbounded).
        values: the allowed values of an ``enum`` or ``set``.
        element: the element type of an ``array``.
        portable: one of channelkit 0.1's nine portable names (mapped exactly as 0.1 did).
    """

    kind: str
    native: str
    bits: int | None = None
    unsigned: bool = False
    precision: int | None = None
    scale: int | None = None
    length: int | None = None
    values: tuple[str, ...] = ()
    element: LogicalType | None = None
    portable: bool = False

    def describe(self) -> str:
        """What the declared type says beyond the warehouse type, for column descriptions and metadata."""
        parts = [f"source type {self.native}"]
        if self.values:
            parts.append("allowed values " + ", ".join(self.values))
        return "; ".join(parts)
