"""The Assessments tab: record the current inputs (or an input set) as an
assessment of a named AI system, browse the history, and see the trend and
the pooled view of the assessors (``dealvalue.assess``).

The database is ``$DEALVALUE_DB``, else the default SQLite file; the tab
says which (password hidden).  Every number is the library's; a refusal
(unknown system, bad date, a database that cannot be reached) shows its
one-line message, and the widgets keep what the user typed.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib.util
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dealvalue.errors import DealValueError
from dealvalue.stats import Z_95

from ..cache import (assess_database, assess_history, assess_inputs, assess_pool, assess_record, assess_register,
                     assess_systems, assess_trend, assessed_inputs)
from ..format import error_markdown, md_escape
from ..state import Spec

__all__ = ["assessments_panel", "keep_inputs", "recorded_text", "default_assessor", "CURRENT"]

CURRENT = "current inputs"  # the record source that is the page's inputs (the others are input sets)
# The history's columns on the page (``dealvalue assess export`` writes them all).
HISTORY_COLUMNS = ["id", "date", "assessor", "model", "p_feasible", "stderr", "value_to_us", "binding_barrier", "n",
                   "current", "note"]
#: The tab's widgets whose values outlive a run in which the tab is closed.
KEPT = ("assess_system", "assess_source", "assess_assessor", "assess_date", "assess_note", "assess_new_system",
        "assess_new_developer", "assess_new_version", "assess_new_released")
PCT = "percent"  # Streamlit's number format for a probability (0.25 shows as 25.00%)


def default_assessor() -> str:
    """The assessor filled in at first: the login name of the account running the page (editable)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return ""


def keep_inputs() -> None:
    """Keep what the user typed in this tab while another tab is open
    (Streamlit forgets a widget's value after a run that does not draw it;
    writing the value back keeps it).  Call on every run."""
    ss = st.session_state
    for key in KEPT:
        if key in ss:
            ss[key] = ss[key]


def _show(slot: Any, message: tuple[str, str] | None) -> None:
    """A stored message from a button's callback: ("error" | "ok", text)."""
    if not message:
        return
    kind, text = message
    if kind == "error":
        slot.error(error_markdown(text))
    else:
        slot.success(md_escape(text))


def recorded_text(row: pd.DataFrame, what: str = "") -> str:
    """The confirmation of a recorded assessment (the store's one-row frame); ``what``: the input set recorded."""
    r = row.iloc[0]
    return (f"Recorded {what + ' as ' if what else ''}assessment {int(row.index[0])} of {r['system']} by "
            f"{r['assessor']} on {r['date']}: P(feasible) = {100 * r['p_feasible']:.1f}% ± {100 * r['stderr']:.2f} pp "
            f"(MC error, {int(r['n']):,} samples, seed {int(r['seed'])}).")


def on_register(url: str) -> None:
    """Register the system typed in the form, then select it."""
    ss = st.session_state
    name = str(ss.get("assess_new_system") or "").strip()
    try:
        assess_register(url, name, str(ss.get("assess_new_developer") or "").strip(),
                        str(ss.get("assess_new_version") or "").strip(), str(ss.get("assess_new_released") or "").strip())
    except DealValueError as exc:
        ss.assess_register_msg = ("error", str(exc))
        return
    ss.assess_register_msg = ("ok", f"Registered {name}.")
    ss.assess_system = name


def on_record(url: str, specs: dict[str, Spec], n: int, seed: int) -> None:
    """Record the chosen inputs as an assessment; the outcome goes to ``assess_record_msg``."""
    ss = st.session_state
    source = str(ss.get("assess_source") or CURRENT)
    spec = specs.get(source)
    if spec is None:
        ss.assess_record_msg = ("error", f"{source}: no such input set in this session")
        return
    system = str(ss.get("assess_system") or "")
    assessor, day = str(ss.get("assess_assessor") or ""), str(ss.get("assess_date") or "")
    try:
        row = assess_record(url, spec, n, seed, system, assessor, day, str(ss.get("assess_note") or ""))
    except DealValueError as exc:
        ss.assess_record_msg = ("error", str(exc))
        return
    ss.assess_record_msg = ("ok", recorded_text(row))


def assessments_panel(spec: Spec, n: int, seed: int) -> None:
    """The Assessments tab (``n`` and ``seed``: the page's, used to record;
    the pooled view uses the library's pooled sample count and this seed)."""
    ss = st.session_state
    if importlib.util.find_spec("sqlalchemy") is None:
        st.info("Assessments need the `assess` extra: `pip install 'dealvalue[assess]'`.")
        return
    try:
        url, shown = assess_database()
        systems = assess_systems(url)
    except DealValueError as exc:
        st.error("The assessments database cannot be used: " + error_markdown(str(exc)))
        st.caption("Set `DEALVALUE_DB` to a database URL (sqlite:///path.sqlite or postgresql://user@host/db) "
                   "and reload the page; the other tabs work without it.")
        return
    st.caption(f"Writes to and reads from **{md_escape(shown)}** (`DEALVALUE_DB`, else the default SQLite file). "
               "Assessments are append-only: a correction is a new assessment.")
    names = list(systems.index)
    c1, c2 = st.columns([2, 3])
    with c1:
        st.selectbox("AI system", names, index=None, key="assess_system", accept_new_options=True,
                     placeholder="choose a system, or register one" if names else "register a system first",
                     help="The system the assessment is of. A name that is not registered is refused: "
                          "register it first.")
    with c2.expander("Register a new system"):
        a, b, c, d = st.columns([3, 2, 2, 2])
        a.text_input("Name", key="assess_new_system", placeholder="e.g. Claude 9")
        b.text_input("Developer", key="assess_new_developer")
        c.text_input("Version", key="assess_new_version")
        d.text_input("Released", key="assess_new_released", placeholder="YYYY-MM-DD")
        st.button("Register system", on_click=on_register, args=(url,), key="assess_register")
        _show(st, ss.pop("assess_register_msg", None))
    system = ss.get("assess_system") or None
    record_panel(url, spec, n, seed)
    if system is None:
        st.info("Choose an AI system (or register one) to see its history, trend and pooled view.")
        return
    try:
        history = assess_history(url, str(system))
    except DealValueError as exc:
        st.error(error_markdown(str(exc)))
        return
    history_panel(url, str(system), history)
    stamp = tuple(int(i) for i in history.index)
    if not stamp:
        return
    trend_panel(url, str(system), stamp)
    pool_panel(url, str(system), stamp, seed)


def record_panel(url: str, spec: Spec, n: int, seed: int) -> None:
    """Record the current inputs, or an input set, as an assessment."""
    ss = st.session_state
    st.subheader("Record an assessment")
    specs: dict[str, Spec] = {CURRENT: spec, **{f"input set: {k}": v for k, v in ss.get("input_set_specs", {}).items()}}
    c1, c2, c3 = st.columns([2, 2, 1])
    c1.selectbox("What to record", list(specs), key="assess_source",
                 help="The page's inputs as they are now, or an input set saved in the Compare tab.")
    if "assess_assessor" not in ss:
        ss.assess_assessor = default_assessor()
    if "assess_date" not in ss:
        ss.assess_date = dt.date.today().isoformat()
    c2.text_input("Assessor", key="assess_assessor", help="Who makes this judgement.")
    c3.text_input("Date", key="assess_date", help="The date of the judgement, YYYY-MM-DD.")
    st.text_area("Note", key="assess_note", height=68, placeholder="why these inputs: evidence, sources, caveats")
    chosen = specs.get(str(ss.get("assess_source") or CURRENT), spec)
    shipped, formulas = assessed_inputs(chosen)
    model = (f"shipped model `{shipped}`" if shipped else
             "the model file's text" if not chosen[1] else "the model as changed in the cell table (its full text)")
    st.caption(f"Stores {model}, {len(formulas)} edited input{'s' if len(formulas) != 1 else ''} as formulas, "
               f"and the results at {n:,} samples, seed {seed} (the sidebar's).")
    if formulas:
        with st.expander("The inputs recorded"):
            st.dataframe(pd.DataFrame(formulas, columns=["input", "formula"]), hide_index=True, width="stretch")
    st.button("Record assessment", type="primary", on_click=on_record, args=(url, specs, n, seed), key="assess_record")
    _show(st, ss.pop("assess_record_msg", None))


def history_panel(url: str, system: str, history: pd.DataFrame) -> None:
    """The system's assessments, oldest first, and the inputs of one."""
    st.subheader(f"History of {system}")
    if history.empty:
        st.info(f"No assessment of {system} yet.")
        return
    table = history.reset_index()[HISTORY_COLUMNS]
    unit = " ".join(sorted(set(history["value_unit"].dropna().astype(str)) - {""}))
    st.dataframe(table, hide_index=True, width="stretch", key="assess_history_table",
                 column_config={"id": st.column_config.NumberColumn(width="small"),
                                "p_feasible": st.column_config.NumberColumn("P(feasible)", format=PCT),
                                "stderr": st.column_config.NumberColumn("± (MC error)", format=PCT),
                                "value_to_us": st.column_config.NumberColumn(f"E[value to us] ({unit})" if unit else
                                                                             "E[value to us]", format="compact"),
                                "binding_barrier": st.column_config.TextColumn("binding barrier"),
                                "n": st.column_config.NumberColumn("samples", format="localized"),
                                "note": st.column_config.TextColumn(width="large")})
    st.caption("Superseded assessments stay in the history (current: no correction replaces them). "
               "`dealvalue assess export PATH.xlsx` writes every column, the window's ends and versions included.")
    ids = [int(i) for i in history.index]
    pick = st.selectbox("Inputs of assessment", ids, index=len(ids) - 1, key="assess_inputs_of",
                        format_func=lambda i: f"{i}: {history.loc[i, 'assessor']}, {history.loc[i, 'date']}")
    try:
        ins = assess_inputs(url, int(pick))
    except DealValueError as exc:
        st.error(error_markdown(str(exc)))
        return
    if ins.empty:
        st.caption("This assessment keeps every input at the model's own formula.")
    else:
        st.dataframe(ins[["cell", "formula", "note"]], hide_index=True, width="stretch")


def trend_chart(trend: pd.DataFrame) -> "alt.LayerChart | alt.FacetChart":
    """P(feasible) over assessment date with 95% intervals, one colour per assessor, the pool dashed in black."""
    t = trend.copy()
    t["date"] = pd.to_datetime(t["date"])
    t["lo"] = (t["p_feasible"] - Z_95 * t["stderr"]).clip(0, 1)
    t["hi"] = (t["p_feasible"] + Z_95 * t["stderr"]).clip(0, 1)
    people = sorted(a for a in t["assessor"].unique() if a != "pooled")
    palette = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"]
    domain = people + ["pooled"]
    colour = alt.Color("assessor:N", title=None, legend=alt.Legend(orient="top"),
                       scale=alt.Scale(domain=domain, range=[palette[i % len(palette)] for i in range(len(people))] + ["black"]))
    x = alt.X("date:T", title="assessment date", axis=alt.Axis(format="%Y-%m-%d", labelAngle=0), scale=alt.Scale(padding=16))
    y = alt.Y("p_feasible:Q", title="P(feasible) (probability, 95% interval)", axis=alt.Axis(format="%"))
    tip = [alt.Tooltip("assessor:N"), alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("p_feasible:Q", format=".1%"),
           alt.Tooltip("stderr:Q", format=".2%", title="MC error"), alt.Tooltip("assessment:Q", title="assessment")]
    base = alt.Chart(t)
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        x=x, y=y, color=colour, tooltip=tip,
        strokeDash=alt.condition(alt.datum.assessor == "pooled", alt.value([6, 3]), alt.value([1, 0])))
    bars = base.mark_rule(strokeWidth=2).encode(x=x, y="lo:Q", y2="hi:Q", color=colour)
    return alt.layer(bars, lines).properties(height=320, title="P(feasible) over assessment date: each assessor and the pool")


def trend_panel(url: str, system: str, stamp: tuple[int, ...]) -> None:
    """The trend chart and its table (``assess.trend``, stored results)."""
    st.subheader("Trend")
    try:
        trend = assess_trend(url, system, stamp)
    except DealValueError as exc:
        st.error(error_markdown(str(exc)))
        return
    st.altair_chart(trend_chart(trend), width="stretch")
    st.caption("The results stored with each current assessment (computed with the model and dealvalue of its day); "
               "bars are 95% Monte Carlo intervals. The pooled point at a date pools each assessor's latest "
               "assessment on or before it, with equal weights.")
    with st.expander("Trend table"):
        st.dataframe(trend, hide_index=True, width="stretch", key="assess_trend_table",
                     column_config={"p_feasible": st.column_config.NumberColumn("P(feasible)", format=PCT),
                                    "stderr": st.column_config.NumberColumn("± (MC error)", format=PCT),
                                    "value_to_us": st.column_config.NumberColumn("E[value to us]", format="compact")})


def pool_panel(url: str, system: str, stamp: tuple[int, ...], seed: int) -> None:
    """Each assessor's current view, their linear opinion pool, and where they disagree."""
    st.subheader("Pooled view")
    try:
        with st.spinner("Simulating each assessor's model on common random numbers…"):
            pooled, disagree, pool_n = assess_pool(url, system, stamp, seed)
    except DealValueError as exc:
        st.error(error_markdown(str(exc)))
        return
    p = pooled.set_index("assessor").loc["pooled"]
    st.markdown(f"Pooled P(feasible): **{100 * p['p_feasible']:.1f}%** ± {100 * p['stderr']:.2f} pp (MC error) over "
                f"{len(pooled) - 1} assessor{'s' if len(pooled) != 2 else ''}, each assessor's latest current assessment.")
    st.dataframe(pooled, hide_index=True, width="stretch", key="assess_pool_table",
                 column_config={"p_feasible": st.column_config.NumberColumn("P(feasible)", format=PCT),
                                "stderr": st.column_config.NumberColumn("± (MC error)", format=PCT),
                                "value_to_us": st.column_config.NumberColumn("E[value to us]", format="compact"),
                                "weight": st.column_config.NumberColumn(format="%.3f"),
                                "stored_p_feasible": st.column_config.NumberColumn("stored P(feasible)", format=PCT),
                                "stored_stderr": st.column_config.NumberColumn("stored ±", format=PCT)})
    st.caption(f"The linear opinion pool: each sample takes all of its inputs from one assessor (equal weights); every "
               f"assessor's model runs with {pool_n:,} samples and seed {seed}, so the columns are paired. "
               "`stored_*` is what each assessment recorded with its own samples and seed.")
    st.markdown("**Where the assessors disagree**")
    if disagree.empty:
        st.caption("The assessors set every input alike: nothing to rank.")
        return
    st.dataframe(disagree, hide_index=True, width="stretch", key="assess_disagreement_table",
                 column_config={c: st.column_config.NumberColumn(format=PCT) for c in disagree.columns if c != "input"})
    st.caption("For each input set differently, every assessor takes one assessor's view of that input alone; "
               "spread = the largest minus the smallest pooled P(feasible) over those views. Inputs at the top "
               "are where settling the disagreement moves the answer most.")
