"""Issue 11, units per model: the built-in units live in one frozen shared
registry (``dv.ureg``); each model's own units live with that model."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import pytest

import dealvalue as dv
from dealvalue.errors import DealValueError, ModelFileError, UnitMismatchError

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE = (ROOT / "dealvalue" / "models" / "evidence.toml").read_text(encoding="utf-8")


def _file(factor: str) -> str:
    """evidence.toml with R in a user unit 'doom' worth ``factor`` USD."""
    text = EVIDENCE.replace('formula = "10 to 100"', 'formula = "5 doom to 50 doom"', 1)
    return text.replace("seed = 1\n", f'seed = 1\n\n[[units]]\nname = "doom"\ndefinition = "{factor} USD"\n', 1)


def test_ureg_is_the_shared_registry_and_frozen() -> None:
    assert "USD" in dv.ureg and dv.ureg.Quantity(1, "kUSD").to("USD").magnitude == 1000
    with pytest.warns(DeprecationWarning):
        assert dv.ureg() is dv.ureg  # the old callable path
    assert dv.ureg("2 USD").magnitude == 2  # pint's own call still parses
    with pytest.raises(UnitMismatchError, match="frozen"):
        dv.ureg.define("zork = [zork]")


def test_two_models_with_one_unit_name_side_by_side() -> None:
    a = dv.Model.loads(_file("2"), "a.toml")
    b = dv.Model.loads(_file("3"), "b.toml")
    assert a.unit_definitions == {"doom": "2 USD"} and b.unit_definitions == {"doom": "3 USD"}
    ra, rb = a.simulate(n=4000, seed=1), b.simulate(n=4000, seed=1)
    assert rb.get("R") == pytest.approx(1.5 * ra.get("R"))
    assert ra.get("R", "doom") == pytest.approx(ra.get("R") / 2)
    assert rb.get("R", "doom") == pytest.approx(rb.get("R") / 3)
    assert "doom" not in dv.ureg


def test_loading_a_file_never_changes_another_models_units() -> None:
    a = dv.Model.loads(_file("2"), "a.toml")
    before = a.evaluate("R")
    dv.Model.loads(_file("7"), "b.toml")
    fresh = dv.Model()
    assert a.evaluate("R") == before and a.unit_definitions == {"doom": "2 USD"}
    with pytest.raises(DealValueError, match="not a known unit"):
        fresh.add("x", "1 doom")  # a new model has none of the files' units
    a.add("y", "1 doom", unit="USD")
    assert a.evaluate("y") == 2


def test_define_unit_on_a_model() -> None:
    m = dv.Model()
    m.add("x", "3", unit="USD")
    m.define_unit("doom", "4 USD")  # cells already there move to the new registry
    m.add("y", "x + 1 doom", unit="doom")
    assert m.evaluate("y") == pytest.approx(3 / 4 + 1)
    m.define_unit("doom", "4 USD")  # the same again: nothing
    with pytest.raises(UnitMismatchError, match="already defined"):
        m.define_unit("doom", "5 USD")
    with pytest.raises(UnitMismatchError):
        m.define_unit("USD")  # a built-in
    assert m.evaluate("y") == pytest.approx(1.75) and "doom" not in dv.ureg


def test_a_pickled_model_keeps_its_units() -> None:
    b = dv.Model.loads(_file("3"), "b.toml")
    c = pickle.loads(pickle.dumps(b))
    assert c == b and c.unit_definitions == {"doom": "3 USD"}
    assert c.evaluate("R") == b.evaluate("R")
    assert str(c.unit("R")) == "USD"
    r = c.simulate(n=500, seed=2)
    assert r.get("R", "doom") == pytest.approx(b.simulate(n=500, seed=2).get("R", "doom"))
    plain = pickle.loads(pickle.dumps(dv.Model.loads(EVIDENCE)))
    assert plain.unit_registry is dv.ureg


def test_the_global_define_unit_is_deprecated_and_leaves_ureg_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # the deprecated call is process-wide by design: give it a table of its own for this test, so that
    # later tests (the unit doctests among them) start without legacyunit_x
    import dealvalue.units

    monkeypatch.setattr(dealvalue.units, "_legacy", {})
    with pytest.warns(DeprecationWarning, match="Model.define_unit"):
        dv.define_unit("legacyunit_x")
    assert "legacyunit_x" not in dv.ureg
    m = dv.Model()  # new models start with the process-wide units, as before
    m.add("x", "1", unit="legacyunit_x")
    assert str(m.unit("x")) == "legacyunit_x"


@pytest.mark.parametrize("formula, unit", [
    ("1 kelvin / 1 degC", None),
    ("1 degC + 1 degF", None),
    ("1 degF", None),
    ("2", "degC"),
])
def test_offset_units_are_refused_naming_the_cell(formula: str, unit: str | None) -> None:
    m = dv.Model()
    with pytest.raises(DealValueError, match="offset unit") as info:
        m.add("t", formula, unit=unit)
    assert getattr(info.value, "cell", None) == "t"


def test_offset_unit_in_a_model_file_names_the_field() -> None:
    text = EVIDENCE.replace('unit = "USD"', 'unit = "degC"', 1)
    with pytest.raises(ModelFileError, match="cells.R"):
        dv.Model.loads(text, "t.toml")
    text = _file("2").replace('definition = "2 USD"', 'definition = "2 degC"')
    with pytest.raises(ModelFileError, match="units"):
        dv.Model.loads(text, "t.toml")


def test_two_app_sessions_with_the_same_unit_name_see_their_own() -> None:
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "app.py")
    n = 10_000

    def session(factor: str) -> AppTest:
        at = AppTest.from_file(app, default_timeout=120).run()
        at.select_slider(key="samples").set_value(n).run()
        at.file_uploader(key="upload").set_value((f"doom{factor}.toml", _file(factor).encode(), "application/toml")).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    def zopa(at: AppTest) -> str:
        return next(str(m.value) for m in at.metric if m.label == "P(a ZOPA exists)")

    def expected(factor: str) -> str:
        p = dv.Model.loads(_file(factor)).simulate(n=n, seed=1).prob("feasible")
        return f"{100 * p:.1f}%"

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        one = session("1")
        two = session("9")
    assert zopa(one) == expected("1") and zopa(two) == expected("9") and expected("1") != expected("9")
    one.run()  # the first session again, after the second's upload
    assert zopa(one) == expected("1")
    assert "doom" not in dv.ureg
