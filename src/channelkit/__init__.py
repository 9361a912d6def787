"""channelkit: declare one Channel, get the Terraform for a whole CDC channel.

Layers, one direction:

- ``channelkit.providers``: generated provider bindings (layer 1, never edited by hand);
- ``channelkit.constructs``: one main resource each, typed props, ``grant_*`` methods (layer 2);
- ``channelkit.patterns``: the ``Channel`` (layer 3).

Importing ``channelkit`` itself is cheap: it does not start the jsii runtime.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from ._env import quiet_jsii
from .errors import ArgumentError, ChannelkitError, SchemaError, TerraformError, ValidationError

__all__ = ["ArgumentError", "ChannelkitError", "SchemaError", "TerraformError", "ValidationError", "__version__"]

try:
    __version__: str = _metadata.version("channelkit")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

quiet_jsii()
