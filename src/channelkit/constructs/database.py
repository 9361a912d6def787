"""The database user a Debezium connector logs in as, with exactly the privileges CDC needs.

MySQL: ``mysql_user`` + ``mysql_grant`` (global RELOAD, SHOW DATABASES, REPLICATION SLAVE,
REPLICATION CLIENT; SELECT on the captured database only). MariaDB: the same resources (the
``mysql`` provider manages MariaDB too) with MariaDB's own names for the same privileges
(:data:`MARIADB_CDC_GLOBAL_PRIVILEGES`). Postgres: ``postgresql_role``
with ``replication = true`` + ``postgresql_grant`` (USAGE on the schema, SELECT on the
captured tables only). The password is a ``random_password``; only references to it
appear in the synthesized JSON.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from constructs import Construct

from channelkit.errors import ProblemCollector  # noqa: F401
from channelkit.props import Seq, Text
from channelkit.providers.mysql import Grant as MysqlGrant
from channelkit.providers.mysql import User as MysqlUser
from channelkit.providers.postgresql import Grant as PostgresqlGrant
from channelkit.providers.postgresql import Role as PostgresqlRole
from channelkit.providers.random import Password

from ._util import LazyProblems, init_construct
from .errors import ConstructPropsError

__all__ = ["MARIADB_CDC_GLOBAL_PRIVILEGES", "MYSQL_CDC_GLOBAL_PRIVILEGES", "CdcDatabaseUser"]

#: Global privileges the Debezium MySQL connector needs (granted ON *.*; MySQL has no narrower scope for them).
MYSQL_CDC_GLOBAL_PRIVILEGES: tuple[str, ...] = ("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "REPLICATION CLIENT")
#: The same privileges as MariaDB (10.5.2+) names them. ``REPLICATION CLIENT`` is an alias there of ``BINLOG MONITOR``
#: (SHOW MASTER/BINLOG STATUS, SHOW BINARY LOGS), and ``SHOW GRANTS`` reports ``BINLOG MONITOR``. The mysql provider
#: (petoju/mysql 3.0.94, ``mysql/resource_grant.go``: ``setDataFromGrant``) reads the privileges back from ``SHOW
#: GRANTS`` without knowing aliases, so the alias would be a change on every plan. ``REPLICATION SLAVE`` (binlog
#: dump) is reported as written (``REPLICATION REPLICA`` is its alias). Checked on MariaDB 10.11 by the engine tests.
MARIADB_CDC_GLOBAL_PRIVILEGES: tuple[str, ...] = ("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "BINLOG MONITOR")
#: Longest user name per engine (MySQL 5.7+: 32; MariaDB: 80; Postgres: 63, NAMEDATALEN - 1).
_USER_NAME_LIMITS = {"mysql": 32, "mariadb": 80, "postgres": 63}


class CdcDatabaseUser(Construct):
    """A CDC login for Debezium on MySQL or Postgres (main resource id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        engine: ``mysql``, ``mariadb`` or ``postgres``.
        user_name: login name (MySQL at most 32 characters, MariaDB 80, Postgres 63; ``[A-Za-z0-9_]``).
        database: the database (MySQL) or database name (Postgres) holding the tables.
        tables: the captured tables (SELECT is granted on exactly these for Postgres; on the database for MySQL).
        schema: Postgres schema of the tables (default ``public``; ignored for MySQL).
        host: MySQL host pattern the user may connect from (default ``%``).
        mysql_provider: the ``mysql`` provider (default: the stack's default).
        postgresql_provider: the ``postgresql`` provider (default: the stack's default).
        random_provider: the ``random`` provider (default: the stack's default).
        password: a reference to the password to set (e.g. read from a secrets manager); default None:
            a ``random_password`` (child ``Password``) is generated.

    Attributes:
        resource: the ``mysql_user`` or ``postgresql_role``.
        password: the ``random_password``, or None when ``password`` was given; wire :attr:`password_ref`.
        grants: the grant resources, and every other database object the connector must wait for (a Postgres
            source appends its ``postgresql_publication``).
        publication: the Postgres publication a source created for this user's connector, or None.
    """

    def __init__(
        self, scope: Construct, id: str, *, engine: str, user_name: str, database: str, tables: Sequence[str],
        schema: str = "public", host: str = "%", mysql_provider: Any = None, postgresql_provider: Any = None,
        random_provider: Any = None, password: str | None = None,
    ) -> None:
        init_construct(super().__init__, scope, id)
        problems = LazyProblems(self)
        known = isinstance(engine, str) and engine in _USER_NAME_LIMITS
        problems.check(known, "engine", engine, "'mysql', 'mariadb' or 'postgres'")
        limit = _USER_NAME_LIMITS[engine] if known else 63
        problems.check(isinstance(user_name, str) and bool(re.fullmatch(rf"[A-Za-z0-9_]{{1,{limit}}}", user_name)),
                       "user_name", user_name,
                       f"1-{limit} characters from [A-Za-z0-9_]")
        Seq(Text(min_len=1, what="a table name"), min_items=1, what="a list of table names (not one string)").check(
            problems, "tables", tables)
        Text(min_len=1, what="a database name").check(problems, "database", database)
        Text(min_len=1, what="a schema name").check(problems, "schema", schema)
        Text(min_len=1, what="a MySQL host pattern such as %").check(problems, "host", host)
        from .aws._common import check_provider

        for field, provider in (("mysql_provider", mysql_provider), ("postgresql_provider", postgresql_provider),
                                ("random_provider", random_provider)):
            check_provider(problems, field, provider)
        problems.check(password is None or (isinstance(password, str) and "${" in password), "password",
                       "<redacted>", "a reference (never a literal password), or None for a random_password")
        problems.raise_if_any(ConstructPropsError, "invalid CDC user props at {path}")
        self.engine = engine
        self.user_name = user_name
        self.password: Password | None = None
        if password is None:
            self.password = Password(self, "Password", length=32, special=False, provider=random_provider)
            password = self.password.result
        self._password_ref: str = password
        self.grants: list[Any] = []
        self.publication: Any = None
        if engine in ("mysql", "mariadb"):
            global_privileges = MARIADB_CDC_GLOBAL_PRIVILEGES if engine == "mariadb" else MYSQL_CDC_GLOBAL_PRIVILEGES
            user = MysqlUser(self, "Resource", user=user_name, host=host, plaintext_password=self._password_ref,
                             provider=mysql_provider)
            self.resource: Any = user
            self.grants.append(MysqlGrant(
                self, "GlobalGrant", user=user.user, host=user.host, database="*", table="*",
                privileges=list(global_privileges), provider=mysql_provider,
            ))
            self.grants.append(MysqlGrant(
                self, "SelectGrant", user=user.user, host=user.host, database=database, table="*",
                privileges=["SELECT"], provider=mysql_provider,
            ))
            self.user_ref: str = user.user
        else:
            role = PostgresqlRole(self, "Resource", name=user_name, login=True, replication=True,
                                  password=self._password_ref, provider=postgresql_provider)
            self.resource = role
            self.grants.append(PostgresqlGrant(
                self, "SchemaUsage", database=database, role=role.name, schema=schema, object_type="schema",
                privileges=["USAGE"], provider=postgresql_provider,
            ))
            self.grants.append(PostgresqlGrant(
                self, "SelectGrant", database=database, role=role.name, schema=schema, object_type="table",
                objects=list(tables), privileges=["SELECT"], provider=postgresql_provider,
            ))
            self.user_ref = role.name

    @property
    def password_ref(self) -> str:
        """Reference to the password (``${random_password.x.result}`` or the one given), for ``config_sensitive``."""
        return self._password_ref
