"""``channelkit bootstrap-state``: the S3 bucket and DynamoDB lock table of Terraform's S3 backend.

Creates, with boto3, a versioned, encrypted, private bucket and a ``LockID`` table (on-demand). It is
idempotent: each part is checked first, and a second run changes nothing and says so.

With ``endpoint_url`` (a local emulator such as moto_server) and no AWS credentials configured, it
signs with the emulator's fake keys (``testing``), as ``LocalAwsEndpoint`` does for Terraform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .constructs.aws.rules import check_bucket_name, check_region
from .errors import ChannelkitError, ProblemCollector, ValidationError

__all__ = ["BootstrapReport", "StateBootstrapError", "bootstrap_state"]

_TABLE_ALLOWED = "3-255 characters of letters, digits, '_', '-' and '.' (a DynamoDB table name)"


class StateBootstrapError(ChannelkitError):
    """AWS refused to create or configure the state bucket or lock table."""


@dataclass
class BootstrapReport:
    """What ``bootstrap_state`` changed (``changes``) and found already in place (``unchanged``)."""

    bucket: str
    table: str
    changes: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was created or reconfigured."""
        return bool(self.changes)

    def lines(self) -> list[str]:
        """Human-readable lines, ending with a one-line verdict."""
        out = [f"created/updated: {c}" for c in self.changes] + [f"already in place: {u}" for u in self.unchanged]
        out.append("state backend ready" + ("" if self.changed else ": nothing changed"))
        return out


_FAKE_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # a local emulator's


def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    import boto3

    keys: dict[str, str] = {}
    if endpoint_url and boto3.Session().get_credentials() is None:
        keys = _FAKE_KEYS
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url, **keys)


def bootstrap_state(bucket: str, table: str, *, region: str, endpoint_url: str | None = None) -> BootstrapReport:
    """Create (or confirm) the state bucket and the lock table; see the module docs."""
    import re

    problems = ProblemCollector("bootstrap-state")
    check_bucket_name(problems, "bucket", bucket)
    problems.check(isinstance(table, str) and bool(re.fullmatch(r"[A-Za-z0-9_.-]{3,255}", table)), "table", table,
                   _TABLE_ALLOWED)
    check_region(problems, "region", region)
    problems.check(endpoint_url is None or _is_endpoint(endpoint_url), "endpoint_url", endpoint_url,
                   "None or an http(s)://HOST[:PORT] URL, e.g. http://127.0.0.1:5000")
    problems.raise_if_any(ValidationError, "invalid state backend")
    from botocore.exceptions import BotoCoreError, ClientError

    report = BootstrapReport(bucket, table)
    try:
        _bucket(_client("s3", region, endpoint_url), bucket, region, report)
        _table(_client("dynamodb", region, endpoint_url), table, report)
    except (BotoCoreError, ClientError) as exc:
        raise StateBootstrapError(f"bootstrap-state failed: {exc}") from exc
    return report


def _is_endpoint(url: str) -> bool:
    """Whether ``url`` is an http(s) URL with a host (what botocore accepts as ``endpoint_url``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _bucket(s3: Any, bucket: str, region: str, report: BootstrapReport) -> None:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
        report.unchanged.append(f"bucket {bucket}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        report.changes.append(f"bucket {bucket}")
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled":
        report.unchanged.append("bucket versioning")
    else:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        report.changes.append("bucket versioning")
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError:
        rules = []
    if rules:
        report.unchanged.append("bucket encryption")
    else:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
        report.changes.append("bucket encryption")
    wanted = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
              "RestrictPublicBuckets": True}
    try:
        current = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError:
        current = {}
    if all(current.get(k) for k in wanted):
        report.unchanged.append("public access block")
    else:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=wanted)
        report.changes.append("public access block")


def _table(dynamodb: Any, table: str, report: BootstrapReport) -> None:
    try:
        desc = dynamodb.describe_table(TableName=table)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        dynamodb.create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            SSESpecification={"Enabled": True},
        )
        dynamodb.get_waiter("table_exists").wait(TableName=table)
        report.changes.append(f"lock table {table}")
        return
    keys = {k["AttributeName"]: k["KeyType"] for k in desc.get("KeySchema", [])}
    if keys != {"LockID": "HASH"}:
        raise StateBootstrapError(f"table {table} exists but its key is {keys}, not LockID (HASH)")
    report.unchanged.append(f"lock table {table}")
