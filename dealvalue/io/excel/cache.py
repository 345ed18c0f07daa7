"""Cached values in the saved workbook, and the project's own row writer.

openpyxl writes a cell's formula or its value, never both: its formula cells
reach the file as ``<c><f>...</f><v/></c>``, so previews, openpyxl's
``data_only=True`` and pandas see blanks until a spreadsheet recalculates.
The writer records the value it computed for each formula cell
(:class:`Cache`), and once openpyxl has saved the workbook :func:`finish`
rewrites each sheet's XML once: the empty ``<v/>`` get their numbers, and
long blocks of rows (the Simulation draws, the Samples) are streamed in as
text, with shared formulas (one formula text per column), far faster than
openpyxl's per-cell writer.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ...errors import ExcelError
from .layout import col_letter

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Cache", "RowBlock", "value_xml", "finish", "column_cells", "join_rows", "number_rows", "number_texts",
           "ROWS_PER_CHUNK", "FLUSH_CHARS", "QUEUED_CHUNKS"]

# The streamed blocks' memory is a few chunks of text at a time, whatever the sheet's length.
# Measured on the deal model's export (10,000 live rows x 123 columns; peak RSS of the process,
# 213 MB before the export): 500 rows, 4 MB and two queued chunks peaked at 295 MB; 100 rows,
# 1 MB, one chunk at 253 MB; 50 rows, 512 KB, one chunk at 247 MB; 25 rows at 244 MB; no
# difference in time that the machine's noise shows.  The text written does not depend on
# these numbers (tested).
ROWS_PER_CHUNK = 50  # rows of a block formatted in one pass
FLUSH_CHARS = 1 << 19  # text handed to the deflating thread at a time
QUEUED_CHUNKS = 1  # chunks waiting for that thread

_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)><f>([^<]*)</f><v ?/></c>')
_ERROR = "#NUM!"


def value_xml(v: float | str | None) -> tuple[str, str]:
    """A cached value as (type attribute, ``<v>`` text): a number, an error for a
    value that is not a finite number, or a string."""
    if isinstance(v, str):
        from xml.sax.saxutils import escape

        return ' t="str"', escape(v)
    if v is None or not math.isfinite(v):
        return ' t="e"', _ERROR
    return "", repr(float(v))


class RowBlock:
    """Rows a sheet gets after openpyxl's: ``rows()`` yields each row's XML text."""

    def __init__(self, first_row: int, last_row: int, last_col: int, rows: Callable[[dict[str, str]], Iterable[str]],
                 style_row: int | None = None) -> None:
        self.first_row, self.last_row, self.last_col = first_row, last_row, last_col
        self.rows = rows
        self.style_row = style_row  # a row openpyxl wrote only for its cells' styles: dropped, styles reused


class Cache:
    """The values of formula cells, by sheet title and A1 reference, and row blocks to add."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, float | str | None]] = {}
        self.blocks: dict[str, RowBlock] = {}

    def put(self, sheet: str, row: int, col: int, value: float | str | None) -> None:
        self.values.setdefault(sheet, {})[f"{col_letter(col)}{row}"] = value


def _styles_of(text: str, row: int) -> tuple[str, dict[str, str]]:
    """Remove row ``row`` from the sheet XML; return the text and its cells' style attributes by column letters."""
    m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', text)
    if m is None:
        return text, {}
    styles = {c.group(1): c.group(2) for c in re.finditer(r'<c r="([A-Z]+)[0-9]+"(?: s="([0-9]+)")?', m.group(1)) if c.group(2)}
    return text[: m.start()] + text[m.end():], styles


def _fill(text: str, values: dict[str, float | str | None], where: str) -> str:
    def one(m: re.Match[str]) -> str:
        ref, attrs, formula = m.group(1), m.group(2), m.group(3)
        if ref not in values:
            return m.group(0)
        t, v = value_xml(values[ref])
        return f'<c r="{ref}"{attrs}{t}><f>{formula}</f><v>{v}</v></c>'

    return _CELL.sub(one, text)


def _sheet_members(path: str) -> dict[str, str]:
    """Sheet title -> its XML member in the saved file."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for s in book.iterfind("m:sheets/m:sheet", ns):
        target = targets[s.get(rid)].lstrip("/")
        out[str(s.get("name"))] = target if target.startswith("xl/") else "xl/" + target
    return out


def _stream(dst: zipfile.ZipFile, name: str, head: str, block: RowBlock, styles: dict[str, str],
            tail: str) -> None:
    """Write the member: ``head``, the block's rows, ``tail``.  The text is built in
    this thread while another compresses the previous chunk (zlib and crc32 release
    the GIL); at most two chunks wait, so memory stays bounded."""
    import queue
    import threading

    with dst.open(name, "w", force_zip64=True) as out:
        chunks: "queue.Queue[bytes | None]" = queue.Queue(maxsize=QUEUED_CHUNKS)
        failed: list[BaseException] = []

        def compress() -> None:
            while (data := chunks.get()) is not None:
                if not failed:
                    try:
                        out.write(data)
                    except BaseException as e:  # re-raised in the writing thread
                        failed.append(e)

        worker = threading.Thread(target=compress, name="dealvalue-xlsx-deflate", daemon=True)
        worker.start()
        try:
            chunks.put(head.encode("utf-8"))
            parts: list[str] = []
            size = 0
            for row in block.rows(styles):
                if failed:
                    break
                parts.append(row)
                size += len(row)
                if size > FLUSH_CHARS:
                    chunks.put("".join(parts).encode("utf-8"))
                    parts, size = [], 0
            chunks.put("".join(parts).encode("utf-8"))
            chunks.put(tail.encode("utf-8"))
        finally:
            chunks.put(None)
            worker.join()
        if failed:
            raise failed[0]


def finish(path: str | os.PathLike[str], cache: Cache, level: int = 1) -> None:
    """Rewrite the saved workbook at ``path``: cached values filled in, row blocks added."""
    path = str(path)
    members = _sheet_members(path)
    by_member = {members[t]: t for t in set(cache.values) | set(cache.blocks) if t in members}
    out = path + ".cache"
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                title = by_member.get(info.filename)
                if title is None:
                    dst.writestr(info, data)
                    continue
                text = _fill(data.decode("utf-8"), cache.values.get(title, {}), title)
                block = cache.blocks.get(title)
                if block is None:
                    dst.writestr(info, text.encode("utf-8"))
                    continue
                styles: dict[str, str] = {}
                if block.style_row is not None:
                    text, styles = _styles_of(text, block.style_row)
                if text.count("</sheetData>") != 1:
                    raise ExcelError(f"{title} sheet", info.filename, "unexpected worksheet layout from openpyxl")
                last = max(block.last_row, 1)
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{col_letter(block.last_col)}{last}"/>',
                              text, count=1)
                head, tail = text.split("</sheetData>")
                _stream(dst, info.filename, head, block, styles, "</sheetData>" + tail)
        os.replace(out, path)
    finally:
        Path(out).unlink(missing_ok=True)


def number_texts(x: "np.ndarray") -> list[str]:
    """``repr`` of each number of a float array (what :func:`value_xml` writes; a non-finite
    value's text is a placeholder).  A column of few distinct values (an indicator, a
    constant) formats each distinct value once: ``repr`` is most of a cell's cost."""
    import numpy as np

    values = x.tolist()
    if x.size >= 64:
        distinct = np.unique(x)
        if distinct.size * 8 <= x.size and not np.signbit(x[x == 0]).any():  # -0.0 would look up 0.0
            known = {v: repr(v) for v in distinct.tolist()}
            return [known.get(v, "") for v in values]  # NaN is not found: patched by the caller
    return list(map(repr, values))


def column_cells(letter: str, rows: list[str], values: "np.ndarray", attrs: str = "", formula: str = "",
                 blank: bool = False, texts: list[str] | None = None) -> list[str]:
    """The cells of one column over ``rows`` (row numbers as text), each with the
    value ``values[i]`` cached after ``formula`` (its ``<f>`` element, or none).

    The column is formatted in one pass: one f-string over the row numbers and
    the values (``repr``, exactly :func:`value_xml`'s text), no Python-level
    function call per cell; the few non-finite values are patched afterwards.
    A value that is not a finite number is an error cell, or no cell when ``blank``.
    ``texts`` are the values' :func:`number_texts`, when a caller has them already.
    """
    import numpy as np

    x = np.asarray(values)
    if x.dtype.kind not in "biuf":  # strings or objects: the general path, cell by cell
        out = []
        for r, v in zip(rows, x.tolist()):
            if blank and not isinstance(v, str) and (v is None or not math.isfinite(v)):
                out.append("")
                continue
            t, text = value_xml(v)
            out.append(f'<c r="{letter}{r}"{attrs}{t}>{formula}<v>{text}</v></c>')
        return out
    x = x.astype(float, copy=False)
    if texts is None:
        texts = number_texts(x)
    head = f'<c r="{letter}'
    tail = f'"{attrs}>{formula}<v>'
    out = [f"{head}{r}{tail}{t}</v></c>" for r, t in zip(rows, texts)]  # measured faster than map(str.format)
    for i in np.flatnonzero(~np.isfinite(x)).tolist():
        out[i] = "" if blank else f'<c r="{letter}{rows[i]}"{attrs} t="e">{formula}<v>{_ERROR}</v></c>'
    return out


def join_rows(rows: list[str], columns: list[list[str]]) -> str:
    """Rows ``<row r="..">`` of the cells in ``columns`` (one list per column, in order), as one text."""
    return "".join(map('<row r="{}">{}</row>'.format, rows, map("".join, zip(*columns))))


def number_rows(block: "np.ndarray | list[list[float]]", first_row: int,
                chunk: int | None = None) -> Callable[[dict[str, str]], Iterator[str]]:
    """Rows of plain numbers (blank for a non-finite value), as a :class:`RowBlock`'s ``rows``,
    ``chunk`` rows at a time (default :data:`ROWS_PER_CHUNK`)."""
    import numpy as np

    data = np.asarray(block, dtype=float)

    def rows(styles: dict[str, str]) -> Iterator[str]:
        if data.ndim != 2 or not data.size:
            return
        step = chunk or ROWS_PER_CHUNK
        letters = [col_letter(j + 1) for j in range(data.shape[1])]
        for start in range(0, data.shape[0], step):
            part = data[start: start + step]
            numbers = [str(first_row + start + i) for i in range(part.shape[0])]
            yield join_rows(numbers, [column_cells(letters[j], numbers, part[:, j], blank=True)
                                      for j in range(part.shape[1])])

    return rows
