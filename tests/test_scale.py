"""Scale: block randomness, streamed statistics, threads, pickling."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dealvalue as dv
from dealvalue.blocks import BLOCK, sample_blocks
from dealvalue.stats import Z_95


def small_model() -> dv.Model:
    m = dv.Model("scale test", seed=3)
    m.add("x", "norm(10, 2)")
    m.add("b", "beta(2, 5)")
    m.add("u", "uniform(0, 1)")
    m.add("y", "x * b + u")
    m.add("hit", "y > 3")
    m.correlate("x", "b", 0.6)
    return m


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_any_chunking_in_whole_blocks_gives_the_same_draws(method: str) -> None:
    m = small_model()
    n = 3 * BLOCK + 1234
    whole = sample_blocks(m, n, 7, method, 0, 4)
    parts = [sample_blocks(m, n, 7, method, a, b) for a, b in [(0, 1), (1, 3), (3, 4)]]
    for leaf, arr in whole.items():
        assert np.array_equal(arr, np.concatenate([p[leaf] for p in parts]))


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_block_draws_match_their_distributions(method: str) -> None:
    m = small_model()
    n = 3 * BLOCK
    leaves = sample_blocks(m, n, 11, method, 0, 3)
    x, b = leaves["x__1"], leaves["b__1"]
    # means within 4 standard errors of the closed forms (norm 10, 2; beta 2/7)
    assert abs(x.mean() - 10) < 4 * 2 / math.sqrt(n)
    assert abs(b.mean() - 2 / 7) < 4 * math.sqrt(2 * 5 / (49 * 8)) / math.sqrt(n)
    # the median of norm(10, 2) within its order-statistic error
    assert abs(np.median(x) - 10) < Z_95 * 2 * 2 * math.sqrt(math.pi / 2) / math.sqrt(4 * n)
    # each block carries the rank correlation 0.6 (Iman-Conover per block)
    from scipy.stats import spearmanr

    for k in range(3):
        s = slice(k * BLOCK, (k + 1) * BLOCK)
        assert abs(spearmanr(x[s], b[s]).statistic - 0.6) < 0.02


def test_lhs_is_stratified_in_each_block() -> None:
    m = dv.Model(); m.add("u", "uniform(0, 1)")
    u = sample_blocks(m, 2 * BLOCK, 5, "lhs", 0, 2)["u__1"]
    for k in range(2):
        block = u[k * BLOCK : (k + 1) * BLOCK]
        assert np.array_equal(np.sort(np.floor(block * BLOCK)), np.arange(BLOCK))
