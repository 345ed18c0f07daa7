"""The headline (numbers and sentence) and the Deal tab: the ZOPA's ask and
bid distributions, the surplus, and the ZOPA's ends as quantiles."""

from __future__ import annotations

from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dealvalue import deals

from ..cache import current_model, deal_zopa, headline, histogram, results
from ..format import axis_title, cell_label, fmt, log_axis, log_ticks, md_escape, metric_text, unit_text
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


def zopa_panel(spec: Spec, n: int, seed: int) -> None:
    """Ask and bid distributions, with the ZOPA between them, and the surplus."""
    model, _ = current_model(spec)
    role = deals.roles(model)
    if "ask" not in role or "bid" not in role:
        st.info("This model has no `ask` and `bid` cells, so there is no ZOPA to draw.")
        return
    a, b = role["ask"], role["bid"]
    hist = histogram(spec, n, seed, (a, b), True)
    outside = dict(hist.attrs.get("outside", {}))
    hist = hist.copy()
    u = unit_text(model, a)
    hist["cell"] = hist["cell"].map({a: f"AI's ask ({a})", b: f"our bid ({b})"})
    r = results(spec, n, seed)
    med_a, med_b = r.quantile(a, 0.5), r.quantile(b, 0.5)
    bars = alt.Chart(hist).mark_rect(opacity=0.55).encode(
        x=alt.X("start:Q", scale=alt.Scale(type="log"),
                axis=log_axis(f"price ({u}, log scale)", log_ticks(float(hist["start"].min()), float(hist["end"].max())))),
        x2="end:Q",
        y=alt.Y("share:Q", title="share of samples", stack=None),
        color=alt.Color("cell:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[f"AI's ask ({a})", f"our bid ({b})"], range=["#e45756", "#4c78a8"])),
        tooltip=["cell", alt.Tooltip("start:Q", format=",.3g"), alt.Tooltip("end:Q", format=",.3g"), alt.Tooltip("share:Q", format=".3%")],
    )
    layers = [bars]
    if med_a <= med_b:
        zone = pd.DataFrame({"lo": [med_a], "hi": [med_b], "what": ["ZOPA at the medians"]})
        layers.insert(0, alt.Chart(zone).mark_rect(color="#2ca02c", opacity=0.15).encode(x="lo:Q", x2="hi:Q", tooltip=["what"]))
    meds = pd.DataFrame({"x": [med_a, med_b], "what": [f"median ask {fmt(med_a, u)}", f"median bid {fmt(med_b, u)}"],
                         "name": ["median ask", "median bid"], "align": ["left", "right"] if med_a > med_b else ["right", "left"]})  # labels point away from each other
    layers.append(alt.Chart(meds).mark_rule(strokeDash=[4, 3], color="black").encode(x="x:Q", tooltip=["what"]))
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", 4), ("right", -4))
    for side, dx in sides:  # each dashed line labelled at its top, on its outer side
        layers.append(alt.Chart(meds[meds["align"] == side]).mark_text(align=side, dx=dx, baseline="top", fontSize=11).encode(
            x="x:Q", y=alt.value(2), text="name:N"))
    st.altair_chart(alt.layer(*layers).properties(height=330, title="Ask and bid: a ZOPA exists where the bid is above the ask"),
                    width="stretch")
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
        fh = histogram(spec, n, seed, (f,), True).copy()
        fh["side"] = np.where(fh["start"] >= 1, "bid ≥ ask: a ZOPA exists", "bid < ask: no ZOPA")
        chart = alt.Chart(fh).mark_rect().encode(
            x=alt.X("start:Q", scale=alt.Scale(type="log"), axis=log_axis(f"surplus ratio {f} = bid / ask (log scale)",
                                                                   log_ticks(float(fh["start"].min()), float(fh["end"].max())))), x2="end:Q",
            y=alt.Y("share:Q", title="share of samples"),
            color=alt.Color("side:N", title=None, legend=alt.Legend(orient="top"),
                            scale=alt.Scale(domain=["bid < ask: no ZOPA", "bid ≥ ask: a ZOPA exists"], range=["#e45756", "#54a24b"])),
            tooltip=[alt.Tooltip("start:Q", format=".3g"), alt.Tooltip("end:Q", format=".3g"), alt.Tooltip("share:Q", format=".2%")],
        ).properties(height=300, title="Surplus: how far the bid is above (or below) the ask")
        rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="black").encode(x="x:Q")
        st.altair_chart(chart + rule, width="stretch")
    if "surplus" in role and "feasible" in role:
        s = role["surplus"]
        sh = histogram(spec, n, seed, (s,), True, role["feasible"])
        if not sh.empty:
            chart = alt.Chart(sh).mark_rect(color="#54a24b").encode(
                x=alt.X("start:Q", scale=alt.Scale(type="log"), axis=log_axis(axis_title(model, s) + ", log scale",
                                                                          log_ticks(float(sh["start"].min()), float(sh["end"].max())))), x2="end:Q",
                y=alt.Y("share:Q", title=f"share of samples where {cell_label(model, role['feasible'])}"),
                tooltip=[alt.Tooltip("start:Q", format=",.3g"), alt.Tooltip("end:Q", format=",.3g"), alt.Tooltip("share:Q", format=".2%")],
            ).properties(height=280, title=f"{cell_label(model, s)[:1].upper()}{cell_label(model, s)[1:]}, where {cell_label(model, role['feasible'])}")
            st.altair_chart(chart, width="stretch")


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
