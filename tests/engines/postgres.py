"""A real, throw-away PostgreSQL server for the engine tests.

What runs for real: the PostgreSQL server binaries of this machine (``initdb``, ``pg_ctl``, ``postgres``), found
with ``pg_config --bindir`` or the glob ``/usr/lib/postgresql/*/bin`` (newest first). The cluster lives in a
fresh temporary directory, listens on 127.0.0.1 only (a free port, no Unix socket), and is configured for logical
decoding (``wal_level=logical``, replication slots and WAL senders) with SSL on, using a self-signed certificate
made with ``openssl`` in that directory, so ``sslmode=require`` clients work.

PostgreSQL refuses to run as root. When the tests run as root (CI does), the server runs as a dedicated system
user, created with ``useradd`` if missing (``channelkit-pg``), via ``runuser``; otherwise as the current user.

Stand-ins (test-only settings, stated here so nobody mistakes them for production advice): ``fsync=off`` and
``synchronous_commit=off`` make the tests faster; they change durability, not logical decoding.

:class:`PostgresServer` is a context manager; :meth:`PostgresServer.stop` always stops the server (``pg_ctl stop
-m fast``, then SIGKILL of the postmaster if that does not finish in time) and removes the directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import require

SERVICE_USER = "channelkit-pg"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


def find_bindir() -> Path | None:
    """The directory holding ``initdb``/``pg_ctl``/``postgres``, or ``None`` when no server is installed."""
    candidates: list[Path] = []
    env = os.environ.get("PG_BINDIR")
    if env:
        candidates.append(Path(env))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))

    def version(p: str) -> tuple[int, ...]:
        parts = Path(p).parent.name.split(".")
        return tuple(int(x) for x in parts if x.isdigit())

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)]
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file() and (c / "postgres").is_file():
            return c
    return None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _service_user() -> str | None:
    """The OS user the server runs as: ``None`` (this process's user) unless we are root."""
    if os.geteuid() != 0:
        return None
    if subprocess.run(["id", "-u", SERVICE_USER], capture_output=True).returncode != 0:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True, capture_output=True, timeout=30,
        )
    return SERVICE_USER


@dataclass
class PostgresServer:
    """One running cluster. Connect with :meth:`dsn` / :meth:`connect`; the superuser is ``postgres``."""

    bindir: Path
    root: Path
    port: int
    password: str
    os_user: str | None
    ssl: bool = True
    extra_settings: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    # -- lifecycle -------------------------------------------------------------------------------------------
    def _as_service_user(self, argv: Sequence[str]) -> list[str]:
        if self.os_user is None:
            return list(argv)
        return ["runuser", "-u", self.os_user, "--", *argv]

    def _run(self, argv: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._as_service_user(argv), capture_output=True, text=True, timeout=timeout)

    def init(self) -> None:
        """``initdb`` with SCRAM auth on TCP, then the logical-decoding and SSL settings."""
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.os_user:
            shutil.chown(pwfile, self.os_user)
        r = self._run([
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
        ], timeout=120)
        pwfile.unlink()
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": "''",
            "wal_level": "logical",
            "max_replication_slots": "10",
            "max_wal_senders": "10",
            "max_connections": "50",
            "fsync": "off",
            "synchronous_commit": "off",
            "log_min_messages": "warning",
            "log_connections": "off",
        }
        if self.ssl:
            self._make_certificate()
            settings.update(ssl="on", ssl_cert_file="'server.crt'", ssl_key_file="'server.key'")
        settings.update(self.extra_settings)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# channelkit engine tests\n")
            for k, v in settings.items():
                conf.write(f"{k} = {v}\n")

    def _make_certificate(self) -> None:
        require("openssl")
        key, crt = self.data / "server.key", self.data / "server.crt"
        r = subprocess.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(crt),
        ], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"openssl failed: {r.stderr}")
        key.chmod(0o600)
        if self.os_user:
            shutil.chown(key, self.os_user)
            shutil.chown(crt, self.os_user)

    def start(self) -> None:
        r = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                       "-t", str(START_TIMEOUT_S), "start"], timeout=START_TIMEOUT_S + 10)
        if r.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"postgres did not start:\n{r.stdout}\n{r.stderr}\n{log[-4000:]}")

    def stop(self) -> None:
        """Stop the server (fast shutdown; SIGKILL if it hangs) and delete its directory. Safe to call twice."""
        try:
            if (self.data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                               "-t", str(STOP_TIMEOUT_S), "stop"], timeout=STOP_TIMEOUT_S + 10)
                self._kill_postmaster()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        pidfile = self.data / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pidfile.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises once the process is gone
                time.sleep(0.1)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients ---------------------------------------------------------------------------------------------
    def dsn(self, user: str = SUPERUSER, password: str | None = None, dbname: str = "postgres",
            sslmode: str = "disable", **extra: str) -> str:
        """A libpq connection string to this server."""
        pw = self.password if password is None and user == SUPERUSER else password
        parts = {"host": self.host, "port": str(self.port), "user": user, "dbname": dbname, "sslmode": sslmode,
                 "connect_timeout": "10", **extra}
        if pw is not None:
            parts["password"] = pw
        return " ".join(f"{k}='{_escape(v)}'" for k, v in parts.items())

    def connect(self, user: str = SUPERUSER, password: str | None = None, dbname: str = "postgres",
                sslmode: str = "disable", autocommit: bool = True) -> Any:
        """A psycopg (v3) connection as ``user``."""
        import psycopg

        return psycopg.connect(self.dsn(user, password, dbname, sslmode), autocommit=autocommit)

    def sql(self, statements: str | Sequence[str], *, user: str = SUPERUSER, password: str | None = None,
            dbname: str = "postgres", params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run statements as ``user`` (autocommit, one by one); the rows of the last one that returns rows."""
        stmts = [statements] if isinstance(statements, str) else list(statements)
        rows: list[tuple[Any, ...]] = []
        with self.connect(user, password, dbname) as conn:
            for s in stmts:
                cur = conn.execute(s, params) if params is not None else conn.execute(s)
                if cur.description is not None:
                    rows = cur.fetchall()
        return rows

    def scalar(self, statement: str, **kwargs: Any) -> Any:
        """The first column of the first row."""
        rows = self.sql(statement, **kwargs)
        return rows[0][0] if rows else None


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace("'", "\\'")


def start_server(ssl: bool = True, extra_settings: dict[str, str] | None = None) -> PostgresServer:
    """Create, initialize and start a fresh cluster (retrying on a port race). The caller must ``stop()`` it."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb/pg_ctl/postgres) found")
    os_user = _service_user()
    last: Exception | None = None
    for _ in range(3):
        root = Path(tempfile.mkdtemp(prefix="ck-pg-"))
        if os_user:
            shutil.chown(root, os_user)
        server = PostgresServer(bindir=bindir, root=root, port=free_port(), password=secrets.token_hex(16),
                                os_user=os_user, ssl=ssl, extra_settings=dict(extra_settings or {}))
        try:
            server.init()
            server.start()
            return server
        except Exception as e:
            last = e
            server.stop()
    assert last is not None
    raise last


@contextlib.contextmanager
def running_server(**kwargs: Any) -> Iterator[PostgresServer]:
    """``start_server`` as a context manager: the server is stopped however the block ends."""
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        server.stop()
