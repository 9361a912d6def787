"""Layer 2: one main resource each (construct id ``Resource``), typed props, ``grant_*`` methods."""

from .bigquery import BigQueryDataset, BigQuerySink, BigQueryTable, LatestStateView
from .database import CdcDatabaseUser
from .debezium import DebeziumMySqlSource, DebeziumPostgresSource
from .errors import CollisionError, ConstructPropsError, InvalidNameError, PrincipalError, TableDefinitionError
from .kafka import KafkaTopic, grant_acls

__all__ = [
    "BigQueryDataset",
    "BigQuerySink",
    "BigQueryTable",
    "CdcDatabaseUser",
    "CollisionError",
    "ConstructPropsError",
    "DebeziumMySqlSource",
    "DebeziumPostgresSource",
    "InvalidNameError",
    "KafkaTopic",
    "LatestStateView",
    "PrincipalError",
    "TableDefinitionError",
    "grant_acls",
]
