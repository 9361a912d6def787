"""Write the catalog when the app synthesizes: ``<outdir>/catalog/``.

Files: ``<stack>/<channel>.odcs.yaml`` (the ODCS v3.1.0 contract) and ``<stack>/<channel>.openlineage.json``
(the OpenLineage static events) per channel, and ``index.html`` (the whole app's catalog page).

**The hook.** The first Channel of an app registers one node validation on the app's root
(``app.node.add_validation``, a Python object implementing the jsii ``IValidation`` interface). cdktf 0.21's
``App.synth()`` writes every stack, then validates the root node (unless ``App(skip_validation=True)``), which
calls it once: it writes the catalog into ``app.outdir`` and reports no error. So a plain ``app.synth()`` in the
user's ``main.py`` writes the catalog; it costs one registration per app and one callback per synthesis, not one
per construct. With ``skip_validation=True`` cdktf runs no validation at all: call :func:`write_catalog` then.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import constructs
import jsii

from channelkit._cdk import cdk

from .build import channel_entry
from .html import render_html
from .model import Catalog, ChannelEntry
from .odcs import contract_yaml
from .openlineage import events

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["CATALOG_DIR", "build_catalog", "catalog_channels", "register", "write_catalog"]

#: The catalog's directory in the app's output directory.
CATALOG_DIR = "catalog"
_CHANNELS = "_channelkit_catalog"
_WRITTEN = "_channelkit_catalog_written"


def _producer() -> str:
    try:
        release = version("channelkit")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        release = "0.0.0"
    return f"https://github.com/channelkit/channelkit/tree/v{release}"


def _now() -> str:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; ISO 8601 UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def catalog_channels(root: Any) -> list[Channel]:
    """The channels registered with the app ``root``, in construction order."""
    found: list[Channel] = root.__dict__.get(_CHANNELS, [])
    return found


def _with_files(entry: ChannelEntry) -> ChannelEntry:
    base = f"{entry.stack}/{entry.name}"
    entry.files.update(contract=f"{base}.odcs.yaml", lineage=f"{base}.openlineage.json")
    return entry


def build_catalog(channels: list[Channel]) -> Catalog:
    """The catalog model of ``channels``."""
    return Catalog(channels=tuple(_with_files(channel_entry(c)) for c in channels), generated_at=_now(),
                   producer=_producer())


def write_catalog(outdir: str | os.PathLike[str], channels: list[Channel]) -> Path:
    """Write the catalog of ``channels`` under ``<outdir>/catalog``; return the path of its ``index.html``."""
    catalog = build_catalog(channels)
    base = Path(outdir) / CATALOG_DIR
    for entry in catalog.channels:
        (base / entry.stack).mkdir(parents=True, exist_ok=True)
        (base / entry.files["contract"]).write_text(contract_yaml(entry), encoding="utf-8")
        lineage = events(entry, producer=catalog.producer, when=catalog.generated_at)
        lines = ",\n".join(json.dumps(e, ensure_ascii=False) for e in lineage)  # one event per line
        (base / entry.files["lineage"]).write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    base.mkdir(parents=True, exist_ok=True)
    index = base / "index.html"
    index.write_text(render_html(catalog), encoding="utf-8")
    return index


@jsii.implements(constructs.IValidation)
class _WriteCatalog:
    """The root node validation that writes the catalog when the app synthesizes."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def validate(self) -> list[str]:
        """Write the catalog; an error (a full disk) is reported as the app's validation error, never raised."""
        try:
            outdir = self._root.outdir
            self._root.__dict__[_WRITTEN] = write_catalog(outdir, catalog_channels(self._root))
        except Exception as exc:  # reported by cdktf as a validation error, with no traceback
            return [f"channelkit could not write the catalog: {type(exc).__name__}: {exc}"]
        return []


def register(channel: Channel, root: Any) -> None:
    """Add ``channel`` to its app's catalog; the first channel of an app registers the synth hook."""
    found = root.__dict__.get(_CHANNELS)
    if found is None and not isinstance(root, cdk.App):  # a bare construct tree: nothing synthesizes it
        return
    if found is None:
        found = root.__dict__[_CHANNELS] = []
        root.node.add_validation(_WriteCatalog(root))
    found.append(channel)
