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
