"""The GCP audit baseline: BigQuery Data Access logs, once per project (``google_project_iam_audit_config``).

**Once per project, never per channel.** ``google_project_iam_audit_config`` is *authoritative for its
service*: applying it replaces every audit config of that service in the project's IAM policy (the provider
removes all configs of the service, then appends its own: ``removeAllAuditConfigsWithService`` in
``google/tpgiamresource/resource_iam_audit_config.go``, hashicorp/terraform-provider-google), and destroying it
removes them. Two of them for one service (two channels, two stacks) would overwrite each other on every
apply. So channels do not emit it: the platform team declares one :class:`GcpAuditBaseline` per project, in
one stack, and an app that declares two for the same project and service is refused.

Data Access logs record who read (``DATA_READ``) and changed (``DATA_WRITE``) table data, and who read
metadata (``ADMIN_READ``); Admin Activity logs are always on and need nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from channelkit._text import literal
from channelkit.errors import ProblemCollector
from channelkit.props import OneOf, Seq, Text
from channelkit.providers.google import ProjectIamAuditConfig
from channelkit.providers.google.project_iam_audit_config import ProjectIamAuditConfigAuditLogConfig

from ._util import child_id, init_construct, path_of, root_of
from .aws._common import Checks
from .errors import CollisionError
from .naming import check_gcp_principal

__all__ = ["AUDIT_LOG_TYPES", "GcpAuditBaseline"]

#: The Data Access log types (``audit_log_config.log_type``: "Must be one of DATA_READ, DATA_WRITE, or ADMIN_READ").
AUDIT_LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
_SERVICE = Text(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.googleapis\.com|allServices",
                what="a service such as bigquery.googleapis.com (or allServices)")
_PROJECT = Text(r"([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]", what="a GCP project id (6-30 of [a-z0-9-])")


class GcpAuditBaseline(Construct):
    """Data Access audit logs of a project's services (one ``google_project_iam_audit_config`` per service).

    Declare it **once per project** (in the platform stack): it is authoritative per service (module docs).

    Args:
        scope: parent construct (the platform stack).
        id: construct id (e.g. ``Audit``).
        project: the GCP project.
        services: the services to log (default ``("bigquery.googleapis.com",)``); one resource each, id
            ``Service-<service>``.
        log_types: the log types (default all three: ``ADMIN_READ``, ``DATA_READ``, ``DATA_WRITE``).
        exempted_members: principals whose access is not logged (default none: every reader is logged).
        provider: the google provider (default: the stack's default).

    Attributes:
        configs: service -> the ``google_project_iam_audit_config``.

    Raises:
        ConstructPropsError: a malformed project, service, log type or member.
        CollisionError: another baseline of the app already configures one of these services in the project.
    """

    def __init__(
        self, scope: Construct, id: str, *, project: str, services: Sequence[str] = ("bigquery.googleapis.com",),
        log_types: Sequence[str] = AUDIT_LOG_TYPES, exempted_members: Sequence[str] = (), provider: Any = None,
    ) -> None:
        """Check the props and that no other baseline of the app owns these services, then create the configs."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        _PROJECT.check(checks.props, "project", project)
        Seq(_SERVICE, min_items=1, what="a list of services").check(checks.props, "services", services)
        Seq(OneOf(AUDIT_LOG_TYPES), min_items=1, what="a list of log types").check(checks.props, "log_types",
                                                                                     log_types)
        if checks.props.check(isinstance(exempted_members, list | tuple), "exempted_members", exempted_members,
                              "a list of GCP members"):
            for i, member in enumerate(exempted_members):
                check_gcp_principal(checks.principals, f"exempted_members[{i}]", member)
        checks.raise_if_any("invalid audit baseline at {path}")
        owners: dict[tuple[str, str], str] = root_of(self).__dict__.setdefault("_channelkit_audit_owners", {})
        taken = ProblemCollector(path_of(self))
        for service in services:
            other = owners.get((project, service))
            taken.check(other is None, "services", service,
                        f"a service no other audit baseline configures in project {project} (the audit config is "
                        f"authoritative per service; {other} configures it)")
        taken.raise_if_any(CollisionError, f"audit baseline {path_of(self)} collides with another")
        for service in services:
            owners[(project, service)] = path_of(self)
        self.project = project
        self.configs: dict[str, ProjectIamAuditConfig] = {
            service: ProjectIamAuditConfig(
                self, child_id("Service", service), project=literal(project), service=service,
                audit_log_config=[ProjectIamAuditConfigAuditLogConfig(
                    log_type=t, exempted_members=[literal(m) for m in exempted_members] or None)
                    for t in sorted(set(log_types))],
                provider=provider)
            for service in services
        }
