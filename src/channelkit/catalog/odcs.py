"""Render a channel's catalog entry as an Open Data Contract Standard v3.1.0 contract.

The contract (``apiVersion: v3.1.0``, ``kind: DataContract``) describes what the channel delivers in the
warehouse: one schema object per captured table (its change-log table, with the latest-state view and the
topic in ``customProperties``), each property with the warehouse's ``physicalType``, the ODCS ``logicalType``,
``classification``, primary key, a ``pii`` tag and channelkit's masking and per-clearance visibility; the
owner team and its support address; the retention SLAs; the source database, Kafka and warehouse servers;
one role per reader principal (clearance and expiry). channelkit's own facts (region, CDC, topics, encryption)
are ``customProperties`` with camelCase names, as ODCS recommends.

It validates against the official JSON Schema bundled in ``channelkit/schemas/odcs``
(:func:`channelkit.catalog.schema.validate_contract`).
"""

from __future__ import annotations

from typing import Any

import yaml

from channelkit.selfservice.odcs import QUALITY_ENGINE

from .model import ChannelEntry, ColumnEntry, ReaderEntry, Server, TableEntry

__all__ = ["API_VERSION", "contract", "contract_yaml"]

#: The ODCS version written.
API_VERSION = "v3.1.0"


def _custom(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"property": k, "value": v} for k, v in values.items() if v is not None]


def _quality(checks: Any) -> list[dict[str, Any]]:
    """The channel's quality checks as ODCS ``custom`` quality entries (the implementation is the declaration)."""
    return [{"type": "custom", "engine": QUALITY_ENGINE, "implementation": check} for check in checks or ()]


def _property(column: ColumnEntry, declared: dict[str, Any] | None = None) -> dict[str, Any]:
    prop: dict[str, Any] = {"name": column.name, "physicalName": column.name, "physicalType": column.warehouse_type,
                            "logicalType": column.logical_type}
    if column.logical_options:
        prop["logicalTypeOptions"] = dict(column.logical_options)
    if column.description:
        prop["description"] = column.description
    if column.key_position:
        prop.update(primaryKey=True, primaryKeyPosition=column.key_position, required=True)
    prop["classification"] = column.classification
    if column.pii:
        prop["tags"] = ["pii"]
    declared = declared or {}
    if declared.get("checks"):
        prop["quality"] = _quality(declared["checks"])
    prop["customProperties"] = _custom({
        "sourceType": column.source_type, "pii": column.pii, "level": column.level, "masking": column.masking,
        "allowedValues": list(column.values) or None, "visibility": dict(column.shown),
        "declaredType": declared.get("type"), "declaredMasking": declared.get("masking"),
    })
    return prop


def _object(entry: ChannelEntry, table: TableEntry) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "name": table.name, "physicalName": table.table.label, "physicalType": "table",
        "logicalType": "object",
    }
    if table.description:
        obj["description"] = table.description
    tags = [f"classification:{table.classification}"] + (["pii"] if table.pii else [])
    obj["tags"] = tags
    tables: Any = entry.declaration.get("tables", ())
    declared: dict[str, Any] = next((t for t in tables if t.get("name") == table.name), {})
    columns = {c.get("name"): c for c in declared.get("columns", ())}
    obj["properties"] = [_property(c, columns.get(c.name)) for c in table.columns]
    if declared.get("checks"):
        obj["quality"] = _quality(declared["checks"])
    obj["customProperties"] = _custom({
        "sourceTable": f"{table.source.namespace}/{table.source.name}", "topic": table.topic.name,
        "warehouseTable": table.table.name,
        "latestStateViews": [{"name": v.name, "clearance": v.clearance} if v.clearance else {"name": v.name}
                             for v in table.views],
        "primaryKey": [c.name for c in sorted(table.columns, key=lambda c: c.key_position) if c.key_position],
    })
    return obj


def _server(server: Server) -> dict[str, Any]:
    return {"id": server.id, "server": server.server, "type": server.type, "description": server.description,
            **server.fields}


def _role(reader: ReaderEntry) -> dict[str, Any]:
    until = f" until {reader.expires}" if reader.expires else ""
    return {"role": reader.principal, "access": "read",
            "description": f"{reader.system} reader, clearance {reader.clearance}{until}; {reader.sees}",
            "customProperties": _custom({"system": reader.system, "clearance": reader.clearance,
                                         "expires": reader.expires})}


def _sla(entry: ChannelEntry) -> list[dict[str, Any]]:
    topics = ",".join(t.topic.name for t in entry.tables)
    tables = ",".join(t.table.name for t in entry.tables)
    history: dict[str, Any] = {"property": "retention", "value": entry.history_days, "element": tables,
                               "driver": "regulatory"}
    if entry.history_days is None:
        history["description"] = "The warehouse keeps the whole change history (no expiry)."
    else:
        history.update(unit="d", description=f"The warehouse keeps changes {entry.history_days} days.")
    return [
        {"property": "retention", "value": entry.retention_days, "unit": "d", "element": topics,
         "driver": "operational", "description": f"Kafka topics keep change events {entry.retention_days} days."},
        history,
    ]


def contract(entry: ChannelEntry) -> dict[str, Any]:
    """The ODCS v3.1.0 contract of ``entry``, as plain data (render with :func:`contract_yaml`)."""
    tags = ["channelkit", "cdc", entry.engine, entry.warehouse, f"classification:{entry.classification}"]
    return {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": entry.contract_id,
        "name": entry.name,
        "version": entry.version,
        "status": "active",
        "domain": entry.owner,
        "tags": tags + (["pii"] if entry.pii else []),
        "description": {
            "purpose": f"Change data capture of the {entry.engine} database into {entry.location}, kept in "
                       f"sync by Debezium (channelkit channel {entry.path}).",
            "usage": "Read the latest state from the views (one row per primary key, deletes removed); the "
                     "change-log tables hold every change with its source position.",
            "limitations": ("Columns above a reader's clearance are masked by BigQuery data policies."
                            if entry.can_mask else
                            "Columns above a reader's clearance are left out of its Lake Formation grant (the lake "
                            "cannot mask)."),
        },
        "servers": [_server(s) for s in entry.servers],
        "schema": [_object(entry, t) for t in entry.tables],
        "team": {"name": entry.owner, "members": [{"username": entry.contact, "role": "owner"}]},
        "support": [{"channel": "owner", "tool": "email", "url": f"mailto:{entry.contact}", "scope": "issues"}],
        "roles": [_role(r) for r in entry.readers],
        "slaProperties": _sla(entry),
        "customProperties": _custom({
            "region": entry.region, "platform": entry.platform, "constructPath": entry.path,
            "cdc": dict(entry.cdc),
            "topics": [{"table": t.name, "topic": t.topic.name} for t in entry.tables],
            "encryption": [{"part": part, "how": how} for part, how in entry.encryption],
            "classification": entry.classification,
            # what the standard fields do not say, as a channels file declares it (channelkit reads it back)
            "channelkit": {k: v for k, v in entry.declaration.items() if k not in ("tables", "owner", "readers")}
            or None,
        }),
    }


def contract_yaml(entry: ChannelEntry) -> str:
    """The contract of ``entry`` as YAML (keys in the order above, Unicode kept; libyaml's emitter when present)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(contract(entry), Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
