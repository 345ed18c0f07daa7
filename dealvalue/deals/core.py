"""The core of a deal model: its cells, loading and simulating it, P(feasible) and the ZOPA.

A *deal model* is any model that names the core cells of the taxonomy deal
model (the shipped model ``deal``)::

    R  W  c_h  c_ai  ask  bid  feasible

(``ask = R / c_h`` and ``bid = W * c_ai`` in the simplest model).

Examples
--------
>>> m = core_model(R=90, W=100, c_h=0.5, c_ai=0.5)
>>> m.evaluate("ask"), m.evaluate("bid"), m.evaluate("feasible")
(180.0, 50.0, 0.0)
>>> m.replace("R", "10")
>>> zopa_point(m)
(20.0, 50.0, 35.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..errors import NotADealModelError
from ..stats import quantiles

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = [
    "CORE",
    "CORE_INPUTS",
    "CORE_OUTPUTS",
    "core_model",
    "deal_model",
    "check_core",
    "seed_of",
    "simulate",
    "p_feasible",
    "deal_summary",
    "zopa_point",
    "zopa",
]

#: The inputs of the core deal: the AI's reservation price, our willingness
#: to pay, and the credibility of each side's offer.
CORE_INPUTS = ("R", "W", "c_h", "c_ai")
#: The core outputs: the AI's ask, our bid, and whether a ZOPA exists.
CORE_OUTPUTS = ("ask", "bid", "feasible")
#: Every cell a deal model names.
CORE = CORE_INPUTS + CORE_OUTPUTS


# ---------------------------------------------------------------- models
def core_model(R: float = 90, W: float = 100, c_h: float = 0.5, c_ai: float = 0.5, beta: float = 0.5) -> "Model":
    """The core deal model with point inputs (the seed's worked example by default).

    Cells: ``R W c_h c_ai bargaining_power ask bid feasible F trust_inflation
    price value_to_us value_to_ai``.

    Parameters
    ----------
    R : float, default 90
        The AI's reservation price, in USD.
    W : float, default 100
        Our willingness to pay, in USD.
    c_h : float, default 0.5
        The credibility of our offer, in [0, 1].
    c_ai : float, default 0.5
        The credibility of the AI's offer, in [0, 1].
    beta : float, default 0.5
        The AI's bargaining power (cell ``bargaining_power``): the share of
        the ZOPA's width the Nash price gives the AI.

    Returns
    -------
    Model
        A new model whose cells are those numbers and the formulas
        ``ask = R / c_h``, ``bid = W * c_ai``, ``feasible = bid >= ask``,
        ``F = bid / ask``, ``trust_inflation = 1 / (c_h * c_ai)``, ``price =
        ask + bargaining_power * (bid - ask)`` and the value of the deal to
        each side (0 when there is no ZOPA).

    Examples
    --------
    >>> m = core_model()
    >>> m.evaluate("ask"), m.evaluate("bid"), m.evaluate("trust_inflation")
    (180.0, 50.0, 4.0)
    """
    from ..model import Model

    m = Model("core deal model", description="ask = R / c_h, bid = W * c_ai (seed, footnote 26)")
    m.add("R", repr(float(R)), unit="USD", label="AI's reservation price", group="deal")
    m.add("W", repr(float(W)), unit="USD", label="our willingness to pay", group="deal")
    m.add("c_h", repr(float(c_h)), label="credibility of our offer", group="deal", bounds=(0, 1))
    m.add("c_ai", repr(float(c_ai)), label="credibility of the AI's offer", group="deal", bounds=(0, 1))
    m.add("bargaining_power", repr(float(beta)), label="AI's bargaining power (beta)", group="deal", bounds=(0, 1))
    m.add("ask", "R / c_h", unit="USD", label="AI's ask", group="deal")
    m.add("bid", "W * c_ai", unit="USD", label="our bid", group="deal")
    m.add("feasible", "bid >= ask", label="a ZOPA exists", group="deal")
    m.add("F", "bid / ask", label="feasibility index", group="deal")
    m.add("trust_inflation", "1 / (c_h * c_ai)", label="trust inflation", group="deal")
    m.add("price", "ask + bargaining_power * (bid - ask)", unit="USD", label="Nash price", group="deal")
    m.add("value_to_us", "if(feasible, (1 - bargaining_power) * (bid - ask), 0)", unit="USD", label="value of the deal to us", group="deal")
    m.add("value_to_ai", "if(feasible, price * c_h - R, 0)", unit="USD", label="value of the deal to the AI", group="deal")
    return m


def deal_model(name: str = "deal") -> "Model":
    """Load a shipped model by name: ``"deal"``, ``"advocacy"``,
    ``"evidence"`` (see :func:`dealvalue.models.names`), or a scenario as
    ``"scenarios/<name>"`` (see :func:`dealvalue.models.scenario_names`).

    Parameters
    ----------
    name : str, default "deal"
        A shipped model's name, or ``"scenarios/"`` and a scenario's name.

    Returns
    -------
    Model
        The model read from the shipped TOML file (a new object each call).

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``name`` is not a shipped model or scenario.

    Examples
    --------
    >>> m = deal_model()
    >>> all(c in m for c in CORE)
    True
    >>> deal_model("scenarios/labour_trust_fund").cell("u").formula
    '0'
    """
    from .. import models
    from ..model import Model

    if isinstance(name, str) and name.startswith("scenarios/"):
        path = models.scenario_path(name.removeprefix("scenarios/"))
    else:
        path = models.path(name)
    return Model.load(str(path))


def check_core(model: "Model", cells: Sequence[str] = CORE) -> None:
    """Raise :class:`~dealvalue.errors.NotADealModelError` (a kind of
    :class:`~dealvalue.UnknownCellError`) naming the first core cell the
    model lacks.

    Parameters
    ----------
    model : Model
        The model to check.
    cells : sequence of str, default CORE
        The cells it must have: ``R W c_h c_ai ask bid feasible``.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        A cell of ``cells`` is not in the model.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("mine"); m.add("R", "90")
    >>> check_core(m)
    Traceback (most recent call last):
    ...
    dealvalue.errors.NotADealModelError: model 'mine' is not a deal model: it has no cell 'W' (expected the core cells R, W, c_h, c_ai, ask, bid, feasible)
    """
    for c in cells:
        if c not in model:
            raise NotADealModelError(c, str(getattr(model, "name", "") or ""), tuple(cells))


def _is_results(obj: Any) -> bool:
    return hasattr(obj, "values") and hasattr(obj, "model") and hasattr(obj, "n")


def simulate(model: "Model | Results", n: int = 10_000, seed: int | None = None, method: str = "mc") -> "Results":
    """Simulate ``model`` (or pass ``Results`` through), after checking the core cells.

    ``seed=None`` uses the model's own seed, else 0, so answers are repeatable.

    Parameters
    ----------
    model : Model or Results
        A deal model (it must have the core cells, see :func:`check_core`),
        or results of one, used as they are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.
    method : {"mc", "lhs", "qmc"}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.

    Returns
    -------
    Results
        Joint samples of every cell (``model`` itself when it is results).

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.

    Examples
    --------
    >>> r = simulate(core_model(R=10), n=100)
    >>> r.n, r.mean("feasible"), simulate(r) is r
    (100, 1.0, True)
    """
    if _is_results(model):
        check_core(model.model)  # type: ignore[union-attr]
        return model  # type: ignore[return-value]
    check_core(model)  # type: ignore[arg-type]
    return model.simulate(n=n, seed=seed_of(model, seed), method=method)  # type: ignore[union-attr, arg-type]


def seed_of(model: "Model", seed: int | None) -> int:
    """The seed an answer uses: ``seed``, else the model's own seed, else 0,
    so answers are repeatable.

    Examples
    --------
    >>> seed_of(core_model(), None), seed_of(core_model(), 7)
    (0, 7)
    """
    return int(seed if seed is not None else (model.seed if model.seed is not None else 0))


# ---------------------------------------------------------------- feasibility
def p_feasible(model: "Model | Results", n: int = 10_000, seed: int | None = None) -> float:
    """P(feasible): the mean of the ``feasible`` cell (in the core model a ZOPA
    exists; in the deal model a deal happens: eligibility, rule-outs and
    participation included, see :func:`~dealvalue.deals.report.probability_label`).

    Parameters
    ----------
    model : Model or Results
        A deal model (it must have the core cells, see :func:`check_core`),
        or results of one, used as they are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.

    Returns
    -------
    float
        The share of samples in which ``feasible`` is 1, in [0, 1].

    Examples
    --------
    >>> p_feasible(core_model(R=90)), p_feasible(core_model(R=10))
    (0.0, 1.0)
    """
    r = simulate(model, n, seed)
    return r.mean("feasible")


def deal_summary(model: "Model | Results", n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """P(feasible) and the expected value of the deal to each side, with
    Monte Carlo standard errors.

    Parameters
    ----------
    model : Model or Results
        A deal model (it must have the core cells, see :func:`check_core`),
        or results of one, used as they are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.

    Returns
    -------
    pandas.DataFrame
        Indexed by quantity: ``label value stderr unit``.  Rows present when
        the model has the cells: ``p_feasible``; the share of samples lost
        to each reason, attributed in this order so that they add up to
        ``1 - p_feasible``: ``lost_ineligible`` (cell ``eligible``), one
        ``lost_ruled_out_*`` per rule-out cell (see
        :func:`~dealvalue.deals.rules.apply_rules`),
        ``lost_no_zopa`` (``zopa_exists``), ``lost_participation``
        (``willing_to_engage``); then ``value_to_us``,
        ``value_to_ai``, ``value_to_us_microdoom``, ``spend``,
        ``value_delivered``, ``zopa_width``.

    Examples
    --------
    >>> s = deal_summary(core_model(R=10))
    >>> [float(s.loc[q, "value"]) for q in ("p_feasible", "value_to_us", "value_to_ai")]
    [1.0, 15.0, 7.5]
    """
    import pandas as pd

    from ..units import unit_text

    r = simulate(model, n, seed)
    label = r.model.cell("feasible").label or "P(feasible)"
    rows = [{"quantity": "p_feasible", "label": f"P({label})", "value": r.mean("feasible"),
             "stderr": r.stderr("feasible"), "unit": ""}]
    rows += _losses(r)
    for name in ("value_to_us", "value_to_ai", "value_to_us_microdoom", "spend", "value_delivered", "zopa_width"):
        if name in r.values:
            rows.append({"quantity": name, "label": f"E[{r.model.cell(name).label or name}]", "value": r.mean(name),
                         "stderr": r.stderr(name), "unit": unit_text(r.model.unit(name))})
    return pd.DataFrame(rows).set_index("quantity")


def _losses(r: "Results") -> list[dict[str, Any]]:
    """The share of samples lost to each reason, attributed in order (ineligible, each rule-out, no ZOPA,
    participation: a sample counts for the first reason that holds), so the shares add up to
    1 - P(feasible) when ``feasible`` is their product; rows only for the cells the model has."""
    names = list(r.model.names)
    rules = [c for c in names if c.startswith("ruled_out_")] or (["ruled_out"] if "ruled_out" in names else [])
    reasons = ([("lost_ineligible", "share lost: AI not eligible", "eligible", False)] if "eligible" in names else [])
    reasons += [(f"lost_{c}", f"share lost: {r.model.cell(c).label or c}", c, True) for c in rules]
    if "zopa_exists" in names:
        reasons.append(("lost_no_zopa", "share lost: no ZOPA", "zopa_exists", False))
    if "willing_to_engage" in names:
        reasons.append(("lost_participation", "share lost: AI's gain below its cost of considering the deal",
                        "willing_to_engage", False))
    if not reasons:
        return []
    alive = np.ones(r.n, dtype=bool)
    rows = []
    for quantity, label, cell, lost_when_set in reasons:
        x = np.asarray(r.get(cell)) >= 0.5
        lost = alive & (x if lost_when_set else ~x)
        alive &= ~lost
        p = float(lost.mean())
        rows.append({"quantity": quantity, "label": label, "value": p, "stderr": math.sqrt(p * (1 - p) / r.n), "unit": ""})
    return rows


def zopa_point(model: "Model", **overrides: float) -> tuple[float, float, float] | None:
    """The ZOPA ``(ask, bid, Nash price)`` at point values, or ``None`` when
    there is none.  The price uses ``bargaining_power`` if the model has it,
    else 0.5.

    Parameters
    ----------
    model : Model
        A deal model, evaluated at its point values (each input's number,
        or its distribution's median).
    **overrides : float
        Cells pinned to these values for the evaluation, e.g. ``R=10``.

    Returns
    -------
    tuple of float, or None
        ``(ask, bid, price)`` in the model's units, or ``None`` when
        ``feasible`` is 0 at these values.

    Examples
    --------
    >>> zopa_point(core_model(R=10)), zopa_point(core_model(R=90))
    ((20.0, 50.0, 35.0), None)
    """
    check_core(model)
    v = model.evaluate_all(**overrides)
    if not v["feasible"]:
        return None
    beta = v.get("bargaining_power", 0.5)
    return (v["ask"], v["bid"], v["ask"] + beta * (v["bid"] - v["ask"]))


def zopa(model: "Model | Results", n: int = 10_000, seed: int | None = None,
         qs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> "pd.DataFrame":
    """Distribution of the ZOPA's ends.

    Parameters
    ----------
    model : Model or Results
        A deal model (it must have the core cells, see :func:`check_core`),
        or results of one, used as they are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.
    qs : sequence of float, default (0.05, 0.25, 0.5, 0.75, 0.95)
        The quantile levels, one column each.

    Returns
    -------
    pandas.DataFrame
        One row per quantity, one column per quantile level, plus ``mean``
        and ``n`` (samples behind the row): ``ask`` and ``bid`` over all
        samples, and ``ask | feasible``, ``bid | feasible``, ``price |
        feasible`` (if the model has ``price``) and ``width | feasible`` over
        the samples where a ZOPA exists.  Rows conditional on feasibility are
        NaN when no sample is feasible.

    Examples
    --------
    >>> z = zopa(core_model(R=10), n=100)
    >>> [float(z.loc[row, 0.5]) for row in ("ask | feasible", "bid | feasible", "price | feasible")]
    [20.0, 50.0, 35.0]
    """
    import pandas as pd

    r = simulate(model, n, seed)
    ok = r.get("feasible") == 1
    ask, bid = r.get("ask"), r.get("bid")
    series = {"ask": ask, "bid": bid, "ask | feasible": ask[ok], "bid | feasible": bid[ok]}
    if "price" in r.values:
        series["price | feasible"] = r.get("price")[ok]
    series["width | feasible"] = (bid - ask)[ok]
    rows: dict[str, dict[Any, float]] = {}
    for name, x in series.items():
        x = x[np.isfinite(x)]
        vals = quantiles(x, list(qs))
        row: dict[Any, float] = {float(q): float(v) for q, v in zip(qs, vals)}
        row["mean"] = float(x.mean()) if x.size else math.nan
        row["n"] = int(x.size)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")

