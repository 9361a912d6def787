"""BigQuery L2 constructs: dataset (with IAM grants), change-log table, latest-state view, and the sink.

- :class:`BigQueryDataset` — ``google_bigquery_dataset`` with labels, default partition expiration,
  optional CMEK, ``deletion_policy = PREVENT`` and ``prevent_destroy``; ``grant_read`` / ``grant_write``
  create ``google_bigquery_dataset_iam_member`` (predefined ``roles/bigquery.*`` roles only), with an
  IAM condition when the grant expires.
- :class:`BigQueryTable` — the change-log table: declared columns plus the CDC metadata columns,
  day partitioning, clustering on the primary key, ``deletion_protection`` on.
- :class:`LatestStateView` — a standard-SQL view keeping the newest row per key and dropping deletes.
- the sink connector (KCBQ) is in :mod:`channelkit.constructs.bigquery_sink`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from constructs import Construct

from channelkit._text import literal, literal_dict
from channelkit.errors import ProblemCollector
from channelkit.props import Boolean, Instance, Integer, Map, Maybe, OneOf, Rule, Seq, Text, check_props
from channelkit.providers.google import (
    BigqueryDataset,
    BigqueryDatasetIamMember,
    BigqueryTable,
)
from channelkit.providers.google.bigquery_dataset import BigqueryDatasetDefaultEncryptionConfiguration
from channelkit.providers.google.bigquery_dataset_iam_member import BigqueryDatasetIamMemberCondition
from channelkit.providers.google.bigquery_table import BigqueryTableTimePartitioning, BigqueryTableView
from channelkit.sql import latest_state_sql

from ._util import LazyProblems, child_id, init_construct, protect, remembered
from .errors import ConstructPropsError, PrincipalError
from .naming import check_bigquery_column, check_bigquery_id, check_gcp_principal

__all__ = [
    "READ_ROLE",
    "WRITE_ROLE",
    "FIELD_TYPES",
    "BigQueryDataset",
    "BigQueryField",
    "BigQueryTable",
    "LatestStateView",
    "expiry_condition",
]

#: Predefined role of readers (never the legacy READER).
READ_ROLE = "roles/bigquery.dataViewer"
#: Predefined role of writers such as the sink (never the legacy WRITER).
WRITE_ROLE = "roles/bigquery.dataEditor"
#: GCP labels: at most 64; keys 1-63 of [a-z0-9_-] starting with a letter, values 0-63 of [a-z0-9_-]
#: (Resource Manager, "Labels overview: requirements for labels").
LABELS = Map(Text(r"[a-z][a-z0-9_-]{0,62}", what="a label key (1-63 of [a-z0-9_-], starting with a letter)"),
             Text(r"[a-z0-9_-]{0,63}", what="a label value (at most 63 of [a-z0-9_-])"), max_items=64,
             what="GCP labels")
_PROJECT = Text(r"([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]", tokens=True,
                what="a GCP project id (6-30 of [a-z0-9-])")
_LOCATION = Text(r"[A-Za-z]+(-[a-z]+[0-9]+)?", what="a BigQuery location such as EU, US or europe-west1")
_DESCRIPTION = Maybe(Text(max_len=16384, printable=False, what="a description"))
_NAMES = Seq(Text(min_len=1, what="a column name"), min_items=1, what="a list of column names (not one string)")
_CLUSTERABLE = {"STRING", "INT64", "NUMERIC", "BIGNUMERIC", "BOOL", "DATE", "DATETIME", "TIMESTAMP", "GEOGRAPHY"}


def expiry_condition(
    path: str, expires: datetime | None, now: datetime | None = None, *, condition_type: Any = None,
) -> Any:
    """The IAM condition ending a grant at ``expires`` (None for no expiry).

    A naive datetime is refused (as on the AWS target): it has no single meaning.
    ``condition_type`` is the binding's condition struct (default: the dataset IAM member's; every google IAM
    member's condition has the same ``title``/``description``/``expression``).

    Raises:
        ConstructPropsError: ``expires`` is not a timezone-aware datetime in the future.
    """
    if expires is None:
        return None
    problems = ProblemCollector(path)  # path given by the caller
    now = now or datetime.now(UTC)
    aware = isinstance(expires, datetime) and expires.tzinfo is not None and expires.utcoffset() is not None
    problems.check(aware and expires > now, "expires", expires,
                   f"a timezone-aware datetime in the future (now is {now:%Y-%m-%dT%H:%M:%SZ})")
    problems.raise_if_any(ConstructPropsError, f"invalid grant expiry at {path}")
    stamp = expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (condition_type or BigqueryDatasetIamMemberCondition)(
        title=f"expires-{stamp[:10]}",
        description=f"granted by channelkit until {stamp}",
        expression=f'request.time < timestamp("{stamp}")',
    )


def _maybe_literal(text: str | None) -> str | None:
    return None if text is None else literal(text)


class BigQueryDataset(Construct):
    """A BigQuery dataset (``google_bigquery_dataset``, id ``Resource``) with IAM grant methods.

    Args:
        scope: parent construct.
        id: construct id.
        dataset_id: dataset id (``[A-Za-z0-9_]``, at most 1024 characters).
        project: GCP project id.
        location: BigQuery location (``EU``, ``US``, ``europe-west1``...).
        labels: labels, e.g. owner, channel, classification (default none).
        default_partition_expiration_ms: partition expiry of new partitioned tables (default None: never).
        kms_key_name: CMEK key for new tables (default None: Google-managed encryption).
        description: dataset description (default None).
        prevent_destroy: ``deletion_policy = PREVENT`` + ``lifecycle.prevent_destroy`` (default True).
        provider: the ``google`` provider (default: the stack's default).

    Raises:
        InvalidNameError: the dataset id breaks BigQuery's rules.
        ConstructPropsError: a bad construct id, or another prop of the wrong type or out of range (with a bad
            name too: one error deriving from both classes).
    """

    #: What the plain props accept (the dataset id is checked by BigQuery's rules).
    PROPS: Mapping[str, Rule] = {
        "project": _PROJECT,
        "location": _LOCATION,
        "labels": Maybe(LABELS),
        "default_partition_expiration_ms": Maybe(Integer(min=1, what="milliseconds")),
        "kms_key_name": Maybe(Text(min_len=1, tokens=True, what="a Cloud KMS key name")),
        "description": _DESCRIPTION,
        "prevent_destroy": Boolean(),
    }

    def __init__(
        self, scope: Construct, id: str, *, dataset_id: str, project: str, location: str,
        labels: Mapping[str, str] | None = None, default_partition_expiration_ms: int | None = None,
        kms_key_name: str | None = None, description: str | None = None, prevent_destroy: bool = True,
        provider: Any = None,
    ) -> None:
        init_construct(super().__init__, scope, id, "dataset")
        from .aws._common import Checks, check_provider

        checks = Checks(self)
        check_bigquery_id(checks.names, "dataset_id", dataset_id, "dataset")
        check_props(checks.props, BigQueryDataset.PROPS, {
            "project": project, "location": location, "labels": labels,
            "default_partition_expiration_ms": default_partition_expiration_ms, "kms_key_name": kms_key_name,
            "description": description, "prevent_destroy": prevent_destroy})
        check_provider(checks.props, "provider", provider)
        checks.raise_if_any("invalid dataset at {path}")
        self.dataset_name = dataset_id
        self.project = project
        self.location = location
        self.provider = provider
        self._dataset_ref: str | None = None
        self.resource = BigqueryDataset(
            self, "Resource",
            dataset_id=dataset_id, project=literal(project), location=literal(location), labels=literal_dict(labels),
            default_partition_expiration_ms=default_partition_expiration_ms, description=_maybe_literal(description),
            default_encryption_configuration=(
                BigqueryDatasetDefaultEncryptionConfiguration(kms_key_name=literal(kms_key_name))
                if kms_key_name else None
            ),
            delete_contents_on_destroy=False,
            deletion_policy="PREVENT" if prevent_destroy else None,
            lifecycle=protect(prevent_destroy),
            provider=provider,
        )

    @property
    def dataset_ref(self) -> str:
        """Reference token to the dataset id (``${google_bigquery_dataset.x.dataset_id}``)."""
        if self._dataset_ref is None:
            self._dataset_ref = self.resource.dataset_id
        return self._dataset_ref

    def _grant(
        self, kind: str, principal: str, role: str, expires: datetime | None, grant_id: str | None = None
    ) -> BigqueryDatasetIamMember:
        problems = LazyProblems(self)
        check_gcp_principal(problems, "principal", principal)
        if grant_id is not None:
            Text(r"[A-Za-z0-9_-]+", what="a construct id suffix").check(problems, "grant_id", grant_id)
        problems.raise_if_any(PrincipalError, "invalid GCP principal at {path}")
        condition = expiry_condition(self.node.path, expires) if expires is not None else None
        cid = child_id(kind, grant_id or principal)
        return remembered(self, cid, lambda: BigqueryDatasetIamMember(
            self, cid, dataset_id=self.dataset_ref, project=literal(self.project), role=role, member=literal(principal),
            condition=condition, provider=self.provider,
        ))

    def grant_read(self, principal: str, *, expires: datetime | None = None) -> BigqueryDatasetIamMember:
        """Give ``principal`` ``roles/bigquery.dataViewer`` on this dataset (tables and views).

        Args:
            principal: ``user:``, ``group:`` or ``serviceAccount:`` + email.
            expires: end of the grant (default None: no end); adds an IAM condition.
        """
        return self._grant("Read", principal, READ_ROLE, expires)

    def grant_write(self, principal: str, *, grant_id: str | None = None) -> BigqueryDatasetIamMember:
        """Give ``principal`` ``roles/bigquery.dataEditor`` on this dataset.

        Args:
            principal: ``user:``, ``group:`` or ``serviceAccount:`` + email (a reference is fine).
            grant_id: construct id suffix of the grant (default: from the principal; give one when the
                principal is a reference token).
        """
        return self._grant("Write", principal, WRITE_ROLE, None, grant_id)


@dataclass(frozen=True, kw_only=True)
class BigQueryField:
    """One field of a BigQuery table schema.

    Args:
        name: the column name (``[A-Za-z_][A-Za-z0-9_]*``, at most 300 characters).
        type: a BigQuery standard SQL type (``INT64``, ``STRING``, ``NUMERIC``, ...; see :data:`FIELD_TYPES`).
        description: the column description (default empty).
        mode: ``NULLABLE`` (default), ``REQUIRED`` or ``REPEATED``.
        precision: digits of a parameterized ``NUMERIC``/``BIGNUMERIC`` (default None: unparameterized).
        scale: digits after the point of a parameterized ``NUMERIC``/``BIGNUMERIC`` (default None).
        policy_tag: the resource name of the column's policy tag (a reference token to
            :attr:`~channelkit.constructs.bigquery_access.PolicyTag.name`; default None: no column-level security).
    """

    name: str
    type: str
    description: str = ""
    mode: str = "NULLABLE"
    precision: int | None = None
    scale: int | None = None
    policy_tag: str | None = None

    #: What each field accepts (the name is checked by BigQuery's column rules).
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "type": OneOf(("STRING", "BYTES", "INT64", "FLOAT64", "NUMERIC", "BIGNUMERIC", "BOOL", "DATE", "DATETIME",
                       "TIME", "TIMESTAMP", "JSON", "GEOGRAPHY", "INTERVAL")),
        # TableFieldSchema.description: at most 1,024 characters (BigQuery REST reference).
        "description": Text(max_len=1024, printable=False, what="a column description"),
        "mode": OneOf(("NULLABLE", "REQUIRED", "REPEATED")),
        "precision": Maybe(Integer(1, 76)),
        "scale": Maybe(Integer(0, 38)),
    }

    def schema(self) -> dict[str, Any]:
        """This field in the table schema JSON (``precision``/``scale`` as strings, the form the API returns)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "mode": self.mode}
        if self.precision is not None:
            out["precision"] = str(self.precision)
            out["scale"] = str(self.scale or 0)
        if self.description:
            out["description"] = self.description
        if self.policy_tag is not None:  # the form the API returns, so a plan shows no difference
            out["policyTags"] = {"names": [self.policy_tag]}
        return out


#: BigQuery standard SQL types a :class:`BigQueryField` may have.
FIELD_TYPES: tuple[str, ...] = (
    "STRING", "BYTES", "INT64", "FLOAT64", "NUMERIC", "BIGNUMERIC", "BOOL", "DATE", "DATETIME", "TIME",
    "TIMESTAMP", "JSON", "GEOGRAPHY", "INTERVAL",
)
_MODES = ("NULLABLE", "REQUIRED", "REPEATED")


class BigQueryTable(Construct):
    """A change-log table (``google_bigquery_table``, id ``Resource``).

    The schema is the given fields followed by the metadata fields (and, in KCBQ upsert mode, a
    RECORD holding the Kafka key). Ingestion-time day partitions (expiry from the dataset
    default), clustering on up to four clusterable primary-key fields, ``deletion_protection = true``.

    Args:
        scope: parent construct.
        id: construct id.
        dataset: the dataset.
        table_id: table id (``[A-Za-z0-9_]``).
        fields: the table's own fields, in order.
        primary_key: primary-key field names (among ``fields``).
        metadata_fields: CDC metadata fields appended to the schema (default none).
        key_record: name of a RECORD column holding the Kafka key (primary-key fields), as KCBQ writes it
            in upsert mode (default None: no such column).
        description: table description (default None).
        labels: table labels (default none).
        deletion_protection: default True.

    Raises:
        InvalidNameError: a bad table id or field name.
        TableDefinitionError: an unknown type or mode, no primary key, a key field that is not declared.
        ConstructPropsError: a bad construct id, or another prop of the wrong type (problems of several kinds
            come in one error deriving from each kind).
    """

    #: What the plain props accept.
    PROPS: Mapping[str, Rule] = {
        "dataset": Instance((BigQueryDataset,), "a BigQueryDataset construct"),
        "fields": Seq(Instance((BigQueryField,), "a BigQueryField"), min_items=1, what="a list of BigQueryField"),
        "primary_key": _NAMES,
        "metadata_fields": Seq(Instance((BigQueryField,), "a BigQueryField"), what="a list of BigQueryField"),
        "key_record": Maybe(Text(min_len=1, what="a column name")),
        "description": _DESCRIPTION,
        "labels": Maybe(LABELS),
        "deletion_protection": Boolean(),
    }

    def __init__(
        self, scope: Construct, id: str, *, dataset: BigQueryDataset, table_id: str, fields: Sequence[BigQueryField],
        primary_key: Sequence[str], metadata_fields: Sequence[BigQueryField] = (), key_record: str | None = None,
        description: str | None = None, labels: Mapping[str, str] | None = None, deletion_protection: bool = True,
    ) -> None:
        init_construct(super().__init__, scope, id, "table")
        from .aws._common import Checks

        checks = Checks(self)
        check_bigquery_id(checks.names, "table_id", table_id, "table")
        typed = check_props(checks.props, BigQueryTable.PROPS, {
            "dataset": dataset, "fields": fields, "primary_key": primary_key, "metadata_fields": metadata_fields,
            "key_record": key_record, "description": description, "labels": labels,
            "deletion_protection": deletion_protection})
        every = [f for name in ("fields", "metadata_fields") if typed[name] for f in
                 (fields if name == "fields" else metadata_fields)]
        problems = checks.tables
        for f in every:
            if check_bigquery_column(checks.names, "fields", f.name):
                check_props(problems, BigQueryField.PROPS, f, prefix=f"fields[{f.name}].")
        if key_record is not None and typed["key_record"]:
            check_bigquery_column(checks.names, "key_record", key_record)
        declared = {f.name: f for f in (fields if typed["fields"] else ())}
        for k in primary_key if typed["primary_key"] else ():
            problems.check(k in declared, "primary_key", k, "a declared column")
        checks.raise_if_any("invalid table definition at {path}")

        schema: list[dict[str, Any]] = [f.schema() for f in [*fields, *metadata_fields]]
        if key_record:
            schema.append({
                "name": key_record, "type": "RECORD", "mode": "NULLABLE", "description": "Kafka record key (KCBQ)",
                "fields": [{"name": k, "type": declared[k].type, "mode": "NULLABLE"} for k in primary_key],
            })
        self.schema_fields = schema
        self.table_name = table_id
        self.dataset = dataset
        clustering = [k for k in primary_key if declared[k].type in _CLUSTERABLE][:4]
        self.resource = BigqueryTable(
            self, "Resource",
            dataset_id=dataset.dataset_ref, project=literal(dataset.project), table_id=table_id,
            # The schema is one JSON string: escaped as a whole, once, as Terraform reads it.
            schema=literal(json.dumps(schema, separators=(",", ":"))),
            description=_maybe_literal(description), labels=literal_dict(labels),
            time_partitioning=BigqueryTableTimePartitioning(type="DAY"),
            clustering=clustering or None,
            deletion_protection=deletion_protection,
            provider=dataset.provider,
        )

    @property
    def table_ref(self) -> str:
        """Reference token to the table id."""
        return self.resource.table_id


class LatestStateView(Construct):
    """The latest state of a change-log table as a view (``google_bigquery_table``, id ``Resource``).

    ``use_legacy_sql`` is always ``false``. The query keeps the row with the greatest source
    position per primary key and drops keys whose newest row is a delete
    (see :func:`channelkit.sql.latest_state_sql`).

    Args:
        scope: parent construct.
        id: construct id.
        source: the change-log table.
        view_id: the view's table id.
        columns: column names exposed (the table's own columns).
        primary_key: primary-key column names.
        position_columns: source-position columns, most significant first.
        description: view description (default None).
        labels: view labels (default none).
    """

    def __init__(
        self, scope: Construct, id: str, *, source: BigQueryTable, view_id: str, columns: Sequence[str],
        primary_key: Sequence[str], position_columns: Sequence[str], description: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        init_construct(super().__init__, scope, id, "view")
        from .aws._common import Checks

        checks = Checks(self)
        check_bigquery_id(checks.names, "view_id", view_id, "view")
        check_props(checks.props, {
            "source": Instance((BigQueryTable,), "a BigQueryTable construct"), "columns": _NAMES,
            "primary_key": _NAMES, "position_columns": _NAMES, "description": _DESCRIPTION, "labels": Maybe(LABELS),
        }, {"source": source, "columns": columns, "primary_key": primary_key, "position_columns": position_columns,
            "description": description, "labels": labels})
        checks.raise_if_any("invalid view at {path}")
        dataset = source.dataset
        table = f"`{dataset.project}.{dataset.dataset_ref}.{source.table_ref}`"
        self.query = latest_state_sql(
            source_table=table, columns=columns, primary_key=primary_key, position_columns=position_columns
        )
        self.view_name = view_id
        self.resource = BigqueryTable(
            self, "Resource",
            dataset_id=dataset.dataset_ref, project=literal(dataset.project), table_id=view_id,
            view=BigqueryTableView(query=literal(self.query), use_legacy_sql=False),
            description=_maybe_literal(description), labels=literal_dict(labels),
            deletion_protection=False,
            provider=dataset.provider,
        )
