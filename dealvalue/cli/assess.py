"""``dealvalue assess``: record and read assessments of AI systems.

::

    dealvalue assess system NAME [--developer D] [--version V] [--released YYYY-MM-DD] [--db URL]
    dealvalue assess add MODEL --system NAME --assessor NAME --date YYYY-MM-DD [--set CELL=FORMULA ...]
                         [--input-note CELL=TEXT ...] [--source CELL=TEXT ...] [--note TEXT] [--supersedes ID] [--db URL]
    dealvalue assess list [--system NAME] [--all] [--db URL] [--json]
    dealvalue assess trend --system NAME [--recompute] [--db URL] [--json]
    dealvalue assess pool --system NAME [--date YYYY-MM-DD] [--weight NAME=W ...] [--db URL] [--json]
    dealvalue assess export --db URL PATH.csv|PATH.xlsx
    dealvalue assess upgrade [--db URL]

The database is ``--db URL``, else ``$DEALVALUE_DB``, else the SQLite file in
the user's data directory; the password of a URL is never printed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

__all__ = ["add_parser", "run"]


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", default=None,
                   help="database URL (default: $DEALVALUE_DB, else a SQLite file in your data directory)")


def add_parser(sub: Any) -> None:
    """Add the ``assess`` subcommand (with its own subcommands) to ``sub``."""
    p = sub.add_parser("assess", help="record and read dated, attributed assessments of AI systems",
                       description="Assessments of real AI systems in a database (SQLite by default, or a shared PostgreSQL).")
    s = p.add_subparsers(dest="assess_command", required=True, metavar="{system,add,list,trend,pool,export,upgrade}")
    q = s.add_parser("system", help="register an AI system")
    q.add_argument("name")
    q.add_argument("--developer", default="")
    q.add_argument("--version", default="")
    q.add_argument("--released", metavar="YYYY-MM-DD", default=None, help="release date")
    _db(q)
    q = s.add_parser("add", help="record an assessment")
    q.add_argument("model", help="a shipped model's name (e.g. deal) or a model file")
    q.add_argument("--system", required=True)
    q.add_argument("--assessor", required=True)
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--set", action="append", default=[], metavar="CELL=FORMULA", help="an input you set (repeat)")
    q.add_argument("--input-note", action="append", default=[], metavar="CELL=TEXT", help="why you set an input")
    q.add_argument("--source", action="append", default=[], metavar="CELL=TEXT", help="a source for an input (repeat)")
    q.add_argument("--note", default="", help="a note on the whole assessment")
    q.add_argument("--supersedes", type=int, default=None, metavar="ID", help="the assessment this one corrects")
    q.add_argument("--samples", "-n", type=int, default=10_000)
    q.add_argument("--seed", type=int, default=None)
    q.add_argument("--json", action="store_true")
    _db(q)
    q = s.add_parser("list", help="list assessments")
    q.add_argument("--system", default=None)
    q.add_argument("--all", action="store_true", help="include superseded assessments")
    q.add_argument("--json", action="store_true")
    _db(q)
    q = s.add_parser("trend", help="P(feasible) of a system over assessment date, per assessor and pooled")
    q.add_argument("--system", required=True)
    q.add_argument("--recompute", action="store_true", help="recompute with today's dealvalue and model (marked)")
    q.add_argument("--json", action="store_true")
    _db(q)
    q = s.add_parser("pool", help="the assessors' views side by side, pooled, and where they disagree")
    q.add_argument("--system", required=True)
    q.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="views as of this date (default: latest)")
    q.add_argument("--weight", action="append", default=[], metavar="ASSESSOR=W", help="weights (default equal)")
    q.add_argument("--samples", "-n", type=int, default=20_000)
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--json", action="store_true")
    _db(q)
    q = s.add_parser("export", help="write every assessment to a CSV or Excel file")
    q.add_argument("path", metavar="PATH.csv|PATH.xlsx")
    _db(q)
    q = s.add_parser("upgrade", help="migrate the database to this dealvalue's schema")
    _db(q)


def _pairs(items: list[str], option: str) -> list[tuple[str, str]]:
    from ..errors import ArgumentError

    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ArgumentError(option, item, "CELL=VALUE")
        out.append((key.strip(), value.strip()))
    return out


def _plain(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if hasattr(x, "isoformat"):
        return x.isoformat()
    if hasattr(x, "item"):
        return _plain(x.item())
    try:
        import pandas as pd

        if x is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return x


def _records(frame: Any, index: str | None = None) -> list[dict[str, Any]]:
    f = frame.reset_index() if index else frame
    return [{str(k): _plain(v) for k, v in row.items()} for row in f.to_dict("records")]


def _print(frame: Any) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", "{:.4g}".format):
        print(frame.to_string())


def run(args: argparse.Namespace) -> int:
    """Run one ``dealvalue assess`` subcommand."""
    from .. import assess

    cmd = args.assess_command
    if cmd == "upgrade":
        rev = assess.upgrade(args.db)
        print(f"{assess.database(args.db)}: schema at revision {rev}")
        return 0
    if cmd == "system":
        _print(assess.add_system(args.name, args.developer, args.version, args.released, db=args.db))
        return 0
    if cmd == "add":
        given: dict[str, dict[str, Any]] = {c: {"formula": f, "note": "", "sources": []} for c, f in _pairs(args.set, "--set")}
        for option, key in (("--input-note", "note"), ("--source", "sources")):
            for c, v in _pairs(args.input_note if key == "note" else args.source, option):
                if c not in given:
                    from ..errors import ArgumentError

                    raise ArgumentError(option, f"{c}={v}", f"a cell also given with --set (got no --set {c}=...)")
                if key == "note":
                    given[c]["note"] = v
                else:
                    given[c]["sources"].append(v)
        row = assess.add(args.model, system=args.system, assessor=args.assessor, date=args.date, inputs=given,
                         note=args.note, n=args.samples, seed=args.seed, supersedes=args.supersedes, db=args.db)
        if args.json:
            json.dump(_records(row, "id")[0], sys.stdout, indent=2)
            print()
        else:
            r = row.iloc[0]
            print(f"recorded assessment {row.index[0]} in {assess.database(args.db)}: P(feasible) = "
                  f"{r['p_feasible']:.4g} +- {r['stderr']:.2g}, binding barrier {r['binding_barrier']}")
        return 0
    if cmd == "list":
        table = assess.assessments(system=args.system, current_only=not args.all, db=args.db)
        if args.json:
            json.dump(_records(table, "id"), sys.stdout, indent=2)
            print()
        else:
            _print(table[["date", "system", "assessor", "model", "p_feasible", "stderr", "binding_barrier", "current", "note"]])
        return 0
    if cmd == "trend":
        t = assess.trend(args.system, recompute=args.recompute, db=args.db)
        if args.json:
            json.dump(_records(t), sys.stdout, indent=2)
            print()
        else:
            _print(t.drop(columns=["model_sha256"]))
        return 0
    if cmd == "pool":
        weights = {a: float(w) for a, w in _pairs(args.weight, "--weight")} or None
        p = assess.pool(args.system, date=args.date, weights=weights, n=args.samples, seed=args.seed, db=args.db)
        d = assess.disagreement(args.system, date=args.date, weights=weights, n=args.samples, seed=args.seed, db=args.db)
        if args.json:
            per = p.drop(index="pooled")
            out = {"system": args.system, "date": _plain(p.loc["pooled", "date"]),
                   "p_feasible": _plain(p.loc["pooled", "p_feasible"]), "stderr": _plain(p.loc["pooled", "stderr"]),
                   "value_to_us": _plain(p.loc["pooled", "value_to_us"]), "n": args.samples, "seed": args.seed,
                   "assessors": _records(per, "assessor"), "disagreement": _records(d, "input")}
            json.dump(out, sys.stdout, indent=2)
            print()
        else:
            _print(p)
            print("\nwhere the assessors disagree (pooled P(feasible) when all take one assessor's view of the input):")
            if d.empty:
                print("(they set every input alike)")
            else:
                _print(d)
        return 0
    if cmd == "export":
        print(f"wrote {assess.export(args.path, db=args.db)}", file=sys.stderr)
        return 0
    raise AssertionError(cmd)  # pragma: no cover
