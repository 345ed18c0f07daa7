"""dealvalue.stats.quantiles: numpy.quantile's numbers by sorting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dealvalue as dv
from dealvalue.stats import quantiles

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
levels = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 400), elements=finite), qs=levels)
def test_quantiles_equal_numpys_bit_for_bit(x: np.ndarray, qs: list[float]) -> None:
    # the second route is numpy itself: every level, and one level alone (numpy's scalar path)
    assert np.array_equal(quantiles(x, qs), np.quantile(x, qs))
    assert quantiles(x, qs[0]) == np.quantile(x, qs[0])


def test_quantiles_by_hand_ties_ends_and_refusals() -> None:
    x = np.array([5.0, 1.0, 1.0, 3.0])  # sorted 1 1 3 5; index (n - 1) q = 3q
    assert quantiles(x, [0.0, 1 / 3, 0.5, 0.75, 1.0]).tolist() == [1.0, 1.0, 2.0, 3.5, 5.0]
    assert np.isnan(quantiles(np.array([]), [0.5])).all()
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(dv.ArgumentError, match="quantile levels in"):
            quantiles(x, [0.5, bad])


def test_results_quantiles_refuse_a_level_outside_0_1_in_the_librarys_words() -> None:
    m = dv.Model(); m.add("x", "uniform(0, 1)")
    r = m.simulate(n=100, seed=1)
    with pytest.raises(dv.ArgumentError, match="argument 'q': expected a quantile level in \\[0, 1\\], got 1.5"):
        r.quantile("x", 1.5)
    assert r.quantile("x", 0.5) == float(np.quantile(r["x"], 0.5))
