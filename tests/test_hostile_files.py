"""Issue 11, strict model files: each refusal is a ModelFileError naming the field."""

from __future__ import annotations

import pytest

import dealvalue as dv
from dealvalue.errors import FormulaError, ModelFileError
from dealvalue.io import toml as T

HEAD = 'format = "dealvalue-model"\nversion = 1\n'
CELLS = "".join(f'[[cells]]\nname="{n}"\nformula="1 to 2"\n' for n in "abc")


def refused(text: str) -> ModelFileError:
    with pytest.raises(ModelFileError) as info:
        T.loads(text, new_model=dv.Model)
    return info.value


@pytest.mark.parametrize(
    "text, field, reason",
    [
        (HEAD + "x = " + "[" * 5000 + "]" * 5000, "<file>", "nested deeper than 20"),
        (HEAD + "correlations = [{a=1, b=2, rho=0.5}]\n" + CELLS, "correlations[0].a", "expected a cell name, got 1"),
        (HEAD + 'correlations = [{a="a", b="b", rho="0.5"}]\n' + CELLS, "correlations[0].rho", "expected a number from -1 to 1, got '0.5'"),
        (HEAD + 'correlations = [{a="a", b="b", rho=0.5, x=1}]\n' + CELLS, "correlations[0].x", "unknown field; expected one of a, b, rho"),
        (HEAD + 'correlations = [{a="a", rho=0.5}]\n' + CELLS, "correlations[0].b", "missing; expected a cell name"),
        (HEAD + 'units = [{name="__class__"}]\n', "units[0]", "unit name '__class__' is not an identifier"),
        (HEAD + 'units = [{name="bigu", definition="1e400 USD"}]\n', "units[0]", "expected a finite, non-zero factor, got 1e400"),
        ('format = "dealvalue-model"\nversion = true\n', "version", "reads version 1, got True"),
        (HEAD + 'name = "a\\u0000b"\n', "name", "contains NUL (U+0000) at character 2"),
        (HEAD + '[[cells]]\nname="a"\nformula="1"\nlabel="x\\u0000"\n', "cells[0].label", "contains NUL"),
        (
            HEAD + 'correlations = [{a="a", b="b", rho=0.99}, {a="b", b="c", rho=0.99}, {a="a", b="c", rho=-0.99}]\n' + CELLS,
            "correlations", "not positive definite",
        ),
    ],
)
def test_hostile_model_files_are_refused_naming_the_field(text: str, field: str, reason: str) -> None:
    err = refused(text)
    assert err.field == field
    assert reason in err.reason


def test_lone_surrogates_in_data_are_refused() -> None:
    with pytest.raises(ModelFileError) as info:
        T.from_dict({"format": "dealvalue-model", "version": 1, "name": "a\ud800"}, new_model=dv.Model)
    assert info.value.field == "name"
    assert "lone surrogate (U+D800)" in info.value.reason


def test_a_lone_surrogate_label_is_refused_at_cell_creation(tmp_path) -> None:
    m = dv.Model("m")
    with pytest.raises(FormulaError) as info:
        m.add("y", "1", label="a\ud800b")
    assert info.value.cell == "y"
    assert "label contains a lone surrogate" in info.value.reason
    m.add("y", "1", label="ok")
    m.save(tmp_path / "m.toml")  # nothing unencodable got in


def test_too_many_cells_are_refused_before_building(monkeypatch: pytest.MonkeyPatch) -> None:
    from dealvalue.io import fileformat, toml

    monkeypatch.setattr(toml, "MAX_CELLS", 3)  # counted before parsing
    monkeypatch.setattr(fileformat, "MAX_CELLS", 3)  # the field check of the parsed list
    text = 'format = "dealvalue-model"\nversion = 1\n' + "".join(f'[[cells]]\nname = "x{i}"\nformula = "1"\n' for i in range(4))
    with pytest.raises(dv.ModelFileError, match="limit is 3"):
        dv.Model.loads(text)
