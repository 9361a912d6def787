"""Process environment channelkit sets before the jsii runtime starts."""

from __future__ import annotations

import os

__all__ = ["quiet_jsii"]


def quiet_jsii() -> None:
    """Silence jsii's banner about the machine's Node.js release (unless the user set the variables)."""
    for var in ("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "JSII_SILENCE_WARNING_KNOWN_BROKEN_NODE_VERSION",
                "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20,21,23")
