"""IAM policy statements, policy documents, service roles and managed policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from constructs import Construct

from ..._text import literal, literal_map, literal_or_none
from ...errors import ProblemCollector
from ...providers.aws import (
    DataAwsIamPolicyDocument,
    IamPolicy,
    IamRole,
    IamRolePolicy,
    IamRolePolicyAttachment,
    IamUserPolicyAttachment,
)
from ...providers.aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from .._util import init_construct
from ._common import ArnResource, Checks, NamedResource, check_tags, check_text, is_strs, is_token
from .rules import check_iam_name, check_sid

__all__ = [
    "Condition",
    "ManagedPolicy",
    "ServiceRole",
    "Statement",
    "check_statements",
    "policy_document",
]


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One IAM condition: ``test`` (e.g. ``DateLessThan``), ``variable`` (e.g. ``aws:CurrentTime``), values."""

    test: str
    variable: str
    values: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One IAM policy statement (Allow unless ``effect`` says otherwise).

    ``principals`` (type, identifiers) pairs are for resource policies only, e.g. ``(("*", ("*",)),)``.
    """

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    effect: str = "Allow"
    conditions: tuple[Condition, ...] = ()
    principals: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def with_conditions(self, *conditions: Condition) -> Statement:
        """A copy with ``conditions`` added."""
        return Statement(
            sid=self.sid, actions=self.actions, resources=self.resources, effect=self.effect,
            conditions=self.conditions + tuple(conditions), principals=self.principals,
        )


def _statement(s: Statement) -> DataAwsIamPolicyDocumentStatement:
    return DataAwsIamPolicyDocumentStatement(
        sid=s.sid,
        effect=s.effect,
        actions=[literal(a) for a in s.actions],
        resources=[literal(r) for r in s.resources],
        condition=[
            DataAwsIamPolicyDocumentStatementCondition(
                test=literal(c.test), variable=literal(c.variable), values=[literal(v) for v in c.values]
            )
            for c in s.conditions
        ] or None,
        principals=[
            DataAwsIamPolicyDocumentStatementPrincipals(type=literal(kind), identifiers=[literal(i) for i in ids])
            for kind, ids in s.principals
        ] or None,
    )


def check_statements(problems: ProblemCollector, field: str, statements: object) -> bool:
    """Record a problem for every malformed statement; return whether all are well formed.

    ``statements`` must be a non-empty sequence of :class:`Statement` with distinct ids (IAM rejects a
    policy repeating a ``Sid``), each with at least one action and one resource.
    """
    if not (isinstance(statements, Sequence) and not isinstance(statements, str | bytes) and statements):
        return problems.check(False, field, statements, "a non-empty sequence of Statement")
    before = len(problems.problems)
    seen: set[str] = set()
    for i, s in enumerate(statements):
        if not isinstance(s, Statement):
            problems.add(f"{field}[{i}]", s, "a Statement")
            continue
        where = f"{field}[{s.sid}]" if isinstance(s.sid, str) and s.sid else f"{field}[{i}]"
        if check_sid(problems, f"{where}.sid", s.sid):
            problems.check(s.sid not in seen, f"{where}.sid", s.sid, "a statement id used once per policy")
            seen.add(s.sid)
        problems.check(is_strs(s.actions) and bool(s.actions), f"{where}.actions", s.actions,
                       "at least one action (strings such as s3:GetObject)")
        problems.check(is_strs(s.resources) and bool(s.resources), f"{where}.resources", s.resources,
                       "at least one resource ARN")
        problems.check(s.effect in ("Allow", "Deny"), f"{where}.effect", s.effect, "Allow or Deny")
    return len(problems.problems) == before


def policy_document(scope: Construct, id: str, statements: Sequence[Statement]) -> str:
    """An ``aws_iam_policy_document`` data source (child ``id`` of ``scope``) for ``statements``.

    Returns:
        The policy JSON (a token).

    Raises:
        ConstructPropsError: no statements, a repeated or malformed ``sid``, or a statement without
            actions or resources; the summary names ``scope``'s path and ``id``.
    """
    checks = Checks(path=f"{scope.node.path}/{id}")
    check_statements(checks.props, "statements", statements)
    checks.raise_if_any("invalid IAM policy at {path}")
    doc = DataAwsIamPolicyDocument(scope, id, statement=[_statement(s) for s in statements])
    return doc.json


class ServiceRole(NamedResource, ArnResource, Construct):
    """An IAM role (``aws_iam_role``, id ``Resource``) one AWS service assumes.

    The trust policy (data source ``Trust``) lets only ``service`` assume the role; the role holds
    exactly ``statements`` in one inline policy (``Policy``, named ``<name>-policy``, document
    ``PolicyDocument``).

    Args:
        scope: parent construct.
        id: construct id.
        name: the IAM role name (1-64 letters, digits and ``+=,.@_-``).
        service: the service principal allowed to assume the role (``kafkaconnect.amazonaws.com``).
        statements: what the role may do (at least one statement, distinct ``sid`` values).
        description: shown in the IAM console (default empty: no description).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_iam_role``.
        policy: the ``aws_iam_role_policy`` (child ``Policy``).
        role_name: the role name as given (a plain string).

    Raises:
        InvalidNameError: the role name is malformed.
        ConstructPropsError: service, statements, description or tags malformed (with a bad name too:
            one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        service: str,
        statements: Sequence[Statement],
        description: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the trust policy, role and policy."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_iam_name(checks.names, "name", name, kind="role", max_len=64)
        checks.props.check(isinstance(service, str) and service.endswith(".amazonaws.com"), "service", service,
                           "a service principal such as kafkaconnect.amazonaws.com")
        check_statements(checks.props, "statements", statements)
        check_text(checks.props, "description", description, max_len=1000)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid service role at {path}")
        self.role_name = name
        trust = DataAwsIamPolicyDocument(
            self,
            "Trust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=[service])],
                )
            ],
        )
        self.resource = IamRole(
            self, "Resource", name=name, assume_role_policy=trust.json,
            description=literal_or_none(description), tags=literal_map(tags),
        )
        self.policy = IamRolePolicy(
            self, "Policy", name=f"{name}-policy", role=self.resource.id,
            policy=policy_document(self, "PolicyDocument", statements),
        )




class ManagedPolicy(ArnResource, Construct):
    """A customer-managed IAM policy (``aws_iam_policy``, id ``Resource``) attached to roles and users.

    The policy document is the data source ``Document``; each role attachment is ``Attach{i}``
    and each user attachment ``AttachUser{i}`` (``i`` is the position in the list given).

    Args:
        scope: parent construct.
        id: construct id.
        name: the IAM policy name (1-128 letters, digits and ``+=,.@_-``).
        statements: what the policy allows (at least one statement, distinct ``sid`` values).
        attach_to_roles: role names (not ARNs; reference tokens are fine) the policy is attached to
            (default none).
        attach_to_users: IAM user names (not ARNs; reference tokens are fine) the policy is attached to
            (default none).
        description: shown in the IAM console (default empty: no description).
        tags: resource tags (default none).

    Attributes:
        resource: the ``aws_iam_policy``.
        attachments: the role attachments, then the user attachments.

    Raises:
        InvalidNameError: the policy name, a role name or a user name is malformed.
        ConstructPropsError: statements, attachment lists, description or tags malformed (with a bad name
            too: one error deriving from both classes).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        statements: Sequence[Statement],
        attach_to_roles: Sequence[str] = (),
        attach_to_users: Sequence[str] = (),
        description: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Check every prop (all problems in one error), then create the policy and its attachments."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        check_iam_name(checks.names, "name", name, kind="policy", max_len=128)
        check_statements(checks.props, "statements", statements)
        for field, names, kind in (("attach_to_roles", attach_to_roles, "role"),
                                   ("attach_to_users", attach_to_users, "user")):
            if not checks.props.check(isinstance(names, Sequence) and not isinstance(names, str | bytes), field,
                                      names, f"a sequence of IAM {kind} names"):
                continue
            for i, item in enumerate(names):
                if not is_token(item):
                    check_iam_name(checks.names, f"{field}[{i}]", item, kind=kind, max_len=64)
        check_text(checks.props, "description", description, max_len=1000)
        check_tags(checks.props, tags)
        checks.raise_if_any("invalid managed policy at {path}")
        self.resource = IamPolicy(
            self, "Resource", name=name, description=literal_or_none(description),
            policy=policy_document(self, "Document", statements), tags=literal_map(tags),
        )
        self.attachments: list[IamRolePolicyAttachment | IamUserPolicyAttachment] = [
            IamRolePolicyAttachment(self, f"Attach{i}", role=role, policy_arn=self.resource.arn)
            for i, role in enumerate(attach_to_roles)
        ]
        self.attachments += [
            IamUserPolicyAttachment(self, f"AttachUser{i}", user=user, policy_arn=self.resource.arn)
            for i, user in enumerate(attach_to_users)
        ]

