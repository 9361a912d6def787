"""A Secrets Manager secret whose password AWS generates: the value never appears in the configuration."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from ..._cdk import cdk
from ..._text import literal, literal_map
from ...providers.aws import (
    DataAwsSecretsmanagerRandomPassword,
    DataAwsSecretsmanagerSecretVersion,
    SecretsmanagerSecret,
    SecretsmanagerSecretVersion,
)
from .._util import init_construct, remembered
from ._common import ArnResource, Checks, check_construct, check_tags, check_text, is_int
from .iam import Statement
from .kms import ChannelKey
from .rules import check_secret_name, check_sid

__all__ = ["DEFAULT_EXCLUDE_CHARACTERS", "GeneratedSecret"]

#: Characters a generated password never contains: they would need escaping in MySQL/Postgres URLs,
#: JSON, shells or connector configuration.
DEFAULT_EXCLUDE_CHARACTERS = "\"'@/\\:;?#%&{}$`"
_FIELD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


class GeneratedSecret(ArnResource, Construct):
    """A Secrets Manager secret (``aws_secretsmanager_secret``, id ``Resource``) holding a generated password.

    The secret's value is ``{"username", "password"}``. The password comes from the
    ``aws_secretsmanager_random_password`` data source (``Password``; no random provider) and is
    written through the write-only ``secret_string_wo`` argument of the secret version (``Value``), so
    neither the synthesized configuration nor the version's state holds it. Consumers reference the
    secret ARN (see :meth:`placeholder`); the secret is encrypted with the channel key.

    Args:
        scope: parent construct.
        id: construct id.
        name: the secret name, e.g. ``channelkit/orders/db`` (1-512 letters, digits and ``/_+=.@-``).
        username: stored next to the password in the secret's JSON.
        key: the channel key the secret is encrypted with.
        password_length: 16-128 characters (default 32).
        exclude_characters: characters the password never contains (default
            :data:`DEFAULT_EXCLUDE_CHARACTERS`, which suits MySQL/Postgres URLs).
        version: bump to generate and store a new password (default 1; the value is write-only: never
            in state).
        recovery_window_days: 0 (delete at once) or 7-30 (default 7).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_secretsmanager_secret``.
        key: the channel key.
        value_version: the ``aws_secretsmanager_secret_version`` (child ``Value``) writing the value.
            Named ``value_version`` rather than ``version`` so it is not mistaken for the ``version``
            prop (an integer).

    Raises:
        InvalidNameError: the secret name is malformed.
        ConstructPropsError: username, key, password length, version, recovery window or tags malformed
            (with a bad name too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        username: str,
        key: ChannelKey,
        password_length: int = 32,
        exclude_characters: str = DEFAULT_EXCLUDE_CHARACTERS,
        version: int = 1,
        recovery_window_days: int = 7,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the secret and write its value."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_secret_name(checks.names, "name", name)
        check_text(checks.props, "username", username, min_len=1, max_len=128, what="a user name")
        check_construct(checks.props, "key", key, ChannelKey)
        checks.props.check(is_int(password_length) and 16 <= password_length <= 128, "password_length",
                           password_length, "an integer from 16 to 128")
        check_text(checks.props, "exclude_characters", exclude_characters, max_len=4096)
        checks.props.check(is_int(version) and version >= 1, "version", version, "an integer >= 1")
        checks.props.check(is_int(recovery_window_days) and (recovery_window_days == 0
                                                             or 7 <= recovery_window_days <= 30),
                           "recovery_window_days", recovery_window_days, "0 (delete at once) or an integer 7-30")
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid generated secret at {path}")
        self.key = key
        self.resource = SecretsmanagerSecret(
            self, "Resource", name=name, kms_key_id=key.arn,
            recovery_window_in_days=recovery_window_days, tags=literal_map(tags),
        )
        password = DataAwsSecretsmanagerRandomPassword(
            self, "Password", password_length=password_length, exclude_characters=literal(exclude_characters),
            require_each_included_type=True,
        )
        self.value_version = SecretsmanagerSecretVersion(
            self, "Value", secret_id=self.resource.id,
            secret_string_wo=cdk.Fn.jsonencode({"username": username, "password": password.random_password}),
            secret_string_wo_version=version,
        )

    def password_value(self) -> str:
        """A reference to the stored password, for a resource that must set it (the CDC database user).

        Reads the secret back (data source ``Stored``, after the value is written), so the user gets
        exactly the password the connector will read. The value only reaches state, never the
        configuration. Calling it again returns a reference to the same data source.
        """
        stored = remembered(self, "Stored", lambda: DataAwsSecretsmanagerSecretVersion(
            self, "Stored", secret_id=self.resource.id, depends_on=[self.value_version],
        ))
        return cdk.Fn.lookup(cdk.Fn.jsondecode(stored.secret_string), "password")

    def placeholder(self, field: str = "password") -> str:
        """The MSK Connect config-provider placeholder of one field: ``${secretsmanager:<arn>:<field>}``.

        Put it in a connector configuration instead of the value; the worker's ``secretsmanager``
        config provider resolves it at run time. It is built with ``Fn.join`` so cdktf escapes the
        literal ``${`` (to ``$${``) instead of Terraform reading it as an interpolation.

        Args:
            field: the JSON field of the secret (default ``password``; ``username`` also exists).

        Raises:
            ConstructPropsError: ``field`` is empty or holds characters other than letters, digits,
                ``_``, ``-`` and ``.``.
        """
        checks = Checks(self)
        checks.props.check(isinstance(field, str) and bool(field) and set(field) <= _FIELD_CHARS, "field", field,
                           "a JSON field of the secret such as password (letters, digits, '_', '-', '.')")
        checks.raise_if_any("invalid secret placeholder at {path}")
        return cdk.Fn.join("", ["${secretsmanager:", self.arn, ":" + field + "}"])

    def grant_read(self, sid: str = "ReadSecret") -> tuple[Statement, ...]:
        """The statements allowing to read this one secret's value and decrypt it.

        ``<sid>`` allows ``secretsmanager:GetSecretValue`` and ``secretsmanager:DescribeSecret`` on this
        secret; ``<sid>Kms`` allows decrypting with the secret's key.

        Args:
            sid: the statement id (default ``ReadSecret``; letters and digits).

        Raises:
            ConstructPropsError: ``sid`` is not letters and digits.
        """
        checks = Checks(self)
        check_sid(checks.props, "sid", sid)
        checks.raise_if_any("invalid secret grant at {path}")
        return (
            Statement(
                sid=sid, actions=("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                resources=(self.arn,),
            ),
            self.key.grant_decrypt(f"{sid}Kms"),
        )
