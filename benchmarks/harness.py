"""Time whole processes: wall seconds and peak resident memory of the process tree (Python + node).

Runs each command several times, alternating with its baseline (A B A B ...), and
prints min / median / max of each figure and the median of the per-pair ratios, so
that drift on a noisy machine hits both sides alike. Public tools only (stdlib, /proc).

    python benchmarks/harness.py --runs 5 --name G1 \
        --cmd "channelkit generate ..." --baseline "python -c 'import json; ...'"
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import threading
import time
from pathlib import Path

__all__ = ["measure", "main"]


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def measure(command: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak tree RSS in MiB) of one run of ``command`` (run by a shell)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, shell=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"command failed ({code}): {command}")
    return wall, peak / 1024


def _row(label: str, values: list[float], unit: str) -> str:
    return (
        f"  {label:<28} min {min(values):8.2f}  median {statistics.median(values):8.2f}  max {max(values):8.2f} {unit}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--cmd", required=True)
    parser.add_argument("--baseline")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    commands = [("A", args.cmd)] + ([("B", args.baseline)] if args.baseline else [])
    for _ in range(args.warmup):
        for _, command in commands:
            measure(command, env)
    results: dict[str, list[tuple[float, float]]] = {k: [] for k, _ in commands}
    for _ in range(args.runs):
        for key, command in commands:
            results[key].append(measure(command, env))
    print(f"{args.name}: {args.runs} runs after {args.warmup} warm-up, {os.cpu_count()} cores")
    for key, command in commands:
        print(f" {key}: {shlex.split(command)[0]} ... ({command[:90]})")
        print(_row("wall", [w for w, _ in results[key]], "s"))
        print(_row("peak RSS (tree)", [m for _, m in results[key]], "MiB"))
    if args.baseline:
        ratios = [a[0] / b[0] for a, b in zip(results["A"], results["B"], strict=True)]
        print(_row("wall ratio A/B", ratios, "x"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
