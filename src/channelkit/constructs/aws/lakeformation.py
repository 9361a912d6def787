"""Lake Formation: register a data location, grant principals access to databases and tables."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import LakeformationPermissions, LakeformationResource
from ...providers.aws.lakeformation_permissions import (
    LakeformationPermissionsDatabase,
    LakeformationPermissionsTable,
    LakeformationPermissionsTableWithColumns,
)
from .rules import check_principal

__all__ = ["DataLocation", "DataLocationProps", "LakeGrant", "LakeGrantProps"]

_TABLE_PERMISSIONS = {"ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"}
_DATABASE_PERMISSIONS = {"ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"}


@dataclass(frozen=True, kw_only=True)
class DataLocationProps:
    """Props of :class:`DataLocation`: the S3 ``arn`` Lake Formation governs (service-linked role)."""

    arn: str


class DataLocation(Construct):
    """Registers an S3 location with Lake Formation, using the service-linked role."""

    def __init__(self, scope: Construct, id: str, props: DataLocationProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.resource = LakeformationResource(self, "Resource", arn=props.arn, use_service_linked_role=True)


@dataclass(frozen=True, kw_only=True)
class LakeGrantProps:
    """Props of :class:`LakeGrant`.

    Exactly one target: ``database`` alone (a database grant), or ``database`` + ``table`` (a table
    grant; with ``excluded_columns`` a column-level grant of every other column).

    Attributes:
        principal: an IAM ARN or another identifier Lake Formation accepts.
        permissions: e.g. ``("SELECT", "DESCRIBE")``.
        database: the Glue database name.
        table: the Glue table name.
        excluded_columns: columns left out of a table grant (e.g. PII).
    """

    principal: str
    permissions: tuple[str, ...]
    database: str
    table: str | None = None
    excluded_columns: tuple[str, ...] = ()


class LakeGrant(Construct):
    """One ``aws_lakeformation_permissions`` grant on a database, a table or a table's columns."""

    def __init__(self, scope: Construct, id: str, props: LakeGrantProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        check_principal(problems, "principal", props.principal)
        allowed = _TABLE_PERMISSIONS if props.table else _DATABASE_PERMISSIONS
        bad = sorted(set(props.permissions) - allowed)
        problems.check(bool(props.permissions) and not bad, "permissions", props.permissions,
                       "some of " + ", ".join(sorted(allowed)))
        problems.check(not props.excluded_columns or bool(props.table), "excluded_columns", props.excluded_columns,
                       "only with a table")
        problems.raise_if_any(ValidationError, "invalid Lake Formation grant")
        self.props = props
        self.column_level = bool(props.excluded_columns)
        kwargs: dict[str, object] = {}
        if props.table is None:
            kwargs["database"] = LakeformationPermissionsDatabase(name=props.database)
        elif props.excluded_columns:
            kwargs["table_with_columns"] = LakeformationPermissionsTableWithColumns(
                database_name=props.database, name=props.table, wildcard=True,
                excluded_column_names=sorted(props.excluded_columns),
            )
        else:
            kwargs["table"] = LakeformationPermissionsTable(database_name=props.database, name=props.table)
        self.resource = LakeformationPermissions(
            self, "Resource", principal=props.principal, permissions=sorted(props.permissions),
            **kwargs,  # type: ignore[arg-type]
        )
