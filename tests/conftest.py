"""Shared fixtures: generated "edge" bindings, a fresh app/stack, synthesized JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
EDGE_SCHEMA = FIXTURES / "edge_schema.json"
EDGE_ARGS = {"source": "example/edge", "version": "1.2.3", "constraint": "~> 1.2", "key": "edge"}


@pytest.fixture(scope="session")
def edge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edge schema's bindings, generated into a temporary directory."""
    from channelkit.generator import generate_provider

    out = tmp_path_factory.mktemp("edge_bindings")
    generate_provider(EDGE_SCHEMA, out_dir=out, progress=None, **EDGE_ARGS)
    return out


@pytest.fixture(scope="session")
def edge(edge_dir: Path) -> Iterator[Any]:
    """The generated ``edge`` package, importable."""
    sys.path.insert(0, str(edge_dir))
    import edge as edge_package

    yield edge_package
    sys.path.remove(str(edge_dir))


@pytest.fixture
def stack(tmp_path: Path) -> Any:
    """A fresh app with one stack named ``s``; ``stack.synth_json()`` synthesizes it."""
    from channelkit._cdk import cdk

    app = cdk.App(outdir=str(tmp_path / "out"))
    st = cdk.TerraformStack(app, "s")

    def synth_json() -> dict[str, Any]:
        app.synth()
        return json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())

    st.synth_json = synth_json  # type: ignore[attr-defined]
    return st


# The real-engine fixtures (tests/engines/): local PostgreSQL and MariaDB servers, the synthesized example organisation.
from engines.fixtures import example_out, mariadb_server, pg_server  # noqa: E402, F401
