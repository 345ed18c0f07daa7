"""The barrier decomposition: ``ln F = ln bid - ln ask`` as a sum of one term per barrier.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> [round(x, 4) for x in decomposition(core_model())["log_units"]]
[0.1054, -0.6931, -0.6931, -1.2809]
"""

from __future__ import annotations

import functools

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .core import check_core, core_model, simulate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = [
    "GAINS",
    "Term",
    "barrier_terms",
    "decomposition",
    "decomposition_samples",
    "decomposition_distribution",
]

#: The name of the dimensional term, ``ln(W0 / R0)``.
GAINS = "gains from trade"


@dataclass(frozen=True)
class Term:
    """One additive term of ``ln F``: ``weight * ln(factor)`` summed over its parts.

    ``name`` is the cell (or input) the term stands for, or ``"gains from
    trade"`` for the dimensional part ``ln(W0 / R0)``; ``parts`` holds
    ``(weight, sympy factor)`` pairs in the model's symbols.

    Parameters
    ----------
    name : str
        The cell or input the term stands for, or ``"gains from trade"``.
    label : str
        The cell's label (the name when the model has no such cell).
    group : str
        The cell's group, ``"gains from trade"`` for the dimensional term.
    parts : tuple of (float, sympy.Expr)
        ``(weight, factor)`` pairs: the term is the sum of
        ``weight * ln(factor)``.

    Examples
    --------
    ``F = bid / ask = W * c_ai * c_h / R`` in the core model, so ``c_h``
    enters with weight +1 (it divides the ask), ``R`` with -1:

    >>> gains, c_ai, c_h = barrier_terms(core_model())
    >>> c_h.name, c_h.group, c_h.parts
    ('c_h', 'deal', ((1.0, c_h),))
    >>> gains.parts
    ((1.0, W), (-1.0, R))
    """

    name: str
    label: str
    group: str
    parts: tuple[tuple[float, Any], ...]


def _one_level(model: "Model", cell: str) -> Any:
    deps = [d for d in model.dependencies(cell) if not model.is_input(d)]
    return model.expr(cell, keep=deps)


def _dimensionless(model: "Model", expr: Any) -> bool:
    return all(model.unit(s.name).dimensionless for s in expr.free_symbols if s.name in model)


def barrier_terms(model: "Model") -> list[Term]:
    """The terms of the barrier decomposition ``ln F = ln bid - ln ask``.

    Starting from ``bid`` (weight +1) and ``ask`` (weight -1), every cell
    whose formula is a product is split into its factors, recursively; a
    factor that is a power with a numeric exponent keeps the exponent as a
    weight.  A factor that is not a product (a sum, a switch, a power with a
    symbolic exponent) is one term, named by its one input (``1 -
    expropriation`` is the term ``expropriation``), or else by its cell (the
    factors of a quotient of sums, such as ``risk_premium``, pool into one
    term).  Dimensional
    factors (dollars, microdooms) and numeric constants are pooled into one
    term, ``gains from trade``: ``ln`` of what the deal is worth to us over
    what the AI asks, before any dimensionless barrier.  So the terms sum to
    ``ln F`` exactly, whatever the units.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).

    Returns
    -------
    list of Term
        ``gains from trade`` first (when it has parts), then one term per
        barrier, in the order they are met from ``bid`` then ``ask``.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.

    Examples
    --------
    >>> [t.name for t in barrier_terms(core_model())]
    ['gains from trade', 'c_ai', 'c_h']
    """
    import sympy

    check_core(model)
    leaves: list[tuple[str, str, float, Any]] = []  # (name, group-cell, weight, factor)

    def visit(cell: str, weight: float) -> None:
        e = _one_level(model, cell)
        if not isinstance(e, sympy.Mul):
            leaves.append((cell, cell, weight, model.symbol(cell)))
            return
        for arg in sympy.Mul.make_args(e):
            base, exp = arg.as_base_exp()
            if not exp.is_number:
                base, exp = arg, sympy.Integer(1)
            w = weight * float(exp)
            if base.is_number:
                leaves.append((GAINS, cell, w, base))
            elif base.is_Symbol and base.name in model and not model.is_input(base.name):
                visit(base.name, w)
            elif base.is_Symbol:
                leaves.append((base.name, base.name, w, base))
            else:
                inputs = [s.name for s in base.free_symbols]
                name = inputs[0] if len(inputs) == 1 else cell
                leaves.append((name, inputs[0] if len(inputs) == 1 else cell, w, base))

    visit("bid", 1.0)
    visit("ask", -1.0)
    terms: dict[str, list[tuple[float, Any]]] = {GAINS: []}
    groups: dict[str, str] = {GAINS: GAINS}
    for name, gcell, w, factor in leaves:
        if name == GAINS or not _dimensionless(model, factor):
            terms[GAINS].append((w, factor))
            continue
        terms.setdefault(name, []).append((w, factor))
        groups.setdefault(name, model.cell(gcell).group if gcell in model else "")
    out = []
    for name, parts in terms.items():
        if not parts:
            continue
        label = "ln(W / R) before the dimensionless barriers" if name == GAINS else (model.cell(name).label if name in model else name)
        out.append(Term(name, label, groups[name], tuple(parts)))
    return out


@functools.lru_cache(maxsize=4096)
def _factor_function(factor: Any) -> tuple[tuple[str, ...], Any]:
    """A factor's free names and its numpy function (``sympy.lambdify``, kept:
    the app decomposes the deal after every input change, and printing a
    factor to code costs more than evaluating it)."""
    import sympy

    syms = sorted(factor.free_symbols, key=lambda s: s.name)
    return tuple(s.name for s in syms), sympy.lambdify(syms, factor, modules="numpy")


def _term_values(model: "Model", terms: Sequence[Term], values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    with np.errstate(all="ignore"):
        for t in terms:
            total: Any = 0.0
            for w, factor in t.parts:
                if factor.free_symbols:
                    names, fn = _factor_function(factor)
                    x = np.asarray(fn(*[values[name] for name in names]), dtype=float)
                else:
                    x = np.asarray(float(factor))
                total = total + w * np.log(x)
            out[t.name] = np.asarray(total, dtype=float)
    return out


def decomposition(model: "Model", **overrides: float) -> "pd.DataFrame":
    """The barrier decomposition at point values (medians), ready for a waterfall.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).
    **overrides : float
        Cells pinned to these values, e.g. ``c_h=0.9``.

    Returns
    -------
    pandas.DataFrame
        One row per term of :func:`barrier_terms`, then a ``ln F`` total row:
        ``label group log_units multiplier cumulative``.  ``log_units`` are
        natural-log units the barrier adds (negative: removes); they sum to
        ``ln F``; ``multiplier = exp(log_units)`` is the factor by which the
        term scales F; ``cumulative`` is the running sum (the waterfall's
        bar ends).

    Examples
    --------
    >>> d = decomposition(core_model())
    >>> [round(x, 4) for x in d["log_units"]]   # ln(100/90), ln 0.5, ln 0.5, ln F
    [0.1054, -0.6931, -0.6931, -1.2809]
    """
    import pandas as pd

    terms = barrier_terms(model)
    point = model.point_values()
    v = model.evaluate_all(**overrides)
    values = {k: np.array([x]) for k, x in {**point, **v}.items()}
    tv = _term_values(model, terms, values)
    rows = []
    run = 0.0
    for t in terms:
        x = float(tv[t.name][0])
        run += x
        rows.append({"term": t.name, "label": t.label, "group": t.group, "log_units": x,
                     "multiplier": math.exp(x) if x < 700 else math.inf, "cumulative": run})
    lnf = math.log(v["bid"] / v["ask"]) if v["ask"] > 0 and v["bid"] > 0 else math.nan
    rows.append({"term": "ln F", "label": "feasibility index (feasible iff >= 0)", "group": "total",
                 "log_units": lnf, "multiplier": math.exp(lnf) if lnf == lnf else math.nan, "cumulative": lnf})
    return pd.DataFrame(rows).set_index("term")


def decomposition_samples(model: "Model | Results", n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """Per-sample terms of the barrier decomposition, one column per term,
    plus ``ln F``; each row's terms sum to its ``ln F``.

    Parameters
    ----------
    model : Model or Results
        A deal model (with the core cells), or results of one, used as they
        are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows, one column per term of :func:`barrier_terms` (named by
        the term) and ``ln F``, all in natural-log units; a term is
        ``-inf``, ``inf`` or NaN in a sample where its factor is 0 or
        negative.

    Examples
    --------
    >>> s = decomposition_samples(core_model(), n=10)
    >>> bool(np.allclose(s.drop(columns="ln F").sum(axis=1), s["ln F"]))
    True
    """
    import pandas as pd

    r = simulate(model, n, seed)
    terms = barrier_terms(r.model)
    values = {**r.leaves, **r.values}
    tv = _term_values(r.model, terms, values)
    with np.errstate(all="ignore"):
        tv["ln F"] = np.log(r.get("bid") / r.get("ask"))
    return pd.DataFrame({k: np.broadcast_to(v, (r.n,)) for k, v in tv.items()})


def decomposition_distribution(model: "Model | Results", n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """The barrier decomposition as a distribution: per term the mean (with
    its standard error), 5th, 50th and 95th percentiles of its log units, and
    its share of the variance of ``ln F`` (covariance of the term with
    ``ln F`` over the variance of ``ln F``; shares sum to 1).

    Samples with a term that is not finite are left out.

    Parameters
    ----------
    model : Model or Results
        A deal model (with the core cells), or results of one, used as they
        are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0, so answers are repeatable.

    Returns
    -------
    pandas.DataFrame
        Indexed by term, then ``ln F``: ``mean stderr p5 p50 p95
        variance_share`` (log units; ``variance_share`` is NaN when ``ln F``
        does not vary).

    Examples
    --------
    >>> d = decomposition_distribution(core_model(), n=10)
    >>> round(float(d.loc["ln F", "mean"]), 4)
    -1.2809
    """
    import pandas as pd

    s = decomposition_samples(model, n, seed)
    s = s.loc[np.isfinite(s.to_numpy()).all(axis=1)]
    lnf = s["ln F"].to_numpy()
    var = float(lnf.var()) if lnf.size > 1 else 0.0
    rows = {}
    for col in s.columns:
        x = s[col].to_numpy()
        rows[col] = {
            "mean": float(x.mean()),
            "stderr": float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan,
            "p5": float(np.quantile(x, 0.05)),
            "p50": float(np.quantile(x, 0.5)),
            "p95": float(np.quantile(x, 0.95)),
            "variance_share": float(np.mean((x - x.mean()) * (lnf - lnf.mean())) / var) if var > 0 else math.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


