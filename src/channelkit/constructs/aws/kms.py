"""A customer-managed KMS key with rotation and an alias."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import KmsAlias, KmsKey
from ._common import lifecycle, protection_default
from .iam import Statement

__all__ = ["ChannelKey", "ChannelKeyProps"]

_ALIAS = re.compile(r"^alias/(?!aws/)[a-zA-Z0-9/_-]{1,250}$")


@dataclass(frozen=True, kw_only=True)
class ChannelKeyProps:
    """Props of :class:`ChannelKey`.

    Attributes:
        alias: ``alias/...`` name of the key (not under ``alias/aws/``).
        description: shown in the KMS console.
        deletion_window_days: 7-30 days between scheduling deletion and deleting.
        protect: ``prevent_destroy`` on the key (None: the app's ``channelkit:protect`` context, default on).
        tags: resource tags.
    """

    alias: str
    description: str = "channelkit channel key"
    deletion_window_days: int = 30
    protect: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class ChannelKey(Construct):
    """A symmetric KMS key with yearly automatic rotation, protected from destroy by default."""

    def __init__(self, scope: Construct, id: str, props: ChannelKeyProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_ALIAS.match(props.alias)), "alias", props.alias,
                       "alias/NAME with letters, digits, '/', '_' and '-' (not under alias/aws/)")
        problems.check(7 <= props.deletion_window_days <= 30, "deletion_window_days", props.deletion_window_days,
                       "an integer from 7 to 30")
        problems.raise_if_any(ValidationError, "invalid KMS key")
        self.props = props
        self.protected = protection_default(self, props.protect)
        self.resource = KmsKey(
            self, "Resource", description=props.description, enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_days, tags=dict(props.tags) or None,
            lifecycle=lifecycle(self.protected),
        )
        self.alias = KmsAlias(self, "Alias", name=props.alias, target_key_id=self.resource.key_id)

    @property
    def arn(self) -> str:
        """The key ARN (a token)."""
        return self.resource.arn

    def decrypt_statement(self, sid: str = "KmsDecrypt") -> Statement:
        """Allow reading data encrypted with this key."""
        return Statement(sid=sid, actions=("kms:Decrypt", "kms:DescribeKey"), resources=(self.arn,))

    def encrypt_decrypt_statement(self, sid: str = "KmsEncryptDecrypt") -> Statement:
        """Allow writing and reading data encrypted with this key."""
        return Statement(
            sid=sid,
            actions=("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*"),
            resources=(self.arn,),
        )
