"""Typed errors raised by channelkit's constructs and patterns.

Every class is a :class:`~channelkit.errors.ValidationError`: it carries
every :class:`~channelkit.errors.Problem` found by one check, each naming the
construct path, the field, the bad value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from channelkit.errors import Problem, ProblemCollector, ValidationError

__all__ = [
    "CollisionError",
    "ConstructPropsError",
    "InvalidNameError",
    "KindedProblems",
    "PrincipalError",
    "TableDefinitionError",
    "combined_error",
    "error_kinds",
]


class ConstructPropsError(ValidationError):
    """A construct prop is out of range (partitions, replication factor, expiry, retention...)."""


class InvalidNameError(ValidationError):
    """A name is not valid where it is used (Kafka topic, BigQuery dataset/table id, connector name)."""


class PrincipalError(ValidationError):
    """A principal is malformed (``User:<name>`` for Kafka; ``user:``/``group:``/``serviceAccount:`` for GCP)."""


class TableDefinitionError(ValidationError):
    """The declared tables are unusable: none, no primary key, duplicates, unknown column type."""


class CollisionError(ValidationError):
    """Two channels in one app claim the same topic prefix, server id, slot name or dataset."""


_COMBINED: dict[tuple[type[ValidationError], ...], type[ValidationError]] = {}


def error_kinds(error: type[ValidationError]) -> tuple[type[ValidationError], ...]:
    """The kinds ``error`` combines (:func:`combined_error`), or ``(error,)`` for a single kind."""
    for unique, combined in _COMBINED.items():
        if combined is error:
            return unique
    return (error,)


def combined_error(kinds: Sequence[type[ValidationError]]) -> type[ValidationError]:
    """One error class deriving from every class of ``kinds`` (``except`` on any of them catches it).

    A check that finds problems of several kinds (a bad prop and a bad name) raises one error of this
    class, so every problem is reported at once and existing ``except`` clauses keep working.
    """
    unique = tuple(dict.fromkeys(k for kind in kinds for k in error_kinds(kind)))
    if len(unique) == 1:
        return unique[0]
    if unique not in _COMBINED:
        name = "And".join(k.__name__.removesuffix("Error") for k in unique) + "Error"
        _COMBINED[unique] = type(name, unique, {"__doc__": "Problems of several kinds: " + ", ".join(
            k.__name__ for k in unique) + ".", "__module__": __name__})
    return _COMBINED[unique]


class KindedProblems:
    """Problems of one check sorted by kind (the error class each belongs to), raised as one error.

    Args:
        path: the construct path every problem carries.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._by_kind: dict[type[ValidationError], tuple[ProblemCollector, str]] = {}

    def of(self, kind: type[ValidationError], summary: str = "") -> ProblemCollector:
        """The collector of ``kind`` problems; ``summary`` is the message when only that kind is found."""
        if kind not in self._by_kind:
            self._by_kind[kind] = (ProblemCollector(self.path), summary or f"invalid input at {self.path}")
        return self._by_kind[kind][0]

    @property
    def problems(self) -> list[Problem]:
        """Every problem recorded, in the order the kinds were first asked for."""
        return [p for collector, _ in self._by_kind.values() for p in collector.problems]

    def raise_if_any(self, summary: str) -> None:
        """Raise one error with every problem: of the one kind found (with its summary), or of a combined class.

        Args:
            summary: the message when problems of several kinds were found.
        """
        found = [(kind, text) for kind, (collector, text) in self._by_kind.items() if collector.problems]
        if not found:
            return
        error = combined_error([kind for kind, _ in found])
        raise error(self.problems, summary=found[0][1] if len(found) == 1 else summary)
