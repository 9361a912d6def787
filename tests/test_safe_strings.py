"""User text never becomes a Terraform expression: every sink writes ``$${`` / ``%%{``, exactly once.

Terraform reads every string of a ``.tf.json`` file (object keys too) as a template, so a description
``price in ${currency}`` would be evaluated and ``${var.cdc_password}`` would copy a variable into a
column comment. The unit tests synthesize (in process, no Terraform) one sink of user text each and
assert the JSON carries the escaped form; the BigQuery schema is a JSON string, so the escape is
checked in the final string Terraform reads and the decoded field description. ``channelkit validate``'s
check (``validate_text``) is tested on hand-made stacks. The ``terraform``-marked test runs the real
``terraform init`` + ``validate`` (hashicorp/aws from the local mirror) on an AWS channel whose texts
hold ``${x}``, ``%{ if }`` and ``${var.cdc_password}``, then evaluates the synthesized strings with the
real ``terraform console`` to show they read back literally.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import channel_kwargs, new_stack, synth, synth_stack

from channelkit._cdk import cdk
from channelkit._text import literal, literal_map, unescaped_templates
from channelkit.constructs import ConstructPropsError
from channelkit.constructs.aws import (
    ChannelKey,
    DataBucket,
    GlueColumn,
    GlueDatabase,
    GlueTable,
    NamedQuery,
    ServiceRole,
    Statement,
    Workgroup,
    aws_provider,
)
from channelkit.constructs.bigquery import BigQueryDataset, BigQueryField, BigQueryTable
from channelkit.patterns import Column, Table
from channelkit.validate import validate_output, validate_stack_document
from channelkit.validate_text import template_findings

X, IF, VAR = "price in ${currency}", "%{ if true }yes%{ endif }", "${var.cdc_password}"
EX, EIF, EVAR = "price in $${currency}", "%%{ if true }yes%%{ endif }", "$${var.cdc_password}"


#: The user texts' template sequences, unescaped (references channelkit writes itself are not among them).
_USER_SEQUENCE = re.compile(r"(?<!\$)\$\{(currency|var\.cdc_password|x\}|a\})|(?<!%)%\{ (if|b)")


def live(doc: Any) -> list[str]:
    """Every string (map keys included) in which Terraform would evaluate one of the user texts' sequences."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if _USER_SEQUENCE.search(value):
                found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "//":
                    walk(key)
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(doc)
    return found


def only(doc: dict[str, Any], rtype: str) -> dict[str, Any]:
    (body,) = doc["resource"][rtype].values()
    return body  # type: ignore[no-any-return]


# ------------------------------------------------------------------ literal()


def test_literal_escapes_both_sequences_and_keeps_tokens() -> None:
    app = cdk.App()
    stack = cdk.TerraformStack(app, "s")
    token = cdk.TerraformVariable(stack, "v", type="string").string_value
    assert literal(X) == EX and literal(IF) == EIF and literal(VAR) == EVAR
    assert literal(f"{X} {token}") == f"{EX} {token}"  # the cdktf token stays a reference
    assert literal("$${already}") == "$$${already}"  # Terraform reads that back as "$${already}"
    assert literal("no template $ { here") == "no template $ { here"
    assert literal_map({"k${a}": "v%{b}"}) == {"k$${a}": "v%%{b}"} and literal_map({}) is None


def test_unescaped_templates_follows_terraform() -> None:
    assert unescaped_templates("a ${b} %{ c }") == ["${", "%{"]
    assert unescaped_templates("a $${b} %%{ c } $$${d}") == []  # $$${ reads as "$" + a literal "${"


# ------------------------------------------------------------------ AWS sinks


def _aws_stack() -> Any:
    app = cdk.App()
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1", default_tags={"team": "payments"})
    return stack


def test_glue_column_comments_table_and_database_descriptions() -> None:
    stack = _aws_stack()
    db = GlueDatabase(stack, "Db", name="shop", description=X, parameters={"owner": VAR})
    GlueTable(stack, "T", database=db, name="orders", location="s3://b/p/", description=IF, owner=VAR,
              columns=[GlueColumn(name="id", type="bigint", comment=X, parameters={"note": IF})],
              partition_keys=[GlueColumn(name="dt", type="string", comment=VAR)], parameters={"src": X})
    doc = synth_stack(stack)
    database, table = only(doc, "aws_glue_catalog_database"), only(doc, "aws_glue_catalog_table")
    assert database["description"] == EX and database["parameters"] == {"owner": EVAR}
    assert table["description"] == EIF and table["owner"] == EVAR and table["parameters"]["src"] == EX
    (column,) = table["storage_descriptor"]["columns"]
    assert column["comment"] == EX and column["parameters"] == {"note": EIF}
    assert table["partition_keys"][0]["comment"] == EVAR
    assert doc["provider"]["aws"][0]["default_tags"][0]["tags"] == {"team": "payments"}
    assert live(doc) == []


def test_tags_descriptions_and_named_query_on_aws_resources() -> None:
    stack = _aws_stack()
    tags = {"cost": "center-1", "team": "payments"}
    etags = tags  # AWS tag characters exclude $, { and %: a template cannot be a tag (refused, see below)
    with pytest.raises(ConstructPropsError) as info:
        ChannelKey(stack, "BadKey", alias="alias/channelkit/bad", tags={"cost": X, f"k{VAR}": IF}, protect=False)
    assert [p.field for p in info.value.problems] == ["tags[cost]", "tags (key)", f"tags[k{VAR}]"]
    with pytest.raises(ConstructPropsError):
        aws_provider(cdk.TerraformStack(cdk.App(), "t"), region="us-east-1", default_tags={"team": X})
    key = ChannelKey(stack, "Key", alias="alias/channelkit/t", description=X, tags=tags, protect=False)
    DataBucket(stack, "Bucket", bucket_name="acme-t-bucket", key=key, expiration_days=None, tags=tags, protect=False)
    wg = Workgroup(stack, "Wg", name="t-wg", output_location="s3://acme-t-bucket/r/", key=key, tags=tags)
    db = GlueDatabase(stack, "Db", name="shop")
    NamedQuery(stack, "Q", name="q", database=db, query=f"SELECT '{X}'", workgroup=wg, description=VAR)
    ServiceRole(stack, "Role", name="t-role", service="glue.amazonaws.com", description=IF, tags=tags,
                statements=(Statement(sid="S", actions=("s3:GetObject",),
                                      resources=("arn:aws:s3:::acme-t-bucket/${aws:username}/*",)),))
    doc = synth_stack(stack)
    for rtype in ("aws_kms_key", "aws_s3_bucket", "aws_athena_workgroup", "aws_iam_role"):
        assert only(doc, rtype)["tags"] == etags, rtype
    assert only(doc, "aws_kms_key")["description"] == EX
    assert only(doc, "aws_iam_role")["description"] == EIF
    query = only(doc, "aws_athena_named_query")
    assert query["description"] == EVAR and query["query"] == f"SELECT '{EX}'"
    # An IAM policy variable reaches IAM as ${aws:username}: Terraform must read it literally.
    documents = doc["data"]["aws_iam_policy_document"].values()
    (policy,) = [s for d in documents for s in d["statement"] if s.get("sid") == "S"]
    assert policy["resources"] == ["arn:aws:s3:::acme-t-bucket/$${aws:username}/*"]
    assert live(doc) == []


# ------------------------------------------------------------------ BigQuery sinks


def test_bigquery_field_descriptions_in_the_schema_json_dataset_and_table() -> None:
    app = cdk.App()
    stack = cdk.TerraformStack(app, "s")
    ds = BigQueryDataset(stack, "Ds", dataset_id="shop", project="proj-test", location="EU", description=X,
                         labels={"team": "a"})
    BigQueryTable(stack, "T", dataset=ds, table_id="orders", primary_key=["id"], description=VAR,
                  labels={"k": "v"}, fields=[BigQueryField(name="id", type="INT64", description=X),
                                             BigQueryField(name="note", type="STRING", description=IF)])
    doc = synth_stack(stack)
    assert only(doc, "google_bigquery_dataset")["description"] == EX
    table = only(doc, "google_bigquery_table")
    assert table["description"] == EVAR
    # The schema is one string: escaped once, as a whole; after Terraform's unescaping it is the JSON.
    assert unescaped_templates(table["schema"]) == []
    fields = json.loads(table["schema"].replace("$${", "${").replace("%%{", "%{"))
    assert [f.get("description") for f in fields] == [X, IF]
    assert EX in table["schema"] and EIF in table["schema"]
    assert live(doc) == []


def test_channel_user_text_on_both_targets(tmp_path: Path) -> None:
    """A Channel's table and column descriptions and the owner's e-mail reach the JSON only as literals."""
    from channelkit.constructs.aws import aws_provider as provider
    from channelkit.patterns import AwsLake, MskCluster, MskConnect, MySqlSource, Team

    table = Table("orders", primary_key=["id"], description=X, columns=[
        Column(name="id", type="int64", description=VAR),
        Column(name="status", type="ENUM('a${x}','%{ b }')", description=IF),
    ])
    owner = Team(name="team-a", email="a${x}@example.com")
    for target in ("gcp", "aws"):
        (tmp_path / target).mkdir()
    app, stack = new_stack(tmp_path / "gcp")
    from channelkit.patterns import Channel

    Channel(stack, "shop", **channel_kwargs(tables=[table], owner=owner))
    gcp = synth(app, tmp_path / "gcp")
    app, stack = new_stack(tmp_path / "aws")
    provider(stack, region="us-east-1")
    Channel(stack, "orders", source=MySqlSource(host="db.internal", database="shop", manage_user=False,
                                                 user="cdc_orders"),
            tables=[table], owner=owner,
            kafka=MskCluster(arn="arn:aws:kafka:us-east-1:123456789012:cluster/p/6357e0b2-0e6a-4b86-a0b4-70df934c"
                             "2e31-5", bootstrap_brokers="b-1.p.abc.c2.kafka.us-east-1.amazonaws.com:9098"),
            connect=MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",),
                               plugin_bucket="acme-plugins", source_plugin_key="d.zip", sink_plugin_key="s.zip"),
            warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", tags={"cost": "center-1"}))
    aws = synth(app, tmp_path / "aws")
    assert live(gcp) == [] and live(aws) == []
    dump = json.dumps(gcp) + json.dumps(aws)
    for escaped in (EX, EIF, EVAR, "a$${x}@example.com"):
        assert escaped in dump, escaped


def test_aws_tags_cannot_hold_a_template_sequence(tmp_path: Path) -> None:
    """AWS tag values allow letters, digits, spaces and ``+ - = . _ : / @`` only: ``${`` is refused, not escaped."""
    from channelkit.constructs import ConstructPropsError
    from channelkit.patterns import AwsLake

    with pytest.raises(ConstructPropsError) as info:
        from channelkit.errors import ProblemCollector
        from channelkit.props import check_props

        problems = ProblemCollector("s/orders")
        check_props(problems, AwsLake.PROPS, AwsLake(region="us-east-1", tags={"cost": X}), prefix="warehouse.")
        problems.raise_if_any(ConstructPropsError, "invalid")
    assert [p.field for p in info.value.problems] == ["warehouse.tags[cost]"]


def test_connector_config_placeholders_are_escaped_once(tmp_path: Path) -> None:
    """Kafka Connect's ``${file:...}`` placeholders reach Kafka Connect as they are: ``$${file:`` in JSON."""
    app, stack = new_stack(tmp_path)
    from channelkit.patterns import Channel

    Channel(stack, "shop", **channel_kwargs())
    doc = synth(app, tmp_path)
    configs = [c["config"] for c in doc["resource"]["kafka-connect_connector"].values()]
    values = [v for config in configs for v in config.values()]
    assert "$${file:/etc/connect/secrets.properties:source.keystore.password}" in values
    assert not [v for v in values if "$$${" in v]  # never escaped twice
    assert live(doc) == []


# ------------------------------------------------------------------ channelkit validate


def test_validate_flags_interpolation_in_user_text() -> None:
    doc = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
        "provider": {"aws": [{"region": "us-east-1", "default_tags": [{"tags": {"team": "a ${var.t}"}}]}]},
        "resource": {
            "aws_glue_catalog_table": {"t": {
                "name": "t", "database_name": "d", "description": "ok $${literal}",
                "storage_descriptor": {"columns": [{"name": "c", "type": "string", "comment": X}]},
            }},
            "aws_kms_key": {"k": {"description": "%{ if true }x%{ endif }", "tags": {"k${var.k}": "v"}}},
            "aws_s3_bucket": {"b": {"bucket": "${var.bucket}"}},  # an identifier reference: not user text
        },
        "variable": {"t": {}, "k": {}, "bucket": {}},
    }
    found = sorted((block, attr) for block, attr, _ in template_findings(doc))
    assert found == [
        ("aws_glue_catalog_table.t", "storage_descriptor.columns[0].comment"),
        ("aws_kms_key.k", "description"),
        ("aws_kms_key.k", "tags (key 'k${var.k}')"),
        ("provider.aws", "default_tags[0].tags.team"),
    ]
    _, findings = validate_stack_document(doc, "s")
    assert sum("template sequence" in f.message for f in findings) == 4


def test_validate_flags_the_bigquery_schema_string() -> None:
    schema = json.dumps([{"name": "id", "type": "INT64", "description": X}])
    doc = {"resource": {"google_bigquery_table": {"t": {"schema": schema}}}}
    assert [(b, a) for b, a, _ in template_findings(doc)] == [("google_bigquery_table.t", "schema[0].description")]
    doc["resource"]["google_bigquery_table"]["t"]["schema"] = literal(schema)
    assert list(template_findings(doc)) == []


def test_validate_accepts_a_policy_tag_reference_in_the_schema_and_nothing_else() -> None:
    """``policyTags.names`` may reference a policy tag of the stack; any other live sequence is flagged."""
    tag = "${google_data_catalog_policy_tag.pii.name}"
    fields = [{"name": "email", "type": "STRING", "policyTags": {"names": [tag]}},
              {"name": "iban", "type": "STRING", "policyTags": {"names": ["${var.cdc_password}"]}},
              {"name": "x", "type": "STRING", "policyTags": {"names": ["${google_data_catalog_policy_tag.nope.name}"]}}]
    doc = {"resource": {"google_data_catalog_policy_tag": {"pii": {}},
                        "google_bigquery_table": {"t": {"schema": json.dumps(fields)}}}}
    assert [a for _, a, _ in template_findings(doc)] == [
        "schema[1].policyTags.names[0]", "schema[2].policyTags.names[0]"]


# ------------------------------------------------------------------ real terraform


@pytest.mark.terraform
def test_real_terraform_validates_and_reads_the_texts_back_literally(tmp_path: Path) -> None:
    """terraform validate passes; terraform console evaluates the synthesized strings to the user's text."""
    from channelkit.patterns import AwsLake, Channel, MskCluster, MskConnect, MySqlSource, Team
    from channelkit.terraform import TerraformRunner, find_mirror, terraform_binary

    if find_mirror(required=False) is None:
        pytest.skip("no Terraform provider mirror on this machine")
    texts = [X, IF, VAR, "both ${a} and %{ b } and $${c}"]
    table = Table("orders", primary_key=["id"], description=texts[0], columns=[
        Column(name="id", type="int64", description=texts[1]),
        Column(name="amount", type="numeric", description=texts[2]),
        Column(name="note", type="string", description=texts[3]),
    ])
    app, stack = new_stack(tmp_path)
    aws_provider(stack, region="us-east-1", default_tags={"note": "literal text"})
    Channel(stack, "orders", source=MySqlSource(host="db.internal", database="shop", manage_user=False,
                                                 user="cdc_orders"),
            tables=[table], owner=Team(name="payments", email="payments@example.com"),
            kafka=MskCluster(arn="arn:aws:kafka:us-east-1:123456789012:cluster/p/6357e0b2-0e6a-4b86-a0b4-70df934c"
                             "2e31-5", bootstrap_brokers="b-1.p.abc.c2.kafka.us-east-1.amazonaws.com:9098"),
            connect=MskConnect(subnets=("subnet-0a1b2c3d",), security_groups=("sg-0a1b2c3d",),
                               plugin_bucket="acme-plugins", source_plugin_key="d.zip", sink_plugin_key="s.zip"),
            warehouse=AwsLake(region="us-east-1", bucket_name="acme-orders-cdc", tags={"cost": "center-1"}))
    doc = synth(app, tmp_path)
    report = validate_output(tmp_path / "out")
    assert report.ok, report.lines()
    assert [s.terraform for s in report.stacks] == ["passed"]

    (glue,) = doc["resource"]["aws_glue_catalog_table"].values()
    comments = [c["comment"] for c in glue["storage_descriptor"]["columns"][:3]]
    synthesized = comments
    work = tmp_path / "console"
    work.mkdir()
    stack_doc = json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())
    stack_doc["terraform"].pop("backend", None)  # console needs no state; init runs with -backend=false
    (work / "main.tf.json").write_text(json.dumps(stack_doc))
    # The exact strings of the synthesized stack, evaluated by Terraform as it evaluates the resource's.
    (work / "texts.tf.json").write_text(json.dumps({"locals": {f"t{i}": s for i, s in enumerate(synthesized)}}))
    runner = TerraformRunner(work)
    try:
        runner.init()
        expression = "jsonencode([" + ", ".join(f"local.t{i}" for i in range(len(synthesized))) + "])"
        proc = subprocess.run([terraform_binary(), "console", "-no-color"], input=expression, cwd=work,
                              env=runner.environment(), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(json.loads(proc.stdout.strip())) == [texts[1], texts[2], texts[3]]
        # The same stack with one comment left unescaped is what terraform validate rejects.
        broken = json.loads((work / "main.tf.json").read_text())
        (name,) = broken["resource"]["aws_glue_catalog_table"]
        broken["resource"]["aws_glue_catalog_table"][name]["storage_descriptor"]["columns"][0]["comment"] = X
        (work / "main.tf.json").write_text(json.dumps(broken))
        assert runner.run("validate", "-no-color", check=False).returncode != 0
    finally:
        runner.close()
