"""The example ``payments`` MySQL source config, validated by Debezium's real MySQL connector.

NOT run end to end: there is no MySQL server on this machine (and none is installed by setup), so no binlog is
read and no record is produced. What runs for real, in the JVM harness against the Debezium 3.6 jars:
``io.debezium.connector.mysql.MySqlConnector().validate(config)`` on the synthesized config (+ config_sensitive,
connection keys pointed at a closed loopback port); the schema-history fields validated with the history class the
config selects (the synthesized Kafka schema history); and the configured SMT and converter classes instantiated
and configured with their own keys. The only errors allowed are the ones that need a live connection: the
connector reports the failed connection attempt on ``database.hostname``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from engines import debezium
from engines.channel import source_connector
from engines.postgres import free_port

pytestmark = pytest.mark.engines

CONNECTION_KEYS = {"database.hostname"}  # where MySqlConnector.validate reports the (refused) connection


@pytest.fixture(scope="module")
def report(example_out: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    doc = json.loads((example_out / "stacks" / "payments" / "cdk.tf.json").read_text())
    src = source_connector(doc)
    assert src["config"]["connector.class"] == "io.debezium.connector.mysql.MySqlConnector"
    config = debezium.connector_config(src, hostname="127.0.0.1", port=free_port(), user="cdc_payments",
                                       password="not-used-no-server")
    return debezium.validate(config, tmp_path_factory.mktemp("mysql-validate"))


def test_mysql_connector_accepts_every_key_that_needs_no_connection(report: dict[str, Any]) -> None:
    assert report["connector"] == "io.debezium.connector.mysql.MySqlConnector"
    assert report["version"].startswith("3.6.")
    errors = {name: f["errors"] for name, f in report["fields"].items() if f["errors"]}
    assert set(errors) <= CONNECTION_KEYS, errors
    assert all("connection" in m.lower() for m in errors.get("database.hostname", [])), errors
    assert report["unknown_keys"] == [], "keys neither the connector, Connect nor a plugin knows"


def test_schema_history_config_is_valid_for_the_kafka_history(report: dict[str, Any]) -> None:
    history = report["schema_history"]
    assert history["class"] == "io.debezium.storage.kafka.history.KafkaSchemaHistory"
    assert {n: f["errors"] for n, f in history["fields"].items() if f["errors"]} == {}
    assert "schema.history.internal.kafka.topic" in history["fields"]


def test_configured_smt_and_converters_accept_their_config(report: dict[str, Any]) -> None:
    assert report["transforms"] == {"unwrap": {"type": "io.debezium.transforms.ExtractNewRecordState",
                                               "errors": [], "configured": True}}
    for key in ("key.converter", "value.converter"):
        assert report["converters"][key]["configured"] is True
        assert report["converters"][key]["instance"] == "org.apache.kafka.connect.json.JsonConverter"
