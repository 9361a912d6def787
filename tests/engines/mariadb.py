"""A real, throw-away MariaDB server for the engine tests.

What runs for real: this machine's MariaDB server (Debian's ``mariadb-server``: ``mariadb-install-db`` and
``mariadbd``) and its command-line clients (``mariadb``, ``mariadb-binlog``, ``mariadb-admin``), used as the
tests' SQL client so no Python driver is needed. The server lives in a fresh temporary directory: data directory
made by ``mariadb-install-db``, a Unix socket in that directory (used only by the fixture, as ``root``), TCP on
127.0.0.1 only on a free port, the binlog on in row format with full row images (``--log-bin``,
``--binlog-format=ROW``, ``--binlog-row-image=FULL``, ``--server-id=1``; what Debezium's MariaDB documentation asks
for), and TLS on with a self-signed certificate made with ``openssl`` in that directory.

Logins: ``root`` over the socket (the fixture's own, with a generated password) and ``admin``, the user the mysql
Terraform provider logs in as (``MariaDbSource.admin_user``'s default), created with ``ALL PRIVILEGES ... WITH
GRANT OPTION`` from 127.0.0.1 with a generated password. Everything a channel synthesizes is applied as ``admin``
over TCP (:mod:`engines.mysql_apply`).

MariaDB refuses to run as root unless told to. When the tests run as root (CI does), the server runs as a dedicated
system user created with ``useradd`` if missing (``channelkit-mdb``), via ``runuser``; otherwise as the current user.

Stand-ins (test-only, for speed; they change durability, not the binlog's content):
``--innodb-flush-log-at-trx-commit=0``, ``--sync-binlog=0``, a 32 MiB buffer pool, no performance schema.

:meth:`MariaDbServer.stop` always stops the server (``mariadb-admin shutdown``, then SIGKILL of the ``mariadbd``
process if it does not exit in time) and removes the directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import missing, require
from .postgres import free_port

SERVICE_USER = "channelkit-mdb"
ADMIN_USER = "admin"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
SERVER_COMMANDS = ("mariadb-install-db", "mariadbd", "mariadb", "mariadb-admin", "mariadb-binlog")


class SqlError(RuntimeError):
    """A statement failed; ``message`` is the client's ``ERROR <code> (<state>): ...`` line."""

    def __init__(self, statement: str, stderr: str) -> None:
        found = re.search(r"^ERROR.*$", stderr, re.MULTILINE)  # the client echoes the statement before it
        self.statement, self.message = statement, (found.group(0) if found else stderr.strip())
        super().__init__(f"{self.message}\n  in: {statement}")

    @property
    def code(self) -> int | None:
        """The server's error number (``ERROR 1227 (42000) ...`` → 1227), if the message has one."""
        found = re.match(r"ERROR (\d+)", self.message)
        return int(found.group(1)) if found else None


def _command(name: str) -> str | None:
    """``name`` on PATH, or in ``/usr/sbin`` (where Debian puts ``mariadbd``; not on a non-root user's PATH)."""
    found = shutil.which(name)
    if found is None and os.access(f"/usr/sbin/{name}", os.X_OK):
        found = f"/usr/sbin/{name}"
    return found


def find_server() -> str | None:
    """The ``mariadbd`` binary, or ``None`` when any of :data:`SERVER_COMMANDS` is missing."""
    if any(_command(c) is None for c in SERVER_COMMANDS):
        return None
    return _command("mariadbd")


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
class MariaDbServer:
    """One running server. Run SQL with :meth:`sql` as any user; ``admin`` is the provider's login."""

    root: Path
    port: int
    root_password: str
    admin_password: str
    os_user: str | None
    ssl: bool = True
    host: str = "127.0.0.1"
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket(self) -> Path:
        return self.root / "mariadb.sock"

    @property
    def log(self) -> Path:
        return self.root / "error.log"

    # -- lifecycle -------------------------------------------------------------------------------------------
    def _as_service_user(self, argv: Sequence[str]) -> list[str]:
        return list(argv) if self.os_user is None else ["runuser", "-u", self.os_user, "--", *argv]

    def init(self) -> None:
        """``mariadb-install-db`` into the temporary directory, and the TLS certificate."""
        r = subprocess.run(self._as_service_user([
            "mariadb-install-db", "--no-defaults", f"--datadir={self.data}", "--auth-root-authentication-method=normal",
            "--skip-test-db", "--skip-name-resolve",
        ]), capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{r.stdout}\n{r.stderr}")
        if self.ssl:
            self._make_certificate()

    def _make_certificate(self) -> None:
        require("openssl")
        key, crt = self.root / "server.key", self.root / "server.crt"
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

    def argv(self) -> list[str]:
        """The ``mariadbd`` command line."""
        args = [
            find_server() or "mariadbd", "--no-defaults", f"--datadir={self.data}", f"--socket={self.socket}",
            f"--port={self.port}",
            f"--bind-address={self.host}", f"--pid-file={self.root / 'mariadbd.pid'}", f"--log-error={self.log}",
            f"--log-bin={self.data / 'binlog'}", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
            "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0",
            "--innodb-buffer-pool-size=32M", "--skip-performance-schema", "--max-connections=50",
        ]
        if self.ssl:
            args += [f"--ssl-cert={self.root / 'server.crt'}", f"--ssl-key={self.root / 'server.key'}"]
        return args

    def start(self) -> None:
        """Start ``mariadbd`` and wait until it answers on its socket; then set the logins up."""
        out = (self.root / "mariadbd.out").open("ab")
        self.proc = subprocess.Popen(self._as_service_user(self.argv()), stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            ping = subprocess.run(["mariadb-admin", "--no-defaults", f"--socket={self.socket}", "-uroot",
                                   "--connect-timeout=2", "ping"], capture_output=True, text=True, timeout=30)
            if ping.returncode == 0:
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.log.read_text(errors="replace") if self.log.exists() else ""
                raise RuntimeError(f"mariadbd did not start (exit {self.proc.poll()}):\n{log[-4000:]}")
            time.sleep(0.2)
        self._root("; ".join([  # one session: the root password changes in its first statement
            f"ALTER USER 'root'@'localhost' IDENTIFIED BY '{self.root_password}'",
            f"CREATE USER '{ADMIN_USER}'@'127.0.0.1' IDENTIFIED BY '{self.admin_password}'",
            f"GRANT ALL PRIVILEGES ON *.* TO '{ADMIN_USER}'@'127.0.0.1' WITH GRANT OPTION",
        ]), password=None)

    def stop(self) -> None:
        """Stop the server (``mariadb-admin shutdown``; SIGKILL if it hangs) and delete its directory. Idempotent."""
        proc, self.proc = self.proc, None
        try:
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    options = self._options_file("root", self.root_password)
                    subprocess.run(["mariadb-admin", f"--defaults-file={options}", f"--socket={self.socket}",
                                    "--connect-timeout=5", "shutdown"], capture_output=True, timeout=STOP_TIMEOUT_S)
                try:
                    proc.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGKILL)  # runuser and mariadbd share the session
                    proc.wait(timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> MariaDbServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients ---------------------------------------------------------------------------------------------
    def _options_file(self, user: str, password: str | None) -> Path:
        """A client option file (the password never appears on a command line)."""
        fd, name = tempfile.mkstemp(prefix="client-", suffix=".cnf", dir=self.root)
        with os.fdopen(fd, "w") as f:
            f.write(f"[client]\nuser={user}\n")
            if password is not None:
                f.write(f"password={password}\n")
        return Path(name)

    def _root(self, statements: str, *, password: str | None) -> None:
        """Run ``statements`` as ``root`` over the Unix socket (the fixture's own login, never a test's)."""
        options = self._options_file("root", password)
        try:
            r = subprocess.run(["mariadb", f"--defaults-file={options}", f"--socket={self.socket}", "-e", statements],
                               capture_output=True, text=True, timeout=60)
        finally:
            options.unlink(missing_ok=True)
        if r.returncode != 0:
            raise SqlError(statements, r.stderr)

    def connection_args(self, *, tls: bool) -> list[str]:
        """TCP to this server, with (``--ssl``, certificate not verified: ``trust``) or without TLS."""
        args = [f"--host={self.host}", f"--port={self.port}", "--protocol=TCP"]
        return args + (["--ssl", "--ssl-verify-server-cert=0"] if tls else ["--skip-ssl"])

    def password_of(self, user: str) -> str | None:
        return self.admin_password if user == ADMIN_USER else None

    def sql(self, statement: str, *, user: str = ADMIN_USER, password: str | None = None, database: str | None = None,
            tls: bool = False) -> list[dict[str, str | None]]:
        """Run one statement over TCP as ``user``; its rows as dicts (``NULL`` → None). Raises :class:`SqlError`."""
        options = self._options_file(user, password if password is not None else self.password_of(user))
        try:
            argv = ["mariadb", f"--defaults-file={options}", *self.connection_args(tls=tls), "--connect-timeout=10",
                    "--batch"]
            if database:
                argv.append(f"--database={database}")
            r = subprocess.run([*argv, "-e", statement], capture_output=True, text=True, timeout=120)
        finally:
            options.unlink(missing_ok=True)
        if r.returncode != 0:
            raise SqlError(statement, r.stderr)
        lines = r.stdout.split("\n")
        if not lines or not lines[0]:
            return []
        header = lines[0].split("\t")
        return [{k: (None if v == "NULL" else _unescape(v)) for k, v in zip(header, line.split("\t"), strict=True)}
                for line in lines[1:] if line]

    def binlog(self, files: Sequence[str], *, user: str, password: str, tls: bool = True) -> str:
        """``mariadb-binlog --read-from-remote-server --verbose`` of ``files`` as ``user``: a replica's binlog dump."""
        options = self._options_file(user, password)
        try:
            r = subprocess.run(["mariadb-binlog", f"--defaults-file={options}", *self.connection_args(tls=tls),
                                "--read-from-remote-server", "--verbose", *files],
                               capture_output=True, encoding="utf-8", errors="replace", timeout=120)
        finally:
            options.unlink(missing_ok=True)
        if r.returncode != 0:
            raise SqlError(f"binlog dump of {', '.join(files)}", r.stderr)
        return r.stdout


_ESCAPES = {"n": "\n", "t": "\t", "0": "\0", "\\": "\\"}


def _unescape(value: str) -> str:
    """A ``--batch`` field as it is (the client writes newline, tab, NUL and backslash as ``\\n`` etc.)."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), value)


def start_server(ssl: bool = True) -> MariaDbServer:
    """Create, initialize and start a fresh server (retrying on a port race). The caller must ``stop()`` it."""
    if find_server() is None:
        missing("MariaDB server and clients (" + ", ".join(SERVER_COMMANDS) + ")")
    os_user = _service_user()
    last: Exception | None = None
    for _ in range(3):
        root = Path(tempfile.mkdtemp(prefix="ck-mdb-"))
        if os_user:
            shutil.chown(root, os_user)
        server = MariaDbServer(root=root, port=free_port(), root_password=secrets.token_hex(16),
                               admin_password=secrets.token_hex(16), os_user=os_user, ssl=ssl)
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
def running_server(**kwargs: bool) -> Iterator[MariaDbServer]:
    """``start_server`` as a context manager: the server is stopped however the block ends."""
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        server.stop()
