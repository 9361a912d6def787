"""The Postgres source family: logical decoding (pgoutput) with Debezium's Postgres connector.

The database side is Terraform, applied by the postgresql provider's login (the table owner): the CDC role
(REPLICATION, USAGE on the schema, SELECT on the captured tables) and the channel's publication for exactly the
captured ``schema.table`` names. Debezium never creates the publication (``publication.autocreate.mode=disabled``),
so adding a table is a Terraform plan; it creates only its own replication slot.
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
    POSTGRES_POSITION_COLUMNS,
    POSTGRES_PUBLISHED_OPERATIONS,
    POSTGRES_SSL_MODES,
    postgres_connector_config,
    postgres_heartbeat_topic,
)
from channelkit.constructs.naming import derive_slot_name
from channelkit.errors import ProblemCollector
from channelkit.props import Maybe, OneOf, Rule, Text
from channelkit.providers.postgresql import PostgresqlProvider, Publication

from .base import COMMON_PROPS, Source, SourceNames, default_user_name

__all__ = ["POSTGRES_IDENTIFIER", "PostgresSource"]

#: A Postgres identifier: at most NAMEDATALEN-1 = 63 bytes (longer ones are silently truncated, so the
#: names would not match; PostgreSQL 16 documentation, 4.1.1 "Identifiers and Key Words"), no NUL.
POSTGRES_IDENTIFIER = Text(min_len=1, max_bytes=63, what="a Postgres identifier")
#: Replication slot (and, here, publication) names: lower-case letters, digits and '_' (PostgreSQL 16
#: documentation, 47.2.3 "Replication Slots"), at most 63 bytes.
_PG_SLOT = Text(r"[a-z0-9_]+", min_len=1, max_len=63, what="lower-case letters, digits and '_'")


@dataclass(frozen=True, kw_only=True)
class PostgresSource(Source):
    """A Postgres service database captured through logical decoding (pgoutput).

    Args:
        host: Postgres host name.
        database: the database name.
        schema: the schema holding the tables (default ``public``); the ``<db>`` of topic names.
        port: Postgres port (default 5432).
        slot_name: replication slot (default: ``ck_<channel>``).
        publication_name: publication (default: the slot name).
        topic_prefix: Debezium ``topic.prefix`` (default: the channel name).
        manage_user: create the CDC role and its grants (default True).
        user: the CDC role name (default: ``cdc_<channel>``).
        password_ref: password reference when ``manage_user=False`` (``${...}``; default None). Not used
            where the platform keeps the password in its own generated secret (MSK Connect).
        admin_user: role the postgresql Terraform provider logs in as (default ``postgres``; its password
            comes from the ``PGPASSWORD`` environment variable).
        sslmode: libpq ``sslmode`` of both the provider and the connector (``database.sslmode``): one of
            ``disable``, ``allow``, ``prefer``, ``require`` (default), ``verify-ca``, ``verify-full``.
        snapshot_mode: Debezium ``snapshot.mode`` (default ``initial``).
    """

    host: str
    database: str
    schema: str = "public"
    port: int = 5432
    slot_name: str | None = None
    publication_name: str | None = None
    topic_prefix: str | None = None
    manage_user: bool = True
    user: str | None = None
    password_ref: str | None = None
    admin_user: str = "postgres"
    sslmode: str = "require"
    snapshot_mode: str = "initial"

    engine: ClassVar[str] = "postgres"
    position_columns: ClassVar[tuple[tuple[str, str], ...]] = POSTGRES_POSITION_COLUMNS
    user_name_limit: ClassVar[int] = 63
    identifier: ClassVar[Rule] = POSTGRES_IDENTIFIER
    topic_fields: ClassVar[tuple[str, ...]] = ("topic_prefix", "schema")
    PROPS: ClassVar[Mapping[str, Rule]] = {
        **COMMON_PROPS,
        "database": POSTGRES_IDENTIFIER,
        "schema": POSTGRES_IDENTIFIER,
        "slot_name": Maybe(_PG_SLOT),
        "publication_name": Maybe(_PG_SLOT),
        "user": Maybe(Text(r"[A-Za-z0-9_]+", min_len=1, max_len=63, what="a Postgres role name")),
        "admin_user": POSTGRES_IDENTIFIER,
        "sslmode": OneOf(POSTGRES_SSL_MODES),
    }

    @property
    def namespace(self) -> str:
        """The middle part of topic names (the schema)."""
        return self.schema

    def _check(self, problems: ProblemCollector, field: str) -> None:
        """No rules beyond :attr:`PROPS`."""

    def names(self, channel_name: str) -> SourceNames:
        """The CDC role, slot and publication of ``channel_name``."""
        slot = self.slot_name or derive_slot_name(channel_name)
        return SourceNames(
            db_user=self.user or default_user_name(channel_name, self.user_name_limit),
            slot_name=slot, publication_name=self.publication_name or slot,
        )

    def connector_config(
        self, *, name: str, user: str, topic_prefix: str, tables: Sequence[str], names: SourceNames,
        bootstrap_servers: str, history_topic: str | None, delete_handling: str,
    ) -> dict[str, str]:
        """The Debezium Postgres connector config (:func:`channelkit.constructs.debezium.postgres_connector_config`)."""
        assert names.slot_name is not None and names.publication_name is not None
        return postgres_connector_config(
            name=name, hostname=self.host, port=self.port, user=user, database=self.database, schema=self.schema,
            tables=tables, topic_prefix=topic_prefix, slot_name=names.slot_name,
            publication_name=names.publication_name, snapshot_mode=self.snapshot_mode, delete_handling=delete_handling,
            sslmode=self.sslmode, publication_managed=self.manage_user,
        )

    def heartbeat_topic(self, topic_prefix: str) -> str:
        """``<prefix>.heartbeat.<prefix>``: where the connector's heartbeats go (under the ``<prefix>.`` ACLs)."""
        return postgres_heartbeat_topic(topic_prefix)

    def db_user(
        self, scope: Construct, *, stack: Construct, names: SourceNames, tables: Sequence[str],
        password: str | None, random_provider: Any,
    ) -> CdcDatabaseUser:
        """The CDC role (REPLICATION, USAGE on the schema, SELECT on the tables; id ``DbUser``) and the publication.

        The publication (``DbUser/Publication``, a ``postgresql_publication`` named ``names.publication_name``)
        lists exactly the captured ``schema.table`` names and publishes their row changes
        (:data:`~channelkit.constructs.debezium.POSTGRES_PUBLISHED_OPERATIONS`: no ``truncate``). It is created by
        the provider's login, who owns the tables (publishing a table requires owning it, which the CDC role must
        not); no ``owner`` is set. It is added to the user's
        :attr:`~channelkit.constructs.database.CdcDatabaseUser.grants`, which the connector depends on.
        """
        settings: dict[str, Any] = dict(host=self.host, port=self.port, database=self.database,
                                        username=self.admin_user, sslmode=self.sslmode)
        provider = stack_provider(stack, f"postgresql-{self.host}-{self.database}", lambda s, i, a: PostgresqlProvider(
            s, i, alias=a, **literal_settings(settings)), settings)
        user = CdcDatabaseUser(
            scope, "DbUser", engine="postgres", user_name=names.db_user, database=self.database,
            schema=self.schema, tables=tables, postgresql_provider=provider, random_provider=random_provider,
            password=password)
        assert names.publication_name is not None
        user.publication = Publication(
            user, "Publication", name=names.publication_name, database=self.database,
            tables=[f"{self.schema}.{t}" for t in tables], publish_param=list(POSTGRES_PUBLISHED_OPERATIONS),
            provider=provider)
        user.grants.append(user.publication)
        return user
