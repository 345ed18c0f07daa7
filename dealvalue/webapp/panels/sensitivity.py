"""The Sensitivity tab: tornado, Sobol indices, value of information."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dealvalue.errors import DealValueError

from ..cache import SOBOL_ROWS, VOI_SAMPLES, current_model, deal_voi, sobol_table, tornado_table
from ..format import axis_title, cell_label, fmt, md_escape, si_axis, unit_text
from ..state import Spec


def tornado_panel(spec: Spec, n: int, seed: int, target: str) -> None:
    """Tornado of the main output: each input at its 5th and 95th percentiles."""
    model, _ = current_model(spec)
    with st.spinner("Ranking the inputs (each at its 5th and 95th percentile)…"):
        t = tornado_table(spec, n, seed, target)
    if t.empty:
        st.info("No uncertain inputs: nothing to rank.")
        return
    u = unit_text(model, target)
    base = float(t["base"].iloc[0])
    t = t.copy()
    t["input"] = [cell_label(model, c) for c in t["input"]]
    long = pd.concat([
        pd.DataFrame({"input": t["input"], "at": "input at its 5th percentile", "value": t["at_low"], "base": base, "swing": t["swing"]}),
        pd.DataFrame({"input": t["input"], "at": "input at its 95th percentile", "value": t["at_high"], "base": base, "swing": t["swing"]}),
    ])
    order = list(t["input"])
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("value:Q", axis=si_axis(axis_title(model, target) + ", other inputs at medians")),
        x2="base:Q",
        color=alt.Color("at:N", title=None, legend=alt.Legend(orient="top")),
        yOffset="at:N",
        tooltip=["input", "at", alt.Tooltip("value:Q", format=",.4g")],
    )
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="black").encode(x="base:Q")
    st.altair_chart((bars + rule).properties(height=alt.Step(14), title=f"Tornado of {cell_label(model, target)} (base {fmt(base, u)})"),
                    width="stretch")


def sobol_panel(spec: Spec, seed: int, target: str) -> None:
    """Variance shares: which uncertainty drives the output (Sobol indices)."""
    try:
        with st.spinner("Sobol indices: the model run on pick-freeze designs…"):
            t = sobol_table(spec, seed, target)
    except (DealValueError, ValueError) as exc:
        st.info("Sobol indices are not available here: " + md_escape(str(exc)))
        return
    model, _ = current_model(spec)
    t = t.head(10).copy()
    t["input"] = [cell_label(model, c) for c in t["input"]]
    long = pd.concat([
        pd.DataFrame({"input": t["input"], "index": "first order (alone)", "value": t["S1"], "lo": t["S1_lo"], "hi": t["S1_hi"]}),
        pd.DataFrame({"input": t["input"], "index": "total (with interactions)", "value": t["ST"], "lo": t["ST_lo"], "hi": t["ST_hi"]}),
    ])
    order = list(t["input"])
    bars = alt.Chart(long).mark_bar().encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)), yOffset="index:N",
        x=alt.X("value:Q", title=f"share of the variance of {cell_label(model, target)} (fraction, 95% bootstrap interval)"),
        color=alt.Color("index:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["input", "index", alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"), alt.Tooltip("hi:Q", format=".3f")],
    )
    whiskers = alt.Chart(long).mark_rule(color="black").encode(y=alt.Y("input:N", sort=order), yOffset="index:N", x="lo:Q", x2="hi:Q")
    st.altair_chart((bars + whiskers).properties(height=alt.Step(14), title=f"Which uncertainty drives {cell_label(model, target)}: Sobol indices"),
                    width="stretch")
    st.caption(f"Pick-freeze estimates on {SOBOL_ROWS:,}-row designs (seed {seed}). The total index counts each input's "
               "interactions too: narrowing an input with a small total index changes little. "
               "A first-order index below 0, or above the total index, cannot be true of the model (0 ≤ first order ≤ total): "
               "it is estimator noise, and its whiskers (95% bootstrap intervals) reach 0 or the total index.")


def voi_panel(spec: Spec, seed: int) -> None:
    """EVPI of preparing the deal, and which inputs are worth learning (EVPPI)."""
    model, _ = current_model(spec)
    if not all(c in model for c in ("deal_net_value", "no_deal")):
        return
    with st.spinner("Value of information…"):
        v, best = deal_voi(spec, seed)
    ev = v[v["quantity"] == "EVPI"].iloc[0]
    st.markdown(f"**Value of information** for the decision *prepare the deal or not* (best on average now: {md_escape(cell_label(model, best))}): "
                f"EVPI = {fmt(float(ev['value']))} ± {fmt(float(ev['stderr']))} {md_escape(str(ev['unit']))}, "
                "what learning every uncertain input before deciding would be worth.")
    part = v[v["quantity"] != "EVPI"].copy()
    part["input"] = [cell_label(model, c) for c in part["quantity"].str.removeprefix("EVPPI: ")]
    chart = alt.Chart(part).mark_bar(color="#72b7b2").encode(
        y=alt.Y("input:N", sort=list(part["input"]), title=None),
        x=alt.X("value:Q", title=f"EVPPI: worth of learning this input alone ({ev['unit']})"),
        tooltip=["input", alt.Tooltip("value:Q", format=".3g")],
    )
    chart = chart.encode(y=alt.Y("input:N", sort=list(part["input"]), title=None, axis=alt.Axis(labelLimit=300)))
    st.altair_chart(chart.properties(height=alt.Step(24)), width="stretch")
    st.caption(f"{VOI_SAMPLES:,} samples, seed {seed} (regression estimator of EVPPI).")
