"""Shared platform props: the Kafka and Connect clusters and the warehouse project."""

from __future__ import annotations

from channelkit.patterns import BigQuery, ConnectCluster, KafkaCluster

__all__ = ["CONNECT", "KAFKA", "WAREHOUSE"]

KAFKA = KafkaCluster(
    name="main",
    bootstrap_servers=("kafka-0.data.internal:9093", "kafka-1.data.internal:9093", "kafka-2.data.internal:9093"),
    broker_count=3,
)
CONNECT = ConnectCluster(
    name="main",
    url="https://connect.data.internal:8083",
    principal="User:connect",
    source_principal="User:connect-source",
    sink_principal="User:connect-sink",
)
WAREHOUSE = BigQuery(project="acme-warehouse", location="EU")
