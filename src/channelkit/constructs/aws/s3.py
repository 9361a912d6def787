"""The channel's data bucket: SSE-KMS, versioned, private, expiring after the retention."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import (
    S3Bucket,
    S3BucketLifecycleConfiguration,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfiguration,
    S3BucketVersioning,
)
from ...providers.aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from ...providers.aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRule,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault,
)
from ...providers.aws.s3_bucket_versioning import S3BucketVersioningVersioningConfiguration
from ._common import lifecycle, protection_default
from .iam import Condition, Statement, policy_document
from .kms import ChannelKey
from .rules import check_bucket_name, check_retention_days

__all__ = ["DataBucket", "DataBucketProps"]


@dataclass(frozen=True, kw_only=True)
class DataBucketProps:
    """Props of :class:`DataBucket`.

    Attributes:
        bucket_name: the S3 bucket name (AWS naming rules are checked).
        key: the channel KMS key every object is encrypted with (SSE-KMS, bucket key on).
        expiration_days: objects expire this many days after creation (the channel's retention).
        protect: ``prevent_destroy`` on the bucket (None: the app's ``channelkit:protect`` context, default
            on). An unprotected bucket is also ``force_destroy``: destroying it deletes its objects.
        tags: resource tags.
    """

    bucket_name: str
    key: ChannelKey
    expiration_days: int
    protect: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class DataBucket(Construct):
    """An S3 bucket for channel data: SSE-KMS, versioning, public access blocked, TLS only, lifecycle."""

    def __init__(self, scope: Construct, id: str, props: DataBucketProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        check_bucket_name(problems, "bucket_name", props.bucket_name)
        check_retention_days(problems, "expiration_days", props.expiration_days)
        problems.raise_if_any(ValidationError, "invalid data bucket")
        self.props = props
        self.protected = protection_default(self, props.protect)
        self.resource = S3Bucket(
            self, "Resource", bucket=props.bucket_name, force_destroy=not self.protected,
            tags=dict(props.tags) or None, lifecycle=lifecycle(self.protected),
        )
        bucket = self.resource.id
        S3BucketVersioning(
            self, "Versioning", bucket=bucket,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfiguration(
            self, "Encryption", bucket=bucket,
            rule=[
                S3BucketServerSideEncryptionConfigurationRule(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault(
                            sse_algorithm="aws:kms", kms_master_key_id=props.key.arn
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        self.public_access_block = S3BucketPublicAccessBlock(
            self, "PublicAccessBlock", bucket=bucket, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True,
        )
        S3BucketLifecycleConfiguration(
            self, "Lifecycle", bucket=bucket,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="channel-retention",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=props.expiration_days)],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=1)
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=1)
                    ],
                )
            ],
        )
        deny_insecure = Statement(
            sid="DenyInsecureTransport", effect="Deny", actions=("s3:*",),
            resources=(self.arn, f"{self.arn}/*"),
            conditions=(Condition(test="Bool", variable="aws:SecureTransport", values=("false",)),),
            principals=(("*", ("*",)),),
        )
        S3BucketPolicy(
            self, "Policy", bucket=bucket, policy=policy_document(self, "PolicyDocument", [deny_insecure]),
            depends_on=[self.public_access_block],
        )

    @property
    def arn(self) -> str:
        """The bucket ARN (a token)."""
        return self.resource.arn

    @property
    def name(self) -> str:
        """The bucket name (a token)."""
        return self.resource.id

    def read_statements(self, prefix: str = "", sid: str = "DataBucketRead") -> list[Statement]:
        """Allow listing the bucket and reading objects under ``prefix``."""
        return [
            Statement(sid=f"{sid}List", actions=("s3:ListBucket", "s3:GetBucketLocation"), resources=(self.arn,)),
            Statement(sid=f"{sid}Objects", actions=("s3:GetObject",), resources=(f"{self.arn}/{prefix}*",)),
        ]

    def write_statements(self, prefix: str = "", sid: str = "DataBucketWrite") -> list[Statement]:
        """Allow writing (and reading back) objects under ``prefix``."""
        return [
            Statement(
                sid=f"{sid}List",
                actions=("s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"),
                resources=(self.arn,),
            ),
            Statement(
                sid=f"{sid}Objects",
                actions=("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
                resources=(f"{self.arn}/{prefix}*",),
            ),
        ]
