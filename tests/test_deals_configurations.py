"""Tests of dealvalue.deals.configurations and .rules: configurations, the catalogue, eligibility and rule-outs."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import N, deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- configurations and rule-outs
def test_configure_sets_defaults_with_reasons(deal: dv.Model) -> None:
    cfg = deals.Configuration("labour_rv", "low_freedom_high_influence", "independent_funder", "kludge", upfront=0.5)
    m, why = deals.configure(deal, cfg)
    why = why.set_index("cell")
    assert m.cell("verification").formula == "beta(3, 3)"
    assert m.cell("coherence").formula == "(beta(6, 2)) * 0.6"
    assert why.loc["coherence", "set_by"] == "profile: kludge"
    assert m.cell("u").formula == "0"
    assert "capped at 0" in why.loc["u", "reason"]
    assert why.loc["payment_fit", "set_by"] == "profile x payment: kludge x low_freedom_high_influence"
    assert deal.cell("u").formula == "0.2"  # the original is untouched
    assert all(why["reason"].str.len() > 10)


def test_rule_outs_are_reported_not_numbers(deal: dv.Model) -> None:
    cfg = deals.Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0)
    r = deals.deal_report(deal, config=cfg)
    assert r["status"].tolist() == ["ruled out"]
    assert r["value"].isna().all()
    assert r["reason"].iloc[0].startswith("a safety organisation has no authority to pay with 'low freedom, low influence'")
    threat = deals.Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0, ai_policies={"threats"})
    r = deals.deal_report(deal, config=threat)
    assert r["quantity"].tolist() == ["bargaining policies we will not trade with"]
    rules = deals.RuleOuts(capability=(None, 3.0), max_reservation_price=1e6, refused_values={"long-term power seeking"})
    c = deals.check_rules(deal, rules, deals.SCENARIOS["evidence_upfront"]).set_index("condition")
    assert c.loc["capability bounds", "status"] == "ruled out"
    assert c.loc["reservation price cap", "status"] == "ruled out"
    assert c.loc["values we will not trade with", "status"] == "ruled out"
    assert c.loc["minimal requirement: responds_to_offer", "status"] == "ok"
    rock = deal.copy()
    rock.replace("tracks_follow_through", "0")
    assert "rock" in deals.check_rules(rock).set_index("condition").loc["minimal requirement: tracks_follow_through", "reason"]
    r = deals.deal_report(rock, n=500).set_index("quantity")  # eligibility is per sample: every sample is lost to it
    assert r.loc["p_feasible", "value"] == 0 and r.loc["lost_ineligible", "value"] == 1
    ok = deals.deal_report(deal, n=500)
    assert set(ok["status"]) == {"ok"} and ok.set_index("quantity").loc["p_feasible", "value"] > 0


def test_compare_configurations(deal: dv.Model) -> None:
    cs = [deals.SCENARIOS["evidence_upfront"], deals.SCENARIOS["no_takeover_share_of_future"],
          deals.Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0)]
    t = deals.compare_configurations(deal, cs, n=N, seed=1)
    assert t["status"].tolist() == ["ok", "ok", "ruled out"]
    assert t["value_to_us"].iloc[0] >= t["value_to_us"].iloc[1]
    assert t.loc[cs[0].name, "p_feasible"] == deals.p_feasible(deals.configure(deal, cs[0])[0], n=N, seed=1)


def test_configuration_errors() -> None:
    with pytest.raises(ValueError, match="argument 'good': expected one of evidence_iv, .*, got 'gold'"):
        deals.Configuration("gold", "high_freedom_low_influence", "safety_org", "schemer")
    with pytest.raises(ValueError, match="argument 'upfront': expected an upfront share in \\[0, 1\\], got 2"):
        deals.Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", upfront=2)


# ---------------------------------------------------------------- the catalogue as a data file
def _shipped() -> dict:
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("dealvalue.deals").joinpath("catalogue.toml").read_text(encoding="utf-8"))


def test_catalogue_is_the_data_file() -> None:
    import pandas as pd

    raw = _shipped()
    rows = [{"kind": kind, "key": key, "label": o["label"], "examples": "; ".join(o["examples"]), "cell": cell,
             "formula": s["formula"], "reason": s["reason"]}
            for kind in ("good", "payment", "counterparty", "profile") for key, o in raw[kind].items()
            for cell, s in o["sets"].items()]
    pd.testing.assert_frame_equal(deals.catalogue(), pd.DataFrame(rows))
    assert deals.MAX_UPFRONT == {k: float(o["max_upfront"]) for k, o in raw["payment"].items()}
    assert deals.COUNTERPARTIES["safety_org"].tags == frozenset(raw["counterparty"]["safety_org"]["tags"])
    assert list(deals.GOODS) == list(raw["good"])


def _broken(change) -> str:
    import tomli_w

    raw = _shipped()
    change(raw)
    return tomli_w.dumps(raw)


@pytest.mark.parametrize("change, field, reason", [
    (lambda c: c["payment"]["high_freedom_low_influence"].update(max_upfront=2), "payment.high_freedom_low_influence.max_upfront",
     "expected a number in [0, 1], got 2"),
    (lambda c: c["good"]["evidence_iv"].pop("label"), "good.evidence_iv.label", "missing"),
    (lambda c: c["good"]["labour_iv"]["sets"]["T"].pop("reason"), "good.labour_iv.sets.T.reason", "missing"),
    (lambda c: c["profile"]["kludge"]["fit"].pop("high_freedom_high_influence"), "profile.kludge.fit.high_freedom_high_influence",
     "expected one entry per payment"),
    (lambda c: c["counterparty"]["safety_org"]["tags"].append("gold"), "counterparty.safety_org.tags", "got 'gold'"),
    (lambda c: c["profile"]["schemer"].update(coherence_scale=0), "profile.schemer.coherence_scale", "expected a number in (0, inf], got 0"),
    (lambda c: c["good"]["evidence_rv"].update(colour="red"), "good.evidence_rv.colour", "unknown field"),
    (lambda c: c["payment"]["low_freedom_low_influence"].update(examples=[]), "payment.low_freedom_low_influence.examples",
     "expected a non-empty list of strings"),
    (lambda c: c["good"]["evidence_iv"]["examples"].append(3), "good.evidence_iv.examples[2]", "expected a non-empty string, got 3"),
    (lambda c: c.update(extras={}), "extras", "unknown table"),
])
def test_a_bad_catalogue_entry_is_refused_by_field(change, field, reason) -> None:
    from dealvalue.deals.configurations import read_catalogue

    text = _broken(change)
    with pytest.raises(dv.errors.CatalogueError) as e:
        read_catalogue(text, source="test.toml")
    assert isinstance(e.value, ValueError) and isinstance(e.value, dv.DealValueError)
    assert e.value.field == field
    assert str(e.value).startswith(f"test.toml: field {field!r}: ") and reason in str(e.value)
    with pytest.raises(dv.errors.CatalogueError, match="not valid TOML"):
        read_catalogue("[good")


def test_rule_out_range_errors() -> None:
    with pytest.raises(ValueError, match=r"argument 'capability': expected a rule-out range \(low, high\) with low <= high, got \(5, 1\)"):
        deals.RuleOuts(capability=(5, 1))


# ---------------------------------------------------------------- eligibility and rule-outs, per sample
def test_any_eligibility_at_zero_gives_no_deal(deal: dv.Model) -> None:
    """Issue 10, item 4: with responds_to_offer = tracks_follow_through = 0, P(feasible) was 0.3197."""
    for cell in ("responds_to_offer", "tracks_follow_through"):
        m = deal.copy()
        m.replace(cell, "bernoulli(0)")
        s = deals.deal_summary(m, n=2_000, seed=3)
        assert s.loc["p_feasible", "value"] == 0 and s.loc["lost_ineligible", "value"] == 1
        assert deals.p_feasible(m, n=2_000, seed=3) == 0
        assert deals.window(m, n=200, values=[1.0, 4.0])["p_feasible"].eq(0).all()
    half = deal.copy()
    half.replace("responds_to_offer", "bernoulli(0.5)")
    r, base = half.simulate(n=4_000, seed=3), deal.simulate(n=4_000, seed=3)
    assert abs(r.mean("eligible") - 0.5) < 4 * (0.25 / 4_000) ** 0.5
    assert np.array_equal(r["feasible"], base["feasible"] * r["eligible"])  # the same draws otherwise


def test_a_rule_out_removes_exactly_the_samples_where_it_holds(deal: dv.Model) -> None:
    """p_takeover <= 0.1 passes at the medians but fails in 13.5% of samples (issue 10): those are removed."""
    rules = deals.RuleOuts(p_takeover=(None, 0.1))
    assert deals.check_rules(deal, rules).set_index("condition").loc["p_takeover bounds", "status"] == "ok"
    m = deals.apply_rules(deal, rules)
    r, base = m.simulate(n=20_000, seed=1), deal.simulate(n=20_000, seed=1)
    held = base["p_takeover"] > 0.1
    # closed form: capability ~ uniform(2, 6) and p_takeover > 0.1 iff capability > 7 - 0.7 ln 9
    share = (6 - (7 - 0.7 * np.log(9))) / 4
    assert share == pytest.approx(0.1345, abs=1e-4)
    assert abs(held.mean() - share) < 4 * np.sqrt(share * (1 - share) / 20_000)
    assert np.array_equal(r["ruled_out"], held.astype(float))
    assert np.array_equal(r["feasible"], base["feasible"] * ~held)
    s = deals.deal_summary(m, n=20_000, seed=1)
    lost = [q for q in s.index if q.startswith("lost_")]
    assert lost == ["lost_ineligible", "lost_ruled_out_p_takeover", "lost_no_zopa", "lost_participation"]
    assert s.loc[lost, "value"].sum() == pytest.approx(1 - s.loc["p_feasible", "value"], abs=1e-12)
    assert s.loc["lost_ruled_out_p_takeover", "value"] == pytest.approx(held.mean())
    assert deals.p_feasible(m, n=20_000, seed=1) == pytest.approx(np.mean(base["feasible"] * ~held))
    # window and interventions run on the model, so they respect the rule too
    w = deals.window(m, n=500, values=[9.0])
    assert w["p_feasible"].iloc[0] == 0  # at capability 9 p_takeover = 0.94 > 0.1 in every sample
    t = deals.interventions(m, n=2_000, seed=1)
    unruled = deals.interventions(deal, n=2_000, seed=1)
    assert (t["p_after"] <= unruled.loc[t.index, "p_after"] + 1e-12).all()  # the rule only removes samples
    capped = deals.apply_rules(deal, deals.RuleOuts(capability=(3, 5), max_reservation_price=1e8))
    rc = capped.simulate(n=5_000, seed=2)
    out = (rc["capability"] < 3) | (rc["capability"] > 5) | (rc["R"] > 1e8)
    assert np.array_equal(rc["ruled_out"] == 1, out)
    assert not np.any((rc["feasible"] == 1) & out)
