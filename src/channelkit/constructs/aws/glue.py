"""Glue Data Catalog: a database and external JSON tables over S3."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import GlueCatalogDatabase, GlueCatalogTable
from ...providers.aws.glue_catalog_table import (
    GlueCatalogTablePartitionKeys,
    GlueCatalogTableStorageDescriptor,
    GlueCatalogTableStorageDescriptorColumns,
    GlueCatalogTableStorageDescriptorSerDeInfo,
)
from ._common import lifecycle, protection_default
from .iam import Statement
from .rules import check_glue_name

__all__ = ["GlueColumn", "GlueDatabase", "GlueDatabaseProps", "GlueTable", "GlueTableProps"]

_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
_TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"


@dataclass(frozen=True, kw_only=True)
class GlueColumn:
    """One column: Glue/Hive ``type``, ``comment`` and free-form ``parameters`` (e.g. classification)."""

    name: str
    type: str
    comment: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class GlueDatabaseProps:
    """Props of :class:`GlueDatabase`: ``name`` (lowercase, digits, ``_``), ``description``, ``parameters``."""

    name: str
    description: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)


class GlueDatabase(Construct):
    """A Glue catalog database."""

    def __init__(self, scope: Construct, id: str, props: GlueDatabaseProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        check_glue_name(problems, "name", props.name)
        problems.raise_if_any(ValidationError, "invalid Glue database")
        self.props = props
        self.resource = GlueCatalogDatabase(
            self, "Resource", name=props.name, description=props.description or None,
            parameters=dict(props.parameters) or None,
        )

    @property
    def name(self) -> str:
        """The database name (a token)."""
        return self.resource.name

    @property
    def arn(self) -> str:
        """The database ARN (a token)."""
        return self.resource.arn


@dataclass(frozen=True, kw_only=True)
class GlueTableProps:
    """Props of :class:`GlueTable`.

    Attributes:
        database: the database the table belongs to.
        name: the table name (lowercase letters, digits, ``_``).
        columns: the data columns, in order.
        partition_keys: the partition columns (Hive-style ``key=value`` directories).
        location: ``s3://bucket/prefix/`` the table reads.
        description: the table comment.
        owner: the owning team.
        parameters: table parameters (classification, source, ...).
        protect: ``prevent_destroy`` (None: the app's ``channelkit:protect`` context, default on).
    """

    database: GlueDatabase
    name: str
    columns: tuple[GlueColumn, ...]
    location: str
    partition_keys: tuple[GlueColumn, ...] = ()
    description: str = ""
    owner: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)
    protect: bool | None = None


class GlueTable(Construct):
    """An external Glue table of JSON lines under an S3 prefix, protected from destroy by default."""

    def __init__(self, scope: Construct, id: str, props: GlueTableProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        check_glue_name(problems, "name", props.name)
        problems.check(bool(props.columns), "columns", props.columns, "at least one column")
        seen: set[str] = set()
        for i, col in enumerate(props.columns + props.partition_keys):
            check_glue_name(problems, f"columns[{i}].name", col.name)
            problems.check(col.name not in seen, f"columns[{i}].name", col.name, "a name used once per table")
            seen.add(col.name)
            problems.check(bool(col.type), f"columns[{i}].type", col.type, "a Glue/Hive type such as string")
        problems.check(props.location.startswith("s3://") and props.location.endswith("/"), "location",
                       props.location, "s3://BUCKET/PREFIX/ (ending with '/')")
        problems.raise_if_any(ValidationError, "invalid Glue table")
        self.props = props
        self.protected = protection_default(self, props.protect)
        self.resource = GlueCatalogTable(
            self,
            "Resource",
            database_name=props.database.name,
            name=props.name,
            description=props.description or None,
            owner=props.owner or None,
            table_type="EXTERNAL_TABLE",
            parameters={"EXTERNAL": "TRUE", "classification": "json", **props.parameters},
            partition_keys=[
                GlueCatalogTablePartitionKeys(name=c.name, type=c.type, comment=c.comment or None)
                for c in props.partition_keys
            ] or None,
            storage_descriptor=GlueCatalogTableStorageDescriptor(
                location=props.location,
                input_format=_TEXT_INPUT,
                output_format=_TEXT_OUTPUT,
                ser_de_info=GlueCatalogTableStorageDescriptorSerDeInfo(
                    name="json", serialization_library=_JSON_SERDE, parameters={"ignore.malformed.json": "true"}
                ),
                columns=[
                    GlueCatalogTableStorageDescriptorColumns(
                        name=c.name, type=c.type, comment=c.comment or None, parameters=dict(c.parameters) or None
                    )
                    for c in props.columns
                ],
            ),
            lifecycle=lifecycle(self.protected),
        )

    @property
    def name(self) -> str:
        """The table name (a token)."""
        return self.resource.name

    @property
    def arn(self) -> str:
        """The table ARN (a token)."""
        return self.resource.arn

    def read_statement(self, sid: str = "GlueRead") -> Statement:
        """Allow reading this table's metadata (and its database's) from the Glue catalog."""
        return Statement(
            sid=sid,
            actions=("glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"),
            resources=(self.props.database.arn, self.arn),
        )
