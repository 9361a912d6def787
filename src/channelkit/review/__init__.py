"""``channelkit review``: a plan review of two synthesized outputs that blocks data loss.

It compares the base and the head output (directories, or git revisions synthesized in temporary
worktrees), stack by stack and channel by channel, and reports added, changed and removed resources by kind,
attribute diffs (sensitive values redacted), predicted replacements (the schemas' ``force_new`` plus the
providers' conditional rules), access changes, policy violations and data-loss blockers. Real plans
(``terraform show -json``) decide the action of the resources they cover. See ``docs/review.md``.

Modules: :mod:`~channelkit.review.load` (the two sides), :mod:`~channelkit.review.rules` (what the review
knows of each type, ``rules.json``), :mod:`~channelkit.review.diff` (attribute diffs),
:mod:`~channelkit.review.columns` (BigQuery and Glue column changes), :mod:`~channelkit.review.classify`
(action, replacement, data loss, access), :mod:`~channelkit.review.plan` (real plans),
:mod:`~channelkit.review.policy` (policy violations), :mod:`~channelkit.review.model` (the report),
:mod:`~channelkit.review.render` (markdown and JSON), :mod:`~channelkit.review.api` (:func:`review`).
"""

from .api import review, review_outputs, who_allows
from .load import Output, ReviewError, load_output
from .model import EXIT_BLOCKED, EXIT_CLEAN, Blocker, ChannelReview, PolicyViolation, Review
from .policy import POLICY_FILE, ChannelSides, PolicyCheck, load_policy_file, write_policy_file
from .render import MARKER, summary, to_json, to_markdown

__all__ = [
    "EXIT_BLOCKED",
    "EXIT_CLEAN",
    "MARKER",
    "POLICY_FILE",
    "Blocker",
    "ChannelReview",
    "ChannelSides",
    "Output",
    "PolicyCheck",
    "PolicyViolation",
    "Review",
    "ReviewError",
    "load_output",
    "load_policy_file",
    "review",
    "review_outputs",
    "summary",
    "to_json",
    "to_markdown",
    "who_allows",
    "write_policy_file",
]
