"""``dealvalue run MODEL``: simulate a model and print its summary."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

__all__ = ["check_cli_seed", "add_parser", "run", "PROGRESS_FROM", "show_progress"]

PROGRESS_FROM = 200_000  # runs this long show a progress bar when standard error is a terminal


def show_progress(args: argparse.Namespace, long: bool = True) -> bool:
    """A progress bar on standard error: with ``--progress``, or for a long run
    when standard error is a terminal; never with ``--no-progress``."""
    if getattr(args, "no_progress", False):
        return False
    if getattr(args, "progress", False):
        return True
    return long and sys.stderr.isatty()


def add_parser(sub: Any) -> None:
    """Add the ``run`` subcommand to ``sub`` (an argparse subparsers object)."""
    p = sub.add_parser("run", help="simulate a model and print its summary",
                       description="Simulate a model file, or a shipped model by name (see `dealvalue models`).")
    p.add_argument("model", help="a model file (.toml), Squiggle code (.squiggle), a Guesstimate export (.json) "
                                 "or a shipped model's name, e.g. deal")
    p.add_argument("--samples", "-n", type=float, default=None,
                   help="number of samples (default 10,000; 5,000 for a Guesstimate export, as Guesstimate; "
                        "up to 1e11 with --keep summary)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the model's, else fresh)")
    p.add_argument("--method", choices=("mc", "lhs", "qmc"), default="mc", help="sampling method")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--export", metavar="PATH.xlsx", help="also write an Excel workbook (with the deal sheets for a deal model)")
    p.add_argument("--sim-rows", type=int, default=1000, help="rows of the workbook's live simulation sheet")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", action="store_true",
                     help="show a progress bar on standard error (default: for long runs when it is a terminal)")
    bar.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--keep", choices=("all", "summary"), default="all",
                   help="summary: statistics only, memory bounded whatever the samples (quantiles within 0.5%%)")
    p.add_argument("--threads", type=int, default=None, help="threads (default: every core, at most 8)")
    p.add_argument("--dask", metavar="local|ADDRESS", default=None, help="with --keep summary: chunks on a Dask cluster")


def load(source: str) -> "tuple[Any, int]":
    """The model named on the command line and its default sample count:
    Squiggle code by its ``.squiggle`` suffix, a Guesstimate export by
    ``.json``, else a model file or a shipped model."""
    from pathlib import Path

    from ..model import Model
    from ..peers import GUESSTIMATE_SAMPLES, from_guesstimate, from_squiggle

    path = Path(source)
    if path.suffix == ".squiggle":
        return from_squiggle(path.read_text(encoding="utf-8"), name=path.stem, path=str(path)), 10_000
    if path.suffix == ".json":
        return from_guesstimate(path), GUESSTIMATE_SAMPLES
    return Model.load(source), 10_000


def check_cli_seed(seed: int | None) -> None:
    """Refuse a negative ``--seed`` in the command line's words (``None``: a fresh seed)."""
    if seed is not None and seed < 0:
        from ..errors import ArgumentError

        raise ArgumentError("--seed", seed, "a whole number >= 0 (leave --seed out for a fresh seed)")


def run(args: argparse.Namespace) -> int:
    """Simulate, print the summary (table or JSON), optionally export."""
    import pandas as pd

    from ..deals import sheets

    from ..errors import ArgumentError
    from .dask import client

    model, n_default = load(args.model)
    from ..simulate import MAX_SAMPLES, MAX_STREAMED_SAMPLES, check_n

    try:
        n = n_default if args.samples is None else check_n(
            args.samples, "--samples", MAX_STREAMED_SAMPLES if args.keep == "summary" else MAX_SAMPLES)
    except ArgumentError as exc:
        if args.keep == "summary":
            raise
        raise ArgumentError("--samples", args.samples, exc.expected + f" (up to {MAX_STREAMED_SAMPLES:,} with --keep summary)") from None
    check_cli_seed(args.seed)
    progress = show_progress(args, n >= PROGRESS_FROM)
    if args.dask is not None and args.keep != "summary":
        raise ArgumentError("--dask", args.dask, "--keep summary with --dask (workers send statistics, not samples)")
    if args.export and args.keep != "all":
        raise ArgumentError("--export", args.export, "--keep all with --export (the workbook holds samples)")
    if args.export:
        from pathlib import Path

        from ..io.atomic import check_folder

        if Path(args.export).suffix.lower() != ".xlsx":
            raise ArgumentError("--export", args.export, "a workbook's name ending in .xlsx")
        try:
            check_folder(Path(args.export))  # before the simulation, not after it
        except ArgumentError as exc:
            raise ArgumentError("--export", args.export, exc.expected) from None
    with client(args.dask) as c:
        if c is not None:
            from ..scale import simulate_dask

            results = simulate_dask(model, n, seed=args.seed, method=args.method, client=c)
        else:
            results = model.simulate(n=n, seed=args.seed, method=args.method, progress=progress, keep=args.keep,
                                     threads=args.threads)
    table = results.summary()
    if args.export:
        sheets.to_excel(model, args.export, results, sim_rows=args.sim_rows)  # deal sheets only for a deal model
        print(f"wrote {args.export}", file=sys.stderr)
    if args.json:
        rows = []
        for name, row in table.iterrows():
            rows.append({"name": name, **{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}})
        json.dump({"model": model.name, "samples": results.n, "seed": results.seed, "method": results.method, "cells": rows},
                  sys.stdout, indent=2)
        print()
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
            print(f"{model.name}: {results.n:,} samples, seed {results.seed}, method {results.method}")
            print(table.drop(columns=["label"]).to_string())
    return 0
