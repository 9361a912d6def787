"""``channelkit validate``'s user-text check: no Terraform template sequence in text a person wrote.

Descriptions, comments, labels, tags and the like are text: Terraform must write them as they are.
A ``${`` or ``%{`` left in one (not escaped as ``$${`` / ``%%{``) is evaluated by Terraform instead:
``"price in ${currency}"`` fails ``terraform validate``, and ``"${var.db_password}"`` would copy a
variable into a column comment in clear text. channelkit escapes every user string it synthesizes
(:func:`channelkit._text.literal`); this check finds the ones that were not, in any synthesized stack
(including blocks an app wrote with the raw bindings).

The attributes checked are those named in :data:`USER_TEXT_ATTRIBUTES`, at any depth of a resource,
data source or provider block (so ``storage_descriptor.columns[0].comment`` and
``default_tags[0].tags`` too); for maps both keys and values are checked, since Terraform reads JSON
object keys as templates as well. BigQuery's ``schema`` (a JSON string of field descriptions) is checked
field by field (:data:`TYPE_TEXT_ATTRIBUTES`): every text in it is user text, except a field's
``policyTags.names``, which may be exactly a reference to a policy tag of the stack
(``${google_data_catalog_policy_tag.<name>.name}``, what the column-level security writes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ._text import unescaped_templates

__all__ = ["TYPE_TEXT_ATTRIBUTES", "USER_TEXT_ATTRIBUTES", "template_findings"]

#: Attribute names whose values are people's text, never Terraform expressions (at any depth of any block).
USER_TEXT_ATTRIBUTES: frozenset[str] = frozenset({
    "comment", "description", "display_name", "labels", "parameters", "tags", "title",
})
#: Further user-text attributes of one type only (elsewhere the name may be an identifier).
TYPE_TEXT_ATTRIBUTES: dict[str, frozenset[str]] = {"google_bigquery_table": frozenset({"schema"})}
_SECTIONS = (("resource", ""), ("data", "data."))
_POLICY_TAG_REF = re.compile(r"\$\{google_data_catalog_policy_tag\.([A-Za-z0-9_-]+)\.name\}")


def _message(text: str) -> str | None:
    found = unescaped_templates(text)
    if not found:
        return None
    shown = ", ".join(sorted(set(found)))
    return (f"user text holds the Terraform template sequence {shown} "
            f"(Terraform would evaluate it; a literal is written $${{ / %%{{): {text[:80]!r}")


def _schema_findings(text: str, where: str, policy_tags: set[str]) -> Iterator[tuple[str, str]]:
    """A BigQuery schema string: its texts are user text, but a policy tag may be referenced."""
    try:
        fields = json.loads(text)
    except ValueError:
        fields = None
    if not isinstance(fields, list):
        message = _message(text)
        if message:
            yield where, message
        return

    def walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "policyTags" and isinstance(item, dict) and isinstance(item.get("names"), list):
                    for i, name in enumerate(item["names"]):
                        ref = _POLICY_TAG_REF.fullmatch(name) if isinstance(name, str) else None
                        if ref is None or ref.group(1) not in policy_tags:
                            yield from walk(name, f"{path}.policyTags.names[{i}]")
                    continue
                yield from walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{path}[{i}]")
        elif isinstance(value, str):
            message = _message(value)
            if message:
                yield path, message

    yield from walk(fields, where)


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(location, string) of every string in an attribute value, map keys included."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield f"{where} (key {key!r})", key
            yield from _texts(item, f"{where}.{key}")


def _block(
    body: Any, prefix: str, text_keys: frozenset[str], policy_tags: set[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """(attribute path, message) for each user-text attribute of ``body`` (and its nested blocks)."""
    if isinstance(body, list):
        for index, item in enumerate(body):
            yield from _block(item, f"{prefix}[{index}]", text_keys, policy_tags)
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        if key == "//":
            continue
        path = f"{prefix}.{key}" if prefix else key
        if key == "schema" and policy_tags is not None and isinstance(value, str):
            yield from _schema_findings(value, path, policy_tags)
        elif key in text_keys:
            for where, text in _texts(value, path):
                message = _message(text)
                if message:
                    yield where, message
        elif isinstance(value, dict | list):
            yield from _block(value, path, USER_TEXT_ATTRIBUTES)


def template_findings(doc: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(block, attribute, message) of every live template sequence in a user-text attribute of ``doc``.

    Args:
        doc: one synthesized stack (``cdk.tf.json``).
    """
    policy_tags = set((doc.get("resource") or {}).get("google_data_catalog_policy_tag") or {})
    for section, label_prefix in _SECTIONS:
        for type_name, blocks in (doc.get(section) or {}).items():
            if not isinstance(blocks, dict):
                continue
            text_keys = USER_TEXT_ATTRIBUTES | TYPE_TEXT_ATTRIBUTES.get(type_name, frozenset())
            tags = policy_tags if type_name == "google_bigquery_table" and section == "resource" else None
            for name, body in blocks.items():
                for attribute, message in _block(body, "", text_keys, tags):
                    yield f"{label_prefix}{type_name}.{name}", attribute, message
    for local, configs in (doc.get("provider") or {}).items():
        items = configs if isinstance(configs, list) else [configs]
        for index, config in enumerate(items):
            label = f"provider.{local}" + (f"[{index}]" if len(items) > 1 else "")
            for attribute, message in _block(config, "", USER_TEXT_ATTRIBUTES):
                yield label, attribute, message
