"""Read a :class:`~channelkit.patterns.channel.Channel` into the catalog's model (:mod:`channelkit.catalog.model`).

Everything comes from the channel's stable attributes (``channel.summary()``, its props and its parts'
deployments): nothing here creates constructs or reads the construct tree, so it costs no jsii round trip.
Column visibility per clearance is the warehouse deployment's own (``visibility(table, clearance)``), the one
definition the grants and the tests use (:mod:`channelkit.governance.access`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from channelkit.columns import LogicalType, glue_type
from channelkit.columns import bigquery_type as column_bigquery_type
from channelkit.governance import CLEAR, HIDDEN, column_level, default_masking, rank

from .facts import contract_id, contract_version, history_days
from .graph import layout
from .model import CLEARANCES, ChannelEntry, ColumnEntry, Dataset, ReaderEntry, Server, TableEntry

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel
    from channelkit.patterns.model import Column, Table

__all__ = ["channel_entry", "odcs_logical_type"]

#: Logical kinds (:data:`channelkit.columns.KINDS`) → ODCS v3.1 ``logicalType``.
_ODCS_LOGICAL = {
    "bool": "boolean", "int": "integer", "year": "integer", "decimal": "number", "float": "number",
    "string": "string", "enum": "string", "set": "string", "uuid": "string", "bytes": "string",
    "date": "date", "time": "time", "datetime": "timestamp", "timestamp": "timestamp", "json": "object",
    "array": "array",
}


def odcs_logical_type(logical: LogicalType) -> tuple[str, dict[str, object]]:
    """The ODCS ``logicalType`` of ``logical`` and its ``logicalTypeOptions`` (only options ODCS defines)."""
    kind = _ODCS_LOGICAL[logical.kind]
    options: dict[str, object] = {}
    if logical.kind == "string" and logical.length is not None:
        options["maxLength"] = logical.length
    elif logical.kind == "uuid":
        options["format"] = "uuid"
    elif logical.kind == "bytes":
        options["format"] = "binary"
    return kind, options


def _plain(value: Any) -> str | None:
    """``value`` as a string, or None for an unresolved reference (a Terraform token is no catalog fact)."""
    if value is None:
        return None
    text = str(value)
    return None if "${" in text or "TfToken[" in text else text


def _anchor(*parts: str) -> str:
    return "ch-" + "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", p).strip("-") or "x" for p in parts)


def _warehouse_type(channel: Channel, logical: LogicalType) -> str:
    if channel.warehouse.name == "bigquery":
        bq = column_bigquery_type(logical)
        text = bq.type if bq.precision is None else f"{bq.type}({bq.precision}, {bq.scale or 0})"
        return f"ARRAY<{text}>" if bq.mode == "REPEATED" else text
    return glue_type(logical)


def _column(channel: Channel, table: Table, column: Column, position: int, shown: dict[str, str]) -> ColumnEntry:
    logical = channel.column_type(table, column)
    kind, options = odcs_logical_type(logical)
    level = column_level(column)
    below = any(how != CLEAR for how in shown.values())  # some clearance does not see it in clear
    rule = (column.masking or default_masking(column, logical)) if channel.warehouse.name == "bigquery" else HIDDEN
    return ColumnEntry(
        name=column.name, description=column.description, source_type=logical.native,
        warehouse_type=_warehouse_type(channel, logical), logical_type=kind, logical_options=options,
        values=logical.values, classification=column.classification, level=level, pii=bool(column.pii),
        masking=rule if below else None,
        key_position=position, shown=shown)


def _visibility(channel: Channel, table: Table) -> dict[str, dict[str, str]]:
    """``{column: {clearance: shown}}`` as the warehouse deployment grants it."""
    deployment: Any = channel.warehouse_deployment
    per = {clearance: deployment.visibility(table, clearance) for clearance in CLEARANCES}
    return {c.name: {clearance: per[clearance][c.name] for clearance in CLEARANCES} for c in table.columns}


def _source_dataset(channel: Channel, table: Table) -> Dataset:
    source: Any = channel.source
    engine = source.engine
    scheme = "postgres" if engine == "postgres" else "mysql"  # OpenLineage has no mariadb scheme: MySQL's wire
    name = (f"{source.database}.{source.namespace}.{table.name}" if engine == "postgres"
            else f"{source.database}.{table.name}")
    return Dataset(kind="source", namespace=f"{scheme}://{source.host}:{source.port}", name=name,
                   label=f"{source.namespace}.{table.name}", system=engine,
                   columns=tuple(c.name for c in table.columns))


def _kafka_namespace(channel: Channel) -> str:
    servers = _plain(channel.bootstrap_servers)
    first = servers.split(",")[0].strip() if servers else None
    if first:
        return f"kafka://{first}"
    arn = _plain(getattr(channel.kafka, "arn", None))
    return f"kafka://{arn or channel.platform.name}"


def _warehouse_datasets(channel: Channel, table: Table, shown: dict[str, dict[str, str]]
                        ) -> tuple[Dataset, tuple[Dataset, ...]]:
    warehouse: Any = channel.warehouse
    deployment: Any = channel.warehouse_deployment
    columns = tuple(c.name for c in table.columns)
    if warehouse.name == "bigquery":
        dataset = f"{warehouse.project}.{deployment.dataset.dataset_name}"
        changes = deployment.tables[table.name].table_name
        view = deployment.views[table.name].view_name
        return (Dataset(kind="table", namespace="bigquery", name=f"{dataset}.{changes}", label=changes,
                        system="bigquery", columns=columns),
                (Dataset(kind="view", namespace="bigquery", name=f"{dataset}.{view}", label=view, system="bigquery",
                         columns=columns),))
    region, database = warehouse.region, deployment.database_name
    account = _plain(channel.platform.aws_account) or "000000000000"
    glue_table = deployment.table_names[table.name]
    lake_table = Dataset(kind="table", namespace=f"arn:aws:glue:{region}:{account}",
                         name=f"table/{database}/{glue_table}", label=f"{database}.{glue_table}", system="glue",
                         columns=columns)
    views = []
    for (name, clearance), _query in sorted(deployment.queries.items(), key=lambda kv: (kv[0][0], rank(kv[0][1]))):
        if name != table.name:
            continue
        suffix = "" if clearance == "internal" else f"_{clearance}"
        query = f"{glue_table}_latest{suffix}"
        views.append(Dataset(kind="view", namespace=f"awsathena://athena.{region}.amazonaws.com",
                             name=f"awsdatacatalog.{database}.{query}", label=query, system="athena",
                             columns=tuple(c for c in columns if shown[c][clearance] == CLEAR), clearance=clearance))
    return lake_table, tuple(views)


def _table(channel: Channel, table: Table) -> TableEntry:
    shown = _visibility(channel, table)
    keys = {k: i + 1 for i, k in enumerate(table.primary_key)}
    columns = tuple(_column(channel, table, c, keys.get(c.name, 0), shown[c.name]) for c in table.columns)
    topic = channel.table_topics[table.name]
    warehouse_table, views = _warehouse_datasets(channel, table, shown)
    return TableEntry(
        name=table.name, description=table.description, classification=max(
            (c.level for c in columns), key=rank, default="public"),
        pii=table.has_pii, columns=columns, source=_source_dataset(channel, table),
        topic=Dataset(kind="topic", namespace=_kafka_namespace(channel), name=topic, label=topic, system="kafka",
                      columns=tuple(c.name for c in table.columns)),
        table=warehouse_table, views=views)


def _readers(channel: Channel) -> tuple[ReaderEntry, ...]:
    kafka_system = channel.platform.reader_system
    warehouse_system = channel.warehouse.reader_system
    mask = "masked" if channel.warehouse.name == "bigquery" else "left out"
    out: list[ReaderEntry] = []
    for reader in channel.all_readers:  # granted later (grant_read) too
        if isinstance(reader, str):
            system = kafka_system if reader.startswith("User:") and kafka_system else warehouse_system
            identities: list[tuple[str, str]] = [(system, reader)]
            clearance, expires = "internal", None
        else:
            identities = [(s, str(reader.identity(s))) for s in (kafka_system, warehouse_system)
                          if s and reader.identity(s)]
            clearance = reader.clearance
            expires = reader.expires.isoformat() if reader.expires else None
        for system, principal in identities:
            sees = ("topics: every column, unmasked" if system == "kafka"
                    else f"warehouse: columns above {clearance} {mask}")
            out.append(ReaderEntry(principal=str(principal), system=str(system), clearance=clearance,
                                   expires=expires, sees=sees))
    return tuple(out)


def _servers(channel: Channel) -> tuple[Server, ...]:
    source: Any = channel.source
    warehouse: Any = channel.warehouse
    deployment: Any = channel.warehouse_deployment
    engine = source.engine
    fields: dict[str, object] = {"host": source.host, "port": source.port, "database": source.database}
    if engine == "postgres":
        fields["schema"] = source.namespace
    servers = [
        Server(id="source", type="postgresql" if engine == "postgres" else "mysql", server=f"{source.host}",
               description=f"{engine} service database captured by Debezium", fields=fields),
        Server(id="kafka", type="kafka", server=getattr(channel.kafka, "name", None) or channel.platform.name,
               description=f"Kafka ({channel.platform.name}): one topic per table",
               fields={"host": _plain(channel.bootstrap_servers) or _kafka_namespace(channel), "format": "json"}),
    ]
    if warehouse.name == "bigquery":
        servers.append(Server(id="warehouse", type="bigquery", server=warehouse.project,
                              description=f"BigQuery dataset in {warehouse.location}",
                              fields={"project": warehouse.project, "dataset": deployment.dataset.dataset_name}))
    else:
        account = _plain(channel.platform.aws_account)
        location = f"s3://{deployment.bucket_name}/{warehouse.data_prefix}/"
        servers.append(Server(id="lake", type="s3", server=deployment.bucket_name,
                              description=f"S3 bucket in {warehouse.region} (JSON lines per topic and day)",
                              fields={"location": location, "format": "json", "delimiter": "new_line"}))
        glue: dict[str, object] = {"account": account or "unknown", "database": deployment.database_name,
                                   "location": location, "format": "json"}
        servers.append(Server(id="glue", type="glue", server=deployment.database_name,
                              description="Glue catalog (Lake Formation governs reads)", fields=glue))
        servers.append(Server(id="athena", type="athena", server=f"channelkit-{deployment.database_name}",
                              description="Athena workgroup with the latest-state queries",
                              fields={"stagingDir": f"s3://{deployment.bucket_name}/athena-results/",
                                      "schema": deployment.database_name, "regionName": warehouse.region}))
    return tuple(servers)


def _encryption(channel: Channel) -> tuple[tuple[str, str], ...]:
    warehouse: Any = channel.warehouse
    kafka: Any = channel.kafka
    tls = getattr(kafka, "tls_enabled", True)
    parts = [("Kafka", "TLS in transit" if tls else "no TLS (plaintext listener)")]
    if warehouse.name == "bigquery":
        key = _plain(warehouse.kms_key_name)
        parts.append(("BigQuery", f"customer-managed key {key}" if key else
                      ("customer-managed key (a reference)" if warehouse.kms_key_name else "Google-managed keys")))
    else:
        name = channel.channel_name
        parts.append(("S3", f"SSE-KMS, customer-managed key alias/channelkit/{name.replace('_', '-')} (rotated)"))
        parts.append(("Athena results", "SSE-KMS, a key of their own (readers never hold the data key)"))
    return tuple(parts)


def _cdc(channel: Channel, connectors: list[str]) -> dict[str, object]:
    source: Any = channel.source
    cdc: dict[str, object] = {
        "engine": source.engine, "snapshotMode": source.snapshot_mode, "topicPrefix": channel.topic_prefix,
        "sourceConnector": connectors[0], "sinkConnector": connectors[1], "sinkGroup": channel.sink_group,
        "dlqTopic": channel.dlq_topic, "databaseUser": channel.db_user_name,
    }
    optional = {"serverId": channel.server_id, "slotName": channel.slot_name,
                "publicationName": channel.publication_name, "historyTopic": channel.history_topic,
                "heartbeatTopic": channel.heartbeat_topic}
    cdc.update({k: v for k, v in optional.items() if v is not None})
    lineage = getattr(channel, "lineage", None)
    if lineage is not None:
        cdc["openLineageNamespace"] = lineage.namespace or channel.topic_prefix
    return cdc


def channel_entry(channel: Channel) -> ChannelEntry:
    """The catalog entry of ``channel`` (a constructed Channel)."""
    summary = channel.summary()
    warehouse: Any = channel.warehouse
    connectors = [str(c) for c in summary.get("connectors", [channel.source_connector_name,
                                                              channel.sink_connector_name])]
    stack_id = channel.path.split("/")[0] if "/" in channel.path else channel.path
    tables = tuple(_table(channel, t) for t in channel.tables)
    if warehouse.name == "bigquery":
        location = f"BigQuery {summary['dataset']} ({warehouse.location})"
        region = str(warehouse.location)
    else:
        location = f"s3://{summary['bucket']}/{warehouse.data_prefix}/, Glue database {summary['database']} " \
                   f"({warehouse.region})"
        region = str(warehouse.region)
    lineage = getattr(channel, "lineage", None)
    job_namespace = (lineage.namespace if lineage is not None and lineage.namespace else channel.topic_prefix)
    source: Any = channel.source
    return ChannelEntry(
        anchor=_anchor(stack_id, channel.channel_name), stack=stack_id, name=channel.channel_name, path=channel.path,
        contract_id=contract_id(channel), version=contract_version(channel), owner=channel.owner.name,
        contact=channel.owner.email, engine=source.engine, warehouse=warehouse.name, platform=channel.platform.name,
        location=location, region=region, encryption=_encryption(channel), retention_days=channel.retention_days,
        history_days=history_days(channel), classification=max((t.classification for t in tables), key=rank,
                                                                default="public"),
        pii=any(t.pii for t in tables), tables=tables, readers=_readers(channel), servers=_servers(channel),
        cdc=_cdc(channel, connectors),
        source_job=(job_namespace, connectors[0], f"Debezium {source.engine} source connector: {source.database} → "
                                                  f"Kafka topics {channel.topic_prefix}.*"),
        sink_job=(job_namespace, connectors[1], f"{warehouse.name} sink connector: Kafka topics → {location}"),
        can_mask=warehouse.name == "bigquery", graph=layout(tables, connectors, warehouse.name),
        declaration=_declaration(channel))


def _declaration(channel: Channel) -> dict[str, object]:
    """The channel's declaration, and its stack's AWS provider settings when it has them."""
    from channelkit.constructs.aws.provider import DECLARED
    from channelkit.selfservice.dump import declaration

    found: dict[str, object] = declaration(channel)
    aws = channel.stack.__dict__.get(DECLARED) if channel.stack is not None else None
    if aws:
        found["stack"] = {"aws": dict(aws)}
    return found
