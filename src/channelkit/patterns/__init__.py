"""Layer 3: patterns built from channelkit's constructs.

The main entry point is :class:`Channel`; its props are in :mod:`channelkit.patterns.model`
and the warehouse props are :class:`BigQuery` (GCP) and :class:`AwsLake` (AWS, with
:class:`MskCluster` and :class:`MskConnect`). Names are imported lazily, so the
light modules (``types``, ``model``) can be used without loading the constructs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .aws_lake import AwsLake as AwsLake
    from .aws_lake import AwsLakeTarget as AwsLakeTarget
    from .aws_lake import MskCluster as MskCluster
    from .aws_lake import MskConnect as MskConnect
    from .channel import Channel as Channel
    from .gcp import BigQuery as BigQuery
    from .gcp import GcpTarget as GcpTarget
    from .model import Column as Column
    from .model import ConnectCluster as ConnectCluster
    from .model import ConnectClusterLike as ConnectClusterLike
    from .model import KafkaCluster as KafkaCluster
    from .model import KafkaClusterLike as KafkaClusterLike
    from .model import MySqlSource as MySqlSource
    from .model import PostgresSource as PostgresSource
    from .model import Reader as Reader
    from .model import Table as Table
    from .model import Team as Team
    from .target import ChannelTarget as ChannelTarget
    from .target import Warehouse as Warehouse

_WHERE = {
    "AwsLake": "aws_lake",
    "AwsLakeTarget": "aws_lake",
    "MskCluster": "aws_lake",
    "MskConnect": "aws_lake",
    "Channel": "channel",
    "BigQuery": "gcp",
    "GcpTarget": "gcp",
    "Column": "model",
    "ConnectCluster": "model",
    "ConnectClusterLike": "model",
    "KafkaCluster": "model",
    "KafkaClusterLike": "model",
    "MySqlSource": "model",
    "PostgresSource": "model",
    "Reader": "model",
    "Table": "model",
    "Team": "model",
    "ChannelTarget": "target",
    "Warehouse": "target",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
