"""Sidebar: the one-page summary to share (an HTML page that prints on one sheet)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dealvalue.errors import DealValueError

from ..cache import base_model, current_model, one_page, staged_model
from ..format import error_markdown
from ..onepage import Edited
from ..state import Spec

__all__ = ["summary_panel", "edited_inputs"]


def edited_inputs(spec: Spec) -> tuple[Edited, ...]:
    """Every input edited on the page: (cell, the model's formula, the page's, where), cell-table
    edits first (a cell added has no model formula; a cell removed has no page formula)."""
    text, table_edits, input_edits = spec
    base = base_model(text)
    staged, _ = staged_model(text, table_edits)
    current, _ = current_model(spec)
    out: list[Edited] = []
    for cell, fields in table_edits:
        before = base.cell(cell).formula if cell in base else ""
        after = current.cell(cell).formula if cell in current else ""
        if fields is None or before != after:
            out.append((cell, before, after, "cell table"))
    for cell, fields in input_edits:
        if fields is None or "formula" not in dict(fields) or cell not in current:
            continue
        before = staged.cell(cell).formula if cell in staged else ""
        if current.cell(cell).formula != before:
            out.append((cell, before, current.cell(cell).formula, "inputs"))
    return tuple(out)


def summary_panel(spec: Spec, n: int, n_view: int, seed: int, main: str) -> None:
    """Build the one-page summary on request, then offer it as a download."""
    ss = st.session_state
    link = str(ss.get("share_link") or "")
    cfg = ss.get("config")
    config = cfg.name if cfg is not None else ss.get("config_name")
    made = dt.date.today().isoformat()
    key = (spec, n, n_view, seed, main, link, config)
    if st.button("Build one-page summary", width="stretch", key="onepage_build",
                 help="A page to share or print: the headline with its Monte Carlo error, the ZOPA chart, the barriers, "
                      "the best interventions, every input you edited with its source, and the link to this page."):
        with st.spinner("Running the interventions and drawing the page…"):
            try:
                ss.onepage = (key, one_page(spec, n, n_view, seed, main, link, str(ss.get("base_label") or ""), made,
                                            config, edited_inputs(spec)))
            except DealValueError as exc:
                st.error(error_markdown(str(exc)))
    if ss.get("onepage") and ss.onepage[0] == key:
        model, _ = current_model(spec)
        stem = "".join(ch if ch.isalnum() else "_" for ch in model.name).strip("_") or "model"
        st.download_button("Download one-page summary (.html)", data=ss.onepage[1], file_name=f"{stem}-summary.html",
                           mime="text/html", on_click="ignore", width="stretch", type="primary", key="onepage_download",
                           help="Open it in a browser and print it (one A4 page), or send it: it needs no network.")
    elif ss.get("onepage"):
        st.caption("The page changed since the summary was built: build it again.")
