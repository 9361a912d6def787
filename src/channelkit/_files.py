"""Reading and writing the files the CLI is pointed at, with one typed error per failure (private).

Every failure (missing file, a directory where a file was expected, permissions, bytes that are not
UTF-8, JSON or YAML that does not parse, a document of the wrong shape) becomes the ``error`` class the
caller names (default :class:`~channelkit.errors.FileError`), with the path and what was expected,
never a raw ``OSError``/``UnicodeDecodeError``/``JSONDecodeError``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ChannelkitError, FileError

__all__ = ["make_dir", "read_json", "read_json_object", "read_text", "read_yaml_object", "write_text"]


def _why(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def read_text(path: Path, *, what: str = "file", error: type[ChannelkitError] = FileError) -> str:
    """The UTF-8 text of ``path``.

    Raises:
        ChannelkitError: (``error``) the file cannot be read or is not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} {path}: {_why(exc)}") from None


def read_json(path: Path, *, what: str = "file", error: type[ChannelkitError] = FileError) -> Any:
    """The parsed JSON of ``path``.

    Raises:
        ChannelkitError: (``error``) the file cannot be read, is not UTF-8 or not JSON.
    """
    text = read_text(path, what=what, error=error)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise error(f"cannot read {what} {path}: not valid JSON: {exc}") from None


def _object(data: Any, path: Path, what: str, error: type[ChannelkitError]) -> dict[str, Any]:
    if not isinstance(data, dict):
        shown = "null" if data is None else type(data).__name__
        raise error(f"{what} {path} is not a JSON object (a mapping) but {shown}")
    return data


def read_json_object(path: Path, *, what: str = "file", error: type[ChannelkitError] = FileError) -> dict[str, Any]:
    """The parsed JSON of ``path``, which must be an object.

    Raises:
        ChannelkitError: (``error``) as :func:`read_json`, or the document is not an object (``[]``, ``null``).
    """
    return _object(read_json(path, what=what, error=error), path, what, error)


def read_yaml_object(path: Path, *, what: str = "file", error: type[ChannelkitError] = FileError) -> dict[str, Any]:
    """The parsed YAML of ``path``, which must be a mapping.

    Raises:
        ChannelkitError: (``error``) the file cannot be read, is not UTF-8, not YAML, or not a mapping.
    """
    import yaml

    text = read_text(path, what=what, error=error)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"cannot read {what} {path}: not valid YAML: {' '.join(str(exc).split())}") from None
    return _object(data, path, what, error)


def make_dir(path: Path, *, what: str = "directory", error: type[ChannelkitError] = FileError) -> Path:
    """Create ``path`` (and its parents) unless it is a directory already; return it.

    Raises:
        ChannelkitError: (``error``) a parent is a regular file, ``path`` is one, or permission is denied.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(f"cannot create {what} {path}: {_why(exc)}") from None
    return path


def write_text(path: Path, text: str, *, what: str = "file", error: type[ChannelkitError] = FileError) -> None:
    """Write ``text`` to ``path`` as UTF-8.

    Raises:
        ChannelkitError: (``error``) the file cannot be written.
    """
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot write {what} {path}: {_why(exc)}") from None
