"""Small helpers shared by the constructs (private)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.errors import ProblemCollector, ValidationError

__all__ = ["PROTECT_CONTEXT", "LazyProblems", "child_id", "protect", "protection_default", "remembered", "singleton"]

T = TypeVar("T")

#: cdktf context key that turns off destroy protection for a whole app (``"false"`` or ``False``).
PROTECT_CONTEXT = "channelkit:protect"


def child_id(*parts: str) -> str:
    """A construct id made of ``parts``: characters outside ``[A-Za-z0-9_-]`` become ``-``."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", p).strip("-") for p in parts if p)


def protect(enabled: bool) -> Any:
    """``lifecycle { prevent_destroy = true }`` when ``enabled``, else None."""
    return cdk.TerraformResourceLifecycle(prevent_destroy=True) if enabled else None


def protection_default(scope: Construct, given: bool | None) -> bool:
    """Whether a data-bearing construct is protected from destroy.

    Args:
        scope: the construct (its app's context is read).
        given: the construct's ``protect`` prop; when not None it wins.

    Returns:
        ``given`` when set; otherwise False when the app's ``channelkit:protect`` context is
        ``false``/``0``/``no``/``off`` (any case), else True (protected by default).
    """
    if given is not None:
        return given
    value = scope.node.try_get_context(PROTECT_CONTEXT)
    if value is None:
        return True
    return str(value).strip().lower() not in ("false", "0", "no", "off")


def singleton(scope: Construct, id: str, factory: Callable[[Construct, str], T], stack: Any = None) -> T:
    """The child ``id`` of the stack holding ``scope``, created by ``factory(stack, id)`` the first time.

    Pass ``stack`` when known, to save a jsii round trip.
    """
    stack = stack if stack is not None else cdk.TerraformStack.of(scope)
    return remembered(stack, id, lambda: factory(stack, id))


class LazyProblems(ProblemCollector):
    """A :class:`ProblemCollector` that asks jsii for the construct path only when a problem is found."""

    def __init__(self, scope: Construct) -> None:
        self._scope = scope
        self.problems = []

    @property
    def path(self) -> str:  # type: ignore[override]
        """The construct path of the scope (computed on first use)."""
        return str(self._scope.node.path)

    def raise_if_any(self, error: Any = ValidationError, summary: str = "invalid input") -> None:
        """Raise ``error`` with every problem; ``{path}`` in ``summary`` becomes the construct path."""
        if self.problems:
            raise error(self.problems, summary=summary.replace("{path}", self.path))


def remembered(scope: Any, key: str, factory: Callable[[], T]) -> T:
    """``factory()`` once per (scope, key), remembered on the Python side (no jsii round trip)."""
    cache: dict[str, Any] = scope.__dict__.setdefault("_channelkit_children", {})
    if key not in cache:
        cache[key] = factory()
    return cache[key]  # type: ignore[no-any-return]
