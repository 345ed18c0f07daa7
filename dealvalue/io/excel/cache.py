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
from typing import Callable, Iterable, Iterator

from ...errors import ExcelError
from .layout import col_letter

__all__ = ["Cache", "RowBlock", "value_xml", "finish"]

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
    with dst.open(name, "w", force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        parts: list[str] = []
        size = 0
        for row in block.rows(styles):
            parts.append(row)
            size += len(row)
            if size > 1 << 20:
                out.write("".join(parts).encode("utf-8"))
                parts, size = [], 0
        out.write("".join(parts).encode("utf-8"))
        out.write(tail.encode("utf-8"))


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


def number_rows(block: "Iterator[list[float]] | list[list[float]]", first_row: int) -> Callable[[dict[str, str]], Iterator[str]]:
    """Rows of plain numbers (blank for a non-finite value), as a :class:`RowBlock`'s ``rows``."""

    def rows(styles: dict[str, str]) -> Iterator[str]:
        letters: list[str] = []
        for i, line in enumerate(block):
            while len(letters) < len(line):
                letters.append(col_letter(len(letters) + 1))
            r = first_row + i
            cells = "".join(f'<c r="{letters[j]}{r}"><v>{v!r}</v></c>' for j, v in enumerate(line) if math.isfinite(v))
            yield f'<row r="{r}">{cells}</row>'

    return rows
