"""Layer 2 AWS constructs: one main resource each (id ``Resource``), typed frozen props, grant helpers.

Data-bearing constructs (:class:`DataBucket`, :class:`ChannelKey`, :class:`GlueTable`) carry
``lifecycle.prevent_destroy`` unless their ``protect`` prop is ``False`` or the app sets the
``channelkit:protect`` context to ``false``.
"""

from __future__ import annotations

from ._common import PROTECT_CONTEXT
from .athena import NamedQuery, NamedQueryProps, Workgroup, WorkgroupProps
from .glue import GlueColumn, GlueDatabase, GlueDatabaseProps, GlueTable, GlueTableProps
from .iam import Condition, ManagedPolicy, ManagedPolicyProps, ServiceRole, ServiceRoleProps, Statement
from .kms import ChannelKey, ChannelKeyProps
from .lakeformation import DataLocation, DataLocationProps, LakeGrant, LakeGrantProps
from .msk_connect import (
    Connector,
    ConnectorProps,
    CustomPlugin,
    CustomPluginProps,
    WorkerConfiguration,
    WorkerConfigurationProps,
)
from .provider import LocalAwsEndpoint, aws_provider, s3_backend
from .s3 import DataBucket, DataBucketProps
from .secrets import GeneratedSecret, GeneratedSecretProps

__all__ = [
    "PROTECT_CONTEXT",
    "ChannelKey",
    "ChannelKeyProps",
    "Condition",
    "Connector",
    "ConnectorProps",
    "CustomPlugin",
    "CustomPluginProps",
    "DataBucket",
    "DataBucketProps",
    "DataLocation",
    "DataLocationProps",
    "GeneratedSecret",
    "GeneratedSecretProps",
    "GlueColumn",
    "GlueDatabase",
    "GlueDatabaseProps",
    "GlueTable",
    "GlueTableProps",
    "LakeGrant",
    "LakeGrantProps",
    "LocalAwsEndpoint",
    "ManagedPolicy",
    "ManagedPolicyProps",
    "NamedQuery",
    "NamedQueryProps",
    "ServiceRole",
    "ServiceRoleProps",
    "Statement",
    "WorkerConfiguration",
    "WorkerConfigurationProps",
    "Workgroup",
    "WorkgroupProps",
    "aws_provider",
    "s3_backend",
]
