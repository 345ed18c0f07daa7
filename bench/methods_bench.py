"""Accuracy per second of plain Monte Carlo, Latin hypercube and quasi-Monte Carlo.

For the deal model (dealvalue/models/deal.toml, else dealvalue/models/evidence.toml): how long each
sampling method takes to reach a standard error of 0.001 on P(feasible).

The error of each method is measured, not assumed: the estimate of P(feasible)
is repeated over independent seeds at two sample sizes and its spread across
seeds is the standard error (the binomial sqrt(p (1 - p) / n) is the error of
plain Monte Carlo only).  Samples needed for the target are projected from the
larger size with the 1/sqrt(n) rate (P(feasible) is an indicator, a
discontinuous integrand in many dimensions, where neither LHS nor scrambled
Sobol' improves the rate much; the measured rate between the two sizes is
printed to check this), and time = samples x the measured seconds per sample.
Then ``simulate(target_se={"feasible": 0.001})`` is run once per method.

Run: ``.venv/bin/python bench/methods_bench.py`` (about 3 minutes on 2 cores);
``--quick`` for a smoke run, ``--sobol-coverage`` to also measure how often the
95% Sobol intervals cover the exact indices of a linear model.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import statistics
import time

import dealvalue as dv

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = "feasible"
TARGET_SE = 0.001
METHODS = ("mc", "lhs", "qmc")


def load_model() -> dv.Model:
    for name in ("deal.toml", "evidence.toml"):
        path = ROOT / "dealvalue" / "models" / name
        if path.exists():
            return dv.Model.load(str(path))
    raise SystemExit("no dealvalue/models/deal.toml or dealvalue/models/evidence.toml")


def spread(model: dv.Model, method: str, n: int, reps: int, first_seed: int) -> tuple[float, float, float]:
    """(mean estimate, its standard deviation over seeds, median seconds per run)."""
    estimates, seconds = [], []
    for k in range(reps):
        started = time.perf_counter()
        r = model.simulate(n=n, seed=first_seed + k, method=method)
        seconds.append(time.perf_counter() - started)
        estimates.append(r.mean(TARGET))
    return statistics.fmean(estimates), statistics.stdev(estimates), statistics.median(seconds)


def methods_table(model: dv.Model, sizes: tuple[int, int], reps: tuple[int, int]) -> None:
    n0, n1 = sizes
    print(f"model: {model.name!r}, {len(model.compile().leaves)} distributions, {len(model.names)} cells")
    print(f"error of P({TARGET}) over seeds: {reps[0]} runs of n = {n0:,} and {reps[1]} runs of n = {n1:,}\n")
    rows = []
    for method in METHODS:
        _, se0, _ = spread(model, method, n0, reps[0], 1_000)
        p, se1, sec1 = spread(model, method, n1, reps[1], 2_000)
        rate = math.log(se0 / se1) / math.log(n1 / n0)
        need = n1 * (se1 / TARGET_SE) ** 2
        per_sample = sec1 / n1
        rows.append((method, p, math.sqrt(p * (1 - p) / n1), se1, rate, need, per_sample * 1e6, need * per_sample))
    mc_time = rows[0][-1]
    mc_var = rows[0][3] ** 2
    header = (
        f"{'method':<6} {'P(feasible)':>11} {'binomial se':>11} {'measured se':>11} {'rate':>5} "
        f"{'var. ratio':>10} {'n for 0.001':>11} {'us/sample':>9} {'s to 0.001':>10} {'vs mc':>6}"
    )
    print(f"at n = {n1:,}:")
    print(header)
    print("-" * len(header))
    for method, p, binom, se, rate, need, us, secs in rows:
        print(
            f"{method:<6} {p:>11.4f} {binom:>11.5f} {se:>11.5f} {rate:>5.2f} {mc_var / se**2:>10.2f} "
            f"{need:>11,.0f} {us:>9.2f} {secs:>10.2f} {secs / mc_time:>6.2f}"
        )
    print(
        "\nrate: measured exponent of se ~ n^-rate between the two sizes (0.5 = plain Monte Carlo's);"
        "\nvar. ratio: mc's variance / the method's at the same n; vs mc: time to 0.001 relative to mc\n"
    )


def adaptive_runs(model: dv.Model, quick: bool) -> None:
    target = {TARGET: TARGET_SE * (4 if quick else 1)}
    print(f"simulate(seed=1, target_se={target}) per method:")
    header = f"{'method':<6} {'first n':>8} {'converged':>9} {'samples':>9} {'batches':>7} {'se judged':>9} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for method in METHODS:
        n = 2**14
        started = time.perf_counter()
        r = model.simulate(n=n, seed=1, method=method, target_se=target)
        secs = time.perf_counter() - started
        print(
            f"{method:<6} {n:>8,} {str(r.converged):>9} {r.n:>9,} {len(r.batch_sizes):>7} "
            f"{r.se_reached[TARGET]:>9.5f} {secs:>8.2f}"
        )
    print(
        "mc and lhs judge the pooled binomial error (for lhs an upper bound); qmc the spread of"
        "\n>= 8 independent scrambles.\n"
    )


def sobol_coverage(reps: int) -> None:
    """How often the 95% bootstrap intervals cover the exact indices of 2 x - y."""
    from dealvalue import analysis

    m = dv.Model()
    m.add("x", "norm(1, 1.5)")
    m.add("y", "norm(-3, 2)")
    m.add("z", "2 * x - y")
    exact = {"x": 9 / 13, "y": 4 / 13}
    hits = {(name, col): 0 for name in exact for col in ("S1", "ST")}
    for seed in range(reps):
        s = analysis.sobol(m, "z", n=2_048, seed=seed, n_boot=200)
        for name, col in hits:
            hits[name, col] += bool(s.loc[name, f"{col}_lo"] <= exact[name] <= s.loc[name, f"{col}_hi"])
    print(f"coverage of the 95% Sobol intervals over {reps} seeds (n = 2,048, exact 9/13 and 4/13):")
    for (name, col), h in hits.items():
        print(f"  {col} of {name}: {h / reps:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--sobol-coverage", action="store_true", help="also measure Sobol interval coverage")
    args = parser.parse_args()
    model = load_model()
    if args.quick:
        methods_table(model, (2**11, 2**13), (10, 6))
    else:
        methods_table(model, (2**14, 2**16), (40, 20))
    adaptive_runs(model, args.quick)
    if args.sobol_coverage:
        sobol_coverage(40 if args.quick else 200)


if __name__ == "__main__":
    main()
