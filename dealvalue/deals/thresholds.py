"""Break-even values: where ``bid = ask`` (F = 1) as one factor moves.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> float(thresholds(core_model(), factors=["R"]).loc["R", "break_even"])
25.0
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from ..budgets import solve_within
from .core import CORE_INPUTS, check_core, core_model

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["thresholds"]


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
        return solve_within(e, model.symbol(cell), f"solving {equation!r} for {cell!r}")
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
    model : Model
        A deal model (with the core cells).
    factors : sequence of str, optional
        Cells to solve for; by default ``R``, ``W``, ``c_h``, ``c_ai`` and
        every input that ``ask`` or ``bid`` depends on (those that do not
        move F at the point values are left out).
    **overrides : float
        Point values to use instead of the medians, e.g. ``R=10``.

    Returns
    -------
    pandas.DataFrame
        Indexed by factor (the first row ``c_h * c_ai``): ``label current
        break_even feasible_when expression method within_range``.
        ``feasible_when`` is ``"at least"`` or ``"at most"`` (the side of
        the break-even on which ``bid >= ask``); ``expression`` is sympy's
        closed form in the other cells' symbols, empty when solved
        numerically; ``method`` is ``"symbolic"``, ``"numeric (Brent)"``,
        ``"no break-even in range"`` (``break_even`` NaN) or, for a factor
        named in ``factors``, ``"F does not depend on it here"``.  Values
        are in the factor's unit.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.
    dealvalue.UnknownCellError
        A factor is not a cell of the model.

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
    core = [c for c in CORE_INPUTS if c in model]
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
    core = [c for c in CORE_INPUTS if c == f or c in _downstream(model, f)]
    ev = _PointEval(model, overrides)
    # which way F moves with f (sign of d ln F / d f, numerically)
    direction = _direction(model, f, cur, overrides, ev)
    if direction == 0:
        row["method"] = _NO_EFFECT
        return row
    row["feasible_when"] = "at least" if direction > 0 else "at most"
    if len(core) == 1 and not _bypasses_core(model, f):
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
                    sols_f = solve_within(e - sympy_symbol, model.symbol(f), f"solving {c} = target for {f!r}")
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


def _bypasses_core(model: "Model", f: str) -> bool:
    """Whether ``f`` reaches ``bid`` or ``ask`` other than through a core input
    (e.g. the upfront share ``u`` moves ``c_h`` and, through our expected cost
    per unit of price, ``bid``): then the one-core-cell solve does not apply."""
    if f in CORE_INPUTS:
        return False
    seen: set[str] = set()
    stack = [f]
    while stack:
        c = stack.pop()
        for d in model.dependents(c):
            if d in CORE_INPUTS or d in seen:
                continue
            if d in ("bid", "ask"):
                return True
            seen.add(d)
            stack.append(d)
    return False


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


