"""The props of a :class:`~channelkit.patterns.channel.Channel`: frozen, keyword-only dataclasses.

``Column``, ``Table`` and ``Team`` describe the data and its owner, ``Reader`` a consumer.
The props of each axis live with their family: sources in :mod:`channelkit.sources`,
streaming platforms in :mod:`channelkit.platforms`, warehouses in :mod:`channelkit.warehouses`.

Validation happens in the Channel, which knows the construct path and gathers every
problem into one error. Each class's ``PROPS`` says what every field accepts
(:mod:`channelkit.props`); the source adds its engine's identifier rules for table and
column names, the warehouse its own naming rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from channelkit.governance.access import MASKING_RULES
from channelkit.props import Boolean, Instance, Maybe, Moment, OneOf, Rule, Seq, Text
from channelkit.quality.checks import Check

__all__ = ["CLASSIFICATIONS", "READER_SYSTEMS", "Column", "Reader", "Table", "Team"]

#: The systems a Reader can have an identity on.
READER_SYSTEMS: tuple[str, ...] = ("kafka", "gcp", "aws")

#: Column classifications, least to most sensitive.
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")

#: A name given by the user: non-empty, no control characters (each system then applies its own rules).
_NAME = Text(min_len=1, what="a non-empty name without control characters")
#: Free text (descriptions): newlines are fine, the warehouse applies its length limit.
_TEXT = Text(printable=False, what="a string")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of a captured table.

    Args:
        name: column name as in the source database (and BigQuery).
        type: the source engine's native type as declared (MySQL ``DECIMAL(5,2)``, ``INT UNSIGNED``,
            ``DATETIME(3)``, ``ENUM('G','PG')``; Postgres ``numeric(10,2)``, ``timestamptz``, ``int4[]``...), or one
            of the nine portable names (``string``, ``int64``, ``float64``, ``numeric``, ``bool``, ``date``,
            ``timestamp``, ``json``, ``bytes``). See :mod:`channelkit.columns` for the accepted forms and the
            warehouse type each maps to.
        description: human description (default empty); lands in the warehouse schema.
        classification: ``public``, ``internal`` (default), ``confidential`` or ``restricted``.
        pii: whether the column holds personal data (default False). A ``pii`` column is at least
            ``confidential``: a reader with the default clearance never sees it in clear.
        masking: how readers without the clearance for this column see it (default None: ``null`` for
            ``restricted``, ``sha256`` for ``pii`` text, ``date_year`` for ``pii`` dates, ``default_value`` for
            other ``pii`` types, ``null`` otherwise). One of ``sha256``, ``email``, ``last_four``, ``first_four``,
            ``date_year``, ``default_value``, ``null``, suiting the column's type
            (:data:`channelkit.governance.MASKING_RULES`). The S3 lake cannot mask: there, every masked column is
            left out of the reader's grant.
        checks: quality checks on the column's values (default none): ``NotNull()``, ``Unique()``,
            ``AcceptedValues(...)``, ``Range(min=..., max=...)``, ``Matches(pattern)``
            (:mod:`channelkit.quality`). Key columns are checked not-null, ``ENUM`` columns against their
            values, without declaring it.
    """

    name: str
    type: str
    description: str = ""
    classification: str = "internal"
    pii: bool = False
    masking: str | None = None
    checks: Sequence[Check] = ()

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": _NAME,
        "type": Text(min_len=1, what="a native or portable column type such as 'int64' or 'DECIMAL(5,2)'"),
        "description": _TEXT,
        "classification": OneOf(CLASSIFICATIONS),
        "pii": Boolean(),
        "masking": Maybe(OneOf(tuple(MASKING_RULES))),
    }


@dataclass(frozen=True, init=False)
class Table:
    """One captured table: ``Table("orders", primary_key=["id"], columns=[Column(...), ...])``.

    Args:
        name: the table name in the source database.
        primary_key: the primary-key column names (required, non-empty).
        columns: the columns (required, non-empty; must include the primary key).
        description: table description (default empty).
        checks: table-level quality checks (default none): ``RowCondition(sql)``, ``Freshness(max_age=...)``
            (:mod:`channelkit.quality`).
    """

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    checks: tuple[Check, ...]

    #: What each field accepts (the Channel checks them, with the source's identifier rules).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": _NAME,
        "primary_key": Seq(_NAME, min_items=1, what="a list of primary-key column names (CDC needs a key; not one "
                                                     "string)"),
        "columns": Seq(Instance((Column,), "a Column(name=..., type=...)"), min_items=1, what="a list of Column"),
        "description": _TEXT,
    }

    def __init__(
        self, name: str, *, primary_key: Sequence[str] = (), columns: Sequence[Column] = (), description: str = "",
        checks: Sequence[Check] = (),
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "primary_key", _tuple(primary_key))
        object.__setattr__(self, "columns", _tuple(columns))
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "checks", _tuple(checks))

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or None."""
        return next((c for c in self._columns() if c.name == name), None)

    def _columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if isinstance(c, Column)) if isinstance(self.columns, tuple) else ()

    @property
    def classification(self) -> str:
        """The most sensitive classification among the columns (``public`` for none)."""
        ranks = [CLASSIFICATIONS.index(c.classification) for c in self._columns()
                 if c.classification in CLASSIFICATIONS]
        return CLASSIFICATIONS[max(ranks, default=0)]

    @property
    def has_pii(self) -> bool:
        """Whether any column is flagged ``pii``."""
        return any(c.pii is True for c in self._columns())


def _tuple(value: Any) -> Any:
    """A list or tuple as a tuple; anything else (a string, None) as it is, for the Channel to report."""
    return tuple(value) if isinstance(value, list | tuple) else value


@dataclass(frozen=True, kw_only=True)
class Team:
    """The team owning a channel.

    Args:
        name: team name (lower case ``[a-z0-9_-]``, at most 63 characters: it becomes a label).
        email: contact address.
    """

    name: str
    email: str

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": Text(r"[a-z0-9_-]+", min_len=1, max_len=63,
                     what="lower case [a-z0-9_-] (it becomes a GCP label value)"),
        "email": Text(r"[^@\s]+@[^@\s]+\.[^@\s]+", max_len=254, what="an email address"),
    }


@dataclass(frozen=True, kw_only=True)
class Reader:
    """A consumer of a channel, with its identity on each platform.

    Args:
        gcp: GCP member (``user:``, ``group:`` or ``serviceAccount:`` + email), or None.
        kafka: Kafka principal ``User:<name>``, or None.
        aws: IAM principal ARN (role or user) or another Lake Formation identifier (AWS target), or None.
        expires: when the grant ends (default None: it does not expire): a timezone-aware datetime in the
            future, on every target (a naive datetime is refused: it has no single meaning).
        clearance: the most sensitive classification this reader sees in clear: ``public``, ``internal``
            (default), ``confidential`` or ``restricted``. Columns above it are masked (BigQuery) or left out
            (S3 lake); a Kafka identity needs clearance for every column of the channel (topics cannot mask).
    """

    gcp: str | None = None
    kafka: str | None = None
    aws: str | None = None
    expires: datetime | None = None
    clearance: str = "internal"

    #: What each field accepts (the principal rules of each system are checked by the Channel).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "gcp": Maybe(Text(min_len=1, what="a GCP member string")),
        "kafka": Maybe(Text(min_len=1, what="a Kafka principal string")),
        "aws": Maybe(Text(min_len=1, what="an IAM principal ARN or Lake Formation identifier")),
        "expires": Maybe(Moment()),
        "clearance": OneOf(CLASSIFICATIONS),
    }

    @property
    def principals(self) -> tuple[str, ...]:
        """Every principal this reader has, Kafka first, then GCP, then AWS."""
        return tuple(p for p in (self.kafka, self.gcp, self.aws) if p)

    def identity(self, system: str) -> str | None:
        """This reader's principal on ``system`` (one of :data:`READER_SYSTEMS`), or None.

        Platforms and warehouses name the system they grant (``Platform.reader_system``,
        ``Warehouse.reader_system``); the Channel looks the identity up here.
        """
        return {"kafka": self.kafka, "gcp": self.gcp, "aws": self.aws}.get(system)
