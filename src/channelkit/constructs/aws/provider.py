"""The AWS provider and the S3 state backend, for real AWS or a local endpoint (moto)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from ..._cdk import cdk
from ...errors import ProblemCollector, ValidationError
from ...providers.aws import AwsProvider
from ...providers.aws.provider import AwsProviderDefaultTags, AwsProviderEndpoints
from .rules import check_bucket_name, check_region

__all__ = ["LOCAL_SERVICES", "LocalAwsEndpoint", "aws_provider", "s3_backend"]

#: Services whose endpoint a local emulator replaces (everything channelkit's AWS target uses).
LOCAL_SERVICES = (
    "athena", "cloudwatchlogs", "dynamodb", "glue", "iam", "kafka", "kafkaconnect", "kms", "lakeformation",
    "s3", "secretsmanager", "sts",
)


@dataclass(frozen=True, kw_only=True)
class LocalAwsEndpoint:
    """A local AWS emulator (moto_server) and the fake credentials it accepts.

    Attributes:
        url: e.g. ``http://127.0.0.1:5000``.
        access_key, secret_key: any value; moto does not check them.
    """

    url: str
    access_key: str = "testing"
    secret_key: str = "testing"  # noqa: S105 - a fake key for a local emulator


def aws_provider(
    scope: Construct,
    id: str = "aws",
    *,
    region: str,
    local: LocalAwsEndpoint | None = None,
    default_tags: Mapping[str, str] | None = None,
) -> AwsProvider:
    """The ``hashicorp/aws`` provider for ``region``; with ``local``, every service points at the emulator."""
    problems = ProblemCollector(f"{scope.node.path}/{id}")
    check_region(problems, "region", region)
    problems.raise_if_any(ValidationError, "invalid AWS provider")
    tags = [AwsProviderDefaultTags(tags=dict(default_tags))] if default_tags else None
    if local is None:
        return AwsProvider(scope, id, region=region, default_tags=tags)
    return AwsProvider(
        scope,
        id,
        region=region,
        access_key=local.access_key,
        secret_key=local.secret_key,
        skip_credentials_validation=True,
        skip_metadata_api_check="true",
        skip_region_validation=True,
        s3_use_path_style=True,
        endpoints=[AwsProviderEndpoints(**{s: local.url for s in LOCAL_SERVICES})],
        default_tags=tags,
    )


def s3_backend(
    stack: cdk.TerraformStack,
    *,
    bucket: str,
    key: str,
    region: str,
    lock_table: str,
    local: LocalAwsEndpoint | None = None,
) -> cdk.S3Backend:
    """An S3 backend (encrypted state) with DynamoDB locking; with ``local``, against the emulator."""
    problems = ProblemCollector(f"{stack.node.path}/backend")
    check_bucket_name(problems, "bucket", bucket)
    check_region(problems, "region", region)
    problems.check(bool(key) and not key.startswith("/"), "key", key, "a state object key (no leading '/')")
    problems.check(3 <= len(lock_table) <= 255, "lock_table", lock_table, "a DynamoDB table name of 3-255 characters")
    problems.raise_if_any(ValidationError, "invalid S3 backend")
    extra: dict[str, object] = {}
    if local is not None:
        extra = {
            "access_key": local.access_key,
            "secret_key": local.secret_key,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "use_path_style": True,
            "endpoints": {"s3": local.url, "dynamodb": local.url, "sts": local.url, "iam": local.url},
        }
    backend = cdk.S3Backend(stack, bucket=bucket, key=key, region=region, encrypt=True, dynamodb_table=lock_table)
    for name, value in extra.items():
        backend.add_override(name, value)
    return backend
