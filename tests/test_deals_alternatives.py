"""Tests of dealvalue.deals.alternatives: value per dollar against other uses of the money."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import MODELS, N, deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- alternatives
def test_advocacy_anchors() -> None:
    adv = dv.Model.load(str(MODELS / "advocacy.toml"))
    assert adv.evaluate("p_success") == pytest.approx(0.10)
    # at the medians p_high = p_low + (1 - p_low) * median(beta(2, 7)) = 0.1 + 0.9 * 0.2014 = 0.281 (about 30%)
    from scipy import stats

    p_high = 0.1 + 0.9 * stats.beta(2, 7).median()
    assert adv.evaluate("p_success", budget=500e6) == pytest.approx(p_high)
    assert adv.evaluate("p_success", budget=5e9) == pytest.approx(min(1.0, 0.1 + 2 * (p_high - 0.1)))  # log-linear


def test_compare_alternatives_is_a_ratio_of_means(deal: dv.Model) -> None:
    t = deals.compare_alternatives(deal, n=N, seed=9)
    r = deal.simulate(n=N, seed=9)
    by_hand = float(np.mean(r["value_delivered"]) / np.mean(r["spend"])) * 1e6
    assert t.loc["deal", "value_per_MUSD"] == pytest.approx(by_hand)
    adv = deals.deal_model("advocacy").simulate(n=N, seed=9)
    assert t.loc["advocacy budget (dealvalue/models/advocacy.toml)", "value_per_MUSD"] == pytest.approx(
        float(np.mean(adv["expected_value"]) / np.mean(adv["cost"])) * 1e6)
    assert t.loc["best alternative (e, median)", "value_per_MUSD"] == pytest.approx(deal.point_values()["e"])
    assert t["value_per_MUSD"].is_monotonic_decreasing


def test_alternative_needs_a_model_or_a_value() -> None:
    with pytest.raises(dv.errors.ArgumentError, match="argument 'value_per_MUSD': expected a number when no model is given.*got None"):
        deals.Alternative("nothing")
    with pytest.raises(ValueError, match="not both or neither"):
        deals.Alternative("both", deals.core_model(), value_per_MUSD=1.0)
