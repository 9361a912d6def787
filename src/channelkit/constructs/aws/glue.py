"""Glue Data Catalog: a database and external JSON tables over S3."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
from ...providers.aws import GlueCatalogDatabase, GlueCatalogTable
from ...providers.aws.glue_catalog_table import (
    GlueCatalogTablePartitionKeys,
    GlueCatalogTableStorageDescriptor,
    GlueCatalogTableStorageDescriptorColumns,
    GlueCatalogTableStorageDescriptorSerDeInfo,
)
from .._util import init_construct, protection_default
from .._util import protect as protect_lifecycle
from ._common import ArnResource, Checks, NamedResource, check_construct, check_protect, check_text, is_str_map
from .iam import Statement
from .rules import check_glue_name, check_sid

__all__ = ["GlueColumn", "GlueDatabase", "GlueTable"]

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


class GlueDatabase(NamedResource, ArnResource, Construct):
    """A Glue catalog database (``aws_glue_catalog_database``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the database name (1-255 lowercase letters, digits and ``_``: a name Athena can query).
        description: the database comment (default empty: none).
        parameters: database parameters (default none).

    Attributes:
        resource: the ``aws_glue_catalog_database``.
        database_name: the name as given (a plain string, e.g. for SQL and Lake Formation grants).

    Raises:
        InvalidNameError: the name is not a Glue name Athena can query.
        ConstructPropsError: description or parameters malformed (with a bad name too: one error deriving
            from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        description: str = "",
        parameters: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the database."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_glue_name(checks.names, "name", name)
        check_text(checks.props, "description", description, max_len=2048)
        checks.props.check(parameters is None or is_str_map(parameters), "parameters", parameters,
                           "a mapping of strings to strings")
        checks.raise_if_any("invalid Glue database at {path}")
        self.database_name = name
        self.resource = GlueCatalogDatabase(
            self, "Resource", name=name, description=literal_or_none(description),
            parameters=literal_map(parameters),
        )




def _check_columns(checks: Checks, field: str, columns: object, seen: set[str], *, required: bool) -> bool:
    """Record every problem of a column list; return whether it is a sequence of :class:`GlueColumn`."""
    if not (isinstance(columns, Sequence) and not isinstance(columns, str | bytes)):
        return checks.props.check(False, field, columns, "a sequence of GlueColumn")
    if required:
        checks.props.check(bool(columns), field, list(columns), "at least one column")
    for i, col in enumerate(columns):
        where = f"{field}[{i}]"
        if not isinstance(col, GlueColumn):
            checks.props.add(where, col, "a GlueColumn")
            continue
        if check_glue_name(checks.names, f"{where}.name", col.name):
            checks.names.check(col.name not in seen, f"{where}.name", col.name, "a column name used once per table")
            seen.add(col.name)
        checks.props.check(isinstance(col.type, str) and bool(col.type), f"{where}.type", col.type,
                           "a Glue/Hive type such as string, bigint or timestamp")
        # Glue API, Column.Comment: 0-255 characters, no control character but tab.
        checks.props.check(isinstance(col.comment, str) and len(col.comment) <= 255
                           and not any(ord(c) < 32 and c != "\t" for c in col.comment), f"{where}.comment",
                           col.comment, "a string of at most 255 characters without line breaks (a Glue comment)")
        checks.props.check(is_str_map(col.parameters), f"{where}.parameters", col.parameters,
                           "a mapping of strings to strings")
    return True


class GlueTable(NamedResource, ArnResource, Construct):
    """An external Glue table of JSON lines under an S3 prefix (``aws_glue_catalog_table``, id ``Resource``).

    Rows are read with the OpenX JSON SerDe (malformed lines ignored) from ``location``; the table
    parameters always include ``EXTERNAL = TRUE`` and ``classification = json``. The table is protected
    from destroy unless ``protect`` is False or the app's ``channelkit:protect`` context is ``false``.

    Args:
        scope: parent construct.
        id: construct id.
        database: the database the table belongs to.
        name: the table name (lowercase letters, digits, ``_``).
        columns: the data columns, in order (at least one).
        location: ``s3://bucket/prefix/`` the table reads (ending with ``/``).
        partition_keys: the partition columns, Hive-style ``key=value`` directories (default none).
        description: the table comment (default empty: none).
        owner: the owning team (default empty: none).
        parameters: further table parameters, e.g. classification and source (default none).
        protect: ``prevent_destroy`` (default None: the app's ``channelkit:protect`` context, protected
            unless it is ``false``).

    Attributes:
        resource: the ``aws_glue_catalog_table``.
        database: the database.
        protected: whether ``prevent_destroy`` is set.
        table_name: the name as given (a plain string).
        columns: the data columns (a tuple).
        partition_keys: the partition columns (a tuple).

    Raises:
        InvalidNameError: the table name or a column name is malformed, or a column name repeats.
        ConstructPropsError: database, columns, location or another prop malformed (with a bad name too:
            one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        database: GlueDatabase,
        name: str,
        columns: Sequence[GlueColumn],
        location: str,
        partition_keys: Sequence[GlueColumn] = (),
        description: str = "",
        owner: str = "",
        parameters: Mapping[str, str] | None = None,
        protect: bool | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the table."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_construct(checks.props, "database", database, GlueDatabase)
        check_glue_name(checks.names, "name", name)
        seen: set[str] = set()
        _check_columns(checks, "columns", columns, seen, required=True)
        _check_columns(checks, "partition_keys", partition_keys, seen, required=False)
        checks.props.check(isinstance(location, str) and location.startswith("s3://") and location.endswith("/"),
                           "location", location, "s3://BUCKET/PREFIX/ (ending with '/')")
        check_text(checks.props, "description", description, max_len=2048)
        check_text(checks.props, "owner", owner, max_len=255)
        checks.props.check(parameters is None or is_str_map(parameters), "parameters", parameters,
                           "a mapping of strings to strings")
        check_protect(checks.props, protect)
        checks.raise_if_any("invalid Glue table at {path}")
        self.database = database
        self.table_name = name
        self.columns: tuple[GlueColumn, ...] = tuple(columns)
        self.partition_keys: tuple[GlueColumn, ...] = tuple(partition_keys)
        self.protected = protection_default(self, protect)
        self.resource = GlueCatalogTable(
            self,
            "Resource",
            database_name=database.name,
            name=name,
            description=literal_or_none(description),
            owner=literal_or_none(owner),
            table_type="EXTERNAL_TABLE",
            parameters=literal_map({"EXTERNAL": "TRUE", "classification": "json", **(parameters or {})}),
            partition_keys=[
                GlueCatalogTablePartitionKeys(name=c.name, type=literal(c.type), comment=literal_or_none(c.comment))
                for c in self.partition_keys
            ] or None,
            storage_descriptor=GlueCatalogTableStorageDescriptor(
                location=literal(location),
                input_format=_TEXT_INPUT,
                output_format=_TEXT_OUTPUT,
                ser_de_info=GlueCatalogTableStorageDescriptorSerDeInfo(
                    name="json", serialization_library=_JSON_SERDE, parameters={"ignore.malformed.json": "true"}
                ),
                columns=[
                    GlueCatalogTableStorageDescriptorColumns(
                        name=c.name, type=literal(c.type), comment=literal_or_none(c.comment),
                        parameters=literal_map(c.parameters),
                    )
                    for c in self.columns
                ],
            ),
            lifecycle=protect_lifecycle(self.protected),
        )

    def grant_read_metadata(self, sid: str = "GlueRead") -> Statement:
        """The statement allowing to read this table's metadata (and its database's) from the Glue catalog.

        Actions: ``glue:GetDatabase``, ``glue:GetTable``, ``glue:GetTables``, ``glue:GetPartition``,
        ``glue:GetPartitions`` on the database and this table. Reading the data also needs the bucket's
        :meth:`~channelkit.constructs.aws.DataBucket.grant_read` (which covers the key).

        Args:
            sid: the statement id (default ``GlueRead``; letters and digits).

        Raises:
            ConstructPropsError: ``sid`` is not letters and digits.
        """
        checks = Checks(self)
        check_sid(checks.props, "sid", sid)
        checks.raise_if_any("invalid Glue grant at {path}")
        return Statement(
            sid=sid,
            actions=("glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"),
            resources=(self.database.arn, self.arn),
        )
