"""Streaming-platform families: a Kafka cluster and the runtime its connectors run on (one module each).

A Channel's ``kafka=`` and ``connect=`` props belong to one platform; :func:`resolve` finds it.
Adding a platform is one module plus one line in :data:`PLATFORMS` (see CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import Any

from .base import ConnectorSecret, ConnectorSpec, Platform, PlatformDeployment
from .kafka_connect import ClientCredentials, ConnectCluster, KafkaCluster, KafkaConnectPlatform
from .msk import MskCluster, MskConnect, MskPlatform

__all__ = [
    "PLATFORMS",
    "ClientCredentials",
    "ConnectCluster",
    "ConnectorSecret",
    "ConnectorSpec",
    "KafkaCluster",
    "KafkaConnectPlatform",
    "MskCluster",
    "MskConnect",
    "MskPlatform",
    "Platform",
    "PlatformDeployment",
    "resolve",
]

#: Every platform family, in the order :func:`resolve` asks them.
PLATFORMS: tuple[type[Platform], ...] = (KafkaConnectPlatform, MskPlatform)


def resolve(kafka: Any, connect: Any) -> Platform | None:
    """The platform whose props ``kafka`` and ``connect`` are, or None when no family accepts the pair."""
    for family in PLATFORMS:
        if family.accepts(kafka, connect):
            return family(kafka, connect)
    return None


def accepted_pairs() -> str:
    """Human words for the accepted ``kafka=`` / ``connect=`` pairs (for error messages)."""
    return "KafkaCluster + ConnectCluster (self-managed Kafka Connect) or MskCluster + MskConnect (MSK Connect)"


__all__ += ["accepted_pairs"]
