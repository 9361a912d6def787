"""Shared platform props (the Kafka and Connect clusters, the warehouse project) and the platform stack.

The platform stack holds what exists once per project, never per channel: the BigQuery Data Access audit
logs (``GcpAuditBaseline``; the audit config is authoritative per service, so one stack owns it).
"""

from __future__ import annotations

from constructs import Construct

from channelkit import cdk
from channelkit.constructs.audit import GcpAuditBaseline
from channelkit.patterns import BigQuery, ClientCredentials, ConnectCluster, KafkaCluster
from channelkit.providers.google import GoogleProvider

__all__ = ["CONNECT", "KAFKA", "WAREHOUSE", "PlatformStack"]

KAFKA = KafkaCluster(
    name="main",
    bootstrap_servers=("kafka-0.data.internal:9093", "kafka-1.data.internal:9093", "kafka-2.data.internal:9093"),
    broker_count=3,
)
CONNECT = ConnectCluster(
    name="main",
    url="https://connect.data.internal:8083",
    principal="User:connect",
    # Each connector logs in as its own principal with its own TLS client certificate; the keystore
    # passwords stay on the workers, read by Kafka Connect's FileConfigProvider.
    source_principal="User:connect-source",
    sink_principal="User:connect-sink",
    source_credentials=ClientCredentials(settings={
        "ssl.keystore.location": "/etc/kafka-connect/tls/connect-source.p12",
        "ssl.keystore.password": "${file:/etc/kafka-connect/secrets.properties:source.keystore.password}",
    }),
    sink_credentials=ClientCredentials(settings={
        "ssl.keystore.location": "/etc/kafka-connect/tls/connect-sink.p12",
        "ssl.keystore.password": "${file:/etc/kafka-connect/secrets.properties:sink.keystore.password}",
    }),
)
WAREHOUSE = BigQuery(project="acme-warehouse", location="EU")


class PlatformStack(cdk.TerraformStack):
    """Once per project: the warehouse project's BigQuery Data Access audit logs."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        GoogleProvider(self, "google", project=WAREHOUSE.project)
        self.audit = GcpAuditBaseline(self, "Audit", project=WAREHOUSE.project)
