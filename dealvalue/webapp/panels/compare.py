"""The Compare tab: save the current inputs as an input set, and compare
input sets and shipped scenarios on common random numbers."""

from __future__ import annotations

import streamlit as st

from dealvalue import models
from dealvalue.errors import DealValueError

from ..cache import base_model, compare_models, model_file_text
from ..format import md_escape, table_height
from ..state import Spec, on_save_input_set, shipped_scenarios


def compare_panel(spec: Spec, n: int, seed: int) -> None:
    """Save the current inputs as an input set; compare input sets and
    shipped scenarios side by side."""
    ss = st.session_state
    c1, c2 = st.columns([3, 1])
    c1.text_input("Input set name", key="input_set_name", placeholder="e.g. honesty policy")
    c2.button("Save these inputs as an input set", on_click=on_save_input_set, args=(spec,), width="stretch")
    if ss.get("saved_msg"):
        st.success(md_escape(ss.pop("saved_msg")))
    saved = {f"input set: {k}": v for k, v in ss.input_sets.items()}
    shipped = {f"scenario: {k}": models.scenario_path(name).read_text(encoding="utf-8") for k, name in shipped_scenarios().items()}
    options = {"current inputs": model_file_text(spec), **saved, **shipped}
    if "compare" not in ss:
        ss.compare = list(options)[:2]
    ss.compare = [c for c in ss.compare if c in options]
    chosen = st.multiselect("Compare input sets and scenarios (the first is the reference)", list(options), key="compare")
    if len(chosen) < 2:
        st.caption("Save an input set (or pick a shipped scenario) and choose two or more to compare them.")
        return
    texts = tuple((c, options[c]) for c in chosen)
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
        table = compare_models(texts, n, seed).rename(columns={"scenario": "compared"})
    st.caption(f"All use seed {seed}, so they share random numbers: differences are paired sample by sample, "
               "and their standard errors are much smaller than those of independent runs.")
    # a blank, not "None", where the reference row has no difference from itself
    st.dataframe(table, hide_index=True, width="stretch", height=table_height(len(table)), placeholder="",
                 column_config={"compared": st.column_config.TextColumn(width="medium"),
                                **{c: st.column_config.NumberColumn(format="compact") for c in table.columns
                                   if c not in ("compared", "cell", "unit")}})
