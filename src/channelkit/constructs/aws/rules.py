"""Input rules of AWS names and identifiers, checked before any resource is built.

Every checker takes a :class:`~channelkit.errors.ProblemCollector` and records
what is wrong (construct path, field, value, what is allowed) instead of
raising, so one construction reports every failure at once. The constructs
raise what was recorded as :class:`~channelkit.constructs.errors.InvalidNameError`
(names) or :class:`~channelkit.constructs.errors.ConstructPropsError` (values),
with the construct path in the summary. Each checker also rejects values of the
wrong type (a non-string name, a ``bool`` where a number is expected).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from ...errors import ProblemCollector

__all__ = [
    "ARN_PARTITIONS",
    "Arn",
    "MskClusterArn",
    "check_athena_workgroup_name",
    "check_bucket_name",
    "check_dynamodb_table_name",
    "check_glue_name",
    "check_iam_name",
    "check_iam_role_arn",
    "check_kms_alias",
    "check_msk_cluster_arn",
    "check_mskconnect_name",
    "check_principal",
    "check_region",
    "check_retention_days",
    "check_secret_name",
    "check_sid",
    "is_iam_principal_arn",
    "parse_arn",
    "parse_msk_cluster_arn",
]

ARN_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")

_BUCKET_CHARS = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]")
_BUCKET_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_ALLOWED = (
    "3-63 characters of lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, "
    "no '..', not an IP address, not starting with xn--, sthree- or amzn-s3-demo-, not ending with "
    "-s3alias, --ol-s3, .mrap, --x-s3 or --table-s3 (AWS S3 bucket naming rules)"
)
_GLUE_NAME = re.compile(r"[a-z0-9_]{1,255}")
_GLUE_ALLOWED = "1-255 characters of lowercase letters, digits and '_' (a Glue name Athena can query)"
_REGION = re.compile(
    r"[a-z]{2}(-gov|-iso|-isob|-isoe|-isof)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)"
    r"-[1-9]"
)
_REGION_ALLOWED = "an AWS region code such as us-east-1, eu-central-1 or ap-southeast-2"
_ARN = re.compile(r"arn:(?P<partition>[a-z-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
                  r"(?P<account>\d{12}|aws|)?:(?P<resource>.+)", re.ASCII)
_MSK_RESOURCE = re.compile(
    r"cluster/(?P<name>[0-9A-Za-z][0-9A-Za-z-]{0,63})/(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
    r"-[0-9a-f]{12}-\d+)",
    re.ASCII,
)
_MSK_ALLOWED = "an MSK cluster ARN: arn:aws:kafka:REGION:ACCOUNT(12 digits):cluster/NAME/UUID-N"
_ROLE_RESOURCE = re.compile(r"role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
_ROLE_ALLOWED = "an IAM role ARN: arn:aws:iam::ACCOUNT(12 digits):role/[PATH/]NAME"
_IAM_PRINCIPAL_RESOURCE = re.compile(r"(role|user)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII)
_PRINCIPAL_ALLOWED = (
    "an IAM role or user ARN (arn:aws:iam::ACCOUNT:role/NAME, arn:aws:iam::ACCOUNT:user/NAME) or another "
    "identifier Lake Formation accepts: a 12-digit account id, IAM_ALLOWED_PRINCIPALS, a SAML provider "
    "ARN, a QuickSight user or group ARN, an IAM Identity Center user or group ARN, or an organization or "
    "organizational unit ARN"
)


_KMS_ALIAS = re.compile(r"alias/(?!aws/)[a-zA-Z0-9/_-]{1,250}")
_KMS_ALIAS_ALLOWED = "alias/NAME with letters, digits, '/', '_' and '-' (at most 256 characters, not under alias/aws/)"
_WORKGROUP = re.compile(r"[a-zA-Z0-9._-]{1,128}")
_SECRET_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}")
_MSKCONNECT_NAME = re.compile(r"[A-Za-z0-9-]{1,128}")
_IAM_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
_DYNAMODB_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_SID = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Arn:
    """The parts of an ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


@dataclass(frozen=True)
class MskClusterArn:
    """An MSK cluster ARN, with what topic and group ARNs are built from."""

    arn: str
    partition: str
    region: str
    account: str
    name: str
    uuid: str

    def topic_arn(self, topic: str) -> str:
        """The ARN IAM access control uses for ``topic`` (``*`` wildcards allowed)."""
        return self._sub("topic", topic)

    def group_arn(self, group: str) -> str:
        """The ARN IAM access control uses for consumer group ``group``."""
        return self._sub("group", group)

    def transactional_id_arn(self, transactional_id: str) -> str:
        """The ARN IAM access control uses for a transactional id."""
        return self._sub("transactional-id", transactional_id)

    def _sub(self, kind: str, name: str) -> str:
        return f"arn:{self.partition}:kafka:{self.region}:{self.account}:{kind}/{self.name}/{self.uuid}/{name}"


def parse_arn(value: object) -> Arn | None:
    """The parts of ``value`` when it is a well-formed ARN, else None."""
    if not isinstance(value, str):
        return None
    match = _ARN.fullmatch(value)
    if not match or match["partition"] not in ARN_PARTITIONS:
        return None
    return Arn(match["partition"], match["service"], match["region"], match["account"] or "", match["resource"])


def parse_msk_cluster_arn(value: object) -> MskClusterArn | None:
    """The parts of an MSK cluster ARN, or None when ``value`` is not one."""
    arn = parse_arn(value)
    if arn is None or arn.service != "kafka" or not _REGION.fullmatch(arn.region) or len(arn.account) != 12:
        return None
    match = _MSK_RESOURCE.fullmatch(arn.resource)
    if not match:
        return None
    return MskClusterArn(str(value), arn.partition, arn.region, arn.account, match["name"], match["uuid"])


def check_bucket_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` follows the S3 general purpose bucket naming rules."""
    ok = isinstance(name, str) and 3 <= len(name) <= 63 and bool(_BUCKET_CHARS.fullmatch(name))
    if ok:
        assert isinstance(name, str)
        ok = (
            ".." not in name
            and not name.startswith(_BUCKET_BAD_PREFIXES)
            and not name.endswith(_BUCKET_BAD_SUFFIXES)
            and not _is_ip(name)
        )
    return problems.check(ok, field, name, _BUCKET_ALLOWED)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def check_glue_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is a Glue database/table/column name Athena can query."""
    return problems.check(isinstance(name, str) and bool(_GLUE_NAME.fullmatch(name)), field, name, _GLUE_ALLOWED)


def check_kms_alias(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is a KMS alias name a customer may create (``alias/...``)."""
    return problems.check(isinstance(name, str) and bool(_KMS_ALIAS.fullmatch(name)), field, name, _KMS_ALIAS_ALLOWED)


def check_athena_workgroup_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is an Athena workgroup name."""
    ok = isinstance(name, str) and bool(_WORKGROUP.fullmatch(name))
    return problems.check(ok, field, name, "1-128 letters, digits, '.', '_' or '-' (an Athena workgroup name)")


def check_secret_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is a Secrets Manager secret name."""
    ok = isinstance(name, str) and bool(_SECRET_NAME.fullmatch(name))
    return problems.check(ok, field, name, "1-512 letters, digits and /_+=.@- (a Secrets Manager name)")


def check_mskconnect_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is an MSK Connect plugin, worker configuration or connector name."""
    ok = isinstance(name, str) and bool(_MSKCONNECT_NAME.fullmatch(name))
    return problems.check(ok, field, name, "1-128 letters, digits and '-' (an MSK Connect name)")


def check_iam_name(problems: ProblemCollector, field: str, name: object, *, kind: str, max_len: int) -> bool:
    """Record a problem unless ``name`` is an IAM ``kind`` name (role, policy, user) of at most ``max_len``."""
    ok = isinstance(name, str) and 1 <= len(name) <= max_len and bool(_IAM_NAME.fullmatch(name))
    return problems.check(ok, field, name,
                          f"an IAM {kind} name: 1-{max_len} letters, digits and '+=,.@_-' (a name, not an ARN)")


def check_dynamodb_table_name(problems: ProblemCollector, field: str, name: object) -> bool:
    """Record a problem unless ``name`` is a DynamoDB table name."""
    ok = isinstance(name, str) and bool(_DYNAMODB_TABLE.fullmatch(name))
    return problems.check(ok, field, name, "a DynamoDB table name: 3-255 letters, digits, '_', '.' and '-'")


def check_sid(problems: ProblemCollector, field: str, sid: object) -> bool:
    """Record a problem unless ``sid`` is an IAM statement id (ASCII letters and digits)."""
    ok = isinstance(sid, str) and bool(_SID.fullmatch(sid))
    return problems.check(ok, field, sid, "an IAM statement id: one or more ASCII letters and digits")


def check_region(problems: ProblemCollector, field: str, region: object) -> bool:
    """Record a problem unless ``region`` looks like an AWS region code."""
    return problems.check(isinstance(region, str) and bool(_REGION.fullmatch(region)), field, region, _REGION_ALLOWED)


def check_msk_cluster_arn(problems: ProblemCollector, field: str, value: object) -> MskClusterArn | None:
    """Parse an MSK cluster ARN, recording a problem when it is malformed."""
    parsed = parse_msk_cluster_arn(value)
    problems.check(parsed is not None, field, value, _MSK_ALLOWED)
    return parsed


def check_iam_role_arn(problems: ProblemCollector, field: str, value: object) -> bool:
    """Record a problem unless ``value`` is an IAM role ARN."""
    arn = parse_arn(value)
    ok = arn is not None and arn.service == "iam" and arn.region == "" and len(arn.account) == 12
    ok = ok and bool(_ROLE_RESOURCE.fullmatch(arn.resource if arn else ""))
    return problems.check(ok, field, value, _ROLE_ALLOWED)


def is_iam_principal_arn(value: object) -> bool:
    """True for an IAM role or user ARN (what an IAM policy can be attached to)."""
    arn = parse_arn(value)
    return (
        arn is not None
        and arn.service == "iam"
        and arn.region == ""
        and len(arn.account) == 12
        and bool(_IAM_PRINCIPAL_RESOURCE.fullmatch(arn.resource))
    )


_LF_OTHER = (
    re.compile(r"\d{12}", re.ASCII),
    re.compile(r"IAM_ALLOWED_PRINCIPALS"),
    re.compile(r"arn:aws[a-z-]*:iam::\d{12}:saml-provider/[\w+=,.@-]+(:(user|group)/.+)?", re.ASCII),
    re.compile(r"arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)/[\w.@-]+/.+", re.ASCII),
    re.compile(r"arn:aws[a-z-]*:identitystore:::(user|group)/[0-9a-f-]+"),
    re.compile(r"arn:aws[a-z-]*:organizations::\d{12}:"
               r"(organization/o-[a-z0-9]{10,32}|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9-]+)", re.ASCII),
)


def check_principal(problems: ProblemCollector, field: str, value: object) -> bool:
    """Record a problem unless ``value`` is an IAM ARN or another Lake Formation principal identifier."""
    ok = is_iam_principal_arn(value) or (isinstance(value, str) and any(p.fullmatch(value) for p in _LF_OTHER))
    return problems.check(ok, field, value, _PRINCIPAL_ALLOWED)


def check_retention_days(problems: ProblemCollector, field: str, days: object) -> bool:
    """Record a problem unless ``days`` is a whole number of days >= 1."""
    ok = isinstance(days, int) and not isinstance(days, bool) and days >= 1
    return problems.check(ok, field, days, "a whole number of days >= 1 (retention shorter than a day is not allowed)")
