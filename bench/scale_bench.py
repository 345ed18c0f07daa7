"""Scale benchmark: one table of time and peak memory (issue 13).

Rows (each measured in a fresh subprocess, peak memory = ru_maxrss):

* the deal model (``dv.Model.load("deal")``) with ``keep="summary"`` at 1e6,
  1e7 and 1e8 samples (every core the machine has, at most 8 threads);
* the evidence model at 1e6: dealvalue ``keep="all"`` on 2 threads against
  the single-threaded hand-written numpy of ``bench/run.py`` (the deal model
  is too big to hand-write);
* a 200-point sweep of the deal model at 1e5 samples per point, locally
  (threads) and on a 2-worker ``distributed.LocalCluster``.

Run: ``python bench/scale_bench.py`` (about five minutes on two cores).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


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
    elif kind == "dealvalue2":
        m = dv.Model.load("evidence")
        m.compile()
        m.simulate(1000, seed=0, threads=2)
        t0 = time.perf_counter()
        r = m.simulate(n, seed=1, threads=2)
        extra = r.mean("feasible")
    elif kind == "numpy":
        sys.path.insert(0, str(HERE))
        from run import numpy_model  # bench/run.py

        numpy_model(1000, 0)
        t0 = time.perf_counter()
        extra = float(np.mean(numpy_model(n, 1)["feasible"]))
    else:
        from dealvalue.scale import sweep

        m = dv.Model.load("deal")
        over = {"u": [i / 199 for i in range(200)]}  # the upfront share, 0 to 1
        client = None
        if kind == "sweep_dask":
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        t0 = time.perf_counter()
        t = sweep(m, over, n=n, seed=1, client=client)
        extra = float(t["mean"].mean())
        if client is not None:
            client.close(); cluster.close()
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), "value": float(extra)}


def measure(kind: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = []
    for n in (10**6, 10**7, 10**8):
        r = measure("summary", n)
        rows.append((f"deal, keep='summary', {n:.0e} samples", r))
    dv2 = measure("dealvalue2", 10**6)
    npy = measure("numpy", 10**6)
    rows.append(("evidence, keep='all', 1e6, dealvalue 2 threads", dv2))
    rows.append(("evidence, 1e6, hand-written numpy 1 thread", npy))
    local = measure("sweep_local", 10**5)
    dask = measure("sweep_dask", 10**5)
    rows.append(("deal sweep, 200 points x 1e5, local threads", local))
    rows.append(("deal sweep, 200 points x 1e5, LocalCluster 2 workers", dask))
    print(f"machine: {os.cpu_count()} cores")
    print(f"| {'run':<56} | {'seconds':>8} | {'peak MB':>8} |")
    print(f"|{'-' * 58}|{'-' * 10}:|{'-' * 10}:|")
    for label, r in rows:
        print(f"| {label:<56} | {r['seconds']:8.2f} | {r['peak_mb']:8.0f} |")
    print(f"dealvalue (2 threads) / numpy at 1e6: {dv2['seconds'] / npy['seconds']:.2f}")
    print(f"sweep LocalCluster / local: {dask['seconds'] / local['seconds']:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
