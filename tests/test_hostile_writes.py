"""Issue 11, interrupted writes: no temporary file is left on failure; a killed
writer leaves at most one, recognisably named, and the next write removes it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import dealvalue as dv
from dealvalue.io.atomic import TMP_MARK, stale_temporaries


def small_model() -> dv.Model:
    m = dv.Model("w", seed=1)
    m.add("x", "1 to 2")
    m.add("y", "x * 2")
    return m


def strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TMP_MARK in p.name)


def test_a_killed_save_leaves_one_recognisable_file_that_the_next_save_removes(tmp_path: Path) -> None:
    target = tmp_path / "m.toml"
    small_model().save(target)
    good = target.read_text(encoding="utf-8")
    code = textwrap.dedent(f"""
        import os, signal, dealvalue as dv
        m = dv.Model("w", seed=1); m.add("x", "1 to 2"); m.add("y", "x * 3")
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed between write and rename
        m.save({str(target)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode != 0
    left = strays(tmp_path)
    assert len(left) == 1 and left[0].startswith(".m.toml" + TMP_MARK)
    assert target.read_text(encoding="utf-8") == good  # never truncated
    small_model().save(target)
    assert strays(tmp_path) == []
    assert stale_temporaries(target) == []


def test_a_failing_save_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    target = tmp_path / "m.toml"

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        small_model().save(target)
    assert strays(tmp_path) == [] and not target.exists()


def test_a_failing_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    target = tmp_path / "m.xlsx"
    m = small_model()
    r = m.simulate(n=200, seed=1)
    (tmp_path / f".m.xlsx{TMP_MARK}stale1").write_bytes(b"half a workbook")  # from a killed export

    def boom(self: object, filename: object) -> None:
        Path(str(filename)).write_bytes(b"PK partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        m.to_excel(target, results=r)
    assert strays(tmp_path) == [] and not target.exists()
    monkeypatch.undo()
    m.to_excel(target, results=r)
    assert strays(tmp_path) == [] and target.stat().st_size > 0
