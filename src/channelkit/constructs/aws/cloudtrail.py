"""The AWS audit baseline: one CloudTrail trail recording the S3 data events of every channel's data prefix.

**One trail per account, not per channel.** AWS allows five trails per region ("Quotas in AWS CloudTrail":
trails per region, 5, not adjustable), and each trail delivering data events is billed per event, so a
trail per channel stops at the fifth channel. :class:`AwsAuditBaseline` is one trail for the account
(declared once, in the platform stack or the app's first stack): it records management events and, through
one advanced event selector, the ``AWS::S3::Object`` data events (reads and writes) whose ARN starts with a
registered prefix. Each channel registers its bucket and data prefix with :meth:`AwsAuditBaseline.watch`; the
selector lists every registered prefix (CloudTrail allows 500 values across a trail's advanced selectors).

The logs go to a bucket of their own (:class:`TrailBucket`): private, versioned, SSE-S3 encrypted (CloudTrail
encrypts log files with SSE-S3 by default; SSE-KMS needs a key policy granting ``cloudtrail.amazonaws.com``,
which channelkit's keys do not carry), TLS only, protected from destroy, and with the bucket policy CloudTrail
documents ("Amazon S3 bucket policy for CloudTrail"): ``s3:GetBucketAcl`` on the bucket and ``s3:PutObject``
under ``AWSLogs/<account>/`` with ``s3:x-amz-acl = bucket-owner-full-control``, both only for this trail
(``aws:SourceArn``).

With ``macie=True`` the baseline also enables Macie (:class:`~channelkit.constructs.aws.macie.MacieAccount`),
also once per account and region, which the channels' classification jobs need.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from constructs import Construct

from ..._text import literal, literal_map
from ...providers.aws import (
    Cloudtrail,
    DataAwsCallerIdentity,
    DataAwsPartition,
    DataAwsRegion,
    S3Bucket,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfiguration,
    S3BucketVersioning,
)
from ...providers.aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRule,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault,
)
from ...providers.aws.s3_bucket_versioning import S3BucketVersioningVersioningConfiguration
from .._util import init_construct, path_of, protection_default
from .._util import protect as protect_lifecycle
from ._common import ArnResource, Checks, check_protect, check_tags
from .iam import Condition, Statement, policy_document
from .macie import MacieAccount
from .rules import check_bucket_name

__all__ = ["CLOUDTRAIL", "MAX_SELECTOR_VALUES", "AwsAuditBaseline", "TrailBucket"]

#: CloudTrail's service principal.
CLOUDTRAIL = "cloudtrail.amazonaws.com"
#: The most values a trail's advanced event selectors may hold together (CloudTrail quota: 500).
MAX_SELECTOR_VALUES = 500
_TRAIL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]")


class TrailBucket(ArnResource, Construct):
    """The bucket CloudTrail writes a trail's logs to (``aws_s3_bucket``, id ``Resource``).

    Next to it: ``Versioning``, ``Encryption`` (SSE-S3), ``PublicAccessBlock`` and ``Policy`` (CloudTrail's
    documented statements for ``trail_arn`` plus TLS only).

    Args:
        scope: parent construct.
        id: construct id.
        bucket_name: the bucket name.
        trail_arn: the ARN of the trail allowed to write (``aws:SourceArn``).
        account_id: the account the logs are written under (``AWSLogs/<account>/``).
        protect: ``prevent_destroy`` (default None: the app's ``channelkit:protect`` context, protected).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_s3_bucket``.
        policy: the ``aws_s3_bucket_policy`` (the trail depends on it: CloudTrail checks it at creation).
    """

    def __init__(
        self, scope: Construct, id: str, *, bucket_name: str, trail_arn: str, account_id: str,
        protect: bool | None = None, tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check the props, then create the bucket, its configuration and CloudTrail's bucket policy."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_bucket_name(checks.names, "bucket_name", bucket_name)
        check_protect(checks.props, protect)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid trail bucket at {path}")
        self.protected = protection_default(self, protect)
        self.resource = S3Bucket(self, "Resource", bucket=bucket_name, force_destroy=not self.protected,
                                 tags=literal_map(tags), lifecycle=protect_lifecycle(self.protected))
        bucket = self.resource.id
        S3BucketVersioning(self, "Versioning", bucket=bucket,
                           versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"))
        S3BucketServerSideEncryptionConfiguration(self, "Encryption", bucket=bucket, rule=[
            S3BucketServerSideEncryptionConfigurationRule(
                apply_server_side_encryption_by_default=(
                    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault(
                        sse_algorithm="AES256")))])
        block = S3BucketPublicAccessBlock(self, "PublicAccessBlock", bucket=bucket, block_public_acls=True,
                                          block_public_policy=True, ignore_public_acls=True,
                                          restrict_public_buckets=True)
        only_this_trail = Condition(test="StringEquals", variable="aws:SourceArn", values=(trail_arn,))
        statements = [
            Statement(sid="CloudTrailAclCheck", actions=("s3:GetBucketAcl",), resources=(self.arn,),
                      principals=(("Service", (CLOUDTRAIL,)),), conditions=(only_this_trail,)),
            Statement(sid="CloudTrailWrite", actions=("s3:PutObject",),
                      resources=(f"{self.arn}/AWSLogs/{account_id}/*",), principals=(("Service", (CLOUDTRAIL,)),),
                      conditions=(Condition(test="StringEquals", variable="s3:x-amz-acl",
                                            values=("bucket-owner-full-control",)), only_this_trail)),
            Statement(sid="DenyInsecureTransport", effect="Deny", actions=("s3:*",),
                      resources=(self.arn, f"{self.arn}/*"), principals=(("*", ("*",)),),
                      conditions=(Condition(test="Bool", variable="aws:SecureTransport", values=("false",)),)),
        ]
        self.policy = S3BucketPolicy(self, "Policy", bucket=bucket,
                                     policy=policy_document(self, "PolicyDocument", statements), depends_on=[block])


class AwsAuditBaseline(Construct):
    """The account's audit trail of the channels' S3 data events, and Macie (once per account and region).

    Args:
        scope: parent construct (the platform stack, or the app's first stack).
        id: construct id (e.g. ``Audit``).
        trail_name: the trail's name (default ``channelkit-data-events``; 3-128 letters, digits, ``._-``).
        log_bucket_name: the bucket the trail writes to (created here).
        macie: also enable Macie for the account in this region (default True).
        protect: ``prevent_destroy`` on the log bucket (default None: the app's context, protected).
        tags: resource tags (default none).

    Attributes:
        trail: the ``aws_cloudtrail`` (id ``Resource``).
        bucket: the :class:`TrailBucket` (id ``Logs``).
        macie: the :class:`~channelkit.constructs.aws.macie.MacieAccount` (id ``Macie``), or None.
        prefixes: the S3 object ARN prefixes watched, in the order registered.

    Raises:
        ConstructPropsError: a malformed name, bucket, flag or tags.
    """

    def __init__(
        self, scope: Construct, id: str, *, log_bucket_name: str, trail_name: str = "channelkit-data-events",
        macie: bool = True, protect: bool | None = None, tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check the props, then create the log bucket, the trail (management events only until a watch) and Macie."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        checks.names.check(isinstance(trail_name, str) and bool(_TRAIL_NAME.fullmatch(trail_name)), "trail_name",
                           trail_name, "3-128 letters, digits, '.', '_' or '-', starting and ending with a letter "
                                       "or digit")
        checks.props.check(isinstance(macie, bool), "macie", macie, "True or False")
        checks.raise_if_any("invalid audit baseline at {path}")
        identity = DataAwsCallerIdentity(self, "Account")
        partition = DataAwsPartition(self, "Partition")
        region = DataAwsRegion(self, "Region")
        trail_arn = f"arn:{partition.partition}:cloudtrail:{region.name}:{identity.account_id}:trail/{trail_name}"
        self.bucket = TrailBucket(self, "Logs", bucket_name=log_bucket_name, trail_arn=trail_arn,
                                  account_id=identity.account_id, protect=protect, tags=tags)
        self.prefixes: list[str] = []
        self.trail = Cloudtrail(
            self, "Resource", name=trail_name, s3_bucket_name=self.bucket.resource.id, enable_log_file_validation=True,
            include_global_service_events=True, is_multi_region_trail=False, tags=literal_map(tags),
            depends_on=[self.bucket.policy])
        self._render()
        self.macie: MacieAccount | None = MacieAccount(self, "Macie") if macie else None

    def watch(self, bucket_name: str, prefix: str) -> str:
        """Record the S3 data events (reads and writes) of objects under ``bucket_name/prefix`` in the trail.

        Args:
            bucket_name: the bucket (a plain name).
            prefix: the key prefix, e.g. ``cdc/`` (a ``/`` is added when missing).

        Returns:
            The object ARN prefix now watched.

        Raises:
            ConstructPropsError: a malformed bucket or prefix, or more than :data:`MAX_SELECTOR_VALUES` prefixes.
        """
        checks = Checks(self)
        check_bucket_name(checks.names, "bucket_name", bucket_name)
        checks.props.check(isinstance(prefix, str) and not prefix.startswith("/") and "*" not in prefix, "prefix",
                           prefix, "an object key prefix such as cdc/")
        checks.props.check(len(self.prefixes) < MAX_SELECTOR_VALUES - 3, "prefix", prefix,
                           f"at most {MAX_SELECTOR_VALUES - 3} watched prefixes per trail (CloudTrail: "
                           f"{MAX_SELECTOR_VALUES} selector values)")
        checks.raise_if_any("invalid watched prefix at {path}")
        key = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        arn = f"arn:aws:s3:::{bucket_name}/{key}"
        if arn not in self.prefixes:
            self.prefixes.append(arn)
            self._render()
        return arn

    def watch_channel(self, channel: Any) -> str:
        """:meth:`watch` the data prefix of a channel on the S3 lake (``AwsLake``).

        Raises:
            ConstructPropsError: the channel's warehouse is not an S3 lake.
        """
        deployment = getattr(channel, "warehouse_deployment", None)
        bucket: Any = getattr(deployment, "bucket_name", None)
        lake: Any = getattr(deployment, "lake", None)
        checks = Checks(self)
        checks.props.check(bucket is not None and lake is not None, "channel", getattr(channel, "path", channel),
                           "a Channel on the S3 lake (warehouse=AwsLake(...))")
        checks.raise_if_any("invalid watched channel at {path}")
        return self.watch(str(bucket), f"{lake.data_prefix}/")

    def _render(self) -> None:
        """Write the trail's advanced selectors: management events, and S3 object events under every prefix.

        The selectors are an override of the whole attribute (rewritten at each :meth:`watch`), so the prefixes of
        channels registered after the trail was created are in it.
        """
        management = {"name": "Management events",
                      "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]}
        if not self.prefixes:
            self.trail.add_override("advanced_event_selector", [management])
            return
        data = {"name": "channelkit S3 data events", "field_selector": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "resources.ARN", "starts_with": [literal(p) for p in self.prefixes]},
        ]}
        self.trail.add_override("advanced_event_selector", [management, data])

    @property
    def path(self) -> str:
        """The construct path."""
        return path_of(self)
