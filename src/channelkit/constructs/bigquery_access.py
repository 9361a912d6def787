"""BigQuery column-level security: a policy-tag taxonomy, its tags, and data-masking policies.

- :class:`PolicyTaxonomy` — ``google_data_catalog_taxonomy`` with fine-grained access control activated, in the
  dataset's location (a taxonomy in another region does not apply to the dataset's columns).
- :class:`PolicyTag` — ``google_data_catalog_policy_tag``; a column carrying it (``policyTags.names`` in the
  table schema) is readable in clear only by principals holding ``roles/datacatalog.categoryFineGrainedReader``
  on the tag (:meth:`PolicyTag.grant_fine_grained_read`).
- :class:`MaskingPolicy` — ``google_bigquery_datapolicy_data_policy`` of type ``DATA_MASKING_POLICY`` on one
  tag; principals holding ``roles/bigquerydatapolicy.maskedReader`` on it read the tag's columns masked
  (:meth:`MaskingPolicy.grant_masked_read`).

Grants may expire: an IAM condition ``request.time < timestamp(...)``, as on the dataset.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from constructs import Construct

from channelkit._text import literal
from channelkit.errors import ProblemCollector
from channelkit.providers.google import (
    BigqueryDatapolicyDataPolicy,
    BigqueryDatapolicyDataPolicyIamMember,
    DataCatalogPolicyTag,
    DataCatalogPolicyTagIamMember,
    DataCatalogTaxonomy,
)
from channelkit.providers.google.bigquery_datapolicy_data_policy import BigqueryDatapolicyDataPolicyDataMaskingPolicy
from channelkit.providers.google.bigquery_datapolicy_data_policy_iam_member import (
    BigqueryDatapolicyDataPolicyIamMemberCondition,
)
from channelkit.providers.google.data_catalog_policy_tag_iam_member import DataCatalogPolicyTagIamMemberCondition

from ._util import child_id, init_construct, path_of
from .bigquery import expiry_condition
from .errors import ConstructPropsError, PrincipalError
from .naming import check_gcp_principal

__all__ = [
    "FINE_GRAINED_READER",
    "MASKED_READER",
    "PREDEFINED_EXPRESSIONS",
    "MaskingPolicy",
    "PolicyTag",
    "PolicyTaxonomy",
]

#: Reads the columns of a policy tag in clear.
FINE_GRAINED_READER = "roles/datacatalog.categoryFineGrainedReader"
#: Reads the columns of a data policy's tag masked.
MASKED_READER = "roles/bigquerydatapolicy.maskedReader"
#: ``data_masking_policy.predefined_expression`` values (google 7.45.0).
PREDEFINED_EXPRESSIONS = ("SHA256", "ALWAYS_NULL", "DEFAULT_MASKING_VALUE", "LAST_FOUR_CHARACTERS",
                          "FIRST_FOUR_CHARACTERS", "EMAIL_MASK", "DATE_YEAR_MASK")
_DISPLAY_NAME = re.compile(r"[\w\- ]{1,200}")  # Data Catalog: letters, digits, underscores, dashes, spaces
_DATA_POLICY_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,255}")


def _check_member(scope: Construct, principal: str) -> None:
    problems = ProblemCollector(path_of(scope))
    check_gcp_principal(problems, "principal", principal)
    problems.raise_if_any(PrincipalError, f"invalid principal at {path_of(scope)}")


class PolicyTaxonomy(Construct):
    """A Data Catalog taxonomy for fine-grained access control (``google_data_catalog_taxonomy``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        display_name: unique in the project and region (letters, digits, ``_``, ``-``, spaces; 1-200).
        region: the dataset's location, lower case (``eu``, ``us``, ``europe-west1``).
        project: the GCP project.
        description: shown in Data Catalog (default empty).
        provider: the google provider (default None: the stack's default one).

    Attributes:
        resource: the ``google_data_catalog_taxonomy``.

    Raises:
        ConstructPropsError: a malformed display name or region.
    """

    def __init__(
        self, scope: Construct, id: str, *, display_name: str, region: str, project: str, description: str = "",
        provider: Any = None,
    ) -> None:
        """Check the props, then create the taxonomy with ``FINE_GRAINED_ACCESS_CONTROL`` activated."""
        init_construct(super().__init__, scope, id)
        problems = ProblemCollector(path_of(self))
        problems.check(isinstance(display_name, str) and bool(_DISPLAY_NAME.fullmatch(display_name)),
                       "display_name", display_name, "1-200 letters, digits, '_', '-' or spaces")
        problems.check(isinstance(region, str) and region == region.lower() and bool(region), "region", region,
                       "the dataset's location in lower case")
        problems.raise_if_any(ConstructPropsError, f"invalid taxonomy at {path_of(self)}")
        self.provider = provider
        self.resource = DataCatalogTaxonomy(
            self, "Resource", display_name=literal(display_name), region=literal(region), project=literal(project),
            description=literal(description) or None, activated_policy_types=["FINE_GRAINED_ACCESS_CONTROL"],
            provider=provider)


class PolicyTag(Construct):
    """One policy tag of a taxonomy (``google_data_catalog_policy_tag``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        taxonomy: the :class:`PolicyTaxonomy`.
        display_name: unique in the taxonomy (letters, digits, ``_``, ``-``, spaces; 1-200).
        description: default empty.

    Attributes:
        resource: the ``google_data_catalog_policy_tag``.
        name: reference token to the tag's resource name, for ``policyTags.names`` in a table schema.

    Raises:
        ConstructPropsError: a malformed display name or taxonomy.
    """

    def __init__(
        self, scope: Construct, id: str, *, taxonomy: PolicyTaxonomy, display_name: str, description: str = "",
    ) -> None:
        """Check the props, then create the tag."""
        init_construct(super().__init__, scope, id)
        problems = ProblemCollector(path_of(self))
        problems.check(isinstance(taxonomy, PolicyTaxonomy), "taxonomy", taxonomy, "a PolicyTaxonomy")
        problems.check(isinstance(display_name, str) and bool(_DISPLAY_NAME.fullmatch(display_name)),
                       "display_name", display_name, "1-200 letters, digits, '_', '-' or spaces")
        problems.raise_if_any(ConstructPropsError, f"invalid policy tag at {path_of(self)}")
        self.taxonomy = taxonomy
        self.resource = DataCatalogPolicyTag(
            self, "Resource", taxonomy=taxonomy.resource.id, display_name=literal(display_name),
            description=literal(description) or None, provider=taxonomy.provider)

    @property
    def name(self) -> str:
        """Reference token to the tag's resource name (``projects/.../policyTags/<id>``; read once)."""
        cached: str | None = self.__dict__.get("_name_token")
        if cached is None:
            cached = self.__dict__["_name_token"] = self.resource.name
        return cached

    def grant_fine_grained_read(
        self, principal: str, *, expires: datetime | None = None, grant_id: str | None = None,
    ) -> Any:
        """``roles/datacatalog.categoryFineGrainedReader`` on this tag for ``principal``, ended at ``expires``.

        ``grant_id`` names the grant's construct (default ``Reader-<principal>``; give one for a reference token).

        Raises:
            PrincipalError: not a ``user:``, ``group:`` or ``serviceAccount:`` member (a token is fine).
            ConstructPropsError: ``expires`` is not in the future.
        """
        if "TfToken" not in principal:
            _check_member(self, principal)
        condition = expiry_condition(path_of(self), expires, condition_type=DataCatalogPolicyTagIamMemberCondition)
        return DataCatalogPolicyTagIamMember(
            self, grant_id or child_id("Reader", principal), policy_tag=self.name, role=FINE_GRAINED_READER,
            member=principal,
            condition=condition, provider=self.taxonomy.provider)


class MaskingPolicy(Construct):
    """A data-masking policy on one policy tag (``google_bigquery_datapolicy_data_policy``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        policy_tag: the :class:`PolicyTag` whose columns it masks.
        data_policy_id: unique in the project and location (``[A-Za-z_][A-Za-z0-9_]*``, at most 256).
        expression: the ``predefined_expression`` (one of :data:`PREDEFINED_EXPRESSIONS`).
        location: the dataset's location, lower case.
        project: the GCP project.

    Attributes:
        resource: the ``google_bigquery_datapolicy_data_policy``.

    Raises:
        ConstructPropsError: a malformed id, expression or tag.
    """

    def __init__(
        self, scope: Construct, id: str, *, policy_tag: PolicyTag, data_policy_id: str, expression: str,
        location: str, project: str,
    ) -> None:
        """Check the props, then create the data policy."""
        init_construct(super().__init__, scope, id)
        problems = ProblemCollector(path_of(self))
        problems.check(isinstance(policy_tag, PolicyTag), "policy_tag", policy_tag, "a PolicyTag")
        problems.check(isinstance(data_policy_id, str) and bool(_DATA_POLICY_ID.fullmatch(data_policy_id)),
                       "data_policy_id", data_policy_id, "[A-Za-z_][A-Za-z0-9_]*, at most 256 characters")
        problems.check(expression in PREDEFINED_EXPRESSIONS, "expression", expression,
                       "one of " + ", ".join(PREDEFINED_EXPRESSIONS))
        problems.raise_if_any(ConstructPropsError, f"invalid data policy at {path_of(self)}")
        self.policy_tag, self.location, self.project = policy_tag, location, project
        self.data_policy_id = data_policy_id
        self.resource = BigqueryDatapolicyDataPolicy(
            self, "Resource", data_policy_id=data_policy_id, data_policy_type="DATA_MASKING_POLICY",
            location=literal(location), project=literal(project), policy_tag=policy_tag.name,
            data_masking_policy=BigqueryDatapolicyDataPolicyDataMaskingPolicy(predefined_expression=expression),
            provider=policy_tag.taxonomy.provider)

    def grant_masked_read(self, principal: str, *, expires: datetime | None = None) -> Any:
        """``roles/bigquerydatapolicy.maskedReader`` on this policy for ``principal``, ended at ``expires``.

        Raises:
            PrincipalError: not a ``user:``, ``group:`` or ``serviceAccount:`` member.
            ConstructPropsError: ``expires`` is not in the future.
        """
        _check_member(self, principal)
        condition = expiry_condition(path_of(self), expires,
                                     condition_type=BigqueryDatapolicyDataPolicyIamMemberCondition)
        return BigqueryDatapolicyDataPolicyIamMember(
            self, child_id("Reader", principal), data_policy_id=self.resource.data_policy_id,
            location=literal(self.location), project=literal(self.project), role=MASKED_READER, member=principal,
            condition=condition, provider=self.policy_tag.taxonomy.provider)
