"""The newer kinds (issue 14): gamma, exponential, binomial, poisson, student_t,
lognorm_ms, discrete, truncate; against scipy.stats, through the formula
language and a model file, and from squigglepy."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st

import dealvalue as dv
from dealvalue import distributions as D
from dealvalue.errors import DistributionError, FormulaError

U = np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])

CASES = [
    (D.Gamma(2.5, 3.0), st.gamma(2.5, scale=3.0), False),
    (D.Exponential(0.5), st.expon(scale=2.0), False),
    (D.Binomial(20, 0.3), st.binom(20, 0.3), True),
    (D.Poisson(4.5), st.poisson(4.5), True),
    (D.StudentT(5, 10, 2), st.t(5, loc=10, scale=2), False),
    (D.LognormMS(10, 5), st.lognorm(math.sqrt(math.log(1.25)), scale=10 / math.sqrt(1.25)), False),
    (D.Discrete((3, 1, 2), (0.5, 0.2, 0.3)), st.rv_discrete(values=([1, 2, 3], [0.2, 0.3, 0.5])), True),
    (D.Truncated(D.Norm(0, 1), -1, 2), st.truncnorm(-1, 2), False),
]
IDS = [c[0].kind for c in CASES]


@pytest.mark.parametrize("dist,ref,discrete", CASES, ids=IDS)
def test_quantiles_cdf_and_moments_agree_with_scipy(dist: D.Distribution, ref, discrete: bool) -> None:
    np.testing.assert_allclose(dist.ppf(U), ref.ppf(U), rtol=1e-9, atol=1e-9)
    xs = ref.ppf(U)
    np.testing.assert_allclose(dist.cdf(xs), ref.cdf(xs), rtol=1e-9, atol=1e-12)
    assert dist.median() == pytest.approx(ref.median(), rel=1e-9, abs=1e-12)
    x = dist.sample(np.random.default_rng(1), 200_000)
    assert x.mean() == pytest.approx(ref.mean(), rel=0.02, abs=0.01)
    assert x.std() == pytest.approx(ref.std(), rel=0.03)
    lo, hi = dist.support()
    assert lo <= x.min() and x.max() <= hi
    if discrete:
        assert np.all(dist.ppf(U) == np.round(dist.ppf(U)))


@pytest.mark.parametrize("dist", [c[0] for c in CASES], ids=IDS)
def test_formula_parses_back_and_survives_a_model_file(dist: D.Distribution, tmp_path) -> None:
    m = dv.Model("t")
    m.add("x", dist.formula())
    assert m.distribution("x") == dist
    path = tmp_path / "m.toml"
    m.save(path)
    back = dv.Model.load(path)
    assert back.distribution("x") == dist
    r = back.simulate(2000, seed=3, method="lhs")
    assert np.isfinite(r["x"]).all()


@pytest.mark.parametrize("text,word", [
    ("gamma(0, 1)", "shape"), ("gamma(2, -1)", "scale"), ("exponential(0)", "rate"),
    ("binomial(2.5, 0.3)", "n"), ("binomial(10, 1.5)", "p"), ("poisson(0)", "lam"),
    ("student_t(0)", "df"), ("student_t(3, 0, 0)", "scale"), ("lognorm_ms(-1, 1)", "mean"),
    ("lognorm_ms(1, 0)", "sd"), ("discrete([1, 2], [1])", "weight"), ("discrete([1, 2], [-1, 2])", "weights"),
    ("truncate(norm(0, 1), 2, 1)", "low < high"), ("truncate(bernoulli(0.5), 0, 1)", "continuous"),
    ("truncate(3, 0, 1)", "distribution"),
])
def test_bad_parameters_are_refused_naming_the_parameter(text: str, word: str) -> None:
    m = dv.Model("t")
    with pytest.raises((FormulaError, DistributionError)) as info:
        m.add("x", text)
    assert word in str(info.value)


def test_units_ride_on_the_scale_parameters() -> None:
    m = dv.Model("t")
    m.add("a", "gamma(2, 3 kUSD)")
    m.add("b", "student_t(4, 10 USD, 2 USD)")
    m.add("c", "discrete([1 kUSD, 2000 USD], [1, 1])")
    m.add("d", "truncate(lognorm_ms(5 USD, 2 USD), 1 USD, 10 USD)")
    m.add("e", "mixture([gamma(2, 1 kUSD), lognorm_ms(500 USD, 100 USD)], [1, 1])")
    assert str(m.cell("a").unit) != ""
    r = m.simulate(500, seed=1)
    assert np.isfinite(r["e"]).all()
    assert D.Discrete((1000.0, 2000.0), (1.0, 1.0)) == m.distribution("c") or m.distribution("c").kind == "discrete"


def test_squigglepy_conversion_keeps_its_meaning() -> None:
    sq = pytest.importorskip("squigglepy")
    assert D.from_squigglepy(sq.gamma(2, 3)) == D.Gamma(2, 3)
    assert D.from_squigglepy(sq.exponential(4)) == D.Exponential(0.25)  # squigglepy's is the scale
    assert D.from_squigglepy(sq.binomial(10, 0.2)) == D.Binomial(10, 0.2)
    assert D.from_squigglepy(sq.poisson(3)) == D.Poisson(3)
    assert D.from_squigglepy(sq.discrete({1: 0.2, 5: 0.8})) == D.Discrete((1, 5), (0.2, 0.8))
    assert D.from_squigglepy(sq.discrete([[0.3, 7], [0.7, 9]])) == D.Discrete((7, 9), (0.3, 0.7))
    assert D.from_squigglepy(sq.tdist(t=4)) == D.StudentT(4)
    t = D.from_squigglepy(sq.tdist(-2, 2, 5))
    assert isinstance(t, D.StudentT) and t.quantile(0.95) == pytest.approx(2 / st.norm.ppf(0.95) * st.t.ppf(0.95, 5))
    ms = D.from_squigglepy(sq.lognorm(lognorm_mean=10, lognorm_sd=5))
    assert ms == D.LognormMS(10, 5)
    c = D.from_squigglepy(sq.norm(mean=0, sd=1, lclip=-1, rclip=2))
    assert c.formula() == "clip(norm(0, 1), -1, 2)"
    assert D.from_squigglepy(sq.gamma(2, 3, lclip=1)).formula() == "max(gamma(2, 3), 1)"
    np.testing.assert_allclose(c.ppf(U), np.clip(st.norm.ppf(U), -1, 2))
    m = dv.Model("t")
    m.add("x", sq.poisson(3, rclip=5))
    assert m.cell("x").formula == "min(poisson(3), 5)"
    with pytest.raises(DistributionError, match="arithmetic"):
        D.from_squigglepy(sq.norm(0, 1) * 2)
    with pytest.raises(DistributionError, match="centre"):
        D.from_squigglepy(sq.tdist(1, 3, 5))


def test_squigglepy_constant_is_a_point_mass() -> None:
    sq = pytest.importorskip("squigglepy")
    d = D.from_squigglepy(sq.const(3))
    assert d == D.Discrete((3,), (1,))
    assert set(np.asarray(sq.sample(sq.const(3), n=10)).tolist()) == {3}  # squigglepy's own meaning
    np.testing.assert_array_equal(d.ppf(U), np.full(U.shape, 3.0))
    m = dv.Model("c")
    m.add("c", sq.const(3))
    assert m.evaluate("c") == 3.0 and m.simulate(n=100, seed=1).mean("c") == 3.0
    with pytest.raises(DistributionError, match=r"expected a finite number, got nan"):
        D.from_squigglepy(sq.const(float("nan")))


def test_squigglepy_clip_function_converts_like_the_keywords() -> None:
    sq = pytest.importorskip("squigglepy")
    base = sq.norm(mean=0, sd=1)
    c = D.from_squigglepy(sq.clip(base, -1, 2))
    assert c == D.from_squigglepy(sq.norm(mean=0, sd=1, lclip=-1, rclip=2)) == D.Clipped(D.Norm(0, 1), -1, 2)
    assert D.from_squigglepy(sq.lclip(base, 0.5)).formula() == "max(norm(0, 1), 0.5)"
    assert D.from_squigglepy(sq.rclip(sq.lclip(base, -3), 0.5)) == D.Clipped(D.Norm(0, 1), -3, 0.5)
    # a clip of a clipped distribution keeps the tighter bound
    assert D.from_squigglepy(sq.clip(sq.norm(mean=0, sd=1, lclip=-2), -1, 3)) == D.Clipped(D.Norm(0, 1), -1, 3)
    # against squigglepy's own samples: the share at each bound is Phi(-1) and 1 - Phi(2)
    x = np.asarray(sq.sample(sq.clip(base, -1, 2), n=200_000))
    lo, hi = float(np.mean(x == -1)), float(np.mean(x == 2))
    assert abs(lo - st.norm.cdf(-1)) < 4 * math.sqrt(0.16 * 0.84 / x.size)
    assert abs(hi - st.norm.sf(2)) < 4 * math.sqrt(0.023 * 0.977 / x.size)
    np.testing.assert_allclose(c.ppf(U), np.clip(st.norm.ppf(U), -1, 2))
    assert float(c.cdf(np.array([-1.0]))[0]) == pytest.approx(st.norm.cdf(-1))
    with pytest.raises(DistributionError, match=r"clipping above at 1 below the lower clip 2 leaves the one value 1"):
        D.from_squigglepy(sq.rclip(sq.lclip(base, 2), 1))


def test_squigglepy_zero_inflated_is_refused_with_a_formula_that_means_the_same() -> None:
    sq = pytest.importorskip("squigglepy")
    z = sq.zero_inflated(0.3, sq.norm(mean=1, sd=2))
    with pytest.raises(DistributionError) as info:
        D.from_squigglepy(z)
    text = str(info.value)
    assert "component 1 is the number 0 (weight 0.3), not a distribution" in text
    assert "write if(bernoulli(0.3), 0, norm(1, 2)) in a formula" in text
    # the suggested formula has squigglepy's mean and share of zeros
    m = dv.Model("z")
    m.add("x", "if(bernoulli(0.3), 0, norm(1, 2))")
    m.add("zero", "x == 0")
    r = m.simulate(n=100_000, seed=1)
    theirs = np.asarray(sq.sample(z, n=100_000))
    assert abs(r.mean("x") - 0.7) < 4 * r.stderr("x") and abs(theirs.mean() - 0.7) < 0.03
    assert abs(r.mean("zero") - 0.3) < 4 * r.stderr("zero") and abs(float(np.mean(theirs == 0)) - 0.3) < 0.01
    with pytest.raises(DistributionError, match=r"component 2 is the number 5 \(weight 0.25\).*if\(bernoulli\(w\), c, d\)"):
        D.from_squigglepy(sq.mixture([sq.norm(0, 1), 5, sq.norm(3, 4)], [0.25, 0.25, 0.5]))
