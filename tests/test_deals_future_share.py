"""Issue 10, item 8: the no-takeover scenario is priced in a share of the future (future_share), not in USD."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals, models

PRICED = ("R", "W", "ask", "bid", "price", "zopa_width", "value_to_us", "value_to_ai", "spend")


def test_the_scenario_loads_simulates_and_is_priced_in_future_share() -> None:
    m = deals.scenario("no_takeover_share_of_future")
    assert "future_share" in models.scenario_path("no_takeover_share_of_future").read_text()   # the file defines it
    for c in PRICED:
        assert str(m.unit(c)) == "future_share", c
    assert str(m.unit("ai_share_value")) == "USD / future_share"
    assert str(m.unit("our_share_cost")) == "microdoom / future_share"
    assert m.is_input("ai_share_value") and m.is_input("our_share_cost")
    r = m.simulate(n=4000, seed=1)
    assert 0 < r.mean("feasible") < 1
    assert np.all(np.isfinite(r["ask"])) and np.all(r["ask"] > 0)
    # the AI's ask is a small share of the future: most samples below 1 (the whole future)
    assert np.median(r["ask"]) < 1
    # the other scenarios stay in USD
    assert str(deals.scenario("labour_trust_fund").unit("price")) == "USD"


POINT = dict(R_from_batna=0, payment_fit=1, ai_share_value=1e11, reality=0.5, expropriation=0, commitment=1, u=0,
             delta=1, g=0, coherence=0.5, verification=1, consideration_cost=0, bargaining_power=0.5, value_full=100,
             control_midpoint=-100, capability_retained=1, our_share_cost=1e6, schemer_exchange_rate=1)


def test_footnote_26_in_shares_of_the_future() -> None:
    """Footnote 26's arithmetic in future_share at point values: R = R_USD / ai_share_value, W = value / our cost of a
    share; both trust the other 50%; paid on delivery (u = 0), so bid = W * c_ai / c_ai = W."""
    m = deals.scenario("no_takeover_share_of_future")
    # R = 10M / 1e11 = 1e-4 future_share (0.01% of the future); W = 100 / 1e6 = 1e-4
    v = m.evaluate_all(R_direct=10e6, **POINT)
    assert v["R"] == pytest.approx(1e-4) and v["W"] == pytest.approx(1e-4)
    assert (v["c_h"], v["c_ai"]) == (0.5, 0.5)
    assert v["ask"] == pytest.approx(2e-4) and v["bid"] == pytest.approx(1e-4)   # ask = R / c_h > bid: no ZOPA
    assert v["feasible"] == 0.0
    v = m.evaluate_all(R_direct=1e6, **POINT)        # R = 1e-5: ZOPA [2e-5, 1e-4], Nash price 6e-5
    assert (v["ask"], v["bid"], v["price"]) == pytest.approx((2e-5, 1e-4, 6e-5))
    assert v["feasible"] == 1.0
    assert v["value_to_us"] == pytest.approx(1e-4 * 0.5 - 6e-5 * 0.5)          # W c_ai - P (u + (1 - u) c_ai)
    assert v["value_to_ai"] == pytest.approx(6e-5 * 0.5 - 1e-5)                 # P c_h - R
    assert v["value_to_us_microdoom"] == pytest.approx(1e6 * 2e-5)               # priced at our cost of a share
    assert v["ai_gain"] == pytest.approx(1e11 * 2e-5)                            # in USD, against its consideration cost


def test_the_scenario_file_round_trips() -> None:
    m = deals.scenario("no_takeover_share_of_future")
    again = dv.Model.loads(m.dumps())
    assert str(again.unit("price")) == "future_share"
