"""The catalog's props of a Channel: the contract ``version`` and :class:`Lineage` (Debezium's OpenLineage keys).

``Channel(..., version="1.2.0", lineage=Lineage(namespace="cdc"))``. The version is the ODCS ``version`` of the
channel's data contract (semantic versioning); lineage, when given, turns on Debezium's own OpenLineage
integration in the source connector's config (:meth:`Lineage.connector_config`).

The Debezium keys are transcribed from Debezium's ``OpenLineageConfig`` and ``DebeziumOpenLineageConfiguration``
(github ``debezium/debezium``, ``debezium-openlineage/debezium-openlineage-api/src/main/java/io/debezium/openlineage/
OpenLineageConfig.java`` at commit ``d77f849646ceac7c829c59ce382d49f657a931a4``, and ``debezium-openlineage-core/.../
DebeziumOpenLineageConfiguration.java`` at ``00b41b8617728f574cd8348d0705ac98ee4d9ce9``; Debezium 3.x):
``openlineage.integration.enabled`` (default false), ``openlineage.integration.config.file.path`` (the OpenLineage
client's YAML on the Connect worker, holding the transport; default ``./openlineage.yml``),
``openlineage.integration.job.namespace`` (default: the connector's logical name, ``topic.prefix``),
``openlineage.integration.job.description``, ``openlineage.integration.job.tags`` and
``openlineage.integration.job.owners`` (both ``k1=v1,k2=v2``: split at ``,`` then ``=``, so neither character may
appear in a key or value). Debezium reads the transport (URL, API key) only from that file, never from the
connector config: channelkit names the file, it does not write it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from channelkit.errors import ProblemCollector
from channelkit.props import Instance, Map, Maybe, Rule, Text, check_props

if TYPE_CHECKING:
    from channelkit.patterns.channel import Channel
    from channelkit.patterns.model import Team

__all__ = ["CONTRACT_VERSION", "DEFAULT_CONFIG_FILE", "Lineage", "check_catalog_props", "lineage_config"]

#: The contract version of a channel that sets none.
CONTRACT_VERSION = "1.0.0"
#: Debezium's default ``openlineage.integration.config.file.path``.
DEFAULT_CONFIG_FILE = "./openlineage.yml"

#: Semantic versioning 2.0.0 (semver.org's regular expression, without the optional "v").
_SEMVER = (r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
           r"(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
           r"(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?")
#: A key or value of Debezium's ``k1=v1,k2=v2`` lists: no ',' or '=' (Debezium splits at them), no blanks.
_PAIR_PART = Text(r"[^,=\s]([^,=]*[^,=\s])?", min_len=1, max_len=256,
                  what="text without ',' or '=' and without leading or trailing blanks")


@dataclass(frozen=True, kw_only=True)
class Lineage:
    """Turn on Debezium's OpenLineage integration for a channel's source connector.

    Args:
        namespace: the OpenLineage job namespace (default None: Debezium's default, the connector's logical
            name, which is the channel's topic prefix).
        config_file: path of the OpenLineage client configuration on the Connect workers (transport URL and
            credentials live there; default ``./openlineage.yml``, Debezium's default).
        description: the job description (default None: ``CDC of <engine> database <db> (channelkit channel
            <name>)``).
        tags: job tags (default none besides ``channel`` and ``classification``, which channelkit adds).
    """

    namespace: str | None = None
    config_file: str = DEFAULT_CONFIG_FILE
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    #: What each field accepts.
    PROPS: ClassVar[Mapping[str, Rule]] = {
        "namespace": Maybe(Text(r"[^\s]+", min_len=1, max_len=256, what="an OpenLineage namespace without blanks")),
        "config_file": Text(r"[^\s]+", min_len=1, max_len=4096, what="a file path on the Connect workers"),
        "description": Maybe(Text(min_len=1, max_len=4096, what="a one-line description")),
        "tags": Map(_PAIR_PART, _PAIR_PART, max_items=50, what="job tags"),
    }


def check_catalog_props(problems: ProblemCollector, version: Any, lineage: Any, owner: Any) -> None:
    """Record every problem of a Channel's ``version`` and ``lineage`` props (the owner's email with lineage on)."""
    Text(_SEMVER, min_len=1, max_len=256, what="a semantic version such as '1.0.0'").check(
        problems, "version", version)
    if lineage is None:
        return
    if Instance((Lineage,), "None or a Lineage(namespace=...)").check(problems, "lineage", lineage):
        check_props(problems, Lineage.PROPS, lineage, prefix="lineage.")
        email = getattr(owner, "email", None)
        if isinstance(email, str) and ("," in email or "=" in email):
            problems.add("owner.email", email, "an address without ',' or '=' with lineage on (Debezium's "
                                               "openlineage.integration.job.owners is a k=v,k=v list)")


def _pairs(values: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in values.items())


def lineage_config(channel: Channel) -> dict[str, str]:
    """The ``openlineage.*`` keys of ``channel``'s source connector (none when its ``lineage`` is None)."""
    lineage: Lineage | None = getattr(channel, "lineage", None)
    if lineage is None:
        return {}
    owner: Team = channel.owner
    source = channel.source
    tags = {"channel": channel.channel_name, "classification": channel.labels["classification"], **lineage.tags}
    config = {
        "openlineage.integration.enabled": "true",
        "openlineage.integration.config.file.path": lineage.config_file,
        "openlineage.integration.job.description": lineage.description or (
            f"CDC of {source.engine} database {source.database} (channelkit channel {channel.channel_name})"),
        "openlineage.integration.job.tags": _pairs(tags),
        "openlineage.integration.job.owners": _pairs({"team": owner.name, "email": owner.email}),
    }
    if lineage.namespace is not None:
        config["openlineage.integration.job.namespace"] = lineage.namespace
    return config
