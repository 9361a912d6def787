"""The one place channelkit imports CDK for Terraform.

HashiCorp archived CDKTF (``cdktf``) on 2025-12-10; CDK Terrain (``cdktn``) is
its maintained, renamed drop-in. Everything in channelkit takes the CDK from
this module, so either works:

- ``CHANNELKIT_CDK=cdktn`` selects CDK Terrain, ``CHANNELKIT_CDK=cdktf`` CDKTF;
- otherwise ``cdktf`` is used when installed, else ``cdktn``.

Importing this module also silences jsii's banner about the machine's Node.js
release (it would otherwise print on every run); set the variables yourself
to see it again.

It also loads channelkit's node-side helper classes into the jsii kernel
(:data:`NODE_ASSEMBLY`): three small subclasses of the CDK's
``TerraformResource``, ``TerraformDataSource`` and ``TerraformProvider`` that
keep a generated block's rendered attributes in node, so that synthesis does
not call back into Python for every resource, and ``Batch``, static helpers that
do in one round trip what would take several (the string references of several
blocks; several plain grouping constructs in one scope). The assembly is written here,
in a temporary directory, for whichever CDK was selected; the classes are
public cdktf/cdktn subclasses and change nothing in the CDK itself.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import tarfile
import tempfile
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["CDK_NAME", "NODE_ASSEMBLY", "cdk", "jsii"]

from ._env import quiet_jsii

quiet_jsii()


def _load() -> ModuleType:
    wanted = os.environ.get("CHANNELKIT_CDK", "").strip()
    names = [wanted] if wanted else ["cdktf", "cdktn"]
    errors = []
    for name in names:
        if name not in ("cdktf", "cdktn"):
            raise ImportError(f"CHANNELKIT_CDK must be 'cdktf' or 'cdktn', not {name!r}")
        try:
            return importlib.import_module(name)
        except ImportError as exc:  # pragma: no cover - depends on the environment
            errors.append(f"{name}: {exc}")
    raise ImportError("channelkit needs cdktf or cdktn: " + "; ".join(errors))  # pragma: no cover


if TYPE_CHECKING:
    import cdktf as cdk
else:
    cdk = _load()
CDK_NAME: str = cdk.__name__

import jsii  # noqa: E402  (after the environment is set)

#: Name of the jsii assembly with channelkit's node-side classes for the selected CDK.
NODE_ASSEMBLY: str = f"channelkit-{CDK_NAME}-runtime"
_NODE_VERSION = "1.0.0"

# The node side of channelkit.runtime's _Stored* classes. ``synthesizeAttributes``
# returns a fresh copy of the attributes given at construction (cdktf's deepMerge
# of overrides mutates what it is handed, and synthesis runs it twice), copying plain
# objects and arrays only: tokens and other class instances pass through as they are.
_NODE_JS = """\
"use strict";
const cdk = require("%(cdk)s");
const { Construct } = require("constructs");
const RTTI = Symbol.for("jsii.rtti");
const ONE_ARGUMENT_FNS = ["base64decode", "base64encode", "lower", "upper", "sha256"];
function copy(value) {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const key of Object.keys(value)) out[key] = copy(value[key]);
    return out;
  }
  return value;
}
function references(element, names, calls) {
  const out = {};
  for (const name of names) out[name] = element.getStringAttribute(name);
  for (const [fn, name] of calls || []) {
    if (!ONE_ARGUMENT_FNS.includes(fn)) throw new Error(`channelkit: Fn.${fn} is not a one-argument function`);
    out[`${fn}(${name})`] = cdk.Fn[fn](name in out ? out[name] : element.getStringAttribute(name));
  }
  return out;
}
class Batch {
  static stringReferences(elements, names) { return elements.map((element, i) => references(element, names[i])); }
  static constructs(scope, ids) { return ids.map((id) => new Construct(scope, id)); }
}
class StoredResource extends cdk.TerraformResource {
  constructor(scope, id, config, attributes) {
    super(scope, id, config);
    this.channelkitAttributes = attributes || {};
  }
  synthesizeAttributes() { return copy(this.channelkitAttributes); }
  stringReferences(names, calls) { return references(this, names, calls); }
}
class StoredDataSource extends cdk.TerraformDataSource {
  constructor(scope, id, config, attributes) {
    super(scope, id, config);
    this.channelkitAttributes = attributes || {};
  }
  synthesizeAttributes() { return copy(this.channelkitAttributes); }
  stringReferences(names, calls) { return references(this, names, calls); }
}
class StoredProvider extends cdk.TerraformProvider {
  constructor(scope, id, config, attributes, alias) {
    super(scope, id, config);
    this.channelkitAttributes = attributes || {};
    this.channelkitAlias = alias === null ? undefined : alias;
  }
  get alias() { return this.channelkitAlias; }
  set alias(value) { this.channelkitAlias = value === null ? undefined : value; }
  synthesizeAttributes() { return copy(this.channelkitAttributes); }
}
StoredResource[RTTI] = { fqn: "%(asm)s.StoredResource", version: "%(version)s" };
StoredDataSource[RTTI] = { fqn: "%(asm)s.StoredDataSource", version: "%(version)s" };
StoredProvider[RTTI] = { fqn: "%(asm)s.StoredProvider", version: "%(version)s" };
Batch[RTTI] = { fqn: "%(asm)s.Batch", version: "%(version)s" };
module.exports = { StoredResource, StoredDataSource, StoredProvider, Batch };
"""


def _node_assembly_spec(cdk_version: str, constructs_version: str) -> dict[str, object]:
    """The jsii manifest (``.jsii``) describing the classes in :data:`_NODE_JS`."""
    asm, base = NODE_ASSEMBLY, CDK_NAME
    any_map = {"collection": {"kind": "map", "elementtype": {"primitive": "any"}}}
    string_list = {"collection": {"kind": "array", "elementtype": {"primitive": "string"}}}
    string_map = {"collection": {"kind": "map", "elementtype": {"primitive": "string"}}}
    scope_id = [
        {"name": "scope", "type": {"fqn": "constructs.Construct"}},
        {"name": "id", "type": {"primitive": "string"}},
    ]

    def cls(name: str, parent: str, config: str, extra: list[dict[str, object]], refs: bool) -> dict[str, object]:
        methods: list[dict[str, object]] = [
            {"name": "synthesizeAttributes", "overrides": f"{base}.{parent}", "protected": True,
             "returns": {"type": any_map}},
        ]
        if refs:
            calls = {"collection": {"kind": "array", "elementtype": string_list}}
            methods.append({"name": "stringReferences",
                            "parameters": [{"name": "names", "type": string_list},
                                           {"name": "calls", "optional": True, "type": calls}],
                            "returns": {"type": string_map}})

        params = [*scope_id, {"name": "config", "type": {"fqn": f"{base}.{config}"}},
                  {"name": "attributes", "type": any_map}, *extra]
        return {"assembly": asm, "fqn": f"{asm}.{name}", "kind": "class", "name": name, "base": f"{base}.{parent}",
                "initializer": {"parameters": params}, "methods": methods}

    alias = {"name": "alias", "optional": True, "type": {"primitive": "string"}}
    types = {
        f"{asm}.StoredResource": cls("StoredResource", "TerraformResource", "TerraformResourceConfig", [], True),
        f"{asm}.StoredDataSource": cls("StoredDataSource", "TerraformDataSource", "TerraformResourceConfig", [], True),
        f"{asm}.StoredProvider": cls("StoredProvider", "TerraformProvider", "TerraformProviderConfig", [alias], False),
    }
    def array_of(element: object) -> dict[str, object]:
        return {"collection": {"kind": "array", "elementtype": element}}

    types[f"{asm}.Batch"] = {
        "assembly": asm, "fqn": f"{asm}.Batch", "kind": "class", "name": "Batch",
        "methods": [
            {"name": "stringReferences", "static": True,
             "parameters": [{"name": "elements", "type": array_of({"fqn": f"{base}.TerraformElement"})},
                            {"name": "names", "type": array_of(string_list)}],
             "returns": {"type": array_of(string_map)}},
            {"name": "constructs", "static": True,
             "parameters": [{"name": "scope", "type": {"fqn": "constructs.Construct"}},
                            {"name": "ids", "type": string_list}],
             "returns": {"type": array_of({"fqn": "constructs.Construct"})}},
        ],
    }
    types[f"{asm}.StoredProvider"]["properties"] = [
        {"name": "alias", "optional": True, "overrides": f"{base}.TerraformProvider", "type": {"primitive": "string"}}
    ]
    return {
        "schema": "jsii/0.10.0", "name": asm, "version": _NODE_VERSION, "license": "Apache-2.0",
        "description": "channelkit's node-side base classes for generated bindings",
        "homepage": "https://github.com/channelkit/channelkit",
        "repository": {"type": "git", "url": "https://github.com/channelkit/channelkit.git"},
        "author": {"name": "channelkit", "roles": ["author"]},
        "fingerprint": f"channelkit-{base}-{cdk_version}", "jsiiVersion": "1.0.0",
        "dependencies": {base: cdk_version, "constructs": constructs_version},
        "targets": {"python": {"module": "channelkit.runtime", "distName": "channelkit"}},
        "types": types,
    }


def _load_node_assembly() -> None:
    """Write the helper assembly as an npm-style tarball and load it into the jsii kernel."""
    # the CDK's own jsii packages, loaded by now: their versions go into the manifest
    cdk_version = importlib.import_module(f"{CDK_NAME}._jsii").__jsii_assembly__.version
    constructs_version = importlib.import_module("constructs._jsii").__jsii_assembly__.version
    files = {
        "package/package.json": json.dumps({"name": NODE_ASSEMBLY, "version": _NODE_VERSION, "main": "index.js",
                                            "license": "Apache-2.0"}),
        "package/index.js": _NODE_JS % {"cdk": CDK_NAME, "asm": NODE_ASSEMBLY, "version": _NODE_VERSION},
        "package/.jsii": json.dumps(_node_assembly_spec(cdk_version, constructs_version)),
    }
    with tempfile.TemporaryDirectory(prefix="channelkit-jsii-") as tmp:
        tarball = os.path.join(tmp, f"{NODE_ASSEMBLY}@{_NODE_VERSION}.jsii.tgz")
        with tarfile.open(tarball, "w:gz") as tar:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
        jsii.kernel.load(NODE_ASSEMBLY, _NODE_VERSION, tarball)


_load_node_assembly()
