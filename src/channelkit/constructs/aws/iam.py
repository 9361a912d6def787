"""IAM policy statements, policy documents and service roles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from ...errors import ProblemCollector, ValidationError
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

__all__ = [
    "Condition",
    "ManagedPolicy",
    "ManagedPolicyProps",
    "ServiceRole",
    "ServiceRoleProps",
    "Statement",
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
        actions=list(s.actions),
        resources=list(s.resources),
        condition=[
            DataAwsIamPolicyDocumentStatementCondition(test=c.test, variable=c.variable, values=list(c.values))
            for c in s.conditions
        ] or None,
        principals=[
            DataAwsIamPolicyDocumentStatementPrincipals(type=kind, identifiers=list(ids)) for kind, ids in s.principals
        ] or None,
    )


def policy_document(scope: Construct, id: str, statements: Sequence[Statement]) -> str:
    """An ``aws_iam_policy_document`` for ``statements``; returns its JSON (a token)."""
    problems = ProblemCollector(f"{scope.node.path}/{id}")
    problems.check(bool(statements), "statements", list(statements), "at least one statement")
    for s in statements:
        problems.check(bool(s.actions), f"statements[{s.sid}].actions", s.actions, "at least one action")
        problems.check(bool(s.resources), f"statements[{s.sid}].resources", s.resources, "at least one resource")
    problems.raise_if_any(ValidationError, "invalid IAM policy")
    doc = DataAwsIamPolicyDocument(scope, id, statement=[_statement(s) for s in statements])
    return doc.json


@dataclass(frozen=True, kw_only=True)
class ServiceRoleProps:
    """Props of :class:`ServiceRole`.

    Attributes:
        name: the IAM role name.
        service: the service principal allowed to assume the role (``kafkaconnect.amazonaws.com``).
        statements: what the role may do (one inline policy).
        description: shown in the IAM console.
        tags: resource tags.
    """

    name: str
    service: str
    statements: tuple[Statement, ...]
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


class ServiceRole(Construct):
    """An IAM role one AWS service assumes, holding exactly the statements given (one inline policy)."""

    def __init__(self, scope: Construct, id: str, props: ServiceRoleProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(1 <= len(props.name) <= 64, "name", props.name, "an IAM role name of 1-64 characters")
        problems.check(props.service.endswith(".amazonaws.com"), "service", props.service,
                       "a service principal such as kafkaconnect.amazonaws.com")
        problems.raise_if_any(ValidationError, "invalid service role")
        self.props = props
        trust = DataAwsIamPolicyDocument(
            self,
            "Trust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=[props.service])
                    ],
                )
            ],
        )
        self.resource = IamRole(
            self, "Resource", name=props.name, assume_role_policy=trust.json,
            description=props.description or None, tags=dict(props.tags) or None,
        )
        self.policy = IamRolePolicy(
            self, "Policy", name=f"{props.name}-policy", role=self.resource.id,
            policy=policy_document(self, "PolicyDocument", props.statements),
        )

    @property
    def arn(self) -> str:
        """The role ARN (a token)."""
        return self.resource.arn

    @property
    def name(self) -> str:
        """The role name (a token)."""
        return self.resource.name


@dataclass(frozen=True, kw_only=True)
class ManagedPolicyProps:
    """Props of :class:`ManagedPolicy`.

    Attributes:
        name: the IAM policy name.
        statements: what the policy allows.
        attach_to_roles: role names (not ARNs) the policy is attached to.
        attach_to_users: IAM user names (not ARNs) the policy is attached to.
        description: shown in the IAM console.
        tags: resource tags.
    """

    name: str
    statements: tuple[Statement, ...]
    attach_to_roles: tuple[str, ...] = ()
    attach_to_users: tuple[str, ...] = ()
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


class ManagedPolicy(Construct):
    """A customer-managed IAM policy, attached to existing roles and users."""

    def __init__(self, scope: Construct, id: str, props: ManagedPolicyProps) -> None:
        super().__init__(scope, id)
        problems = ProblemCollector(self.node.path)
        problems.check(1 <= len(props.name) <= 128, "name", props.name, "an IAM policy name of 1-128 characters")
        problems.raise_if_any(ValidationError, "invalid managed policy")
        self.props = props
        self.resource = IamPolicy(
            self, "Resource", name=props.name, description=props.description or None,
            policy=policy_document(self, "Document", props.statements), tags=dict(props.tags) or None,
        )
        self.attachments = [
            IamRolePolicyAttachment(self, f"Attach{i}", role=role, policy_arn=self.resource.arn)
            for i, role in enumerate(props.attach_to_roles)
        ] + [
            IamUserPolicyAttachment(self, f"AttachUser{i}", user=user, policy_arn=self.resource.arn)
            for i, user in enumerate(props.attach_to_users)
        ]

    @property
    def arn(self) -> str:
        """The policy ARN (a token)."""
        return self.resource.arn
