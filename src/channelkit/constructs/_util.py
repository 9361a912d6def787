"""Small helpers shared by the constructs (private)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.errors import ProblemCollector, ValidationError

__all__ = [
    "PROTECT_CONTEXT",
    "LazyProblems",
    "check_scope_and_id",
    "child_id",
    "init_construct",
    "protect",
    "protection_default",
    "remembered",
    "singleton",
]

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


#: What a construct id may be (the constructs library refuses an empty id and one used twice in a scope).
ID_ALLOWED = "a non-empty construct id without control characters, unique among the children of its scope"


def _id_path(scope: Any, id: Any) -> str:
    base = str(scope.node.path) if isinstance(scope, Construct) else "<no scope>"
    return f"{base}/{id}" if base else str(id)


def check_scope_and_id(problems: ProblemCollector, scope: Any, id: Any, *, duplicates: bool = True) -> bool:
    """Record what is wrong with a construct's ``scope`` and ``id`` (before the construct exists).

    Args:
        problems: where problems go.
        scope: the parent given.
        id: the id given.
        duplicates: also look for a sibling with the same id (one jsii call; default True).

    Returns:
        Whether both can be used to create the construct.
    """
    ok = problems.check(isinstance(scope, Construct), "scope", scope, "a construct (a stack or a construct in one)")
    id_ok = (isinstance(id, str) and bool(id) and id == id.strip()
             and not any(ord(c) < 32 or ord(c) == 127 for c in id))
    problems.check(id_ok, "id", id, ID_ALLOWED)
    if ok and id_ok and duplicates:
        sibling = scope.node.try_find_child(id.replace("/", "--"))
        where = scope.node.path or "the app"
        id_ok = problems.check(sibling is None, "id", id, f"an id not used yet in {where} (a construct with this id "
                                                          "exists)")
    return ok and id_ok


def init_construct(init: Callable[[Any, str], None], scope: Any, id: Any, what: str = "construct") -> None:
    """Run ``init(scope, id)`` (a construct's ``super().__init__``), turning a bad scope or id into a typed error.

    The checks that need no jsii call run first; a duplicate id is recognised from the constructs
    library's own refusal, so a valid construct costs no extra round trip.

    Raises:
        ConstructPropsError: the scope is not a construct, or the id is empty, not a string, has control
            characters or is used by a sibling already.
    """
    from .errors import ConstructPropsError

    problems = ProblemCollector(_id_path(scope, id))
    if check_scope_and_id(problems, scope, id, duplicates=False):
        try:
            init(scope, id)
            return
        except RuntimeError as exc:  # jsii: "There is already a Construct with name ..."
            if "already a Construct" not in str(exc):
                raise
            problems.add("id", id, f"an id not used yet in {scope.node.path or 'the app'} "
                                   "(a construct with this id exists)")
    raise ConstructPropsError(problems.problems, summary=f"invalid {what} id at {problems.path}")
