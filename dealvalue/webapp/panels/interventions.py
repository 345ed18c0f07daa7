"""The Interventions tab: the source text's interventions ranked by value per dollar."""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import streamlit as st

from dealvalue import deals
from dealvalue.stats import Z_95

from ..cache import current_model, deal_interventions
from ..format import cell_label, fmt, md_escape, per_dollar_text, table_height, unit_text
from ..glossary import TERMS
from ..state import Spec


def interventions_panel(spec: Spec, n: int, seed: int) -> None:
    """The source text's interventions ranked by value per dollar, on common random numbers."""
    model, _ = current_model(spec)
    with st.spinner("Running each intervention on the same draws…"):
        t = deal_interventions(spec, n, seed)
    st.session_state.interventions_key = (spec, n, seed)  # the headline line may now name the best one
    if t.empty:
        st.info("None of the source text's interventions touches a cell of this model.")
        return
    p_label = deals.probability_label(model)  # the cell the headline card shows: the same words
    t = t.copy()
    free = t["free"].astype(bool) if "free" in t.columns else (t["cost"] == 0)
    vu = unit_text(model, "value_to_us") if "value_to_us" in model else ""
    t["lo"] = t["delta_p"] - Z_95 * t["delta_p_stderr"]
    t["hi"] = t["delta_p"] + Z_95 * t["delta_p_stderr"]
    t["target"] = [cell_label(model, c) for c in t["cell"]]
    t["per_dollar"] = [per_dollar_text(v, f, d) for v, f, d in zip(t["value_per_dollar"], free, t["delta_value"])]
    if "microdoom_per_MUSD" in t.columns:
        t["doom_per_MUSD"] = [per_dollar_text(v, f, d) for v, f, d in zip(t["microdoom_per_MUSD"], free, t["delta_microdoom"])]
    order = list(t["intervention"])  # the library's ranking: free ones that help, then value per dollar
    bars = alt.Chart(t).mark_bar(color="#4c78a8").encode(
        y=alt.Y("intervention:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("delta_p:Q", title=f"change in {p_label} (percentage points, 95% interval)", axis=alt.Axis(format="+%")),
        tooltip=["intervention", alt.Tooltip("target:N", title="changes"), alt.Tooltip("delta_p:Q", format="+.2%"),
                 alt.Tooltip("delta_value:Q", format=",.3s", title=f"Δ E[value to us] ({vu})"),
                 alt.Tooltip("cost:Q", format=",.3s", title="cost (USD)"), alt.Tooltip("per_dollar:N", title="value per dollar")],
    )
    err = alt.Chart(t).mark_rule(color="black").encode(y=alt.Y("intervention:N", sort=order), x="lo:Q", x2="hi:Q")
    st.altair_chart((bars + err).properties(height=alt.Step(28),
                                             title=f"Interventions, ranked by value per dollar: change in {p_label}"),
                    width="stretch")
    unit = f"{vu} of expected value per USD spent" if vu else "per USD spent"
    st.markdown(f"**Ranked by value per dollar**, the chart's order (free interventions that help come first). "
                f"Value per dollar: {md_escape(unit)}.")
    # Percentage points with their MC error in one column, costs as text (blank when not costed), so the
    # whole table fits 1280 px with the interventions' names in full.
    t["cost_text"] = [fmt(float(c)) if c is not None and math.isfinite(float(c)) else "" for c in t["cost"]]
    t["dp_text"] = [f"{100 * d:+.2f} ± {100 * e:.2f} pp" for d, e in zip(t["delta_p"], t["delta_p_stderr"])]
    t["dv_text"] = [fmt(float(v)) for v in t["delta_value"]]
    cols = ["intervention", "cost_text", "dp_text", "dv_text", "per_dollar"]
    config: dict[str, Any] = {
        "intervention": st.column_config.TextColumn("intervention", width=300),
        "cost_text": st.column_config.TextColumn("cost (USD)", width=70),
        "dp_text": st.column_config.TextColumn(f"Δ {p_label}", width=140,
                                               help="Change in the probability, percentage points ± MC error"),
        "dv_text": st.column_config.TextColumn(f"Δ E[value] ({vu})" if vu else "Δ E[value]", width=100),
        "per_dollar": st.column_config.TextColumn(f"per dollar ({vu}/USD)" if vu else "per dollar", width=110),
    }
    if "doom_per_MUSD" in t.columns:
        cols.append("doom_per_MUSD")
        config["doom_per_MUSD"] = st.column_config.TextColumn("microdoom / M USD", width=120,
                                                              help=TERMS["microdoom"])
    st.dataframe(t[cols], hide_index=True, width="stretch", height=table_height(len(t)), column_config=config)
    st.caption(f"{n:,} samples; every intervention runs on the same draws as the baseline, so the differences are paired. "
               "Costs are illustrative (the library's defaults).")
    with st.expander("Why each intervention (from the source text: the taxonomy of barriers)"):
        st.markdown("\n".join(f"- **{md_escape(str(i))}** (changes {md_escape(str(c))}): {md_escape(str(w))}"
                              for i, c, w in zip(t["intervention"], t["target"], t["why"])))
