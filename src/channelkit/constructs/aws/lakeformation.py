"""Lake Formation: register a data location, grant principals access to databases and tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from ..._text import literal
from ...providers.aws import LakeformationPermissions, LakeformationResource
from ...providers.aws.lakeformation_permissions import (
    LakeformationPermissionsDatabase,
    LakeformationPermissionsTable,
    LakeformationPermissionsTableWithColumns,
)
from .._util import init_construct
from ._common import Checks, check_construct, is_strs, is_token
from .glue import GlueDatabase, GlueTable
from .rules import check_principal
from .s3 import DataBucket

__all__ = ["DATABASE_PERMISSIONS", "TABLE_PERMISSIONS", "DataLocation", "LakeGrant"]

#: Lake Formation permissions a table grant may hold.
TABLE_PERMISSIONS = frozenset({"ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"})
#: Lake Formation permissions a database grant may hold.
DATABASE_PERMISSIONS = frozenset({"ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"})


class DataLocation(Construct):
    """Registers a data bucket with Lake Formation (``aws_lakeformation_resource``, id ``Resource``).

    Lake Formation reaches the bucket with its service-linked role.

    Args:
        scope: parent construct.
        id: construct id.
        bucket: the bucket Lake Formation governs.

    Attributes:
        resource: the ``aws_lakeformation_resource``.
        bucket: the bucket.

    Raises:
        ConstructPropsError: ``bucket`` is not a :class:`~channelkit.constructs.aws.DataBucket`.
    """

    def __init__(self, scope: Construct, id: str, *, bucket: DataBucket) -> None:
        """Check the bucket, then register it."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_construct(checks.props, "bucket", bucket, DataBucket)
        checks.raise_if_any("invalid Lake Formation data location at {path}")
        self.bucket = bucket
        self.resource = LakeformationResource(self, "Resource", arn=bucket.arn, use_service_linked_role=True)


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
