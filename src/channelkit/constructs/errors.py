"""Typed errors raised by channelkit's constructs and patterns.

Every class is a :class:`~channelkit.errors.ValidationError`: it carries
every :class:`~channelkit.errors.Problem` found by one check, each naming the
construct path, the field, the bad value and what is allowed.
"""

from __future__ import annotations

from channelkit.errors import ValidationError

__all__ = [
    "CollisionError",
    "ConstructPropsError",
    "InvalidNameError",
    "PrincipalError",
    "TableDefinitionError",
]


class ConstructPropsError(ValidationError):
    """A construct prop is out of range (partitions, replication factor, expiry, retention...)."""


class InvalidNameError(ValidationError):
    """A name is not valid where it is used (Kafka topic, BigQuery dataset/table id, connector name)."""


class PrincipalError(ValidationError):
    """A principal is malformed (``User:<name>`` for Kafka; ``user:``/``group:``/``serviceAccount:`` for GCP)."""


class TableDefinitionError(ValidationError):
    """The declared tables are unusable: none, no primary key, duplicates, unknown column type."""


class CollisionError(ValidationError):
    """Two channels in one app claim the same topic prefix, server id, slot name or dataset."""
