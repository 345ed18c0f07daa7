"""The window of viable deals: P(feasible) along an axis (capability by default) and where it opens and closes.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> window(core_model(), axis="R", values=[10, 90], n=10)["p_feasible"].tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .core import check_core, core_model, seed_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["window", "window_ends"]


def window(model: "Model", axis: str = "capability", values: Sequence[float] | None = None,
           n: int = 4_000, seed: int | None = None, method: str = "mc") -> "pd.DataFrame":
    """P(feasible) and expected value to us along an axis (capability by
    default), on common random numbers.

    The axis cell is pinned to each value in turn while every other cell
    keeps its draws.  In ``dealvalue/models/deal.toml`` capability lowers the deal's
    counterfactual value for weak AIs (control extracts more) and raises the
    takeover odds, and so ``R``, for strong ones: P(feasible) rises, peaks
    and falls.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).
    axis : str, default "capability"
        The cell pinned to each value in turn.
    values : sequence of float, optional
        The axis values, in the axis cell's unit; by default 41 points
        evenly spaced over the cell's bounds (0 to 10 without bounds).
    n : int, default 4_000
        The number of samples at each value (the same draws at each).
    seed : int, optional
        None takes the model's own seed, else 0.
    method : {"mc", "lhs", "qmc"}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.

    Returns
    -------
    pandas.DataFrame
        Indexed by the axis value (named by the axis): ``p_feasible stderr
        value_to_us value_to_us_stderr R_median W_median``; the
        ``value_to_us`` columns when the model has that cell.  ``stderr``
        is the binomial standard error of ``p_feasible``.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.
    dealvalue.UnknownCellError
        ``axis`` is not a cell of the model.

    Examples
    --------
    >>> w = window(core_model(), axis="R", values=[10, 25, 90], n=10)
    >>> w["p_feasible"].tolist()
    [1.0, 1.0, 0.0]
    """
    import pandas as pd

    from ..simulate import sample_leaves

    check_core(model)
    model.cell(axis)
    if values is None:
        b = model.bounds(axis) or (0.0, 10.0)
        grid = [float(x) for x in np.linspace(b[0], b[1], 41)]
    else:
        grid = [float(x) for x in values]
    s = seed_of(model, seed)
    leaves = sample_leaves(model, n, s, method)
    rows = []
    for x in grid:
        v = model.run_steps(leaves, n, fixed={axis: np.full(n, float(x))})
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

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`window` frame: its index is the axis (ascending), its
        column ``p_feasible`` the probability at each value.
    level : float, default 0.5
        The probability that opens and closes the window.

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


