"""The review as GitHub-flavoured markdown (a pull-request comment) or JSON (for bots).

Markdown: a hidden marker (:data:`MARKER`, so CI finds and updates its one comment), a summary line, where
the actions come from (real plan or prediction), the blockers first, the override if any, then one
collapsible ``<details>`` section per channel: resources, replacements, column changes, access changes,
policy violations and attribute diffs (sensitive values redacted).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .model import ChannelReview, Review

__all__ = ["MARKER", "summary", "to_json", "to_markdown"]

#: The hidden first line of the comment; CI updates the comment that carries it.
MARKER = "<!-- channelkit-review -->"
_VALUE_WIDTH = 160
_SYMBOL = {"create": "+", "update": "~", "replace": "±", "delete": "-"}


def _cell(value: Any) -> str:
    """Text safe inside a GFM table cell (pipes escaped, one line)."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _code(value: Any) -> str:
    """Inline code that survives backticks in the value."""
    text = _cell(value)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    text = text.replace("\n", "\\n")
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def _counts(channel: ChannelReview | Review) -> str:
    parts = [f"{channel.count(a)} to {a}" for a in ("replace", "delete", "create", "update") if channel.count(a)]
    return ", ".join(parts) or "no resource changes"


def summary(review: Review) -> str:
    """The one summary line (plain text)."""
    changed = [c for c in review.channels if c.status != "unchanged"]
    standing = len(review.blockers)
    total = len(review.all_blockers)
    if standing:
        head = f"{standing} blocker{'s' if standing != 1 else ''}"
    elif total:
        who = review.override.who if review.override else "?"
        head = f"{total} blocker{'s' if total != 1 else ''} allowed by {who}"
    else:
        head = "no blockers"
    channels = [c for c in review.channels if c.channel]
    moved = [c for c in changed if c.channel]
    groups = f"{len(moved)} of {len(channels)} channel{'s' if len(channels) != 1 else ''} changed"
    return f"channelkit review: {head} · {groups} · {_counts(review)}"


def _basis(review: Review) -> str:
    if not review.plans:
        return ("Every action is **predicted** offline from the provider schemas (`force_new`) and the providers' "
                "conditional rules; no real plan was given.")
    covered = ", ".join(f"`{p.stack}` ({_cell(p.file)})" for p in review.plans)
    return (f"Actions of stacks {covered} come from a **real plan**; every other action is **predicted** offline "
            "from the provider schemas and rules. The basis column says which is which.")


def _blockers(review: Review) -> list[str]:
    rows = review.all_blockers
    if not rows:
        return []
    allowed = review.override is not None
    lines = ["#### Blockers", "", "| | channel | blocker | what | basis |", "|---|---|---|---|---|"]
    for channel, b in rows:
        mark = "⛔" if not (allowed and b.overridable) else "⚠️ allowed"
        lines.append(f"| {mark} | {_code(channel.key)} | {b.code} | {_cell(b.message)} | {b.basis} |")
    lines.append("")
    return lines


def _override(review: Review) -> list[str]:
    o = review.override
    if o is None:
        return []
    lines = ["#### Data loss allowed", "",
             f"**{_cell(o.who)}** allowed {len(o.blockers)} data-loss blocker{'s' if len(o.blockers) != 1 else ''}: "
             f"“{_cell(o.reason)}”", ""]
    lines += [f"- {_code(b)}" for b in o.blockers]
    return [*lines, ""]


def _resources(channel: ChannelReview) -> list[str]:
    if not channel.resources:
        return []
    lines = ["**Resources**", "", "| action | kind | address | basis | replaced because |", "|---|---|---|---|---|"]
    for r in channel.resources:
        why = "; ".join(
            (f"{x.attribute}: " if x.attribute else "") + x.description + ("" if x.certain else " (possible)")
            for x in r.replacements)
        data = " (holds data)" if r.data_bearing else ""
        lines.append(f"| {_SYMBOL.get(r.action, '')} {r.action} | {r.kind}{data} | {_code(r.address)} | {r.basis} | "
                     f"{_cell(why)} |")
    return [*lines, ""]


def _replacement_sources(channel: ChannelReview) -> list[str]:
    sources = sorted({(x.rule, x.source) for r in channel.resources for x in r.replacements
                      if x.source and x.rule != "plan"})
    if not sources:
        return []
    return ["Replacement rules: " + "; ".join(f"{rule} — {_cell(src)}" for rule, src in sources), ""]


def _columns(channel: ChannelReview) -> list[str]:
    rows = [(r.address, c) for r in channel.resources for c in r.columns]
    if not rows:
        return []
    lines = ["**Column changes**", ""]
    lines += [f"- {_code(address)}: {_cell(text)}" for address, text in rows]
    return [*lines, ""]


def _access(channel: ChannelReview) -> list[str]:
    if not channel.access:
        return []
    lines = ["**Access changes**", "", "| change | principal | permission | on | expires | clearance |",
             "|---|---|---|---|---|---|"]
    for a in channel.access:
        expires = a.expires or "never"
        if a.change == "changed" and a.expires_before != a.expires:
            expires = f"{a.expires_before or 'never'} → {a.expires or 'never'}"
        lines.append(f"| {a.change} | {_code(a.principal)} | {_cell(a.permission)} | {_cell(a.target)} | "
                     f"{_cell(expires)} | {_cell(a.clearance)} |")
    return [*lines, ""]


def _violations(channel: ChannelReview) -> list[str]:
    if not channel.policy_violations:
        return []
    lines = ["**Policy violations**", ""]
    for v in channel.policy_violations:
        where = f" at {_code(v.path)}" if v.path else ""
        field = f" ({_cell(v.field)} = {_code(v.value)}: {_cell(v.allowed)})" if v.field else ""
        lines.append(f"- {v.severity}: **{_cell(v.rule)}**{where}: {_cell(v.message)}{field}")
    return [*lines, ""]


def _diffs(channel: ChannelReview) -> list[str]:
    body: list[str] = []
    for r in channel.resources:
        if r.action != "update" and r.action != "replace":
            continue
        body.append(f"# {r.address}")
        for a in r.attributes:
            mark = "  (forces replacement)" if a.forces_replacement else ""
            if a.before is not None:
                body.append(f"- {a.path}: {_short(a.before)}")
            if a.after is not None:
                body.append(f"+ {a.path}: {_short(a.after)}{mark}")
    if not body:
        return []
    fence = "````" if any("```" in line for line in body) else "```"
    return ["**Attribute changes**", "", f"{fence}diff", *body, fence, ""]


def _section(channel: ChannelReview) -> list[str]:
    blockers = len(channel.blockers)
    title = f"{channel.key}" + (f" (channel {channel.name}, {channel.status})" if channel.channel else " (stack)")
    stats = f"{blockers} blocker{'s' if blockers != 1 else ''} · " if blockers else ""
    counts = " ".join(f"{_SYMBOL[a]}{channel.count(a)}" for a in ("create", "update", "replace", "delete")
                      if channel.count(a))
    lines = ["<details>", f"<summary><b>{_cell(title)}</b>: {stats}{counts or 'no resource changes'}</summary>", ""]
    if channel.tables_added or channel.tables_removed:
        tables = [f"+{t}" for t in channel.tables_added] + [f"-{t}" for t in channel.tables_removed]
        lines += ["Tables: " + ", ".join(_code(t) for t in tables), ""]
    lines += _resources(channel) + _replacement_sources(channel) + _columns(channel) + _access(channel)
    lines += _violations(channel) + _diffs(channel)
    return [*lines, "</details>", ""]


def to_markdown(review: Review) -> str:
    """The review as a pull-request comment (GitHub-flavoured markdown)."""
    lines = [MARKER, f"### {summary(review)}", "", f"Base {_code(review.base)} → head {_code(review.head)}. "
             + _basis(review), ""]
    lines += _blockers(review) + _override(review)
    changed = [c for c in review.channels if c.status != "unchanged"]
    blocked_first = sorted(changed, key=lambda c: (not c.blockers, c.stack, c.channel))
    for channel in blocked_first:
        lines += _section(channel)
    unchanged = len(review.channels) - len(changed)
    if unchanged:
        lines += [f"Without changes: {unchanged} channel{'s' if unchanged != 1 else ''} or stacks.", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_json(review: Review) -> str:
    """The review as JSON: every field of the report, plus ``summary``, ``exit_code`` and the standing blockers."""
    doc: dict[str, Any] = {
        "summary": summary(review),
        "exit_code": review.exit_code,
        "blocked": bool(review.blockers),
        "blockers": [{"channel": c.key, **asdict(b)} for c, b in review.blockers],
        **asdict(review),
    }
    return json.dumps(doc, indent=2, sort_keys=False, default=str) + "\n"
