"""Render the whole app's catalog as one static HTML page (inline CSS and JavaScript, no network).

A logic-free jinja2 template (``templates/index.html.jinja2``, autoescaped: every user text is HTML-escaped)
draws the :class:`~channelkit.catalog.model.Catalog` it is given: a table of contents with one anchor per
channel, and per channel its owner, location, retention, encryption, contract version, the schema with types,
classification and masking per clearance, readers with expiry, and the lineage graph as inline SVG laid out
beforehand (:mod:`channelkit.catalog.graph`). The page's script filters channels, tables and columns by the
search box (or ``?q=`` in the address) and does nothing else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from .model import CLEARANCES, Catalog

__all__ = ["render_html"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(catalog: Catalog) -> str:
    """The catalog page of ``catalog``."""
    env = _environment()
    return env.get_template("index.html.jinja2").render(
        catalog=catalog, clearances=CLEARANCES,
        css=(_TEMPLATES / "catalog.css").read_text(), script=(_TEMPLATES / "catalog.js").read_text())
