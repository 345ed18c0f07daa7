"""dealvalue in the browser: is a deal with an early misaligned AI feasible,
and what is it worth?

Run with ``make app`` (or ``streamlit run app.py``).  The page is a thin
layer over the library: ``main()`` lays out the page and each panel is one
function.  Every number shown comes from a library call, cached on all of its
inputs (the model file text, the user's edits, the sample count and the seed).

State kept per browser session (``st.session_state``):

``base``
    The model file text the page starts from (the deal model, a shipped
    scenario, a saved scenario or an uploaded file).
``gen``
    A counter bumped whenever ``base`` changes, so the input widgets of the
    previous model are dropped instead of carrying stale text over.
``scenarios``
    Saved scenarios: name -> model file text (inputs included).
"""

from __future__ import annotations

import importlib.util
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import dealvalue as dv
from dealvalue.stats import Z_95
from dealvalue.errors import DealValueError

ROOT = Path(__file__).resolve().parent
MODELS = ROOT / "dealvalue" / "models"
SCENARIO_DIR = MODELS / "scenarios"
SAMPLE_CHOICES = (1_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
DEFAULT_SAMPLES = 100_000
DEFAULT_SEED = 1
MAX_UPLOAD_BYTES = 200_000  # a model file is a few KB; .streamlit/config.toml caps uploads at 1 MB
HIST_BINS = 60

# A table edit or an input edit: (cell name, ((field, value), ...)), or
# (cell name, None) to remove the cell.  Tuples, so they hash for the caches.
Edit = tuple[str, tuple[tuple[str, Any], ...] | None]
Spec = tuple[str, tuple[Edit, ...], tuple[Edit, ...]]  # (base text, table edits, input edits)

CELL_FIELDS = ("formula", "unit", "label", "group", "description")


def _has_module(name: str) -> bool:
    """True when the optional library module ``dealvalue.<name>`` exists."""
    return importlib.util.find_spec(f"dealvalue.{name}") is not None


def default_model_path() -> Path:
    """The taxonomy deal model once it exists, else the engine's example."""
    deal = MODELS / "deal.toml"
    return deal if deal.exists() else MODELS / "evidence.toml"


def shipped_scenarios() -> dict[str, Path]:
    """Documented scenarios shipped in ``models/scenarios/``, by file stem."""
    if not SCENARIO_DIR.is_dir():
        return {}
    return {p.stem.replace("_", " "): p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


# --------------------------------------------------------------------------- library calls, cached

@st.cache_resource(max_entries=32, show_spinner=False)
def base_model(text: str) -> dv.Model:
    """The model in a model file's text (shared: callers must not change it)."""
    return dv.Model.loads(text, "model file")


def apply_edits(model: dv.Model, edits: Sequence[Edit]) -> tuple[dv.Model, dict[str, str]]:
    """A copy of ``model`` with every valid edit applied, and the engine's
    message for each edit that could not be applied (by cell name).

    Edits are tried in passes, so a new cell may refer to another new cell
    listed after it; an edit that still fails after no more progress is
    possible is left out and reported, and the rest of the model keeps working.
    """
    m = model.copy()
    pending = list(edits)
    errors: dict[str, str] = {}
    while pending:
        errors = {}
        left: list[Edit] = []
        for name, fields in pending:
            try:
                if fields is None:
                    m.remove(name)
                elif name in m:
                    m.replace(name, **dict(fields))
                else:
                    m.add(name, **dict(fields))
            except DealValueError as exc:
                errors[name] = str(exc)
                left.append((name, fields))
        if len(left) == len(pending):
            break
        pending = left
    return m, errors


@st.cache_resource(max_entries=32, show_spinner=False)
def staged_model(text: str, table_edits: tuple[Edit, ...]) -> tuple[dv.Model, dict[str, str]]:
    """The base model with the table's edits (cells added, changed, removed)."""
    return apply_edits(base_model(text), table_edits)


@st.cache_resource(max_entries=32, show_spinner=False)
def current_model(spec: Spec) -> tuple[dv.Model, dict[str, str]]:
    """The model the page shows: base, then table edits, then input edits.
    Returns the model and the messages of edits that were refused."""
    text, table_edits, input_edits = spec
    staged, table_errors = staged_model(text, table_edits)
    model, input_errors = apply_edits(staged, input_edits)
    return model, {**table_errors, **input_errors}


@st.cache_resource(max_entries=8, show_spinner=False)
def results(spec: Spec, n: int, seed: int) -> dv.Results:
    """Monte Carlo results of the current model (shared: do not change)."""
    model, _ = current_model(spec)
    return model.simulate(n=n, seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def model_file_text(spec: Spec) -> str:
    """The current model (inputs included) as model file text."""
    return current_model(spec)[0].dumps()


def roles(model: dv.Model) -> dict[str, str]:
    """Which cells play the deal model's roles (by the names the deal model
    uses), for any model that names them: ``feasible``, ``ask``, ``bid``,
    ``value_us``, ``trust_inflation``, ``surplus`` ..."""
    candidates = {
        "feasible": ("feasible", "zopa_exists"),
        "ask": ("ask",),
        "bid": ("bid",),
        "value_us": ("value_us", "value_to_us", "ev_us"),
        "value_ai": ("value_ai", "value_to_ai"),
        "trust_inflation": ("trust_inflation",),
        "surplus": ("surplus", "zopa_width"),
        "price": ("price", "nash_price"),
        "F": ("F", "feasibility"),
    }
    out: dict[str, str] = {}
    for role, names in candidates.items():
        for name in names:
            if name in model:
                out[role] = name
                break
    return out


def unit_text(model: dv.Model, name: str) -> str:
    """The cell's unit for people ('' when dimensionless)."""
    from dealvalue.units import unit_text as _text

    return _text(model.unit(name))


@st.cache_data(max_entries=64, show_spinner=False)
def headline(spec: Spec, n: int, seed: int, main: str) -> list[dict[str, Any]]:
    """The headline metrics: P(ZOPA exists), expected value to us, the median
    ZOPA and the trust inflation, each with its Monte Carlo standard error;
    for a model without these cells, the main output's mean and median."""
    r = results(spec, n, seed)
    m = r.model
    role = roles(m)
    rows: list[dict[str, Any]] = []
    if "feasible" in role:
        c = role["feasible"]
        rows.append({"label": "P(a ZOPA exists)", "value": r.prob(c), "se": r.stderr(c), "unit": "", "kind": "prob",
                     "help": f"Share of samples where `{c}` holds: {m.cell(c).formula}"})
    if "value_us" in role:
        c = role["value_us"]
        rows.append({"label": "Expected value to us", "value": r.mean(c), "se": r.stderr(c), "unit": unit_text(m, c),
                     "kind": "num", "help": f"Mean of `{c}` ({m.cell(c).label}); zero when there is no deal"})
    if "ask" in role and "bid" in role and "feasible" in role:
        a, b = role["ask"], role["bid"]
        sub = feasible_subset(r, role["feasible"], (a, b))
        if sub.n >= 2:
            value = (sub.quantile(a, 0.5), sub.quantile(b, 0.5))
            se = (sub.quantile_stderr(a, 0.5), sub.quantile_stderr(b, 0.5))
        else:
            value, se = (math.nan, math.nan), (math.nan, math.nan)
        u = unit_text(m, a)
        rows.append({"label": f"Median ZOPA ({u})" if u else "Median ZOPA", "value": value, "se": se, "unit": u, "kind": "range",
                     "help": f"Where a deal exists ({sub.n:,} of {r.n:,} samples): from the median ask (`{a}`) to the median bid (`{b}`)"})
    if "trust_inflation" in role:
        c = role["trust_inflation"]
        rows.append({"label": "Trust inflation (median)", "value": r.quantile(c, 0.5), "se": r.quantile_stderr(c, 0.5),
                     "unit": "×", "kind": "num", "help": f"Median of `{c}` = {m.cell(c).formula}: how much less certain payments are worth"})
    if not rows:
        rows.append({"label": f"Mean of {main}", "value": r.mean(main), "se": r.stderr(main), "unit": unit_text(m, main),
                     "kind": "num", "help": m.cell(main).label or main})
        rows.append({"label": f"Median of {main}", "value": r.quantile(main, 0.5), "se": r.quantile_stderr(main, 0.5),
                     "unit": unit_text(m, main), "kind": "num", "help": m.cell(main).label or main})
    return rows


def feasible_subset(r: dv.Results, feasible: str, names: Iterable[str] | None = None) -> dv.Results:
    """The results restricted to the samples where ``feasible`` is 1 (and to
    the cells ``names``, default all), so the library's statistics, with
    their errors, describe deals that exist."""
    import dataclasses

    ok = r.get(feasible) == 1
    keep = r.values if names is None else {k: r.values[k] for k in names}
    return dataclasses.replace(r, values={k: v[ok] for k, v in keep.items()}, leaves={}, n=int(ok.sum()), _frame=None)


@st.cache_data(max_entries=64, show_spinner=False)
def histogram(spec: Spec, n: int, seed: int, names: tuple[str, ...], log: bool, where: str | None = None) -> pd.DataFrame:
    """Histogram of the samples of ``names`` on shared bins (log10 bins when
    ``log``), as rows: cell, bin start, bin end, share of samples.  With
    ``where`` (a 0/1 cell), only the samples where it is 1, and shares of those."""
    r = results(spec, n, seed)
    if where is not None:
        r = feasible_subset(r, where, names)
    arrays = {}
    for name in names:
        x = r.get(name)
        x = x[np.isfinite(x)]
        if log:
            x = x[x > 0]
        arrays[name] = x
    pooled = np.concatenate([a for a in arrays.values()]) if arrays else np.array([])
    if pooled.size == 0:
        return pd.DataFrame(columns=["cell", "start", "end", "share"])
    lo, hi = np.quantile(pooled, [0.001, 0.999])
    if log:
        edges = np.logspace(math.log10(lo), math.log10(hi), HIST_BINS + 1) if hi > lo else np.array([lo, lo * 1.01])
    else:
        edges = np.linspace(lo, hi, HIST_BINS + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
    frames = []
    for name, x in arrays.items():
        counts, _ = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
        frames.append(pd.DataFrame({"cell": name, "start": edges[:-1], "end": edges[1:], "share": counts / max(r.n, 1)}))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def tornado_table(spec: Spec, n: int, seed: int, target: str) -> pd.DataFrame:
    """The library's tornado of ``target`` (inputs at their 5th and 95th percentiles)."""
    return results(spec, n, seed).tornado(target).head(12).reset_index()


def core_missing(model: dv.Model) -> list[str]:
    from dealvalue import deals

    return [c for c in deals.CORE if c not in model]


def is_deal_model(model: dv.Model) -> bool:
    """True when the model names the core cells the deal functions need
    (``dealvalue.deals.CORE``) and the deals module exists."""
    if not _has_module("deals"):
        return False
    from dealvalue import deals

    return all(c in model for c in deals.CORE)


@st.cache_data(max_entries=32, show_spinner=False)
def deal_zopa(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """Quantiles of the ZOPA's ends, overall and where a ZOPA exists (``deals.zopa``)."""
    from dealvalue import deals

    return deals.zopa(results(spec, n, seed))


@st.cache_data(max_entries=32, show_spinner=False)
def deal_point_decomposition(spec: Spec) -> pd.DataFrame:
    """The barrier decomposition with every input at its median (``deals.decomposition``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    return deals.decomposition(model).reset_index()


@st.cache_data(max_entries=32, show_spinner=False)
def deal_decomposition(spec: Spec, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The barrier decomposition at the medians (``deals.decomposition``) and
    as a distribution over the samples (``deals.decomposition_distribution``)."""
    from dealvalue import deals

    return deal_point_decomposition(spec), deals.decomposition_distribution(results(spec, n, seed))


@st.cache_data(max_entries=32, show_spinner=False)
def deal_interventions(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """The seed's interventions, ranked, on common random numbers (``deals.interventions``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    table = deals.interventions(model, n=n, seed=seed).reset_index()
    described = {i.label: i.description for i in deals.default_interventions(model)}
    table["why"] = table["intervention"].map(described).fillna("")
    return table


WINDOW_SAMPLES = 4_000  # per capability value; 41 values on common random numbers


@st.cache_data(max_entries=32, show_spinner=False)
def deal_window(spec: Spec, seed: int, axis: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(feasible) along ``axis`` and the window's ends (``deals.window``, ``deals.window_ends``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    frame = deals.window(model, axis=axis, n=WINDOW_SAMPLES, seed=seed)
    return frame.reset_index(), deals.window_ends(frame)


@st.cache_data(max_entries=16, show_spinner=False)
def deal_thresholds(spec: Spec) -> pd.DataFrame:
    """Break-even values of each factor where bid = ask (``deals.thresholds``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    return deals.thresholds(model).reset_index()


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


@st.cache_data(max_entries=32, show_spinner=False)
def deal_rules(spec: Spec, rules: Any, config: Any) -> pd.DataFrame:
    """Eligibility and rule-out conditions at the medians (``deals.check_rules``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    return deals.check_rules(model, rules, config)


@st.cache_data(max_entries=16, show_spinner=False)
def deal_alternatives(spec: Spec, n: int, seed: int) -> pd.DataFrame:
    """Value per dollar of the deal against the shipped alternatives (``deals.compare_alternatives``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    return deals.compare_alternatives(model, n=n, seed=seed).reset_index()


@st.cache_data(max_entries=16, show_spinner=False)
def deal_configurations(spec: Spec, configs: tuple[Any, ...], rules: Any, n: int, seed: int) -> pd.DataFrame:
    """Configurations compared on common random numbers, or why each is
    ruled out (``deals.compare_configurations``)."""
    from dealvalue import deals

    model, _ = current_model(spec)
    return deals.compare_configurations(model, list(configs), rules, n=n, seed=seed).reset_index()


VOI_SAMPLES = 20_000


@st.cache_data(max_entries=16, show_spinner=False)
def deal_voi(spec: Spec, seed: int) -> tuple[pd.DataFrame, str]:
    """EVPI of the decision to prepare the deal and the EVPPI of the inputs
    that matter most (``deals.value_of_information``), and the best option."""
    from dealvalue import deals

    model, _ = current_model(spec)
    v = deals.value_of_information(model, n=VOI_SAMPLES, seed=seed)
    return v.reset_index(), str(v.attrs.get("best_option", ""))


SOBOL_ROWS = 4_000  # rows of each pick-freeze design: (k + 2) x 4,000 model runs, well under a second


@st.cache_data(max_entries=32, show_spinner=False)
def sobol_table(spec: Spec, seed: int, target: str) -> pd.DataFrame:
    """First-order and total Sobol indices of ``target`` with bootstrap
    intervals (``dealvalue.analysis.sobol``; correlated inputs grouped)."""
    from dealvalue import analysis

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
    formulas name directly, as (cell, LaTeX of its solution): sympy solves
    the equation written over the cells one level down (``W c_ai = R / c_h``
    gives ``c_ai* = R / (W c_h)``)."""
    import sympy

    m, _ = current_model(spec)
    e = m.formula_expr(f"({m.cell(left).formula}) - ({m.cell(right).formula})", keep=m.formulas)
    out = []
    for sym in sorted(e.free_symbols, key=lambda s: s.name):
        try:
            sols = sympy.solve(e, sym)
        except NotImplementedError:  # no closed form: say nothing rather than guess
            continue
        out += [(sym.name, tex(s)) for s in sols]
    return out


@st.cache_data(max_entries=16, show_spinner=False)
def compare_scenarios(texts: tuple[tuple[str, str], ...], n: int, seed: int) -> pd.DataFrame:
    """Headline cells of several scenarios run with the same seed (common
    random numbers): one row per scenario and cell with the mean and its
    standard error, and for each scenario after the first the paired
    difference from the first with its standard error
    (``dealvalue.analysis.scenario_difference``)."""
    from dealvalue import analysis

    rows = []
    runs = [(label, results((text, (), ()), n, seed)) for label, text in texts]
    ref_label, ref = runs[0]
    role = roles(ref.model)
    cells = [role[k] for k in ("feasible", "value_us", "ask", "bid", "surplus") if k in role] or list(ref.model.formulas[-1:])
    for label, r in runs:
        for c in cells:
            if c not in r.values:
                continue
            row: dict[str, Any] = {"scenario": label, "cell": c, "unit": unit_text(r.model, c), "mean": r.mean(c), "stderr": r.stderr(c)}
            if r is not ref and c in ref.values:
                d = analysis.scenario_difference(r, ref, c)
                row.update({f"minus {ref_label}": d.mean, "its stderr": d.stderr, "stderr if run independently": d.stderr_independent})
            rows.append(row)
    return pd.DataFrame(rows)


@st.cache_data(max_entries=2, show_spinner=False)
def workbook_bytes(spec: Spec, n: int, seed: int, main: str) -> bytes:
    """The Excel workbook of the current scenario (``dealvalue.deals.sheets.to_excel``
    with these results; ``main`` is the output its histogram and tornado show)."""
    model, _ = current_model(spec)
    r = results(spec, n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dealvalue.xlsx"
        if _has_module("deals"):
            from dealvalue.deals.sheets import to_excel  # with the deal sheets, for a model with the core cells

            to_excel(model, str(path), r, main=main)
        else:
            model.to_excel(str(path), r, main=main)
        return path.read_bytes()


# --------------------------------------------------------------------------- formatting

def symbol_tex(name: str) -> str:
    """LaTeX for a cell name (``c_h`` -> ``c_{h}``, ``risk_premium`` keeps its underscore)."""
    from dealvalue.model import latex_name

    return latex_name(name)


def tex(expr: Any) -> str:
    """A sympy expression as LaTeX, names as :func:`symbol_tex` prints them."""
    from dealvalue.model import expr_latex

    return expr_latex(expr)


_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|$~"


def md_escape(text: str) -> str:
    """Text shown literally in Markdown (user text and engine messages)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def error_markdown(message: str) -> str:
    """An engine message as Markdown: the sentence escaped, and the formula
    with its caret (when the engine points at a position) in a code block so
    the caret lines up."""
    head, *rest = message.split("\n")
    body = md_escape(head)
    if rest:
        body += "\n```text\n" + "\n".join(line.removeprefix("    ") for line in rest) + "\n```"
    return body


def fmt(x: float, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant digits, as 1.2k, 3.4M, 5.6B."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    g = f",.{digits}g"
    if a >= 1e9:
        s = f"{x / 1e9:{g}}B"
    elif a >= 1e6:
        s = f"{x / 1e6:{g}}M"
    elif a >= 1e4:
        s = f"{x / 1e3:{g}}k"
    elif a >= 1 or a == 0:
        s = f"{x:{g}}"
    else:
        s = f"{x:.{digits}g}"
    return f"{s} {unit}".strip() if unit and unit != "×" else (s + "×" if unit == "×" else s)


def metric_text(row: Mapping[str, Any]) -> tuple[str, str]:
    """The value and its Monte Carlo error as two strings."""
    if row["kind"] == "prob":
        return f"{100 * row['value']:.1f}%", f"± {100 * row['se']:.2f} pp (MC error)"
    if row["kind"] == "range":
        (lo, hi), (slo, shi) = row["value"], row["se"]
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return "none", "no sample has a ZOPA"
        if lo <= hi:  # two digits in the big number so it fits its box; three in the caption
            return f"{fmt(lo, digits=2)}–{fmt(hi, digits=2)}", f"{fmt(lo)} ± {fmt(slo)} to {fmt(hi)} ± {fmt(shi)} (MC error), where a deal exists"
        return "none", f"median ask {fmt(lo)} ± {fmt(slo)} > median bid {fmt(hi)} ± {fmt(shi)} {row['unit']}"
    return fmt(row["value"], row["unit"]), f"± {fmt(row['se'], row['unit'] if row['unit'] != '×' else '')} (MC error)"


# Tick labels of a log axis as 1k, 10M, 1B, 1T (Vega expressions; presentation only).
_SI_LABELS = ("abs(datum.value) >= 1e12 ? format(datum.value / 1e12, '~g') + 'T' : "
              "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : "
              "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '~g') + 'M' : "
              "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '~g') + 'k' : format(datum.value, '~g')")


def si_axis(title: str) -> alt.Axis:
    """A linear axis labelled 1k, 10M, 1B."""
    return alt.Axis(title=title, labelExpr=_SI_LABELS)


def log_axis(title: str) -> alt.Axis:
    """A log-scale axis with powers of ten labelled 1k, 10M, 1B and no dense grid."""
    return alt.Axis(title=title, labelExpr=_SI_LABELS, grid=False, tickCount=6)


def cell_label(model: dv.Model, name: str) -> str:
    """What people read for a cell: its label from the model, else its name
    (also for names that are not cells, such as correlated groups)."""
    return (model.cell(name).label or name) if name in model else name


def money_columns(frame: pd.DataFrame, model: dv.Model, names: Iterable[str]) -> dict[str, Any]:
    """Column formats: compact (17.3B) for every numeric column given."""
    return {c: st.column_config.NumberColumn(format="compact") for c in names if c in frame.columns}


def axis_title(model: dv.Model, name: str, what: str | None = None) -> str:
    u = unit_text(model, name)
    base = what or (model.cell(name).label or name)
    return f"{base} ({u})" if u else base


# --------------------------------------------------------------------------- session state and callbacks

def init_state() -> None:
    ss = st.session_state
    if "base" not in ss:
        path = default_model_path()
        ss.base = path.read_text(encoding="utf-8")
        ss.base_label = f"{path.name} (shipped)"
        ss.gen = 0
        ss.scenarios = {}
        ss.notice = ""
        ss.config = None
        ss.config_why = []


def set_base(text: str, label: str) -> None:
    """Start from another model: drop the edits made to the previous one."""
    ss = st.session_state
    ss.base = text
    ss.base_label = label
    ss.gen += 1
    ss.config = None
    ss.config_why = []


def on_source_change() -> None:
    ss = st.session_state
    choice = ss.get("source")
    if choice is None:
        return
    kind, _, name = choice.partition(": ")
    if kind == "shipped model":
        path = MODELS / name
        set_base(path.read_text(encoding="utf-8"), f"{name} (shipped)")
    elif kind == "shipped scenario":
        path = shipped_scenarios()[name]
        set_base(path.read_text(encoding="utf-8"), f"scenario {name} (shipped)")
        if _has_module("deals"):
            from dealvalue import deals

            ss.config = getattr(deals, "SCENARIOS", {}).get(path.stem)  # the configuration the file was built from
    elif kind == "saved scenario":
        set_base(ss.scenarios[name], f"scenario {name} (saved)")


def on_upload() -> None:
    ss = st.session_state
    f = ss.get("upload")
    if f is None:
        return
    if f.size > MAX_UPLOAD_BYTES:
        ss.notice = f"{f.name}: the file has {f.size:,} bytes; a model file may have at most {MAX_UPLOAD_BYTES:,}"
        return
    try:
        text = f.getvalue().decode("utf-8")
        base_model(text)
    except UnicodeDecodeError:
        ss.notice = f"{f.name}: not UTF-8 text; a model file is TOML text"
        return
    except DealValueError as exc:
        ss.notice = f"{f.name}: {exc}".replace("model file: ", "")
        return
    ss.notice = ""
    set_base(text, f"{f.name} (uploaded)")


def on_save_scenario(spec: Spec) -> None:
    ss = st.session_state
    name = (ss.get("scenario_name") or "").strip()
    if not name:
        ss.notice = "give the scenario a name before saving it"
        return
    ss.scenarios[name] = model_file_text(spec)
    ss.notice = ""


# --------------------------------------------------------------------------- panels

def model_panel() -> None:
    """Sidebar: where the model comes from (shipped, saved, uploaded)."""
    st.sidebar.header("Model")
    options = [f"shipped model: {p.name}" for p in sorted(MODELS.glob("*.toml"))]
    options += [f"shipped scenario: {name}" for name in shipped_scenarios()]
    options += [f"saved scenario: {name}" for name in st.session_state.scenarios]
    default = f"shipped model: {default_model_path().name}"
    st.sidebar.selectbox("Start from", options, index=options.index(default) if default in options else 0,
                         key="source", on_change=on_source_change,
                         help="Choosing a model or scenario replaces the inputs with its own.")
    with st.sidebar.expander("…or upload a model file (.toml)"):
        st.file_uploader("Model file (.toml)", type=["toml"], key="upload", on_change=on_upload,
                             help=f"A dealvalue model file, at most {MAX_UPLOAD_BYTES // 1000} KB. It is read as data: formulas go through the safe parser and nothing is run.")
    st.sidebar.caption(f"Now showing: **{st.session_state.base_label}**")


def on_apply_configuration(spec: Spec) -> None:
    """Set the factor defaults of the chosen configuration (``deals.configure``)
    on the current model, and keep the reasons to show them."""
    from dealvalue import deals

    ss = st.session_state
    try:
        config = deals.Configuration(ss.cfg_good, ss.cfg_payment, ss.cfg_counterparty, ss.cfg_profile,
                                     upfront=float(ss.cfg_upfront), ai_policies=frozenset(ss.get("cfg_policies") or ()))
        model, why = deals.configure(current_model(spec)[0], config)
        text = model.dumps()
    except (DealValueError, ValueError) as exc:
        ss.notice = f"configuration: {exc}"
        return
    ss.notice = ""
    set_base(text, f"configured: {config.name}")
    ss.config = config
    ss.config_why = why.to_dict("records")


def configuration_panel(spec: Spec) -> None:
    """Sidebar: a deal configuration (good x payment quadrant x counterparty x
    AI profile x upfront share) sets the factors it touches, with the reason."""
    from dealvalue import deals

    with st.expander("Deal configuration", expanded=False):
        st.caption("Sets the defaults of the factors a configuration touches, with the seed's reason "
                   "(shown under the Configurations tab). Your other inputs stay.")
        current = st.session_state.get("config")
        for kind, table, key in (("good bought", deals.GOODS, "cfg_good"), ("payment quadrant", deals.PAYMENTS, "cfg_payment"),
                                 ("human counterparty", deals.COUNTERPARTIES, "cfg_counterparty"),
                                 ("AI motivation profile", deals.PROFILES, "cfg_profile")):
            keys = list(table)
            attr = key.removeprefix("cfg_")
            default = keys.index(getattr(current, attr)) if current is not None else 0
            st.selectbox(kind.capitalize(), keys, index=default, key=key, format_func=lambda k, t=table: t[k].label,
                         help="; ".join(table[keys[0]].examples) if kind == "payment quadrant" else None)
        ex = deals.PAYMENTS[st.session_state.get("cfg_payment") or next(iter(deals.PAYMENTS))].examples
        st.caption("Payment examples: " + md_escape("; ".join(ex)))
        st.slider("Upfront share of the payment", 0.0, 1.0, float(current.upfront) if current is not None else 0.0, 0.05, key="cfg_upfront",
                  help="Paid now, needing only the AI's connection to reality; capped at what the payment quadrant allows.")
        st.multiselect("Bargaining policies the AI uses", ["threats"], default=sorted(current.ai_policies) if current is not None else [],
                       key="cfg_policies", help="Rule-out conditions may refuse to deal with some policies (by default, threats).")
        st.button("Apply configuration", on_click=on_apply_configuration, args=(spec,), width="stretch")


def rules_panel() -> Any:
    """Sidebar: eligibility and rule-out conditions (``deals.RuleOuts``)."""
    from dealvalue import deals

    with st.expander("Rule-out conditions", expanded=False):
        st.caption("A deal that breaks one is reported as ruled out, with the reason, not as a number. "
                   "Checked at the medians.")
        cap = st.number_input("Cap on the AI's reservation price (USD)", min_value=0.0, value=None, step=1e6, format="%.4g", key="rule_cap")
        lo = st.number_input("Least capability we deal with", value=None, step=0.5, key="rule_cap_lo")
        hi = st.number_input("Greatest capability we deal with", value=None, step=0.5, key="rule_cap_hi")
        pmax = st.number_input("Most takeover odds we deal with", min_value=0.0, max_value=1.0, value=None, step=0.05, key="rule_p_hi")
        tags = sorted(set().union(*[o.tags for o in deals.PROFILES.values()]))
        refused = st.multiselect("Values we will not trade with", tags, key="rule_values")
        policies = st.multiselect("Bargaining policies we will not trade with", ["threats"], default=["threats"], key="rule_policies")
        minimal = st.checkbox("Require the minimal conditions (behaves better when offered a deal; tracks follow-through)",
                              value=True, key="rule_minimal")
    try:
        return deals.RuleOuts(capability=(lo, hi), p_takeover=(None, pmax), max_reservation_price=cap,
                              refused_values=frozenset(refused), refused_policies=frozenset(policies), require_minimal=minimal)
    except ValueError as exc:
        st.error(md_escape(str(exc)))
        return deals.RuleOuts()


def sampling_panel() -> tuple[int, int]:
    """Sidebar: sample count and seed (call inside the sidebar)."""
    st.header("Simulation")
    n = st.select_slider("Samples", options=SAMPLE_CHOICES, value=DEFAULT_SAMPLES, key="samples",
                                 format_func=lambda v: f"{v:,}",
                                 help="More samples, smaller Monte Carlo error (it falls as 1/√n).")
    seed = int(st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=DEFAULT_SEED, step=1, key="seed",
                                       help="Same seed, same random numbers: scenarios run with one seed differ only by their inputs."))
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


def with_last_valid(base: str, table_edits: tuple[Edit, ...], input_edits: tuple[Edit, ...],
                    staged: dv.Model, gen: int) -> tuple[Spec, dict[str, str], dict[str, str]]:
    """The spec the page runs: each input whose text the engine refuses falls
    back to the last formula it accepted for that cell in this session (the
    model's own formula if none), not to the shipped default.

    Returns the spec, the engine's message per refused cell, and per refused
    input the formula used in its place.  Accepted formulas are remembered in
    ``st.session_state.last_valid`` (keyed by model generation and cell).
    """
    ss = st.session_state
    last: dict[tuple[int, str], str] = ss.setdefault("last_valid", {})
    spec: Spec = (base, table_edits, input_edits)
    _, errors = current_model(spec)
    typed = {name for name, _ in input_edits}
    refused = {name for name in errors if name in typed}
    fallback: dict[str, str] = {}
    if refused:
        kept: list[Edit] = []
        for name, fields in input_edits:
            if name not in refused:
                kept.append((name, fields))
                continue
            prev = last.get((gen, name), staged.cell(name).formula if name in staged else "")
            fallback[name] = prev
            if name in staged and prev != staged.cell(name).formula:
                kept.append((name, (("formula", prev),)))
        spec = (base, table_edits, tuple(kept))
        _, again = current_model(spec)
        errors = {**again, **{name: errors[name] for name in refused}}
    typed_text = {c: str(dict(f).get("formula", "")) for c, f in input_edits if f is not None}
    for name in staged.inputs:  # remember what the engine accepted (the model's own text included)
        if name not in refused:
            last[(gen, name)] = typed_text.get(name) or staged.cell(name).formula
    return spec, errors, fallback


@st.cache_data(max_entries=32, show_spinner=False)
def headline_sentence(spec: Spec, n: int, seed: int, with_interventions: bool) -> str:
    """One plain-language line under the headline: whether a deal exists at
    the medians (``deals.decomposition``'s ln F), the barrier that binds most
    (its most negative term) and, when ``with_interventions`` (they have been
    run for these inputs: 0.5 to 1 s at 100,000 samples, too slow for every
    rerun), the best intervention per dollar (``deals.interventions``, the
    Interventions tab's table); else a pointer to that tab."""
    model, _ = current_model(spec)
    point = deal_point_decomposition(spec)
    total = point[point["term"] == "ln F"].iloc[0]
    lnf = float(total["log_units"])
    parts = []
    if not math.isfinite(lnf):
        parts.append("With every input at its median the ask or the bid is not positive, so there is no deal")
    elif lnf >= 0:
        parts.append(f"With every input at its median a deal exists: the bid is {math.exp(lnf):.2g}× the ask")
    else:
        parts.append(f"With every input at its median there is no deal: the ask is {math.exp(-lnf):.2g}× the bid")
    terms = point[point["term"] != "ln F"]
    if not terms.empty:
        worst = terms.iloc[int(np.argmin(terms["log_units"].to_numpy(dtype=float)))]
        if float(worst["log_units"]) < 0:
            parts.append(f"the barrier that binds most is {cell_label(model, str(worst['term']))} "
                         f"(it scales bid / ask by {math.exp(float(worst['log_units'])):.2g})")
    if not with_interventions:
        parts.append("the best intervention per dollar: see Interventions")
        return "; ".join(parts) + "."
    t = deal_interventions(spec, n, seed)
    if not t.empty:
        free = t["free"].astype(bool) if "free" in t.columns else (t["cost"] == 0)
        helps = t[t["delta_value"] > 0]
        if not helps.empty:
            best = helps.iloc[0]
            vu = unit_text(model, "value_to_us") if "value_to_us" in model else ""
            if bool(free[helps.index[0]]):
                how = f"free, and it adds {100 * float(best['delta_p']):.1f} pp to P(a ZOPA exists)"
            else:
                how = f"{fmt(float(best['value_per_dollar']))} {vu} of expected value per USD".replace("  ", " ")
            parts.append(f"the best intervention per dollar is {best['intervention']}: {how}")
    return "; ".join(parts) + "."


def headline_panel(spec: Spec, n: int, seed: int, main: str) -> None:
    """The headline: P(ZOPA exists), expected value to us, median ZOPA, trust inflation."""
    rows = headline(spec, n, seed, main)
    cols = st.columns(len(rows))
    for col, row in zip(cols, rows):
        value, err = metric_text(row)
        col.metric(row["label"], value, help=row["help"], border=True)
        col.caption(err)


def zopa_panel(spec: Spec, n: int, seed: int) -> None:
    """Ask and bid distributions, with the ZOPA between them, and the surplus."""
    model, _ = current_model(spec)
    role = roles(model)
    if "ask" not in role or "bid" not in role:
        st.info("This model has no `ask` and `bid` cells, so there is no ZOPA to draw.")
        return
    a, b = role["ask"], role["bid"]
    hist = histogram(spec, n, seed, (a, b), True)
    u = unit_text(model, a)
    hist["cell"] = hist["cell"].map({a: f"AI's ask ({a})", b: f"our bid ({b})"})
    r = results(spec, n, seed)
    med_a, med_b = r.quantile(a, 0.5), r.quantile(b, 0.5)
    bars = alt.Chart(hist).mark_rect(opacity=0.55).encode(
        x=alt.X("start:Q", scale=alt.Scale(type="log"), axis=log_axis(f"price ({u}, log scale)")),
        x2="end:Q",
        y=alt.Y("share:Q", title="share of samples", stack=None),
        color=alt.Color("cell:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=[f"AI's ask ({a})", f"our bid ({b})"], range=["#e45756", "#4c78a8"])),
        tooltip=["cell", alt.Tooltip("start:Q", format=",.3g"), alt.Tooltip("end:Q", format=",.3g"), alt.Tooltip("share:Q", format=".3%")],
    )
    layers = [bars]
    if med_a <= med_b:
        zone = pd.DataFrame({"lo": [med_a], "hi": [med_b], "what": ["ZOPA at the medians"]})
        layers.insert(0, alt.Chart(zone).mark_rect(color="#2ca02c", opacity=0.15).encode(x="lo:Q", x2="hi:Q", tooltip=["what"]))
    meds = pd.DataFrame({"x": [med_a, med_b], "what": [f"median ask {fmt(med_a, u)}", f"median bid {fmt(med_b, u)}"],
                         "name": ["median ask", "median bid"], "align": ["left", "right"] if med_a > med_b else ["right", "left"]})  # labels point away from each other
    layers.append(alt.Chart(meds).mark_rule(strokeDash=[4, 3], color="black").encode(x="x:Q", tooltip=["what"]))
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", 4), ("right", -4))
    for side, dx in sides:  # each dashed line labelled at its top, on its outer side
        layers.append(alt.Chart(meds[meds["align"] == side]).mark_text(align=side, dx=dx, baseline="top", fontSize=11).encode(
            x="x:Q", y=alt.value(2), text="name:N"))
    st.altair_chart(alt.layer(*layers).properties(height=330, title="Ask and bid: a deal exists where the bid is above the ask"),
                    width="stretch")
    lines = f"Dashed lines: the median ask ({fmt(med_a, u)}) and the median bid ({fmt(med_b, u)})."
    if med_a <= med_b:
        st.caption(f"{lines} Between these medians of the samples lies a ZOPA (shaded).")
    else:
        st.caption(f"{lines} At these medians of the samples there is no ZOPA: the ask is above the bid.")
    if "F" in role:
        f = role["F"]
        fh = histogram(spec, n, seed, (f,), True)
        fh["side"] = np.where(fh["start"] >= 1, "bid ≥ ask: a deal exists", "bid < ask: no deal")
        chart = alt.Chart(fh).mark_rect().encode(
            x=alt.X("start:Q", scale=alt.Scale(type="log"), axis=log_axis(f"surplus ratio {f} = bid / ask (log scale)")), x2="end:Q",
            y=alt.Y("share:Q", title="share of samples"),
            color=alt.Color("side:N", title=None, legend=alt.Legend(orient="top"),
                            scale=alt.Scale(domain=["bid < ask: no deal", "bid ≥ ask: a deal exists"], range=["#e45756", "#54a24b"])),
            tooltip=[alt.Tooltip("start:Q", format=".3g"), alt.Tooltip("end:Q", format=".3g"), alt.Tooltip("share:Q", format=".2%")],
        ).properties(height=300, title="Surplus: how far the bid is above (or below) the ask")
        rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="black").encode(x="x:Q")
        st.altair_chart(chart + rule, width="stretch")
    if "surplus" in role and "feasible" in role:
        s = role["surplus"]
        sh = histogram(spec, n, seed, (s,), True, role["feasible"])
        if not sh.empty:
            chart = alt.Chart(sh).mark_rect(color="#54a24b").encode(
                x=alt.X("start:Q", scale=alt.Scale(type="log"), axis=log_axis(axis_title(model, s) + ", log scale")), x2="end:Q",
                y=alt.Y("share:Q", title="share of samples with a ZOPA"),
                tooltip=[alt.Tooltip("start:Q", format=",.3g"), alt.Tooltip("end:Q", format=",.3g"), alt.Tooltip("share:Q", format=".2%")],
            ).properties(height=280, title=f"Surplus where a deal exists: {model.cell(s).label or s}")
            st.altair_chart(chart, width="stretch")


def tornado_panel(spec: Spec, n: int, seed: int, target: str) -> None:
    """Tornado of the main output: each input at its 5th and 95th percentiles."""
    model, _ = current_model(spec)
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


def deal_tables_panel(spec: Spec, n: int, seed: int) -> None:
    """The ZOPA's ends as quantiles, overall and where a deal exists."""
    model, _ = current_model(spec)
    z = deal_zopa(spec, n, seed)
    u = unit_text(model, "ask")
    st.markdown(f"**The ZOPA's ends** ({u}; quantiles over the samples, and over those where a ZOPA exists)")
    shown = z.rename(columns={c: f"{100 * c:g}%" for c in z.columns if isinstance(c, float)})
    st.dataframe(shown, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="compact") for c in shown.columns if c != "n"})


def barriers_panel(spec: Spec, n: int, seed: int) -> None:
    """The barrier waterfall: log-units of F that each barrier adds or removes."""
    point, dist = deal_decomposition(spec, n, seed)
    terms = point[point["term"] != "ln F"].copy()
    terms["start"] = terms["cumulative"] - terms["log_units"]
    terms["effect"] = np.where(terms["log_units"] >= 0, "raises F", "removes (a barrier)")
    total = point[point["term"] == "ln F"].iloc[0]
    total_row = pd.DataFrame([{"term": "ln F (total)", "label": str(total["label"]), "start": 0.0, "cumulative": float(total["log_units"]),
                               "log_units": float(total["log_units"]), "multiplier": float(total["multiplier"]),
                               "effect": "total: feasible" if total["log_units"] >= 0 else "total: infeasible"}])
    bars = pd.concat([terms, total_row], ignore_index=True)
    model, _ = current_model(spec)
    labels = [cell_label(model, str(term)) for term in bars["term"]]
    if len(set(labels)) < len(labels):  # two terms with one label: fall back to the term names
        labels = list(bars["term"])
    bars["shown"] = labels
    bars.loc[bars.index[-1], "shown"] = "ln F (total)"
    order = list(bars["shown"])
    chart = alt.Chart(bars).mark_bar().encode(
        y=alt.Y("shown:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("start:Q", title="ln F, natural-log units (a deal exists where the total is ≥ 0)"),
        x2="cumulative:Q",
        color=alt.Color("effect:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["raises F", "removes (a barrier)", "total: feasible", "total: infeasible"],
                                        range=["#54a24b", "#e45756", "#4c78a8", "#9d755d"])),
        tooltip=[alt.Tooltip("shown:N", title="factor"), alt.Tooltip("term:N", title="cell"), alt.Tooltip("log_units:Q", format="+.3f", title="log-units"),
                 alt.Tooltip("multiplier:Q", format=".3g", title="scales F by")],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black").encode(x="x:Q")
    st.altair_chart((chart + zero).properties(height=alt.Step(28),
                                               title="Barrier waterfall at the medians: what each factor does to ln F"),
                    width="stretch")
    st.caption(f"ln F = ln(bid / ask) = {total['log_units']:+.2f} at the medians, so F = {fmt(float(total['multiplier']))}. "
               "Each bar is one factor's term; the terms add up to ln F. A term of −0.69 halves F.")
    st.markdown("**Over the samples** (mean log-units with Monte Carlo error, 90% range, and each term's share of the variance of ln F)")
    shown = dist.copy()
    shown.index = [("ln F (total)" if i == "ln F" else cell_label(model, str(i))) for i in shown.index]
    st.dataframe(shown, width="stretch", column_config={c: st.column_config.NumberColumn(format="%.3f") for c in shown.columns})
    st.caption(variance_share_note(shown))


def per_dollar_text(value: float, free: bool, delta: float) -> str:
    """A value-per-dollar cell for people: ``free`` for a free intervention
    (no ratio to show), blank when not costed, else three digits.

    >>> per_dollar_text(float("inf"), True, 5.0), per_dollar_text(1.344, False, 2.0), per_dollar_text(float("nan"), False, 1.0)
    ('free', '1.34', '')
    """
    if free:
        return "free" if delta > 0 else "free, no gain"
    if value is None or not math.isfinite(value):
        return ""
    return fmt(value)


def variance_share_note(table: pd.DataFrame) -> str:
    """The caption that explains ``variance_share`` on this table: what it
    is, and by name the terms whose share is negative or above 1."""
    note = ("variance_share = covariance of the term with ln F / variance of ln F; over the terms the shares add up to 1. "
            "A term that tends to move against ln F has a negative share, and then the others add up to more than 1.")
    if "variance_share" not in table.columns:
        return note
    terms = table.drop(index=[i for i in table.index if str(i).startswith("ln F")])["variance_share"]
    neg = [f"{i} ({v:.3f})" for i, v in terms.items() if v < 0]
    big = [f"{i} ({v:.3f})" for i, v in terms.items() if v > 1]
    if neg:
        note += " Here negative: " + ", ".join(neg) + "."
    if big:
        note += " Above 1: " + ", ".join(big) + "."
    return note


def interventions_panel(spec: Spec, n: int, seed: int) -> None:
    """The seed's interventions ranked by value per dollar, on common random numbers."""
    model, _ = current_model(spec)
    with st.spinner("Running each intervention on the same draws…"):
        t = deal_interventions(spec, n, seed)
    st.session_state.interventions_key = (spec, n, seed)  # the headline line may now name the best one
    if t.empty:
        st.info("None of the seed's interventions touches a cell of this model.")
        return
    t = t.copy()
    free = t["free"].astype(bool) if "free" in t.columns else (t["cost"] == 0)
    vu = unit_text(model, "value_to_us") if "value_to_us" in model else ""
    t["lo"] = t["delta_p"] - Z_95 * t["delta_p_stderr"]
    t["hi"] = t["delta_p"] + Z_95 * t["delta_p_stderr"]
    t["target"] = [cell_label(model, c) for c in t["cell"]]
    t["per_dollar"] = [per_dollar_text(v, f, d) for v, f, d in zip(t["value_per_dollar"], free, t["delta_value"])]
    if "microdoom_per_MUSD" in t.columns:
        t["doom_per_MUSD"] = [per_dollar_text(v, f, d) for v, f, d in zip(t["microdoom_per_MUSD"], free, t["delta_microdoom"])]
    order = list(t["intervention"])  # the library's ranking: free ones that help, then value per dollar
    bars = alt.Chart(t).mark_bar(color="#4c78a8").encode(
        y=alt.Y("intervention:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("delta_p:Q", title="change in P(a ZOPA exists) (probability, 95% interval)", axis=alt.Axis(format="+%")),
        tooltip=["intervention", alt.Tooltip("target:N", title="changes"), alt.Tooltip("delta_p:Q", format="+.2%"),
                 alt.Tooltip("delta_value:Q", format=",.3s", title=f"Δ E[value to us] ({vu})"),
                 alt.Tooltip("cost:Q", format=",.3s", title="cost (USD)"), alt.Tooltip("per_dollar:N", title="value per dollar")],
    )
    err = alt.Chart(t).mark_rule(color="black").encode(y=alt.Y("intervention:N", sort=order), x="lo:Q", x2="hi:Q")
    st.altair_chart((bars + err).properties(height=alt.Step(28),
                                             title="Interventions, ranked by value per dollar: change in P(a ZOPA exists)"),
                    width="stretch")
    unit = f"{vu} of expected value per USD spent" if vu else "per USD spent"
    st.markdown(f"**Ranked by value per dollar**, the chart's order (free interventions that help come first). "
                f"Value per dollar: {md_escape(unit)}.")
    cols = ["intervention", "cost", "delta_p", "delta_p_stderr", "delta_value", "per_dollar"]
    config: dict[str, Any] = {
        "intervention": st.column_config.TextColumn(width="medium"),
        "cost": st.column_config.NumberColumn("cost (USD)", format="compact"),
        "delta_p": st.column_config.NumberColumn("Δ P(ZOPA)", format="%+.4f"),
        "delta_p_stderr": st.column_config.NumberColumn("± (MC)", format="%.4f"),
        "delta_value": st.column_config.NumberColumn(f"Δ E[value to us] ({vu})", format="compact"),
        "per_dollar": st.column_config.TextColumn(f"value per dollar ({vu}/USD)" if vu else "value per dollar"),
    }
    if "doom_per_MUSD" in t.columns:
        cols.append("doom_per_MUSD")
        config["doom_per_MUSD"] = st.column_config.TextColumn("microdoom per M USD")
    st.dataframe(t[cols], hide_index=True, width="stretch", column_config=config)
    st.caption(f"{n:,} samples; every intervention runs on the same draws as the baseline, so the differences are paired. "
               "Costs are illustrative (the library's defaults).")
    with st.expander("Why each intervention (from the seed)"):
        st.markdown("\n".join(f"- **{md_escape(str(i))}** (changes {md_escape(str(c))}): {md_escape(str(w))}"
                              for i, c, w in zip(t["intervention"], t["target"], t["why"])))


def window_panel(spec: Spec, seed: int) -> None:
    """The window of viable deals: P(feasible) over the AI's capability."""
    model, _ = current_model(spec)
    axis = "capability"
    if axis not in model:
        st.info("This model has no `capability` cell, so there is no window of viable deals to draw.")
        return
    with st.spinner("Sweeping capability…"):
        frame, ends = deal_window(spec, seed, axis)
    frame = frame.copy()
    frame["lo"] = (frame["p_feasible"] - Z_95 * frame["stderr"]).clip(0, 1)
    frame["hi"] = (frame["p_feasible"] + Z_95 * frame["stderr"]).clip(0, 1)
    xt = axis_title(model, axis)
    band = alt.Chart(frame).mark_area(opacity=0.25, color="#4c78a8").encode(x=alt.X(f"{axis}:Q", title=xt), y="lo:Q", y2="hi:Q")
    line = alt.Chart(frame).mark_line(color="#4c78a8").encode(
        x=alt.X(f"{axis}:Q", title=xt),
        y=alt.Y("p_feasible:Q", title="P(a ZOPA exists) (probability)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{axis}:Q", format=".2f"), alt.Tooltip("p_feasible:Q", format=".1%")],
    )
    e = ends.iloc[0]
    layers = [band, line, alt.Chart(pd.DataFrame({"y": [e["level"]]})).mark_rule(strokeDash=[4, 3], color="gray").encode(y="y:Q")]
    if math.isfinite(e["start"]) and math.isfinite(e["end"]):
        layers.append(alt.Chart(pd.DataFrame({"x": [e["start"], e["end"]]})).mark_rule(color="#54a24b").encode(x="x:Q"))
    st.altair_chart(alt.layer(*layers).properties(height=330, title="Window of viable deals over capability"), width="stretch")
    if math.isfinite(e["start"]):
        st.caption(f"P(a ZOPA exists) is at least {e['level']:.0%} for capability from {e['start']:.2f} to {e['end']:.2f}; "
                   f"it peaks at {e['peak_p']:.1%} at {e['peak_at']:.2f}. Weak AIs: control extracts the good anyway; "
                   "strong AIs: takeover odds push the reservation price up. "
                   f"Band: 95% Monte Carlo interval ({WINDOW_SAMPLES:,} samples per point, common random numbers).")
    else:
        st.caption(f"P(a ZOPA exists) never reaches {e['level']:.0%}; it peaks at {e['peak_p']:.1%} at capability {e['peak_at']:.2f}.")
    if "value_to_us" in frame.columns:
        vu = unit_text(model, "value_to_us")
        chart = alt.Chart(frame).mark_line(color="#f58518").encode(
            x=alt.X(f"{axis}:Q", title=xt), y=alt.Y("value_to_us:Q", axis=si_axis(f"E[value to us] ({vu})")),
            tooltip=[alt.Tooltip(f"{axis}:Q", format=".2f"), alt.Tooltip("value_to_us:Q", format=",.3g")])
        st.altair_chart(chart.properties(height=280, title="Expected value of the deal to us over capability"), width="stretch")


def thresholds_panel(spec: Spec) -> None:
    """Break-even values of each factor, solved symbolically where sympy can."""
    with st.spinner("Solving for each factor's break-even…"):
        t = deal_thresholds(spec)
    st.markdown("**Break-even values** (where bid = ask with every other factor at its median)")
    for _, row in t.iterrows():
        expr = str(row["expression"] or "")
        if row["method"] != "symbolic" or not expr:
            continue
        main_expr, _, where = expr.partition(",  ")
        tex = expression_latex(spec, main_expr)
        if tex is None:
            continue
        relation = r"\geq" if row["feasible_when"] == "at least" else r"\leq"
        st.latex(f"{latex_name(str(row['factor']))} {relation} {tex}")
        if where:
            st.caption("where " + md_escape(where))
    st.dataframe(t[["factor", "label", "current", "break_even", "feasible_when", "within_range", "method"]], hide_index=True, width="stretch",
                 column_config={"label": st.column_config.TextColumn(width="medium"),
                                "current": st.column_config.NumberColumn("median now", format="compact"),
                                "break_even": st.column_config.NumberColumn("break-even", format="compact"),
                                "feasible_when": "a deal needs it", "within_range": "reachable",
                                "method": st.column_config.TextColumn(width="medium")})
    st.caption("'reachable' is false when the break-even lies outside the values the factor can take "
               "(a credibility above 1): that factor alone cannot make the deal feasible.")


def latex_name(name: str) -> str:
    """A cell name or product of names (``c_h * c_ai``) as LaTeX."""
    return " ".join(("\\cdot" if part == "*" else symbol_tex(part)) for part in name.split())


def ruled_out_panel(spec: Spec, rules: Any) -> bool:
    """Above the headline: the conditions this deal breaks, if any.  Returns
    True when the deal is ruled out (then the headline shows no numbers)."""
    ss = st.session_state
    checks = deal_rules(spec, rules, ss.get("config"))
    broken = checks[checks["status"] == "ruled out"]
    if broken.empty:
        return False
    st.error("**Ruled out.** " + " ".join(f"{md_escape(str(c))}: {md_escape(str(r))}." for c, r in zip(broken["condition"], broken["reason"]))
             + " Change the rule-out conditions or the configuration in the sidebar to see numbers.")
    return True


def configurations_panel(spec: Spec, rules: Any, n: int, seed: int) -> None:
    """Why the current configuration sets what it sets, and the shipped
    configurations compared with it on common random numbers."""
    from dealvalue import deals

    ss = st.session_state
    config = ss.get("config")
    if config is not None:
        st.markdown(f"**Current configuration:** {md_escape(config.name)}")
    if ss.get("config_why"):
        why = pd.DataFrame(ss.config_why)
        st.dataframe(why, hide_index=True, width="stretch",
                     column_config={"reason": st.column_config.TextColumn("why (from the seed)", width="large"),
                                    "previous": "before", "formula": "now", "set_by": "set by"})
    elif config is None:
        st.caption("Pick a configuration in the sidebar (Deal configuration) to set the factors it touches; "
                   "the reasons appear here.")
    configs = list(getattr(deals, "SCENARIOS", {}).values())
    if config is not None and config not in configs:
        configs.insert(0, config)
    if not configs:
        return
    m = min(n, 20_000)
    with st.spinner(f"Running {len(configs)} configurations on common random numbers…"):
        t = deal_configurations(spec, tuple(configs), rules, m, seed)
    capped = f", capped below the sidebar's {n:,} to keep this view quick" if m < n else ""
    st.markdown(f"**Configurations compared** on the current inputs ({m:,} samples each{capped}, seed {seed}; ruled-out ones say why)")
    vu = unit_text(current_model(spec)[0], "value_to_us") if "value_to_us" in current_model(spec)[0] else ""
    st.dataframe(t[["configuration", "status", "p_feasible", "stderr", "value_to_us", "value_to_us_stderr", "reason"]],
                 hide_index=True, width="stretch",
                 column_config={"p_feasible": st.column_config.NumberColumn("P(ZOPA)", format="%.3f"),
                                "stderr": st.column_config.NumberColumn("±", format="%.3f"),
                                "value_to_us": st.column_config.NumberColumn(f"E[value to us] ({vu})", format="compact"),
                                "value_to_us_stderr": st.column_config.NumberColumn("± ", format="compact"),
                                "reason": st.column_config.TextColumn(width="large")})


def alternatives_panel(spec: Spec, n: int, seed: int) -> None:
    """The deal's value per dollar against other uses of the money."""
    m = min(n, 20_000)
    with st.spinner("Running the deal and its alternatives…"):
        t = deal_alternatives(spec, m, seed)
    t = t.copy()
    t["lo"] = t["value_per_MUSD"] - Z_95 * t["stderr"]
    t["hi"] = t["value_per_MUSD"] + Z_95 * t["stderr"]
    t["kind"] = np.where(t["option"] == "deal", "this deal", "alternative")
    order = list(t["option"])
    bars = alt.Chart(t).mark_bar().encode(
        y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("value_per_MUSD:Q", title="expected value per dollar (microdoom per M USD, 95% interval)"),
        color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["this deal", "alternative"], range=["#f58518", "#4c78a8"])),
        tooltip=["option", alt.Tooltip("value_per_MUSD:Q", format=".3g"), alt.Tooltip("stderr:Q", format=".2g"), "note"],
    )
    err = alt.Chart(t).mark_rule(color="black").encode(y=alt.Y("option:N", sort=order), x="lo:Q", x2="hi:Q")
    st.altair_chart((bars + err).properties(height=alt.Step(36), title="The deal against other uses of the money"),
                    width="stretch")
    shown = t[["option", "value_per_MUSD", "stderr", "expected_value", "expected_cost"]].copy()
    # a blank, not "None", where the library has no number (the fixed alternative has no value or cost of its own)
    shown["expected_value"] = [fmt(x) if x is not None and math.isfinite(x) else "" for x in shown["expected_value"]]
    shown["expected_cost"] = [fmt(x) if x is not None and math.isfinite(x) else "" for x in shown["expected_cost"]]
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={"option": st.column_config.TextColumn(width="medium"),
                                "value_per_MUSD": st.column_config.NumberColumn("microdoom per M USD", format="%.3g"),
                                "stderr": st.column_config.NumberColumn("±", format="%.2g"),
                                "expected_value": st.column_config.TextColumn("E[value] (microdoom)"),
                                "expected_cost": st.column_config.TextColumn("E[cost] (USD)")})
    notes = [f"- **{md_escape(str(o))}**: {md_escape(str(x))}" for o, x in zip(t["option"], t["note"]) if x is not None and str(x).strip()]
    if notes:
        st.markdown("\n".join(notes))
    capped = f" (capped below the sidebar's {n:,} to keep this view quick)" if m < n else ""
    st.caption(f"{m:,} samples{capped}, seed {seed}. The deal's value per dollar is E[value delivered] / E[money paid]; "
               "it beats an alternative exactly when the deal is bought below our bid.")


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


def sobol_panel(spec: Spec, seed: int, target: str) -> None:
    """Variance shares: which uncertainty drives the output (Sobol indices)."""
    if not _has_module("analysis"):
        return
    try:
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


def m_formula(model: dv.Model, name: str) -> str:
    return model.cell(name).formula


def sympy_name(model: dv.Model, name: str) -> str:
    return symbol_tex(name)


def formulas_panel(spec: Spec, solve: bool = True) -> None:
    """Every formula, rendered as math, and (``solve``) the break-even of
    each factor of bid = ask solved symbolically."""
    model, _ = current_model(spec)
    role = roles(model)
    if solve and "ask" in role and "bid" in role:
        a, b = role["ask"], role["bid"]
        st.markdown(f"**Break-even** (sympy solves bid = ask, `{m_formula(model, b)}` = `{m_formula(model, a)}`, for each factor; "
                    "a deal needs the factor beyond this value)")
        for name, tex in break_even(spec, b, a):
            st.latex(f"{sympy_name(model, name)}^{{*}} = {tex}")
    st.markdown("**Formulas**")
    for name, label, tex in formulas_latex(spec):
        st.caption(label or name)
        st.latex(tex)


def scenarios_panel(spec: Spec, n: int, seed: int) -> None:
    """Save the current inputs under a name; compare scenarios side by side."""
    ss = st.session_state
    c1, c2 = st.columns([3, 1])
    c1.text_input("Scenario name", key="scenario_name", placeholder="e.g. honesty policy")
    c2.button("Save current inputs", on_click=on_save_scenario, args=(spec,), width="stretch")
    saved = {f"saved: {k}": v for k, v in ss.scenarios.items()}
    shipped = {f"shipped: {k}": p.read_text(encoding="utf-8") for k, p in shipped_scenarios().items()}
    options = {"current inputs": model_file_text(spec), **saved, **shipped}
    chosen = st.multiselect("Compare (the first is the reference)", list(options), default=list(options)[:2], key="compare")
    if len(chosen) < 2:
        st.caption("Save a scenario (or pick a shipped one) and choose two or more to compare them.")
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
    with st.spinner(f"Running {len(texts)} scenarios with {n:,} samples each, seed {seed}…"):
        table = compare_scenarios(texts, n, seed)
    st.caption(f"All scenarios use seed {seed}, so they share random numbers: differences are paired sample by sample, "
               "and their standard errors are much smaller than those of independent runs.")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"scenario": st.column_config.TextColumn(width="medium"),
                                **{c: st.column_config.NumberColumn(format="compact") for c in table.columns if c not in ("scenario", "cell", "unit")}})


def edit_panel(base: dv.Model, gen: int) -> tuple[Edit, ...]:
    """The model's cells as a table: change formulas, add or delete cells.

    Valid edits apply; each refused edit shows the engine's message next to
    its cell, and the rest of the model keeps working."""
    st.caption("Edit any cell, add rows for new cells, or delete rows. Formulas may name other cells; "
               "the engine's message appears under the table for a cell it cannot accept, and that cell keeps its previous formula.")
    rows = [{"name": c.name, **{f: (getattr(c, f) or "") for f in CELL_FIELDS}} for c in base.cells]
    frame = pd.DataFrame(rows, columns=["name", *CELL_FIELDS])
    edited = st.data_editor(frame, key=f"table:{gen}", num_rows="dynamic", hide_index=True, width="stretch",
                            column_config={"description": st.column_config.TextColumn(width="medium"),
                                           "formula": st.column_config.TextColumn(width="medium")})
    before = {r["name"]: r for r in rows}
    edits: list[Edit] = []
    seen = set()
    problems: list[str] = []
    for rec in edited.to_dict("records"):
        name = str(rec.get("name") or "").strip()
        if not name:
            continue
        if name in seen:
            problems.append(f"cell {name!r}: the name appears twice; the second row is ignored")
            continue
        seen.add(name)
        fields = {f: ("" if rec.get(f) is None or (isinstance(rec.get(f), float) and math.isnan(rec[f])) else str(rec[f])) for f in CELL_FIELDS}
        old = before.get(name)
        if old is not None and all(fields[f] == old[f] for f in CELL_FIELDS):
            continue
        if not fields["formula"].strip():
            problems.append(f"cell {name!r}: give it a formula (a number, a distribution or an expression)")
            continue
        clean: dict[str, Any] = {f: v for f, v in fields.items() if f != "unit"}
        clean["unit"] = fields["unit"] or None
        edits.append((name, tuple(sorted(clean.items()))))
    for name in before:
        if name not in seen:
            edits.append((name, None))
    for p in problems:
        st.error(md_escape(p))
    return tuple(edits)


def export_panel(spec: Spec, n: int, seed: int, main: str) -> None:
    """Sidebar: the Excel workbook of the current scenario and the model file."""
    ss = st.session_state
    st.header("Export")
    model, _ = current_model(spec)
    stem = "".join(ch if ch.isalnum() else "_" for ch in model.name).strip("_") or "model"
    key = (spec, n, seed, main)
    if _has_module("io.excel"):
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
    else:
        st.caption("Excel export is not available in this version of the library.")
    st.download_button("Model file (.toml)", data=model_file_text(spec), file_name=f"{stem}.toml",
                       mime="application/toml", on_click="ignore", width="stretch",
                       help="The model with your inputs, to load here again or with `dealvalue run`.")


def main() -> None:
    st.set_page_config(page_title="dealvalue: is there a deal?", layout="wide")
    # Less empty space above the title (a fixed style sheet; no user text goes into HTML).
    st.markdown("<style>.block-container {padding-top: 2.5rem;}</style>", unsafe_allow_html=True)
    init_state()
    ss = st.session_state
    model_panel()
    if ss.notice:
        st.sidebar.error(error_markdown(ss.notice))
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
    # Tabs run lazily: only the open one computes, so an input change costs
    # the simulation, the headline and one view.
    deal = is_deal_model(base)
    views = (["Deal", "Barriers", "Interventions", "Window", "Alternatives", "Configurations", "Sensitivity",
              "Thresholds & formulas"] if deal else ["Results", "Sensitivity", "Formulas"]) + ["Scenarios", "All cells"]
    tabs = dict(zip(views, right.tabs(views, key="view", on_change="rerun")))
    with right.expander("Edit cells: formulas, units, new cells", expanded=False):
        table_edits = edit_panel(base, ss.gen)
        table_slot = st.container()
    staged, table_errors = staged_model(ss.base, table_edits)
    with inputs_slot:
        input_edits, slots = inputs_panel(staged, ss.gen)
    spec, errors, fallback = with_last_valid(ss.base, table_edits, input_edits, staged, ss.gen)
    model, _ = current_model(spec)
    rules = None
    if deal:
        with config_slot:
            configuration_panel(spec)
            rules = rules_panel()
    for name, msg in errors.items():
        if name in slots:
            slots[name].error(error_markdown(msg), icon="⚠️")
            if name in fallback:
                slots[name].caption(f"Using {md_escape(fallback[name])}, the last valid value.")
    for name, msg in table_errors.items():
        table_slot.error(f"`{name}` not applied: " + error_markdown(msg))

    role = roles(model)
    outputs = list(model.formulas) or list(model.inputs)
    main_default = role.get("value_us") or role.get("surplus") or role.get("feasible") or outputs[-1]
    try:
        with st.spinner(f"Simulating {n:,} samples…"):
            results(spec, n, seed)
    except DealValueError as exc:
        head.error("The model cannot be run with these inputs: " + error_markdown(str(exc)))
        return
    with head:
        numbers = not (deal and ruled_out_panel(spec, rules))
        if numbers:
            headline_panel(spec, n, seed, main_default)
        sentence = head.empty()  # filled once the open tab has run (it may have run the interventions)
    deal = deal and is_deal_model(model)  # the user's edits may have removed a core cell
    first_tab = tabs[views[0]]
    if first_tab.open:
        with first_tab:
            zopa_panel(spec, n, seed)
            if deal:
                deal_tables_panel(spec, n, seed)
    for view, panel in (("Barriers", barriers_panel), ("Interventions", interventions_panel)):
        if view in tabs and tabs[view].open:
            with tabs[view]:
                if deal:
                    panel(spec, n, seed)
                else:
                    st.info("Your edits removed a cell the deal functions need: " + ", ".join(f"`{c}`" for c in core_missing(model)))
    if "Window" in tabs and tabs["Window"].open:
        with tabs["Window"]:
            if deal:
                window_panel(spec, seed)
            else:
                st.info("Your edits removed a cell the deal functions need.")
    if "Alternatives" in tabs and tabs["Alternatives"].open:
        with tabs["Alternatives"]:
            if deal:
                alternatives_panel(spec, n, seed)
            else:
                st.info("Your edits removed a cell the deal functions need.")
    if "Configurations" in tabs and tabs["Configurations"].open:
        with tabs["Configurations"]:
            if deal:
                configurations_panel(spec, rules, n, seed)
            else:
                st.info("Your edits removed a cell the deal functions need.")
    if tabs["Sensitivity"].open:
        with tabs["Sensitivity"]:
            sens_default = next((c for c in ("ln_F", "F") if c in outputs), main_default)
            shown = {c: (f"{cell_label(model, c)} ({c})" if cell_label(model, c) != c else c) for c in outputs}
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
    formulas_view = "Thresholds & formulas" if "Thresholds & formulas" in tabs else "Formulas"
    if tabs[formulas_view].open:
        with tabs[formulas_view]:
            if deal:
                thresholds_panel(spec)
            formulas_panel(spec, solve=not deal)
    if tabs["Scenarios"].open:
        with tabs["Scenarios"]:
            scenarios_panel(spec, n, seed)
    if tabs["All cells"].open:
        with tabs["All cells"]:
            summary = summary_table(spec, n, seed)
            st.dataframe(summary, width="stretch", column_config={
                "label": st.column_config.TextColumn(width="medium"),
                **{c: st.column_config.NumberColumn(format="compact") for c in ("mean", "stderr", "sd", "p5", "p50", "p95") if c in summary.columns}})
    if numbers and deal:
        ran = ss.get("interventions_key") == (spec, n, seed)
        sentence.markdown(md_escape(headline_sentence(spec, n, seed, ran))
                          + (" Details: Barriers and Interventions tabs." if ran else " Details: Barriers tab."))
    with export_slot:
        export_panel(spec, n, seed, main_default)


if __name__ == "__main__":
    main()
