"""The contract every source family implements: what a service database contributes to a channel.

A source prop (:class:`~channelkit.sources.MySqlSource`, :class:`~channelkit.sources.MariaDbSource`,
:class:`~channelkit.sources.PostgresSource`) knows, for its engine:

- its own rules (:meth:`Source.check`), gathered into the Channel's problems;
- the names it derives from the channel name (:meth:`Source.names`: CDC user, MySQL/MariaDB server id,
  Postgres slot and publication), and which of them must be unique in the app (:meth:`Source.claims`);
- the Debezium connector config (:meth:`Source.connector_config`, one builder per engine in
  :mod:`channelkit.constructs.debezium`), and the position columns that order its changes;
- the CDC database user and the objects it needs (:meth:`Source.db_user`).

The platform decides where the connector runs and how its secrets reach it; the source never does.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from constructs import Construct

from channelkit.constructs.database import CdcDatabaseUser
from channelkit.constructs.debezium import SNAPSHOT_MODES
from channelkit.errors import ProblemCollector
from channelkit.props import Boolean, Integer, Maybe, OneOf, Rule, Text, check_props

__all__ = ["COMMON_PROPS", "Source", "SourceNames", "default_user_name", "describe"]

#: A DNS host name (labels of letters, digits and '-', at most 253 characters) or an IPv4 address.
HOST = Text(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", what="a host name or address")
#: A TCP port: the same rule on every target.
PORT = Integer(1, 65535, what="a TCP port")

#: The props every source has (each engine adds its identifier rules; see ``PROPS`` of each class).
#: ``password_ref`` is checked apart: its value is never shown in a problem.
COMMON_PROPS: Mapping[str, Rule] = {
    "host": HOST,
    "port": PORT,
    "topic_prefix": Maybe(Text(min_len=1, what="a Debezium topic prefix (Kafka topic characters)")),
    "manage_user": Boolean(),
    "snapshot_mode": OneOf(SNAPSHOT_MODES),
}


@dataclass(frozen=True)
class SourceNames:
    """The names a source derives for one channel.

    Attributes:
        db_user: the CDC user or role name.
        server_id: MySQL/MariaDB ``database.server.id`` (None for other engines).
        slot_name: Postgres replication slot (None for other engines).
        publication_name: Postgres publication (None for other engines).
    """

    db_user: str
    server_id: int | None = None
    slot_name: str | None = None
    publication_name: str | None = None


class Source(ABC):
    """A service database captured by Debezium (the base of every source prop)."""

    #: Engine name (``mysql``, ``mariadb``, ``postgres``); also how declared column types are parsed.
    engine: ClassVar[str]
    #: ``(name, portable type)`` of the columns giving a change's source position, most significant first.
    position_columns: ClassVar[tuple[tuple[str, str], ...]]
    #: Longest user name the engine accepts.
    user_name_limit: ClassVar[int]
    #: Whether the connector keeps a schema-history topic.
    uses_history_topic: ClassVar[bool] = False
    #: What each prop accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = COMMON_PROPS
    #: The engine's rule for table and column names (the Channel applies it to the declared tables).
    identifier: ClassVar[Rule] = Text(min_len=1)
    #: The props topic names are built from (topic names are checked only when these are usable).
    topic_fields: ClassVar[tuple[str, ...]] = ("topic_prefix",)

    host: str
    database: str
    port: int
    topic_prefix: str | None
    manage_user: bool
    user: str | None
    password_ref: str | None
    admin_user: str
    snapshot_mode: str

    @property
    @abstractmethod
    def namespace(self) -> str:
        """The middle part of topic names (the MySQL database, the Postgres schema)."""

    def check(
        self, problems: ProblemCollector, *, platform_owns_password: bool, field: str = "source",
    ) -> dict[str, bool]:
        """Record every problem of these props in ``problems`` (fields prefixed ``field.``).

        Args:
            problems: where problems go.
            platform_owns_password: the platform generates and stores the CDC password itself, so a
                ``password_ref`` is refused.
            field: the prop name of the source in the Channel.

        Returns:
            prop name -> whether its value was accepted (the Channel skips what depends on a bad one).
        """
        ok = check_props(problems, type(self).PROPS, self, prefix=f"{field}.")
        ref = self.password_ref
        if ref is not None and not isinstance(ref, str):
            problems.add(f"{field}.password_ref", f"<{type(ref).__name__}>", "None or a '${...}' reference string")
        elif platform_owns_password:
            problems.check(ref is None, f"{field}.password_ref", "<redacted>",
                           "nothing: this platform keeps the CDC password in its own generated secret")
        if self.manage_user is False:
            problems.check(bool(self.user), f"{field}.user", self.user,
                           "the existing CDC user's name when manage_user=False")
            if not platform_owns_password and (ref is None or isinstance(ref, str)):
                problems.check(isinstance(ref, str) and ref.startswith("${"), f"{field}.password_ref", "<redacted>",
                               "a '${...}' reference to the existing user's password when manage_user=False")
        self._check(problems, field)
        return ok

    @abstractmethod
    def _check(self, problems: ProblemCollector, field: str) -> None:
        """Engine-specific rules."""

    def names(self, channel_name: str) -> SourceNames:
        """The names this source uses for ``channel_name``."""
        return SourceNames(db_user=self.user or default_user_name(channel_name, self.user_name_limit))

    def claims(self, names: SourceNames) -> list[tuple[str, str]]:
        """``(kind, value)`` names the source alone must hold in the app: a binlog replica's server id.

        The default claims a MySQL server id when ``names`` has one. The Channel claims the names every source
        kind shares (slot, publication and user per server).
        """
        return [("MySQL server id", str(names.server_id))] if names.server_id is not None else []

    @abstractmethod
    def connector_config(
        self, *, name: str, user: str, topic_prefix: str, tables: Sequence[str], names: SourceNames,
        bootstrap_servers: str, history_topic: str | None, delete_handling: str,
    ) -> dict[str, str]:
        """The Debezium connector config (no password: the platform adds it as a secret)."""

    @abstractmethod
    def db_user(
        self, scope: Construct, *, stack: Construct, names: SourceNames, tables: Sequence[str],
        password: str | None, random_provider: Any,
    ) -> CdcDatabaseUser:
        """Create the CDC user and its grants in ``scope`` (construct id ``DbUser``).

        Args:
            scope: where the user goes.
            stack: the stack holding ``scope`` (its database provider goes there).
            names: this channel's names.
            tables: the captured tables.
            password: a reference to the password to set, or None for a ``random_password``.
            random_provider: the ``random`` provider when ``password`` is None.
        """

    def heartbeat_topic(self, topic_prefix: str) -> str | None:
        """The topic the connector writes heartbeats to, or None when it sends none (the default).

        The platform creates the channel's topics; this one is not a table's, so a platform that does not let
        the connector create topics must create it too.
        """
        return None

    def summary(self, names: SourceNames) -> Mapping[str, Any]:
        """What this source contributes to ``channelkit synth``'s report."""
        return {"engine": self.engine, "database": self.database, "user": names.db_user}


def default_user_name(channel_name: str, limit: int) -> str:
    """``cdc_<channel>``, shortened with a stable hash suffix to at most ``limit`` characters."""
    name = f"cdc_{channel_name}"
    if len(name) <= limit:
        return name
    return name[: limit - 7] + "_" + hashlib.sha256(channel_name.encode()).hexdigest()[:6]


def describe(rtype: str, body: dict[str, Any], refs: dict[str, str]) -> list[tuple[str, str]]:
    """Report entries of a source's resources: the CDC user's database grants."""
    if rtype in ("mysql_grant", "postgresql_grant"):
        return [("grant", f"db {', '.join(sorted(body.get('privileges', [])))}")]
    return []
