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
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import sympy

import dealvalue as dv
from dealvalue.distributions import Beta
from dealvalue.io.excel import excel_forbids, excel_formula, layout

sys.path.insert(0, str(Path(__file__).parent))
from _excel import (  # noqa: E402
    EXAMPLE, close, error_cells, model_values, needs_lo, point_values, rich_model, rows_by_name, samples_block,
    sim_column, sim_stats,
)
from libreoffice import SOFFICE, convert, recalculate  # noqa: E402
from services import require  # noqa: E402

SIM_ROWS = 2000


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
    require(SOFFICE, "LibreOffice (soffice)", "apt-get install libreoffice-calc-nogui")
    d = tmp_path_factory.mktemp("lo")
    m = rich_model()
    r = m.simulate(n=10_000, seed=11)
    m.to_excel(d / "rich.xlsx", r, sim_rows=SIM_ROWS, sample_rows=500)
    shutil.copy(d / "rich.xlsx", d / "edited.xlsx")
    wb = openpyxl.load_workbook(d / "edited.xlsx")
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    ws.cell(row=rows["W"], column=layout.C_P1 + 1).value = 800          # 50 to 500 -> 50 to 800
    ws.cell(row=rows["p"], column=layout.C_POINT).value = 0.6          # typed over: a constant
    ws.cell(row=rows["wild__1"], column=layout.C_P1).value = 4         # beta(2, 3) -> beta(4, 3)
    ws.cell(row=rows["lit__1"], column=layout.C_P1 + 1).value = 5      # 1 to 3 -> 1 to 5 inside 2 * (...)
    wb.save(d / "edited.xlsx")
    # an analyst's kind edit, and a formula edited alike in Excel and in its dealvalue text
    wb = openpyxl.load_workbook(d / "rich.xlsx")
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    ws.cell(row=rows["x1"], column=layout.C_KIND).value = "uniform"      # lognorm(0, 0.5) -> uniform(0.2, 0.9)
    ws.cell(row=rows["x1"], column=layout.C_P1).value = 0.2
    ws.cell(row=rows["x1"], column=layout.C_P1 + 1).value = 0.9
    mws = wb["Model"]
    mrow = rows_by_name(mws)["gap"]
    mws.cell(row=mrow, column=layout.M_VALUE).value = "=(Bid__2-ask)*2"
    mws.cell(row=mrow, column=layout.M_FORMULA).value = "(Bid - ask) * 2"
    sim = wb["Simulation"]  # and its Simulation column alike (read_excel refuses the workbook otherwise)
    col = {sim.cell(row=layout.SIM_HEADER_ROW, column=c).value: c for c in range(2, sim.max_column + 1)}
    g, b, a = (openpyxl.utils.get_column_letter(col[n]) for n in ("gap", "Bid", "ask"))
    for row in range(layout.SIM_HEADER_ROW + 1, layout.SIM_HEADER_ROW + 1 + SIM_ROWS):
        sim[f"{g}{row}"] = f"=({b}{row}-{a}{row})*2"
    wb.save(d / "analyst.xlsx")
    # an added row: a new input typed under the Inputs table, used by an edited formula (text and Excel alike)
    wb = openpyxl.load_workbook(d / "rich.xlsx")
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    new = max(rows[n] for n in m.inputs) + 1
    ws.cell(row=new, column=layout.C_NAME).value = "bonus"
    ws.cell(row=new, column=layout.C_KIND).value = "uniform"
    ws.cell(row=new, column=layout.C_P1).value = 1
    ws.cell(row=new, column=layout.C_P1 + 1).value = 3
    ws.cell(row=new, column=layout.C_POINT).value = "=(I{0}+J{0})/2".format(new)
    ws.cell(row=new, column=layout.C_FORMULA).value = "uniform(1, 3)"
    mws = wb["Model"]
    mrow = rows_by_name(mws)["gap"]
    mws.cell(row=mrow, column=layout.M_VALUE).value = "=Bid__2-ask+bonus"
    mws.cell(row=mrow, column=layout.M_FORMULA).value = "Bid - ask + bonus"
    wb.save(d / "added.xlsx")
    printer_cases = printer_workbook(d / "printer.xlsx")
    sources = [d / "rich.xlsx", d / "edited.xlsx", d / "analyst.xlsx", d / "added.xlsx", d / "printer.xlsx"]
    if EXAMPLE.exists():
        sources.append(EXAMPLE)
    out = recalculate(sources, d / "out")
    books = {p.stem: openpyxl.load_workbook(p, data_only=True) for p in out}
    long_model().to_excel(d / "long.xlsx", sim_rows=30, sample_rows=10)
    pdf, long_pdf = convert([d / "rich.xlsx", d / "long.xlsx"], d / "pdf", "pdf")  # the one other LibreOffice start: printing
    return {"model": m, "results": r, "dir": d, "books": books, "files": dict(zip([s.stem for s in sources], out)),
            "printer": printer_cases, "pdf": pdf, "long_pdf": long_pdf}


LONG_NAME = "capability_index_of_the_frontier"  # 32 characters: the widest name column


def long_model() -> dv.Model:
    """Long descriptions (numbered words, each findable in the PDF's text) beside the widest name."""
    m = dv.Model("long descriptions", seed=2)
    m.add(LONG_NAME, "1 to 9", description=" ".join(f"inword{k:03d}" for k in range(90)))
    m.add("ask", f"{LONG_NAME} * 2", description=" ".join(f"mdword{k:03d}" for k in range(90)))
    m.add("offer", "100000000 to 400000000", unit="USD")  # 9-digit money: '215,066,659 USD' once showed as ###
    m.add("outside", "offer * 1.07")
    return m


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
def test_cached_values_match_libreoffices_recalculation(lo: dict[str, Any]) -> None:
    """Every formula cell's cached value (written by the library) is what LibreOffice recomputes."""
    src = lo["dir"] / "rich.xlsx"
    formulas = openpyxl.load_workbook(src)
    cached = openpyxl.load_workbook(src, data_only=True)
    fresh = lo["books"]["rich"]
    checked = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    a, b = cached[ws.title][c.coordinate].value, fresh[ws.title][c.coordinate].value
                    assert a is not None, (ws.title, c.coordinate)
                    assert a == b or close(float(a), float(b)), (ws.title, c.coordinate, a, b, c.value[:60])
                    checked += 1
    assert checked > SIM_ROWS * len(lo["model"].names)


@needs_lo
def test_kind_and_formula_edits_agree_with_read_excel_then_simulate(lo: dict[str, Any]) -> None:
    from dealvalue.io.excel.simsheet import sim_statistics

    wb = lo["books"]["analyst"]
    back = dv.read_excel(lo["dir"] / "analyst.xlsx")
    assert back.cell("x1").formula == "uniform(0.2, 0.9)" and back.cell("gap").formula == "(Bid - ask) * 2"
    # the recalculated workbook: point values and formulas follow the new kind and formula
    assert close(point_values(wb)["x1"], 0.55)
    got, want = model_values(wb), back.evaluate_all()
    for name in back.formulas:
        assert close(got[name], want[name]), (name, got[name], want[name])
    # the Simulation sheet draws the uniform from the same seeded uniforms: Python recomputes its column
    gap = sim_column(wb, "gap")
    assert np.allclose(gap, (sim_column(wb, "Bid") - sim_column(wb, "ask")) * 2, rtol=1e-12)
    assert close(sim_stats(wb)["gap"]["mean"], sim_statistics(gap)["mean"])
    u = sim_column(wb, "u x1__1 (value)")
    assert np.allclose(sim_column(wb, "x1"), 0.2 + 0.7 * u, rtol=1e-12)
    assert close(sim_stats(wb)["x1"]["mean"], sim_statistics(0.2 + 0.7 * u)["mean"])
    # and simulate() of the model read back agrees within Monte Carlo error
    r = back.simulate(n=20_000, seed=3)
    s = sim_stats(wb)["feasible"]
    p = r.mean("feasible")
    se = math.sqrt(p * (1 - p) * (1 / SIM_ROWS + 1 / r.n))
    assert 0 < p < 1 and abs(s["mean"] - p) < 5 * se, (s["mean"], p, se)


@needs_lo
def test_an_added_row_is_refused_because_the_workbook_cannot_compute_it(lo: dict[str, Any]) -> None:
    """The fourth edit an analyst can make: the recalculated workbook shows #NAME? where the
    new input is used and has no Simulation column for it, and read_excel refuses the row,
    naming it, both as edited and as saved by LibreOffice."""
    wb = lo["books"]["added"]
    rows = rows_by_name(wb["Inputs"])
    assert wb["Model"].cell(row=rows_by_name(wb["Model"])["gap"], column=layout.M_VALUE).value == "#NAME?"
    assert "bonus" not in sim_stats(wb)
    for path in (lo["dir"] / "added.xlsx", lo["files"]["added"]):
        with pytest.raises(dv.DealValueError, match=rf"^Inputs!B{rows['bonus']} \(bonus, added row\): this row has "
                           r"no defined name in the workbook, so a formula that uses 'bonus' shows #NAME\?"):
            dv.read_excel(path)


@needs_lo
def test_recalculated_workbooks_have_no_error_values(lo: dict[str, Any]) -> None:
    for stem, wb in lo["books"].items():
        if stem != "added":  # its #NAME? is the point of that workbook
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


@needs_lo
def test_long_descriptions_print_whole(lo: dict[str, Any]) -> None:
    """A description wraps inside a column that a printed page holds beside the title columns:
    every word of it is in the PDF (a column wider than the page is cut at its edge)."""
    import subprocess

    require(shutil.which("pdftotext"), "pdftotext", "apt-get install poppler-utils")
    text = subprocess.run(["pdftotext", str(lo["long_pdf"]), "-"], check=True, capture_output=True, text=True).stdout
    words = set(re.findall(r"\b(?:in|md)word\d{3}\b", text))
    missing = [f"{p}word{k:03d}" for p in ("in", "md") for k in range(90) if f"{p}word{k:03d}" not in words]
    assert missing == []
    assert "###" not in text  # every number fits its column
    assert re.search(r"\b\d{3},\d{3},\d{3} USD\b", text)  # the 9-digit money is printed whole


@needs_lo
def test_samples_sheet_survives_a_spreadsheet(lo: dict[str, Any]) -> None:
    header, data = samples_block(lo["files"]["rich"])
    r = lo["results"]
    assert data.shape == (500, len(r.values) + 1)
    for j, name in enumerate(header, start=1):
        want = r.values[name][:500]
        assert np.allclose(data[:, j], want, rtol=1e-14, atol=0, equal_nan=True), name

