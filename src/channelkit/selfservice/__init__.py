"""Self-service: channels declared in YAML files, with the full expressiveness of the Python API.

``load_channels(app, "channels")`` builds the channels the files declare (:mod:`.loader`); the
conversion follows the props' own signatures (:mod:`.convert`), so the props' rules judge YAML exactly as
they judge Python, and every error points to the ``file:line:column`` of the value at fault.
"""

from .convert import duration
from .loader import FILE_FIELDS, channel_files, load_channels, load_policy
from .located import Located, YamlSyntaxError, read_yaml

__all__ = ["FILE_FIELDS", "Located", "YamlSyntaxError", "channel_files", "duration", "load_channels", "load_policy",
           "read_yaml"]
