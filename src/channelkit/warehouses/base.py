"""The contract every warehouse family implements.

A warehouse prop (:class:`~channelkit.warehouses.BigQuery`, :class:`~channelkit.warehouses.AwsLake`)
knows its own name rules and builds, below the channel's ``Target``:

- the storage: datasets, tables and latest-state views, or a bucket, a catalog and queries;
- the sink connector's config and identity, handed to the platform as a
  :class:`~channelkit.platforms.ConnectorSpec` (its secrets as references);
- read grants for the warehouse's own principals (:meth:`WarehouseDeployment.grant_read`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit.claims import Claim
from channelkit.errors import ProblemCollector

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel
    from channelkit.platforms import Platform, PlatformDeployment

__all__ = ["StorageFacts", "Warehouse", "WarehouseDeployment"]


@dataclass(frozen=True, kw_only=True)
class StorageFacts:
    """What a data policy asks of a channel's warehouse (:mod:`channelkit.governance.policy`).

    Attributes:
        location: the BigQuery location, or None.
        aws_region: the AWS region the data lives in, or None.
        retention_days: how long the change history is kept (None: forever).
        protected: whether the data-bearing resources are protected from destroy.
        protect_field: the prop that turns protection off.
        customer_key: whether the data is encrypted with a customer-managed key.
        key_field: the prop that sets the key.
        project: the GCP project (its service accounts are the org's), or None.
        account: the AWS account of the storage, where known, or None.
    """

    location: str | None = None
    aws_region: str | None = None
    retention_days: int | None = None
    protected: bool = True
    protect_field: str = "warehouse.protect"
    customer_key: bool = False
    key_field: str = "warehouse.kms_key_name"
    project: str | None = None
    account: str | None = None


class Warehouse(ABC):
    """The base of every warehouse prop."""

    #: The :class:`~channelkit.patterns.model.Reader` identity this warehouse grants (``gcp``, ``aws``).
    reader_system: ClassVar[str]
    #: The cloud the sink connector writes to; the platform must give the sink an identity there.
    sink_cloud: ClassVar[str]
    #: Short name for reports.
    name: ClassVar[str]
    #: Providers the app must create in the stack itself (class, how), e.g. the AWS provider and its region.
    user_providers: ClassVar[tuple[tuple[type, str], ...]] = ()
    #: Leave out what a local cloud emulator cannot apply, in every part of the channel.
    local_emulator: bool = False

    @abstractmethod
    def check(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """Record every problem of the warehouse props (types, values and ranges).

        ``platform`` is None when the channel's platform props are unusable (that is a problem of its own).
        """

    @abstractmethod
    def check_names(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """Record every table, column and container name the warehouse cannot hold (its own system's rules only).

        ``channel.tables`` holds the well-formed tables and columns only; ``platform`` may be None.
        """

    @property
    def delete_handling(self) -> str:
        """How the source's SMT writes deletes for this warehouse's sink (``rewrite``: a row with ``__deleted``)."""
        return "rewrite"

    def resource_tags(self, channel: Channel) -> dict[str, str]:
        """Tags for every taggable cloud resource of the channel (the platform's too)."""
        return {"channelkit:channel": channel.channel_name}

    def claims(self, channel: Channel, platform: Platform) -> list[Claim | tuple[str, str]]:
        """Names this channel takes in the warehouse that no other claimant may take (:mod:`channelkit.claims`).

        A ``(kind, value)`` pair is an exact, app-wide claim; a :class:`~channelkit.claims.Claim` says where
        the name must be unique and how the system compares names.
        """
        return []

    def grant_can_expire(self, principal: str) -> bool:
        """Whether a read grant to ``principal`` can carry an end date (default True)."""
        return True


    @abstractmethod
    def storage_facts(self, channel: Channel, platform: Platform | None) -> StorageFacts:
        """Where and how this warehouse keeps ``channel``'s data (the props are valid)."""

    @abstractmethod
    def deploy(self, channel: Channel, scope: Construct, platform: PlatformDeployment) -> WarehouseDeployment:
        """Build the storage of ``channel`` in ``scope`` (the channel's ``Target``)."""


class WarehouseDeployment(ABC):
    """The warehouse's part of one channel."""

    #: A customer-managed key the platform may encrypt the channel's secrets with (or None).
    secret_key: Any = None

    @abstractmethod
    def deploy_sink(self) -> Any:
        """Create the sink's identity and hand its connector to the platform; return the connector."""

    @abstractmethod
    def grant_read(
        self, principal: str, *, expires: datetime | None = None, clearance: str = "internal",
    ) -> list[Any]:
        """Grant ``principal`` read access to the channel's tables; return the resources created.

        Columns above ``clearance`` are masked or left out (:mod:`channelkit.governance.access`).
        """

    @abstractmethod
    def summary(self) -> dict[str, Any]:
        """Storage, tables and grants of this channel in the warehouse."""
