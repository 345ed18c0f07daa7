"""Excel workbooks that stay live models, and reading them back.

:func:`to_excel` writes a workbook that works with no add-in:

``About``
    What the model is, when and how it was exported, package versions, how to
    use, and the user-defined units the model uses (read back by :func:`read_excel`).
``Inputs``
    One row per input: its distribution's parameters in editable (yellow)
    cells and its point value (the median) as a live formula of them, e.g.
    ``=SQRT(I5*J5)`` for ``low to high``.  Each point value is a workbook
    defined name, so formulas read ``=W*c_ai``.  Overwrite a point value
    with a number and that input becomes a constant, in the Model and the
    Simulation sheets alike.  Distribution literals written inside formulas
    (``R / beta(8, 2)``) get rows of their own below, and rank correlations
    a small table.
``Model``
    Every formula cell as a live Excel formula over the defined names.
``Simulation``
    A live Monte Carlo: one row per draw, inputs drawn with ``RAND()``
    through inverse CDFs, correlated inputs through correlated normal
    scores, and statistics over the rows at the top (F9 redraws).
``Samples``
    The seeded samples from Python, as values (capped; the cap is stated).
``Summary``, ``Sensitivity``
    The summary and tornado tables with native charts.
``ZOPA``, ``Barriers``, ``Interventions``
    For a model with the core deal cells, tables from :mod:`dealvalue.deals`
    (unless ``deal_sheets=False`` or ``extra_sheets`` are given).

Names Excel refuses are mapped by the rule in :mod:`dealvalue.excel_printer`
(shown on the Inputs sheet).  :func:`read_excel` reads such a workbook back
into a :class:`~dealvalue.Model`, with the analyst's changes to parameters
and point values.

Examples
--------
>>> import dealvalue as dv, tempfile, os
>>> m = dv.Model("demo", seed=1)
>>> m.add("R", "10 to 100", unit="USD"); m.add("c", "beta(8, 2)"); m.add("ask", "R / c")
>>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
>>> to_excel(m, path, m.simulate(n=1000, seed=1), sim_rows=50)
>>> back = read_excel(path)
>>> back.cell("ask").formula, back.distribution("c")
('R / c', Beta(a=8.0, b=2.0))
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from . import distributions as D
from .errors import DealValueError, FormulaError
from .excel_printer import NAMING_RULE, ExcelError, cell_name, excel_formula, excel_names, leaf_excel_name

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from .model import Model
    from .results import Results

__all__ = [
    "to_excel", "read_excel", "ExcelError", "check_sheet_title", "cell_name", "excel_names", "excel_formula",
    "FORMAT", "SAMPLE_ROWS", "SIM_ROWS",
]

FORMAT = "dealvalue workbook 1"
SIM_ROWS = 1000
SAMPLE_ROWS = 10_000
MAX_SIM_ROWS = 100_000
MAX_SAMPLE_ROWS = 1_000_000
MAX_TEXT = 32_767  # Excel's limit on a cell's text
from .stats import Z_90

SHEETS = ("About", "Inputs", "Model", "Simulation", "Samples", "Summary", "Sensitivity")
SIMPLE = ("to", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli")
PARAMS = {
    "to": ("low", "high"), "norm": ("mean", "sd"), "lognorm": ("mu", "sigma"), "beta": ("a", "b"),
    "uniform": ("low", "high"), "triangular": ("left", "mode", "right"),
    "pert": ("low", "mode", "high", "lam"), "bernoulli": ("p",),
}

# section titles (column A) that read_excel looks for
T_INPUTS = "Inputs"
T_LEAVES = "Distributions written inside formulas"
T_CORR = "Rank correlations"
T_MODEL = "Formula cells"
T_UNITS = "Units defined by the model"
T_HOWTO = "How to use this workbook"

# shared columns of the Inputs and Model tables
C_NUM, C_NAME, C_XNAME, C_LABEL, C_UNIT, C_USRC = range(1, 7)
# Inputs table
C_KIND, C_PNAMES, C_P1 = 7, 8, 9          # parameters in columns 9..12
C_POINT, C_FORMULA, C_DESC, C_GROUP, C_BOUNDS, C_NOTE = 13, 14, 15, 16, 17, 18
# Model table
M_VALUE, M_FORMULA, M_DESC, M_GROUP, M_BOUNDS = 7, 8, 9, 10, 11

INPUT_HEADERS = ["#", "name", "Excel name", "label", "unit", "unit source", "distribution", "parameters",
                 "param 1", "param 2", "param 3", "param 4", "point value", "formula (dealvalue)",
                 "description", "group", "bounds", "note"]
MODEL_HEADERS = ["#", "name", "Excel name", "label", "unit", "unit source", "value", "formula (dealvalue)",
                 "description", "group", "bounds"]

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- text safety


def _check_text(value: Any, where: str, multiline: bool = True) -> str:
    if not isinstance(value, str):
        raise ExcelError(where, value, f"expected text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ExcelError(where, value[:40], f"text is {len(value)} characters; Excel allows {MAX_TEXT}")
    allowed = "\n\t" if multiline else ""
    for k, ch in enumerate(value):
        if (ord(ch) < 32 and ch not in allowed) or 127 <= ord(ch) < 160 or ch in "\ufffe\uffff":
            raise ExcelError(where, value, f"control character {ch!r} at position {k + 1} cannot go into a workbook")
    return value


def check_sheet_title(title: Any, taken: Sequence[str] = ()) -> str:
    """``title`` if Excel accepts it as a new sheet's name, else raise ExcelError.

    >>> check_sheet_title("ZOPA")
    'ZOPA'
    >>> check_sheet_title("a/b")
    Traceback (most recent call last):
    ...
    dealvalue.errors.ExcelError: sheet title: Excel forbids the characters [ ] : * ? / \\ in sheet names (got 'a/b')
    """
    where = "sheet title"
    _check_text(title, where, multiline=False)
    if not title.strip():
        raise ExcelError(where, title, "a sheet name cannot be blank")
    if len(title) > 31:
        raise ExcelError(where, title, "Excel allows at most 31 characters in a sheet name")
    if _BAD_TITLE.search(title):
        raise ExcelError(where, title, "Excel forbids the characters [ ] : * ? / \\ in sheet names")
    if title.startswith("'") or title.endswith("'"):
        raise ExcelError(where, title, "a sheet name cannot start or end with an apostrophe")
    if title.lower() == "history":
        raise ExcelError(where, title, "Excel reserves the sheet name 'History'")
    if title.lower() in {t.lower() for t in taken}:
        raise ExcelError(where, title, "another sheet has this name (sheet names ignore case)")
    return str(title)


def _put_text(ws: "Worksheet", row: int, col: int, value: str, where: str) -> None:
    """Write user text as text: never a formula, whatever it starts with."""
    _check_text(value, where)
    c = ws.cell(row=row, column=col)
    c.value = value
    c.data_type = "s"  # openpyxl would take '=...' for a formula
    if value[:1] in ("=", "+", "-", "@"):
        c.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _put(ws: "Worksheet", row: int, col: int, value: Any, where: str = "") -> None:
    """Write a number, our own formula, or text (as text)."""
    if isinstance(value, str):
        _put_text(ws, row, col, value, where or f"{ws.title}!{_ref(row, col)}")
        return
    if isinstance(value, (bool, np.bool_)):
        value = int(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        ws.cell(row=row, column=col).value = v if math.isfinite(v) else None
        return
    if value is None:
        return
    raise ExcelError(where or f"{ws.title}!{_ref(row, col)}", value, "expected a number or text")


def _shown(ws: "Worksheet", row: int, col: int, value: Any, where: str = "") -> None:
    """A number in a results table, formatted to be read (the cell keeps every digit)."""
    _put(ws, row, col, value, where)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        ws.cell(row=row, column=col).number_format = _number_format(float(value))


def _number_format(value: float) -> str:
    """A display format for numbers of about this size (about 4 significant digits)."""
    x = abs(value)
    if x == 0 or not math.isfinite(x) or value.is_integer() and x < 1e7:
        return "#,##0"
    if x >= 1e7 or x < 1e-3:
        return "0.000E+00"
    if x >= 1000:
        return "#,##0"
    if x >= 1:
        return "#,##0.000"
    return "0.0000"


def _formula(ws: "Worksheet", row: int, col: int, text: str) -> None:
    ws.cell(row=row, column=col).value = "=" + text


def _col(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def _ref(row: int, col: int, absolute: bool = False, sheet: str | None = None) -> str:
    d = "$" if absolute else ""
    text = f"{d}{_col(col)}{d}{row}"
    return f"{_quote_sheet(sheet)}!{text}" if sheet else text


def _quote_sheet(title: str) -> str:
    return title if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) else "'" + title.replace("'", "''") + "'"


def _num(x: float) -> str:
    """A number as Excel formula text."""
    if not math.isfinite(x):
        raise ExcelError("number", x, "a number that is not finite cannot go into a formula")
    text = repr(float(x)).upper().replace("E+", "E")
    if text.endswith(".0"):
        text = text[:-2]
    return f"({text})" if text.startswith("-") else text


# ---------------------------------------------------------------- distributions as Excel text


def _flatten(dist: D.Mixture) -> list[tuple[float, D.Distribution]]:
    out: list[tuple[float, D.Distribution]] = []
    for p, c in zip(dist.probabilities, dist.components):
        if isinstance(c, D.Mixture):
            out += [(p * q, cc) for q, cc in _flatten(c)]
        else:
            out.append((float(p), c))
    return out


def _params(dist: D.Distribution) -> list[float]:
    if isinstance(dist, D.Pert):
        return [dist.low, dist.mode, dist.high, dist.lam]
    return list(dist.params().values())


def _median_text(kind: str, P: Sequence[str]) -> str:
    """The median of a distribution as an Excel formula of its parameters."""
    if kind == "to":
        return f"IF({P[0]}>0,SQRT({P[0]}*{P[1]}),({P[0]}+{P[1]})/2)"
    if kind == "norm":
        return P[0]
    if kind == "lognorm":
        return f"EXP({P[0]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV(0.5,{P[0]},{P[1]})"
    if kind == "uniform":
        return f"({P[0]}+{P[1]})/2"
    if kind == "triangular":
        a, c, b = P
        return f"IF(({c}-{a})/({b}-{a})>0.5,{a}+SQRT(0.5*({b}-{a})*({c}-{a})),{b}-SQRT(0.5*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV(0.5,1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({P[0]}>0.5,1,IF({P[0]}<0.5,0,0.5))"
    raise ExcelError("distribution", kind, "has no median formula")  # pragma: no cover


def _ppf_text(kind: str, P: Sequence[str], U: str) -> str:
    """The inverse CDF at uniform ``U`` as an Excel formula of the parameters."""
    if kind == "to":
        lo, hi = P
        return (f"IF({lo}>0,_xlfn.LOGNORM.INV({U},(LN({lo})+LN({hi}))/2,(LN({hi})-LN({lo}))/(2*{Z_90!r})),"
                f"_xlfn.NORM.INV({U},({lo}+{hi})/2,({hi}-{lo})/(2*{Z_90!r})))")
    if kind == "norm":
        return f"_xlfn.NORM.INV({U},{P[0]},{P[1]})"
    if kind == "lognorm":
        return f"_xlfn.LOGNORM.INV({U},{P[0]},{P[1]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV({U},{P[0]},{P[1]})"
    if kind == "uniform":
        return f"{P[0]}+({P[1]}-{P[0]})*{U}"
    if kind == "triangular":
        a, c, b = P
        return f"IF({U}<({c}-{a})/({b}-{a}),{a}+SQRT({U}*({b}-{a})*({c}-{a})),{b}-SQRT((1-{U})*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV({U},1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({U}>1-{P[0]},1,0)"
    raise ExcelError("distribution", kind, "has no inverse CDF formula")  # pragma: no cover


def _mixture_ppf_text(dist: D.Mixture, U: str, S: str) -> str:
    """A mixture draw: uniform ``S`` picks the component, ``U`` draws from it."""
    parts = _flatten(dist)
    last = parts[-1][1]
    text = _ppf_text(last.kind, [_num(v) for v in _params(last)], U)
    cum = sum(p for p, _ in parts[:-1])  # P(one of the components before the last)
    for p, comp in reversed(parts[:-1]):
        inner = _ppf_text(comp.kind, [_num(v) for v in _params(comp)], U)
        text = f"IF({S}<{_num(cum)},{inner},{text})"
        cum -= p
    return text


# ---------------------------------------------------------------- the layout


@dataclass
class _Row:
    """An Inputs-sheet row: an input cell or a distribution literal inside a formula."""

    name: str              # cell name or leaf name
    xname: str             # its defined name
    kind: str              # a SIMPLE kind, "mixture", "constant" or "formula"
    dist: D.Distribution | None
    row: int = 0
    leaves: list[str] = field(default_factory=list)  # for "formula" inputs
    live: bool = True      # the point value is a live formula of the parameters
    note: str = ""


def _plan(model: "Model") -> tuple[list[_Row], list[_Row], dict[str, str]]:
    """Rows of the inputs and literal tables, and symbol name -> defined name."""
    compiled = model.compile()
    names = excel_names(model.names)
    symbols = dict(names)
    inputs: list[_Row] = []
    leaf_rows: list[_Row] = []
    by_owner: dict[str, list[str]] = {}
    for leaf, owner in compiled.leaf_owner.items():
        by_owner.setdefault(owner, []).append(leaf)
    for name in model.names:
        if not model.is_input(name):
            continue
        leaves = by_owner.get(name, [])
        dist = model.distribution(name)
        if not leaves:
            inputs.append(_Row(name, names[name], "constant", None, live=False))
        elif dist is not None:
            kind = "mixture" if isinstance(dist, D.Mixture) else dist.kind
            note = "median of a mixture, computed by Python (no closed form)" if kind == "mixture" else ""
            inputs.append(_Row(name, names[name], kind, dist, live=kind != "mixture", note=note))
        else:
            live = len(leaves) == 1 and model.monotone_in_leaf(name)
            note = "" if live else "median of 100,001 samples, computed by Python"
            inputs.append(_Row(name, names[name], "formula", None, leaves=list(leaves), live=live, note=note))
    for leaf, owner in compiled.leaf_owner.items():
        if model.distribution(owner) is not None:
            continue
        dist = compiled.leaves[leaf]
        kind = "mixture" if isinstance(dist, D.Mixture) else dist.kind
        xname = leaf_excel_name(leaf, names)
        symbols[leaf] = xname
        note = "median of a mixture, computed by Python (no closed form)" if kind == "mixture" else ""
        leaf_rows.append(_Row(leaf, xname, kind, dist, live=kind != "mixture", note=note))
    return inputs, leaf_rows, symbols


def _unit_cols(model: "Model", name: str) -> tuple[str, str]:
    from .units import unit_text

    declared = model.cell(name).unit
    if declared is not None:
        return declared, "declared"
    return unit_text(model.unit(name)), "inferred"


def _bounds_text(b: tuple[float, float] | None) -> str:
    return "" if b is None else f"{b[0]!r}, {b[1]!r}"


def _style_header(ws: "Worksheet", row: int, ncols: int) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side

    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.border = Border(bottom=Side(style="thin"))


def _title(ws: "Worksheet", text: str, row: int = 1) -> None:
    from openpyxl.styles import Font

    _put_text(ws, row, 1, text, f"{ws.title} title")
    ws.cell(row=row, column=1).font = Font(bold=True, size=14)


def _section(ws: "Worksheet", row: int, text: str) -> None:
    from openpyxl.styles import Font

    _put_text(ws, row, 1, text, f"{ws.title} section")
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)


_EDIT = "FFF2CC"   # editable parameters: pale yellow
_POINT = "DDEBF7"  # point values and live results: pale blue


def _fill(ws: "Worksheet", row: int, col: int, color: str) -> None:
    from openpyxl.styles import PatternFill

    ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor=color)


def _printable(ws: "Worksheet") -> None:
    """Print (and export to PDF) landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


PRINT_ROWS = 50  # rows of draws or samples that print (the sheets hold up to 100,000)
PRINT_COLS = 12  # columns per printed page on the wide sheets


def _print_block(ws: "Worksheet", last_row: int, last_col: int, title_rows: str) -> None:
    """Print (and export to PDF) only the top of a long sheet: rows 1 to
    ``last_row``, ``PRINT_COLS`` columns a page, ``title_rows`` and column A
    repeated on every page."""
    ws.print_area = f"A1:{_col(max(last_col, 1))}{last_row}"
    ws.print_title_rows = title_rows
    ws.print_title_cols = "A:A"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = max(1, math.ceil(last_col / PRINT_COLS))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _fit(ws: "Worksheet", columns: Mapping[int, tuple[float, float]], first_row: int, last_row: int | None = None) -> None:
    """Widen each column to its longest text in rows ``first_row`` to ``last_row``, within
    (min, max) characters, and wrap the texts longer than that, so no text
    runs into the next column."""
    from openpyxl.styles import Alignment

    lines_needed: dict[int, int] = {}
    for col, (lo, hi) in columns.items():
        texts = [(r, v) for r in range(first_row, (last_row or ws.max_row) + 1)
                 if isinstance(v := ws.cell(row=r, column=col).value, str) and not v.startswith("=")]
        longest = max((max(len(line) for line in v.split("\n")) for _, v in texts), default=0)
        width = max(lo, min(hi, longest + 2))
        ws.column_dimensions[_col(col)].width = width
        for r, v in texts:
            if len(v) + 1 > width or "\n" in v:
                ws.cell(row=r, column=col).alignment = Alignment(wrap_text=True, vertical="top")
                # spreadsheets do not grow a row for wrapped text on their own when
                # printing or converting: give it the height of its lines
                lines = sum(max(1, math.ceil(1.1 * len(line) / max(width - 1, 1))) for line in v.split("\n"))
                lines_needed[r] = max(lines_needed.get(r, 1), lines)
    for r, lines in lines_needed.items():
        if lines > 1:
            current = ws.row_dimensions[r].height or 15
            ws.row_dimensions[r].height = max(current, 15 * lines)
            for cell in ws[r]:  # a tall row reads best with every cell at its top
                old = cell.alignment
                cell.alignment = Alignment(horizontal=old.horizontal, vertical="top",
                                           wrap_text=old.wrap_text, indent=old.indent)


def _note_rows(ws: "Worksheet", rows: Sequence[int], last_col: int) -> None:
    """Long notes in column A: merged across the table and wrapped, with a
    row height for their length (Excel does not size merged rows)."""
    from openpyxl.styles import Alignment

    chars = sum((ws.column_dimensions[_col(c)].width or 9) for c in range(1, last_col + 1))
    for r in rows:
        text = str(ws.cell(row=r, column=1).value or "")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(1.15 * len(text) / chars))


def _widths(ws: "Worksheet", widths: Mapping[int, float]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[_col(col)].width = w


# ---------------------------------------------------------------- sheets


def _about(wb: "Workbook", model: "Model", results: "Results", sim_rows: int, sample_rows: int, main: str,
           deal_notes: Sequence[str] = ()) -> None:
    import numpy
    import openpyxl
    import scipy
    import sympy

    from . import __version__

    ws = wb.create_sheet("About")
    _title(ws, "dealvalue workbook")
    rows: list[tuple[str, Any]] = [
        ("model", model.name),
        ("description", model.description),
        ("exported", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("model seed", "" if model.seed is None else int(model.seed)),
        ("simulation seed", results.seed),
        ("samples (Python)", results.n),
        ("sampling method", results.method),
        ("samples shown on the Samples sheet", min(sample_rows, results.n)),
        ("live simulation rows", sim_rows),
        ("main output", main),
        *[("deal sheets", note) for note in deal_notes],
        ("format", FORMAT),
        ("dealvalue", __version__),
        ("python", sys.version.split()[0]),
        ("numpy", numpy.__version__),
        ("scipy", scipy.__version__),
        ("sympy", sympy.__version__),
        ("openpyxl", openpyxl.__version__),
    ]
    for k, (key, value) in enumerate(rows, start=3):
        _put_text(ws, k, 1, key, "About")
        ws.cell(row=k, column=1).font = _bold()
        _put(ws, k, 2, value if not isinstance(value, (int, np.integer)) else int(value), f"About: {key}")
        ws.cell(row=k, column=2).alignment = _wrap()
    r = len(rows) + 4
    _section(ws, r, T_HOWTO)
    howto = [
        "Inputs: change a distribution's parameters in the yellow cells; the point value (the median, blue) and every formula follow.",
        "Inputs: type a number over a point value to make that input a constant (in the Model and Simulation sheets too).",
        "Model: every formula cell is a live Excel formula over the inputs' names (Formulas > Name Manager lists them).",
        "Simulation: a live Monte Carlo with RAND(); press F9 to redraw. Its statistics are at the top of the sheet.",
        "Samples, Summary, Sensitivity: results computed by dealvalue in Python with the seed above; they do not change in Excel.",
        "Re-import with dealvalue.read_excel(path): edited parameters, point values typed over, and edited 'formula (dealvalue)' text come back.",
        NAMING_RULE,
    ]
    for k, line in enumerate(howto, start=r + 1):
        _put_text(ws, k, 1, line, "About")
    _units_table(ws, r + len(howto) + 2, model)
    _widths(ws, {1: 34, 2: 110})
    _printable(ws)


def _units_table(ws: "Worksheet", start: int, model: "Model") -> None:
    """The user-defined units the model uses (name, definition), so that
    :func:`read_excel` can define them in a Python that has not."""
    from .files import used_units

    _section(ws, start, T_UNITS)
    _put_text(ws, start + 1, 1, "name", "About header")
    _put_text(ws, start + 1, 2, "definition (blank: a dimension of its own)", "About header")
    _style_header(ws, start + 1, 2)
    used = used_units(model)
    for k, unit in enumerate(used, start=start + 2):
        _put_text(ws, k, 1, unit["name"], "About units")
        _put_text(ws, k, 2, unit.get("definition", ""), "About units")
    if not used:
        _put_text(ws, start + 2, 1, "(none)", "About units")


def _define_units(about: "_Sheet") -> None:
    """Define the units listed on the About sheet (see :func:`_units_table`)."""
    from .units import define_unit

    title = _find(about, T_UNITS)
    if title is None:
        return
    r = title + 2
    while r <= about.max_row and about.text(r, 1) not in ("", "(none)"):
        name, definition = about.text(r, 1).strip(), about.text(r, 2).strip()
        try:
            define_unit(name, definition or None)
        except DealValueError as exc:
            raise ExcelError(f"About!{_ref(r, 1)} (unit {name!r})", definition or name, str(exc)) from None
        r += 1


def _centre() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(horizontal="center")


def _wrap() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _inputs_sheet(wb: "Workbook", model: "Model", inputs: list[_Row], leaf_rows: list[_Row],
                  symbols: Mapping[str, str]) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Inputs")
    _title(ws, f"Inputs of {model.name}")
    _put_text(ws, 2, 1, "Yellow cells are editable parameters; blue point values are named and used by every formula. "
              "Type a number over a point value to make the input a constant.", "Inputs")
    _put_text(ws, 3, 1, NAMING_RULE, "Inputs")
    compiled = model.compile()
    points = {**{leaf: d.median() for leaf, d in compiled.leaves.items()}, **model.point_values()}
    order = {n: k for k, n in enumerate(model.names, start=1)}

    def table(start: int, title: str, rows: list[_Row], is_leaf: bool) -> int:
        _section(ws, start, title)
        for c, h in enumerate(INPUT_HEADERS, start=1):
            _put_text(ws, start + 1, c, h, "Inputs header")
        _style_header(ws, start + 1, len(INPUT_HEADERS))
        r = start + 2
        for row in rows:
            row.row = r
            where = f"Inputs row {r} ({row.name})"
            if is_leaf:
                owner = compiled.leaf_owner[row.name]
                k = row.name.rpartition("__")[2]
                _put_text(ws, r, C_NAME, row.name, where)
                _put_text(ws, r, C_LABEL, f"distribution literal {k} in cell {owner}", where)
                assert row.dist is not None
                _put_text(ws, r, C_FORMULA, row.dist.formula(), where)
            else:
                cell = model.cell(row.name)
                _put(ws, r, C_NUM, order[row.name])
                _put_text(ws, r, C_NAME, row.name, where)
                _put_text(ws, r, C_LABEL, cell.label, where)
                unit, source = _unit_cols(model, row.name)
                _put_text(ws, r, C_UNIT, unit, where)
                _put_text(ws, r, C_USRC, source, where)
                _put_text(ws, r, C_FORMULA, cell.formula, where)
                _put_text(ws, r, C_DESC, cell.description, where)
                _put_text(ws, r, C_GROUP, cell.group, where)
                _put_text(ws, r, C_BOUNDS, _bounds_text(cell.bounds), where)
            _put_text(ws, r, C_XNAME, row.xname, where)
            _put_text(ws, r, C_KIND, row.kind, where)
            if row.kind in SIMPLE:
                assert row.dist is not None
                pnames = PARAMS[row.kind]
                _put_text(ws, r, C_PNAMES, ", ".join(pnames), where)
                for j, v in enumerate(_params(row.dist)):
                    _put(ws, r, C_P1 + j, v)
                    _fill(ws, r, C_P1 + j, _EDIT)
                P = [_ref(r, C_P1 + j) for j in range(len(pnames))]
                _formula(ws, r, C_POINT, _median_text(row.kind, P))
            elif row.kind == "constant":
                _put(ws, r, C_POINT, points[row.name])
            elif row.kind == "formula" and row.live:
                expr = model.parsed(row.name).expr
                _formula(ws, r, C_POINT, excel_formula(expr, symbols, row.name))
            else:  # a mixture, or a median only Python can compute: a formula holding the number
                _formula(ws, r, C_POINT, _num(points[row.name]))
            _fill(ws, r, C_POINT, _POINT)
            ws.cell(row=r, column=C_POINT).number_format = _number_format(float(points[row.name]))
            if row.note:
                _put_text(ws, r, C_NOTE, row.note, where)
            wb.defined_names[row.xname] = DefinedName(row.xname, attr_text=_ref(r, C_POINT, True, "Inputs"))
            r += 1
        return r

    r = table(5, T_INPUTS, inputs, False)
    if leaf_rows:
        r = table(r + 1, T_LEAVES, leaf_rows, True)
    _section(ws, r + 1, T_CORR)
    for c, h in enumerate(["a", "b", "rho"], start=C_NAME):
        _put_text(ws, r + 2, c, h, "Inputs header")
    _style_header(ws, r + 2, C_NAME + 2)
    rr = r + 3
    for (a, b), rho in model.correlations.items():
        _put_text(ws, rr, C_NAME, a, "Inputs correlations")
        _put_text(ws, rr, C_XNAME, b, "Inputs correlations")
        _put(ws, rr, C_LABEL, rho)
        _fill(ws, rr, C_LABEL, _EDIT)
        rr += 1
    if not model.correlations:
        _put_text(ws, rr, C_NAME, "(none)", "Inputs correlations")
    _put_text(ws, rr + 1, C_NAME, "A changed rho is read back by read_excel; the Simulation sheet keeps the rho of the export.", "Inputs")
    _widths(ws, {1: 5, 2: 16, 3: 14, 4: 34, 5: 9, 6: 9, 7: 11, 8: 16, 9: 10, 10: 10, 11: 10, 12: 10,
                 13: 13, 14: 24, 15: 30, 16: 12, 17: 10, 18: 30})
    _fit(ws, {C_NAME: (10, 32), C_XNAME: (10, 32), C_LABEL: (20, 40), C_UNIT: (9, 20), C_FORMULA: (16, 40),
              C_DESC: (20, 60), C_GROUP: (10, 20), C_NOTE: (20, 50)}, 6, r - 1)
    _note_rows(ws, [2, 3], len(INPUT_HEADERS))
    ws.freeze_panes = "C7"
    _printable(ws)


def _model_sheet(wb: "Workbook", model: "Model", symbols: Mapping[str, str], names: Mapping[str, str]) -> dict[str, int]:
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Model")
    _title(ws, f"Model: {model.name}")
    _put_text(ws, 2, 1, "Each value is a live Excel formula over the named inputs and cells. "
              "To change a formula for good, edit its 'formula (dealvalue)' text and re-import.", "Model")
    _section(ws, 4, T_MODEL)
    for c, h in enumerate(MODEL_HEADERS, start=1):
        _put_text(ws, 5, c, h, "Model header")
    _style_header(ws, 5, len(MODEL_HEADERS))
    order = {n: k for k, n in enumerate(model.names, start=1)}
    values = model.evaluate_all()
    rows: dict[str, int] = {}
    r = 6
    for name in model.names:
        if model.is_input(name):
            continue
        cell = model.cell(name)
        where = f"Model row {r} ({name})"
        _put(ws, r, C_NUM, order[name])
        _put_text(ws, r, C_NAME, name, where)
        _put_text(ws, r, C_XNAME, names[name], where)
        _put_text(ws, r, C_LABEL, cell.label, where)
        unit, source = _unit_cols(model, name)
        _put_text(ws, r, C_UNIT, unit, where)
        _put_text(ws, r, C_USRC, source, where)
        _formula(ws, r, M_VALUE, excel_formula(model.parsed(name).expr, symbols, name))
        _fill(ws, r, M_VALUE, _POINT)
        ws.cell(row=r, column=M_VALUE).number_format = _number_format(values[name])
        _put_text(ws, r, M_FORMULA, cell.formula, where)
        _put_text(ws, r, M_DESC, cell.description, where)
        _put_text(ws, r, M_GROUP, cell.group, where)
        _put_text(ws, r, M_BOUNDS, _bounds_text(cell.bounds), where)
        wb.defined_names[names[name]] = DefinedName(names[name], attr_text=_ref(r, M_VALUE, True, "Model"))
        rows[name] = r
        r += 1
    _widths(ws, {1: 5, 2: 16, 3: 14, 4: 34, 5: 9, 6: 9, 7: 14, 8: 40, 9: 30, 10: 12, 11: 10})
    _fit(ws, {C_NAME: (10, 32), C_XNAME: (10, 32), C_LABEL: (20, 40), C_UNIT: (9, 20), M_FORMULA: (20, 60),
              M_DESC: (20, 60), M_GROUP: (10, 20)}, 5)
    _note_rows(ws, [2], len(MODEL_HEADERS))
    ws.freeze_panes = "C6"
    _printable(ws)
    return rows


CHART_BARS = 15
SIM_STATS = ("mean", "sd", "p5", "p50", "p95", "non-numeric rows")
SIM_HEADER_ROW = 11


def _simulation_sheet(wb: "Workbook", model: "Model", inputs: list[_Row], leaf_rows: list[_Row],
                      sim_rows: int) -> None:
    ws = wb.create_sheet("Simulation")
    _title(ws, f"Live Monte Carlo: {sim_rows:,} draws (press F9 to redraw)")
    compiled = model.compile()
    first, last = SIM_HEADER_ROW + 1, SIM_HEADER_ROW + sim_rows
    ROW = "\x00"  # stands for the row number in a formula template
    col: dict[str, int] = {}
    c = 2
    for name in model.names:
        col[name] = c
        c += 1
    helpers: list[tuple[str, str]] = []  # (header, template)
    helper_col = c + 1  # one blank column between the cells and the helpers

    def helper(header: str, template: str) -> str:
        helpers.append((header, template))
        return f"{_col(helper_col + len(helpers) - 1)}{ROW}"

    # correlated inputs: correlated normal scores (a Gaussian copula with the Spearman rho)
    u_of: dict[str, str] = {}
    corr = model.correlations
    notes = []
    if corr:
        from .simulate import correlation_groups

        for members, L in correlation_groups(model):
            zs = [helper(f"z {m}", "_xlfn.NORM.S.INV(RAND())") for m in members]
            for i, m in enumerate(members):
                terms = "+".join(f"{_num(float(L[i, j]))}*{zs[j]}" for j in range(i + 1) if L[i, j] != 0)
                (leaf,) = [lf for lf, o in compiled.leaf_owner.items() if o == m]
                u_of[leaf] = helper(f"u {m}", f"_xlfn.NORM.S.DIST({terms},TRUE())")
        notes.append("Correlated inputs (" + ", ".join(f"{a}~{b}: {r:g}" for (a, b), r in corr.items())
                     + ") are drawn through correlated normal scores, which keep the rank correlations.")

    def draw(row: _Row, leaf: str, point: str) -> str:
        """The draw of one distribution, or the point value once it is typed over."""
        dist = row.dist if row.dist is not None else compiled.leaves[leaf]
        U = u_of.get(leaf) or helper(f"u {leaf}", "RAND()")
        if isinstance(dist, D.Mixture):
            S = helper(f"pick {leaf}", "RAND()")
            text = _mixture_ppf_text(dist, U, S)
        else:
            P = [_ref(row.row, C_P1 + j, True, "Inputs") for j in range(len(PARAMS[dist.kind]))]
            text = _ppf_text(dist.kind, P, U)
        return f"IF(_xlfn.ISFORMULA({point}),{text},{point})"

    templates: dict[str, str] = {}
    refs: dict[str, str] = {n: f"{_col(col[n])}{ROW}" for n in model.names}
    leaf_by_name = {r.name: r for r in leaf_rows}
    for lr in leaf_rows:  # literals inside formulas: helper columns of their own
        point = _ref(lr.row, C_POINT, True, "Inputs")
        refs[lr.name] = helper(lr.name, draw(lr, lr.name, point))
    for row in inputs:
        point = _ref(row.row, C_POINT, True, "Inputs")
        if row.kind == "constant":
            templates[row.name] = row.xname
        elif row.kind == "formula":
            expr = model.parsed(row.name).expr
            templates[row.name] = f"IF(_xlfn.ISFORMULA({point}),{excel_formula(expr, refs, row.name)},{point})"
        else:
            (leaf,) = [lf for lf, o in compiled.leaf_owner.items() if o == row.name]
            templates[row.name] = draw(row, leaf, point)
    for name in model.names:
        if not model.is_input(name):
            templates[name] = excel_formula(model.parsed(name).expr, refs, name)
    del leaf_by_name

    _put_text(ws, 2, 1, "Each row draws every input with RAND() through its inverse CDF, using the parameters on the "
              "Inputs sheet (an input whose point value was typed over stays at that number). "
              + " ".join(notes), "Simulation")
    _put_text(ws, 3, 1, "Statistics ignore rows whose value is an error (e.g. #DIV/0!) and count them. "
              f"Printing shows the statistics and the first {min(sim_rows, PRINT_ROWS)} draws.", "Simulation")
    values = model.evaluate_all()
    for k, stat in enumerate(SIM_STATS):
        r = 4 + k
        _put_text(ws, r, 1, stat, "Simulation")
        ws.cell(row=r, column=1).font = _bold()
        for name in model.names:
            rng = f"{_col(col[name])}{first}:{_col(col[name])}{last}"
            text = {
                "mean": f"_xlfn.AGGREGATE(1,6,{rng})",
                "sd": f"_xlfn.AGGREGATE(7,6,{rng})",
                "p5": f"_xlfn.AGGREGATE(16,6,{rng},0.05)",
                "p50": f"_xlfn.AGGREGATE(16,6,{rng},0.5)",
                "p95": f"_xlfn.AGGREGATE(16,6,{rng},0.95)",
                "non-numeric rows": f"ROWS({rng})-COUNT({rng})",
            }[stat]
            _formula(ws, r, col[name], text)
            _fill(ws, r, col[name], _POINT)
            if stat != "non-numeric rows":
                ws.cell(row=r, column=col[name]).number_format = _number_format(values[name])
    _put_text(ws, SIM_HEADER_ROW - 1, 1, "labels", "Simulation")
    _put_text(ws, SIM_HEADER_ROW, 1, "draw", "Simulation")
    for name in model.names:
        _put_text(ws, SIM_HEADER_ROW - 1, col[name], model.cell(name).label, "Simulation")
        _put_text(ws, SIM_HEADER_ROW, col[name], name, "Simulation")
    for k, (header, _) in enumerate(helpers):
        _put_text(ws, SIM_HEADER_ROW, helper_col + k, header, "Simulation")
    if helpers:
        _put_text(ws, SIM_HEADER_ROW - 1, helper_col, "helper columns: uniform and normal random numbers, literals inside formulas", "Simulation")
    _style_header(ws, SIM_HEADER_ROW, helper_col + len(helpers) - 1)
    cols = [(col[n], templates[n]) for n in model.names] + [(helper_col + k, t) for k, (_, t) in enumerate(helpers)]
    for r in range(first, last + 1):
        rs = str(r)
        ws.cell(row=r, column=1).value = r - SIM_HEADER_ROW
        for c_, t in cols:
            ws.cell(row=r, column=c_).value = "=" + t.replace(ROW, rs)
    _widths(ws, {1: 16, **{col[n]: 13 for n in model.names}})
    ws.freeze_panes = ws.cell(row=SIM_HEADER_ROW + 1, column=2)
    _print_block(ws, SIM_HEADER_ROW + min(sim_rows, PRINT_ROWS), helper_col + len(helpers) - 1,
                 f"{SIM_HEADER_ROW - 1}:{SIM_HEADER_ROW}")


def _samples_sheet(wb: "Workbook", results: "Results", cap: int) -> np.ndarray:
    """The sheet's title and header; returns the block of values for :func:`_inject_rows`."""
    ws = wb.create_sheet("Samples")
    shown = min(cap, results.n)
    _title(ws, f"Samples from Python: {shown:,} of {results.n:,} (seed {results.seed}, method {results.method})")
    _put_text(ws, 2, 1, f"At most {cap:,} rows are written (the cap); the statistics on the Summary sheet use all "
              f"{results.n:,} samples. A blank cell is a sample that is not a finite number. "
              f"Printing shows the first {min(shown, PRINT_ROWS)} rows.", "Samples")
    names = list(results.values)
    for c, name in enumerate(names, start=2):
        _put_text(ws, 3, c, name, "Samples header")
    _put_text(ws, 3, 1, "sample", "Samples header")
    _style_header(ws, 3, len(names) + 1)
    ws.freeze_panes = "B4"
    _print_block(ws, 3 + min(shown, PRINT_ROWS), len(names) + 1, "3:3")
    return np.column_stack([np.arange(1, shown + 1, dtype=float)] + [np.asarray(results.values[n][:shown], dtype=float) for n in names])


def _rows_xml(block: np.ndarray, first_row: int) -> str:
    """Rows of plain numbers as worksheet XML (blank for a non-finite value)."""
    letters = [_col(c) for c in range(1, block.shape[1] + 1)]
    parts = []
    for i, line in enumerate(block.tolist()):
        r = first_row + i
        cells = "".join(f'<c r="{letters[j]}{r}"><v>{v!r}</v></c>' for j, v in enumerate(line) if math.isfinite(v))
        parts.append(f'<row r="{r}">{cells}</row>')
    return "".join(parts)


def _inject_rows(path: str, sheet_index: int, block: np.ndarray, first_row: int) -> None:
    """Add rows of numbers to a saved workbook's sheet.

    openpyxl serialises each cell through a Python XML writer, which takes most
    of an export's time for 10,000 sample rows; numbers need no escaping, so
    the Samples rows are written as text here and spliced into the sheet.
    """
    import zipfile

    member = f"xl/worksheets/sheet{sheet_index}.xml"
    out = path + ".rows"
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == member:
                    text = data.decode("utf-8")
                    if text.count("</sheetData>") != 1:
                        raise ExcelError("Samples sheet", member, "unexpected worksheet layout from openpyxl")
                    text = text.replace("</sheetData>", _rows_xml(block, first_row) + "</sheetData>")
                    last = first_row + block.shape[0] - 1
                    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{_col(block.shape[1])}{max(last, 3)}"/>', text, count=1)
                    data = text.encode("utf-8")
                dst.writestr(info, data)
        os.replace(out, path)
    finally:
        Path(out).unlink(missing_ok=True)


def _summary_sheet(wb: "Workbook", results: "Results", main: str, bins: int = 30) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("Summary")
    _title(ws, f"Summary of {results.n:,} samples (seed {results.seed})")
    table = results.summary()
    headers = ["name", *table.columns]
    for c, h in enumerate(headers, start=1):
        _put_text(ws, 3, c, str(h), "Summary header")
    _style_header(ws, 3, len(headers))
    for r, (name, row) in enumerate(table.iterrows(), start=4):
        _put_text(ws, r, 1, str(name), "Summary")
        for c, key in enumerate(table.columns, start=2):
            _shown(ws, r, c, row[key], f"Summary {name}.{key}")
    r0 = len(table) + 6
    _section(ws, r0, f"Histogram of {main}")
    x = results.get(main)
    x = x[np.isfinite(x)]
    counts, edges = np.zeros(0), np.zeros(1)
    if x.size:
        # bins over the central 99% so a long tail does not squash the picture; the rest is counted
        lo, hi = (float(v) for v in np.quantile(x, [0.005, 0.995]))
        if not hi > lo:
            lo, hi = float(x.min()), float(x.max()) + (1.0 if x.max() == x.min() else 0.0)
        counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
        outside = int(x.size - counts.sum())
        _put_text(ws, r0 + 2 + bins, 1, f"bins cover the 0.5th to 99.5th percentiles; {outside:,} of {x.size:,} samples lie outside", "Summary")
    for c, h in enumerate(["from", "to", "bin", "count"], start=1):
        _put_text(ws, r0 + 1, c, h, "Summary header")
    _style_header(ws, r0 + 1, 4)
    for k, n in enumerate(counts):
        r = r0 + 2 + k
        _shown(ws, r, 1, float(edges[k]))
        _shown(ws, r, 2, float(edges[k + 1]))
        _put_text(ws, r, 3, f"{(edges[k] + edges[k + 1]) / 2:.4g}", "Summary")
        ws.cell(row=r, column=3).alignment = _centre()
        _put(ws, r, 4, int(n))
    if len(counts):
        chart = BarChart()
        chart.type = "col"
        chart.gapWidth = 0
        chart.title = f"Histogram of {main} ({results.n:,} samples)"
        chart.y_axis.title = "samples"
        chart.x_axis.title = main
        chart.legend = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        data = Reference(ws, min_col=4, min_row=r0 + 1, max_row=r0 + 1 + len(counts))
        cats = Reference(ws, min_col=3, min_row=r0 + 2, max_row=r0 + 1 + len(counts))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, f"F{r0}")
    _widths(ws, {1: 16, 2: 30, 3: 12, **{c: 12 for c in range(4, len(headers) + 1)}})
    _fit(ws, {1: (12, 32), 2: (20, 40), 3: (10, 20)}, 3, 3 + len(table))
    _printable(ws)


def _round_text(x: float, digits: int = 3) -> str:
    """``x`` rounded to ``digits`` significant digits, as text for a title.

    >>> _round_text(-3.0), _round_text(-2.60102), _round_text(12345.6), _round_text(0.000123456), _round_text(2.5e9)
    ('-3', '-2.6', '12,300', '0.000123', '2.5e+09')
    """
    if not math.isfinite(x) or x == 0:
        return f"{x:g}"
    if abs(x) >= 1e7 or abs(x) < 1e-4:
        return f"{x:.{digits}g}"
    places = digits - 1 - math.floor(math.log10(abs(x)))
    text = f"{round(x, places):,.{max(places, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sensitivity_sheet(wb: "Workbook", results: "Results", main: str) -> None:
    from openpyxl.chart import BarChart, Reference

    from .units import unit_text

    model = results.model
    unit = unit_text(model.unit(main))
    in_unit = f" ({unit})" if unit else ""
    ws = wb.create_sheet("Sensitivity")
    _title(ws, f"Tornado: {main} with each input at its 5th and 95th percentile, others at their medians")
    table = results.tornado(main)
    headers = ["input", "input unit", "low", "high", f"{main} at low{in_unit}", f"{main} at high{in_unit}",
               f"swing{in_unit}", f"base{in_unit}", f"change at low{in_unit}", f"change at high{in_unit}"]
    for c, h in enumerate(headers, start=1):
        _put_text(ws, 3, c, h, "Sensitivity header")
        ws.cell(row=3, column=c).alignment = _wrap()
    _style_header(ws, 3, len(headers))
    for r, (name, row) in enumerate(table.iterrows(), start=4):
        _put_text(ws, r, 1, str(name), "Sensitivity")
        _put_text(ws, r, 2, unit_text(model.unit(str(name))) if str(name) in model else "", "Sensitivity")
        for c, key in enumerate(["low", "high", "at_low", "at_high", "swing", "base"], start=3):
            _shown(ws, r, c, row[key])
        _shown(ws, r, 9, row["at_low"] - row["base"])
        _shown(ws, r, 10, row["at_high"] - row["base"])
    # the chart shows the inputs that move the output, largest swing on top
    n = min(CHART_BARS, int((table["swing"] > 0).sum()))
    if n:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.overlap = 100
        base = _round_text(float(table["base"].iloc[0]))
        chart.title = f"Change in {main}{in_unit} from its base value {base}{' ' + unit if unit else ''}"
        data = Reference(ws, min_col=9, max_col=10, min_row=3, max_row=3 + n)
        cats = Reference(ws, min_col=1, min_row=4, max_row=3 + n)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.y_axis.title = f"change in {main}{in_unit}"
        chart.x_axis.scaling.orientation = "maxMin"  # largest swing on top
        chart.x_axis.tickLblPos = "low"  # input names left of the bars, not over them
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.width, chart.height = 20, max(7.5, 2.5 + 0.9 * n)
        ws.add_chart(chart, f"A{len(table) + 6}")
    longest = max([len(str(name)) for name in table.index] + [5])
    _widths(ws, {1: min(40, longest + 2), 2: 12, 3: 13, 4: 13, 5: 18, 6: 18, 7: 14, 8: 14, 9: 16, 10: 16})
    _fit(ws, {2: (10, 24)}, 4)
    ws.row_dimensions[3].height = 30
    _printable(ws)


def _extra_sheet(wb: "Workbook", title: str, frame: "pd.DataFrame") -> None:
    ws = wb.create_sheet(title)
    _title(ws, title)
    index_name = frame.index.name
    import pandas as pd

    has_index = index_name is not None or not isinstance(frame.index, pd.RangeIndex)
    headers = ([str(index_name or "")] if has_index else []) + [str(c) for c in frame.columns]
    for c, h in enumerate(headers, start=1):
        _put_text(ws, 3, c, h, f"sheet {title!r} header")
    _style_header(ws, 3, len(headers))
    for r, (idx, row) in enumerate(frame.iterrows(), start=4):
        values = ([idx] if has_index else []) + list(row.values)
        for c, v in enumerate(values, start=1):
            where = f"sheet {title!r} row {r - 3} column {headers[c - 1]!r}"
            if isinstance(v, str):
                _put_text(ws, r, c, v, where)
            elif v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
                continue
            elif isinstance(v, (bool, int, float, np.bool_, np.integer, np.floating)):
                _shown(ws, r, c, v, where)
            else:
                _put_text(ws, r, c, str(v), where)
    longest = [len(h) for h in headers]
    for r in range(4, 4 + len(frame)):
        for c in range(1, len(headers) + 1):
            v = ws.cell(row=r, column=c).value
            if isinstance(v, str):
                longest[c - 1] = max(longest[c - 1], len(v))
    _widths(ws, {c: max(10, min(50, n + 2)) for c, n in enumerate(longest, start=1)})
    _printable(ws)


# ---------------------------------------------------------------- public API


DEAL_N = 10_000  # the most samples behind the Interventions sheet


def _deal_sheets(model: "Model", results: "Results") -> tuple[dict[str, "pd.DataFrame"], list[str]]:
    """The deal model's tables for a model with the core deal cells, and
    notes for the About sheet (what was written, what failed and why).

    Each table is computed, and written to a scratch workbook, on its own: a
    failure leaves that sheet out instead of failing the export.
    """
    import openpyxl

    from . import deals

    if not all(cell in model for cell in deals.CORE):
        return {}, []
    n = min(results.n, DEAL_N)
    makers: dict[str, Callable[[], "pd.DataFrame"]] = {
        "ZOPA": lambda: deals.zopa(results),
        "Barriers": lambda: deals.decomposition(model),
        "Interventions": lambda: deals.interventions(model, n=n, seed=results.seed),
    }
    out: dict[str, "pd.DataFrame"] = {}
    failed: list[str] = []
    for title, make in makers.items():
        try:
            frame = make()
            _extra_sheet(openpyxl.Workbook(), title, frame)  # would it write?
        except Exception as exc:  # noqa: BLE001 - any failure leaves the sheet out, and is reported
            failed.append(f"{title} left out: {type(exc).__name__}: {exc}")
            continue
        out[title] = frame
    notes = []
    if out:
        notes.append(f"{', '.join(out)}: computed by dealvalue.deals from the samples above"
                     + (f" (Interventions on {n:,} draws with seed {results.seed})" if "Interventions" in out else ""))
    return out, notes + failed


def _main_output(model: "Model", results: "Results") -> str:
    formulas = [n for n in model.names if not model.is_input(n)]
    for name in reversed(formulas):
        x = results.get(name)
        if not np.all((x == 0) | (x == 1) | ~np.isfinite(x)):
            return name
    return formulas[-1] if formulas else model.names[-1]


def to_excel(
    model: "Model",
    path: str | os.PathLike[str],
    results: "Results | None" = None,
    *,
    sim_rows: int = SIM_ROWS,
    sample_rows: int = SAMPLE_ROWS,
    main: str | None = None,
    extra_sheets: Mapping[str, "pd.DataFrame"] | None = None,
    deal_sheets: bool = True,
) -> None:
    """Write ``model`` as a live Excel workbook, atomically.

    Parameters
    ----------
    model
        The model.
    path
        Where to write (``.xlsx``).  A temporary file in the same folder is
        renamed over it only once the whole workbook is written, so a failed
        export leaves no file and never replaces a good one.
    results
        Samples for the Samples, Summary and Sensitivity sheets (default:
        ``model.simulate(10_000)`` with the model's seed, else seed 0).
    sim_rows
        Rows of the live Simulation sheet (default 1,000).
    sample_rows
        The most Python samples written on the Samples sheet (default 10,000).
    main
        The main output for the histogram and the tornado (default: the last
        formula cell that is not a 0/1 indicator).
    extra_sheets
        More tables, sheet title -> DataFrame, written after the others
        (e.g. the deal model's ZOPA, barriers and interventions).
    deal_sheets
        When ``extra_sheets`` is not given and the model has the core deal
        cells (:data:`dealvalue.deals.CORE`), add the ZOPA, Barriers and
        Interventions sheets computed by :mod:`dealvalue.deals` (the
        interventions on at most :data:`DEAL_N` samples).  A table that
        cannot be computed is left out, and the About sheet says why.
        ``False``: no deal sheets.
    """
    import openpyxl

    if not isinstance(sim_rows, (int, np.integer)) or isinstance(sim_rows, bool) or not 1 <= sim_rows <= MAX_SIM_ROWS:
        raise ExcelError("sim_rows", sim_rows, f"expected a whole number from 1 to {MAX_SIM_ROWS:,}")
    if not isinstance(sample_rows, (int, np.integer)) or isinstance(sample_rows, bool) or not 0 <= sample_rows <= MAX_SAMPLE_ROWS:
        raise ExcelError("sample_rows", sample_rows, f"expected a whole number from 0 to {MAX_SAMPLE_ROWS:,}")
    if len(model) == 0:
        raise ExcelError("model", model.name, "has no cells to export")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ExcelError("path", str(path), "an Excel workbook's name must end in .xlsx")
    _check_text(model.name, "model name", multiline=False)
    _check_text(model.description, "model description")
    if not isinstance(deal_sheets, bool):
        raise ExcelError("deal_sheets", deal_sheets, "expected True or False")
    extra = dict(extra_sheets or {})
    taken = list(SHEETS)
    for title in extra:
        check_sheet_title(title, taken)
        taken.append(title)
    if main is not None:
        model.cell(main)
    if results is None:
        results = model.simulate(n=10_000, seed=model.seed if model.seed is not None else 0)
    if main is None:
        main = _main_output(model, results)
    deal_notes: list[str] = []
    if extra_sheets is None and deal_sheets:
        extra, deal_notes = _deal_sheets(model, results)

    inputs, leaf_rows, symbols = _plan(model)
    names = excel_names(model.names)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _about(wb, model, results, int(sim_rows), int(sample_rows), main, deal_notes)
    _inputs_sheet(wb, model, inputs, leaf_rows, symbols)
    _model_sheet(wb, model, symbols, names)
    _simulation_sheet(wb, model, inputs, leaf_rows, int(sim_rows))
    samples = _samples_sheet(wb, results, int(sample_rows))
    samples_index = wb.sheetnames.index("Samples") + 1
    _summary_sheet(wb, results, main)
    _sensitivity_sheet(wb, results, main)
    for title, frame in extra.items():
        _extra_sheet(wb, title, frame)
    wb.calculation.fullCalcOnLoad = True  # no cached values: spreadsheets compute on opening

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        if samples.shape[0]:
            _inject_rows(tmp, samples_index, samples, 4)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- reading back


def _literal_spans(text: str, cell: str) -> list[tuple[int, int]]:
    """Character spans of the distribution literals in a formula, in the
    order the parser numbers them (``cell__1``, ``cell__2``, ...)."""
    import ast

    from .formula import DIST_FUNCTIONS, INTERNAL_PREFIX, syntax_tree

    tree, src, origin = syntax_tree(text, cell, lambda name: False)
    found: list[ast.AST] = []

    def is_dist(node: ast.AST) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.LShift):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id.removeprefix(INTERNAL_PREFIX)
            return name in DIST_FUNCTIONS
        return False

    def walk(node: ast.AST) -> None:
        if is_dist(node):
            found.append(node)
            return
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    spans = []
    for node in found:
        a = origin[node.col_offset]  # type: ignore[attr-defined]
        end = node.end_col_offset  # type: ignore[attr-defined]
        b = origin[end] if end < len(origin) - 1 else len(text)
        spans.append((a, len(text[:b].rstrip())))
    return sorted(spans)


class _Sheet:
    """A worksheet read twice: formulas as written, values as last computed
    (rows held in memory; 1-based access)."""

    def __init__(self, f: Any, v: Any) -> None:
        self.title = str(f.title)
        self._f = [list(row) for row in f.iter_rows(values_only=True)]
        self._v = [list(row) for row in v.iter_rows(values_only=True)]
        self.max_row = len(self._f)

    @staticmethod
    def _at(rows: list[list[Any]], r: int, c: int) -> Any:
        if 1 <= r <= len(rows) and 1 <= c <= len(rows[r - 1]):
            return rows[r - 1][c - 1]
        return None

    def formula(self, r: int, c: int) -> Any:
        return self._at(self._f, r, c)

    def value(self, r: int, c: int) -> Any:
        return self._at(self._v, r, c)

    def number(self, r: int, c: int, what: str) -> float:
        raw = self.formula(r, c)
        where = f"{self.title}!{_ref(r, c)} ({what})"
        if isinstance(raw, str) and raw.startswith("="):
            raw = self.value(r, c)
            if raw is None:
                raise ExcelError(where, self.formula(r, c), "is a formula with no saved value; open and save the workbook in a spreadsheet first")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ExcelError(where, raw, "expected a number")
        if not math.isfinite(raw):
            raise ExcelError(where, raw, "expected a finite number")
        return float(raw)

    def text(self, r: int, c: int) -> str:
        v = self.formula(r, c)
        if v is None:
            return ""
        return v if isinstance(v, str) else str(v)


def _find(sheet: _Sheet, title: str, start: int = 1) -> int | None:
    for r in range(start, sheet.max_row + 1):
        if sheet.formula(r, 1) == title:
            return r
    return None


def _table_rows(sheet: _Sheet, title_row: int) -> list[int]:
    rows = []
    r = title_row + 2
    while r <= sheet.max_row and sheet.formula(r, C_NAME) not in (None, ""):
        rows.append(r)
        r += 1
    return rows


def _parse_bounds(text: str, where: str) -> tuple[float, float] | None:
    if not text.strip():
        return None
    parts = text.split(",")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise ExcelError(where, text, "expected bounds as 'low, high'") from None
    return (lo, hi)


def _literal_text(dist: D.Distribution, unit: Any) -> str:
    text = dist.formula()
    return text if unit.dimensionless else f"({text}) * 1 {unit}"


def _constant_text(x: float, unit: Any) -> str:
    from .cells import formula_text

    text = formula_text(x, "constant")
    if unit.dimensionless:
        return text if x >= 0 else f"({text})"
    return f"{text} {unit}" if x >= 0 else f"(-{formula_text(-x, 'constant')} {unit})"


def read_excel(path: str | os.PathLike[str]) -> "Model":
    """Read a workbook written by :func:`to_excel` back into a model.

    The model is rebuilt from each cell's ``formula (dealvalue)`` text and
    then the analyst's edits on the Inputs sheet are applied: changed
    distribution parameters (or a changed distribution name), point values
    typed over with a number (that input or literal becomes a constant) and
    changed rank correlations.  Formula cells take their ``formula
    (dealvalue)`` text, so an edited text comes back too; Excel formulas
    themselves are not read.  Parameters that are formulas are read at
    their values as last saved by a spreadsheet.
    """
    import openpyxl

    from .cells import Cell
    from .formula import parse
    from .model import Model

    p = Path(path)
    try:
        wb_f = openpyxl.load_workbook(p, data_only=False, read_only=True)
        wb_v = openpyxl.load_workbook(p, data_only=True, read_only=True)
    except (OSError, KeyError, ValueError, Exception) as exc:  # openpyxl raises many kinds for a bad file
        raise ExcelError(str(p), str(p), f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    for title in ("About", "Inputs", "Model"):
        if title not in wb_f.sheetnames:
            raise ExcelError(str(p), wb_f.sheetnames, f"has no {title!r} sheet; is it a dealvalue workbook?")
    try:
        about, inp, mod = (_Sheet(wb_f[t], wb_v[t]) for t in ("About", "Inputs", "Model"))
    finally:
        wb_f.close()
        wb_v.close()
    meta_end = _find(about, T_HOWTO) or about.max_row + 1  # the key-value rows end at the how-to section
    meta = {about.text(r, 1): about.formula(r, 2) for r in range(3, meta_end)}
    if meta.get("format") != FORMAT:
        raise ExcelError(f"{p}: About!format", meta.get("format"), f"expected {FORMAT!r}")
    seed = meta.get("model seed")
    _define_units(about)

    # 1. the model as exported, from the formula texts
    cells: list[tuple[float, Cell]] = []
    input_rows = _table_rows(inp, _find(inp, T_INPUTS) or 0) if _find(inp, T_INPUTS) else []
    model_title = _find(mod, T_MODEL)
    model_rows = _table_rows(mod, model_title) if model_title else []

    where_is: dict[str, tuple[_Sheet, int, int]] = {}  # cell -> its sheet, row and formula column

    def located(exc: DealValueError, fallback: str, value: Any, texts: Mapping[str, str] | None = None) -> ExcelError:
        """An error of the model built from the sheets, at the sheet cell it
        comes from (``texts``: the formulas as edited, when they differ from the sheet's)."""
        from .errors import UnitMismatchError
        from .units import parse_unit

        cycle = getattr(exc, "cycle", None)
        cname = (getattr(exc, "cell", None) or getattr(exc, "referenced_by", None) or getattr(exc, "name", None)
                 or (cycle[0] if cycle else None))
        if not isinstance(cname, str) or cname not in where_is:
            return ExcelError(fallback, value, str(exc))
        sheet, r, fcol = where_is[cname]
        unit_text = sheet.text(r, C_UNIT) if sheet.text(r, C_USRC) == "declared" else ""
        bad_unit = False
        if unit_text and isinstance(exc, UnitMismatchError):
            try:
                parse_unit(unit_text)
            except DealValueError:
                bad_unit = True
        if bad_unit:
            return ExcelError(f"{sheet.title}!{_ref(r, C_UNIT)} ({cname}, unit)", unit_text, str(exc))
        text = texts[cname] if texts and cname in texts else sheet.text(r, fcol)
        return ExcelError(f"{sheet.title}!{_ref(r, fcol)} ({cname}, formula)", text, str(exc))

    def make_cell(sheet: _Sheet, r: int, formula_col: int, desc: int, group: int, bounds: int) -> tuple[float, Cell]:
        name = sheet.text(r, C_NAME)
        where_is.setdefault(name, (sheet, r, formula_col))
        unit = sheet.text(r, C_UNIT) if sheet.text(r, C_USRC) == "declared" else None
        try:
            cell = Cell(name, sheet.text(r, formula_col), unit=unit, label=sheet.text(r, C_LABEL),
                        description=sheet.text(r, desc), group=sheet.text(r, group),
                        bounds=_parse_bounds(sheet.text(r, bounds), f"{sheet.title}!{_ref(r, bounds)}"))
        except ExcelError:
            raise
        except DealValueError as exc:
            if isinstance(exc, FormulaError) or getattr(exc, "cell", None) == name:
                raise located(exc, "", name) from None
            raise ExcelError(f"{sheet.title}!{_ref(r, C_NAME)}", name, str(exc)) from None
        num = sheet.formula(r, C_NUM)
        return (float(num) if isinstance(num, (int, float)) else float("inf")), cell

    for r in input_rows:
        cells.append(make_cell(inp, r, C_FORMULA, C_DESC, C_GROUP, C_BOUNDS))
    for r in model_rows:
        cells.append(make_cell(mod, r, M_FORMULA, M_DESC, M_GROUP, M_BOUNDS))
    cells.sort(key=lambda t: t[0])
    name = str(meta.get("model") or "model")
    description = str(meta.get("description") or "")
    orig = Model(name, description=description, seed=int(seed) if isinstance(seed, (int, float)) else None)
    try:
        orig.add_cells([c for _, c in cells])
    except DealValueError as exc:
        raise located(exc, f"{p}: formulas", name) from None
    compiled = orig.compile()
    points = orig.point_values()

    # 2. the analyst's edits
    formulas = {c.name: c.formula for _, c in cells}
    units = {c.name: c.unit for _, c in cells}

    def edited_distribution(r: int, current: D.Distribution) -> D.Distribution:
        row_name = inp.text(r, C_NAME)
        raw = inp.formula(r, C_KIND)
        kind = inp.text(r, C_KIND).strip().lower()
        if kind not in SIMPLE:
            raise ExcelError(f"Inputs!{_ref(r, C_KIND)} ({row_name}, distribution)", raw,
                             f"unknown distribution; expected one of {', '.join(SIMPLE)}")
        params = [inp.number(r, C_P1 + j, f"{row_name}, parameter {PARAMS[kind][j]}") for j in range(len(PARAMS[kind]))]
        try:
            return D.make(kind, params)
        except DealValueError as exc:
            raise ExcelError(f"Inputs!{_ref(r, C_P1)} ({row_name})", params, str(exc)) from None

    def unchanged_kind(r: int, kind: str) -> None:
        """A row whose distribution cannot be edited here must keep its kind."""
        raw = inp.formula(r, C_KIND)
        if inp.text(r, C_KIND).strip().lower() != kind:
            raise ExcelError(f"Inputs!{_ref(r, C_KIND)} ({inp.text(r, C_NAME)}, distribution)", raw,
                             f"a {kind} row's distribution cannot be changed on the Inputs sheet; expected {kind!r} "
                             "(edit the formula text on a copy of the model instead, or type a number over the point value)")

    def typed_over(r: int) -> float | None:
        raw = inp.formula(r, C_POINT)
        if isinstance(raw, str) and raw.startswith("="):
            return None
        return inp.number(r, C_POINT, f"{inp.text(r, C_NAME)}, point value")

    def declare(cname: str) -> None:
        from .units import unit_text

        if units[cname] is None and not orig.unit(cname).dimensionless:
            units[cname] = unit_text(orig.unit(cname))

    plan_inputs, _, _ = _plan(orig)
    exported_kind = {row.name: row.kind for row in plan_inputs}  # as written, before any edit
    replaced: set[str] = set()  # inputs that became constants
    for r in input_rows:
        cname = inp.text(r, C_NAME)
        kind = exported_kind.get(cname)
        if kind is None:  # its formula text now names other cells: a formula cell, nothing to edit here
            continue
        value = typed_over(r)
        if kind in ("constant", "mixture", "formula"):
            unchanged_kind(r, kind)
        if kind == "constant":
            if value is not None and value != points[cname]:
                declare(cname)
                formulas[cname] = _constant_text(value, _dimless())
            continue
        if value is not None:  # a point value typed over: a constant now
            declare(cname)
            formulas[cname] = _constant_text(value, _dimless())
            replaced.add(cname)
            continue
        dist = orig.distribution(cname)
        if dist is not None and not isinstance(dist, D.Mixture):
            new = edited_distribution(r, dist)
            if new != dist:
                declare(cname)
                formulas[cname] = new.formula()

    leaves_title = _find(inp, T_LEAVES)
    edits: dict[str, dict[int, str]] = {}
    expected: dict[str, dict[int, D.Distribution | None]] = {}  # literal k -> its distribution (None: a number now)
    for r in (_table_rows(inp, leaves_title) if leaves_title else []):
        leaf = inp.text(r, C_NAME)
        if leaf not in compiled.leaf_owner:
            raise ExcelError(f"Inputs!{_ref(r, C_NAME)}", leaf, "is not a distribution literal of the model")
        owner = compiled.leaf_owner[leaf]
        if owner in replaced:
            continue
        k = int(leaf.rpartition("__")[2])
        dist = compiled.leaves[leaf]
        spans = _literal_spans(orig.cell(owner).formula, owner)
        a, b = spans[k - 1]
        lit_unit = parse(orig.cell(owner).formula[a:b], units={}, cell=owner).unit
        value = typed_over(r)
        if value is not None:
            edits.setdefault(owner, {})[k] = _constant_text(value, lit_unit)
            expected.setdefault(owner, {})[k] = None
            continue
        if isinstance(dist, D.Mixture):
            unchanged_kind(r, "mixture")
        new = edited_distribution(r, dist) if not isinstance(dist, D.Mixture) else dist
        if new != dist:
            edits.setdefault(owner, {})[k] = _literal_text(new, lit_unit)
        expected.setdefault(owner, {})[k] = new
    for owner, changes in edits.items():
        text = orig.cell(owner).formula
        spans = _literal_spans(text, owner)
        for k in sorted(changes, reverse=True):
            a, b = spans[k - 1]
            text = text[:a] + changes[k] + text[b:]
        formulas[owner] = text

    corr: dict[tuple[str, str], float] = {}
    corr_title = _find(inp, T_CORR)
    if corr_title:
        r = corr_title + 2
        while inp.formula(r, C_NAME) not in (None, "", "(none)") and r <= inp.max_row:
            first, second = inp.text(r, C_NAME), inp.text(r, C_XNAME)
            if first.startswith("A changed rho"):
                break
            corr[(first, second)] = inp.number(r, C_LABEL, f"rho of {first} and {second}")
            r += 1

    from dataclasses import replace

    model = Model(name, description=description, seed=orig.seed)
    try:
        model.add_cells([replace(c, formula=formulas[c.name], unit=units[c.name]) for _, c in cells])
        for (first, second), rho in corr.items():
            if first not in replaced and second not in replaced:  # a constant has nothing to correlate
                model.correlate(first, second, rho)
    except DealValueError as exc:
        raise located(exc, f"{p}: edited inputs", name, formulas) from None
    leaves = model.compile().leaves
    for owner in edits:  # each literal came back as it was edited, in its place
        want = [d for _, d in sorted(expected[owner].items()) if d is not None]
        got = [leaves.get(f"{owner}__{j}") for j in range(1, len(want) + 1)]
        if got != want:
            raise ExcelError(f"cell {owner!r}", formulas[owner], "the edited distribution literals did not come back as edited")
    return model


def _dimless() -> Any:
    from .units import ureg

    return ureg().dimensionless

