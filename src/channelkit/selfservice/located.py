"""YAML read into plain values that remember where each was written (``file:line:column``).

PyYAML's composer gives every node its position; this module turns a document's node tree into
:class:`Located` values (mappings of ``str`` to Located, lists of Located, or scalars as YAML resolves
them), refusing what YAML allows but a declaration must not hold: duplicate keys and keys that are not
strings. Anchors, aliases and merge keys (``<<: *defaults``, explicit keys winning) work as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from channelkit.errors import FileError

__all__ = ["Located", "YamlSyntaxError", "read_yaml"]


class YamlSyntaxError(FileError):
    """A file is not well-formed YAML, or holds duplicate or non-string mapping keys."""


@dataclass(frozen=True)
class Located:
    """One YAML value and where it was written.

    Attributes:
        value: ``dict[str, Located]``, ``list[Located]`` or a scalar (str, int, float, bool, None, datetime, date).
        where: ``file:line:column`` (1-based) of the value.
    """

    value: Any
    where: str

    @property
    def plain(self) -> Any:
        """The value without positions (nested all the way down)."""
        if isinstance(self.value, dict):
            return {k: v.plain for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain for v in self.value]
        return self.value


def _where(name: str, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{name}:{mark.line + 1}:{mark.column + 1}"


def read_yaml(path: Path, *, name: str | None = None) -> Located | None:
    """The single YAML document of ``path`` as a :class:`Located` tree (None for an empty file).

    Args:
        path: the file.
        name: how positions name the file (default: ``path`` as given).

    Raises:
        FileError: the file cannot be read or is not UTF-8.
        YamlSyntaxError: not YAML, several documents, a duplicate key or a key that is not a string.
    """
    shown = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"cannot read {shown}: {exc}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(loader, node, shown)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        raise YamlSyntaxError(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"{shown}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def _convert(loader: yaml.SafeLoader, node: yaml.Node, name: str) -> Located:
    where = _where(name, node)
    if isinstance(node, yaml.MappingNode):
        merged: dict[str, Located] = {}  # ``<<: *defaults``: the explicit keys win
        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    found = _convert(loader, source, name)
                    if not isinstance(found.value, dict):
                        raise YamlSyntaxError(f"{found.where}: '<<' merges a mapping, not {found.plain!r}")
                    merged = {**found.value, **merged}
                continue
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                raise YamlSyntaxError(f"{_where(name, key_node)}: a mapping key must be a string, not {key!r}")
            if key in out:
                raise YamlSyntaxError(f"{_where(name, key_node)}: duplicate key {key!r} (first at {out[key].where})")
            out[key] = _convert(loader, value_node, name)
        return Located({**merged, **out}, where)
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(loader, item, name) for item in node.value], where)
    return Located(loader.construct_object(node), where)
