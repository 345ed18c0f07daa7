"""The live sheets: Inputs, Model and Simulation.

These three are the model itself in Excel: the point values and formulas
are defined names over each other, and the Simulation sheet reads the
Inputs sheet's parameters, so an analyst's edit moves everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from ... import distributions as D
from .formats import CellFormat, magnitude_format, shown_length
from .cache import Cache
from .protect import Validations
from .draws import dist_params, excel_number, kind_median_text, number_ppf_text
from .layout import (
    C_BOUNDS, C_DESC, C_FORMULA, C_GROUP, C_KIND, C_LABEL, C_NAME, C_NOTE, C_NUM, C_P1, C_PNAMES, C_POINT, C_UNIT,
    C_USRC, C_XNAME, INPUT_HEADERS, M_BOUNDS, M_DESC, M_FORMULA, M_GROUP, M_VALUE, MODEL_HEADERS,
    PARAMS, PRINT_ROWS, SIM_HEADER_ROW, SIM_STATS, SIMPLE, T_CORR, T_INPUTS, T_NEW, T_LEAVES, T_MODEL, InputRow,
    col_letter, ref,
)
from .printer import NAMING_RULE, excel_formula

#: where new inputs go: the block at the foot of the Inputs sheet says so
NEW_INPUTS = (
    "New inputs and cells are added in Python, not here: a row typed into these tables gets no defined name (#NAME? "
    "where a formula uses it), the Simulation sheet does not draw it, and dv.read_excel refuses it, naming its cell.",
    "Read this workbook with dv.read_excel(path), add the cell (model.add(name, formula)), and export again: "
    "the new cell then gets its row, its defined name and its Simulation column.",
)
from .style import (
    EDIT_FILL, POINT_FILL, WIDE_TEXT, bold, bounds_text, fill, fit_columns, note_rows, print_block, printable,
    put, put_formula, put_section, put_text, put_title, set_widths, style_header, unit_columns,
)

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook import Workbook

    from ...model import Model

__all__ = ["inputs_sheet", "model_sheet"]


def inputs_sheet(wb: "Workbook", model: "Model", inputs: list[InputRow], leaf_rows: list[InputRow],
                  symbols: Mapping[str, str], fmts: Mapping[str, CellFormat], cache: Cache) -> None:
    """The Inputs sheet: editable parameters, live point values (each a defined
    name), the literals table and the rank correlations; sets each row's ``row``."""
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Inputs")
    put_title(ws, f"Inputs of {model.name}")
    put_text(ws, 2, 1, "Yellow cells are editable parameters; blue point values are named and used by every formula. "
              "Type a number over a point value to make the input a constant.", "Inputs")
    put_text(ws, 3, 1, NAMING_RULE, "Inputs")
    compiled = model.compile()
    checks = Validations()
    points = {**{leaf: d.median() for leaf, d in compiled.leaves.items()}, **model.point_values()}
    order = {n: k for k, n in enumerate(model.names, start=1)}
    shown: list[int] = []  # the characters each point value shows

    def table(start: int, title: str, rows: list[InputRow], is_leaf: bool) -> int:
        put_section(ws, start, title)
        for c, h in enumerate(INPUT_HEADERS, start=1):
            put_text(ws, start + 1, c, h, "Inputs header")
        style_header(ws, start + 1, len(INPUT_HEADERS))
        r = start + 2
        for row in rows:
            row.row = r
            where = f"Inputs row {r} ({row.name})"
            if is_leaf:
                owner = compiled.leaf_owner[row.name]
                k = row.name.rpartition("__")[2]
                put_text(ws, r, C_NAME, row.name, where)
                put_text(ws, r, C_LABEL, f"distribution literal {k} in cell {owner}", where)
                assert row.dist is not None
                put_text(ws, r, C_FORMULA, row.dist.formula(), where)
            else:
                cell = model.cell(row.name)
                put(ws, r, C_NUM, order[row.name])
                put_text(ws, r, C_NAME, row.name, where)
                put_text(ws, r, C_LABEL, cell.label, where)
                unit, source = unit_columns(model, row.name)
                put_text(ws, r, C_UNIT, unit, where)
                put_text(ws, r, C_USRC, source, where)
                put_text(ws, r, C_FORMULA, cell.formula, where)
                put_text(ws, r, C_DESC, cell.description, where)
                put_text(ws, r, C_GROUP, cell.group, where)
                put_text(ws, r, C_BOUNDS, bounds_text(cell.bounds), where)
            put_text(ws, r, C_XNAME, row.xname, where)
            put_text(ws, r, C_KIND, row.kind, where)
            if row.kind in SIMPLE:
                checks.kind(ref(r, C_KIND))
                for j in range(4):
                    checks.number(ref(r, C_P1 + j))
            bounds = None if is_leaf else model.cell(row.name).bounds
            checks.number(ref(r, C_POINT), *(bounds or (None, None)))
            if not is_leaf:
                for c in (C_LABEL, C_DESC, C_GROUP):
                    checks.free(ref(r, c))
            if row.kind in SIMPLE:
                assert row.dist is not None
                pnames = PARAMS[row.kind]
                put_text(ws, r, C_PNAMES, ", ".join(pnames), where)
                for j, v in enumerate(dist_params(row.dist)):
                    put(ws, r, C_P1 + j, v)
                    fill(ws, r, C_P1 + j, EDIT_FILL)
                P = [ref(r, C_P1 + j) for j in range(4)]
                put_formula(ws, r, C_POINT, kind_median_text(ref(r, C_KIND), P))
            elif row.kind == "constant":
                put(ws, r, C_POINT, points[row.name])
            elif row.kind in ("truncate", "discrete"):  # the median as a formula of the numbers
                assert row.dist is not None
                put_formula(ws, r, C_POINT, number_ppf_text(row.dist, "0.5"))
            elif row.kind == "formula" and row.live:
                expr = model.parsed(row.name).expr
                put_formula(ws, r, C_POINT, excel_formula(expr, symbols, row.name))
            else:  # a mixture, or a median only Python can compute: a formula holding the number
                put_formula(ws, r, C_POINT, excel_number(points[row.name]))
            if row.kind != "constant":
                cache.put("Inputs", r, C_POINT, float(points[row.name]))
            fill(ws, r, C_POINT, POINT_FILL)
            fmt = fmts.get(row.name)
            ws.cell(row=r, column=C_POINT).number_format = fmt.value if fmt else magnitude_format(float(points[row.name]))
            shown.append(shown_length(float(points[row.name]), ws.cell(row=r, column=C_POINT).number_format))
            if row.note:
                put_text(ws, r, C_NOTE, row.note, where)
            wb.defined_names[row.xname] = DefinedName(row.xname, attr_text=ref(r, C_POINT, True, "Inputs"))
            r += 1
        return r

    r = table(5, T_INPUTS, inputs, False)
    if leaf_rows:
        r = table(r + 1, T_LEAVES, leaf_rows, True)
    put_section(ws, r + 1, T_CORR)
    for c, h in enumerate(["a", "b", "rho"], start=C_NAME):
        put_text(ws, r + 2, c, h, "Inputs header")
    style_header(ws, r + 2, C_NAME + 2)
    rr = r + 3
    for (a, b), rho in model.correlations.items():
        put_text(ws, rr, C_NAME, a, "Inputs correlations")
        put_text(ws, rr, C_XNAME, b, "Inputs correlations")
        put(ws, rr, C_LABEL, rho)
        checks.number(ref(rr, C_LABEL), -1, 1)
        fill(ws, rr, C_LABEL, EDIT_FILL)
        rr += 1
    if not model.correlations:
        put_text(ws, rr, C_NAME, "(none)", "Inputs correlations")
    put_text(ws, rr + 1, C_NAME, "A changed rho is read back by read_excel; the Simulation sheet keeps the rho of the export.", "Inputs")
    put_section(ws, rr + 3, T_NEW)
    for k, line in enumerate(NEW_INPUTS):
        put_text(ws, rr + 4 + k, C_NAME, line, "Inputs")
    checks.write(ws)
    set_widths(ws, {1: 5, 2: 16, 3: 14, 4: 34, 5: 9, 6: 12, 7: 12, 8: 16, 9: 10, 10: 10, 11: 10, 12: 10,
                 13: max(13, max(shown, default=0) + 2), 14: 24, 15: 30, 16: 12, 17: 10, 18: 30})  # no ### in 13
    fit_columns(ws, {C_NAME: (10, 32), C_XNAME: (10, 32), C_LABEL: (20, 40), C_UNIT: (9, 20), C_FORMULA: (16, 40),
              C_DESC: (20, WIDE_TEXT), C_GROUP: (10, 20), C_NOTE: (20, 50)}, 6, r - 1)
    note_rows(ws, [2, 3], len(INPUT_HEADERS))
    ws.freeze_panes = "C7"
    printable(ws)


def model_sheet(wb: "Workbook", model: "Model", symbols: Mapping[str, str], names: Mapping[str, str],
                fmts: Mapping[str, CellFormat], cache: Cache) -> dict[str, int]:
    """The Model sheet: every formula cell as a live Excel formula (each a
    defined name); returns cell name -> its row."""
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Model")
    put_title(ws, f"Model: {model.name}")
    put_text(ws, 2, 1, "Each value is a live Excel formula over the named inputs and cells. "
              "To change a formula for good, edit its 'formula (dealvalue)' text, its value's Excel formula and its "
              "Simulation column alike, and re-import (read_excel refuses them when they disagree).", "Model")
    put_section(ws, 4, T_MODEL)
    for c, h in enumerate(MODEL_HEADERS, start=1):
        put_text(ws, 5, c, h, "Model header")
    style_header(ws, 5, len(MODEL_HEADERS))
    order = {n: k for k, n in enumerate(model.names, start=1)}
    values = model.evaluate_all()
    shown: list[int] = []  # the characters each value shows
    checks = Validations()
    rows: dict[str, int] = {}
    r = 6
    for name in model.names:
        if model.is_input(name):
            continue
        cell = model.cell(name)
        where = f"Model row {r} ({name})"
        put(ws, r, C_NUM, order[name])
        put_text(ws, r, C_NAME, name, where)
        put_text(ws, r, C_XNAME, names[name], where)
        put_text(ws, r, C_LABEL, cell.label, where)
        unit, source = unit_columns(model, name)
        put_text(ws, r, C_UNIT, unit, where)
        put_text(ws, r, C_USRC, source, where)
        put_formula(ws, r, M_VALUE, excel_formula(model.parsed(name).expr, symbols, name))
        cache.put("Model", r, M_VALUE, values[name])
        fill(ws, r, M_VALUE, POINT_FILL)
        ws.cell(row=r, column=M_VALUE).number_format = fmts[name].value
        shown.append(shown_length(float(values[name]), fmts[name].value))
        put_text(ws, r, M_FORMULA, cell.formula, where)
        put_text(ws, r, M_DESC, cell.description, where)
        put_text(ws, r, M_GROUP, cell.group, where)
        put_text(ws, r, M_BOUNDS, bounds_text(cell.bounds), where)
        for c in (C_LABEL, M_FORMULA, M_DESC, M_GROUP):
            checks.free(ref(r, c))
        wb.defined_names[names[name]] = DefinedName(names[name], attr_text=ref(r, M_VALUE, True, "Model"))
        rows[name] = r
        r += 1
    set_widths(ws, {1: 5, 2: 16, 3: 14, 4: 34, 5: 9, 6: 12, 7: max(14, max(shown, default=0) + 2), 8: 40, 9: 30,
                    10: 12, 11: 10})  # the values never show as ###
    fit_columns(ws, {C_NAME: (10, 32), C_XNAME: (10, 32), C_LABEL: (20, 40), C_UNIT: (9, 20), M_FORMULA: (20, 60),
              M_DESC: (20, WIDE_TEXT), M_GROUP: (10, 20)}, 5)
    checks.write(ws)
    note_rows(ws, [2], len(MODEL_HEADERS))
    ws.freeze_panes = "C6"
    printable(ws)
    return rows
