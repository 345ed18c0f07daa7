"""Charts of the deal views: the ZOPA, the barrier waterfall and the window.

Altair charts built from :func:`~dealvalue.deals.zopa`,
:func:`~dealvalue.deals.decomposition` and :func:`~dealvalue.deals.window`,
which the caller can change like any Altair chart (see
:mod:`dealvalue.plots` for the generic ones and for static export).

Examples
--------
>>> from dealvalue import deals
>>> from dealvalue.deals import plots
>>> chart = plots.waterfall(deals.core_model())
>>> chart.to_dict()["layer"][0]["encoding"]["x"]["field"]
'label'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..plots import altair, axis_title
from .barriers import decomposition
from .core import zopa as zopa_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["zopa", "waterfall", "window"]

_ROWS = ("ask | feasible", "bid | feasible", "price | feasible")


def zopa(results: "Results") -> Any:
    """The ends of the ZOPA where a deal exists: per row of
    :func:`~dealvalue.deals.zopa` (``ask | feasible``, ``bid | feasible``,
    ``price | feasible``) a 5%-95% rule, a 25%-75% bar and a median tick, on
    a log axis in the model's money unit.

    Parameters
    ----------
    results : Results
        Results of a deal model (with the core cells; the ``price`` row
        when it has a ``price`` cell).

    Returns
    -------
    altair.LayerChart
        Data: the ZOPA frame with columns ``quantity p5 p25 p50 p75 p95``,
        rows with no feasible sample left out.

    Examples
    --------
    In the worked example with ``R = 10`` every sample is feasible: the AI
    asks 10 / 0.5, we bid 100 * 0.5, the Nash price is half way.

    >>> from dealvalue import deals
    >>> from dealvalue.deals import plots
    >>> chart = plots.zopa(deals.simulate(deals.core_model(R=10), n=100))
    >>> chart.data[["quantity", "p50"]].values.tolist()
    [['ask | feasible', 20.0], ['bid | feasible', 50.0], ['price | feasible', 35.0]]
    >>> chart.to_dict()["layer"][0]["encoding"]["x"]["title"]
    'price (USD)'
    """
    alt = altair()
    frame: Any = zopa_frame(results)
    rows = [r for r in _ROWS if r in frame.index and frame.loc[r, "n"] > 0]
    data: Any = frame.loc[rows, [0.05, 0.25, 0.5, 0.75, 0.95]].copy()
    data.columns = ["p5", "p25", "p50", "p75", "p95"]
    data = data.rename_axis("quantity").reset_index()
    from ..units import unit_text

    unit = str(unit_text(results.model.unit("ask")))
    x = alt.X("p5:Q", title=axis_title("price", unit), scale=alt.Scale(type="log"))
    base = alt.Chart(data).encode(y=alt.Y("quantity:N", sort=list(rows), title=None))
    share = float(np.mean(results.get("feasible") == 1))
    return alt.layer(
        base.mark_rule().encode(x=x, x2="p95:Q"),
        base.mark_bar(size=14, opacity=0.6).encode(x="p25:Q", x2="p75:Q", color=alt.Color("quantity:N", legend=None)),
        base.mark_tick(color="black", thickness=2, size=18).encode(x="p50:Q"),
        title=alt.Title("ZOPA where a deal exists", subtitle=f"{share:.1%} of {results.n:,} samples; 5-25-50-75-95% quantiles"),
    )


def waterfall(model: "Model | pd.DataFrame") -> Any:
    """The barrier decomposition as a waterfall: each barrier's log units
    from the running total before it to the one after, then the ``ln F``
    total from zero (feasible iff it ends at or above zero).

    Parameters
    ----------
    model
        A deal model (its :func:`~dealvalue.deals.decomposition` at point
        values is drawn) or a frame that function returned.

    Returns
    -------
    altair.LayerChart
        Data: the decomposition with ``label start end kind`` columns.

    Examples
    --------
    The worked example: ``ln(100/90)`` of gains from trade, ``ln 0.5`` for
    each credibility, ending at ``ln F = ln(50/180)``.

    >>> from dealvalue import deals
    >>> from dealvalue.deals import plots
    >>> bars = plots.waterfall(deals.core_model()).layer[0].data
    >>> bars[["term", "start", "end", "kind"]].round(4).values.tolist()
    [['gains from trade', 0.0, 0.1054, 'helps'], ['c_ai', 0.1054, -0.5878, 'hurts'], ['c_h', -0.5878, -1.2809, 'hurts'], ['ln F', 0.0, -1.2809, 'total (ln F)']]
    """
    alt = altair()
    frame: Any = model if hasattr(model, "columns") else decomposition(model)  # type: ignore[arg-type]
    data: Any = frame.reset_index()
    ends = data["cumulative"].to_numpy(dtype=float)
    steps = data["log_units"].to_numpy(dtype=float)
    total = data["term"] == "ln F"
    data["end"] = ends
    data["start"] = np.where(total, 0.0, ends - steps)
    data["kind"] = np.where(total, "total (ln F)", np.where(steps >= 0, "helps", "hurts"))
    data["multiplier"] = [m if math.isfinite(m) else None for m in data["multiplier"]]
    order = list(data["label"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
            y=alt.Y("start:Q", title="log units (ln of the factor on F)"),
            y2="end:Q",
            color=alt.Color("kind:N", title=None,
                            scale=alt.Scale(domain=["helps", "hurts", "total (ln F)"], range=["#54a24b", "#e45756", "#4c78a8"])),
            tooltip=["term:N", "label:N", "group:N", alt.Tooltip("log_units:Q", format=".3f"),
                     alt.Tooltip("multiplier:Q", format=".3g")],
        )
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0.0}])).mark_rule(color="black").encode(y="y:Q")
    return alt.layer(bars, zero, width=max(300, 40 * len(data)), title=alt.Title("Barrier waterfall", subtitle="at point values (medians); feasible iff ln F >= 0"))


def window(frame: "pd.DataFrame") -> Any:
    """P(feasible) along the axis of a :func:`~dealvalue.deals.window`
    frame, with a band of two standard errors.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame of :func:`~dealvalue.deals.window`: indexed by the axis,
        with columns ``p_feasible`` and ``stderr``.

    Returns
    -------
    altair.LayerChart
        Data: the frame with the axis as a column and ``lo hi`` band ends
        (``p_feasible`` -/+ two standard errors, clipped to [0, 1]).

    Examples
    --------
    With ``c_h`` uniform on (0, 1), ``bid >= ask`` when ``c_h >= R / 50``,
    so P(feasible) is ``1 - R / 50``: 0.5 at ``R = 25``, inside the band.

    >>> from dealvalue import deals
    >>> from dealvalue.deals import plots
    >>> m = deals.core_model(); m.replace("c_h", "uniform(0, 1)")
    >>> chart = plots.window(deals.window(m, axis="R", values=[0, 25, 50], n=400, seed=1))
    >>> row = chart.data.set_index("R").loc[25.0]
    >>> bool(row["lo"] < 0.5 < row["hi"]), chart.data["p_feasible"].tolist()[::2]
    (True, [1.0, 0.0])
    """
    alt = altair()
    axis = str(frame.index.name or "axis")
    data: Any = frame.reset_index().rename(columns={frame.index.name or "index": axis})
    data["lo"] = (data["p_feasible"] - 2 * data["stderr"]).clip(lower=0)
    data["hi"] = (data["p_feasible"] + 2 * data["stderr"]).clip(upper=1)
    base = alt.Chart(data).encode(x=alt.X(f"{axis}:Q", title=axis))
    return alt.layer(
        base.mark_area(opacity=0.25).encode(y=alt.Y("lo:Q", title="P(feasible)", scale=alt.Scale(domain=[0, 1])), y2="hi:Q"),
        base.mark_line(point=True).encode(y="p_feasible:Q", tooltip=[f"{axis}:Q", "p_feasible:Q", "stderr:Q"]),
        title=alt.Title(f"The window of viable deals along {axis}"),
    )
