"""Numbers, Markdown, LaTeX and chart axes for people (presentation only)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

import dealvalue as dv
from dealvalue.deals.report import short_number
from dealvalue.plots import log_ticks  # the app's charts and the library's use the same ticks
from dealvalue.symbolic import expr_latex, latex_name as _latex_name
from dealvalue.units import unit_text as _unit_text

__all__ = ["fmt", "unit_text", "symbol_tex", "tex", "latex_name", "md_escape", "error_markdown", "metric_text",
           "si_axis", "log_axis", "table_height", "explain_refusal", "log_ticks", "compact", "percent", "config_words", "cell_label", "axis_title", "per_dollar_text", "variance_share_note",
           "preview_svg", "preview_caption", "log_axis_spec"]

#: A number with 3 significant digits as 1.2k, 3.4M, 5.6B (``deals.report.short_number``).
fmt = short_number


def unit_text(model: dv.Model, name: str) -> str:
    """The cell's unit for people ('' when dimensionless)."""
    return _unit_text(model.unit(name))


def symbol_tex(name: str) -> str:
    """LaTeX for a cell name (``c_h`` -> ``c_{h}``, ``risk_premium`` keeps its underscore)."""
    return _latex_name(name)


def tex(expr: Any) -> str:
    """A sympy expression as LaTeX, names as :func:`symbol_tex` prints them."""
    return expr_latex(expr)


def latex_name(name: str) -> str:
    """A cell name or product of names (``c_h * c_ai``) as LaTeX."""
    return " ".join(("\\cdot" if part == "*" else symbol_tex(part)) for part in name.split())


_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|$~"


def md_escape(text: str) -> str:
    """Text shown literally in Markdown (user text and engine messages)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def error_markdown(message: str) -> str:
    """An engine message as Markdown: the sentence escaped, and the formula
    with its caret (when the engine points at a position) in a code block so
    the caret lines up."""
    head, *rest = message.split("\n")
    body = md_escape(head)
    if rest:
        body += "\n```text\n" + "\n".join(line.removeprefix("    ") for line in rest) + "\n```"
    return body


def compact(x: float, digits: int = 2) -> str:
    """A short number for a headline card: ``digits`` significant digits
    (more when fewer would need scientific notation: 110M, not 1.1e+02M).

    >>> compact(1.1e8), compact(57.3), compact(160.2), compact(14_300_000)
    ('110M', '57', '160', '14M')
    """
    for d in range(digits, 5):
        s = fmt(x, digits=d)
        if "e" not in s.replace("n/a", ""):
            return s
    return fmt(x)


def percent(p: float, digits: int = 1) -> str:
    """A probability as the page shows every probability: ``32.4%``."""
    return f"{100 * p:.{digits}f}%" if math.isfinite(p) else "n/a"


def table_height(rows: int) -> int:
    """A table's height in pixels that shows all its ``rows`` (no short scroll box), header included."""
    return 35 * (rows + 1) + 3


def explain_refusal(name: str, text: str, message: str, unitless: bool) -> str:
    """The engine's message on a refused input, said about the input edited:
    an unfinished range (``10 to``) gets its caret after the text, and a unit
    on a cell without one (a probability) says so before naming the cells it breaks.

    >>> print(explain_refusal("reality", "10 to", "cell 'reality': invalid syntax at position 1\\n    10 to\\n    ^", True))
    cell 'reality': '10 to' is an unfinished range: a range needs both ends, as in 10 to 100
        10 to
             ^
    """
    t = text.strip()
    words = t.split()
    if words and (words[-1] == "to" or words[0] == "to"):
        at = len(t) if words[-1] == "to" else 0
        return (f"cell '{name}': '{t}' is an unfinished range: a range needs both ends, as in 10 to 100\n"
                f"    {t}\n    {' ' * at}^")
    if unitless and " breaks cell " in message and "unit" in message:
        return (f"cell '{name}' has no unit (it is a probability or a ratio), so '{t}' cannot give it one; "
                + message.removeprefix(f"cell '{name}': "))
    return message


def metric_text(row: Mapping[str, Any]) -> tuple[str, str]:
    """The value and its Monte Carlo error as two strings (a row of ``deals.headline``)."""
    if row["kind"] == "prob":
        return f"{100 * row['value']:.1f}%", f"± {100 * row['se']:.2f} pp (MC error)"
    if row["kind"] == "range":
        (lo, hi), (slo, shi) = row["value"], row["se"]
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return "none", "no sample has a ZOPA"
        if lo <= hi:  # two digits in the big number so it fits its box; three in the caption
            unit = f" {row['unit']}" if row["unit"] else ""
            return (f"{compact(lo)}–{compact(hi)}",  # the unit is in the card's label: the value must fit its box
                    f"{fmt(lo)} ± {fmt(slo)} to {fmt(hi)} ± {fmt(shi)}{unit} (MC error), where a deal happens")
        return "none", f"median ask {fmt(lo)} ± {fmt(slo)} > median bid {fmt(hi)} ± {fmt(shi)} {row['unit']}"
    return fmt(row["value"], row["unit"]), f"± {fmt(row['se'], row['unit'] if row['unit'] != '×' else '')} (MC error)"


# Tick labels of a log axis as 1k, 10M, 1B, 1T (Vega expressions; presentation only).
_SI_LABELS = ("abs(datum.value) >= 1e12 ? format(datum.value / 1e12, '~g') + 'T' : "
              "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : "
              "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '~g') + 'M' : "
              "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '~g') + 'k' : format(datum.value, '~g')")


def si_axis(title: str) -> alt.Axis:
    """A linear axis labelled 1k, 10M, 1B."""
    return alt.Axis(title=title, labelExpr=_SI_LABELS)


def log_axis(title: str, ticks: list[float] | None = None) -> alt.Axis:
    """A log-scale axis labelled 1k, 10M, 1B and no dense grid: at ``ticks``
    (regular powers of ten, :func:`log_ticks`) when given."""
    if ticks:
        return alt.Axis(title=title, labelExpr=_SI_LABELS, grid=False, values=ticks)
    return alt.Axis(title=title, labelExpr=_SI_LABELS, grid=False, tickCount=6)


def log_axis_spec(title: str, ticks: list[float]) -> dict[str, Any]:
    """:func:`log_axis` as a Vega-Lite axis (for specs written as data).

    >>> log_axis_spec("x", [1.0, 10.0])["values"], log_axis_spec("x", [])["tickCount"]
    ([1.0, 10.0], 6)
    """
    axis: dict[str, Any] = {"title": title, "labelExpr": _SI_LABELS, "grid": False}
    if ticks:
        axis["values"] = ticks
    else:
        axis["tickCount"] = 6
    return axis


def config_words(name: str) -> str:
    """A configuration's name (``evidence_iv / low_freedom_low_influence / ai_developer / reward_seeker / u=1``)
    in words, from the catalogue's labels."""
    from dealvalue import deals

    tables = (deals.GOODS, deals.PAYMENTS, deals.COUNTERPARTIES, deals.PROFILES)
    words = []
    for part in str(name).split(" / "):
        part = part.strip()
        label = next((t[part].label for t in tables if part in t), None)
        if label is not None:
            words.append(label)
        elif part.startswith("u="):
            try:
                words.append(f"{100 * float(part[2:]):.0f}% paid upfront")
            except ValueError:
                words.append(part)
        else:
            words.append(part.replace("_", " "))
    return "; ".join(words)


def cell_label(model: dv.Model, name: str) -> str:
    """What people read for a cell: its label from the model, else its name
    (also for names that are not cells, such as correlated groups)."""
    return (model.cell(name).label or name) if name in model else name


def axis_title(model: dv.Model, name: str, what: str | None = None) -> str:
    """``label (unit)`` for an axis."""
    u = unit_text(model, name)
    base = what or (model.cell(name).label or name)
    return f"{base} ({u})" if u else base


def per_dollar_text(value: float, free: bool, delta: float) -> str:
    """A value-per-dollar cell for people: ``free`` for a free intervention
    (no ratio to show), blank when not costed, else three digits.

    >>> per_dollar_text(float("inf"), True, 5.0), per_dollar_text(1.344, False, 2.0), per_dollar_text(float("nan"), False, 1.0)
    ('free', '1.34', '')
    """
    if free:
        return "free" if delta > 0 else "free, no gain"
    if value is None or not math.isfinite(value):
        return ""
    return fmt(value)


def variance_share_note(table: pd.DataFrame) -> str:
    """The caption that explains ``variance_share`` on this table: what it
    is, and by name the terms whose share is negative or above 1."""
    note = ("variance_share = covariance of the term with ln F / variance of ln F; over the terms the shares add up to 1. "
            "A term that tends to move against ln F has a negative share, and then the others add up to more than 1.")
    if "variance_share" not in table.columns:
        return note
    terms = table.drop(index=[i for i in table.index if str(i).startswith("ln F")])["variance_share"]
    neg = [f"{i} ({v:.3f})" for i, v in terms.items() if v < 0]
    big = [f"{i} ({v:.3f})" for i, v in terms.items() if v > 1]
    if neg:
        note += " Here negative: " + ", ".join(neg) + "."
    if big:
        note += " Above 1: " + ", ".join(big) + "."
    return note


def preview_svg(starts: tuple[float, ...], ends: tuple[float, ...], shares: tuple[float, ...],
                marks: tuple[float, float, float], log: bool, width: int = 240, height: int = 34) -> str:
    """A small histogram as SVG markup, drawn from numbers only (no text
    goes into it): bars, dashed lines at the 5% and 95% quantiles and a
    solid one at the median.

    >>> svg = preview_svg((0.0, 1.0), (1.0, 2.0), (0.25, 0.75), (0.2, 1.1, 1.9), False)
    >>> svg.startswith("<svg ") and svg.count("<rect") == 2 and svg.count("<line") == 3
    True
    """
    lo, hi = starts[0], ends[-1]

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        if log:
            return width * (math.log(v / lo) / math.log(hi / lo))
        return width * (v - lo) / (hi - lo)

    top = max(shares) or 1.0
    bars = "".join(f'<rect x="{x(a):.2f}" y="{height * (1 - s / top):.2f}" width="{max(x(b) - x(a) - 0.6, 0.4):.2f}" '
                   f'height="{height * s / top:.2f}" fill="#4c78a8" fill-opacity="0.55"/>'
                   for a, b, s in zip(starts, ends, shares))
    lines = "".join(f'<line x1="{x(v):.2f}" x2="{x(v):.2f}" y1="0" y2="{height}" stroke="#222" stroke-width="1.2"'
                    + ('' if i == 1 else ' stroke-dasharray="3,2"') + '/>' for i, v in enumerate(marks))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{bars}{lines}</svg>')


def preview_caption(marks: tuple[float, float, float], unit: str) -> str:
    """The three quantiles under a preview, as people read them.

    >>> preview_caption((0.5709, 0.8204, 0.959), "")
    '5%: 0.571 · median: 0.82 · 95%: 0.959'
    >>> preview_caption((2e6, 2e6, 2e6), "USD"), preview_caption((1e30, 1e30, 1e30), "USD")
    ('fixed at 2M USD', 'fixed at 1e+30 USD')
    >>> preview_caption((1e10, 1e11, 1e12), "USD")  # not 1e+03B
    '5%: 10B · median: 100B · 95%: 1,000B USD'
    """
    def num(x: float, u: str = "") -> str:  # 1e30 as 1e+30, not 1e+21B
        text = compact(x, 3) if abs(x) < 1e15 else f"{x:.3g}"
        return f"{text} {u}".strip() if u and u != "×" else text + ("×" if u == "×" else "")

    if marks[0] == marks[2]:
        return f"fixed at {num(marks[1], unit)}"
    return f"5%: {num(marks[0])} · median: {num(marks[1])} · 95%: {num(marks[2], unit)}"

