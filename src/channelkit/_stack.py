"""Per-stack singletons the families share: one provider per (type, key) per stack (private)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from constructs import Construct

from .constructs._util import child_id, singleton

__all__ = ["has_child_of_type", "random_provider", "stack_provider"]


def stack_provider(stack: Construct, key: str, factory: Callable[[Construct, str, str | None], Any]) -> Any:
    """One provider per (type, key) per stack; the first of a type is the default, later ones get an alias.

    ``key`` is ``<type>-<name>``; ``factory(stack, construct_id, alias)`` builds the provider.
    """
    kind, _, name = key.partition("-")

    def make(stack: Construct, cid: str) -> Any:
        counts: dict[str, int] = stack.__dict__.setdefault("_channelkit_provider_counts", {})
        count = counts.get(kind, 0)
        counts[kind] = count + 1
        return factory(stack, cid, None if count == 0 else child_id(name).replace("-", "_"))

    return singleton(stack, child_id("Provider", key), make, stack=stack)


def random_provider(stack: Construct) -> Any:
    """The ``random`` provider of ``stack`` (created on first use)."""
    from .providers.random import RandomProvider

    return stack_provider(stack, "random-default", lambda s, i, a: RandomProvider(s, i, alias=a))


def has_child_of_type(stack: Construct, kind: type) -> bool:
    """Whether ``stack`` has a direct child of ``kind`` (e.g. a provider the user created)."""
    return any(isinstance(child, kind) for child in stack.node.children)
