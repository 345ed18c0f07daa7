"""The app's Assessments tab, run headless with ``streamlit.testing.v1.AppTest``.

Each test points ``DEALVALUE_DB`` at a fresh SQLite file, drives the tab as
a user would, and checks what it shows against ``dealvalue.assess`` on the
same database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue import assess

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000
SEED = 20260422  # the deal model's own seed: the page starts on it
TIMEOUT = 120
SYSTEM = "Claude 9"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from dealvalue.assess import db as dbmod

    url = f"sqlite:///{tmp_path / 'assessments.sqlite'}"
    monkeypatch.setenv("DEALVALUE_DB", url)
    yield url
    dbmod.forget_stores()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _errors(at: AppTest) -> list[str]:
    return [str(e.value).replace("\\", "") for e in at.error]


def _successes(at: AppTest) -> list[str]:
    return [str(e.value).replace("\\", "") for e in at.success]


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    hits = [t for t in at.text_input if t.label == cell or t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label]
    assert len(hits) == 1, [t.label for t in at.text_input]
    return hits[0]


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The one table shown that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _open() -> AppTest:
    """The app at N samples, on the Assessments tab."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _ok(at)
    at.select_slider(key="samples").set_value(N).run()
    at.session_state["view"] = "Assessments"  # the tabs are lazy: open this one
    at.run()
    _ok(at)
    return at


def _register(at: AppTest, name: str = SYSTEM) -> None:
    at.text_input(key="assess_new_system").set_value(name)
    at.button(key="assess_register").click().run()
    _ok(at)
    assert f"Registered {name}." in _successes(at)
    assert at.selectbox(key="assess_system").value == name


def _record(at: AppTest, assessor: str, date: str, reality: str, note: str = "") -> None:
    _input(at, "reality").set_value(reality).run()
    at.text_input(key="assess_assessor").set_value(assessor)
    at.text_input(key="assess_date").set_value(date)
    at.text_area(key="assess_note").set_value(note)
    at.button(key="assess_record").click().run()
    _ok(at)


def test_the_tab_says_which_database_it_writes_to(db: str) -> None:
    at = _open()
    assert any(db in str(c.value).replace("\\", "") for c in at.caption), [c.value for c in at.caption]
    assert not _errors(at)


def test_record_an_assessment_and_see_it_in_history(db: str) -> None:
    at = _open()
    _register(at)
    _record(at, "alice", "2031-03-01", "0.3", "few honest reports")
    assert not _errors(at), _errors(at)
    stored = assess.assessments(db=db)
    assert len(stored) == 1
    row = stored.iloc[0]
    assert (row["system"], row["assessor"], str(row["date"]), row["model"], row["note"], row["n"], row["seed"]) == (
        SYSTEM, "alice", "2031-03-01", "deal", "few honest reports", N, SEED)
    assert assess.inputs(int(stored.index[0]), db=db)[["cell", "formula"]].values.tolist() == [["reality", "0.3"]]
    # the number stored is the library's for the same inputs, samples and seed
    model = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    model.replace("reality", "0.3")
    assert row["p_feasible"] == pytest.approx(model.simulate(n=N, seed=SEED).prob("feasible"), abs=1e-12)
    assert any(f"P(feasible) = {100 * row['p_feasible']:.1f}%" in s for s in _successes(at)), _successes(at)
    history = _table(at, "binding_barrier")
    assert history["id"].tolist() == [int(stored.index[0])]
    assert history["assessor"].tolist() == ["alice"]
    assert history["p_feasible"].tolist() == [row["p_feasible"]]
    # the page's inputs are still there
    assert _input(at, "reality").value == "0.3"
    assert at.text_area(key="assess_note").value == "few honest reports"


def test_trend_and_pooled_view_show_the_library_numbers_for_two_assessors(db: str) -> None:
    at = _open()
    _register(at)
    _record(at, "alice", "2031-03-01", "beta(2, 8)")
    _record(at, "bob", "2031-04-01", "beta(8, 2)")
    assert not _errors(at), _errors(at)
    assert len(assess.assessments(db=db)) == 2

    trend = _table(at, "source")
    expected = assess.trend(SYSTEM, db=db)
    pd.testing.assert_frame_equal(trend.reset_index(drop=True), expected, check_dtype=False)
    assert trend["assessor"].tolist() == ["alice", "pooled", "bob", "pooled"]

    pooled = _table(at, "stored_p_feasible")
    pd.testing.assert_frame_equal(pooled, assess.pool(SYSTEM, seed=SEED, db=db).reset_index(), check_dtype=False)
    assert pooled["assessor"].tolist() == ["alice", "bob", "pooled"]
    disagreement = _table(at, "spread")
    pd.testing.assert_frame_equal(disagreement, assess.disagreement(SYSTEM, seed=SEED, db=db).reset_index(),
                                  check_dtype=False)
    assert disagreement["input"].tolist()[0] == "reality"
    p = assess.pool(SYSTEM, seed=SEED, db=db).loc["pooled"]
    assert any(f"Pooled P(feasible): {100 * p['p_feasible']:.1f}%" in str(m.value).replace("\\", "").replace("**", "")
               for m in at.markdown)
    assert len(at.get("vega_lite_chart")) >= 1  # the trend chart


def test_bad_date_shows_the_library_message_and_keeps_the_inputs(db: str) -> None:
    at = _open()
    _register(at)
    _record(at, "alice", "2031-13-45", "0.3", "a note")
    assert not at.exception
    with pytest.raises(assess.store.AssessmentError) as info:  # the library's own message
        assess.store.parse_date("2031-13-45")
    assert str(info.value) in _errors(at), _errors(at)
    assert assess.assessments(db=db).empty
    assert _input(at, "reality").value == "0.3"
    assert at.text_input(key="assess_date").value == "2031-13-45"
    assert at.text_input(key="assess_assessor").value == "alice"
    assert at.text_area(key="assess_note").value == "a note"


def test_unknown_system_shows_the_library_message(db: str) -> None:
    at = _open()
    _register(at)

    def typed() -> None:  # the name typed into the box, as its accept_new_options lets a user do
        box = at.selectbox(key="assess_system")
        if "Claude 99" not in box.options:
            box.options.append("Claude 99")  # AppTest knows only the listed options
        box.set_value("Claude 99")

    typed()
    at.run()
    _ok(at)
    errors = _errors(at)
    assert any(e.startswith("system: ") and "unknown system" in e and "Claude 9" in e for e in errors), errors
    typed()
    at.text_input(key="assess_date").set_value("2031-03-01")
    typed()
    at.button(key="assess_record").click().run()
    _ok(at)
    assert sum("unknown system" in e for e in _errors(at)) == 2, _errors(at)  # the record's and the history's
    assert assess.assessments(db=db).empty


def test_unreachable_database_shows_the_message_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALVALUE_DB", "postgresql://alice:secret@127.0.0.1:1/dv")
    at = _open()
    errors = _errors(at)
    assert len(errors) == 1 and "alice:***@127.0.0.1:1/dv" in errors[0], errors
    assert "secret" not in " ".join(errors)
    _input(at, "reality").set_value("0.3").run()
    _ok(at)
    assert _input(at, "reality").value == "0.3"
    assert len(_errors(at)) == 1


def test_the_tab_keeps_its_inputs_while_another_tab_is_open(db: str) -> None:
    at = _open()
    _register(at)
    at.text_input(key="assess_assessor").set_value("carol")
    at.text_area(key="assess_note").set_value("draft").run()
    at.session_state["view"] = "Deal"
    at.run()
    at.session_state["view"] = "Assessments"
    at.run()
    _ok(at)
    assert at.selectbox(key="assess_system").value == SYSTEM
    assert at.text_input(key="assess_assessor").value == "carol"
    assert at.text_area(key="assess_note").value == "draft"


def test_an_input_set_is_recorded_in_one_step(db: str) -> None:
    at = _open()
    _register(at)
    at.session_state["view"] = "Compare"
    at.run()
    _input(at, "reality").set_value("0.25").run()
    at.text_input(key="input_set_name").set_value("sceptical")
    [b for b in at.button if b.label == "Save these inputs as an input set"][0].click().run()
    _input(at, "reality").set_value("0.9").run()  # the page moves on; the input set keeps 0.25
    at.session_state["view"] = "Assessments"
    at.run()
    at.selectbox(key="assess_source").set_value("input set: sceptical")
    at.text_input(key="assess_date").set_value("2031-05-01")
    at.button(key="assess_record").click().run()
    _ok(at)
    assert not _errors(at), _errors(at)
    stored = assess.assessments(db=db)
    assert stored["model"].tolist() == ["deal"]
    assert assess.inputs(int(stored.index[0]), db=db)[["cell", "formula"]].values.tolist() == [["reality", "0.25"]]
