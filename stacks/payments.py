"""The payments team: a MySQL service database with six captured tables, some with PII."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from constructs import Construct

from channelkit import cdk
from channelkit.patterns import Channel, Column, MySqlSource, Reader, Table, Team
from channelkit.quality import AcceptedValues, Freshness, Matches, NotNull, Range, RowCondition, Unique

from .platform import CONNECT, KAFKA, WAREHOUSE

__all__ = ["PaymentsStack"]

TEAM = Team(name="payments", email="payments-data@acme.example")

TABLES = [
    Table("customers", primary_key=["id"], description="Paying customers.", columns=[
        Column(name="id", type="int64"),
        Column(name="email", type="string", description="Contact email", classification="confidential", pii=True,
               checks=[NotNull(), Unique(), Matches(r"[^@\s]+@[^@\s]+")]),
        Column(name="full_name", type="string", classification="confidential", pii=True),
        Column(name="country", type="string", classification="public", checks=[Matches("[A-Z]{2}")]),
        Column(name="created_at", type="timestamp"),
    ], checks=[Freshness(max_age=timedelta(days=1))]),
    Table("accounts", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="customer_id", type="int64"),
        Column(name="iban", type="string", description="Bank account", classification="restricted", pii=True),
        Column(name="currency", type="string", classification="public"),
        Column(name="opened_on", type="date", checks=[Range(min=date(2000, 1, 1))]),
    ]),
    Table("payments", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="account_id", type="int64"),
        Column(name="amount", type="numeric", checks=[NotNull()]),
        Column(name="currency", type="string", classification="public"),
        Column(name="status", type="string", checks=[AcceptedValues("pending", "settled", "failed")]),
        Column(name="created_at", type="timestamp"),
    ], checks=[RowCondition("amount > 0 OR status = 'failed'", name="positive-amount"),
               Freshness(max_age=timedelta(hours=6), column="created_at")]),
    Table("refunds", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="payment_id", type="int64"),
        Column(name="amount", type="numeric"),
        Column(name="reason", type="string"),
        Column(name="created_at", type="timestamp"),
    ]),
    Table("ledger_entries", primary_key=["account_id", "entry_no"], columns=[
        Column(name="account_id", type="int64"),
        Column(name="entry_no", type="int64"),
        Column(name="amount", type="numeric"),
        Column(name="booked_at", type="timestamp"),
        Column(name="metadata", type="json"),
    ]),
    Table("fx_rates", primary_key=["currency", "day"], columns=[
        Column(name="currency", type="string", classification="public"),
        Column(name="day", type="date", classification="public"),
        Column(name="rate", type="float64", classification="public", checks=[Range(min=0)]),
    ]),
]


class PaymentsStack(cdk.TerraformStack):
    """The payments service's CDC channel."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.channel = Channel(
            self, "payments",
            source=MySqlSource(host="payments-db.internal", database="payments"),
            tables=TABLES,
            kafka=KAFKA,
            connect=CONNECT,
            warehouse=WAREHOUSE,
            owner=TEAM,
            readers=[
                Reader(gcp="group:finance-analysts@acme.example"),  # clearance internal: PII masked
                Reader(kafka="User:finance-analytics", clearance="restricted"),  # topics carry every column
                Reader(gcp="user:auditor@acme.example", expires=datetime(2030, 6, 30, tzinfo=UTC)),
            ],
            retention=timedelta(days=14),
        )
