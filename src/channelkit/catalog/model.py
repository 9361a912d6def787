"""The catalog's plain model: what the catalog says about each channel, before any format renders it.

:func:`channelkit.catalog.build.channel_entry` reads a :class:`~channelkit.patterns.channel.Channel` into a
:class:`ChannelEntry`; :mod:`~channelkit.catalog.odcs`, :mod:`~channelkit.catalog.openlineage` and
:mod:`~channelkit.catalog.html` render entries, and never read a Channel themselves (parse → model → render).
Every field is plain data: strings, numbers, booleans, tuples and dicts of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CLEARANCES", "Catalog", "ChannelEntry", "ColumnEntry", "Dataset", "Edge", "Graph", "Node", "ReaderEntry",
    "Server", "TableEntry",
]

#: The clearances a reader can hold, least to most (the columns of the per-clearance visibility table).
CLEARANCES: tuple[str, ...] = ("public", "internal", "confidential", "restricted")


@dataclass(frozen=True)
class ColumnEntry:
    """One column of a captured table.

    Attributes:
        name: the column name (as in the source and the warehouse; the lake lower-cases it).
        description: the user's description.
        source_type: the type as declared for the source engine (normalized to lower case).
        warehouse_type: the warehouse's physical type (``INT64``, ``NUMERIC(10,2)``, ``decimal(10,2)``...).
        logical_type: the ODCS ``logicalType`` (``string``, ``integer``, ``number``, ``boolean``, ``date``,
            ``time``, ``timestamp``, ``object``, ``array``).
        logical_options: ODCS ``logicalTypeOptions`` (``maxLength``, ``format``...).
        values: the allowed values of an enum or set column.
        classification: the declared classification.
        level: the effective level (``pii`` raises it to at least ``confidential``).
        pii: whether it holds personal data.
        masking: how the clearances that do not see it in clear see it: the masking rule, or ``hidden`` on a
            warehouse that cannot mask (None: every clearance sees it in clear).
        key_position: 1-based position in the primary key, 0 when not a key column.
        shown: clearance → ``clear``, a masking rule, or ``hidden`` (the warehouse's own visibility).
    """

    name: str
    description: str
    source_type: str
    warehouse_type: str
    logical_type: str
    logical_options: dict[str, object]
    values: tuple[str, ...]
    classification: str
    level: str
    pii: bool
    masking: str | None
    key_position: int
    shown: dict[str, str]


@dataclass(frozen=True)
class Dataset:
    """A dataset of the lineage: a source table, a topic, a warehouse table or a latest-state view.

    Attributes:
        kind: ``source``, ``topic``, ``table`` or ``view``.
        namespace: the OpenLineage namespace (``mysql://host:3306``, ``kafka://host:9093``, ``bigquery``...).
        name: the OpenLineage name (``db.table``, the topic, ``project.dataset.table``...).
        label: the short name shown in the catalog.
        system: the system's name (``mysql``, ``kafka``, ``bigquery``, ``glue``, ``athena``).
        columns: the columns it carries, in order.
        clearance: for a per-clearance view (the lake's latest-state queries), the clearance it is for.
    """

    kind: str
    namespace: str
    name: str
    label: str
    system: str
    columns: tuple[str, ...]
    clearance: str | None = None


@dataclass(frozen=True)
class TableEntry:
    """One captured table and the datasets it becomes.

    Attributes:
        name: the source table name.
        description: the user's description.
        classification: its most sensitive column level.
        pii: whether any column holds personal data.
        columns: its columns.
        source: the source table; topic: its topic; table: the warehouse table (change log);
        views: its latest-state views (one on BigQuery; one per reader clearance on the lake).
    """

    name: str
    description: str
    classification: str
    pii: bool
    columns: tuple[ColumnEntry, ...]
    source: Dataset
    topic: Dataset
    table: Dataset
    views: tuple[Dataset, ...]


@dataclass(frozen=True)
class ReaderEntry:
    """One principal granted read access.

    Attributes:
        principal: the principal (``group:...``, ``User:...``, an IAM ARN).
        system: ``kafka``, ``gcp`` or ``aws``.
        clearance: the reader's clearance.
        expires: ISO 8601 end of the grant, or None.
        sees: what it reads, in words (``topics: every column``, ``warehouse: pii masked``...).
    """

    principal: str
    system: str
    clearance: str
    expires: str | None
    sees: str


@dataclass(frozen=True)
class Server:
    """Where a part of the channel lives (an ODCS server).

    Attributes:
        id: stable id (``source``, ``kafka``, ``warehouse``, ``glue``, ``athena``).
        type: the ODCS server type (``mysql``, ``postgresql``, ``kafka``, ``bigquery``, ``s3``, ``glue``,
            ``athena``).
        server: the server's identifier.
        description: in words.
        fields: the type's own fields (``host``, ``port``, ``project``, ``dataset``, ``location``...).
    """

    id: str
    type: str
    server: str
    description: str
    fields: dict[str, object]


@dataclass(frozen=True)
class Node:
    """A box of the lineage graph, placed at render time of the model (SVG user units)."""

    id: str
    label: str
    title: str
    kind: str
    x: int
    y: int
    width: int
    height: int

    @property
    def text_x(self) -> int:
        """Where the label starts."""
        return self.x + 8

    @property
    def text_y(self) -> int:
        """The label's baseline."""
        return self.y + self.height // 2 + 4


@dataclass(frozen=True)
class Edge:
    """An arrow of the lineage graph: from the right side of one node to the left side of another."""

    source: str
    target: str
    path: str
    label: str = ""


@dataclass(frozen=True)
class Graph:
    """The lineage graph of one channel, laid out: column headings, nodes, edges and the canvas size."""

    width: int
    height: int
    headings: tuple[tuple[int, str], ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class ChannelEntry:
    """Everything the catalog says about one channel.

    Attributes:
        anchor: the HTML id of its section (``ch-<stack>-<channel>``).
        stack: the stack's id; name: the channel name; path: its construct path.
        contract_id: the ODCS ``id``; version: the contract version.
        owner, contact: the owning team and its email.
        engine: the source engine; warehouse: ``bigquery`` or ``s3-lake``; platform: ``kafka-connect``, ``msk``.
        location: where the data lands, in words; region: the warehouse's location or region.
        encryption: what encrypts what, in words (``(part, how)``).
        retention_days: Kafka retention; history_days: the warehouse's change-history retention (None: kept).
        classification: the channel's most sensitive column level; pii: whether it holds personal data.
        tables: the captured tables; readers: the principals granted read access.
        servers: source, Kafka and warehouse servers.
        cdc: the CDC facts (connector names, snapshot mode, slot, publication, server id, topics...).
        source_job, sink_job: the connectors as lineage jobs: ``(namespace, name, description)``.
        can_mask: whether the warehouse masks (BigQuery) or leaves columns out (the lake).
        graph: the lineage graph, laid out.
        files: the contract and lineage files written for it, relative to the catalog directory.
        declaration: the channel as a channels file declares it (:func:`channelkit.selfservice.dump.declaration`),
            and the stack's settings (its AWS provider) under ``stack``: what a contract needs to be read back.
    """

    anchor: str
    stack: str
    name: str
    path: str
    contract_id: str
    version: str
    owner: str
    contact: str
    engine: str
    warehouse: str
    platform: str
    location: str
    region: str
    encryption: tuple[tuple[str, str], ...]
    retention_days: int
    history_days: int | None
    classification: str
    pii: bool
    tables: tuple[TableEntry, ...]
    readers: tuple[ReaderEntry, ...]
    servers: tuple[Server, ...]
    cdc: dict[str, object]
    source_job: tuple[str, str, str]
    sink_job: tuple[str, str, str]
    can_mask: bool
    graph: Graph
    files: dict[str, str] = field(default_factory=dict)
    declaration: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    """The catalog of one app: its channels in construct order, and when it was written (ISO 8601, UTC)."""

    channels: tuple[ChannelEntry, ...]
    generated_at: str
    producer: str
