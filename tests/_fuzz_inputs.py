"""Hypothesis strategies and per-example checks for model files and workbook
edits (issue 11): each example must end in a DealValueError or a valid model.

Used by tests/test_fuzz_inputs.py (a bounded run) and ``bench/fuzz.py --kind
files|workbooks`` (the long run).  Nothing here is a time limit: the library's
own budgets bound the work, the callers only guard against a hang.
"""

from __future__ import annotations

import io
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import dealvalue as dv
from dealvalue.io import toml as T

from _fuzz import FORMULAS
from _schema import problems

# ---- model files ---------------------------------------------------------------------------------

NAMES = ["a", "b", "c", "R", "W", "x1", "_x", "__class__", "", "a b", "é", "a\x00", "a\ud800", "1a", "if", "to",
         "exp", "pi", "cells", "a" * 300]
UNIT_NAMES = ["doom", "microdoom", "USD", "year", "__class__", "_", "", "1x", "d" * 70, "kdoom", "degC", "a\x00"]
DEFINITIONS = ["1000 microdoom", "2 USD", "1e400 USD", "0 USD", "-1 USD", "1 degC", "__import__", "doom",
               "1 doom", "nan USD", "1e-400 USD", "1 / 0 USD", "2 kUSD", "", "1000000 USD ** 2", "1 year * USD"]
HOSTILE = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1.5, math.nan, math.inf, -math.inf, 10**400, -(10**5000), 2**63, "",
                     "x", "1", "\x00", "\ud800", "a\x1fb", "\u202e", [], {}, [1], {"a": 1}, {"name": "a"}, b"x"]),
    st.text(max_size=8),
    st.integers(),
    st.floats(),
    st.integers(10, 3000).map(lambda d: _nested(d)),
    st.integers(1, 5000).map(lambda k: "x" * k),
)


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


UNIT = st.fixed_dictionaries({"name": st.sampled_from(UNIT_NAMES)},
                             optional={"definition": st.one_of(st.sampled_from(DEFINITIONS), st.text(max_size=12))})
CELL = st.fixed_dictionaries(
    {"name": st.sampled_from(NAMES[:6]) | st.sampled_from(NAMES),
     "formula": st.one_of(st.sampled_from(["1 to 10", "beta(8, 2)", "a + 1", "b * 2", "3 doom", "1", "R / c"]),
                          FORMULAS, st.integers(), st.floats())},
    optional={"unit": st.sampled_from(["USD", "doom", "MUSD/year", "kdoom", "degC", "__class__", ""]),
              "label": st.text(max_size=6), "description": st.text(max_size=6), "group": st.text(max_size=4),
              "bounds": st.lists(st.floats() | st.integers(), min_size=0, max_size=3)},
)
CORRELATION = st.fixed_dictionaries({"a": st.sampled_from(NAMES[:6]), "b": st.sampled_from(NAMES[:6]),
                                     "rho": st.one_of(st.floats(-1, 1), st.floats(), st.just(0.5))})
VALID_ISH = st.fixed_dictionaries(
    {"format": st.just("dealvalue-model"), "version": st.just(1)},
    optional={"name": st.text(max_size=10), "description": st.text(max_size=10),
              "seed": st.integers(-(2**70), 2**70), "units": st.lists(UNIT, max_size=4),
              "cells": st.lists(CELL, max_size=6), "correlations": st.lists(CORRELATION, max_size=3)},
)
KEYS = list(T.FIELDS) + ["sede", "x", "\x00", "\ud800", "__class__"]


@st.composite
def model_files(draw: st.DrawFn) -> Any:
    """A model file's data: valid-ish, then a few hostile changes (a value of the wrong type or size,
    an unknown key, a missing field) anywhere in it, or not a table at all."""
    if draw(st.integers(0, 19)) == 0:
        return draw(HOSTILE)
    data = draw(VALID_ISH)
    for _ in range(draw(st.integers(0, 3))):
        where = _containers(data)
        target = draw(st.sampled_from(where))
        if isinstance(target, list):
            if target and draw(st.booleans()):
                target[draw(st.integers(0, len(target) - 1))] = draw(HOSTILE)
            else:
                target.append(draw(HOSTILE))
        else:
            action = draw(st.sampled_from(["set", "add", "drop"]))
            key = draw(st.sampled_from(sorted(target, key=str) or ["x"])) if action != "add" else draw(
                st.sampled_from(KEYS) | st.text(max_size=4))
            if action == "drop":
                target.pop(key, None)
            else:
                target[key] = draw(HOSTILE)
    return data


def _containers(data: Any) -> list[Any]:
    out, stack = [], [data]
    while stack and len(out) < 200:
        v = stack.pop()
        if isinstance(v, (dict, list)):
            out.append(v)
            stack.extend(v.values() if isinstance(v, dict) else v)
    return out


def check_file(data: Any) -> tuple[str, float]:
    """Load ``data`` as a model file (as data, then as TOML text when it can be written as TOML):
    'ok' (a valid model that simulates and saves), 'refused' (a DealValueError) or 'other:<what>'."""
    start = time.perf_counter()
    outcome = _one_file(lambda: T.from_dict(data, new_model=dv.Model), data)
    if outcome in ("ok", "refused"):
        try:
            import tomli_w

            text = tomli_w.dumps(data)
        except Exception:  # noqa: BLE001 - data TOML cannot hold: only the data route applies
            text = None
        if text is not None:
            outcome = _one_file(lambda: T.loads(text, new_model=dv.Model), data)
    return outcome, time.perf_counter() - start


def _one_file(load: Any, data: Any) -> str:
    try:
        m = load()
    except dv.DealValueError:
        return "refused"
    except Exception as exc:  # noqa: BLE001 - what the fuzz run counts
        return f"other:{type(exc).__name__}"
    if problems(T.schema(), data):
        return "other:accepted but not in the schema"
    try:
        m.simulate(n=64, seed=1)
        if dv.Model.loads(m.dumps()) != m:
            return "other:save and load differ"
    except dv.DealValueError:
        return "ok"  # a valid model whose simulation refuses cleanly (e.g. a non-finite bound)
    except Exception as exc:  # noqa: BLE001
        return f"other:{type(exc).__name__} (simulate or save)"
    return "ok"


# ---- workbook edits ------------------------------------------------------------------------------

_BASE: list[bytes] = []


def base_workbook() -> bytes:
    """A small exported workbook (made once a process): inputs, a literal inside a formula,
    a user unit and a correlation."""
    if not _BASE:
        m = dv.Model("wb", seed=1)
        m.define_unit("doom")
        m.add("R", "10 to 100", unit="USD")
        m.add("c", "beta(8, 2)")
        m.add("d", "norm(5, 1)", unit="doom")
        m.add("p", "bernoulli(0.3)")
        m.add("ask", "R / c + (1 to 3) * 1 USD")
        m.correlate("R", "c", 0.5)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "base.xlsx"
            m.to_excel(path, m.simulate(n=100, seed=1), sim_rows=5, sample_rows=5)
            _BASE.append(path.read_bytes())
    return _BASE[0]


CELL_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False), st.text(max_size=12),
    st.sampled_from(["to", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli", "mixture",
                     "constant", "formula", "BETA ", "=1/0", "=A1", "=HYPERLINK(\"http://x\")", "=1+", "1e400",
                     "-1", "0", "USD", "doom", "kdoom", "degC", "[1, 2]", "__import__('os')", "x" * 300,
                     "dealvalue workbook 1", "dealvalue workbook 2", "declared", "inferred"]),
    FORMULAS,
)
# the columns the reader reads (name, unit, its source, kind, parameters, point, formula text, bounds; the
# Model sheet's formula text), more often than the others
COLUMN = st.one_of(st.sampled_from([2, 5, 6, 7, 9, 10, 11, 12, 13, 14, 17, 8]), st.integers(1, 18))
EDIT = st.tuples(st.sampled_from(["About", "Inputs", "Inputs", "Model"]), st.integers(1, 24), COLUMN, CELL_VALUE)
EDITS = st.lists(st.one_of(EDIT, st.tuples(st.just("insert"), st.sampled_from(["Inputs", "Model", "About"]),
                                           st.integers(1, 30), st.lists(CELL_VALUE, max_size=14))),
                 min_size=1, max_size=5)


def edited_workbook(edits: list[Any], folder: Path) -> Path | None:
    """The base workbook with ``edits`` made with openpyxl (a cell set, or a row inserted with
    values), saved in ``folder``; None when openpyxl itself refuses an edit (e.g. a control character)."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cleaned(value: Any) -> Any:  # what a spreadsheet can hold: openpyxl refuses control characters
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    wb = openpyxl.load_workbook(io.BytesIO(base_workbook()))
    try:
        for edit in edits:
            if edit[0] == "insert":
                _, sheet, row, values = edit
                ws = wb[sheet]
                ws.insert_rows(row)
                for col, value in enumerate(values, start=1):
                    ws.cell(row, col).value = cleaned(value)
            else:
                sheet, row, col, value = edit
                wb[sheet].cell(row, col).value = cleaned(value)
        path = folder / "edited.xlsx"
        wb.save(path)
    except Exception:  # noqa: BLE001 - an edit openpyxl cannot write is no example
        return None
    return path


def check_workbook(edits: list[Any]) -> tuple[str, float]:
    """Read the edited workbook back: 'ok' (a valid model that simulates), 'refused' (a
    DealValueError), 'skipped' (openpyxl could not write the edit) or 'other:<exception>'."""
    with tempfile.TemporaryDirectory() as tmp:
        path = edited_workbook(edits, Path(tmp))
        start = time.perf_counter()
        if path is None:
            return "skipped", 0.0
        try:
            m = dv.read_excel(path)
            m.simulate(n=64, seed=1)
            outcome = "ok"
        except dv.DealValueError:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 - what the fuzz run counts
            outcome = f"other:{type(exc).__name__}"
        return outcome, time.perf_counter() - start
