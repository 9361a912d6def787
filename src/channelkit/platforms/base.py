"""The contract every streaming-platform family implements.

A platform is a Kafka cluster and the runtime its connectors run on, given to a Channel as
its ``kafka=`` and ``connect=`` props. :func:`channelkit.platforms.resolve` picks the family
that accepts the pair; the family then deploys, below the channel:

- the topics (as resources, or created by the source connector) and who may touch them
  (Kafka ACLs, or IAM policies);
- the connectors: each warehouse's sink and each source's Debezium connector are handed over
  as a :class:`ConnectorSpec`, and the platform runs them (``kafka-connect_connector``, MSK
  Connect, ...) and delivers their secrets its own way;
- the CDC password when the platform keeps it in its own secret store;
- read grants for Kafka principals (:meth:`PlatformDeployment.grant_read`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit.claims import Claim
from channelkit.errors import ProblemCollector

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["ConnectorSecret", "ConnectorSpec", "Platform", "PlatformDeployment", "cut_note", "kafka_claims"]


@dataclass(frozen=True)
class ConnectorSecret:
    """A secret config value of a connector, as the platform will deliver it.

    Attributes:
        value: a reference to the secret (a Terraform expression token), never a literal.
        placeholder: a config-provider placeholder the connector runtime resolves itself
            (``${secretsmanager:...}``), or None where the runtime keeps secrets in its own
            sensitive config.
        statements: what the connector's identity needs to read the secret (IAM statements).
    """

    value: str
    placeholder: str | None = None
    statements: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ConnectorSpec:
    """A connector for the platform to run.

    Attributes:
        kind: ``Source`` or ``Sink``: the role of the connector in the channel (and its construct ids).
        name: the connector name.
        config: the connector config, without secrets.
        secrets: config key → the secret value to put there.
        aws_statements: IAM statements the connector needs on AWS besides Kafka (an S3 sink's bucket
            and key); only platforms whose workers have an AWS identity can honour them.
        depends_on: resources that must exist before the connector starts.
        plugin: short name of the connector's plugin (``debezium``, ``s3-sink``, ``bigquery-sink``), for
            runtimes that install plugins per connector.
        description: what the connector does (for consoles).
    """

    kind: str
    name: str
    config: Mapping[str, str]
    plugin: str
    secrets: Mapping[str, ConnectorSecret] = field(default_factory=dict)
    aws_statements: tuple[Any, ...] = ()
    depends_on: Sequence[Any] = ()
    description: str = ""


class Platform(ABC):
    """A streaming platform: a Kafka cluster prop and a connector-runtime prop that belong together."""

    #: The :class:`~channelkit.patterns.model.Reader` identity this platform grants (``kafka``), or None.
    reader_system: ClassVar[str | None] = None
    #: Whether the platform generates and stores the CDC password itself (sources then give no password_ref).
    owns_db_password: ClassVar[bool] = False
    #: Short name for reports and errors.
    name: ClassVar[str]
    #: Providers the app must create in the stack itself (class, how), e.g. the AWS provider and its region.
    user_providers: ClassVar[tuple[tuple[type, str], ...]] = ()

    def __init__(self, kafka: Any, connect: Any) -> None:
        self.kafka = kafka
        self.connect = connect

    @classmethod
    @abstractmethod
    def accepts(cls, kafka: Any, connect: Any) -> bool:
        """Whether ``kafka`` and ``connect`` are this platform's props."""

    @property
    def aws_account(self) -> str | None:
        """The AWS account the platform runs in, where it has one (default None)."""
        return None

    @property
    def aws_region(self) -> str | None:
        """The AWS region the cluster (and so the topics' data) lives in, where known (default None)."""
        return None

    @property
    @abstractmethod
    def broker_count(self) -> int:
        """Brokers of the cluster (replication factors may not exceed it)."""

    @abstractmethod
    def check(self, problems: ProblemCollector, channel: Channel) -> None:
        """Record every problem of the platform props for ``channel``."""

    def claims(self, channel: Channel) -> list[Claim | tuple[str, str]]:
        """Names this channel takes on the platform that no other claimant may take (:mod:`channelkit.claims`).

        A ``(kind, value)`` pair is an exact, app-wide claim; a :class:`~channelkit.claims.Claim` says where
        the name must be unique and how the system compares names.
        """
        return []

    def grant_can_expire(self, principal: str) -> bool:
        """Whether a read grant to ``principal`` can carry an end date (default True)."""
        return True


    @abstractmethod
    def deploy(self, channel: Channel, scope: Construct, *, local_emulator: bool) -> PlatformDeployment:
        """Build the platform's part of ``channel`` in ``scope``.

        Args:
            channel: the channel.
            scope: the channel's ``Target`` construct.
            local_emulator: leave out what a local cloud emulator cannot apply.
        """


class PlatformDeployment(ABC):
    """The platform's part of one channel, built in the channel's ``Target`` scope."""

    #: The platform this deployment belongs to.
    platform: Platform

    @abstractmethod
    def source_settings(self) -> dict[str, str]:
        """Config the Debezium connector needs from the platform (schema-history clients, topic creation)."""

    @abstractmethod
    def password(
        self, scope: Construct, *, username: str, key: Any = None, for_db_user: bool = True,
    ) -> tuple[str | None, ConnectorSecret | None]:
        """The CDC password as the platform keeps it: the value for the DB user and the connector's secret.

        ``(None, None)`` means the platform keeps no secret of its own: the DB user generates a
        ``random_password`` and the connector gets its reference through :meth:`store_secret`.

        Args:
            scope: where a generated secret goes.
            username: the CDC user.
            key: a customer-managed key the warehouse offers for secrets (a ``ChannelKey``), or None.
            for_db_user: channelkit manages the DB user, so it needs the value (else only the secret).
        """

    @abstractmethod
    def store_secret(self, scope: Construct, kind: str, name: str, value: str) -> ConnectorSecret:
        """Deliver ``value`` (a reference) as a secret config value of the ``kind`` connector."""

    @abstractmethod
    def connector_scope(self, scope: Construct, kind: str) -> Construct:
        """Where the resources tied to the ``kind`` connector go (its identity, its secrets)."""

    @abstractmethod
    def deploy_connector(self, scope: Construct, spec: ConnectorSpec) -> Any:
        """Run ``spec`` on the platform; ``scope`` is what :meth:`connector_scope` returned. Returns the resource."""

    @abstractmethod
    def grant_read(self, principal: str, *, expires: datetime | None = None) -> list[Any]:
        """Grant a Kafka principal read access to the channel's table topics; return what was created."""

    @abstractmethod
    def summary(self) -> dict[str, Any]:
        """Topics, connectors and grants of this channel on the platform."""


def kafka_claims(channel: Channel, cluster: str, groups: Sequence[tuple[str, str]]) -> list[Claim]:
    """The channel's topics and consumer groups on the Kafka cluster ``cluster`` (e.g. ``Kafka cluster main``).

    Topics fold ``.`` into ``_`` as Kafka does when it refuses colliding topic names; ``groups`` are
    ``(what takes it, group id)`` pairs.
    """
    topics = [(f"tables[{name}]", topic) for name, topic in channel.table_topics.items()]
    topics += [(by, topic) for by, topic in (("schema history", channel.history_topic),
                                              ("heartbeats", channel.heartbeat_topic),
                                              ("dead letters", channel.dlq_topic)) if topic]
    claims = [Claim("Kafka topic", topic, within=cluster, by=by, fold="kafka-topic") for by, topic in topics]
    claims += [Claim("Kafka consumer group", group, within=cluster, by=by) for by, group in groups]
    return claims


def cut_note(full: str, cut: str, what: str, limit: int) -> str:
    """A claim's note when ``full`` had to be cut to ``cut`` (``what`` names are at most ``limit``), else ``""``."""
    return f"{what} names are cut to {limit} characters ({full!r} was cut)" if cut != full else ""
