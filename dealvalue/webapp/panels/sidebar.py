"""Sidebar panels: where the model comes from, sampling, the inputs, export."""

from __future__ import annotations

from typing import Any

import streamlit as st

import dealvalue as dv
from dealvalue import models
from dealvalue.errors import DealValueError

from ..cache import current_model, model_file_text, workbook_bytes
from ..format import error_markdown, unit_text
from ..state import (DEFAULT_SAMPLES, DEFAULT_SEED, MAX_UPLOAD_BYTES, SAMPLE_CHOICES, Edit, Spec, on_source_change,
                     on_upload, shipped_model_option, shipped_scenarios)


def model_panel() -> None:
    """Sidebar: where the model comes from (shipped, an input set, uploaded)."""
    ss = st.session_state
    st.sidebar.header("Model")
    options = [shipped_model_option(name) for name in models.names()]
    if ss.start[0] not in options:  # opened on a model file (--model PATH)
        options.insert(0, ss.start[0])
    options += [f"shipped scenario: {name}" for name in shipped_scenarios()]
    options += [f"input set: {name}" for name in ss.input_sets]
    st.sidebar.selectbox("Start from", options, index=options.index(ss.start[0]),
                         key="source", on_change=on_source_change,
                         help="Choosing a model, scenario or input set replaces the inputs with its own.")
    with st.sidebar.expander("…or upload a model file (.toml)"):
        st.file_uploader("Model file (.toml)", type=["toml"], key="upload", on_change=on_upload,
                         help=f"A dealvalue model file, at most {MAX_UPLOAD_BYTES // 1000} KB. It is read as data: formulas go through the safe parser and nothing is run.")
    st.sidebar.caption(f"Now showing: **{ss.base_label}**")


def sampling_panel() -> tuple[int, int]:
    """Sidebar: sample count and seed (call inside the sidebar)."""
    st.header("Simulation")
    n = st.select_slider("Samples", options=SAMPLE_CHOICES, value=DEFAULT_SAMPLES, key="samples",
                         format_func=lambda v: f"{v:,}",
                         help="More samples, smaller Monte Carlo error (it falls as 1/√n).")
    seed = int(st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=DEFAULT_SEED, step=1, key="seed",
                               help="Same seed, same random numbers: input sets and scenarios run with one seed "
                                    "differ only by their inputs."))
    return int(n), seed


def input_label(model: dv.Model, name: str) -> str:
    """The widget label of an input, in plain text (screen readers read it
    as is): ``label · name (unit)``."""
    cell = model.cell(name)
    u = unit_text(model, name)
    head = f"{cell.label} · {name}" if cell.label else name
    return head + (f" ({u})" if u else "")


def inputs_panel(model: dv.Model, gen: int) -> tuple[tuple[Edit, ...], dict[str, Any]]:
    """The model's inputs, grouped by the taxonomy group of each cell.

    Each input takes a number, a range ``a to b`` or a distribution formula.
    Returns the edits (cells whose text differs from the model's) and, by
    cell, a slot under the widget where the engine's message goes.
    """
    st.header("Inputs")
    st.caption("A number (0.8), a 90% range (10 to 100) or a distribution (beta(8, 2), pert(0.1, 0.3, 0.9)); "
               "suffixes k M B % work. Enter applies.")
    groups: dict[str, list[str]] = {}
    for name in model.inputs:
        groups.setdefault(model.cell(name).group or "Other inputs", []).append(name)
    edits: list[Edit] = []
    slots: dict[str, Any] = {}
    for i, (group, names) in enumerate(groups.items()):
        with st.expander(f"{group} ({len(names)})", expanded=i < 2):
            for name in names:
                cell = model.cell(name)
                label = input_label(model, name)
                help_text = (cell.description or "No description in the model file.") + f"\n\nModel file formula: `{cell.formula}`"
                text = st.text_input(label, value=cell.formula, key=f"in:{gen}:{name}", help=help_text)
                slots[name] = st.container()
                if text.strip() and text.strip() != cell.formula:
                    edits.append((name, (("formula", text.strip()),)))
    return tuple(edits), slots


def export_panel(spec: Spec, n: int, seed: int, main: str) -> None:
    """Sidebar: the Excel workbook of the current model and the model file."""
    ss = st.session_state
    st.header("Export")
    model, _ = current_model(spec)
    stem = "".join(ch if ch.isalnum() else "_" for ch in model.name).strip("_") or "model"
    key = (spec, n, seed, main)
    if st.button("Build Excel workbook", width="stretch",
                 help="A live workbook: inputs with editable parameters, every formula as an Excel formula, "
                      "a Monte Carlo sheet in plain Excel and these samples. Takes a few seconds."):
        with st.spinner("Writing the workbook…"):
            try:
                ss.workbook = (key, workbook_bytes(spec, n, seed, main))
            except DealValueError as exc:
                st.error(error_markdown(str(exc)))
    if ss.get("workbook") and ss.workbook[0] == key:
        st.download_button("Download workbook (.xlsx)", data=ss.workbook[1], file_name=f"{stem}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore", width="stretch", type="primary")
    elif ss.get("workbook"):
        st.caption("The inputs changed since the workbook was built: build it again.")
    st.download_button("Model file (.toml)", data=model_file_text(spec), file_name=f"{stem}.toml",
                       mime="application/toml", on_click="ignore", width="stretch",
                       help="The model with your inputs, to load here again or with `dealvalue run`.")
