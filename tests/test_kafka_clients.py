"""Every Kafka client of a channel logs in as a principal that holds an ACL for each topic and group it touches.

The clients are read off the synthesized connector configs, as Kafka Connect and Debezium would build them:
the source connector's producer (``producer.override.*``), Debezium's schema-history producer and consumer
(``schema.history.internal.producer|consumer.*``, their own clients, never the worker's), the sink
connector's consumer (``consumer.override.*``) and its dead-letter producer (``producer.override.*``). A
client's principal is the one whose credentials its settings carry; without any, the worker's. No broker
runs here: this checks the configs and ACLs channelkit synthesizes against each other.
"""

from __future__ import annotations

import json
import re
from typing import Any

import channel_helpers  # noqa: F401  (puts the repository root, with stacks/, on sys.path)
import pytest

from stacks import build_app
from stacks.platform import CONNECT

#: A client's login settings → its principal (the example's per-connector TLS client certificates).
PRINCIPALS = {
    CONNECT.source_credentials.settings["ssl.keystore.location"]: CONNECT.source_principal,  # type: ignore[union-attr]
    CONNECT.sink_credentials.settings["ssl.keystore.location"]: CONNECT.sink_principal,  # type: ignore[union-attr]
}


def _principal(config: dict[str, str], prefix: str) -> str:
    keystore = config.get(prefix + "ssl.keystore.location")
    return PRINCIPALS.get(keystore, CONNECT.principal) if keystore else CONNECT.principal


def _acls(doc: dict[str, Any]) -> list[tuple[str, str, str, str, bool]]:
    topics = {f"${{kafka_topic.{lid}.name}}": b["name"] for lid, b in doc["resource"]["kafka_topic"].items()}
    return [(a["acl_principal"], a["acl_operation"], a["resource_type"], topics.get(a["resource_name"],
             a["resource_name"]), a["resource_pattern_type_filter"] == "Prefixed")
            for a in doc["resource"]["kafka_acl"].values()]


def _allowed(acls: list[tuple[str, str, str, str, bool]], principal: str, op: str, rtype: str, name: str) -> bool:
    return any(p == principal and o == op and t == rtype and (name.startswith(n) if prefixed else name == n)
               for p, o, t, n, prefixed in acls)


def _source_topics(config: dict[str, str]) -> list[str]:
    tables = [re.sub(r"\\(.)", r"\1", t.strip("^$")) for t in config["table.include.list"].split(",")]
    topics = [f"{config['topic.prefix']}.{t}" for t in tables]
    if "heartbeat.interval.ms" in config:
        topics.append(f"{config.get('topic.heartbeat.prefix', '__debezium-heartbeat')}.{config['topic.prefix']}")
    return topics


def _clients(doc: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(client, principal, operation, resource type, name) for everything each client touches."""
    uses: list[tuple[str, str, str, str, str]] = []
    for connector in doc["resource"]["kafka-connect_connector"].values():
        config, name = connector["config"], connector["name"]
        if "topic.prefix" in config:  # a Debezium source
            producer = _principal(config, "producer.override.")
            uses += [(f"{name} producer", producer, "Write", "Topic", t) for t in _source_topics(config)]
            if "schema.history.internal.kafka.topic" in config:
                history, group = config["schema.history.internal.kafka.topic"], config.get(
                    "schema.history.internal.consumer.group.id", f"{config['topic.prefix']}-schemahistory")
                hp = _principal(config, "schema.history.internal.producer.")
                hc = _principal(config, "schema.history.internal.consumer.")
                uses += [(f"{name} history producer", hp, "Write", "Topic", history),
                         (f"{name} history consumer", hc, "Read", "Topic", history),
                         (f"{name} history consumer", hc, "Read", "Group", group)]
        else:  # a sink
            consumer, dlq = _principal(config, "consumer.override."), _principal(config, "producer.override.")
            uses += [(f"{name} consumer", consumer, "Read", "Topic", t) for t in config["topics"].split(",")]
            uses += [(f"{name} consumer", consumer, "Read", "Group", f"connect-{name}"),
                     (f"{name} dead-letter producer", dlq, "Write", "Topic",
                      config["errors.deadletterqueue.topic.name"])]
    return uses


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("org")
    build_app(str(out)).synth()
    return {stack: json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
            for stack in ("growth", "payments", "support")}


@pytest.mark.parametrize("stack", ["growth", "payments", "support"])
def test_every_client_holds_an_acl_for_what_it_touches(org: dict[str, dict[str, Any]], stack: str) -> None:
    doc = org[stack]
    acls, clients = _acls(doc), _clients(doc)
    missing = [c for c in clients if not _allowed(acls, *c[1:])]
    assert missing == []
    # each connector's clients log in as the connector's own principal, not as the worker
    principals = {client: principal for client, principal, *_ in clients}
    assert all(p != CONNECT.principal for p in principals.values()), principals


def test_history_clients_get_the_clusters_tls_settings(org: dict[str, dict[str, Any]]) -> None:
    (source,) = [c["config"] for c in org["payments"]["resource"]["kafka-connect_connector"].values()
                 if c["name"] == "payments-source"]
    for client in ("producer", "consumer"):
        assert source[f"schema.history.internal.{client}.security.protocol"] == "SSL"
        password = source[f"schema.history.internal.{client}.ssl.keystore.password"]
        assert password.startswith("$${file:")  # a literal placeholder for Connect, never a Terraform expression


def test_without_overrides_the_check_would_fail(org: dict[str, dict[str, Any]]) -> None:
    """The walk is not vacuous: strip the sink's overrides and its consumer logs in as the worker, unallowed."""
    doc = json.loads(json.dumps(org["payments"]))
    for connector in doc["resource"]["kafka-connect_connector"].values():
        connector["config"] = {k: v for k, v in connector["config"].items() if ".override." not in k}
    acls = _acls(doc)
    assert [c for c in _clients(doc) if not _allowed(acls, *c[1:])]
