"""Helpers for the Channel / construct tests: a minimal valid channel and synthesis of an app."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the example organisation (stacks/) lives at the repository root
    sys.path.insert(0, str(ROOT))

from channelkit._cdk import cdk  # noqa: E402
from channelkit.patterns import (  # noqa: E402
    BigQuery,
    Channel,
    ClientCredentials,
    Column,
    ConnectCluster,
    KafkaCluster,
    MySqlSource,
    PostgresSource,
    Table,
    Team,
)

KAFKA = KafkaCluster(name="k", bootstrap_servers=("b1:9092", "b2:9092", "b3:9092"), broker_count=3)
#: The schema-history clients of a MySQL source log in with the source credentials (the cluster uses TLS).
SOURCE_CREDENTIALS = ClientCredentials(settings={
    "ssl.keystore.location": "/etc/connect/source.p12",
    "ssl.keystore.password": "${file:/etc/connect/secrets.properties:source.keystore.password}",
})
CONNECT = ConnectCluster(name="c", url="http://connect:8083", principal="User:connect",
                         source_credentials=SOURCE_CREDENTIALS)
WAREHOUSE = BigQuery(project="proj-test", location="EU")
TEAM = Team(name="team-a", email="a@example.com")


def orders() -> Table:
    """A valid table with a PII column."""
    return Table("orders", primary_key=["id"], columns=[
        Column(name="id", type="int64"),
        Column(name="email", type="string", classification="confidential", pii=True),
        Column(name="total", type="numeric"),
    ])


def channel_kwargs(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments of a valid MySQL channel, with ``overrides``."""
    kwargs: dict[str, Any] = dict(
        source=MySqlSource(host="db", database="shop"),
        tables=[orders()],
        kafka=KAFKA,
        connect=CONNECT,
        warehouse=WAREHOUSE,
        owner=TEAM,
    )
    kwargs.update(overrides)
    return kwargs


def postgres_kwargs(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments of a valid Postgres channel."""
    overrides.setdefault("source", PostgresSource(host="pg", database="crm"))
    return channel_kwargs(**overrides)


def new_stack(tmp_path: Path, name: str = "s") -> tuple[Any, Any]:
    """A fresh app writing to ``tmp_path/out`` and one stack."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    return app, cdk.TerraformStack(app, name)


def synth(app: Any, tmp_path: Path, stack: str = "s") -> dict[str, Any]:
    """Synthesize ``app`` and load one stack's JSON."""
    app.synth()
    return json.loads((tmp_path / "out" / "stacks" / stack / "cdk.tf.json").read_text())


def build(tmp_path: Path, id: str = "shop", **overrides: Any) -> tuple[Channel, dict[str, Any]]:
    """One channel in a fresh stack, synthesized."""
    app, stack = new_stack(tmp_path)
    ch = Channel(stack, id, **channel_kwargs(**overrides))
    return ch, synth(app, tmp_path)


def resources(doc: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    """The resources of one type (logical id → body)."""
    return doc.get("resource", {}).get(rtype, {})


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


_REF = re.compile(r"\b(data\.)?([a-z][a-z0-9_-]*)\.([A-Za-z0-9_-]+)\.[a-z_]+")


def references(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Every ``type.name`` referenced inside ``${...}`` in the stack (data sources prefixed ``data.``)."""
    found = []
    for text in strings(doc):
        for expr in re.findall(r"(?<!\$)\$\{(.*?)\}", text):  # "$${" is an escaped literal, not a reference
            for data, rtype, name in _REF.findall(expr):
                found.append((data + rtype, name))
    return found


def synth_stack(stack: Any) -> dict[str, Any]:
    """One stack's JSON without app-level validation (for constructs tested without their providers)."""
    return json.loads(cdk.Testing.synth(stack))
