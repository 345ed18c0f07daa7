"""Distributions: checks, samplers, inverse CDFs and medians against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import dealvalue as dv
from dealvalue.distributions import from_squigglepy

U = np.array([0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999])

CASES = [
    (dv.To(10, 100), stats.lognorm(s=(math.log(100) - math.log(10)) / (2 * 1.6448536269514722), scale=math.sqrt(1000))),
    (dv.To(-1, 3), stats.norm(1, 2 / 1.6448536269514722)),
    (dv.Norm(2, 3), stats.norm(2, 3)),
    (dv.Lognorm(1, 0.5), stats.lognorm(s=0.5, scale=math.e)),
    (dv.Beta(8, 2), stats.beta(8, 2)),
    (dv.Uniform(-2, 5), stats.uniform(-2, 7)),
    (dv.Triangular(1, 2, 5), stats.triang(c=0.25, loc=1, scale=4)),
    (dv.Pert(0, 1, 10), stats.beta(1 + 4 * 0.1, 1 + 4 * 0.9, loc=0, scale=10)),
]


@pytest.mark.parametrize("dist, ref", CASES, ids=lambda d: getattr(d, "kind", ""))
def test_ppf_cdf_median_match_scipy(dist: dv.Distribution, ref) -> None:
    assert np.allclose(dist.ppf(U), ref.ppf(U), rtol=1e-9)
    x = ref.ppf(U)
    assert np.allclose(dist.cdf(x), U, rtol=1e-9)
    assert dist.median() == pytest.approx(ref.median(), rel=1e-9)


@pytest.mark.parametrize("dist, ref", CASES, ids=lambda d: getattr(d, "kind", ""))
def test_native_sampler_matches_distribution(dist: dv.Distribution, ref) -> None:
    x = dist.sample(np.random.default_rng(0), 50_000)
    assert stats.kstest(x, ref.cdf).pvalue > 1e-4


def test_to_is_a_90_percent_interval() -> None:
    assert np.allclose(dv.To(10, 100).ppf([0.05, 0.95]), [10, 100])
    assert np.allclose(dv.To(-5, 5).ppf([0.05, 0.95]), [-5, 5])
    assert isinstance(dv.To(10, 100).inner, dv.Lognorm)
    assert isinstance(dv.To(0, 100).inner, dv.Norm)


def test_bernoulli_and_mixture() -> None:
    b = dv.Bernoulli(0.3)
    x = b.sample(np.random.default_rng(1), 100_000)
    assert set(np.unique(x)) == {0.0, 1.0} and x.mean() == pytest.approx(0.3, abs=0.005)
    assert b.median() == 0 and dv.Bernoulli(0.7).median() == 1 and dv.Bernoulli(0.5).median() == 0.5
    mix = dv.Mixture((dv.Norm(0, 1), dv.Norm(10, 1)), (1, 3))
    # median of 0.25 N(0,1) + 0.75 N(10,1): solve 0.25 Phi(x) + 0.75 Phi(x-10) = 0.5 by hand
    from scipy.optimize import brentq

    expected = brentq(lambda t: 0.25 * stats.norm.cdf(t) + 0.75 * stats.norm.cdf(t - 10) - 0.5, 0, 10)
    assert mix.median() == pytest.approx(expected, abs=1e-9)
    assert np.allclose(mix.cdf(mix.ppf(U)), U, atol=1e-9)
    s = mix.sample(np.random.default_rng(2), 100_000)
    assert (s > 5).mean() == pytest.approx(0.75, abs=0.01)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: dv.To(5, 1), "5 to 1: expected low < high, got low = 5 and high = 1"),
        (lambda: dv.Beta(0, 1), "beta(0, 1): expected a > 0 and b > 0"),
        (lambda: dv.Norm(0, -1), "norm(0, -1): expected sd > 0, got -1"),
        (lambda: dv.Lognorm(0, 0), "expected sigma > 0"),
        (lambda: dv.Uniform(1, 1), "expected low < high"),
        (lambda: dv.Triangular(0, 5, 1), "expected left <= mode <= right"),
        (lambda: dv.Pert(0, 5, 1), "expected low <= mode <= high"),
        (lambda: dv.Bernoulli(-0.1), "expected 0 <= p <= 1"),
        (lambda: dv.Mixture((dv.Norm(0, 1),), (-1,)), "expected weights >= 0"),
        (lambda: dv.Norm(float("nan"), 1), "must be finite"),
        (lambda: dv.Beta("a", 1), "must be a number"),
    ],
)
def test_invalid_parameters_say_what_was_expected(make, message: str) -> None:
    with pytest.raises(dv.DistributionError) as info:
        make()
    assert message in str(info.value)


def test_squigglepy_objects_keep_their_meaning() -> None:
    import squigglepy as sq

    assert from_squigglepy(sq.to(10, 100)) == dv.To(10, 100)
    n = from_squigglepy(sq.norm(-1, 1))  # an interval in squigglepy
    assert n.ppf([0.05])[0] == pytest.approx(-1)
    assert from_squigglepy(sq.norm(mean=0, sd=2)) == dv.Norm(0, 2)
    assert from_squigglepy(sq.beta(2, 3)) == dv.Beta(2, 3)
    assert from_squigglepy(sq.lognorm(norm_mean=1, norm_sd=2)) == dv.Lognorm(1, 2)
    assert from_squigglepy(sq.uniform(0, 1)) == dv.Uniform(0, 1)
    assert from_squigglepy(sq.triangular(0, 1, 2)) == dv.Triangular(0, 1, 2)
    assert from_squigglepy(sq.pert(0, 1, 2)) == dv.Pert(0, 1, 2)
    assert from_squigglepy(sq.bernoulli(0.3)) == dv.Bernoulli(0.3)
    mix = from_squigglepy(sq.mixture([sq.norm(mean=0, sd=1), sq.norm(mean=5, sd=1)], [0.3, 0.7]))
    assert mix == dv.Mixture((dv.Norm(0, 1), dv.Norm(5, 1)), (0.3, 0.7))
    with pytest.raises(dv.DistributionError, match="not supported"):
        from_squigglepy(sq.pareto(2))
    assert from_squigglepy(sq.norm(mean=0, sd=1, lclip=0)).formula() == "max(norm(0, 1), 0)"  # squigglepy moves values to the bound


def test_formula_text_round_trips() -> None:
    from dealvalue.formula import parse

    for d in [dv.To(10, 100), dv.Norm(0.5, 0.25), dv.Beta(8, 2), dv.Pert(0, 1, 10), dv.Triangular(1, 2, 3),
              dv.Mixture((dv.Norm(0, 1), dv.To(1, 2)), (0.3, 0.7)), dv.Lognorm(0.1, 1 / 3)]:
        assert parse(d.formula(), {}).dists["formula__1"] == d
