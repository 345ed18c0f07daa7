"""Trends: P(feasible) (with its error) and the window over assessment date, per assessor and pooled.

By default a trend shows the results stored with each assessment, computed
with the model and dealvalue version of their day (both are columns).
``recompute=True`` recomputes each with today's dealvalue (and today's file
of a shipped model), marked ``source = "recomputed"``.

The pooled row at a date pools each assessor's latest current assessment on
or before it.  From stored results its P(feasible) is the weighted mean of
the stored ones and its error treats their simulations as independent;
recomputed, it is :func:`dealvalue.assess.pool.simulate_pool` on common
random numbers.

Examples
--------
>>> import tempfile, os
>>> from dealvalue import assess
>>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "a.sqlite")
>>> _ = assess.add_system("X", db=url)
>>> for day, f in [("2030-01-01", "beta(2, 8)"), ("2030-06-01", "beta(5, 5)")]:
...     _ = assess.add("deal", system="X", assessor="alice", date=day, inputs={"reality": f}, n=1_000, db=url)
>>> t = trend("X", db=url)
>>> t[["date", "assessor", "source"]].astype(str).values.tolist()
[['2030-01-01', 'alice', 'stored'], ['2030-01-01', 'pooled', 'stored'], ['2030-06-01', 'alice', 'stored'], ['2030-06-01', 'pooled', 'stored']]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

from .db import Store, open_store
from .pool import POOL_N, current_views, normalise_weights, simulate_pool
from .store import assessments

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["trend", "TREND_COLUMNS"]

#: The columns of :func:`trend`.
TREND_COLUMNS = ("date", "assessor", "assessment", "p_feasible", "stderr", "value_to_us", "window_start", "window_end",
                 "source", "dealvalue_version", "model_sha256")


def trend(system: str, weights: "Mapping[str, float] | None" = None, recompute: bool = False, pooled: bool = True,
          n: int | None = None, seed: int = 0, db: "str | Store | None" = None) -> "pd.DataFrame":
    """P(feasible) and the window of ``system`` over assessment date.

    Parameters
    ----------
    system
        A registered AI system.
    weights
        Assessor weights for the pooled rows (equal by default).
    recompute
        Recompute every result with today's dealvalue and model (each
        assessment at its own ``n`` and seed; pooled rows at ``n``, default
        the largest stored ``n``, and ``seed``).
    pooled
        Add a ``pooled`` row at each date.

    Returns
    -------
    pandas.DataFrame
        One row per current assessment (and pooled row), by date:
        ``date assessor assessment p_feasible stderr value_to_us
        window_start window_end source dealvalue_version model_sha256``.
    """
    import pandas as pd

    from .. import __version__

    store = open_store(db)
    table = assessments(system=system, current_only=True, db=store)
    rows: list[dict[str, Any]] = []
    if recompute and not table.empty:
        from .compute import compute

        views = {v.assessment: v for d in sorted(set(table["date"])) for v in current_views(system, d, store, today=True)}
        for i, row in table.iterrows():
            v = views[int(str(i))]
            c = compute(v.model, int(row["n"]), int(row["seed"]), str(row["method"]))
            rows.append({"date": row["date"], "assessor": row["assessor"], "assessment": int(str(i)),
                         "p_feasible": c.p_feasible, "stderr": c.p_feasible_stderr, "value_to_us": c.value_to_us,
                         "window_start": c.window.get("start"), "window_end": c.window.get("end"),
                         "source": "recomputed", "dealvalue_version": __version__, "model_sha256": row["model_sha256"]})
    else:
        for i, row in table.iterrows():
            rows.append({"date": row["date"], "assessor": row["assessor"], "assessment": int(str(i)),
                         "p_feasible": row["p_feasible"], "stderr": row["stderr"], "value_to_us": row["value_to_us"],
                         "window_start": row["window_start"], "window_end": row["window_end"], "source": "stored",
                         "dealvalue_version": row["dealvalue_version"], "model_sha256": row["model_sha256"]})
    if pooled and rows:
        per = pd.DataFrame(rows)
        pool_n = int(n if n is not None else table["n"].max())
        latest: dict[str, dict[str, Any]] = {}
        by_day: dict[Any, Any] = {day: g for day, g in per.groupby("date", sort=True)}
        for day, group in by_day.items():
            for r in group.to_dict("records"):
                latest[str(r["assessor"])] = {str(k): v for k, v in r.items()}  # rows come by date then id: the last is the latest
            names = sorted(latest)
            w = normalise_weights(names, None if weights is None else {a: weights.get(a, 0.0) for a in names})
            upto = {"p_feasible": [latest[a]["p_feasible"] for a in names], "stderr": [latest[a]["stderr"] for a in names],
                    "value_to_us": [latest[a]["value_to_us"] for a in names]}
            if recompute:
                run = simulate_pool({v.assessor: v.model for v in current_views(system, day, store, today=True)}, w,
                                    pool_n or POOL_N, seed)
                p, se, value = run.p_feasible, run.stderr, run.value_to_us
            else:
                p = float(sum(w[a] * x for a, x in zip(names, upto["p_feasible"])))
                se = math.sqrt(sum((w[a] * x) ** 2 for a, x in zip(names, upto["stderr"])))
                value = float(sum(w[a] * x for a, x in zip(names, upto["value_to_us"])))
            rows.append({"date": day, "assessor": "pooled", "assessment": None, "p_feasible": p, "stderr": se,
                         "value_to_us": value, "window_start": math.nan, "window_end": math.nan,
                         "source": "recomputed" if recompute else "stored",
                         "dealvalue_version": __version__ if recompute else "", "model_sha256": ""})
    frame = pd.DataFrame(rows, columns=list(TREND_COLUMNS))
    frame["_pooled"] = frame["assessor"] == "pooled"
    frame = frame.sort_values(["date", "_pooled", "assessor"], kind="stable").drop(columns="_pooled").reset_index(drop=True)
    frame["assessment"] = frame["assessment"].astype("Int64")
    for col in ("value_to_us", "window_start", "window_end"):
        frame[col] = frame[col].astype(float)
    return frame
