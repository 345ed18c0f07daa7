"""Rich display in notebooks: HTML for models, results and distributions.

Every chart here is a small static SVG written inline (no script, no
stylesheet or font fetched from anywhere), so a notebook exported to HTML
shows the same tables and histograms with no network.  All user text (cell
names, formulas, labels, descriptions, units) is escaped.

Jupyter calls ``_repr_html_`` on :class:`~dealvalue.Model`,
:class:`~dealvalue.Results` and every distribution, and ``_repr_latex_`` on a
model with formulas; those methods call the functions here.  This module sits
low in the layering (it imports only :mod:`dealvalue.units`,
:mod:`dealvalue.symbolic` and numpy): models and results are used by their
public methods alone.

Examples
--------
>>> import dealvalue as dv
>>> m = dv.Model("demo <1>"); m.add("R", "10 to 100", unit="USD", label="price & cost")
>>> html = model_html(m)
>>> "demo &lt;1&gt;" in html and "price &amp; cost" in html and "<script" not in html
True
>>> svg = svg_histogram([1, 3, 2])
>>> svg.startswith("<svg") and svg.count("<rect") == 3
True
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .distributions import Distribution
    from .model import Model
    from .results import Results

__all__ = [
    "model_html", "model_latex", "results_html", "distribution_html",
    "svg_histogram", "number", "MAX_ROWS", "QUANTILES",
]

#: Rows shown before a table says how many more there are.
MAX_ROWS = 200
#: Quantile levels shown for a distribution.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

_BAR = "#4c78a8"
_STYLE = "border-collapse:collapse;font-size:12px"
_CELL = "padding:2px 8px;text-align:left;vertical-align:middle;border-bottom:1px solid #ddd"
_NUM = "padding:2px 8px;text-align:right;vertical-align:middle;border-bottom:1px solid #ddd;font-variant-numeric:tabular-nums"


def esc(text: Any) -> str:
    """``text`` as HTML-safe text (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def number(x: float, digits: int = 4) -> str:
    """A number with ``digits`` significant figures, thousands separated.

    >>> number(1234567.0), number(0.000123456), number(float("nan")), number(12.0)
    ('1.235e+06', '0.0001235', 'nan', '12')
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" not in text and abs(x) >= 1000:
        text = f"{float(text):,.0f}"
    return text


def svg_histogram(shares: "Sequence[float] | np.ndarray", width: int = 120, height: int = 24, title: str = "") -> str:
    """An inline SVG bar chart of ``shares`` (one bar each, scaled to the largest).

    ``title`` becomes the SVG's tooltip and accessible name.
    """
    values = np.asarray(shares, dtype=float)
    values = np.where(np.isfinite(values), values, 0.0)
    top = float(values.max()) if values.size else 0.0
    bars = []
    if values.size and top > 0:
        w = width / values.size
        for i, v in enumerate(values):
            h = height * v / top
            if h > 0:
                bars.append(f'<rect x="{i * w:.2f}" y="{height - h:.2f}" width="{max(w - 0.3, 0.5):.2f}" height="{h:.2f}"/>')
    label = f"<title>{esc(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" style="vertical-align:middle">{label}<g fill="{_BAR}">{"".join(bars)}</g></svg>'
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]], caption: str = "", more: int = 0) -> str:
    """An HTML table; each cell is ``(html, numeric)`` (already escaped)."""
    head = "".join(f'<th style="{_CELL}">{esc(h)}</th>' for h in header)
    body = []
    for row in rows:
        body.append("<tr>" + "".join(f'<td style="{_NUM if numeric else _CELL}">{text}</td>' for text, numeric in row) + "</tr>")
    if more:
        body.append(f'<tr><td colspan="{len(header)}" style="{_CELL}">... and {more:,} more</td></tr>')
    cap = f'<caption style="text-align:left;font-weight:bold;padding:2px 0">{caption}</caption>' if caption else ""
    return f'<table class="dealvalue" style="{_STYLE}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _unit(model: "Model", name: str) -> str:
    from .units import unit_text

    return str(unit_text(model.unit(name)))


def model_html(model: "Model") -> str:
    """The model as an HTML table: one row per cell with its kind, formula,
    unit, label and description."""
    names = list(model.names)
    rows = []
    for name in names[:MAX_ROWS]:
        c = model.cell(name)
        kind = "input" if model.is_input(name) else "formula"
        rows.append([
            (f"<code>{esc(name)}</code>", False), (kind, False), (f"<code>{esc(c.formula)}</code>", False),
            (esc(_unit(model, name)), False), (esc(c.label), False), (esc(c.description), False),
        ])
    n_in, n_f = len(model.inputs), len(model.formulas)
    caption = f"{esc(model.name)}: {n_in} input{'s' * (n_in != 1)}, {n_f} formula{'s' * (n_f != 1)}"
    table = _table(["name", "kind", "formula", "unit", "label", "description"], rows, caption, len(names) - MAX_ROWS if len(names) > MAX_ROWS else 0)
    about = f'<p style="font-size:12px;margin:2px 0">{esc(model.description)}</p>' if model.description else ""
    return f"<div>{about}{table}</div>"


def model_latex(model: "Model") -> str | None:
    """The model's formula cells as aligned equations (each written with the
    cells it names), or None for a model with no formula cells."""
    from .symbolic import expr_latex, latex_name

    formulas = list(model.formulas)[:MAX_ROWS]
    if not formulas:
        return None
    lines = [f"{latex_name(name)} &= {expr_latex(model.parsed(name).expr)}" for name in formulas]
    return "$$\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}$$"


def _log_scale(x: np.ndarray) -> bool:
    """Log bins for positive samples spanning more than three decades."""
    x = x[np.isfinite(x)]
    if x.size < 2 or x.min() <= 0:
        return False
    lo, hi = np.quantile(x, [0.001, 0.999])
    return bool(hi / lo > 1_000)


def results_html(results: "Results", bins: int = 30) -> str:
    """The summary of ``results`` as an HTML table with an inline histogram
    per cell (log bins where a positive cell spans more than three decades)."""
    table = results.summary()
    rows = []
    for name in list(table.index)[:MAX_ROWS]:
        s = table.loc[name]
        x = results.get(name)
        log = _log_scale(x)
        h = results.histogram(name, bins=bins, log=log)
        shares = h["share"].to_numpy() if len(h) else np.array([])
        title = f"{name}: histogram of {results.n:,} samples" + (" (log bins)" if log else "")
        mean = number(s["mean"]) + (f" &plusmn; {number(s['stderr'], 2)}" if math.isfinite(s["stderr"]) and s["stderr"] > 0 else "")
        bad = int(s["nonfinite"])
        rows.append([
            (f"<code>{esc(name)}</code>", False), (esc(s["label"]), False), (esc(s["unit"]), False),
            (mean, True), (number(s["p5"]), True), (number(s["p50"]), True), (number(s["p95"]), True),
            (svg_histogram(shares, title=title), False), (f"{bad:,}" if bad else "", True),
        ])
    caption = (f"{esc(results.model.name)}: {results.n:,} samples, seed {esc(results.seed)}, method {esc(results.method)}")
    more = len(table) - MAX_ROWS if len(table) > MAX_ROWS else 0
    return _table(["name", "label", "unit", "mean \u00b1 se", "p5", "p50", "p95", "histogram", "non-finite"], rows, caption, more)


def distribution_html(dist: "Distribution", points: int = 400, bins: int = 30) -> str:
    """A distribution's formula, support, quantiles and a sparkline of its
    density (a histogram of its quantiles at evenly spaced levels)."""
    u = (np.arange(points) + 0.5) / points
    x = np.asarray(dist.ppf(u), dtype=float)
    x = x[np.isfinite(x)]
    shares: np.ndarray = np.array([])
    if x.size:
        lo, hi = float(x.min()), float(x.max())
        edges = np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
        counts, _ = np.histogram(x, bins=edges)
        shares = counts / x.size
    qs = [dist.quantile(q) for q in QUANTILES]
    low, high = dist.support()
    rows = [[(f"<code>{esc(dist.formula())}</code>", False), (f"[{number(low)}, {number(high)}]", False)]
            + [(number(v), True) for v in qs]
            + [(svg_histogram(shares, title=f"density of {dist.formula()}"), False)]]
    header = ["distribution", "support"] + [f"p{round(q * 100)}" for q in QUANTILES] + ["density"]
    return _table(header, rows)
