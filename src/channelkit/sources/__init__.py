"""Source families: the service databases a channel captures (one module per engine).

Each source prop implements :class:`~channelkit.sources.base.Source`; see CONTRIBUTING.md for
adding an engine.
"""

from .base import Source, SourceNames
from .mariadb import MariaDbSource
from .mysql import MySqlSource
from .postgres import PostgresSource

__all__ = ["MariaDbSource", "MySqlSource", "PostgresSource", "Source", "SourceNames"]
