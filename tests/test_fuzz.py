"""Issue 11, a bounded fuzz run: generated formulas (the grammar mixed with
Python syntax and unicode) and the regression corpus each end in a
DealValueError or a valid model, and nothing is executed (a canary).

The long run (100,000 examples, with the table of outcomes) is
``python bench/fuzz.py --examples 100000``.  The time limit here is only a
generous guard so that a hang fails instead of blocking, never a speed assertion.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from _fuzz import FORMULAS, canary as watch, check_formula

CORPUS = Path(__file__).with_name("fuzz_corpus.txt")
GUARD_S = 60


@pytest.fixture
def canary() -> Iterator[list[str]]:
    """Fail if a formula ever reaches os.system, subprocess or an import of os/subprocess (see _fuzz.canary)."""
    with watch(GUARD_S) as hits:
        yield hits


def run(formula: str, hits: list[str]) -> str:
    signal.alarm(GUARD_S)
    try:
        outcome, _ = check_formula(formula)
    finally:
        signal.alarm(0)
    assert hits == [], f"{formula!r} executed {hits}"
    assert not outcome.startswith("other"), f"{formula!r}: {outcome}"
    return outcome


@pytest.mark.parametrize("formula", [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines()
                                     if ln.strip() and not ln.startswith("#")])
def test_regression_corpus(formula: str, canary: list[str]) -> None:
    run(formula, canary)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(formula=FORMULAS)
def test_generated_formulas_end_in_a_refusal_or_a_model(formula: str, canary: list[str]) -> None:
    run(formula, canary)
