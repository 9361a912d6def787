"""Athena: a workgroup with encrypted results, and named queries."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
from ...providers.aws import AthenaNamedQuery, AthenaWorkgroup
from ...providers.aws.athena_workgroup import (
    AthenaWorkgroupConfiguration,
    AthenaWorkgroupConfigurationResultConfiguration,
    AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration,
)
from .._util import init_construct
from ._common import ArnResource, Checks, NamedResource, check_construct, check_tags, check_text, is_int
from .glue import GlueDatabase
from .iam import Statement
from .kms import ChannelKey
from .rules import check_athena_workgroup_name, check_sid

__all__ = ["NamedQuery", "Workgroup"]

_MIN_CUTOFF = 10 * 1024**2


class Workgroup(NamedResource, ArnResource, Construct):
    """An Athena workgroup (``aws_athena_workgroup``, id ``Resource``) whose settings are enforced.

    Query results go to ``output_location``, encrypted with the channel key (``SSE_KMS``); clients
    cannot override the workgroup settings; CloudWatch metrics are published; a query scanning more
    than ``bytes_scanned_cutoff`` bytes is cancelled.

    Args:
        scope: parent construct.
        id: construct id.
        name: the workgroup name (1-128 letters, digits, ``.``, ``_``, ``-``).
        output_location: ``s3://bucket/prefix/`` for query results.
        key: the channel key query results are encrypted with.
        bytes_scanned_cutoff: cancel queries scanning more than this many bytes (default 100 GiB;
            at least 10 MiB).
        force_destroy: destroy the workgroup even when it has named queries (default False).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_athena_workgroup``.
        key: the channel key.

    Raises:
        InvalidNameError: the workgroup name is malformed.
        ConstructPropsError: output location, key, cutoff, force_destroy or tags malformed (with a bad name
            too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        output_location: str,
        key: ChannelKey,
        bytes_scanned_cutoff: int = 100 * 1024**3,
        force_destroy: bool = False,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the workgroup."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_athena_workgroup_name(checks.names, "name", name)
        checks.props.check(isinstance(output_location, str) and output_location.startswith("s3://"),
                           "output_location", output_location, "an s3:// location such as s3://BUCKET/PREFIX/")
        check_construct(checks.props, "key", key, ChannelKey)
        checks.props.check(is_int(bytes_scanned_cutoff) and bytes_scanned_cutoff >= _MIN_CUTOFF,
                           "bytes_scanned_cutoff", bytes_scanned_cutoff, f"an integer >= {_MIN_CUTOFF} (10 MiB)")
        checks.props.check(isinstance(force_destroy, bool), "force_destroy", force_destroy, "True or False")
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid Athena workgroup at {path}")
        self.key = key
        self.resource = AthenaWorkgroup(
            self,
            "Resource",
            name=name,
            force_destroy=force_destroy,
            configuration=AthenaWorkgroupConfiguration(
                enforce_workgroup_configuration=True,
                publish_cloudwatch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=bytes_scanned_cutoff,
                result_configuration=AthenaWorkgroupConfigurationResultConfiguration(
                    output_location=literal(output_location),
                    encryption_configuration=AthenaWorkgroupConfigurationResultConfigurationEncryptionConfiguration(
                        encryption_option="SSE_KMS", kms_key_arn=key.arn
                    ),
                ),
            ),
            tags=literal_map(tags),
        )

    def grant_query(self, sid: str = "AthenaQuery") -> tuple[Statement, ...]:
        """The statements allowing to run queries in this workgroup and read their encrypted results.

        ``<sid>`` allows starting, stopping and reading query executions and named queries of this
        workgroup; ``<sid>Kms`` encrypts and decrypts with the workgroup's key (the results are encrypted
        with it). Reading and writing the result objects also needs the result bucket's grants.

        Args:
            sid: the statement id (default ``AthenaQuery``; letters and digits).

        Raises:
            ConstructPropsError: ``sid`` is not letters and digits.
        """
        checks = Checks(self)
        check_sid(checks.props, "sid", sid)
        checks.raise_if_any("invalid Athena grant at {path}")
        return (
            Statement(
                sid=sid,
                actions=(
                    "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                    "athena:StopQueryExecution", "athena:GetWorkGroup", "athena:GetNamedQuery",
                    "athena:ListNamedQueries", "athena:BatchGetNamedQuery",
                ),
                resources=(self.arn,),
            ),
            self.key.grant_encrypt_decrypt(f"{sid}Kms"),
        )


class NamedQuery(Construct):
    """A saved Athena query (``aws_athena_named_query``, id ``Resource``) in a workgroup.

    Args:
        scope: parent construct.
        id: construct id.
        name: the query name (1-128 characters).
        database: the Glue database the query runs against.
        query: the SQL (1-262144 characters).
        workgroup: the workgroup the query belongs to.
        description: shown in the Athena console (default empty: none; at most 1024 characters).

    Attributes:
        resource: the ``aws_athena_named_query``.
        database: the database.
        workgroup: the workgroup.

    Raises:
        InvalidNameError: the name is empty or too long.
        ConstructPropsError: database, query, workgroup or description malformed (with a bad name too: one
            error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        database: GlueDatabase,
        query: str,
        workgroup: Workgroup,
        description: str = "",
    ) -> None:
        """Check every prop (all problems in one error), then create the named query."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_text(checks.names, "name", name, min_len=1, max_len=128, what="a query name")
        check_construct(checks.props, "database", database, GlueDatabase)
        check_text(checks.props, "query", query, min_len=1, max_len=262144, what="SQL")
        check_construct(checks.props, "workgroup", workgroup, Workgroup)
        check_text(checks.props, "description", description, max_len=1024)
        checks.raise_if_any("invalid Athena named query at {path}")
        self.database = database
        self.workgroup = workgroup
        self.resource = AthenaNamedQuery(
            self, "Resource", name=name, database=database.database_name, query=literal(query),
            workgroup=workgroup.name, description=literal_or_none(description),
        )
