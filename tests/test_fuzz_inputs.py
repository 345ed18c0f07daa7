"""Issue 11, a bounded fuzz run of model files and workbook edits: each
generated model file (valid-ish, then hostile: wrong types, unknown keys, NUL
and surrogates, deep nesting, huge numbers, unit definitions) and each edited
workbook (cell values, formulas, distribution kinds, inserted rows, written
with openpyxl and read back) ends in a DealValueError or a valid model, and
nothing is executed (the canary).  A model the loader accepts conforms to the
JSON Schema.  The long run is ``python bench/fuzz.py --kind files|workbooks``;
the time limit here is only a guard so that a hang fails instead of blocking.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from _fuzz import canary
from _fuzz_corpus_files import CORPUS
from _fuzz_inputs import EDITS, check_file, check_workbook, model_files

GUARD_S = 60
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


def _check(what: Any, check: Any) -> str:
    with canary(GUARD_S) as hits:
        import signal

        signal.alarm(GUARD_S)
        outcome, _ = check(what)
    assert hits == [], f"{what!r:.300} executed {hits}"
    assert not outcome.startswith("other"), f"{what!r:.300}: {outcome}"
    return outcome


def test_the_canary_sees_evaluated_code() -> None:
    with canary(5) as hits:
        eval("__import__('os').system('true')")  # noqa: S307 - what the canary is for
    assert hits == ["import os", "os.system"]
    assert os.system.__module__ in ("posix", "nt", "os")  # restored


@pytest.mark.parametrize("why, data, outcome", CORPUS, ids=[why[:50] for why, _, _ in CORPUS])
def test_model_file_regression_corpus(why: str, data: Any, outcome: str) -> None:
    assert _check(data, check_file) == outcome, why


@settings(FUZZ, max_examples=150)
@given(data=model_files())
def test_generated_model_files_end_in_a_refusal_or_a_model(data: Any) -> None:
    _check(data, check_file)


@settings(FUZZ, max_examples=40)
@given(edits=EDITS)
def test_edited_workbooks_end_in_a_refusal_or_a_model(edits: list[Any]) -> None:
    _check(edits, check_workbook)
