"""User text in synthesized Terraform JSON: always a literal, never an expression (private).

Terraform reads every string of a ``.tf.json`` file as a template: ``${...}`` is an interpolation and
``%{...}`` a directive, so a description such as ``"price in ${currency}"`` would be evaluated (and
``"${var.db_password}"`` would copy a variable into it). ``$${`` and ``%%{`` are the escapes that
Terraform turns back into the literal ``${`` and ``%{``.

A string may also carry cdktf tokens (``${TfToken[TOKEN.12]}``, a reference to another resource's
attribute that the CDK resolves at synthesis); those stay references, only the text around them is
escaped. Escape each string exactly once, where it is handed to a generated binding: the L2
constructs do it for every free-text prop (descriptions, comments, tags, labels, parameters, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "has_token", "literal", "literal_dict", "literal_map", "literal_or_none", "literal_settings",
    "unescaped_templates",
]

#: A cdktf token marker inside a string (string and list tokens): left alone by :func:`literal`.
_TOKEN = re.compile(r"[$#]\{TfToken\[[^\]]*\]\}")
#: ``${`` or ``%{`` that Terraform would read as a template sequence (not the escapes ``$${``/``%%{``).
_TEMPLATE = re.compile(r"(?<!\$)\$\{|(?<!%)%\{")


def has_token(text: str) -> bool:
    """Whether ``text`` carries a cdktf token (a reference the CDK resolves at synthesis)."""
    return bool(_TOKEN.search(text))


def _escape(fragment: str) -> str:
    return fragment.replace("${", "$${").replace("%{", "%%{")


def literal(text: str) -> str:
    """``text`` escaped so Terraform reads it literally: ``${`` becomes ``$${`` and ``%{`` becomes ``%%{``.

    cdktf tokens in ``text`` (``${TfToken[...]}``) are kept: they are references the CDK resolves.
    Use it for every string a user gave that lands in synthesized JSON as-is (a config-provider
    placeholder such as ``${file:/secrets/source.properties:sasl.jaas.config}``, a description), once.

    Args:
        text: the user's text.

    Returns:
        The text Terraform reads back as ``text``.
    """
    out, last = [], 0
    for match in _TOKEN.finditer(text):
        out += [_escape(text[last:match.start()]), match.group(0)]
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def literal_or_none(text: str | None) -> str | None:
    """:func:`literal` of ``text``, or None for None and the empty string (an unset optional attribute)."""
    return literal(text) if text else None


def literal_map(mapping: Mapping[str, str] | None) -> dict[str, str] | None:
    """Keys and values of ``mapping`` through :func:`literal` (Terraform reads JSON object keys as templates too).

    Returns:
        The escaped dict, or None for None and an empty mapping (an unset optional attribute).
    """
    if not mapping:
        return None
    return {literal(k): literal(v) for k, v in mapping.items()}


def literal_dict(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Keys and values of ``mapping`` through :func:`literal`, always a dict (empty for None)."""
    return {literal(k): literal(v) for k, v in (mapping or {}).items()}


def literal_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Provider settings with each string, and each string in a list, escaped by :func:`literal`."""
    def one(value: Any) -> Any:
        if isinstance(value, str):
            return literal(value)
        if isinstance(value, list | tuple):
            return [one(v) for v in value]
        return value

    return {key: one(value) for key, value in settings.items()}


def unescaped_templates(text: str) -> list[str]:
    """The template sequences (``${`` / ``%{``) Terraform would evaluate in ``text``, in order.

    Terraform reads ``$${`` as the escape of ``${`` wherever it stands (``$$${x}`` is ``$`` followed by a
    literal ``${x}``), so a live sequence is a ``${`` not preceded by ``$`` (a ``%{`` not preceded by
    ``%``). Tokens are not looked at: this reads synthesized JSON, where they are resolved already.
    """
    return [m.group(0) for m in _TEMPLATE.finditer(text)]
