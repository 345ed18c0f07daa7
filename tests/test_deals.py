"""Tests of the taxonomy deal model (models/*.toml) and dealvalue.deals.

Golden cases (the seed's worked example), answers against hand calculations
and closed forms, and Hypothesis property tests of monotonicity on common
random numbers.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import dealvalue as dv
from dealvalue import deals
from dealvalue.simulate import sample_leaves

MODELS = Path(__file__).resolve().parent.parent / "dealvalue" / "models"
N = 2_000


@pytest.fixture(scope="module")
def deal() -> dv.Model:
    return dv.Model.load(str(MODELS / "deal.toml"))


@pytest.fixture(scope="module")
def draws(deal: dv.Model) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    leaves = sample_leaves(deal, 400, 7)
    return leaves, deal.run_steps(leaves, 400)


# ---------------------------------------------------------------- the seed's worked example (footnote 26)
def test_worked_example_core_model_exact() -> None:
    m = deals.core_model(R=90, W=100, c_h=0.5, c_ai=0.5)
    v = m.evaluate_all()
    assert (v["ask"], v["bid"], v["feasible"]) == (180.0, 50.0, 0.0)
    assert deals.zopa_point(m) is None
    m.replace("R", "10")
    v = m.evaluate_all()
    assert (v["ask"], v["bid"], v["feasible"]) == (20.0, 50.0, 1.0)
    assert deals.zopa_point(m) == (20.0, 50.0, 35.0)
    assert v["price"] == 35.0
    assert v["value_to_us"] == 15.0          # (1 - 0.5) * (50 - 20)
    assert v["value_to_ai"] == 7.5           # 0.5 * 0.5 * (50 - 20)


def test_worked_example_in_the_full_model(deal: dv.Model) -> None:
    # risk-neutral AI (g = 0): the full model's ask reduces to R / c_h
    v = deal.evaluate_all(R=90, W=100, c_h=0.5, c_ai=0.5, g=0)
    assert (v["ask"], v["bid"], v["feasible"]) == (180.0, 50.0, 0.0)
    assert v["value_to_us"] == 0.0 and v["value_to_ai"] == 0.0
    v = deal.evaluate_all(R=10, W=100, c_h=0.5, c_ai=0.5, g=0, bargaining_power=0.5)
    assert (v["ask"], v["bid"], v["feasible"], v["price"]) == (20.0, 50.0, 1.0, 35.0)
    assert v["F"] == 2.5 and v["trust_inflation"] == 4.0


def test_model_files_load_and_name_the_core_cells() -> None:
    paths = [MODELS / "deal.toml", *sorted((MODELS / "scenarios").glob("*.toml"))]
    assert len(paths) >= 4
    for p in paths:
        m = dv.Model.load(str(p))
        deals.check_core(m)
        assert m.description
    adv = dv.Model.load(str(MODELS / "advocacy.toml"))
    assert "expected_value" in adv and "cost" in adv


def test_every_input_cites_the_seed(deal: dv.Model) -> None:
    seedless = [n for n in deal.inputs if n != "no_deal" and "Seed" not in deal.cell(n).description]
    assert seedless == []
    assert all(deal.cell(n).group for n in deal.names)


def test_c_h_is_the_upfront_mix(deal: dv.Model) -> None:
    v = deal.evaluate_all()
    mix = v["u"] * v["reality"] + (1 - v["u"]) * v["reality"] * (1 - v["expropriation"]) * v["commitment"] * v["delta"] ** v["T"]
    assert v["c_h"] == pytest.approx(mix, rel=1e-12)
    w = deal.evaluate_all(u=0, delta=1)
    assert w["c_h"] == pytest.approx(w["reality"] * (1 - w["expropriation"]) * w["commitment"], rel=1e-12)


# ---------------------------------------------------------------- closed forms
@settings(max_examples=40, deadline=None)
@given(R=st.floats(1, 1e6), c_h=st.floats(0.01, 1), g=st.floats(0, 0.95))
def test_risk_averse_ask(deal: dv.Model, R: float, c_h: float, g: float) -> None:
    ask = deal.evaluate("ask", R=R, c_h=c_h, g=g)
    assert ask == pytest.approx(R * c_h ** (-1 / (1 - g)), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(R=st.floats(1, 1000), W=st.floats(1, 1000), c_h=st.floats(0.01, 1), c_ai=st.floats(0.01, 1))
def test_point_inputs_give_p_feasible_0_or_1(R: float, W: float, c_h: float, c_ai: float) -> None:
    p = deals.p_feasible(deals.core_model(R=R, W=W, c_h=c_h, c_ai=c_ai), n=5)
    assert p == (1.0 if W * c_ai >= R / c_h else 0.0)


def test_outside_option_is_crra_certainty_equivalent(deal: dv.Model) -> None:
    # CE of {V with chance p, else 0} under u(x) = x**(1-g)/(1-g): p**(1/(1-g)) V
    v = deal.evaluate_all(p_takeover=0.04, V_takeover=1e9, g=0.5)
    assert v["outside_option"] == pytest.approx(0.04**2 * 1e9, rel=1e-12)
    u = lambda x: x ** 0.5 / 0.5  # noqa: E731
    assert u(v["outside_option"]) == pytest.approx(0.04 * u(1e9), rel=1e-12)


def test_willingness_to_pay_nets_the_payment_risk(deal: dv.Model) -> None:
    v = deal.evaluate_all(value=100, e=2, payment_risk=0.5, schemer_exchange_rate=2)
    # value = (e + x * payment_risk) * W with e in microdoom/MUSD: W = 100 / 3 MUSD
    assert v["W"] == pytest.approx(100 / 3 * 1e6, rel=1e-12)
    assert v["W"] * (v["e"] + v["schemer_exchange_rate"] * v["payment_risk"]) / 1e6 == pytest.approx(100, rel=1e-12)


# ---------------------------------------------------------------- feasibility, ZOPA, values
def test_deal_summary_stderr_is_binomial(deal: dv.Model) -> None:
    s = deals.deal_summary(deal, n=N, seed=3)
    p = s.loc["p_feasible", "value"]
    assert 0 < p < 1
    assert s.loc["p_feasible", "stderr"] == pytest.approx(math.sqrt(p * (1 - p) / N))
    r = deal.simulate(n=N, seed=3)
    assert s.loc["value_to_us", "value"] == pytest.approx(float(np.mean(r["value_to_us"])))
    assert deals.p_feasible(r) == p


def test_zopa_ends(deal: dv.Model) -> None:
    z = deals.zopa(deal, n=N, seed=3)
    r = deal.simulate(n=N, seed=3)
    ok = r["feasible"] == 1
    assert z.loc["ask | feasible", "n"] == ok.sum()
    assert z.loc["ask | feasible", 0.5] == pytest.approx(float(np.median(r["ask"][ok])))
    assert z.loc["width | feasible", 0.05] >= 0
    assert z.loc["ask", "n"] == N


def test_value_in_microdoom_is_net_of_the_alternative(deal: dv.Model) -> None:
    r = deal.simulate(n=N, seed=5)
    # value_delivered - e * spend = value_to_us_microdoom, sample by sample
    e = r.get("e", "microdoom/USD")
    lhs = r["value_delivered"] - e * r["spend"]
    assert np.allclose(lhs, r["value_to_us_microdoom"], rtol=1e-9, atol=1e-9)


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


# ---------------------------------------------------------------- thresholds
def test_thresholds_worked_example() -> None:
    t = deals.thresholds(deals.core_model(), factors=["R", "W", "c_h", "c_ai"])
    assert t.loc["c_h * c_ai", "expression"] == "R/W"
    assert t.loc["c_h * c_ai", "break_even"] == pytest.approx(0.9)
    assert t.loc["R", "break_even"] == pytest.approx(25.0) and t.loc["R", "feasible_when"] == "at most"
    assert t.loc["W", "break_even"] == pytest.approx(360.0) and t.loc["W", "feasible_when"] == "at least"
    assert t.loc["c_h", "break_even"] == pytest.approx(1.8) and not t.loc["c_h", "within_range"]


def test_break_even_values_make_F_one(deal: dv.Model) -> None:
    t = deals.thresholds(deal)
    assert {"R", "W", "c_h", "c_ai", "reality", "capability", "g"} <= set(t.index)
    point, values = deal.point_values(), deal.evaluate_all()
    leaves = {leaf: np.array([point[leaf]]) for leaf in deal.compile().leaf_owner if leaf in point}
    leaves.update({leaf: np.array([np.nan]) for leaf in deal.compile().leaf_owner if leaf not in point})

    def ln_f_at(cell: str, x: float) -> float:
        # break-even values may lie outside a factor's bounds (a credibility above 1): evaluate unchecked
        fixed = {name: np.array([values[name]]) for name in deal.inputs}
        fixed[cell] = np.array([x])
        out = deal.run_steps(leaves, 1, fixed=fixed, check_bounds=False)
        return float(np.log(out["bid"][0] / out["ask"][0]))

    checked = 0
    for f, row in t.drop(index="c_h * c_ai").iterrows():
        if not math.isfinite(row["break_even"]):
            continue
        assert ln_f_at(f, row["break_even"]) == pytest.approx(0.0, abs=1e-6), f
        if row["within_range"]:
            assert math.log(deal.evaluate("F", **{f: row["break_even"]})) == pytest.approx(0.0, abs=1e-6), f
        checked += 1
    assert checked >= 15
    assert set(t["method"]) >= {"symbolic", "numeric (Brent)"}


# ---------------------------------------------------------------- monotonicity (common random numbers)
_RAISE = ["reality", "commitment", "coherence", "verification", "c_h", "c_ai", "u", "delta", "payment_fit"]


@settings(max_examples=40, deadline=None)
@given(cell=st.sampled_from(_RAISE), share=st.floats(0, 1))
def test_raising_a_credibility_factor_never_lowers_feasibility(deal: dv.Model, draws: tuple, cell: str, share: float) -> None:
    leaves, base = draws
    raised = base[cell] + share * (1 - base[cell])
    new = deal.run_steps(leaves, 400, fixed={cell: raised})
    assert np.all(new["feasible"] >= base["feasible"])


@settings(max_examples=30, deadline=None)
@given(share=st.floats(0, 1))
def test_lowering_expropriation_never_lowers_feasibility(deal: dv.Model, draws: tuple, share: float) -> None:
    leaves, base = draws
    new = deal.run_steps(leaves, 400, fixed={"expropriation": base["expropriation"] * (1 - share)})
    assert np.all(new["feasible"] >= base["feasible"])


@settings(max_examples=30, deadline=None)
@given(factor=st.floats(1, 100))
def test_raising_W_or_lowering_R_never_lowers_feasibility(deal: dv.Model, draws: tuple, factor: float) -> None:
    leaves, base = draws
    up = deal.run_steps(leaves, 400, fixed={"W": base["W"] * factor})
    down = deal.run_steps(leaves, 400, fixed={"R": base["R"] / factor})
    assert np.all(up["feasible"] >= base["feasible"])
    assert np.all(down["feasible"] >= base["feasible"])


# ---------------------------------------------------------------- interventions
def test_interventions_by_hand() -> None:
    m = deals.core_model(R=90)
    t = deals.interventions(m, [deals.Intervention("quadruple W", "W", "scale", 4.0, cost=10.0),
                                deals.Intervention("perfect trust", "c_h", "set", 1.0, cost=1.0)], n=50)
    # 4W: bid 200 >= ask 180, value (1 - 0.5)(200 - 180) = 10; c_h = 1: ask 90 > bid 50, no change
    assert t.loc["quadruple W", ["delta_p", "delta_value", "value_per_dollar"]].tolist() == [1.0, 10.0, 1.0]
    assert t.loc["perfect trust", ["delta_p", "delta_value", "value_per_dollar"]].tolist() == [0.0, 0.0, 0.0]
    assert list(t.index) == ["quadruple W", "perfect trust"]


def test_interventions_share_random_numbers(deal: dv.Model) -> None:
    t = deals.interventions(deal, n=N, seed=11)
    assert len(t) == len(deals.default_interventions(deal)) >= 6
    base = deals.p_feasible(deal, n=N, seed=11)
    assert np.allclose(t["p_before"], base)
    assert np.allclose(t["delta_p"], t["p_after"] - t["p_before"])
    assert (t["delta_p"] >= 0).all()  # every default intervention raises credibility or lowers R
    # by hand: the honesty policy on the same draws
    leaves = sample_leaves(deal, N, 11)
    before = deal.run_steps(leaves, N)
    after = deal.run_steps(leaves, N, fixed={"reality": before["reality"] + 0.5 * (1 - before["reality"])})
    assert t.loc["honesty policy", "delta_value"] == pytest.approx(float(np.mean(after["value_to_us"] - before["value_to_us"])))
    costed = t[t["cost"] > 0]["value_per_dollar"].tolist()
    assert costed == sorted(costed, reverse=True)


def test_formula_intervention_keeps_other_draws(deal: dv.Model) -> None:
    t = deals.interventions(deal, [deals.Intervention("sure delivery", "verification", "formula", formula="1")], n=N, seed=4)
    m2 = deal.copy()
    m2.replace("verification", "1")
    assert t.loc["sure delivery", "p_after"] == deals.p_feasible(m2, n=N, seed=4)


def test_intervention_errors() -> None:
    with pytest.raises(ValueError, match="kind must be set, scale, shift, toward or formula, got 'double'"):
        deals.Intervention("x", "W", "double", 2.0)
    with pytest.raises(dv.UnknownCellError):
        deals.interventions(deals.core_model(), [deals.Intervention("x", "nope", "scale", 2.0)], n=10)


# ---------------------------------------------------------------- window of viable deals
def test_window_ends_by_hand() -> None:
    import pandas as pd

    f = pd.DataFrame({"p_feasible": [0.0, 0.4, 0.8, 0.6, 0.2]}, index=[0.0, 1.0, 2.0, 3.0, 4.0])
    row = deals.window_ends(f).iloc[0]
    assert row["start"] == pytest.approx(1.25) and row["end"] == pytest.approx(3.25)
    assert (row["peak_at"], row["peak_p"]) == (2.0, 0.8)
    assert math.isnan(deals.window_ends(f, level=0.9).iloc[0]["start"])


def test_capability_window_rises_and_falls(deal: dv.Model) -> None:
    w = deals.window(deal, values=np.linspace(0, 10, 21), n=N, seed=1)
    p = w["p_feasible"].to_numpy()
    ends = deals.window_ends(w, level=0.3).iloc[0]
    assert p[0] < ends["peak_p"] and p[-1] < 0.01
    assert 0 < ends["start"] < ends["peak_at"] < ends["end"] < 10
    assert w["R_median"].is_monotonic_increasing  # takeover odds raise R with capability


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


def test_rule_outs_are_reported_not_numbers(deal: dv.Model) -> None:
    cfg = deals.Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0)
    r = deals.deal_report(deal, config=cfg)
    assert r["status"].tolist() == ["ruled out"]
    assert r["value"].isna().all()
    assert r["reason"].iloc[0].startswith("a safety organisation has no authority to pay in the quadrant 'low freedom, low influence'")
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
    r = deals.deal_report(rock)
    assert r["quantity"].tolist() == ["minimal requirement: tracks_follow_through"]
    assert "rock" in r["reason"].iloc[0]
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
    with pytest.raises(ValueError, match="unknown good 'gold'; expected one of evidence_iv"):
        deals.Configuration("gold", "high_freedom_low_influence", "safety_org", "schemer")
    with pytest.raises(ValueError, match="upfront share must be in \\[0, 1\\], got 2"):
        deals.Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", upfront=2)


def test_check_core_names_the_missing_cell() -> None:
    m = dv.Model()
    m.add("R", "90")
    with pytest.raises(dv.UnknownCellError, match="'W'"):
        deals.check_core(m)


# ---------------------------------------------------------------- alternatives
def test_advocacy_anchors() -> None:
    adv = dv.Model.load(str(MODELS / "advocacy.toml"))
    assert adv.evaluate("p_success") == pytest.approx(0.10)
    assert adv.evaluate("p_success", budget=500e6) == pytest.approx(0.30)
    assert adv.evaluate("p_success", budget=5e9) == pytest.approx(0.50)  # +20 points per tenfold budget


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


# ---------------------------------------------------------------- regression
def test_simulated_constants_keep_every_bit() -> None:
    """Regression: lambdify printed a 53-bit Float with 15 digits, so a
    constant input of 0.9999999999999999 simulated as 1.0 and P(feasible)
    with point inputs disagreed with the inequality at the boundary
    (found by test_point_inputs_give_p_feasible_0_or_1)."""
    m = dv.Model()
    m.add("x", "0.9999999999999999")
    m.add("y", "x * 0.1 + 123456789.12345678")
    r = m.simulate(n=3, seed=0)
    assert r["x"][0] == 0.9999999999999999 == m.evaluate("x")
    assert r["y"][0] == 0.9999999999999999 * 0.1 + 123456789.12345678
    p = deals.p_feasible(deals.core_model(R=1.0, W=1.0, c_h=1.0, c_ai=0.9999999999999999), n=5)
    assert p == 0.0


def test_guide_numbers_are_what_the_library_prints() -> None:
    """docs/guide.md pastes the library's output; check a few of its numbers."""
    guide = (MODELS.parent.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    m = deals.scenario("labour_trust_fund")
    d = deals.decomposition(m)
    assert f"{d.loc['ln F', 'log_units']:.4g}" == "-2.794" and "ln F                                         total     -2.794" in guide
    assert f"{d.loc['verification', 'log_units']:.4g}" == "-0.6931"
    s = deals.deal_summary(m, n=20_000)
    assert f"{s.loc['p_feasible', 'value']:.4g}" == "0.091"
    import pandas as pd

    # whole tables, printed with the guide's pandas options, are pasted verbatim
    with pd.option_context("display.float_format", "{:.4g}".format, "display.max_colwidth", 40, "display.width", 250,
                           "display.max_columns", 20):
        assert str(s) in guide  # with the label column
        assert str(d.drop(columns="label")) in guide
        t = deals.interventions(m, n=20_000)
        assert str(t[["cost", "free", "delta_p", "delta_p_stderr", "delta_microdoom", "microdoom_per_MUSD"]]) in guide
        assert str(deals.top_inputs(m, n=2_000, k=6)) in guide
    assert t.loc["pay mostly upfront", "free"] and np.isnan(t.loc["pay mostly upfront", "microdoom_per_MUSD"])
    # the guide's markdown fences pair up: no output block is split by a stray fence
    fences = [line for line in guide.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0 and all(f in ("```", "```python") for f in fences[0::2])
