"""The headline (numbers and sentence) and the Deal tab: the ZOPA's ask and
bid distributions, the surplus, and the ZOPA's ends as quantiles."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dealvalue import deals

from ..cache import current_model, deal_zopa, headline, histogram, results
from ..format import axis_title, cell_label, fmt, log_axis_spec, log_ticks, md_escape, metric_text, unit_text
from ..glossary import see_glossary

GLOSSED = ("ZOPA", "trust inflation")
from ..state import Spec


def headline_panel(spec: Spec, n: int, seed: int, main: str) -> None:
    """The headline: P(a deal happens) (the ``feasible`` cell, by its label), expected value to us, median ZOPA,
    trust inflation."""
    rows = headline(spec, n, seed, main)
    model, _ = current_model(spec)
    described = [str(row["label"]).partition(" of ")[2] for row in rows
                 if str(row["label"]).startswith(("Mean of ", "Median of ")) and str(row["label"]).partition(" of ")[2] in model]
    if described:  # a model without the deal's roles: its output's label once above the cards, so the cards stay short
        name = described[0]
        st.markdown(f"**{md_escape(cell_label(model, name)[:1].upper() + cell_label(model, name)[1:])}** (`{name}`)")
    cols = st.columns(len(rows))
    for col, row in zip(cols, rows):
        value, err = metric_text(row)
        label, help_text = str(row["label"]), str(row["help"])
        for what in ("Mean of ", "Median of "):
            if label.startswith(what) and label.removeprefix(what) in model:
                name = label.removeprefix(what)
                u = unit_text(model, name)
                # the unit in the label, the number alone in the value: "0.358 microdoom / MUSD" did not fit its card
                label = what.removesuffix(" of ") + (f" ({u})" if u else "")
                value = fmt(row["value"])
                help_text = f"{what.strip()} of `{name}` over the samples ({md_escape(help_text)})"
        terms = [t for t in GLOSSED if t.lower() in (label + " " + help_text).lower() or (t == "ZOPA" and "ZOPA" in label)]
        if "microdoom" in value + label:
            terms.append("microdoom")
        if terms:
            help_text += "\n\n" + see_glossary(*dict.fromkeys(terms))
        col.metric(label, value, help=help_text, border=True)
        col.caption(err)


def _q(field: str, fmt_: str | None = None, title: str | None = None) -> dict[str, Any]:
    """A quantitative field (a Vega-Lite channel or tooltip)."""
    out: dict[str, Any] = {"field": field, "type": "quantitative"}
    if fmt_ is not None:
        out["format"] = fmt_
    if title is not None:
        out["title"] = title
    return out


def _log_x(title: str, frame: pd.DataFrame) -> dict[str, Any]:
    """The x channel of a histogram on a log scale, ticks at regular powers of ten."""
    ticks = log_ticks(float(frame["start"].min()), float(frame["end"].max()))
    return {**_q("start"), "scale": {"type": "log"}, "axis": log_axis_spec(title, ticks)}


def _records(frame: pd.DataFrame, cols: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(cols, row)) for row in zip(*(frame[c].tolist() for c in cols))]


def zopa_panel(spec: Spec, n: int, seed: int) -> None:
    """Ask and bid distributions, with the ZOPA between them, and the surplus.

    The charts are Vega-Lite specs written as data (``st.vega_lite_chart``):
    built through Altair they cost more than the rest of the redraw (Altair
    validates each piece against the schema and re-hashes its classes)."""
    model, _ = current_model(spec)
    role = deals.roles(model)
    if "ask" not in role or "bid" not in role:
        st.info("This model has no `ask` and `bid` cells, so there is no ZOPA to draw.")
        return
    a, b = role["ask"], role["bid"]
    hist = histogram(spec, n, seed, (a, b), True)
    outside = dict(hist.attrs.get("outside", {}))
    u = unit_text(model, a)
    names = {a: f"AI's ask ({a})", b: f"our bid ({b})"}
    data = [{**row, "cell": names[row["cell"]]} for row in _records(hist, ("cell", "start", "end", "share"))]
    if all(c in model for c in ("ask", "bid", "feasible")):  # the ZOPA table's medians (cached; its tab shows them)
        z = deal_zopa(spec, n, seed)
        med_a, med_b = (float(v) for v in z[0.5].loc[["ask", "bid"]].to_numpy())
    else:
        r = results(spec, n, seed)
        med_a, med_b = r.quantile(a, 0.5), r.quantile(b, 0.5)
    bars = {"data": {"values": data}, "mark": {"type": "rect", "opacity": 0.55}, "encoding": {
        "x": _log_x(f"price ({u}, log scale)", hist), "x2": {"field": "end"},
        "y": {**_q("share", title="share of samples"), "stack": None},
        "color": {"field": "cell", "type": "nominal", "title": None, "legend": {"orient": "top"},
                  "scale": {"domain": [names[a], names[b]], "range": ["#e45756", "#4c78a8"]}},
        "tooltip": [{"field": "cell", "type": "nominal"}, _q("start", ",.3g"), _q("end", ",.3g"), _q("share", ".3%")]}}
    layers: list[dict[str, Any]] = [bars]
    if med_a <= med_b:
        layers.insert(0, {"data": {"values": [{"lo": med_a, "hi": med_b, "what": "ZOPA at the medians"}]},
                          "mark": {"type": "rect", "color": "#2ca02c", "opacity": 0.15},
                          "encoding": {"x": _q("lo"), "x2": {"field": "hi"}, "tooltip": [{"field": "what", "type": "nominal"}]}})
    sides = ("left", "right") if med_a > med_b else ("right", "left")  # labels point away from each other
    meds = [{"x": med_a, "what": f"median ask {fmt(med_a, u)}", "name": "median ask", "align": sides[0]},
            {"x": med_b, "what": f"median bid {fmt(med_b, u)}", "name": "median bid", "align": sides[1]}]
    layers.append({"data": {"values": meds}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "black"},
                   "encoding": {"x": _q("x"), "tooltip": [{"field": "what", "type": "nominal"}]}})
    for side, dx in (("left", 4), ("right", -4)):  # each dashed line labelled at its top, on its outer side
        layers.append({"data": {"values": [m for m in meds if m["align"] == side]},
                       "mark": {"type": "text", "align": side, "dx": dx, "baseline": "top", "fontSize": 11},
                       "encoding": {"x": _q("x"), "y": {"value": 2}, "text": {"field": "name", "type": "nominal"}}})
    st.vega_lite_chart({"height": 330, "title": "Ask and bid: a ZOPA exists where the bid is above the ask",
                        "layer": layers}, width="stretch")
    lines = f"Dashed lines: the median ask ({fmt(med_a, u)}) and the median bid ({fmt(med_b, u)})."
    if any(v > 0 for v in outside.values()):
        lines += (f" The outer {100 * max(outside.values()):.1f}% of the samples at most (beyond the 0.1% and 99.9% "
                  "quantiles) lie off the chart.")
    if med_a <= med_b:
        st.caption(f"{lines} Between these medians of the samples lies a ZOPA (shaded).")
    else:
        st.caption(f"{lines} At these medians of the samples there is no ZOPA: the ask is above the bid.")
    if "F" in role:
        f = role["F"]
        fh = histogram(spec, n, seed, (f,), True)
        sides_f = ("bid < ask: no ZOPA", "bid ≥ ask: a ZOPA exists")
        data = [{**row, "side": sides_f[row["start"] >= 1]} for row in _records(fh, ("start", "end", "share"))]
        bars = {"data": {"values": data}, "mark": {"type": "rect"}, "encoding": {
            "x": _log_x(f"surplus ratio {f} = bid / ask (log scale)", fh), "x2": {"field": "end"},
            "y": _q("share", title="share of samples"),
            "color": {"field": "side", "type": "nominal", "title": None, "legend": {"orient": "top"},
                      "scale": {"domain": list(sides_f), "range": ["#e45756", "#54a24b"]}},
            "tooltip": [_q("start", ".3g"), _q("end", ".3g"), _q("share", ".2%")]}}
        rule = {"data": {"values": [{"x": 1.0}]}, "mark": {"type": "rule", "color": "black"}, "encoding": {"x": _q("x")}}
        st.vega_lite_chart({"height": 300, "title": "Surplus: how far the bid is above (or below) the ask",
                            "layer": [bars, rule]}, width="stretch")
    if "surplus" in role and "feasible" in role:
        s = role["surplus"]
        sh = histogram(spec, n, seed, (s,), True, role["feasible"])
        if not sh.empty:
            where = cell_label(model, role["feasible"])
            bars = {"data": {"values": _records(sh, ("start", "end", "share"))}, "mark": {"type": "rect", "color": "#54a24b"},
                    "encoding": {"x": _log_x(axis_title(model, s) + ", log scale", sh), "x2": {"field": "end"},
                                 # short: a y title longer than the chart pushes the chart's title out of view
                                 "y": _q("share", title="share of samples with a deal"),
                                 "tooltip": [_q("start", ",.3g"), _q("end", ",.3g"), _q("share", ".2%")]}}
            st.vega_lite_chart({"height": 280, "layer": [bars],  # one layer, as the charts above (its title then shows)
                                "title": f"{cell_label(model, s)[:1].upper()}{cell_label(model, s)[1:]}, where {where}"},
                               width="stretch")


def deal_tables_panel(spec: Spec, n: int, seed: int) -> None:
    """The ZOPA's ends as quantiles, overall and where the ``feasible`` cell holds."""
    model, _ = current_model(spec)
    z = deal_zopa(spec, n, seed)
    u = unit_text(model, "ask")
    st.markdown(f"**The ZOPA's ends** ({u}; quantiles over the samples, and over those where "
                f"{md_escape(cell_label(model, deals.roles(model).get('feasible', 'feasible')))}, rows \"| feasible\")")
    shown = z.rename(columns={c: f"{100 * c:g}%" for c in z.columns if isinstance(c, float)})
    st.dataframe(shown, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="compact", width=95) if c != "n" else
                                st.column_config.NumberColumn(width=80) for c in shown.columns})
