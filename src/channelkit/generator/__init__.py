"""The provider-binding generator: parse (schema JSON) → model → render (jinja2)."""

from __future__ import annotations

from .api import GenerateReport, generate_all, generate_provider
from .model import PackageModel, build_package
from .render import render_package

__all__ = ["GenerateReport", "PackageModel", "build_package", "generate_all", "generate_provider", "render_package"]
