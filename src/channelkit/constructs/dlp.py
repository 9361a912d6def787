"""Sensitive Data Protection (DLP): an inspect template and a scheduled inspection of a BigQuery table.

- :class:`InspectTemplate` — ``google_data_loss_prevention_inspect_template``: which info types to look
  for, from which likelihood, never with the matched text (``include_quote = false``: findings say where
  and what kind, not the value).
- :class:`TableInspection` — ``google_data_loss_prevention_job_trigger``: inspects one table on a schedule
  (a sample of rows, ``RANDOM_START``) with a template, and **saves its findings to a BigQuery table**
  (``save_findings.output_config.table``; the job creates the table and appends to it) and publishes them to
  the Dataplex Universal Catalog entry of the table (``publish_findings_to_dataplex_catalog``), where the
  table's readers see them. Both actions are in the google provider 7.45.0 schema of the job trigger.

The findings table is data-bearing: the job, not Terraform, creates it, so it is protected by the dataset it
is in (``deletion_policy = PREVENT`` and ``prevent_destroy`` on the channel's dataset).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from constructs import Construct

from channelkit._text import literal, literal_or_none
from channelkit.props import Integer, OneOf, Seq, Text
from channelkit.providers.google import DataLossPreventionInspectTemplate, DataLossPreventionJobTrigger
from channelkit.providers.google.data_loss_prevention_inspect_template import (
    DataLossPreventionInspectTemplateInspectConfig,
    DataLossPreventionInspectTemplateInspectConfigInfoTypes,
)
from channelkit.providers.google.data_loss_prevention_job_trigger import (
    DataLossPreventionJobTriggerInspectJob,
    DataLossPreventionJobTriggerInspectJobActions,
    DataLossPreventionJobTriggerInspectJobActionsPublishFindingsToDataplexCatalog,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindings,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfig,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfigTable,
    DataLossPreventionJobTriggerInspectJobStorageConfig,
    DataLossPreventionJobTriggerInspectJobStorageConfigBigQueryOptions,
    DataLossPreventionJobTriggerInspectJobStorageConfigBigQueryOptionsTableReference,
    DataLossPreventionJobTriggerTriggers,
    DataLossPreventionJobTriggerTriggersSchedule,
)

from ._util import init_construct
from .aws._common import Checks

__all__ = ["DEFAULT_INFO_TYPES", "LIKELIHOODS", "InspectTemplate", "TableInspection", "dlp_location"]

#: The built-in info types looked for by default (Sensitive Data Protection "InfoType detector reference").
DEFAULT_INFO_TYPES: tuple[str, ...] = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON_NAME", "STREET_ADDRESS", "CREDIT_CARD_NUMBER", "IBAN_CODE",
    "IP_ADDRESS", "DATE_OF_BIRTH", "PASSPORT", "US_SOCIAL_SECURITY_NUMBER",
)
#: ``inspect_config.min_likelihood`` values (google 7.45.0, ``ValidateEnum``; bundled rules).
LIKELIHOODS = ("VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY")
_INFO_TYPE = Text(r"[A-Z0-9_]{1,64}", what="an info type name such as EMAIL_ADDRESS")
_ID = Text(r"[a-zA-Z0-9_-]{1,100}", what="an id of letters, digits, '_' and '-' (1-100)")
_BQ_ID = re.compile(r"[A-Za-z0-9_]{1,1024}")


def dlp_location(bigquery_location: str) -> str:
    """The Sensitive Data Protection location of a BigQuery location: ``EU`` → ``europe``, ``US`` → ``us``.

    A regional location (``europe-west1``) is the same region.
    """
    lower = bigquery_location.lower()
    return {"eu": "europe", "us": "us"}.get(lower, lower)


class InspectTemplate(Construct):
    """An inspect template (``google_data_loss_prevention_inspect_template``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        project: the GCP project.
        location: the Sensitive Data Protection location (:func:`dlp_location`).
        template_id: unique in the project and location (letters, digits, ``_``, ``-``).
        info_types: the built-in info types to look for (default :data:`DEFAULT_INFO_TYPES`).
        min_likelihood: the least likely finding reported (default ``POSSIBLE``; :data:`LIKELIHOODS`).
        description: default empty.
        provider: the google provider (default: the stack's default).

    Attributes:
        resource: the ``google_data_loss_prevention_inspect_template``.
        name: reference to the template's resource name (for a job's ``inspect_template_name``).

    Raises:
        ConstructPropsError: a malformed id, info type or likelihood.
    """

    def __init__(
        self, scope: Construct, id: str, *, project: str, location: str, template_id: str,
        info_types: Sequence[str] = DEFAULT_INFO_TYPES, min_likelihood: str = "POSSIBLE", description: str = "",
        provider: Any = None,
    ) -> None:
        """Check the props, then create the template (findings never carry the matched text)."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        _ID.check(checks.props, "template_id", template_id)
        Seq(_INFO_TYPE, min_items=1, max_items=150, what="a list of info types").check(
            checks.props, "info_types", info_types)
        OneOf(LIKELIHOODS).check(checks.props, "min_likelihood", min_likelihood)
        Text(max_len=256, printable=False).check(checks.props, "description", description)
        checks.raise_if_any("invalid inspect template at {path}")
        self.provider = provider
        self.resource = DataLossPreventionInspectTemplate(
            self, "Resource", parent=literal(f"projects/{project}/locations/{location}"), template_id=template_id,
            display_name=template_id, description=literal_or_none(description),
            inspect_config=DataLossPreventionInspectTemplateInspectConfig(
                info_types=[DataLossPreventionInspectTemplateInspectConfigInfoTypes(name=t) for t in info_types],
                min_likelihood=min_likelihood, include_quote=False),
            provider=provider)

    @property
    def name(self) -> str:
        """Reference to the template's resource name (``projects/P/locations/L/inspectTemplates/ID``)."""
        return str(self.resource.id)


class TableInspection(Construct):
    """A scheduled inspection of one BigQuery table (``google_data_loss_prevention_job_trigger``, id ``Resource``).

    Args:
        scope: parent construct.
        id: construct id.
        template: the :class:`InspectTemplate`.
        project: the GCP project (of the job, the table and the findings).
        location: the Sensitive Data Protection location (the template's).
        dataset_id: the dataset of the inspected table.
        table_id: the inspected table.
        findings_dataset_id: where the findings table goes.
        findings_table_id: the findings table (created by the first job, then appended to).
        trigger_id: unique in the project and location (letters, digits, ``_``, ``-``).
        every_days: days between two inspections (1 to 60; default 7).
        rows_limit: rows sampled per inspection (default 10000; ``RANDOM_START`` sampling).
        description: default empty.
        depends_on: resources the trigger is created after (default none; e.g. the inspected table).

    Attributes:
        resource: the ``google_data_loss_prevention_job_trigger``.

    Raises:
        ConstructPropsError: a malformed id, table, period or limit.
    """

    def __init__(
        self, scope: Construct, id: str, *, template: InspectTemplate, project: str, location: str,
        dataset_id: str, table_id: str, findings_dataset_id: str, findings_table_id: str, trigger_id: str,
        every_days: int = 7, rows_limit: int = 10_000, description: str = "", depends_on: Sequence[Any] = (),
    ) -> None:
        """Check the props, then create the job trigger."""
        init_construct(super().__init__, scope, id)
        checks = Checks(self)
        problems = checks.props
        problems.check(isinstance(template, InspectTemplate), "template", template, "an InspectTemplate")
        _ID.check(problems, "trigger_id", trigger_id)
        for field, value in (("dataset_id", dataset_id), ("table_id", table_id),
                             ("findings_dataset_id", findings_dataset_id), ("findings_table_id", findings_table_id)):
            problems.check(isinstance(value, str) and (bool(_BQ_ID.fullmatch(value)) or "TfToken" in value), field,
                           value, "a BigQuery id ([A-Za-z0-9_])")
        # DLP: a schedule's recurrence is 1 to 60 days (Schedule.recurrencePeriodDuration).
        Integer(1, 60, what="days between inspections").check(problems, "every_days", every_days)
        Integer(1, 1_000_000_000, what="rows per inspection").check(problems, "rows_limit", rows_limit)
        checks.raise_if_any("invalid table inspection at {path}")
        table = DataLossPreventionJobTriggerInspectJobStorageConfigBigQueryOptionsTableReference(
            project_id=literal(project), dataset_id=dataset_id, table_id=table_id)
        findings = DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfigTable(
            project_id=literal(project), dataset_id=findings_dataset_id, table_id=findings_table_id)
        self.resource = DataLossPreventionJobTrigger(
            self, "Resource", parent=literal(f"projects/{project}/locations/{location}"), trigger_id=trigger_id,
            display_name=trigger_id, description=literal_or_none(description),
            triggers=[DataLossPreventionJobTriggerTriggers(schedule=DataLossPreventionJobTriggerTriggersSchedule(
                recurrence_period_duration=f"{every_days * 86_400}s"))],
            inspect_job=DataLossPreventionJobTriggerInspectJob(
                inspect_template_name=template.name,
                storage_config=DataLossPreventionJobTriggerInspectJobStorageConfig(
                    big_query_options=DataLossPreventionJobTriggerInspectJobStorageConfigBigQueryOptions(
                        table_reference=table, rows_limit=rows_limit, sample_method="RANDOM_START")),
                actions=[
                    DataLossPreventionJobTriggerInspectJobActions(
                        save_findings=DataLossPreventionJobTriggerInspectJobActionsSaveFindings(
                            output_config=DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfig(
                                table=findings))),
                    DataLossPreventionJobTriggerInspectJobActions(
                        publish_findings_to_dataplex_catalog=(
                            DataLossPreventionJobTriggerInspectJobActionsPublishFindingsToDataplexCatalog())),
                ]),
            provider=template.provider, depends_on=list(depends_on) or None)
