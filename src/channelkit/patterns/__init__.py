"""Layer 3: patterns built from channelkit's constructs.

The main entry point is :class:`Channel`. Its props come from the three families, re-exported
here for convenience: sources (:class:`MySqlSource`, :class:`MariaDbSource`, :class:`PostgresSource`), platforms
(:class:`KafkaCluster` + :class:`ConnectCluster`, :class:`MskCluster` + :class:`MskConnect`) and
warehouses (:class:`BigQuery`, :class:`AwsLake`); the data model is in :mod:`channelkit.patterns.model`.
Names are imported lazily, so the light modules (``types``, ``model``) load without the constructs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from channelkit.catalog import Lineage as Lineage
    from channelkit.platforms import ClientCredentials as ClientCredentials
    from channelkit.platforms import ConnectCluster as ConnectCluster
    from channelkit.platforms import KafkaCluster as KafkaCluster
    from channelkit.platforms import MskCluster as MskCluster
    from channelkit.platforms import MskConnect as MskConnect
    from channelkit.sources import MariaDbSource as MariaDbSource
    from channelkit.sources import MySqlSource as MySqlSource
    from channelkit.sources import PostgresSource as PostgresSource
    from channelkit.warehouses import EMULATOR_OMITTED_TYPES as EMULATOR_OMITTED_TYPES
    from channelkit.warehouses import AwsLake as AwsLake
    from channelkit.warehouses import BigQuery as BigQuery

    from .channel import EMULATOR_CONTEXT as EMULATOR_CONTEXT
    from .channel import Channel as Channel
    from .model import Column as Column
    from .model import Reader as Reader
    from .model import Table as Table
    from .model import Team as Team

_WHERE = {
    "Lineage": "channelkit.catalog",
    "AwsLake": "channelkit.warehouses",
    "BigQuery": "channelkit.warehouses",
    "EMULATOR_OMITTED_TYPES": "channelkit.warehouses",
    "Channel": "channelkit.patterns.channel",
    "EMULATOR_CONTEXT": "channelkit.patterns.channel",
    "Column": "channelkit.patterns.model",
    "Reader": "channelkit.patterns.model",
    "Table": "channelkit.patterns.model",
    "Team": "channelkit.patterns.model",
    "ClientCredentials": "channelkit.platforms",
    "ConnectCluster": "channelkit.platforms",
    "KafkaCluster": "channelkit.platforms",
    "MskCluster": "channelkit.platforms",
    "MskConnect": "channelkit.platforms",
    "MariaDbSource": "channelkit.sources",
    "MySqlSource": "channelkit.sources",
    "PostgresSource": "channelkit.sources",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
