"""Athena: a workgroup with encrypted results, and named queries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
from ...providers.aws import AthenaNamedQuery, AthenaWorkgroup
from ...providers.aws.athena_workgroup import (
    AthenaWorkgroupConfiguration,
    AthenaWorkgroupConfigurationResultConfiguration,
    AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration,
)
from .iam import Statement

__all__ = ["NamedQuery", "NamedQueryProps", "Workgroup", "WorkgroupProps"]

_WORKGROUP = re.compile(r"^[a-zA-Z0-9._-]{1,128}$")


@dataclass(frozen=True, kw_only=True)
class WorkgroupProps:
    """Props of :class:`Workgroup`.

    Attributes:
        name: the workgroup name (letters, digits, ``.``, ``_``, ``-``; at most 128).
        output_location: ``s3://bucket/prefix/`` for query results.
        kms_key_arn: results are encrypted with this key (SSE_KMS).
        bytes_scanned_cutoff: cancel queries scanning more than this many bytes (>= 10 MB).
        force_destroy: destroy the workgroup even when it has named queries.
        tags: resource tags.
    """

    name: str
    output_location: str
    kms_key_arn: str
    bytes_scanned_cutoff: int = 100 * 1024**3
    force_destroy: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


class Workgroup(Construct):
    """An Athena workgroup whose settings are enforced: results encrypted with the channel key."""

    def __init__(self, scope: Construct, id: str, props: WorkgroupProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(bool(_WORKGROUP.match(props.name)), "name", props.name,
                       "1-128 letters, digits, '.', '_' or '-'")
        problems.check(props.output_location.startswith("s3://"), "output_location", props.output_location,
                       "an s3:// location")
        problems.check(props.bytes_scanned_cutoff >= 10 * 1024**2, "bytes_scanned_cutoff",
                       props.bytes_scanned_cutoff, "at least 10485760 (10 MB)")
        problems.raise_if_any(ValidationError, "invalid Athena workgroup")
        self.props = props
        self.resource = AthenaWorkgroup(
            self,
            "Resource",
            name=props.name,
            force_destroy=props.force_destroy,
            configuration=AthenaWorkgroupConfiguration(
                enforce_workgroup_configuration=True,
                publish_cloudwatch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=props.bytes_scanned_cutoff,
                result_configuration=AthenaWorkgroupConfigurationResultConfiguration(
                    output_location=props.output_location,
                    encryption_configuration=AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration(
                        encryption_option="SSE_KMS", kms_key_arn=props.kms_key_arn
                    ),
                ),
            ),
            tags=dict(props.tags) or None,
        )

    @property
    def name(self) -> str:
        """The workgroup name (a token)."""
        return self.resource.name

    @property
    def arn(self) -> str:
        """The workgroup ARN (a token)."""
        return self.resource.arn

    def query_statement(self, sid: str = "AthenaQuery") -> Statement:
        """Allow running queries in this workgroup and reading their results."""
        return Statement(
            sid=sid,
            actions=(
                "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                "athena:StopQueryExecution", "athena:GetWorkGroup", "athena:GetNamedQuery",
                "athena:ListNamedQueries", "athena:BatchGetNamedQuery",
            ),
            resources=(self.arn,),
        )


@dataclass(frozen=True, kw_only=True)
class NamedQueryProps:
    """Props of :class:`NamedQuery`: ``name``, ``database``, ``query`` (SQL), ``workgroup``, ``description``."""

    name: str
    database: str
    query: str
    workgroup: Workgroup
    description: str = ""


class NamedQuery(Construct):
    """A saved Athena query in a workgroup."""

    def __init__(self, scope: Construct, id: str, props: NamedQueryProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(1 <= len(props.name) <= 128, "name", props.name, "1-128 characters")
        problems.check(1 <= len(props.query) <= 262144, "query", props.query[:40], "1-262144 characters of SQL")
        problems.raise_if_any(ValidationError, "invalid Athena named query")
        self.props = props
        self.resource = AthenaNamedQuery(
            self, "Resource", name=props.name, database=props.database, query=props.query,
            workgroup=props.workgroup.name, description=props.description or None,
        )
