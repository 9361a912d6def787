"""The review report: what changes between two synthesized outputs, grouped by stack and channel.

Plain dataclasses, so the JSON form (:func:`channelkit.review.render.to_json`) is their ``asdict``. A
:class:`Review` holds one :class:`ChannelReview` per channel (and one per stack for resources that belong
to no channel), each with its resource changes, predicted replacements, access changes, policy violations
and data-loss blockers. ``--allow-data-loss`` turns the data-loss blockers into an :class:`Override`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ACTIONS",
    "EXIT_BLOCKED",
    "EXIT_CLEAN",
    "AccessChange",
    "AttributeChange",
    "Blocker",
    "ChannelReview",
    "Override",
    "PlanCoverage",
    "PolicyViolation",
    "Replacement",
    "ResourceChange",
    "Review",
]

#: Exit code of a review without blockers (overridden blockers included).
EXIT_CLEAN = 0
#: Exit code of a review with at least one blocker (data loss not allowed, or a policy violation).
EXIT_BLOCKED = 2
#: Resource actions, in the order reports list them.
ACTIONS = ("replace", "delete", "create", "update")

#: Shown instead of a sensitive value.
REDACTED = "(sensitive)"


@dataclass
class AttributeChange:
    """One attribute path that differs (``config.retention.ms``; list items by index: ``rule.0.expiration``)."""

    path: str
    before: Any = None
    after: Any = None
    sensitive: bool = False  #: ``before``/``after`` are redacted
    forces_replacement: bool = False


@dataclass
class Replacement:
    """Why a resource is (or is predicted to be) replaced: the attribute that forces it and the rule."""

    attribute: str
    rule: str  #: ``force_new``, ``decreased``, ``bigquery_schema``, ``changed``, or ``plan`` (a real plan says so)
    description: str = ""
    source: str = ""  #: where the rule was read (provider repository, ref, file, function)
    certain: bool = True  #: False: it depends on something the review cannot see (e.g. the Kafka version)


@dataclass
class ResourceChange:
    """One resource address that is created, updated, replaced or deleted."""

    address: str  #: ``type.logical_id``, as Terraform names it
    type: str
    kind: str  #: topic, acl, connector, table, view, storage, grant, db_user, cdc, catalog_dq_dlp, key, iam, other
    action: str  #: create, update, replace, delete
    construct_path: str = ""
    data_bearing: bool = False
    basis: str = "predicted"  #: ``predicted`` (offline, from the schemas and rules) or ``plan`` (a real plan)
    attributes: list[AttributeChange] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)
    plan_reason: str = ""  #: the plan's ``action_reason`` when the basis is a plan
    columns: list[str] = field(default_factory=list)  #: column changes of a table (``column x dropped``)


@dataclass
class AccessChange:
    """A grant added, removed or changed: who may read what, until when, at which clearance."""

    change: str  #: added, removed, changed
    principal: str
    permission: str
    target: str
    address: str
    expires: str = ""  #: the grant's end (after the change; before it for a removal), or ""
    expires_before: str = ""  #: for a change: the end before it
    clearance: str = ""  #: the classification the grant reveals in clear, when the grant says so


@dataclass
class Blocker:
    """A change that loses data (or breaks a policy); blocks the review unless overridden."""

    #: delete-data, replace-data, table-removed, retention-decrease, column-dropped, column-narrowed,
    #: connector-restart, policy
    code: str
    message: str
    address: str = ""
    attribute: str = ""
    basis: str = "predicted"  #: predicted or plan
    overridable: bool = True  #: False for policy violations: ``--allow-data-loss`` does not lift them


@dataclass
class PolicyViolation:
    """One rule of a data policy the head output breaks (see :mod:`channelkit.review.policy`)."""

    rule: str
    message: str
    path: str = ""  #: construct path
    field: str = ""
    value: Any = None
    allowed: str = ""
    severity: str = "error"  #: error (blocks) or warning (reported only)


@dataclass
class ChannelReview:
    """Everything that changes in one channel (or, with ``channel`` = "", in a stack outside any channel)."""

    stack: str
    channel: str  #: the channel's construct id ("" for stack-level resources)
    name: str  #: the channel name (snake case of the id; "" for stack-level resources)
    status: str = "changed"  #: added, removed, changed, unchanged
    resources: list[ResourceChange] = field(default_factory=list)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    access: list[AccessChange] = field(default_factory=list)
    policy_violations: list[PolicyViolation] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``stack/channel``, or ``stack`` for stack-level resources."""
        return f"{self.stack}/{self.channel}" if self.channel else self.stack

    def count(self, action: str) -> int:
        """How many resources take ``action``."""
        return sum(1 for r in self.resources if r.action == action)


@dataclass
class Override:
    """``--allow-data-loss``: who allowed the data-loss blockers, and why."""

    who: str
    reason: str
    blockers: list[str] = field(default_factory=list)  #: ``channel: code address`` of each blocker allowed


@dataclass
class PlanCoverage:
    """One real plan file and the stack it covers."""

    file: str
    stack: str
    resources: int  #: how many resource changes of the stack it holds


@dataclass
class Review:
    """The whole report."""

    base: str
    head: str
    channels: list[ChannelReview] = field(default_factory=list)
    plans: list[PlanCoverage] = field(default_factory=list)
    override: Override | None = None

    @property
    def blockers(self) -> list[tuple[ChannelReview, Blocker]]:
        """Every blocker, with its channel; overridden ones excluded."""
        allowed = self.override is not None
        return [(c, b) for c in self.channels for b in c.blockers if not (allowed and b.overridable)]

    @property
    def all_blockers(self) -> list[tuple[ChannelReview, Blocker]]:
        """Every blocker found, overridden ones included."""
        return [(c, b) for c in self.channels for b in c.blockers]

    @property
    def exit_code(self) -> int:
        """0 when nothing blocks, 2 when a blocker stands."""
        return EXIT_BLOCKED if self.blockers else EXIT_CLEAN

    def count(self, action: str) -> int:
        """How many resources take ``action`` across the report."""
        return sum(c.count(action) for c in self.channels)
