"""Numbers, Markdown, LaTeX and chart axes for people (presentation only)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

import dealvalue as dv
from dealvalue.deals.report import short_number
from dealvalue.symbolic import expr_latex, latex_name as _latex_name
from dealvalue.units import unit_text as _unit_text

__all__ = ["fmt", "unit_text", "symbol_tex", "tex", "latex_name", "md_escape", "error_markdown", "metric_text",
           "si_axis", "log_axis", "cell_label", "axis_title", "per_dollar_text", "variance_share_note"]

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


def metric_text(row: Mapping[str, Any]) -> tuple[str, str]:
    """The value and its Monte Carlo error as two strings (a row of ``deals.headline``)."""
    if row["kind"] == "prob":
        return f"{100 * row['value']:.1f}%", f"± {100 * row['se']:.2f} pp (MC error)"
    if row["kind"] == "range":
        (lo, hi), (slo, shi) = row["value"], row["se"]
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return "none", "no sample has a ZOPA"
        if lo <= hi:  # two digits in the big number so it fits its box; three in the caption
            return f"{fmt(lo, digits=2)}–{fmt(hi, digits=2)}", f"{fmt(lo)} ± {fmt(slo)} to {fmt(hi)} ± {fmt(shi)} (MC error), where a deal exists"
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


def log_axis(title: str) -> alt.Axis:
    """A log-scale axis with powers of ten labelled 1k, 10M, 1B and no dense grid."""
    return alt.Axis(title=title, labelExpr=_SI_LABELS, grid=False, tickCount=6)


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
