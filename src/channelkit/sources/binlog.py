"""What the binlog sources (MySQL, MariaDB) share: topics named after the database, a replica server id."""

from __future__ import annotations

from typing import Any

from channelkit.constructs.naming import derive_server_id

from .base import Source, SourceNames, default_user_name

__all__ = ["BinlogSource"]


class BinlogSource(Source):
    """A source read from a server's binlog as a replica.

    Its subclasses declare ``database``, ``user`` and ``server_id`` as frozen dataclass fields.
    """

    database: Any
    user: Any
    server_id: Any

    @property
    def namespace(self) -> str:
        """The middle part of topic names (the database)."""
        return str(self.database)

    def names(self, channel_name: str) -> SourceNames:
        """The CDC user and the replica server id of ``channel_name`` (derived: stable, in [100000, 2**31))."""
        return SourceNames(
            db_user=self.user or default_user_name(channel_name, self.user_name_limit),
            server_id=self.server_id or derive_server_id(channel_name),
        )
