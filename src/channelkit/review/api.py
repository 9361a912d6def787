"""``review(base, head)``: the whole review of two synthesized outputs, grouped by stack and channel."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .classify import (
    access_change,
    channel_name,
    classify,
    column_blockers,
    column_changes,
    resource_blockers,
    retention_blockers,
    tables_of,
)
from .load import Output, Resource, ReviewError, resolve_side
from .model import ACTIONS, Blocker, ChannelReview, Override, PlanCoverage, PolicyViolation, ResourceChange, Review
from .plan import PlanFile, load_plan
from .policy import ChannelSides, PolicyCheck, load_policy_file

__all__ = ["review", "review_outputs", "who_allows"]


def who_allows(env: Mapping[str, str] | None = None) -> str:
    """Who runs the review: ``GITHUB_ACTOR``, else ``USER``, else git's ``user.name``/``user.email``."""
    env = os.environ if env is None else env
    for key in ("GITHUB_ACTOR", "USER", "USERNAME"):
        if env.get(key):
            return env[key]
    git = shutil.which("git")
    if git:
        for key in ("user.name", "user.email"):
            proc = subprocess.run([git, "config", key], capture_output=True, text=True, check=False)
            if proc.returncode == 0 and proc.stdout.strip():
                return proc.stdout.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _group(resources: dict[str, Resource]) -> dict[str, dict[str, Resource]]:
    out: dict[str, dict[str, Resource]] = {}
    for address, res in resources.items():
        out.setdefault(res.channel, {})[address] = res
    return out


def _channel(stack: str, channel: str, base: dict[str, Resource], head: dict[str, Resource],
             plan: PlanFile | None, base_all: dict[str, Resource], head_all: dict[str, Resource]) -> ChannelReview:
    review = ChannelReview(stack=stack, channel=channel, name=channel_name(channel))
    if channel:
        review.status = "added" if not base else "removed" if not head else "changed"
        old_tables, new_tables = tables_of(base), tables_of(head)
        review.tables_added = sorted(new_tables - old_tables)
        review.tables_removed = sorted(old_tables - new_tables)
        if head:
            review.blockers += [Blocker("table-removed", f"table {t} is removed from channel {review.name}: its "
                                        "topic and warehouse table (and their data) are deleted")
                                for t in review.tables_removed]
    for address in sorted(set(base) | set(head)):
        before, after = base.get(address), head.get(address)
        entry = plan.changes.get(address) if plan is not None else None
        change = classify(before, after, entry)
        if change is None:
            continue
        review.resources.append(change)
        review.blockers += resource_blockers(change, before, after)
        if before is not None and after is not None and change.action in ("update", "replace"):
            if change.action == "update":
                review.blockers += retention_blockers(change, before, after)
            columns = column_changes(change.type, before, after)
            change.columns = [c.text() for c in columns]
            review.blockers += column_blockers(change, columns)
        access = access_change(change, before, after, {**base_all, **head_all})
        if access is not None:
            review.access.append(access)
    if plan is not None and not channel:  # what the plan deletes that no configuration has (state only)
        known = set(base_all) | set(head)
        for address, entry in sorted(plan.changes.items()):
            if address not in known and entry.action == "delete":
                review.resources.append(ResourceChange(address, address.split(".")[0], "other", "delete",
                                                       basis="plan", plan_reason=entry.reason))
    review.resources.sort(key=lambda r: (ACTIONS.index(r.action) if r.action in ACTIONS else 9, r.kind, r.address))
    if not review.resources and not review.blockers:
        review.status = "unchanged"
    return review


def review_outputs(
    base: Output,
    head: Output,
    *,
    plans: Sequence[PlanFile] = (),
    policy_checks: Iterable[PolicyCheck] = (),
    allow_data_loss: str | None = None,
    who: str | None = None,
) -> Review:
    """Review ``head`` against ``base``.

    Args:
        base: the output before the change.
        head: the output after it.
        plans: real plans (one per stack at most); they decide the action of the resources they cover.
        policy_checks: checks run on every channel (see :mod:`channelkit.review.policy`).
        allow_data_loss: a reason: data-loss blockers become a recorded :class:`~channelkit.review.model.Override`.
        who: who allows it (default: :func:`who_allows`).
    """
    by_stack = {p.stack: p for p in plans}
    policy_file = load_policy_file(head.directory)
    checks = list(policy_checks)
    result = Review(base=base.label, head=head.label,
                    plans=[PlanCoverage(p.file, p.stack, len(p.changes)) for p in plans])
    for stack in sorted(set(base.stacks) | set(head.stacks)):
        base_res, head_res = base.stacks.get(stack, {}), head.stacks.get(stack, {})
        base_groups, head_groups = _group(base_res), _group(head_res)
        channels = sorted(set(base_groups) | set(head_groups) | {""} if stack in by_stack else
                          set(base_groups) | set(head_groups))
        for channel in channels:
            b, h = base_groups.get(channel, {}), head_groups.get(channel, {})
            review = _channel(stack, channel, b, h, by_stack.get(stack), base_res, head_res)
            violations: list[PolicyViolation] = list(policy_file.get((stack, channel), ()))
            for check in checks:
                violations += list(check(ChannelSides(stack, channel, b, h)))
            review.policy_violations = violations
            review.blockers += [Blocker("policy", f"policy {v.rule}: {v.message}", v.path, v.field,
                                        overridable=False) for v in violations if v.severity == "error"]
            if violations and review.status == "unchanged":
                review.status = "changed"
            result.channels.append(review)
    for key in {(s, c) for s, c in policy_file} - {(c.stack, c.channel) for c in result.channels}:
        review = ChannelReview(stack=key[0], channel=key[1], name=channel_name(key[1]))
        review.policy_violations = policy_file[key]
        review.blockers = [Blocker("policy", f"policy {v.rule}: {v.message}", v.path, v.field, overridable=False)
                           for v in policy_file[key] if v.severity == "error"]
        result.channels.append(review)
    if allow_data_loss is not None:
        allowed = [f"{c.key}: {b.code} {b.address}".rstrip() for c, b in result.all_blockers if b.overridable]
        result.override = Override(who=who or who_allows(), reason=allow_data_loss, blockers=allowed)
    return result


def review(
    base: str | Path,
    head: str | Path,
    *,
    plans: Sequence[str] = (),
    policy_checks: Iterable[PolicyCheck] = (),
    allow_data_loss: str | None = None,
    app: str | None = None,
    cwd: Path | None = None,
    who: str | None = None,
) -> Review:
    """Review two sides given as output directories or git revisions (synthesized in temporary worktrees).

    Args:
        base: output directory or git revision before the change.
        head: output directory or git revision after it.
        plans: ``terraform show -json`` files, each ``FILE`` or ``STACK=FILE``.
        policy_checks: see :func:`review_outputs`.
        allow_data_loss: see :func:`review_outputs`.
        app: the command that synthesizes a revision (default: the app of its cdktf.json, else ``python main.py``).
        cwd: the app's directory (default: the current directory).
        who: see :func:`review_outputs`.

    Raises:
        ReviewError: a side or a plan cannot be used; SynthError: a revision fails to synthesize;
            OutputError: a stack is not Terraform JSON.
    """
    if allow_data_loss is not None and not allow_data_loss.strip():
        raise ReviewError("--allow-data-loss needs a reason (who allowed what is recorded with it)")
    where = cwd or Path.cwd()
    with tempfile.TemporaryDirectory(prefix="channelkit-review-") as tmp:
        base_out = resolve_side(str(base), cwd=where, workdir=Path(tmp), app=app)
        head_out = resolve_side(str(head), cwd=where, workdir=Path(tmp), app=app)
        plan_files = [load_plan(p, head_out, base_out) for p in plans]
        seen: dict[str, str] = {}
        for p in plan_files:
            if p.stack in seen:
                        raise ReviewError(f"plans {seen[p.stack]} and {p.file} both cover stack {p.stack}: "
                                  "give one per stack")
            seen[p.stack] = p.file
        return review_outputs(base_out, head_out, plans=plan_files, policy_checks=policy_checks,
                              allow_data_loss=allow_data_loss, who=who)
