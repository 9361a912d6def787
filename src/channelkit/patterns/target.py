"""The contract between the :class:`~channelkit.patterns.channel.Channel` and its warehouse targets.

A ``Channel`` validates what every channel shares (tables, names, owner,
readers, retention) and computes the names both targets use (topic prefix,
topic per table, schema-history and dead-letter topics, MySQL server id,
Postgres slot). It then asks its ``warehouse`` prop for a target::

    self.target = warehouse.create_target(self, "Target")

The target is a construct that builds everything cloud-specific below the
channel (the GCP target: Kafka topics + ACLs, kafka-connect connectors,
BigQuery; the AWS target: MSK Connect, S3, Glue, Lake Formation, Athena).
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from constructs import Construct

if TYPE_CHECKING:
    from .channel import Channel

__all__ = ["ChannelTarget", "Warehouse"]


class ChannelTarget(Construct):
    """Builds the cloud-specific part of one channel (a construct below the Channel).

    ``reader_fields`` names the :class:`~channelkit.patterns.model.Reader` fields (platform
    identities) this target grants; a Reader's other identities are for other targets.
    """

    reader_fields: tuple[str, ...] = ("kafka", "gcp", "aws")

    def __init__(self, channel: Channel, id: str) -> None:
        super().__init__(channel, id)
        self.channel = channel

    @abstractmethod
    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Grant ``principal`` read access to the channel's data; return the resources created."""

    @abstractmethod
    def summary(self) -> dict[str, Any]:
        """Topics, connectors and grants of this channel, for ``channelkit synth``."""


class Warehouse(Protocol):
    """A warehouse prop (``BigQuery(...)``, ``AwsLake(...)``) knows which target builds it."""

    def create_target(self, channel: Channel, id: str) -> ChannelTarget:
        """Build and return the target construct for ``channel``."""
        ...
