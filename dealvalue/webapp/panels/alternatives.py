"""The Alternatives tab: the deal's value per dollar against other uses of the money."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import streamlit as st

from dealvalue.stats import Z_95

from ..cache import deal_alternatives
from ..format import fmt, md_escape
from ..state import Spec


def alternatives_panel(spec: Spec, n: int, seed: int) -> None:
    """The deal's value per dollar against other uses of the money."""
    m = min(n, 20_000)
    with st.spinner("Running the deal and its alternatives…"):
        t = deal_alternatives(spec, m, seed)
    t = t.copy()
    t["lo"] = t["value_per_MUSD"] - Z_95 * t["stderr"]
    t["hi"] = t["value_per_MUSD"] + Z_95 * t["stderr"]
    t["kind"] = np.where(t["option"] == "deal", "this deal", "alternative")
    order = list(t["option"])
    bars = alt.Chart(t).mark_bar().encode(
        y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("value_per_MUSD:Q", title="expected value per dollar (microdoom per M USD, 95% interval)"),
        color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["this deal", "alternative"], range=["#f58518", "#4c78a8"])),
        tooltip=["option", alt.Tooltip("value_per_MUSD:Q", format=".3g"), alt.Tooltip("stderr:Q", format=".2g"), "note"],
    )
    err = alt.Chart(t).mark_rule(color="black").encode(y=alt.Y("option:N", sort=order), x="lo:Q", x2="hi:Q")
    st.altair_chart((bars + err).properties(height=alt.Step(36), title="The deal against other uses of the money"),
                    width="stretch")
    shown = t[["option", "value_per_MUSD", "stderr", "expected_value", "expected_cost"]].copy()
    # a blank, not "None", where the library has no number (the fixed alternative has no value or cost of its own)
    shown["expected_value"] = [fmt(x) if x is not None and math.isfinite(x) else "" for x in shown["expected_value"]]
    shown["expected_cost"] = [fmt(x) if x is not None and math.isfinite(x) else "" for x in shown["expected_cost"]]
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={"option": st.column_config.TextColumn(width="medium"),
                                "value_per_MUSD": st.column_config.NumberColumn("microdoom per M USD", format="%.3g"),
                                "stderr": st.column_config.NumberColumn("±", format="%.2g"),
                                "expected_value": st.column_config.TextColumn("E[value] (microdoom)"),
                                "expected_cost": st.column_config.TextColumn("E[cost] (USD)")})
    notes = [f"- **{md_escape(str(o))}**: {md_escape(str(x))}" for o, x in zip(t["option"], t["note"]) if x is not None and str(x).strip()]
    if notes:
        st.markdown("\n".join(notes))
    capped = f" (capped below the sidebar's {n:,} to keep this view quick)" if m < n else ""
    st.caption(f"{m:,} samples{capped}, seed {seed}. The deal's value per dollar is E[value delivered] / E[money paid]; "
               "it beats an alternative exactly when the deal is bought below our bid.")
    st.caption("Cells compared: for the deal, E[`value_delivered`] / E[`spend`]; for the advocacy budget, "
               "E[`expected_value`] / E[`cost`] of the advocacy model, its average value per dollar. The advocacy "
               "model's own headline is `marginal_value_per_dollar`, the value of the dollars between its low and high "
               "budgets: a different cell, so the two numbers differ.")
