"""Lake Formation: register a data location, grant principals access to databases and tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from constructs import Construct

from ..._text import literal
from ...providers.aws import (
    LakeformationLfTag,
    LakeformationPermissions,
    LakeformationResource,
    LakeformationResourceLfTag,
)
from ...providers.aws.lakeformation_permissions import (
    LakeformationPermissionsDatabase,
    LakeformationPermissionsTable,
    LakeformationPermissionsTableWithColumns,
)
from ...providers.aws.lakeformation_resource_lf_tag import (
    LakeformationResourceLfTagLfTag,
    LakeformationResourceLfTagTable,
    LakeformationResourceLfTagTableWithColumns,
)
from .._util import init_construct
from ._common import Checks, check_construct, is_strs, is_token
from .glue import GlueDatabase, GlueTable
from .iam import ServiceRole
from .rules import check_principal
from .s3 import DataBucket

__all__ = ["DATABASE_PERMISSIONS", "TABLE_PERMISSIONS", "DataLocation", "LakeGrant", "LfTag", "LfTagAssignment"]

#: Lake Formation permissions a table grant may hold.
TABLE_PERMISSIONS = frozenset({"ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"})
#: Lake Formation permissions a database grant may hold.
DATABASE_PERMISSIONS = frozenset({"ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"})


class DataLocation(Construct):
    """Registers a data bucket with Lake Formation (``aws_lakeformation_resource``, id ``Resource``).

    Lake Formation reaches the bucket with ``role``, or with its service-linked role when there is none.
    A bucket encrypted with a customer-managed key needs a role: IAM cannot give the service-linked role the
    key, so Lake Formation could not decrypt the data it vends to readers.

    Args:
        scope: parent construct.
        id: construct id.
        bucket: the bucket Lake Formation governs.
        role: the data access role Lake Formation assumes (a
            :class:`~channelkit.constructs.aws.ServiceRole` of ``lakeformation.amazonaws.com`` allowed to read
            the bucket and decrypt with its key); default None: the service-linked role.

    Attributes:
        resource: the ``aws_lakeformation_resource``.
        bucket: the bucket.

    Raises:
        ConstructPropsError: ``bucket`` is not a :class:`~channelkit.constructs.aws.DataBucket`, or ``role`` not a
            :class:`~channelkit.constructs.aws.ServiceRole`.
    """

    def __init__(self, scope: Construct, id: str, *, bucket: DataBucket, role: ServiceRole | None = None) -> None:
        """Check the bucket and role, then register the bucket."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_construct(checks.props, "bucket", bucket, DataBucket)
        if role is not None:
            check_construct(checks.props, "role", role, ServiceRole)
        checks.raise_if_any("invalid Lake Formation data location at {path}")
        self.bucket, self.role = bucket, role
        if role is None:
            self.resource = LakeformationResource(self, "Resource", arn=bucket.arn, use_service_linked_role=True)
        else:
            self.resource = LakeformationResource(self, "Resource", arn=bucket.arn, role_arn=role.arn)


class LakeGrant(Construct):
    """One Lake Formation grant (``aws_lakeformation_permissions``, id ``Resource``).

    The target is ``database`` alone (a database grant), or ``database`` + ``table`` (a table grant);
    with ``excluded_columns`` the table grant is column-level: every column but those.

    Args:
        scope: parent construct.
        id: construct id.
        principal: an IAM role or user ARN (a reference token is fine) or another identifier Lake
            Formation accepts (account id, ``IAM_ALLOWED_PRINCIPALS``, SAML, QuickSight, Identity Center,
            organization ARNs).
        permissions: e.g. ``("SELECT", "DESCRIBE")``; for a table some of ALL, ALTER, DELETE, DESCRIBE,
            DROP, INSERT, SELECT; for a database some of ALL, ALTER, CREATE_TABLE, DESCRIBE, DROP.
        database: the Glue database.
        table: a table of ``database`` (default None: a database grant).
        excluded_columns: columns of ``table`` left out of the grant, e.g. PII (default none: every column).

    Attributes:
        resource: the ``aws_lakeformation_permissions``.
        column_level: whether the grant leaves columns out.

    Raises:
        PrincipalError: the principal is not one Lake Formation accepts.
        ConstructPropsError: permissions, database, table or excluded columns malformed (with a bad
            principal too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        principal: str,
        permissions: Sequence[str],
        database: GlueDatabase,
        table: GlueTable | None = None,
        excluded_columns: Sequence[str] = (),
    ) -> None:
        """Check every prop (all problems in one error), then create the grant."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        if not is_token(principal):
            check_principal(checks.principals, "principal", principal)
        table_ok = table is None or check_construct(checks.props, "table", table, GlueTable)
        allowed = TABLE_PERMISSIONS if table is not None else DATABASE_PERMISSIONS
        what = "table" if table is not None else "database"
        checks.props.check(is_strs(permissions) and bool(permissions) and not set(permissions) - allowed,
                           "permissions", permissions,
                           f"a non-empty sequence of {what} permissions: some of " + ", ".join(sorted(allowed)))
        if check_construct(checks.props, "database", database, GlueDatabase) and table is not None and table_ok:
            checks.props.check(table.database is database, "table", table.table_name,
                               f"a table of database {database.database_name}")
        if checks.props.check(is_strs(excluded_columns), "excluded_columns", excluded_columns,
                              "a sequence of column names"):
            checks.props.check(not excluded_columns or table is not None, "excluded_columns", excluded_columns,
                               "only with a table")
            if table is not None and table_ok:
                known = {c.name for c in (*table.columns, *table.partition_keys)}
                for name in excluded_columns:
                    checks.props.check(name in known, "excluded_columns", name,
                                       f"a column of table {table.table_name}")
        checks.raise_if_any("invalid Lake Formation grant at {path}")
        self.column_level = bool(excluded_columns)
        kwargs: dict[str, Any] = {}
        if table is None:
            kwargs["database"] = LakeformationPermissionsDatabase(name=database.database_name)
        elif excluded_columns:
            kwargs["table_with_columns"] = LakeformationPermissionsTableWithColumns(
                database_name=database.database_name, name=table.table_name, wildcard=True,
                excluded_column_names=sorted(excluded_columns),
            )
        else:
            kwargs["table"] = LakeformationPermissionsTable(database_name=database.database_name,
                                                            name=table.table_name)
        self.resource = LakeformationPermissions(
            self, "Resource", principal=literal(principal), permissions=sorted(permissions), **kwargs,
        )


#: Characters of a Lake Formation tag key and value (``CreateLFTag``: letters, spaces, digits, ``_.:/=+-@%``).
_LF_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@%]+")


class LfTag(Construct):
    """A Lake Formation tag (``aws_lakeformation_lf_tag``, id ``Resource``): a key and its allowed values.

    Args:
        scope: parent construct.
        id: construct id.
        key: the tag key (1-128 characters: letters, digits, spaces and ``_.:/=+-@%``); unique in the account.
        values: the allowed values (1-1000 of them, each 1-256 characters of the same set).

    Attributes:
        resource: the ``aws_lakeformation_lf_tag``.
        key: the tag key.
        values: the allowed values.

    Raises:
        ConstructPropsError: key or values malformed.
    """

    def __init__(self, scope: Construct, id: str, *, key: str, values: Sequence[str]) -> None:
        """Check the key and values, then create the tag."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        checks.props.check(isinstance(key, str) and 1 <= len(key) <= 128 and bool(_LF_TAG_TEXT.fullmatch(key)),
                           "key", key, "1-128 letters, digits, spaces or _.:/=+-@%")
        ok = is_strs(values) and 1 <= len(values) <= 1000 and len(set(values)) == len(values)
        if checks.props.check(ok, "values", values, "1-1000 distinct strings"):
            for v in values:
                checks.props.check(1 <= len(v) <= 256 and bool(_LF_TAG_TEXT.fullmatch(v)), "values", v,
                                   "1-256 letters, digits, spaces or _.:/=+-@%")
        checks.raise_if_any("invalid Lake Formation tag at {path}")
        self.key, self.values = key, tuple(values)
        self.resource = LakeformationLfTag(self, "Resource", key=key, values=list(values))


class LfTagAssignment(Construct):
    """One Lake Formation tag value on a table or some of its columns (``aws_lakeformation_resource_lf_tag``).

    One resource per assignment, never the plural ``aws_lakeformation_resource_lf_tags`` (which removes the
    tags it did not create from the resource).

    Args:
        scope: parent construct.
        id: construct id.
        tag: the :class:`LfTag`.
        value: one of the tag's values.
        table: the Glue table.
        columns: column names of ``table`` to tag (default none: the table itself).

    Attributes:
        resource: the ``aws_lakeformation_resource_lf_tag``.

    Raises:
        ConstructPropsError: tag, value, table or columns malformed.
    """

    def __init__(
        self, scope: Construct, id: str, *, tag: LfTag, value: str, table: GlueTable, columns: Sequence[str] = (),
    ) -> None:
        """Check every prop, then assign the value."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        if check_construct(checks.props, "tag", tag, LfTag):
            checks.props.check(value in tag.values, "value", value, "one of " + ", ".join(tag.values))
        if check_construct(checks.props, "table", table, GlueTable) and checks.props.check(
                is_strs(columns), "columns", columns, "a sequence of column names"):
            known = {c.name for c in (*table.columns, *table.partition_keys)}
            for name in columns:
                checks.props.check(name in known, "columns", name, f"a column of table {table.table_name}")
        checks.raise_if_any("invalid Lake Formation tag assignment at {path}")
        target: dict[str, Any] = {}
        if columns:
            target["table_with_columns"] = [LakeformationResourceLfTagTableWithColumns(
                database_name=table.database.database_name, name=table.table_name, column_names=sorted(columns))]
        else:
            target["table"] = [LakeformationResourceLfTagTable(
                database_name=table.database.database_name, name=table.table_name)]
        self.resource = LakeformationResourceLfTag(
            self, "Resource", lf_tag=[LakeformationResourceLfTagLfTag(key=tag.key, value=value)],
            depends_on=[tag.resource, table.resource], **target)
