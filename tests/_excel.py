"""What the Excel tests share: a model that exercises everything, and readers of workbooks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

import dealvalue as dv
from dealvalue.io.excel import layout

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "exports" / "example.xlsx"
needs_lo = pytest.mark.usefixtures("_libreoffice")  # the fixture is in conftest.py: it fails where soffice is missing

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
    return {n: ws.cell(row=r, column=layout.M_VALUE).value for n, r in rows.items() if r > 5}


def point_values(wb: Any) -> dict[str, float]:
    ws = wb["Inputs"]
    out = {}
    for n, r in rows_by_name(ws).items():
        v = ws.cell(row=r, column=layout.C_POINT).value
        if isinstance(v, (int, float)):
            out[n] = v
    return out


def sim_stats(wb: Any) -> dict[str, dict[str, float]]:
    ws = wb["Simulation"]
    out: dict[str, dict[str, float]] = {}
    for c in range(2, ws.max_column + 1):
        name = ws.cell(row=layout.SIM_HEADER_ROW, column=c).value
        if not name:
            continue
        out[name] = {stat: ws.cell(row=4 + k, column=c).value for k, stat in enumerate(layout.SIM_STATS)}
    return out


def sim_column(wb: Any, name: str) -> np.ndarray:
    ws = wb["Simulation"]
    c = next(c for c in range(2, ws.max_column + 1) if ws.cell(row=layout.SIM_HEADER_ROW, column=c).value == name)
    return np.array([ws.cell(row=r, column=c).value for r in range(layout.SIM_HEADER_ROW + 1, ws.max_row + 1)], dtype=float)


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


def sheet_table(ws: Any) -> dict[str, list[Any]]:
    """An extra sheet's rows by their first cell (header on row 3)."""
    return {str(ws.cell(row=r, column=1).value): [c.value for c in ws[r][1:]] for r in range(4, ws.max_row + 1)}



def samples_block(path: Path) -> tuple[list[str], np.ndarray]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Samples"].iter_rows(min_row=3, values_only=True))
    wb.close()
    header = [str(v) for v in rows[0][1:]]
    data = np.array([[np.nan if v is None else v for v in row] for row in rows[1:]], dtype=float)
    return header, data

