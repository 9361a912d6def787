"""A Secrets Manager secret whose password AWS generates: the value never appears in the configuration."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ..._cdk import cdk
from ...errors import ProblemCollector, ValidationError
from ...providers.aws import (
    DataAwsSecretsmanagerRandomPassword,
    DataAwsSecretsmanagerSecretVersion,
    SecretsmanagerSecret,
    SecretsmanagerSecretVersion,
)
from .iam import Statement

__all__ = ["GeneratedSecret", "GeneratedSecretProps"]

_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


@dataclass(frozen=True, kw_only=True)
class GeneratedSecretProps:
    """Props of :class:`GeneratedSecret`.

    Attributes:
        name: the secret name (``channelkit/orders/db``).
        username: stored next to the password in the secret's JSON (``{"username", "password"}``).
        kms_key_arn: the key the secret is encrypted with.
        password_length: 16-128 characters.
        exclude_characters: characters the password never contains (defaults suit MySQL/Postgres URLs).
        version: bump to generate and store a new password (the value is write-only: never in state).
        recovery_window_days: 0 (delete at once) or 7-30.
        tags: resource tags.
    """

    name: str
    username: str
    kms_key_arn: str
    password_length: int = 32
    exclude_characters: str = "\"'@/\\:;?#%&{}$`"
    version: int = 1
    recovery_window_days: int = 7
    tags: Mapping[str, str] = field(default_factory=dict)


class GeneratedSecret(Construct):
    """A secret holding ``{"username", "password"}``; Secrets Manager generates the password.

    The password comes from the ``aws_secretsmanager_random_password`` data source (no random provider)
    and is written through the write-only ``secret_string_wo`` argument, so neither the synthesized
    configuration nor the secret version's state holds it. Consumers reference the secret ARN.
    """

    def __init__(self, scope: Construct, id: str, props: GeneratedSecretProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_NAME.match(props.name)), "name", props.name,
                       "1-512 letters, digits and /_+=.@- (a Secrets Manager name)")
        problems.check(bool(props.username), "username", props.username, "a non-empty user name")
        problems.check(16 <= props.password_length <= 128, "password_length", props.password_length, "16-128")
        problems.check(props.version >= 1, "version", props.version, "an integer >= 1")
        problems.check(props.recovery_window_days == 0 or 7 <= props.recovery_window_days <= 30,
                       "recovery_window_days", props.recovery_window_days, "0 or 7-30")
        problems.raise_if_any(ValidationError, "invalid generated secret")
        self.props = props
        self.resource = SecretsmanagerSecret(
            self, "Resource", name=props.name, kms_key_id=props.kms_key_arn,
            recovery_window_in_days=props.recovery_window_days, tags=dict(props.tags) or None,
        )
        password = DataAwsSecretsmanagerRandomPassword(
            self, "Password", password_length=props.password_length, exclude_characters=props.exclude_characters,
            require_each_included_type=True,
        )
        self.version = SecretsmanagerSecretVersion(
            self, "Value", secret_id=self.resource.id,
            secret_string_wo=cdk.Fn.jsonencode({"username": props.username, "password": password.random_password}),
            secret_string_wo_version=props.version,
        )

    @property
    def arn(self) -> str:
        """The secret ARN (a token)."""
        return self.resource.arn

    def password_value(self) -> str:
        """A reference to the stored password, for a resource that must set it (the CDC database user).

        Reads the secret back (data source ``Stored``, after the value is written), so the user gets
        exactly the password the connector will read. The value only reaches state, never the configuration.
        """
        stored = DataAwsSecretsmanagerSecretVersion(self, "Stored", secret_id=self.resource.id,
                                                    depends_on=[self.version])
        return cdk.Fn.lookup(cdk.Fn.jsondecode(stored.secret_string), "password")

    def read_statement(self, sid: str = "ReadSecret") -> Statement:
        """Allow reading this one secret's value."""
        return Statement(
            sid=sid, actions=("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
            resources=(self.arn,),
        )
