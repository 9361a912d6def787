"""Names that must be unique in a cloud account, a project or on a cluster, claimed across one app.

Every channel hands the names it will create to :func:`check_claims` before it builds anything: the
source's (MySQL server id, Postgres slot), the platform's (:meth:`~channelkit.platforms.Platform.claims`:
Kafka topics, consumer groups, connector names, IAM roles...) and the warehouse's
(:meth:`~channelkit.warehouses.Warehouse.claims`: bucket, Glue database and tables, BigQuery dataset,
tables and columns...). Two claims collide when their kind, their scope and their value *as the target
system compares names* are equal:

- ``fold="case"``: the system ignores case (IAM names, Glue names, BigQuery column names, S3 buckets);
- ``fold="kafka-topic"``: Kafka rejects a topic whose name differs from an existing one only in ``.``
  against ``_`` (apache/kafka ``ReplicationControlManager.topicsWithCollisionChars``, KAFKA-13743; read at
  commit 39ed3f8a, metadata/src/main/java/org/apache/kafka/controller/ReplicationControlManager.java);
- ``fold="exact"``: everything else.

A collision between two channels, or between two parts of one channel (two tables ``Orders`` and
``orders`` → one Glue table), is one :class:`~channelkit.constructs.errors.CollisionError` naming both
claimants' construct paths, the kind and the value. The registry lives on the app's root construct, so
channels in different stacks of one app are checked against each other too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from channelkit.constructs.errors import CollisionError
from channelkit.errors import ProblemCollector

__all__ = ["FOLDS", "Claim", "ClaimRegistry", "check_claims", "registry"]

#: How a system compares names: ``exact``, ``case`` (case-insensitive), ``kafka-topic`` (``.`` equals ``_``).
FOLDS = ("exact", "case", "kafka-topic")


@dataclass(frozen=True)
class Claim:
    """One name a channel will create, which no other claimant may create too.

    Attributes:
        kind: what the name names (``IAM role``, ``Glue table``, ``Kafka topic``...); the problem's field.
        value: the name exactly as it will be created (after any cut to the system's length limit).
        within: where the name must be unique, e.g. ``Kafka cluster main`` or ``BigQuery table p.d.t``
            (default ``""``: anywhere in the app, e.g. a bucket name or an account-wide IAM name).
        by: what in the channel takes the name, e.g. ``tables[orders]`` (default ``""``: the channel).
            Two claims of one channel collide only when their ``by`` differ.
        fold: how the system compares names, one of :data:`FOLDS` (default ``exact``).
        note: why the name is what it is, shown with a collision (e.g. ``IAM role names are cut to 64``).
    """

    kind: str
    value: str
    within: str = ""
    by: str = ""
    fold: str = "exact"
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(kind, within, value)`` as the target system compares them."""
        value = self.value if isinstance(self.value, str) else str(self.value)  # a bad value is reported elsewhere
        if self.fold == "case":
            value = value.lower()
        elif self.fold == "kafka-topic":
            value = value.replace(".", "_")
        return (self.kind, self.within, value)


@dataclass
class _Owner:
    path: str
    claim: Claim


class ClaimRegistry:
    """The claims of every channel of one app (kept on the app's root construct)."""

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str, str], _Owner] = {}
        #: topic prefix → path of the channel using it.
        self.prefixes: dict[str, str] = {}


def registry(scope: Construct) -> ClaimRegistry:
    """The registry of the app holding ``scope`` (created on first use)."""
    # A Channel checks its claims before it joins the tree: it keeps the app's root at hand for this lookup.
    root: Any = getattr(scope, "_channelkit_root", None) or scope.node.root
    reg = root.__dict__.get("_channelkit_registry")
    if not isinstance(reg, ClaimRegistry):
        reg = root.__dict__["_channelkit_registry"] = ClaimRegistry()
    return reg


def _as_claim(item: Claim | tuple[str, str]) -> Claim:
    return item if isinstance(item, Claim) else Claim(kind=item[0], value=item[1])


def _describe(owner: _Owner) -> str:
    by = f" ({owner.claim.by})" if owner.claim.by else ""
    return f"channel {owner.path}{by}"


def _allowed(claim: Claim, other: _Owner) -> str:
    where = f"within {claim.within}" if claim.within else "in the app"
    shown = f" as {other.claim.value!r}" if other.claim.value != claim.value else ""
    text = f"unique {where}; already used by {_describe(other)}{shown}"
    if claim.by:
        text += f"; claimed here by {claim.by}"
    if claim.fold == "case" and other.claim.value != claim.value:
        text += " (the names differ only in case, which this system ignores)"
    elif claim.fold == "kafka-topic" and other.claim.value != claim.value:
        text += " (Kafka rejects topic names that differ only in '.' against '_')"
    notes = [n for n in dict.fromkeys((claim.note, other.claim.note)) if n]
    if notes:
        text += "; " + "; ".join(notes)
    return text


def check_claims(
    scope: Construct, claims: Iterable[Claim | tuple[str, str]], *, path: str | None = None,
    topic_prefix: str | None = None,
) -> None:
    """Check ``claims`` against every claim of the app and among themselves, then record them.

    Nothing is recorded when a claim collides.

    Args:
        scope: a construct of the app (its root holds the registry).
        claims: the names to claim (:class:`Claim`, or ``(kind, value)`` for an exact app-wide name).
        path: the claimant's construct path (default ``scope.node.path``).
        topic_prefix: a Debezium topic prefix, which may not be nested in another channel's (``a`` / ``a.b``).

    Raises:
        CollisionError: every claim already taken by another claimant (or by another part of this one).
    """
    path = path if path is not None else scope.node.path
    reg = registry(scope)
    problems = ProblemCollector(path)
    mine: dict[tuple[str, str, str], _Owner] = {}
    for claim in (_as_claim(c) for c in claims):
        key = claim.key
        other = reg.claims.get(key)
        if other is not None and (other.path != path or other.claim.by != claim.by):
            problems.add(claim.kind, claim.value, _allowed(claim, other))
            continue
        own = mine.get(key)
        if own is not None and own.claim.by != claim.by:
            problems.add(claim.kind, claim.value, _allowed(claim, own))
            continue
        mine.setdefault(key, _Owner(path, claim))
    if topic_prefix is not None:
        for other_prefix, other_path in reg.prefixes.items():
            if other_path != path and other_prefix != topic_prefix and (
                other_prefix.startswith(topic_prefix + ".") or topic_prefix.startswith(other_prefix + ".")
            ):
                problems.add("topic prefix", topic_prefix,
                             f"a prefix not nested in another channel's ({other_prefix!r} of {other_path})")
    problems.raise_if_any(CollisionError, f"{path} claims names already taken in the app")
    reg.claims.update(mine)
    if topic_prefix is not None:
        reg.prefixes[topic_prefix] = path

