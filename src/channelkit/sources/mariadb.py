"""The MariaDB source family: binlog capture with Debezium's dedicated MariaDB connector.

Debezium 3.x has a MariaDB connector of its own (``io.debezium.connector.mariadb.MariaDbConnector``); its MySQL
connector is not meant for MariaDB. Both share Debezium's binlog configuration, so a MariaDB channel has what a
MySQL channel has (a replica server id, a Kafka schema-history topic, the binlog position ``file``/``pos``/``row``
as the order of changes) with MariaDB's own differences:

- ``database.ssl.mode`` takes MariaDB's values (``disable``, ``trust``, ``verify-ca``, ``verify-full``), not
  MySQL's; the default here is ``trust`` (encrypted or refused), where Debezium's default is ``disable``;
- the CDC user's global privileges are named as MariaDB 10.5.2+ reports them (``BINLOG MONITOR`` for MySQL's
  ``REPLICATION CLIENT``), so the mysql provider's read-back matches what it applied;
- GTIDs need no setting (MariaDB always writes them, the connector always uses them);
- column types are MySQL's plus ``UUID`` (see :mod:`channelkit.columns.native`).

The database server must have the binlog on in row format (``log_bin``, ``binlog_format=ROW``,
``binlog_row_image=FULL``), no binlog compression (``log_bin_compress=0``) and, on MariaDB 11.4+,
``binlog_legacy_event_pos=1`` (Debezium's MariaDB documentation); channelkit does not manage server settings.
Provenance of these facts: :func:`channelkit.constructs.debezium.mariadb_connector_config`.
"""

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
    MARIADB_POSITION_COLUMNS,
    MARIADB_SSL_MODES,
    mariadb_connector_config,
)
from channelkit.errors import ProblemCollector
from channelkit.props import Integer, Maybe, OneOf, Rule, Text
from channelkit.providers.mysql import MysqlProvider

from .base import COMMON_PROPS, SourceNames
from .binlog import BinlogSource
from .mysql import MYSQL_IDENTIFIER

__all__ = ["MARIADB_USER_LIMIT", "MariaDbSource"]

#: MariaDB user names are at most 80 characters (MariaDB 10.6+, ``mysql.user.User`` is ``char(80)``; MariaDB
#: Knowledge Base, "CREATE USER"). The CDC user channelkit creates is also limited to [A-Za-z0-9_].
MARIADB_USER_LIMIT = 80

#: MySQL's ``database.ssl.mode`` names and the MariaDB value that means the same, for the error message.
_MYSQL_SSL_NAMES = {"disabled": "disable", "required": "trust", "verify_ca": "verify-ca",
                    "verify_identity": "verify-full"}


@dataclass(frozen=True, kw_only=True)
class MariaDbSource(BinlogSource):
    """A MariaDB service database captured through its binlog by Debezium's MariaDB connector.

    Args:
        host: MariaDB host name.
        database: the database holding the tables; the ``<db>`` of topic names.
        port: MariaDB port (default 3306).
        server_id: ``database.server.id``, unique among the server's replicas (default: derived from the channel
            name, stable, in [100000, 2**31)).
        topic_prefix: Debezium ``topic.prefix`` (default: the channel name).
        manage_user: create the CDC user and its grants (default True).
        user: the CDC user name (default: ``cdc_<channel>``, shortened to 80 characters).
        password_ref: password reference when ``manage_user=False`` (``${...}``; default None). Not used
            where the platform keeps the password in its own generated secret (MSK Connect).
        admin_user: user the mysql Terraform provider logs in as (default ``admin``; its password comes
            from the ``MYSQL_PASSWORD`` environment variable, never from the code).
        snapshot_mode: Debezium ``snapshot.mode`` (default ``initial``); one of ``initial``, ``initial_only``,
            ``when_needed``, ``no_data``, ``recovery``, ``always``.
        ssl_mode: Debezium ``database.ssl.mode`` with MariaDB's values (default ``trust``: TLS or no connection,
            the certificate not verified); one of ``disable``, ``trust``, ``verify-ca``, ``verify-full`` (the last
            two verify the server certificate against a ``database.ssl.truststore`` the platform must provide).
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
    ssl_mode: str = "trust"

    engine: ClassVar[str] = "mariadb"
    position_columns: ClassVar[tuple[tuple[str, str], ...]] = MARIADB_POSITION_COLUMNS
    user_name_limit: ClassVar[int] = MARIADB_USER_LIMIT
    uses_history_topic: ClassVar[bool] = True
    identifier: ClassVar[Rule] = MYSQL_IDENTIFIER
    topic_fields: ClassVar[tuple[str, ...]] = ("topic_prefix", "database")
    #: The rules of every prop but ``ssl_mode`` (checked in :meth:`_check`, which names MySQL's equivalents).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        **COMMON_PROPS,
        "database": MYSQL_IDENTIFIER,
        "server_id": Maybe(Integer(1, 2**32 - 1, what="MariaDB server_id, unique among the server's replicas")),
        "user": Maybe(Text(r"[A-Za-z0-9_]+", min_len=1, max_len=MARIADB_USER_LIMIT, what="a MariaDB user name")),
        "admin_user": Text(min_len=1, max_len=MARIADB_USER_LIMIT, what="a MariaDB user name"),
        "snapshot_mode": OneOf(BINLOG_SNAPSHOT_MODES),
    }

    def _check(self, problems: ProblemCollector, field: str) -> None:
        allowed = "one of " + ", ".join(MARIADB_SSL_MODES)
        mysql_name = _MYSQL_SSL_NAMES.get(self.ssl_mode) if isinstance(self.ssl_mode, str) else None
        if mysql_name:
            allowed += f" (MariaDB's connector names MySQL's {self.ssl_mode!r} {mysql_name!r})"
        problems.check(isinstance(self.ssl_mode, str) and self.ssl_mode in MARIADB_SSL_MODES, f"{field}.ssl_mode",
                       self.ssl_mode, allowed)

    def claims(self, names: SourceNames) -> list[tuple[str, str]]:
        """The replica server id, unique among the app's MariaDB channels."""
        return [("MariaDB server id", str(names.server_id))]

    def connector_config(
        self, *, name: str, user: str, topic_prefix: str, tables: Sequence[str], names: SourceNames,
        bootstrap_servers: str, history_topic: str | None, delete_handling: str,
    ) -> dict[str, str]:
        """The Debezium MariaDB connector config (:func:`~channelkit.constructs.debezium.mariadb_connector_config`)."""
        assert names.server_id is not None and history_topic is not None
        return mariadb_connector_config(
            name=name, hostname=self.host, port=self.port, user=user, database=self.database, tables=tables,
            topic_prefix=topic_prefix, server_id=names.server_id, bootstrap_servers=bootstrap_servers,
            history_topic=history_topic, snapshot_mode=self.snapshot_mode, delete_handling=delete_handling,
            ssl_mode=self.ssl_mode,
        )

    def db_user(
        self, scope: Construct, *, stack: Construct, names: SourceNames, tables: Sequence[str],
        password: str | None, random_provider: Any,
    ) -> CdcDatabaseUser:
        """The CDC user with the binlog privileges (MariaDB's names) and SELECT on the database (id ``DbUser``).

        ``mysql_user`` + two ``mysql_grant``: RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR on ``*.*``
        (:data:`~channelkit.constructs.database.MARIADB_CDC_GLOBAL_PRIVILEGES`) and SELECT on ``<database>.*``.
        The mysql provider is shared with any MySQL/MariaDB source on the same host.
        """
        settings: dict[str, Any] = dict(endpoint=f"{self.host}:{self.port}", username=self.admin_user)
        provider = stack_provider(stack, f"mysql-{self.host}", lambda s, i, a: MysqlProvider(
            s, i, alias=a, **literal_settings(settings)), settings)
        return CdcDatabaseUser(
            scope, "DbUser", engine="mariadb", user_name=names.db_user, database=self.database, tables=tables,
            mysql_provider=provider, random_provider=random_provider, password=password)
