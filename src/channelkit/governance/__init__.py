"""Data management built into a channel.

Classification-driven access and masking (:mod:`.access`), and the org's data policy every channel is
checked against (:mod:`.policy`).
"""

from .access import (
    CLEAR,
    HIDDEN,
    LEVELS,
    MASKING_RULES,
    ColumnAccess,
    access,
    channel_level,
    column_level,
    default_masking,
    masking_problem,
    rank,
    visibility,
)
from .policy import DEFAULT_KAFKA_RETENTION, DataPolicy, PolicyViolationError, RetentionLimit

__all__ = [
    "CLEAR",
    "DEFAULT_KAFKA_RETENTION",
    "HIDDEN",
    "LEVELS",
    "MASKING_RULES",
    "ColumnAccess",
    "DataPolicy",
    "PolicyViolationError",
    "RetentionLimit",
    "access",
    "channel_level",
    "column_level",
    "default_masking",
    "masking_problem",
    "rank",
    "visibility",
]
