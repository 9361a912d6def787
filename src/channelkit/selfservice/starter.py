"""``channelkit new channel``: a commented starter file that synthesizes as written.

The text is a template with one block per source engine and per warehouse; the values are
placeholders a team replaces (hosts, projects, principals), each explained by its comment.
"""

from __future__ import annotations

from string import Template

__all__ = ["SOURCES", "WAREHOUSES", "starter"]

_SOURCES = {
    "mysql": """\
    source:
      mysql:
        host: ${name}-db.internal     # the service database (TLS required: ssl_mode defaults to required)
        database: ${name}
        # manage_user: true           # channelkit creates the CDC user and its grants (default)
""",
    "mariadb": """\
    source:
      mariadb:
        host: ${name}-db.internal     # the service database (TLS: ssl_mode defaults to trust)
        database: ${name}
""",
    "postgres": """\
    source:
      postgres:
        host: ${name}-db.internal     # the service database (wal_level=logical; sslmode defaults to require)
        database: ${name}
        # schema: public
""",
}

_WAREHOUSES = {
    "bigquery": """\
    # The platform team usually shares these: write `kafka: main` and `connect: main` instead, with
    # load_channels(app, "channels", shared={"kafka": {"main": ...}, "connect": {"main": ...}}).
    kafka:
      kafka:
        name: main
        bootstrap_servers: [kafka-0.data.internal:9093, kafka-1.data.internal:9093, kafka-2.data.internal:9093]
        broker_count: 3
    connect:
      kafka_connect:
        name: main
        url: https://connect.data.internal:8083
        principal: "User:connect"
        # The connector's own Kafka clients (MySQL/MariaDB schema history) log in with these; the
        # password stays on the workers, read by Kafka Connect's FileConfigProvider.
        source_credentials:
          settings:
            ssl.keystore.location: /etc/kafka-connect/tls/connect-source.p12
            ssl.keystore.password: "$${file:/etc/kafka-connect/secrets.properties:source.keystore.password}"
    warehouse:
      bigquery:
        project: my-warehouse-project
        location: EU
        # kms_key_name: projects/P/locations/eu/keyRings/R/cryptoKeys/K   # a customer key
        # history_retention: 400d     # default: the change history is kept
""",
    "aws_lake": """\
    kafka:
      msk:
        arn: arn:aws:kafka:eu-west-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5
    connect:
      msk_connect:
        subnets: [subnet-0a1b2c3d4e5f60718]
        security_groups: [sg-0a1b2c3d4e5f60718]
        plugin_bucket: my-connect-plugins
        source_plugin_key: debezium.zip
        sink_plugin_key: s3-sink.zip
    warehouse:
      aws_lake:
        region: eu-west-1
        bucket_name: ${bucket}
""",
}

_FILE = """\
# yaml-language-server: $$schema=${schema}
# A channel streams tables of a service database into the warehouse. Every field is the Python API's
# (channelkit.patterns.Channel); `channelkit synth` in the directory above channels/ synthesizes it.
stack: ${name}
owner: {name: ${name}, email: ${name}-team@example.com}   # the owning team (name: lower case)
${aws}channels:
  - id: ${name}                       # the channel name derives from it (lower case, [a-z0-9_])
${source}${warehouse}    tables:
      - name: orders
        primary_key: [id]             # CDC needs a key
        columns:
          - {name: id, type: BIGINT}  # the engine's own type, or a portable one (int64, string...)
          - {name: email, type: string, classification: confidential, pii: true}   # masked for most readers
          - {name: total, type: "numeric(10,2)"}
    readers:                          # who may read it, and until when
      - {${reader}}
    retention: 7d                     # how long topics keep change events
"""

#: The source engines a starter can use.
SOURCES: tuple[str, ...] = tuple(_SOURCES)
#: The warehouses a starter can use.
WAREHOUSES: tuple[str, ...] = tuple(_WAREHOUSES)

_READERS = {"bigquery": 'gcp: "group:analysts@example.com", expires: 2030-01-01T00:00:00Z',
            "aws_lake": 'aws: "arn:aws:iam::123456789012:role/analyst"'}


def starter(name: str, *, source: str = "mysql", warehouse: str = "bigquery", schema: str = "") -> str:
    """The starter file of a channel called ``name`` (a valid, commented channels file).

    Args:
        name: the channel's (and the stack's) name: lower case letters, digits, ``-``.
        source: one of :data:`SOURCES`.
        warehouse: one of :data:`WAREHOUSES`.
        schema: the JSON Schema path or URL the editor modeline names.
    """
    aws = "aws: {region: eu-west-1}                 # the stack's AWS provider\n" if warehouse == "aws_lake" else ""
    fill = {"name": name, "bucket": f"{name}-cdc-lake", "schema": schema or "channels.schema.json"}
    return Template(_FILE).substitute(
        fill, aws=aws, source=Template(_SOURCES[source]).substitute(fill),
        warehouse=Template(_WAREHOUSES[warehouse]).substitute(fill), reader=_READERS[warehouse])
