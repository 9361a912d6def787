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
as a whole (:data:`TYPE_TEXT_ATTRIBUTES`).
"""

from __future__ import annotations

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


def _block(body: Any, prefix: str, text_keys: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(attribute path, message) for each user-text attribute of ``body`` (and its nested blocks)."""
    if isinstance(body, list):
        for index, item in enumerate(body):
            yield from _block(item, f"{prefix}[{index}]", text_keys)
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        if key == "//":
            continue
        path = f"{prefix}.{key}" if prefix else key
        if key in text_keys:
            for where, text in _texts(value, path):
                found = unescaped_templates(text)
                if found:
                    shown = ", ".join(sorted(set(found)))
                    yield where, (f"user text holds the Terraform template sequence {shown} "
                                  f"(Terraform would evaluate it; a literal is written $${{ / %%{{): {text[:80]!r}")
        elif isinstance(value, dict | list):
            yield from _block(value, path, USER_TEXT_ATTRIBUTES)


def template_findings(doc: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(block, attribute, message) of every live template sequence in a user-text attribute of ``doc``.

    Args:
        doc: one synthesized stack (``cdk.tf.json``).
    """
    for section, label_prefix in _SECTIONS:
        for type_name, blocks in (doc.get(section) or {}).items():
            if not isinstance(blocks, dict):
                continue
            text_keys = USER_TEXT_ATTRIBUTES | TYPE_TEXT_ATTRIBUTES.get(type_name, frozenset())
            for name, body in blocks.items():
                for attribute, message in _block(body, "", text_keys):
                    yield f"{label_prefix}{type_name}.{name}", attribute, message
    for local, configs in (doc.get("provider") or {}).items():
        items = configs if isinstance(configs, list) else [configs]
        for index, config in enumerate(items):
            label = f"provider.{local}" + (f"[{index}]" if len(items) > 1 else "")
            for attribute, message in _block(config, "", USER_TEXT_ATTRIBUTES):
                yield label, attribute, message
