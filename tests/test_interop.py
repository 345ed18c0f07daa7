"""Interop (issue 14, round 2): pint Quantities, sympy expressions, numpy seeds,
units on samples, saved results."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import dealvalue as dv
from dealvalue.errors import FormulaError
from dealvalue.saved import read_csv


def model() -> dv.Model:
    m = dv.Model("interop", seed=3)
    m.add("R", "10 to 100", unit="USD")
    m.add("c", "beta(8, 2)")
    m.add("ask", "R / c")
    return m


def test_a_quantity_gives_the_number_and_the_unit() -> None:
    m = dv.Model()
    m.add("W", 5 * dv.ureg.USD)
    assert m["W"].formula == "5" and str(m.unit("W")) == "USD"
    m.add("V", 3 * dv.ureg.USD / dv.ureg.year)
    assert m.evaluate("V") == 3 and str(m.unit("V")) == "USD / year"
    m.add("d", 2 * dv.ureg.km, unit="m")
    assert m.evaluate("d") == 2000 and str(m.unit("d")) == "meter"


@pytest.mark.parametrize("value, words", [
    (np.array([1.0, 2.0]) * dv.ureg.USD, "Quantity of an array"),
    (dv.ureg.Quantity(dv.distributions.To(1, 2), "USD"), "Quantity of a distribution"),
])
def test_a_quantity_of_many_numbers_or_of_a_distribution_is_refused(value: object, words: str) -> None:
    m = dv.Model()
    with pytest.raises(FormulaError, match=words):
        m.add("W", value)
    assert "W" not in m


def test_a_quantity_in_an_unconvertible_unit_is_refused() -> None:
    with pytest.raises(FormulaError, match="cannot convert"):
        dv.Model().add("W", 5 * dv.ureg.USD, unit="m")


def test_sympy_expressions_become_formulas_through_the_whitelist() -> None:
    m = dv.Model()
    m.add("R", "10 to 100"); m.add("c", "beta(8, 2)")
    R, c = sympy.symbols("R c")
    m.add("e", R / c + sympy.sqrt(R) * sympy.pi - sympy.Rational(1, 3) + sympy.Max(R, 2 * c) + sympy.log(c))
    v = m.evaluate_all()
    want = v["R"] / v["c"] + np.sqrt(v["R"]) * np.pi - 1 / 3 + max(v["R"], 2 * v["c"]) + np.log(v["c"])
    assert m.evaluate("e") == pytest.approx(want)
    m.add("p", sympy.Piecewise((R, R > 50), (c, True)))
    assert m["p"].formula == "if((R > 50), R, c)"
    m.add("ask", R / c)
    assert str(m.expr("ask")) == "R/c"


@pytest.mark.parametrize("expr, words", [
    (sympy.gamma(sympy.Symbol("R")), "gamma is not in the formula language"),
    (sympy.Symbol("R + __import__('os')"), "not a cell name"),
    (sympy.Symbol("pi"), "not a cell name"),
    (sympy.Integral(sympy.Symbol("R")), "Integral is not"),
    (sympy.nan, "NaN is not"),
])
def test_other_sympy_nodes_are_refused(expr: object, words: str) -> None:
    with pytest.raises(FormulaError, match=words):
        model().add("z", expr)


def test_numpy_generators_and_seed_sequences_are_seeds() -> None:
    m = model()
    a = m.simulate(200, seed=np.random.default_rng(7))
    b = m.simulate(200, seed=np.random.default_rng(7))
    assert a.seed == b.seed and (a["ask"] == b["ask"]).all()
    s = m.simulate(200, seed=np.random.SeedSequence(11))
    assert s.seed == m.simulate(200, seed=np.random.SeedSequence(11)).seed
    assert dv.Model(seed=np.random.SeedSequence(11)).seed == s.seed
    assert m.simulate(1e3).n == 1000


def test_samples_carry_units() -> None:
    r = model().simulate(100)
    assert r.samples.attrs["units"] == {"R": "USD", "c": "", "ask": "USD"}


def test_results_round_trip_through_parquet(tmp_path) -> None:
    m = model()
    r = m.simulate(500, overrides={"c": 0.5})
    path = tmp_path / "run.parquet"
    r.save(path)
    back = dv.Results.load(path)
    assert back.model == m and back.model.dumps() == m.dumps()
    assert back.names == r.names and back.leaves.keys() == r.leaves.keys()
    for name in r.values:
        assert np.array_equal(back[name], r[name])
    assert (back.n, back.seed, back.method, back.overrides) == (r.n, r.seed, r.method, r.overrides)
    assert back.samples.attrs["units"] == r.samples.attrs["units"]
    assert back.mean("ask") == r.mean("ask")


def test_saving_refuses_a_missing_folder_and_loading_a_foreign_file(tmp_path) -> None:
    r = model().simulate(50)
    with pytest.raises(dv.ArgumentError, match="existing folder"):
        r.save(tmp_path / "nowhere" / "run.parquet")
    import pandas as pd

    pd.DataFrame({"a": [1.0]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(dv.ArgumentError, match="written by Results.save"):
        dv.Results.load(tmp_path / "other.parquet")
    with pytest.raises(dv.ArgumentError, match="existing file"):
        dv.Results.load(tmp_path / "missing.parquet")


def test_csv_keeps_units_in_a_comment_line(tmp_path) -> None:
    r = model().simulate(50)
    r.to_csv(tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text().startswith('# units: {"R": "USD"')
    back = read_csv(tmp_path / "s.csv")
    assert back.attrs["units"]["ask"] == "USD" and np.allclose(back["ask"], r["ask"])
    with pytest.raises(dv.ArgumentError, match="existing folder"):
        r.to_csv(tmp_path / "nowhere" / "s.csv")


def test_a_vectorised_sweep() -> None:
    m = model()
    out = m.evaluate("ask", R=np.array([10.0, 20.0, 40.0]))
    assert isinstance(out, np.ndarray) and out == pytest.approx(np.array([10, 20, 40]) / m.evaluate("c"))
    both = m.evaluate("ask", R=[10.0, 20.0] * dv.ureg.USD, c=[0.5, 0.25])
    assert both == pytest.approx([20.0, 80.0])
    assert isinstance(m.evaluate("ask", R=10), float)
    with pytest.raises(dv.ArgumentError, match="one length"):
        m.evaluate("ask", R=[1.0, 2.0], c=[0.1, 0.2, 0.3])
    with pytest.raises(dv.ArgumentError, match="1-d"):
        m.evaluate("ask", R=np.ones((2, 2)))


def test_model_save_refuses_a_missing_folder(tmp_path) -> None:
    with pytest.raises(dv.ArgumentError, match="existing folder"):
        model().save(tmp_path / "nowhere" / "m.toml")
