"""One synthesis of an organisation of N channels, for the benchmark (run by ``bench.py``).

``python org_app.py channelkit N OUTDIR`` builds N ``Channel`` objects (MySQL source, one table,
BigQuery warehouse; 23 resources each) and synthesizes them, 10 channels per stack.

``python org_app.py prebuilt N OUTDIR`` builds the same resources with the prebuilt
``cdktf-cdktf-provider-google`` / ``-random`` packages for every google_* / random_* resource
(kafka, kafka-connect and mysql have no prebuilt package: both paths use channelkit's bindings
for those).

Prints one JSON line with the phase times (import, build, synth) in seconds.
"""

from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()


def _channelkit(app, n: int) -> None:
    from channelkit._cdk import cdk
    from channelkit.patterns import BigQuery, Channel, Column, ConnectCluster, KafkaCluster, MySqlSource, Table, Team

    kafka = KafkaCluster(name="k", bootstrap_servers=("b1:9092", "b2:9092", "b3:9092"), tls_enabled=False)
    connect = ConnectCluster(name="c", url="http://connect:8083", principal="User:connect")
    wh = BigQuery(project="bench-proj", location="EU")
    team = Team(name="bench", email="bench@example.com")
    stack = None
    for i in range(n):
        if i % 10 == 0:
            stack = cdk.TerraformStack(app, f"org{i // 10:03d}")
        Channel(stack, f"svc{i:04d}", source=MySqlSource(host=f"db{i}", database="app"), tables=[
            Table("orders", primary_key=["id"], columns=[
                Column(name="id", type="int64"), Column(name="email", type="string", pii=True),
                Column(name="total", type="numeric"), Column(name="created_at", type="timestamp"),
            ])], kafka=kafka, connect=connect, warehouse=wh, owner=team)


def _prebuilt(app, n: int) -> None:
    import json as _json

    from cdktf_cdktf_provider_google.bigquery_dataset import BigqueryDataset
    from cdktf_cdktf_provider_google.bigquery_dataset_iam_member import BigqueryDatasetIamMember
    from cdktf_cdktf_provider_google.bigquery_table import (
        BigqueryTable,
        BigqueryTableTimePartitioning,
        BigqueryTableView,
    )
    from cdktf_cdktf_provider_google.provider import GoogleProvider
    from cdktf_cdktf_provider_google.service_account import ServiceAccount
    from cdktf_cdktf_provider_google.service_account_key import ServiceAccountKey
    from cdktf_cdktf_provider_random.password import Password
    from cdktf_cdktf_provider_random.provider import RandomProvider
    from constructs import Construct

    from channelkit._cdk import cdk
    from channelkit.providers.kafka import Acl, KafkaProvider, Topic
    from channelkit.providers.kafka_connect import Connector, KafkaConnectProvider
    from channelkit.providers.mysql import Grant, MysqlProvider, User

    schema = _json.dumps([{"name": c, "type": t, "mode": "NULLABLE"} for c, t in (
        ("id", "INT64"), ("email", "STRING"), ("total", "NUMERIC"), ("created_at", "TIMESTAMP"), ("__op", "STRING"),
        ("__deleted", "STRING"), ("__source_ts_ms", "INT64"), ("__source_file", "STRING"), ("__source_pos", "INT64"),
        ("__source_row", "INT64"))])
    keep = cdk.TerraformResourceLifecycle(prevent_destroy=True)
    stack = None
    for i in range(n):
        if i % 10 == 0:
            stack = cdk.TerraformStack(app, f"org{i // 10:03d}")
            KafkaProvider(stack, "kafka", bootstrap_servers=["b1:9092"])
            KafkaConnectProvider(stack, "connect", url="http://connect:8083")
            MysqlProvider(stack, "mysql", endpoint="db:3306", username="admin")
            GoogleProvider(stack, "google", project="bench-proj")
            RandomProvider(stack, "random")
        ch = Construct(stack, f"svc{i:04d}")
        p = f"svc{i:04d}"
        pw = Password(ch, "Password", length=32, special=False)
        user = User(ch, "User", user=f"cdc_{p}", host="%", plaintext_password=pw.result)
        g1 = Grant(ch, "G1", user=user.user, host="%", database="*", table="*",
                   privileges=["RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "REPLICATION CLIENT"])
        g2 = Grant(ch, "G2", user=user.user, host="%", database="app", table="*", privileges=["SELECT"])
        topics = [Topic(ch, f"T{j}", name=f"{p}.{name}", partitions=3, replication_factor=3,
                        config={"retention.ms": "604800000"}, lifecycle=keep)
                  for j, name in enumerate(("app.orders", "schema-history", "dlq"))]
        acls = []
        for j, (op, rt, name, pat) in enumerate([
            ("Write", "Topic", f"{p}.", "Prefixed"), ("Describe", "Topic", f"{p}.", "Prefixed"),
            ("Create", "Topic", f"{p}.", "Prefixed"), ("Read", "Topic", topics[1].name, "Literal"),
            ("Read", "Group", f"{p}-schemahistory", "Literal"), ("Read", "Topic", topics[0].name, "Literal"),
            ("Read", "Group", f"connect-{p}-sink", "Literal"), ("Write", "Topic", topics[2].name, "Literal"),
        ]):
            acls.append(Acl(ch, f"A{j}", acl_principal="User:connect", acl_host="*", acl_operation=op,
                            acl_permission_type="Allow", resource_type=rt, resource_name=name,
                            resource_pattern_type_filter=pat))
        ds = BigqueryDataset(ch, "Dataset", dataset_id=p, project="bench-proj", location="EU",
                             labels={"owner": "bench", "channel": p}, default_partition_expiration_ms=604800000,
                             delete_contents_on_destroy=False, lifecycle=keep)
        table = BigqueryTable(ch, "Table", dataset_id=ds.dataset_id, project="bench-proj", table_id="orders_changes",
                              schema=schema, time_partitioning=BigqueryTableTimePartitioning(type="DAY"),
                              clustering=["id"], deletion_protection=True)
        BigqueryTable(ch, "View", dataset_id=ds.dataset_id, project="bench-proj", table_id="orders",
                      view=BigqueryTableView(query=f"SELECT * FROM `bench.{p}.{table.table_id}`",
                                             use_legacy_sql=False), deletion_protection=False)
        sa = ServiceAccount(ch, "SA", account_id=f"ck-{p}-sink", project="bench-proj")
        key = ServiceAccountKey(ch, "Key", service_account_id=sa.name)
        member = BigqueryDatasetIamMember(ch, "Writer", dataset_id=ds.dataset_id, project="bench-proj",
                                          role="roles/bigquery.dataEditor", member=f"serviceAccount:{sa.email}")
        Connector(ch, "Source", name=f"{p}-source", config={"name": f"{p}-source", "topic.prefix": p},
                  config_sensitive={"database.password": pw.result}, depends_on=[*acls[:5], g1, g2])
        Connector(ch, "Sink", name=f"{p}-sink", config={"name": f"{p}-sink", "topics": topics[0].name},
                  config_sensitive={"keyfile": cdk.Fn.base64decode(key.private_key)}, depends_on=[*acls[5:], member])


def main() -> None:
    mode, n, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import channelkit  # noqa: F401  (quiets jsii)
    from channelkit._cdk import cdk

    if mode == "prebuilt":
        import cdktf_cdktf_provider_google.bigquery_table  # noqa: F401  (import cost is part of the path)
    t_import = time.perf_counter()
    app = cdk.App(outdir=outdir)
    (_channelkit if mode == "channelkit" else _prebuilt)(app, n)
    t_build = time.perf_counter()
    app.synth()
    t_synth = time.perf_counter()
    print(json.dumps({"import_s": t_import - T0, "build_s": t_build - t_import, "synth_s": t_synth - t_build}))


if __name__ == "__main__":
    main()
