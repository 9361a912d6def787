"""The portable column types of channelkit and their mapping to each warehouse.

A :class:`~channelkit.patterns.model.Column` declares one of :data:`COLUMN_TYPES`.
Each target maps it with one function: :func:`bigquery_type` (GCP target) and
:func:`glue_type` (AWS target, Glue/Hive DDL types).
"""

from __future__ import annotations

__all__ = ["CDC_METADATA_TYPES", "COLUMN_TYPES", "bigquery_type", "glue_type"]

#: Portable type name → BigQuery standard SQL type.
_BIGQUERY = {
    "string": "STRING",
    "int64": "INT64",
    "float64": "FLOAT64",
    "numeric": "NUMERIC",
    "bool": "BOOL",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "json": "JSON",
    "bytes": "BYTES",
}

#: Portable type name → Glue / Hive type.
_GLUE = {
    "string": "string",
    "int64": "bigint",
    "float64": "double",
    "numeric": "decimal(38,9)",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "json": "string",
    "bytes": "binary",
}

#: The portable column types, in a stable order.
COLUMN_TYPES: tuple[str, ...] = tuple(_BIGQUERY)

#: Types of the CDC metadata columns the Debezium ExtractNewRecordState SMT adds (portable names).
CDC_METADATA_TYPES: dict[str, str] = {
    "__op": "string",
    "__deleted": "string",
    "__source_ts_ms": "int64",
}


def bigquery_type(column_type: str) -> str:
    """The BigQuery type of a portable column type (``int64`` → ``INT64``).

    Raises:
        KeyError: for a type outside :data:`COLUMN_TYPES` (props validate earlier).
    """
    return _BIGQUERY[column_type]


def glue_type(column_type: str) -> str:
    """The Glue/Hive type of a portable column type (``int64`` → ``bigint``).

    Raises:
        KeyError: for a type outside :data:`COLUMN_TYPES` (props validate earlier).
    """
    return _GLUE[column_type]
