"""Excel export: workbooks recalculated by LibreOffice must agree with the library.

One LibreOffice run (module fixture) recalculates every workbook these tests
need: a rich model's export, the same export edited by "an analyst" with
openpyxl, a printer workbook of tricky expressions, and the example in
``exports/``.  Values are compared with the library's own point evaluation
and simulation, a second route to each number.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import dealvalue as dv
from dealvalue import excel
from dealvalue.distributions import Beta, To
from dealvalue.excel_printer import ExcelError, cell_name, excel_formula, excel_forbids, excel_names, leaf_excel_name
from dealvalue.files import to_dict

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, convert, recalculate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "exports" / "example.xlsx"
needs_lo = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

HOSTILE = [
    '=HYPERLINK("http://example.com/x","click me")',
    "+1-2",
    "@SUM(A1:A2)",
    "-cmd|' /C calc'!A0",
    "=1+1",
    "0042",
    "1e5",
    "TRUE",
    "'quoted",
    "ünïcødé → ∞ 😀",
    "   spaces   ",
]
SIM_ROWS = 2000
ERRORS = ("#NAME?", "#VALUE!", "#DIV/0!", "#REF!", "#N/A", "#NUM!", "#NULL!", "Err:", "#ERR")


def rich_model() -> dv.Model:
    """Every distribution, forbidden and case-clashing names, literals inside
    formulas, every function of the formula language, hostile labels."""
    m = dv.Model('rich "model" =1+1', description="first line\n=HYPERLINK(\"x\") second line", seed=7)
    m.add("R", "10 to 100", unit="USD", label=HOSTILE[0], description=HOSTILE[3])
    m.add("W", "50 to 500", unit="USD", label=HOSTILE[1], group=HOSTILE[4])
    m.add("C", "norm(5, 1)", label=HOSTILE[2])
    m.add("x1", "lognorm(0, 0.5)", label=HOSTILE[3])
    m.add("R1C1", "uniform(1, 3)", label=HOSTILE[5])
    m.add("p", "beta(8, 2)", label=HOSTILE[6])
    m.add("q", "pert(0.1, 0.3, 0.9)", label=HOSTILE[7])
    m.add("tri", "triangular(0, 1, 4)", label=HOSTILE[8])
    m.add("flag", "bernoulli(0.7)", label=HOSTILE[9])
    m.add("mix", "mixture([1 to 10, norm(5, 1)], [0.3, 0.7])", label=HOSTILE[10])
    m.add("k", "2.5")
    m.add("money", "100 USD * (1 - 5%)")
    m.add("lit", "2 * (1 to 3)")
    m.add("neg", "-5 to 5")
    m.add("mx2", "0.5 * mixture([beta(2, 2), uniform(0, 1)], [1, 3])")
    m.add("c_h", "p * (1 - q) * clip(x1, 0.2, 5)", bounds=(0, 10))
    m.add("ask", "R / c_h")
    m.add("bid", "W * k / 10 + money * 0")
    m.add("Bid", "bid - 2 USD")
    m.add("gap", "Bid - ask")
    m.add("feasible", "Bid >= ask")
    m.add("value", "if(feasible, gap, 0)")
    m.add("wild", "-C**2 + sqrt(R1C1) / 2 + ln(x1 + 1) - exp(-tri) + abs(C - 5) + floor(tri) + ceil(-tri)"
          " + min(C, R1C1) + max(C, 4) + 2**-R1C1 + (tri > 1 and C < 6) + (not flag) + beta(2, 3)"
          " + log10(R1C1) + round(C, 1) + (neg != 0 or mix <= 3) + pi * 0.01 + mx2")
    m.add("ratio", "ask / 1 USD + tri ** 0.5 * (x1 - 1) ** 2 / (C * lit) + (C - 6) ** 3 + x1 ** (neg / 5) + mix")
    m.correlate("R", "W", 0.5)
    m.correlate("p", "q", -0.3)
    return m


# ---------------------------------------------------------------- helpers


def rows_by_name(ws: Any, name_col: int = 2) -> dict[str, int]:
    out = {}
    for r in range(1, ws.max_row + 1):
        v = ws.cell(row=r, column=name_col).value
        if isinstance(v, str) and v not in out:
            out[v] = r
    return out


def model_values(wb: Any) -> dict[str, float]:
    ws = wb["Model"]
    rows = rows_by_name(ws)
    return {n: ws.cell(row=r, column=excel.M_VALUE).value for n, r in rows.items() if r > 5}


def point_values(wb: Any) -> dict[str, float]:
    ws = wb["Inputs"]
    out = {}
    for n, r in rows_by_name(ws).items():
        v = ws.cell(row=r, column=excel.C_POINT).value
        if isinstance(v, (int, float)):
            out[n] = v
    return out


def sim_stats(wb: Any) -> dict[str, dict[str, float]]:
    ws = wb["Simulation"]
    out: dict[str, dict[str, float]] = {}
    for c in range(2, ws.max_column + 1):
        name = ws.cell(row=excel.SIM_HEADER_ROW, column=c).value
        if not name:
            continue
        out[name] = {stat: ws.cell(row=4 + k, column=c).value for k, stat in enumerate(excel.SIM_STATS)}
    return out


def sim_column(wb: Any, name: str) -> np.ndarray:
    ws = wb["Simulation"]
    c = next(c for c in range(2, ws.max_column + 1) if ws.cell(row=excel.SIM_HEADER_ROW, column=c).value == name)
    return np.array([ws.cell(row=r, column=c).value for r in range(excel.SIM_HEADER_ROW + 1, ws.max_row + 1)], dtype=float)


def error_cells(wb: Any) -> list[str]:
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(ERRORS):
                    bad.append(f"{ws.title}!{c.coordinate}={c.value}")
    return bad


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) or a == b


# ---------------------------------------------------------------- the LibreOffice run

PRINTER_CASES = [
    "-x**2", "-x**2*y", "(-x)**2", "-(x + y)**2", "2**-x", "x**-2", "x**(1/3)", "(x**2)**y", "x**y**2",
    "1/(x*y)", "x/(y*z)", "-x/y", "x - (y - z)", "x - y*z", "-(x - y)/z", "sqrt(x*y)/2", "1/sqrt(x)",
    "exp(-x)", "exp(x)**2", "log(x, 10)", "log(x)", "Abs(-x + y)", "floor(-x)", "ceiling(-x)", "ceiling(x)",
    "Min(x, -y, z)", "Max(x, y)", "Piecewise((1, x > y), (0, True))", "Piecewise((x, x >= y), (y, x < z), (z, True))",
    "Piecewise((1, And(x > 1, y < 3)), (0, True))", "Piecewise((1, Or(Eq(x, y), Ne(y, 1))), (0, True))",
    "Piecewise((1, Not(x > y)), (0, True))", "-x**2 + y**3 - 2*z", "3*x/7", "x*1.5e-7 + y*2.5e20", "pi*x", "E*x",
    "sign(-x)*floor(Abs(x)*10 + 1/2)/10", "(x - 3)**3", "-(x**y)", "x**(-y)", "sin(x) + cos(y) - tan(z)",
]
PRINTER_AT = {"x": 1.7, "y": 2.3, "z": 0.45}


def printer_workbook(path: Path) -> list[tuple[str, float]]:
    """A workbook with one printed formula per case, and the values sympy gives."""
    from openpyxl.workbook.defined_name import DefinedName

    syms = {n: sympy.Symbol(n, real=True) for n in PRINTER_AT}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P"
    for r, (n, v) in enumerate(PRINTER_AT.items(), start=1):
        ws.cell(row=r, column=1).value = v
        xn = "_" + n if excel_forbids(n) else n
        wb.defined_names[xn] = DefinedName(xn, attr_text=f"P!$A${r}")
    cases = []
    for r, text in enumerate(PRINTER_CASES, start=1):
        e = sympy.sympify(text, locals=syms)  # test-owned strings, not user input
        printed = excel_formula(e, {n: n for n in PRINTER_AT})
        ws.cell(row=r, column=2).value = "=" + printed
        ws.cell(row=r, column=3).value = printed
        cases.append((text, float(e.subs({syms[n]: v for n, v in PRINTER_AT.items()}).evalf(30))))
    wb.save(path)
    return cases


@pytest.fixture(scope="module")
def lo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Export, edit, recalculate: everything the LibreOffice tests read."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    d = tmp_path_factory.mktemp("lo")
    m = rich_model()
    r = m.simulate(n=10_000, seed=11)
    m.to_excel(d / "rich.xlsx", r, sim_rows=SIM_ROWS, sample_rows=500)
    shutil.copy(d / "rich.xlsx", d / "edited.xlsx")
    wb = openpyxl.load_workbook(d / "edited.xlsx")
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    ws.cell(row=rows["W"], column=excel.C_P1 + 1).value = 800          # 50 to 500 -> 50 to 800
    ws.cell(row=rows["p"], column=excel.C_POINT).value = 0.6          # typed over: a constant
    ws.cell(row=rows["wild__1"], column=excel.C_P1).value = 4         # beta(2, 3) -> beta(4, 3)
    ws.cell(row=rows["lit__1"], column=excel.C_P1 + 1).value = 5      # 1 to 3 -> 1 to 5 inside 2 * (...)
    wb.save(d / "edited.xlsx")
    printer_cases = printer_workbook(d / "printer.xlsx")
    sources = [d / "rich.xlsx", d / "edited.xlsx", d / "printer.xlsx"]
    if EXAMPLE.exists():
        sources.append(EXAMPLE)
    out = recalculate(sources, d / "out")
    books = {p.stem: openpyxl.load_workbook(p, data_only=True) for p in out}
    (pdf,) = convert([d / "rich.xlsx"], d / "pdf", "pdf")  # the one other LibreOffice start: printing
    return {"model": m, "results": r, "dir": d, "books": books, "files": dict(zip([s.stem for s in sources], out)),
            "printer": printer_cases, "pdf": pdf}


# ---------------------------------------------------------------- LibreOffice tests


@needs_lo
def test_every_model_cell_matches_point_evaluation(lo: dict[str, Any]) -> None:
    m = lo["model"]
    want = m.evaluate_all()
    got = model_values(lo["books"]["rich"])
    assert set(got) == set(m.formulas)
    for name in m.formulas:
        assert isinstance(got[name], (int, float)), (name, got[name])
        assert close(got[name], want[name]), (name, got[name], want[name])


@needs_lo
def test_point_values_on_inputs_sheet_are_medians(lo: dict[str, Any]) -> None:
    m = lo["model"]
    compiled = m.compile()
    points = {**m.point_values(), **{leaf: d.median() for leaf, d in compiled.leaves.items()}}
    got = point_values(lo["books"]["rich"])
    for name in list(m.inputs) + [leaf for leaf, o in m.compile().leaf_owner.items() if m.distribution(o) is None]:
        assert close(got[name], points[name]), (name, got[name], points[name])


@needs_lo
def test_printer_matches_sympy_in_a_real_spreadsheet(lo: dict[str, Any]) -> None:
    ws = lo["books"]["printer"]["P"]
    for r, (text, value) in enumerate(lo["printer"], start=1):
        got = ws.cell(row=r, column=2).value
        assert isinstance(got, (int, float)), (text, ws.cell(row=r, column=3).value, got)
        assert close(float(got), value, 1e-12), (text, ws.cell(row=r, column=3).value, got, value)


@needs_lo
def test_simulation_sheet_agrees_with_python_within_monte_carlo_error(lo: dict[str, Any]) -> None:
    m, r = lo["model"], lo["results"]
    stats = sim_stats(lo["books"]["rich"])
    n_py = r.n
    for name in m.names:
        s = stats[name]
        assert s["non-numeric rows"] == 0, name
        x = r.get(name)
        if np.ptp(x) == 0:
            assert close(s["mean"], float(x[0])) and s["sd"] == 0, (name, s)
            continue
        sd = float(np.std(x, ddof=1))
        se_mean = math.sqrt(sd**2 / SIM_ROWS + sd**2 / n_py)
        assert abs(s["mean"] - r.mean(name)) <= 5 * se_mean, (name, s["mean"], r.mean(name), se_mean)
        from scipy.stats import kurtosis

        if kurtosis(x) < 10:  # heavy tails make a sample sd too noisy to compare
            assert abs(s["sd"] / sd - 1) < 0.25, (name, s["sd"], sd)
        if not np.all((x == 0) | (x == 1)):
            se_q = r.quantile_stderr(name, 0.5) * math.sqrt(n_py / SIM_ROWS + 1)
            assert abs(s["p50"] - r.quantile(name, 0.5)) <= 5 * se_q, (name, s["p50"], r.quantile(name, 0.5), se_q)


@needs_lo
def test_simulation_sheet_keeps_rank_correlations(lo: dict[str, Any]) -> None:
    from scipy.stats import spearmanr

    wb = lo["books"]["rich"]
    for (a, b), rho in lo["model"].correlations.items():
        got = spearmanr(sim_column(wb, a), sim_column(wb, b)).statistic
        assert abs(got - rho) < 5 * (1 - rho**2) / math.sqrt(SIM_ROWS), (a, b, got, rho)


@needs_lo
def test_edited_inputs_move_dependent_cells_as_the_library_predicts(lo: dict[str, Any]) -> None:
    m = lo["model"]
    wild_leaf = Beta(4, 3).median()
    # route 1: the original model with overrides
    want = m.evaluate_all(W=math.sqrt(50 * 800), p=0.6, wild__1=wild_leaf, lit=2 * math.sqrt(1 * 5))
    got = model_values(lo["books"]["edited"])
    for name in m.formulas:
        assert close(got[name], want[name]), (name, got[name], want[name])
    before = model_values(lo["books"]["rich"])
    assert got["bid"] > before["bid"] and got["wild"] != before["wild"]
    # route 2: the workbook read back is a model that evaluates to the same
    back = dv.read_excel(lo["dir"] / "edited.xlsx")
    again = back.evaluate_all()
    for name in m.formulas:
        assert close(again[name], want[name]), name
    # the typed-over input is a constant in the live simulation too
    assert sim_stats(lo["books"]["edited"])["p"]["sd"] == 0


@needs_lo
def test_recalculated_workbooks_have_no_error_values(lo: dict[str, Any]) -> None:
    for stem, wb in lo["books"].items():
        assert error_cells(wb) == [], stem


@needs_lo
def test_hostile_labels_survive_a_spreadsheet_round_trip(lo: dict[str, Any]) -> None:
    m = lo["model"]
    back = dv.read_excel(lo["files"]["rich"])  # saved by LibreOffice, not by us
    for name in m.names:
        for key in ("label", "description", "group"):
            assert getattr(back.cell(name), key) == getattr(m.cell(name), key), (name, key)
    assert back.name == m.name and back.description == m.description


@needs_lo
def test_example_workbook_recalculates_cleanly(lo: dict[str, Any]) -> None:
    assert EXAMPLE.exists(), "run `python bench/export_bench.py --example` (see exports/README.md)"
    wb = lo["books"]["example"]
    assert error_cells(wb) == []
    vals = model_values(wb)
    assert vals and all(isinstance(v, (int, float)) for v in vals.values())


@needs_lo
def test_pdf_of_a_workbook_is_short(lo: dict[str, Any]) -> None:
    # 2,000 live rows and 500 sample rows print as their first 50 rows; without print areas
    # this workbook printed hundreds of pages (the deal model's example: 515)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", lo["pdf"].read_bytes()))
    assert 5 <= pages <= 30, pages


# ---------------------------------------------------------------- without LibreOffice


def test_long_sheets_print_only_their_top(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "p.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=300, sample_rows=200)
    wb = openpyxl.load_workbook(path)
    sim, samples = wb["Simulation"], wb["Samples"]
    last_sim_col = openpyxl.utils.get_column_letter(sim.max_column)
    assert sim.print_area == f"'Simulation'!$A$1:${last_sim_col}${excel.SIM_HEADER_ROW + 50}"
    assert sim.print_title_rows == f"${excel.SIM_HEADER_ROW - 1}:${excel.SIM_HEADER_ROW}"
    assert samples.print_area == f"'Samples'!$A$1:${openpyxl.utils.get_column_letter(samples.max_column)}$53"
    for ws in (sim, samples):
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == math.ceil(ws.max_column / excel.PRINT_COLS)


def test_naming_rule_against_excel_rules() -> None:
    # Excel's own rules (Microsoft: "Names in formulas"), implemented independently
    assert excel_names(["R", "C", "r", "c", "x1", "R1C1", "RC", "rc2", "XFD1048576", "ab", "TRUE", "Ask", "ask", "ASK"]) == {
        "R": "_R", "C": "_C", "r": "_r__2", "c": "_c__2", "x1": "_x1", "R1C1": "_R1C1", "RC": "_RC",
        "rc2": "_rc2", "XFD1048576": "_XFD1048576", "ab": "ab", "TRUE": "_TRUE", "Ask": "Ask", "ask": "ask__2",
        "ASK": "ASK__3",
    }


def excel_accepts(name: str) -> bool:
    """Excel's rules for a defined name, written from its documentation."""
    if not re.fullmatch(r"[A-Za-z_\\][A-Za-z0-9_.\\]{0,254}", name):
        return False
    if name.upper() in ("R", "C"):
        return False
    m = re.fullmatch(r"([A-Za-z]{1,3})([0-9]+)", name)
    if m:
        col = 0
        for ch in m.group(1).upper():
            col = col * 26 + ord(ch) - 64
        if col <= 16384 and 1 <= int(m.group(2)) <= 1048576:
            return False
    m = re.fullmatch(r"[Rr]([0-9]*)[Cc]([0-9]*)|[Rr]([0-9]+)|[Cc]([0-9]+)", name)
    if m:
        return False
    return name.upper() not in ("TRUE", "FALSE")


NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,3}(_[A-Za-z0-9]{1,3})?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=12, unique=True))
def test_naming_rule_gives_valid_unique_reversible_names(names: list[str]) -> None:
    from dealvalue.formula import RESERVED

    names = [n for n in names if n not in RESERVED and n != "to"]
    mapped = excel_names(names)
    assert len({v.lower() for v in mapped.values()}) == len(names)  # unique, ignoring case
    for n, x in mapped.items():
        assert excel_accepts(x), (n, x)
        assert cell_name(x) == n
        if excel_forbids(n) is None and n.lower() not in {o.lower() for o in names[: names.index(n)]}:
            assert x == n  # kept unless the rule's (conservative) patterns catch it
        if excel_forbids(n) is None:
            assert excel_accepts(n)
        leaf = leaf_excel_name(f"{n}__3", mapped)
        assert excel_accepts(leaf) and cell_name(leaf) == f"{n}__3"
        assert leaf.lower() not in {v.lower() for v in mapped.values()}


def test_printer_precedence_and_prefixes() -> None:
    x, y = sympy.symbols("x y", real=True)
    names = {"x": "x", "y": "y"}
    assert excel_formula(-x**2, names) == "-(x^2)"  # Excel reads -x^2 as (-x)^2
    assert excel_formula(x ** (-y), names) == "x^(-y)"
    assert excel_formula(1 / x, names) == "1/x"
    assert excel_formula(sympy.Piecewise((1, x >= y), (0, True)), names) == "IF(x>=y,1,0)"
    with pytest.raises(ExcelError, match="no place in the workbook"):
        excel_formula(x + sympy.Symbol("z"), names, cell="bad")
    # a formula with no finite value gives an error value, as its samples are not finite either
    assert excel_formula(sympy.zoo, names) == "(1/0)" and excel_formula(sympy.nan, names) == "NA()"


def test_modern_functions_carry_the_xlfn_prefix(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "f.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=10)
    wb = openpyxl.load_workbook(path)
    call = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    seen.update(fn for fn in call.findall(c.value) if "." in fn)
    assert {"_xlfn.BETA.INV", "_xlfn.LOGNORM.INV", "_xlfn.NORM.INV", "_xlfn.NORM.S.INV", "_xlfn.NORM.S.DIST",
            "_xlfn.ISFORMULA", "_xlfn.AGGREGATE"} <= seen
    assert {fn for fn in seen if not fn.startswith("_xlfn.")} == set()


def test_hostile_text_is_written_as_text(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "h.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=10,
               extra_sheets={"ZOPA": __import__("pandas").DataFrame({"note": HOSTILE, "x": range(len(HOSTILE))})})
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    c = ws.cell(row=rows["R"], column=excel.C_LABEL)
    assert c.value == HOSTILE[0] and c.data_type == "s" and c.quotePrefix
    notes = [wb["ZOPA"].cell(row=4 + k, column=1).value for k in range(len(HOSTILE))]
    assert notes == HOSTILE
    assert all(wb["ZOPA"].cell(row=4 + k, column=1).data_type == "s" for k in range(len(HOSTILE)))
    back = dv.read_excel(path)
    assert [back.cell(n).label for n in m.names] == [m.cell(n).label for n in m.names]


def test_round_trip_without_edits_loses_nothing(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "rt.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=10)
    assert to_dict(dv.read_excel(path)) == to_dict(m)


def test_round_trip_with_analyst_edits(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "ed.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=10)
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    ws.cell(row=rows["R"], column=excel.C_P1).value = 20                # 10 to 100 -> 20 to 100
    ws.cell(row=rows["C"], column=excel.C_KIND).value = "uniform"      # norm(5, 1) -> uniform(5, 1)? invalid...
    ws.cell(row=rows["C"], column=excel.C_P1).value = 4                # ... so uniform(4, 6)
    ws.cell(row=rows["C"], column=excel.C_P1 + 1).value = 6
    ws.cell(row=rows["mix"], column=excel.C_POINT).value = 3.5         # typed over
    ws.cell(row=rows["k"], column=excel.C_POINT).value = 3             # a constant changed
    ws.cell(row=rows["money"], column=excel.C_POINT).value = 90        # a constant with a unit literal
    ws.cell(row=rows["lit__1"], column=excel.C_POINT).value = 2        # the literal inside 2 * (1 to 3)
    ws.cell(row=rows["wild__1"], column=excel.C_P1 + 1).value = 5      # beta(2, 3) -> beta(2, 5)
    corr = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "R" and ws.cell(row=r, column=3).value == "W")
    ws.cell(row=corr, column=excel.C_LABEL).value = 0.2
    mws = wb["Model"]
    mrows = rows_by_name(mws)
    mws.cell(row=mrows["bid"], column=excel.M_FORMULA).value = "W * k / 5"
    wb.save(path)
    back = dv.read_excel(path)
    assert back.cell("R").formula == "20 to 100" and back.cell("R").unit == "USD"
    assert back.cell("C").formula == "uniform(4, 6)"
    assert back.cell("mix").formula == "3.5" and back.is_input("mix")
    assert back.cell("k").formula == "3"
    assert back.cell("money").formula == "90" and str(back.unit("money")) == "USD"
    assert back.cell("lit").formula == "2 * (2)"
    assert "beta(2, 5)" in back.cell("wild").formula
    assert back.cell("bid").formula == "W * k / 5"
    assert back.correlations[("R", "W")] == 0.2
    assert back.evaluate("bid") == pytest.approx(To(50, 500).median() * 3 / 5, rel=1e-12)
    # everything not edited came back as it was
    same = {n for n in m.names if n not in {"R", "C", "mix", "k", "money", "lit", "wild", "bid"}}
    for n in same:
        assert back.cell(n) == m.cell(n), n


def test_bad_edits_are_reported_with_their_cell(tmp_path: Path) -> None:
    m = dv.Model("small", seed=3)  # the rich model's kinds of rows, fewer cells: each read is quick
    m.add("R", "10 to 100", unit="USD")
    m.add("W", "50 to 500", unit="USD")
    m.add("p", "beta(8, 2)")
    m.add("mix", "mixture([1 to 10, norm(5, 1)], [0.3, 0.7])")
    m.add("k", "2.5")
    m.add("c_h", "p * k")
    m.add("ask", "R / c_h")
    m.add("Bid", "W * mix")
    m.add("gap", "Bid - ask")
    m.add("wild", "gap * beta(2, 3)")
    m.correlate("R", "W", 0.5)
    good = tmp_path / "good.xlsx"
    m.to_excel(good, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=10)
    allowed = "to, norm, lognorm, beta, uniform, triangular, pert, bernoulli"

    def read_with(sheet: str, name: str, col: int, value: Any, *more: tuple[int, Any]) -> None:
        wb = openpyxl.load_workbook(good)
        ws = wb[sheet]
        r = rows_by_name(ws)[name]
        for c, v in [(col, value), *more]:
            ws.cell(row=r, column=c).value = v
        wb.save(tmp_path / "bad.xlsx")
        dv.read_excel(tmp_path / "bad.xlsx")

    with pytest.raises(ExcelError, match=r"Inputs!I\d+ \(p\).*expected a > 0"):
        read_with("Inputs", "p", excel.C_P1, -1)
    with pytest.raises(ExcelError, match=r"Inputs!I\d+ \(p, parameter a\): expected a number \(got 'eight'\)"):
        read_with("Inputs", "p", excel.C_P1, "eight")
    # an unknown distribution name is an error, not a silently kept beta(8, 2)
    with pytest.raises(ExcelError, match=rf"Inputs!G\d+ \(p, distribution\): unknown distribution; expected one of {allowed} \(got 'betta'\)"):
        read_with("Inputs", "p", excel.C_KIND, "betta")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(p, distribution\): unknown distribution.*\(got 'gamma'\)"):
        read_with("Inputs", "p", excel.C_KIND, "gamma", (excel.C_P1, 2.0), (excel.C_P1 + 1, 3.0))
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(wild__1, distribution\): unknown distribution.*\(got 'gamma'\)"):
        read_with("Inputs", "wild__1", excel.C_KIND, "gamma")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(mix, distribution\): a mixture row's distribution cannot be changed.*\(got 'beta'\)"):
        read_with("Inputs", "mix", excel.C_KIND, "beta")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(k, distribution\): a constant row's.*\(got 'norm'\)"):
        read_with("Inputs", "k", excel.C_KIND, "norm", (excel.C_P1, 3.0), (excel.C_P1 + 1, 1.0))
    # a bad unit or formula names its sheet cell and shows the bad text, not the model's name
    with pytest.raises(ExcelError, match=r"^Inputs!E\d+ \(R, unit\): .*'EUR'.* \(got 'EUR'\)$"):
        read_with("Inputs", "R", excel.C_UNIT, "EUR")
    with pytest.raises(ExcelError, match=r"(?s)^Model!H\d+ \(ask, formula\): .* \(got 'R / c_h \+'\)$"):
        read_with("Model", "ask", excel.M_FORMULA, "R / c_h +")
    with pytest.raises(ExcelError, match=r"^Model!H\d+ \(gap, formula\): .* \(got 'Bid - nope'\)$"):
        read_with("Model", "gap", excel.M_FORMULA, "Bid - nope")
    with pytest.raises(ExcelError, match=r"Inputs!D\d+ \(rho of R and W\): expected a number \(got 'high'\)"):
        wb = openpyxl.load_workbook(good)
        ws = wb["Inputs"]
        r = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "R" and ws.cell(row=r, column=3).value == "W")
        ws.cell(row=r, column=excel.C_LABEL).value = "high"
        wb.save(tmp_path / "bad.xlsx")
        dv.read_excel(tmp_path / "bad.xlsx")


def test_control_characters_are_rejected(tmp_path: Path) -> None:
    m = dv.Model("m", description="bell \x07 here")
    m.add("x", "1")
    with pytest.raises(ExcelError, match=r"model description: control character '\\x07' at position 6"):
        m.to_excel(tmp_path / "c.xlsx", m.simulate(n=10, seed=1), sim_rows=2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("title, reason", [
    ("a/b", "forbids the characters"), ("x" * 32, "at most 31"), ("'q", "apostrophe"), ("history", "reserves"),
    ("inputs", "another sheet"), ("", "blank"), ("tab\there", "control character"),
])
def test_sheet_titles_are_checked(tmp_path: Path, title: str, reason: str) -> None:
    import pandas as pd

    m = dv.Model("m")
    m.add("x", "1 to 2")
    with pytest.raises(ExcelError, match=reason):
        m.to_excel(tmp_path / "t.xlsx", m.simulate(n=10, seed=1), sim_rows=2, extra_sheets={title: pd.DataFrame({"a": [1]})})


def test_failed_export_keeps_the_good_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = dv.Model("m")
    m.add("x", "1 to 2")
    m.add("y", "2 * x")
    path = tmp_path / "good.xlsx"
    m.to_excel(path, m.simulate(n=10, seed=1), sim_rows=2)
    good = path.read_bytes()

    def broken_save(self: Any, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        m.to_excel(path, m.simulate(n=10, seed=1), sim_rows=2)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.xlsx"]


def test_export_arguments_are_checked(tmp_path: Path) -> None:
    m = dv.Model("m")
    m.add("x", "1 to 2")
    with pytest.raises(ExcelError, match="sim_rows"):
        m.to_excel(tmp_path / "a.xlsx", sim_rows=0)
    with pytest.raises(ExcelError, match=r"must end in \.xlsx"):
        m.to_excel(tmp_path / "a.csv")
    with pytest.raises(dv.UnknownCellError):
        m.to_excel(tmp_path / "a.xlsx", main="nope")


def test_read_excel_refuses_other_workbooks(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.save(path)
    with pytest.raises(ExcelError, match="has no 'About' sheet"):
        dv.read_excel(path)


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "cli.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "dealvalue", "run", str(ROOT / "dealvalue" / "models" / "deal.toml"), "-n", "500",
         "--seed", "3", "--export", str(out), "--sim-rows", "20", "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*excel.SHEETS, "ZOPA", "Barriers", "Interventions"]  # the deal sheets, as promised
    ws = wb["Simulation"]
    assert ws.cell(row=excel.SIM_HEADER_ROW + 20, column=1).value == 20
    assert ws.cell(row=excel.SIM_HEADER_ROW + 21, column=1).value is None
    back = dv.read_excel(out)
    assert to_dict(back) == to_dict(dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml"))


def sheet_table(ws: Any) -> dict[str, list[Any]]:
    """An extra sheet's rows by their first cell (header on row 3)."""
    return {str(ws.cell(row=r, column=1).value): [c.value for c in ws[r][1:]] for r in range(4, ws.max_row + 1)}


def test_deal_model_gets_its_deal_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dealvalue import deals

    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    r = m.simulate(n=3000, seed=4)
    path = tmp_path / "deal.xlsx"
    m.to_excel(path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*excel.SHEETS, "ZOPA", "Barriers", "Interventions"]
    # the same numbers as dealvalue.deals gives when called directly
    zopa = deals.zopa(r)
    got = sheet_table(wb["ZOPA"])
    header = [c.value for c in wb["ZOPA"][3][1:]]
    for row in ("ask", "bid"):
        for q in zopa.columns:
            want = float(zopa.loc[row, q])
            assert got[row][header.index(str(q))] == pytest.approx(want, rel=1e-12), (row, q)
    inter = deals.interventions(m, n=3000, seed=4)
    got = sheet_table(wb["Interventions"])
    header = [c.value for c in wb["Interventions"][3][1:]]
    assert list(got) == [str(i) for i in inter.index]
    for label in inter.index:
        assert got[str(label)][header.index("delta_p")] == pytest.approx(float(inter.loc[label, "delta_p"]), abs=1e-15)
    about = {wb["About"].cell(row=k, column=1).value: wb["About"].cell(row=k, column=2).value for k in range(3, 25)}
    assert about["deal sheets"].startswith("ZOPA, Barriers, Interventions: computed by dealvalue.deals")
    # not asked for, or other sheets asked for: no deal sheets
    m.to_excel(path, r, sim_rows=2, sample_rows=2, deal_sheets=False)
    assert openpyxl.load_workbook(path).sheetnames == list(excel.SHEETS)
    import pandas as pd

    m.to_excel(path, r, sim_rows=2, sample_rows=2, extra_sheets={"Mine": pd.DataFrame({"a": [1]})})
    assert openpyxl.load_workbook(path).sheetnames == [*excel.SHEETS, "Mine"]

    # a deal table that fails is left out and the About sheet says why; the export still succeeds
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no interventions today")

    monkeypatch.setattr(deals, "interventions", broken)
    m.to_excel(path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*excel.SHEETS, "ZOPA", "Barriers"]
    notes = [wb["About"].cell(row=k, column=2).value for k in range(3, 25) if wb["About"].cell(row=k, column=1).value == "deal sheets"]
    assert notes[1] == "Interventions left out: RuntimeError: no interventions today"
    # a table that cannot go into a workbook is left out too, never half written
    monkeypatch.setattr(deals, "decomposition", lambda model: pd.DataFrame({"note": ["bell \x07"]}))
    m.to_excel(path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*excel.SHEETS, "ZOPA"]
    notes = [wb["About"].cell(row=k, column=2).value for k in range(3, 26) if wb["About"].cell(row=k, column=1).value == "deal sheets"]
    assert notes[1].startswith("Barriers left out: ExcelError: sheet 'Barriers' row 1 column 'note': control character")


def samples_block(path: Path) -> tuple[list[str], np.ndarray]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Samples"].iter_rows(min_row=3, values_only=True))
    wb.close()
    header = [str(v) for v in rows[0][1:]]
    data = np.array([[np.nan if v is None else v for v in row] for row in rows[1:]], dtype=float)
    return header, data


def test_samples_sheet_holds_the_seeded_samples_exactly(tmp_path: Path) -> None:
    m = dv.Model("s", seed=2)
    m.add("x", "norm(0, 1)")
    m.add("y", "sqrt(-1 - x**2)")  # no sample is a finite number: blank cells
    m.add("z", "exp(x) * 1e-300")
    r = m.simulate(n=300, seed=5)
    path = tmp_path / "s.xlsx"
    m.to_excel(path, r, sim_rows=3, sample_rows=200)
    header, data = samples_block(path)
    assert header == ["x", "y", "z"]
    assert data.shape == (200, 4)
    assert np.array_equal(data[:, 0], np.arange(1, 201))
    for j, name in enumerate(header, start=1):
        assert np.array_equal(data[:, j], r.values[name][:200], equal_nan=True), name
    assert np.isnan(data[:, 2]).all()
    assert "At most 200 rows" in openpyxl.load_workbook(path)["Samples"]["A2"].value


@needs_lo
def test_samples_sheet_survives_a_spreadsheet(lo: dict[str, Any]) -> None:
    header, data = samples_block(lo["files"]["rich"])
    r = lo["results"]
    assert data.shape == (500, len(r.values) + 1)
    for j, name in enumerate(header, start=1):
        want = r.values[name][:500]
        assert np.allclose(data[:, j], want, rtol=1e-14, atol=0, equal_nan=True), name


def test_user_defined_units_come_back_in_a_fresh_python(tmp_path: Path) -> None:
    # the deal model uses 'microdoom'; a new Python has never defined it
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    assert "microdoom" in dv.units.user_units() and str(m.unit("value_full")) == "microdoom"
    path = tmp_path / "units.xlsx"
    m.to_excel(path, m.simulate(n=200, seed=1), sim_rows=2, sample_rows=2, deal_sheets=False)
    about = openpyxl.load_workbook(path)["About"]
    table = [(about.cell(row=r, column=1).value, about.cell(row=r, column=2).value) for r in range(1, about.max_row + 1)]
    assert ("microdoom", None) in table or ("microdoom", "") in table
    code = (
        "import sys, dealvalue as dv\n"
        "from dealvalue.files import dumps\n"
        "assert 'microdoom' not in dv.units.user_units()\n"
        "for p in sys.argv[1:]:\n"
        "    back = dv.read_excel(p)\n"
        "    print(str(back.unit('value_full')))\n"
        "print(dumps(dv.read_excel(sys.argv[-1])), end='')\n"
    )
    paths = ([str(EXAMPLE)] if EXAMPLE.exists() else []) + [str(path)]  # the example first: nothing defined yet
    done = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n", len(paths))
    assert lines[: len(paths)] == ["microdoom"] * len(paths)
    from dealvalue.files import dumps

    assert lines[len(paths)] == dumps(m)


def test_tornado_names_its_units_and_rounds_the_base(tmp_path: Path) -> None:
    import zipfile

    m = dv.Model("t", seed=1)
    m.add("a", "1 to 3", unit="USD")
    m.add("b", "2 to 4")
    m.add("v", "a * b - 7.5 USD")
    path = tmp_path / "t.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=2, sample_rows=2)
    # base: sqrt(1 * 3) * sqrt(2 * 4) - 7.5 = sqrt(24) - 7.5 = -2.60102 USD, shown to 3 significant digits
    with zipfile.ZipFile(path) as z:
        charts = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "Change in v (USD) from its base value -2.6 USD" in charts
    assert "change in v (USD)" in charts
    ws = openpyxl.load_workbook(path)["Sensitivity"]
    assert [c.value for c in ws[3]] == ["input", "input unit", "low", "high", "v at low (USD)", "v at high (USD)",
                                        "swing (USD)", "base (USD)", "change at low (USD)", "change at high (USD)"]
    units = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in (4, 5)}
    assert units == {"a": "USD", "b": None}  # b is a bare number
    assert ws.cell(row=4, column=8).value == pytest.approx(math.sqrt(24) - 7.5, rel=1e-12)


def test_long_labels_wrap_instead_of_running_into_the_next_column(tmp_path: Path) -> None:
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    path = tmp_path / "w.xlsx"
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=2, sample_rows=2, deal_sheets=False)
    wb = openpyxl.load_workbook(path)
    longest_name = max(len(n) for n in m.names)
    checked = 0
    for title, name_col, label_col, first in (("Inputs", excel.C_NAME, excel.C_LABEL, 7), ("Model", excel.C_NAME, excel.C_LABEL, 6),
                                              ("Summary", 1, 2, 4)):
        ws = wb[title]
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(name_col)].width >= longest_name + 1, title
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(label_col)].width
        for r in range(first, ws.max_row + 1):
            label = ws.cell(row=r, column=label_col).value
            if ws.cell(row=r, column=name_col).value in m.names and isinstance(label, str) and len(label) + 1 > width:
                assert ws.cell(row=r, column=label_col).alignment.wrap_text, (title, r, label)
                checked += 1
    assert checked > 10  # the deal model has many labels longer than a column
    # the notes at the top of Inputs span the table and wrap
    assert {"A2:R2", "A3:R3"} <= {str(rng) for rng in wb["Inputs"].merged_cells.ranges}
    assert wb["Inputs"]["A3"].alignment.wrap_text and wb["Inputs"].row_dimensions[3].height >= 30
