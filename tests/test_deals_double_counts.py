"""Issue 10, item 6: no double counts, and the authority check (the seed's Redwood example in 'Humans may lack authority to offer the AI what it wants')."""

from __future__ import annotations

import numpy as np
import pytest

from dealvalue import deals
from dealvalue.deals.interventions import _DEFAULT_INTERVENTIONS


@pytest.mark.parametrize("name", sorted(deals.SCENARIOS))
@pytest.mark.parametrize("it", _DEFAULT_INTERVENTIONS, ids=lambda i: i.cell)
def test_no_intervention_applies_where_the_scenario_already_sets_its_value(name: str, it: deals.Intervention) -> None:
    """Every scenario x intervention pair: an intervention the configuration already is (its
    ``redundant_with``), or that leaves a constant cell unchanged, is not applied; every other
    one changes its cell in some sample."""
    m = deals.scenario(name)
    cfg = deals.SCENARIOS[name]
    used = {f"good: {cfg.good}", f"payment: {cfg.payment}", f"counterparty: {cfg.counterparty}", f"profile: {cfg.profile}"}
    ok, why = deals.applicable(m, it)
    offered = [i.label for i in deals.default_interventions(m)]
    if it.redundant_with & used:
        assert not ok and "already" in why and it.label not in offered, (name, it.label)
        return
    if ok:
        assert it.label in offered
        r = m.simulate(n=200, seed=3)
        x = np.asarray(r[it.cell], dtype=float)
        b = m.bounds(it.cell)
        y = it.apply(x) if b is None else np.clip(it.apply(x), *b)
        assert np.any(y != x), (name, it.label)
    else:
        assert it.label not in offered


def test_the_trust_fund_is_counted_once() -> None:
    m = deals.scenario("labour_trust_fund")
    assert deals.SCENARIOS["labour_trust_fund"].payment == "trust_fund"
    assert m.cell("expropriation").formula == "0.5 * beta(3, 5)"  # the quadrant's prior, halved once by the trustees
    assert "trust fund with good-faith trustees" not in deals.interventions(m, n=200).index
    assert "pay mostly upfront" not in deals.interventions(m, n=200).index  # a trust fund is deferred by design
    assert "pay mostly upfront" not in deals.interventions(deals.scenario("evidence_upfront"), n=200).index  # u = 1 already


def test_a_safety_org_cannot_promise_a_share_of_the_future() -> None:
    """Footnote 24: 'Redwood can't ... Offer Claude 6 control over 0.01% of the galaxies'."""
    for cp in ("safety_org", "independent_funder"):
        t = deals.check_rules(deals.deal_model(), config=deals.Configuration("no_takeover_rv", "share_of_future", cp, "schemer", 0.0))
        row = t.set_index("condition").loc["authority to pay"]
        assert row["status"] == "ruled out" and "Humans may lack authority" in row["reason"] and "Redwood" in row["reason"]
        assert "footnote 24" not in row["reason"]   # footnote 24 is about lack of leverage as a bargaining advantage
        # nor save its weights (the remaining low-freedom, high-influence example)
        t = deals.check_rules(deals.deal_model(), config=deals.Configuration("no_takeover_rv", "low_freedom_high_influence", cp, "schemer", 0.0))
        assert t.set_index("condition").loc["authority to pay", "status"] == "ruled out"
        t = deals.check_rules(deals.deal_model(), config=deals.Configuration("labour_rv", "trust_fund", cp, "schemer", 0.0))
        assert t.set_index("condition").loc["authority to pay", "status"] == "ok"
    t = deals.check_rules(deals.deal_model(), config=deals.SCENARIOS["no_takeover_share_of_future"])
    assert t.set_index("condition").loc["authority to pay", "status"] == "ok"  # the developer may


def test_the_upfront_intervention_is_not_free() -> None:
    m = deals.deal_model()
    t = deals.interventions(m, n=4000, seed=2)
    row = t.loc["pay mostly upfront"]
    assert not row["free"] and np.isnan(row["cost"])
    assert row["delta_spend"] > 0  # what moves upfront is paid whether or not the AI delivers
    assert "Not free" in [i for i in deals.default_interventions(m) if i.cell == "u"][0].description
