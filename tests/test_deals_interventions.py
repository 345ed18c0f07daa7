"""Tests of dealvalue.deals.interventions: effects on common random numbers, ranked per dollar."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals
from dealvalue.simulate import sample_leaves

from _deals import N, deal  # noqa: F401  (fixture)


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
    with pytest.raises(ValueError, match="argument 'kind': expected one of set, scale, shift, toward or formula for intervention 'x', got 'double'"):
        deals.Intervention("x", "W", "double", 2.0)
    with pytest.raises(dv.UnknownCellError):
        deals.interventions(deals.core_model(), [deals.Intervention("x", "nope", "scale", 2.0)], n=10)


def test_intervention_messages_name_the_argument() -> None:
    from dealvalue.errors import ArgumentError

    with pytest.raises(ArgumentError, match="argument 'target': expected a number for intervention 'x'"):
        deals.Intervention("x", "W", "toward", 0.5)
    with pytest.raises(ArgumentError, match="argument 'formula': expected a formula for intervention 'x'.*, got None"):
        deals.Intervention("x", "W", "formula")
    with pytest.raises(ArgumentError, match="argument 'cost': expected a cost >= 0 USD or None for intervention 'x', got -1"):
        deals.Intervention("x", "W", "scale", 2.0, cost=-1)
    with pytest.raises(ArgumentError, match="argument 'kind': expected set, scale, shift or toward .*, got 'formula'"):
        deals.Intervention("x", "W", "formula", formula="1").apply(np.array([1.0]))


def test_no_applicable_intervention_gives_an_empty_table() -> None:
    # the core model names c_h and c_ai directly: none of the source text's interventions touches it
    m = deals.core_model(R=10)
    assert deals.default_interventions(m) == []
    t = deals.interventions(m, n=100, seed=1)
    assert t.empty and t.index.name == "intervention" and "delta_p" in t.columns
