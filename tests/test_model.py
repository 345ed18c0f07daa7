"""Cells, the dependency graph, symbolic tools and point evaluation."""

from __future__ import annotations

import math
import pickle

import pytest
import sympy

import dealvalue as dv
from _models import evidence_model


def test_issue_example_symbolic_parts() -> None:
    m = evidence_model()
    R, reality, expro, commit, W, c_ai = (m.symbol(n) for n in ["R", "reality", "expropriation", "commitment", "W", "c_ai"])
    assert sympy.simplify(m.expr("ask") - R / (reality * (1 - expro) * commit)) == 0
    (sol,) = m.solve("bid - ask", for_="c_ai")
    assert sympy.simplify(sol - R / (W * reality * (1 - expro) * commit)) == 0
    assert m.evaluate("ask", R=90, reality=1, expropriation=0, commitment=0.5) == pytest.approx(180)
    assert str(m.unit("ask")) == "USD"
    assert m.unit("c_h").dimensionless


def test_symbols_carry_sign_assumptions() -> None:
    m = evidence_model()
    assert m.symbol("R").is_positive  # lognormal
    assert m.symbol("reality").is_positive  # beta
    assert m.symbol("c_ai").is_positive  # the constant 0.8
    m.add("shift", "-1 to 1")
    assert m.symbol("shift").is_positive is None


def test_point_values_are_medians() -> None:
    m = evidence_model()
    pv = m.point_values()
    assert pv["R"] == pytest.approx(math.sqrt(10 * 100))
    from scipy.stats import beta

    assert pv["reality"] == pytest.approx(beta(8, 2).median(), rel=1e-12)
    assert pv["c_ai"] == 0.8
    # ask at point values = median R / (medians multiplied)
    expected = pv["R"] / (pv["reality"] * (1 - pv["expropriation"]) * pv["commitment"])
    assert m.evaluate("ask") == pytest.approx(expected, rel=1e-12)


def test_point_value_of_a_composite_input_comes_from_samples() -> None:
    m = dv.Model()
    m.add("x", "(3 to 23) / 1000")  # monotone: the median passes through exactly
    assert m.point_values()["x"] == pytest.approx(math.sqrt(3 * 23) / 1000, rel=1e-12)
    m.add("y", "norm(0, 1) + norm(0, 1) + 5")  # two distributions: median from samples
    assert m.point_values()["y"] == pytest.approx(5, abs=0.02)


def test_evaluate_accepts_quantities_and_checks_units() -> None:
    m = evidence_model()
    q = dv.ureg.Quantity(0.09, "kUSD")
    assert m.evaluate("ask", R=q, reality=1, expropriation=0, commitment=0.5) == pytest.approx(180)
    with pytest.raises(dv.UnitMismatchError):
        m.evaluate("ask", R=dv.ureg.Quantity(1, "year"))


def test_unknown_cell_in_formula_is_refused_and_model_unchanged() -> None:
    m = evidence_model()
    before = m.names
    with pytest.raises(dv.UnknownCellError, match="cell 'x' refers to unknown cell 'Q'"):
        m.add("x", "Q * 2")
    assert m.names == before


def test_cycle_shows_the_path_and_loses_nothing() -> None:
    m = dv.Model()
    m.add("a", "1")
    m.add("b", "a * 2")
    m.add("c", "b + 1")
    with pytest.raises(dv.CycleError) as info:
        m.replace("a", "c * 3")
    msg = str(info.value)
    assert msg.startswith("circular reference: ")
    path = msg.split(": ")[1].split(" -> ")
    assert path[0] == path[-1] and set(path) == {"a", "b", "c"}
    assert m.cell("a").formula == "1"  # the failed change left the model as it was
    assert m.evaluate("c") == 3
    with pytest.raises(dv.CycleError, match="a -> a"):
        m.replace("a", "a + 1")


def test_duplicate_replace_remove() -> None:
    m = dv.Model()
    m.add("a", "1")
    m.add("b", "a + 1")
    with pytest.raises(dv.DuplicateCellError, match="cell 'a' already exists"):
        m.add("a", "2")
    m.add("a", "5", replace=True)
    assert m.evaluate("b") == 6
    m.replace("a", label="the a")
    assert m.cell("a").label == "the a" and m.evaluate("b") == 6
    with pytest.raises(dv.CellInUseError, match="cell 'a' is used by 'b'"):
        m.remove("a")
    m.remove("b")
    m.remove("a")
    assert len(m) == 0


def test_replacing_an_input_rechecks_dependents_units() -> None:
    m = dv.Model()
    m.add("cost", "10", unit="USD")
    m.add("more", "cost + 5 USD")
    with pytest.raises(dv.UnitMismatchError):
        m.replace("cost", unit="year")
    assert str(m.unit("cost")) == "USD"  # rolled back
    m.replace("cost", unit="kUSD")  # compatible: dependents re-derived
    assert str(m.unit("more")) == "kUSD"  # a sum takes its first term's unit
    assert m.evaluate("more") == pytest.approx(10.005)  # 10 kUSD + 5 USD


def test_adding_usd_to_years_names_both_cells() -> None:
    m = dv.Model()
    m.add("cost", "10", unit="USD")
    m.add("duration", "2", unit="year")
    with pytest.raises(dv.UnitMismatchError, match="cannot add 'cost' \\(USD\\) and 'duration' \\(year\\)"):
        m.add("total", "cost + duration")


def test_declared_units_on_formulas_convert_or_refuse() -> None:
    m = dv.Model()
    m.add("R", "1500", unit="USD")
    m.add("R_k", "R", unit="kUSD")
    assert m.evaluate("R_k") == pytest.approx(1.5)
    with pytest.raises(dv.UnitMismatchError, match="declared in year"):
        m.add("bad", "R * 2", unit="year")
    m.add("x", "10 USD to 100 USD", unit="kUSD")
    assert m.point_values()["x"] == pytest.approx(math.sqrt(1000) / 1000)


def test_user_defined_units() -> None:
    m = dv.Model()
    m.define_unit("microdoom")
    m.define_unit("microdoom")  # again, the same way: fine
    with pytest.raises(dv.UnitMismatchError, match="already defined"):
        m.define_unit("microdoom", "2 USD")
    m.add("V", "5 to 50", unit="microdoom")
    m.add("e", "0.1", unit="microdoom/USD")
    m.add("W", "V / e")
    assert str(m.unit("W")) == "USD"
    with pytest.raises(dv.UnitMismatchError):
        m.add("bad", "V + W")


def test_bounds() -> None:
    m = dv.Model()
    with pytest.raises(dv.BoundsError, match="cell 'p': value 1.5 is outside its bounds \\[0, 1\\]"):
        m.add("p", "1.5", bounds=(0, 1))
    with pytest.raises(dv.DistributionError, match="outside the cell's bounds"):
        m.add("p", "norm(0.5, 0.1)", bounds=(0, 1))
    m.add("p", "beta(2, 2)")
    assert m.bounds("p") == (0.0, 1.0)  # a beta input is a probability by default
    m.add("q", "p * 3", bounds=(0, 1))
    with pytest.raises(dv.BoundsError, match="cell 'q'"):
        m.simulate(n=1000, seed=1)
    with pytest.raises(dv.BoundsError, match="cell 'p'"):
        m.evaluate("p", p=2)


@pytest.mark.parametrize("name", ["1x", "x y", "if", "to", "max", "a__b", "_x", "", "x" * 65, "lambda"])
def test_bad_names(name: str) -> None:
    with pytest.raises(dv.FormulaError):
        dv.Model().add(name, "1")


def test_bad_values() -> None:
    m = dv.Model()
    with pytest.raises(dv.FormulaError, match="must be finite"):
        m.add("x", float("nan"))
    with pytest.raises(dv.FormulaError, match="not True/False"):
        m.add("x", True)
    with pytest.raises(dv.FormulaError, match="control character"):
        m.add("x", "1", label="bad\x07label")


def test_numbers_distributions_and_squigglepy_objects_as_cells() -> None:
    import squigglepy as sq

    m = dv.Model()
    m.add("a", 2.5)
    m.add("b", dv.Beta(2, 3))
    m.add("c", sq.to(10, 100))
    m.add("d", sq.norm(-1, 1))  # squigglepy's meaning: a 90% interval
    m.add("e", sq.norm(mean=0, sd=2))
    assert m.cell("a").formula == "2.5"
    assert m.distribution("b") == dv.Beta(2, 3)
    assert m.distribution("c") == dv.To(10, 100)
    d = m.distribution("d")
    assert isinstance(d, dv.Norm) and d.sd == pytest.approx(1 / 1.6448536269514722, rel=1e-9)
    assert m.distribution("e") == dv.Norm(0, 2)


def test_elasticity() -> None:
    m = evidence_model()
    assert m.elasticity("ask", "R") == pytest.approx(1)
    assert m.elasticity("ask", "commitment") == pytest.approx(-1)
    pv = m.point_values()
    # d ln(ask) / d ln(expropriation) = e / (1 - e)
    e = pv["expropriation"]
    assert m.elasticity("ask", "expropriation") == pytest.approx(e / (1 - e))
    assert m.elasticity("ask", "c_h") == pytest.approx(-1)  # through a formula cell


def test_solve_for_a_formula_cell_and_a_comparison() -> None:
    m = evidence_model()
    (sol,) = m.solve("bid >= ask", for_="c_h")
    assert sympy.simplify(sol - m.symbol("R") / (m.symbol("W") * m.symbol("c_ai"))) == 0
    with pytest.raises(dv.FormulaError, match="does not depend on 'W'"):
        m.solve("ask - 1 USD", for_="W")


def test_errors_pickle() -> None:
    errors = [
        dv.FormulaError("x", "1 +", "invalid syntax", 3),
        dv.UnknownCellError("Q", "x", ("R",)),
        dv.CycleError(("a", "b", "a")),
        dv.UnitMismatchError("x", "cannot add"),
        dv.BoundsError("p", 2.0, (0.0, 1.0)),
        dv.ModelFileError("f.toml", "cells.R", "bad"),
        dv.CellInUseError("a", ("b",)),
    ]
    for e in errors:
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and str(back) == str(e)
        assert isinstance(e, dv.DealValueError)


def test_describe_and_copy() -> None:
    m = evidence_model()
    d = m.describe()
    assert d.loc["ask", "kind"] == "formula" and d.loc["R", "unit"] == "USD"
    c = m.copy()
    c.replace("c_ai", "0.5")
    assert m.evaluate("bid") != c.evaluate("bid")


def test_solve_keeps_named_formula_cells() -> None:
    m = evidence_model()
    (sol,) = m.solve("bid - ask", for_="c_ai", keep=["c_h"])
    assert sympy.simplify(sol - m.symbol("R") / (m.symbol("W") * m.symbol("c_h"))) == 0
    # the kept solution, evaluated at point values, matches the expanded one
    (full,) = m.solve("bid - ask", for_="c_ai")
    values = m.evaluate_all()
    subs = {s: values[s.name] for s in sol.free_symbols}
    subs_full = {s: values[s.name] for s in full.free_symbols}
    assert float(sol.xreplace(subs)) == pytest.approx(float(full.xreplace(subs_full)), rel=1e-12)


def test_a_unit_change_that_breaks_a_dependent_names_the_edited_cell() -> None:
    m = dv.Model()
    m.add("reality", "0.5")
    m.add("c_h", "reality * 0.9")
    m.add("premium", "c_h ** reality")
    with pytest.raises(dv.UnitMismatchError) as info:
        m.replace("reality", unit="USD")
    assert info.value.cell == "reality"
    assert "unit USD breaks cell 'premium', which uses it" in str(info.value)


def test_models_compare_by_content() -> None:
    assert evidence_model() == evidence_model()
    other = evidence_model()
    other.replace("c_ai", "0.7")
    assert other != evidence_model()


def test_latex_keeps_names_readable() -> None:
    m = dv.Model()
    m.add("c_h", "0.5")
    m.add("risk_premium", "2")
    m.add("delta", "0.9")
    m.add("x", "risk_premium / c_h * delta")
    assert m.latex("x") == r"\frac{\delta \cdot \mathrm{risk\_premium}}{c_{h}}"


def test_with_edits_keeps_valid_edits_and_reports_each_invalid_one() -> None:
    """Model.with_edits, as the app's cell table and inputs use it (moved from tests/test_app.py)."""
    from dealvalue import models

    base = dv.Model.load(models.path("evidence"))
    edits = (
        ("margin", (("formula", "bid - ask"), ("unit", "USD"))),      # new cell naming cells that exist
        ("double", (("formula", "2 * margin"), ("unit", "USD"))),     # new cell naming the new cell above
        ("R", (("formula", "beta(0, 1)"),)),                          # bad parameters: refused
        ("W", (("formula", "1 +"),)),                                 # syntax error: refused
        ("c_ai", (("formula", "0.5"),)),                              # valid change
    )
    m, errors = base.with_edits(edits)
    assert set(errors) == {"R", "W"}
    assert "beta" in errors["R"] and "W" in errors["W"]
    assert m.cell("R").formula == base.cell("R").formula and m.cell("W").formula == base.cell("W").formula
    assert m.cell("c_ai").formula == "0.5"
    # the new cells compute as bid - ask at the point values (checked against the formulas by hand)
    v = m.evaluate_all()
    assert v["margin"] == pytest.approx(v["bid"] - v["ask"]) and v["double"] == pytest.approx(2 * v["margin"])
    assert base.cell("c_ai").formula == "0.8" and "margin" not in base  # the cached base model is untouched
    # removing a cell others use is refused with the engine's message ...
    m2, errors2 = base.with_edits((("ask", None),))
    assert set(errors2) == {"ask"} and "used by" in errors2["ask"] and "ask" in m2
    # ... unless its users go too (passes retry what failed once the rest is applied)
    m3, errors3 = base.with_edits((("ask", None), ("feasible", None)))
    assert not errors3 and "ask" not in m3 and "feasible" not in m3


def test_an_input_edit_reparses_dependents_only_when_their_inputs_unit_or_sign_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    # sqrt(x**2) folds to x while x is a positive constant and to Abs(x) when it may be negative: the sign
    # assumption sits on x's symbol, so a change of sign must reach y (and z through it)
    m = dv.Model(); m.add("x", "2"); m.add("y", "sqrt(x**2)"); m.add("z", "y * 3")
    assert str(m.expr("y", keep=["x"])) == "x"
    m.replace("x", "-2")
    assert str(m.expr("y", keep=["x"])) == "Abs(x)" and m.evaluate("z") == 6.0
    # another negative value: same unit, same symbol, so only x is parsed again, and the values still move
    import dealvalue.model as model_module

    parsed: list[str] = []
    real = model_module.parse_cell
    monkeypatch.setattr(model_module, "parse_cell", lambda cell, *a: parsed.append(cell.name) or real(cell, *a))
    m.replace("x", "-5")
    assert parsed == ["x"] and m.evaluate("z") == 15.0
    # a unit change reaches the dependents
    m.replace("x", "4", unit="USD")
    assert parsed[1:] == ["x", "y", "z"]
    assert str(m.expr("y", keep=["x"])) == "x" and m.evaluate("z") == 12.0 and str(m.unit("z")) == "USD"


def test_evaluate_rows_pins_each_row_alone_even_a_cell_another_row_pins_upstream() -> None:
    from dealvalue.evaluation import evaluate_rows

    m = dv.Model(); m.add("R", "10 to 1000"); m.add("c", "0.5"); m.add("ask", "R / c"); m.add("p", "ask * c + 1")
    m.add("q", "ask * uniform(1, 3)")  # a literal inside a formula: its leaf q__1 sits at its median, 2
    rows = [{}, {"c": 0.25}, {"ask": 7.0}, {"R": 50.0, "ask": 3.0}, {"q__1": 3.0}]
    out = evaluate_rows(m, rows)
    # by hand: R's median is 100 (10 to 1000 is lognormal with that 90% interval, median sqrt(10 * 1000))
    assert out["ask"] == pytest.approx([200.0, 400.0, 7.0, 3.0, 200.0])
    assert out["p"] == pytest.approx([101.0, 101.0, 4.5, 2.5, 101.0])
    assert out["q"] == pytest.approx([400.0, 800.0, 14.0, 6.0, 600.0])
    for i, row in enumerate(rows):  # the same as one point evaluation per row
        v = m.evaluate_all(**row)
        assert [out[c][i] for c in m.names] == pytest.approx([v[c] for c in m.names])
    with pytest.raises(dv.UnknownCellError):
        evaluate_rows(m, [{"nope": 1.0}])
