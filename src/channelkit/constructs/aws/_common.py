"""Helpers shared by channelkit's AWS constructs (not public API): gathered checks and type tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ..._cdk import cdk
from ...errors import ProblemCollector, ValidationError
from .._util import LazyProblems
from ..errors import ConstructPropsError, InvalidNameError, PrincipalError, TableDefinitionError, combined_error

__all__ = [
    "ArnResource",
    "Checks",
    "InvalidNameAndPropsError",
    "InvalidPrincipalAndPropsError",
    "NamedResource",
    "check_construct",
    "check_provider",
    "check_protect",
    "check_tags",
    "check_text",
    "is_int",
    "is_str_map",
    "is_strs",
    "is_token",
]


class ArnResource:
    """Mixin of a construct whose main resource (``self.resource``) has an ARN."""

    resource: Any

    @property
    def arn(self) -> str:
        """The ARN of the main resource (a token: referencing it orders Terraform after the resource)."""
        return str(self.resource.arn)


class NamedResource:
    """Mixin of a construct whose main resource (``self.resource``) has a name."""

    resource: Any

    @property
    def name(self) -> str:
        """The name of the main resource (a token: referencing it orders Terraform after the resource)."""
        return str(self.resource.name)


class InvalidNameAndPropsError(InvalidNameError, ConstructPropsError):
    """Bad names and bad props of one construct in one error: ``except`` either class catches it."""


class InvalidPrincipalAndPropsError(PrincipalError, ConstructPropsError):
    """A bad principal and bad props of one construct in one error: ``except`` either class catches it."""


class _InvalidNamePrincipalError(InvalidNameError, PrincipalError):
    """Bad names and a bad principal of one construct in one error."""


class _InvalidEverythingError(InvalidNameError, PrincipalError, ConstructPropsError):
    """Bad names, a bad principal and bad props of one construct in one error."""


_MIXED: dict[frozenset[type[ValidationError]], type[ValidationError]] = {
    frozenset({InvalidNameError, ConstructPropsError}): InvalidNameAndPropsError,
    frozenset({PrincipalError, ConstructPropsError}): InvalidPrincipalAndPropsError,
    frozenset({InvalidNameError, PrincipalError}): _InvalidNamePrincipalError,
    frozenset({InvalidNameError, PrincipalError, ConstructPropsError}): _InvalidEverythingError,
}


class Checks:
    """Every problem of one construct (or function call), sorted by kind and raised as one typed error.

    Record name problems in :attr:`names`, principal problems in :attr:`principals` and every other
    value, range or type problem in :attr:`props`. :meth:`raise_if_any` raises one error listing all of
    them: :class:`InvalidNameError`, :class:`PrincipalError` or :class:`ConstructPropsError` when only one
    kind was found, else a class deriving from each kind found (so ``except`` on any of them works).

    Args:
        scope: the construct whose path the problems carry (asked for only when a problem is found).
        path: the path to use instead, for a function whose construct does not exist yet.
    """

    def __init__(self, scope: Construct | None = None, *, path: str | None = None) -> None:
        """Start with no problems, at ``scope``'s path (or at ``path``)."""

        def collector() -> ProblemCollector:
            if scope is not None:
                return LazyProblems(scope)
            return ProblemCollector(path or "")

        self.names = collector()
        self.principals = collector()
        self.props = collector()
        #: Problems of a table definition (columns, types, keys): :class:`TableDefinitionError`.
        self.tables = collector()

    @property
    def problems(self) -> list[Any]:
        """Every problem recorded, names first, then principals, then props, then table definitions."""
        return [*self.names.problems, *self.principals.problems, *self.props.problems, *self.tables.problems]

    def raise_if_any(self, summary: str) -> None:
        """Raise one typed error carrying every problem; ``{path}`` in ``summary`` becomes the path.

        Raises:
            InvalidNameError, PrincipalError, ConstructPropsError: see the class docstring.
        """
        found = [
            (kind, collector)
            for kind, collector in (
                (InvalidNameError, self.names), (PrincipalError, self.principals), (ConstructPropsError, self.props),
                (TableDefinitionError, self.tables),
            )
            if collector.problems
        ]
        if not found:
            return
        kinds = [kind for kind, _ in found]
        error = kinds[0] if len(kinds) == 1 else _MIXED.get(frozenset(kinds)) or combined_error(kinds)
        raise error(self.problems, summary=summary.replace("{path}", found[0][1].path))


def is_int(value: object) -> bool:
    """True for an ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_provider(problems: ProblemCollector, field: str, value: object) -> bool:
    """Record a problem unless ``value`` is None (the stack's default provider) or a Terraform provider."""
    return problems.check(value is None or isinstance(value, cdk.TerraformProvider), field, value,
                          "None (the stack's default provider) or a provider construct")


def is_strs(value: object) -> bool:
    """True for a sequence (not a string) whose items are all strings."""
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str | bytes)
        and all(isinstance(v, str) for v in value)
    )


def is_token(value: object) -> bool:
    """True for a string that is an unresolved cdktf token (a reference to another resource's attribute)."""
    return isinstance(value, str) and bool(cdk.Token.is_unresolved(value))


def is_str_map(value: object) -> bool:
    """True for a mapping of strings to strings."""
    return isinstance(value, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def check_tags(problems: ProblemCollector, tags: object) -> bool:
    """Record a problem unless ``tags`` is None or a mapping of strings to strings."""
    return problems.check(tags is None or is_str_map(tags), "tags", tags, "a mapping of tag names to string values")


def check_protect(problems: ProblemCollector, protect: object) -> bool:
    """Record a problem unless ``protect`` is True, False or None."""
    return problems.check(protect is None or isinstance(protect, bool), "protect", protect,
                          "True, False or None (None: the app's channelkit:protect context, default protected)")


def check_construct(problems: ProblemCollector, field: str, value: object, kind: type[Construct]) -> bool:
    """Record a problem unless ``value`` is a ``kind`` construct (not an ARN or name string)."""
    return problems.check(isinstance(value, kind), field, value, f"a channelkit {kind.__name__} construct")


def check_text(
    problems: ProblemCollector, field: str, value: object, *, max_len: int, min_len: int = 0, what: str = "text"
) -> bool:
    """Record a problem unless ``value`` is a string of ``min_len`` to ``max_len`` characters."""
    ok = isinstance(value, str) and min_len <= len(value) <= max_len
    return problems.check(ok, field, value, f"{what} of {min_len}-{max_len} characters")
