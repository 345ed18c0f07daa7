"""The Barriers tab: the barrier waterfall at the medians and over the samples."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ..cache import current_model, deal_decomposition
from ..format import cell_label, fmt, table_height, variance_share_note
from ..state import Spec


def barriers_panel(spec: Spec, n: int, seed: int) -> None:
    """The barrier waterfall: log-units of F that each barrier adds or removes."""
    with st.spinner("Decomposing bid / ask into barriers…"):
        point, dist = deal_decomposition(spec, n, seed)
    terms = point[point["term"] != "ln F"].copy()
    terms["start"] = terms["cumulative"] - terms["log_units"]
    terms["effect"] = np.where(terms["log_units"] >= 0, "raises F", "removes (a barrier)")
    total = point[point["term"] == "ln F"].iloc[0]
    total_row = pd.DataFrame([{"term": "ln F (total)", "label": str(total["label"]), "start": 0.0, "cumulative": float(total["log_units"]),
                               "log_units": float(total["log_units"]), "multiplier": float(total["multiplier"]),
                               "effect": "total: a ZOPA" if total["log_units"] >= 0 else "total: no ZOPA"}])
    bars = pd.concat([terms, total_row], ignore_index=True)
    model, _ = current_model(spec)
    labels = [cell_label(model, str(term)) for term in bars["term"]]
    if len(set(labels)) < len(labels):  # two terms with one label: fall back to the term names
        labels = list(bars["term"])
    bars["shown"] = labels
    bars.loc[bars.index[-1], "shown"] = "ln F (total)"
    order = list(bars["shown"])
    chart = alt.Chart(bars).mark_bar().encode(
        y=alt.Y("shown:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("start:Q", title="ln F, natural-log units (a ZOPA exists where the total is ≥ 0)"),
        x2="cumulative:Q",
        color=alt.Color("effect:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["raises F", "removes (a barrier)", "total: a ZOPA", "total: no ZOPA"],
                                        range=["#54a24b", "#e45756", "#4c78a8", "#9d755d"])),
        tooltip=[alt.Tooltip("shown:N", title="factor"), alt.Tooltip("term:N", title="cell"), alt.Tooltip("log_units:Q", format="+.3f", title="log-units"),
                 alt.Tooltip("multiplier:Q", format=".3g", title="scales F by")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black").encode(x="x:Q")
    st.altair_chart((chart + zero).properties(height=alt.Step(28),
                                               title="Barrier waterfall at the medians: what each factor does to ln F"),
                    width="stretch")
    st.caption(f"ln F = ln(bid / ask) = {total['log_units']:+.2f} at the medians, so F = {fmt(float(total['multiplier']))}. "
               "Each bar is one factor's term; the terms add up to ln F. A term of −0.69 halves F.")
    st.markdown("**Over the samples** (mean log-units with Monte Carlo error, 90% range, and each term's share of the variance of ln F)")
    shown = dist.copy()
    shown.index = [("ln F (total)" if i == "ln F" else cell_label(model, str(i))) for i in shown.index]
    st.dataframe(shown, width="stretch", height=table_height(len(shown)),
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in shown.columns})
    st.caption(variance_share_note(shown))
