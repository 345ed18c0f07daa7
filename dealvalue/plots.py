"""Charts of results: Altair charts the caller can still change.

Each function returns an :class:`altair.Chart` (or a layer of charts) built
from the library's own numbers (:meth:`Results.histogram`,
:meth:`Results.tornado`), with units in the axis titles.  Change it as any
Altair chart (``.properties(width=600)``, ``.configure_axis(...)``), save it
with ``chart.save("x.svg")`` or show it in a notebook.  In a notebook that
will be exported to static HTML, ``alt.renderers.enable("svg")`` draws charts
as SVG (with ``vl-convert-python``) instead of a script fetched from a CDN.

Altair comes with the ``app`` extra (``pip install 'dealvalue[app]'``).  This
module sits just above :mod:`dealvalue.results` and below the model: results
are used through their public methods.  The deal views (ZOPA, barrier
waterfall, window) live in :mod:`dealvalue.deals.plots`.

Examples
--------
>>> import dealvalue as dv
>>> from dealvalue import plots
>>> m = dv.Model(); m.add("x", "10 to 100", unit="USD"); m.add("y", "2 * x")
>>> chart = plots.histogram(m.simulate(n=1_000, seed=1), ["x", "y"])
>>> chart.to_dict()["encoding"]["x"]["title"]
'value (USD)'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .errors import ArgumentError
from .stats import quantiles

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import Results

__all__ = ["altair", "histogram", "histograms", "overlay", "tornado", "axis_title", "unit_of", "log_ticks"]


#: Colours of overlaid runs, in order (Tableau 10: far apart, so two runs never read as one).
_PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac")


def altair() -> Any:
    """The :mod:`altair` module, or an :class:`~dealvalue.ArgumentError`
    saying how to install it.

    Returns
    -------
    module
        :mod:`altair`, imported on first use (``import dealvalue`` does not
        load it).

    Raises
    ------
    dealvalue.errors.ArgumentError
        Altair is not installed; the message says ``pip install
        'dealvalue[app]'``.

    Examples
    --------
    >>> altair().__name__
    'altair'
    """
    try:
        import altair as alt
    except ImportError:  # pragma: no cover - altair is installed in the test environment
        raise ArgumentError("plots", "altair (not installed)", "altair installed: pip install 'dealvalue[app]'") from None
    return alt


def unit_of(results: "Results", name: str) -> str:
    """The unit of cell ``name`` as text (``""`` for none).

    Parameters
    ----------
    results : Results
        Results of a model.
    name : str
        A cell of the model.

    Returns
    -------
    str
        The unit as the model writes it (e.g. ``"USD"``), ``""`` when the
        cell is dimensionless.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("W", "100", unit="USD"); m.add("c", "0.5")
    >>> r = m.simulate(n=10)
    >>> unit_of(r, "W"), unit_of(r, "c")
    ('USD', '')
    """
    from .units import unit_text

    return str(unit_text(results.model.unit(name)))


def axis_title(what: str, unit: str) -> str:
    """``what (unit)``, or ``what`` alone with no unit.

    Parameters
    ----------
    what : str
        What the axis shows.
    unit : str
        Its unit as text, ``""`` for none.

    Returns
    -------
    str
        The axis title.

    Examples
    --------
    >>> axis_title("price", "USD"), axis_title("P(feasible)", "")
    ('price (USD)', 'P(feasible)')
    """
    return f"{what} ({unit})" if unit else what


def histogram(
    results: "Results",
    cells: "str | Sequence[str]",
    log: bool = False,
    where: str | None = None,
    bins: int = 60,
) -> Any:
    """Histogram of one or several cells, overlaid on shared bins.

    Parameters
    ----------
    results
        Results of :meth:`dealvalue.Model.simulate`.
    cells
        A cell or cells.  Overlaid cells must share one unit.
    log
        Log-spaced bins and a log x axis (positive samples only).
    where
        A 0/1 cell: only the samples where it is 1 (e.g. ``"feasible"``).
    bins
        Number of bins.

    Returns
    -------
    altair.Chart
        Bars from ``start`` to ``end`` with height ``share`` (the share of
        samples in the bin, from :meth:`dealvalue.Results.histogram`),
        coloured by cell; the x axis is titled with the unit.

    Raises
    ------
    ArgumentError
        Cells with different units, or no cell.

    Examples
    --------
    Two cells in USD on the same ten bins; each cell's shares sum to 1:

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "uniform(0, 10)", unit="USD"); m.add("y", "2 * x")
    >>> chart = histogram(m.simulate(n=1_000, seed=1), ["x", "y"], bins=10)
    >>> bars = chart.data
    >>> bars.groupby("cell")["share"].sum().round(9).tolist()
    [1.0, 1.0]
    >>> (bars[bars.cell == "x"]["start"].tolist() == bars[bars.cell == "y"]["start"].tolist())
    True
    >>> chart.to_dict()["encoding"]["x"]["title"]
    'value (USD)'
    """
    alt = altair()
    names = [cells] if isinstance(cells, str) else list(cells)
    if not names:
        raise ArgumentError("cells", cells, "at least one cell")
    units = {name: unit_of(results, name) for name in names}
    if len(set(units.values())) > 1:
        raise ArgumentError("cells", names, f"cells with one unit to overlay, got units {units}")
    unit = units[names[0]]
    data = results.histogram(names, bins=bins, log=log, where=where)
    what = names[0] if len(names) == 1 else "value"
    scale = alt.Scale(type="log") if log else alt.Undefined
    subtitle = f"{results.n:,} samples" + (f", where {where} is 1" if where else "")
    return (
        alt.Chart(data, title=alt.Title(f"Distribution of {', '.join(names)}", subtitle=subtitle))
        .mark_bar(opacity=0.55, binSpacing=0)
        .encode(
            x=alt.X("start:Q", title=axis_title(what, unit), scale=scale),
            x2="end:Q",
            y=alt.Y("share:Q", title="share of samples", stack=None),
            y2=alt.datum(0),
            color=alt.Color("cell:N", title="cell"),
            tooltip=["cell:N", "start:Q", "end:Q", alt.Tooltip("share:Q", format=".2%")],
        )
    )


def log_ticks(lo: float, hi: float, most: int = 9) -> list[float]:
    """Powers of ten from below ``lo`` to above ``hi`` (every second, third... when
    there are more than ``most``): regular ticks for a log axis.

    Parameters
    ----------
    lo, hi
        The axis' ends (positive and finite; else there are no ticks).
    most
        The most ticks to give: above it, every second (third, ...) power of ten.

    Returns
    -------
    list of float
        The ticks, increasing.

    Examples
    --------
    >>> log_ticks(3e5, 2e9)
    [100000.0, 1000000.0, 10000000.0, 100000000.0, 1000000000.0, 10000000000.0]
    """
    if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi)):
        return []
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    step = max(1, math.ceil((b - a + 1) / most))
    return [10.0 ** k for k in range(a, b + 1, step)]


def histograms(
    runs: "Mapping[str, Results]",
    cell: str,
    bins: int = 60,
    log: bool = False,
    where: str | None = None,
) -> "pd.DataFrame":
    """Histogram of one cell in several runs (input sets, scenarios), on shared bins.

    Parameters
    ----------
    runs
        Label -> results; each must have ``cell``, all in one unit.
    cell
        The cell to count.
    bins
        Number of bins, spanning the pooled 0.1% to 99.9% quantiles of all
        runs.  Samples beyond them are left out (not piled into the end
        bins); the share left out of each run is in ``attrs["outside"]``.
    log
        Bins equal in log10 (positive samples only).
    where
        A 0/1 cell: only each run's samples where it is 1; shares stay
        shares of all of that run's samples.

    Returns
    -------
    pandas.DataFrame
        Rows ``run, start, end, share`` (the share of the run's samples in
        each bin); ``attrs``: ``cell``, ``unit``, ``log``, ``where`` and
        ``outside`` (run -> share of its samples off the bins).

    Raises
    ------
    ArgumentError
        No run, a run without ``cell``, or runs with different units of it.

    Examples
    --------
    >>> import dealvalue as dv
    >>> a = dv.Model(); a.add("x", "uniform(0, 1)")
    >>> b = a.copy(); b.replace("x", "uniform(0.5, 1.5)")
    >>> h = histograms({"a": a.simulate(n=1_000, seed=1), "b": b.simulate(n=1_000, seed=1)}, "x", bins=3)
    >>> list(h.columns), sorted(set(h["run"])), len(h)
    (['run', 'start', 'end', 'share'], ['a', 'b'], 6)
    """
    import pandas as pd

    if not runs:
        raise ArgumentError("runs", dict(runs), "at least one run, by label")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 1 <= bins <= 10_000:
        raise ArgumentError("bins", bins, "a whole number of bins from 1 to 10,000")
    missing = [label for label, r in runs.items() if cell not in r.model]
    if missing:
        raise ArgumentError("runs", missing, f"runs whose model has the cell {cell!r}")
    units = {label: unit_of(r, cell) for label, r in runs.items()}
    if len(set(units.values())) > 1:
        raise ArgumentError("runs", units, f"runs with one unit of {cell!r} to overlay")
    arrays: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for label, r in runs.items():
        sub = r.subset(where, [cell]) if where is not None else r
        x = sub.get(cell)
        x = x[np.isfinite(x)]
        arrays[label] = x[x > 0] if log else x
        counts[label] = max(r.n, 1)
    pooled = np.concatenate(list(arrays.values()))
    frame = pd.DataFrame(columns=["run", "start", "end", "share"])
    outside = {label: 0.0 for label in arrays}
    if pooled.size:
        lo, hi = (float(v) for v in quantiles(pooled, [0.001, 0.999]))
        if log:
            edges = np.logspace(math.log10(lo), math.log10(hi), bins + 1) if hi > lo else np.array([lo, lo * 1.01])
        else:
            edges = np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
        frames = []
        for label, x in arrays.items():
            inside = x[(x >= edges[0]) & (x <= edges[-1])]
            c, _ = np.histogram(inside, bins=edges)
            frames.append(pd.DataFrame({"run": label, "start": edges[:-1], "end": edges[1:], "share": c / counts[label]}))
            outside[label] = (x.size - inside.size) / counts[label]
        frame = pd.concat(frames, ignore_index=True)
    frame.attrs.update({"cell": cell, "unit": units[next(iter(runs))], "log": log, "where": where, "outside": outside})
    return frame


def overlay(
    runs: "Mapping[str, Results] | pd.DataFrame",
    cell: str | None = None,
    bins: int = 60,
    log: bool = False,
    where: str | None = None,
    axis: Mapping[str, Any] | None = None,
    legend: bool = True,
) -> Any:
    """One cell's distribution in several runs, overlaid: a step outline and
    a light fill per run, coloured by run, on shared bins.

    Parameters
    ----------
    runs
        Label -> results (counted here by :func:`histograms` with ``cell``,
        ``bins``, ``log``, ``where``), or a frame :func:`histograms` returned.
    cell, bins, log, where
        As in :func:`histograms` (``cell`` is needed when ``runs`` are results).
    axis
        Properties of the x axis (``alt.Axis``) over the defaults: the title
        ``cell (unit)`` and, on a log scale, ticks at powers of ten
        (:func:`log_ticks`).
    legend
        Show the legend of the runs (False for a chart next to another with the same runs:
        a run has the same colour in every chart of the same runs).

    Returns
    -------
    altair.LayerChart
        Data: the histogram, one point per bin start and one at the last
        bin's end, columns ``run x share``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> a = dv.Model(); a.add("x", "10 to 100", unit="USD")
    >>> b = a.copy(); b.replace("x", "20 to 200")
    >>> spec = overlay({"a": a.simulate(n=1_000, seed=1), "b": b.simulate(n=1_000, seed=1)}, "x", log=True).to_dict()
    >>> spec["layer"][1]["encoding"]["x"]["axis"]["title"], spec["layer"][1]["mark"]["interpolate"]
    ('x (USD)', 'step-after')
    """
    import pandas as pd

    alt = altair()
    if isinstance(runs, pd.DataFrame):
        frame = runs
    else:
        if cell is None:
            raise ArgumentError("cell", cell, "the cell to overlay")
        frame = histograms(runs, cell, bins=bins, log=log, where=where)
    cell, unit, log = str(frame.attrs.get("cell", cell)), str(frame.attrs.get("unit", "")), bool(frame.attrs.get("log", log))
    order = list(dict.fromkeys(frame["run"]))
    # step-after needs a point at each bin's start and one at the last bin's end
    ends = frame.groupby("run", sort=False).tail(1)
    points = pd.concat([frame.rename(columns={"start": "x"})[["run", "x", "share"]],
                        ends.rename(columns={"end": "x"})[["run", "x", "share"]]], ignore_index=True)
    points["order"] = points["run"].map({r: i for i, r in enumerate(order)})
    points = points.sort_values(["order", "x"], kind="stable").drop(columns="order").reset_index(drop=True)
    props: dict[str, Any] = {"title": axis_title(cell, unit)}
    if log and len(frame):
        props["values"] = log_ticks(float(frame["start"].min()), float(frame["end"].max()))
    props.update(axis or {})
    x = alt.X("x:Q", scale=alt.Scale(type="log") if log else alt.Undefined, axis=alt.Axis(**props))
    colour = alt.Color("run:N", sort=order, title=None, legend=alt.Legend(orient="top", labelLimit=400, symbolType="square", symbolOpacity=0.8) if legend else None,
                       scale=alt.Scale(domain=order, range=[_PALETTE[i % len(_PALETTE)] for i in range(len(order))]))
    base = alt.Chart(points)
    where_text = frame.attrs.get("where")
    return alt.layer(
        base.mark_area(interpolate="step-after", opacity=0.15).encode(
            x=x, y=alt.Y("share:Q", stack=None, title="share of samples"), color=colour),
        base.mark_line(interpolate="step-after", strokeWidth=2).encode(
            x=x, y="share:Q", color=colour,
            tooltip=["run:N", alt.Tooltip("x:Q", format=",.3g", title="from"), alt.Tooltip("share:Q", format=".2%")]),
        title=alt.Title(f"{cell} in each run" + (f" (where {where_text} is 1)" if where_text else "")),
    )


def tornado(results: "Results", target: str, low: float = 0.05, high: float = 0.95) -> Any:
    """Tornado chart of ``target``: one bar per uncertain input, from the
    target's value with that input at its ``low`` quantile to its value at
    the ``high`` quantile (others at their medians), largest swing on top,
    with a rule at the base value.

    Parameters
    ----------
    results : Results
        Results of a model.
    target : str
        The cell whose swing is drawn.
    low, high : float, default 0.05, 0.95
        The input quantiles, in (0, 1).

    Returns
    -------
    altair.LayerChart
        The bars (data: :meth:`dealvalue.Results.tornado` with an ``input``
        column) and the base rule; the x axis is titled with the target's unit.

    Examples
    --------
    ``y = k x`` with ``x`` uniform on (0, 10) USD and ``k`` on (1, 2): at
    the medians ``y = 1.5 * 5``; ``x`` swings ``y`` more, so it is on top.

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "uniform(0, 10)", unit="USD"); m.add("k", "uniform(1, 2)")
    >>> m.add("y", "k * x")
    >>> chart = tornado(m.simulate(n=1_000, seed=1), "y")
    >>> bars = chart.layer[0].data
    >>> list(bars["input"]), float(bars["base"].iloc[0])
    (['x', 'k'], 7.5)
    >>> chart.to_dict()["layer"][0]["encoding"]["x"]["title"]
    'y (USD)'
    """
    alt = altair()
    frame = results.tornado(target, low=low, high=high).reset_index()
    frame["from"] = frame[["at_low", "at_high"]].min(axis=1)
    frame["to"] = frame[["at_low", "at_high"]].max(axis=1)
    frame["direction"] = ["rises" if hi >= lo else "falls" for lo, hi in zip(frame["at_low"], frame["at_high"])]
    title = axis_title(target, unit_of(results, target))
    order = list(frame["input"])
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("input:N", sort=order, title="input"),
            x=alt.X("from:Q", title=title),
            x2="to:Q",
            color=alt.Color("direction:N", title=f"{target} as the input rises"),
            tooltip=["input:N", "low:Q", "high:Q", "at_low:Q", "at_high:Q", "swing:Q"],
        )
    )
    base = float(frame["base"].iloc[0]) if len(frame) else results.model.evaluate(target)
    rule = alt.Chart(alt.Data(values=[{"base": base}])).mark_rule(color="black").encode(x="base:Q")
    return alt.layer(bars, rule, title=alt.Title(f"Tornado: {target}", subtitle=f"inputs at their {low:g} and {high:g} quantiles"))
