"""Size limits of the workbooks :func:`~dealvalue.io.excel.reader.read` accepts,
checked from the zip directory *before* any XML is parsed.

A workbook is a zip of XML parts.  The reader parses only a few of them (the
workbook, its relationships, shared strings, styles and the About, Inputs
and Model sheets); the others (Samples, Simulation, ...) are never read, so
only the declared sizes of the parsed parts are limited.  The limits are far
above what :func:`~dealvalue.io.excel.writer.to_excel` writes for a model
of 10,000 cells, and low enough that a refusal takes milliseconds.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ...errors import ExcelError

__all__ = ["MAX_WORKBOOK_BYTES", "MAX_MEMBERS", "MAX_PART_BYTES", "MAX_SHEET_BYTES", "MAX_SHARED_STRINGS_BYTES",
           "MAX_SHARED_STRINGS", "MAX_SHEET_CELLS", "check_workbook", "READ_SHEETS"]

MAX_WORKBOOK_BYTES = 50_000_000        # the file itself
MAX_MEMBERS = 1_000                    # parts in the zip
MAX_PART_BYTES = 5_000_000             # uncompressed: workbook.xml, rels, styles, content types
MAX_SHEET_BYTES = 40_000_000           # uncompressed: each of the About, Inputs and Model sheets
MAX_SHARED_STRINGS_BYTES = 20_000_000  # uncompressed xl/sharedStrings.xml
MAX_SHARED_STRINGS = 200_000           # entries in the shared strings table
MAX_SHEET_CELLS = 1_000_000            # cells (rows x columns) of each sheet read
READ_SHEETS = ("About", "Inputs", "Model")

_SMALL = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")
_DIM = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')
_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="([0-9]{1,12})"')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_parts(zf: zipfile.ZipFile, where: str) -> dict[str, str]:
    """Sheet title -> part name, from xl/workbook.xml and its relationships (both size-checked)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (ET.ParseError, KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ExcelError(where, where, f"not a readable workbook ({type(exc).__name__}: {exc})") from None
    target = {}
    for rel in rels:
        t = rel.get("Target", "")
        t = t.lstrip("/") if t.startswith("/") else "xl/" + t
        target[rel.get("Id")] = t
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in target:
                out[el.get("name", "")] = target[rid]
    return out


def check_workbook(path: Path) -> None:
    """Refuse, with :class:`~dealvalue.ExcelError`, a file that is not an
    .xlsx workbook or is over a limit, reading only the zip directory and
    the first bytes of a few parts."""
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExcelError(where, where, f"cannot read the workbook: {exc.strerror}") from None
    if size > MAX_WORKBOOK_BYTES:
        raise ExcelError(where, size, f"the file has {size:,} bytes; a workbook may have at most {MAX_WORKBOOK_BYTES:,}")
    if not zipfile.is_zipfile(path):
        raise ExcelError(where, where, "not an .xlsx workbook (not a zip file)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ExcelError(where, len(infos), f"the zip has {len(infos):,} parts; at most {MAX_MEMBERS:,}")
            by_name: dict[str, Any] = {i.filename: i for i in infos}
            for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                if part not in by_name:
                    raise ExcelError(where, part, "not an .xlsx workbook (no such part)")
            for part in _SMALL:
                _limit(where, by_name.get(part), MAX_PART_BYTES)
            strings = by_name.get("xl/sharedStrings.xml")
            if strings is not None:
                _limit(where, strings, MAX_SHARED_STRINGS_BYTES)
                with zf.open(strings) as fh:
                    head = fh.read(4096)
                m = _COUNT.search(head)
                if m and int(m.group(1)) > MAX_SHARED_STRINGS:
                    raise ExcelError(f"{where}: xl/sharedStrings.xml", int(m.group(1)),
                                     f"{int(m.group(1)):,} shared strings; at most {MAX_SHARED_STRINGS:,}")
            parts = _sheet_parts(zf, where)
            for title in READ_SHEETS:
                info = by_name.get(parts.get(title, ""))
                if info is None:
                    continue  # the reader says which sheet is missing
                _limit(where, info, MAX_SHEET_BYTES, title)
                with zf.open(info) as fh:
                    head = fh.read(4096)
                m = _DIM.search(head)
                if m:
                    rows = int(m.group(4) or m.group(2)) - int(m.group(2)) + 1
                    cols = _col(m.group(3) or m.group(1)) - _col(m.group(1)) + 1
                    if rows * cols > MAX_SHEET_CELLS:
                        raise ExcelError(f"{where}: sheet {title!r}", rows * cols,
                                         f"{rows:,} rows x {cols:,} columns; a sheet read may have at most "
                                         f"{MAX_SHEET_CELLS:,} cells")
    except ExcelError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise ExcelError(where, where, f"not a readable workbook ({type(exc).__name__}: {exc})") from None


def _limit(where: str, info: Any, most: int, title: str | None = None) -> None:
    if info is not None and info.file_size > most:
        what = f"sheet {title!r} ({info.filename})" if title else info.filename
        raise ExcelError(f"{where}: {info.filename}", info.file_size,
                         f"{what} expands to {info.file_size:,} bytes; at most {most:,}")
