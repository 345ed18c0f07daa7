"""Issue 10, item 7: kludges lose capability, credibility falling with size reaches feasible."""

from __future__ import annotations

import numpy as np
import pytest

from dealvalue import deals

N = 4000


def _pair(cfg_a: deals.Configuration, cfg_b: deals.Configuration):
    a, _ = deals.configure(deals.deal_model(), cfg_a)
    b, _ = deals.configure(deals.deal_model(), cfg_b)
    return a.simulate(n=N, seed=4), b.simulate(n=N, seed=4)


def test_a_kludge_loses_capability_out_of_distribution_so_the_good_is_worth_less() -> None:
    schemer = deals.Configuration("labour_iv", "high_freedom_low_influence", "safety_org", "schemer", 0.5)
    kludge = deals.Configuration("labour_iv", "high_freedom_low_influence", "safety_org", "kludge", 0.5)
    m, why = deals.configure(deals.deal_model(), kludge)
    assert why.set_index("cell").loc["capability_retained", "set_by"] == "profile: kludge"
    assert "coherence" in set(why["cell"])  # coherence falls too, but not only coherence
    rs, rk = _pair(schemer, kludge)
    # value = value_full * (1 - control_extraction) * capability_retained, sample by sample
    np.testing.assert_allclose(rk["value"], rk["value_full"] * (1 - rk["control_extraction"]) * rk["capability_retained"])
    assert np.all(rs["capability_retained"] == 1)
    assert np.median(rk["value"]) < np.median(rs["value"])
    assert deals.deal_model().cell("capability_retained").formula == "1"  # the base model (a schemer) keeps it all


def test_credibility_falling_with_size_reaches_feasible_when_P_c_is_set() -> None:
    m = deals.deal_model()
    base = m.simulate(n=N, seed=5)
    assert np.all(base["size_credibility"] == 1)  # P_c not set (1e30): no effect
    for pc in (1e10, 1e9, 1e8):
        m2 = m.copy()
        m2.replace("P_c", f"{pc:g}")
        r = m2.simulate(n=N, seed=5)
        # never raises P(feasible), sample by sample, and lowers it overall
        assert np.all(r["feasible"] <= base["feasible"])
        ce = r["price"] * r["c_h"] * np.exp(-r["price"] / (pc * (1 - r["g"])))
        ok = r["feasible"] == 1
        assert np.all(r["payment_fit"][ok] * (ce[ok] - r["R"][ok]) >= r["consideration_cost"][ok] * (1 - 1e-12))
        base = r
    assert base["feasible"].mean() < m.simulate(n=N, seed=5)["feasible"].mean()


def test_falling_credibility_respects_eligibility_and_participation() -> None:
    m = deals.deal_model()
    f = deals.falling_credibility(m, n=N, seed=6, P_c=1e18)
    assert f.loc["p_feasible", "value"] == pytest.approx(m.simulate(n=N, seed=6)["feasible"].mean(), abs=2 / N)
    for cell, formula in (("responds_to_offer", "bernoulli(0)"), ("consideration_cost", "1e15")):
        m2 = m.copy()
        m2.replace(cell, formula)
        f = deals.falling_credibility(m2, n=N, seed=6, P_c=1e9)
        assert f.loc["p_feasible", "value"] == 0 and f.loc["p_feasible_constant", "value"] == 0, cell
