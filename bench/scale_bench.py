"""Scale benchmark: one table of time and peak memory (issue 13).

Rows (each measured in a fresh subprocess, peak memory = ru_maxrss):

* the deal model (``dv.Model.load("deal")``) with ``keep="summary"`` at 1e6,
  1e7 and 1e8 samples (every core the machine has, at most 8 threads);
* the evidence model at 1e6: dealvalue ``keep="all"`` on 2 threads against
  the single-threaded hand-written numpy of ``bench/run.py`` (the deal model
  is too big to hand-write); each side the median of 7 runs, in 3
  interleaved fresh-process pairs, the median ratio reported;
* a 200-point sweep of the deal model at 1e5 samples per point, locally
  (threads) and on a 2-worker ``dealvalue.scale.local_cluster``;
* the CPU seconds of one sweep point on a local thread and inside a worker.

Run: ``python bench/scale_bench.py`` (about three minutes on two idle cores).
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPEATS = 7  # timings per side of the thread ratio (median)
POINTS = 10  # sweep points timed for the CPU cost of one point
PAIRS = 3  # fresh-process pairs of the thread ratio, interleaved (median ratio)


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def child(kind: str, n: int) -> dict[str, float]:
    import numpy as np

    import dealvalue as dv

    t0 = time.perf_counter()
    if kind == "summary":
        m = dv.Model.load("deal")
        m.compile()
        t0 = time.perf_counter()
        r = m.simulate(n, seed=1, keep="summary")
        extra = r.mean("feasible")
    elif kind in ("dealvalue2", "numpy"):
        # a run of 1e6 takes about 0.1 s: one timing is at the mercy of the shared machine, so each
        # side runs REPEATS times after a warm-up and reports its median
        if kind == "dealvalue2":
            m = dv.Model.load("evidence")
            m.compile()
            run = lambda: m.simulate(n, seed=1, threads=2).mean("feasible")  # noqa: E731
        else:
            sys.path.insert(0, str(HERE))
            from run import numpy_model  # bench/run.py

            run = lambda: float(np.mean(numpy_model(n, 1)["feasible"]))  # noqa: E731
        extra = run()
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        return {"seconds": statistics.median(times), "peak_mb": _peak_mb(), "value": float(extra)}
    elif kind in ("point_local", "point_worker"):
        # CPU seconds per sweep point (n samples, after a warm-up point), on this thread or inside a
        # LocalCluster worker: the allocator cost of the worker processes shows here, not the scheduler's
        m = dv.Model.load("deal")
        if kind == "point_local":
            cpu = point_cpu(m, n, POINTS)
        else:
            from distributed import Client

            from dealvalue.scale import local_cluster

            with local_cluster(1) as cluster, Client(cluster) as client:
                cpu = client.submit(point_cpu, client.scatter(m, broadcast=True, hash=False), n, POINTS, pure=False).result()
        return {"seconds": cpu, "peak_mb": _peak_mb(), "value": math.nan}
    else:
        from dealvalue.scale import sweep

        m = dv.Model.load("deal")
        over = {"u": [i / 199 for i in range(200)]}  # the upfront share, 0 to 1
        client = None
        if kind == "sweep_dask":
            from distributed import Client

            from dealvalue.scale import local_cluster

            cluster = local_cluster(2)
            client = Client(cluster)
        t0 = time.perf_counter()
        t = sweep(m, over, n=n, seed=1, client=client)
        extra = float(t["mean"].mean())
        if client is not None:
            client.close(); cluster.close()
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), "value": float(extra)}


def point_cpu(model: Any, n: int, points: int) -> float:
    """Median CPU seconds of one sweep point of ``model`` (the upfront share ``u`` pinned)."""
    from dealvalue.scale import point_stats

    point_stats(model, n, 1, "mc", {"u": 0.5}, "feasible")
    times = []
    for i in range(points):
        t0 = time.process_time()
        point_stats(model, n, 1, "mc", {"u": i / points}, "feasible")
        times.append(time.process_time() - t0)
    return statistics.median(times)


def measure(kind: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    load0 = f"{os.getloadavg()[0]:.2f}"
    rows = []
    for n in (10**6, 10**7, 10**8):
        r = measure("summary", n)
        rows.append((f"deal, keep='summary', {n:.0e} samples", r))
    pairs = [(measure("dealvalue2", 10**6), measure("numpy", 10**6)) for _ in range(PAIRS)]
    ratios = [a["seconds"] / b["seconds"] for a, b in pairs]
    dv2, npy = pairs[ratios.index(statistics.median(ratios))]
    rows.append(("evidence, keep='all', 1e6, dealvalue 2 threads (median)", dv2))
    rows.append(("evidence, 1e6, hand-written numpy 1 thread (median)", npy))
    local = measure("sweep_local", 10**5)
    dask = measure("sweep_dask", 10**5)
    rows.append(("deal sweep, 200 points x 1e5, local threads", local))
    rows.append(("deal sweep, 200 points x 1e5, LocalCluster 2 workers", dask))
    cpu_local, cpu_worker = measure("point_local", 10**5), measure("point_worker", 10**5)
    print(f"machine: {os.cpu_count()} cores")
    print(f"| {'run':<56} | {'seconds':>8} | {'peak MB':>8} |")
    print(f"|{'-' * 58}|{'-' * 10}:|{'-' * 10}:|")
    for label, r in rows:
        print(f"| {label:<56} | {r['seconds']:8.2f} | {r['peak_mb']:8.0f} |")
    print(f"load average before/after: {load0} / {os.getloadavg()[0]:.2f}")
    print(f"dealvalue (2 threads) / numpy at 1e6: {statistics.median(ratios):.2f} (median of {PAIRS} pairs: "
          + ", ".join(f"{r:.2f}" for r in ratios) + "; target < 0.75)")
    print(f"sweep LocalCluster / local: {dask['seconds'] / local['seconds']:.2f}")
    print(f"CPU s per sweep point (deal, 1e5, median of {POINTS}): local thread {cpu_local['seconds']:.3f}, "
          f"LocalCluster worker {cpu_worker['seconds']:.3f} (ratio {cpu_worker['seconds'] / cpu_local['seconds']:.2f})")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
