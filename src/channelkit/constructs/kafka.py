"""Kafka L2 constructs: :class:`KafkaTopic` and least-privilege ACL grants.

Every ACL names one topic (literal) or one explicit prefix, one principal
``User:<name>`` and one operation; nothing is ever granted on ``*``. Kafka's authorizer
lets Read, Write, Delete and Alter imply Describe, so no Describe ACL is created
next to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from constructs import Construct

from channelkit._text import literal
from channelkit.errors import ProblemCollector  # noqa: F401
from channelkit.props import Boolean, Integer, Map, Maybe, OneOf, Rule, Text, check_props
from channelkit.providers.kafka import Acl, Topic

from ._util import child_id, init_construct, protect, remembered
from .naming import check_kafka_principal, check_kafka_topic

__all__ = ["INFINITE_RETENTION_MS", "KafkaTopic", "grant_acls"]

#: ``retention.ms`` value meaning "keep forever".
INFINITE_RETENTION_MS = -1

_OPERATIONS = ("Read", "Write", "Create", "Describe", "DescribeConfigs", "Alter", "Delete")
_RESOURCE_TYPES = ("Topic", "Group", "TransactionalID")
_CLEANUP = ("delete", "compact", "compact,delete")
#: Topic config names are dotted lower-case words (``retention.bytes``); values strings.
_CONFIG = Map(Text(r"[a-z][a-z0-9.]*[a-z0-9]", what="a topic config name such as retention.bytes"),
              Text(what="a string value"), what="topic configs")


def grant_acls(
    scope: Construct,
    *,
    principal: str,
    resource_type: str,
    resource_name: str,
    operations: Iterable[str],
    prefixed: bool = False,
    provider: Any = None,
    id_prefix: str = "Acl",
) -> list[Acl]:
    """Create one ``kafka_acl`` per operation for ``principal`` on one resource (literal or prefixed).

    Args:
        scope: where the ACL constructs go.
        principal: ``User:<name>``.
        resource_type: ``Topic``, ``Group`` or ``TransactionalID``.
        resource_name: the exact name (or prefix when ``prefixed``); a reference token is fine.
        operations: Kafka ACL operations (``Read``, ``Write``, ``Create``, ``Describe`` ...).
        prefixed: match names starting with ``resource_name`` (default: the exact name only).
        provider: the ``kafka`` provider (default: the stack's default provider).
        id_prefix: construct id prefix of the ACLs (default ``Acl``).

    Raises:
        PrincipalError: the principal is not ``User:<name>``.
        ConstructPropsError: empty or ``*`` resource name, unknown operation or resource type.
    """
    from .aws._common import Checks, check_provider

    checks = Checks(scope)
    problems = checks.props
    check_kafka_principal(checks.principals, "principal", principal)
    OneOf(_RESOURCE_TYPES).check(problems, "resource_type", resource_type)
    problems.check(
        isinstance(resource_name, str) and resource_name not in ("", "*") and "\n" not in resource_name,
        "resource_name", resource_name, "an explicit topic or group name (never '*' or empty)",
    )
    ops = list(operations) if isinstance(operations, list | tuple) else []
    problems.check(isinstance(operations, list | tuple) and bool(ops), "operations", operations,
                   "a non-empty list of Kafka ACL operations")
    for op in ops:
        OneOf(_OPERATIONS).check(problems, "operations", op)
    Boolean().check(problems, "prefixed", prefixed)
    Text(r"[A-Za-z0-9_-]+", what="a construct id prefix").check(problems, "id_prefix", id_prefix)
    check_provider(problems, "provider", provider)
    checks.raise_if_any("invalid Kafka ACL at {path}")
    created: list[Acl] = []
    who = principal.split(":", 1)[1]
    for op in ops:
        cid = child_id(id_prefix, who, resource_type, "Prefixed" if prefixed else "", op)
        created.append(remembered(scope, cid, lambda cid=cid, op=op: Acl(  # type: ignore[misc]
            scope, cid,
            acl_principal=literal(principal),
            acl_host="*",
            acl_operation=op,
            acl_permission_type="Allow",
            resource_type=resource_type,
            resource_name=literal(resource_name),
            resource_pattern_type_filter="Prefixed" if prefixed else "Literal",
            provider=provider,
        )))
    return created


class KafkaTopic(Construct):
    """One Kafka topic (``kafka_topic``, construct id ``Resource``) with grant methods.

    Args:
        scope: parent construct.
        id: construct id.
        name: the topic name (``[A-Za-z0-9._-]``, at most 249 characters).
        partitions: number of partitions (default 3; at least 1).
        replication_factor: replicas per partition (default 3; at least 1 and at most ``broker_count``).
        broker_count: brokers of the cluster, used to check ``replication_factor`` (default: unchecked).
        retention_ms: ``retention.ms`` (default: the broker's; ``-1`` keeps forever).
        cleanup_policy: ``cleanup.policy``: ``delete``, ``compact`` or ``compact,delete`` (default ``delete``).
        config: further topic configs (default none); the typed props above win.
        prevent_destroy: add ``lifecycle.prevent_destroy`` (default True: topics hold data).
        provider: the ``kafka`` provider (default: the stack's default provider).

    Raises:
        InvalidNameError: illegal topic name.
        ConstructPropsError: a bad construct id, or partitions, replication factor, retention, cleanup
            policy, config, prevent_destroy or provider of the wrong type or out of range (with a bad name
            too: one error deriving from both classes).
    """

    #: What the plain props accept (the name is checked by Kafka's topic rules, the replication factor
    #: against ``broker_count``).
    PROPS: Mapping[str, Rule] = {
        "partitions": Integer(min=1),
        "broker_count": Maybe(Integer(min=1)),
        "cleanup_policy": OneOf(_CLEANUP),
        "config": Maybe(_CONFIG),
        "prevent_destroy": Boolean(),
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        partitions: int = 3,
        replication_factor: int = 3,
        broker_count: int | None = None,
        retention_ms: int | None = None,
        cleanup_policy: str = "delete",
        config: Mapping[str, str] | None = None,
        prevent_destroy: bool = True,
        provider: Any = None,
    ) -> None:
        init_construct(super().__init__, scope, id, "topic")
        from .aws._common import Checks, check_provider

        checks = Checks(self)
        check_kafka_topic(checks.names, "name", name)
        problems = checks.props
        values = {"partitions": partitions, "broker_count": broker_count, "cleanup_policy": cleanup_policy,
                  "config": config, "prevent_destroy": prevent_destroy}
        first = ("partitions", "broker_count")
        typed = check_props(problems, {k: KafkaTopic.PROPS[k] for k in first}, values)
        rf_ok = isinstance(replication_factor, int) and not isinstance(replication_factor, bool)
        if broker_count is not None and typed["broker_count"]:
            problems.check(
                rf_ok and 1 <= replication_factor <= broker_count, "replication_factor", replication_factor,
                f"an integer between 1 and the cluster's broker count ({broker_count})",
            )
        else:
            problems.check(rf_ok and replication_factor >= 1, "replication_factor", replication_factor,
                           "an integer >= 1")
        if retention_ms is not None:
            problems.check(
                isinstance(retention_ms, int) and not isinstance(retention_ms, bool)
                and (retention_ms == -1 or retention_ms > 0), "retention_ms",
                retention_ms, "-1 (forever) or a positive number of milliseconds",
            )
        check_props(problems, {k: r for k, r in KafkaTopic.PROPS.items() if k not in first}, values)
        check_provider(problems, "provider", provider)
        checks.raise_if_any("invalid topic at {path}")

        self.topic_name = name
        self.partitions = partitions
        self.replication_factor = replication_factor
        self.provider = provider
        merged: dict[str, str] = dict(config or {})
        merged["cleanup.policy"] = cleanup_policy
        if retention_ms is not None:
            merged["retention.ms"] = str(retention_ms)
        self.config: dict[str, str] = merged
        self._name_ref: str | None = None
        self.resource = Topic(
            self, "Resource",
            name=name,
            partitions=partitions,
            replication_factor=replication_factor,
            config={literal(k): literal(v) for k, v in merged.items()},
            lifecycle=protect(prevent_destroy),
            provider=provider,
        )

    @property
    def name_ref(self) -> str:
        """Reference token to the topic's name (``${kafka_topic.x.name}``): use it to order resources."""
        if self._name_ref is None:
            self._name_ref = self.resource.name
        return self._name_ref

    def grant_produce(self, principal: str) -> list[Acl]:
        """Allow ``principal`` (``User:<name>``) to write to this topic only: Write, literal.

        Kafka's authorizer lets Write imply Describe, so no separate Describe ACL is created.
        """
        return grant_acls(
            self, principal=principal, resource_type="Topic", resource_name=self.name_ref,
            operations=("Write",), provider=self.provider, id_prefix="Produce",
        )

    def grant_consume(self, principal: str, *, group: str, group_prefixed: bool = False) -> list[Acl]:
        """Allow ``principal`` to read this topic (Read; it implies Describe) in consumer group ``group``.

        Args:
            principal: ``User:<name>``.
            group: the consumer group id (or prefix when ``group_prefixed``); never ``*``.
            group_prefixed: match groups starting with ``group`` (default: that exact group).
        """
        acls = grant_acls(
            self, principal=principal, resource_type="Topic", resource_name=self.name_ref,
            operations=("Read",), provider=self.provider, id_prefix="Consume",
        )
        acls += grant_acls(
            self, principal=principal, resource_type="Group", resource_name=group, operations=("Read",),
            prefixed=group_prefixed, provider=self.provider, id_prefix=child_id("ConsumeGroup", group),
        )
        return acls
