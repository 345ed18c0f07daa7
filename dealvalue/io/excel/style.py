"""Writing one cell safely, and the look of the sheets.

Every text that reaches a workbook goes through :func:`put_text`, which
refuses what Excel cannot hold and keeps text that looks like a formula
(``=HYPERLINK(...)``) a text; numbers go through :func:`put`.  The rest sets
fonts, fills, widths and print areas.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ...errors import ExcelError
from .layout import col_letter, ref

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from ...model import Model

MAX_TEXT = 32_767  # Excel's limit on a cell's text

__all__ = [
    "MAX_TEXT", "EDIT_FILL", "POINT_FILL", "check_text", "check_sheet_title", "put_text", "put", "put_shown", "number_format", "STALE", "stale_note",
    "put_formula", "unit_columns", "bounds_text", "style_header", "put_title", "put_section", "fill", "printable",
    "print_block", "fit_columns", "note_rows", "set_widths", "centred", "wrapped", "bold", "WIDE_TEXT",
]

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- text safety


def check_text(value: Any, where: str, multiline: bool = True) -> str:
    """``value`` if it can go into a cell as text, else raise :class:`ExcelError` at ``where``.

    Excel refuses control characters (but for newline and tab in a
    multi-line cell) and texts over :data:`MAX_TEXT` characters; openpyxl
    would write them and leave a file Excel repairs or will not open.
    """
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
    check_text(title, where, multiline=False)
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


def put_text(ws: "Worksheet", row: int, col: int, value: str, where: str) -> None:
    """Write user text as text: never a formula, whatever it starts with."""
    check_text(value, where)
    c = ws.cell(row=row, column=col)
    c.value = value
    c.data_type = "s"  # openpyxl would take '=...' for a formula
    if value[:1] in ("=", "+", "-", "@"):
        c.quotePrefix = True  # and Excel keeps it text when the cell is edited


def put(ws: "Worksheet", row: int, col: int, value: Any, where: str = "") -> None:
    """Write a number, our own formula, or text (as text)."""
    if isinstance(value, str):
        put_text(ws, row, col, value, where or f"{ws.title}!{ref(row, col)}")
        return
    if isinstance(value, (bool, np.bool_)):
        value = int(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        ws.cell(row=row, column=col).value = v if math.isfinite(v) else None
        return
    if value is None:
        return
    raise ExcelError(where or f"{ws.title}!{ref(row, col)}", value, "expected a number or text")


def put_shown(ws: "Worksheet", row: int, col: int, value: Any, where: str = "") -> None:
    """A number in a results table, formatted to be read (the cell keeps every digit)."""
    put(ws, row, col, value, where)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        ws.cell(row=row, column=col).number_format = number_format(float(value))


def number_format(value: float) -> str:
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


STALE = "values at export; recalculate in Python with dv.read_excel"


def stale_note(ws: "Worksheet") -> None:
    """Head a static sheet (its numbers do not follow edits) with :data:`STALE`, in row 2."""
    from openpyxl.styles import Font

    old = ws.cell(row=2, column=1).value
    text = STALE + (". " + str(old) if old else "")
    put_text(ws, 2, 1, text, f"{ws.title} note")
    ws.cell(row=2, column=1).font = Font(italic=True, color="C00000")


def put_formula(ws: "Worksheet", row: int, col: int, text: str) -> None:
    """Write one of our own Excel formulas (``text`` without its ``=``)."""
    ws.cell(row=row, column=col).value = "=" + text


def unit_columns(model: "Model", name: str) -> tuple[str, str]:
    """A cell's unit text and where it comes from: ``"declared"`` or ``"inferred"``."""
    from ...units import unit_text

    declared = model.cell(name).unit
    if declared is not None:
        return declared, "declared"
    return unit_text(model.unit(name)), "inferred"


def bounds_text(b: tuple[float, float] | None) -> str:
    """Bounds as the text the reader parses back (``"0.0, 10.0"``; blank for none)."""
    return "" if b is None else f"{b[0]!r}, {b[1]!r}"


def style_header(ws: "Worksheet", row: int, ncols: int) -> None:
    """Bold, grey and underlined: a table's header row."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.border = Border(bottom=Side(style="thin"))


def put_title(ws: "Worksheet", text: str, row: int = 1) -> None:
    """A sheet's title, large and bold."""
    from openpyxl.styles import Font

    put_text(ws, row, 1, text, f"{ws.title} title")
    ws.cell(row=row, column=1).font = Font(bold=True, size=14)


def put_section(ws: "Worksheet", row: int, text: str) -> None:
    """A section title in column A (the reader finds sections by these)."""
    from openpyxl.styles import Font

    put_text(ws, row, 1, text, f"{ws.title} section")
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)


EDIT_FILL = "FFF2CC"   # editable parameters: pale yellow
POINT_FILL = "DDEBF7"  # point values and live results: pale blue


def fill(ws: "Worksheet", row: int, col: int, color: str) -> None:
    """Colour a cell's background."""
    from openpyxl.styles import PatternFill

    ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor=color)


#: the printable width of a landscape A4 page (842 pt less 0.7 in margins), in points
PAGE_WIDTH_PT = 842 - 2 * 0.7 * 72
#: the printed size of a sheet's body text: the default font's 11 pt times the print scale
BODY_PT = 11.0
MIN_PRINT_PT = 8.0
#: the smallest print scale (percent) that keeps the body text at 8 pt or more
MIN_SCALE = math.ceil(100 * MIN_PRINT_PT / BODY_PT)
FOOTER_CENTRE = "Page &P of &N"
#: the widest a wrapped long-text column (descriptions) gets, in characters: a printed page at
#: MIN_SCALE holds it beside title columns of 5 and 32 characters (# and the widest name), even
#: as LibreOffice renders widths (about a quarter wider than 7w+5 pixels; see note_rows), so a
#: description wraps into few lines and a page of the Inputs or Model table holds more rows
WIDE_TEXT = 100
FOOTER_LEFT = "&A"  # the sheet name


def printed_width_pt(ws: "Worksheet", last_col: int | None = None) -> float:
    """The width at 100 % of the printed columns (1 to ``last_col``, default the
    sheet's), in points: a column ``w`` characters wide is ``7 w + 5`` pixels."""
    last = last_col or ws.max_column
    return sum((7 * (ws.column_dimensions[col_letter(c)].width or 8.43) + 5) * 0.75 for c in range(1, last + 1))


def print_scale(ws: "Worksheet") -> float:
    """The scale (percent) a sheet prints at with its page setup, as a spreadsheet applies it:
    ``fitToPage`` with ``fitToWidth`` pages shrinks the printed columns to that many page widths."""
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        last = None
        if ws.print_area:
            m = re.search(r":\$?([A-Z]+)\$?[0-9]+$", str(ws.print_area).split(",")[0])
            if m:
                from openpyxl.utils import column_index_from_string

                last = column_index_from_string(m.group(1))
        pages = ws.page_setup.fitToWidth or 1
        return min(100.0, 100 * pages * PAGE_WIDTH_PT / max(printed_width_pt(ws, last), 1))
    return float(ws.page_setup.scale or 100)


def printable(ws: "Worksheet", last_col: int | None = None, title_rows: str | None = None,
              title_cols: str | None = None) -> None:
    """Print (and export to PDF) landscape with the body text at 8 pt or more: one page
    wide where the columns fit at that size, otherwise across pages at the scale
    ``MIN_SCALE`` with the title columns repeated.  Title rows and columns default
    to the header row and the columns left of the frozen panes; the footer
    names the sheet and numbers the pages ("Page 1 of 3")."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    ps = ws.page_setup
    ps.orientation = "landscape"
    ps.paperSize = ws.PAPERSIZE_A4
    if ws.freeze_panes and (title_rows is None or title_cols is None):
        letters, row = coordinate_from_string(ws.freeze_panes)
        col = column_index_from_string(letters)
        if title_rows is None and row > 1:
            title_rows = f"{row - 1}:{row - 1}"
        if title_cols is None and col > 1:
            title_cols = f"A:{col_letter(col - 1)}"
    if title_rows:
        ws.print_title_rows = title_rows
    width = printed_width_pt(ws, last_col)
    if width * MIN_SCALE / 100 <= PAGE_WIDTH_PT:  # narrow enough: one page wide
        ps.fitToWidth, ps.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # wide: pages across at a readable scale, the title columns on each
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ps.scale = MIN_SCALE
        if title_cols:
            ws.print_title_cols = title_cols
    ws.oddFooter.left.text = FOOTER_LEFT
    ws.oddFooter.center.text = FOOTER_CENTRE
    ws.oddFooter.left.size = ws.oddFooter.center.size = 9


def print_block(ws: "Worksheet", last_row: int, last_col: int, title_rows: str) -> None:
    """Print (and export to PDF) only the top of a long sheet: rows 1 to
    ``last_row`` and columns 1 to ``last_col`` (helper columns beyond it do not
    print), ``title_rows`` and column A repeated on every page."""
    ws.print_area = f"A1:{col_letter(max(last_col, 1))}{last_row}"
    printable(ws, last_col, title_rows, "A:A")


def fit_columns(ws: "Worksheet", columns: Mapping[int, tuple[float, float]], first_row: int, last_row: int | None = None) -> None:
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
        ws.column_dimensions[col_letter(col)].width = width
        for r, v in texts:
            if len(v) + 1 > width or "\n" in v:
                ws.cell(row=r, column=col).alignment = Alignment(wrap_text=True, vertical="top")
                # spreadsheets do not grow a row for wrapped text on their own when
                # printing or converting: give it the height of its lines (a column w
                # characters wide holds about 1.1 w of text, less what word wrap loses:
                # LibreOffice wrapped the example's descriptions at 110-115 per 100)
                lines = sum(max(1, math.ceil(len(line) / max(width - 1, 1))) for line in v.split("\n"))
                lines_needed[r] = max(lines_needed.get(r, 1), lines)
    for r, lines in lines_needed.items():
        if lines > 1:
            current = ws.row_dimensions[r].height or 15
            ws.row_dimensions[r].height = max(current, 15 * lines)
            for cell in ws[r]:  # a tall row reads best with every cell at its top
                old = cell.alignment
                cell.alignment = Alignment(horizontal=old.horizontal, vertical="top",
                                           wrap_text=old.wrap_text, indent=old.indent)


def note_rows(ws: "Worksheet", rows: Sequence[int], last_col: int) -> None:
    """Long notes in column A: merged across the table (on a sheet printed across
    pages, at most across the columns of its first page at ``MIN_SCALE``, so a note
    never runs past the page's edge) and wrapped, with a row height for their length (Excel does not
    size merged rows).  Call it once the column widths are set."""
    from openpyxl.styles import Alignment

    # LibreOffice prints columns about a quarter wider than 7w+5 pixels (the A4 example: columns
    # estimated at 781 pt filled a page of 1,005 pt), so a quarter of the page is held back
    page = 0.75 * PAGE_WIDTH_PT * 100 / MIN_SCALE
    if printed_width_pt(ws) * MIN_SCALE / 100 > PAGE_WIDTH_PT:  # printed across pages (else fitted to one)
        while last_col > 1 and printed_width_pt(ws, last_col) > page:
            last_col -= 1
    chars = sum((ws.column_dimensions[col_letter(c)].width or 9) for c in range(1, last_col + 1))
    for r in rows:
        text = str(ws.cell(row=r, column=1).value or "")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(1.15 * len(text) / chars))


def set_widths(ws: "Worksheet", widths: Mapping[int, float]) -> None:
    """Set column widths, in characters."""
    for col, w in widths.items():
        ws.column_dimensions[col_letter(col)].width = w


def centred() -> Any:
    """An alignment: centred."""
    from openpyxl.styles import Alignment

    return Alignment(horizontal="center")


def wrapped() -> Any:
    """An alignment: wrapped text at the top of the cell."""
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


def bold() -> Any:
    """A bold font."""
    from openpyxl.styles import Font

    return Font(bold=True)

