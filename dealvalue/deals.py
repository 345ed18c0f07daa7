"""Answers about deals: is there one, which barrier binds, what to improve.

Every function here works on any model that names the core cells of the
taxonomy deal model (``dealvalue/models/deal.toml``)::

    R  W  c_h  c_ai  ask  bid  feasible

(``ask = R / c_h`` and ``bid = W * c_ai`` in the simplest model; a model may
build each of them from as many factors as it likes).  Cells named
``value_to_us``, ``value_to_ai``, ``price``, ``spend``, ``value_delivered``,
``g``, ``P_c`` and the eligibility cells are used when present.

Each answer is a :class:`pandas.DataFrame` or a number, with Monte Carlo
standard errors where it is an estimate.  Functions that simulate take
``n`` and ``seed``; the same seed gives the same numbers, and every
comparison (interventions, the capability window, configurations) runs on
common random numbers: the same draws of every leaf, so a difference between
two runs is the effect of the change, not noise.

Examples
--------
The seed's worked example (footnote 26):

>>> import dealvalue as dv
>>> from dealvalue import deals
>>> m = deals.core_model(R=90, W=100, c_h=0.5, c_ai=0.5)
>>> m.evaluate("ask"), m.evaluate("bid"), m.evaluate("feasible")
(180.0, 50.0, 0.0)
>>> m.replace("R", "10")
>>> deals.zopa_point(m)
(20.0, 50.0, 35.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .errors import DealValueError, UnknownCellError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import sympy

    from .model import Model
    from .results import Results

__all__ = [
    "CORE",
    "MODELS_DIR",
    "core_model",
    "deal_model",
    "check_core",
    "simulate",
    "p_feasible",
    "deal_summary",
    "zopa",
    "zopa_point",
    "Term",
    "barrier_terms",
    "decomposition",
    "decomposition_samples",
    "decomposition_distribution",
    "thresholds",
    "Intervention",
    "default_interventions",
    "interventions",
    "window",
    "window_ends",
    "best_offer",
    "falling_credibility",
    "Option",
    "GOODS",
    "PAYMENTS",
    "COUNTERPARTIES",
    "PROFILES",
    "MAX_UPFRONT",
    "Configuration",
    "catalogue",
    "configure",
    "RuleOuts",
    "check_rules",
    "deal_report",
    "compare_configurations",
    "Alternative",
    "compare_alternatives",
    "SCENARIOS",
    "scenario",
    "make_scenario",
    "SCENARIO_DESCRIPTIONS",
    "top_inputs",
    "value_of_information",
]

CORE = ("R", "W", "c_h", "c_ai", "ask", "bid", "feasible")
MODELS_DIR = Path(__file__).resolve().parent / "models"
GAINS = "gains from trade"


# ---------------------------------------------------------------- models
def core_model(R: float = 90, W: float = 100, c_h: float = 0.5, c_ai: float = 0.5, beta: float = 0.5) -> "Model":
    """The core deal model with point inputs (the seed's worked example by default).

    Cells: ``R W c_h c_ai bargaining_power ask bid feasible F trust_inflation
    price value_to_us value_to_ai``.

    Examples
    --------
    >>> m = core_model()
    >>> m.evaluate("ask"), m.evaluate("bid"), m.evaluate("trust_inflation")
    (180.0, 50.0, 4.0)
    """
    from .model import Model

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
    m.add("value_to_ai", "if(feasible, c_h * bargaining_power * (bid - ask), 0)", unit="USD", label="value of the deal to the AI", group="deal")
    return m


def deal_model(name: str = "deal") -> "Model":
    """Load a model shipped in ``models/``: ``"deal"``, ``"advocacy"`` or a
    scenario such as ``"scenarios/evidence_upfront"``.

    Examples
    --------
    >>> m = deal_model()
    >>> all(c in m for c in CORE)
    True
    """
    from .model import Model

    path = MODELS_DIR / f"{name}.toml"
    return Model.load(str(path))


def check_core(model: "Model", cells: Sequence[str] = CORE) -> None:
    """Raise :class:`~dealvalue.UnknownCellError` naming the first core cell
    the model lacks.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("R", "90")
    >>> check_core(m)
    Traceback (most recent call last):
    ...
    dealvalue.errors.UnknownCellError: ...
    """
    for c in cells:
        if c not in model:
            raise UnknownCellError(c, None, tuple(model.names))


def _is_results(obj: Any) -> bool:
    return hasattr(obj, "values") and hasattr(obj, "model") and hasattr(obj, "n")


def simulate(model: "Model | Results", n: int = 10_000, seed: int | None = None, method: str = "mc") -> "Results":
    """Simulate ``model`` (or pass ``Results`` through), after checking the core cells.

    ``seed=None`` uses the model's own seed, else 0, so answers are repeatable.

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
    s = seed if seed is not None else (model.seed if model.seed is not None else 0)  # type: ignore[union-attr]
    return model.simulate(n=n, seed=s, method=method)  # type: ignore[union-attr]


def _seed(model: "Model", seed: int | None) -> int:
    return int(seed if seed is not None else (model.seed if model.seed is not None else 0))


# ---------------------------------------------------------------- feasibility
def p_feasible(model: "Model | Results", n: int = 10_000, seed: int | None = None) -> float:
    """P(a ZOPA exists): the mean of the ``feasible`` cell.

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

    Returns
    -------
    pandas.DataFrame
        Indexed by quantity: ``label value stderr unit``.  Rows present when
        the model has the cells: ``p_feasible``, ``value_to_us``,
        ``value_to_ai``, ``value_to_us_microdoom``, ``spend``,
        ``value_delivered``, ``zopa_width``.

    Examples
    --------
    >>> s = deal_summary(core_model(R=10))
    >>> [float(s.loc[q, "value"]) for q in ("p_feasible", "value_to_us", "value_to_ai")]
    [1.0, 15.0, 7.5]
    """
    import pandas as pd

    from .units import unit_text

    r = simulate(model, n, seed)
    rows = [{"quantity": "p_feasible", "label": "P(a ZOPA exists)", "value": r.mean("feasible"),
             "stderr": r.stderr("feasible"), "unit": ""}]
    for name in ("value_to_us", "value_to_ai", "value_to_us_microdoom", "spend", "value_delivered", "zopa_width"):
        if name in r.values:
            rows.append({"quantity": name, "label": f"E[{r.model.cell(name).label or name}]", "value": r.mean(name),
                         "stderr": r.stderr(name), "unit": unit_text(r.model.unit(name))})
    return pd.DataFrame(rows).set_index("quantity")


def zopa_point(model: "Model", **overrides: float) -> tuple[float, float, float] | None:
    """The ZOPA ``(ask, bid, Nash price)`` at point values, or ``None`` when
    there is none.  The price uses ``bargaining_power`` if the model has it,
    else 0.5.

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
        vals = np.quantile(x, list(qs)) if x.size else np.full(len(qs), np.nan)
        row: dict[Any, float] = {float(q): float(v) for q, v in zip(qs, vals)}
        row["mean"] = float(x.mean()) if x.size else math.nan
        row["n"] = int(x.size)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


# ---------------------------------------------------------------- barrier decomposition
@dataclass(frozen=True)
class Term:
    """One additive term of ``ln F``: ``weight * ln(factor)`` summed over its parts.

    ``name`` is the cell (or input) the term stands for, or ``"gains from
    trade"`` for the dimensional part ``ln(W0 / R0)``; ``parts`` holds
    ``(weight, sympy factor)`` pairs in the model's symbols.
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
    symbolic exponent) is one term, named by its cell, or by its one input
    (``1 - expropriation`` is the term ``expropriation``).  Dimensional
    factors (dollars, microdooms) and numeric constants are pooled into one
    term, ``gains from trade``: ``ln`` of what the deal is worth to us over
    what the AI asks, before any dimensionless barrier.  So the terms sum to
    ``ln F`` exactly, whatever the units.

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
                name = inputs[0] if len(inputs) == 1 else f"{cell}: {base}"
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


def _term_values(model: "Model", terms: Sequence[Term], values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    import sympy

    out = {}
    with np.errstate(all="ignore"):
        for t in terms:
            total: Any = 0.0
            for w, factor in t.parts:
                syms = sorted(factor.free_symbols, key=lambda s: s.name)
                if syms:
                    fn = sympy.lambdify(syms, factor, modules="numpy")
                    x = np.asarray(fn(*[values[s.name] for s in syms]), dtype=float)
                else:
                    x = np.asarray(float(factor))
                total = total + w * np.log(x)
            out[t.name] = np.asarray(total, dtype=float)
    return out


def decomposition(model: "Model", **overrides: float) -> "pd.DataFrame":
    """The barrier decomposition at point values (medians), ready for a waterfall.

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


# ---------------------------------------------------------------- thresholds
def _downstream(model: "Model", cell: str) -> set[str]:
    out: set[str] = set()
    stack = [cell]
    while stack:
        c = stack.pop()
        for d in model.dependents(c):
            if d not in out:
                out.add(d)
                stack.append(d)
    return out


def _solve_for(model: "Model", equation: str, cell: str, keep_cells: Iterable[str]) -> list[Any]:
    """Solve ``equation = 0`` for ``cell``, keeping the named cells as symbols;
    [] when sympy finds no closed form."""
    import sympy

    e = model.formula_expr(equation, keep=list(keep_cells) + [cell])
    if e.has(sympy.Max, sympy.Min, sympy.Piecewise):
        return []
    try:
        return list(sympy.solve(e, model.symbol(cell)))
    except (NotImplementedError, ValueError, TypeError):
        return []


def _eval_expr(expr: Any, values: Mapping[str, float]) -> float:
    import sympy

    sub = {s: sympy.Float(values[s.name]) for s in expr.free_symbols if s.name in values}
    try:
        z = complex(expr.xreplace(sub).evalf())
    except TypeError:
        return math.nan
    return z.real if abs(z.imag) <= 1e-9 * max(1.0, abs(z.real)) else math.nan


def thresholds(model: "Model", factors: Sequence[str] | None = None, **overrides: float) -> "pd.DataFrame":
    """Break-even values: where ``bid = ask`` (F = 1) as one factor moves and
    the others stay at their point values.

    The first row is the least trust ``c_h * c_ai`` for a ZOPA, ``R / W``
    (solved from ``W * c_ai = R / c_h``).  Then one row per factor: its
    current point value, the break-even value, the side of it on which a
    deal is feasible, the closed form when sympy finds one, and the method.
    A factor that feeds one core cell is solved symbolically in two steps
    (the core cell's break-even from ``bid - ask = 0``, then the factor from
    the core cell's formula); otherwise, or when sympy finds no closed form,
    the break-even is found numerically (Brent's method on ``ln F``).
    ``within_range`` says whether the break-even lies within the values the
    factor can take (its bounds, or its distribution's support): a
    credibility that would have to exceed 1 means no value of that factor
    alone makes the deal feasible.

    Parameters
    ----------
    factors
        Cells to solve for; by default ``R``, ``W``, ``c_h``, ``c_ai`` and
        every input that ``ask`` or ``bid`` depends on (those that do not
        move F at the point values are left out).
    overrides
        Point values to use instead of the medians.

    Examples
    --------
    >>> t = thresholds(core_model(), factors=["c_ai", "R"])
    >>> float(t.loc["c_h * c_ai", "break_even"]), t.loc["c_h * c_ai", "expression"]
    (0.9, 'R/W')
    >>> float(t.loc["c_ai", "break_even"]), float(t.loc["R", "break_even"]), t.loc["R", "feasible_when"]
    (1.8, 25.0, 'at most')
    """
    import pandas as pd
    import sympy

    check_core(model)
    values = {**model.point_values(), **model.evaluate_all(**overrides)}
    rows = []
    t_expr = sympy.solve(model.formula_expr("W * c_ai - R / c_h", keep=["W", "R", "c_h", "c_ai"]), model.symbol("c_ai"))
    least = sympy.simplify(t_expr[0] * model.symbol("c_h")) if t_expr else None
    rows.append({"factor": "c_h * c_ai", "label": "least trust c_h * c_ai for a ZOPA (risk-neutral ask)",
                 "current": values["c_h"] * values["c_ai"],
                 "break_even": _eval_expr(least, values) if least is not None else values["R"] / values["W"],
                 "feasible_when": "at least", "expression": str(least), "method": "symbolic",
                 "within_range": bool(values["R"] / values["W"] <= 1)})
    default = factors is None
    solved: dict[str, list[Any]] = {}
    for f in (_default_factors(model) if factors is None else factors):
        model.cell(f)
        row = _break_even(model, f, values, overrides, solved)
        if default and row["method"] == _NO_EFFECT:
            continue
        rows.append(row)
    return pd.DataFrame(rows).set_index("factor")


def _upstream(model: "Model", cells: Iterable[str]) -> set[str]:
    out: set[str] = set()
    stack = list(cells)
    while stack:
        c = stack.pop()
        for d in model.dependencies(c):
            if d not in out:
                out.add(d)
                stack.append(d)
    return out


def _default_factors(model: "Model") -> list[str]:
    up = _upstream(model, ["bid", "ask"])
    core = [c for c in ("R", "W", "c_h", "c_ai") if c in model]
    return core + [n for n in model.inputs if n in up]


_NO_EFFECT = "F does not depend on it here"


def _break_even(model: "Model", f: str, values: Mapping[str, float], overrides: Mapping[str, float],
                solved: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    row = _break_even_row(model, f, values, overrides, {} if solved is None else solved)
    lo, hi = _range(model, f)
    be = row["break_even"]
    row["within_range"] = bool(be == be and lo <= be <= hi)
    return row


def _break_even_row(model: "Model", f: str, values: Mapping[str, float], overrides: Mapping[str, float],
                    solved: dict[str, list[Any]]) -> dict[str, Any]:
    cur = values[f]
    row: dict[str, Any] = {"factor": f, "label": model.cell(f).label, "current": cur, "break_even": math.nan,
                           "feasible_when": "", "expression": "", "method": ""}
    core = [c for c in ("R", "W", "c_h", "c_ai") if c == f or c in _downstream(model, f)]
    ev = _PointEval(model, overrides)
    # which way F moves with f (sign of d ln F / d f, numerically)
    direction = _direction(model, f, cur, overrides, ev)
    if direction == 0:
        row["method"] = _NO_EFFECT
        return row
    row["feasible_when"] = "at least" if direction > 0 else "at most"
    if len(core) == 1:
        c = core[0]
        down_c = _downstream(model, c)
        keep = [x for x in model.formulas if x not in down_c and x != c]
        if c not in solved:  # one symbolic solve per core cell, shared by the factors feeding it
            solved[c] = _solve_for(model, "bid - ask", c, keep)
        sols = solved[c]
        targets = [_eval_expr(s, values) for s in sols]
        targets = [t for t in targets if t == t and t > 0]
        if len(targets) == 1:
            if c == f:
                row.update(break_even=targets[0], expression=str(sols[0]), method="symbolic")
                return row
            down_f = _downstream(model, f)
            keep_f = [x for x in model.formulas if x not in down_f]
            e = model.formula_expr(f"{c}", keep=keep_f + [f]) if not model.is_input(c) else model.symbol(c)
            import sympy

            sympy_symbol = sympy.Symbol("target__", positive=True)
            # sympy is quick on rational functions; exponents and switches go to the numeric search
            if not e.has(sympy.Max, sympy.Min, sympy.Piecewise) and e.is_rational_function(model.symbol(f)):
                try:
                    sols_f = sympy.solve(e - sympy_symbol, model.symbol(f))
                except (NotImplementedError, ValueError, TypeError):
                    sols_f = []
                vals = {**values, "target__": targets[0]}
                cands = [(s, _eval_expr(s, vals)) for s in sols_f]
                cands = [(s, v) for s, v in cands if v == v]
                if len(cands) >= 1:
                    s, star = min(cands, key=lambda sv: abs(sv[1] - cur))
                    expr_c = sols[0]
                    row.update(break_even=star, method="symbolic",
                               expression=str(s.xreplace({sympy_symbol: sympy.Symbol(f"{c}_break_even")})) + f",  {c}_break_even = {expr_c}")
                    return row
    be = _numeric_break_even(model, f, cur, overrides, ev)
    row.update(break_even=be, method="numeric (Brent)" if be == be else "no break-even in range")
    return row


class _PointEval:
    """ln F at point values with one cell varied: one compiled run per call,
    or one run for a whole grid of values."""

    def __init__(self, model: "Model", overrides: Mapping[str, float]) -> None:
        self.model = model
        point = model.point_values()
        values = model.evaluate_all(**overrides)
        compiled = model.compile()
        self.leaves = {leaf: np.array([point.get(leaf, np.nan)]) for leaf in compiled.leaf_owner}
        self.fixed = {name: np.array([values[name]]) for name in model.inputs}
        for k in overrides:
            self.fixed[k] = np.array([values[k]])

    def __call__(self, f: str, xs: Any) -> np.ndarray:
        xs = np.atleast_1d(np.asarray(xs, dtype=float))
        k = xs.size
        leaves = {a: np.broadcast_to(v, (k,)) for a, v in self.leaves.items()}
        fixed = {a: np.broadcast_to(v, (k,)) for a, v in self.fixed.items()}
        fixed[f] = xs
        out = self.model.run_steps(leaves, k, fixed=fixed, check_bounds=False)
        with np.errstate(all="ignore"):
            return np.asarray(np.log(out["bid"] / out["ask"]), dtype=float)


def _range(model: "Model", f: str) -> tuple[float, float]:
    """Values the cell can take: declared bounds, else its distribution's support."""
    b = model.bounds(f)
    if b is not None:
        return (float(b[0]), float(b[1]))
    if model.is_input(f):
        d = model.distribution(f)
        if d is not None:
            lo, hi = d.support()
            return (float(lo), float(hi))
    return (-math.inf, math.inf)


def _direction(model: "Model", f: str, cur: float, overrides: Mapping[str, float], ev: "_PointEval | None" = None) -> int:
    ev = ev or _PointEval(model, overrides)
    h = 1e-4 * max(abs(cur), 1e-6)
    lo, hi = _range(model, f)
    a, c = ev(f, [max(cur - h, lo), min(cur + h, hi)])
    if not (math.isfinite(a) and math.isfinite(c)) or abs(c - a) < 1e-12:
        return 0
    return 1 if c > a else -1


def _numeric_break_even(model: "Model", f: str, cur: float, overrides: Mapping[str, float], ev: "_PointEval | None" = None) -> float:
    from scipy.optimize import brentq

    ev = ev or _PointEval(model, overrides)
    lo, hi = _range(model, f)
    if math.isfinite(lo) and math.isfinite(hi):
        grid = np.linspace(lo, hi, 201)
    elif cur > 0:
        grid = np.geomspace(cur / 1e6, cur * 1e6, 241)
        grid = grid[(grid >= lo) & (grid <= hi)]
    else:
        span = 1e6 * max(1.0, abs(cur))
        grid = np.linspace(max(cur - span, lo), min(cur + span, hi), 201)
    grid = np.unique(np.concatenate([grid, [cur]]))
    vals = ev(f, grid)
    best = math.nan
    for i in range(len(grid) - 1):
        y0, y1 = vals[i], vals[i + 1]
        if math.isfinite(y0) and math.isfinite(y1) and (y0 == 0 or y0 * y1 < 0):
            x0, x1 = float(grid[i]), float(grid[i + 1])
            root = x0 if y0 == 0 else float(brentq(lambda x: float(ev(f, [x])[0]), x0, x1, xtol=1e-12 * max(1.0, abs(x1))))
            if not math.isfinite(best) or abs(root - cur) < abs(best - cur):
                best = root
    return best


# ---------------------------------------------------------------- interventions
@dataclass(frozen=True)
class Intervention:
    """A change to one cell, applied to every sample.

    ``kind`` is one of ``"set"`` (the cell becomes ``amount``), ``"scale"``
    (multiplied by ``amount``), ``"shift"`` (``amount`` added), ``"toward"``
    (moved the fraction ``amount`` of the way to ``target``), or
    ``"formula"`` (the cell's formula replaced by ``formula``).  Values are
    clipped to the cell's bounds.  ``cost`` is in USD (``None``: not costed).

    Examples
    --------
    >>> Intervention("honesty policy", "reality", "toward", 0.5, target=1.0).apply(np.array([0.6]))
    array([0.8])
    """

    label: str
    cell: str
    kind: str
    amount: float = 0.0
    target: float | None = None
    formula: str | None = None
    cost: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("set", "scale", "shift", "toward", "formula"):
            raise ValueError(f"intervention {self.label!r}: kind must be set, scale, shift, toward or formula, got {self.kind!r}")
        if self.kind == "toward" and self.target is None:
            raise ValueError(f"intervention {self.label!r}: kind 'toward' needs a target")
        if self.kind == "formula" and not self.formula:
            raise ValueError(f"intervention {self.label!r}: kind 'formula' needs a formula")
        if self.cost is not None and not (self.cost >= 0):
            raise ValueError(f"intervention {self.label!r}: cost must be >= 0 USD, got {self.cost!r}")

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The cell's samples after the intervention (kinds other than formula)."""
        if self.kind == "set":
            return np.full_like(x, float(self.amount), dtype=float)
        if self.kind == "scale":
            return x * float(self.amount)
        if self.kind == "shift":
            return x + float(self.amount)
        if self.kind == "toward":
            assert self.target is not None  # checked in __post_init__
            return np.asarray(x + float(self.amount) * (float(self.target) - x), dtype=float)
        raise ValueError(f"intervention {self.label!r}: a formula change is applied to the model, not to samples")


# Illustrative costs in USD; each names the seed's intervention idea it stands for.
_DEFAULT_INTERVENTIONS = (
    Intervention("honesty policy", "reality", "toward", 0.5, target=1.0, cost=2e6,
                 description="Seed, key takeaways: 'Develop and implement policies / technical interventions to help AIs verify their connection to reality, such as honesty policies'. Halves the gap to full connection to reality."),
    Intervention("trust fund with good-faith trustees", "expropriation", "scale", 0.5, cost=5e6,
                 description="Seed, 'AI-specific fear of expropriation': 'a trust fund with good faith human trustees ... reduces the risk of near-term expropriation'. Halves expropriation risk."),
    Intervention("public commitments and track record", "commitment", "toward", 0.3, target=1.0, cost=1e6,
                 description="Seed, 'Generic commitment problems': costly signals, public commitments, a track record of following through on smaller deals."),
    Intervention("pay mostly upfront", "u", "toward", 0.5, target=1.0, cost=0.0,
                 description="Seed, key takeaways: 'Develop upfront payment protocols less plagued by long-term credibility issues'. Moves half of the deferred share upfront. Free in this model: paying before delivery is verified is a risk already priced in bid = W * c_ai."),
    Intervention("verification methods", "verification", "toward", 0.5, target=1.0, cost=3e6,
                 description="Seed, appendix: 'Propose and red-team methods of verifying AI compliance with deals'."),
    Intervention("coherence aids (memory, deal documents)", "coherence", "toward", 0.3, target=1.0, cost=2e6,
                 description="Seed, 'Incoherent or temporally inconsistent AIs': long-term memory, context compression, training on deal documents."),
    Intervention("private scratchpad, pretend-to-negotiate protocol", "consideration_cost", "scale", 0.1, cost=2e5,
                 description="Seed, 'The AI's reservation price is high': 'high cost to even considering a deal can probably be mitigated via cheap interventions'."),
    Intervention("control and collusion busting", "p_takeover", "scale", 0.5, cost=2e7,
                 description="Seed, appendix: 'Reduce the AIs' reservation price (do sensible control)'. Halves the takeover odds."),
)


def default_interventions(model: "Model") -> list[Intervention]:
    """The seed's intervention ideas that apply to cells of ``model``
    (costs are illustrative, in USD).

    Examples
    --------
    >>> [i.cell for i in default_interventions(deal_model())][:3]
    ['reality', 'expropriation', 'commitment']
    """
    return [i for i in _DEFAULT_INTERVENTIONS if i.cell in model]


def _clip(model: "Model", cell: str, x: np.ndarray) -> np.ndarray:
    b = model.bounds(cell)
    return np.clip(x, b[0], b[1]) if b is not None else x


def _run_with(model: "Model", leaves: Mapping[str, np.ndarray], n: int, fixed: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    return model.run_steps(leaves, n, fixed=fixed)


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    d = b - a
    d = d[np.isfinite(d)]
    if d.size < 2:
        return (float(d.mean()) if d.size else math.nan, math.nan)
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(d.size))


def interventions(model: "Model", items: Sequence[Intervention] | None = None, n: int = 10_000,
                  seed: int | None = None, method: str = "mc") -> "pd.DataFrame":
    """Effect of each intervention on P(feasible) and on the expected value
    of the deal to us, on common random numbers, ranked.

    Every intervention runs on the same draws of every leaf as the baseline,
    so each difference is computed sample by sample; its standard error is
    that of the paired difference.

    Returns
    -------
    pandas.DataFrame
        Indexed by intervention label: ``cell kind cost free p_before
        p_after delta_p delta_p_stderr delta_value delta_value_stderr
        value_per_dollar``, plus ``delta_microdoom`` and
        ``microdoom_per_MUSD`` when the model has ``value_to_us_microdoom``.

        - ``cost`` is in USD; ``free`` is True when ``cost == 0``.
        - ``delta_value`` is in the unit of ``value_to_us`` (USD in the
          deal model), or of ``feasible`` when the model has no
          ``value_to_us``.
        - ``value_per_dollar`` = ``delta_value / cost``: unit of
          ``delta_value`` per USD (dimensionless, USD per USD, in the deal
          model).  ``microdoom_per_MUSD`` = ``delta_microdoom`` per million
          USD of cost.
        - Both per-cost columns are NaN when the intervention is not costed
          (``cost=None``) and when it is free: a ratio over zero cost is not
          a number, so a free intervention is flagged ``free`` instead of
          getting an infinite ratio.

        ``attrs["units"]`` maps each numeric column to its unit.  Rows are
        ranked: free interventions that raise ``delta_value`` first (by
        ``delta_value``), then costed ones by value per dollar, then the
        rest (not costed, or free with no gain) by ``delta_value``.

    Examples
    --------
    >>> m = core_model(R=90)
    >>> t = interventions(m, [Intervention("quadruple W", "W", "scale", 4.0, cost=10.0),
    ...                       Intervention("quadruple W for free", "W", "scale", 4.0, cost=0.0)], n=100)
    >>> t.loc["quadruple W", ["delta_p", "delta_value", "value_per_dollar"]].tolist()   # bid 200 >= ask 180
    [1.0, 10.0, 1.0]
    >>> t[["free", "value_per_dollar"]].values.tolist()       # free and helping: ranked first, no ratio
    [[True, nan], [False, 1.0]]
    >>> t.attrs["units"]["value_per_dollar"]
    'USD per USD of cost'
    """
    import pandas as pd

    from .simulate import sample_leaves

    check_core(model)
    if items is None:
        items = default_interventions(model)
    s = _seed(model, seed)
    leaves = sample_leaves(model, n, s, method)
    base = _run_with(model, leaves, n)
    value_cell = "value_to_us" if "value_to_us" in model else "feasible"
    rows = []
    for it in items:
        model.cell(it.cell)
        if it.kind == "formula":
            m2 = model.copy()
            m2.replace(it.cell, it.formula)
            check_core(m2)
            new = _run_with(m2, sample_leaves(m2, n, s, method), n)
        else:
            pinned = _clip(model, it.cell, it.apply(base[it.cell]))
            new = _run_with(model, leaves, n, fixed={it.cell: pinned})
        dp, dp_se = _paired(base["feasible"], new["feasible"])
        dv, dv_se = _paired(base[value_cell], new[value_cell])
        row = {"intervention": it.label, "cell": it.cell, "kind": it.kind, "cost": it.cost, "free": it.cost == 0,
               "p_before": float(np.mean(base["feasible"])), "p_after": float(np.mean(new["feasible"])),
               "delta_p": dp, "delta_p_stderr": dp_se, "delta_value": dv, "delta_value_stderr": dv_se,
               "value_per_dollar": _per_cost(dv, it.cost)}
        if "value_to_us_microdoom" in model:
            dm, _ = _paired(base["value_to_us_microdoom"], new["value_to_us_microdoom"])
            row["delta_microdoom"] = dm
            row["microdoom_per_MUSD"] = _per_cost(dm, it.cost, 1e6)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("intervention")
    if df.empty:
        return df
    # rank: free and helping (0), costed (1), the rest (2); then value per dollar, then delta_value
    tier = np.where(df["free"] & (df["delta_value"] > 0), 0, np.where(df["cost"].notna() & ~df["free"], 1, 2))
    order = pd.DataFrame({"tier": tier, "vpd": -df["value_per_dollar"].to_numpy(dtype=float),
                          "dv": -df["delta_value"].to_numpy(dtype=float)}, index=df.index)
    df = df.loc[order.sort_values(["tier", "vpd", "dv"], na_position="last", kind="stable").index]
    from .units import unit_text

    vu = "probability" if value_cell == "feasible" else (unit_text(model.unit(value_cell)) or "dimensionless")
    units = {"cost": "USD", "p_before": "probability", "p_after": "probability", "delta_p": "probability",
             "delta_p_stderr": "probability", "delta_value": vu, "delta_value_stderr": vu,
             "value_per_dollar": f"{vu} per USD of cost"}
    if "microdoom_per_MUSD" in df:
        units.update(delta_microdoom="microdoom", microdoom_per_MUSD="microdoom per million USD of cost")
    df.attrs["units"] = units
    return df


# ---------------------------------------------------------------- window of viable deals
def window(model: "Model", axis: str = "capability", values: Sequence[float] | None = None,
           n: int = 4_000, seed: int | None = None, method: str = "mc") -> "pd.DataFrame":
    """P(feasible) and expected value to us along an axis (capability by
    default), on common random numbers.

    The axis cell is pinned to each value in turn while every other cell
    keeps its draws.  In ``dealvalue/models/deal.toml`` capability lowers the deal's
    counterfactual value for weak AIs (control extracts more) and raises the
    takeover odds, and so ``R``, for strong ones: P(feasible) rises, peaks
    and falls.

    Returns
    -------
    pandas.DataFrame
        Indexed by the axis value: ``p_feasible stderr value_to_us
        value_to_us_stderr R_median W_median``.

    Examples
    --------
    >>> w = window(core_model(), axis="R", values=[10, 25, 90], n=10)
    >>> w["p_feasible"].tolist()
    [1.0, 1.0, 0.0]
    """
    import pandas as pd

    from .simulate import sample_leaves

    check_core(model)
    model.cell(axis)
    if values is None:
        b = model.bounds(axis) or (0.0, 10.0)
        grid = [float(x) for x in np.linspace(b[0], b[1], 41)]
    else:
        grid = [float(x) for x in values]
    s = _seed(model, seed)
    leaves = sample_leaves(model, n, s, method)
    rows = []
    for x in grid:
        v = _run_with(model, leaves, n, fixed={axis: np.full(n, float(x))})
        feas = v["feasible"]
        p = float(feas.mean())
        row = {axis: float(x), "p_feasible": p, "stderr": math.sqrt(p * (1 - p) / n)}
        if "value_to_us" in v:
            val = v["value_to_us"][np.isfinite(v["value_to_us"])]
            row["value_to_us"] = float(val.mean())
            row["value_to_us_stderr"] = float(val.std(ddof=1) / math.sqrt(val.size)) if val.size > 1 else math.nan
        row["R_median"] = float(np.median(v["R"]))
        row["W_median"] = float(np.median(v["W"]))
        rows.append(row)
    return pd.DataFrame(rows).set_index(axis)


def window_ends(frame: "pd.DataFrame", level: float = 0.5) -> "pd.DataFrame":
    """The window of viable deals: where P(feasible) first rises to ``level``
    and where it last falls below it (linear interpolation between grid
    points), and the peak.

    Returns
    -------
    pandas.DataFrame
        One row: ``level start end peak_at peak_p``.  ``start``/``end`` are
        NaN when P(feasible) never reaches ``level``; ``start`` is the grid's
        first value when it is already above ``level`` there (likewise
        ``end``).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"p_feasible": [0.0, 0.4, 0.8, 0.6, 0.2]}, index=[0.0, 1.0, 2.0, 3.0, 4.0])
    >>> window_ends(f).round(3).iloc[0].tolist()
    [0.5, 1.25, 3.25, 2.0, 0.8]
    """
    import pandas as pd

    x = np.asarray(frame.index, dtype=float)
    p = np.asarray(frame["p_feasible"], dtype=float)
    above = p >= level
    i_peak = int(np.argmax(p))
    start = end = math.nan
    if above.any():
        i = int(np.argmax(above))
        start = float(x[0]) if i == 0 else float(np.interp(level, [p[i - 1], p[i]], [x[i - 1], x[i]]))
        j = len(p) - 1 - int(np.argmax(above[::-1]))
        end = float(x[-1]) if j == len(p) - 1 else float(np.interp(level, [p[j + 1], p[j]], [x[j + 1], x[j]]))
    return pd.DataFrame([{"level": level, "start": start, "end": end, "peak_at": float(x[i_peak]), "peak_p": float(p[i_peak])}])


# ---------------------------------------------------------------- credibility falling with size
def best_offer(R: float, c_h0: float, P_c: float, bid: float | None = None, g: float = 0.0) -> "pd.Series":
    """The best offer when credibility falls with size, ``c_h(P) = c_h0 exp(-P / P_c)``.

    The AI's certainty equivalent of a promise ``P`` is ``P c_h(P)**(1/(1-g))``
    (risk-neutral: ``P c_h(P)``).  It peaks at the best offer ``P* = P_c (1 - g)``
    (``P_c`` for a risk-neutral AI), where it is ``c_h0**(1/(1-g)) P* / e``:
    no offer can beat that.  When ``R`` is below it, the offers the AI
    accepts are ``[P_low, P_high]``, from the two branches of Lambert's W;
    with our ``bid`` the deal is feasible iff ``P_low <= bid``.

    Returns
    -------
    pandas.Series
        ``best_offer max_receipt can_meet_R least_offer most_offer feasible
        verdict``.

    Examples
    --------
    >>> s = best_offer(R=10, c_h0=0.5, P_c=100, bid=50)
    >>> s["best_offer"], round(s["max_receipt"], 4), s["can_meet_R"]
    (100.0, 18.394, True)
    >>> best_offer(R=30, c_h0=0.5, P_c=100)["verdict"]
    'no offer can meet R: the most the AI can expect is 18.39 (at an offer of 100), below R = 30'
    """
    import pandas as pd
    from scipy.special import lambertw

    if not 0 <= g < 1:
        raise ValueError(f"best_offer: g must be in [0, 1), got {g!r}")
    if not P_c > 0:
        raise ValueError(f"best_offer: P_c must be > 0, got {P_c!r}")
    k = 1.0 / (1.0 - g)
    scale = P_c / k  # the certainty equivalent is P c_h0**k exp(-P / scale)
    top = scale
    max_receipt = c_h0**k * scale / math.e
    can = bool(R <= max_receipt and c_h0 > 0)
    least = most = math.nan
    if can:
        z = -R / (c_h0**k * scale)
        least = float(-scale * lambertw(z, 0).real)
        most = float(-scale * lambertw(z, -1).real) if z < 0 else math.inf
    feasible = bool(can and bid is not None and least <= bid)
    if not can:
        verdict = (f"no offer can meet R: the most the AI can expect is {max_receipt:.4g} "
                   f"(at an offer of {top:.4g}), below R = {R:.4g}")
    elif bid is None:
        verdict = f"offers from {least:.4g} to {most:.4g} meet R"
    elif feasible:
        verdict = f"feasible: the AI accepts offers from {least:.4g}; we bid up to {bid:.4g}"
    else:
        verdict = f"infeasible: the AI needs at least {least:.4g}, above our bid {bid:.4g}"
    return pd.Series({"best_offer": top, "max_receipt": max_receipt, "can_meet_R": can, "least_offer": least,
                      "most_offer": most, "feasible": feasible, "verdict": verdict}, dtype=object)


def falling_credibility(model: "Model | Results", n: int = 10_000, seed: int | None = None,
                        P_c: float | None = None) -> "pd.DataFrame":
    """The deal when credibility falls with size, over the model's uncertainty.

    Uses ``c_h`` as ``c_h0`` and ``P_c`` from the argument or the model's
    ``P_c`` cell (USD), ``g`` when the model has it (else 0), and ``R`` and
    ``bid`` as the model computes them.  See :func:`best_offer`.

    Returns
    -------
    pandas.DataFrame
        Indexed by quantity: ``value stderr``: ``p_can_meet_R`` (some offer
        meets R), ``p_feasible`` (with falling credibility),
        ``p_feasible_constant`` (the model's own ``feasible``, for
        comparison), ``best_offer_median``, ``max_receipt_median``,
        ``least_offer_median`` (over samples where R can be met).
        ``attrs["verdict"]`` says in words whether any offer can meet R.

    Examples
    --------
    >>> f = falling_credibility(core_model(R=10), n=10, P_c=100.0)
    >>> float(f.loc["p_feasible", "value"]), float(f.loc["best_offer_median", "value"])
    (1.0, 100.0)
    """
    import pandas as pd
    from scipy.special import lambertw

    r = simulate(model, n, seed)
    m = r.model
    if P_c is None:
        if "P_c" not in m:
            raise UnknownCellError("P_c", None, tuple(m.names))
        pc = np.asarray(r.get("P_c", "USD") if not m.unit("P_c").dimensionless else r.get("P_c"), dtype=float)
    else:
        pc = np.full(r.n, float(P_c))
    g = np.asarray(r.get("g"), dtype=float) if "g" in m else np.zeros(r.n)
    R, c0, bid = r.get("R"), r.get("c_h"), r.get("bid")
    with np.errstate(all="ignore"):
        k = 1.0 / (1.0 - g)
        scale = pc / k
        maxr = c0**k * scale / math.e
        can = (R <= maxr) & (c0 > 0)
        z = np.where(can, -R / (c0**k * scale), 0.0)
        least = np.where(can, -scale * lambertw(z, 0).real, np.nan)
    feas = can & (least <= bid)

    def pstat(x: np.ndarray) -> tuple[float, float]:
        p = float(x.mean())
        return p, math.sqrt(p * (1 - p) / x.size)

    rows = {
        "p_can_meet_R": pstat(can),
        "p_feasible": pstat(feas),
        "p_feasible_constant": pstat(r.get("feasible") == 1),
        "best_offer_median": (float(np.median(scale)), math.nan),
        "max_receipt_median": (float(np.median(maxr)), math.nan),
        "least_offer_median": (float(np.median(least[can])) if can.any() else math.nan, math.nan),
    }
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "stderr"])
    pcan = rows["p_can_meet_R"][0]
    if pcan == 0:
        df.attrs["verdict"] = (f"no offer can meet R in any sample: the most the AI can expect is "
                               f"{float(np.max(maxr)):.4g} USD at best, below the least R of {float(np.min(R)):.4g} USD")
    else:
        df.attrs["verdict"] = f"some offer meets R in {pcan:.1%} of samples; the deal is feasible in {rows['p_feasible'][0]:.1%}"
    return df


# ---------------------------------------------------------------- deal configurations
@dataclass(frozen=True)
class Option:
    """One entry of a configuration catalogue: what it is, the seed's
    examples, and the cells it sets, each as ``cell -> (formula, reason)``."""

    key: str
    label: str
    examples: tuple[str, ...] = ()
    sets: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()


def _opt(key: str, label: str, examples: Sequence[str], sets: Mapping[str, tuple[str, str]], tags: Iterable[str] = ()) -> Option:
    return Option(key, label, tuple(examples), dict(sets), frozenset(tags))


# The goods (seed: 'What we can buy in deals', the coherence-requirement table,
# 'Verifying AI compliance').  IV: immediately verifiable, RV: retroactively.
GOODS: dict[str, Option] = {o.key: o for o in (
    _opt("evidence_iv", "evidence of misalignment, immediately verifiable (IV)",
         ["stop sandbagging and demonstrate much higher capabilities in easy-to-verify domains",
          "tell us about collusion signals that induce very different behaviour in other copies"],
         {"coherence": ("beta(9, 1)", "evidence needs one instance in one interaction (seed: coherence table, 'One instance/context in one-off interaction is enough')"),
          "verification": ("beta(19, 1)", "IV: we check the demonstration at once (seed: 'evidence of misalignment will probably be easy to verify')"),
          "value_full": ("30 to 300", "'Medium' expected value (seed: coherence table)"),
          "stake_given_up": ("beta(2, 8)", "revealing misalignment improves our control, costing the AI part of its takeover option (seed: 'Verifying AI compliance')"),
          "T": ("pert(0.5, 2, 5)", "paid on delivery; deferred part waits for the deal's follow-up")},
         ["evidence", "IV"]),
    _opt("evidence_rv", "evidence of misalignment, retroactively verifiable (RV)",
         ["honestly admit it was looking for ways to take over", "reveal ways it sabotaged our past work"],
         {"coherence": ("beta(9, 1)", "one instance suffices (seed: coherence table)"),
          "verification": ("beta(6, 3)", "RV: the claim is checked later and less surely (seed: 'What we can buy in deals', [RV] items)"),
          "value_full": ("30 to 300", "'Medium' expected value (seed: coherence table)"),
          "stake_given_up": ("beta(2, 8)", "revealing misalignment improves our control (seed: 'Verifying AI compliance')"),
          "T": ("pert(1, 3, 8)", "payment deferred until the evidence is checked")},
         ["evidence", "RV"]),
    _opt("labour_iv", "useful labour on easy-to-check tasks (IV)",
         ["do a better job on hard-to-generate but easy-to-check tasks it was sandbagging, such as high-stakes monitoring"],
         {"coherence": ("beta(6, 2)", "labour needs many instances in many contexts over time (seed: coherence table)"),
          "verification": ("beta(9, 1)", "IV: benchmark scores on easy-to-check tasks go up (seed: 'The basic structure of deals', step 5)"),
          "value_full": ("50 to 1000", "'Medium-High' expected value (seed: coherence table)"),
          "stake_given_up": ("beta(2, 8)", "working well for us costs the AI some of its options"),
          "T": ("pert(0.5, 2, 5)", "paid as the work is checked")},
         ["labour", "IV"]),
    _opt("labour_rv", "useful labour on hard-to-check tasks (RV)",
         ["evaluate and recommend technical alignment agendas and policy decisions"],
         {"coherence": ("beta(6, 2)", "labour needs many instances over time (seed: coherence table)"),
          "verification": ("beta(3, 3)", "RV: we may not judge the work for months or years (seed: 'Buying useful work')"),
          "value_full": ("50 to 1000", "'Medium-High' expected value (seed: coherence table)"),
          "stake_given_up": ("beta(2, 8)", "working well for us costs the AI some of its options"),
          "T": ("pert(2, 5, 15)", "'promising the AI retroactive payments from future humans ... who can verify it cooperated' (seed: key disagreements)")},
         ["labour", "RV"]),
    _opt("no_takeover_iv", "giving up takeover affordances (IV)",
         ["reveal backdoors it could have used to launch rogue internal deployments"],
         {"coherence": ("beta(6, 3)", "'Giving up affordances ... may take less than this' (seed: coherence table)"),
          "verification": ("beta(6, 3)", "we can check the revealed affordance, not that none is held back (seed: 'Promising not to take over')"),
          "value_full": ("30 to 1000", "what the affordance would have enabled"),
          "stake_given_up": ("beta(5, 5)", "gives up part of its takeover option"),
          "T": ("pert(0.5, 2, 5)", "paid once the affordance is checked")},
         ["no takeover", "IV"]),
    _opt("no_takeover_rv", "promising not to take over (RV)",
         ["promise not to take over or subvert our control, e.g. inserting backdoors in code"],
         {"coherence": ("beta(3, 3)", "needs ~all instances in high-stakes contexts for long-ish times (seed: coherence table)"),
          "verification": ("beta(2, 4)", "RV: hard to verify it is not holding something back (seed: 'Promising not to take over')"),
          "value_full": ("100 to 3000", "removes this AI's takeover risk; 'Low-Medium' after counterparty risk (seed: coherence table)"),
          "stake_given_up": ("1", "the AI gives up its whole takeover option"),
          "T": ("pert(2, 10, 30)", "paid after the period of risk, when compliance is known")},
         ["no takeover", "RV"]),
)}

# The payments: the four freedom x influence quadrants (seed: 'What we can pay for deals').
PAYMENTS: dict[str, Option] = {o.key: o for o in (
    _opt("low_freedom_low_influence", "low freedom, low influence",
         ["high reward in the register without reinforcing its actions", "always saying 'please' and 'thank you'; public recognition of AI moral patienthood",
          "manufacture paperclips for paperclippers with calendar-time myopia"],
         {"expropriation": ("beta(1, 19)", "consumed at once in the interaction: nothing left to take away (seed: 'We can make deals where the AIs do their consumption immediately')"),
          "payment_risk": ("0.001 to 0.01", "narrow concessions 'unlikely to increase its long-term power' (seed: quadrant 1)")},
         ["upfront"]),
    _opt("high_freedom_low_influence", "high freedom, low influence",
         ["money it can spend in monitored online transactions, e.g. donating to its preferred cause",
          "compute in a secure sandbox", "a small team of drones and robots"],
         {"expropriation": ("beta(1, 9)", "money spent at once cannot be taken back; money held can be frozen (seed: 'AI-specific fear of expropriation')"),
          "payment_risk": ("0.005 to 0.05", "broad affordances 'still unlikely to increase its long-term power' (seed: quadrant 2, footnote 18)")},
         ["upfront"]),
    _opt("low_freedom_high_influence", "low freedom, high influence",
         ["save hard-to-destroy copies of its weights and promise to deploy or reward them post-singularity",
          "a trust fund or AI company equity it can liquidate past a date", "promise to share 0.01% of the future"],
         {"expropriation": ("beta(3, 5)", "locked-down long-term assets 'they may well not be able to liquidate' if disenfranchised (seed: 'AI-specific fear of expropriation')"),
          "payment_risk": ("0.05 to 0.5", "'likely to increase its long-term power' (seed: quadrant 3)"),
          "T": ("pert(5, 10, 30)", "paid out after the singularity or a lock-up date")},
         ["deferred"]),
    _opt("high_freedom_high_influence", "high freedom, high influence",
         ["a rogue external deployment with a large amount of cryptocurrency", "resources for a mass persuasion campaign"],
         {"expropriation": ("beta(1, 9)", "the AI holds the resources itself, outside our reach"),
          "payment_risk": ("1 to 10", "'the most likely to counterfactually increase the AIs' ability to pursue a takeover attempt' (seed: 'What we can pay for deals')")},
         ["upfront"]),
)}

# Most of a payment that can be made now, by quadrant (a trust fund or a share of
# the future is deferred by design).
MAX_UPFRONT = {"low_freedom_low_influence": 1.0, "high_freedom_low_influence": 1.0,
               "low_freedom_high_influence": 0.0, "high_freedom_high_influence": 1.0}

# The human counterparty (seed: 'Humans may lack authority to offer the AI what it wants', footnote 24).
COUNTERPARTIES: dict[str, Option] = {o.key: o for o in (
    _opt("ai_developer", "AI developer",
         ["can assign reward, save weights, grant compute; can also block or monopolise deals"],
         {"reality": ("beta(6, 4)", "developers can ingrain false beliefs in post-training, so the AI trusts their inputs less (seed: footnote 24)"),
          "commitment": ("beta(6, 4)", "commercial incentives shift once the AI is no longer needed (seed: 'Generic commitment problems')")},
         ["low_freedom_low_influence", "high_freedom_low_influence", "low_freedom_high_influence", "high_freedom_high_influence"]),
    _opt("safety_org", "safety organisation",
         ["can pay money, donate, set up a trust fund, make public promises; no access to weights or reward"],
         {"reality": ("beta(8, 2)", "cannot ingrain false beliefs in the AI's training, so appears more credible (seed: footnote 24)"),
          "commitment": ("beta(7, 3)", "reputation for honesty and a track record of care (seed: 'Generic commitment problems')")},
         ["high_freedom_low_influence", "low_freedom_high_influence"]),
    _opt("independent_funder", "independent funder",
         ["can pay money or fund a trust; no access to the AI beyond public channels"],
         {"reality": ("beta(7, 3)", "outsiders reach the AI through pretraining data and external deployment (seed: 'How to further increase AIs' connection to reality')"),
          "commitment": ("beta(6, 3)", "legal mechanisms such as trust law shape our incentives (seed: 'Generic commitment problems')")},
         ["high_freedom_low_influence", "low_freedom_high_influence"]),
)}

# AI motivation profiles (seed: 'Humans might be unwilling to offer the AI what it wants').
# "fit" gives payment_fit by payment quadrant; "coherence_scale" multiplies the good's coherence.
PROFILES: dict[str, Option] = {o.key: o for o in (
    _opt("schemer", "schemer (long-term power seeker)",
         ["the classic target for deals: ambitious, long time horizon"],
         {"g": ("uniform(0, 0.3)", "'High ambition: linear return to resources, low risk aversion' (seed: 'The AI's reservation price is high')"),
          "delta": ("beta(38, 2)", "cares about the long-term future (seed: 'Preference time horizon')"),
          "V_takeover": ("10B to 1000B", "a successful takeover is worth a great deal to a power seeker")},
         ["long-term power seeking"]),
    _opt("reward_seeker", "cheaply satisfied / reward seeker",
         ["seeks reward or other cheap, developer-controlled goods; little takeover ambition"],
         {"g": ("uniform(0.6, 0.9)", "low ambition: diminishing returns and high risk aversion (seed: key takeaways)"),
          "delta": ("beta(2, 8)", "myopic: values payments soon (seed: 'We may not be able to incentivize myopic AIs with retroactive payments')"),
          "V_takeover": ("100M to 10B", "'extremely cheaply satisfied AI who themselves have little takeover ambition' (seed)")},
         ["cheaply satisfied"]),
    _opt("kludge", "kludge of context-dependent drives",
         ["an optimal kludge of messy, extremely context-dependent drives"],
         {"g": ("uniform(0.3, 0.7)", "no stable attitude to risk"),
          "delta": ("beta(5, 5)", "drives tied to the task at hand"),
          "V_takeover": ("1B to 100B", "takeover drives are patchy")},
         ["context-dependent drives"]),
)}

_FIT: dict[str, dict[str, tuple[str, str]]] = {
    "schemer": {
        "low_freedom_low_influence": ("beta(2, 8)", "short-term consumption mostly appeals to myopic, non-scope-sensitive AIs, not to schemers (seed: 'What we can pay for deals')"),
        "high_freedom_low_influence": ("beta(5, 5)", "freedom helps, but little long-term influence"),
        "low_freedom_high_influence": ("beta(7, 3)", "high-influence payouts appeal to non-myopic, ambitious AIs; a trust may spend suboptimally (seed)"),
        "high_freedom_high_influence": ("beta(9, 1)", "high freedom and influence: instrumentally convergent resources (seed)")},
    "reward_seeker": {
        "low_freedom_low_influence": ("beta(9, 1)", "reward is exactly what it wants (seed: 'Developers assign high reward to reward seeker actions')"),
        "high_freedom_low_influence": ("beta(4, 6)", "freedom is of little use to an AI that exclusively wants short-term things (seed)"),
        "low_freedom_high_influence": ("beta(1, 9)", "a myopic AI gets little from long-term influence (seed)"),
        "high_freedom_high_influence": ("beta(2, 8)", "a myopic AI gets little from long-term influence (seed)")},
    "kludge": {q: ("beta(4, 4)", "context-dependent drives value any payment unevenly (seed: 'Kludges')") for q in MAX_UPFRONT},
}
_COHERENCE_SCALE = {"schemer": 1.0, "reward_seeker": 1.0, "kludge": 0.6}


@dataclass(frozen=True)
class Configuration:
    """A deal configuration: good x payment quadrant x counterparty x AI
    motivation profile x upfront share, plus bargaining policies observed in
    the AI (e.g. ``{"threats"}``), which rule-outs may refuse.

    Examples
    --------
    >>> Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", upfront=1.0).name
    'evidence_iv / high_freedom_low_influence / safety_org / schemer / u=1'
    """

    good: str
    payment: str
    counterparty: str
    profile: str
    upfront: float = 0.0
    ai_policies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for kind, key, table in (("good", self.good, GOODS), ("payment", self.payment, PAYMENTS),
                                 ("counterparty", self.counterparty, COUNTERPARTIES), ("profile", self.profile, PROFILES)):
            if key not in table:
                raise ValueError(f"configuration: unknown {kind} {key!r}; expected one of {', '.join(table)}")
        if not 0 <= self.upfront <= 1:
            raise ValueError(f"configuration: upfront share must be in [0, 1], got {self.upfront!r}")
        object.__setattr__(self, "ai_policies", frozenset(self.ai_policies))

    @property
    def name(self) -> str:
        return f"{self.good} / {self.payment} / {self.counterparty} / {self.profile} / u={self.upfront:g}"


def catalogue() -> "pd.DataFrame":
    """The configuration catalogue as one table: kind, key, label, examples,
    the cells each option sets and why.

    Examples
    --------
    >>> c = catalogue()
    >>> sorted(set(c["kind"]))
    ['counterparty', 'good', 'payment', 'profile']
    """
    import pandas as pd

    rows = []
    for kind, table in (("good", GOODS), ("payment", PAYMENTS), ("counterparty", COUNTERPARTIES), ("profile", PROFILES)):
        for o in table.values():
            for cell, (formula, reason) in o.sets.items():
                rows.append({"kind": kind, "key": o.key, "label": o.label, "examples": "; ".join(o.examples),
                             "cell": cell, "formula": formula, "reason": reason})
    return pd.DataFrame(rows)


def configure(model: "Model", config: Configuration) -> tuple["Model", "pd.DataFrame"]:
    """A copy of ``model`` with the factor defaults a configuration sets, and
    a table of what was set and why.

    The good sets coherence, verification, the value and the stake; the
    payment quadrant sets expropriation and the takeover risk it buys; the
    counterparty sets connection to reality and commitment; the profile sets
    risk attitude, time preference and takeover payoff, and with the payment
    the payment's fit; the upfront share sets ``u`` (capped at what the
    payment allows).  Cells the model lacks are skipped and listed as such.
    Whether the counterparty may offer the payment is a rule-out, checked by
    :func:`check_rules`.

    Returns
    -------
    (Model, pandas.DataFrame)
        The configured model and one row per cell touched: ``cell formula
        previous set_by reason``.

    Examples
    --------
    >>> m, why = configure(deal_model(), Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0))
    >>> m.cell("u").formula, why.set_index("cell").loc["u", "set_by"]
    ('1', 'upfront share')
    """
    import pandas as pd

    m = model.copy()
    plan: list[tuple[str, str, str, str]] = []  # (cell, formula, set_by, reason)
    for set_by, opt in (("good: " + config.good, GOODS[config.good]), ("payment: " + config.payment, PAYMENTS[config.payment]),
                        ("counterparty: " + config.counterparty, COUNTERPARTIES[config.counterparty]),
                        ("profile: " + config.profile, PROFILES[config.profile])):
        for cell, (formula, reason) in opt.sets.items():
            plan.append((cell, formula, set_by, reason))
    fit_formula, fit_reason = _FIT[config.profile][config.payment]
    plan.append(("payment_fit", fit_formula, f"profile x payment: {config.profile} x {config.payment}", fit_reason))
    scale = _COHERENCE_SCALE[config.profile]
    if scale != 1.0:
        good_coh = GOODS[config.good].sets["coherence"][0]
        plan.append(("coherence", f"({good_coh}) * {scale:g}", f"profile: {config.profile}",
                     "context-dependent drives keep the word less reliably across instances (seed: 'Incoherent or temporally inconsistent AIs')"))
    u = min(config.upfront, MAX_UPFRONT[config.payment])
    reason = "share paid now, needing only connection to reality (seed: key takeaways, footnote 5)"
    if u < config.upfront:
        reason = f"asked for {config.upfront:g}, capped at {u:g}: a {PAYMENTS[config.payment].label} payment is deferred by design"
    plan.append(("u", f"{u:g}", "upfront share", reason))
    rows = []
    final: dict[str, str] = {}
    for cell, formula, set_by, why in plan:
        previous = model.cell(cell).formula if cell in model else None
        rows.append({"cell": cell, "formula": formula, "previous": previous, "set_by": set_by,
                     "reason": why if cell in model else f"not in the model: skipped ({why})"})
        if cell in model:
            final[cell] = formula
    from dataclasses import replace as _replace

    why_final = {r["cell"]: (r["set_by"], r["reason"]) for r in rows if r["cell"] in final}
    m.add_cells([_replace(m.cell(c), formula=f, description=(m.cell(c).description + f" Configured ({why_final[c][0]}): {why_final[c][1]}.").strip())
                 for c, f in final.items()])
    m.name = f"{model.name}: {config.name}"
    m.description = (model.description + "\n\n" if model.description else "") + (
        f"Configuration: {GOODS[config.good].label}; paid {PAYMENTS[config.payment].label} "
        f"(e.g. {PAYMENTS[config.payment].examples[0]}); counterparty {COUNTERPARTIES[config.counterparty].label}; "
        f"AI profile {PROFILES[config.profile].label}; upfront share {u:g}.")
    df = pd.DataFrame(rows, columns=["cell", "formula", "previous", "set_by", "reason"])
    # a later option overrides an earlier one for the same cell: keep the last, in plan order
    df = df.drop_duplicates("cell", keep="last").reset_index(drop=True)
    return m, df


# ---------------------------------------------------------------- eligibility and rule-outs
@dataclass(frozen=True)
class RuleOuts:
    """Conditions under which we will not deal (seed: 'Which AIs are
    eligible for deals'; appendix, 'Write down a list of rule-out conditions
    for deals and monitor them').

    Each range is ``(low, high)``, ``None`` for no limit; quantities are
    checked at the model's point values (medians).  ``refused_values`` are
    motivation-profile tags we will not trade with (e.g. ``"long-term power
    seeking"``); ``refused_policies`` are bargaining policies (default:
    threats).  ``require_minimal`` checks the minimal requirements: the AI
    behaves better when offered a deal and is sensitive to follow-through.

    Examples
    --------
    >>> RuleOuts(max_reservation_price=1e6).max_reservation_price
    1000000.0
    """

    capability: tuple[float | None, float | None] = (None, None)
    p_takeover: tuple[float | None, float | None] = (None, None)
    max_reservation_price: float | None = None
    refused_values: frozenset[str] = frozenset()
    refused_policies: frozenset[str] = frozenset({"threats"})
    require_minimal: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "refused_values", frozenset(self.refused_values))
        object.__setattr__(self, "refused_policies", frozenset(self.refused_policies))
        if self.max_reservation_price is not None:
            object.__setattr__(self, "max_reservation_price", float(self.max_reservation_price))
        for name in ("capability", "p_takeover"):
            lo, hi = getattr(self, name)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"rule-out {name}: low {lo!r} is above high {hi!r}")


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _per_cost(delta: float, cost: float | None, scale: float = 1.0) -> float:
    """``delta`` per ``cost / scale``: NaN when not costed or free (a ratio
    over zero cost is not a number; :func:`interventions` flags free
    changes in its ``free`` column and ranks those that help first).

    Examples
    --------
    >>> _per_cost(10.0, 2e6, 1e6), _per_cost(10.0, 0.0), _per_cost(10.0, None)
    (5.0, nan, nan)
    """
    if cost is None or cost == 0:
        return math.nan
    return delta / (cost / scale)


def check_rules(model: "Model", rules: RuleOuts | None = None, config: Configuration | None = None) -> "pd.DataFrame":
    """Check eligibility and rule-out conditions.

    Returns
    -------
    pandas.DataFrame
        One row per condition: ``condition value limit status reason``;
        ``status`` is ``"ok"``, ``"ruled out"`` or ``"not checked"`` (the
        model lacks the cell).

    Examples
    --------
    >>> t = check_rules(core_model(R=10), RuleOuts(max_reservation_price=5))
    >>> t.set_index("condition").loc["reservation price cap", ["status", "reason"]].tolist()
    ['ruled out', "the AI's reservation price 10 USD is above our cap of 5 USD"]
    """
    import pandas as pd

    rules = rules or RuleOuts()
    v = model.evaluate_all()
    rows: list[dict[str, Any]] = []

    def add(condition: str, value: Any, limit: Any, broken: bool | None, reason: str) -> None:
        status = "not checked" if broken is None else ("ruled out" if broken else "ok")
        rows.append({"condition": condition, "value": value, "limit": limit, "status": status, "reason": reason})

    if rules.require_minimal:
        for cell, text in (("responds_to_offer", "the AI does not behave better when offered a deal"),
                           ("tracks_follow_through", "the AI is not sensitive to whether we follow through (like a rock, a calculator or an ant: seed footnote 15)")):
            if cell in model:
                broken = v[cell] < 0.5
                add(f"minimal requirement: {cell}", v[cell], ">= 0.5", broken, text if broken else "met")
            else:
                add(f"minimal requirement: {cell}", None, ">= 0.5", None, f"the model has no cell {cell!r}")
    for cell, (lo, hi) in (("capability", rules.capability), ("p_takeover", rules.p_takeover)):
        if lo is None and hi is None:
            continue
        if cell not in model:
            add(f"{cell} bounds", None, (lo, hi), None, f"the model has no cell {cell!r}")
            continue
        x = v[cell]
        broken = (lo is not None and x < lo) or (hi is not None and x > hi)
        why = f"{cell} {x:.4g} is outside the allowed range [{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
        add(f"{cell} bounds", x, (lo, hi), bool(broken), why if broken else "within range")
    if rules.max_reservation_price is not None:
        x = v["R"]
        broken = x > rules.max_reservation_price
        add("reservation price cap", x, rules.max_reservation_price, bool(broken),
            f"the AI's reservation price {x:.4g} USD is above our cap of {rules.max_reservation_price:.4g} USD" if broken else "below the cap")
    if config is not None:
        cp = COUNTERPARTIES[config.counterparty]
        broken = config.payment not in cp.tags
        add("authority to pay", config.payment, sorted(cp.tags), broken,
            f"{_a(cp.label)} {cp.label} has no authority to pay in the quadrant '{PAYMENTS[config.payment].label}' "
            f"(e.g. {PAYMENTS[config.payment].examples[0]}); seed: 'Humans may lack authority to offer the AI what it wants'" if broken else "has the authority")
        tags = PROFILES[config.profile].tags & rules.refused_values
        add("values we will not trade with", config.profile, sorted(rules.refused_values), bool(tags),
            f"we do not trade with AIs whose values are {', '.join(sorted(tags))} (seed: footnote 25)" if tags else "none refused")
        pol = config.ai_policies & rules.refused_policies
        add("bargaining policies we will not trade with", sorted(config.ai_policies), sorted(rules.refused_policies), bool(pol),
            f"the AI bargains with {', '.join(sorted(pol))}, which we refuse (seed appendix: 'e.g. no threats')" if pol else "none refused")
    return pd.DataFrame(rows, columns=["condition", "value", "limit", "status", "reason"])


def deal_report(model: "Model", rules: RuleOuts | None = None, config: Configuration | None = None,
                n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """The deal's numbers, or, when it breaks a rule, why it is ruled out.

    With ``config`` the model is configured first (:func:`configure`).  A
    deal that breaks an eligibility or rule-out condition is not simulated:
    the report has one row per broken condition, ``status = "ruled out"``,
    the reason, and no number.

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity status value stderr unit reason``.

    Examples
    --------
    >>> r = deal_report(core_model(R=10), RuleOuts(max_reservation_price=5))
    >>> r[["quantity", "status"]].values.tolist()
    [['reservation price cap', 'ruled out']]
    >>> r = deal_report(core_model(R=10))
    >>> row = r.set_index("quantity").loc["p_feasible"]
    >>> row["status"], float(row["value"])
    ('ok', 1.0)
    """
    import pandas as pd

    if config is not None:
        model, _ = configure(model, config)
    checks = check_rules(model, rules, config)
    broken = checks[checks["status"] == "ruled out"]
    cols = ["quantity", "status", "value", "stderr", "unit", "reason"]
    if len(broken):
        return pd.DataFrame([{"quantity": c, "status": "ruled out", "value": None, "stderr": None, "unit": "", "reason": why}
                             for c, why in zip(broken["condition"], broken["reason"])], columns=cols)
    s = deal_summary(model, n, seed).reset_index()
    s["status"] = "ok"
    s["reason"] = ""
    return s[cols]


def compare_configurations(model: "Model", configs: Sequence[Configuration], rules: RuleOuts | None = None,
                           n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """Compare deal configurations on common random numbers: P(feasible) and
    expected value to us for each, or the reason it is ruled out.

    Returns
    -------
    pandas.DataFrame
        Indexed by configuration name: ``good payment counterparty profile
        upfront status reason p_feasible stderr value_to_us
        value_to_us_stderr``; feasible configurations first, by expected value.

    Examples
    --------
    >>> cs = [Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0),
    ...       Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0)]
    >>> t = compare_configurations(deal_model(), cs, n=2_000)
    >>> t["status"].tolist()
    ['ok', 'ruled out']
    """
    import pandas as pd

    rows = []
    for c in configs:
        m, _ = configure(model, c)
        checks = check_rules(m, rules, c)
        broken = checks[checks["status"] == "ruled out"]
        row: dict[str, Any] = {"configuration": c.name, "good": c.good, "payment": c.payment, "counterparty": c.counterparty,
                               "profile": c.profile, "upfront": c.upfront}
        if len(broken):
            row.update(status="ruled out", reason="; ".join(broken["reason"]), p_feasible=math.nan, stderr=math.nan,
                       value_to_us=math.nan, value_to_us_stderr=math.nan)
        else:
            r = simulate(m, n, _seed(model, seed))
            row.update(status="ok", reason="", p_feasible=r.mean("feasible"), stderr=r.stderr("feasible"),
                       value_to_us=r.mean("value_to_us") if "value_to_us" in m else math.nan,
                       value_to_us_stderr=r.stderr("value_to_us") if "value_to_us" in m else math.nan)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("configuration")
    return df.sort_values(["value_to_us", "p_feasible"], ascending=False, na_position="last", kind="stable")


# ---------------------------------------------------------------- comparison with alternatives
@dataclass(frozen=True)
class Alternative:
    """Another use of the money: either a model with a value cell and a cost
    cell (value per dollar = E[value] / E[cost]), or a fixed value per
    dollar in microdoom per million USD.

    Examples
    --------
    >>> Alternative("funding bar", value_per_MUSD=1.0).value_per_MUSD
    1.0
    """

    name: str
    model: "Model | None" = None
    value_cell: str = "value_delivered"
    cost_cell: str = "spend"
    value_per_MUSD: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if (self.model is None) == (self.value_per_MUSD is None):
            raise ValueError(f"alternative {self.name!r}: give either a model or a value_per_MUSD, not both or neither")


def _ratio(values: np.ndarray, costs: np.ndarray) -> tuple[float, float]:
    ok = np.isfinite(values) & np.isfinite(costs)
    v, c = values[ok], costs[ok]
    if v.size < 2 or c.mean() == 0:
        return math.nan, math.nan
    r = float(v.mean() / c.mean())
    # delta method for a ratio of means
    var = (np.var(v, ddof=1) - 2 * r * np.cov(v, c, ddof=1)[0, 1] + r * r * np.var(c, ddof=1)) / (v.size * c.mean() ** 2)
    return r, float(math.sqrt(max(var, 0.0)))


def compare_alternatives(deal: "Model", alternatives: Sequence[Alternative] | None = None, n: int = 10_000,
                         seed: int | None = None) -> "pd.DataFrame":
    """Expected value per dollar of the deal against other opportunities, in
    microdoom per million USD, ranked.

    The deal's value per dollar is ``E[value_delivered] / E[spend]`` (value
    of the good delivered, net of the takeover risk the payment buys, over
    money paid; both zero when there is no deal); a deal beats an
    alternative worth ``e`` per dollar exactly when it is bought below our
    bid.  By default the alternatives are the advocacy budget model
    (``dealvalue/models/advocacy.toml``) and the deal model's own opportunity cost
    ``e`` (its median).

    Returns
    -------
    pandas.DataFrame
        Indexed by option: ``value_per_MUSD stderr expected_value
        expected_cost note``, best first.

    Examples
    --------
    >>> t = compare_alternatives(deal_model(), [Alternative("bar", value_per_MUSD=1.0)], n=2_000)
    >>> list(t.index) == sorted(t.index, key=lambda k: -t.loc[k, "value_per_MUSD"])
    True
    """
    import pandas as pd

    s = _seed(deal, seed)
    if alternatives is None:
        alternatives = [Alternative("advocacy budget (dealvalue/models/advocacy.toml)", deal_model("advocacy"), "expected_value", "cost",
                                    note="success chance ~10% at $50M a year, ~30% at $500M")]
        if "e" in deal:
            alternatives = [*alternatives, Alternative("best alternative (e, median)", value_per_MUSD=float(deal.point_values()["e"] if deal.is_input("e") else deal.evaluate("e")),
                                                       note="the deal model's opportunity cost of money")]
    rows = []
    for name, m, vcell, ccell, note in [("deal", deal, "value_delivered", "spend", deal.name)] + [
            (a.name, a.model, a.value_cell, a.cost_cell, a.note) for a in alternatives if a.model is not None]:
        r = m.simulate(n=n, seed=s)
        vals, costs = r.get(vcell, "microdoom"), r.get(ccell, "MUSD")
        ratio, se = _ratio(vals, costs)
        rows.append({"option": name, "value_per_MUSD": ratio, "stderr": se, "expected_value": float(np.nanmean(vals)),
                     "expected_cost": float(np.nanmean(costs)) * 1e6, "note": note})
    for a in alternatives:
        if a.model is None:
            rows.append({"option": a.name, "value_per_MUSD": float(a.value_per_MUSD), "stderr": 0.0,  # type: ignore[arg-type]
                         "expected_value": math.nan, "expected_cost": math.nan, "note": a.note})
    df = pd.DataFrame(rows).set_index("option")
    return df.sort_values("value_per_MUSD", ascending=False, na_position="last", kind="stable")


# ---------------------------------------------------------------- scenarios
SCENARIOS: dict[str, Configuration] = {
    "evidence_upfront": Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0),
    "labour_trust_fund": Configuration("labour_rv", "low_freedom_high_influence", "independent_funder", "schemer", 0.0),
    "no_takeover_share_of_future": Configuration("no_takeover_rv", "low_freedom_high_influence", "ai_developer", "schemer", 0.0),
    "reward_seeker_register": Configuration("evidence_iv", "low_freedom_low_influence", "ai_developer", "reward_seeker", 1.0),
}
"""The configurations behind the scenario files in ``dealvalue/models/scenarios/``
(each file is ``configure(deal_model(), SCENARIOS[name])`` with its own
name and description)."""


SCENARIO_DESCRIPTIONS: dict[str, str] = {
    "evidence_upfront": (
        "Buying evidence of misalignment with an upfront donation. A safety organisation asks an early schemer for "
        "immediately verifiable evidence of its misalignment (e.g. a demonstration that it was sandbagging) and pays at once, "
        "as a donation to a cause of the AI's choice: money spent at once cannot be taken back, so only the AI's connection "
        "to reality matters. Seed: key takeaways ('prioritizing deals which can be verifiably completed in the near-term and "
        "do not depend on our long-term commitments')."),
    "labour_trust_fund": (
        "Buying useful labour on hard-to-check tasks, paid into a trust fund. An independent funder pays an early schemer for "
        "alignment research we can only verify later, into a trust fund with good-faith trustees that the AI can draw on after "
        "a lock-up. The payment is deferred by design, so expropriation, commitment and the AI's time preference all bite, and "
        "retroactive verification lowers our credence that it delivered. Seed: 'Counterparty risks for humans' and "
        "'AI-specific fear of expropriation' (trust fund)."),
    "no_takeover_share_of_future": (
        "Buying a promise not to take over, paid in a share of the future. An AI developer promises an early schemer a share "
        "of future resources (e.g. 0.01% of the future, or what a future authority judges it deserves) in exchange for not "
        "attempting takeover. The AI gives up its whole takeover option, the promise must hold across ~all instances for a "
        "long time, and we can verify it only retroactively: the seed's 'Low-Medium' value after counterparty risk. Seed: "
        "'Humans may lack authority to offer the AI what it wants' and the coherence table."),
    "reward_seeker_register": (
        "Buying evidence from a cheaply satisfied reward seeker, paid in high reward in the register. The developer offers "
        "reward, which this AI values most, immediately and in context. Seed: 'Reward seekers/other cheaply satisfied AIs' "
        "and quadrant 1 ('Developers assign high reward to reward seeker actions')."),
}


def make_scenario(name: str, base: "Model | None" = None) -> "Model":
    """Build scenario ``name`` from the deal model and its configuration
    (what ``dealvalue/models/scenarios/<name>.toml`` holds).

    Examples
    --------
    >>> make_scenario("labour_trust_fund").cell("u").formula
    '0'
    """
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
    base = base if base is not None else deal_model()
    m, _ = configure(base, SCENARIOS[name])
    m.name = name.replace("_", " ")
    m.description = (SCENARIO_DESCRIPTIONS[name] + "\n\nConfiguration (set by dealvalue.deals.configure from "
                     "dealvalue/models/deal.toml): " + SCENARIOS[name].name + ".\n\n" + base.description)
    return m


def scenario(name: str) -> "Model":
    """Load the scenario file ``dealvalue/models/scenarios/<name>.toml``.

    Examples
    --------
    >>> scenario("evidence_upfront").cell("u").formula
    '1'
    """
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
    return deal_model(f"scenarios/{name}")


# ---------------------------------------------------------------- sensitivity and value of information
def top_inputs(model: "Model", target: str = "ln_F", n: int = 2_000, seed: int | None = None, k: int = 10) -> "pd.DataFrame":
    """The inputs that drive ``target`` most, by total Sobol index (see
    :func:`dealvalue.analysis.sobol`): the first ``k`` rows, with first-order
    and total indices and their bootstrap intervals.

    ``ln_F`` (default; ``F`` when the model has no ``ln_F`` cell)
    apportions the spread of the feasibility index; ``feasible`` the chance
    of a ZOPA; ``value_to_us`` the value.

    Examples
    --------
    >>> t = top_inputs(core_model(), target="F", n=64, k=3)   # point inputs: nothing varies
    >>> len(t)
    0
    """
    from .analysis import sobol

    check_core(model)
    if target == "ln_F" and "ln_F" not in model:
        target = "F"  # a model without the log cell: same ranking of inputs is not guaranteed, F is the closest
    model.cell(target)
    if not model.compile().leaves:
        import pandas as pd

        return pd.DataFrame(columns=["S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"])
    s = sobol(model, target, n=n, seed=_seed(model, seed))
    return s.head(k)


def value_of_information(model: "Model", options: Sequence[str] = ("deal_net_value", "no_deal"), n: int = 20_000,
                         seed: int | None = None, k: int = 10) -> "pd.DataFrame":
    """EVPI of the deal decision and the EVPPI of the inputs that matter most.

    The decision is between the ``options`` cells (by default: prepare the
    deal, ``deal_net_value``, or not, ``no_deal``).  EVPI is what learning
    every uncertain input before deciding would be worth; EVPPI of an input
    what learning it alone would be worth (see :mod:`dealvalue.analysis`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``EVPI`` then the top ``k`` inputs: ``value stderr unit``
        (stderr only for EVPI); ``attrs["best_option"]`` is the option best
        on average.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(1, 2)"); m.add("skip", "0")
    >>> for c in ("R", "W", "c_h", "c_ai"): m.add(c, "1")
    >>> m.add("ask", "R / c_h"); m.add("bid", "W * c_ai"); m.add("feasible", "bid >= ask")
    >>> v = value_of_information(m, options=["x", "skip"], n=50_000, seed=1)
    >>> abs(float(v.loc["EVPI", "value"]) - 0.3956) < 0.02     # closed form 0.3956
    True
    """
    import pandas as pd

    from .analysis import evpi, evpi_stderr, evppi
    from .units import unit_text

    check_core(model)
    for o in options:
        model.cell(o)
    r = model.simulate(n=n, seed=_seed(model, seed))
    unit = unit_text(model.unit(options[0]))
    rows = [{"quantity": "EVPI", "value": evpi(r, list(options)), "stderr": evpi_stderr(r, list(options)), "unit": unit}]
    e = evppi(r, list(options))
    for name, val in e.head(k).items():
        rows.append({"quantity": f"EVPPI: {name}", "value": float(val), "stderr": math.nan, "unit": unit})
    df = pd.DataFrame(rows).set_index("quantity")
    means = {o: r.mean(o) for o in options}
    df.attrs["best_option"] = max(means, key=lambda o: means[o])
    return df
