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

from typing import TYPE_CHECKING, Any, Sequence

from .errors import ArgumentError

if TYPE_CHECKING:  # pragma: no cover
    from .results import Results

__all__ = ["altair", "histogram", "tornado", "axis_title", "unit_of"]


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
