"""A customer-managed KMS key with rotation and an alias."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from constructs import Construct

from ..._text import literal, literal_map
from ...providers.aws import DataAwsCallerIdentity, DataAwsPartition, KmsAlias, KmsKey
from .._util import init_construct, protection_default
from .._util import protect as protect_lifecycle
from ._common import ArnResource, Checks, check_protect, check_tags, check_text, is_int
from .iam import Condition, Statement, policy_document
from .rules import check_kms_alias, check_sid

__all__ = ["MACIE_SERVICE_ROLE", "ChannelKey"]

#: Macie's service-linked role (``aws-service-role/<service>/<name>``): it reads the objects it classifies.
MACIE_SERVICE_ROLE = "macie.amazonaws.com/AWSServiceRoleForAmazonMacie"
_SERVICE_ROLE = re.compile(r"[a-z0-9.-]+\.amazonaws\.com/[A-Za-z0-9+=,.@_-]{1,64}")


class ChannelKey(ArnResource, Construct):
    """A symmetric KMS key (``aws_kms_key``, id ``Resource``) with yearly rotation and an alias (``Alias``).

    The key is protected from destroy (``lifecycle.prevent_destroy``) unless ``protect`` is False or
    the app's ``channelkit:protect`` context is ``false``.

    Args:
        scope: parent construct.
        id: construct id.
        alias: ``alias/...`` name of the key (not under ``alias/aws/``).
        description: shown in the KMS console (default ``"channelkit channel key"``).
        deletion_window_days: days between scheduling deletion and deleting, 7-30 (default 30).
        protect: ``prevent_destroy`` on the key (default None: the app's ``channelkit:protect`` context,
            protected unless it is ``false``).
        tags: resource tags (default none).
        service_linked_roles: service-linked roles (``<service>.amazonaws.com/<role name>``, e.g.
            :data:`MACIE_SERVICE_ROLE`) the key policy lets decrypt (default none: AWS's default key policy).
            A service-linked role's own policy holds no ``kms:Decrypt``, so only the key policy can allow it;
            the statement names the role in an ``aws:PrincipalArn`` condition (with ``kms:CallerAccount``),
            so the policy is valid before the service is enabled and the role exists. The policy keeps the
            default statement (the account administers the key through IAM).

    Attributes:
        resource: the ``aws_kms_key``.
        alias_resource: the ``aws_kms_alias`` (child ``Alias``).
        protected: whether ``prevent_destroy`` is set.

    Raises:
        InvalidNameError: the alias is malformed.
        ConstructPropsError: deletion window, description, protect or tags out of range or of the wrong type
            (with a bad alias too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alias: str,
        description: str = "channelkit channel key",
        deletion_window_days: int = 30,
        protect: bool | None = None,
        tags: Mapping[str, str] | None = None,
        service_linked_roles: Sequence[str] = (),
    ) -> None:
        """Check every prop (all problems in one error), then create the key and its alias."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_kms_alias(checks.names, "alias", alias)
        check_text(checks.props, "description", description, max_len=8192)
        checks.props.check(is_int(deletion_window_days) and 7 <= deletion_window_days <= 30,
                           "deletion_window_days", deletion_window_days, "an integer from 7 to 30")
        check_protect(checks.props, protect)
        check_tags(checks.props, tags)
        roles_ok = isinstance(service_linked_roles, list | tuple) and all(
            isinstance(r, str) and _SERVICE_ROLE.fullmatch(r) for r in service_linked_roles)
        checks.props.check(roles_ok, "service_linked_roles", service_linked_roles,
                           "a list of service-linked roles '<service>.amazonaws.com/<role name>'")
        checks.raise_if_any("invalid KMS key at {path}")
        self.protected = protection_default(self, protect)
        self.resource = KmsKey(
            self, "Resource", description=literal(description), enable_key_rotation=True,
            deletion_window_in_days=deletion_window_days, tags=literal_map(tags),
            lifecycle=protect_lifecycle(self.protected),
            policy=self._policy(tuple(service_linked_roles)) if service_linked_roles else None,
        )
        self.alias_resource = KmsAlias(self, "Alias", name=alias, target_key_id=self.resource.key_id)

    def _policy(self, roles: tuple[str, ...]) -> str:
        """AWS's default key policy, and decryption by ``roles`` (service-linked roles of this account)."""
        account = DataAwsCallerIdentity(self, "Account").account_id
        partition = DataAwsPartition(self, "Partition").partition
        arns = tuple(f"arn:{partition}:iam::{account}:role/aws-service-role/{role}" for role in roles)
        return policy_document(self, "Policy", [
            Statement(sid="AccountAdministersTheKey", actions=("kms:*",), resources=("*",),
                      principals=(("AWS", (f"arn:{partition}:iam::{account}:root",)),)),
            Statement(sid="ServiceLinkedRolesDecrypt", actions=("kms:Decrypt", "kms:DescribeKey"), resources=("*",),
                      principals=(("AWS", ("*",)),),
                      conditions=(Condition(test="ArnEquals", variable="aws:PrincipalArn", values=arns),
                                  Condition(test="StringEquals", variable="kms:CallerAccount", values=(account,)))),
        ])

    @property
    def key_id(self) -> str:
        """The key id (a token)."""
        return self.resource.key_id

    def grant_decrypt(self, sid: str = "KmsDecrypt") -> Statement:
        """The statement allowing to read data encrypted with this key (``kms:Decrypt``, ``kms:DescribeKey``).

        Args:
            sid: the statement id (default ``KmsDecrypt``; letters and digits).

        Raises:
            ConstructPropsError: ``sid`` is not letters and digits.
        """
        self._check_sid(sid)
        return Statement(sid=sid, actions=("kms:Decrypt", "kms:DescribeKey"), resources=(self.arn,))

    def grant_encrypt_decrypt(self, sid: str = "KmsEncryptDecrypt") -> Statement:
        """The statement allowing to write and read data encrypted with this key.

        Actions: ``kms:Decrypt``, ``kms:DescribeKey``, ``kms:Encrypt``, ``kms:GenerateDataKey``,
        ``kms:ReEncrypt*``, on this key only.

        Args:
            sid: the statement id (default ``KmsEncryptDecrypt``; letters and digits).

        Raises:
            ConstructPropsError: ``sid`` is not letters and digits.
        """
        self._check_sid(sid)
        return Statement(
            sid=sid,
            actions=("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*"),
            resources=(self.arn,),
        )

    def _check_sid(self, sid: object) -> None:
        checks = Checks(self)
        check_sid(checks.props, "sid", sid)
        checks.raise_if_any("invalid KMS grant at {path}")
