"""MSK Connect: custom plugins, worker configurations and connectors (IAM auth, TLS)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
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
from .._util import init_construct
from ._common import (
    ArnResource,
    Checks,
    check_construct,
    check_tags,
    check_text,
    is_int,
    is_str_map,
    is_strs,
    is_token,
)
from .iam import ServiceRole
from .rules import check_mskconnect_name, parse_arn

__all__ = ["LOG_RETENTION_DAYS", "Connector", "CustomPlugin", "WorkerConfiguration"]

#: The retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)


class CustomPlugin(ArnResource, Construct):
    """An MSK Connect custom plugin (``aws_mskconnect_custom_plugin``, id ``Resource``) from an S3 object.

    Args:
        scope: parent construct.
        id: construct id.
        name: the plugin name (1-128 letters, digits and ``-``).
        bucket_arn: ARN of the bucket holding the ZIP or JAR, ``arn:aws:s3:::BUCKET`` (a reference token
            is fine).
        file_key: the object key of the ZIP or JAR (no leading ``/``).
        content_type: ``ZIP`` or ``JAR`` (default ``ZIP``).
        description: shown in the console (default empty: none).

    Attributes:
        resource: the ``aws_mskconnect_custom_plugin``.

    Raises:
        InvalidNameError: the plugin name is malformed.
        ConstructPropsError: bucket ARN, file key, content type or description malformed (with a bad name
            too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        bucket_arn: str,
        file_key: str,
        content_type: str = "ZIP",
        description: str = "",
    ) -> None:
        """Check every prop (all problems in one error), then create the plugin."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_mskconnect_name(checks.names, "name", name)
        if not is_token(bucket_arn):
            arn = parse_arn(bucket_arn)
            checks.props.check(arn is not None and arn.service == "s3" and "/" not in arn.resource, "bucket_arn",
                               bucket_arn, "an S3 bucket ARN: arn:aws:s3:::BUCKET")
        checks.props.check(isinstance(file_key, str) and bool(file_key) and not file_key.startswith("/"),
                           "file_key", file_key, "an S3 object key (no leading '/')")
        checks.props.check(content_type in ("ZIP", "JAR"), "content_type", content_type, "ZIP or JAR")
        check_text(checks.props, "description", description, max_len=1024)
        checks.raise_if_any("invalid MSK Connect custom plugin at {path}")
        self.resource = MskconnectCustomPlugin(
            self, "Resource", name=name, content_type=content_type,
            description=literal_or_none(description),
            location=MskconnectCustomPluginLocation(
                s3=MskconnectCustomPluginLocationS3(bucket_arn=literal(bucket_arn), file_key=literal(file_key))
            ),
        )



class WorkerConfiguration(ArnResource, Construct):
    """An MSK Connect worker configuration (``aws_mskconnect_worker_configuration``, id ``Resource``).

    The properties become a Java properties file, one ``key=value`` line each, sorted by key.

    Args:
        scope: parent construct.
        id: construct id.
        name: the worker configuration name (1-128 letters, digits and ``-``).
        properties: the worker properties (at least one), e.g. converters and config providers.
        description: shown in the console (default empty: none).

    Attributes:
        resource: the ``aws_mskconnect_worker_configuration``.

    Raises:
        InvalidNameError: the name is malformed.
        ConstructPropsError: properties or description malformed (with a bad name too: one error deriving
            from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        properties: Mapping[str, str],
        description: str = "",
    ) -> None:
        """Check every prop (all problems in one error), then create the worker configuration."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_mskconnect_name(checks.names, "name", name)
        checks.props.check(is_str_map(properties) and bool(properties), "properties", properties,
                           "a non-empty mapping of property names to string values")
        check_text(checks.props, "description", description, max_len=1024)
        checks.raise_if_any("invalid MSK Connect worker configuration at {path}")
        content = "".join(f"{k}={v}\n" for k, v in sorted(properties.items()))
        self.resource = MskconnectWorkerConfiguration(
            self, "Resource", name=name, properties_file_content=literal(content),
            description=literal_or_none(description),
        )



class Connector(ArnResource, Construct):
    """An MSK Connect connector (``aws_mskconnect_connector``, id ``Resource``).

    The connector authenticates to the cluster with IAM, uses TLS in transit, autoscales between
    ``min_workers`` and ``max_workers`` (scale in below 20 % CPU, out above 80 %), runs the latest
    revision of ``plugin`` and ``worker_configuration`` as ``role``, and delivers worker logs to its own
    CloudWatch log group (``Logs``, named ``/channelkit/msk-connect/<name>``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the connector name (1-128 letters, digits and ``-``).
        config: the connector configuration (no secrets: reference them through a config provider, see
            :meth:`~channelkit.constructs.aws.GeneratedSecret.placeholder`).
        plugin: the custom plugin holding the connector class.
        worker_configuration: the worker configuration.
        role: the service execution role the connector assumes (its own, holding only what it needs).
        bootstrap_servers: the cluster's IAM bootstrap brokers (port 9098; a reference token is fine).
        subnets: subnet ids the workers run in (at least one).
        security_groups: security group ids of the workers (at least one).
        kafkaconnect_version: the Apache Kafka Connect version (default ``3.7.x``).
        mcu_count: MSK Connect units per worker: 1, 2, 4 or 8 (default 1).
        min_workers: autoscaling lower bound, 1-10 (default 1).
        max_workers: autoscaling upper bound, ``min_workers``-10 (default 2).
        log_retention_days: CloudWatch retention of worker logs, one of :data:`LOG_RETENTION_DAYS`
            (default 14).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_mskconnect_connector``.
        log_group: the ``aws_cloudwatch_log_group`` (child ``Logs``).
        connector_name: the name as given (a plain string).

    Raises:
        InvalidNameError: the connector name is malformed.
        ConstructPropsError: any other prop malformed or out of range (with a bad name too: one error
            deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: Mapping[str, str],
        plugin: CustomPlugin,
        worker_configuration: WorkerConfiguration,
        role: ServiceRole,
        bootstrap_servers: str,
        subnets: Sequence[str],
        security_groups: Sequence[str],
        kafkaconnect_version: str = "3.7.x",
        mcu_count: int = 1,
        min_workers: int = 1,
        max_workers: int = 2,
        log_retention_days: int = 14,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the log group and the connector."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        props = checks.props
        check_mskconnect_name(checks.names, "name", name)
        props.check(is_str_map(config) and bool(config), "config", config,
                    "a non-empty mapping of connector properties to string values")
        check_construct(props, "plugin", plugin, CustomPlugin)
        check_construct(props, "worker_configuration", worker_configuration, WorkerConfiguration)
        check_construct(props, "role", role, ServiceRole)
        check_text(props, "bootstrap_servers", bootstrap_servers, min_len=1, max_len=4096,
                   what="a comma-separated broker list")
        props.check(is_strs(subnets) and bool(subnets), "subnets", subnets, "a non-empty sequence of subnet ids")
        props.check(is_strs(security_groups) and bool(security_groups), "security_groups", security_groups,
                    "a non-empty sequence of security group ids")
        props.check(isinstance(kafkaconnect_version, str) and bool(kafkaconnect_version), "kafkaconnect_version",
                    kafkaconnect_version, "a Kafka Connect version such as 3.7.x")
        props.check(is_int(mcu_count) and mcu_count in (1, 2, 4, 8), "mcu_count", mcu_count, "1, 2, 4 or 8")
        min_ok = props.check(is_int(min_workers) and 1 <= min_workers <= 10, "min_workers", min_workers,
                             "an integer from 1 to 10")
        low = min_workers if min_ok else 1
        props.check(is_int(max_workers) and low <= max_workers <= 10, "max_workers", max_workers,
                    f"an integer from min_workers ({low}) to 10")
        props.check(is_int(log_retention_days) and log_retention_days in LOG_RETENTION_DAYS, "log_retention_days",
                    log_retention_days, "a CloudWatch retention: " + ", ".join(map(str, LOG_RETENTION_DAYS)))
        check_tags(props, tags)
        checks.raise_if_any("invalid MSK Connect connector at {path}")
        self.connector_name = name
        self.plugin = plugin
        self.worker_configuration = worker_configuration
        self.role = role
        self.log_group = CloudwatchLogGroup(
            self, "Logs", name=f"/channelkit/msk-connect/{name}", retention_in_days=log_retention_days,
        )
        self.resource = MskconnectConnector(
            self,
            "Resource",
            name=name,
            kafkaconnect_version=kafkaconnect_version,
            connector_configuration={literal(k): literal(v) for k, v in config.items()},
            service_execution_role_arn=role.arn,
            capacity=MskconnectConnectorCapacity(
                autoscaling=MskconnectConnectorCapacityAutoscaling(
                    mcu_count=mcu_count, min_worker_count=min_workers, max_worker_count=max_workers,
                    scale_in_policy=MskconnectConnectorCapacityAutoscalingScaleInPolicy(cpu_utilization_percentage=20),
                    scale_out_policy=MskconnectConnectorCapacityAutoscalingScaleOutPolicy(
                        cpu_utilization_percentage=80
                    ),
                )
            ),
            kafka_cluster=MskconnectConnectorKafkaCluster(
                apache_kafka_cluster=MskconnectConnectorKafkaClusterApacheKafkaCluster(
                    bootstrap_servers=literal(bootstrap_servers),
                    vpc=MskconnectConnectorKafkaClusterApacheKafkaClusterVpc(
                        subnets=list(subnets), security_groups=list(security_groups)
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
                        arn=plugin.resource.arn, revision=plugin.resource.latest_revision
                    )
                )
            ],
            worker_configuration=MskconnectConnectorWorkerConfiguration(
                arn=worker_configuration.resource.arn,
                revision=worker_configuration.resource.latest_revision,
            ),
            log_delivery=MskconnectConnectorLogDelivery(
                worker_log_delivery=MskconnectConnectorLogDeliveryWorkerLogDelivery(
                    cloudwatch_logs=MskconnectConnectorLogDeliveryWorkerLogDeliveryCloudwatchLogs(
                        enabled=True, log_group=self.log_group.name
                    )
                )
            ),
            tags=literal_map(tags),
        )

