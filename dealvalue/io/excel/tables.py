"""The sheets of Python's results: Samples, Summary, Sensitivity, and extra tables.

Their numbers are computed by dealvalue with the export's seed and do not
change in Excel.  The Samples rows are written straight into the saved
file's XML (:func:`inject_rows`): openpyxl's per-cell writer took most of an
export's time for 10,000 rows.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...errors import ExcelError
from .layout import CHART_BARS, PRINT_ROWS, col_letter
from .style import (
    centred, fit_columns, print_block, printable, put, put_section, put_shown, put_text, put_title, set_widths,
    style_header, wrapped,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from openpyxl.workbook import Workbook

    from ...results import Results

__all__ = ["samples_sheet", "inject_rows", "summary_sheet", "sensitivity_sheet", "write_table", "check_table"]


def samples_sheet(wb: "Workbook", results: "Results", cap: int) -> np.ndarray:
    """The sheet's title and header; returns the block of values for :func:`inject_rows`."""
    ws = wb.create_sheet("Samples")
    shown = min(cap, results.n)
    put_title(ws, f"Samples from Python: {shown:,} of {results.n:,} (seed {results.seed}, method {results.method})")
    put_text(ws, 2, 1, f"At most {cap:,} rows are written (the cap); the statistics on the Summary sheet use all "
              f"{results.n:,} samples. A blank cell is a sample that is not a finite number. "
              f"Printing shows the first {min(shown, PRINT_ROWS)} rows.", "Samples")
    names = list(results.values)
    for c, name in enumerate(names, start=2):
        put_text(ws, 3, c, name, "Samples header")
    put_text(ws, 3, 1, "sample", "Samples header")
    style_header(ws, 3, len(names) + 1)
    ws.freeze_panes = "B4"
    print_block(ws, 3 + min(shown, PRINT_ROWS), len(names) + 1, "3:3")
    return np.column_stack([np.arange(1, shown + 1, dtype=float)] + [np.asarray(results.values[n][:shown], dtype=float) for n in names])


def _rows_xml(block: np.ndarray, first_row: int) -> str:
    """Rows of plain numbers as worksheet XML (blank for a non-finite value)."""
    letters = [col_letter(c) for c in range(1, block.shape[1] + 1)]
    parts = []
    for i, line in enumerate(block.tolist()):
        r = first_row + i
        cells = "".join(f'<c r="{letters[j]}{r}"><v>{v!r}</v></c>' for j, v in enumerate(line) if math.isfinite(v))
        parts.append(f'<row r="{r}">{cells}</row>')
    return "".join(parts)


def inject_rows(path: str, sheet_index: int, block: np.ndarray, first_row: int) -> None:
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
                    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{col_letter(block.shape[1])}{max(last, 3)}"/>', text, count=1)
                    data = text.encode("utf-8")
                dst.writestr(info, data)
        os.replace(out, path)
    finally:
        Path(out).unlink(missing_ok=True)


def summary_sheet(wb: "Workbook", results: "Results", main: str, bins: int = 30) -> None:
    """The Summary sheet: the summary table and a histogram of ``main`` with its chart."""
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("Summary")
    put_title(ws, f"Summary of {results.n:,} samples (seed {results.seed})")
    table = results.summary()
    headers = ["name", *table.columns]
    for c, h in enumerate(headers, start=1):
        put_text(ws, 3, c, str(h), "Summary header")
    style_header(ws, 3, len(headers))
    for r, (name, row) in enumerate(table.iterrows(), start=4):
        put_text(ws, r, 1, str(name), "Summary")
        for c, key in enumerate(table.columns, start=2):
            put_shown(ws, r, c, row[key], f"Summary {name}.{key}")
    r0 = len(table) + 6
    put_section(ws, r0, f"Histogram of {main}")
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
        put_text(ws, r0 + 2 + bins, 1, f"bins cover the 0.5th to 99.5th percentiles; {outside:,} of {x.size:,} samples lie outside", "Summary")
    for c, h in enumerate(["from", "to", "bin", "count"], start=1):
        put_text(ws, r0 + 1, c, h, "Summary header")
    style_header(ws, r0 + 1, 4)
    for k, n in enumerate(counts):
        r = r0 + 2 + k
        put_shown(ws, r, 1, float(edges[k]))
        put_shown(ws, r, 2, float(edges[k + 1]))
        put_text(ws, r, 3, f"{(edges[k] + edges[k + 1]) / 2:.4g}", "Summary")
        ws.cell(row=r, column=3).alignment = centred()
        put(ws, r, 4, int(n))
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
    set_widths(ws, {1: 16, 2: 30, 3: 12, **{c: 12 for c in range(4, len(headers) + 1)}})
    fit_columns(ws, {1: (12, 32), 2: (20, 40), 3: (10, 20)}, 3, 3 + len(table))
    printable(ws)


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


def sensitivity_sheet(wb: "Workbook", results: "Results", main: str) -> None:
    """The Sensitivity sheet: the tornado table of ``main`` and its chart."""
    from openpyxl.chart import BarChart, Reference

    from ...units import unit_text

    model = results.model
    unit = unit_text(model.unit(main))
    in_unit = f" ({unit})" if unit else ""
    ws = wb.create_sheet("Sensitivity")
    put_title(ws, f"Tornado: {main} with each input at its 5th and 95th percentile, others at their medians")
    table = results.tornado(main)
    headers = ["input", "input unit", "low", "high", f"{main} at low{in_unit}", f"{main} at high{in_unit}",
               f"swing{in_unit}", f"base{in_unit}", f"change at low{in_unit}", f"change at high{in_unit}"]
    for c, h in enumerate(headers, start=1):
        put_text(ws, 3, c, h, "Sensitivity header")
        ws.cell(row=3, column=c).alignment = wrapped()
    style_header(ws, 3, len(headers))
    for r, (name, row) in enumerate(table.iterrows(), start=4):
        put_text(ws, r, 1, str(name), "Sensitivity")
        put_text(ws, r, 2, unit_text(model.unit(str(name))) if str(name) in model else "", "Sensitivity")
        for c, key in enumerate(["low", "high", "at_low", "at_high", "swing", "base"], start=3):
            put_shown(ws, r, c, row[key])
        put_shown(ws, r, 9, row["at_low"] - row["base"])
        put_shown(ws, r, 10, row["at_high"] - row["base"])
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
    set_widths(ws, {1: min(40, longest + 2), 2: 12, 3: 13, 4: 13, 5: 18, 6: 18, 7: 14, 8: 14, 9: 16, 10: 16})
    fit_columns(ws, {2: (10, 24)}, 4)
    ws.row_dimensions[3].height = 30
    printable(ws)


def write_table(wb: "Workbook", title: str, frame: "pd.DataFrame") -> None:
    """Write a table on a new sheet: title, header on row 3, one row per frame row.

    Parameters
    ----------
    wb
        The openpyxl workbook.
    title
        The sheet's title (checked by the caller, :func:`~.style.check_sheet_title`).
    frame
        The table; its index is written as the first column unless it is a
        plain unnamed range.  Texts are written as text, whatever they
        start with; a blank cell stands for ``None`` or NaN.

    Raises
    ------
    ExcelError
        A value that cannot go into a workbook (e.g. a control character),
        named by its row and column.
    """
    ws = wb.create_sheet(title)
    put_title(ws, title)
    index_name = frame.index.name
    import pandas as pd

    has_index = index_name is not None or not isinstance(frame.index, pd.RangeIndex)
    headers = ([str(index_name or "")] if has_index else []) + [str(c) for c in frame.columns]
    for c, h in enumerate(headers, start=1):
        put_text(ws, 3, c, h, f"sheet {title!r} header")
    style_header(ws, 3, len(headers))
    for r, (idx, row) in enumerate(frame.iterrows(), start=4):
        values = ([idx] if has_index else []) + list(row.values)
        for c, v in enumerate(values, start=1):
            where = f"sheet {title!r} row {r - 3} column {headers[c - 1]!r}"
            if isinstance(v, str):
                put_text(ws, r, c, v, where)
            elif v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
                continue
            elif isinstance(v, (bool, int, float, np.bool_, np.integer, np.floating)):
                put_shown(ws, r, c, v, where)
            else:
                put_text(ws, r, c, str(v), where)
    longest = [len(h) for h in headers]
    for r in range(4, 4 + len(frame)):
        for c in range(1, len(headers) + 1):
            v = ws.cell(row=r, column=c).value
            if isinstance(v, str):
                longest[c - 1] = max(longest[c - 1], len(v))
    set_widths(ws, {c: max(10, min(50, n + 2)) for c, n in enumerate(longest, start=1)})
    printable(ws, title_rows="3:3")



def check_table(title: str, frame: "pd.DataFrame") -> None:
    """Raise :class:`~dealvalue.errors.ExcelError` if ``frame`` cannot be written as sheet ``title``.

    The table is written to a scratch workbook, so a caller can leave a
    table out (and say why) before the real workbook is begun, instead of
    failing half way through it.

    Parameters
    ----------
    title
        The sheet's title.
    frame
        The table, as :func:`write_table` takes it.

    Examples
    --------
    >>> import pandas as pd
    >>> check_table("Fine", pd.DataFrame({"a": [1.5]}))
    >>> check_table("Bell", pd.DataFrame({"note": ["bell \\x07"]}))
    Traceback (most recent call last):
    ...
    dealvalue.errors.ExcelError: sheet 'Bell' row 1 column 'note': control character '\\x07' at position 6 cannot go into a workbook (got 'bell \\x07')
    """
    import openpyxl

    write_table(openpyxl.Workbook(), title, frame)
