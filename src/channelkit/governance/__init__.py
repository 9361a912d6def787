"""Data management built into a channel: classification-driven access and masking (:mod:`.access`)."""

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

__all__ = [
    "CLEAR",
    "HIDDEN",
    "LEVELS",
    "MASKING_RULES",
    "ColumnAccess",
    "access",
    "channel_level",
    "column_level",
    "default_masking",
    "masking_problem",
    "rank",
    "visibility",
]
