"""Command line: ``dealvalue run MODEL_FILE --samples N --seed S``.

Prints the summary table on standard output (``--json`` for machines), a
progress bar on standard error for long runs, and errors as one line without
a traceback (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Sequence

from .errors import DealValueError

__all__ = ["main"]

PROGRESS_FROM = 200_000


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealvalue", description="Run dealvalue models.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a model file and print its summary")
    run.add_argument("model", help="a model file (.toml)")
    run.add_argument("--samples", "-n", type=int, default=10_000, help="number of samples (default 10,000)")
    run.add_argument("--seed", type=int, default=None, help="random seed (default: the model's, else fresh)")
    run.add_argument("--method", choices=("mc", "lhs", "qmc"), default="mc", help="sampling method")
    run.add_argument("--json", action="store_true", help="print JSON instead of a table")
    run.add_argument("--export", metavar="PATH.xlsx", help="also write an Excel workbook")
    run.add_argument("--sim-rows", type=int, default=1000, help="rows of the workbook's live simulation sheet")
    run.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    return p


def _run(args: argparse.Namespace) -> int:
    import pandas as pd

    from .files import load

    model = load(args.model)
    progress = not args.no_progress and args.samples >= PROGRESS_FROM
    results = model.simulate(n=args.samples, seed=args.seed, method=args.method, progress=progress)
    table = results.summary()
    if args.export:
        from .deals.sheets import to_excel  # the deal model's workbook gets its deal sheets

        to_excel(model, args.export, results, sim_rows=args.sim_rows)
        print(f"wrote {args.export}", file=sys.stderr)
    if args.json:
        rows = []
        for name, row in table.iterrows():
            rows.append({"name": name, **{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}})
        json.dump({"model": model.name, "samples": results.n, "seed": results.seed, "method": results.method, "cells": rows}, sys.stdout, indent=2)
        print()
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
            print(f"{model.name}: {results.n:,} samples, seed {results.seed}, method {results.method}")
            print(table.drop(columns=["label"]).to_string())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except (DealValueError, ValueError, OSError) as exc:
        print(f"dealvalue: error: {exc}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
