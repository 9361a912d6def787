"""The org's data policy: set once for an app or a stack, every channel is checked against it.

A :class:`DataPolicy` answers, for the whole organisation, the questions each new channel raises:

- **geography**: where data of each classification may live (BigQuery locations, AWS regions);
- **retention**: how long Kafka topics and the warehouse may (or must) keep data of each classification;
- **who may read**: the org's own domains and accounts, which guests may read, and for how long at most;
- **coverage**: masking rules for ``pii`` and ``restricted`` columns, destroy protection, a customer key;
- **ownership**: the owner's contact belongs to the org.

Apply it with :meth:`DataPolicy.apply` (``DataPolicy(...).apply(app)`` or ``.apply(stack)``). A channel
then checks every policy of its stack and of its app while it is constructed, before it joins the tree;
every violation is one problem of one :class:`PolicyViolationError` (with the channel's other problems,
if any, in one combined error). Applying a policy to a scope that already holds channels checks them all
at once, so one error lists every violation of the app. Later ``grant_read`` calls are checked too.

Without a policy nothing here is checked. ``DataPolicy()`` itself is safe; its defaults:

- geography: none (no location or region can be assumed for an org; set ``bigquery_locations`` and
  ``aws_regions``). A channel on MSK with an S3 lake keeps ``confidential`` and ``restricted`` data in one
  region (``same_region``).
- retention: Kafka topics keep ``confidential`` data at most 30 days and ``restricted`` data at most 7
  (:data:`DEFAULT_KAFKA_RETENTION`); the warehouse is not limited.
- who may read: the org is the owner's email domain and the channel's own AWS account (and, for
  ``serviceAccount:`` members, the warehouse's project); anyone else is a guest, whose grant must expire
  within 30 days. Kafka principals are the cluster's own users. A principal given as a reference
  (``${...}``) is an identity the app itself creates, so it is the org's.
- coverage: the default masking rules count (``explicit_masking=False``); data-bearing resources must be
  protected from destroy; a channel holding ``confidential`` or ``restricted`` data must use a
  customer-managed key (``customer_key_from="confidential"``).
- ownership: the owner's email must be in ``org_domains`` when those are given.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit.constructs.aws.rules import parse_arn
from channelkit.constructs.errors import ConstructPropsError
from channelkit.errors import Problem, ProblemCollector, ValidationError
from channelkit.props import Boolean, Days, Instance, Map, Maybe, OneOf, Rule, Seq, Text, check_props

from .access import LEVELS, column_level, rank

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = [
    "DEFAULT_KAFKA_RETENTION",
    "POLICY_REPORT_ENV",
    "POLICY_REPORT_FILE",
    "DataPolicy",
    "PolicyViolationError",
    "RetentionLimit",
    "channel_violations",
    "policies_for",
    "reader_violations",
    "register_channel",
    "report_violations",
]


class PolicyViolationError(ValidationError):
    """A channel breaks its org's :class:`DataPolicy`: every violation, each naming the rule it breaks."""


@dataclass(frozen=True, kw_only=True)
class RetentionLimit:
    """How long data of one classification may, or must, be kept.

    Args:
        minimum: keep it at least this long (default None: no minimum).
        maximum: keep it at most this long (default None: no maximum). A warehouse that keeps its
            change history forever (no ``history_retention``) exceeds every maximum.
    """

    minimum: timedelta | None = None
    maximum: timedelta | None = None

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {"minimum": Maybe(Days(min_days=1)), "maximum": Maybe(Days(min_days=1))}

    def describe(self) -> str:
        """``between 1 and 30 days``, ``at most 7 days`` and the like."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"between {low.days} and {high.days} days"
        return f"at most {high.days} days" if high is not None else f"at least {low.days} days" if low else "any"


#: Kafka retention by default: topics carry every column unmasked, so sensitive data leaves them soon.
DEFAULT_KAFKA_RETENTION: Mapping[str, RetentionLimit] = {
    "confidential": RetentionLimit(maximum=timedelta(days=30)),
    "restricted": RetentionLimit(maximum=timedelta(days=7)),
}

_DOMAIN = Text(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", max_len=253,
               what="a lower-case DNS domain such as example.com")
_ACCOUNT = Text(r"[0-9]{12}", what="a 12-digit AWS account id")
_LOCATION = Text(r"[A-Za-z]+(-[a-z]+[0-9]+)?", what="a BigQuery location such as EU, US or europe-west1")
_REGION = Text(r"[a-z]{2}(-[a-z]+)+-[0-9]", what="an AWS region such as eu-west-1")
_LEVEL = OneOf(LEVELS)
_RETENTIONS = Map(_LEVEL, Instance((RetentionLimit,), "a RetentionLimit(minimum=..., maximum=...)"),
                  what="a mapping of classification to RetentionLimit")


@dataclass(frozen=True, kw_only=True)
class DataPolicy:
    """The org's rules for every channel of an app or a stack (see the module docs for the defaults).

    Args:
        name: how violations name the policy (default ``data policy``).
        bigquery_locations: classification → the BigQuery locations its data, and data of every level
            above it, may live in (compared without case). Each rule of this policy keyed by a classification
            covers that level and the ones above: ``{"confidential": ["EU"]}`` keeps restricted data in the
            EU too. Without a rule at or below a level, its data may live anywhere.
        aws_regions: classification → the AWS regions its data may live in (the lake's region and the
            MSK cluster's).
        same_region: a channel on MSK with an S3 lake keeps ``confidential`` and ``restricted`` data in
            one region (default True).
        kafka_retention: classification → the channel's Kafka ``retention`` limits (default
            :data:`DEFAULT_KAFKA_RETENTION`).
        warehouse_retention: classification → the warehouse's ``history_retention`` limits (default none).
        org_domains: the org's email domains (default: the owner's email domain).
        org_accounts: the org's AWS account ids (default: the channel's own account, where it has one).
        guest_domains: the domains outside the org whose principals may read (default None: any); a
            guest's grant must expire within ``max_guest_grant``. ``()`` admits no guest.
        guest_accounts: the same for AWS accounts (default None: any).
        max_guest_grant: the longest a guest's grant may last (whole days, default 30).
        explicit_masking: every ``pii`` or ``restricted`` column must name its ``masking`` rule (default
            False: the default rules count).
        require_protection: data-bearing resources must be protected from destroy (default True).
        customer_key_from: channels holding data of this classification or above must encrypt the
            warehouse with a customer-managed key (default ``confidential``; None: never required).
    """

    name: str = "data policy"
    bigquery_locations: Mapping[str, Sequence[str]] = field(default_factory=dict)
    aws_regions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    same_region: bool = True
    kafka_retention: Mapping[str, RetentionLimit] = field(default_factory=lambda: dict(DEFAULT_KAFKA_RETENTION))
    warehouse_retention: Mapping[str, RetentionLimit] = field(default_factory=dict)
    org_domains: Sequence[str] = ()
    org_accounts: Sequence[str] = ()
    guest_domains: Sequence[str] | None = None
    guest_accounts: Sequence[str] | None = None
    max_guest_grant: timedelta = timedelta(days=30)
    explicit_masking: bool = False
    require_protection: bool = True
    customer_key_from: str | None = "confidential"

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "name": Text(min_len=1, max_len=200, what="a non-empty name"),
        "bigquery_locations": Map(_LEVEL, Seq(_LOCATION, min_items=1), what="a mapping of classification to "
                                                                             "BigQuery locations"),
        "aws_regions": Map(_LEVEL, Seq(_REGION, min_items=1), what="a mapping of classification to AWS regions"),
        "same_region": Boolean(),
        "kafka_retention": _RETENTIONS,
        "warehouse_retention": _RETENTIONS,
        "org_domains": Seq(_DOMAIN),
        "org_accounts": Seq(_ACCOUNT),
        "guest_domains": Maybe(Seq(_DOMAIN)),
        "guest_accounts": Maybe(Seq(_ACCOUNT)),
        "max_guest_grant": Days(min_days=1),
        "explicit_masking": Boolean(),
        "require_protection": Boolean(),
        "customer_key_from": Maybe(_LEVEL),
    }

    def check(self, problems: ProblemCollector) -> bool:
        """Record every problem of the policy's own props; return whether it is usable."""
        ok = check_props(problems, DataPolicy.PROPS, self)
        for name in ("kafka_retention", "warehouse_retention"):
            limits = getattr(self, name)
            if not ok[name]:
                continue
            for level, limit in limits.items():
                usable = all(check_props(problems, RetentionLimit.PROPS, limit, prefix=f"{name}[{level}].").values())
                if usable and limit.minimum is not None and limit.maximum is not None:
                    problems.check(limit.minimum <= limit.maximum, f"{name}[{level}]", limit,
                                   "a minimum no longer than the maximum")
        return all(ok.values()) and not problems.problems

    def apply(self, scope: Construct) -> DataPolicy:
        """Make this the policy of ``scope`` (an app or a stack) and check the channels already in it.

        Channels created later in ``scope`` check it while they are constructed.

        Returns:
            The policy.

        Raises:
            ConstructPropsError: the policy's own props are invalid.
            PolicyViolationError: channels already in ``scope`` break it (every violation of every one).
        """
        where = _scope_path(scope)
        problems = ProblemCollector(where)
        if not isinstance(scope, Construct):
            problems.add("scope", scope, "an App or a TerraformStack")
        self.check(problems)
        problems.raise_if_any(ConstructPropsError, f"invalid data policy for {where}")
        policies: list[DataPolicy] = scope.__dict__.setdefault(_POLICIES, [])
        if self not in policies:
            policies.append(self)
        found: list[Problem] = []
        for channel in _channels_in(scope):
            violations = channel_violations(self, channel)
            if not report_violations(channel, violations, append=True):
                found += violations
        if found:
            raise PolicyViolationError(found, summary=f"channels in {where} break the {self.name}")
        return self


_POLICIES = "_channelkit_policies"
_CHANNELS = "_channelkit_channels"


def register_channel(channel: Channel) -> None:
    """Remember ``channel`` in its app, for a policy applied after it was built."""
    root = getattr(channel, "_channelkit_root", None)
    if root is not None:
        root.__dict__.setdefault(_CHANNELS, []).append(channel)


def policies_for(stack: Any, root: Any) -> list[DataPolicy]:
    """The policies that apply to a channel in ``stack`` of app ``root``: the stack's, then the app's."""
    found: list[DataPolicy] = []
    for scope in (stack, root):
        if scope is not None:
            found += [p for p in scope.__dict__.get(_POLICIES, ()) if p not in found]
    return found


def _channels_in(scope: Any) -> list[Channel]:
    from channelkit.constructs._util import root_of

    channels = root_of(scope).__dict__.get(_CHANNELS, ())
    return [c for c in channels if c.stack is scope or c._channelkit_root is scope]


def _scope_path(scope: Any) -> str:
    from channelkit.constructs._util import path_of

    return (path_of(scope) or "<app>") if isinstance(scope, Construct) else "<no scope>"


# -- the checks ------------------------------------------------------------------------------------------------
def channel_violations(policy: DataPolicy, channel: Channel) -> list[Problem]:
    """Every way ``channel`` breaks ``policy`` (the channel's props are valid; its tables may be partial)."""
    problems = ProblemCollector(channel.path)
    levels = _levels(channel)
    facts = channel.warehouse.storage_facts(channel, channel.platform)
    rule = f"({policy.name}"
    _check_geography(policy, problems, channel, levels, facts, rule)
    _check_retention(policy, problems, channel, levels, facts, rule)
    for i, reader in enumerate(channel.readers):
        reader_violations(policy, channel, reader, field=f"readers[{i}]", problems=problems)
    _check_coverage(policy, problems, channel, levels, facts, rule)
    org = {d.lower() for d in policy.org_domains}
    if policy.org_domains and isinstance(channel.owner.email, str):
        domain = channel.owner.email.rpartition("@")[2].lower()
        problems.check(domain in org, "owner.email", channel.owner.email,
                       f"a contact in the org's domains {sorted(org)} {rule}, ownership)")
    return problems.problems


def _levels(channel: Channel) -> list[str]:
    """The classifications the channel's columns hold, least sensitive first."""
    found = {column_level(c) for t in channel.tables for c in t.columns}
    return [level for level in LEVELS if level in found]


def _applying(levels: Sequence[str]) -> list[str]:
    """The levels whose rules apply to a channel holding ``levels``: a rule covers its level and every one above."""
    top = max((rank(level) for level in levels), default=-1)
    return [level for level in LEVELS if rank(level) <= top]


def _data(level: str) -> str:
    """``confidential data and above``, ``restricted data``."""
    return f"{level} data" if level == LEVELS[-1] else f"{level} data and above"


def _check_geography(policy: DataPolicy, problems: ProblemCollector, channel: Channel, levels: Sequence[str],
                     facts: Any, rule: str) -> None:
    places: list[tuple[str, str, str]] = []  # (system, field, value)
    if facts.location is not None:
        places.append(("bigquery", "warehouse.location", facts.location))
    if facts.aws_region is not None:
        places.append(("aws", "warehouse.region", facts.aws_region))
    kafka_region = channel.platform.aws_region
    if kafka_region is not None:
        places.append(("aws", "kafka.arn (region)", kafka_region))
    for level in _applying(levels):
        for system, where, value in places:
            allowed = (policy.bigquery_locations if system == "bigquery" else policy.aws_regions).get(level)
            if allowed is None:
                continue
            fold = str.upper if system == "bigquery" else str
            problems.check(fold(value) in {fold(a) for a in allowed}, where, value,
                           f"one of {list(allowed)} for {_data(level)} {rule}, geography)")
    if (policy.same_region and kafka_region is not None and facts.aws_region is not None
            and any(rank(level) >= rank("confidential") for level in levels)):
        problems.check(kafka_region == facts.aws_region, "warehouse.region", facts.aws_region,
                       f"the MSK cluster's region {kafka_region}: this channel holds {levels[-1]} data "
                       f"{rule}, same_region)")


def _check_retention(policy: DataPolicy, problems: ProblemCollector, channel: Channel, levels: Sequence[str],
                     facts: Any, rule: str) -> None:
    for level in _applying(levels):
        kafka = policy.kafka_retention.get(level)
        if kafka is not None and not _within(kafka, channel.retention_days):
            problems.add("retention", timedelta(days=channel.retention_days),
                         f"{kafka.describe()} for {_data(level)} on Kafka {rule}, retention)")
        warehouse = policy.warehouse_retention.get(level)
        if warehouse is not None and not _within(warehouse, facts.retention_days):
            kept = "kept forever" if facts.retention_days is None else timedelta(days=facts.retention_days)
            problems.add("warehouse.history_retention", kept,
                         f"{warehouse.describe()} for {_data(level)} in the warehouse {rule}, retention)")


def _within(limit: RetentionLimit, days: int | None) -> bool:
    """Whether keeping data ``days`` days (None: forever) meets ``limit``."""
    if limit.minimum is not None and days is not None and days < limit.minimum.days:
        return False
    return limit.maximum is None or (days is not None and days <= limit.maximum.days)


def _check_coverage(policy: DataPolicy, problems: ProblemCollector, channel: Channel, levels: Sequence[str],
                    facts: Any, rule: str) -> None:
    if policy.explicit_masking:
        for t in channel.tables:
            for c in t.columns:
                if (c.pii is True or c.classification == "restricted") and c.masking is None:
                    problems.add(f"tables[{t.name}].columns[{c.name}].masking", None,
                                 f"a masking rule chosen for this {'pii' if c.pii else 'restricted'} column "
                                 f"{rule}, explicit_masking)")
    if policy.require_protection and not facts.protected:
        problems.add(facts.protect_field, False, f"protection from destroy for data-bearing resources {rule}, "
                                                 "require_protection)")
    needs_key = policy.customer_key_from is not None and levels and rank(levels[-1]) >= rank(
        policy.customer_key_from)
    if needs_key and not facts.customer_key:
        problems.add(facts.key_field, None, f"a customer-managed key: this channel holds {levels[-1]} data "
                                            f"{rule}, customer_key_from={policy.customer_key_from!r})")


def reader_violations(
    policy: DataPolicy, channel: Channel, reader: Any, *, field: str, problems: ProblemCollector,
    expires: datetime | None = None,
) -> None:
    """Record how granting ``reader`` (a Reader or a principal string) to ``channel`` breaks ``policy``."""
    from channelkit.patterns.model import Reader

    if isinstance(reader, Reader):
        identities = [(f"{field}.{system}", reader.identity(system), system) for system in ("gcp", "aws")]
        when = reader.expires or expires
        where_expiry = f"{field}.expires"
    elif isinstance(reader, str):
        system = channel.warehouse.reader_system if not reader.startswith("User:") else "kafka"
        identities = [(field, reader, system)]
        when, where_expiry = expires, f"{field} (expires)"
    else:
        return
    for where, principal, system in identities:
        if not isinstance(principal, str) or system == "kafka" or "${" in principal:
            continue
        home, guest_list, what = _home_of(policy, channel, principal, system)
        if home is None or home in _org_of(policy, channel, system):
            continue
        rule = f"({policy.name}, who may read)"
        if guest_list is not None and home not in guest_list:
            problems.add(where, principal, f"a principal of the org ({sorted(_org_of(policy, channel, system))}) "
                                           f"or of a guest {what} {list(guest_list)} {rule}")
            continue
        limit = policy.max_guest_grant
        latest = datetime.now(UTC) + limit
        ok = isinstance(when, datetime) and when.tzinfo is not None and when <= latest
        problems.check(ok, where_expiry, when,
                       f"an expiry within {limit.days} days (by {latest:%Y-%m-%d}) for {principal}, a guest from "
                       f"outside the org {rule}")


def _home_of(policy: DataPolicy, channel: Channel, principal: str, system: str
             ) -> tuple[str | None, Sequence[str] | None, str]:
    """Where ``principal`` comes from (its domain or AWS account), the guests allowed, and what they are."""
    if system == "aws":
        arn = parse_arn(principal)
        home = arn.account if arn is not None and arn.account else f"<no account: {principal}>"
        return home, policy.guest_accounts, "account"
    _, _, email = principal.partition(":")
    if email.partition("@")[2] == "":
        return None, None, "domain"
    return email.rpartition("@")[2].lower(), policy.guest_domains, "domain"


def _org_of(policy: DataPolicy, channel: Channel, system: str) -> set[str]:
    if system == "aws":
        return set(policy.org_accounts) or {a for a in (channel.platform.aws_account,
                                                         channel.warehouse.storage_facts(channel,
                                                                                         channel.platform).account)
                                            if a}
    return _org_domains(policy, channel)


def _org_domains(policy: DataPolicy, channel: Channel) -> set[str]:
    domains = {d.lower() for d in policy.org_domains}
    if not domains and isinstance(channel.owner.email, str):
        domains.add(channel.owner.email.rpartition("@")[2].lower())
    project = channel.warehouse.storage_facts(channel, channel.platform).project
    if project:
        domains.add(f"{project}.iam.gserviceaccount.com")
    return domains


def all_violations(policies: Iterable[DataPolicy], channel: Channel) -> list[Problem]:
    """Every violation of every policy in ``policies`` by ``channel``."""
    return [p for policy in policies for p in channel_violations(policy, channel)]


# -- report mode (for channelkit review) -----------------------------------------------------------------------
#: With this set to a directory, channels record their policy violations in ``<dir>/channelkit-policy.json``
#: instead of raising them, so a review can report them as blockers of the head revision.
POLICY_REPORT_ENV = "CHANNELKIT_POLICY_REPORT"
#: The file violations are recorded in (read by :mod:`channelkit.review`).
POLICY_REPORT_FILE = "channelkit-policy.json"
_REPORTED = "_channelkit_policy_report"
_RULE = re.compile(r"\((?P<policy>[^()]*), (?P<rule>[^()]*)\)$")


def report_violations(channel: Channel, problems: Sequence[Problem], *, append: bool = False) -> bool:
    """In report mode, record ``channel``'s violations in the report file and return True; else False.

    ``append`` adds to what the channel recorded before (a later ``grant_read``) instead of replacing it.

    The file holds every channel of the app checked so far (a channel without violations too, so a file
    left by an earlier synthesis never survives one that checks channels).
    """
    target = os.environ.get(POLICY_REPORT_ENV)
    if not target:
        return False
    stack = channel.stack.node.id if channel.stack is not None else ""
    entries = []
    for p in problems:
        match = _RULE.search(p.allowed)
        entries.append({"stack": stack, "channel": channel.node_id, "rule": match["rule"] if match else "policy",
                        "message": p.render(), "path": p.path, "field": p.field, "value": p.value,
                        "allowed": p.allowed, "severity": "error"})
    root = getattr(channel, "_channelkit_root", None)
    reported: dict[str, list[dict[str, Any]]] = root.__dict__.setdefault(_REPORTED, {}) if root is not None else {}
    reported[channel.path] = [*reported.get(channel.path, []), *entries] if append else entries
    directory = Path(target)
    directory.mkdir(parents=True, exist_ok=True)
    found = [e for es in reported.values() for e in es]
    (directory / POLICY_REPORT_FILE).write_text(json.dumps({"violations": found}, indent=2, default=str) + "\n",
                                                encoding="utf-8")
    return True
