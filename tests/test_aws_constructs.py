"""The AWS L2 constructs on their own: synthesized intent, grants, protection, child ids and rejections.

Each test builds constructs in a fresh ``cdk.App``/``TerraformStack`` and asserts what the
synthesized Terraform JSON says (references by logical id, not just that a resource exists).
The helpers are local so these tests do not depend on the patterns layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from channelkit._cdk import cdk
from channelkit.constructs import _util
from channelkit.constructs.aws import (
    PROTECT_CONTEXT,
    ChannelKey,
    Connector,
    CustomPlugin,
    DataBucket,
    DataLocation,
    GeneratedSecret,
    GlueColumn,
    GlueDatabase,
    GlueTable,
    LakeGrant,
    LocalAwsEndpoint,
    ManagedPolicy,
    NamedQuery,
    ServiceRole,
    Statement,
    WorkerConfiguration,
    Workgroup,
    aws_provider,
    policy_document,
    s3_backend,
)
from channelkit.constructs.errors import ConstructPropsError, InvalidNameError, PrincipalError
from channelkit.errors import ValidationError

ROLE_ARN = "arn:aws:iam::123456789012:role/analyst"
KAFKACONNECT = "kafkaconnect.amazonaws.com"
KMS_DECRYPT = ["kms:Decrypt", "kms:DescribeKey"]
KMS_ENCRYPT_DECRYPT = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*"]


# ---------------------------------------------------------------------------------------------- helpers
def new_stack(tmp_path: Path, context: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """A fresh app (optionally with context) writing to ``tmp_path/out``, one stack ``s`` with the AWS provider."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = cdk.App(outdir=str(tmp_path / "out"), context=context)
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="us-east-1")
    return app, stack


def synth(app: Any, tmp_path: Path) -> dict[str, Any]:
    """Synthesize ``app`` and load stack ``s``'s JSON."""
    app.synth()
    return json.loads((tmp_path / "out" / "stacks" / "s" / "cdk.tf.json").read_text())


def find(doc: dict[str, Any], rtype: str, path: str, *, data: bool = False) -> tuple[str, dict[str, Any]]:
    """The (logical id, body) of the resource (or data source) of type ``rtype`` at construct ``path``."""
    block = doc["data" if data else "resource"].get(rtype, {})
    for lid, body in block.items():
        if body["//"]["metadata"]["path"] == path:
            return lid, body
    raise AssertionError(f"no {rtype} at {path}; have {[b['//']['metadata']['path'] for b in block.values()]}")


def ref(doc: dict[str, Any], rtype: str, path: str, attr: str, *, data: bool = False) -> str:
    """The Terraform reference ``${rtype.logical_id.attr}`` to the resource at ``path``."""
    lid, _ = find(doc, rtype, path, data=data)
    return "${" + ("data." if data else "") + f"{rtype}.{lid}.{attr}" + "}"


def statements(doc: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    """The statements of the ``aws_iam_policy_document`` at ``path``, by sid."""
    _, body = find(doc, "aws_iam_policy_document", path, data=True)
    return {s.get("sid", ""): s for s in body["statement"]}


def children(construct: Any) -> set[str]:
    """The ids of a construct's direct children."""
    return {c.node.id for c in construct.node.children}


def columns() -> list[GlueColumn]:
    """Two data columns, one PII."""
    return [
        GlueColumn(name="id", type="bigint", comment="key"),
        GlueColumn(name="email", type="string", parameters={"pii": "true"}),
    ]


def lake(stack: Any, key: ChannelKey | None = None) -> tuple[ChannelKey, DataBucket, GlueDatabase, GlueTable]:
    """A key, a bucket, a database and a table."""
    key = key or ChannelKey(stack, "Key", alias="alias/channelkit/orders")
    bucket = DataBucket(stack, "Bucket", bucket_name="orders-data", key=key, expiration_days=7)
    db = GlueDatabase(stack, "Db", name="orders", description="CDC", parameters={"owner": "team-a"})
    table = GlueTable(
        stack, "Table", database=db, name="customers", columns=columns(),
        partition_keys=[GlueColumn(name="dt", type="string")], location="s3://orders-data/topics/customers/",
        owner="team-a", parameters={"channelkit.channel": "orders"},
    )
    return key, bucket, db, table


def connect_parts(
    stack: Any, statements: tuple[Statement, ...]
) -> tuple[CustomPlugin, WorkerConfiguration, ServiceRole]:
    """A plugin, a worker configuration and a role holding ``statements``."""
    plugin = CustomPlugin(stack, "Plugin", name="debezium", bucket_arn="arn:aws:s3:::plugins", file_key="dbz.zip")
    worker = WorkerConfiguration(stack, "Worker", name="workers", properties={"b.key": "2", "a.key": "1"})
    role = ServiceRole(stack, "Role", name="orders-source", service=KAFKACONNECT, statements=statements)
    return plugin, worker, role


# ---------------------------------------------------------------------------------------------- key and bucket
def test_key_and_bucket_synthesize_their_intent_protected_by_default(tmp_path: Path) -> None:
    """Key rotation and alias; bucket SSE with the key, versioning, no public access, lifecycle, TLS-only policy."""
    app, stack = new_stack(tmp_path)
    key = ChannelKey(stack, "Key", alias="alias/channelkit/orders", tags={"team": "a"})
    bucket = DataBucket(stack, "Bucket", bucket_name="orders-data", key=key, expiration_days=7)
    assert key.node.find_child("Resource") is key.resource and key.node.find_child("Alias") is key.alias_resource
    assert bucket.node.find_child("Resource") is bucket.resource and bucket.key is key
    assert key.protected and bucket.protected
    assert children(key) == {"Resource", "Alias"}
    assert children(bucket) == {
        "Resource", "Versioning", "Encryption", "PublicAccessBlock", "Lifecycle", "Policy", "PolicyDocument",
    }
    doc = synth(app, tmp_path)

    _, kms = find(doc, "aws_kms_key", "s/Key/Resource")
    assert kms["enable_key_rotation"] is True and kms["deletion_window_in_days"] == 30
    assert kms["description"] == "channelkit channel key" and kms["tags"] == {"team": "a"}
    assert kms["lifecycle"] == {"prevent_destroy": True}
    _, alias = find(doc, "aws_kms_alias", "s/Key/Alias")
    assert alias["name"] == "alias/channelkit/orders"
    assert alias["target_key_id"] == ref(doc, "aws_kms_key", "s/Key/Resource", "key_id")

    _, s3 = find(doc, "aws_s3_bucket", "s/Bucket/Resource")
    assert s3["bucket"] == "orders-data" and s3["force_destroy"] is False
    assert s3["lifecycle"] == {"prevent_destroy": True}
    bucket_id = ref(doc, "aws_s3_bucket", "s/Bucket/Resource", "id")
    bucket_arn = ref(doc, "aws_s3_bucket", "s/Bucket/Resource", "arn")
    _, sse = find(doc, "aws_s3_bucket_server_side_encryption_configuration", "s/Bucket/Encryption")
    (rule,) = sse["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {
        "sse_algorithm": "aws:kms", "kms_master_key_id": ref(doc, "aws_kms_key", "s/Key/Resource", "arn"),
    }
    assert rule["bucket_key_enabled"] is True and sse["bucket"] == bucket_id
    _, versioning = find(doc, "aws_s3_bucket_versioning", "s/Bucket/Versioning")
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    _, pab = find(doc, "aws_s3_bucket_public_access_block", "s/Bucket/PublicAccessBlock")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                        "restrict_public_buckets"))
    _, life = find(doc, "aws_s3_bucket_lifecycle_configuration", "s/Bucket/Lifecycle")
    (lrule,) = life["rule"]
    assert lrule["id"] == "channel-retention" and lrule["status"] == "Enabled"
    assert lrule["expiration"] == [{"days": 7}]
    assert lrule["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]
    assert lrule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]

    (deny,) = statements(doc, "s/Bucket/PolicyDocument").values()
    assert deny == {
        "sid": "DenyInsecureTransport", "effect": "Deny", "actions": ["s3:*"],
        "resources": [bucket_arn, bucket_arn + "/*"],
        "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        "principals": [{"type": "*", "identifiers": ["*"]}],
    }
    _, policy = find(doc, "aws_s3_bucket_policy", "s/Bucket/Policy")
    assert policy["policy"] == ref(doc, "aws_iam_policy_document", "s/Bucket/PolicyDocument", "json", data=True)
    assert policy["depends_on"] == ["aws_s3_bucket_public_access_block." +
                                    find(doc, "aws_s3_bucket_public_access_block", "s/Bucket/PublicAccessBlock")[0]]


def test_protection_off_with_protect_false_and_with_the_app_context(tmp_path: Path) -> None:
    """``protect=False`` and the ``channelkit:protect`` context turn ``prevent_destroy`` off; ``protect=True`` wins."""
    assert PROTECT_CONTEXT == _util.PROTECT_CONTEXT == "channelkit:protect"
    app, stack = new_stack(tmp_path / "prop")
    key = ChannelKey(stack, "Key", alias="alias/k", protect=False)
    DataBucket(stack, "Bucket", bucket_name="orders-data", key=key, expiration_days=7, protect=False)
    db = GlueDatabase(stack, "Db", name="orders")
    GlueTable(stack, "Table", database=db, name="t", columns=columns(), location="s3://orders-data/t/",
              protect=False)
    doc = synth(app, tmp_path / "prop")
    assert "lifecycle" not in find(doc, "aws_kms_key", "s/Key/Resource")[1]
    assert "lifecycle" not in find(doc, "aws_glue_catalog_table", "s/Table/Resource")[1]
    s3 = find(doc, "aws_s3_bucket", "s/Bucket/Resource")[1]
    assert "lifecycle" not in s3 and s3["force_destroy"] is True  # an unprotected bucket can be destroyed

    app, stack = new_stack(tmp_path / "ctx", context={PROTECT_CONTEXT: "false"})
    key = ChannelKey(stack, "Key", alias="alias/k")
    off = DataBucket(stack, "Bucket", bucket_name="orders-data", key=key, expiration_days=7)
    kept = DataBucket(stack, "Kept", bucket_name="orders-kept", key=key, expiration_days=7, protect=True)
    db = GlueDatabase(stack, "Db", name="orders")
    table = GlueTable(stack, "Table", database=db, name="t", columns=columns(), location="s3://orders-data/t/")
    assert (key.protected, off.protected, kept.protected, table.protected) == (False, False, True, False)
    doc = synth(app, tmp_path / "ctx")
    assert "lifecycle" not in find(doc, "aws_kms_key", "s/Key/Resource")[1]
    assert "lifecycle" not in find(doc, "aws_s3_bucket", "s/Bucket/Resource")[1]
    assert "lifecycle" not in find(doc, "aws_glue_catalog_table", "s/Table/Resource")[1]
    assert find(doc, "aws_s3_bucket", "s/Kept/Resource")[1]["lifecycle"] == {"prevent_destroy": True}


@pytest.mark.parametrize(("value", "protected"), [(False, False), ("FALSE", False), ("off", False), ("true", True)])
def test_protect_context_values(tmp_path: Path, value: Any, protected: bool) -> None:
    """The context values that turn protection off, and that an explicit ``protect`` wins."""
    app = cdk.App(outdir=str(tmp_path), context={PROTECT_CONTEXT: value})
    stack = cdk.TerraformStack(app, "s")
    assert _util.protection_default(stack, None) is protected
    assert _util.protection_default(stack, True) is True


# ---------------------------------------------------------------------------------------------- grants
def test_grants_return_their_statements_and_cover_the_right_key(tmp_path: Path) -> None:
    """Every grant returns its statements, including the KMS statement on the key that resource uses."""
    app, stack = new_stack(tmp_path)
    key, bucket, db, table = lake(stack)
    other = ChannelKey(stack, "SecretKey", alias="alias/channelkit/secrets")
    secret = GeneratedSecret(stack, "Secret", name="channelkit/orders/db", username="cdc", key=other)
    wg = Workgroup(stack, "Workgroup", name="orders", output_location="s3://orders-data/athena/", key=key)

    read = bucket.grant_read("topics/")
    write = bucket.grant_write("athena/", sid="Results")
    query = wg.grant_query()
    secret_read = secret.grant_read()
    glue = table.grant_read_metadata()
    assert [s.sid for s in read] == ["DataBucketReadList", "DataBucketReadObjects", "DataBucketReadKms"]
    assert [s.sid for s in write] == ["ResultsList", "ResultsObjects", "ResultsKms"]
    assert [s.sid for s in query] == ["AthenaQuery", "AthenaQueryKms"]
    assert [s.sid for s in secret_read] == ["ReadSecret", "ReadSecretKms"]
    assert isinstance(glue, Statement) and glue.sid == "GlueRead"
    assert key.grant_decrypt().sid == "KmsDecrypt" and key.grant_encrypt_decrypt().sid == "KmsEncryptDecrypt"
    ServiceRole(stack, "Reader", name="reader", service=KAFKACONNECT,
                statements=(*read, *write, *query, *secret_read, glue))
    doc = synth(app, tmp_path)

    got = statements(doc, "s/Reader/PolicyDocument")
    bucket_arn = ref(doc, "aws_s3_bucket", "s/Bucket/Resource", "arn")
    key_arn = ref(doc, "aws_kms_key", "s/Key/Resource", "arn")
    other_arn = ref(doc, "aws_kms_key", "s/SecretKey/Resource", "arn")
    assert got["DataBucketReadList"]["resources"] == [bucket_arn]
    assert got["DataBucketReadObjects"] == {"sid": "DataBucketReadObjects", "effect": "Allow",
                                            "actions": ["s3:GetObject"], "resources": [bucket_arn + "/topics/*"]}
    assert got["DataBucketReadKms"]["actions"] == KMS_DECRYPT and got["DataBucketReadKms"]["resources"] == [key_arn]
    assert "s3:PutObject" in got["ResultsObjects"]["actions"]
    assert got["ResultsObjects"]["resources"] == [bucket_arn + "/athena/*"]
    assert got["ResultsKms"]["actions"] == KMS_ENCRYPT_DECRYPT and got["ResultsKms"]["resources"] == [key_arn]
    assert got["AthenaQuery"]["resources"] == [ref(doc, "aws_athena_workgroup", "s/Workgroup/Resource", "arn")]
    assert "athena:StartQueryExecution" in got["AthenaQuery"]["actions"]
    # Athena results are encrypted with the workgroup's key: the query grant encrypts and decrypts with it.
    assert got["AthenaQueryKms"]["actions"] == KMS_ENCRYPT_DECRYPT and got["AthenaQueryKms"]["resources"] == [key_arn]
    assert got["ReadSecret"]["actions"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    assert got["ReadSecret"]["resources"] == [ref(doc, "aws_secretsmanager_secret", "s/Secret/Resource", "arn")]
    # The secret is encrypted with its own key, so its grant decrypts with that key, not the bucket's.
    assert got["ReadSecretKms"]["actions"] == KMS_DECRYPT and got["ReadSecretKms"]["resources"] == [other_arn]
    assert got["GlueRead"]["resources"] == [ref(doc, "aws_glue_catalog_database", "s/Db/Resource", "arn"),
                                            ref(doc, "aws_glue_catalog_table", "s/Table/Resource", "arn")]


# ---------------------------------------------------------------------------------------------- Glue, Athena, LF
def test_glue_athena_and_lake_formation(tmp_path: Path) -> None:
    """Glue database and JSON table, enforced encrypted workgroup, named query, data location, LF grant forms."""
    app, stack = new_stack(tmp_path)
    key, bucket, db, table = lake(stack)
    assert db.database_name == "orders" and table.table_name == "customers" and table.database is db
    assert table.columns == tuple(columns()) and [c.name for c in table.partition_keys] == ["dt"]
    wg = Workgroup(stack, "Workgroup", name="orders", output_location="s3://orders-data/athena/", key=key,
                   bytes_scanned_cutoff=10 * 1024**2, tags={"team": "a"})
    NamedQuery(stack, "Latest", name="customers_latest", database=db, query="SELECT 1", workgroup=wg)
    loc = DataLocation(stack, "Location", bucket=bucket)
    db_grant = LakeGrant(stack, "DbGrant", principal=ROLE_ARN, permissions=["DESCRIBE"], database=db)
    tbl_grant = LakeGrant(stack, "TableGrant", principal=ROLE_ARN, permissions=("SELECT", "DESCRIBE"),
                          database=db, table=table)
    col_grant = LakeGrant(stack, "ColumnGrant", principal=ROLE_ARN, permissions=("SELECT",), database=db,
                          table=table, excluded_columns=["email"])
    assert (db_grant.column_level, tbl_grant.column_level, col_grant.column_level) == (False, False, True)
    assert loc.bucket is bucket and all(c.node.find_child("Resource") is c.resource for c in (db, table, wg, loc))
    doc = synth(app, tmp_path)

    _, gdb = find(doc, "aws_glue_catalog_database", "s/Db/Resource")
    assert gdb == {**gdb, "name": "orders", "description": "CDC", "parameters": {"owner": "team-a"}}
    _, gt = find(doc, "aws_glue_catalog_table", "s/Table/Resource")
    assert gt["database_name"] == ref(doc, "aws_glue_catalog_database", "s/Db/Resource", "name")
    assert gt["table_type"] == "EXTERNAL_TABLE" and gt["owner"] == "team-a"
    assert gt["parameters"] == {"EXTERNAL": "TRUE", "classification": "json", "channelkit.channel": "orders"}
    assert gt["partition_keys"] == [{"name": "dt", "type": "string"}]
    sd = gt["storage_descriptor"]
    assert sd["location"] == "s3://orders-data/topics/customers/"
    assert sd["ser_de_info"]["serialization_library"] == "org.openx.data.jsonserde.JsonSerDe"
    assert sd["columns"] == [{"name": "id", "type": "bigint", "comment": "key"},
                             {"name": "email", "type": "string", "parameters": {"pii": "true"}}]
    assert gt["lifecycle"] == {"prevent_destroy": True}

    _, awg = find(doc, "aws_athena_workgroup", "s/Workgroup/Resource")
    conf = awg["configuration"]
    assert conf["enforce_workgroup_configuration"] is True and conf["bytes_scanned_cutoff_per_query"] == 10485760
    assert conf["result_configuration"] == {
        "output_location": "s3://orders-data/athena/",
        "encryption_configuration": {"encryption_option": "SSE_KMS",
                                     "kms_key_arn": ref(doc, "aws_kms_key", "s/Key/Resource", "arn")},
    }
    assert awg["force_destroy"] is False and awg["tags"] == {"team": "a"}
    _, nq = find(doc, "aws_athena_named_query", "s/Latest/Resource")
    assert nq["database"] == "orders" and nq["query"] == "SELECT 1"
    assert nq["workgroup"] == ref(doc, "aws_athena_workgroup", "s/Workgroup/Resource", "name")

    _, lf_loc = find(doc, "aws_lakeformation_resource", "s/Location/Resource")
    assert lf_loc["arn"] == ref(doc, "aws_s3_bucket", "s/Bucket/Resource", "arn")
    assert lf_loc["use_service_linked_role"] is True
    _, g1 = find(doc, "aws_lakeformation_permissions", "s/DbGrant/Resource")
    assert g1["database"] == {"name": "orders"} and g1["permissions"] == ["DESCRIBE"] and g1["principal"] == ROLE_ARN
    _, g2 = find(doc, "aws_lakeformation_permissions", "s/TableGrant/Resource")
    assert g2["table"] == {"database_name": "orders", "name": "customers"}
    assert g2["permissions"] == ["DESCRIBE", "SELECT"] and "table_with_columns" not in g2
    _, g3 = find(doc, "aws_lakeformation_permissions", "s/ColumnGrant/Resource")
    assert g3["table_with_columns"] == {"database_name": "orders", "name": "customers", "wildcard": True,
                                        "excluded_column_names": ["email"]}
    assert "table" not in g3 and "database" not in g3


# ---------------------------------------------------------------------------------------------- secret and connector
def test_secret_placeholder_connector_wiring_and_iam(tmp_path: Path) -> None:
    """Escaped secret placeholder, write-only password, connector wiring, service role and managed policy."""
    app, stack = new_stack(tmp_path)
    key = ChannelKey(stack, "Key", alias="alias/channelkit/orders")
    secret = GeneratedSecret(stack, "Secret", name="channelkit/orders/db", username="cdc", key=key, version=2)
    assert secret.node.find_child("Value") is secret.value_version and secret.key is key
    secret.password_value()
    cdk.TerraformOutput(stack, "pw", value=secret.password_value(), sensitive=True)  # a second call reuses Stored
    assert children(secret) == {"Resource", "Password", "Value", "Stored"}
    plugin, worker, role = connect_parts(stack, secret.grant_read())
    assert children(role) == {"Resource", "Trust", "Policy", "PolicyDocument"} and role.role_name == "orders-source"
    connector = Connector(
        stack, "Source", name="orders-source", config={"database.password": secret.placeholder(), "tasks.max": "1"},
        plugin=plugin, worker_configuration=worker, role=role, bootstrap_servers="b-1:9098,b-2:9098",
        subnets=["subnet-1", "subnet-2"], security_groups=("sg-1",), mcu_count=2, min_workers=2, max_workers=4,
        log_retention_days=30, tags={"team": "a"},
    )
    assert connector.connector_name == "orders-source" and children(connector) == {"Resource", "Logs"}
    policy = ManagedPolicy(stack, "Reader", name="orders-reader", statements=secret.grant_read(),
                           attach_to_roles=[role.name, "analyst"], attach_to_users=["alice"])
    assert [a.node.id for a in policy.attachments] == ["Attach0", "Attach1", "AttachUser0"]
    assert children(policy) == {"Resource", "Document", "Attach0", "Attach1", "AttachUser0"}
    doc = synth(app, tmp_path)

    secret_arn = ref(doc, "aws_secretsmanager_secret", "s/Secret/Resource", "arn")
    _, conn = find(doc, "aws_mskconnect_connector", "s/Source/Resource")
    # The literal "${" of the config-provider placeholder is escaped ("$${") inside a join with the ARN.
    assert conn["connector_configuration"] == {
        "database.password": '${join("", ["$${secretsmanager:", ' + secret_arn[2:-1] + ', ":password}"])}',
        "tasks.max": "1",
    }
    assert conn["plugin"] == [{"custom_plugin": {
        "arn": ref(doc, "aws_mskconnect_custom_plugin", "s/Plugin/Resource", "arn"),
        "revision": ref(doc, "aws_mskconnect_custom_plugin", "s/Plugin/Resource", "latest_revision"),
    }}]
    assert conn["worker_configuration"] == {
        "arn": ref(doc, "aws_mskconnect_worker_configuration", "s/Worker/Resource", "arn"),
        "revision": ref(doc, "aws_mskconnect_worker_configuration", "s/Worker/Resource", "latest_revision"),
    }
    assert conn["service_execution_role_arn"] == ref(doc, "aws_iam_role", "s/Role/Resource", "arn")
    assert conn["kafka_cluster_client_authentication"] == {"authentication_type": "IAM"}
    assert conn["kafka_cluster_encryption_in_transit"] == {"encryption_type": "TLS"}
    assert conn["kafka_cluster"]["apache_kafka_cluster"] == {
        "bootstrap_servers": "b-1:9098,b-2:9098", "vpc": {"subnets": ["subnet-1", "subnet-2"],
                                                         "security_groups": ["sg-1"]},
    }
    auto = conn["capacity"]["autoscaling"]
    assert (auto["mcu_count"], auto["min_worker_count"], auto["max_worker_count"]) == (2, 2, 4)
    assert conn["log_delivery"]["worker_log_delivery"]["cloudwatch_logs"] == {
        "enabled": True, "log_group": ref(doc, "aws_cloudwatch_log_group", "s/Source/Logs", "name"),
    }
    assert conn["kafkaconnect_version"] == "3.7.x" and conn["tags"] == {"team": "a"}
    _, logs = find(doc, "aws_cloudwatch_log_group", "s/Source/Logs")
    assert logs["name"] == "/channelkit/msk-connect/orders-source" and logs["retention_in_days"] == 30
    _, cp = find(doc, "aws_mskconnect_custom_plugin", "s/Plugin/Resource")
    assert cp["content_type"] == "ZIP"
    assert cp["location"] == {"s3": {"bucket_arn": "arn:aws:s3:::plugins", "file_key": "dbz.zip"}}
    _, wc = find(doc, "aws_mskconnect_worker_configuration", "s/Worker/Resource")
    assert wc["properties_file_content"] == "a.key=1\nb.key=2\n"

    _, sec = find(doc, "aws_secretsmanager_secret", "s/Secret/Resource")
    assert sec["kms_key_id"] == ref(doc, "aws_kms_key", "s/Key/Resource", "arn") and sec["recovery_window_in_days"] == 7
    _, version = find(doc, "aws_secretsmanager_secret_version", "s/Secret/Value")
    pw_ref = ref(doc, "aws_secretsmanager_random_password", "s/Secret/Password", "random_password", data=True)
    assert version["secret_string_wo"] == '${jsonencode({"username" = "cdc", "password" = ' + pw_ref[2:-1] + "})}"
    assert version["secret_string_wo_version"] == 2 and "secret_string" not in version
    _, pw = find(doc, "aws_secretsmanager_random_password", "s/Secret/Password", data=True)
    assert pw["password_length"] == 32 and pw["require_each_included_type"] is True
    _, stored = find(doc, "aws_secretsmanager_secret_version", "s/Secret/Stored", data=True)
    assert stored["depends_on"] == ["aws_secretsmanager_secret_version." + find(
        doc, "aws_secretsmanager_secret_version", "s/Secret/Value")[0]]
    stored_ref = ref(doc, "aws_secretsmanager_secret_version", "s/Secret/Stored", "secret_string", data=True)
    assert doc["output"]["pw"] == {"value": f"${{jsondecode({stored_ref[2:-1]}).password}}",
                                   "sensitive": True}
    # The password is never in the configuration: only references to the generator and the stored value.
    text = json.dumps(doc)
    assert pw_ref[2:-1] in text and "secret_string_wo" in text
    assert text.count("random_password.") == 1  # used once, inside the write-only value

    _, trust = find(doc, "aws_iam_policy_document", "s/Role/Trust", data=True)
    assert trust["statement"] == [{"effect": "Allow", "actions": ["sts:AssumeRole"],
                                   "principals": [{"type": "Service", "identifiers": [KAFKACONNECT]}]}]
    _, iam_role = find(doc, "aws_iam_role", "s/Role/Resource")
    assert iam_role["assume_role_policy"] == ref(doc, "aws_iam_policy_document", "s/Role/Trust", "json", data=True)
    _, inline = find(doc, "aws_iam_role_policy", "s/Role/Policy")
    assert inline["name"] == "orders-source-policy"
    assert inline["role"] == ref(doc, "aws_iam_role", "s/Role/Resource", "id")
    assert set(statements(doc, "s/Role/PolicyDocument")) == {"ReadSecret", "ReadSecretKms"}
    _, attach = find(doc, "aws_iam_role_policy_attachment", "s/Reader/Attach0")
    assert attach["role"] == ref(doc, "aws_iam_role", "s/Role/Resource", "name")
    assert attach["policy_arn"] == ref(doc, "aws_iam_policy", "s/Reader/Resource", "arn")
    assert find(doc, "aws_iam_role_policy_attachment", "s/Reader/Attach1")[1]["role"] == "analyst"
    assert find(doc, "aws_iam_user_policy_attachment", "s/Reader/AttachUser0")[1]["user"] == "alice"


def test_provider_and_backend(tmp_path: Path) -> None:
    """The provider and the S3 backend against a local emulator."""
    app = cdk.App(outdir=str(tmp_path / "out"))
    stack = cdk.TerraformStack(app, "s")
    aws_provider(stack, region="eu-west-1", local=LocalAwsEndpoint(url="http://127.0.0.1:5000"),
                 default_tags={"team": "a"})
    s3_backend(stack, bucket="state-bucket", key="orders.tfstate", region="eu-west-1", lock_table="locks",
               local=LocalAwsEndpoint(url="http://127.0.0.1:5000"))
    doc = synth(app, tmp_path)
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "eu-west-1" and provider["default_tags"] == [{"tags": {"team": "a"}}]
    assert provider["endpoints"][0]["s3"] == "http://127.0.0.1:5000" and provider["s3_use_path_style"] is True
    backend = doc["terraform"]["backend"]["s3"]
    assert backend["bucket"] == "state-bucket" and backend["encrypt"] is True and backend["use_path_style"] is True


# ---------------------------------------------------------------------------------------------- rejections
def test_bucket_gathers_every_problem_in_one_typed_error_with_the_path(tmp_path: Path) -> None:
    """Name and prop problems come in one error that is both an InvalidNameError and a ConstructPropsError."""
    _, stack = new_stack(tmp_path)
    with pytest.raises(ValidationError) as info:
        DataBucket(stack, "Bucket", bucket_name="Bad_Name", key="arn:aws:kms:us-east-1:123456789012:key/x",
                   expiration_days=True, protect="yes", tags={"a": 1})
    err = info.value
    # Names and props in one error: it is both an InvalidNameError and a ConstructPropsError.
    assert isinstance(err, InvalidNameError) and isinstance(err, ConstructPropsError)
    assert str(err).startswith("invalid data bucket at s/Bucket (5 problems):")
    assert err.fields == ["bucket_name", "key", "expiration_days", "protect", "tags"]
    by_field = {p.field: p for p in err.problems}
    assert by_field["bucket_name"].value == "Bad_Name" and "naming rules" in by_field["bucket_name"].allowed
    assert by_field["key"].allowed == "a channelkit ChannelKey construct"
    assert by_field["expiration_days"].value is True
    assert {p.path for p in err.problems} == {"s/Bucket"}


def test_a_key_lets_named_service_linked_roles_decrypt(tmp_path: Path) -> None:
    """Macie's role may decrypt (by an aws:PrincipalArn condition); the account keeps administering the key."""
    from channelkit.constructs.aws.kms import MACIE_SERVICE_ROLE

    app, stack = new_stack(tmp_path)
    ChannelKey(stack, "Key", alias="alias/channelkit/orders", service_linked_roles=[MACIE_SERVICE_ROLE])
    ChannelKey(stack, "Plain", alias="alias/channelkit/plain")
    doc = synth(app, tmp_path)
    _, kms = find(doc, "aws_kms_key", "s/Key/Resource")
    _, plain = find(doc, "aws_kms_key", "s/Plain/Resource")
    assert "policy" not in plain  # AWS's default key policy, as before
    (lid,) = [lid for lid in doc["data"]["aws_iam_policy_document"] if lid.startswith("Key_Policy")]
    assert kms["policy"] == f"${{data.aws_iam_policy_document.{lid}.json}}"
    admin, decrypt = doc["data"]["aws_iam_policy_document"][lid]["statement"]
    assert admin["actions"] == ["kms:*"] and admin["principals"][0]["identifiers"][0].endswith(":root")
    assert decrypt["actions"] == ["kms:Decrypt", "kms:DescribeKey"]
    conditions = {c["variable"]: c for c in decrypt["condition"]}
    assert conditions["aws:PrincipalArn"]["test"] == "ArnEquals"
    assert conditions["aws:PrincipalArn"]["values"][0].endswith(
        ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie")
    assert set(conditions) == {"aws:PrincipalArn", "kms:CallerAccount"}
    with pytest.raises(ConstructPropsError) as err:
        ChannelKey(stack, "Bad", alias="alias/channelkit/bad", service_linked_roles=["AWSServiceRoleForAmazonMacie"])
    assert err.value.fields == ["service_linked_roles"]


def test_only_name_problems_raise_a_plain_invalid_name_error(tmp_path: Path) -> None:
    """One kind of problem raises exactly that class."""
    _, stack = new_stack(tmp_path)
    with pytest.raises(InvalidNameError) as info:
        ChannelKey(stack, "Key", alias="alias/aws/mine")
    assert type(info.value) is InvalidNameError
    assert "invalid KMS key at s/Key" in str(info.value) and "'alias/aws/mine'" in str(info.value)
    with pytest.raises(ConstructPropsError) as props:
        ChannelKey(stack, "Key2", alias="alias/ok", deletion_window_days=31)
    assert type(props.value) is ConstructPropsError
    assert "s/Key2: deletion_window_days = 31: an integer from 7 to 30" in str(props.value)


def _bad_props(stack: Any) -> dict[str, tuple[Callable[[str], object], type[ValidationError], str, object]]:
    """Constructions with one wrong-typed or out-of-range prop: (factory, error class, field, value)."""
    key, bucket, db, table = lake(stack)
    secret = GeneratedSecret(stack, "Secret", name="channelkit/orders/db", username="cdc", key=key)
    plugin, worker, role = connect_parts(stack, secret.grant_read())
    conn: dict[str, Any] = dict(name="c", config={"a": "b"}, plugin=plugin, worker_configuration=worker, role=role,
                bootstrap_servers="b:9098", subnets=["s"], security_groups=["g"])
    grant: dict[str, Any] = dict(principal=ROLE_ARN, permissions=["SELECT"], database=db, table=table)
    stmts = secret.grant_read()
    return {
        "key-window-bool": (lambda id: ChannelKey(stack, id, alias="alias/k", deletion_window_days=True),
                            ConstructPropsError, "deletion_window_days", True),
        "key-alias-int": (lambda id: ChannelKey(stack, id, alias=7), InvalidNameError, "alias", 7),
        "bucket-key-arn": (lambda id: DataBucket(stack, id, bucket_name="b-1x", key="arn", expiration_days=1),
                           ConstructPropsError, "key", "arn"),
        "db-name-list": (lambda id: GlueDatabase(stack, id, name=["x"]), InvalidNameError, "name", ["x"]),
        "table-columns-str": (lambda id: GlueTable(stack, id, database=db, name="t", columns="id", location="s3://b/"),
                              ConstructPropsError, "columns", "id"),
        "table-db-name": (lambda id: GlueTable(stack, id, database="orders", name="t", columns=columns(),
                                            location="s3://b/"), ConstructPropsError, "database", "orders"),
        "table-duplicate-column": (lambda id: GlueTable(stack, id, database=db, name="t", columns=columns(),
                                                     partition_keys=[GlueColumn(name="id", type="string")],
                                                     location="s3://b/"),
                                   InvalidNameError, "partition_keys[0].name", "id"),
        "workgroup-cutoff-small": (lambda id: Workgroup(stack, id, name="w", output_location="s3://b/", key=key,
                                                     bytes_scanned_cutoff=1024), ConstructPropsError,
                                   "bytes_scanned_cutoff", 1024),
        "query-workgroup-name": (lambda id: NamedQuery(stack, id, name="q", database=db, query="SELECT 1",
                                                    workgroup="orders"), ConstructPropsError, "workgroup", "orders"),
        "location-arn": (lambda id: DataLocation(stack, id, bucket="arn:aws:s3:::b"), ConstructPropsError, "bucket",
                         "arn:aws:s3:::b"),
        "grant-principal": (lambda id: LakeGrant(stack, id, **{**grant, "principal": "User:bob"}), PrincipalError,
                            "principal", "User:bob"),
        "grant-permissions-str": (lambda id: LakeGrant(stack, id, **{**grant, "permissions": "SELECT"}),
                                  ConstructPropsError, "permissions", "SELECT"),
        "grant-unknown-column": (lambda id: LakeGrant(stack, id, **grant, excluded_columns=["ssn"]),
                                 ConstructPropsError, "excluded_columns", "ssn"),
        "grant-database-permission-on-table": (
            lambda id: LakeGrant(stack, id, **{**grant, "permissions": ["CREATE_TABLE"]}),
            ConstructPropsError, "permissions", ["CREATE_TABLE"]),
        "secret-length-bool": (lambda id: GeneratedSecret(stack, id, name="n", username="u", key=key,
                                                       password_length=True), ConstructPropsError,
                               "password_length", True),
        "secret-recovery": (lambda id: GeneratedSecret(stack, id, name="n", username="u", key=key,
                                                    recovery_window_days=3), ConstructPropsError,
                            "recovery_window_days", 3),
        "role-statements-str": (lambda id: ServiceRole(stack, id, name="r", service=KAFKACONNECT, statements="s3:*"),
                                ConstructPropsError, "statements", "s3:*"),
        "role-service": (lambda id: ServiceRole(stack, id, name="r", service="kafkaconnect", statements=stmts),
                         ConstructPropsError, "service", "kafkaconnect"),
        "policy-role-arn": (lambda id: ManagedPolicy(stack, id, name="m", statements=stmts, attach_to_roles=[ROLE_ARN]),
                            InvalidNameError, "attach_to_roles[0]", ROLE_ARN),
        "policy-roles-str": (lambda id: ManagedPolicy(stack, id, name="m", statements=stmts, attach_to_roles="r"),
                             ConstructPropsError, "attach_to_roles", "r"),
        "plugin-object-arn": (lambda id: CustomPlugin(stack, id, name="p", bucket_arn="arn:aws:s3:::b/k", file_key="k"),
                              ConstructPropsError, "bucket_arn", "arn:aws:s3:::b/k"),
        "worker-empty": (lambda id: WorkerConfiguration(stack, id, name="w", properties={}), ConstructPropsError,
                         "properties", {}),
        "connector-role-arn": (lambda id: Connector(stack, id, **{**conn, "role": ROLE_ARN}), ConstructPropsError,
                               "role", ROLE_ARN),
        "connector-subnets-str": (lambda id: Connector(stack, id, **{**conn, "subnets": "subnet-1"}),
                                  ConstructPropsError, "subnets", "subnet-1"),
        "connector-mcu-bool": (lambda id: Connector(stack, id, **conn, mcu_count=True), ConstructPropsError,
                               "mcu_count", True),
        "connector-workers": (lambda id: Connector(stack, id, **conn, min_workers=3, max_workers=2),
                              ConstructPropsError, "max_workers", 2),
        "connector-log-retention": (lambda id: Connector(stack, id, **conn, log_retention_days=10),
                                    ConstructPropsError, "log_retention_days", 10),
        "connector-name-underscore": (lambda id: Connector(stack, id, **{**conn, "name": "a_b"}), InvalidNameError,
                                      "name", "a_b"),
        "bucket-grant-prefix": (lambda id: bucket.grant_read("/topics"), ConstructPropsError, "prefix", "/topics"),
        "key-grant-sid": (lambda id: key.grant_decrypt("Kms-Decrypt"), ConstructPropsError, "sid", "Kms-Decrypt"),
        "placeholder-field": (lambda id: secret.placeholder("pass}word"), ConstructPropsError, "field", "pass}word"),
        "provider-region": (lambda id: aws_provider(stack, id, region="mars-1"), ConstructPropsError, "region",
                            "mars-1"),
        "backend-lock-table": (lambda id: s3_backend(stack, bucket="state-b", key="k", region="us-east-1",
                                                  lock_table="x"), InvalidNameError, "lock_table", "x"),
    }


def test_wrong_types_and_ranges_raise_typed_errors_naming_path_field_and_value(tmp_path: Path) -> None:
    """One stack, many bad constructions: each raises its typed error, never a raw TypeError/AttributeError."""
    _, stack = new_stack(tmp_path)
    for name, (build, error, field, value) in _bad_props(stack).items():
        with pytest.raises(ValidationError) as info:
            build(name)
        err = info.value
        assert isinstance(err, error), (name, type(err), str(err))
        problems = [p for p in err.problems if p.field == field]
        assert problems and problems[0].value == value, (name, str(err))
        assert problems[0].path.startswith("s/") and f" at {problems[0].path}" in err.summary, (name, err.summary)


def test_policy_documents_reject_repeated_and_malformed_statement_ids(tmp_path: Path) -> None:
    """IAM rejects a repeated Sid; channelkit says so at synth time, with every bad statement."""
    _, stack = new_stack(tmp_path)
    same = Statement(sid="Read", actions=("s3:GetObject",), resources=("*",))
    with pytest.raises(ConstructPropsError) as info:
        policy_document(stack, "Doc", [same, same, Statement(sid="no spaces", actions=(), resources=())])
    assert info.value.summary == "invalid IAM policy at s/Doc"
    assert info.value.fields == ["statements[Read].sid", "statements[no spaces].sid", "statements[no spaces].actions",
                                 "statements[no spaces].resources"]


def test_lake_grant_gathers_principal_and_props_problems(tmp_path: Path) -> None:
    """A bad principal, permission, table of another database and unknown column in one PrincipalError."""
    _, stack = new_stack(tmp_path)
    _, _, db, table = lake(stack)
    other = GlueDatabase(stack, "Other", name="other")
    with pytest.raises(PrincipalError) as info:
        LakeGrant(stack, "Grant", principal="*", permissions=["SELECT", "OWN"], database=other, table=table,
                  excluded_columns=["ssn"])
    err = info.value
    assert isinstance(err, ConstructPropsError) and err.summary == "invalid Lake Formation grant at s/Grant"
    assert err.fields == ["principal", "permissions", "table", "excluded_columns"]
    assert [p.value for p in err.problems][1:] == [["SELECT", "OWN"], "customers", "ssn"]
    with pytest.raises(ConstructPropsError, match="excluded_columns = \\['email'\\]: only with a table"):
        LakeGrant(stack, "Grant2", principal=ROLE_ARN, permissions=["DESCRIBE"], database=db,
                  excluded_columns=["email"])
