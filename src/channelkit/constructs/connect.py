"""A connector on a Kafka Connect cluster (``kafka-connect_connector``), shared by every L2 connector.

Secret config values (a database password, a service-account key) go only into
``config_sensitive``; the provider keeps them out of plans. Only references reach
the synthesized JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from channelkit._text import literal
from channelkit.providers.kafka_connect import Connector

__all__ = ["connector_resource"]


def connector_resource(
    scope: Construct,
    id: str,
    *,
    name: str,
    config: Mapping[str, str],
    sensitive: Mapping[str, str] | None = None,
    provider: Any = None,
    depends_on: Sequence[Any] = (),
) -> Connector:
    """Create one ``kafka-connect_connector`` in ``scope``.

    Args:
        scope: parent construct.
        id: construct id (``Resource`` for the main resource of an L2 connector).
        name: the connector name (the provider requires it to equal ``config["name"]``).
        config: the connector config, without secrets; keys and values are written as literals
            (:func:`channelkit._text.literal`: a config-provider placeholder ``${file:...}`` reaches Kafka
            Connect as it is), references (tokens) stay references.
        sensitive: secret config values, as references (default none).
        provider: the ``kafka-connect`` provider (default: the stack's default).
        depends_on: resources that must exist first (default none).
    """
    return Connector(
        scope, id,
        name=name,
        config={literal(k): literal(v) for k, v in config.items()},
        config_sensitive=dict(sensitive) if sensitive else None,
        provider=provider,
        depends_on=list(depends_on) or None,
    )
