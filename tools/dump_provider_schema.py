"""Dump a provider's schema from the real provider binary in the local mirror.

Reproduces ``src/channelkit/schemas/aws.json``::

    python tools/dump_provider_schema.py --provider hashicorp/aws --version 5.100.0 \
        --keep-from src/channelkit/schemas/providers.yaml --out src/channelkit/schemas/aws.json

Without ``--keep-from`` the whole schema is written (what the generator
benchmark reads). The mirror is found automatically; set
``CHANNELKIT_PROVIDER_MIRROR`` to choose one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml

from channelkit.schema.trim import trim_schema
from channelkit.terraform import TerraformRunner


def dump(provider: str, version: str) -> dict:
    """Run ``terraform providers schema -json`` for ``provider`` at ``version``."""
    with tempfile.TemporaryDirectory(prefix="channelkit-schema-") as tmp:
        local_name = provider.split("/")[-1]
        config = {"terraform": {"required_providers": {local_name: {"source": provider, "version": version}}}}
        Path(tmp, "main.tf.json").write_text(json.dumps(config), encoding="utf-8")
        runner = TerraformRunner(Path(tmp))
        try:
            runner.init()
            out = runner.run("providers", "schema", "-json").stdout
        finally:
            runner.close()
    return json.loads(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", required=True, help="namespace/type, e.g. hashicorp/aws")
    parser.add_argument("--version", required=True)
    parser.add_argument("--keep-from", type=Path, help="providers.yaml: keep only the types listed there")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    schema = dump(args.provider, args.version)
    if args.keep_from:
        manifest = yaml.safe_load(args.keep_from.read_text(encoding="utf-8"))
        entry = next(p for p in manifest["providers"].values() if p["source"] == args.provider)
        schema = trim_schema(schema, entry.get("resources", []), entry.get("data_sources", []))
    args.out.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
