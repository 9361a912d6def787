"""The review's knowledge of resource types: kind, data, replacement, retention, sensitivity.

Facts come from two places: the bundled provider schemas (``force_new`` and ``sensitive`` flags, see
:mod:`channelkit.schema.registry`) and ``review/rules.json`` (which types hold data, the kind of each type,
retention attributes, replacement facts the schema files cannot carry, the BigQuery schema rules), each
entry with the provider source it was read from.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ChannelkitError
from ..schema.model import BlockSchema
from ..schema.registry import bundled_schema

__all__ = [
    "RULES_FILE",
    "ConditionalRule",
    "RetentionRule",
    "conditional_rules",
    "connector_name_attribute",
    "data_held",
    "force_new_on",
    "is_sensitive",
    "kind_of",
    "retention_rules",
    "review_rules",
    "source_text",
]

RULES_FILE = Path(__file__).resolve().parent / "rules.json"
_INDEX = re.compile(r"^\d+$")


@functools.cache
def review_rules() -> dict[str, Any]:
    """``review/rules.json``, parsed (read once)."""
    try:
        data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # a broken installation, not a user error
        raise ChannelkitError(f"cannot read the review rules {RULES_FILE}: {exc}") from None
    if not isinstance(data, dict):
        raise ChannelkitError(f"{RULES_FILE} is not a JSON object")
    return data


@functools.cache
def _kinds() -> dict[str, str]:
    return {t: kind for kind, types in review_rules()["kinds"].items() if kind != "//" for t in types}


def is_view(rtype: str, body: dict[str, Any]) -> bool:
    """Whether ``body`` is a view (a BigQuery table with a ``view`` block holds no rows)."""
    return any(body.get(b) for b in review_rules()["views"].get(rtype, ()))


def kind_of(rtype: str, body: dict[str, Any]) -> str:
    """The report kind of a resource (``topic``, ``table``, ``view``, ``grant``, ...; ``other`` when unknown)."""
    if is_view(rtype, body):
        return "view"
    return _kinds().get(rtype, "other")


def data_held(rtype: str, body: dict[str, Any]) -> str:
    """What a resource of ``rtype`` holds ("" when it holds no data: views, grants, configuration)."""
    if is_view(rtype, body):
        return ""
    text = review_rules()["data_bearing"].get(rtype, "")
    return "" if rtype == "//" else str(text)


def connector_name_attribute(rtype: str) -> str:
    """The attribute Kafka Connect keys a connector's offsets by ("" when ``rtype`` is no connector)."""
    return str(review_rules()["connector_names"].get(rtype, "")) if rtype != "//" else ""


def source_text(source: dict[str, Any] | str) -> str:
    """A rule's provenance as one line: ``repository@ref (commit) file: function``."""
    if isinstance(source, str):
        return source
    ref = source.get("ref") or ""
    commit = str(source.get("commit") or "")[:12]
    where = "@" + ref if ref else ""
    where += f" ({commit})" if commit else ""
    text = f"{source.get('repository', '')}{where} {source.get('file', '')}"
    function = source.get("function") or ", ".join(source.get("functions") or ())
    return f"{text}: {function}" if function else text


def _schema_block(provider: str, rtype: str) -> BlockSchema | None:
    if not provider:
        return None
    try:
        schema = bundled_schema("registry.terraform.io/" + provider.lower())
    except ChannelkitError:
        return None
    return schema.resources.get(rtype)


def _walk(block: BlockSchema | None, parts: list[str]) -> tuple[list[str], bool, bool]:
    """(schema path walked, force_new on the way, sensitive) of an attribute path in ``block``."""
    walked: list[str] = []
    for part in parts:
        if block is None:
            break
        if _INDEX.match(part):
            continue
        if part in block.attributes:
            attr = block.attributes[part]
            walked.append(part)
            return walked, attr.force_new, attr.sensitive
        bt = block.block_types.get(part)
        if bt is None:
            break
        walked.append(part)
        if bt.force_new:
            return walked, True, False
        block = bt.block
    return walked, False, False


def force_new_on(provider: str, rtype: str, path: str) -> tuple[str, str]:
    """(schema path that forces replacement when ``path`` changes, where that fact comes from); ("", "") if none.

    ``path`` is a diff path (``storage_descriptor.columns.0.type``): indices are skipped. The bundled schema's
    ``force_new`` flags answer first; for types whose schema file has none (AWS, dumped from the binary),
    ``rules.json``'s ``force_new`` entries do.
    """
    parts = path.split(".")
    walked, forced, _ = _walk(_schema_block(provider, rtype), parts)
    if forced:
        version = review_rules()["providers"].get(provider, "")
        return ".".join(walked), f"bundled schema of {provider} {version}: force_new".replace("  ", " ")
    extra = review_rules()["force_new"].get(rtype)
    if isinstance(extra, dict):
        plain = [p for p in parts if not _INDEX.match(p)]
        for attr in sorted(extra.get("attributes", ()), key=len):
            steps = attr.split(".")
            if plain[: len(steps)] == steps:
                return attr, source_text(extra["source"]) + " (ForceNew)"
    return "", ""


def is_sensitive(provider: str, rtype: str, path: str) -> bool:
    """Whether the value at ``path`` is redacted: marked sensitive in the schema, or a secret-like key."""
    parts = path.split(".")
    keys = review_rules()["sensitive_keys"]
    if parts and parts[0] in keys["whole_attributes"]:
        return True
    lowered = path.lower()
    if any(s in lowered for s in keys["substrings"]):
        return True
    return _walk(_schema_block(provider, rtype), parts)[2]


@dataclass(frozen=True)
class ConditionalRule:
    """A replacement decided at plan time (``CustomizeDiff``), checked offline."""

    type: str
    attribute: str
    check: str  #: decreased, changed, bigquery_schema
    description: str
    source: str
    certain: bool = True


def conditional_rules(rtype: str) -> list[ConditionalRule]:
    """The conditional replacement rules of ``rtype``."""
    raw = review_rules()["conditional"].get(rtype)
    if not isinstance(raw, list):
        return []
    return [ConditionalRule(rtype, r["attribute"], r["check"], r["description"], source_text(r["source"]),
                            bool(r.get("certain", True))) for r in raw]


@dataclass(frozen=True)
class RetentionRule:
    """An attribute that bounds how long data is kept."""

    path: str  #: dotted path; a list on the way (``rule``) is searched element by element
    unit: str  #: ms, days, bytes, epoch_ms
    unlimited: tuple[str, ...] = ()
    absent: str = "unlimited"  #: unlimited or default


def retention_rules(rtype: str) -> list[RetentionRule]:
    """The retention attributes of ``rtype``."""
    raw = review_rules()["retention"].get(rtype)
    if not isinstance(raw, list):
        return []
    return [RetentionRule(r["path"], r["unit"], tuple(r.get("unlimited", ())), r.get("absent", "unlimited"))
            for r in raw]


def bigquery_schema_rules() -> dict[str, Any]:
    """The transcribed BigQuery schema rules (type aliases, in-place mode changes, provenance)."""
    return dict(review_rules()["bigquery_schema"])


__all__ += ["bigquery_schema_rules", "is_view"]
