"""Layer 2: one main resource each (construct id ``Resource``), typed props, ``grant_*`` methods."""

from .bigquery import BigQueryDataset, BigQueryField, BigQueryTable, LatestStateView
from .bigquery_access import MaskingPolicy, PolicyTag, PolicyTaxonomy
from .bigquery_sink import BigQuerySink
from .connect import connector_resource
from .database import CdcDatabaseUser
from .debezium import DebeziumMySqlSource, DebeziumPostgresSource
from .errors import CollisionError, ConstructPropsError, InvalidNameError, PrincipalError, TableDefinitionError
from .kafka import KafkaTopic, grant_acls

__all__ = [
    "MaskingPolicy",
    "PolicyTag",
    "PolicyTaxonomy",
    "BigQueryDataset",
    "BigQueryField",
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
    "connector_resource",
    "grant_acls",
]
