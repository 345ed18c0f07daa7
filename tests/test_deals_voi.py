"""Tests of dealvalue.deals.voi: sensitivity and the value of information."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- sensitivity and value of information
def test_top_inputs_and_value_of_information(deal: dv.Model) -> None:
    t = deals.top_inputs(deal, n=512, seed=1, k=5)
    assert len(t) == 5 and t["ST"].is_monotonic_decreasing
    v = deals.value_of_information(deal, n=4_000, seed=1, k=5)
    evpi = v.loc["EVPI", "value"]
    assert evpi >= 0
    assert (v.drop(index="EVPI")["value"] <= evpi + 3 * v.loc["EVPI", "stderr"]).all()
    r = deal.simulate(n=4_000, seed=1)
    x = r["deal_net_value"]
    assert evpi == pytest.approx(float(np.mean(np.maximum(x, 0)) - max(np.mean(x), 0)))
