"""Render a channel's catalog entry as OpenLineage static events (a JSON list).

One ``DatasetEvent`` per dataset (each source table, topic, warehouse table and latest-state view) and one
``JobEvent`` per connector (the Debezium source, the sink), following the OpenLineage spec 2-0-2
(``spec/OpenLineage.json`` of github ``OpenLineage/OpenLineage``, tag 1.52.0). Dataset facets: ``schema``,
``dataSource``, ``ownership``, ``documentation``, ``tags`` (``pii`` and ``classification`` per column, with
``field``), ``datasetType`` and, on every dataset derived from another, ``columnLineage`` (source table → topic →
warehouse table → view, each field ``DIRECT``/``IDENTITY``). Job facets: ``jobType`` (streaming),
``documentation``, ``ownership``, ``tags``. Every facet carries ``_producer`` and its ``_schemaURL``.

Dataset names and namespaces follow OpenLineage's naming (the Python client's ``naming/dataset.py`` at the same
tag), so the events join what Debezium itself emits with ``lineage=Lineage(...)`` on.
"""

from __future__ import annotations

from typing import Any

from .model import ChannelEntry, Dataset, TableEntry

__all__ = ["FACETS", "SPEC", "events"]

#: The core spec the events follow.
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
#: facet key → (facet schema version, facet name): ``_schemaURL`` is ``<base>/<version>/<name>.json#/$defs/<name>``.
FACETS: dict[str, tuple[str, str]] = {
    "schema": ("1-2-0", "SchemaDatasetFacet"),
    "dataSource": ("1-0-1", "DatasourceDatasetFacet"),
    "ownership": ("1-0-1", "OwnershipDatasetFacet"),
    "documentation": ("1-1-0", "DocumentationDatasetFacet"),
    "tags": ("1-0-0", "TagsDatasetFacet"),
    "datasetType": ("1-0-1", "DatasetTypeDatasetFacet"),
    "columnLineage": ("1-2-0", "ColumnLineageDatasetFacet"),
    "jobType": ("2-0-4", "JobTypeJobFacet"),
    "jobDocumentation": ("1-1-0", "DocumentationJobFacet"),
    "jobOwnership": ("1-0-1", "OwnershipJobFacet"),
    "jobTags": ("1-0-0", "TagsJobFacet"),
}
_DATASET_TYPES = {"source": "TABLE", "topic": "TOPIC", "table": "TABLE", "view": "VIEW"}


def _facet(producer: str, key: str, **fields: Any) -> dict[str, Any]:
    version, name = FACETS[key]
    return {"_producer": producer, "_schemaURL": f"https://openlineage.io/spec/facets/{version}/{name}.json"
                                                 f"#/$defs/{name}", **fields}


def _types(table: TableEntry, dataset: Dataset) -> dict[str, str]:
    if dataset.kind == "source":
        return {c.name: c.source_type for c in table.columns}
    if dataset.kind == "topic":  # Debezium's JSON converter with schemas: the logical type travels
        return {c.name: c.logical_type for c in table.columns}
    return {c.name: c.warehouse_type for c in table.columns}


def _upstream(table: TableEntry, dataset: Dataset) -> Dataset | None:
    if dataset.kind == "topic":
        return table.source
    if dataset.kind == "table":
        return table.topic
    return table.table if dataset.kind == "view" else None


def _dataset_facets(entry: ChannelEntry, table: TableEntry, dataset: Dataset, producer: str) -> dict[str, Any]:
    types = _types(table, dataset)
    described = {c.name: c.description for c in table.columns}
    fields = [{"name": name, "type": types[name], **({"description": described[name]} if described[name] else {}),
               "ordinal_position": i + 1} for i, name in enumerate(dataset.columns)]
    by_name = {c.name: c for c in table.columns}
    tags = [{"key": "classification", "value": table.classification, "source": "CHANNELKIT"}]
    if table.pii:
        tags.append({"key": "pii", "value": "true", "source": "CHANNELKIT"})
    for name in dataset.columns:
        column = by_name[name]
        tags.append({"key": "classification", "value": column.level, "source": "CHANNELKIT", "field": name})
        if column.pii:
            tags.append({"key": "pii", "value": "true", "source": "CHANNELKIT", "field": name})
    what = {"source": f"{entry.engine} table", "topic": "Debezium change-event topic",
            "table": "change log (every change with its source position)",
            "view": "latest state (one row per primary key, deletes removed)"}[dataset.kind]
    if dataset.clearance:
        what += f", for readers of clearance {dataset.clearance}"
    text = f"{table.name}: {what}. {table.description}".strip()
    facets: dict[str, Any] = {
        "schema": _facet(producer, "schema", fields=fields),
        "dataSource": _facet(producer, "dataSource", name=dataset.namespace, uri=_uri(dataset.namespace)),
        "ownership": _facet(producer, "ownership", owners=[{"name": f"team:{entry.owner}", "type": "OWNER"},
                                                           {"name": f"email:{entry.contact}", "type": "CONTACT"}]),
        "documentation": _facet(producer, "documentation", description=text, contentType="text/plain"),
        "tags": _facet(producer, "tags", tags=tags),
        "datasetType": _facet(producer, "datasetType", datasetType=_DATASET_TYPES[dataset.kind],
                              **({"subType": "NAMED_QUERY"} if dataset.system == "athena" else {})),
    }
    upstream = _upstream(table, dataset)
    if upstream is not None:
        facets["columnLineage"] = _facet(producer, "columnLineage", fields={
            name: {"inputFields": [{"namespace": upstream.namespace, "name": upstream.name, "field": name,
                                    "transformations": [{"type": "DIRECT", "subtype": "IDENTITY",
                                                         "masking": False}]}]}
            for name in dataset.columns})
    return facets


def _uri(namespace: str) -> str:
    """A URI for the ``dataSource`` facet (``bigquery`` alone is a namespace, not a URI)."""
    return namespace if ":" in namespace else f"{namespace}:"


def _ref(dataset: Dataset) -> dict[str, str]:
    return {"namespace": dataset.namespace, "name": dataset.name}


def _job(entry: ChannelEntry, job: tuple[str, str, str], integration: str, inputs: list[Dataset],
         outputs: list[Dataset], producer: str, when: str) -> dict[str, Any]:
    namespace, name, description = job
    return {
        "eventTime": when, "producer": producer, "schemaURL": f"{SPEC}#/$defs/JobEvent",
        "job": {"namespace": namespace, "name": name, "facets": {
            "jobType": _facet(producer, "jobType", processingType="STREAMING", integration=integration,
                              jobType="TASK"),
            "documentation": _facet(producer, "jobDocumentation", description=description, contentType="text/plain"),
            "ownership": _facet(producer, "jobOwnership", owners=[{"name": f"team:{entry.owner}", "type": "OWNER"}]),
            "tags": _facet(producer, "jobTags", tags=[{"key": "channel", "value": entry.name, "source": "CHANNELKIT"},
                                                      {"key": "classification", "value": entry.classification,
                                                       "source": "CHANNELKIT"}]),
        }},
        "inputs": [_ref(d) for d in inputs],
        "outputs": [_ref(d) for d in outputs],
    }


def events(entry: ChannelEntry, *, producer: str, when: str) -> list[dict[str, Any]]:
    """The static events of ``entry``: its datasets, then its two connector jobs.

    Args:
        entry: the channel's catalog entry.
        producer: the ``producer``/``_producer`` URI (channelkit and its version).
        when: the ``eventTime`` (ISO 8601).
    """
    out: list[dict[str, Any]] = []
    for table in entry.tables:
        for dataset in (table.source, table.topic, table.table, *table.views):
            out.append({"eventTime": when, "producer": producer, "schemaURL": f"{SPEC}#/$defs/DatasetEvent",
                        "dataset": {**_ref(dataset), "facets": _dataset_facets(entry, table, dataset, producer)}})
    tables = entry.tables
    out.append(_job(entry, entry.source_job, "DEBEZIUM", [t.source for t in tables], [t.topic for t in tables],
                    producer, when))
    out.append(_job(entry, entry.sink_job, "KAFKA_CONNECT", [t.topic for t in tables], [t.table for t in tables],
                    producer, when))
    return out
