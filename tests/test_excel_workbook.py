"""Issue 16: workbooks an analyst can edit without being misled (no LibreOffice here)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

import dealvalue as dv
from dealvalue.io.excel import layout

sys.path.insert(0, str(Path(__file__).parent))
from _excel import rich_model, rows_by_name  # noqa: E402


def _stat_cell(ws, name: str, stat: str):  # type: ignore[no-untyped-def]
    c = next(c for c in range(2, ws.max_column + 1) if ws.cell(row=layout.SIM_HEADER_ROW, column=c).value == name)
    return ws.cell(row=4 + layout.SIM_STATS.index(stat), column=c)


def test_number_formats_follow_the_cells_meaning(tmp_path: Path) -> None:
    m = rich_model()
    path = tmp_path / "f.xlsx"
    m.to_excel(path, m.simulate(n=2000, seed=1), sim_rows=5, sample_rows=5)
    wb = openpyxl.load_workbook(path)
    sim = wb["Simulation"]
    assert _stat_cell(sim, "feasible", "mean").number_format == "0.0%"   # P(feasible), never 0
    assert _stat_cell(sim, "feasible", "sd").number_format == "0.0%"
    assert _stat_cell(sim, "p", "mean").number_format == "0.0%"          # a probability
    assert "USD" in _stat_cell(sim, "ask", "mean").number_format          # money by its unit
    assert _stat_cell(sim, "flag", "mean").number_format == "0.0%"
    model = wb["Model"]
    rows = rows_by_name(model)
    assert "USD" in model.cell(row=rows["gap"], column=layout.M_VALUE).number_format
    inputs = wb["Inputs"]
    assert inputs.cell(row=rows_by_name(inputs)["p"], column=layout.C_POINT).number_format == "0.0%"


def test_capability_like_counts_keep_decimals_in_their_mean(tmp_path: Path) -> None:
    m = dv.Model("counts", seed=1)
    m.add("n", "floor(1 to 9)")
    path = tmp_path / "c.xlsx"
    m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=5, sample_rows=5)
    sim = openpyxl.load_workbook(path)["Simulation"]
    assert _stat_cell(sim, "n", "mean").number_format == "#,##0.0"
    assert _stat_cell(sim, "n", "sd").number_format == "#,##0.0"


def _small() -> dv.Model:
    m = dv.Model("small", seed=5)
    m.add("R", "10 to 100", unit="USD")
    m.add("c", "beta(8, 2)")
    m.add("ask", "R / c")
    m.add("feasible", "ask <= 60 USD")
    return m


def test_cached_values_are_the_librarys_numbers(tmp_path: Path) -> None:
    m = _small()
    path = tmp_path / "s.xlsx"
    m.to_excel(path, m.simulate(n=1000, seed=1), sim_rows=300, sample_rows=5)
    wb = openpyxl.load_workbook(path, data_only=True)  # cached values, no recalculation
    model = wb["Model"]
    want = m.evaluate_all()
    for name, r in rows_by_name(model).items():
        if r > 5:
            assert model.cell(row=r, column=layout.M_VALUE).value == want[name], name
    inputs = wb["Inputs"]
    assert inputs.cell(row=rows_by_name(inputs)["c"], column=layout.C_POINT).value == m.point_values()["c"]
    import pandas as pd

    frame = pd.read_excel(path, sheet_name="Simulation", header=None)
    assert frame.iloc[3, 1] == wb["Simulation"].cell(row=4, column=2).value and frame.iloc[3, 1] > 0


def test_simulation_statistics_recompute_from_the_sheets_uniforms(tmp_path: Path) -> None:
    import numpy as np

    from dealvalue.io.excel.simsheet import sim_statistics, uniforms

    m = _small()
    path = tmp_path / "u.xlsx"
    n = 400
    m.to_excel(path, m.simulate(n=1000, seed=1), sim_rows=n, sample_rows=5)
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Simulation"]
    header = {ws.cell(row=layout.SIM_HEADER_ROW, column=c).value: c for c in range(1, ws.max_column + 1)}
    first = layout.SIM_HEADER_ROW + 1

    def column(h: str) -> np.ndarray:
        return np.array([ws.cell(row=r, column=header[h]).value for r in range(first, first + n)], dtype=float)

    leaves = m.compile().leaves
    u = {leaf: column(f"u {leaf} (value)") for leaf in leaves}
    for leaf in leaves:  # the uniforms on the sheet are the seeded ones, as values
        assert np.array_equal(u[leaf], uniforms(5, f"u {leaf}", n))
    values = m.run_steps({leaf: d.ppf(u[leaf]) for leaf, d in leaves.items()}, n)
    for name in m.names:
        want = sim_statistics(values[name])
        for k, stat in enumerate(layout.SIM_STATS):
            got = ws.cell(row=4 + k, column=header[name]).value
            assert abs(got - want[stat]) <= 1e-12 * max(1.0, abs(want[stat])), (name, stat, got, want[stat])
    p = wb.defined_names["P_feasible"]
    assert "Simulation" in p.attr_text
    assert {"mean_ask", "sd_ask", "p50_ask", "fresh_draw"} <= set(wb.defined_names)


def test_formula_edits_agree_or_are_refused_with_the_cell_named(tmp_path: Path) -> None:
    import pytest

    from dealvalue.errors import ExcelError
    from dealvalue.io.excel import read

    m = _small()
    path = tmp_path / "e.xlsx"
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=5, sample_rows=5)
    wb = openpyxl.load_workbook(path)
    ws = wb["Model"]
    r = rows_by_name(ws)["ask"]
    ws.cell(row=r, column=layout.M_VALUE).value = "=_R/_c*2"         # the Excel formula alone
    wb.save(tmp_path / "excel.xlsx")
    with pytest.raises(ExcelError, match=rf"^Model!G{r} \(ask, Excel formula\): differs from its formula \(dealvalue\) text 'R / c'"):
        dv.read_excel(tmp_path / "excel.xlsx")
    ws.cell(row=r, column=layout.M_FORMULA).value = "R / c * 2"      # both, alike: the Simulation sheet still
    wb.save(tmp_path / "both.xlsx")                                   # computes R / c, so refused, naming its cell
    sim = wb["Simulation"]
    col = next(c for c in range(2, sim.max_column + 1) if sim.cell(row=layout.SIM_HEADER_ROW, column=c).value == "ask")
    first = layout.SIM_HEADER_ROW + 1
    letter = openpyxl.utils.get_column_letter(col)
    with pytest.raises(ExcelError, match=rf"^Simulation!{letter}{first} \(ask\): the live simulation computes ask with "
                       r"another formula than its formula \(dealvalue\) text 'R / c \* 2' \(expected =2\*B13/C13\); "
                       rf"edit the Simulation column alike \({letter}{first} and down to its last row\)"):
        dv.read_excel(tmp_path / "both.xlsx")
    for row in range(first, first + 5):                              # the column edited alike too: read back
        sim.cell(row=row, column=col).value = f"=2*B{row}/C{row}"
    wb.save(tmp_path / "all.xlsx")
    assert dv.read_excel(tmp_path / "all.xlsx").cell("ask").formula == "R / c * 2"
    assert read(tmp_path / "excel.xlsx", dv.Model, mismatch="text").cell("ask").formula == "R / c"
    with pytest.raises(ExcelError, match="mismatch"):
        read(path, dv.Model, mismatch="excel")


def test_added_rows_are_refused_naming_the_cell_and_where_inputs_go(tmp_path: Path) -> None:
    """A row typed into the Inputs or Model table has no defined name (#NAME? in the
    workbook) and no Simulation column: read_excel refuses it instead of reading a
    model the workbook does not compute (issue 16, added rows)."""
    import re

    import pytest

    from dealvalue.errors import ExcelError

    m = _small()
    path = tmp_path / "a.xlsx"
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=5, sample_rows=5)
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    last = max(rows_by_name(ws)[n] for n in m.inputs)
    new = last + 1                                       # the blank row under the table: it joins the table
    assert ws.cell(row=new, column=layout.C_NAME).value is None
    ws.cell(row=new, column=layout.C_NAME).value = "bonus"
    ws.cell(row=new, column=layout.C_FORMULA).value = "10 to 20"
    wb.save(tmp_path / "input.xlsx")
    want = (rf"^Inputs!B{new} \(bonus, added row\): this row has no defined name in the workbook, so a formula that "
            r"uses 'bonus' shows #NAME\? and the Simulation sheet does not draw it; cells are added in Python "
            r"\('Adding inputs' on the Inputs sheet\): delete the row, read the workbook with dv.read_excel, "
            r"call model.add\('bonus', \.\.\.\) and export again \(got 'bonus'\)$")
    with pytest.raises(ExcelError, match=want):
        dv.read_excel(tmp_path / "input.xlsx")
    # the same on the Model sheet, with the formula that uses it edited alike (text and Excel formula)
    wb = openpyxl.load_workbook(path)
    mws = wb["Model"]
    rows = rows_by_name(mws)
    r = max(rows[n] for n in m.formulas) + 1
    mws.cell(row=r, column=layout.C_NAME).value = "net"
    mws.cell(row=r, column=layout.M_FORMULA).value = "ask * 2"
    mws.cell(row=r, column=layout.M_VALUE).value = "=ask*2"
    wb.save(tmp_path / "model.xlsx")
    with pytest.raises(ExcelError, match=rf"^Model!B{r} \(net, added row\): this row has no defined name"):
        dv.read_excel(tmp_path / "model.xlsx")
    # a renamed row: its defined name still stands for the old name
    wb = openpyxl.load_workbook(path)
    ws = wb["Inputs"]
    rc = rows_by_name(ws)["c"]
    ws.cell(row=rc, column=layout.C_NAME).value = "cred"
    wb.save(tmp_path / "renamed.xlsx")
    with pytest.raises(ExcelError, match=re.escape(
            f"Inputs!B{rc} (name): this row's defined name _c stands for 'c'; cells are renamed in Python")):
        dv.read_excel(tmp_path / "renamed.xlsx")
    # the advice works: without the row, the workbook reads back; the model then takes the new cell
    back = dv.read_excel(path)
    back.add("bonus", "10 to 20")
    back.to_excel(tmp_path / "again.xlsx", back.simulate(n=300, seed=1), sim_rows=5, sample_rows=5)
    assert dv.read_excel(tmp_path / "again.xlsx").cell("bonus").formula == "10 to 20"
    assert "bonus" in openpyxl.load_workbook(tmp_path / "again.xlsx").defined_names


def test_editable_cells_are_validated_and_the_rest_is_locked(tmp_path: Path) -> None:
    m = _small()
    m.cell("c")  # bounds come from cells; add one with bounds
    m.add("share", "uniform(0.1, 0.6)", bounds=(0, 1))
    path = tmp_path / "v.xlsx"
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=5, sample_rows=5)
    wb = openpyxl.load_workbook(path)
    for title in ("Inputs", "Model", "Simulation"):
        assert wb[title].protection.sheet and not wb[title].protection.password, title
    ws = wb["Inputs"]
    rows = rows_by_name(ws)
    rules = {str(r): dv_ for dv_ in ws.data_validations.dataValidation for r in dv_.sqref.ranges}
    kind = f"{openpyxl.utils.get_column_letter(layout.C_KIND)}{rows['c']}"
    assert rules[kind].type == "list" and "uniform" in rules[kind].formula1
    assert not ws[kind].protection.locked
    point = f"{openpyxl.utils.get_column_letter(layout.C_POINT)}{rows['share']}"
    assert rules[point].type == "decimal" and float(rules[point].formula1) == 0 and float(rules[point].formula2) == 1
    assert ws.cell(row=rows["c"], column=layout.C_FORMULA).protection.locked
    model = wb["Model"]
    assert model.cell(row=rows_by_name(model)["ask"], column=layout.M_VALUE).protection.locked
    assert not wb["Simulation"].cell(row=layout.SIM_SWITCH_ROW, column=2).protection.locked
    assert any(ws.cell(row=r, column=1).value == layout.T_NEW for r in range(1, ws.max_row + 1))  # where new inputs go
    for title in ("Samples", "Summary", "Sensitivity"):
        assert str(wb[title]["A2"].value).startswith("values at export; recalculate in Python with dv.read_excel")


def test_print_settings_readable_titles_footer(tmp_path):
    """Every sheet prints at 8 pt or more (one page wide only where it fits), with its
    title rows repeated, the sheet name and 'Page &P of &N' in the footer, and no helper
    columns in the Simulation print area."""
    import openpyxl

    import dealvalue as dv
    from dealvalue.io.excel.style import BODY_PT, print_scale

    m = dv.Model("print", seed=3)
    m.add("R", "10 to 100", unit="USD")
    m.add("W", "20 to 90", unit="USD")
    m.add("feasible", "W >= R")
    path = tmp_path / "p.xlsx"
    m.to_excel(path, m.simulate(n=200, seed=1), sim_rows=30, sample_rows=20)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert BODY_PT * print_scale(ws) / 100 >= 8, ws.title
        assert ws.oddFooter.center.text == "Page &P of &N", ws.title
        assert ws.oddFooter.left.text == "&A", ws.title
    for title in ("Inputs", "Model", "Simulation", "Samples"):
        assert wb[title].print_title_rows, title
    sim = wb["Simulation"]
    assert sim.print_area.endswith("$D$42")  # draw + R, W, feasible; rows to the 30th draw
    assert sim.max_column > 4  # the helper columns exist but do not print
