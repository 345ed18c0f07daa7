"""Tests of dealvalue.deals.scenarios: the shipped scenarios are the configured deal model."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals


def test_scenario_files_are_the_configured_model() -> None:
    for name in deals.SCENARIOS:
        built = deals.make_scenario(name)
        loaded = deals.scenario(name)
        assert [(c.name, c.formula, c.unit, c.bounds) for c in loaded.cells] == [(c.name, c.formula, c.unit, c.bounds) for c in built.cells]
        assert loaded.description == built.description


PROBABILITIES = ("reality", "expropriation", "commitment", "coherence", "verification", "u", "delta", "stake_given_up",
                 "payment_fit", "bargaining_power", "p_takeover", "control_extraction", "c_h_deferred", "discount", "c_h", "c_ai")


def test_probabilities_declare_bounds() -> None:
    """A probability or fraction out of [0, 1] is refused by name, in the deal model and every scenario."""
    for m in [deals.deal_model(), *(deals.scenario(s) for s in deals.SCENARIOS)]:
        for c in PROBABILITIES:
            assert m.cell(c).bounds == (0.0, 1.0), (m.name, c)
        assert m.cell("g").bounds == (0.0, 0.99)  # CRRA: 1 / (1 - g) needs g < 1
    m = deals.deal_model()
    with pytest.raises(dv.BoundsError, match="'reality': value 1.5 is outside its bounds"):
        m.replace("reality", "1.5")
    assert m.cell("reality").formula == "beta(8, 2)"  # the refused change left the model as it was
    with pytest.raises(dv.BoundsError, match="'g'"):
        m.replace("g", "1")


def test_unknown_scenario_is_refused_by_name() -> None:
    for fn in (deals.scenario, deals.make_scenario):
        with pytest.raises(dv.errors.ArgumentError, match="argument 'name': expected a scenario: one of evidence_upfront, .*, got 'nope'") as e:
            fn("nope")
        assert isinstance(e.value, ValueError)
    with pytest.raises(ValueError, match="argument 'scenario': expected one of .*'labour_trust_fund'.*, got 'nope'"):
        deals.deal_model("scenarios/nope")
    with pytest.raises(ValueError, match="argument 'model': expected one of 'advocacy', 'deal', 'evidence', got 'dael'"):
        deals.deal_model("dael")


def test_compare_is_paired_on_common_random_numbers() -> None:
    from dealvalue.deals.scenarios import compare

    a, b = deals.scenario("evidence_upfront"), deals.scenario("labour_trust_fund")
    n = 4_000
    t = compare({"upfront": a, "trust fund": b}, n=n, seed=5)
    assert t["cell"].tolist() == ["feasible", "value_to_us", "ask", "bid", "zopa_width"] * 2
    assert t["scenario"].tolist() == ["upfront"] * 5 + ["trust fund"] * 5
    assert t.loc[t["scenario"] == "upfront", "minus upfront"].isna().all()
    ra, rb = a.simulate(n=n, seed=5), b.simulate(n=n, seed=5)
    for _, row in t[t["scenario"] == "trust fund"].iterrows():
        c = row["cell"]
        d = rb[c] - ra[c]
        assert row["mean"] == pytest.approx(rb.mean(c)) and row["stderr"] == pytest.approx(rb.stderr(c))
        assert row["minus upfront"] == pytest.approx(float(d.mean()))
        assert row["its stderr"] == pytest.approx(float(d.std(ddof=1) / np.sqrt(n)))
        assert row["stderr if run independently"] == pytest.approx(float(np.sqrt((ra[c].var(ddof=1) + rb[c].var(ddof=1)) / n)))
    assert set(t["unit"]) == {"", "USD"}
    one = compare({"only": a}, n=100, seed=1)
    assert list(one.columns) == ["scenario", "cell", "unit", "mean", "stderr"]
    m = dv.Model()
    m.add("x", "norm(0, 1)")
    m.add("y", "x + 1")
    assert compare({"plain": m}, n=100)["cell"].tolist() == ["y"]   # no deal roles: the last formula cell
    with pytest.raises(ValueError, match="argument 'models': expected at least one model"):
        compare({}, n=10)


def test_no_takeover_value_is_the_takeover_probability_removed_times_the_stakes() -> None:
    """Issue 10, item 5: from capability 2 to 6 R rose 600-fold but this good's value only from 166 to 546."""
    m = deals.scenario("no_takeover_share_of_future")
    free = dict(control_midpoint=-1e3)  # control extracts nothing
    values = []
    for cap in (2.0, 4.0, 6.0):
        v = m.evaluate_all(capability=cap, **free)
        assert v["control_extraction"] == pytest.approx(0, abs=1e-12)
        assert v["value"] == pytest.approx(v["p_takeover"] * v["takeover_stakes"], rel=1e-12)
        values.append(v["value"])
    p = [1 / (1 + np.exp(-(c - 7) / 0.7)) for c in (2.0, 4.0, 6.0)]  # the takeover curve, by hand
    assert np.allclose(np.array(values) / values[0], np.array(p) / p[0])
    assert values[0] < values[1] < values[2]
