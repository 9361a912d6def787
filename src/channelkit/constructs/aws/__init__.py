"""Layer 2 AWS constructs: one main resource each (id ``Resource``), keyword-only props, grant methods.

Props are keyword arguments of each constructor; references to other channelkit constructs are
passed as the constructs (``key=ChannelKey``, ``database=GlueDatabase``, ``role=ServiceRole``...),
never as ARN or name strings. ``grant_*`` methods return the IAM :class:`Statement` objects they
create and also cover the KMS key the resource is encrypted with. Invalid props raise one typed error
(:class:`~channelkit.constructs.errors.InvalidNameError`,
:class:`~channelkit.constructs.errors.PrincipalError` or
:class:`~channelkit.constructs.errors.ConstructPropsError`) listing every problem, with the construct path.

Data-bearing constructs (:class:`DataBucket`, :class:`ChannelKey`, :class:`GlueTable`) carry
``lifecycle.prevent_destroy`` unless their ``protect`` prop is ``False`` or the app sets the
``channelkit:protect`` context (:data:`PROTECT_CONTEXT`) to ``false``.
"""

from __future__ import annotations

from .._util import PROTECT_CONTEXT
from .athena import NamedQuery, Workgroup
from .glue import GlueColumn, GlueDatabase, GlueTable
from .iam import Condition, ManagedPolicy, ServiceRole, Statement, policy_document
from .kms import ChannelKey
from .lakeformation import DataLocation, LakeGrant, LfTag, LfTagAssignment
from .msk_connect import Connector, CustomPlugin, WorkerConfiguration
from .provider import LocalAwsEndpoint, aws_provider, s3_backend
from .s3 import DataBucket
from .secrets import GeneratedSecret

__all__ = [
    "PROTECT_CONTEXT",
    "ChannelKey",
    "Condition",
    "Connector",
    "CustomPlugin",
    "DataBucket",
    "DataLocation",
    "GeneratedSecret",
    "GlueColumn",
    "GlueDatabase",
    "GlueTable",
    "LakeGrant",
    "LfTag",
    "LfTagAssignment",
    "LocalAwsEndpoint",
    "ManagedPolicy",
    "NamedQuery",
    "ServiceRole",
    "Statement",
    "Workgroup",
    "WorkerConfiguration",
    "aws_provider",
    "policy_document",
    "s3_backend",
]
