"""``python -m channelkit.selfservice [PATH ...]``: synthesize the channels of YAML files (default ``channels``).

This is the app ``channelkit synth`` runs in a directory with ``channels/*.yaml`` and no ``main.py``.
"""

from __future__ import annotations

import sys

from channelkit._cdk import cdk
from channelkit.errors import ChannelkitError

from .loader import load_channels


def main(argv: list[str]) -> int:
    """Load the files of ``argv`` (default ``channels``) into one app and synthesize it."""
    app = cdk.App()
    try:
        load_channels(app, argv or ["channels"])
    except ChannelkitError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
