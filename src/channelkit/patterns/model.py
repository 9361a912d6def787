"""The props of a :class:`~channelkit.patterns.channel.Channel`: frozen, keyword-only dataclasses.

``Column``, ``Table`` and ``Team`` describe the data and its owner, ``Reader`` a consumer.
The props of each axis live with their family: sources in :mod:`channelkit.sources`,
streaming platforms in :mod:`channelkit.platforms`, warehouses in :mod:`channelkit.warehouses`.

Validation happens in the Channel, which knows the construct path and gathers every
problem of a check into one error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["CLASSIFICATIONS", "READER_SYSTEMS", "Column", "Reader", "Table", "Team"]

#: The systems a Reader can have an identity on.
READER_SYSTEMS: tuple[str, ...] = ("kafka", "gcp", "aws")

#: Column classifications, least to most sensitive.
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")


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
    """

    name: str
    type: str
    description: str = ""
    classification: str = "internal"
    pii: bool = False
    masking: str | None = None


@dataclass(frozen=True, init=False)
class Table:
    """One captured table: ``Table("orders", primary_key=["id"], columns=[Column(...), ...])``.

    Args:
        name: the table name in the source database.
        primary_key: the primary-key column names (required, non-empty).
        columns: the columns (required, non-empty; must include the primary key).
        description: table description (default empty).
    """

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str

    def __init__(
        self, name: str, *, primary_key: Sequence[str] = (), columns: Sequence[Column] = (), description: str = ""
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "primary_key", tuple(primary_key))
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "description", description)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def classification(self) -> str:
        """The most sensitive classification among the columns (``public`` for none)."""
        ranks = [CLASSIFICATIONS.index(c.classification) for c in self.columns if c.classification in CLASSIFICATIONS]
        return CLASSIFICATIONS[max(ranks, default=0)]

    @property
    def has_pii(self) -> bool:
        """Whether any column is flagged ``pii``."""
        return any(c.pii for c in self.columns)


@dataclass(frozen=True, kw_only=True)
class Team:
    """The team owning a channel.

    Args:
        name: team name (lower case ``[a-z0-9_-]``, at most 63 characters: it becomes a label).
        email: contact address.
    """

    name: str
    email: str


@dataclass(frozen=True, kw_only=True)
class Reader:
    """A consumer of a channel, with its identity on each platform.

    Args:
        gcp: GCP member (``user:``, ``group:`` or ``serviceAccount:`` + email), or None.
        kafka: Kafka principal ``User:<name>``, or None.
        aws: IAM principal ARN (role or user) or another Lake Formation identifier (AWS target), or None.
        expires: when the grant ends (default None: it does not expire); must be in the future.
        clearance: the most sensitive classification this reader sees in clear: ``public``, ``internal``
            (default), ``confidential`` or ``restricted``. Columns above it are masked (BigQuery) or left out
            (S3 lake); a Kafka identity needs clearance for every column of the channel (topics cannot mask).
    """

    gcp: str | None = None
    kafka: str | None = None
    aws: str | None = None
    expires: datetime | None = None
    clearance: str = "internal"

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
