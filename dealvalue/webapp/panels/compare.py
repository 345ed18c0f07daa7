"""The Compare tab: save the current inputs as an input set, compare input
sets and shipped scenarios on common random numbers (their ask, bid and
surplus overlaid, and their headline cells side by side), and record an
input set as an assessment in one step where the assessments store exists."""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

import pandas as pd
import streamlit as st

from dealvalue import deals, models, plots
from dealvalue.errors import DealValueError

from ..cache import (assess_database, assess_record, assess_systems, base_model, compare_models, current_model,
                     model_file_text)
from ..format import cell_label, error_markdown, md_escape, si_axis, table_height, unit_text
from ..state import Spec, on_save_input_set, shipped_scenarios
from .assessments import default_assessor, recorded_text

__all__ = ["compare_panel", "record_set_panel"]

#: Chart titles by role (the cell's own name follows in brackets).
TITLES = {"ask": "The AI's ask", "bid": "Our bid", "F": "Surplus ratio F = bid / ask: a deal exists right of 1",
          "surplus": "Surplus where a deal exists"}


def compare_panel(spec: Spec, n: int, seed: int) -> None:
    """Save the current inputs as an input set; compare input sets and
    shipped scenarios side by side."""
    ss = st.session_state
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    c1.text_input("Input set name", key="input_set_name", placeholder="e.g. honesty policy")
    c2.button("Save these inputs as an input set", on_click=on_save_input_set, args=(spec,), width="stretch")
    if ss.get("saved_msg"):
        st.success(md_escape(ss.pop("saved_msg")))
    saved = {f"input set: {k}": v for k, v in ss.input_sets.items()}
    # the shipped scenarios are the deal model's: offered only for a model with the deal's core cells (compared
    # with another model they would share no headline cell, and their rows would be left out)
    deal = all(c in current_model(spec)[0] for c in deals.CORE)
    shipped = {f"scenario: {k}": models.scenario_path(name).read_text(encoding="utf-8")
               for k, name in shipped_scenarios().items()} if deal else {}
    options = {"current inputs": model_file_text(spec), **saved, **shipped}
    if "compare" not in ss:
        ss.compare = list(options)[:2]
    ss.compare = [c for c in ss.compare if c in options]
    chosen = st.multiselect("Compare input sets and scenarios (the first is the reference)", list(options), key="compare")
    if len(chosen) >= 2:
        compared_panel(tuple((c, options[c]) for c in chosen), n, seed)
    else:
        st.caption("Save an input set (or pick a shipped scenario) and choose two or more to compare them.")
    record_set_panel(n, seed)


def compared_panel(texts: tuple[tuple[str, str], ...], n: int, seed: int) -> None:
    """The chosen models' distributions overlaid, then one table per headline cell."""
    bad = []
    for label, text in texts:
        try:
            base_model(text)
        except DealValueError as exc:
            bad.append(f"{label}: {exc}")
    if bad:
        for b in bad:
            st.error(md_escape(b))
        return
    with st.spinner(f"Running {len(texts)} models with {n:,} samples each, seed {seed}…"):
        table, charts = compare_models(texts, n, seed)
    ref = base_model(texts[0][1])
    st.caption(f"All use seed {seed}, so they share random numbers: differences are paired sample by sample, "
               "and their standard errors are much smaller than those of independent runs.")
    # the surplus ratio first, at full width with the legend; then the ask and the bid side by side, in the same colours
    first = [str(w) for w in ("F", "surplus") if w in charts][:1]
    for lead in first:
        distribution_chart(ref, lead, charts[lead], len(texts), legend=True)
    pair = [str(w) for w in ("ask", "bid") if w in charts]
    if pair:
        for col, what in zip(st.columns(len(pair)), pair):
            with col:
                distribution_chart(ref, what, charts[what], len(texts), legend=not first)
    st.caption("Each line is one input set or scenario: the share of its samples in each bin (bins shared, log scale). "
               "The outer 0.1% of the samples at each end lie off the charts.")
    tables_panel(ref, table)


def distribution_chart(model: Any, what: str, frame: pd.DataFrame, runs: int, legend: bool) -> None:
    """One role's distribution in each run, overlaid (``plots.overlay``)."""
    cell = str(frame.attrs["cell"])
    unit = str(frame.attrs.get("unit", ""))
    title = TITLES[what] + f" ({cell})"
    axis = si_axis((f"{cell_label(model, cell)} ({unit}, log scale)" if unit else f"{cell_label(model, cell)} (log scale)"))
    chart = plots.overlay(frame, axis=axis.to_dict(), legend=legend)
    if what == "F":
        rule = plots.altair().Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="black").encode(x="x:Q")
        chart = chart + rule
    st.altair_chart(chart.properties(title=title), width="stretch", height=300 if legend else 250)
    left_out = runs - len(set(frame["run"]))
    if left_out:
        st.caption(f"{left_out} of the compared models price {md_escape(cell)} in another unit: not drawn here.")


def tables_panel(model: Any, table: pd.DataFrame) -> None:
    """One table per headline cell, a row per model; probabilities in percent."""
    role = deals.roles(model)
    ref = str(table["scenario"].iloc[0])
    diff = f"minus {ref}"
    for cell, rows in table.groupby("cell", sort=False):
        prob = cell == role.get("feasible")
        unit = str(rows["unit"].iloc[0]) if not prob else ""
        name = deals.probability_label(model) if prob else cell_label(model, str(cell))  # the headline's words
        st.markdown(f"**{md_escape(name)}** (`{cell}`" + (f", {md_escape(unit)})" if unit else ")"))  # a name needs no escape in code
        fmt = "percent" if prob else "compact"
        shown = rows.drop(columns=["cell", "unit"]).rename(columns={"scenario": "compared"})
        st.dataframe(shown, hide_index=True, width="stretch", height=table_height(len(shown)), placeholder="",
                     column_config={
                         "compared": st.column_config.TextColumn(width="medium"),
                         "mean": st.column_config.NumberColumn("P" if prob else "mean", format=fmt),
                         "stderr": st.column_config.NumberColumn("± (MC error)", format=fmt),
                         diff: st.column_config.NumberColumn(f"difference from {ref}", format=fmt),
                         "its stderr": st.column_config.NumberColumn("± (paired)", format=fmt),
                         "stderr if run independently": st.column_config.NumberColumn("± if run independently", format=fmt)})
    st.caption("A difference is the compared model's value minus the reference's (the first chosen); probabilities and "
               "their differences in percent (a difference of 5.00% is five percentage points).")


def record_set_panel(n: int, seed: int) -> None:
    """Record an input set (or the current inputs) as an assessment of a
    registered AI system in one step, where the assessments store exists."""
    ss = st.session_state
    specs: dict[str, Spec] = {f"input set: {k}": v for k, v in ss.get("input_set_specs", {}).items()}
    if not specs or importlib.util.find_spec("sqlalchemy") is None:
        return
    try:
        url, shown = assess_database()
        systems = list(assess_systems(url).index)
    except DealValueError:
        return  # no store: the Assessments tab says why
    st.markdown("**Record an input set as an assessment**")
    if not systems:
        st.caption("Register an AI system on the Assessments tab first; then an input set is recorded here in one step.")
        return
    if "cmp_assessor" not in ss:
        ss.cmp_assessor = ss.get("assess_assessor") or default_assessor()
    if "cmp_system" not in ss and ss.get("assess_system") in systems:
        ss.cmp_system = ss.assess_system
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    c1.selectbox("Input set", list(specs), key="cmp_source", index=len(specs) - 1)
    c2.selectbox("AI system", systems, key="cmp_system")
    c3.text_input("Assessor", key="cmp_assessor")
    c4.text_input("Date", key="cmp_date", value=None, placeholder=dt.date.today().isoformat(),
                  help="The date of the judgement, YYYY-MM-DD (today when left empty).")
    st.button("Record as an assessment", key="cmp_record", on_click=on_record_set, args=(url, specs, n, seed))
    msg = ss.pop("cmp_record_msg", None)
    if msg and msg[0] == "error":
        st.error(error_markdown(msg[1]))
    elif msg:
        st.success(md_escape(msg[1]))
    st.caption(f"Stored in {md_escape(shown)} with the results at {n:,} samples, seed {seed}; the Assessments tab shows "
               "the history, trend and pooled view.")


def on_record_set(url: str, specs: dict[str, Spec], n: int, seed: int) -> None:
    """Record the chosen input set; the outcome goes to ``cmp_record_msg``."""
    ss = st.session_state
    source = str(ss.get("cmp_source") or "")
    if source not in specs:
        ss.cmp_record_msg = ("error", f"{source}: no such input set in this session")
        return
    day = str(ss.get("cmp_date") or "").strip() or dt.date.today().isoformat()
    try:
        row = assess_record(url, specs[source], n, seed, str(ss.get("cmp_system") or ""), str(ss.get("cmp_assessor") or ""),
                            day, f"recorded from the Compare tab ({source})")
    except DealValueError as exc:
        ss.cmp_record_msg = ("error", str(exc))
        return
    ss.cmp_record_msg = ("ok", recorded_text(row, source))
