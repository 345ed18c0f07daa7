"""Issue 11, Python-API values: each refusal is a DealValueError naming the value and what was expected."""

from __future__ import annotations

import pytest

import dealvalue as dv
from dealvalue.errors import ArgumentError, DistributionError, FormulaError


def test_an_int_beyond_the_float_range_is_refused_at_add() -> None:
    m = dv.Model("api")
    with pytest.raises(FormulaError) as info:
        m.add("x", 10**400)
    assert info.value.cell == "x"
    assert "a constant must be finite (a number of at most 1.8e+308)" in str(info.value)
    assert "an integer of 401 digits" in str(info.value)
    with pytest.raises(FormulaError, match="over 4000 digits"):
        m.add("x", 10**5000)  # too long even for repr()


def test_norm_of_a_huge_int() -> None:
    with pytest.raises(DistributionError) as info:
        dv.Norm(10**400, 1)
    assert "parameter mean must be finite (a number of at most" in info.value.reason
    assert "an integer of 401 digits" in info.value.reason


def test_lognorm_whose_median_overflows() -> None:
    with pytest.raises(DistributionError) as info:
        dv.Lognorm(1000, 1)
    assert info.value.distribution == "lognorm(1000, 1)"
    assert "expected |mu| <= 700" in info.value.reason and "got mu = 1000" in info.value.reason
    with pytest.raises(FormulaError, match="expected \\|mu\\| <= 700"):
        dv.Model("m").add("z", "lognorm(1000, 1)")


def test_mixture_of_numbers() -> None:
    with pytest.raises(DistributionError) as info:
        dv.Mixture((1,), (1,))
    assert info.value.reason == "component 1 must be a distribution, got 1"


def test_tiny_target_se() -> None:
    m = dv.Model("m")
    m.add("y", "1 to 2")
    with pytest.raises(ArgumentError) as info:
        m.simulate(target_se={"y": 1e-300})
    assert info.value.argument == "target_se['y']"
    assert info.value.value == 1e-300
    assert ">= 1e-12" in info.value.expected
