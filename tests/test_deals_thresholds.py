"""Tests of dealvalue.deals.thresholds: break-even values where bid = ask."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import deal  # noqa: F401  (fixture)


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
