"""dealvalue.stats.quantiles: numpy.quantile's numbers by sorting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dealvalue as dv
from dealvalue.stats import bin_counts, pooled_quantiles, quantiles

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
levels = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 400), elements=finite), qs=levels)
def test_quantiles_equal_numpys_bit_for_bit(x: np.ndarray, qs: list[float]) -> None:
    # the second route is numpy itself: every level, and one level alone (numpy's scalar path)
    assert np.array_equal(quantiles(x, qs), np.quantile(x, qs))
    assert quantiles(x, qs[0]) == np.quantile(x, qs[0])


@settings(max_examples=300, deadline=None)
@given(runs=st.lists(arrays(np.float64, st.integers(0, 120), elements=finite), min_size=1, max_size=4), qs=levels)
def test_pooled_quantiles_equal_numpys_on_the_concatenated_pool(runs: list[np.ndarray], qs: list[float]) -> None:
    pool = np.concatenate(runs)
    sorted_runs = [np.sort(r) for r in runs]
    if pool.size == 0:
        assert np.isnan(pooled_quantiles(sorted_runs, qs)).all()
        return
    assert np.array_equal(pooled_quantiles(sorted_runs, qs), np.quantile(pool, qs))
    assert pooled_quantiles(sorted_runs, qs[-1]) == np.quantile(pool, qs[-1])


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


@settings(max_examples=300, deadline=None)
@given(x=arrays(np.float64, st.integers(0, 300), elements=st.floats(-1e6, 1e6)),
       edges=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=12, unique=True), clip=st.booleans())
def test_bin_counts_equal_numpys_histogram(x: np.ndarray, edges: list[float], clip: bool) -> None:
    e = np.sort(np.array(edges))
    expected = np.histogram(np.clip(x, e[0], e[-1]) if clip else x, bins=e)[0]
    assert np.array_equal(bin_counts(np.sort(x), e, clip), expected)


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("clip", [False, True])
def test_results_histogram_is_numpys_on_the_pooled_quantiles(log: bool, clip: bool) -> None:
    # second route: the definition written with numpy (np.quantile of the pooled samples, np.histogram)
    m = dv.Model(); m.add("a", "norm(1, 2)"); m.add("b", "10 to 1000"); m.add("hit", "a > 0")
    r = m.simulate(n=20_000, seed=3)
    h = r.histogram(["a", "b"], bins=30, log=log, where="hit", clip=clip)
    sub = r.subset("hit")
    xs = {c: sub[c][np.isfinite(sub[c]) & (sub[c] > 0)] if log else sub[c] for c in ("a", "b")}
    lo, hi = np.quantile(np.concatenate(list(xs.values())), [0.001, 0.999])
    edges = np.logspace(np.log10(lo), np.log10(hi), 31) if log else np.linspace(lo, hi, 31)
    for c, x in xs.items():
        counts = np.histogram(np.clip(x, edges[0], edges[-1]) if clip else x, bins=edges)[0]
        got = h[h["cell"] == c]
        assert np.array_equal(got["start"].to_numpy(), edges[:-1]) and np.array_equal(got["share"].to_numpy(), counts / sub.n)
        if not clip:
            assert h.attrs["outside"][c] == (x.size - counts.sum()) / sub.n
