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
    "context_for_child",
    "init_construct",
    "path_of",
    "plain_constructs",
    "protect",
    "protection_default",
    "record_path",
    "remember_scope",
    "remembered",
    "root_of",
    "singleton",
    "stack_of",
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


# -- the construct tree, read on the Python side --------------------------------------------------------------
# A construct's id, path, scope, stack and root never change once it exists, so they are kept on the Python
# object: for a construct channelkit creates, computed from its scope's as ``constructs`` does; for any other,
# asked of node once. Each saves one or two jsii round trips per read.

_SEP = re.compile(r"[/\n]")  # constructs' Node.PATH_SEP and ADDR_SEP: an id holding one gets ``--`` instead
_PATH, _ID, _SCOPE, _STACK, _ROOT, _CONTEXT, _NODE = (
    "_channelkit_path", "_channelkit_id", "_channelkit_scope", "_channelkit_stack", "_channelkit_root",
    "_channelkit_context", "_channelkit_node",
)


def _node(construct: Construct) -> Any:
    """``construct.node`` (the same node object every time), asked of node once."""
    found = construct.__dict__.get(_NODE)
    if found is None:
        found = construct.__dict__[_NODE] = construct.node
    return found


def remember_scope(construct: Construct, scope: Construct, id: str) -> None:
    """Remember, on the Python side, that ``construct`` was just created as ``(scope, id)``.

    Its path, stack and root are then worked out from its scope's when asked (:func:`path_of`,
    :func:`stack_of`, :func:`root_of`), with no jsii round trip once the scope's are known.
    """
    construct.__dict__.update({_ID: _SEP.sub("--", id), _SCOPE: scope})


def record_path(construct: Construct, scope: Construct, id: str) -> str:
    """:func:`remember_scope`, then the construct's path (``construct.node.path``).

    Call it right after ``super().__init__(scope, id)``.
    """
    remember_scope(construct, scope, id)
    return path_of(construct)


def path_of(construct: Construct) -> str:
    """``construct.node.path``, from the Python side when known (else asked of node once and kept).

    For a construct whose scope was remembered, the path is made as ``constructs`` makes it (``Node``
    in constructs 10): the id with ``/`` and newline replaced by ``--``, after the scope's path and a
    ``/`` unless the scope is the root (whose path is empty).
    """
    found = construct.__dict__.get(_PATH)
    if found is None:
        scope = construct.__dict__.get(_SCOPE)
        if scope is not None:
            parent, own = path_of(scope), construct.__dict__[_ID]
            found = f"{parent}/{own}" if parent else own
        else:
            found = str(_node(construct).path)
        construct.__dict__[_PATH] = found
    return str(found)


def stack_of(construct: Construct) -> Any:
    """``TerraformStack.of(construct)``, walking the Python-side scopes where they are known.

    Raises what ``TerraformStack.of`` raises when no stack holds the construct.
    """
    found = construct.__dict__.get(_STACK)
    if found is None:
        if isinstance(construct, cdk.TerraformStack):
            found = construct
        else:
            scope = construct.__dict__.get(_SCOPE)
            found = stack_of(scope) if scope is not None else cdk.TerraformStack.of(construct)
        construct.__dict__[_STACK] = found
    return found


def root_of(construct: Construct) -> Any:
    """``construct.node.root`` (the app), walking the Python-side scopes where they are known."""
    found = construct.__dict__.get(_ROOT)
    if found is None:
        scope = construct.__dict__.get(_SCOPE)
        found = construct.__dict__[_ROOT] = root_of(scope) if scope is not None else _node(construct).root
    return found


def plain_constructs(scope: Construct, *ids: str) -> list[Construct]:
    """``[Construct(scope, id) for id in ids]`` in one jsii round trip, their paths kept on the Python side.

    For grouping constructs that are plain ``Construct``: they are created in the order given, as
    consecutive children of ``scope``, so ids, paths and the order of the synthesized resources are
    the same as creating them one by one there.
    """
    from channelkit.runtime import create_constructs

    made = create_constructs(scope, ids)
    for construct, id in zip(made, ids, strict=True):
        remember_scope(construct, scope, id)
    return made


def context_for_child(scope: Construct, key: str) -> Any:
    """The context value ``key`` as a construct just created in ``scope`` sees it (``try_get_context``).

    A new construct has no context of its own, so it sees its scope's. That is asked of node once per
    (scope, key) and kept: ``constructs`` refuses ``set_context`` on a construct that has children, and
    ``scope`` and all its ancestors have one by now, so the answer can no longer change. Context set on a
    stack (or any construct above the caller) is honoured as before.
    """
    cache: dict[str, Any] = scope.__dict__.setdefault(_CONTEXT, {})
    if key not in cache:
        cache[key] = _node(scope).try_get_context(key)
    return cache[key]


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
    base = path_of(scope) if isinstance(scope, Construct) else "<no scope>"
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
        sibling = _node(scope).try_find_child(id.replace("/", "--"))
        where = path_of(scope) or "the app"
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
            construct = getattr(init, "__self__", None)  # ``super().__init__`` is bound to the new construct
            if isinstance(construct, Construct):
                remember_scope(construct, scope, id)
            return
        except RuntimeError as exc:  # jsii: "There is already a Construct with name ..."
            if "already a Construct" not in str(exc):
                raise
            problems.add("id", id, f"an id not used yet in {scope.node.path or 'the app'} "
                                   "(a construct with this id exists)")
    raise ConstructPropsError(problems.problems, summary=f"invalid {what} id at {problems.path}")
