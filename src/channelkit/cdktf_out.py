"""Reading a cdktf output directory: its ``manifest.json`` and its synthesized stacks.

``channelkit validate`` and ``channelkit synth`` read what an app wrote, or what a person pointed them
at; each failure is one typed error naming the file: unreadable, not UTF-8, not JSON, a ``manifest.json``
without ``stacks`` entries that name a ``synthesizedStackPath``, or a stack that is not a JSON object
of Terraform sections (``resource`` must map types to blocks, each block an object, and so on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._files import read_json_object
from .errors import ChannelkitError

__all__ = ["OutputError", "load_stack", "stack_files"]

#: Top-level sections that map a name to an object (``resource`` and ``data`` one level deeper).
_MAPPINGS = ("terraform", "provider", "variable", "locals", "output", "module")


class OutputError(ChannelkitError):
    """A cdktf output directory, its manifest or one of its stacks could not be read or makes no sense."""


def stack_files(directory: Path) -> list[tuple[str, Path]]:
    """(name, path) of every stack in ``directory``: from ``manifest.json`` when present, else ``stacks/*``.

    Raises:
        OutputError: the manifest cannot be read, or it is not ``{"stacks": {NAME: {"synthesizedStackPath": ...}}}``.
    """
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return sorted((p.parent.name, p) for p in directory.glob("stacks/*/cdk.tf.json"))
    data = read_json_object(manifest, what="cdktf manifest", error=OutputError)
    stacks = data.get("stacks") or {}
    if not isinstance(stacks, dict):
        raise OutputError(f"cdktf manifest {manifest}: 'stacks' must be an object of stack entries")
    found = []
    for name, info in stacks.items():
        stack_path = info.get("synthesizedStackPath") if isinstance(info, dict) else None
        if not isinstance(stack_path, str) or not stack_path:
            raise OutputError(f"cdktf manifest {manifest}: stack {name!r} has no synthesizedStackPath (a path)")
        found.append((name, directory / stack_path))
    return sorted(found)


def _shape_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with the structure of a synthesized stack, or None."""
    for section in _MAPPINGS:
        if section in doc and not isinstance(doc[section], dict | None):
            return f"{section!r} must be an object"
    required = (doc.get("terraform") or {}).get("required_providers") or {}
    if not isinstance(required, dict) or not all(isinstance(v, dict | str) for v in required.values()):
        return "terraform.required_providers must map local names to {source, version} objects"
    for local, configs in (doc.get("provider") or {}).items():
        items = configs if isinstance(configs, list) else [configs]
        if not all(isinstance(c, dict) for c in items):
            return f"provider.{local} must be an object or a list of objects"
    for section in ("resource", "data"):
        types = doc.get(section) or {}
        if not isinstance(types, dict):
            return f"{section!r} must map types to blocks"
        for type_name, blocks in types.items():
            if not isinstance(blocks, dict):
                return f"{section}.{type_name} must map names to blocks"
            for name, body in blocks.items():
                if not isinstance(body, dict):
                    return f"{section}.{type_name}.{name} must be an object"
                meta = body.get("//", {})
                metadata = meta.get("metadata", {}) if isinstance(meta, dict) else None
                if not isinstance(metadata, dict) or not isinstance(metadata.get("path", ""), str):
                    return f"{section}.{type_name}.{name}: '//' must be cdktf metadata ({{metadata: {{path}}}})"
    return None


def load_stack(path: Path, name: str | None = None) -> dict[str, Any]:
    """The synthesized stack at ``path`` (``cdk.tf.json``), checked for the shape Terraform JSON has.

    Raises:
        OutputError: the file cannot be read, is not JSON, not an object, or a section has the wrong shape.
    """
    what = f"stack {name!r} at" if name else "synthesized stack"
    doc = read_json_object(path, what=what, error=OutputError)
    problem = _shape_problem(doc)
    if problem:
        raise OutputError(f"{what} {path} is not a synthesized Terraform stack: {problem}")
    return doc
