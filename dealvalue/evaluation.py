"""Point evaluation of a model, also vectorised over arrays of override
values (a sweep): :meth:`dealvalue.Model.evaluate_all` and
:meth:`dealvalue.Model.evaluate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .errors import ArgumentError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["evaluate_all", "evaluate_rows"]


def evaluate_all(model: "Model", pinned: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Every cell at point values, with cells pinned to values.

    Parameters
    ----------
    model
        The model.
    pinned
        Cell name -> a number or a 1-d array of numbers, in the cell's unit
        (a distribution literal's name pins the literal).  Arrays broadcast
        together.

    Returns
    -------
    dict
        Cell name -> float, or arrays (one value per swept point) when any
        pinned value is an array.
    """
    values = model.point_values()
    compiled = model.compile()
    sweep = any(np.ndim(p) > 0 for p in pinned.values())
    try:
        shape = np.broadcast_shapes((1,), *(np.shape(p) for p in pinned.values()))
    except ValueError:
        raise ArgumentError("overrides", {k: np.shape(p) for k, p in pinned.items()}, "arrays of one length") from None
    if len(shape) != 1:
        raise ArgumentError("overrides", shape, "numbers or 1-d arrays")
    fixed = {k: np.broadcast_to(np.asarray(p, dtype=float), shape) for k, p in pinned.items()}
    # inputs sit at their point values, so only literals inside formulas need values;
    # an input's own literals are never read (its step is pinned) and stay NaN
    leaf_values = {leaf: fixed.pop(leaf) if leaf in fixed else np.full(shape, values.get(leaf, np.nan))
                   for leaf in compiled.leaf_owner}
    fixed = {**{n: np.full(shape, values[n]) for n in model.inputs}, **fixed}
    out = model.run_steps(leaf_values, shape[0], fixed=fixed)
    return {n: np.broadcast_to(out[n], shape).copy() if sweep else float(np.asarray(out[n]).ravel()[0])
            for n in model.names}


def evaluate_rows(model: "Model", rows: Sequence[Mapping[str, float]]) -> dict[str, np.ndarray]:
    """Every cell at point values once per row, each row with its own cells
    pinned: one vectorised run instead of one :func:`evaluate_all` per row.

    A pinned formula cell is still computed in the rows that do not pin it,
    so a row may pin a cell that another row's pinned cell depends on.

    Parameters
    ----------
    model : Model
        The model.
    rows : sequence of mapping of str to float
        One mapping per row: cell (or distribution literal) name -> number
        in the cell's unit; an empty mapping is the model at point values.

    Returns
    -------
    dict of str to numpy.ndarray
        Cell name -> its value in each row.

    Raises
    ------
    UnknownCellError
        A row names a cell the model does not have.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c"); m.add("twice", "2 * ask")
    >>> evaluate_rows(m, [{}, {"c": 0.25}, {"ask": 1.0}])["twice"]
    array([360., 720.,   2.])
    """
    k = len(rows)
    values = model.point_values()
    compiled = model.compile()
    leaf_values = {leaf: np.full(k, values.get(leaf, np.nan)) for leaf in compiled.leaf_owner}
    fixed: dict[str, np.ndarray] = {n: np.full(k, values[n]) for n in model.inputs}
    pins: dict[str, np.ma.MaskedArray] = {}
    for i, row in enumerate(rows):
        for name, v in row.items():
            if name in leaf_values:
                leaf_values[name][i] = v
                continue
            model.cell(name)  # an unknown name is refused, naming it
            if name in fixed:
                fixed[name][i] = v
            else:
                pin = pins.setdefault(name, np.ma.array(np.zeros(k), mask=np.ones(k, dtype=bool)))
                pin[i] = v  # unmasks row i
    out = model.run_steps(leaf_values, k, fixed={**fixed, **pins})
    return {n: np.asarray(out[n], dtype=float).copy() for n in model.names}


def elasticity(model: "Model", name: str, wrt: str) -> float:
    """d ln(name) / d ln(wrt) at point values.

    Parameters
    ----------
    model
        The model.
    name, wrt
        The cell whose change is measured, and the cell that changes.

    Returns
    -------
    float
        The % change in ``name`` per 1% change in ``wrt``.
    """
    import sympy

    e = model.expr(name, keep=[wrt] if not model.is_input(wrt) else [])
    s = model.symbol(wrt)
    ratio = sympy.diff(e, s) * s / e
    values = model.evaluate_all()
    point = model.point_values()
    subs = {sym: sympy.Float(values[sym.name] if sym.name in values else point[sym.name]) for sym in ratio.free_symbols}
    return float(ratio.xreplace(subs).evalf())
