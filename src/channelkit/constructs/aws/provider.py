"""The AWS provider and the S3 state backend, for real AWS or a local endpoint (moto)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from ..._cdk import cdk
from ..._text import literal_map
from ...providers.aws import AwsProvider
from ...providers.aws.provider import AwsProviderDefaultTags, AwsProviderEndpoints
from ._common import Checks, check_tags
from .rules import check_bucket_name, check_dynamodb_table_name, check_region

__all__ = ["LOCAL_SERVICES", "LocalAwsEndpoint", "aws_provider", "s3_backend"]

#: Services whose endpoint a local emulator replaces (everything channelkit's AWS target uses).
LOCAL_SERVICES = (
    "athena", "cloudtrail", "cloudwatchlogs", "dynamodb", "glue", "iam", "kafka", "kafkaconnect", "kms",
    "lakeformation", "macie2", "s3", "scheduler", "secretsmanager", "sts",
)


@dataclass(frozen=True, kw_only=True)
class LocalAwsEndpoint:
    """A local AWS emulator (moto_server) and the fake credentials it accepts.

    Attributes:
        url: e.g. ``http://127.0.0.1:5000``.
        access_key: any value; moto does not check it (default ``testing``).
        secret_key: any value; moto does not check it (default ``testing``).
    """

    url: str
    access_key: str = "testing"
    secret_key: str = "testing"  # a fake key: moto accepts any


#: Where a stack keeps the settings of its default AWS provider (``aws_provider(stack, ...)``), as declared.
DECLARED = "_channelkit_aws_provider"


def aws_provider(
    scope: Construct,
    id: str = "aws",
    *,
    region: str,
    local: LocalAwsEndpoint | None = None,
    default_tags: Mapping[str, str] | None = None,
) -> AwsProvider:
    """The ``hashicorp/aws`` provider for ``region``; with ``local``, every service points at the emulator.

    Args:
        scope: where the provider goes (usually the stack).
        id: construct id of the provider (default ``aws``).
        region: the AWS region code, e.g. ``us-east-1``.
        local: a local emulator (default None: real AWS with the usual credential chain).
        default_tags: tags every taggable resource gets (default none).

    Raises:
        ConstructPropsError: region, local or default tags malformed; the summary names the provider's
            path.
    """
    checks = Checks(path=f"{scope.node.path}/{id}")
    check_region(checks.props, "region", region)
    checks.props.check(local is None or isinstance(local, LocalAwsEndpoint), "local", local,
                       "None or a LocalAwsEndpoint")
    check_tags(checks.props, default_tags, "default_tags")
    checks.raise_if_any("invalid AWS provider at {path}")
    tags = [AwsProviderDefaultTags(tags=literal_map(default_tags))] if default_tags else None
    if id == "aws":  # the stack's default provider, as declared (a channel's contract carries it)
        scope.__dict__[DECLARED] = {"region": region, **({"default_tags": dict(default_tags)} if default_tags else {})}
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
    """An S3 backend (encrypted state) with DynamoDB locking; with ``local``, against the emulator.

    Args:
        stack: the stack whose state the backend holds.
        bucket: the state bucket name.
        key: the state object key (no leading ``/``).
        region: the bucket's region code.
        lock_table: the DynamoDB lock table name.
        local: a local emulator (default None: real AWS).

    Raises:
        InvalidNameError: the bucket or lock table name is malformed.
        ConstructPropsError: region, key or local malformed (with a bad name too: one error deriving from
            both classes). The summary names ``<stack path>/backend``.
    """
    checks = Checks(path=f"{stack.node.path}/backend")
    check_bucket_name(checks.names, "bucket", bucket)
    check_dynamodb_table_name(checks.names, "lock_table", lock_table)
    check_region(checks.props, "region", region)
    checks.props.check(isinstance(key, str) and bool(key) and not key.startswith("/"), "key", key,
                       "a state object key (no leading '/')")
    checks.props.check(local is None or isinstance(local, LocalAwsEndpoint), "local", local,
                       "None or a LocalAwsEndpoint")
    checks.raise_if_any("invalid S3 backend at {path}")
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
