"""User text in synthesized Terraform JSON: always a literal, never an expression (private)."""

from __future__ import annotations

__all__ = ["literal"]


def literal(text: str) -> str:
    """``text`` escaped so Terraform reads it literally: ``${`` becomes ``$${`` and ``%{`` becomes ``%%{``.

    Use it for every string a user gave that lands in synthesized JSON as-is (a config-provider
    placeholder such as ``${file:/secrets/source.properties:sasl.jaas.config}``, a description).
    """
    return text.replace("${", "$${").replace("%{", "%%{")
