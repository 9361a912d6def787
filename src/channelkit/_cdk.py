"""The one place channelkit imports CDK for Terraform.

HashiCorp archived CDKTF (``cdktf``) on 2025-12-10; CDK Terrain (``cdktn``) is
its maintained, renamed drop-in. Everything in channelkit takes the CDK from
this module, so either works:

- ``CHANNELKIT_CDK=cdktn`` selects CDK Terrain, ``CHANNELKIT_CDK=cdktf`` CDKTF;
- otherwise ``cdktf`` is used when installed, else ``cdktn``.

Importing this module also silences jsii's banner about the machine's Node.js
release (it would otherwise print on every run); set the variables yourself
to see it again.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["CDK_NAME", "cdk", "jsii"]

from ._env import quiet_jsii

quiet_jsii()


def _load() -> ModuleType:
    wanted = os.environ.get("CHANNELKIT_CDK", "").strip()
    names = [wanted] if wanted else ["cdktf", "cdktn"]
    errors = []
    for name in names:
        if name not in ("cdktf", "cdktn"):
            raise ImportError(f"CHANNELKIT_CDK must be 'cdktf' or 'cdktn', not {name!r}")
        try:
            return importlib.import_module(name)
        except ImportError as exc:  # pragma: no cover - depends on the environment
            errors.append(f"{name}: {exc}")
    raise ImportError("channelkit needs cdktf or cdktn: " + "; ".join(errors))  # pragma: no cover


if TYPE_CHECKING:
    import cdktf as cdk
else:
    cdk = _load()
CDK_NAME: str = cdk.__name__

import jsii  # noqa: E402  (after the environment is set)
