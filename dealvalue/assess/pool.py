"""Pooling several assessors: side by side, the linear opinion pool of their whole models, and where they disagree.

The *linear opinion pool* of assessors ``k`` with weights ``w_k`` (equal by
default) is the mixture of their whole models: each sample takes all of its
inputs from one assessor, chosen with the weights, so each assessor's joint
view is kept (their inputs are never mixed within a sample).  Every
assessor's model is simulated with the same seed, so leaves with the same
name get the same draws (common random numbers).  The pooled P(feasible) is
the mixture's, ``sum_k w_k P_k``: computed exactly so (the mixture's
expectation given each sample's draws, which has less noise than drawing
the assessor) with its Monte Carlo error from the per-sample combination.
:func:`pooled_samples` draws the assessor per sample, for a joint sample of
the pool itself.

*Disagreement*: for each input the assessors set differently, every
assessor takes assessor ``j``'s view of that input alone (keeping their own
view of everything else), for each ``j``; the spread (max - min) of the
pooled P(feasible) over ``j`` ranks the inputs.

Examples
--------
>>> from dealvalue.assess.compute import assessed_model, load_model
>>> base = load_model("deal")[0]
>>> views = {"alice": assessed_model(base, {"reality": "beta(2, 8)"}),
...          "bob": assessed_model(base, {"reality": "beta(8, 2)"})}
>>> run = simulate_pool(views, n=2_000, seed=1)
>>> bool(abs(run.p_feasible - (run.per_assessor["alice"] + run.per_assessor["bob"]) / 2) < 1e-12)
True
>>> rank_disagreement(views, n=2_000, seed=1).index.tolist()
['reality']
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from ..errors import ArgumentError, AssessmentError
from .db import Store, open_store
from .store import assessments, inputs, parse_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["View", "PoolRun", "normalise_weights", "current_views", "simulate_pool", "rank_disagreement", "pool",
           "disagreement", "pooled_samples", "POOL_N"]

#: Samples per assessor model in a pooled simulation, by default.
POOL_N = 20_000


@dataclass
class View:
    """One assessor's current assessment of a system, as a model."""

    assessor: str
    assessment: int
    date: _dt.date
    model: "Model"
    inputs: dict[str, str]
    stored: dict[str, Any] = field(default_factory=dict)


@dataclass
class PoolRun:
    """A pooled simulation: the pooled P(feasible) and E[value to us] with
    their errors, each assessor's, and the weights used."""

    p_feasible: float
    stderr: float
    value_to_us: float
    value_to_us_stderr: float
    per_assessor: dict[str, float]
    per_assessor_stderr: dict[str, float]
    per_assessor_value: dict[str, float]
    weights: dict[str, float]
    n: int
    seed: int


def normalise_weights(names: list[str], weights: "Mapping[str, float] | None") -> dict[str, float]:
    """Weights over ``names`` summing to 1 (equal when ``weights`` is None;
    assessors left out of ``weights`` get 0)."""
    if weights is None:
        return {a: 1.0 / len(names) for a in names}
    unknown = sorted(set(weights) - set(names))
    if unknown:
        raise ArgumentError("weights", dict(weights), f"weights for the assessors being pooled ({', '.join(names)}); "
                            f"no current assessment by {', '.join(unknown)}")
    w = {a: float(weights.get(a, 0.0)) for a in names}
    if any(not math.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ArgumentError("weights", dict(weights), "weights >= 0 with a positive sum")
    total = sum(w.values())
    return {a: v / total for a, v in w.items()}


def current_views(system: str, date: "str | _dt.date | None" = None, db: "str | Store | None" = None,
                  today: bool = False) -> list[View]:
    """Each assessor's latest current assessment of ``system`` on or before
    ``date`` (default: all), as a model with the assessor's inputs applied.

    ``today=True`` rebuilds a shipped model from today's file instead of the
    text stored with the assessment.
    """
    from ..model import Model
    from .compute import assessed_model, load_model
    from .schema import Assessment, ModelText
    from sqlalchemy import select

    store = open_store(db)
    table = assessments(system=system, current_only=True, db=store)
    if date is not None:
        table = table[table["date"] <= parse_date(date)]
    if table.empty:
        raise AssessmentError("system", system, "no current assessment of this system" +
                              (f" on or before {parse_date(date)}" if date is not None else ""))
    latest = table.reset_index().groupby("assessor", sort=True).tail(1).set_index("id")
    ids = [int(i) for i in latest.index]
    ins = inputs(ids, db=store)
    with store.session() as s:
        texts = dict(s.execute(select(Assessment.id, ModelText.text).join(Assessment.model)
                               .where(Assessment.id.in_(ids))).all())
    views = []
    for i, row in latest.sort_values("assessor").iterrows():
        aid = int(str(i))
        given = {str(r.cell): str(r.formula) for r in ins[ins["assessment"] == aid].itertuples()}
        shipped = str(row["model"]) if row["model"] != "(file)" else None
        base = load_model(shipped)[0] if today and shipped else Model.loads(texts[aid], path=f"assessment {aid}")
        stored = {str(k): v for k, v in row.to_dict().items()}
        views.append(View(str(row["assessor"]), aid, row["date"], assessed_model(base, given), given, stored))
    return views


def _run_all(models: "Mapping[str, Model]", n: int, seed: int) -> dict[str, dict[str, np.ndarray]]:
    from .. import deals

    out = {}
    for name, m in models.items():
        r = deals.simulate(m, n, seed)
        vals = {"feasible": np.asarray(r.get("feasible"), dtype=float)}
        if "value_to_us" in r.values:
            vals["value_to_us"] = np.asarray(r.get("value_to_us"), dtype=float)
        out[name] = vals
    return out


def _se(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan


def simulate_pool(models: "Mapping[str, Model]", weights: "Mapping[str, float] | None" = None,
                  n: int = POOL_N, seed: int = 0) -> PoolRun:
    """The linear opinion pool of ``models`` (assessor -> model), on common random numbers."""
    from ..simulate import check_n, check_seed

    n, seed = check_n(n), check_seed(seed)
    names = list(models)
    if not names:
        raise ArgumentError("models", dict(models), "at least one assessor's model")
    w = normalise_weights(names, weights)
    runs = _run_all(models, n, seed)
    feas = sum(w[a] * runs[a]["feasible"] for a in names)
    has_value = all("value_to_us" in runs[a] for a in names)
    value = sum(w[a] * runs[a]["value_to_us"] for a in names) if has_value else np.full(n, math.nan)
    assert isinstance(feas, np.ndarray) and isinstance(value, np.ndarray)
    return PoolRun(
        p_feasible=float(sum(w[a] * float(runs[a]["feasible"].mean()) for a in names)), stderr=_se(feas),
        value_to_us=float(np.nanmean(value)) if has_value else math.nan, value_to_us_stderr=_se(value) if has_value else math.nan,
        per_assessor={a: float(runs[a]["feasible"].mean()) for a in names},
        per_assessor_stderr={a: _se(runs[a]["feasible"]) for a in names},
        per_assessor_value={a: float(np.nanmean(runs[a]["value_to_us"])) if "value_to_us" in runs[a] else math.nan
                            for a in names},
        weights=w, n=n, seed=seed)


def rank_disagreement(models: "Mapping[str, Model]", weights: "Mapping[str, float] | None" = None,
                      n: int = POOL_N, seed: int = 0) -> "pd.DataFrame":
    """Inputs the assessors set differently, ranked by the spread of the
    pooled P(feasible) when every assessor takes one assessor's view of that
    input alone.

    Returns
    -------
    pandas.DataFrame
        Indexed by input, largest spread first: ``spread low high`` and one
        column per assessor ``j`` (the pooled P(feasible) when all take
        ``j``'s view of the input); empty when the assessors agree.
    """
    import pandas as pd

    names = list(models)
    w = normalise_weights(names, weights)
    cells = sorted(set.intersection(*(set(m.inputs) for m in models.values()))) if names else []
    rows = []
    for cell in cells:
        formulas = {a: models[a].cell(cell).formula for a in names}
        if len(set(formulas.values())) < 2:
            continue
        row: dict[str, Any] = {"input": cell}
        for j in names:
            swapped = {}
            for k in names:
                m = models[k]
                if formulas[k] != formulas[j]:
                    m = m.copy()
                    m.replace(cell, formulas[j])
                swapped[k] = m
            row[j] = simulate_pool(swapped, w, n, seed).p_feasible
        vals = [row[j] for j in names]
        row.update(spread=max(vals) - min(vals), low=min(vals), high=max(vals))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["input", "spread", "low", "high", *names])
    return frame.sort_values("spread", ascending=False, kind="stable").set_index("input")


def pool(system: str, date: "str | _dt.date | None" = None, weights: "Mapping[str, float] | None" = None,
         n: int = POOL_N, seed: int = 0, db: "str | Store | None" = None) -> "pd.DataFrame":
    """Each assessor's current view of ``system`` side by side, and their linear opinion pool.

    Parameters
    ----------
    system
        A registered AI system.
    date
        Use each assessor's latest current assessment on or before this
        date (default: the latest).
    weights
        ``{assessor: weight}``, equal by default (normalised to sum to 1).
    n, seed
        The pooled simulation; every assessor's model gets the same seed.

    Returns
    -------
    pandas.DataFrame
        One row per assessor, then ``pooled``: ``assessment date weight
        p_feasible stderr value_to_us stored_p_feasible stored_stderr``
        (``p_feasible`` is from this run; ``stored_*`` what the assessment
        recorded, with its own ``n`` and seed).

    Examples
    --------
    >>> import tempfile, os
    >>> from dealvalue import assess
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "a.sqlite")
    >>> _ = assess.add_system("X", db=url)
    >>> for who, f in [("alice", "beta(2, 8)"), ("bob", "beta(8, 2)")]:
    ...     _ = assess.add("deal", system="X", assessor=who, date="2030-01-01", inputs={"reality": f}, n=1_000, db=url)
    >>> p = pool("X", n=2_000, db=url)
    >>> p.index.tolist()
    ['alice', 'bob', 'pooled']
    >>> bool(abs(p.loc["pooled", "p_feasible"] - p.loc[["alice", "bob"], "p_feasible"].mean()) < 1e-12)
    True
    """
    import pandas as pd

    views = current_views(system, date, db)
    run = simulate_pool({v.assessor: v.model for v in views}, weights, n, seed)
    rows = [{"assessor": v.assessor, "assessment": v.assessment, "date": v.date, "weight": run.weights[v.assessor],
             "p_feasible": run.per_assessor[v.assessor], "stderr": run.per_assessor_stderr[v.assessor],
             "value_to_us": run.per_assessor_value[v.assessor], "stored_p_feasible": v.stored["p_feasible"],
             "stored_stderr": v.stored["stderr"]} for v in views]
    rows.append({"assessor": "pooled", "assessment": None, "date": max(v.date for v in views), "weight": 1.0,
                 "p_feasible": run.p_feasible, "stderr": run.stderr, "value_to_us": run.value_to_us,
                 "stored_p_feasible": sum(run.weights[v.assessor] * v.stored["p_feasible"] for v in views),
                 "stored_stderr": math.sqrt(sum((run.weights[v.assessor] * v.stored["stderr"]) ** 2 for v in views))})
    frame = pd.DataFrame(rows).set_index("assessor")
    frame["assessment"] = frame["assessment"].astype("Int64")
    return frame


def disagreement(system: str, date: "str | _dt.date | None" = None, weights: "Mapping[str, float] | None" = None,
                 n: int = POOL_N, seed: int = 0, db: "str | Store | None" = None) -> "pd.DataFrame":
    """Which inputs the assessors of ``system`` disagree on most (see
    :func:`rank_disagreement`), for their current views as of ``date``."""
    views = current_views(system, date, db)
    return rank_disagreement({v.assessor: v.model for v in views}, weights, n, seed)


def pooled_samples(system: str, date: "str | _dt.date | None" = None, weights: "Mapping[str, float] | None" = None,
                   n: int = POOL_N, seed: int = 0, db: "str | Store | None" = None) -> "pd.DataFrame":
    """A joint sample of the pool: each of the ``n`` rows takes every cell
    from one assessor's model (column ``assessor``), chosen with the weights."""
    import pandas as pd

    from ..simulate import check_n, check_seed, derived_seed

    n, seed = check_n(n), check_seed(seed)
    views = current_views(system, date, db)
    names = [v.assessor for v in views]
    w = normalise_weights(names, weights)
    who = np.random.default_rng(derived_seed(seed, "pool")).choice(len(names), size=n, p=[w[a] for a in names])
    frames = []
    for k, v in enumerate(views):
        r = v.model.simulate(n=n, seed=seed)
        frames.append(r.samples[who == k].assign(assessor=v.assessor))
    out: pd.DataFrame = pd.concat(frames).sort_index()
    return out
