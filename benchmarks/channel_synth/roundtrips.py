"""Count jsii round trips (Python → node requests, each answered once) for one org synthesis.

Usage::

    .venv/bin/python benchmarks/channel_synth/roundtrips.py [N] [--mode channelkit|prebuilt] [--top 15]

Wraps the jsii kernel's process provider for this process only (``_NodeProcess.send``: one
request written to node and one answer read back). A node→Python callback is answered with a
``complete`` request, so it counts too. Prints totals, round trips per resource, and the most
frequent requests by kind and member name.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=50)
    parser.add_argument("--mode", default="channelkit")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    from jsii._kernel.providers import process

    import channelkit  # noqa: F401  (quiets jsii)

    counts: collections.Counter[str] = collections.Counter()
    blocked = [0.0]
    original = process._NodeProcess.send

    def counted(self: Any, request: Any, response_type: Any) -> Any:
        kind = type(request).__name__.removesuffix("Request")
        name = getattr(request, "method", None) or getattr(request, "property", None) or getattr(request, "fqn", "")
        if kind == "_Complete":
            kind, name = "complete", "(callback answer)"
        counts[f"{kind} {name}"] += 1
        start = time.perf_counter()
        try:
            return original(self, request, response_type)
        finally:
            blocked[0] += time.perf_counter() - start

    process._NodeProcess.send = counted  # type: ignore[method-assign]  # this benchmark process only

    import org_app

    from channelkit._cdk import cdk

    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "prebuilt":
            import cdktf_cdktf_provider_google.bigquery_table  # noqa: F401
        before = sum(counts.values())
        app = cdk.App(outdir=tmp)
        (org_app._channelkit if args.mode == "channelkit" else org_app._prebuilt)(app, args.n)
        built = sum(counts.values())
        app.synth()
        total = sum(counts.values())
        docs = [json.loads(f.read_text()) for f in Path(tmp, "stacks").glob("*/cdk.tf.json")]
        resources = sum(len(v) for d in docs for v in d["resource"].values())
    work = total - before
    print(json.dumps({
        "n": args.n, "mode": args.mode, "resources": resources, "round_trips": work,
        "build": built - before, "synth": total - built,
        "per_resource": round(work / resources, 2), "blocked_s": round(blocked[0], 2),
        "top": counts.most_common(args.top),
    }, indent=1))


if __name__ == "__main__":
    main()
