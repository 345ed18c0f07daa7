"""Speed benchmark: the engine's example model at 1,000,000 joint samples.

Run it from the repository root::

    .venv/bin/python bench/run.py            # or: make bench
    .venv/bin/python bench/run.py --n 100000 --repeats 3 --no-squiggle

The model is ``dealvalue/models/evidence.toml`` (five distributions, one constant, four
formulas).  Four implementations compute every cell and keep all of them as
arrays of ``n`` samples:

``numpy``
    The same model written by hand in numpy: one generator, the same
    distributions, the same arithmetic.  The baseline (ratio 1).
``dealvalue``
    ``Model.load("dealvalue/models/evidence.toml").simulate(n, seed, threads=1)``: joint
    samples of every cell in a :class:`dealvalue.results.Results`, on one thread.
``dealvalue-2t``
    The same with ``threads=2``: chunks of 131,072 samples on two threads (the same
    numbers, bit for bit).  Its ratio to single-threaded numpy is the target of issue 13
    (under 0.75).
``squigglepy``
    The same model built from squigglepy objects, each cell sampled with
    ``cell @ n``.  Each ``@`` redraws the cell's inputs, so the cells are
    *not* joint samples (``ask`` and ``bid`` come from different draws of
    ``R`` and ``c_h`` than the ``R`` and ``c_h`` cells).
``squiggle``
    ``bench/squiggle/evidence.squiggle`` run by ``@quri/squiggle-lang`` on
    Node with ``sampleCount = n`` (only if ``node`` is on the PATH; the
    package is installed into ``bench/squiggle/node_modules`` on first use).

Every measurement runs in a fresh subprocess.  Repeats are interleaved (one
subprocess per implementation per repeat, in a rotating order), so all rows
share the same machine load.  In each subprocess the model is set up, run once
(the *first* run: for dealvalue after an explicit ``compile()``, so compile is
timed on its own) and then run ``--runs`` more times (the *steady* runs).  The
table shows the median steady time over all repeats.

Peak memory is the peak resident set size of the subprocess, read by the
parent with :func:`os.wait4` (``ru_maxrss``): interpreter, imports and the
runs.  The "runs" column is that peak minus the peak reached before the first
run (imports and setup), i.e. what the samples and temporaries cost.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = ROOT / "dealvalue" / "models" / "evidence.toml"
SQUIGGLE_DIR = ROOT / "bench" / "squiggle"
SQUIGGLE_PROGRAM = SQUIGGLE_DIR / "evidence.squiggle"
SQUIGGLE_RUNNER = SQUIGGLE_DIR / "run.mjs"
SQUIGGLE_PACKAGE = SQUIGGLE_DIR / "node_modules" / "@quri" / "squiggle-lang" / "package.json"

CELLS = ("R", "W", "reality", "expropriation", "commitment", "c_h", "c_ai", "ask", "bid", "feasible")
IMPLEMENTATIONS = ("numpy", "dealvalue", "dealvalue-2t", "squigglepy", "squiggle")

# targets from issue 2, "Speed"
MAX_DEALVALUE_OVER_NUMPY = 1.5
MIN_SQUIGGLEPY_OVER_DEALVALUE = 2.0
MAX_IMPORT_SECONDS = 0.5
# issue 13: dealvalue on two threads against single-threaded hand-written numpy
MAX_TWO_THREADS_OVER_NUMPY = 0.75


# ---------------------------------------------------------------- implementations
def numpy_leaves(n: int, seed: int) -> dict[str, np.ndarray]:
    """The model's five inputs drawn with one numpy generator.

    ``a to b`` with ``a > 0`` is the lognormal whose 5th and 95th percentiles
    are ``a`` and ``b``: the log's mean is the midpoint of ``ln a`` and
    ``ln b``, its sd the half-width divided by the normal 95th percentile.
    """
    z95 = statistics.NormalDist().inv_cdf(0.95)
    rng = np.random.default_rng(seed)

    def to(low: float, high: float) -> np.ndarray:
        lo, hi = math.log(low), math.log(high)
        return rng.lognormal((lo + hi) / 2, (hi - lo) / (2 * z95), n)

    return {
        "R": to(10, 100),
        "W": to(50, 500),
        "reality": rng.beta(8, 2, n),
        "expropriation": rng.beta(2, 8, n),
        "commitment": rng.beta(7, 3, n),
    }


def numpy_cells(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every cell of the model from its inputs' samples, by hand.

    All cells are kept as float arrays of the inputs' length (the constant
    ``c_ai`` too), as dealvalue keeps them.
    """
    n = len(inputs["R"])
    out = dict(inputs)
    out["c_h"] = inputs["reality"] * (1 - inputs["expropriation"]) * inputs["commitment"]
    out["c_ai"] = np.full(n, 0.8)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ask"] = inputs["R"] / out["c_h"]
    out["bid"] = inputs["W"] * out["c_ai"]
    out["feasible"] = (out["bid"] >= out["ask"]).astype(float)
    return out


def numpy_model(n: int, seed: int) -> dict[str, np.ndarray]:
    """The hand-written numpy implementation: every cell, ``n`` joint samples."""
    return numpy_cells(numpy_leaves(n, seed))


def dealvalue_setup() -> Any:
    """The model loaded from ``dealvalue/models/evidence.toml``."""
    import dealvalue as dv

    return dv.Model.load(str(MODEL_FILE))


def dealvalue_run(model: Any, n: int, seed: int, threads: int = 1) -> dict[str, np.ndarray]:
    """``model.simulate(n, seed, threads=threads)``; returns the Results' cell arrays."""
    return dict(model.simulate(n=n, seed=seed, threads=threads).values)


def squigglepy_setup() -> dict[str, Any]:
    """The model as squigglepy objects (``c_ai`` is the plain number 0.8)."""
    import squigglepy as sq

    R = sq.to(10, 100)
    W = sq.to(50, 500)
    reality = sq.beta(8, 2)
    expropriation = sq.beta(2, 8)
    commitment = sq.beta(7, 3)
    c_h = reality * (1 - expropriation) * commitment
    c_ai = 0.8
    ask = R / c_h
    bid = W * c_ai
    feasible = bid >= ask
    return {"R": R, "W": W, "reality": reality, "expropriation": expropriation, "commitment": commitment,
            "c_h": c_h, "c_ai": c_ai, "ask": ask, "bid": bid, "feasible": feasible}


def squigglepy_run(cells: Mapping[str, Any], n: int, seed: int) -> dict[str, np.ndarray]:
    """Sample every cell with ``cell @ n`` (each call redraws the cell's inputs).

    The constant ``c_ai`` is kept as a full array, as in the other implementations.
    """
    import squigglepy as sq

    sq.set_seed(seed)
    out: dict[str, np.ndarray] = {}
    for name in CELLS:
        d = cells[name]
        out[name] = np.full(n, float(d)) if isinstance(d, (int, float)) else np.asarray(d @ n, dtype=float)
    return out


@dataclass
class Impl:
    """How a worker sets up one implementation and runs it once."""

    setup: Callable[[], Any]
    run: Callable[[Any, int, int], Mapping[str, np.ndarray]]


def numpy_setup() -> None:
    """Import ``numpy.random`` (numpy 2 loads it on first use), so that its
    import counts as set-up, as squigglepy's and dealvalue's imports do."""
    np.random.default_rng(0)


PYTHON_IMPLS: dict[str, Impl] = {
    "numpy": Impl(numpy_setup, lambda _state, n, seed: numpy_model(n, seed)),
    "dealvalue": Impl(dealvalue_setup, dealvalue_run),
    "dealvalue-2t": Impl(dealvalue_setup, lambda model, n, seed: dealvalue_run(model, n, seed, threads=2)),
    "squigglepy": Impl(squigglepy_setup, squigglepy_run),
}


# ---------------------------------------------------------------- worker (one subprocess)
def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def worker(impl: str, n: int, seed: int, runs: int) -> dict[str, Any]:
    """Set up one implementation, run it once (first) and ``runs`` more times.

    Returns seconds for each phase, the peak RSS reached before the first run
    (MB) and each cell's sample count and mean (from the last run) so the
    parent can check that all cells were computed and agree.
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    if impl.startswith("dealvalue"):
        t = time.perf_counter()
        import dealvalue  # noqa: F401

        phases["import"] = time.perf_counter() - t
        t = time.perf_counter()
        state = dealvalue_setup()
        phases["load"] = time.perf_counter() - t
        t = time.perf_counter()
        state.compile()
        phases["compile"] = time.perf_counter() - t
        t = time.perf_counter()
        state.compile()  # cached until the model changes: what every later simulate pays
        phases["compile_again"] = time.perf_counter() - t
    else:
        t = time.perf_counter()
        state = PYTHON_IMPLS[impl].setup()
        phases["setup"] = time.perf_counter() - t
    rss_before = _maxrss_mb()
    run = PYTHON_IMPLS[impl].run
    t = time.perf_counter()
    values = run(state, n, seed)
    first = time.perf_counter() - t
    phases["to_first_result"] = time.perf_counter() - started
    steady, steady_cpu = [], []
    for _ in range(runs):
        del values
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        values = run(state, n, seed)
        steady.append(time.perf_counter() - t)
        steady_cpu.append(time.process_time() - c)
    cells = {k: {"samples": int(np.size(v)), "mean": float(np.mean(v))} for k, v in values.items()}
    return {"impl": impl, "n": n, "seed": seed, "phases": phases, "first": first, "steady": steady, "steady_cpu": steady_cpu,
            "rss_before_mb": rss_before, "cells": cells}


# ---------------------------------------------------------------- parent
@dataclass
class Row:
    """Everything measured for one implementation over all repeats."""

    impl: str
    steady: list[float] = field(default_factory=list)
    steady_cpu: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)
    peak_mb: list[float] = field(default_factory=list)
    run_mb: list[float] = field(default_factory=list)
    cells: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""

    def add(self, report: Mapping[str, Any], peak_mb: float) -> None:
        self.steady.extend(report["steady"])
        self.steady_cpu.extend(report["steady_cpu"])
        self.first.append(report["first"])
        for k, v in report["phases"].items():
            self.phases.setdefault(k, []).append(v)
        self.peak_mb.append(peak_mb)
        if report.get("rss_before_mb") is not None:
            self.run_mb.append(peak_mb - report["rss_before_mb"])
        self.cells = report["cells"]

    @property
    def median(self) -> float:
        return statistics.median(self.steady) if self.steady else math.nan

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.steady_cpu) if self.steady_cpu else math.nan


def spawn(cmd: list[str], cwd: Path = ROOT, env: Mapping[str, str] | None = None) -> tuple[str, str, int, float]:
    """Run ``cmd``; return stdout, stderr, exit status and its peak RSS in MB.

    The peak RSS is this child's own (``os.wait4``), not the maximum over all
    children that ``RUSAGE_CHILDREN`` would give.
    """
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=devnull, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(env) if env is not None else None)
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    # read both pipes to the end before reaping the child, so it cannot block on a full pipe
    threads = [threading.Thread(target=drain, args=(k, f)) for k, f in (("out", proc.stdout), ("err", proc.stderr))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = chunks["out"], chunks["err"]
    return out.decode(), err.decode(), proc.returncode, usage.ru_maxrss / 1024


def run_python_worker(impl: str, n: int, seed: int, runs: int) -> tuple[dict[str, Any], float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", impl, "--n", str(n), "--seed", str(seed), "--runs", str(runs)]
    out, err, code, peak = spawn(cmd)
    if code != 0:
        raise RuntimeError(f"the {impl} worker failed (exit {code}):\n{err.strip()}")
    return json.loads(out.strip().splitlines()[-1]), peak


def squiggle_ready(install: bool = True) -> str:
    """Empty if Squiggle can run, else why not (installing the package if needed)."""
    node = shutil.which("node")
    if node is None:
        return "node is not on the PATH"
    if SQUIGGLE_PACKAGE.exists():
        return ""
    if not install:
        return "@quri/squiggle-lang is not installed in bench/squiggle/node_modules"
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not on the PATH, so @quri/squiggle-lang cannot be installed"
    print("installing @quri/squiggle-lang into bench/squiggle/node_modules ...", file=sys.stderr)
    verb = "ci" if (SQUIGGLE_DIR / "package-lock.json").exists() else "install"
    try:
        proc = subprocess.run([npm, verb, "--no-audit", "--no-fund"], cwd=SQUIGGLE_DIR, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return f"npm {verb} took more than 10 minutes"
    if proc.returncode != 0 or not SQUIGGLE_PACKAGE.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return f"npm {verb} failed (exit {proc.returncode}): {' / '.join(tail)}"
    return ""


def run_squiggle_worker(n: int, seed: int, runs: int) -> tuple[dict[str, Any], float]:
    """One Node process: a first run at ``n`` (parsing and library set-up included),
    then ``runs`` more.  Squiggle names are lower-case (``r``, ``w``)."""
    cmd = ["node", str(SQUIGGLE_RUNNER), str(n), str(seed), str(runs)]
    out, err, code, peak = spawn(cmd, cwd=SQUIGGLE_DIR)
    if code != 0:
        raise RuntimeError(f"the Squiggle worker failed (exit {code}):\n{err.strip()}")
    rep = json.loads(out.strip().splitlines()[-1])
    rep["cells"] = {{"r": "R", "w": "W"}.get(k, k): v for k, v in rep["cells"].items()}
    return rep, peak


def import_time(repeats: int) -> list[float]:
    """Seconds for ``import dealvalue`` in fresh interpreters (timed inside each)."""
    code = "import time; t = time.perf_counter(); import dealvalue; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeats):
        out, err, status, _peak = spawn([sys.executable, "-c", code])
        if status != 0:
            raise RuntimeError(f"import dealvalue failed:\n{err.strip()}")
        times.append(float(out.strip().splitlines()[-1]))
    return times


def benchmark(n: int, seed: int, repeats: int, runs: int, squiggle: bool, log: Callable[[str], None]) -> dict[str, Row]:
    """Run every implementation ``repeats`` times, interleaved, in fresh subprocesses."""
    impls = ["numpy", "dealvalue", "dealvalue-2t", "squigglepy"]
    rows = {name: Row(name) for name in IMPLEMENTATIONS}
    if squiggle:
        why = squiggle_ready()
        if why:
            rows["squiggle"].skipped = why
            log(f"skipping Squiggle: {why}")
        else:
            impls.append("squiggle")
    else:
        rows["squiggle"].skipped = "--no-squiggle"
    for rep in range(repeats):
        order = impls[rep % len(impls):] + impls[: rep % len(impls)]
        for impl in order:
            log(f"repeat {rep + 1}/{repeats}: {impl}")
            if impl == "squiggle":
                report, peak = run_squiggle_worker(n, seed, runs)
            else:
                report, peak = run_python_worker(impl, n, seed, runs)
            rows[impl].add(report, peak)
    return rows


def _fmt_s(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.3f}"


def table(rows: Mapping[str, Row], n: int, imports: list[float]) -> tuple[str, bool]:
    """The results as text, and whether every target passed."""
    base = rows["numpy"].median
    dv_t = rows["dealvalue"].median
    lines = []
    hdr = f"{'implementation':<13} {'median s':>9} {'x numpy':>8} {'cpu s':>7} {'x numpy':>8} {'first s':>8} {'peak RSS MB':>12} {'runs MB':>8} {'P(feasible)':>12}  joint"
    lines.append(f"{n:,} samples of every cell of dealvalue/models/evidence.toml; median over {len(rows['numpy'].steady)} steady run(s) each")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    joint = {"numpy": "yes", "dealvalue": "yes", "dealvalue-2t": "yes", "squigglepy": "no (1)", "squiggle": "yes"}
    for name in IMPLEMENTATIONS:
        r = rows[name]
        if r.skipped:
            lines.append(f"{name:<13} skipped: {r.skipped}")
            continue
        feas = r.cells.get("feasible", {}).get("mean")
        lines.append(
            f"{name:<13} {_fmt_s(r.median):>9} {r.median / base:>8.2f} {_fmt_s(r.median_cpu):>7} "
            f"{r.median_cpu / rows['numpy'].median_cpu:>8.2f} {_fmt_s(statistics.median(r.first)):>8} "
            f"{max(r.peak_mb):>12.0f} {(max(r.run_mb) if r.run_mb else math.nan):>8.0f} {feas:>12.4f}  {joint[name]}"
        )
    lines.append("")
    dv = rows["dealvalue"]
    ph = {k: statistics.median(v) for k, v in dv.phases.items()}
    lines.append(
        "dealvalue cold start (fresh process, medians): "
        f"import {ph['import']:.3f} s, Model.load (sympy + pint import, parsing) {ph['load']:.3f} s, "
        f"compile (lambdify) {ph['compile']:.3f} s (again: {ph['compile_again'] * 1e6:.0f} us, cached), first simulate {statistics.median(dv.first):.3f} s; "
        f"import to first results {ph['to_first_result']:.3f} s"
    )
    lines.append(f"import dealvalue alone (fresh process, median of {len(imports)}): {statistics.median(imports):.3f} s")
    lines.append("")
    checks = []
    ratio_np = dv_t / base
    checks.append(("dealvalue / numpy", ratio_np, f"<= {MAX_DEALVALUE_OVER_NUMPY}", ratio_np <= MAX_DEALVALUE_OVER_NUMPY))
    ratio_2t = rows["dealvalue-2t"].median / base
    checks.append(("dealvalue 2 threads / numpy", ratio_2t, f"< {MAX_TWO_THREADS_OVER_NUMPY}", ratio_2t < MAX_TWO_THREADS_OVER_NUMPY))
    sp = rows["squigglepy"].median
    ratio_sp = sp / dv_t
    checks.append(("squigglepy / dealvalue", ratio_sp, f">= {MIN_SQUIGGLEPY_OVER_DEALVALUE}", ratio_sp >= MIN_SQUIGGLEPY_OVER_DEALVALUE))
    imp = statistics.median(imports)
    checks.append(("import dealvalue (s)", imp, f"< {MAX_IMPORT_SECONDS}", imp < MAX_IMPORT_SECONDS))
    lines.append(f"{'target':<28} {'value':>7} {'goal':>7}  result")
    for label, value, goal, ok in checks:
        lines.append(f"{label:<28} {value:>7.2f} {goal:>7}  {'PASS' if ok else 'FAIL'}")
    if not rows["squiggle"].skipped:
        lines.append(f"{'squiggle / numpy':<28} {rows['squiggle'].median / base:>7.2f} {'~11':>7}  (reference, not a target)")
    lines.append("")
    lines.append("median s: wall time of one run (sampling + arithmetic + keeping every cell), after a first run in the same process.")
    lines.append("cpu s: the process's CPU time over the same run (less sensitive to other load on the machine; Node's GC threads count too).")
    lines.append("dealvalue-2t: threads=2; its wall time can only fall below half its cpu time when both cores are free (see the load average).")
    lines.append("first s: the first run in a fresh process (dealvalue: after load and compile; Squiggle: parsing included).")
    lines.append("peak RSS: the subprocess's peak resident memory (os.wait4 ru_maxrss), imports included;")
    lines.append("runs MB: that peak minus the peak before the first run (samples and temporaries).")
    lines.append("(1) squigglepy: each `cell @ n` redraws the cell's inputs, so cells are sampled independently, not jointly.")
    lines.append("numpy uses one generator; dealvalue one stream per input: same distributions, different draws.")
    return "\n".join(lines), all(ok for *_, ok in checks)


def check_agreement(rows: Mapping[str, Row], n: int) -> list[str]:
    """Problems: a cell missing or of the wrong size, or P(feasible) too far from numpy's."""
    problems = []
    ref = rows["numpy"].cells["feasible"]["mean"]
    for name, r in rows.items():
        if r.skipped or not r.cells:
            continue
        for cell in CELLS:
            got = r.cells.get(cell)
            want = 1 if (name == "squiggle" and cell == "c_ai") else n
            if got is None or got["samples"] != want:
                problems.append(f"{name}: cell {cell} has {got and got['samples']} samples, expected {want}")
        p = r.cells.get("feasible", {}).get("mean")
        if p is not None:
            se = math.sqrt(2 * ref * (1 - ref) / n)
            if abs(p - ref) > 5 * se + 1e-12:
                problems.append(f"{name}: P(feasible) = {p:.4f}, but numpy gives {ref:.4f} (more than 5 standard errors apart)")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="samples per run (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5, help="fresh subprocesses per implementation (default 5)")
    ap.add_argument("--runs", type=int, default=2, help="steady runs per subprocess after the first (default 2)")
    ap.add_argument("--no-squiggle", action="store_true", help="leave out the Squiggle (Node) row")
    ap.add_argument("--json", metavar="PATH", help="also write the raw measurements to PATH")
    ap.add_argument("--worker", choices=tuple(PYTHON_IMPLS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeats < 1 or args.runs < 1:
        ap.error(f"--n, --repeats and --runs must be at least 1, got {args.n}, {args.repeats}, {args.runs}")
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.seed, args.runs)))
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows = benchmark(args.n, args.seed, args.repeats, args.runs, not args.no_squiggle, log)
    imports = import_time(max(3, args.repeats))
    text, ok = table(rows, args.n, imports)
    print(time.strftime("%Y-%m-%d %H:%M %Z"), f"| {os.cpu_count()} cores, 1-min load average {load_before:.1f} before and "
          f"{os.getloadavg()[0]:.1f} after | Python {sys.version.split()[0]} | numpy {np.__version__}")
    print(text)
    problems = check_agreement(rows, args.n)
    for p in problems:
        print("DISAGREEMENT:", p)
    log(f"benchmark took {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({k: vars(v) for k, v in rows.items()} | {"import_seconds": imports}, indent=1))
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
