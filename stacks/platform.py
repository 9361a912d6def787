"""Shared platform props (the Kafka and Connect clusters, the warehouse project, the org's data policy) and
the platform stack.

The platform stack holds what exists once per project, never per channel: the BigQuery Data Access audit
logs (``GcpAuditBaseline``; the audit config is authoritative per service, so one stack owns it).
"""

from __future__ import annotations

from datetime import timedelta

from constructs import Construct

from channelkit import cdk
from channelkit.constructs.audit import GcpAuditBaseline
from channelkit.governance import DataPolicy, RetentionLimit
from channelkit.patterns import BigQuery, ClientCredentials, ConnectCluster, KafkaCluster
from channelkit.providers.google import GoogleProvider

__all__ = ["CONNECT", "KAFKA", "POLICY", "WAREHOUSE", "PlatformStack"]

#: Every channel of the org is checked against it (``build_app`` applies it to the app).
POLICY = DataPolicy(
    name="acme data policy",
    bigquery_locations={"confidential": ["EU"], "restricted": ["EU"]},
    aws_regions={"confidential": ["eu-west-1", "eu-central-1"], "restricted": ["eu-west-1"]},
    kafka_retention={"confidential": RetentionLimit(maximum=timedelta(days=30)),
                     "restricted": RetentionLimit(maximum=timedelta(days=14))},
    org_domains=["acme.example"],
)

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
#: The security team's key encrypts the warehouse (the policy requires a customer key for confidential data);
#: they grant the project's BigQuery service agent ``roles/cloudkms.cryptoKeyEncrypterDecrypter`` on it.
WAREHOUSE = BigQuery(project="acme-warehouse", location="EU",
                     kms_key_name="projects/acme-security/locations/eu/keyRings/warehouse/cryptoKeys/cdc")


class PlatformStack(cdk.TerraformStack):
    """Once per project: the warehouse project's BigQuery Data Access audit logs."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        GoogleProvider(self, "google", project=WAREHOUSE.project)
        self.audit = GcpAuditBaseline(self, "Audit", project=WAREHOUSE.project)
