"""The BigQuery sink connector (KCBQ): its service account and grants, its config, and the Kafka Connect L2.

- :func:`create_sink_account` — the sink's ``google_service_account``, key and IAM grants;
- :func:`kcbq_config` — the KCBQ connector config (the key file is a secret, passed separately);
- :class:`BigQuerySink` — both, run as a ``kafka-connect_connector`` (id ``Resource``).

A Channel uses the first two and lets its platform run the connector (Kafka Connect or MSK Connect).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from channelkit._cdk import cdk
from channelkit._text import literal
from channelkit.errors import ProblemCollector
from channelkit.props import Boolean, Instance, Map, Seq, Text
from channelkit.providers.google import ProjectIamMember, ServiceAccount, ServiceAccountKey

from ._util import LazyProblems, child_id, init_construct
from .bigquery import BigQueryDataset
from .connect import connector_resource
from .errors import ConstructPropsError
from .kafka import KafkaTopic

__all__ = [
    "KCBQ_CONNECTOR_CLASS",
    "BigQuerySink",
    "SinkAccount",
    "check_upsert_merge",
    "create_sink_account",
    "kcbq_config",
]

KCBQ_CONNECTOR_CLASS = "com.wepay.kafka.connect.bigquery.BigQuerySinkConnector"


@dataclass(frozen=True)
class SinkAccount:
    """The identity a BigQuery sink connector writes with (see :func:`create_sink_account`).

    Attributes:
        service_account: the ``google_service_account``.
        key: its ``google_service_account_key``.
        member: ``serviceAccount:<email>`` (a reference token).
        dataset_grant: ``roles/bigquery.dataEditor`` on the dataset.
        job_grant: ``roles/bigquery.jobUser`` on the project (upsert mode), else None.
    """

    service_account: Any
    key: Any
    member: str
    dataset_grant: Any
    job_grant: Any

    @property
    def keyfile(self) -> str:
        """The key's JSON (a reference: ``base64decode(private_key)``), for a secret config value only."""
        return str(cdk.Fn.base64decode(self.key.private_key))

    @property
    def grants(self) -> list[Any]:
        """The IAM bindings the account needs before the connector starts."""
        return [self.dataset_grant, *([self.job_grant] if self.job_grant else [])]


def create_sink_account(
    scope: Construct, *, name: str, dataset: BigQueryDataset, account_id: str, upsert: bool = False,
    google_provider: Any = None,
) -> SinkAccount:
    """Create the sink's service account (``ServiceAccount``), key (``Key``) and grants in ``scope``.

    The account gets ``roles/bigquery.dataEditor`` on ``dataset`` (grant id ``Write-Sink-<name>`` on the
    dataset) and, in upsert mode, ``roles/bigquery.jobUser`` on the project (child ``JobUser``: KCBQ runs
    MERGE jobs).

    Raises:
        ConstructPropsError: ``account_id`` is not 6-30 characters starting with a letter.
    """
    problems = LazyProblems(scope)
    # Service account ids: 6-30 lower-case letters, digits and '-', starting with a letter, not ending with '-'
    # (IAM API, projects.serviceAccounts.create accountId).
    Text(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", what="a service account id: 6-30 of [a-z0-9-], starting with a letter").check(
        problems, "account_id", account_id)
    Text(min_len=1, what="the connector name").check(problems, "name", name)
    Instance((BigQueryDataset,), "a BigQueryDataset construct").check(problems, "dataset", dataset)
    Boolean().check(problems, "upsert", upsert)
    problems.raise_if_any(ConstructPropsError, "invalid BigQuery sink account at {path}")
    service_account = ServiceAccount(
        scope, "ServiceAccount", account_id=account_id, project=literal(dataset.project),
        display_name=f"channelkit sink {name}", provider=google_provider,
    )
    key = ServiceAccountKey(scope, "Key", service_account_id=service_account.name, provider=google_provider)
    member = f"serviceAccount:{service_account.email}"
    job_grant = ProjectIamMember(
        scope, "JobUser", project=literal(dataset.project), role="roles/bigquery.jobUser", member=literal(member),
        provider=google_provider,
    ) if upsert else None
    return SinkAccount(service_account, key, member, dataset.grant_write(member, grant_id=child_id("Sink", name)),
                       job_grant)


def kcbq_config(
    *, name: str, project: str, dataset: str, topics: Sequence[str], table_for_topic: Mapping[str, str],
    dlq_topic: str, dlq_replication_factor: int, upsert: bool = False, key_field: str = "__kafka_key",
    merge_interval_ms: int = 60_000, merge_records_threshold: int = -1,
) -> dict[str, str]:
    """The KCBQ (BigQuery sink) connector config, without the key file (a secret: pass it as ``keyfile``).

    Table names come from ``topic2TableMap``; ``autoCreateTables`` and ``allowNewBigQueryFields`` are
    off; failed records go to ``dlq_topic`` (``errors.tolerance = all``).
    """
    config: dict[str, str] = {
        "name": name,
        "connector.class": KCBQ_CONNECTOR_CLASS,
        "tasks.max": "1",
        "topics": ",".join(topics),
        "project": project,
        "defaultDataset": dataset,
        "keySource": "JSON",
        "topic2TableMap": ",".join(f"{t}:{table_for_topic[t]}" for t in topics),
        "sanitizeTopics": "false",
        "autoCreateTables": "false",
        "allowNewBigQueryFields": "false",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "true",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "true",
        "errors.tolerance": "all",
        "errors.log.enable": "true",
        "errors.deadletterqueue.topic.name": dlq_topic,
        "errors.deadletterqueue.context.headers.enable": "true",
        "errors.deadletterqueue.topic.replication.factor": str(dlq_replication_factor),
    }
    if upsert:
        config.update({
            "upsertEnabled": "true",
            "deleteEnabled": "true",
            "kafkaKeyFieldName": key_field,
            "mergeIntervalMs": str(merge_interval_ms),
            "mergeRecordsThreshold": str(merge_records_threshold),
            "bigQueryPartitionDecorator": "false",
        })
    return config


def check_upsert_merge(
    problems: ProblemCollector, merge_interval_ms: Any, merge_records_threshold: Any, *,
    field: str = "merge_interval_ms",
) -> None:
    """Record what is wrong with KCBQ's upsert merge settings (each a positive integer or -1, not both -1).

    ``field`` names the interval (``warehouse.merge_interval_ms`` in a Channel).
    """
    settings = ((field, merge_interval_ms), ("merge_records_threshold", merge_records_threshold))
    for name, value in settings:
        problems.check(isinstance(value, int) and not isinstance(value, bool) and (value == -1 or value > 0), name,
                       value, "a positive integer, or -1 to disable")
    problems.check(not (merge_interval_ms == -1 and merge_records_threshold == -1), field,
                   merge_interval_ms, "a positive interval when merge_records_threshold is -1")


class BigQuerySink(Construct):
    """The BigQuery sink connector on a Kafka Connect cluster (KCBQ, ``kafka-connect_connector`` id ``Resource``).

    It creates its own service account, key and grants (:func:`create_sink_account`) and passes the
    key only through ``config_sensitive`` (``keySource = JSON``); the config is :func:`kcbq_config`.

    Args:
        scope: parent construct.
        id: construct id.
        name: connector name (also ``config["name"]``).
        dataset: the target dataset.
        topics: the table topics, in order.
        table_for_topic: topic name → BigQuery table id, for every topic.
        dlq_topic: the dead-letter topic.
        account_id: id of the sink's service account (6-30 characters).
        upsert: merge into the tables by key and delete on tombstones (default False: append change rows).
        key_field: ``kafkaKeyFieldName`` in upsert mode (default ``__kafka_key``).
        merge_interval_ms: ``mergeIntervalMs`` in upsert mode (default 60000; a positive number or -1).
        merge_records_threshold: ``mergeRecordsThreshold`` in upsert mode (default -1: off).
        provider: the ``kafka-connect`` provider (default: the stack's default).
        google_provider: the ``google`` provider (default: the stack's default).
        depends_on: resources that must exist first (ACLs; default none).

    Raises:
        ConstructPropsError: no topics, a topic without a table, bad merge settings or account id.
    """

    def __init__(
        self, scope: Construct, id: str, *, name: str, dataset: BigQueryDataset, topics: Sequence[KafkaTopic],
        table_for_topic: Mapping[str, str], dlq_topic: KafkaTopic, account_id: str, upsert: bool = False,
        key_field: str = "__kafka_key", merge_interval_ms: int = 60_000, merge_records_threshold: int = -1,
        provider: Any = None, google_provider: Any = None, depends_on: Sequence[Any] = (),
    ) -> None:
        init_construct(super().__init__, scope, id)
        problems = LazyProblems(self)
        topics_ok = Seq(Instance((KafkaTopic,), "a KafkaTopic construct"), min_items=1,
                        what="a list of KafkaTopic").check(problems, "topics", topics)
        mapping_ok = Map(Text(min_len=1), Text(min_len=1), what="topic name -> table id").check(
            problems, "table_for_topic", table_for_topic)
        for t in topics if topics_ok and mapping_ok else ():
            problems.check(t.topic_name in table_for_topic, "table_for_topic", t.topic_name, "a table for every topic")
        Text(r"[A-Za-z0-9._-]{1,249}", what="a connector name").check(problems, "name", name)
        Instance((BigQueryDataset,), "a BigQueryDataset construct").check(problems, "dataset", dataset)
        Instance((KafkaTopic,), "a KafkaTopic construct").check(problems, "dlq_topic", dlq_topic)
        Text(r"[A-Za-z_][A-Za-z0-9_]*", what="a BigQuery column name").check(problems, "key_field", key_field)
        if Boolean().check(problems, "upsert", upsert) and upsert:
            check_upsert_merge(problems, merge_interval_ms, merge_records_threshold)
        problems.raise_if_any(ConstructPropsError, "invalid BigQuery sink props at {path}")
        self.account = create_sink_account(self, name=name, dataset=dataset, account_id=account_id, upsert=upsert,
                                           google_provider=google_provider)
        self.service_account, self.key, self.member = (
            self.account.service_account, self.account.key, self.account.member)
        self.connector_name = name
        self.group = f"connect-{name}"
        self.topic_names = [t.topic_name for t in topics]
        self.config = kcbq_config(
            name=name, project=dataset.project, dataset=dataset.dataset_ref, topics=self.topic_names,
            table_for_topic=table_for_topic, dlq_topic=dlq_topic.topic_name,
            dlq_replication_factor=dlq_topic.replication_factor, upsert=upsert, key_field=key_field,
            merge_interval_ms=merge_interval_ms, merge_records_threshold=merge_records_threshold,
        )
        self.resource = connector_resource(
            self, "Resource", name=name, config=self.config, sensitive={"keyfile": self.account.keyfile},
            provider=provider,
            depends_on=[*depends_on, *self.account.grants, *(t.resource for t in topics), dlq_topic.resource],
        )
