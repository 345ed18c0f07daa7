"""The page: ``main(model=None)`` lays it out and calls the panels.

Tabs run lazily: only the open one computes, so an input change costs the
simulation, the headline and one view.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

import dealvalue as dv
from dealvalue import deals
from dealvalue.budgets import BudgetExceeded
from dealvalue.errors import DealValueError, UnknownCellError

from .cache import base_model, current_model, headline_sentence, results, staged_model
from .glossary import TERMS
from .limits import KEPT_SAMPLES, budget_text, run_budget
from .format import cell_label, error_markdown, explain_refusal, md_escape, unit_text
from .panels.alternatives import alternatives_panel
from .panels.assessments import assessments_panel, keep_inputs
from .panels.barriers import barriers_panel
from .panels.cells import all_cells_panel, edit_panel
from .panels.compare import compare_panel
from .panels.configuration import configuration_panel, configurations_panel, ruled_out_panel, rules_panel
from .panels.deal import deal_tables_panel, headline_panel, zopa_panel
from .panels.formulas import formulas_panel, thresholds_panel
from .panels.interventions import interventions_panel
from .panels.onepage import summary_panel
from .panels.sensitivity import sobol_panel, tornado_panel, voi_panel
from .panels.inputs import inputs_panel, previews_panel
from .panels.sidebar import export_panel, share_panel, model_panel, sampling_panel
from .panels.window import window_panel
from .state import init_state, with_last_valid

__all__ = ["main"]

COMPARE = "Compare"  # the tab comparing input sets and shipped scenarios
GLOSSARY = "Glossary"  # plain words for the terms the page uses
ASSESSMENTS = "Assessments"  # the tab recording and pooling assessments of AI systems (dealvalue.assess)


_FREEZE = threading.Event()  # set once this process has frozen what its first page run left alive


def freeze_startup_objects() -> None:
    """Once per process, after the first page run: move every object alive
    then (the imported modules, sympy's caches, the shipped model) to the
    collector's permanent generation (``gc.freeze``), so that Python's full
    collections no longer walk them.  Before, one rerun in 10 to 30 paid a
    full collection of 80 to 95 ms (``bench/app_bench.py``'s machine)."""
    if not _FREEZE.is_set():
        _FREEZE.set()
        gc.freeze()


def is_deal_model(model: dv.Model) -> bool:
    """True when the model names the core cells the deal functions need (``deals.CORE``)."""
    return all(c in model for c in deals.CORE)


def core_missing(model: dv.Model) -> list[str]:
    return [c for c in deals.CORE if c not in model]


def show_view(tab: Any, panel: Callable[..., None], *args: Any) -> None:
    """Run one tab's panel; a view that does not apply to this model says so
    (the library's one-line message, no traceback)."""
    with tab:
        try:
            with run_budget():
                panel(*args)
        except BudgetExceeded as exc:
            st.warning(md_escape(budget_text(exc)), icon="⏱️")
        except UnknownCellError as exc:
            st.info(f"This view does not apply to this model: it needs {md_escape(str(exc).removeprefix('no cell named '))}, "
                    "a cell this model does not have.")
        except DealValueError as exc:
            st.info("This view cannot be drawn for this model: " + error_markdown(str(exc)))


def sensitivity_view(current: dv.Model, spec: Any, n: int, seed: int, outputs: list[str], main_default: str,
                     deal: bool) -> None:
    """The Sensitivity tab: tornado, Sobol indices and (deal models) value of information."""
    sens_default = next((c for c in ("ln_F", "F") if c in outputs), main_default)
    shown = {c: (f"{cell_label(current, c)} ({c})" if cell_label(current, c) != c else c) for c in outputs}
    target = str(st.selectbox("Output", outputs, index=outputs.index(sens_default), key="target",
                              format_func=shown.__getitem__))
    if target in ("ln_F", "F"):
        st.caption(f"Ranked on {target} (log of bid / ask, or bid / ask): it varies in every sample, while the value "
                   "to us is 0 wherever there is no deal, so its tornado would hide the inputs that move a deal "
                   "towards existing.")
    tornado_panel(spec, n, seed, target)
    sobol_panel(spec, seed, target)
    if deal:
        voi_panel(spec, seed)


def glossary_panel() -> None:
    """The Glossary tab: the page's terms in plain words."""
    st.markdown("\n".join(f"- **{md_escape(term)}**: {md_escape(text)}" for term, text in TERMS.items()))


def main(model: str | None = None) -> None:
    """The page, opening on ``model`` (a shipped model's name or a model
    file's path; default: the deal model) in a new session."""
    st.set_page_config(page_title="dealvalue: is there a deal?", layout="wide")
    # Less empty space above the title and at the sides, and tabs closer together, so that at 1280 px the
    # twelve tab names fit in one row (a fixed style sheet; no user text goes into HTML).
    st.markdown("<style>.block-container {padding-top: 2.5rem; padding-left: 3rem; padding-right: 3rem;} "
                "[data-testid='stTabs'] [role='tablist'] {gap: 0.5rem;}</style>", unsafe_allow_html=True)
    init_state(model)
    keep_inputs()  # the Assessments tab's inputs outlive a run on another tab
    ss = st.session_state
    model_panel()
    if ss.notice:
        st.sidebar.error(error_markdown(ss.notice))
    for note in ss.get("link_notes") or []:
        st.warning(md_escape(note), icon="🔗")
    try:
        base = base_model(ss.base)
    except DealValueError as exc:  # a saved text that no longer loads
        st.error(error_markdown(str(exc)))
        return
    first, _, rest = base.description.strip().partition("\n")
    if rest.strip():
        with st.sidebar.expander("About this model"):
            st.markdown(md_escape(base.description.strip()).replace("\n", "  \n"))
    # Sidebar order: model, inputs, deal configuration and rule-outs, then
    # simulation settings and export (filled below, once their inputs exist).
    inputs_slot = st.sidebar.container()
    config_slot = st.sidebar.container()
    sim_slot = st.sidebar.container()
    export_slot = st.sidebar.container()
    with sim_slot:
        n, seed = sampling_panel()

    st.title(base.name)
    if first:
        st.caption(md_escape(first))

    head = st.container()
    right = st.container()
    deal = is_deal_model(base)
    views = (["Deal", "Barriers", "Interventions", "Window", "Alternatives", "Configurations", "Sensitivity",
              "Thresholds & formulas"] if deal else ["Results", "Sensitivity", "Formulas"]) + [COMPARE, ASSESSMENTS, "All cells", GLOSSARY]
    tabs = dict(zip(views, right.tabs(views, key="view", on_change="rerun")))
    with right.expander("Edit cells: formulas, units, new cells", expanded=False):
        table_edits = edit_panel(base, ss.gen)
        table_slot = st.container()
    staged, table_errors = staged_model(ss.base, table_edits)
    with inputs_slot:
        input_edits, slots = inputs_panel(staged, ss.gen)
    spec, errors, fallback = with_last_valid(ss.base, table_edits, input_edits, staged, ss.gen)
    current, _ = current_model(spec)
    rules = None
    if deal:
        with config_slot:
            configuration_panel(spec)
            rules = rules_panel()
    refused_inputs = [name for name in errors if name in slots]
    if refused_inputs:
        head.warning("The results below are from the last valid inputs: "
                     + ", ".join(f"`{c}`" if cell_label(current, c) == c else
                                 f"{md_escape(cell_label(current, c))} (`{c}`)" for c in refused_inputs)
                     + (" was" if len(refused_inputs) == 1 else " were") + " refused (see the message under the input).",
                     icon="⚠️")
    typed = {c: str(dict(f).get("formula", "")) for c, f in input_edits if f is not None}
    for name, msg in errors.items():
        if name in slots:
            if name in typed and name in staged:
                msg = explain_refusal(name, typed[name], msg, not unit_text(staged, name))
            slots[name].error(error_markdown(msg), icon="⚠️")
            if name in fallback:
                slots[name].caption(f"Using {md_escape(fallback[name])}, the last valid value.")
    with run_budget():  # under each input's message (if any): its distribution
        previews_panel(current, slots, seed)
    for name, msg in table_errors.items():
        table_slot.error(f"`{name}` not applied: " + error_markdown(msg))

    role = deals.roles(current)
    outputs = list(current.formulas) or list(current.inputs)
    main_default = role.get("value_us") or role.get("surplus") or role.get("feasible") or outputs[-1]
    n_view = min(n, KEPT_SAMPLES)  # what the charts and tables show (the first samples of the same run)
    try:
        with run_budget(), st.spinner(f"Simulating {n:,} samples…"):
            results(spec, n, seed)
            with head:
                numbers = not (deal and ruled_out_panel(spec, rules))
                if numbers:
                    headline_panel(spec, n, seed, main_default)
    except BudgetExceeded as exc:
        head.error(md_escape(budget_text(exc)), icon="⏱️")
        return
    except DealValueError as exc:
        head.error("The model cannot be run with these inputs: " + error_markdown(str(exc)))
        return
    if n > n_view:
        head.caption(f"Headline numbers from all {n:,} samples; charts and tables from the first {n_view:,} of them "
                     f"(above {KEPT_SAMPLES:,} samples the app keeps the samples of the headline's cells only).")
    sentence = head.empty()  # filled once the open tab has run (it may have run the interventions)
    deal = deal and is_deal_model(current)  # the user's edits may have removed a core cell
    missing = "Your edits removed a cell the deal functions need"
    first_tab = tabs[views[0]]

    def needs_deal(what: str = ".") -> None:
        st.info(missing + what)

    def first_view() -> None:
        zopa_panel(spec, n_view, seed)
        if deal:
            deal_tables_panel(spec, n_view, seed)

    if first_tab.open:
        show_view(first_tab, first_view)
    for view, panel in (("Barriers", barriers_panel), ("Interventions", interventions_panel)):
        if view in tabs and tabs[view].open:
            if deal:
                show_view(tabs[view], panel, spec, n_view, seed)
            else:
                show_view(tabs[view], needs_deal, ": " + ", ".join(f"`{c}`" for c in core_missing(current)))
    later: tuple[tuple[str, Callable[..., None], tuple[Any, ...]], ...] = (
        ("Window", window_panel, (spec, seed)), ("Alternatives", alternatives_panel, (spec, n_view, seed)),
        ("Configurations", configurations_panel, (spec, rules, n_view, seed)))
    for view, panel, args in later:
        if view in tabs and tabs[view].open:
            show_view(tabs[view], panel if deal else needs_deal, *(args if deal else ()))
    if tabs["Sensitivity"].open:
        show_view(tabs["Sensitivity"], sensitivity_view, current, spec, n_view, seed, outputs, main_default, deal)
    formulas_view = "Thresholds & formulas" if "Thresholds & formulas" in tabs else "Formulas"
    if tabs[formulas_view].open:
        def formulas_body() -> None:
            if deal:
                thresholds_panel(spec)
            formulas_panel(spec, solve=not deal)
        show_view(tabs[formulas_view], formulas_body)
    if tabs[COMPARE].open:
        show_view(tabs[COMPARE], compare_panel, spec, n_view, seed)
    if tabs[ASSESSMENTS].open:
        show_view(tabs[ASSESSMENTS], assessments_panel, spec, n_view, seed)
    if tabs["All cells"].open:
        show_view(tabs["All cells"], all_cells_panel, spec, n_view, seed)
    if tabs[GLOSSARY].open:
        show_view(tabs[GLOSSARY], glossary_panel)
    if numbers and deal:
        # The same sentence whichever tabs were visited: the best intervention needs every intervention run
        # at these samples (seconds), too slow for every redraw, so the sentence never names it.
        try:
            with run_budget():
                sentence.markdown(md_escape(headline_sentence(spec, n_view, seed, False))
                                  + " Details: Barriers and Interventions tabs; terms: Glossary tab.")
        except BudgetExceeded as exc:
            sentence.warning(md_escape(budget_text(exc)), icon="⏱️")
    with export_slot:
        share_panel(ss.base, spec[2], n, seed)
        try:
            with run_budget():
                summary_panel(spec, n, n_view, seed, main_default)
        except BudgetExceeded as exc:
            st.warning(md_escape(budget_text(exc)), icon="⏱️")
        with run_budget():
            export_panel(spec, n_view, seed, main_default)
    freeze_startup_objects()
