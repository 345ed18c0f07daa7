"""Recalculate workbooks in LibreOffice (headless), for the Excel round-trip tests.

LibreOffice keeps the cached values of an .xlsx file unless told otherwise, so
each run gets a fresh user profile whose ``registrymodifications.xcu`` sets
``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` to 0
("always recalculate").  Converting ``.xlsx -> .xlsx`` then writes every
formula's freshly computed value, which openpyxl reads with
``data_only=True``.  Several workbooks convert in one LibreOffice start
(each start costs seconds).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

__all__ = ["SOFFICE", "recalculate", "convert"]

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(paths: Sequence[Path], outdir: Path, to: str = "xlsx", timeout: float = 240) -> list[Path]:
    """Open each workbook in LibreOffice (recalculating everything) and save
    it as ``to`` in ``outdir``; return the new files in the order given."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    paths = [Path(p).resolve() for p in paths]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError(f"workbooks converted together need different names, got {stems}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        filt = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}.get(to, to)
        cmd = [
            SOFFICE,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", filt, "--outdir", str(outdir), *map(str, paths),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = to.split(":")[0]
    out = [outdir / f"{stem}.{ext}" for stem in stems]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise RuntimeError(
            f"LibreOffice did not write {', '.join(missing)} (exit {done.returncode}): "
            f"{done.stdout.strip()} {done.stderr.strip()}"
        )
    return out


def recalculate(paths: Sequence[Path], outdir: Path) -> list[Path]:
    """Recalculated copies (.xlsx) of the workbooks, from one LibreOffice run."""
    return convert(paths, outdir, "xlsx")
