"""The best upfront share, and many AIs: how the deal model's answers change
with the share paid before delivery is verified, and with several AIs that
might each take a deal.

Examples
--------
>>> from dealvalue.deals.core import deal_model
>>> s = best_upfront(deal_model(), n=2_000, seed=1)
>>> float(s["u"]), s["target"]
(1.0, 'value_to_us_microdoom')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..errors import ArgumentError
from .core import check_core, seed_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["best_upfront", "many_ais"]


def _target(model: "Model", target: str | None) -> str:
    if target is not None:
        model.cell(target)
        return target
    for c in ("value_to_us_microdoom", "value_to_us"):
        if c in model:
            return c
    raise ArgumentError("target", target, "a cell to maximise (the model has neither value_to_us_microdoom nor value_to_us)")


def best_upfront(model: "Model", n: int = 10_000, seed: int | None = None, target: str | None = None,
                 upper: float = 1.0, step: float = 0.01, method: str = "mc") -> "pd.Series":
    """The upfront share ``u`` that maximises the expected net value of the
    deal to us, on one set of draws (common random numbers for every ``u``).

    Every candidate ``u`` runs on the same draws of every input, so the
    comparison between shares has no sampling noise of its own; the search is
    a grid of spacing ``step`` over ``[0, upper]`` refined tenfold around its
    best point.  ``upper`` is the most of the payment that can be paid now (0
    for a trust fund or a share of the future: see
    ``deals.MAX_UPFRONT``).  ``target`` defaults to ``value_to_us_microdoom``
    (else ``value_to_us``).

    Four forces pull on ``u`` (domain.md section 2, corrected).  Paying
    upfront raises the AI's certainty equivalent of a unit of price (``c_h``:
    the upfront share needs only its connection to reality), which lowers its
    ask; but the upfront share is paid whether or not the AI delivers, so a
    unit of price costs us ``u + (1 - u) c_ai`` and our bid falls.  For a
    risk-neutral AI with point inputs and nothing else in play the sign of
    ``reality * c_ai - c_h_deferred * delta**T`` decides (a corner); over
    uncertain inputs samples differ in that sign, and an interior share can
    be best for that reason alone.  Two more forces pull toward deferring
    (footnote 5): moral hazard, ``c_ai`` times ``1 - moral_hazard * u`` when
    the good is not verified at payment time, and the takeover risk an
    upfront dollar adds, ``u * upfront_risk_share`` per unit of price.  With
    either on, the optimum can be interior at point inputs, where the
    derivative of the expected value in ``u`` is zero (tested by hand).

    Parameters
    ----------
    model : Model
        A deal model with the core cells and a cell ``u``.
    n : int, default 10_000
        The number of samples (the same draws for every ``u``).
    seed : int, optional
        None takes the model's own seed, else 0.
    target : str, optional
        The cell whose mean is maximised (by default
        ``value_to_us_microdoom``, else ``value_to_us``).
    upper : float, default 1.0
        The largest share searched, in [0, 1].
    step : float, default 0.01
        The coarse grid's spacing, in (0, 1].
    method : {"mc", "lhs", "qmc"}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.

    Returns
    -------
    pandas.Series
        ``u``, ``value`` (the expected target at ``u``), ``stderr`` (its Monte
        Carlo error), ``value_at_0``, ``value_at_upper``, ``p_feasible`` (at
        ``u``), ``target``.  Values are in the target's unit.

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``upper`` or ``step`` out of range, or no target (the model has
        neither value cell).
    dealvalue.UnknownCellError
        The model has no cell ``u`` (or no cell ``target``).

    Examples
    --------
    >>> from dealvalue.deals.core import deal_model
    >>> float(best_upfront(deal_model(), n=500, seed=1, upper=0.0)["u"])   # a payment deferred by design
    0.0
    """
    import pandas as pd

    from ..simulate import check_n, sample_leaves

    check_core(model)
    n = check_n(n)
    model.cell("u")
    if not (0 <= upper <= 1):
        raise ArgumentError("upper", upper, "the most of the payment that can be paid now, in [0, 1]")
    if not (0 < step <= 1):
        raise ArgumentError("step", step, "a grid spacing in (0, 1]")
    tcell = _target(model, target)
    s = seed_of(model, seed)
    leaves = sample_leaves(model, n, s, method)

    def run(u: float) -> dict[str, np.ndarray]:
        return model.run_steps(leaves, n, fixed={"u": np.full(n, float(u))})

    cache: dict[float, float] = {}

    def mean(u: float) -> float:
        u = round(float(u), 12)
        if u not in cache:
            x = np.asarray(run(u)[tcell], dtype=float)
            cache[u] = float(np.mean(x))
        return cache[u]

    grid = np.unique(np.append(np.arange(0.0, upper + step / 2, step).clip(0, upper), upper))
    best = max(grid, key=mean)
    fine = np.unique(np.clip(np.arange(best - step, best + step + step / 20, step / 10), 0, upper))
    best = max([best, *fine], key=mean)
    values = run(best)
    x = np.asarray(values[tcell], dtype=float)
    return pd.Series({"u": float(best), "value": float(x.mean()), "stderr": float(x.std(ddof=1) / math.sqrt(n)),
                      "value_at_0": mean(0.0), "value_at_upper": mean(upper),
                      "p_feasible": float(np.mean(values["feasible"])), "target": tcell}, dtype=object)


def many_ais(model: "Model", n_ais: int, shared: Sequence[str] = (), n: int = 10_000, seed: int | None = None,
             method: str = "mc") -> "pd.Series":
    """P(at least one of ``n_ais`` AIs takes a deal) and the expected number
    of deals.

    The inputs named in ``shared`` (e.g. our credibility, ``reality``,
    ``commitment``, the developer's policy) are drawn once per sample and
    common to all AIs; every other input is drawn afresh for each AI, from
    its own stream.  With nothing shared the AIs are independent and
    P(at least one) = ``1 - (1 - p)**n_ais``; with every input shared they
    are copies of one AI and it is ``p``.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).
    n_ais : int
        The number of AIs, >= 1.
    shared : sequence of str, default ()
        Input cells drawn once per sample and common to every AI.
    n : int, default 10_000
        The number of samples.
    seed : int, optional
        None takes the model's own seed, else 0 (the first AI's draws; the
        others' streams derive from it).
    method : {"mc", "lhs", "qmc"}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.

    Returns
    -------
    pandas.Series
        ``p_one`` (P(feasible) for one AI), ``p_at_least_one``, its
        ``stderr``, ``expected_deals``, its ``stderr``, ``independent_limit``
        (``1 - (1 - p_one)**n_ais``), ``n_ais``.

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``n_ais`` is not a whole number >= 1, or ``shared`` names a cell
        that is not an input.

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> s = many_ais(core_model(R=10), 3, n=10)
    >>> float(s["p_at_least_one"]), float(s["expected_deals"])
    (1.0, 3.0)
    """
    import pandas as pd

    from ..simulate import check_n, sample_leaves

    check_core(model)
    n = check_n(n)
    if isinstance(n_ais, bool) or not isinstance(n_ais, (int, np.integer)) or n_ais < 1:
        raise ArgumentError("n_ais", n_ais, "a whole number of AIs >= 1")
    shared = list(shared)
    inputs = set(model.inputs) if hasattr(model, "inputs") else set()
    for name in shared:
        model.cell(name)
        if inputs and name not in inputs:
            raise ArgumentError("shared", name, "names of input cells (numbers and distributions) to share between AIs")
    s = seed_of(model, seed)
    first = model.run_steps(sample_leaves(model, n, s, method), n)
    fixed = {name: np.asarray(first[name], dtype=float) for name in shared}   # drawn once, common to all AIs
    feasible = np.zeros((int(n_ais), n))
    feasible[0] = np.asarray(first["feasible"], dtype=float)
    for i in range(1, int(n_ais)):
        leaves = sample_leaves(model, n, int(np.random.SeedSequence([s, i]).generate_state(1)[0]), method)
        feasible[i] = np.asarray(model.run_steps(leaves, n, fixed=fixed)["feasible"], dtype=float)
    p_one = float(feasible[0].mean())
    any_ = (feasible.max(axis=0) > 0).astype(float)
    count = feasible.sum(axis=0)
    return pd.Series({"p_one": p_one, "p_at_least_one": float(any_.mean()),
                      "p_at_least_one_stderr": float(any_.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
                      "expected_deals": float(count.mean()),
                      "expected_deals_stderr": float(count.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
                      "independent_limit": 1 - (1 - p_one) ** int(n_ais), "n_ais": int(n_ais)}, dtype=object)
