"""Tests of dealvalue.deals.report: the roles, the headline numbers and the
headline sentence, each checked against a second route to the same number."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals
from dealvalue.deals.core import CORE_OUTPUTS
from dealvalue.deals.report import ROLES, short_number

from _deals import N, deal  # noqa: F401  (fixture)


def test_roles_are_the_core_names_then_the_deal_models(deal: dv.Model) -> None:
    role = deals.roles(deal)
    for c in CORE_OUTPUTS:          # the core outputs play themselves
        assert role[c] == c and ROLES[c][0] == c
    assert role["value_us"] == "value_to_us" and role["value_ai"] == "value_to_ai"
    assert set(role) == set(ROLES)  # the deal model fills every role
    m = dv.Model()
    m.add("zopa_exists", "1")
    m.add("nash_price", "2")
    assert deals.roles(m) == {"feasible": "zopa_exists", "price": "nash_price"}
    assert deals.roles(dv.Model()) == {}


def test_headline_numbers_are_the_results_statistics(deal: dv.Model) -> None:
    r = deal.simulate(n=N, seed=3)
    rows = {row["label"]: row for row in deals.headline(r)}
    assert list(rows) == ["P(a deal happens)", "Expected value to us", "Median ZOPA (USD)", "Trust inflation (median)"]
    p = rows["P(a deal happens)"]
    assert p["value"] == r.mean("feasible") == deals.p_feasible(r) and p["kind"] == "prob"
    assert p["se"] == pytest.approx(math.sqrt(p["value"] * (1 - p["value"]) / N))
    ev = rows["Expected value to us"]
    assert ev["value"] == pytest.approx(float(np.mean(r["value_to_us"]))) and ev["unit"] == "USD"
    ok = r["feasible"] == 1
    z = rows["Median ZOPA (USD)"]
    assert z["value"] == pytest.approx((float(np.median(r["ask"][ok])), float(np.median(r["bid"][ok]))))
    assert f"({int(ok.sum()):,} of {N:,} samples)" in z["help"]
    zt = deals.zopa(r)  # the same medians by the ZOPA table
    assert z["value"] == pytest.approx((zt.loc["ask | feasible", 0.5], zt.loc["bid | feasible", 0.5]))
    t = rows["Trust inflation (median)"]
    assert t["value"] == pytest.approx(float(np.median(r["trust_inflation"]))) and t["unit"] == "×"


def test_the_headline_probability_is_named_by_the_cell_it_measures(deal: dv.Model) -> None:
    # issue 15: the card said "P(a ZOPA exists)" while its number was the mean of `feasible` ("a deal happens":
    # eligibility, rule-outs and participation included), a different cell with a different probability
    r = deal.simulate(n=N, seed=3)
    [p] = [row for row in deals.headline(r) if row["kind"] == "prob"]
    assert p["label"] == deals.probability_label(deal) == f"P({deal.cell('feasible').label})" == "P(a deal happens)"
    assert p["value"] == r.mean("feasible") and r.mean("zopa_exists") > p["value"]
    assert deals.probability_label(deal, "zopa_exists") == "P(a ZOPA exists)"
    assert deals.probability_label(deals.core_model()) == "P(a ZOPA exists)"  # there feasible is bid >= ask


def test_headline_without_a_zopa_or_without_deal_cells() -> None:
    rows = deals.headline(deals.core_model(R=90).simulate(n=50, seed=0))
    z = [row for row in rows if row["kind"] == "range"][0]
    assert all(math.isnan(x) for x in (*z["value"], *z["se"]))
    m = dv.Model()
    m.add("x", "norm(1, 2)", label="an input")
    m.add("y", "2 * x")
    r = m.simulate(n=500, seed=1)
    rows = deals.headline(r)
    assert [row["label"] for row in rows] == ["Mean of y", "Median of y"]      # the last formula cell
    assert rows[0]["value"] == pytest.approx(2 * float(np.mean(r["x"])))
    assert rows[1]["value"] == pytest.approx(float(np.median(r["y"])))
    rows = deals.headline(r, main="x")
    assert rows[0]["label"] == "Mean of x" and rows[0]["help"] == "an input"


def test_headline_sentence_ratio_is_exp_ln_F(deal: dv.Model) -> None:
    for m in (deal, deals.scenario("labour_trust_fund"), deals.core_model(R=10)):
        d = deals.decomposition(m)
        lnf = float(d.loc["ln F", "log_units"])
        assert math.exp(lnf) == pytest.approx(m.evaluate("F"))   # second route: F at the medians
        text = deals.headline_sentence(m)
        if lnf >= 0:
            assert f"a ZOPA exists: the bid is {math.exp(lnf):.2g}× the ask" in text
        else:
            assert f"there is no ZOPA: the ask is {1 / m.evaluate('F'):.2g}× the bid" in text
        worst = deals.binding_barrier(m)
        assert worst is not None
        e = deals.barrier_effects(m).loc[worst]
        label = m.cell(worst).label if worst in m else worst
        assert f"the barrier that binds most is {label} (removing it alone would multiply bid / ask by {e['multiplier']:.2g})" in text
        assert text.endswith("; the best intervention per dollar: see Interventions.")


def test_barrier_effect_is_ln_F_with_the_barrier_removed(deal: dv.Model) -> None:
    e = deals.barrier_effects(deal)
    base = math.log(deal.evaluate("F"))
    assert e.loc["verification", "effect"] == pytest.approx(math.log(deal.evaluate("F", verification=1.0)) - base)
    assert e.loc["expropriation", "effect"] == pytest.approx(math.log(deal.evaluate("F", expropriation=0.0)) - base)
    assert e.loc["risk_premium", "effect"] == pytest.approx(math.log(deal.evaluate("F", risk_premium=1.0)) - base)
    assert list(e["effect"]) == sorted(e["effect"], reverse=True)
    assert "gains from trade" not in e.index
    # core model by hand: c_ai = c_h = 0.5, so removing either doubles bid / ask
    assert deals.barrier_effects(deals.core_model(R=10))["multiplier"].tolist() == pytest.approx([2.0, 2.0])


def test_barrier_effects_equal_one_evaluation_per_barrier_in_every_shipped_model() -> None:
    # barrier_effects removes every barrier in one vectorised run (evaluate_rows); the second route is one
    # point evaluation per barrier, as the effect is defined
    for name, m in _shipped().items():
        e = deals.barrier_effects(m)
        base = math.log(m.evaluate("bid") / m.evaluate("ask"))
        assert len(e) > 5, name
        for term, row in e.iterrows():
            v = m.evaluate_all(**{row["cell"]: row["pinned_to"]})
            assert row["effect"] == pytest.approx(math.log(v["bid"] / v["ask"]) - base, abs=1e-12), (name, term)


def _shipped() -> dict[str, dv.Model]:
    out = {"deal": dv.Model.load(dv.models.path("deal"))}
    out.update({s: dv.Model.load(dv.models.scenario_path(s)) for s in dv.models.scenario_names()})
    return out


def test_headline_sentence_says_nothing_the_source_contradicts() -> None:
    """Grantmaker's check, over every shipped deal model and scenario."""
    for name, m in _shipped().items():
        t = deals.interventions(m, n=N, seed=3)
        text = deals.headline_sentence(m, t)
        u = m.evaluate("u")
        e = deals.barrier_effects(m)
        # the named barrier binds: removing it raises bid / ask
        worst = deals.binding_barrier(m)
        if worst is not None:
            assert e.loc[worst, "effect"] > 0, name
        # a barrier that cannot bind here is never named
        for term, row in e.iterrows():
            if abs(row["effect"]) < 1e-9:
                assert f"binds most is {row['label']} (" not in text, (name, term)
        if u == 1:   # nothing is deferred: the time discount cannot bind
            assert "time discount" not in text, name
            assert abs(e.loc["discount", "effect"]) < 1e-9 and e.loc["discount", "term_log_units"] < 0, name
        if u == 0:   # paid on delivery only: verification and coherence offset by cost_rate, no effect on feasibility
            assert abs(e.loc["verification", "effect"]) < 1e-9, name
            assert "binds most is we can check delivery" not in text, name
            if "verification methods" in t.index:
                assert t.loc["verification methods", "delta_p"] == 0, name
        # "free" only for something that costs us nothing
        if "free" in text:
            free = [i for i in t.index if f"is {i}: free" in text]
            assert free and (t.loc[free[0], "cost"] == 0) and not (t.loc[free[0]].get("delta_spend", 0) > 0), name
        assert "pay mostly upfront: free" not in text, name
        assert "nan" not in text, name
    # the specific contradictions the reviewer found
    rs = _shipped()["reward_seeker_register"]
    assert rs.evaluate("u") == 1 and "time discount" not in deals.headline_sentence(rs)
    for name in ("labour_trust_fund", "no_takeover_share_of_future"):
        assert "we can check delivery" not in deals.headline_sentence(_shipped()[name])


def test_headline_sentence_never_calls_a_payment_that_costs_us_free(deal: dv.Model) -> None:
    up = [i for i in deals.default_interventions(deal) if i.cell == "u"]
    assert up
    t = deals.interventions(deal, [deals.Intervention("pay mostly upfront", "u", "toward", 0.5, target=1.0, cost=0.0)], n=N, seed=2)
    text = deals.headline_sentence(deal, t)
    if t["delta_value"].iloc[0] > 0:
        assert t["delta_spend"].iloc[0] > 0
        assert "free" not in text and "raises what we expect to pay by" in text


def test_headline_sentence_names_the_best_intervention(deal: dv.Model) -> None:
    t = deals.interventions(deal, n=N, seed=2)
    text = deals.headline_sentence(deal, t)
    costed = t[(t["delta_value"] > 0) & (t["cost"] > 0)]
    best = costed["value_per_dollar"].idxmax()
    tail = f"is {best}: {short_number(costed.loc[best, 'value_per_dollar'])} USD of expected value per USD."
    assert text.endswith("the best intervention per dollar " + tail)
    assert deals.headline_sentence(deal, t.reset_index()) == text   # the app's table, with an intervention column
    assert "see Interventions" not in text
    # nothing helps: no intervention is named
    m = deals.core_model(R=90)
    none = deals.interventions(m, [deals.Intervention("no change", "W", "scale", 1.0, cost=1.0)], n=10)
    assert deals.headline_sentence(m, none) == deals.headline_sentence(m).removesuffix("; the best intervention per dollar: see Interventions.") + "."


def test_short_number() -> None:
    assert [short_number(x) for x in (0, 12.345, 12_345, 2.5e9, -3e6)] == ["0", "12.3", "12.3k", "2.5B", "-3M"]
    assert short_number(None) == "n/a" and short_number(1.5, "USD") == "1.5 USD"
