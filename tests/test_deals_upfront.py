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


# ---------------------------------------------------------------- the two forces for a partial upfront share
def _point_model(**values: float):
    """The deal model with every input pinned (point inputs) to the given values."""
    m = deals.deal_model()
    for name, v in values.items():
        m.replace(name, repr(float(v)))
    return m


POINT = dict(R_from_batna=0, R_direct=10e6, payment_fit=1, reality=1, expropriation=0, commitment=0.5, T=0,
             delta=1, g=0, coherence=1, verification=1, consideration_cost=0, bargaining_power=0.5,
             value_full=40, control_midpoint=-100, capability_retained=1, e=1, payment_risk=1)  # W = 40 / (1 + 1) = 20M USD


def test_without_the_two_forces_the_old_sign_law_holds() -> None:
    """moral_hazard = 0, no extra upfront risk, risk-neutral, point inputs: best_upfront is a corner, upfront
    exactly when reality * c_ai > c_h_deferred * delta**T."""
    for commitment, expected in ((0.5, 1.0), (1.0, 0.0)):   # 1 * 1 > 0.5 -> u = 1; 1 * 1 = 1 -> not better -> u = 0
        m = _point_model(**{**POINT, "commitment": commitment, "moral_hazard": 0, "upfront_influence": 0})
        assert deals.best_upfront(m, n=4, seed=1, step=0.05)["u"] == expected


def _hand_value(u: float, m: float, k: float) -> float:
    """Value to us (USD) at point inputs, by hand: W = 20M, R = 10M, reality = 1, D = c_h_deferred * delta**T = 0.5,
    c_ai = 1 - m u, cost per unit of price N = u + (1 - u) c_ai + k u, c_h = u + (1 - u) D, beta = 1/2:
    V = W c_ai - N * price = (1 - beta) (W c_ai - N R / c_h)."""
    W, R, D = 20e6, 10e6, 0.5
    c_ai = 1 - m * u
    N = u + (1 - u) * c_ai + k * u
    return 0.5 * (W * c_ai - N * R / (u + (1 - u) * D))


def _hand_derivative(u: float, m: float, k: float) -> float:
    W, R, D = 20e6, 10e6, 0.5
    c_ai, dc = 1 - m * u, -m
    N = u + (1 - u) * c_ai + k * u
    dN = 1 - c_ai + (1 - u) * dc + k
    c_h, dh = u + (1 - u) * D, 1 - D
    return 0.5 * (W * dc - R * (dN * c_h - N * dh) / c_h**2)


@pytest.mark.parametrize("m, k", [(0.5, 0.0), (0.5, 0.2), (0.3, 0.5)])
def test_with_the_two_forces_the_optimum_is_where_the_derivative_is_zero(m: float, k: float) -> None:
    """Moral hazard (c_ai = 1 - m u) pulls toward deferring, the upfront share's takeover risk (k per unit of
    price) too; the credibility the upfront share buys (c_h = u + (1 - u) * 0.5) pulls toward upfront. A
    hand-computed point case: V'(0) > 0 > V'(1) and best_upfront lands where V'(u) = 0."""
    from scipy.optimize import brentq

    assert _hand_derivative(0.0, m, k) > 0 > _hand_derivative(1.0, m, k)
    u_star = brentq(_hand_derivative, 0.0, 1.0, args=(m, k), xtol=1e-12)
    # upfront_risk_share = x * payment_risk * upfront_influence / (e + x * payment_risk) = upfront_influence / 2
    model = _point_model(**{**POINT, "moral_hazard": m, "upfront_influence": 2 * k})
    assert model.evaluate("W") == pytest.approx(20e6, rel=1e-12)
    assert model.evaluate("upfront_risk_share") == pytest.approx(k, rel=1e-9)
    b = deals.best_upfront(model, n=4, seed=1, step=0.01)
    assert b["u"] == pytest.approx(u_star, abs=0.001 + 1e-9)
    assert b["p_feasible"] == 1.0
    value_usd = model.evaluate("value_to_us", u=float(b["u"]))
    assert value_usd == pytest.approx(_hand_value(b["u"], m, k), rel=1e-6)
    assert 0.0 < b["u"] < 1.0
