"""Channels declared in YAML (``channelkit.selfservice``): same JSON as Python, errors at ``file:line:column``.

Each error class has a case whose position is asserted exactly. The published JSON Schema must equal a fresh
one, and validate the example org's YAML team and every starter ``channelkit new channel`` writes; the
starters synthesize and pass ``channelkit validate`` as written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from channel_helpers import ROOT
from click.testing import CliRunner

from channelkit._cdk import cdk
from channelkit.cli import main
from channelkit.constructs.errors import (
    CollisionError,
    ConstructPropsError,
    InvalidNameError,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.errors import FileError, ValidationError
from channelkit.governance import PolicyViolationError
from channelkit.selfservice import YamlSyntaxError, load_channels, load_policy
from channelkit.selfservice.schema import channels_schema, render_schema
from channelkit.selfservice.starter import SOURCES, WAREHOUSES
from stacks import CONNECT, KAFKA, POLICY, SHARED, WAREHOUSE  # noqa: F401
from stacks.support import SupportStack

SCHEMA_FILE = ROOT / "src" / "channelkit" / "schemas" / "channels.schema.json"

SUPPORT = """\
stack: support
owner: {name: support, email: support-eng@acme.example}
channels:
  - id: support
    source: {postgres: {host: support-db.internal, database: support}}
    kafka: main
    connect: main
    warehouse: acme
    tables:
      - name: tickets
        primary_key: [id]
        columns:
          - {name: id, type: int64}
          - {name: customer_email, type: string, classification: confidential, pii: true}
          - {name: subject, type: string}
          - {name: status, type: string, checks: [{accepted_values: [open, pending, closed]}]}
          - {name: opened_at, type: timestamp, checks: [not_null]}
      - name: messages
        primary_key: [id]
        columns:
          - {name: id, type: int64}
          - {name: ticket_id, type: int64, checks: [not_null]}
          - {name: body, type: string, classification: confidential, pii: true}
          - {name: sent_at, type: timestamp}
      - name: agents
        primary_key: [id]
        columns:
          - {name: id, type: int64}
          - {name: name, type: string, classification: internal, pii: true}
          - {name: team, type: string}
          - {name: active, type: bool}
    readers:
      - group:support-leads@acme.example
      - {kafka: "User:support-analytics", clearance: confidential}
"""


def write(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / "channels" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def load(tmp_path: Path, text: str, *, policy: bool = True) -> list[Any]:
    """Load ``text`` as a channels file into a fresh app (under the example org's policy)."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    if policy:
        POLICY.apply(app)
    return load_channels(app, write(tmp_path, text), shared=SHARED)


def located(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str | None, str]]:
    """(line:column, field) of every problem, the file name cut off."""
    return [(p.location.split(":", 1)[1] if p.location else None, p.field) for p in excinfo.value.problems]


# ------------------------------------------------------------------------------------------- same as Python
def test_yaml_and_python_synthesize_byte_identical_json(tmp_path: Path) -> None:
    python = cdk.App(outdir=str(tmp_path / "py"))
    POLICY.apply(python)
    SupportStack(python, "support")
    python.synth()
    declared = cdk.App(outdir=str(tmp_path / "yaml"))
    POLICY.apply(declared)
    (channel,) = load_channels(declared, write(tmp_path, SUPPORT), shared=SHARED)
    declared.synth()
    assert channel.node.path == "support/support"
    made = [(tmp_path / d / "stacks" / "support" / "cdk.tf.json").read_bytes() for d in ("py", "yaml")]
    assert made[0] == made[1]


AWS = """\
stack: orders-aws
owner: {name: payments, email: payments@example.com}
aws: {region: us-east-1, default_tags: {managed-by: channelkit}}
channels:
  - id: orders
    source: {mysql: {host: shop-db.internal, database: shop, manage_user: false, user: cdc_orders}}
    kafka:
      msk:
        arn: arn:aws:kafka:us-east-1:123456789012:cluster/platform/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5
        bootstrap_brokers: b-1.platform.abc123.c2.kafka.us-east-1.amazonaws.com:9098
    connect:
      msk_connect:
        subnets: [subnet-0a1b2c3d4e5f60718]
        security_groups: [sg-0a1b2c3d4e5f60718]
        plugin_bucket: acme-connect-plugins
        source_plugin_key: debezium-mysql-2.7.zip
        sink_plugin_key: confluent-s3-sink-10.5.zip
    warehouse: {aws_lake: {region: us-east-1, bucket_name: acme-orders-cdc-example, history_retention: 400d}}
    tables:
      - name: customers
        primary_key: [id]
        checks: [{freshness: {max_age: 1d}}, {row_condition: {sql: "id > 0", name: positive-id}}]
        columns:
          - {name: id, type: int64, description: customer id, checks: [{range: {min: 1}}]}
          - {name: email, type: string, classification: confidential, pii: true,
             checks: [not_null, unique, {matches: {pattern: "[^@]+@[^@]+"}}]}
    readers:
      - {aws: "arn:aws:iam::123456789012:role/analyst", expires: 2031-01-01T00:00:00Z}
    retention: 3d
    partitions: 6
"""


def test_an_aws_channel_in_yaml_equals_python(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from channelkit.constructs.aws import aws_provider
    from channelkit.patterns import Channel, Column, MskCluster, MskConnect, MySqlSource, Reader, Table, Team
    from channelkit.quality import Freshness, Matches, NotNull, Range, RowCondition, Unique
    from channelkit.warehouses import AwsLake

    python = cdk.App(outdir=str(tmp_path / "py"))
    stack = cdk.TerraformStack(python, "orders-aws")
    aws_provider(stack, region="us-east-1", default_tags={"managed-by": "channelkit"})
    Channel(stack, "orders", source=MySqlSource(host="shop-db.internal", database="shop", manage_user=False,
                                                 user="cdc_orders"),
            kafka=MskCluster(arn="arn:aws:kafka:us-east-1:123456789012:cluster/platform/"
                                 "6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5",
                             bootstrap_brokers="b-1.platform.abc123.c2.kafka.us-east-1.amazonaws.com:9098"),
            connect=MskConnect(subnets=("subnet-0a1b2c3d4e5f60718",), security_groups=("sg-0a1b2c3d4e5f60718",),
                               plugin_bucket="acme-connect-plugins", source_plugin_key="debezium-mysql-2.7.zip",
                               sink_plugin_key="confluent-s3-sink-10.5.zip"),
            warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc-example",
                              history_retention=timedelta(days=400)),
            tables=[Table("customers", primary_key=["id"], columns=[
                Column(name="id", type="int64", description="customer id", checks=[Range(min=1)]),
                Column(name="email", type="string", classification="confidential", pii=True,
                       checks=[NotNull(), Unique(), Matches("[^@]+@[^@]+")])],
                checks=[Freshness(max_age=timedelta(days=1)), RowCondition("id > 0", name="positive-id")])],
            owner=Team(name="payments", email="payments@example.com"),
            readers=[Reader(aws="arn:aws:iam::123456789012:role/analyst", expires=datetime(2031, 1, 1, tzinfo=UTC))],
            retention=timedelta(days=3), partitions=6)
    python.synth()
    declared = cdk.App(outdir=str(tmp_path / "yaml"))
    load_channels(declared, write(tmp_path, AWS))
    declared.synth()
    made = [(tmp_path / d / "stacks" / "orders-aws" / "cdk.tf.json").read_bytes() for d in ("py", "yaml")]
    assert made[0] == made[1]


def test_loading_into_a_stack(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "support")
    (channel,) = load_channels(stack, write(tmp_path, SUPPORT), shared=SHARED)
    assert channel.node.path == "support/support"
    other = cdk.TerraformStack(app, "other")
    with pytest.raises(ConstructPropsError) as excinfo:
        load_channels(other, write(tmp_path, SUPPORT.replace("support-db", "support2-db"), "b.yaml"), shared=SHARED)
    assert located(excinfo) == [("1:8", "stack")]


# ------------------------------------------------------------------------------ every error at its position
@pytest.mark.parametrize(("text", "message"), [
    ("channels: [\n", "2:1: not valid YAML"),
    ("stack: a\nstack: b\nchannels: []\n", "2:1: duplicate key 'stack' (first at"),
    ("? [a, b]\n: 1\n", "1:3: a mapping key must be a string"),
])
def test_yaml_that_is_not_well_formed(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(YamlSyntaxError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load(tmp_path, text)


def test_file_fields(tmp_path: Path) -> None:
    with pytest.raises(ConstructPropsError) as excinfo:
        load(tmp_path, "colour: blue\nchannels: []\n")
    assert located(excinfo) == [("1:9", "colour"), ("2:11", "channels")]
    assert "one of the fields stack, owner, aws, policy, channels" in str(excinfo.value)


def test_conversion_errors(tmp_path: Path) -> None:
    text = SUPPORT.replace("    kafka: main\n", "    kafka: nope\n").replace(
        "    connect: main\n", "    connect: {kafka_connect: {name: main}}\n").replace(
        "      - name: agents\n", "      - nam: agents\n").replace(
        "      - group:support-leads@acme.example\n",
        "      - {gcp: 'user:x@acme.example', expires: 2030-01-01}\n") + "    retention: a week\n    colour: 1\n"
    with pytest.raises(ConstructPropsError) as excinfo:
        load(tmp_path, text)
    assert located(excinfo) == [
        ("6:12", "kafka"),  # not a shared name
        ("7:30", "connect.url"),  # required fields of ConnectCluster
        ("7:30", "connect.principal"),
        ("25:14", "tables[2].nam"),  # an unknown field of Table
        ("25:9", "tables[2].name"),
        ("33:47", "readers[0].expires"),  # a date has no time zone
        ("35:16", "retention"),  # not a duration
        ("36:13", "colour"),
    ]
    problems = {p.field: p for p in excinfo.value.problems}
    assert "one of the shared kafka props ['main']" in problems["kafka"].allowed
    assert problems["retention"].allowed == "a duration such as 7d, 12h, 30m or 45s"
    assert str(excinfo.value).count("team.yaml:") == 8


@pytest.mark.parametrize(("old", "new", "kind", "where", "field"), [
    ("    readers:\n", "    partitions: 0\n    readers:\n", ConstructPropsError, "32:17", "partitions"),
    ("{name: team, type: string}", "{name: team, type: strin}", TableDefinitionError, "30:32",
     "tables[agents].columns[team].type"),
    ("      - group:support-leads@acme.example\n", "      - {gcp: nobody}\n", PrincipalError, "33:15",
     "readers[0].gcp"),
    ("{postgres: {host: support-db.internal, database: support}}",
     "{postgres: {host: support-db.internal, database: support, topic_prefix: 'bad prefix'}}", InvalidNameError,
     "5:85", "topic_prefix"),
    ("    readers:\n", "    retention: 40d\n    readers:\n", PolicyViolationError, "32:16", "retention"),
])
def test_the_channels_own_errors_point_to_the_value(
    tmp_path: Path, old: str, new: str, kind: type[ValidationError], where: str, field: str,
) -> None:
    assert old in SUPPORT
    with pytest.raises(kind) as excinfo:
        load(tmp_path, SUPPORT.replace(old, new))
    assert (where, field) in located(excinfo), located(excinfo)


def test_a_collision_between_two_files_and_the_value_as_written(tmp_path: Path) -> None:
    write(tmp_path, SUPPORT, "a.yaml")
    app = cdk.App(outdir=str(tmp_path / "out"))
    POLICY.apply(app)
    second = SUPPORT.replace("stack: support", "stack: support2")
    write(tmp_path, second.replace("    readers:\n", "    retention: 40d\n    readers:\n"), "b.yaml")
    with pytest.raises(CollisionError) as excinfo:
        load_channels(app, tmp_path / "channels", shared=SHARED)
    assert isinstance(excinfo.value, PolicyViolationError)  # every problem of every file, in one error
    assert {p.location.rsplit("/", 1)[1] for p in excinfo.value.problems if p.location} >= {"b.yaml:32:16",
                                                                                           "b.yaml:4:5"}
    retention = next(p for p in excinfo.value.problems if p.field == "retention")
    assert retention.value == "40d"  # as written, not timedelta(days=40)


def test_a_policy_in_the_file(tmp_path: Path) -> None:
    text = "policy: {org_domains: [acme.example], bigquery_locations: {confidential: [US]}}\n" + SUPPORT
    with pytest.raises(PolicyViolationError) as excinfo:
        load(tmp_path, text, policy=False)
    assert located(excinfo) == [("9:16", "warehouse.location")]
    with pytest.raises(ConstructPropsError) as excinfo:
        load(tmp_path, "policy: {org_domains: [ACME]}\n" + SUPPORT, policy=False)
    assert located(excinfo) == [("1:24", "org_domains[0]")]


def test_an_app_policy_in_yaml(tmp_path: Path) -> None:
    from datetime import timedelta

    from channelkit.governance import DataPolicy, RetentionLimit

    path = write(tmp_path, """\
name: acme data policy
bigquery_locations: {confidential: [EU], restricted: [EU]}
kafka_retention: {restricted: {maximum: 14d}}
org_domains: [acme.example]
max_guest_grant: 10d
""", "policy.yaml")
    assert load_policy(path) == DataPolicy(
        name="acme data policy", bigquery_locations={"confidential": ["EU"], "restricted": ["EU"]},
        kafka_retention={"restricted": RetentionLimit(maximum=timedelta(days=14))}, org_domains=["acme.example"],
        max_guest_grant=timedelta(days=10))
    path.write_text("org_domains: [ACME]\nmax_guest_grant: 5h\nsame_region: maybe\ncolour: 1\n")
    with pytest.raises(ConstructPropsError) as excinfo:
        load_policy(path)
    assert sorted(located(excinfo)) == [("1:15", "org_domains[0]"), ("2:18", "max_guest_grant"),
                                        ("3:14", "same_region"), ("4:9", "colour")]


def test_a_missing_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="no such file or directory"):
        load_channels(cdk.App(outdir=str(tmp_path)), tmp_path / "nope.yaml")


# -------------------------------------------------------------------------------------- schema and starters
def test_the_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == render_schema(), "refresh: channelkit schema --out " + str(SCHEMA_FILE)


def _validator() -> jsonschema.Draft202012Validator:
    schema = channels_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_json(path_or_text: Path | str) -> Any:
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return json.loads(json.dumps(yaml.safe_load(text), default=lambda v: v.isoformat()))


def test_the_schema_validates_the_example_yaml_and_rejects_bad_values() -> None:
    validator = _validator()
    for path in sorted((ROOT / "channels").glob("*.yaml")):
        assert list(validator.iter_errors(_as_json(path))) == [], path
    assert list(validator.iter_errors(_as_json(SUPPORT))) == []
    bad = _as_json(SUPPORT.replace("classification: confidential", "classification: secret")
                   .replace("type: int64}", "type: int64, colour: 1}", 1))
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert len(messages) == 3 and "'secret' is not one of" in messages[0] and "'colour' was unexpected" in messages[2]


@pytest.mark.parametrize("warehouse", WAREHOUSES)
@pytest.mark.parametrize("source", SOURCES)
def test_new_channel_writes_a_starter_that_synthesizes_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, warehouse: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "channel", "orders", "--source", source, "--warehouse", warehouse])
    assert result.exit_code == 0, result.output
    starter = tmp_path / "channels" / "orders.yaml"
    assert list(_validator().iter_errors(_as_json(starter))) == []
    assert (tmp_path / "channels" / "channels.schema.json").read_text() == render_schema()
    assert CliRunner().invoke(main, ["new", "channel", "orders"]).exit_code == 1  # never overwritten silently
    app = cdk.App(outdir=str(tmp_path / "out"))
    (channel,) = load_channels(app, tmp_path / "channels")
    assert channel.source.engine == ("postgres" if source == "postgres" else "mysql" if source == "mysql" else
                                     "mariadb")
    app.synth()
    from channelkit.validate import validate_output

    report = validate_output(tmp_path / "out", run_terraform=False)
    assert report.ok, report.lines()


def test_channelkit_synth_runs_a_directory_of_yaml_channels(tmp_path: Path) -> None:
    """No main.py: ``channelkit synth`` synthesizes channels/*.yaml (a real subprocess)."""
    write(tmp_path, SUPPORT.replace("kafka: main", "kafka: {kafka: {name: main, bootstrap_servers: [k:9093]}}")
          .replace("connect: main", "connect: {kafka_connect: {name: main, url: 'https://c:8083', principal: "
                                    "'User:connect'}}")
          .replace("warehouse: acme", "warehouse: {bigquery: {project: acme-warehouse, location: EU}}")
          .replace("      - {kafka:", "      - {gcp: 'group:x@acme.example', kafka:"))
    cli = Path(sys.executable).parent / "channelkit"
    proc = subprocess.run([str(cli), "synth"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "== support/support:" in proc.stdout
    assert (tmp_path / "cdktf.out" / "stacks" / "support" / "cdk.tf.json").is_file()


@pytest.mark.parametrize("text", [SUPPORT, AWS], ids=["bigquery", "aws"])
def test_a_channel_written_back_as_a_declaration_builds_the_same(tmp_path: Path, text: str) -> None:
    from channelkit.selfservice.dump import declaration

    first = cdk.App(outdir=str(tmp_path / "first"))
    (channel,) = load_channels(first, write(tmp_path, text), shared=SHARED)
    first.synth()
    stack = channel.stack.node.id
    written = {"stack": stack, "channels": [declaration(channel)]}
    if "aws:" in text:
        written["aws"] = yaml.safe_load(text)["aws"]
    second = cdk.App(outdir=str(tmp_path / "second"))
    load_channels(second, write(tmp_path, yaml.safe_dump(written, sort_keys=False), "again.yaml"))
    second.synth()
    made = [(tmp_path / d / "stacks" / stack / "cdk.tf.json").read_bytes() for d in ("first", "second")]
    assert made[0] == made[1]


def test_files_may_share_a_stack_but_not_the_apps_own(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    write(tmp_path, SUPPORT, "a.yaml")
    write(tmp_path, SUPPORT.replace("  - id: support\n", "  - id: support2\n").replace(
        "support-db.internal", "support2-db.internal"), "b.yaml")
    channels = load_channels(app, tmp_path / "channels", shared=SHARED)
    assert [c.node.path for c in channels] == ["support/support", "support/support2"]
    cdk.TerraformStack(app, "taken")
    with pytest.raises(ConstructPropsError) as excinfo:
        load_channels(app, write(tmp_path, SUPPORT.replace("stack: support", "stack: taken"), "c.yaml"),
                      shared=SHARED)
    assert located(excinfo) == [("1:8", "stack")]


def test_a_stacks_aws_provider_is_declared_once(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "out"))
    load_channels(app, write(tmp_path, AWS, "a.yaml"))
    second = AWS.replace("  - id: orders\n", "  - id: orders2\n").replace("acme-orders-cdc-example",
                                                                           "acme-orders2-cdc-example")
    with pytest.raises(ConstructPropsError) as excinfo:
        load_channels(app, write(tmp_path, second, "b.yaml"))
    assert located(excinfo) == [("3:6", "aws")]
