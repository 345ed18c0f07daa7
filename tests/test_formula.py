"""The formula language: what it accepts, what it refuses, and where it says so."""

from __future__ import annotations

import math

import pytest
import sympy

import dealvalue as dv
from dealvalue.formula import parse, references

UNITS = {"R": "USD", "W": "kUSD", "t": "year", "p": "", "q": ""}


def val(text: str, **values: float) -> float:
    """Parse and evaluate a formula with sympy at the given cell values."""
    p = parse(text, UNITS)
    subs = {s: values[s.name] for s in p.expr.free_symbols}
    return float(p.expr.xreplace(subs))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ** 3 ** 2", 512),
        ("-2 ** 2", -4),  # Python precedence: -(2**2)
        ("10k", 10_000),
        ("2.5M", 2_500_000),
        ("3B", 3e9),
        ("5%", 0.05),
        ("12.5%", 0.125),
        ("1_000", 1000),
        ("1e3", 1000),
        ("min(3, 1, 2)", 1),
        ("max(3, 1, 2)", 3),
        ("clip(5, 0, 1)", 1),
        ("clip(-5, 0, 1)", 0),
        ("abs(-3)", 3),
        ("floor(2.7)", 2),
        ("ceil(2.1)", 3),
        ("round(2.5)", 3),
        ("round(-2.5)", -3),
        ("round(2.345, 2)", 2.35),
        ("sqrt(16)", 4),
        ("exp(0)", 1),
        ("ln(exp(2))", 2),
        ("log(100, 10)", 2),
        ("log10(1000)", 3),
        ("sin(0) + cos(0) + tan(0)", 1),
        ("if(1 > 2, 10, 20)", 20),
        ("(2 > 1) + (2 >= 2) + (1 == 1) + (1 != 1) + (1 < 0) + (1 <= 1)", 4),
        ("1 < 2 < 3", 1),
        ("3 > 2 > 2", 0),
        ("pi", math.pi),
    ],
)
def test_constant_formulas(text: str, expected: float) -> None:
    assert val(text) == pytest.approx(expected, rel=1e-12)


def test_boolean_operators_give_indicators() -> None:
    assert val("p > 0.5 and q > 0.5", p=0.7, q=0.9) == 1
    assert val("p > 0.5 and q > 0.5", p=0.7, q=0.1) == 0
    assert val("p > 0.5 or q > 0.5", p=0.1, q=0.9) == 1
    assert val("not (p > 0.5)", p=0.7) == 0
    assert val("not p", p=0) == 1
    # an indicator multiplies like a number: W * (bid >= ask)
    assert val("R * (p >= q)", R=7, p=2, q=1) == 7
    assert val("R * (p >= q)", R=7, p=0, q=1) == 0


def test_cell_references_and_order() -> None:
    p = parse("R / (p * q) + max(R, 0)", UNITS, cell="x")
    assert p.refs == ("R", "p", "q")
    assert references("W * c_ai >= R / c_h") == ("W", "c_ai", "R", "c_h")


def test_distribution_literals_become_named_symbols() -> None:
    p = parse("R * (0.9 to 1.1) + norm(0, 1) * 0 USD", UNITS, cell="noisy")
    assert set(p.dists) == {"noisy__1", "noisy__2"}
    assert p.dists["noisy__1"] == dv.To(0.9, 1.1)
    assert p.dists["noisy__2"] == dv.Norm(0, 1)


def test_two_bare_numbers_are_never_an_interval() -> None:
    # squigglepy reads norm(0, 1) as a 90% interval; here it is mean and sd
    d = parse("norm(0, 1)", {}).dists["formula__1"]
    assert d == dv.Norm(0.0, 1.0)
    assert parse("-1 to 1", {}).dists["formula__1"].inner == dv.Norm(0.0, 1 / 1.6448536269514722)


def test_to_as_a_function_and_with_units() -> None:
    assert parse("to(1, 10)", {}).dists["formula__1"] == dv.To(1, 10)
    p = parse("10 USD to 1 kUSD", {})
    assert p.dists["formula__1"] == dv.To(10, 1000) and str(p.unit) == "USD"


def test_mixture_literal() -> None:
    d = parse("mixture([norm(0, 1), 1 to 2], [1, 3])", {}).dists["formula__1"]
    assert isinstance(d, dv.Mixture)
    assert list(d.probabilities) == [0.25, 0.75]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("to(5, 1)", "expected low < high"),
        ("5 to 1", "expected low < high"),
        ("beta(0, 1)", "expected a > 0 and b > 0"),
        ("norm(0, -1)", "expected sd > 0"),
        ("uniform(2, 1)", "expected low < high"),
        ("bernoulli(1.5)", "expected 0 <= p <= 1"),
        ("triangular(0, 3, 2)", "left <= mode <= right"),
        ("mixture([norm(0, 1)], [1, 2])", "one weight per component"),
        ("norm(R, 1)", "must be numbers"),
        ("norm(1 to 2, 1)", "must be numbers, not the distribution"),
    ],
)
def test_bad_distribution_parameters(text: str, reason: str) -> None:
    with pytest.raises(dv.FormulaError) as info:
        parse(text, UNITS, cell="bad")
    assert reason in str(info.value)
    assert info.value.cell == "bad"


HOSTILE = [
    "__import__('os').system('touch /tmp/dealvalue_pwned')",
    "x.__class__",
    "R.__class__.__bases__",
    "().__class__.__base__.__subclasses__()",
    "R.real",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[x for x in (1, 2)]",
    "{x for x in (1,)}",
    "{1: 2}",
    "(1, 2)",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x = 1')",
    "getattr(R, 'real')",
    "globals()",
    "_u(1, 'USD')",
    "__builtins__",
    "'text'",
    "b'bytes'",
    "f'{R}'",
    "9 ** 9 ** 8",
    "10 ** 10 ** 10",
    "2 ** 100000",
    "(" * 200 + "1" + ")" * 200,
    "-" * 5000 + "1",
    "1 + " * 700 + "1",
    "R if p else W",
    "R; R",
    "R = 1",
    "(x := 1)",
    "R[0]",
    "R @ R",
    "R // 2",
    "R % 2",
    "1j",
    "0x10",
    "R\n+ 1",
    "# comment",
    "yield R",
    "await R",
    "...",
    "None",
    "True",
    "print(R)",
    "sympy.var('x')",
    "max(*[1, 2])",
    "max(a=1)",
    "min",
    "R(1)",
    "'a' 'b'",
    "1 if 1 else 2",
    "import os",
    "",
    "   ",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_formulas_raise_formula_error_and_run_nothing(text: str, tmp_path) -> None:
    with pytest.raises(dv.FormulaError) as info:
        parse(text, UNITS, cell="evil")
    assert info.value.cell == "evil"
    assert "evil" in str(info.value)
    import os

    assert not os.path.exists("/tmp/dealvalue_pwned")


def test_hostile_list_is_long_enough() -> None:
    assert len(HOSTILE) >= 25


def test_error_position_points_at_the_problem() -> None:
    with pytest.raises(dv.FormulaError) as info:
        parse("R + p.__class__", UNITS, cell="x")
    assert info.value.position == 5
    assert "position 6" in str(info.value)  # people count from 1
    assert "^" in str(info.value)


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(dv.UnknownCellError) as info:
        parse("Rr + 1 USD", UNITS, cell="x")
    msg = str(info.value)
    assert "'x' refers to unknown cell 'Rr'" in msg and "did you mean 'R'" in msg


# ---------------------------------------------------------------- units


def test_units_are_inferred_and_converted() -> None:
    p = parse("R + W", UNITS)  # USD + kUSD: W is converted to USD
    assert str(p.unit) == "USD"
    assert float(p.expr.subs({sympy.Symbol("R", real=True): 1, sympy.Symbol("W", real=True): 2})) == 2001
    assert str(parse("R / t", UNITS).unit) == "USD / year"
    assert parse("R / W", UNITS).unit.dimensionless
    assert val("R / W", R=500, W=1) == 0.5


def test_adding_usd_to_years_names_both_cells() -> None:
    with pytest.raises(dv.UnitMismatchError) as info:
        parse("R + t", UNITS, cell="total")
    assert str(info.value) == "cell 'total': cannot add 'R' (USD) and 't' (year)"
    assert isinstance(info.value, TypeError)


def test_bare_numbers_are_dimensionless_but_zero_fits_any_unit() -> None:
    with pytest.raises(dv.UnitMismatchError):
        parse("R + 5", UNITS, cell="x")
    assert str(parse("max(R, 0)", UNITS).unit) == "USD"
    assert str(parse("if(p > 0.5, R, 0)", UNITS).unit) == "USD"
    assert str(parse("R + 5 USD", UNITS).unit) == "USD"


def test_functions_check_units() -> None:
    with pytest.raises(dv.UnitMismatchError, match="exp\\(\\) needs a dimensionless argument"):
        parse("exp(R)", UNITS, cell="x")
    assert str(parse("sqrt(R * R)", UNITS).unit) == "USD"
    with pytest.raises(dv.UnitMismatchError, match="exponent 'R' must be dimensionless"):
        parse("p ** R", UNITS, cell="x")
    with pytest.raises(dv.UnitMismatchError):
        parse("R > t", UNITS, cell="x")


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("weibull(2, 3)", "unknown function 'weibull'; known: abs, bernoulli", 0),
        ("3 EUR", "'EUR' after the number 3 is not a known unit", 2),
        ("(p * 2", "'(' is never closed", 0),
        ("p * 2)", "')' has no matching '('", 5),
        ("max(p, 1]", "']' has no matching '['", 8),
        ("1,000", "write a thousand as 1000 or 1_000", 0),
        ("p +* 2", "invalid syntax", 3),
    ],
)
def test_plain_language_errors(text: str, message: str, position: int) -> None:
    with pytest.raises(dv.FormulaError) as info:
        dv.Model().add("x", text) if "p" not in text else _model_with_p().add("x", text)
    assert message in str(info.value)
    assert "(invalid syntax)" not in str(info.value)
    assert info.value.position == position


def _model_with_p() -> dv.Model:
    m = dv.Model()
    m.add("p", "0.5")
    return m


def test_trillion_suffix() -> None:
    assert val("2T") == 2e12
    assert parse("1T to 100T", {}).dists["formula__1"] == dv.To(1e12, 1e14)
