"""Tests of dealvalue.deals.credibility: credibility falling with the size of the offer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import dealvalue as dv
from dealvalue import deals

from _deals import N, deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- credibility falling with size
@settings(max_examples=40, deadline=None)
@given(R=st.floats(0.1, 50), c_h0=st.floats(0.05, 1), P_c=st.floats(1, 1000))
def test_best_offer_is_P_c(R: float, c_h0: float, P_c: float) -> None:
    s = deals.best_offer(R, c_h0, P_c)
    assert s["best_offer"] == P_c
    assert s["max_receipt"] == pytest.approx(c_h0 * P_c / math.e)
    grid = np.linspace(0, 10 * P_c, 200_001)
    receipt = grid * c_h0 * np.exp(-grid / P_c)
    assert grid[np.argmax(receipt)] == pytest.approx(P_c, rel=1e-3)
    if s["can_meet_R"]:
        for P in (s["least_offer"], s["most_offer"]):
            assert P * c_h0 * math.exp(-P / P_c) == pytest.approx(R, rel=1e-9)
        assert s["least_offer"] <= P_c <= s["most_offer"]
    else:
        assert s["verdict"].startswith("no offer can meet R")


def test_no_offer_can_meet_R_is_reported() -> None:
    s = deals.best_offer(R=30, c_h0=0.5, P_c=100, bid=1000)
    assert not s["can_meet_R"] and not s["feasible"]
    assert s["verdict"] == "no offer can meet R: the most the AI can expect is 18.39 (at an offer of 100), below R = 30"
    f = deals.falling_credibility(deals.core_model(R=90), n=10, P_c=100.0)
    assert f.loc["p_can_meet_R", "value"] == 0.0
    assert f.attrs["verdict"].startswith("no offer can meet R in any sample")


def test_falling_credibility_tends_to_constant(deal: dv.Model) -> None:
    f = deals.falling_credibility(deal, n=N, seed=2, P_c=1e18)
    assert f.loc["p_feasible", "value"] == pytest.approx(f.loc["p_feasible_constant", "value"], abs=2 / N)
    g = deals.falling_credibility(deal, n=N, seed=2)  # the model's P_c
    assert g.loc["p_feasible", "value"] <= g.loc["p_can_meet_R", "value"]
    assert g.loc["p_feasible", "value"] <= g.loc["p_feasible_constant", "value"]


def test_best_offer_refuses_bad_arguments_by_name() -> None:
    with pytest.raises(ValueError, match=r"argument 'g': expected a risk aversion in \[0, 1\) for best_offer, got 1"):
        deals.best_offer(R=1, c_h0=0.5, P_c=10, g=1)
    with pytest.raises(dv.errors.ArgumentError, match="argument 'P_c': expected a credibility scale > 0 USD for best_offer, got 0"):
        deals.best_offer(R=1, c_h0=0.5, P_c=0)
