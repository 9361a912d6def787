"""The catalog facts every warehouse resource carries: owner, contact, classification, contract, pii, retention.

BigQuery labels and descriptions and Glue parameters repeat what the channel's data contract says
(:mod:`channelkit.catalog.odcs`), so a reader of the warehouse finds the same answers there. GCP labels have
strict rules (keys and values lower case ``[a-z0-9_-]``, at most 63 characters; Resource Manager, "Labels
overview"): :func:`bigquery_labels` gives label-safe values; Glue parameters are free strings
(:func:`glue_parameters`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from channelkit.constructs.naming import label_value

from .props import CONTRACT_VERSION

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel

__all__ = ["bigquery_labels", "contract_id", "contract_version", "describe_facts", "glue_parameters",
           "history_days", "warehouse_uri"]

#: uuid5 namespace of contract ids (the DNS namespace applied to "contracts.channelkit"): stable forever.
_CONTRACT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "contracts.channelkit")


def warehouse_uri(channel: Channel) -> str:
    """Where the channel's data lands: ``bigquery://<project>/<dataset>`` or ``s3://<bucket>/<prefix>``."""
    warehouse: Any = channel.warehouse
    if warehouse.name == "bigquery":
        return f"bigquery://{warehouse.project}/{warehouse.dataset_id(channel)}"
    return f"s3://{warehouse.bucket(channel, channel.platform)}/{warehouse.data_prefix}"


def contract_id(channel: Channel) -> str:
    """The ODCS ``id`` of the channel's contract: a UUID derived from where the data lands (stable, unique).

    Two channels never share a dataset or a bucket prefix (both are claimed app-wide), so neither do their ids;
    the id stays the same across syntheses and construct refactorings that keep the data where it is.
    """
    return str(uuid.uuid5(_CONTRACT_NAMESPACE, warehouse_uri(channel)))


def contract_version(channel: Channel) -> str:
    """The channel's contract version (``Channel(version=...)``, default ``1.0.0``)."""
    return str(getattr(channel, "version", CONTRACT_VERSION))


def history_days(channel: Channel) -> int | None:
    """Days the warehouse keeps the change history, or None when it is kept."""
    warehouse: Any = channel.warehouse
    if warehouse.name == "bigquery":
        ms = warehouse.partition_expiration_ms(channel)
        return None if ms is None else ms // 86_400_000
    days: int | None = warehouse.history_days
    return days


def _has_pii(channel: Channel) -> bool:
    return any(t.has_pii for t in channel.tables)


def bigquery_labels(channel: Channel) -> dict[str, str]:
    """Labels added to the channel's dataset, tables and views next to owner, channel and classification.

    ``contact`` (the owner's email, label-safe), ``contract`` and ``contract_version`` (``1_0_0``), ``pii``,
    ``kafka_retention_days`` and ``history_retention_days`` (``kept`` when the history does not expire).
    """
    days = history_days(channel)
    return {
        "contact": label_value(channel.owner.email),
        "contract": contract_id(channel),
        "contract_version": label_value(contract_version(channel)),
        "pii": "true" if _has_pii(channel) else "false",
        "kafka_retention_days": str(channel.retention_days),
        "history_retention_days": "kept" if days is None else str(days),
    }


def describe_facts(channel: Channel) -> str:
    """One sentence for warehouse descriptions: contract, owner, classification, pii and retention."""
    days = history_days(channel)
    history = "kept" if days is None else f"{days} days"
    pii = ", holds PII" if _has_pii(channel) else ""
    return (f"Contract {contract_id(channel)} v{contract_version(channel)}; owner {channel.owner.name} "
            f"<{channel.owner.email}>; classification {channel.labels['classification']}{pii}; retention: "
            f"Kafka {channel.retention_days} days, change history {history}.")


def glue_parameters(channel: Channel) -> dict[str, str]:
    """Glue database and table parameters with the same facts (free strings)."""
    days = history_days(channel)
    return {
        "channelkit.owner_email": channel.owner.email,
        "channelkit.contract_id": contract_id(channel),
        "channelkit.contract_version": contract_version(channel),
        "channelkit.kafka_retention_days": str(channel.retention_days),
        "channelkit.history_retention_days": "kept" if days is None else str(days),
    }
