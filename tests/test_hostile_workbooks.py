"""Issue 11: truncated, oversized and non-workbook files raise ExcelError
from ``read_excel``, refused from the zip directory before any XML is
parsed.  The SIGALRM guard only turns a hang into a failure; it is not a
speed assertion."""

from __future__ import annotations

import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import dealvalue as dv
from dealvalue.errors import ExcelError
from dealvalue.io.excel import limits

GUARD_S = 60


@pytest.fixture(autouse=True)
def guard() -> Iterator[None]:
    def hang(*_: object) -> None:
        raise TimeoutError(f"read_excel ran over the {GUARD_S} s guard")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(GUARD_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    m = dv.Model("wb", seed=1)
    m.add("R", "10 to 100", unit="USD")
    m.add("c", "beta(8, 2)")
    m.add("ask", "R / c")
    path = tmp_path_factory.mktemp("wb") / "good.xlsx"
    m.to_excel(path, m.simulate(n=200, seed=1), sim_rows=5, sample_rows=5)
    return path


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
        for name, data in change.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return dst


def _sheet_part(path: Path, title: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return limits._sheet_parts(zf, str(path))[title]


def test_the_good_workbook_reads(workbook: Path) -> None:
    assert dv.read_excel(workbook).cell("ask").formula == "R / c"


def test_truncated_sheet_xml(workbook: Path, tmp_path: Path) -> None:
    part = _sheet_part(workbook, "Model")
    with zipfile.ZipFile(workbook) as zf:
        data = zf.read(part)
    bad = _rewrite(workbook, tmp_path / "truncated.xlsx", {part: data[: len(data) // 2]})
    with pytest.raises(ExcelError):
        dv.read_excel(bad)


def test_garbled_sheet_xml(workbook: Path, tmp_path: Path) -> None:
    part = _sheet_part(workbook, "Inputs")
    bad = _rewrite(workbook, tmp_path / "garbled.xlsx", {part: os.urandom(3000)})
    with pytest.raises(ExcelError):
        dv.read_excel(bad)


def test_a_small_zip_expanding_to_huge_shared_strings(workbook: Path, tmp_path: Path) -> None:
    size = limits.MAX_SHARED_STRINGS_BYTES + 1_000_000
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    bomb = head + b"a" * (size - len(head) - 15) + b"</t></si></sst>"
    bad = _rewrite(workbook, tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": bomb})
    assert bad.stat().st_size < 1_000_000  # small on disk
    with pytest.raises(ExcelError, match="sharedStrings.xml expands to"):
        dv.read_excel(bad)


def test_too_many_shared_strings_declared(workbook: Path, tmp_path: Path) -> None:
    n = limits.MAX_SHARED_STRINGS + 1
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           + f'count="{n}" uniqueCount="{n}">'.encode() + b"<si><t>x</t></si>" * 1000 + b"</sst>")
    bad = _rewrite(workbook, tmp_path / "strings.xlsx", {"xl/sharedStrings.xml": sst})
    with pytest.raises(ExcelError, match="shared strings"):
        dv.read_excel(bad)


def test_a_sheet_declaring_too_many_cells(workbook: Path, tmp_path: Path) -> None:
    part = _sheet_part(workbook, "About")
    with zipfile.ZipFile(workbook) as zf:
        data = zf.read(part)
    import re

    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:ZZ999999"', data, count=1)
    if b"<dimension" not in data:
        data = data.replace(b"<sheetData", b'<dimension ref="A1:ZZ999999"/><sheetData', 1)
    bad = _rewrite(workbook, tmp_path / "cells.xlsx", {part: data})
    with pytest.raises(ExcelError, match="cells"):
        dv.read_excel(bad)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(100_000))
    with pytest.raises(ExcelError, match="not an .xlsx"):
        dv.read_excel(path)


def test_a_text_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    path.write_text("name,formula\nR,10 to 100\n" * 100, encoding="utf-8")
    with pytest.raises(ExcelError, match="not an .xlsx"):
        dv.read_excel(path)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ExcelError, match="not an .xlsx"):
        dv.read_excel(path)


def test_an_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workbook: Path) -> None:
    monkeypatch.setattr(limits, "MAX_WORKBOOK_BYTES", 1000)
    with pytest.raises(ExcelError, match="at most 1,000"):
        dv.read_excel(workbook)
