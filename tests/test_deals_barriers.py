"""Tests of dealvalue.deals.barriers: the barrier decomposition of ln F."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- barrier decomposition
def test_decomposition_core_by_hand() -> None:
    d = deals.decomposition(deals.core_model())
    assert list(d.index) == ["gains from trade", "c_ai", "c_h", "ln F"]
    assert d["log_units"].tolist()[:3] == pytest.approx([math.log(100 / 90), math.log(0.5), math.log(0.5)])
    assert d.loc["ln F", "log_units"] == pytest.approx(math.log(50 / 180))


def test_decomposition_terms_sum_to_ln_F(deal: dv.Model) -> None:
    d = deals.decomposition(deal)
    v = deal.evaluate_all()
    assert d.drop(index="ln F")["log_units"].sum() == pytest.approx(math.log(v["F"]), abs=1e-9)
    assert d.loc["ln F", "cumulative"] == pytest.approx(d.drop(index="ln F")["log_units"].sum(), abs=1e-12)
    # one term per barrier, each the log of its factor
    assert d.loc["reality", "log_units"] == pytest.approx(math.log(v["reality"]))
    assert d.loc["expropriation", "log_units"] == pytest.approx(math.log(1 - v["expropriation"]))
    assert d.loc["commitment", "log_units"] == pytest.approx(math.log(v["commitment"]))
    assert d.loc["discount", "log_units"] == pytest.approx(math.log(v["delta"] ** v["T"]))
    assert d.loc["coherence", "log_units"] == pytest.approx(math.log(v["coherence"]))
    assert d.loc["risk_premium", "log_units"] == pytest.approx(-math.log(v["risk_premium"]))
    # the dimensional part: value_full / e over the reservation price before the payment's fit
    gains = math.log(v["W_gross"] / (1 - v["control_extraction"]) / (v["R"] * v["payment_fit"]))
    assert d.loc["gains from trade", "log_units"] == pytest.approx(gains, rel=1e-9)
    assert d.loc["control_extraction", "log_units"] == pytest.approx(math.log(1 - v["control_extraction"]))
    s = deals.decomposition_samples(deal, n=500, seed=2)
    assert np.allclose(s.drop(columns="ln F").sum(axis=1), s["ln F"], atol=1e-9)
    r = deal.simulate(n=500, seed=2)
    assert np.allclose(s["ln F"], np.log(r["F"]))
    assert np.allclose(s["reality"], np.log(r["reality"]))
    dist = deals.decomposition_distribution(deal, n=500, seed=2)
    assert dist.drop(index="ln F")["variance_share"].sum() == pytest.approx(1.0)
    assert dist.drop(index="ln F")["mean"].sum() == pytest.approx(dist.loc["ln F", "mean"])
