"""Writing a model as a live Excel workbook: :func:`to_excel`.

The workbook works with no add-in:

``About``
    What the model is, when and how it was exported, package versions, how to
    use, and the user-defined units the model uses (read back by
    :func:`~dealvalue.io.excel.reader.read`).
``Inputs``, ``Model``, ``Simulation``
    The live model: editable parameters, point values and formulas as
    defined names, and a Monte Carlo in plain Excel (:mod:`.live`).
``Samples``, ``Summary``, ``Sensitivity``
    Python's seeded results, with native charts (:mod:`.tables`).
extra sheets
    Tables the caller adds with ``extra_sheets``: a mapping, or a hook
    called with the model and the results (``dealvalue.deals.sheets`` adds
    the deal model's ZOPA, Barriers and Interventions this way).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence, Union

import numpy as np

from ...errors import ArgumentTypeError, ExcelError
from .formats import formats
from .layout import FORMAT, MAX_SAMPLE_ROWS, MAX_SIM_ROWS, SAMPLE_ROWS, SHEETS, SIM_ROWS, SIM_SWITCH_ROW, T_HOWTO, T_UNITS, plan, ref
from .cache import Cache, RowBlock, finish, number_rows
from .live import inputs_sheet, model_sheet
from .protect import Validations, protect
from .simsheet import simulation_sheet
from .printer import NAMING_RULE, excel_names
from .style import (
    bold, check_sheet_title, check_text, printable, stale_note, put, put_section, put_text, put_title, set_widths, style_header,
    wrapped, note_rows, fit_columns,
)
from .tables import samples_sheet, sensitivity_sheet, summary_sheet, write_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ...model import Model
    from ...results import Results

    #: what a sheets hook returns: sheet title -> table, and notes for the About sheet
    SheetsAndNotes = tuple[Mapping[str, pd.DataFrame], Sequence[str]]
    ExtraSheets = Union[Mapping[str, pd.DataFrame], Callable[[Model, Results], SheetsAndNotes]]

__all__ = ["to_excel"]


def _about(wb: "Workbook", model: "Model", results: "Results", sim_rows: int, sample_rows: int, main: str,
           notes: Sequence[str] = ()) -> None:
    """The About sheet: what, when and how, package versions, how to use, and the units table."""
    import numpy
    import openpyxl
    import scipy
    import sympy

    from ... import __version__

    ws = wb.create_sheet("About")
    put_title(ws, "dealvalue workbook")
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
        ("live simulation uniforms seed", int(model.seed) if model.seed is not None else int(results.seed)),
        ("main output", main),
        *[("extra sheets", note) for note in notes],
        ("format", FORMAT),
        ("dealvalue", __version__),
        ("python", sys.version.split()[0]),
        ("numpy", numpy.__version__),
        ("scipy", scipy.__version__),
        ("sympy", sympy.__version__),
        ("openpyxl", openpyxl.__version__),
    ]
    for k, (key, value) in enumerate(rows, start=3):
        put_text(ws, k, 1, key, "About")
        ws.cell(row=k, column=1).font = bold()
        put(ws, k, 2, value if not isinstance(value, (int, np.integer)) else int(value), f"About: {key}")
        ws.cell(row=k, column=2).alignment = wrapped()
    r = len(rows) + 4
    put_section(ws, r, T_HOWTO)
    howto = [
        "Inputs: change a distribution's parameters in the yellow cells; the point value (the median, blue) and every formula follow.",
        "Inputs: type a number over a point value to make that input a constant (in the Model and Simulation sheets too).",
        "Model: every formula cell is a live Excel formula over the inputs' names (Formulas > Name Manager lists them).",
        "Inputs: the distribution cell is a list (to, norm, ...): the point value and the Simulation sheet follow the kind chosen.",
        "Simulation: a live Monte Carlo from uniforms drawn with the model's seed (values, the same at every opening); "
        "set fresh_draw to 1 for RAND() and press F9 to redraw. Its statistics are named: P_feasible, mean_ask, ...",
        "Samples, Summary, Sensitivity and the extra sheets: values at export; recalculate in Python with dv.read_excel.",
        "Re-import with dealvalue.read_excel(path): edited parameters and kinds, point values typed over come back; "
        "a formula cell whose Excel formula, Simulation column and 'formula (dealvalue)' text disagree is an error "
        "naming the cell, as is a row typed into the Inputs or Model table (new cells are added in Python).",
        "Sheets are protected without a password (formula cells locked); Review > Unprotect Sheet lifts it.",
        NAMING_RULE,
    ]
    for k, line in enumerate(howto, start=r + 1):
        put_text(ws, k, 1, line, "About")
    _units_table(ws, r + len(howto) + 2, model)
    set_widths(ws, {1: 34, 2: 110})
    fit_columns(ws, {2: (110, 110)}, 3, len(rows) + 2)  # a long description or note: a row tall enough for its lines
    # wrapped across both columns: a line running on past them made the page fitted to its width print at 2 pt
    note_rows(ws, range(r + 1, r + 1 + len(howto)), 2)
    printable(ws)


def _units_table(ws: "Worksheet", start: int, model: "Model") -> None:
    """The user-defined units the model uses (name, definition), so that
    the reader can define them in a Python that has not."""
    from ..toml import used_units

    put_section(ws, start, T_UNITS)
    put_text(ws, start + 1, 1, "name", "About header")
    put_text(ws, start + 1, 2, "definition (blank: a dimension of its own)", "About header")
    style_header(ws, start + 1, 2)
    used = used_units(model)
    for k, unit in enumerate(used, start=start + 2):
        put_text(ws, k, 1, unit["name"], "About units")
        put_text(ws, k, 2, unit.get("definition", ""), "About units")
    if not used:
        put_text(ws, start + 2, 1, "(none)", "About units")


def _main_output(model: "Model", results: "Results") -> str:
    """The default main output: the last formula cell that is not a 0/1 indicator."""
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
    extra_sheets: "ExtraSheets | None" = None,
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
        Rows of the live Simulation sheet (default 10,000: a standard error
        of about 0.005 on a probability such as P(feasible)).
    sample_rows
        The most Python samples written on the Samples sheet (default 10,000).
    main
        The main output for the histogram and the tornado (default: the last
        formula cell that is not a 0/1 indicator).
    extra_sheets
        More tables, written after the others.  Either a mapping, sheet
        title -> DataFrame, or a hook ``(model, results) -> (sheets, notes)``
        called with the results the workbook uses, which returns such a
        mapping and notes for the About sheet (one ``extra sheets`` row
        each: e.g. which tables it left out and why).

    Raises
    ------
    ExcelError
        An argument out of range (``sim_rows``, ``sample_rows``, ``path``),
        a bad sheet title, or a text or value that cannot go into a workbook.
    ArgumentTypeError
        ``extra_sheets`` that is neither a mapping nor callable.
    UnknownCellError
        ``main`` that is not a cell of the model.

    Examples
    --------
    >>> import dealvalue as dv, os, tempfile, pandas as pd
    >>> m = dv.Model("demo", seed=1)
    >>> m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / beta(8, 2)")
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
    >>> def mine(model, results):
    ...     return {"Mean": pd.DataFrame({"mean": [results.mean("ask")]})}, ["Mean: one number"]
    >>> to_excel(m, path, m.simulate(n=500, seed=1), sim_rows=20, extra_sheets=mine)
    >>> import openpyxl; openpyxl.load_workbook(path).sheetnames[-2:]
    ['Sensitivity', 'Mean']
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
    check_text(model.name, "model name", multiline=False)
    check_text(model.description, "model description")
    hook: "Callable[[Model, Results], SheetsAndNotes] | None" = None
    extra: dict[str, "pd.DataFrame"] = {}
    if isinstance(extra_sheets, Mapping):
        extra = dict(extra_sheets)
        _check_titles(extra)  # before the simulation: a bad title fails fast
    elif callable(extra_sheets):
        hook = extra_sheets
    elif extra_sheets is not None:
        raise ArgumentTypeError("extra_sheets", extra_sheets,
                                "a mapping of sheet title to DataFrame, or a callable (model, results) -> (sheets, notes)")
    if main is not None:
        model.cell(main)
    if results is None:
        results = model.simulate(n=10_000, seed=model.seed if model.seed is not None else 0)
    if main is None:
        main = _main_output(model, results)
    notes: list[str] = []
    if hook is not None:
        extra, notes = _call_hook(hook, model, results)
        _check_titles(extra)

    inputs, leaf_rows, symbols = plan(model)
    names = excel_names(model.names)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _about(wb, model, results, int(sim_rows), int(sample_rows), main, notes)
    fmts = formats(model, results)
    cache = Cache()
    seed = int(model.seed) if model.seed is not None else int(results.seed)
    inputs_sheet(wb, model, inputs, leaf_rows, symbols, fmts, cache)
    model_sheet(wb, model, symbols, names, fmts, cache)
    simulation_sheet(wb, model, inputs, leaf_rows, int(sim_rows), fmts, seed, cache, {**names, **symbols})
    samples = samples_sheet(wb, results, int(sample_rows))
    if samples.shape[0]:
        cache.blocks["Samples"] = RowBlock(4, 3 + samples.shape[0], samples.shape[1], number_rows(samples, 4))
    summary_sheet(wb, results, main)
    sensitivity_sheet(wb, results, main)
    for title, frame in extra.items():
        write_table(wb, title, frame)
    for ws in wb.worksheets:
        if ws.title not in ("About", "Inputs", "Model", "Simulation"):
            stale_note(ws)
    sim = wb["Simulation"]
    checks = Validations()
    checks.switch(ref(SIM_SWITCH_ROW, 2))
    checks.write(sim)
    protect([wb["Inputs"], wb["Model"], sim])
    wb.calculation.fullCalcOnLoad = True  # the cached values are the library's; a spreadsheet recomputes them on opening

    from ..atomic import atomic_path

    with atomic_path(target) as tmp:
        wb.save(tmp)
        finish(tmp, cache)


def _check_titles(extra: Mapping[str, Any]) -> None:
    taken = list(SHEETS)
    for title in extra:
        check_sheet_title(title, taken)
        taken.append(title)


def _call_hook(hook: "Callable[[Model, Results], SheetsAndNotes]", model: "Model",
               results: "Results") -> tuple[dict[str, "pd.DataFrame"], list[str]]:
    """The hook's sheets and notes, checked for shape (its tables are checked as they are written)."""
    got = hook(model, results)
    expected = "a pair (mapping of sheet title to DataFrame, list of notes)"
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], Mapping)
            and isinstance(got[1], Sequence) and not isinstance(got[1], str)):
        raise ExcelError("extra_sheets", got, f"the hook returned something else than {expected}")
    notes = list(got[1])
    for k, note in enumerate(notes):
        check_text(note, f"extra_sheets note {k + 1}")
    return dict(got[0]), notes
