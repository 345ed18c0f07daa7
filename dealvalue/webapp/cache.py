"""The library calls the page makes, cached on all of their inputs.

Every function takes the model *spec* (:data:`dealvalue.webapp.state.Spec`:
the model file text, the table's edits and the inputs' edits) and the sample
count and seed where they matter, so a cached answer is reused exactly when
it would be computed again from the same inputs.  The work itself is the
library's; these wrappers only pick, cache and (for the page) reset indexes.
"""

from __future__ import annotations

import functools
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

import dealvalue as dv
from dealvalue import analysis, deals
from dealvalue.blocks import Draws
from dealvalue.deals.scenarios import compare
from dealvalue.deals.sheets import to_excel
from dealvalue.errors import DealValueError

from .format import preview_svg, symbol_tex, tex
from .limits import KEPT_SAMPLES

if TYPE_CHECKING:  # pragma: no cover
    from .state import Edit, Spec

HIST_BINS = 60
WINDOW_SAMPLES = 4_000  # per capability value; 41 values on common random numbers
VOI_SAMPLES = 20_000
DRAWS_MB = 160  # 160 MB: the draws of a few runs of the deal model at 100,000 samples (32 MB each)
PREVIEW_SAMPLES = 20_000  # per input preview: its histogram; its quantiles are exact for one distribution
PREVIEW_BINS = 24
RUNS_KEPT = 8  # runs (Results) the page keeps, by inputs, sample count and seed
SOBOL_ROWS = 4_000  # rows of each pick-freeze design: (k + 2) x 4,000 model runs, well under a second


@st.cache_resource(max_entries=32, show_spinner=False)
def base_model(text: str) -> dv.Model:
    """The model in a model file's text (shared: callers must not change it)."""
    return dv.Model.loads(text, "model file")


@st.cache_resource(max_entries=32, show_spinner=False)
def staged_model(text: str, table_edits: tuple[Edit, ...]) -> tuple[dv.Model, dict[str, str]]:
    """The base model with the table's edits (cells added, changed, removed)."""
    return base_model(text).with_edits(table_edits)


@st.cache_resource(max_entries=32, show_spinner=False)
def current_model(spec: Spec) -> tuple[dv.Model, dict[str, str]]:
    """The model the page shows: base, then table edits, then input edits.
    Returns the model and the messages of edits that were refused."""
    text, table_edits, input_edits = spec
    staged, table_errors = staged_model(text, table_edits)
    model, input_errors = staged.with_edits(input_edits)
    return model, {**table_errors, **input_errors}


#: The leaves' draws of recent runs (``dealvalue.blocks.Draws``), shared by the sessions of this server: after an
#: input change the run draws the changed input's leaves only (the same numbers, bit for bit).
DRAWS = Draws(max_mb=DRAWS_MB)


#: The latest run of each (sample count, seed), held weakly (the cache above holds the runs): the next run with
#: them recomputes only the cells an edit touched (``simulate(reuse=...)``).
_LATEST: dict[tuple[int, int], "weakref.ref[dv.Results]"] = {}
_LATEST_LOCK = threading.Lock()


@st.cache_resource(max_entries=RUNS_KEPT, show_spinner=False)
def results(spec: Spec, n: int, seed: int) -> dv.Results:
    """Monte Carlo results of the current model (shared: do not change).
    Above :data:`~.limits.KEPT_SAMPLES` samples, only the headline's cells
    keep their samples (the others have statistics only).  A run whose
    draws fit half of :data:`DRAWS` (the deal model up to 300,000 samples) keeps them there and takes the
    unchanged leaves' draws from there, and takes the cells an edit did not touch from the latest run with
    the same samples and seed (same numbers, bit for bit)."""
    model, _ = current_model(spec)
    if n <= KEPT_SAMPLES:
        fits = 8 * n * len(model.compile().leaves) <= DRAWS.max_bytes / 2
        with _LATEST_LOCK:
            ref = _LATEST.get((n, seed))
        run = model.simulate(n=n, seed=seed, draws=DRAWS if fits else None, reuse=ref() if ref is not None else None)
        with _LATEST_LOCK:
            for key in [k for k, r in _LATEST.items() if r() is None]:  # runs the cache has let go of
                del _LATEST[key]
            _LATEST[(n, seed)] = weakref.ref(run)
        return run
    role = deals.roles(model)
    return model.simulate(n=n, seed=seed, keep=[role[k] for k in ("feasible", "ask", "bid") if k in role])


@st.cache_data(max_entries=64, show_spinner=False)
def model_file_text(spec: Spec) -> str:
    """The current model (inputs included) as model file text."""
    return current_model(spec)[0].dumps()


@st.cache_data(max_entries=64, show_spinner=False)
def headline(spec: Spec, n: int, seed: int, main: str) -> list[dict[str, Any]]:
    """The headline numbers with their Monte Carlo errors (``deals.headline``)."""
    return deals.headline(results(spec, n, seed), main)


@st.cache_data(max_entries=64, show_spinner=False)
def histogram(spec: Spec, n: int, seed: int, names: tuple[str, ...], log: bool, where: str | None = None) -> pd.DataFrame:
    """Histogram of ``names`` on shared bins (``Results.histogram``), the
    samples beyond the bins left out, so the ends show no tall bars; the
    share left out is in ``frame.attrs["outside"]`` (cell -> share)."""
    return results(spec, n, seed).histogram(names, bins=HIST_BINS, log=log, where=where, clip=False)


@dataclass(frozen=True)
class InputPreview:
    """One input's distribution, small: ``starts``, ``ends`` and ``shares``
    of its histogram bins (on a log scale when ``log``; no bins for a
    constant), its 5%, 50% and 95% quantiles (``marks``) and the drawing of
    all that (``svg``, :func:`~.format.preview_svg`; empty for a constant)."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    shares: tuple[float, ...]
    marks: tuple[float, float, float]
    log: bool
    svg: str = ""


# Not st.cache_*: the previews of 36 inputs are looked up on every rerun, and Streamlit's key hashing cost about
# 10 ms of it; three short strings are their own key, and the answer is immutable (shared by every session).
@functools.lru_cache(maxsize=1024)
def input_preview(formula: str, unit: str | None, seed: int) -> InputPreview | None:
    """The distribution of one input's formula alone (the engine samples a
    one-cell model: :data:`PREVIEW_SAMPLES` draws, ``seed``), for the small
    histogram next to its box; None when the engine refuses the formula.

    Keyed on the formula, not on the model, so changing one input redraws one
    preview.  The quantiles are exact (the distribution's inverse CDF) when
    the formula is one distribution, else those of the samples; the bins span
    the 0.1% to 99.9% quantiles, the samples beyond left out (as on the Deal
    tab), on a log scale when the input is positive and its 95% quantile is
    more than 30 times its 5%.  ``unit`` is the cell's declared unit (a unit
    the model file defines itself, unknown here, is left out: the formula's
    numbers are already in it)."""
    import numpy as np

    from dealvalue.errors import UnitMismatchError

    m = dv.Model("preview")
    try:
        try:
            m.add("x", formula, unit=unit)
        except UnitMismatchError:  # a unit the model file defines (microdoom): the formula's numbers are in it
            m.add("x", formula)
        r = m.simulate(n=PREVIEW_SAMPLES, seed=seed)
    except DealValueError:
        return None
    d = m.distribution("x")
    qs = (0.05, 0.5, 0.95)
    marks = tuple(float(d.quantile(q)) for q in qs) if d is not None else tuple(r.quantile("x", q) for q in qs)
    x = r["x"]
    if not np.all(np.isfinite(marks)) or float(np.ptp(x[np.isfinite(x)])) == 0.0:  # a constant: no bins
        return InputPreview((), (), (), (marks[0], marks[1], marks[2]), False)
    log = bool(marks[0] > 0 and marks[2] > 30 * marks[0])
    frame = r.histogram("x", bins=PREVIEW_BINS, log=log, clip=False)
    starts, ends = tuple(map(float, frame["start"])), tuple(map(float, frame["end"]))
    shares, q = tuple(map(float, frame["share"])), (marks[0], marks[1], marks[2])
    return InputPreview(starts, ends, shares, q, log, preview_svg(starts, ends, shares, q, log))


@st.cache_data(max_entries=64, show_spinner=False)
def tornado_table(spec: Spec, n: int, seed: int, target: str) -> pd.DataFrame:
    """The library's tornado of ``target`` (inputs at their 5th and 95th percentiles)."""
    return results(spec, n, seed).tornado(target).head(12).reset_index()


@st.cache_data(max_entries=32, show_spinner=False)
def deal_zopa(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """Quantiles of the ZOPA's ends, overall and where a ZOPA exists (``deals.zopa``)."""
    return deals.zopa(results(spec, n, seed))


@st.cache_data(max_entries=32, show_spinner=False)
def deal_point_decomposition(spec: Spec) -> pd.DataFrame:
    """The barrier decomposition with every input at its median (``deals.decomposition``)."""
    return deals.decomposition(current_model(spec)[0]).reset_index()


@st.cache_data(max_entries=32, show_spinner=False)
def deal_decomposition(spec: Spec, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The barrier decomposition at the medians and as a distribution over
    the samples (``deals.decomposition_distribution``)."""
    return deal_point_decomposition(spec), deals.decomposition_distribution(results(spec, n, seed))


@st.cache_data(max_entries=32, show_spinner=False)
def deal_interventions(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """The seed's interventions, ranked, on common random numbers (``deals.interventions``)."""
    model, _ = current_model(spec)
    table = deals.interventions(model, n=n, seed=seed).reset_index()
    described = {i.label: i.description for i in deals.default_interventions(model)}
    table["why"] = table["intervention"].map(described).fillna("")
    return table


@st.cache_data(max_entries=32, show_spinner=False)
def headline_sentence(spec: Spec, n: int, seed: int, with_interventions: bool) -> str:
    """The plain line under the headline (``deals.headline_sentence``): the
    best intervention only ``with_interventions`` (the Interventions tab's
    table has been computed for these inputs; too slow for every rerun)."""
    table = deal_interventions(spec, n, seed) if with_interventions else None
    return deals.headline_sentence(current_model(spec)[0], interventions=table)


@st.cache_data(max_entries=32, show_spinner=False)
def deal_window(spec: Spec, seed: int, axis: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(feasible) along ``axis`` and the window's ends (``deals.window``, ``deals.window_ends``)."""
    frame = deals.window(current_model(spec)[0], axis=axis, n=WINDOW_SAMPLES, seed=seed)
    return frame.reset_index(), deals.window_ends(frame)


@st.cache_data(max_entries=16, show_spinner=False)
def deal_thresholds(spec: Spec) -> pd.DataFrame:
    """Break-even values of each factor where bid = ask (``deals.thresholds``)."""
    return deals.thresholds(current_model(spec)[0]).reset_index()


@st.cache_data(max_entries=256, show_spinner=False)
def expression_latex(spec: Spec, text: str) -> str | None:
    """LaTeX of an expression the library printed (e.g. a break-even), read
    back through the safe formula parser; None when it is not in the formula
    language (then the page shows the text)."""
    model, _ = current_model(spec)
    try:
        return tex(model.formula_expr(text, keep=model.formulas))
    except DealValueError:
        return None


@st.cache_data(max_entries=16, show_spinner=False)
def deal_alternatives(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """Value per dollar of the deal against the shipped alternatives (``deals.compare_alternatives``)."""
    return deals.compare_alternatives(current_model(spec)[0], n=n, seed=seed).reset_index()


@st.cache_data(max_entries=16, show_spinner=False)
def deal_configurations(spec: Spec, configs: tuple[Any, ...], rules: Any, n: int, seed: int) -> pd.DataFrame:
    """Configurations compared on common random numbers, or why each is
    ruled out (``deals.compare_configurations``)."""
    return deals.compare_configurations(current_model(spec)[0], list(configs), rules, n=n, seed=seed).reset_index()


@st.cache_data(max_entries=16, show_spinner=False)
def deal_voi(spec: Spec, seed: int) -> tuple[pd.DataFrame, str]:
    """EVPI of the decision to prepare the deal and the EVPPI of the inputs
    that matter most (``deals.value_of_information``), and the best option."""
    v = deals.value_of_information(current_model(spec)[0], n=VOI_SAMPLES, seed=seed)
    return v.reset_index(), str(v.attrs.get("best_option", ""))


@st.cache_data(max_entries=32, show_spinner=False)
def sobol_table(spec: Spec, seed: int, target: str) -> pd.DataFrame:
    """First-order and total Sobol indices of ``target`` with bootstrap
    intervals (``dealvalue.analysis.sobol``; correlated inputs grouped)."""
    model, _ = current_model(spec)
    return analysis.sobol(model, target, n=SOBOL_ROWS, seed=seed, correlated="group").reset_index()


@st.cache_data(max_entries=64, show_spinner=False)
def summary_table(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """The library's summary of every cell."""
    return results(spec, n, seed).summary()


@st.cache_data(max_entries=64, show_spinner=False)
def formulas_latex(spec: Spec) -> list[tuple[str, str, str]]:
    """Each formula cell as (name, label, LaTeX of ``name = formula``), the
    formula written over the cells it names directly."""
    m, _ = current_model(spec)
    out = []
    for name in m.formulas:
        try:
            rhs = m.formula_expr(m.cell(name).formula, keep=m.formulas)
        except DealValueError:  # a formula holding a distribution literal
            rhs = m.expr(name, keep=[f for f in m.formulas if f != name])
        out.append((name, m.cell(name).label, f"{symbol_tex(name)} = {tex(rhs)}"))
    return out


@st.cache_data(max_entries=64, show_spinner=False)
def break_even(spec: Spec, left: str, right: str) -> list[tuple[str, str]]:
    """Break-even of ``left = right`` (e.g. bid = ask) for each cell the two
    formulas name directly, as (cell, LaTeX of its solution): ``Model.solve``
    solves the equation written over the cells one level down
    (``W c_ai = R / c_h`` gives ``c_ai* = R / (W c_h)``)."""
    m, _ = current_model(spec)
    equation = f"({m.cell(left).formula}) - ({m.cell(right).formula})"
    named = sorted(str(s) for s in m.formula_expr(equation, keep=m.formulas).free_symbols)
    out = []
    for name in named:
        if name not in m:
            continue
        try:
            sols = m.solve(equation, for_=name, keep=m.formulas)
        except (NotImplementedError, DealValueError):  # no closed form: say nothing rather than guess
            continue
        out += [(name, tex(s)) for s in sols]
    return out


#: What the Compare tab overlays: (role, log scale, only where this role is 1), the surplus ratio ``F`` in every
#: sample where the model has it (a deal exists right of 1), else the surplus where a deal exists.
COMPARE_CHARTS = (("ask", True, None), ("bid", True, None), ("F", True, None), ("surplus", True, "feasible"))


@st.cache_data(max_entries=16, show_spinner=False)
def compare_models(texts: tuple[tuple[str, str], ...], n: int, seed: int) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Headline cells of several models (input sets, scenarios) run with the
    same seed, each after the first as a paired difference from the first
    (``deals.scenarios.compare``), and the distributions of the ask, the bid
    and the surplus in each on shared bins (``plots.histograms``), by role.
    A run whose unit of a cell differs from the first's (a price in
    ``future_share``) is left out of that cell's chart."""
    from dealvalue import plots

    named = {label: base_model(text) for label, text in texts}
    role = deals.roles(next(iter(named.values())))
    cells = [role[k] for k in ("feasible", "value_us", "ask", "bid", "surplus", "F") if k in role]
    runs = {label: m.simulate(n=n, seed=seed, keep=[c for c in cells if c in m] or "all") for label, m in named.items()}
    table = compare(runs, n=n, seed=seed)
    charts: dict[str, pd.DataFrame] = {}
    for what, log, where in COMPARE_CHARTS:
        if what not in role or (what == "surplus" and "F" in charts) or (where is not None and where not in role):
            continue
        cell, ref = role[what], next(iter(runs.values()))
        same = {label: r for label, r in runs.items() if cell in r.model and (where is None or role[where] in r.model)
                and plots.unit_of(r, cell) == plots.unit_of(ref, cell)}
        charts[what] = plots.histograms(same, cell, bins=HIST_BINS, log=log, where=role[where] if where else None)
    return table, charts


@st.cache_data(max_entries=4, show_spinner=False)
def one_page(spec: Spec, n: int, n_view: int, seed: int, main: str, link: str, model_label: str, made: str,
             configuration: str | None, edited: tuple[tuple[str, str, str, str], ...]) -> str:
    """The one-page summary of the page (:func:`dealvalue.webapp.onepage.summary_html`): the
    headline from the run of ``n`` samples, the charts and interventions from the first ``n_view``."""
    from .onepage import summary_html

    model, _ = current_model(spec)
    deal = all(c in model for c in deals.CORE)
    return summary_html(model, results(spec, n, seed), results(spec, n_view, seed),
                        deal_interventions(spec, n_view, seed) if deal else None, edited, link, seed=seed,
                        model_label=model_label, made=made, configuration=configuration, main=main)


@st.cache_data(max_entries=2, show_spinner=False)
def workbook_bytes(spec: Spec, n: int, seed: int, main: str) -> bytes:
    """The Excel workbook of the current model (``dealvalue.deals.sheets.to_excel``
    with these results; ``main`` is the output its histogram and tornado show)."""
    model, _ = current_model(spec)
    r = results(spec, n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dealvalue.xlsx"
        to_excel(model, str(path), r, main=main)
        return path.read_bytes()


# Assessments (dealvalue.assess).  The database is an input that other
# people change, so what is read from it is keyed on ``stamp``: the ids of
# the system's assessments (the store is append-only, so the ids say what is
# in it).  Reading the ids and the history is a quick query and is not cached.

def assess_database() -> tuple[str, str]:
    """The database the page writes to: ``$DEALVALUE_DB``, else the default
    SQLite file, as (URL, URL with its password hidden)."""
    from dealvalue.assess import database
    from dealvalue.assess.db import resolve_url

    return resolve_url().render_as_string(hide_password=False), database()


def assess_systems(url: str) -> pd.DataFrame:
    """The registered systems (``assess.systems``)."""
    from dealvalue import assess

    return assess.systems(db=url)


def assess_history(url: str, system: str | None, current_only: bool = False) -> pd.DataFrame:
    """Stored assessments, oldest first (``assess.assessments``)."""
    from dealvalue import assess

    return assess.assessments(system=system, current_only=current_only, db=url)


def assess_register(url: str, name: str, developer: str, version: str, release_date: str) -> pd.DataFrame:
    """Register an AI system (``assess.add_system``)."""
    from dealvalue import assess

    return assess.add_system(name, developer=developer, version=version, release_date=release_date or None, db=url)


@st.cache_data(max_entries=64, show_spinner=False)
def assess_inputs(url: str, assessment: int) -> pd.DataFrame:
    """The inputs set in one stored assessment (``assess.inputs``; stored rows never change)."""
    from dealvalue import assess

    return assess.inputs(assessment, db=url)


@st.cache_data(max_entries=32, show_spinner=False)
def assess_trend(url: str, system: str, stamp: tuple[int, ...]) -> pd.DataFrame:
    """P(feasible) over assessment date, per assessor and pooled (``assess.trend``)."""
    from dealvalue import assess

    return assess.trend(system, db=url)


@st.cache_data(max_entries=32, show_spinner=False)
def assess_pool(url: str, system: str, stamp: tuple[int, ...], seed: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The assessors' current views side by side with their linear opinion
    pool (``assess.pool``), the inputs they disagree on most
    (``assess.disagreement``), and the samples per assessor used."""
    from dealvalue import assess
    from dealvalue.assess.pool import POOL_N

    return (assess.pool(system, seed=seed, db=url).reset_index(),
            assess.disagreement(system, seed=seed, db=url).reset_index(), POOL_N)


@st.cache_data(max_entries=64, show_spinner=False)
def assessed_inputs(spec: Spec) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """What recording ``spec`` stores: the shipped model's name (``deal``,
    ``scenarios/<name>``; None for a model file's text or a model changed in
    the cell table) and the inputs edited on the page, as formulas."""
    from dealvalue import models

    text, table_edits, input_edits = spec
    shipped = None
    if not table_edits:
        named = {name: models.text(name) for name in models.names()}
        named.update({f"scenarios/{name}": models.scenario_path(name).read_text(encoding="utf-8")
                      for name in models.scenario_names()})
        shipped = next((name for name, t in named.items() if t == text), None)
    formulas = tuple((cell, str(dict(fields)["formula"])) for cell, fields in input_edits
                     if fields is not None and "formula" in dict(fields))
    return shipped, formulas


def assess_record(url: str, spec: Spec, n: int, seed: int, system: str, assessor: str, date: str,
                  note: str) -> pd.DataFrame:
    """Record ``spec`` as an assessment (``assess.add``): the model is the
    shipped model's name, else the model file's text as it was loaded (or,
    when the cell table changed it, the changed model); the inputs are the
    ones edited on the page.  Returns the new row."""
    from dealvalue import assess

    text, table_edits, _ = spec
    shipped, formulas = assessed_inputs(spec)
    inputs = dict(formulas)
    if shipped is not None:
        return assess.add(shipped, system=system, assessor=assessor, date=date, inputs=inputs, note=note, n=n,
                          seed=seed, db=url)
    if table_edits:
        return assess.add(staged_model(text, table_edits)[0], system=system, assessor=assessor, date=date,
                          inputs=inputs, note=note, n=n, seed=seed, db=url)
    with tempfile.TemporaryDirectory() as tmp:  # the file's own text is what is stored
        path = Path(tmp) / "model.toml"
        path.write_text(text, encoding="utf-8")
        return assess.add(str(path), system=system, assessor=assessor, date=date, inputs=inputs, note=note, n=n,
                          seed=seed, db=url)
