"""``dealvalue sweep MODEL --over CELL=START:STOP:STEP``: one simulation per grid point."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from ..errors import ArgumentError
from ..scale import MAX_POINTS

__all__ = ["add_parser", "run", "parse_over"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sweep", help="simulate a model at every point of a grid of input values",
                       description="One simulation per grid point; prints P(feasible) (in the deal model: P(a deal happens)) "
                                   "or --target's mean, and its standard error.")
    p.add_argument("model", help="a model file (.toml) or a shipped model's name, e.g. deal")
    p.add_argument("--over", action="append", required=True, metavar="CELL=START:STOP:STEP|CELL=v1,v2",
                   help="a cell and its values (repeat for a grid); START:STOP:STEP includes STOP when it falls on the step")
    p.add_argument("--samples", "-n", type=float, default=10_000, help="samples per point (default 10,000)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the model's, else 0)")
    p.add_argument("--target", default=None, help="the cell whose mean is reported (default feasible)")
    p.add_argument("--method", choices=("mc", "lhs", "qmc"), default="mc")
    p.add_argument("--dask", metavar="local|ADDRESS", default=None, help="run the points on a Dask cluster")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", action="store_true",
                     help="show a progress bar on standard error (default: when it is a terminal)")
    bar.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON records")
    out.add_argument("--csv", metavar="PATH", help="write the table as CSV")


def parse_over(text: str) -> tuple[str, list[float]]:
    """``CELL=START:STOP:STEP`` or ``CELL=v1,v2,...`` as a cell and its values.

    >>> parse_over("P=1:2:0.5")
    ('P', [1.0, 1.5, 2.0])
    >>> parse_over("c=0.1,0.3")
    ('c', [0.1, 0.3])
    """
    name, sep, spec = text.partition("=")
    expected = "CELL=START:STOP:STEP (START <= STOP, STEP > 0) or CELL=v1,v2,... with finite numbers"
    try:
        if not sep or not name.strip():
            raise ValueError
        if ":" in spec:
            start, stop, step = (float(x) for x in spec.split(":"))
            if not all(math.isfinite(v) for v in (start, stop, step)) or step <= 0 or stop < start:
                raise ValueError
            count = int((stop - start) / step + 1e-9) + 1
            values = None
        else:
            values = [float(x) for x in spec.split(",")]
            if not all(math.isfinite(v) for v in values):
                raise ValueError
            count = len(values)
    except ValueError:
        raise ArgumentError("--over", text, expected) from None
    if count > MAX_POINTS:
        raise ArgumentError("--over", text if len(text) <= 80 else text[:77] + "...",
                            f"at most {MAX_POINTS:,} values per cell (this range has {count:,})")
    if values is None:
        values = [round(start + i * step, 12) for i in range(count)]
    return name.strip(), values


def run(args: argparse.Namespace) -> int:
    from ..model import Model
    from ..scale import sweep
    from .dask import client
    from .run import show_progress

    from ..simulate import MAX_STREAMED_SAMPLES, check_n

    n = check_n(args.samples, "--samples", MAX_STREAMED_SAMPLES)
    from .run import check_cli_seed

    check_cli_seed(args.seed)
    over: dict[str, list[float]] = {}
    for text in args.over:
        name, values = parse_over(text)
        if name in over:
            raise ArgumentError("--over", text, f"each cell once ({name!r} is already swept; list all its values in one --over)")
        over[name] = values
    if args.csv:
        from pathlib import Path

        from ..io.atomic import check_folder

        try:
            check_folder(Path(args.csv))  # before the simulations, not after them
        except ArgumentError as exc:
            raise ArgumentError("--csv", args.csv, exc.expected) from None
    model = Model.load(args.model)
    if args.target is not None and args.target not in model:
        raise ArgumentError("--target", args.target, "a cell of the model (the default is feasible)")
    with client(args.dask) as c:
        table = sweep(model, over, n=n, seed=args.seed, target=args.target, client=c, method=args.method,
                      progress=show_progress(args))
    if args.csv:
        from ..io.atomic import atomic_path

        with atomic_path(args.csv) as tmp:
            table.to_csv(tmp, index=False)
        print(f"wrote {args.csv}", file=sys.stderr)
    elif args.json:
        print(table.to_json(orient="records", indent=2))
    else:
        print(f"{model.name}: {table.attrs['target']} at {len(table)} points, {table.attrs['n']:,} samples each, seed {table.attrs['seed']}")
        print(table.to_string(index=False, float_format="{:.4g}".format))
    return 0
