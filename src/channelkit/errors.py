"""The error hierarchy of channelkit.

Every failure a user can cause is raised as a :class:`ChannelkitError`
subclass. Validation errors gather *every* problem found in one check and
report them together, each naming the construct path, the field, the bad
value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ArgumentError",
    "ChannelkitError",
    "FileError",
    "Problem",
    "SchemaError",
    "TerraformError",
    "ValidationError",
]


class ChannelkitError(Exception):
    """Base class of every error channelkit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes:
        path: construct path (``stack/channel/Topic``) or file location.
        field: the argument or property at fault.
        value: the value that was given (already redacted if secret).
        allowed: what would have been accepted.
        location: where the value was written, ``file:line:column`` (a YAML declaration), or None.
    """

    path: str
    field: str
    value: Any
    allowed: str
    location: str | None = None

    def render(self) -> str:
        """One line for humans: ``[file:line:column: ]path: field = value: allowed``."""
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.path}: {self.field} = {_show(self.value)}: {self.allowed}"


_MISSING_TEXT = "<missing>"


def _show(value: Any) -> str:
    if value is MISSING:
        return _MISSING_TEXT
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class _Missing:
    """Marker for a value that was not given at all."""

    def __repr__(self) -> str:
        return _MISSING_TEXT


MISSING: Any = _Missing()


class ValidationError(ChannelkitError):
    """Input that breaks a rule, with every problem found in one check."""

    def __init__(self, problems: Iterable[Problem], *, summary: str = "invalid input") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a ValidationError needs at least one problem")
        self.summary = summary
        lines = [f"{summary} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}):"]
        lines += [f"  - {p.render()}" for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def fields(self) -> list[str]:
        """The fields at fault, in the order they were found."""
        return [p.field for p in self.problems]


class ArgumentError(ValidationError):
    """A generated binding was given an unknown, missing or mistyped argument."""


class SchemaError(ChannelkitError):
    """A provider schema file could not be read or makes no sense."""


class FileError(ChannelkitError):
    """A file or directory could not be read, decoded, parsed or written (I/O, not UTF-8, bad JSON or YAML)."""


class TerraformError(ChannelkitError):
    """The terraform binary failed, or could not be found or configured."""


class ProblemCollector:
    """Gathers problems during one check and raises them together.

    Example::

        problems = ProblemCollector(path)
        problems.check(partitions >= 1, "partitions", partitions, "an integer >= 1")
        problems.raise_if_any(ValidationError, "invalid topic")
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, field: str, value: Any, allowed: str, *, path: str | None = None) -> None:
        """Record one problem."""
        self.problems.append(Problem(path or self.path, field, value, allowed))

    def check(self, ok: bool, field: str, value: Any, allowed: str) -> bool:
        """Record a problem unless ``ok``; return ``ok``."""
        if not ok:
            self.add(field, value, allowed)
        return ok

    def raise_if_any(self, error: type[ValidationError] = ValidationError, summary: str = "invalid input") -> None:
        """Raise ``error`` carrying every problem recorded, if any."""
        if self.problems:
            raise error(self.problems, summary=summary)


__all__ += ["MISSING", "ProblemCollector"]
