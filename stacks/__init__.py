"""The example organisation: one stack per team, wired from ``main.py``."""

from pathlib import Path

import channelkit  # noqa: F401  (first: quiets the jsii runtime before ``constructs`` starts it)

from .payments import PaymentsStack
from .platform import CONNECT, KAFKA, POLICY, WAREHOUSE, PlatformStack
from .support import SupportStack

#: Where the YAML-declared teams' channels live.
CHANNELS = Path(__file__).resolve().parent.parent / "channels"
#: The props YAML channels may name (``kafka: main``, ``connect: main``, ``warehouse: acme``).
SHARED = {"kafka": {"main": KAFKA}, "connect": {"main": CONNECT}, "warehouse": {"acme": WAREHOUSE}}

__all__ = [
    "CHANNELS", "CONNECT", "KAFKA", "POLICY", "SHARED", "WAREHOUSE", "PaymentsStack", "PlatformStack",
    "SupportStack", "build_app",
]


def build_app(outdir: str | None = None):
    """The example app: the payments and support stacks, the YAML-declared teams and the platform stack (the
    audit baseline), under the org's data policy."""
    from channelkit import cdk
    from channelkit.selfservice import load_channels

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    POLICY.apply(app)
    PaymentsStack(app, "payments")
    SupportStack(app, "support")
    # teams that declare their channels in YAML (channels/*.yaml), on the platform team's shared props
    load_channels(app, CHANNELS, shared=SHARED)
    PlatformStack(app, "platform")
    return app
