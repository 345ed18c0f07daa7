"""Issue 11: the JSON Schema of model files comes from the table the loader
checks (dealvalue.io.toml.FIELDS); the committed copy is current and every
shipped model conforms."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

import dealvalue as dv
from dealvalue import models
from dealvalue.cli import main
from dealvalue.cli.schema import text
from dealvalue.io import toml as T

from _schema import problems

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "model-file.schema.json"
SHIPPED = [models.path(n) for n in models.names()] + [models.scenario_path(n) for n in models.scenario_names()]


def test_the_committed_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == text(), \
        "docs/model-file.schema.json is stale: run `dealvalue schema -o docs/model-file.schema.json`"


def test_the_cli_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == T.schema()
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == T.schema()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).stem)
def test_every_shipped_model_conforms(path: Path) -> None:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    assert problems(T.schema(), data) == []
    saved = T.to_dict(dv.Model.load(path))  # and what save writes
    assert problems(T.schema(), saved) == []


def test_shipped_models_conform_by_jsonschema_too() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(T.schema())
    validator = jsonschema.Draft202012Validator(T.schema())
    for path in SHIPPED:
        errors = list(validator.iter_errors(tomllib.loads(Path(path).read_text(encoding="utf-8"))))
        assert errors == [], (path, errors[:3])


HEAD: dict[str, Any] = {"format": "dealvalue-model", "version": 1}


@pytest.mark.parametrize(
    "data, field",
    [
        (HEAD | {"version": True}, "version"),
        (HEAD | {"version": 1.0}, "version"),
        (HEAD | {"seed": -1}, "seed"),
        (HEAD | {"seed": 2**64}, "seed"),
        (HEAD | {"sede": 1}, "sede"),
        (HEAD | {"units": [{"name": "doom", "x": 1}]}, "units[0].x"),
        (HEAD | {"units": ["doom"]}, "units[0]"),
        (HEAD | {"cells": [{"name": "a"}]}, "cells.a.formula"),
        (HEAD | {"cells": [{"formula": "1"}]}, "cells[0].name"),
        (HEAD | {"cells": [{"name": "a", "formula": True}]}, "cells.a.formula"),
        (HEAD | {"cells": [{"name": "a", "formula": "1", "bounds": [1, "2"]}]}, "cells.a.bounds"),
        (HEAD | {"cells": [{"name": "a", "formula": "1", "label": "x\x01"}]}, "cells[0].label"),
        (HEAD | {"correlations": [{"a": "x", "b": "y", "rho": 1.5}]}, "correlations[0].rho"),
        (HEAD | {"correlations": [{"a": "x", "b": "y"}]}, "correlations[0].rho"),
        ({"version": 1}, "format"),
    ],
)
def test_what_the_schema_refuses_the_loader_refuses_naming_the_field(data: dict[str, Any], field: str) -> None:
    assert problems(T.schema(), data) != []
    with pytest.raises(dv.ModelFileError) as info:
        T.from_dict(data, new_model=dv.Model)
    assert info.value.field == field


def test_every_field_of_the_table_is_in_the_schema() -> None:
    def walk(table: Any, node: dict[str, Any]) -> None:
        assert list(node["properties"]) == list(table)
        assert node["required"] == [k for k, f in table.items() if f.required]
        for key, field in table.items():
            if field.table is not None:
                walk(field.table, node["properties"][key]["items"])

    walk(T.FIELDS, T.schema())
