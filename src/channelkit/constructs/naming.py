"""Name rules of Kafka, BigQuery, GCP IAM and the databases, and helpers that derive valid names.

Each ``check_*`` function records problems in a :class:`~channelkit.errors.ProblemCollector`
instead of raising, so a construct can gather every failure of one check.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any

from channelkit.errors import ProblemCollector

__all__ = [
    "BOOTSTRAP_SERVERS",
    "GCP_PRINCIPAL_KINDS",
    "HOST_PORT",
    "KAFKA_TOPIC_MAX",
    "check_bigquery_column",
    "check_bigquery_id",
    "check_gcp_principal",
    "check_kafka_principal",
    "check_kafka_topic",
    "derive_server_id",
    "derive_slot_name",
    "derive_service_account_id",
    "label_value",
    "snake",
]

_PORT = r"([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
#: ``host:port`` of a broker (a DNS name, an IPv4 address or a bracketed IPv6 address; port 1-65535).
HOST_PORT = rf"([A-Za-z0-9]([A-Za-z0-9.-]{{0,251}}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):{_PORT}"
#: Kafka's ``bootstrap.servers`` as one string: ``host:port`` entries separated by commas.
BOOTSTRAP_SERVERS = rf"{HOST_PORT}(,{HOST_PORT})*"

KAFKA_TOPIC_MAX = 249
_KAFKA_TOPIC = re.compile(r"[A-Za-z0-9._-]+")
_BQ_ID = re.compile(r"[A-Za-z0-9_]+")
_BQ_ID_MAX = 1024
_BQ_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BQ_COLUMN_MAX = 300
_BQ_RESERVED_PREFIXES = ("_table_", "_file_", "_partition", "_row_timestamp", "__root__", "_colon_")
_EMAIL = re.compile(r"[^@\s:*]+@[^@\s:*]+\.[^@\s:*]+")
_KAFKA_USER = re.compile(r"User:[^*\s\x00-\x1f\x7f]+")

#: The GCP IAM member kinds channelkit accepts for grants.
GCP_PRINCIPAL_KINDS: tuple[str, ...] = ("user", "group", "serviceAccount")


def check_kafka_topic(problems: ProblemCollector, field: str, name: Any) -> bool:
    """Record a problem unless ``name`` is a legal Kafka topic name; return whether it is."""
    ok = (
        isinstance(name, str)
        and 0 < len(name) <= KAFKA_TOPIC_MAX
        and bool(_KAFKA_TOPIC.fullmatch(name))
        and name not in (".", "..")
    )
    return problems.check(
        ok, field, name,
        f"a Kafka topic name: 1-{KAFKA_TOPIC_MAX} characters from [A-Za-z0-9._-], not '.' or '..'",
    )


def check_bigquery_id(problems: ProblemCollector, field: str, name: Any, what: str = "dataset or table") -> bool:
    """Record a problem unless ``name`` is a legal BigQuery dataset/table id."""
    ok = isinstance(name, str) and 0 < len(name) <= _BQ_ID_MAX and bool(_BQ_ID.fullmatch(name))
    return problems.check(ok, field, name, f"a BigQuery {what} id: 1-{_BQ_ID_MAX} characters from [A-Za-z0-9_]")


def check_bigquery_column(problems: ProblemCollector, field: str, name: Any) -> bool:
    """Record a problem unless ``name`` is a legal BigQuery column name."""
    ok = (
        isinstance(name, str)
        and 0 < len(name) <= _BQ_COLUMN_MAX
        and bool(_BQ_COLUMN.fullmatch(name))
        and not name.lower().startswith(_BQ_RESERVED_PREFIXES)
    )
    return problems.check(
        ok, field, name,
        f"a BigQuery column name: a letter or '_' then [A-Za-z0-9_], at most {_BQ_COLUMN_MAX} characters, "
        "no reserved prefix (_TABLE_, _FILE_, _PARTITION, _ROW_TIMESTAMP, __ROOT__, _COLON_)",
    )


def check_kafka_principal(problems: ProblemCollector, field: str, principal: Any) -> bool:
    """Record a problem unless ``principal`` is ``User:<name>`` (no wildcard)."""
    ok = isinstance(principal, str) and bool(_KAFKA_USER.fullmatch(principal))
    return problems.check(ok, field, principal, "a Kafka principal 'User:<name>' (no wildcard)")


def check_gcp_principal(problems: ProblemCollector, field: str, principal: Any) -> bool:
    """Record a problem unless ``principal`` is ``user:``, ``group:`` or ``serviceAccount:`` + an email."""
    ok = False
    if isinstance(principal, str) and ":" in principal:
        kind, _, rest = principal.partition(":")
        ok = kind in GCP_PRINCIPAL_KINDS and (bool(_EMAIL.fullmatch(rest)) or "${" in rest)
    return problems.check(
        ok, field, principal,
        "a GCP member 'user:<email>', 'group:<email>' or 'serviceAccount:<email>' (no allUsers/allAuthenticatedUsers)",
    )


def snake(name: str) -> str:
    """``Payments-DB.v2`` → ``payments_db_v2`` (lower case, runs of other characters become ``_``)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def derive_server_id(key: str) -> int:
    """A stable MySQL replica ``server_id`` for ``key`` in [100000, 2**31 - 1).

    Low ids are left to real servers and replicas, which usually number themselves from 1.
    """
    return 100_000 + zlib.crc32(key.encode()) % (2**31 - 1 - 100_000)


def derive_slot_name(key: str) -> str:
    """A Postgres replication slot name for ``key``: ``[a-z0-9_]``, at most 63 characters."""
    base = "ck_" + snake(key)
    if len(base) <= 63:
        return base
    return base[:56] + "_" + _short_hash(key)


def derive_service_account_id(key: str, suffix: str = "sink") -> str:
    """A GCP service-account id (6-30 chars, ``[a-z][-a-z0-9]*[a-z0-9]``) for ``key``."""
    body = re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")
    name = f"ck-{body}-{suffix}"
    if len(name) > 30:
        name = f"ck-{body[: 30 - len(suffix) - 12].rstrip('-')}-{_short_hash(key)}-{suffix}"
    return name


def label_value(value: str) -> str:
    """A GCP label value for ``value``: lower case ``[a-z0-9_-]``, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]+", "_", value.lower())[:63]
