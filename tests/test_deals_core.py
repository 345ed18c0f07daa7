"""Tests of dealvalue.deals.core and of the shipped deal model it answers about: the seed's worked
example, closed forms, P(feasible), the ZOPA, and monotonicity on common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import dealvalue as dv
from dealvalue import deals

from _deals import MODELS, N, deal, draws  # noqa: F401  (fixtures)


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
    # footnote 26 in the full model: risk-neutral AI (g = 0), paid all upfront (u = 1, the core case), so
    # c_h = reality = 0.5, our expected cost per unit of price is 1 and bid = W * c_ai; nothing to consider;
    # the footnote's payment adds no takeover risk (upfront_influence = 0) and the good is checked at once.
    pts = dict(W=100, u=1, reality=0.5, coherence=0.5, verification=1, g=0, consideration_cost=0,
               upfront_influence=0, moral_hazard=0)
    v = deal.evaluate_all(R=90, **pts)
    assert (v["c_h"], v["c_ai"]) == (0.5, 0.5)
    assert (v["ask"], v["bid"], v["feasible"]) == (180.0, 50.0, 0.0)
    assert v["value_to_us"] == 0.0 and v["value_to_ai"] == 0.0
    v = deal.evaluate_all(R=10, bargaining_power=0.5, **pts)
    assert (v["ask"], v["bid"], v["feasible"], v["price"]) == (20.0, 50.0, 1.0, 35.0)
    assert v["F"] == 2.5 and v["trust_inflation"] == 4.0
    assert v["value_to_us"] == 15.0   # W * c_ai - P * (u + (1 - u) * c_ai) = 50 - 35
    assert v["value_to_ai"] == 7.5    # P * c_h - R = 17.5 - 10


def test_payment_structure_bid_and_values(deal: dv.Model) -> None:
    """domain.md section 2 (corrected): bid = W * c_ai / (u + (1 - u) * c_ai); value to us W * c_ai - P * (u + (1 - u) c_ai)."""
    for u in (0.0, 0.3, 1.0):
        v = deal.evaluate_all(R=10, W=100, u=u, reality=0.5, coherence=0.5, verification=1, g=0, consideration_cost=0,
                              upfront_influence=0)
        rate = u + (1 - u) * 0.5
        assert v["pay_rate"] == pytest.approx(rate)
        assert v["bid"] == pytest.approx(100 * 0.5 / rate)
        assert v["value_to_us"] == pytest.approx(100 * 0.5 - v["price"] * rate)
    assert deal.evaluate_all(W=100, u=0, coherence=0.5, verification=1)["bid"] == pytest.approx(100)  # pay only on delivery


def test_upfront_is_a_trade_off_risk_neutral_point_inputs(deal: dv.Model) -> None:
    """Risk-neutral, point inputs: F is monotone in u, and upfront is better exactly when
    reality * c_ai > c_h_deferred * delta**T (hand-computed)."""
    import numpy as np

    # no moral hazard and no extra takeover risk of the upfront share: the old sign law (domain.md section 2)
    base = dict(R=10, W=100, g=0, consideration_cost=0, T=4, delta=0.9, coherence=0.8, verification=1,
                moral_hazard=0, upfront_influence=0)
    # case A: reality * c_ai = 0.9 * 0.8 = 0.72 > c_h_deferred * delta**T = 0.9 * 0.5 * 0.8 * 0.6561 = 0.2362
    # case B: reality * c_ai = 0.9 * 0.2 = 0.18 < 0.9 * 0.95 * 1 * 0.6561 = 0.5610
    cases = [(dict(reality=0.9, expropriation=0.5, commitment=0.8), +1),
             (dict(reality=0.9, expropriation=0.05, commitment=1.0, coherence=0.2), -1)]
    for extra, sign in cases:
        pts = {**base, **extra}
        v0 = deal.evaluate_all(u=0, **pts)
        lhs = v0["reality"] * v0["c_ai"]
        rhs = v0["c_h_deferred"] * 0.9 ** 4
        assert np.sign(lhs - rhs) == sign
        F = [deal.evaluate_all(u=u, **pts)["F"] for u in np.linspace(0, 1, 11)]
        d = np.diff(F)
        assert (np.sign(d) == sign).all(), F
    # hand check of case A at the ends: F(u=0) = (W / R) * c_ai * c_h_def * delta**T / c_ai = 10 * 0.2362;
    # F(u=1) = (W / R) * c_ai * reality = 10 * 0.72
    pts = {**base, **cases[0][0]}
    assert deal.evaluate_all(u=0, **pts)["F"] == pytest.approx(10 * 0.9 * 0.5 * 0.8 * 0.9 ** 4)
    assert deal.evaluate_all(u=1, **pts)["F"] == pytest.approx(10 * 0.72)


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
    # each input cites the source text, or says it is an assumption of this model (issue 10: sources)
    seedless = [n for n in deal.inputs if n != "no_deal" and "Seed" not in deal.cell(n).description
                and "Assumption of this model" not in deal.cell(n).description]
    assert seedless == []
    assert all(deal.cell(n).group for n in deal.names)


def test_c_h_is_the_upfront_mix(deal: dv.Model) -> None:
    v = deal.evaluate_all()
    mix = v["u"] * v["reality"] + (1 - v["u"]) * v["reality"] * (1 - v["expropriation"]) * v["commitment"] * v["delta"] ** v["T"]
    assert v["c_h_rn"] == pytest.approx(mix, rel=1e-12)
    k = 1 / (1 - v["g"])  # the ask's c_h: the certainty equivalent of each part, added
    ce = v["u"] * v["reality"] ** k + (1 - v["u"]) * v["delta"] ** v["T"] * v["c_h_deferred"] ** k
    assert v["c_h"] == pytest.approx(ce, rel=1e-12)
    assert v["ask"] == pytest.approx(v["R"] / ce, rel=1e-12)
    w = deal.evaluate_all(u=0, delta=1, g=0)
    assert w["c_h"] == pytest.approx(w["reality"] * (1 - w["expropriation"]) * w["commitment"], rel=1e-12)


# ---------------------------------------------------------------- closed forms
@settings(max_examples=40, deadline=None)
@given(R=st.floats(1, 1e6), T=st.floats(0, 30), delta=st.floats(0.5, 1), c=st.floats(0.01, 1), g=st.floats(0, 0.95))
def test_risk_averse_ask(deal: dv.Model, R: float, T: float, delta: float, c: float, g: float) -> None:
    """Issue 10's laws: a certain payment deferred T years costs R / delta**T for every g (time is not
    risk); paid now (T = 0) with credibility c < 1, a CRRA AI asks R * c**(-1/(1-g))."""
    certain = deal.evaluate("ask", R=R, reality=1, expropriation=0, commitment=1, u=0, T=T, delta=delta, g=g)
    assert certain == pytest.approx(R / delta**T, rel=1e-9)
    for u in (0.0, 1.0):  # all upfront (credibility = reality) or all deferred with T = 0
        ask = deal.evaluate("ask", R=R, reality=c, expropriation=0, commitment=1, u=u, T=0, g=g)
        assert ask == pytest.approx(R * c ** (-1 / (1 - g)), rel=1e-9)


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


def test_check_core_names_the_missing_cell() -> None:
    m = dv.Model()
    m.add("R", "90")
    with pytest.raises(dv.UnknownCellError, match="'W'"):
        deals.check_core(m)


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


def test_a_model_without_the_core_cells_is_not_a_deal_model() -> None:
    import pickle

    m = dv.Model("half a deal")
    for c in ("R", "W", "c_h", "c_ai"):
        m.add(c, "1")
    with pytest.raises(dv.errors.NotADealModelError) as e:
        deals.p_feasible(m, n=10)
    err = e.value
    assert isinstance(err, dv.UnknownCellError) and isinstance(err, ValueError) and err.name == "ask"
    assert str(err) == ("model 'half a deal' is not a deal model: it has no cell 'ask' "
                        "(expected the core cells R, W, c_h, c_ai, ask, bid, feasible)")
    assert str(pickle.loads(pickle.dumps(err))) == str(err)


def test_deal_model_finds_shipped_models_by_name() -> None:
    from dealvalue import models

    for name in models.names():
        assert deals.deal_model(name).name == dv.Model.load(str(models.path(name))).name


def test_seed_of_prefers_the_argument_then_the_models_seed() -> None:
    from dealvalue.deals.core import seed_of

    m = deals.core_model()
    assert (seed_of(m, None), seed_of(m, 7)) == (0, 7)
    m.seed = 3
    assert (seed_of(m, None), seed_of(m, 7)) == (3, 7)
    assert deals.simulate(deals.core_model(R=10), n=5).seed == 0


def test_time_is_not_charged_as_risk(deal: dv.Model) -> None:
    """Issue 10, item 2: g = 0.5, delta = 0.9, T = 5 gave ask / R = 2.87; a certain payment costs 1 / 0.9**5 = 1.69."""
    v = deal.evaluate_all(R=10, reality=1, expropriation=0, commitment=1, u=0, T=5, delta=0.9, g=0.5)
    assert v["ask"] / 10 == pytest.approx(1.6935, abs=1e-4)
    assert v["risk_premium"] == pytest.approx(1.0)


def test_mixed_payment_adds_certainty_equivalents(deal: dv.Model) -> None:
    """c_h is the certainty equivalent of the upfront part plus that of the deferred part (by hand)."""
    v = deal.evaluate_all(R=10, u=0.4, reality=0.8, expropriation=0.25, commitment=0.5, T=3, delta=0.9, g=0.5)
    ce = 0.4 * 0.8 ** 2 + 0.6 * 0.9 ** 3 * (0.8 * 0.75 * 0.5) ** 2  # k = 1 / (1 - 0.5) = 2
    rn = 0.4 * 0.8 + 0.6 * 0.9 ** 3 * (0.8 * 0.75 * 0.5)
    assert v["c_h"] == pytest.approx(ce)
    assert v["c_h_rn"] == pytest.approx(rn)
    assert v["risk_premium"] == pytest.approx(rn / ce)
    assert v["ask"] == pytest.approx(10 / ce)
    # the AI's gain is in the same certainty-equivalent terms: zero at a price equal to the ask
    assert v["price"] * ce - 10 == pytest.approx(v["value_to_ai"]) or not v["feasible"]


def test_consideration_cost_is_a_participation_hurdle(deal: dv.Model) -> None:
    """Issue 10, item 3: the cost of considering a deal never changes the ask; raising it never raises
    P(feasible), sample by sample (same draws); the AI engages iff its gain at the agreed price covers it."""
    asks, feas = [], []
    for cost in ("0", "1k", "1M", "100M", "1e12"):
        m = deal.copy()
        m.replace("consideration_cost", cost)
        r = m.simulate(n=2_000, seed=4)
        asks.append(r["ask"])
        feas.append(r["feasible"])
        gain = r["payment_fit"] * (r["price"] * r["c_h"] - r["R"])
        assert np.array_equal(r["feasible"], (r["zopa_exists"] == 1) & (gain >= r["consideration_cost"]))
    for a in asks[1:]:
        assert np.array_equal(a, asks[0])
    for lo, hi in zip(feas, feas[1:]):
        assert np.all(hi <= lo)
    free = deal.copy()
    free.replace("consideration_cost", "0")
    assert feas[0].mean() == free.simulate(n=2_000, seed=4)["zopa_exists"].mean()  # no hurdle: every ZOPA is a deal
    assert feas[-1].mean() == 0.0
