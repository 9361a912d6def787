"""The MySQL source family: binlog capture with Debezium's MySQL connector."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from constructs import Construct

from channelkit._stack import stack_provider
from channelkit._text import literal_settings
from channelkit.constructs.database import CdcDatabaseUser
from channelkit.constructs.debezium import (
    BINLOG_SNAPSHOT_MODES,
    MYSQL_POSITION_COLUMNS,
    MYSQL_SSL_MODES,
    mysql_connector_config,
)
from channelkit.errors import ProblemCollector
from channelkit.props import Integer, Maybe, OneOf, Rule, Text
from channelkit.providers.mysql import MysqlProvider

from .base import COMMON_PROPS, SourceNames
from .binlog import BinlogSource

__all__ = ["MYSQL_IDENTIFIER", "MySqlSource"]

#: A MySQL database, table or column name: 1-64 characters of the Basic Multilingual Plane, not ending with a
#: space (MySQL 8.4 Reference Manual, 11.2 "Schema Object Names" and 11.2.1 "Identifier Length Limits").
MYSQL_IDENTIFIER = Text(r"[^\U00010000-\U0010FFFF]*[^ \U00010000-\U0010FFFF]", min_len=1, max_len=64,
                        what="a MySQL identifier (BMP characters, not ending with a space)")
#: MySQL user names are at most 32 characters (MySQL 8.4 Reference Manual, 8.2.1 "Account User Names and
#: Passwords"). The CDC user channelkit creates is also limited to [A-Za-z0-9_].
MYSQL_USER_LIMIT = 32


@dataclass(frozen=True, kw_only=True)
class MySqlSource(BinlogSource):
    """A MySQL service database captured through its binlog.

    Args:
        host: MySQL host name.
        database: the database holding the tables; the ``<db>`` of topic names.
        port: MySQL port (default 3306).
        server_id: ``database.server.id`` (default: derived from the channel name, stable, in [100000, 2**31)).
        topic_prefix: Debezium ``topic.prefix`` (default: the channel name).
        manage_user: create the CDC user and its grants (default True).
        user: the CDC user name (default: ``cdc_<channel>``, shortened to 32 characters).
        password_ref: password reference when ``manage_user=False`` (``${...}``; default None). Not used
            where the platform keeps the password in its own generated secret (MSK Connect).
        admin_user: user the mysql Terraform provider logs in as (default ``admin``; its password comes
            from the ``MYSQL_PASSWORD`` environment variable, never from the code).
        snapshot_mode: Debezium ``snapshot.mode`` (default ``initial``).
        ssl_mode: Debezium ``database.ssl.mode`` (default ``required``: TLS or no connection); one of
            ``disabled``, ``preferred``, ``required``, ``verify_ca``, ``verify_identity``.
    """

    host: str
    database: str
    port: int = 3306
    server_id: int | None = None
    topic_prefix: str | None = None
    manage_user: bool = True
    user: str | None = None
    password_ref: str | None = None
    admin_user: str = "admin"
    snapshot_mode: str = "initial"
    ssl_mode: str = "required"

    engine: ClassVar[str] = "mysql"
    position_columns: ClassVar[tuple[tuple[str, str], ...]] = MYSQL_POSITION_COLUMNS
    user_name_limit: ClassVar[int] = MYSQL_USER_LIMIT
    uses_history_topic: ClassVar[bool] = True
    identifier: ClassVar[Rule] = MYSQL_IDENTIFIER
    topic_fields: ClassVar[tuple[str, ...]] = ("topic_prefix", "database")
    PROPS: ClassVar[Mapping[str, Rule]] = {
        **COMMON_PROPS,
        "database": MYSQL_IDENTIFIER,
        "server_id": Maybe(Integer(1, 2**32 - 1, what="MySQL server_id, unique among the server's replicas")),
        "user": Maybe(Text(r"[A-Za-z0-9_]+", min_len=1, max_len=MYSQL_USER_LIMIT, what="a MySQL user name")),
        "admin_user": Text(min_len=1, max_len=MYSQL_USER_LIMIT, what="a MySQL user name"),
        "ssl_mode": OneOf(MYSQL_SSL_MODES),
        "snapshot_mode": OneOf(BINLOG_SNAPSHOT_MODES),
    }

    def _check(self, problems: ProblemCollector, field: str) -> None:
        """No rules beyond :attr:`PROPS`."""

    def connector_config(
        self, *, name: str, user: str, topic_prefix: str, tables: Sequence[str], names: SourceNames,
        bootstrap_servers: str, history_topic: str | None, delete_handling: str,
    ) -> dict[str, str]:
        """The Debezium MySQL connector config (see :func:`~channelkit.constructs.debezium.mysql_connector_config`)."""
        assert names.server_id is not None and history_topic is not None
        return mysql_connector_config(
            name=name, hostname=self.host, port=self.port, user=user, database=self.database, tables=tables,
            topic_prefix=topic_prefix, server_id=names.server_id, bootstrap_servers=bootstrap_servers,
            history_topic=history_topic, snapshot_mode=self.snapshot_mode, delete_handling=delete_handling,
            ssl_mode=self.ssl_mode,
        )

    def db_user(
        self, scope: Construct, *, stack: Construct, names: SourceNames, tables: Sequence[str],
        password: str | None, random_provider: Any,
    ) -> CdcDatabaseUser:
        """The CDC user with the binlog privileges and SELECT on the database (construct id ``DbUser``)."""
        settings: dict[str, Any] = dict(endpoint=f"{self.host}:{self.port}", username=self.admin_user)
        provider = stack_provider(stack, f"mysql-{self.host}", lambda s, i, a: MysqlProvider(
            s, i, alias=a, **literal_settings(settings)), settings)
        return CdcDatabaseUser(
            scope, "DbUser", engine="mysql", user_name=names.db_user, database=self.database, tables=tables,
            mysql_provider=provider, random_provider=random_provider, password=password)
