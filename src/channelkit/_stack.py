"""Per-stack singletons the families share: one provider per (type, key, settings) per stack (private)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from .constructs._util import child_id

__all__ = ["has_child_of_type", "random_provider", "settings_digest", "stack_provider"]


@dataclass
class _Providers:
    """The providers channelkit made in one stack."""

    #: key → settings digest → provider.
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: provider type → how many were made (the first of a type is the default, the others aliased).
    counts: dict[str, int] = field(default_factory=dict)
    #: provider type → aliases in use.
    aliases: dict[str, set[str]] = field(default_factory=dict)
    #: construct ids in use.
    ids: set[str] = field(default_factory=set)


def settings_digest(key: str, settings: Mapping[str, Any] | None) -> str:
    """A short, stable, one-way digest of ``key`` and every provider setting (no value is readable from it)."""
    text = json.dumps([key, dict(settings or {})], sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def stack_provider(
    stack: Construct, key: str, factory: Callable[[Construct, str, str | None], Any],
    settings: Mapping[str, Any] | None = None,
) -> Any:
    """One provider per (type, key, settings) per stack; the first of a type is the default, later ones aliased.

    ``key`` is ``<type>-<name>`` (``kafka-main``, ``mysql-db.internal``); ``factory(stack, construct_id, alias)``
    builds the provider from ``settings``, which must be *every* argument the factory gives it: two calls
    share a provider only when their keys and settings are equal. The first provider of a key keeps the
    construct id ``Provider-<key>`` and the alias ``<name>`` (none when it is the first of its type); one with
    the same key and other settings (another broker list, port, URL, region...) is a new provider with id
    ``Provider-<key>-<digest>`` and alias ``<name>_<digest>``, where the digest (:func:`settings_digest`)
    hashes the settings, so no setting (a secret reference, say) is readable in ids or aliases.

    Args:
        stack: the stack the provider goes in.
        key: ``<type>-<name>``.
        factory: builds the provider.
        settings: the provider's arguments (default None: the key alone identifies the provider).
    """
    kind, _, name = key.partition("-")
    state: _Providers = stack.__dict__.setdefault("_channelkit_providers", _Providers())
    variants = state.by_key.setdefault(key, {})
    digest = settings_digest(key, settings)
    if digest in variants:
        return variants[digest]
    cid = child_id("Provider", key)
    if variants or cid in state.ids:
        cid = f"{cid}-{digest}"
    count = state.counts.get(kind, 0)
    alias: str | None = None
    if count:
        taken = state.aliases.setdefault(kind, set())
        alias = child_id(name).replace("-", "_") or kind
        if not alias[0].isalpha():
            alias = f"{kind.replace('-', '_')}_{alias}"
        if variants or alias in taken:
            alias = f"{alias}_{digest}"
        taken.add(alias)
    provider = factory(stack, cid, alias)
    state.counts[kind] = count + 1
    state.ids.add(cid)
    variants[digest] = provider
    return provider


def random_provider(stack: Construct) -> Any:
    """The ``random`` provider of ``stack`` (created on first use)."""
    from .providers.random import RandomProvider

    return stack_provider(stack, "random-default", lambda s, i, a: RandomProvider(s, i, alias=a))


def has_child_of_type(stack: Construct, kind: type) -> bool:
    """Whether ``stack`` has a direct child of ``kind`` (e.g. a provider the user created)."""
    return any(isinstance(child, kind) for child in stack.node.children)

