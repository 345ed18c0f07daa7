"""Excel workbooks that stay live models, and reading them back.

:func:`to_excel` writes a workbook that works with no add-in: About,
Inputs (editable parameters, live point values), Model (every formula as a
live Excel formula over defined names), Simulation (a live Monte Carlo in
plain Excel), Samples, Summary and Sensitivity (Python's seeded results),
then any extra tables the caller adds.  :func:`read` reads such a workbook
back, with the analyst's edits, into a model made by the factory it is
given (``dealvalue.read_excel(path)`` passes :class:`~dealvalue.Model`).

Names Excel refuses are mapped by :data:`NAMING_RULE` (shown on the Inputs
sheet; :func:`cell_name` reverses it).

The modules: :mod:`.writer` (the workbook), :mod:`.live` (Inputs, Model,
Simulation), :mod:`.tables` (Samples, Summary, Sensitivity, extra tables),
:mod:`.reader`, :mod:`.printer` (names and sympy -> Excel formulas),
:mod:`.draws` (medians and inverse CDFs as formulas), :mod:`.style` (one
cell written safely) and :mod:`.layout` (where everything is).

Examples
--------
>>> import dealvalue as dv, tempfile, os
>>> m = dv.Model("demo", seed=1)
>>> m.add("R", "10 to 100", unit="USD"); m.add("c", "beta(8, 2)"); m.add("ask", "R / c")
>>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
>>> to_excel(m, path, m.simulate(n=1000, seed=1), sim_rows=50)
>>> back = read(path, dv.Model)
>>> back.cell("ask").formula, back.distribution("c")
('R / c', Beta(a=8.0, b=2.0))
"""

from __future__ import annotations

from ...errors import ExcelError
from .layout import FORMAT, MAX_SAMPLE_ROWS, MAX_SIM_ROWS, SAMPLE_ROWS, SHEETS, SIM_ROWS
from .printer import NAMING_RULE, cell_name, excel_forbids, excel_formula, excel_names, leaf_excel_name
from .reader import read
from .style import check_sheet_title
from .tables import check_table
from .writer import to_excel

__all__ = [
    "to_excel", "read", "ExcelError", "NAMING_RULE", "cell_name", "excel_forbids", "excel_formula", "excel_names",
    "leaf_excel_name", "check_sheet_title", "check_table", "FORMAT", "SHEETS", "SIM_ROWS", "SAMPLE_ROWS",
    "MAX_SIM_ROWS", "MAX_SAMPLE_ROWS",
]
