"""The example AWS channel: MySQL ``shop`` → Debezium on MSK Connect → MSK → S3 + Glue + Athena.

Synthesize with ``cdktf synth`` (or ``python3 main.py``); deploy to a local moto endpoint with
``channelkit deploy --local examples/aws``, or with ``cdktf deploy --auto-approve --skip-provider-lock``
and the switches below (see docs/aws.md, "cdktf deploy"). Environment switches (all optional):

- ``CHANNELKIT_AWS_ENDPOINT``: a local AWS endpoint (moto) for every service, with fake credentials;
- ``CHANNELKIT_AWS_EMULATOR=1``: leave out what moto cannot apply or delete (MSK Connect with its log
  groups and roles, Athena named queries, Lake Formation column grants), see
  ``channelkit.warehouses.EMULATOR_OMITTED_TYPES``;
- ``CHANNELKIT_PROTECT=0``: no ``prevent_destroy`` on the bucket, the key and the Glue tables;
- ``CHANNELKIT_STATE_BUCKET`` + ``CHANNELKIT_STATE_TABLE``: S3 backend with DynamoDB locking
  (create them with ``channelkit bootstrap-state``).
"""

from __future__ import annotations

import os
from datetime import timedelta

from channelkit import cdk
from channelkit.constructs.aws import LocalAwsEndpoint, aws_provider, s3_backend
from channelkit.constructs.aws.cloudtrail import AwsAuditBaseline
from channelkit.patterns import Channel, Column, Table, Team
from channelkit.platforms import MskCluster, MskConnect
from channelkit.quality import AcceptedValues, Freshness, Matches, NotNull, Range, Unique
from channelkit.sources import MySqlSource
from channelkit.warehouses import AwsLake

REGION = "us-east-1"
BROKERS = "b-1.platform.abc123.c2.kafka.us-east-1.amazonaws.com:9098"
CLUSTER_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() not in ("0", "false", "no", "off", "")


def build(app: cdk.App) -> cdk.TerraformStack:
    """The example stack ``orders-aws``."""
    endpoint = os.environ.get("CHANNELKIT_AWS_ENDPOINT")
    local = LocalAwsEndpoint(url=endpoint) if endpoint else None
    stack = cdk.TerraformStack(app, "orders-aws")
    aws_provider(stack, region=REGION, local=local, default_tags={"managed-by": "channelkit"})
    state_bucket, state_table = os.environ.get("CHANNELKIT_STATE_BUCKET"), os.environ.get("CHANNELKIT_STATE_TABLE")
    if state_bucket and state_table:
        s3_backend(stack, bucket=state_bucket, key="channels/orders-aws.tfstate", region=REGION,
                   lock_table=state_table, local=local)
    else:
        cdk.LocalBackend(stack, path="terraform.tfstate")  # next to the synthesized stack
    # Once per account and region: the trail of the channels' S3 data events, and Macie.
    audit = AwsAuditBaseline(stack, "Audit", log_bucket_name="acme-audit-trail-example",
                             protect=_flag("CHANNELKIT_PROTECT", True))
    channel = Channel(
        stack,
        "orders",
        source=MySqlSource(
            host="shop-db.internal", database="shop", manage_user=False, user="cdc_orders",
        ),
        tables=[
            Table("customers", primary_key=["id"], columns=[
                Column(name="id", type="int64", description="customer id"),
                Column(name="email", type="string", description="e-mail address", classification="confidential",
                       pii=True, checks=[NotNull(), Unique(), Matches(r"[^@\s]+@[^@\s]+")]),
                Column(name="created_at", type="timestamp", description="when the customer signed up"),
            ], checks=[Freshness(max_age=timedelta(days=1))]),
            Table("orders", primary_key=["id"], columns=[
                Column(name="id", type="int64", description="order id"),
                Column(name="customer_id", type="int64", description="the buyer"),
                Column(name="amount", type="numeric", description="total amount", checks=[Range(min=0)]),
                Column(name="status", type="string", description="order status", classification="public",
                       checks=[AcceptedValues("new", "paid", "shipped", "cancelled")]),
            ]),
        ],
        kafka=MskCluster(arn=CLUSTER_ARN, bootstrap_brokers=BROKERS),
        connect=MskConnect(
            subnets=("subnet-0a1b2c3d4e5f60718",), security_groups=("sg-0a1b2c3d4e5f60718",),
            plugin_bucket="acme-connect-plugins", source_plugin_key="debezium-mysql-2.7.zip",
            sink_plugin_key="confluent-s3-sink-10.5.zip",
        ),
        warehouse=AwsLake(
            region=REGION, bucket_name="acme-orders-cdc-example",
            protect=_flag("CHANNELKIT_PROTECT", True),
            local_emulator=_flag("CHANNELKIT_AWS_EMULATOR", False),
        ),
        owner=Team(name="payments", email="payments@example.com"),
        readers=["arn:aws:iam::123456789012:role/analyst"],
        retention=timedelta(days=7),
    )
    audit.watch_channel(channel)
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
