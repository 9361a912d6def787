"""Channels declared in YAML: ``load_channels(app, "channels")`` builds them as the Python API would.

A file declares one stack (a team's channels)::

    stack: analytics                     # the stack's construct id (default: the file's name)
    owner: {name: analytics, email: analytics@acme.example}   # default owner of every channel
    aws: {region: eu-west-1}             # the stack's AWS provider, for AWS platforms and lakes
    policy: {org_domains: [acme.example]}  # a DataPolicy for this stack (the app's applies too)
    channels:
      - id: crm                          # the Channel's construct id
        source: {postgres: {host: crm-db.internal, database: crm}}
        kafka: main                      # a prop the app shares, or {kafka: {...}} / {msk: {...}}
        connect: main
        warehouse: {bigquery: {project: acme-warehouse, location: EU}}
        tables: [...]                    # Table, Column: the same fields as in Python
        readers: [{gcp: "group:crm-analysts@acme.example"}]
        retention: 14d

A file may also be an ODCS v3.1 contract channelkit's catalog wrote (:mod:`.odcs`): it declares the same
channel. Every problem of every file, from reading the YAML to the Channel's own checks, is gathered into one
error of the Channel's kinds, each problem carrying the ``file:line:column`` of the value at fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from constructs import Construct

from channelkit._cdk import cdk
from channelkit.constructs.errors import ConstructPropsError, combined_error
from channelkit.errors import FileError, Problem, ValidationError

from .convert import INVALID, Conversion
from .located import Located, read_yaml
from .odcs import contract_as_file, is_contract

__all__ = ["FILE_FIELDS", "channel_files", "load_channels", "load_policy"]

#: The top-level fields of a channels file.
FILE_FIELDS: tuple[str, ...] = ("stack", "owner", "aws", "policy", "channels")


def channel_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """The YAML files of ``paths``: files as given, directories' ``*.yaml`` and ``*.yml`` sorted by name.

    Raises:
        FileError: a path does not exist.
    """
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    found: list[Path] = []
    for item in map(Path, given):
        if item.is_dir():
            found += sorted(p for p in item.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        elif item.is_file():
            found.append(item)
        else:
            raise FileError(f"no such file or directory: {item}")
    return found


def load_channels(
    scope: Construct, paths: str | Path | Iterable[str | Path], *,
    shared: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Any]:
    """Build the channels the YAML files of ``paths`` declare.

    Args:
        scope: the app (each file becomes a stack of it) or a stack (every file's channels go in it; a
            file's ``stack`` must then name it or be left out).
        paths: files or directories (their ``*.yaml``/``*.yml`` files).
        shared: props the files may name instead of declaring: ``{"kafka": {"main": KafkaCluster(...)},
            "connect": {...}, "warehouse": {...}, "source": {...}}``.

    Returns:
        The channels, in file order.

    Raises:
        ValidationError: one error with every problem of every file (its class derives from each kind
            found, e.g. ``ConstructPropsError`` and ``PolicyViolationError``); each problem names the file,
            line and column, the construct path, the field and the value.
        FileError: a file cannot be read or is not well-formed YAML.
    """
    is_stack = isinstance(scope, cdk.TerraformStack)
    problems: list[Problem] = []
    kinds: list[type[ValidationError]] = []
    channels: list[Any] = []
    for path in channel_files(paths):
        root = read_yaml(path)
        if is_contract(root):  # an ODCS contract channelkit's catalog wrote (possibly edited since)
            assert root is not None
            root = contract_as_file(root, str(path))
        built, found, errors = _load_file(scope, path, root, shared or {}, is_stack)
        channels += built
        problems += found
        kinds += [k for k in errors if k not in kinds]
    if problems:
        error = combined_error(kinds or [ConstructPropsError])
        raise error(problems, summary=f"invalid channel declarations ({', '.join(map(str, channel_files(paths)))})")
    return channels


def load_policy(path: str | Path) -> Any:
    """The :class:`~channelkit.governance.DataPolicy` a YAML file declares (its fields at the top level).

    Apply it with ``load_policy("policy.yaml").apply(app)``.

    Raises:
        ConstructPropsError: a field is unknown, or a value is not what the policy accepts; each problem at
            its ``file:line:column``.
        FileError: the file cannot be read or is not well-formed YAML.
    """
    from channelkit.errors import ProblemCollector
    from channelkit.governance import DataPolicy

    file = Path(path)
    conversion = Conversion(path=str(file))
    root = read_yaml(file) or Located({}, f"{file}:1:1")
    policy = conversion.build(DataPolicy, root, "")
    if policy is not INVALID:
        checked = ProblemCollector(str(file))
        policy.check(checked)
        conversion.problems += [Problem(p.path, p.field, conversion.written.get(p.field, p.value), p.allowed,
                                        location=conversion.locate(p.field)) for p in checked.problems]
    if conversion.problems:
        raise ConstructPropsError(conversion.problems, summary=f"invalid data policy ({file})")
    return policy


def _load_file(
    scope: Construct, path: Path, root: Located | None, shared: Mapping[str, Mapping[str, Any]], is_stack: bool,
) -> tuple[list[Any], list[Problem], list[type[ValidationError]]]:
    from channelkit.constructs._util import path_of
    from channelkit.constructs.aws import aws_provider
    from channelkit.governance import DataPolicy
    from channelkit.patterns import Team

    name = str(path)
    top = Conversion(path=name, shared=shared)
    if root is None or not isinstance(root.value, dict):
        top.problem(root or Located(None, f"{name}:1:1"), "<file>", None if root is None else root.plain,
                    f"a mapping with the fields {', '.join(FILE_FIELDS)}")
        return [], top.problems, [ConstructPropsError]
    fields = {k: v for k, v in root.value.items() if k != "$schema"}
    for key in fields.keys() - set(FILE_FIELDS):
        top.problem(fields[key], key, fields[key].plain, f"one of the fields {', '.join(FILE_FIELDS)}")
    stack_node = fields.get("stack")
    stack_id = stack_node.value if stack_node is not None else path.stem
    if stack_node is not None and not (isinstance(stack_id, str) and stack_id):
        top.problem(stack_node, "stack", stack_node.plain, "a stack id (a non-empty string)")
    owner = top.build(Team, fields["owner"], "owner") if "owner" in fields else None
    policy = top.build(DataPolicy, fields["policy"], "policy") if "policy" in fields else None
    aws = top.call(aws_provider, fields["aws"], "aws", skip=("scope", "id", "local")) if "aws" in fields else None
    channel_nodes = fields.get("channels")
    if channel_nodes is None or not isinstance(channel_nodes.value, list) or not channel_nodes.value:
        where = channel_nodes or root
        top.problem(where, "channels", None if channel_nodes is None else channel_nodes.plain,
                    "a non-empty list of channels")
    if is_stack and isinstance(stack_id, str) and stack_node is not None and stack_id != scope.node.id:
        top.problem(stack_node, "stack", stack_id, f"{scope.node.id!r} (the stack the files are loaded into) or "
                                                   "left out")
    ours: dict[str, Any] = scope.__dict__.setdefault(_STACKS, {})  # stacks earlier files declared
    if not is_stack and isinstance(stack_id, str) and stack_id not in ours and scope.node.try_find_child(stack_id):
        top.problem(stack_node or root, "stack", stack_id, "a stack id the app does not use already (a file may "
                                                           "share a stack only with other channels files)")
    if aws is not None and (stack_id in ours or is_stack) and scope_has_aws(ours.get(stack_id, scope)):
        top.problem(fields["aws"], "aws", fields["aws"].plain, "left out: the stack has its AWS provider already "
                                                              "(declare it in one file of the stack)")
    if top.problems:
        return [], top.problems, [ConstructPropsError]
    if is_stack:
        stack = scope
    else:
        stack = ours.get(stack_id) or cdk.TerraformStack(scope, stack_id)
        ours[stack_id] = stack
    errors: list[type[ValidationError]] = []
    problems: list[Problem] = []
    for prefix, setup in (("aws", lambda: aws_provider(stack, **aws) if aws is not None else None),
                          ("policy", lambda: policy.apply(stack) if policy not in (None, INVALID) else None)):
        try:
            setup()
        except ValidationError as exc:
            problems += _locate(exc, top, prefix=prefix)
            errors.append(type(exc))
    if problems:
        return [], problems, errors
    built: list[Any] = []
    assert channel_nodes is not None
    for node in channel_nodes.value:
        channel, found, kind = _load_channel(stack, node, owner, shared, name, path_of(stack))
        problems += found
        if kind is not None:
            errors.append(kind)
        if channel is not None:
            built.append(channel)
    return built, problems, errors


_STACKS = "_channelkit_yaml_stacks"


def scope_has_aws(stack: Any) -> bool:
    """Whether ``stack`` has a construct ``aws`` (its default AWS provider) already."""
    return stack.node.try_find_child("aws") is not None


def _load_channel(
    stack: Construct, node: Located, owner: Any, shared: Mapping[str, Mapping[str, Any]], name: str, stack_path: str,
) -> tuple[Any, list[Problem], type[ValidationError] | None]:
    from channelkit.patterns import Channel

    id_node = node.value.get("id") if isinstance(node.value, dict) else None
    channel_id = id_node.value if id_node is not None else None
    conversion = Conversion(path=f"{stack_path}/{channel_id}", shared=shared)
    body = Located({k: v for k, v in node.value.items() if k != "id"}, node.where) if isinstance(
        node.value, dict) else node
    if id_node is None or not isinstance(channel_id, str):
        conversion.problem(id_node or node, "id", None if id_node is None else id_node.plain,
                           "the channel's construct id (a string)")
    has_owner = isinstance(body.value, dict) and "owner" in body.value
    if not has_owner and owner is not None and owner is not INVALID:  # the file's owner serves
        body = Located({**body.value, "owner": Located(owner, body.where)}, body.where)
    kwargs = conversion.call(Channel.__init__, body, "", skip=("self", "scope", "id"))
    if kwargs is None or not isinstance(channel_id, str):
        return None, conversion.problems, ConstructPropsError
    # unknown fields are reported with the channel's own problems, which still run
    found = conversion.problems
    try:
        channel = Channel(stack, channel_id, **kwargs)
    except ValidationError as exc:
        kind = type(exc) if not found else combined_error([ConstructPropsError, type(exc)])
        return None, found + _locate(exc, conversion), kind
    if found:  # the whole load is refused: nothing is synthesized
        return None, found, ConstructPropsError
    return channel, [], None


#: Fields the Channel names by themselves that a file writes inside the source.
_ALIASES = {"topic_prefix": "source.topic_prefix", "topic": "source.topic_prefix"}


def _locate(exc: ValidationError, conversion: Conversion, prefix: str = "") -> list[Problem]:
    """The problems of ``exc``, each with the position of the value at fault."""
    out = []
    for p in exc.problems:
        field = f"{prefix}.{p.field}" if prefix and not p.field.startswith(prefix) else p.field
        alias = _ALIASES.get(field)
        if alias is not None and alias in conversion.where:
            field = alias
        value = conversion.written.get(field, p.value)  # as written: ``40d``, not timedelta(days=40)
        out.append(Problem(p.path, p.field, value, p.allowed, location=conversion.locate(field)))
    return out
