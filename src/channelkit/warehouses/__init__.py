"""Warehouse families: where a channel's data lands (one module each).

Adding a warehouse is one module implementing :class:`~channelkit.warehouses.base.Warehouse`
(see CONTRIBUTING.md).
"""

from .base import Warehouse, WarehouseDeployment
from .bigquery import BigQuery, BigQueryDeployment
from .s3_lake import EMULATOR_OMITTED_TYPES, AwsLake, AwsLakeDeployment

__all__ = [
    "EMULATOR_OMITTED_TYPES",
    "AwsLake",
    "AwsLakeDeployment",
    "BigQuery",
    "BigQueryDeployment",
    "Warehouse",
    "WarehouseDeployment",
]
