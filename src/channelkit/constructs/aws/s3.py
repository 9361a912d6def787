"""The channel's data bucket: SSE-KMS, versioned, private, expiring after the history retention (if any)."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from ..._text import literal_map
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
from .._util import init_construct, protection_default
from .._util import protect as protect_lifecycle
from ._common import ArnResource, Checks, check_construct, check_protect, check_tags
from .iam import Condition, Statement, policy_document
from .kms import ChannelKey
from .rules import check_bucket_name, check_retention_days, check_sid

__all__ = ["DataBucket"]


class DataBucket(ArnResource, Construct):
    """An S3 bucket for channel data (``aws_s3_bucket``, id ``Resource``).

    Next to the bucket: versioning (``Versioning``), SSE-KMS with the channel key and the bucket key on
    (``Encryption``), every public access blocked (``PublicAccessBlock``), a lifecycle expiring objects
    after ``expiration_days``, noncurrent versions after a day and aborting incomplete uploads after a day
    (``Lifecycle``, rule ``channel-retention``), and a bucket policy denying any request not made over TLS
    (``Policy``, document ``PolicyDocument``).

    Args:
        scope: parent construct.
        id: construct id.
        bucket_name: the S3 bucket name (AWS naming rules are checked).
        key: the channel key every object is encrypted with.
        expiration_days: objects expire this many days after creation (>= 1); None: objects do not expire
            (the lifecycle rule still expires noncurrent versions and aborts incomplete uploads).
        protect: ``prevent_destroy`` on the bucket (default None: the app's ``channelkit:protect`` context,
            protected unless it is ``false``). An unprotected bucket is also ``force_destroy``: destroying
            it deletes its objects.
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_s3_bucket``.
        key: the channel key.
        protected: whether ``prevent_destroy`` is set.
        public_access_block: the ``aws_s3_bucket_public_access_block``.

    Raises:
        InvalidNameError: the bucket name breaks the S3 naming rules.
        ConstructPropsError: key, expiration, protect or tags malformed (with a bad name too: one error
            deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        key: ChannelKey,
        expiration_days: int | None,
        protect: bool | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the bucket and its configuration."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_bucket_name(checks.names, "bucket_name", bucket_name)
        check_construct(checks.props, "key", key, ChannelKey)
        if expiration_days is not None:
            check_retention_days(checks.props, "expiration_days", expiration_days)
        check_protect(checks.props, protect)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid data bucket at {path}")
        self.key = key
        self.protected = protection_default(self, protect)
        self.resource = S3Bucket(
            self, "Resource", bucket=bucket_name, force_destroy=not self.protected,
            tags=literal_map(tags), lifecycle=protect_lifecycle(self.protected),
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
                            sse_algorithm="aws:kms", kms_master_key_id=key.arn
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
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=expiration_days)]
                    if expiration_days is not None else None,
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
    def name(self) -> str:
        """The bucket name (a token)."""
        return self.resource.id

    def grant_read(self, prefix: str = "", *, sid: str = "DataBucketRead") -> tuple[Statement, ...]:
        """The statements allowing to list the bucket and read objects under ``prefix``, and decrypt them.

        Args:
            prefix: object key prefix, e.g. ``topics/`` (default empty: the whole bucket).
            sid: prefix of the statement ids (default ``DataBucketRead``): ``<sid>List``, ``<sid>Objects``
                and ``<sid>Kms`` (``kms:Decrypt`` on the bucket's key).

        Raises:
            ConstructPropsError: ``prefix`` is not a string or starts with ``/``, or ``sid`` is not letters
                and digits.
        """
        self._check_grant(prefix, sid)
        return (
            Statement(sid=f"{sid}List", actions=("s3:ListBucket", "s3:GetBucketLocation"), resources=(self.arn,)),
            Statement(sid=f"{sid}Objects", actions=("s3:GetObject",), resources=(f"{self.arn}/{prefix}*",)),
            self.key.grant_decrypt(f"{sid}Kms"),
        )

    def grant_write(
        self, prefix: str = "", *, sid: str = "DataBucketWrite", key: ChannelKey | None = None,
    ) -> tuple[Statement, ...]:
        """The statements allowing to write (and read back) objects under ``prefix``, encrypted with the key.

        Args:
            prefix: object key prefix, e.g. ``topics/`` (default empty: the whole bucket).
            sid: prefix of the statement ids (default ``DataBucketWrite``): ``<sid>List``, ``<sid>Objects``
                and ``<sid>Kms`` (encrypt and decrypt with the bucket's key).
            key: the key the writer encrypts those objects with, if not the bucket's (Athena results written
                with a workgroup key of their own); ``<sid>Kms`` then covers that key only.

        Raises:
            ConstructPropsError: ``prefix`` is not a string or starts with ``/``, or ``sid`` is not letters
                and digits.
        """
        self._check_grant(prefix, sid, key)
        return (
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
            (key or self.key).grant_encrypt_decrypt(f"{sid}Kms"),
        )

    def _check_grant(self, prefix: object, sid: object, key: object = None) -> None:
        checks = Checks(self)
        checks.props.check(key is None or isinstance(key, ChannelKey), "key", key, "None or a ChannelKey")
        checks.props.check(isinstance(prefix, str) and not prefix.startswith("/"), "prefix", prefix,
                           "an object key prefix such as 'topics/' (no leading '/'; empty for the whole bucket)")
        check_sid(checks.props, "sid", sid)
        checks.raise_if_any("invalid data bucket grant at {path}")
