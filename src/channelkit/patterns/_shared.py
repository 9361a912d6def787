"""What both warehouse targets build the same way: per-stack providers and the CDC database user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.constructs._util import child_id, singleton
from channelkit.constructs.database import CdcDatabaseUser
from channelkit.providers.mysql import MysqlProvider
from channelkit.providers.postgresql import PostgresqlProvider

from .model import MySqlSource, PostgresSource

if TYPE_CHECKING:
    from .channel import Channel

__all__ = ["build_db_user", "stack_provider"]


def stack_provider(stack: Construct, key: str, factory: Any) -> Any:
    """One provider per (type, key) per stack; the first of a type is the default, later ones get an alias.

    ``key`` is ``<type>-<name>``; ``factory(stack, construct_id, alias)`` builds the provider.
    """
    kind, _, name = key.partition("-")

    def make(stack: Construct, cid: str) -> Any:
        counts: dict[str, int] = stack.__dict__.setdefault("_channelkit_provider_counts", {})
        count = counts.get(kind, 0)
        counts[kind] = count + 1
        return factory(stack, cid, None if count == 0 else child_id(name).replace("-", "_"))

    return singleton(stack, child_id("Provider", key), make, stack=stack)


def build_db_user(
    target: Construct, channel: Channel, *, random_provider: Any = None, password: str | None = None
) -> CdcDatabaseUser | None:
    """The channel's CDC database user (construct id ``DbUser``), or None when ``manage_user`` is off.

    The password is either a ``random_password`` (``random_provider``) or the reference given as
    ``password`` (the AWS target passes its Secrets Manager secret's value).
    """
    if not channel.manage_db_user:
        return None
    source = channel.source
    stack = cdk.TerraformStack.of(channel)
    tables = [t.name for t in channel.tables]
    if isinstance(source, MySqlSource):
        provider = stack_provider(stack, f"mysql-{source.host}", lambda s, i, a: MysqlProvider(
            s, i, endpoint=f"{source.host}:{source.port}", username=source.admin_user, alias=a))
        return CdcDatabaseUser(
            target, "DbUser", engine="mysql", user_name=channel.db_user_name, database=source.database,
            tables=tables, mysql_provider=provider, random_provider=random_provider, password=password)
    assert isinstance(source, PostgresSource)
    provider = stack_provider(stack, f"postgresql-{source.host}-{source.database}", lambda s, i, a:
                              PostgresqlProvider(s, i, host=source.host, port=source.port, database=source.database,
                                                 username=source.admin_user, sslmode=source.sslmode, alias=a))
    return CdcDatabaseUser(
        target, "DbUser", engine="postgres", user_name=channel.db_user_name, database=source.database,
        schema=source.schema, tables=tables, postgresql_provider=provider, random_provider=random_provider,
        password=password)
