"""Amazon Macie: the account's Macie session and a classification job over a channel's data prefix.

- :class:`MacieAccount` — ``aws_macie2_account``: Macie enabled for the account **in one region**. There is
  one per account and region, so it is never emitted per channel:
  :class:`~channelkit.constructs.aws.cloudtrail.AwsAuditBaseline` emits it once (``macie=True``), and each
  channel's :class:`MacieJob` needs it applied first.
- :class:`MacieJob` — ``aws_macie2_classification_job``: a scheduled (daily) job over one bucket, scoped to the
  objects whose key starts with the channel's data prefix. A scheduled job analyses, at each run, the objects
  created or changed since the previous one. Findings go to Macie (and, from there, EventBridge and Security
  Hub), where the account's security team reads them.

Macie reads SSE-KMS objects as its service-linked role (``AWSServiceRoleForAmazonMacie``); with a customer
managed key the key's policy must let that role decrypt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
from ...props import OneOf
from ...providers.aws import Macie2Account, Macie2ClassificationJob
from ...providers.aws.macie2_classification_job import (
    Macie2ClassificationJobS3JobDefinition,
    Macie2ClassificationJobS3JobDefinitionBucketDefinitions,
    Macie2ClassificationJobS3JobDefinitionScoping,
    Macie2ClassificationJobS3JobDefinitionScopingIncludes,
    Macie2ClassificationJobS3JobDefinitionScopingIncludesAnd,
    Macie2ClassificationJobS3JobDefinitionScopingIncludesAndSimpleScopeTerm,
    Macie2ClassificationJobScheduleFrequency,
)
from .._util import init_construct
from ._common import Checks, check_tags, check_text, is_token
from .rules import check_bucket_name

__all__ = ["FINDING_FREQUENCIES", "MacieAccount", "MacieJob"]

#: ``finding_publishing_frequency`` values (Macie2 API: FindingPublishingFrequency).
FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
_JOB_NAME = re.compile(r"[A-Za-z0-9_.-]{1,500}")


class MacieAccount(Construct):
    """Macie enabled for the account in the provider's region (``aws_macie2_account``, id ``Resource``).

    Once per account and region (see the module docs).

    Args:
        scope: parent construct.
        id: construct id.
        finding_publishing_frequency: how often updated findings are published (default ``FIFTEEN_MINUTES``).

    Attributes:
        resource: the ``aws_macie2_account``.
    """

    def __init__(self, scope: Construct, id: str, *, finding_publishing_frequency: str = "FIFTEEN_MINUTES") -> None:
        """Check the frequency, then enable Macie."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        OneOf(FINDING_FREQUENCIES).check(checks.props, "finding_publishing_frequency", finding_publishing_frequency)
        checks.raise_if_any("invalid Macie account at {path}")
        self.resource = Macie2Account(self, "Resource", finding_publishing_frequency=finding_publishing_frequency,
                                      status="ENABLED")


class MacieJob(Construct):
    """A daily Macie classification job over one bucket prefix (``aws_macie2_classification_job``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the job name (unique in the account and region).
        account_id: the account that owns the bucket (12 digits, or a reference).
        bucket_name: the bucket.
        prefix: the object key prefix the job reads (e.g. ``cdc/``).
        sampling_percentage: the share of objects analysed (1-100; default 100).
        description: default empty.
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_macie2_classification_job``.

    Raises:
        ConstructPropsError: a malformed name, account, bucket, prefix, percentage or tags.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, account_id: str, bucket_name: str, prefix: str,
        sampling_percentage: int = 100, description: str = "", tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop, then create the job (scheduled daily, initial run on)."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        checks.names.check(isinstance(name, str) and bool(_JOB_NAME.fullmatch(name)), "name", name,
                           "1-500 letters, digits, '_', '.' or '-'")
        checks.props.check(is_token(account_id) or (isinstance(account_id, str) and bool(
            re.fullmatch(r"[0-9]{12}", account_id))), "account_id", account_id, "a 12-digit AWS account id")
        if not is_token(bucket_name):
            check_bucket_name(checks.names, "bucket_name", bucket_name)
        checks.props.check(isinstance(prefix, str) and bool(prefix) and not prefix.startswith("/"), "prefix",
                           prefix, "an object key prefix such as cdc/")
        checks.props.check(isinstance(sampling_percentage, int) and not isinstance(sampling_percentage, bool)
                           and 1 <= sampling_percentage <= 100, "sampling_percentage", sampling_percentage,
                           "an integer from 1 to 100")
        check_text(checks.props, "description", description, max_len=200)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid Macie job at {path}")
        prefix_term = Macie2ClassificationJobS3JobDefinitionScopingIncludesAndSimpleScopeTerm(
            comparator="STARTS_WITH", key="OBJECT_KEY", values=[literal(prefix)])
        self.resource = Macie2ClassificationJob(
            self, "Resource", name=name, job_type="SCHEDULED", initial_run=True,
            schedule_frequency=Macie2ClassificationJobScheduleFrequency(daily_schedule=True),
            sampling_percentage=sampling_percentage, description=literal_or_none(description),
            s3_job_definition=Macie2ClassificationJobS3JobDefinition(
                bucket_definitions=[Macie2ClassificationJobS3JobDefinitionBucketDefinitions(
                    account_id=account_id, buckets=[bucket_name])],
                scoping=Macie2ClassificationJobS3JobDefinitionScoping(
                    includes=Macie2ClassificationJobS3JobDefinitionScopingIncludes(
                        and_=[Macie2ClassificationJobS3JobDefinitionScopingIncludesAnd(
                            simple_scope_term=prefix_term)]))),
            tags=literal_map(tags))
