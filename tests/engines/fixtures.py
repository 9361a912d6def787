"""pytest fixtures of the engine tests (imported by ``tests/conftest.py``, so every test module can use them).

``pg_server``: a fresh, real PostgreSQL cluster per test (see :mod:`engines.postgres`), always stopped afterwards,
also when the test fails. ``mariadb_server``: the same for MariaDB (see :mod:`engines.mariadb`).
``example_out``: the bundled example organisation (``stacks/``) synthesized once per
session into a temporary ``cdktf.out``, as ``python main.py`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from . import missing
from .mariadb import MariaDbServer
from .mariadb import start_server as start_mariadb
from .postgres import PostgresServer, find_bindir, start_server


@pytest.fixture
def pg_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server (wal_level=logical, SSL on, 127.0.0.1, non-root OS user)."""
    if find_bindir() is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres)")
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mariadb_server() -> Iterator[MariaDbServer]:
    """A running MariaDB server (binlog in ROW format, TLS on, 127.0.0.1, non-root OS user); skipped if missing."""
    server = start_mariadb()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example app (``stacks.build_app``, what ``main.py`` runs), synthesized once: its ``cdktf.out``."""
    import channel_helpers  # noqa: F401  (puts the repository root, where stacks/ lives, on sys.path)

    from stacks import build_app

    out = tmp_path_factory.mktemp("engines-example") / "cdktf.out"
    build_app(str(out)).synth()
    return out
