"""The support team: a Postgres service database with three captured tables."""

from __future__ import annotations

from constructs import Construct

from channelkit import cdk
from channelkit.patterns import Channel, Column, PostgresSource, Reader, Table, Team
from channelkit.quality import AcceptedValues, NotNull

from .platform import CONNECT, KAFKA, WAREHOUSE

__all__ = ["SupportStack"]

TEAM = Team(name="support", email="support-eng@acme.example")

TABLES = [
    Table("tickets", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="customer_email", type="string", classification="confidential", pii=True),
        Column(name="subject", type="string"),
        Column(name="status", type="string", checks=[AcceptedValues("open", "pending", "closed")]),
        Column(name="opened_at", type="timestamp", checks=[NotNull()]),
    ]),
    Table("messages", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="ticket_id", type="int64", checks=[NotNull()]),
        Column(name="body", type="string", classification="confidential", pii=True),
        Column(name="sent_at", type="timestamp"),
    ]),
    Table("agents", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="name", type="string", classification="internal", pii=True),
        Column(name="team", type="string"),
        Column(name="active", type="bool"),
    ]),
]


class SupportStack(cdk.TerraformStack):
    """The support service's CDC channel."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.channel = Channel(
            self, "support",
            source=PostgresSource(host="support-db.internal", database="support"),
            tables=TABLES,
            kafka=KAFKA,
            connect=CONNECT,
            warehouse=WAREHOUSE,
            owner=TEAM,
            readers=["group:support-leads@acme.example",
                     Reader(kafka="User:support-analytics", clearance="confidential")],
        )
