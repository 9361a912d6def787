"""Fixtures of the AWS target tests: a local moto_server, an offline Terraform setup, a stand-in Channel.

``moto_endpoint`` starts ``moto_server`` on a free loopback port for the test session and stops it
afterwards. ``tf_env`` is a Terraform CLI config whose ``filesystem_mirror`` points at the provider
mirror found by :func:`channelkit.terraform.find_mirror`, with one plugin cache for the session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from constructs import Construct

from channelkit.local import MotoServer
from channelkit.terraform import find_mirror, write_cli_config

ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"
BROKERS = "b-1.platform.abc.c2.kafka.us-east-1.amazonaws.com:9098"


@dataclass(frozen=True)
class FakeColumn:
    """Stand-in for channelkit.patterns.channel.Column."""

    name: str
    type: str
    description: str = ""
    classification: str = "internal"
    pii: bool = False


@dataclass(frozen=True)
class FakeTable:
    """Stand-in for channelkit.patterns.channel.Table."""

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[FakeColumn, ...]


@dataclass(frozen=True)
class FakeTeam:
    """Stand-in for channelkit.patterns.channel.Team."""

    name: str
    email: str


@dataclass(frozen=True)
class FakeMySql:
    """Stand-in for channelkit.patterns.channel.MySqlSource."""

    host: str = "db.internal"
    database: str = "shop"
    user: str = "cdc_orders"


class FakeChannel(Construct):
    """The Channel attributes the AWS target relies on (issue contract), without channel.py."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        warehouse: Any,
        kafka: Any,
        connect: Any,
        channel_name: str = "orders",
        tables: tuple[FakeTable, ...] = (),
        readers: tuple[str, ...] = (),
        retention_days: int = 7,
        owner: FakeTeam | None = None,
        source: FakeMySql | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.warehouse, self.kafka, self.connect = warehouse, kafka, connect
        self.channel_name, self.readers, self.retention_days = channel_name, readers, retention_days
        self.owner = owner or FakeTeam("payments", "payments@example.com")
        self.source = source or FakeMySql()
        self.tables = tables or (
            FakeTable("customers", ("id",), (
                FakeColumn("id", "int64", "customer id"),
                FakeColumn("email", "string", "e-mail address", "confidential", pii=True),
                FakeColumn("created_at", "timestamp", "creation time"),
            )),
            FakeTable("orders", ("id",), (
                FakeColumn("id", "int64", "order id"),
                FakeColumn("customer_id", "int64", "buyer"),
                FakeColumn("amount", "numeric", "total amount"),
            )),
        )
        self.topic_prefix = f"cdc.{self.channel_name}"
        self.retention_ms = self.retention_days * 86_400_000
        self.history_topic = f"{self.topic_prefix}.schema-history"
        self.dlq_topic = f"{self.topic_prefix}.dlq"
        self.sink_group = f"channelkit-{self.channel_name}-sink"
        self.table_topics = {t.name: self.topic_name(t) for t in self.tables}
        self.target = self.warehouse.create_target(self, "Target")
        for reader in self.readers:
            self.grant_read(reader)

    def topic_name(self, table: FakeTable) -> str:
        """Topic of one table."""
        return f"{self.topic_prefix}.{self.source.database}.{table.name}"

    def debezium_config(self, password_ref: str, **extra: str) -> dict[str, str]:
        """A Debezium MySQL config (minus the password value)."""
        return {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "database.hostname": self.source.host,
            "database.user": self.source.user,
            "database.password": password_ref,
            "topic.prefix": self.topic_prefix,
            "schema.history.internal.kafka.topic": self.history_topic,
            **extra,
        }

    def grant_read(self, principal: str, expires: Any = None) -> list[Any]:
        """Delegates to the target."""
        return self.target.grant_read(principal, expires=expires)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto_server on a free loopback port for the whole session; stopped afterwards."""
    server = MotoServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for terraform: offline CLI config (mirror found automatically), shared plugin cache."""
    mirror = find_mirror(required=False)
    if mirror is None:
        pytest.skip("no Terraform provider mirror on this machine")
    base = tmp_path_factory.mktemp("terraform")
    config = write_cli_config(mirror, base, plugin_cache=base / "plugin-cache")
    return {
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": os.environ.get("PATH", ""),
    }


__all__ = ["ARN", "BROKERS", "FakeChannel", "FakeColumn", "FakeMySql", "FakeTable", "FakeTeam",
           "moto_endpoint", "tf_env", "Path"]
