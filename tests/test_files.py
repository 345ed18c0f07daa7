"""Model files: save, load, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

import dealvalue as dv
from _models import evidence_model

ROOT = Path(__file__).resolve().parents[1]


def test_save_then_load_gives_an_identical_model(tmp_path: Path) -> None:
    m = evidence_model()
    m.seed = 7
    m.description = "round trip"
    m.replace("R", label='=HYPERLINK("http://x")', description="line one\nline two", group="AI side")
    m.correlate("reality", "commitment", 0.6)
    m.add("limited", "reality", bounds=(0.1, 1))
    path = tmp_path / "m.toml"
    m.save(path)
    back = dv.Model.load(path)
    assert back.cells == m.cells
    assert back.correlations == m.correlations
    assert (back.name, back.description, back.seed) == (m.name, m.description, 7)
    a, b = m.simulate(n=500, seed=1), back.simulate(n=500, seed=1)
    assert all((a[n] == b[n]).all() for n in m.names)


def test_user_units_travel_with_the_file(tmp_path: Path) -> None:
    m = dv.Model()
    m.define_unit("microdoom")
    m.add("V", "5 to 50", unit="microdoom")
    m.save(tmp_path / "v.toml")
    text = (tmp_path / "v.toml").read_text()
    assert 'name = "microdoom"' in text
    assert str(dv.Model.load(tmp_path / "v.toml").unit("V")) == "microdoom"


def test_shipped_example_loads() -> None:
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "evidence.toml")
    assert m.evaluate("ask", R=90, reality=1, expropriation=0, commitment=0.5) == pytest.approx(180)


def test_cells_may_come_in_any_order(tmp_path: Path) -> None:
    text = """format = "dealvalue-model"
version = 1
[[cells]]
name = "b"
formula = "a * 2"
[[cells]]
name = "a"
formula = 3
"""
    assert dv.Model.loads(text).evaluate("b") == 6


@pytest.mark.parametrize(
    "body, field, reason",
    [
        ('format = "x"\nversion = 1', "format", "expected 'dealvalue-model'"),
        ('format = "dealvalue-model"\nversion = 99', "version", "reads version 1"),
        ('format = "dealvalue-model"\nversion = 1\nsede = 1', "sede", "unknown field"),
        ('format = "dealvalue-model"\nversion = 1\nseed = "one"', "seed", "expected a whole number"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "1"\nlabell = "x"', "cells.a.labell", "unknown field"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "__import__(1)"', "cells.a", "names may not start with '_'"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "b + 1"', "cells.a", "unknown cell 'b'"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "b"\n[[cells]]\nname = "b"\nformula = "a"', "cells", "circular reference"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "1"\nbounds = [1]', "cells.a.bounds", "expected [low, high]"),
        ('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "1"\n[[cells]]\nname = "a"\nformula = "2"', "cells.a", "appears twice"),
        ('format = "dealvalue-model"\nversion = 1\nunits = [{name = "x", definition = "__import__"}]', "units[0]", "must look like"),
        ("this is not toml", "<file>", "not valid TOML"),
    ],
)
def test_bad_files_name_the_field(tmp_path: Path, body: str, field: str, reason: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(dv.ModelFileError) as info:
        dv.Model.load(path)
    assert info.value.field == field
    assert reason in str(info.value)
    assert str(path) in str(info.value)


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.toml"
    evidence_model().save(path)
    good = path.read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    m = evidence_model()
    m.add("extra", "1")
    with pytest.raises(OSError):
        m.save(path)
    assert path.read_text() == good  # the good file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["m.toml"]  # no temporary left behind
