"""The one-page summary a grantmaker shares: a self-contained HTML page that prints on one sheet.

It holds the headline with its Monte Carlo errors (``deals.headline``), the plain sentence
(``deals.headline_sentence``, naming the best intervention, which is computed here), where the
deals are lost (``deals.deal_summary``), the ZOPA chart (``deals.plots.zopa``, drawn as inline
SVG by vl-convert: no script, no font or file fetched), the barriers that bind most
(``deals.barrier_effects``), the best interventions per dollar (``deals.interventions``), every
input edited on the page with its source (the cell's description), the configuration applied,
and the link that reproduces the page.  Every piece of text from a model is escaped.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

import dealvalue as dv
from dealvalue import deals

from .format import cell_label, config_words, fmt, metric_text, percent, unit_text

__all__ = ["Edited", "summary_html", "chart_svg", "TOP"]

#: How many barriers and interventions the page lists (the ones that matter most).
TOP = 5

#: An input edited on the page: (cell, the model's formula, the page's formula, where it was edited).
Edited = tuple[str, str, str, str]

_STYLE = """
@page { size: A4; margin: 11mm 12mm; }
@media screen { body { padding: 10mm 4mm; } }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt; color: #222; margin: 0 auto; max-width: 186mm;
       line-height: 1.3; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 15pt; margin: 0 0 1mm; }
h2 { font-size: 10.5pt; margin: 3.5mm 0 1mm; border-bottom: 1px solid #ccc; padding-bottom: 0.5mm; }
p { margin: 1mm 0; }
.meta { color: #555; font-size: 8.5pt; }
.cards { display: flex; gap: 2mm; margin: 2mm 0 1mm; }
.card { flex: 1; border: 1px solid #ccc; border-radius: 2mm; padding: 1.5mm 2.5mm; }
.card .label { font-size: 8pt; color: #555; }
.card .value { font-size: 14pt; font-weight: 600; }
.card .err { font-size: 7.5pt; color: #555; }
.sentence { font-size: 9.5pt; margin: 1.5mm 0; }
.two { display: flex; gap: 5mm; align-items: flex-start; }
.two > div { flex: 1; min-width: 0; }
.two > div.wide { flex: 1.45; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; page-break-inside: avoid; }
th, td { text-align: left; padding: 0.6mm 1.5mm; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid #999; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.src { font-size: 7.5pt; color: #444; }
code { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 8pt; }
.chart svg { max-width: 100%; height: auto; }
.link { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 7pt; word-break: break-all; color: #1a4f8b; }
.note { font-size: 7.5pt; color: #555; }
"""


def esc(text: Any) -> str:
    """``text`` as HTML text (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def chart_svg(chart: Any) -> str:
    """An Altair chart as an SVG string (vl-convert; no network)."""
    buf = io.StringIO()
    chart.save(buf, format="svg")
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def _table(header: Sequence[tuple[str, bool]], rows: Sequence[Sequence[tuple[str, str]]]) -> str:
    """A table; header cells are (text, numeric), row cells (html, css class)."""
    head = "".join(f'<th class="{"num" if num else ""}">{esc(h)}</th>' for h, num in header)
    body = "".join("<tr>" + "".join(f'<td class="{cls}">{text}</td>' for text, cls in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cards(rows: Sequence[Mapping[str, Any]]) -> str:
    cards = []
    for row in rows:
        value, err = metric_text(row)
        cards.append(f'<div class="card"><div class="label">{esc(row["label"])}</div><div class="value">{esc(value)}</div>'
                     f'<div class="err">{esc(err)}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _losses(summary: pd.DataFrame) -> str:
    rows = []
    for key, r in summary.iterrows():
        if str(key) == "p_feasible" or str(key).startswith("lost_"):
            rows.append([(esc(r["label"]), ""), (esc(percent(float(r["value"]))), "num"),
                         (esc(f"± {100 * float(r['stderr']):.2f} pp"), "num")])
    return _table([("", False), ("share of samples", True), ("MC error", True)], rows)


def _barriers(model: dv.Model) -> str:
    effects = deals.barrier_effects(model)
    binding = effects[effects["multiplier"] > 1].head(TOP)
    if binding.empty:
        return "<p>No factor lowers bid / ask at the medians.</p>"
    rows = [[(esc(r["label"] or term), ""), (f"<code>{esc(term)}</code>", ""), (esc(f"×{fmt(float(r['multiplier']))}"), "num")]
            for term, r in binding.iterrows()]
    return (_table([("barrier", False), ("cell", False), ("bid / ask if removed", True)], rows)
            + '<p class="note">Removing one barrier alone (every other input at its median) multiplies bid / ask by this '
              "factor; a deal needs bid / ask of at least 1.</p>")


def _interventions(model: dv.Model, table: pd.DataFrame, n: int) -> str:
    if table.empty:
        return "<p>None of the source text's interventions touches a cell of this model.</p>"
    vu = unit_text(model, "value_to_us") if "value_to_us" in model else ""
    rows = []
    for _, r in table.head(TOP).iterrows():
        free = bool(r.get("free", False))
        per = "free" if free else (fmt(float(r["value_per_dollar"])) if math.isfinite(float(r["value_per_dollar"])) else "")
        cost = float(r["cost"]) if r["cost"] is not None else math.nan
        rows.append([(esc(r["intervention"]), ""), (esc(fmt(cost) if math.isfinite(cost) else ""), "num"),
                     (esc(f"{100 * float(r['delta_p']):+.2f} ± {100 * float(r['delta_p_stderr']):.2f} pp"), "num"),
                     (esc(per), "num")])
    unit = f" ({vu}/USD)" if vu else ""
    return (_table([("intervention", False), ("cost (USD)", True), (f"Δ {deals.probability_label(model)} ± MC error", True),
                    (f"value per dollar{unit}", True)], rows)
            + f'<p class="note">Ranked by value per dollar on common random numbers ({n:,} samples); costs are '
              "illustrative (the library's defaults).</p>")


def _edited(model: dv.Model, edited: Sequence[Edited]) -> str:
    if not edited:
        return "<p>None: every input is at the model's own value.</p>"
    rows = []
    for cell, before, after, where in edited:
        label = cell_label(model, cell) if cell in model else cell
        source = (model.cell(cell).description if cell in model else "") or "No description in the model file."
        unit = unit_text(model, cell) if cell in model else ""
        rows.append([(f"{esc(label)}<br><code>{esc(cell)}</code>" + (f" ({esc(unit)})" if unit else ""), ""),
                     (f"<code>{esc(before)}</code>" if before else "(new)", ""),
                     (f"<code>{esc(after)}</code>" if after else "(removed)", ""), (esc(where), ""),
                     (esc(source), "src")])
    return _table([("input", False), ("model's value", False), ("this page", False), ("edited in", False),
                   ("source (the cell's description)", False)], rows)


def summary_html(model: dv.Model, results: dv.Results, chart_results: dv.Results, interventions: pd.DataFrame | None,
                 edited: Sequence[Edited], link: str, *, seed: int, model_label: str, made: str,
                 configuration: str | None = None, main: str | None = None) -> str:
    """The one-page summary as a complete HTML document.

    Parameters
    ----------
    model
        The model the page shows (inputs included).
    results
        Its run at the page's sample count and seed (the headline comes from it).
    chart_results
        The run the charts draw (the first samples of the same run above the kept samples).
    interventions
        ``deals.interventions`` of ``model`` (reset index), or None for a model that is not a deal model.
    edited
        Every input edited on the page (:data:`Edited`).
    link
        The link that reproduces the page.
    seed, model_label, made, configuration, main
        What the header says: the seed, where the model came from, when the page was made, the
        configuration applied (its name), and the output described for a model that is not a deal.
    """
    from dealvalue.deals import plots as deal_plots  # Altair: only when a page is made

    deal = all(c in model for c in deals.CORE)
    parts = [f"<h1>{esc(model.name or 'dealvalue model')}: is there a deal?</h1>",
             f'<p class="meta">{esc(model_label)} · {results.n:,} samples, seed {seed} · dealvalue {esc(dv.__version__)} · '
             f"{esc(made)}</p>"]
    parts.append(_cards(deals.headline(results, main)))
    if deal:
        parts.append(f'<p class="sentence">{esc(deals.headline_sentence(model, interventions=interventions))}</p>')
        parts.append('<div class="two"><div><h2>The ZOPA where a deal exists</h2>'
                     f'<div class="chart">{chart_svg(deal_plots.zopa(chart_results).properties(width=290, height=105))}</div></div>'
                     f"<div><h2>Where deals are lost</h2>{_losses(deals.deal_summary(results))}</div></div>")
        parts.append(f'<div class="two"><div><h2>Barriers that bind most</h2>{_barriers(model)}</div>'
                     f'<div class="wide"><h2>Best interventions per dollar</h2>'
                     f"{_interventions(model, interventions if interventions is not None else pd.DataFrame(), chart_results.n)}"
                     "</div></div>")
    else:
        parts.append('<p class="note">Not a deal model (it lacks ' + esc(", ".join(c for c in deals.CORE if c not in model))
                     + "), so there is no ZOPA, barrier or intervention to show.</p>")
    parts.append(f"<h2>Inputs edited on the page ({len(edited)})</h2>{_edited(model, edited)}")
    if configuration:
        parts.append(f"<p><b>Deal configuration applied:</b> {esc(config_words(configuration))}.</p>")
    parts.append("<h2>Reproduce this page</h2><p>Open this link (model, edited inputs, configuration, samples and seed; "
                 "a link opened on another dealvalue version or a changed model says so):</p>"
                 f'<p class="link"><a href="{esc(link)}">{esc(link)}</a></p>'
                 '<p class="note">Numbers are Monte Carlo estimates: ± is one standard error (MC error). ZOPA: the zone '
                 "of possible agreement, the prices both sides would accept. Made by the dealvalue app from library "
                 "calls on these inputs.</p>")
    title = esc(f"{model.name or 'dealvalue'}: one-page summary")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n")
