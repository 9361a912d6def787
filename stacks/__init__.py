"""The example organisation: one stack per team, wired from ``main.py``."""

import channelkit  # noqa: F401  (first: quiets the jsii runtime before ``constructs`` starts it)

from .payments import PaymentsStack
from .platform import CONNECT, KAFKA, POLICY, WAREHOUSE
from .support import SupportStack

__all__ = ["CONNECT", "KAFKA", "POLICY", "WAREHOUSE", "PaymentsStack", "SupportStack", "build_app"]


def build_app(outdir: str | None = None):
    """The example app: the payments and support stacks, under the org's data policy."""
    from channelkit import cdk

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    POLICY.apply(app)
    PaymentsStack(app, "payments")
    SupportStack(app, "support")
    return app
