"""Lay out a channel's lineage graph for the HTML catalog: four columns of boxes joined by arrows.

Source tables → topics → warehouse tables → latest-state views, one row per captured table (a row is as tall
as its views: the lake has one latest-state query per reader clearance). Coordinates are computed here, so
the template only draws what it is given (no layout logic, no JavaScript library).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Edge, Graph, Node

if TYPE_CHECKING:
    from .model import Dataset, TableEntry

__all__ = ["layout"]

_COLUMN_X = (10, 270, 530, 790)
_BOX_W, _BOX_H, _GAP, _TOP = 210, 30, 12, 40
_LABEL_CHARS = 28


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS - 1] + "…"


def _node(dataset: Dataset, column: int, y: int, node_id: str) -> Node:
    return Node(id=node_id, label=_short(dataset.label), title=f"{dataset.namespace} {dataset.name}",
                kind=dataset.kind, x=_COLUMN_X[column], y=y, width=_BOX_W, height=_BOX_H)


def _edge(a: Node, b: Node, label: str = "") -> Edge:
    x1, y1 = a.x + a.width, a.y + a.height // 2
    x2, y2 = b.x, b.y + b.height // 2
    middle = (x1 + x2) // 2
    return Edge(source=a.id, target=b.id, path=f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2 - 6},{y2}", label=label)


def layout(tables: tuple[TableEntry, ...], connectors: list[str], warehouse: str) -> Graph:
    """The laid-out graph of a channel's tables; ``connectors`` are the source and sink connector names."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    y = _TOP
    for i, table in enumerate(tables):
        rows = max(1, len(table.views))
        middle = y + (rows - 1) * (_BOX_H + _GAP) // 2
        source = _node(table.source, 0, middle, f"n{i}-source")
        topic = _node(table.topic, 1, middle, f"n{i}-topic")
        stored = _node(table.table, 2, middle, f"n{i}-table")
        nodes += [source, topic, stored]
        edges += [_edge(source, topic, connectors[0]), _edge(topic, stored, connectors[1])]
        for j, view in enumerate(table.views):
            node = _node(view, 3, y + j * (_BOX_H + _GAP), f"n{i}-view{j}")
            nodes.append(node)
            edges.append(_edge(stored, node))
        y += rows * (_BOX_H + _GAP) + _GAP
    store = "BigQuery tables" if warehouse == "bigquery" else "Glue tables"
    views = "latest-state views" if warehouse == "bigquery" else "Athena queries"
    headings = tuple(zip(_COLUMN_X, ("source tables", f"topics ← {_short(connectors[0])}",
                                     f"{store} ← {_short(connectors[1])}", views), strict=True))
    return Graph(width=_COLUMN_X[-1] + _BOX_W + 10, height=y + 10, headings=headings, nodes=tuple(nodes),
                 edges=tuple(edges))
