"""The BigQuery warehouse family: a dataset of change-log tables and latest-state views, KCBQ sink.

``warehouse=BigQuery(project=..., location=...)``. Below the channel's ``Target``:

- ``Dataset`` (``prevent_destroy``, ``deletion_policy = PREVENT``; partitions expire after
  ``history_retention`` if set, else the change history is kept) with its IAM grants;
- ``Table-<table>``: the change log ``<table>_changes`` (declared columns, CDC metadata and the
  source position columns), and ``View-<table>``: the latest state, named ``<table>``;
- the sink's service account and key (``ServiceAccount``, ``Key``, ``JobUser`` in upsert mode) in
  the sink connector's scope, and the KCBQ config handed to the platform; the key is a secret.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from constructs import Construct

from channelkit._stack import stack_provider
from channelkit._text import literal_settings
from channelkit.catalog.facts import bigquery_labels, describe_facts
from channelkit.claims import Claim
from channelkit.columns import PORTABLE, LogicalType
from channelkit.columns import bigquery_type as column_bigquery_type
from channelkit.constructs._util import child_id
from channelkit.constructs.bigquery import BigQueryDataset, BigQueryField, BigQueryTable, LatestStateView
from channelkit.constructs.bigquery_access import MaskingPolicy, PolicyTag, PolicyTaxonomy
from channelkit.constructs.bigquery_sink import check_upsert_merge, create_sink_account, kcbq_config
from channelkit.constructs.debezium import CDC_METADATA_COLUMNS
from channelkit.constructs.errors import ConstructPropsError, PrincipalError
from channelkit.constructs.naming import (
    check_bigquery_column,
    check_bigquery_id,
    check_gcp_principal,
    derive_service_account_id,
)
from channelkit.errors import ProblemCollector
from channelkit.governance import CLEAR, MASKING_RULES, column_level, default_masking, rank
from channelkit.patterns.model import Reader
from channelkit.platforms.base import ConnectorSpec
from channelkit.props import Boolean, Days, Maybe, Rule, Text, check_props
from channelkit.providers.google import GoogleProvider
from channelkit.quality.gcp import BigQueryQuality, bigquery_quality_claims

from .base import StorageFacts, Warehouse, WarehouseDeployment

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel
    from channelkit.patterns.model import Column, Table
    from channelkit.platforms import Platform, PlatformDeployment

__all__ = [
    "CHANGES_SUFFIX", "BigQuery", "BigQueryDeployment", "data_policy_id", "describe", "protected_columns",
    "taxonomy_name",
]

#: Suffix of the change-log table of each source table (the view takes the table's own name).
CHANGES_SUFFIX = "_changes"
#: Longest column description BigQuery accepts (TableFieldSchema.description: "maximum length is 1,024
#: characters", BigQuery REST reference).
DESCRIPTION_MAX = 1024

#: A GCP project id: 6-30 lower-case letters, digits and '-', starting with a letter, not ending with '-'
#: (Resource Manager, "Creating and managing projects"); a domain-scoped id ``example.com:my-project`` too.
PROJECT_ID = Text(r"([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]", what="a GCP project id (6-30 of [a-z0-9-])")


#: The longest BigQuery data policy id.
_DATA_POLICY_ID_MAX = 256


def taxonomy_name(channel: Channel) -> str:
    """The display name of the channel's policy-tag taxonomy: ``channelkit <channel>`` (unique per project+region)."""
    return f"channelkit {channel.channel_name}"


def data_policy_id(dataset: str, level: str, rule: str) -> str:
    """The id of a masking policy: ``<dataset>_<level>_<rule>`` (unique per project and location).

    A data policy id has at most 256 characters (a dataset id up to 1024): a longer one keeps its first part and
    ends in a digest of the whole, so it stays stable and distinct.
    """
    full = f"{dataset}_{level}_{rule}"
    if len(full) <= _DATA_POLICY_ID_MAX:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:12]
    suffix = f"_{digest}_{level}_{rule}"
    return dataset[:_DATA_POLICY_ID_MAX - len(suffix)] + suffix


@dataclass(frozen=True, kw_only=True)
class BigQuery(Warehouse):
    """The BigQuery warehouse prop of a Channel.

    Args:
        project: GCP project id of the dataset and the sink's service account.
        location: BigQuery location (``EU``, ``US``, ``europe-west1``...).
        dataset: dataset id (default: the channel name).
        kms_key_name: CMEK key for the dataset's tables (default None: Google-managed).
        history_retention: how long the change-log tables keep their day partitions (whole days, >= 1;
            the dataset's default partition expiration). Default None: the whole change history is kept,
            which the latest-state views need to show rows that have not changed for a while. Independent
            of the channel's Kafka ``retention``.
        expire_partitions: deprecated alias (0.2.0): True expires partitions after the channel's Kafka
            retention (the former default), False keeps them; use ``history_retention`` instead.
        upsert: let the sink merge by key and apply deletes (KCBQ upsert/delete mode; default False:
            append-only change log, the views compute the latest state).
        merge_interval_ms: KCBQ ``mergeIntervalMs`` in upsert mode (default 60000).
        region: provider region (default None).
    """

    project: str
    location: str
    dataset: str | None = None
    kms_key_name: str | None = None
    history_retention: timedelta | None = None
    expire_partitions: bool | None = None
    upsert: bool = False
    merge_interval_ms: int = 60_000
    region: str | None = None

    reader_system: ClassVar[str] = "gcp"
    sink_cloud: ClassVar[str] = "gcp"
    name: ClassVar[str] = "bigquery"
    #: What each field accepts (the dataset id is checked with BigQuery's naming rules, merge settings in
    #: upsert mode with KCBQ's).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "project": PROJECT_ID,
        "location": Text(r"[A-Za-z]+(-[a-z]+[0-9]+)?", what="a BigQuery location such as EU, US or europe-west1"),
        "dataset": Maybe(Text(what="a BigQuery dataset id")),
        "kms_key_name": Maybe(Text(r"projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+", tokens=True,
                                   what="a Cloud KMS key name projects/P/locations/L/keyRings/R/cryptoKeys/K")),
        "history_retention": Maybe(Days(min_days=1)),
        "expire_partitions": Maybe(Boolean()),
        "upsert": Boolean(),
        "region": Maybe(Text(r"[a-z]+-[a-z]+[0-9]+", what="a GCP region such as europe-west1")),
    }

    @property
    def delete_handling(self) -> str:
        """``rewrite-with-tombstone`` in upsert mode (KCBQ deletes on tombstones), else ``rewrite``."""
        return "rewrite-with-tombstone" if self.upsert else "rewrite"

    def __post_init__(self) -> None:
        if self.expire_partitions is not None:
            warnings.warn("BigQuery(expire_partitions=...) is deprecated: use history_retention (a timedelta, or "
                          "None to keep the change history)", DeprecationWarning, stacklevel=3)

    def partition_expiration_ms(self, channel: Channel) -> int | None:
        """The dataset's default partition expiration: ``history_retention`` (or the deprecated alias), else None."""
        if self.history_retention is not None:
            return self.history_retention.days * 86_400_000
        return channel.retention_ms if self.expire_partitions else None

    def storage_facts(self, channel: Channel, platform: Platform | None) -> StorageFacts:
        """The dataset's location, history retention and key; its tables are always protected from destroy."""
        expiry = self.partition_expiration_ms(channel)
        return StorageFacts(location=self.location, retention_days=None if expiry is None else expiry // 86_400_000,
                            protected=True, customer_key=self.kms_key_name is not None, project=self.project)

    def dataset_id(self, channel: Channel) -> str:
        """The dataset id of ``channel``."""
        return self.dataset or channel.channel_name

    def check(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """Every prop: project, location, key, the history retention and the upsert merge settings."""
        check_props(problems, BigQuery.PROPS, self, prefix="warehouse.")
        h = self.history_retention
        problems.check(h is None or self.expire_partitions is None, "warehouse.expire_partitions",
                       self.expire_partitions, "not set together with history_retention (a deprecated alias)")
        if self.upsert is True:
            check_upsert_merge(problems, self.merge_interval_ms, -1, field="warehouse.merge_interval_ms")
        elif not (isinstance(self.merge_interval_ms, int) and not isinstance(self.merge_interval_ms, bool)):
            problems.add("warehouse.merge_interval_ms", self.merge_interval_ms, "an integer (milliseconds)")

    def check_names(self, problems: ProblemCollector, channel: Channel, platform: Platform | None) -> None:
        """BigQuery's rules for the dataset, table (change log and view) and column names, and descriptions."""
        for t in channel.tables:
            if check_bigquery_id(problems, f"tables[{t.name}].name", t.name, "table"):
                check_bigquery_id(problems, f"tables[{t.name}].name", t.name + CHANGES_SUFFIX, "table")
            for c in t.columns:
                check_bigquery_column(problems, f"tables[{t.name}].columns", c.name)
                logical = channel.column_types.get((t.name, c.name))
                if logical is not None:
                    text = _description(c, logical)
                    problems.check(len(text) <= DESCRIPTION_MAX, f"tables[{t.name}].columns[{c.name}].description",
                                   c.description, f"a description of at most {DESCRIPTION_MAX} characters with the "
                                   f"tags channelkit adds ({len(text) - len(c.description.strip())} characters)")
        check_bigquery_id(problems, "warehouse.dataset", self.dataset_id(channel), "dataset")

    def sink_account_id(self, channel: Channel) -> str:
        """The id of the sink's service account (unique in the project)."""
        return derive_service_account_id(channel.channel_name.replace("_", "-"))

    def claims(self, channel: Channel, platform: Platform) -> list[Claim | tuple[str, str]]:
        """The dataset, its tables and views, their columns, and the sink's service account.

        As BigQuery compares them: dataset and table ids are case-sensitive (the dataset is created without
        ``is_case_insensitive``), column names are not (``Email`` and ``email`` are one column). A table
        ``t`` takes two ids: its change log ``t_changes`` and its view ``t``.
        """
        dataset, path = f"{self.project}.{self.dataset_id(channel)}", channel.path
        claims: list[Claim | tuple[str, str]] = [
            ("dataset", dataset),
            Claim("GCP service account", self.sink_account_id(channel), within=f"GCP project {self.project}"),
        ]
        for t in channel.tables:
            by = f"tables[{t.name}]"
            claims += [Claim("BigQuery table", t.name + CHANGES_SUFFIX, within=f"BigQuery dataset {dataset}",
                             by=f"{by} (change log)"),
                       Claim("BigQuery table", t.name, within=f"BigQuery dataset {dataset}", by=f"{by} (view)")]
            # columns are unique per table; two tables taking one id is the table's collision
            within = f"BigQuery table {dataset}.{t.name}{CHANGES_SUFFIX} ({by} of {path})"
            claims += [Claim("BigQuery column", c.name, within=within, by=f"{by}.columns[{c.name}]", fold="case")
                       for c in t.columns]
        # column-level security: the taxonomy's display name and the data policy ids, per project and location
        if isinstance(self.location, str) and all(
                (t.name, c.name) in channel.column_types for t in channel.tables for c in t.columns):
            where = f"GCP project {self.project}, location {self.location.lower()}"
            groups = protected_columns(channel)
            if groups:
                claims.append(Claim("Data Catalog taxonomy", taxonomy_name(channel), within=where))
            claims += [Claim("BigQuery data policy", data_policy_id(self.dataset_id(channel), level, rule),
                             within=where, by=f"the {level} columns masked by {rule}") for level, rule in groups]
        if isinstance(self.location, str):  # quality scans, DLP template and triggers, findings tables
            claims += bigquery_quality_claims(channel, self.project, self.location, self.dataset_id(channel))
        return claims

    def deploy(self, channel: Channel, scope: Construct, platform: PlatformDeployment) -> BigQueryDeployment:
        """The dataset, tables and views (the sink follows in :meth:`BigQueryDeployment.deploy_sink`)."""
        return BigQueryDeployment(self, channel, scope, platform)


def _description(column: Column, logical: LogicalType) -> str:
    tags = [f"classification={column.classification}"] + (["pii"] if column.pii else [])
    if not logical.portable:
        tags.append(logical.describe())
    text = column.description.strip()
    return f"{text} [{', '.join(tags)}]" if text else f"[{', '.join(tags)}]"


def _field(column: Column, logical: LogicalType, policy_tag: str | None = None) -> BigQueryField:
    bq = column_bigquery_type(logical)
    return BigQueryField(name=column.name, type=bq.type, mode=bq.mode, precision=bq.precision, scale=bq.scale,
                         description=_description(column, logical), policy_tag=policy_tag)


def protected_columns(channel: Channel) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The columns that carry a policy tag, grouped by (level, masking rule): ``{group: [(table, column)]}``.

    Every column above ``internal`` (``confidential``, ``restricted``, and every ``pii`` column); ``internal``
    columns too when one of the channel's readers has clearance ``public``. Each group is one policy tag with
    one masking policy.
    """
    floor = "public" if any(isinstance(r, Reader) and r.clearance == "public" for r in channel.readers) \
        else "internal"
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for t in channel.tables:
        for col in t.columns:
            level = column_level(col)
            if rank(level) > rank(floor):
                rule = col.masking or default_masking(col, channel.column_type(t, col))
                groups.setdefault((level, rule), []).append((t.name, col.name))
    return dict(sorted(groups.items(), key=lambda kv: (rank(kv[0][0]), kv[0][1])))


class BigQueryDeployment(WarehouseDeployment):
    """Dataset, tables, views, sink and grants of one channel on BigQuery."""

    def __init__(self, warehouse: BigQuery, channel: Channel, scope: Construct, platform: PlatformDeployment) -> None:
        self.warehouse, self.channel, self.scope, self.platform = warehouse, channel, scope, platform
        c = channel
        facts = {**c.labels, **bigquery_labels(c)}  # the catalog's facts: contract, contact, pii, retention
        settings: dict[str, Any] = dict(project=warehouse.project, region=warehouse.region)
        self.google_provider = stack_provider(
            channel.stack, f"google-{warehouse.project}",
            lambda s, i, a: GoogleProvider(s, i, alias=a, **literal_settings(settings)), settings)
        self.dataset = BigQueryDataset(
            scope, "Dataset", dataset_id=warehouse.dataset_id(c), project=warehouse.project,
            location=warehouse.location, labels=facts,
            default_partition_expiration_ms=warehouse.partition_expiration_ms(c),
            kms_key_name=warehouse.kms_key_name,
            description=f"CDC channel {c.channel_name}. {describe_facts(c)}",
            provider=self.google_provider)
        metadata = [
            BigQueryField(name=n, type=column_bigquery_type(PORTABLE[t]).type, description="CDC metadata (Debezium)")
            for n, t in [*CDC_METADATA_COLUMNS, *c.source.position_columns]
        ]
        self._protect(warehouse, c)
        namespace = c.source.namespace
        self.tables: dict[str, BigQueryTable] = {}
        self.views: dict[str, LatestStateView] = {}
        for t in c.tables:
            labels = {**facts, "classification": t.classification, "pii": "true" if t.has_pii else "false"}
            table = BigQueryTable(
                scope, child_id("Table", t.name), dataset=self.dataset, table_id=t.name + CHANGES_SUFFIX,
                fields=[_field(col, c.column_type(t, col), self._tag_of.get((t.name, col.name))) for col in t.columns],
                primary_key=t.primary_key, metadata_fields=metadata,
                key_record="__kafka_key" if warehouse.upsert else None,
                description=f"Change log of {namespace}.{t.name}. {t.description}".strip(), labels=labels)
            self.tables[t.name] = table
            self.views[t.name] = LatestStateView(
                scope, child_id("View", t.name), source=table, view_id=t.name, columns=[col.name for col in t.columns],
                primary_key=t.primary_key, position_columns=[n for n, _ in c.source.position_columns],
                description=f"Latest state of {namespace}.{t.name}. {t.description}".strip(), labels=labels)
        self.grants: list[dict[str, str]] = []
        self.sink: Any = None
        #: Quality scans and DLP inspections of the tables (:mod:`channelkit.quality.gcp`).
        self.quality = BigQueryQuality(self)

    def _protect(self, warehouse: BigQuery, channel: Channel) -> None:
        """The channel's taxonomy, one policy tag and one masking policy per protected group of columns."""
        self.groups = protected_columns(channel)
        self.policy_tags: dict[tuple[str, str], PolicyTag] = {}
        self.masking: dict[tuple[str, str], MaskingPolicy] = {}
        self._tag_of: dict[tuple[str, str], str] = {}
        if not self.groups:
            return
        region = warehouse.location.lower()
        self.taxonomy = PolicyTaxonomy(
            self.scope, "Taxonomy", display_name=taxonomy_name(channel), region=region, project=warehouse.project,
            description=f"Column classification of CDC channel {channel.channel_name} (channelkit)",
            provider=self.google_provider)
        for (level, rule), columns in self.groups.items():
            tag = PolicyTag(self.scope, child_id("PolicyTag", level, rule), taxonomy=self.taxonomy,
                            display_name=f"{level}-{rule}",
                            description=f"{level} columns, masked by {rule} below clearance {level}")
            self.policy_tags[(level, rule)] = tag
            self.masking[(level, rule)] = MaskingPolicy(
                self.scope, child_id("Masking", level, rule), policy_tag=tag,
                data_policy_id=data_policy_id(warehouse.dataset_id(channel), level, rule),
                expression=MASKING_RULES[rule][0], location=region, project=warehouse.project)
            for key in columns:
                self._tag_of[key] = tag.name

    def visibility(self, table: Table, clearance: str) -> dict[str, str]:
        """``{column: clear | masking rule}`` of ``table`` for a reader with ``clearance``."""
        shown = {}
        for col in table.columns:
            group = next((g for g, cols in self.groups.items() if (table.name, col.name) in cols), None)
            shown[col.name] = CLEAR if group is None or rank(clearance) >= rank(group[0]) else group[1]
        return shown

    def deploy_sink(self) -> Any:
        """The sink's service account and key (in the sink connector's scope) and the KCBQ connector."""
        c, warehouse = self.channel, self.warehouse
        scope = self.platform.connector_scope(self.scope, "Sink")
        self.account = create_sink_account(
            scope, name=c.sink_connector_name, dataset=self.dataset,
            account_id=warehouse.sink_account_id(c), upsert=warehouse.upsert,
            google_provider=self.google_provider)
        topics = [c.topic_name(t) for t in c.tables]
        config = kcbq_config(
            name=c.sink_connector_name, project=warehouse.project, dataset=self.dataset.dataset_ref, topics=topics,
            table_for_topic={c.topic_name(t): t.name + CHANGES_SUFFIX for t in c.tables}, dlq_topic=c.dlq_topic,
            dlq_replication_factor=c.replication_factor, upsert=warehouse.upsert,
            merge_interval_ms=warehouse.merge_interval_ms)
        if warehouse.upsert:  # MERGE reads the change log: the sink's account reads every tagged column
            for tag in self.policy_tags.values():
                tag.grant_fine_grained_read(self.account.member, grant_id="Sink")
        keyfile = self.platform.store_secret(scope, "Sink", "keyfile", self.account.keyfile)
        self.sink = self.platform.deploy_connector(scope, ConnectorSpec(
            kind="Sink", name=c.sink_connector_name, config=config, plugin="bigquery-sink",
            secrets={"keyfile": keyfile}, depends_on=[*(t.resource for t in self.tables.values()),
                                                      *self.account.grants],
            description="BigQuery sink connector (KCBQ)"))
        return self.sink

    def grant_read(
        self, principal: str, *, expires: datetime | None = None, clearance: str = "internal",
    ) -> list[Any]:
        """``roles/bigquery.dataViewer`` on the dataset (change logs and views), and column access by ``clearance``.

        For each policy tag of the channel: ``roles/datacatalog.categoryFineGrainedReader`` on it when the
        clearance covers its level (the columns read in clear), else ``roles/bigquerydatapolicy.maskedReader``
        on its masking policy (the columns read masked). Every grant ends at ``expires`` by an IAM condition.

        Raises:
            PrincipalError: not a ``user:``, ``group:`` or ``serviceAccount:`` member.
            ConstructPropsError: ``expires`` is not in the future, or clearance ``public`` while the channel's
                ``internal`` columns carry no policy tag (no reader of ``readers=`` has that clearance).
        """
        path = self.dataset.node.path
        problems = ProblemCollector(path)
        check_gcp_principal(problems, "principal", principal)
        problems.raise_if_any(PrincipalError, f"invalid principal at {path} (Kafka 'User:<name>' or a GCP member)")
        if clearance == "public" and not any(level == "internal" for level, _ in self.groups) and any(
                column_level(col) == "internal" for t in self.channel.tables for col in t.columns):
            props = ProblemCollector(self.scope.node.path)
            props.add("clearance", clearance, "internal or above: the internal columns carry no policy tag unless "
                      "a reader of readers= has clearance 'public'")
            props.raise_if_any(ConstructPropsError, f"invalid read grant at {self.scope.node.path}")
        created: list[Any] = [self.dataset.grant_read(principal, expires=expires)]
        masked = []
        for group, tag in self.policy_tags.items():
            if rank(clearance) >= rank(group[0]):
                created.append(tag.grant_fine_grained_read(principal, expires=expires))
            else:
                created.append(self.masking[group].grant_masked_read(principal, expires=expires))
                masked.append(f"{group[0]} ({group[1]})")
        until = f" until {expires:%Y-%m-%d}" if expires else ""
        how = f", masked: {', '.join(masked)}" if masked else ""
        views = f"{len(self.views)} views"
        self.grants.append({"principal": principal, "clearance": clearance,
                            "grant": f"dataViewer on {self.dataset.dataset_name} ({views}){how}{until}"})
        return created

    def summary(self) -> dict[str, Any]:
        """Dataset, tables, views and grants."""
        return {
            "warehouse": self.warehouse.name,
            "dataset": f"{self.warehouse.project}.{self.dataset.dataset_name}",
            "tables": [t.table_name for t in self.tables.values()],
            "views": [v.view_name for v in self.views.values()],
            "warehouse_grants": list(self.grants),
        }


def describe(rtype: str, body: dict[str, Any], refs: dict[str, str]) -> list[tuple[str, str]]:
    """Report entries of BigQuery IAM bindings (with their expiry)."""
    if not (rtype.startswith("google_") and rtype.endswith("_iam_member")):
        return []
    cond = body.get("condition")
    until = " (until " + cond["expression"].split('"')[1] + ")" if cond else ""
    return [("grant", f"{body['member']} {body['role']}{until}")]
