"""Classifying one resource's change: action, predicted replacements, data loss, access.

Replacement is predicted offline from the ``force_new`` flags of the bundled schemas (and ``rules.json``'s
``force_new`` facts for AWS) plus the providers' conditional rules (:func:`channelkit.review.rules.conditional_rules`);
a real plan, when one covers the resource, replaces the prediction. Data loss is a delete or a replacement of
a type that holds data, a connector that loses its offsets (renamed), a retention that decreases, or a
column dropped or narrowed.
"""

from __future__ import annotations

import re
from typing import Any

from ..constructs.naming import snake
from .columns import ColumnChange, bigquery_changes, glue_changes
from .diff import attribute_changes, get_path
from .load import Resource
from .model import AccessChange, AttributeChange, Blocker, Replacement, ResourceChange
from .plan import PlanChange
from .rules import (
    RetentionRule,
    conditional_rules,
    connector_name_attribute,
    data_held,
    force_new_on,
    kind_of,
    retention_rules,
)

__all__ = ["access_change", "classify", "column_blockers", "retention_blockers", "tables_of"]

_TABLE_SEGMENT = re.compile(r"^(?:Table|Topic)-(.+)$")


def tables_of(resources: dict[str, Resource]) -> set[str]:
    """The channel's tables, from its constructs ``Target/Table-<table>`` and ``Target/Topic-<table>``."""
    found = set()
    for res in resources.values():
        parts = res.construct_path.split("/")
        if "Target" in parts[1:]:
            i = parts.index("Target", 1)
            if i + 1 < len(parts) and (m := _TABLE_SEGMENT.match(parts[i + 1])):
                found.add(m.group(1))
    return found


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _predicted(res_before: Resource, res_after: Resource, attrs: list[AttributeChange]) -> list[Replacement]:
    provider, rtype = res_after.provider or res_before.provider, res_after.type
    found: dict[str, Replacement] = {}
    for change in attrs:
        forced, source = force_new_on(provider, rtype, change.path)
        if forced:
            change.forces_replacement = True
            found.setdefault(forced, Replacement(forced, "force_new", f"{forced} cannot change in place", source))
    for rule in conditional_rules(rtype):
        old = get_path(res_before.body, rule.attribute)
        new = get_path(res_after.body, rule.attribute)
        if old == new or rule.attribute in found:
            continue
        if rule.check == "decreased":
            a, b = _number(old[0] if old else None), _number(new[0] if new else None)
            if a is None or b is None or b >= a:
                continue
            text = f"{rule.description}: {old[0]} -> {new[0]}"
        elif rule.check == "bigquery_schema":
            verdict = bigquery_changes(old[0] if old else None, new[0] if new else None,
                                       external=bool(res_after.body.get("external_data_configuration")))
            if not verdict.forces_new:
                continue
            text = f"{rule.description}: " + "; ".join(verdict.reasons)
        else:  # changed
            text = rule.description
        for change in attrs:
            if change.path == rule.attribute or change.path.startswith(rule.attribute + "."):
                change.forces_replacement = change.forces_replacement or rule.certain
        found[rule.attribute] = Replacement(rule.attribute, rule.check, text, rule.source, rule.certain)
    return list(found.values())


def classify(before: Resource | None, after: Resource | None, plan: PlanChange | None) -> ResourceChange | None:
    """The change of one address (None when nothing changes), with blockers left to the caller.

    ``plan``: the real plan's entry for the address, when a plan covers its stack.
    """
    res = after or before
    assert res is not None
    provider = res.provider
    attrs = attribute_changes(provider, res.type, before.body if before else None, after.body if after else None)
    replacements: list[Replacement] = []
    if before is None:
        action = "create"
    elif after is None:
        action = "delete"
    else:
        if not attrs and plan is None:
            return None
        replacements = _predicted(before, after, attrs)
        action = "replace" if any(r.certain for r in replacements) else "update"
    basis, reason = "predicted", ""
    if plan is not None:
        if plan.action in ("no-op", "read"):
            return None
        basis, reason, action = "plan", plan.reason, plan.action
        if action == "replace":
            forced = {p.split(".")[0] for p in plan.replace_paths}
            for change in attrs:
                change.forces_replacement = change.path.split(".")[0] in forced
            replacements = [Replacement(p, "plan", f"the plan replaces it ({plan.reason or 'replace'})",
                                        "terraform plan") for p in plan.replace_paths] or [
                Replacement("", "plan", f"the plan replaces it ({plan.reason or 'replace'})", "terraform plan")]
        else:
            replacements = []
    return ResourceChange(
        address=res.address, type=res.type, kind=kind_of(res.type, res.body), action=action,
        construct_path=res.construct_path, data_bearing=bool(data_held(res.type, res.body)), basis=basis,
        attributes=attrs, replacements=replacements, plan_reason=reason,
    )


def resource_blockers(change: ResourceChange, before: Resource | None, after: Resource | None) -> list[Blocker]:
    """Data-loss blockers of one resource: delete or replace of data, a renamed connector."""
    out = []
    either = before or after
    body = either.body if either is not None else {}
    held = data_held(change.type, body)
    if held and change.action == "delete":
        out.append(Blocker("delete-data", f"{change.address} is deleted; lost: {held}", change.address,
                           basis=change.basis))
    elif held and change.action == "replace":
        why = ", ".join(r.attribute for r in change.replacements if r.attribute) or "the plan"
        out.append(Blocker("replace-data", f"{change.address} is replaced ({why} forces it), the new one starts "
                           f"empty; lost: {held}", change.address, why, basis=change.basis))
    name_attr = connector_name_attribute(change.type)
    if name_attr and before is not None and after is not None:
        old, new = before.body.get(name_attr), after.body.get(name_attr)
        if old != new:
            out.append(Blocker(
                "connector-restart",
                f"connector {old} is renamed to {new}: Kafka Connect keeps offsets by connector name, so the new "
                "connector starts over (a source takes a new snapshot, a sink re-reads its topics from the earliest "
                "offset)", change.address, name_attr, basis=change.basis))
    return out


def _retention_value(values: list[Any], rule: RetentionRule) -> float | None:
    """The most restrictive bound among ``values`` (inf: unlimited; None: the server default, not comparable)."""
    if not values or all(v is None for v in values):
        return float("inf") if rule.absent == "unlimited" else None
    numbers = []
    for v in values:
        if v is None:
            continue
        if str(v) in rule.unlimited:
            numbers.append(float("inf"))
            continue
        n = _number(v)
        if n is None:
            return None  # a reference (${...}): not comparable offline
        numbers.append(n)
    return min(numbers) if numbers else None


def _show(value: float, rule: RetentionRule) -> str:
    if value == float("inf"):
        return "unlimited"
    if rule.unit == "ms":
        days = value / 86_400_000
        return f"{days:g} days" if days >= 1 else f"{value:g} ms"
    if rule.unit == "epoch_ms":
        return f"expires at {value:g} ms since the epoch"
    return f"{value:g} {rule.unit}"


def retention_blockers(change: ResourceChange, before: Resource, after: Resource) -> list[Blocker]:
    """A retention that decreases on an updated resource (topic retention, partition/table expiry, S3 expiry)."""
    out = []
    for rule in retention_rules(change.type):
        old = _retention_value(get_path(before.body, rule.path), rule)
        new = _retention_value(get_path(after.body, rule.path), rule)
        if old is None or new is None or new >= old:
            continue
        out.append(Blocker("retention-decrease",
                           f"{change.address}: {rule.path} decreases from {_show(old, rule)} to {_show(new, rule)}: "
                           "data older than the new bound is deleted", change.address, rule.path, basis=change.basis))
    return out


def column_changes(rtype: str, before: Resource, after: Resource) -> tuple[ColumnChange, ...]:
    """The column changes of a table resource (BigQuery schema, Glue columns); () for other types."""
    if rtype == "google_bigquery_table":
        old, new = get_path(before.body, "schema"), get_path(after.body, "schema")
        if old == new:
            return ()
        return bigquery_changes(old[0] if old else None, new[0] if new else None).changes
    if rtype == "aws_glue_catalog_table":
        path = "storage_descriptor.columns"
        old, new = get_path(before.body, path), get_path(after.body, path)
        return glue_changes(old, new) if old != new else ()
    return ()


def column_blockers(change: ResourceChange, columns: tuple[ColumnChange, ...]) -> list[Blocker]:
    """A column dropped or narrowed on an updated or replaced table."""
    attribute = "schema" if change.type == "google_bigquery_table" else "storage_descriptor.columns"
    return [Blocker(f"column-{c.change}", f"{change.address}: {c.text()}", change.address, attribute,
                    basis=change.basis) for c in columns if c.loses_data]


_EXPIRY = re.compile(r'timestamp\("([^"]+)"\)')
_CLEARANCE = re.compile(r"^(?:PolicyTag|Masking)-([a-z]+)")

_PRINCIPALS = ("member", "acl_principal", "principal", "user_by_email", "group_by_email", "special_group",
               "iam_member", "domain", "user", "role")
_PERMISSIONS = ("role", "permissions", "privileges", "grant", "policy_arn")
_TARGETS = ("dataset_id", "policy_tag", "data_policy_id", "taxonomy", "crypto_key_id", "table", "database",
            "table_with_columns", "lf_tag_policy", "data_location", "objects", "project")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in sorted(value.items())) + "}"
    return str(value)


_REFERENCE = re.compile(r"\$\{([a-z][\w-]*)\.([\w-]+)\.(\w+)\}")


def readable(text: str, resources: dict[str, Resource]) -> str:
    """``text`` with each ``${type.name.attr}`` shown as the literal it resolves to, else the construct it names."""

    def show(m: re.Match[str]) -> str:
        res = resources.get(f"{m.group(1)}.{m.group(2)}")
        if res is None:
            return m.group(0)
        value = res.body.get(m.group(3))
        if isinstance(value, str) and "${" not in value:
            return value
        parts = [p for p in res.construct_path.split("/") if p != "Resource"]
        return f"{m.group(1)} {parts[-1] if parts else m.group(2)}"

    return _REFERENCE.sub(show, text)


def _grant(res: Resource, resources: dict[str, Resource]) -> tuple[str, str, str, str, str]:
    """(principal, permission, target, expires, clearance) of a grant resource (references made readable)."""
    principal, permission, target, expires, clearance = _grant_raw(res)
    return readable(principal, resources), permission, readable(target, resources), expires, clearance


def _grant_raw(res: Resource) -> tuple[str, str, str, str, str]:
    body = res.body
    if res.type == "kafka_acl":
        principal = str(body.get("acl_principal", ""))
        permission = f"{body.get('acl_permission_type', '')} {body.get('acl_operation', '')}".strip()
        target = f"{body.get('resource_type', '')} {body.get('resource_name', '')} " \
                 f"({body.get('resource_pattern_type_filter', 'Literal')})"
    else:
        principal_key = next((k for k in _PRINCIPALS if body.get(k) and not (k == "role" and "member" in body)), "")
        principal = _text(body.get(principal_key, "")) if principal_key else ""
        if res.type == "mysql_grant" and body.get("host"):
            principal = f"{principal}@{body['host']}"
        permission = next((_text(body[k]) for k in _PERMISSIONS if body.get(k) and k != principal_key), "")
        target = next((_text(body[k]) for k in _TARGETS if body.get(k) and k != principal_key), "")
    condition = body.get("condition")
    condition = condition[0] if isinstance(condition, list) and condition else condition
    expires = ""
    if isinstance(condition, dict):
        m = _EXPIRY.search(str(condition.get("expression", "")))
        expires = m.group(1) if m else str(condition.get("title", ""))
    clearance = ""
    for part in res.construct_path.split("/"):
        if m := _CLEARANCE.match(part):
            clearance = m.group(1)
    return principal, permission, target, expires, clearance


def access_change(change: ResourceChange, before: Resource | None, after: Resource | None,
                  resources: dict[str, Resource] | None = None) -> AccessChange | None:
    """The access change of a grant resource (None for other kinds, or a grant whose meaning did not change).

    ``resources``: the stack's resources (both sides), to show references as what they name.
    """
    if change.kind != "grant":
        return None
    known = resources or {}
    if after is None:
        assert before is not None
        p, perm, target, exp, clearance = _grant(before, known)
        return AccessChange("removed", p, perm, target, change.address, exp, clearance=clearance)
    p, perm, target, exp, clearance = _grant(after, known)
    if before is None:
        return AccessChange("added", p, perm, target, change.address, exp, clearance=clearance)
    old = _grant(before, known)
    if old == (p, perm, target, exp, clearance):
        return None
    return AccessChange("changed", p, perm, target, change.address, exp, expires_before=old[3], clearance=clearance)


def channel_name(channel_id: str) -> str:
    """The channel name derived from its construct id (as :class:`~channelkit.patterns.Channel` does)."""
    return snake(channel_id.split("/")[-1]) if channel_id else ""


__all__ += ["channel_name", "column_changes", "readable", "resource_blockers"]
