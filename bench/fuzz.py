"""The long fuzz run of issue 11: generated formulas through a fresh model each.

    python bench/fuzz.py --examples 100000 [--seed 1] [--corpus tests/fuzz_corpus.txt]

Prints the issue's table: tries, clean DealValueError (or a valid model),
other exception, over 2 s, over 1 GB; each formula that raised something
other than a DealValueError, or ran over 2 s, is printed (and appended to the
corpus with ``--corpus``).  A formula is stopped after a 10 s guard.
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from _fuzz import FORMULAS, check_formula, peak_rss_mb  # noqa: E402

GUARD_S = 10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=None, help="append crashes to this corpus file")
    args = ap.parse_args(argv)
    counts: collections.Counter[str] = collections.Counter()
    bad: list[tuple[str, str]] = []

    def timeout(*_: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, timeout)

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(formula=FORMULAS)
    def one(formula: str) -> None:
        signal.alarm(GUARD_S)
        start = time.perf_counter()
        try:
            outcome, took = check_formula(formula)
        except TimeoutError:
            outcome, took = "hang", time.perf_counter() - start
        finally:
            signal.alarm(0)
        counts["tries"] += 1
        counts["refused" if outcome in ("ok", "refused") else "other"] += 1
        if took > 2:
            counts["slow"] += 1
        if outcome not in ("ok", "refused") or took > 2:
            bad.append((formula, f"{outcome} {took:.1f}s"))
            print(f"  {outcome:24} {took:6.1f}s  {formula!r}", flush=True)

    import random

    random.seed(args.seed)
    check_formula("b + 1")  # warm up: the first model imports sympy, scipy and pint
    one()
    over_gb = int(peak_rss_mb() > 1024)
    print()
    print("| attack | tries | clean `DealValueError` or model | other exception | over 2 s | over 1 GB (peak RSS) |")
    print("|---|---|---|---|---|---|")
    print(f"| generated formulas | {counts['tries']} | {counts['refused']} | {counts['other']} | {counts['slow']} | "
          f"{over_gb} (peak {peak_rss_mb():.0f} MB) |")
    if args.corpus and bad:
        with args.corpus.open("a", encoding="utf-8") as fh:
            for formula, _ in bad:
                if "\n" not in formula:
                    fh.write(formula + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
