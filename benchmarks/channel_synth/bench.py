"""Channel synthesis benchmark: wall time and peak RSS (python + node) for N = 10, 50, 200, 1000 channels.

Usage::

    .venv/bin/pip install "cdktf-cdktf-provider-google>=16,<17" "cdktf-cdktf-provider-random>=12,<13"  # benchmark only
    .venv/bin/python benchmarks/channel_synth/bench.py [--runs 3] [--sizes 10,50,200,1000] [--out results.json]

Each run is a fresh process (``org_app.py``), timed from spawn to exit. CPU is the user + system
time of that process and of the jsii Node.js child it waits for at exit: less sensitive to a busy
machine than wall time. Peak RSS is the largest sum of resident memory over the whole process tree
(the Python interpreter and the jsii Node.js child), sampled every 10 ms from ``/proc``. Figures are
medians of ``--runs``. ``--baseline-src`` adds another checkout's channelkit as mode ``baseline``.
Both paths run in the same invocation, alternating, so they share the machine's state.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE / "org_app.py"


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo += _children(pid)
    return total


#: ``--baseline-src``: the ``src`` directory of another channelkit checkout, run as mode ``baseline``.
BASELINE_SRC: list[str] = []


def run_once(mode: str, n: int) -> dict[str, float]:
    """One fresh synthesis; wall seconds, peak tree RSS (MB) and the app's phase times.

    Mode ``baseline`` is the channelkit path with ``--baseline-src`` first on ``PYTHONPATH``.
    """
    env = dict(os.environ)
    if mode == "baseline":
        env["PYTHONPATH"] = os.pathsep.join([*BASELINE_SRC, env.get("PYTHONPATH", "")])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        app_mode = "channelkit" if mode == "baseline" else mode
        proc = subprocess.Popen([sys.executable, str(APP), app_mode, str(n), tmp], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        peak, cpu = 0, 0.0
        while proc.returncode is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:  # reaped here for its rusage: its own CPU time plus the node child's it waited for
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
            else:
                time.sleep(0.01)
        wall = time.perf_counter() - start
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{mode} {n} failed:\n{err[-2000:]}")
        phases = json.loads(out.strip().splitlines()[-1])
        docs = [json.loads(f.read_text()) for f in Path(tmp, "stacks").glob("*/cdk.tf.json")]
        resources = sum(len(v) for d in docs for v in d["resource"].values())
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak / 1024, "resources": resources, **phases}


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares line y = a + b x and its R^2."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10,50,200,1000")
    parser.add_argument("--modes", default="channelkit,prebuilt")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--baseline-src", help="src/ of another channelkit checkout (e.g. `git archive` of an "
                        "older commit); adds mode 'baseline', run alternately with the others")
    args = parser.parse_args()
    if args.baseline_src:
        BASELINE_SRC.append(str(Path(args.baseline_src).resolve()))
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = args.modes.split(",") + (["baseline"] if args.baseline_src else [])
    raw: dict[str, dict[int, list[dict[str, float]]]] = {m: {n: [] for n in sizes} for m in modes}
    for n in sizes:
        for r in range(args.runs):
            for mode in modes:
                res = run_once(mode, n)
                raw[mode][n].append(res)
                print(f"{mode:>10} N={n:<4} run {r + 1}: {res['wall_s']:.2f} s ({res['cpu_s']:.2f} s CPU), "
                      f"{res['peak_rss_mb']:.0f} MB, "
                      f"{res['resources']} resources", flush=True)
    summary: dict[str, dict[str, object]] = {}
    for mode in modes:
        rows = {}
        for n in sizes:
            runs = raw[mode][n]
            rows[n] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        a, b, r2 = _fit([float(n) for n in sizes], [rows[n]["wall_s"] for n in sizes])
        ma, mb, mr2 = _fit([float(n) for n in sizes], [rows[n]["peak_rss_mb"] for n in sizes])
        summary[mode] = {"by_n": rows, "time_fit": {"fixed_s": a, "per_channel_s": b, "r2": r2},
                         "rss_fit": {"fixed_mb": ma, "per_channel_mb": mb, "r2": mr2}}
    for other in ("prebuilt", "baseline"):
        if "channelkit" in summary and other in summary:
            for key, metric in (("speedup", "wall_s"), ("speedup_cpu", "cpu_s")):
                name = key if other == "prebuilt" else f"{key}_over_baseline"
                summary[name] = {
                    str(n): summary[other]["by_n"][n][metric] / summary["channelkit"]["by_n"][n][metric]  # type: ignore[index]
                    for n in sizes
                }
    payload = {"runs": args.runs, "python": sys.version.split()[0], "cpus": os.cpu_count(), "summary": summary,
               "raw": raw}
    args.out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
