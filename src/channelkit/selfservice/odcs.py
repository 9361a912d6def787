"""An ODCS v3.1 contract written by channelkit, read back as a channels file.

The catalog writes one Open Data Contract Standard contract per channel (:mod:`channelkit.catalog.odcs`).
``load_channels`` accepts such a contract wherever it accepts a channels file: the standard fields decide
what they say, so a contract edited in a contract tool takes effect:

- ``schema``: each object is a captured table (``name``, ``description``, ``primaryKey`` and
  ``primaryKeyPosition``), each property a column (``name``, ``description``, ``classification``, the ``pii``
  tag); its type is channelkit's ``declaredType`` (else ``sourceType``), its masking ``declaredMasking``;
  ``quality`` entries of type ``custom`` and engine ``channelkit`` are its checks;
- ``team``: the owner (its name, and the member whose role is ``owner`` as the contact);
- ``roles``: the readers (the principal, and the ``system``, ``clearance`` and ``expires`` custom properties);
- ``version``: the contract version;

and channelkit's ``customProperties.channelkit`` holds the rest as a channels file declares it (the source,
platform and warehouse, retention, partitions; the stack's AWS provider under ``stack``). Every value keeps
its position in the contract, so errors point to the contract's ``file:line:column``.
"""

from __future__ import annotations

from typing import Any

from .located import Located, YamlSyntaxError

__all__ = ["QUALITY_ENGINE", "contract_as_file", "is_contract"]

#: The engine of the quality entries that are channelkit checks.
QUALITY_ENGINE = "channelkit"


def is_contract(root: Located | None) -> bool:
    """Whether ``root`` is an ODCS data contract (``apiVersion`` and ``kind: DataContract``)."""
    return (root is not None and isinstance(root.value, dict) and "apiVersion" in root.value
            and getattr(root.value.get("kind"), "value", None) == "DataContract")


def _map(node: Located | None) -> dict[str, Located]:
    return node.value if node is not None and isinstance(node.value, dict) else {}


def _list(node: Located | None) -> list[Located]:
    return node.value if node is not None and isinstance(node.value, list) else []


def _custom(node: Located) -> dict[str, Located]:
    """A node's ``customProperties``: property name → its value."""
    out: dict[str, Located] = {}
    for item in _list(_map(node).get("customProperties")):
        fields = _map(item)
        name = fields.get("property")
        if name is not None and isinstance(name.value, str) and "value" in fields:
            out[name.value] = fields["value"]
    return out


def _checks(node: Located) -> Located | None:
    """The channelkit checks among a node's ``quality`` entries."""
    found = [fields["implementation"] for item in _list(_map(node).get("quality"))
             if (fields := _map(item)).get("engine") is not None and fields["engine"].value == QUALITY_ENGINE
             and "implementation" in fields]
    where = _map(node).get("quality")
    return Located(found, where.where) if found and where is not None else None


def _column(prop: Located) -> Located:
    fields, custom = _map(prop), _custom(prop)
    out: dict[str, Located] = {}
    for key in ("name", "description", "classification"):
        if key in fields:
            out[key] = fields[key]
    kind = custom.get("declaredType") or custom.get("sourceType")
    if kind is not None:
        out["type"] = kind
    tags = [t.value for t in _list(fields.get("tags"))]
    pii = custom.get("pii")
    if "pii" in tags or (pii is not None and pii.value is True):
        out["pii"] = Located(True, (pii or prop).where)
    if "declaredMasking" in custom:
        out["masking"] = custom["declaredMasking"]
    checks = _checks(prop)
    if checks is not None:
        out["checks"] = checks
    return Located(out, prop.where)


def _table(obj: Located) -> Located:
    fields = _map(obj)
    out: dict[str, Located] = {k: fields[k] for k in ("name", "description") if k in fields}
    props = _list(fields.get("properties"))
    keyed = sorted((p for p in props if getattr(_map(p).get("primaryKey"), "value", False) is True),
                   key=lambda p: getattr(_map(p).get("primaryKeyPosition"), "value", 0) or 0)
    out["primary_key"] = Located([_map(p)["name"] for p in keyed if "name" in _map(p)],
                                 fields["properties"].where if "properties" in fields else obj.where)
    out["columns"] = Located([_column(p) for p in props], fields["properties"].where if props else obj.where)
    checks = _checks(obj)
    if checks is not None:
        out["checks"] = checks
    return Located(out, obj.where)


def _reader(role: Located) -> Located:
    fields, custom = _map(role), _custom(role)
    system = custom.get("system")
    out: dict[str, Located] = {}
    if system is not None and isinstance(system.value, str) and "role" in fields:
        out[system.value] = fields["role"]
    for key in ("clearance", "expires"):
        if key in custom and custom[key].value is not None:
            out[key] = custom[key]
    return Located(out, role.where)


def _owner(team: Located | None, root: Located) -> Located | None:
    fields = _map(team)
    if team is None:
        return None
    owner = next((m for m in _list(fields.get("members")) if getattr(_map(m).get("role"), "value", None) == "owner"),
                 None)
    out: dict[str, Located] = {}
    if "name" in fields:
        out["name"] = fields["name"]
    if owner is not None and "username" in _map(owner):
        out["email"] = _map(owner)["username"]
    return Located(out, team.where)


def contract_as_file(root: Located, name: str) -> Located:
    """The channels-file form of the contract ``root`` (values keep their positions in the contract).

    Raises:
        YamlSyntaxError: the contract has no ``customProperties.channelkit`` (it was not written by channelkit).
    """
    fields, custom = _map(root), _custom(root)
    declared = custom.get("channelkit")
    if declared is None or not isinstance(declared.value, dict):
        raise YamlSyntaxError(f"{root.where}: an ODCS contract channelkit reads needs its customProperties "
                              "'channelkit' (the source, platform and warehouse as a channels file declares them), "
                              "as channelkit's catalog writes it")
    channel = {k: v for k, v in declared.value.items() if k != "stack"}
    channel["tables"] = Located([_table(o) for o in _list(fields.get("schema"))],
                                fields["schema"].where if "schema" in fields else root.where)
    owner = _owner(fields.get("team"), root)
    if owner is not None:
        channel["owner"] = owner
    roles = _list(fields.get("roles"))
    if roles:
        channel["readers"] = Located([_reader(r) for r in roles], fields["roles"].where)
    if "version" in fields:
        channel["version"] = fields["version"]
    out: dict[str, Any] = {"channels": Located([Located(channel, declared.where)], declared.where)}
    path = custom.get("constructPath")
    if path is not None and isinstance(path.value, str) and "/" in path.value:
        out["stack"] = Located(path.value.split("/", 1)[0], path.where)
    stack = _map(_map(declared).get("stack"))
    if "aws" in stack:
        out["aws"] = stack["aws"]
    return Located(out, root.where)
