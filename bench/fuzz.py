"""The long fuzz run of issue 11: generated formulas, model files or workbook edits.

    python bench/fuzz.py --examples 100000 [--kind formulas|files|workbooks] [--seed 1] [--corpus tests/fuzz_corpus.txt]

Each example is checked as the test suite checks it (tests/_fuzz.py, tests/_fuzz_inputs.py):
a formula through a fresh model; a model file's data through the loader (as data and as TOML
text), simulated and saved when valid; a small exported workbook edited with openpyxl and read
back.  Prints the issue's table: tries, clean DealValueError (or a valid model), other
exception, over 2 s, over 1 GB; each example that raised something other than a
DealValueError, or ran over 2 s, is printed (formulas are appended to the corpus with
``--corpus``).  An example is stopped after a 10 s guard.

Wall-clock time on a shared machine includes the host's pauses, so each example is timed by
wall clock and by this process's CPU time, and every example over 2 s is run again alone
(three times, after a garbage collection): "over 2 s" counts the examples still over 2 s then,
and the first-run counts are printed beside it.
"""

from __future__ import annotations

import argparse
import collections
import gc
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from _fuzz import FORMULAS, check_formula, peak_rss_mb  # noqa: E402

GUARD_S = 10
ATTACK = {"formulas": "generated formulas", "files": "model files (valid-ish + hostile)",
          "workbooks": "workbook edits (openpyxl, read back)"}


def kinds() -> dict[str, tuple[Any, Any, Any]]:
    """kind -> (strategy, check, warm-up example)."""
    from _fuzz_inputs import EDITS, check_file, check_workbook, model_files

    return {"formulas": (FORMULAS, check_formula, "b + 1"),
            "files": (model_files(), check_file, {"format": "dealvalue-model", "version": 1}),
            "workbooks": (EDITS, check_workbook, [("Inputs", 1, 1, None)])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=10_000)
    ap.add_argument("--kind", choices=sorted(ATTACK), default="formulas")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=None, help="append crashing formulas to this corpus file")
    args = ap.parse_args(argv)
    strategy, check, warm = kinds()[args.kind]
    counts: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    bad: list[tuple[Any, str]] = []

    def timeout(*_: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, timeout)

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(example=strategy)
    def one(example: Any) -> None:
        outcome, took, cpu = timed(example)
        outcomes[outcome] += 1
        if outcome == "skipped":  # openpyxl could not write the edit: no example
            return
        counts["tries"] += 1
        counts["refused" if outcome in ("ok", "refused") else "other"] += 1
        if took > 2:
            counts["slow_first"] += 1
            counts["slow_cpu_first"] += cpu > 2
            gc.collect()
            again = min(timed(example)[1] for _ in range(3))
            print(f"  {'over 2 s':24} {took:6.1f}s wall {cpu:6.1f}s cpu, alone {again:.2f}s  {example!r:.300}", flush=True)
            if again > 2:
                counts["slow"] += 1
                bad.append((example, f"{outcome} {again:.1f}s alone"))
        if outcome not in ("ok", "refused"):
            bad.append((example, f"{outcome} {took:.1f}s"))
            print(f"  {outcome:24} {took:6.1f}s  {example!r:.500}", flush=True)

    def timed(example: Any) -> tuple[str, float, float]:
        signal.alarm(GUARD_S)
        start, cpu0 = time.perf_counter(), time.process_time()
        try:
            outcome, took = check(example)
        except TimeoutError:
            outcome, took = "hang", time.perf_counter() - start
        finally:
            signal.alarm(0)
        return outcome, took, time.process_time() - cpu0

    import random

    random.seed(args.seed)
    check(warm)  # warm up: the first model imports sympy, scipy and pint
    gc.collect()
    gc.freeze()  # the imported modules' objects: not rescanned by every collection
    started = time.perf_counter()
    one()
    over_gb = int(peak_rss_mb() > 1024)
    print()
    print("| attack | tries | clean `DealValueError` or model | other exception | over 2 s | over 1 GB (peak RSS) |")
    print("|---|---|---|---|---|---|")
    print(f"| {ATTACK[args.kind]} | {counts['tries']} | {counts['refused']} | {counts['other']} | {counts['slow']} | "
          f"{over_gb} (peak {peak_rss_mb():.0f} MB) |")
    print()
    print(f"first runs over 2 s: {counts['slow_first']} by wall clock ({counts['slow_cpu_first']} by CPU time); "
          f"over 2 s when run again alone: {counts['slow']}; {time.perf_counter() - started:.0f} s in all")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    if args.corpus and bad and args.kind == "formulas":
        with args.corpus.open("a", encoding="utf-8") as fh:
            for formula, _ in bad:
                if "\n" not in formula:
                    fh.write(formula + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
