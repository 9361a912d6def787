"""The example organisation: one stack per team, wired from ``main.py``."""

import channelkit  # noqa: F401  (first: quiets the jsii runtime before ``constructs`` starts it)

from .payments import PaymentsStack
from .platform import CONNECT, KAFKA, WAREHOUSE, PlatformStack
from .support import SupportStack

__all__ = ["CONNECT", "KAFKA", "WAREHOUSE", "PaymentsStack", "PlatformStack", "SupportStack", "build_app"]


def build_app(outdir: str | None = None):
    """The example app: the payments and support stacks, and the platform stack (the audit baseline)."""
    from channelkit import cdk

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    PaymentsStack(app, "payments")
    SupportStack(app, "support")
    PlatformStack(app, "platform")
    return app
