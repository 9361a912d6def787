"""MSK Connect: custom plugins, worker configurations and connectors (IAM auth, TLS)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import (
    CloudwatchLogGroup,
    MskconnectConnector,
    MskconnectCustomPlugin,
    MskconnectWorkerConfiguration,
)
from ...providers.aws.mskconnect_connector import (
    MskconnectConnectorCapacity,
    MskconnectConnectorCapacityAutoscaling,
    MskconnectConnectorCapacityAutoscalingScaleInPolicy,
    MskconnectConnectorCapacityAutoscalingScaleOutPolicy,
    MskconnectConnectorKafkaCluster,
    MskconnectConnectorKafkaClusterApacheKafkaCluster,
    MskconnectConnectorKafkaClusterApacheKafkaClusterVpc,
    MskconnectConnectorKafkaClusterClientAuthentication,
    MskconnectConnectorKafkaClusterEncryptionInTransit,
    MskconnectConnectorLogDelivery,
    MskconnectConnectorLogDeliveryWorkerLogDelivery,
    MskconnectConnectorLogDeliveryWorkerLogDeliveryCloudwatchLogs,
    MskconnectConnectorPlugin,
    MskconnectConnectorPluginCustomPlugin,
    MskconnectConnectorWorkerConfiguration,
)
from ...providers.aws.mskconnect_custom_plugin import MskconnectCustomPluginLocation, MskconnectCustomPluginLocationS3
from .rules import parse_arn

__all__ = [
    "Connector",
    "ConnectorProps",
    "CustomPlugin",
    "CustomPluginProps",
    "WorkerConfiguration",
    "WorkerConfigurationProps",
]

_NAME = re.compile(r"^[A-Za-z0-9-]{1,128}$")
_NAME_ALLOWED = "1-128 letters, digits and '-'"


@dataclass(frozen=True, kw_only=True)
class CustomPluginProps:
    """Props of :class:`CustomPlugin`: a ZIP or JAR already uploaded to S3 (``bucket_arn`` + ``file_key``)."""

    name: str
    bucket_arn: str
    file_key: str
    content_type: str = "ZIP"
    description: str = ""


class CustomPlugin(Construct):
    """An MSK Connect custom plugin from an S3 object."""

    def __init__(self, scope: Construct, id: str, props: CustomPluginProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_NAME.match(props.name)), "name", props.name, _NAME_ALLOWED)
        arn = parse_arn(props.bucket_arn)
        problems.check(arn is not None and arn.service == "s3" and "/" not in arn.resource, "bucket_arn",
                       props.bucket_arn, "an S3 bucket ARN: arn:aws:s3:::BUCKET")
        problems.check(bool(props.file_key) and not props.file_key.startswith("/"), "file_key", props.file_key,
                       "an S3 object key (no leading '/')")
        problems.check(props.content_type in ("ZIP", "JAR"), "content_type", props.content_type, "ZIP or JAR")
        problems.raise_if_any(ValidationError, "invalid MSK Connect custom plugin")
        self.props = props
        self.resource = MskconnectCustomPlugin(
            self, "Resource", name=props.name, content_type=props.content_type,
            description=props.description or None,
            location=MskconnectCustomPluginLocation(
                s3=MskconnectCustomPluginLocationS3(bucket_arn=props.bucket_arn, file_key=props.file_key)
            ),
        )


@dataclass(frozen=True, kw_only=True)
class WorkerConfigurationProps:
    """Props of :class:`WorkerConfiguration`: ``name`` and worker ``properties``."""

    name: str
    properties: Mapping[str, str]
    description: str = ""


class WorkerConfiguration(Construct):
    """An MSK Connect worker configuration (a Java properties file)."""

    def __init__(self, scope: Construct, id: str, props: WorkerConfigurationProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_NAME.match(props.name)), "name", props.name, _NAME_ALLOWED)
        problems.check(bool(props.properties), "properties", dict(props.properties), "at least one property")
        problems.raise_if_any(ValidationError, "invalid MSK Connect worker configuration")
        self.props = props
        content = "".join(f"{k}={v}\n" for k, v in sorted(props.properties.items()))
        self.resource = MskconnectWorkerConfiguration(
            self, "Resource", name=props.name, properties_file_content=content,
            description=props.description or None,
        )


@dataclass(frozen=True, kw_only=True)
class ConnectorProps:
    """Props of :class:`Connector`.

    Attributes:
        name: the connector name.
        config: the connector configuration (no secrets: reference them through a config provider).
        plugin: the custom plugin holding the connector class.
        worker_configuration: the worker configuration.
        execution_role_arn: the role the connector assumes (its own; holding only what it needs).
        bootstrap_servers: the cluster's IAM bootstrap brokers (port 9098).
        subnets: subnet ids the workers run in.
        security_groups: security group ids of the workers.
        kafkaconnect_version: the Apache Kafka Connect version.
        mcu_count: MSK Connect units per worker (1, 2, 4 or 8).
        min_workers, max_workers: autoscaling bounds.
        log_retention_days: CloudWatch retention of worker logs.
    """

    name: str
    config: Mapping[str, str]
    plugin: CustomPlugin
    worker_configuration: WorkerConfiguration
    execution_role_arn: str
    bootstrap_servers: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    kafkaconnect_version: str = "3.7.x"
    mcu_count: int = 1
    min_workers: int = 1
    max_workers: int = 2
    log_retention_days: int = 14
    tags: Mapping[str, str] = field(default_factory=dict)


class Connector(Construct):
    """An MSK Connect connector with IAM authentication, TLS in transit and CloudWatch worker logs."""

    def __init__(self, scope: Construct, id: str, props: ConnectorProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_NAME.match(props.name)), "name", props.name, _NAME_ALLOWED)
        problems.check(bool(props.subnets), "subnets", props.subnets, "at least one subnet id")
        problems.check(bool(props.security_groups), "security_groups", props.security_groups,
                       "at least one security group id")
        problems.check(props.mcu_count in (1, 2, 4, 8), "mcu_count", props.mcu_count, "1, 2, 4 or 8")
        problems.check(1 <= props.min_workers <= props.max_workers <= 10, "max_workers", props.max_workers,
                       "1 <= min_workers <= max_workers <= 10")
        problems.raise_if_any(ValidationError, "invalid MSK Connect connector")
        self.props = props
        self.log_group = CloudwatchLogGroup(
            self, "Logs", name=f"/channelkit/msk-connect/{props.name}", retention_in_days=props.log_retention_days,
        )
        self.resource = MskconnectConnector(
            self,
            "Resource",
            name=props.name,
            kafkaconnect_version=props.kafkaconnect_version,
            connector_configuration=dict(props.config),
            service_execution_role_arn=props.execution_role_arn,
            capacity=MskconnectConnectorCapacity(
                autoscaling=MskconnectConnectorCapacityAutoscaling(
                    mcu_count=props.mcu_count, min_worker_count=props.min_workers, max_worker_count=props.max_workers,
                    scale_in_policy=MskconnectConnectorCapacityAutoscalingScaleInPolicy(cpu_utilization_percentage=20),
                    scale_out_policy=MskconnectConnectorCapacityAutoscalingScaleOutPolicy(
                        cpu_utilization_percentage=80
                    ),
                )
            ),
            kafka_cluster=MskconnectConnectorKafkaCluster(
                apache_kafka_cluster=MskconnectConnectorKafkaClusterApacheKafkaCluster(
                    bootstrap_servers=props.bootstrap_servers,
                    vpc=MskconnectConnectorKafkaClusterApacheKafkaClusterVpc(
                        subnets=list(props.subnets), security_groups=list(props.security_groups)
                    ),
                )
            ),
            kafka_cluster_client_authentication=MskconnectConnectorKafkaClusterClientAuthentication(
                authentication_type="IAM"
            ),
            kafka_cluster_encryption_in_transit=MskconnectConnectorKafkaClusterEncryptionInTransit(
                encryption_type="TLS"
            ),
            plugin=[
                MskconnectConnectorPlugin(
                    custom_plugin=MskconnectConnectorPluginCustomPlugin(
                        arn=props.plugin.resource.arn, revision=props.plugin.resource.latest_revision
                    )
                )
            ],
            worker_configuration=MskconnectConnectorWorkerConfiguration(
                arn=props.worker_configuration.resource.arn,
                revision=props.worker_configuration.resource.latest_revision,
            ),
            log_delivery=MskconnectConnectorLogDelivery(
                worker_log_delivery=MskconnectConnectorLogDeliveryWorkerLogDelivery(
                    cloudwatch_logs=MskconnectConnectorLogDeliveryWorkerLogDeliveryCloudwatchLogs(
                        enabled=True, log_group=self.log_group.name
                    )
                )
            ),
            tags=dict(props.tags) or None,
        )

    @property
    def arn(self) -> str:
        """The connector ARN (a token)."""
        return self.resource.arn
