"""A channel's quality scans and DLP inspections on BigQuery (built by the BigQuery warehouse).

Below the channel's ``Target``:

- ``Quality-<table>``: a :class:`~channelkit.constructs.dataplex.QualityScan` of the change-log table, for each
  table with rules (:mod:`channelkit.quality.plan`), named ``<dataset>-<table>`` (lower case, ``-``), daily;
- ``DlpTemplate``: the channel's :class:`~channelkit.constructs.dlp.InspectTemplate`;
- ``Dlp-<table>``: a weekly :class:`~channelkit.constructs.dlp.TableInspection` of each change-log table,
  its findings saved to ``<table>_dlp_findings`` in the channel's dataset (readers of the dataset read them;
  the dataset's protection covers the table) and published to the table's catalog entry.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from channelkit.claims import Claim
from channelkit.constructs._util import child_id
from channelkit.constructs.dataplex import QualityScan
from channelkit.constructs.dlp import InspectTemplate, TableInspection, dlp_location

from .plan import table_rules
from .render import NOT_DELETED, dataplex_rules

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["DLP_FINDINGS_SUFFIX", "QUALITY_CRON", "BigQueryQuality", "bigquery_quality_claims", "scan_id"]

#: When the quality scans run: daily at 03:00 UTC.
QUALITY_CRON = "0 3 * * *"
#: Suffix of a table's DLP findings table in the channel's dataset.
DLP_FINDINGS_SUFFIX = "_dlp_findings"


def _gcp_id(text: str, limit: int, *, lower: bool = True) -> str:
    """``text`` as an id of ``[a-z0-9-]`` (``[A-Za-z0-9-]`` unless ``lower``) starting with a letter.

    At most ``limit`` characters; a text the id does not keep as it is (cut, or other characters, or case
    folded) ends in a digest of the text, so distinct tables keep distinct ids (``Orders`` and ``orders``).
    """
    folded = text.lower() if lower else text
    ident = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", folded)).strip("-")
    ident = ident if ident[:1].isalpha() else "ck-" + ident
    if len(ident) <= limit and (not lower or text == text.lower()):
        return ident
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return ident[: limit - 9].rstrip("-") + "-" + digest


def scan_id(dataset: str, table: str) -> str:
    """The data scan id of ``table`` in ``dataset``: ``<dataset>-<table>``, lower case (at most 63)."""
    return _gcp_id(f"{dataset}-{table}", 63)


def bigquery_quality_claims(channel: Channel, project: str, location: str, dataset: str) -> list[Claim]:
    """The names the channel's scans, template, triggers and findings tables take."""
    where = f"GCP project {project}, location {location.lower()}"
    dlp_where = f"GCP project {project}, DLP location {dlp_location(location)}"
    claims = [Claim("DLP inspect template", _gcp_id(f"ck-{dataset}", 100, lower=False), within=dlp_where)]
    for t in channel.tables:
        by = f"tables[{t.name}]"
        claims += [
            Claim("Dataplex data scan", scan_id(dataset, t.name), within=where, by=by),
            Claim("DLP job trigger", _gcp_id(f"ck-{dataset}-{t.name}", 100, lower=False), within=dlp_where,
                  by=by),
            Claim("BigQuery table", t.name + DLP_FINDINGS_SUFFIX, within=f"BigQuery dataset {project}.{dataset}",
                  by=f"{by} (DLP findings)"),
        ]
    return claims


class BigQueryQuality:
    """The quality scans and DLP inspections of one channel on BigQuery.

    Args:
        deployment: the channel's :class:`~channelkit.warehouses.bigquery.BigQueryDeployment` (its dataset,
            tables and views exist).

    Attributes:
        scans: table name -> its :class:`QualityScan` (tables without rules have none).
        template: the channel's :class:`InspectTemplate`.
        inspections: table name -> its :class:`TableInspection`.
    """

    def __init__(self, deployment: Any) -> None:
        channel, warehouse, scope = deployment.channel, deployment.warehouse, deployment.scope
        project, dataset = warehouse.project, warehouse.dataset_id(channel)
        provider = deployment.google_provider
        self.scans: dict[str, QualityScan] = {}
        for t in channel.tables:
            types = {c.name: channel.column_type(t, c) for c in t.columns}
            planned = table_rules(t, types)
            if not planned:
                continue
            view = f"`{project}.{dataset}.{t.name}`"
            table = deployment.tables[t.name]
            self.scans[t.name] = QualityScan(
                scope, child_id("Quality", t.name), scan_id=scan_id(dataset, t.name), project=project,
                location=warehouse.location.lower(),
                table=f"//bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{table.table_name}",
                rules=dataplex_rules(planned, types, view=view, primary_key=t.primary_key), cron=QUALITY_CRON,
                row_filter=NOT_DELETED, description=f"Quality of {t.name} (channel {channel.channel_name}): every "
                f"captured version but deletes; uniqueness on the latest state",
                labels=dict(channel.labels), provider=provider, depends_on=[table.resource])
        location = dlp_location(warehouse.location)
        self.template = InspectTemplate(
            scope, "DlpTemplate", project=project, location=location,
            template_id=_gcp_id(f"ck-{dataset}", 100, lower=False),
            description=f"Sensitive data in channel {channel.channel_name} (channelkit)", provider=provider)
        self.inspections: dict[str, TableInspection] = {}
        for t in channel.tables:
            table = deployment.tables[t.name]
            self.inspections[t.name] = TableInspection(
                scope, child_id("Dlp", t.name), template=self.template, project=project, location=location,
                dataset_id=dataset, table_id=table.table_name, findings_dataset_id=dataset,
                findings_table_id=t.name + DLP_FINDINGS_SUFFIX,
                trigger_id=_gcp_id(f"ck-{dataset}-{t.name}", 100, lower=False),
                description=f"Sensitive data in {table.table_name} (channel {channel.channel_name})",
                depends_on=[table.resource])
