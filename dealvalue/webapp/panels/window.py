"""The Window tab: P(a deal happens) (the ``feasible`` cell) over the AI's capability."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from dealvalue import deals
from dealvalue.stats import Z_95

from ..cache import WINDOW_SAMPLES, current_model, deal_window
from ..format import axis_title, si_axis, unit_text
from ..state import Spec


def window_panel(spec: Spec, seed: int) -> None:
    """The window of viable deals: P(feasible) over the AI's capability."""
    model, _ = current_model(spec)
    axis = "capability"
    if axis not in model:
        st.info("This model has no `capability` cell, so there is no window of viable deals to draw.")
        return
    with st.spinner("Sweeping capability…"):
        frame, ends = deal_window(spec, seed, axis)
    p_label = deals.probability_label(model)  # what deals.window computes: the mean of `feasible`
    frame = frame.copy()
    frame["lo"] = (frame["p_feasible"] - Z_95 * frame["stderr"]).clip(0, 1)
    frame["hi"] = (frame["p_feasible"] + Z_95 * frame["stderr"]).clip(0, 1)
    xt = axis_title(model, axis)
    band = alt.Chart(frame).mark_area(opacity=0.25, color="#4c78a8").encode(x=alt.X(f"{axis}:Q", title=xt), y="lo:Q", y2="hi:Q")
    line = alt.Chart(frame).mark_line(color="#4c78a8").encode(
        x=alt.X(f"{axis}:Q", title=xt),
        y=alt.Y("p_feasible:Q", title=p_label, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{axis}:Q", format=".2f"), alt.Tooltip("p_feasible:Q", format=".1%", title=p_label)],
    )
    e = ends.iloc[0]
    layers = [band, line, alt.Chart(pd.DataFrame({"y": [e["level"]]})).mark_rule(strokeDash=[4, 3], color="gray").encode(y="y:Q")]
    if math.isfinite(e["start"]) and math.isfinite(e["end"]):
        layers.append(alt.Chart(pd.DataFrame({"x": [e["start"], e["end"]]})).mark_rule(color="#54a24b").encode(x="x:Q"))
    st.altair_chart(alt.layer(*layers).properties(height=330, title="Window of viable deals over capability"), width="stretch")
    if math.isfinite(e["start"]):
        st.caption(f"{p_label} is at least {e['level']:.0%} for capability from {e['start']:.2f} to {e['end']:.2f}; "
                   f"it peaks at {e['peak_p']:.1%} at {e['peak_at']:.2f}. Weak AIs: control extracts the good anyway; "
                   "strong AIs: takeover odds push the reservation price up. "
                   f"Band: 95% Monte Carlo interval ({WINDOW_SAMPLES:,} samples per point, common random numbers).")
    else:
        st.caption(f"{p_label} never reaches {e['level']:.0%}; it peaks at {e['peak_p']:.1%} at capability {e['peak_at']:.2f}.")
    if "value_to_us" in frame.columns:
        vu = unit_text(model, "value_to_us")
        chart = alt.Chart(frame).mark_line(color="#f58518").encode(
            x=alt.X(f"{axis}:Q", title=xt), y=alt.Y("value_to_us:Q", axis=si_axis(f"E[value to us] ({vu})")),
            tooltip=[alt.Tooltip(f"{axis}:Q", format=".2f"), alt.Tooltip("value_to_us:Q", format=",.3g")])
        st.altair_chart(chart.properties(height=280, title="Expected value of the deal to us over capability"), width="stretch")
