"""CDK for Terraform as channelkit runs it (``cdktf``, or CDK Terrain's ``cdktn``): the public entry point.

``from channelkit import cdk`` gives the CDK namespace channelkit itself uses, so an app and
channelkit never mix two CDKs::

    from channelkit import cdk

    app = cdk.App()
    stack = cdk.TerraformStack(app, "payments")

Every name of the selected CDK module is available here (``cdk.App``, ``cdk.TerraformStack``,
``cdk.Fn``, ``cdk.S3Backend``...). ``CHANNELKIT_CDK=cdktn`` selects CDK Terrain; see
:mod:`channelkit._cdk` for how the choice is made. :data:`CDK_NAME` says which one was loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._cdk import CDK_NAME
from ._cdk import cdk as _module

if TYPE_CHECKING:
    from cdktf import *  # noqa: F403

__all__ = ["CDK_NAME"]


def __getattr__(name: str) -> Any:
    return getattr(_module, name)


def __dir__() -> list[str]:
    return sorted({*__all__, *dir(_module)})
