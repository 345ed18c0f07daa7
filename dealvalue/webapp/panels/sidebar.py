"""Sidebar panels: where the model comes from, sampling, the inputs, export."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import streamlit as st

from dealvalue import models
from dealvalue.errors import DealValueError

from ..share import state_params
from ..cache import current_model, model_file_text, workbook_bytes
from ..format import error_markdown
from ..limits import SAMPLE_CHOICES
from ..state import (DEFAULT_SAMPLES, DEFAULT_SEED, MAX_UPLOAD_BYTES, Edit, Spec, on_source_change,
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
    if ss.get("uploaded_option"):  # the uploaded file is what the page shows: say so under Start from
        options.append(ss.uploaded_option)
    if ss.get("source") not in options:
        ss.source = ss.start[0]
    st.sidebar.selectbox("Start from", options, key="source", on_change=on_source_change,
                         help="Choosing a model, scenario or input set replaces the inputs with its own.")
    with st.sidebar.expander("…or upload a model file (.toml)"):
        # a new key after a refused file, so the uploader does not go on listing the file that was not loaded
        key = "upload" if not ss.get("upload_gen") else f"upload{ss.upload_gen}"
        st.file_uploader("Model file (.toml)", type=["toml"], key=key, on_change=on_upload, args=(key,),
                         help=f"A dealvalue model file, at most {MAX_UPLOAD_BYTES // 1000} KB. It is read as data: formulas go through the safe parser and nothing is run.")
    st.sidebar.caption(f"Now showing: **{ss.base_label}**")


def sampling_panel() -> tuple[int, int]:
    """Sidebar: sample count and seed (call inside the sidebar)."""
    st.header("Simulation")
    if "samples" not in st.session_state:
        st.session_state.samples = DEFAULT_SAMPLES
    n = st.select_slider("Samples", options=SAMPLE_CHOICES, key="samples",
                         format_func=lambda v: f"{v:,}",
                         help="More samples, smaller Monte Carlo error (it falls as 1/√n).")
    if "seed" not in st.session_state:
        st.session_state.seed = DEFAULT_SEED
    seed = int(st.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key="seed",
                               help="The random-number seed (the model file's own seed to begin with). Same seed, same "
                                    "random numbers: input sets and scenarios run with one seed differ only by their inputs."))
    return int(n), seed


def share_panel(base: str, input_edits: tuple[Edit, ...], n: int, seed: int) -> None:
    """Sidebar: the link that reproduces this page (its state is in the URL's query parameters)."""
    ss = st.session_state
    inputs = {c: str(dict(f)["formula"]) for c, f in input_edits if f is not None and "formula" in dict(f)}
    cfg = ss.get("config")
    config = cfg.name if cfg is not None else ss.get("config_name")
    params = state_params(base, inputs, config, n, seed)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.header("Share")
    try:
        here = str(st.context.url or "").split("?")[0]
    except Exception:  # no browser (tests): a relative link
        here = ""
    link = f"{here}?{urlencode(params)}"
    ss.share_link = link
    st.caption("The link reproduces this page: model, edited inputs, configuration, samples and seed "
               "(copy it with the button at the right of the box).")
    st.code(link, language=None, wrap_lines=True)


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
    # the text is written when the button is pressed (a deferred download), not on every rerun
    st.download_button("Model file (.toml)", data=functools.partial(model_file_text, spec), file_name=f"{stem}.toml",
                       mime="application/toml", on_click="ignore", width="stretch",
                       help="The model with your inputs, to load here again or with `dealvalue run`.")
