"""Issue 10, item 8: best_upfront agrees with a grid search; many_ais meets both limits."""

from __future__ import annotations

import numpy as np
import pytest

from dealvalue import deals

N = 3000


def test_best_upfront_agrees_with_a_grid_search_on_the_same_seed() -> None:
    m = deals.scenario("labour_trust_fund")
    b = deals.best_upfront(m, n=N, seed=7, step=0.1)
    grid = {}
    for u in np.round(np.arange(0, 1.0001, 0.1), 10):
        m2 = m.copy()
        m2.replace("u", f"{u:g}")
        grid[u] = m2.simulate(n=N, seed=7).mean("value_to_us_microdoom")
    best = max(grid, key=grid.get)
    assert b["value"] >= grid[best] - 1e-9            # the refined search is at least as good as the grid
    assert abs(b["u"] - best) <= 0.1 + 1e-12
    assert b["value_at_0"] == pytest.approx(grid[0.0], rel=1e-12)
    assert b["value_at_upper"] == pytest.approx(grid[1.0], rel=1e-12)
    assert b["stderr"] > 0
    assert deals.best_upfront(m, n=N, seed=7, upper=0.0)["u"] == 0.0


@pytest.mark.parametrize("k", [2, 5])
def test_many_ais_meets_both_limits(k: int) -> None:
    m = deals.deal_model()
    none = deals.many_ais(m, k, shared=[], n=N, seed=3)
    p = none["p_one"]
    assert none["p_at_least_one"] == pytest.approx(1 - (1 - p) ** k, abs=4 * none["p_at_least_one_stderr"] + 0.01)
    assert none["expected_deals"] == pytest.approx(k * p, abs=4 * none["expected_deals_stderr"] + 0.01)
    every = deals.many_ais(m, k, shared=list(m.inputs), n=N, seed=3)
    assert every["p_at_least_one"] == pytest.approx(p, abs=1e-12)
    assert every["expected_deals"] == pytest.approx(k * p, abs=1e-12)
    some = deals.many_ais(m, k, shared=["reality", "commitment", "expropriation"], n=N, seed=3)
    assert p - 1e-12 <= some["p_at_least_one"] <= none["p_at_least_one"] + 0.03
    with pytest.raises(deals.ArgumentError if hasattr(deals, "ArgumentError") else ValueError):
        deals.many_ais(m, 0, n=10)
    with pytest.raises(ValueError, match="shared"):
        deals.many_ais(m, 2, shared=["ask"], n=10)
