"""Issue 15: the Compare tab as a grantmaker meets it (AppTest, headless).

Saved input sets are compared as overlaid distributions of the ask, the bid
and the surplus ratio (checked against a second, numpy-only count on the
same bins), their headline cells in tables with probabilities in percent,
and an input set is recorded as an assessment in one step.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue import assess, models, plots

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000
SEED = 20260422  # the deal model's own seed: the page starts on it
TIMEOUT = 120
SET = "input set: sceptical"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    hits = [t for t in at.text_input if t.label == cell or t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label]
    assert len(hits) == 1, [t.label for t in at.text_input]
    return hits[0]


def _saved_set(reality: str = "0.3") -> AppTest:
    """The page at N samples on the Compare tab, with the input set 'sceptical'
    (reality = ``reality``) saved and the page's inputs back at the model's own."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(N).run()
    at.session_state["view"] = "Compare"
    at.run()
    _input(at, "reality").set_value(reality).run()
    at.text_input(key="input_set_name").set_value("sceptical")
    [b for b in at.button if b.label == "Save these inputs as an input set"][0].click().run()
    _input(at, "reality").set_value(dv.Model.loads(models.text("deal"), "deal").cell("reality").formula).run()
    _ok(at)
    return at


def _charts(at: AppTest) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    """Each chart on the page: its Vega-Lite spec and its (first) data set."""
    out = []
    for c in at.get("vega_lite_chart"):
        spec = json.loads(c.proto.spec)
        data = dataframe_util.convert_arrow_bytes_to_pandas_df(c.proto.datasets[0].data.data) if c.proto.datasets else None
        out.append((spec, data))
    return out


def _runs_layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart's layers (nested layers flattened) that draw the runs (coloured by run)."""
    out, todo = [], list(spec.get("layer", [spec]))
    while todo:
        layer = todo.pop(0)
        if "layer" in layer:
            todo = list(layer["layer"]) + todo
        elif layer.get("encoding", {}).get("color", {}).get("field") == "run":
            out.append(layer)
    return out


def _models() -> tuple[dv.Model, dv.Model]:
    base = dv.Model.loads(models.text("deal"), "deal")
    sceptical = base.copy()
    sceptical.replace("reality", "0.3")
    return base, sceptical


def test_the_deal_models_scenarios_are_offered_only_for_a_deal_model() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(N).run()
    at.session_state["view"] = "Compare"
    at.run()
    scenarios = [f"scenario: {name.replace('_', ' ')}" for name in models.scenario_names()]
    options = list(at.multiselect(key="compare").options)
    assert options[0] == "current inputs" and set(scenarios) <= set(options), options
    at.selectbox(key="source").set_value("shipped model: advocacy.toml").run()
    at.session_state["view"] = "Compare"
    at.run()
    _ok(at)
    # another model shares no headline cell with the deal's scenarios: only its own inputs and input sets
    assert list(at.multiselect(key="compare").options) == ["current inputs"]
    assert list(at.multiselect(key="compare").value) == ["current inputs"]
    assert any("choose two or more" in str(c.value) for c in at.caption)


def test_input_sets_are_compared_as_overlaid_ask_bid_and_surplus() -> None:
    at = _saved_set()
    at.multiselect(key="compare").set_value(["current inputs", SET]).run()
    _ok(at)
    charts = [(s, d) for s, d in _charts(at) if d is not None and "run" in d.columns]
    titles = [s["title"] for s, _ in charts]
    assert titles == ["Surplus ratio F = bid / ask: a deal exists right of 1 (F)", "The AI's ask (ask)", "Our bid (bid)"]
    # one legend (on the first chart), and every chart colours each run alike
    scales = [_runs_layers(s)[0]["encoding"]["color"]["scale"] for s, _ in charts]
    assert all(sc == scales[0] for sc in scales) and scales[0]["domain"] == ["current inputs", SET]
    assert [any(la["encoding"]["color"].get("legend", {}) is not None for la in _runs_layers(s)) for s, _ in charts] \
        == [True, False, False]
    base, sceptical = _models()
    r0, r1 = base.simulate(n=N, seed=SEED), sceptical.simulate(n=N, seed=SEED)
    for (spec, data), cell in zip(charts, ["F", "ask", "bid"]):
        assert set(data["run"]) == {"current inputs", SET}
        assert all(layer["encoding"]["x"]["scale"] == {"type": "log"} for layer in _runs_layers(spec))
        # a second count: numpy alone, on the pooled 0.1%-99.9% log bins, samples beyond them left out
        x0, x1 = (r.get(cell)[np.isfinite(r.get(cell)) & (r.get(cell) > 0)] for r in (r0, r1))
        lo, hi = np.quantile(np.concatenate([x0, x1]), [0.001, 0.999])
        edges = np.logspace(np.log10(lo), np.log10(hi), 61)
        for label, x in (("current inputs", x0), (SET, x1)):
            shown = data[data["run"] == label].sort_values("x")
            expected = np.histogram(x[(x >= lo) & (x <= hi)], bins=edges)[0] / N
            assert np.allclose(shown["x"].to_numpy()[:-1], edges[:-1])
            assert np.allclose(shown["share"].to_numpy()[:-1], expected, atol=1e-12), cell
    # the reality of 0.3 lowers the AI's trust: its ask moves up, our bid does not move
    ask = charts[1][1]
    mean_x = {k: float(np.sum(g["x"] * g["share"]) / g["share"].sum()) for k, g in ask.groupby("run")}
    assert mean_x[SET] > mean_x["current inputs"]


def test_compared_probabilities_are_in_percent_and_match_the_library() -> None:
    at = _saved_set()
    at.multiselect(key="compare").set_value(["current inputs", SET]).run()
    _ok(at)
    [p_table] = [d for d in at.dataframe if "compared" in d.value.columns and
                 json.loads(d.proto.columns)["mean"].get("label") == "P"]
    config = json.loads(p_table.proto.columns)
    for col in ("mean", "stderr", "minus current inputs", "its stderr"):
        assert config[col]["type_config"]["format"] == "percent", col
    base, sceptical = _models()
    p0 = base.simulate(n=N, seed=SEED).prob("feasible")
    p1 = sceptical.simulate(n=N, seed=SEED).prob("feasible")
    rows = p_table.value.set_index("compared")
    assert rows.loc[SET, "mean"] == pytest.approx(p1, abs=1e-12)
    assert rows.loc[SET, "minus current inputs"] == pytest.approx(p1 - p0, abs=1e-12)
    others = [d for d in at.dataframe if "compared" in d.value.columns and d is not p_table]
    assert others and all(json.loads(d.proto.columns)["mean"]["type_config"]["format"] == "compact" for d in others)


def test_histograms_refuse_a_run_in_another_unit() -> None:
    a = dv.Model(); a.add("x", "10 to 100", unit="USD")
    b = dv.Model(); b.add("x", "10 to 100", unit="year")
    with pytest.raises(dv.ArgumentError, match="one unit"):
        plots.histograms({"a": a.simulate(n=100, seed=1), "b": b.simulate(n=100, seed=1)}, "x")
    with pytest.raises(dv.ArgumentError, match="the cell 'y'"):
        plots.histograms({"a": a.simulate(n=100, seed=1)}, "y")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from dealvalue.assess import db as dbmod

    url = f"sqlite:///{tmp_path / 'assessments.sqlite'}"
    monkeypatch.setenv("DEALVALUE_DB", url)
    yield url
    dbmod.forget_stores()


def test_an_input_set_is_recorded_as_an_assessment_from_compare_in_one_step(db: str) -> None:
    assess.add_system("Claude 9", developer="Anthropic", db=db)
    at = _saved_set("0.25")
    at.selectbox(key="cmp_system").set_value("Claude 9")
    at.text_input(key="cmp_assessor").set_value("dana")
    at.text_input(key="cmp_date").set_value("2031-05-01")
    at.button(key="cmp_record").click().run()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    stored = assess.assessments(db=db)
    assert stored["model"].tolist() == ["deal"] and stored["assessor"].tolist() == ["dana"]
    assert str(stored["date"].iloc[0]).startswith("2031-05-01")
    assert assess.inputs(int(stored.index[0]), db=db)[["cell", "formula"]].values.tolist() == [["reality", "0.25"]]
    base = dv.Model.loads(models.text("deal"), "deal")
    base.replace("reality", "0.25")
    assert stored["p_feasible"].iloc[0] == pytest.approx(base.simulate(n=N, seed=SEED).prob("feasible"), abs=1e-12)
    assert any("Recorded input set: sceptical as assessment" in str(s.value) for s in at.success)
