"""How long a big model file takes to load (issue 11): n independent cells and an n-cell chain.

    python bench/load_bench.py [--cells 10000] [--profile]

Loading used to copy the whole unit table for every cell (formula.parse and
graph.parse_cell), n squared in all: 20 s for 10,000 cells, 34 s as a chain.
Now each cell reads the table through a view, and the time per cell is flat.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import dealvalue as dv


def text(n: int, chain: bool) -> str:
    lines = ['format = "dealvalue-model"', "version = 1", 'name = "big"']
    for i in range(n):
        f = "1 to 2" if i == 0 else (f"x{i - 1} + 1 USD" if chain else f"{i} to {i + 10}")
        lines += ["[[cells]]", f'name = "x{i}"', f'formula = "{f}"', 'unit = "USD"']
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=10_000)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    dv.Model.loads(text(2, True))  # imports and the registry, not counted
    for chain in (False, True):
        for n in (args.cells // 4, args.cells // 2, args.cells):
            t = text(n, chain)
            pr = cProfile.Profile() if args.profile else None
            start = time.perf_counter()
            if pr:
                pr.enable()
            dv.Model.loads(t)
            if pr:
                pr.disable()
            took = time.perf_counter() - start
            print(f"{'chain' if chain else 'independent':12s} {n:7d} cells {took:6.2f} s  {1e3 * took / n:.2f} ms/cell")
            if pr:
                pstats.Stats(pr).sort_stats("tottime").print_stats(8)


if __name__ == "__main__":
    main()
