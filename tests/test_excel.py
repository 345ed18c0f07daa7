"""Excel export without a spreadsheet: names, the printer, round trips, refusals, layout."""

from __future__ import annotations

import math
import re
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
from dealvalue.distributions import To
from dealvalue.io.toml import to_dict
from dealvalue.io.excel import ExcelError, cell_name, excel_formula, excel_forbids, excel_names, layout, leaf_excel_name

sys.path.insert(0, str(Path(__file__).parent))
from _excel import EXAMPLE, HOSTILE, ROOT, rich_model, rows_by_name, samples_block  # noqa: E402


# ---------------------------------------------------------------- without LibreOffice


def test_long_sheets_print_only_their_top(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "p.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=300, sample_rows=200)
    wb = openpyxl.load_workbook(path)
    sim, samples = wb["Simulation"], wb["Samples"]
    printed = len(m.names) + 1  # the draw number and the cells; the helper columns do not print
    assert sim.max_column > printed
    last_sim_col = openpyxl.utils.get_column_letter(printed)
    assert sim.print_area == f"'Simulation'!$A$1:${last_sim_col}${layout.SIM_HEADER_ROW + 50}"
    assert sim.print_title_rows == f"${layout.SIM_HEADER_ROW - 1}:${layout.SIM_HEADER_ROW}"
    assert samples.print_area == f"'Samples'!$A$1:${openpyxl.utils.get_column_letter(samples.max_column)}$53"
    from dealvalue.io.excel.style import BODY_PT, print_scale

    for ws in (sim, samples):  # readable (>= 8 pt), with column A repeated on each page across
        assert BODY_PT * print_scale(ws) / 100 >= 8
        assert ws.print_title_cols == "$A:$A"


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
    c = ws.cell(row=rows["R"], column=layout.C_LABEL)
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
    ws.cell(row=rows["R"], column=layout.C_P1).value = 20                # 10 to 100 -> 20 to 100
    ws.cell(row=rows["C"], column=layout.C_KIND).value = "uniform"      # norm(5, 1) -> uniform(5, 1)? invalid...
    ws.cell(row=rows["C"], column=layout.C_P1).value = 4                # ... so uniform(4, 6)
    ws.cell(row=rows["C"], column=layout.C_P1 + 1).value = 6
    ws.cell(row=rows["mix"], column=layout.C_POINT).value = 3.5         # typed over
    ws.cell(row=rows["k"], column=layout.C_POINT).value = 3             # a constant changed
    ws.cell(row=rows["money"], column=layout.C_POINT).value = 90        # a constant with a unit literal
    ws.cell(row=rows["lit__1"], column=layout.C_POINT).value = 2        # the literal inside 2 * (1 to 3)
    ws.cell(row=rows["wild__1"], column=layout.C_P1 + 1).value = 5      # beta(2, 3) -> beta(2, 5)
    corr = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "R" and ws.cell(row=r, column=3).value == "W")
    ws.cell(row=corr, column=layout.C_LABEL).value = 0.2
    mws = wb["Model"]
    mrows = rows_by_name(mws)
    mws.cell(row=mrows["bid"], column=layout.M_FORMULA).value = "W * k / 5"
    wb.save(path)
    # the text now disagrees with the Excel formula: an error naming the Excel cell, by default
    with pytest.raises(ExcelError, match=rf"^Model!G{mrows['bid']} \(bid, Excel formula\): differs .*'W \* k / 5'"):
        dv.read_excel(path)
    from dealvalue.io.excel import read

    back = read(path, dv.Model, mismatch="text")
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
    allowed = "to, norm, lognorm, beta, uniform, triangular, pert, bernoulli, gamma, exponential, binomial, student_t, lognorm_ms"

    def read_with(sheet: str, name: str, col: int, value: Any, *more: tuple[int, Any]) -> None:
        wb = openpyxl.load_workbook(good)
        ws = wb[sheet]
        r = rows_by_name(ws)[name]
        for c, v in [(col, value), *more]:
            ws.cell(row=r, column=c).value = v
        wb.save(tmp_path / "bad.xlsx")
        dv.read_excel(tmp_path / "bad.xlsx")

    with pytest.raises(ExcelError, match=r"Inputs!I\d+ \(p\).*expected a > 0"):
        read_with("Inputs", "p", layout.C_P1, -1)
    with pytest.raises(ExcelError, match=r"Inputs!I\d+ \(p, parameter a\): expected a number \(got 'eight'\)"):
        read_with("Inputs", "p", layout.C_P1, "eight")
    # an unknown distribution name is an error, not a silently kept beta(8, 2)
    with pytest.raises(ExcelError, match=rf"Inputs!G\d+ \(p, distribution\): unknown distribution; expected one of {allowed} \(got 'betta'\)"):
        read_with("Inputs", "p", layout.C_KIND, "betta")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(p, distribution\): unknown distribution.*\(got 'poisson'\)"):
        read_with("Inputs", "p", layout.C_KIND, "poisson", (layout.C_P1, 2.0), (layout.C_P1 + 1, 3.0))
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(wild__1, distribution\): unknown distribution.*\(got 'poisson'\)"):
        read_with("Inputs", "wild__1", layout.C_KIND, "poisson")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(mix, distribution\): a mixture row's distribution cannot be changed.*\(got 'beta'\)"):
        read_with("Inputs", "mix", layout.C_KIND, "beta")
    with pytest.raises(ExcelError, match=r"Inputs!G\d+ \(k, distribution\): a constant row's.*\(got 'norm'\)"):
        read_with("Inputs", "k", layout.C_KIND, "norm", (layout.C_P1, 3.0), (layout.C_P1 + 1, 1.0))
    # a bad unit or formula names its sheet cell and shows the bad text, not the model's name
    with pytest.raises(ExcelError, match=r"^Inputs!E\d+ \(R, unit\): .*'EUR'.* \(got 'EUR'\)$"):
        read_with("Inputs", "R", layout.C_UNIT, "EUR")
    with pytest.raises(ExcelError, match=r"(?s)^Model!H\d+ \(ask, formula\): .* \(got 'R / c_h \+'\)$"):
        read_with("Model", "ask", layout.M_FORMULA, "R / c_h +")
    with pytest.raises(ExcelError, match=r"^Model!H\d+ \(gap, formula\): .* \(got 'Bid - nope'\)$"):
        read_with("Model", "gap", layout.M_FORMULA, "Bid - nope")
    with pytest.raises(ExcelError, match=r"Inputs!D\d+ \(rho of R and W\): expected a number \(got 'high'\)"):
        wb = openpyxl.load_workbook(good)
        ws = wb["Inputs"]
        r = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "R" and ws.cell(row=r, column=3).value == "W")
        ws.cell(row=r, column=layout.C_LABEL).value = "high"
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



def test_user_defined_units_come_back_in_a_fresh_python(tmp_path: Path) -> None:
    # the deal model uses 'microdoom'; a new Python has never defined it
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    assert "microdoom" in m.unit_definitions and "microdoom" not in dv.ureg and str(m.unit("value_full")) == "microdoom"
    path = tmp_path / "units.xlsx"
    m.to_excel(path, m.simulate(n=200, seed=1), sim_rows=2, sample_rows=2)
    about = openpyxl.load_workbook(path)["About"]
    table = [(about.cell(row=r, column=1).value, about.cell(row=r, column=2).value) for r in range(1, about.max_row + 1)]
    assert ("microdoom", None) in table or ("microdoom", "") in table
    code = (
        "import sys, dealvalue as dv\n"
        "from dealvalue.io.toml import dumps\n"
        "assert 'microdoom' not in dv.ureg\n"
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
    from dealvalue.io.toml import dumps

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
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    longest_name = max(len(n) for n in m.names)
    checked = 0
    for title, name_col, label_col, first in (("Inputs", layout.C_NAME, layout.C_LABEL, 7), ("Model", layout.C_NAME, layout.C_LABEL, 6),
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
    # the notes at the top of Inputs span the table as far as its first printed page holds, and wrap
    from dealvalue.io.excel.style import MIN_SCALE, PAGE_WIDTH_PT, printed_width_pt

    ws = wb["Inputs"]
    merged = {str(rng) for rng in ws.merged_cells.ranges if rng.min_row in (2, 3)}
    (last,) = {rng.max_col for rng in ws.merged_cells.ranges if rng.min_row in (2, 3)}
    assert merged == {f"A2:{openpyxl.utils.get_column_letter(last)}2", f"A3:{openpyxl.utils.get_column_letter(last)}3"}
    page = PAGE_WIDTH_PT * 100 / MIN_SCALE  # points of sheet on a page at 8 pt
    assert 4 <= last < len(layout.INPUT_HEADERS) and printed_width_pt(ws, last) < 0.8 * page
    assert ws["A3"].alignment.wrap_text and ws.row_dimensions[3].height >= 30


def test_a_kind_the_workbook_cannot_draw_is_refused_naming_the_cell(tmp_path: Path) -> None:
    m = dv.Model("counts", seed=1)
    m.add("arrivals", "poisson(4)")
    m.add("twice", "2 * arrivals")
    with pytest.raises(dv.ExcelError, match=r"cell 'arrivals': the workbook draws .*gamma.*; a poisson distribution has no inverse CDF in Excel"):
        m.to_excel(str(tmp_path / "counts.xlsx"))
    assert not list(tmp_path.iterdir())  # nothing written
