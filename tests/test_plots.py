"""Plots: Altair charts whose specs carry the library's numbers and units."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals, plots
from dealvalue.deals import plots as deal_plots


@pytest.fixture(scope="module")
def results() -> dv.Results:
    m = dv.Model("plots")
    m.add("R", "10 to 100", unit="USD")
    m.add("W", "50 to 500", unit="USD")
    m.add("c_h", "beta(8, 2)")
    m.add("ask", "R / c_h")
    m.add("feasible", "W >= ask")
    return m.simulate(n=3_000, seed=1)


def values(spec: dict, layer: int | None = None) -> list[dict]:
    """The data rows of the chart (or of one of its layers)."""
    data = (spec if layer is None else spec["layer"][layer])["data"]
    return spec["datasets"][data["name"]] if "name" in data else data["values"]


def test_histogram_overlays_cells_with_units_on_the_axis(results: dv.Results) -> None:
    chart = plots.histogram(results, ["R", "ask"], bins=20)
    spec = chart.to_dict()
    enc = spec["encoding"]
    assert enc["x"] == {"field": "start", "type": "quantitative", "title": "value (USD)"}
    assert enc["x2"]["field"] == "end" and enc["y"]["field"] == "share" and enc["y"]["stack"] is None
    assert enc["color"]["field"] == "cell"
    assert spec["title"]["text"] == "Distribution of R, ask"
    rows = values(spec)
    expected = results.histogram(["R", "ask"], bins=20)
    assert len(rows) == len(expected) == 40
    assert np.allclose([r["share"] for r in rows], expected["share"])
    assert np.allclose([r["start"] for r in rows], expected["start"])


def test_one_cell_names_itself_on_the_axis_and_log_scales(results: dv.Results) -> None:
    spec = results.plot("ask", log=True, where="feasible", bins=10).to_dict()
    assert spec["encoding"]["x"]["title"] == "ask (USD)"
    assert spec["encoding"]["x"]["scale"] == {"type": "log"}
    assert "where feasible is 1" in spec["title"]["subtitle"]
    expected = results.histogram("ask", bins=10, log=True, where="feasible")
    assert np.allclose([r["share"] for r in values(spec)], expected["share"])


def test_histogram_refuses_mixed_units_and_no_cells(results: dv.Results) -> None:
    with pytest.raises(dv.ArgumentError, match="one unit"):
        plots.histogram(results, ["R", "c_h"])
    with pytest.raises(dv.ArgumentError, match="at least one cell"):
        plots.histogram(results, [])


def test_tornado_bars_are_the_library_swings(results: dv.Results) -> None:
    spec = plots.tornado(results, "ask").to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["title"] == "ask (USD)"
    assert bars["encoding"]["y"]["sort"] == list(results.tornado("ask").index)
    t = results.tornado("ask")
    rows = values(spec, 0)
    got = {r["input"]: (r["from"], r["to"]) for r in rows}
    for name, row in t.iterrows():
        assert got[name] == pytest.approx((min(row["at_low"], row["at_high"]), max(row["at_low"], row["at_high"])))
    assert values(spec, 1) == [{"base": pytest.approx(results.model.evaluate("ask"))}]


def test_waterfall_steps_sum_to_ln_f() -> None:
    m = deals.core_model()
    spec = deal_plots.waterfall(m).to_dict()
    rows = values(spec, 0)
    d = deals.decomposition(m)
    assert [r["label"] for r in rows] == list(d["label"])
    steps = rows[:-1]
    assert [r["start"] for r in steps[1:]] == pytest.approx([r["end"] for r in steps[:-1]])
    assert rows[-1]["start"] == 0 and rows[-1]["end"] == pytest.approx(d.loc["ln F", "log_units"])
    assert [r["kind"] for r in rows] == ["helps", "hurts", "hurts", "total (ln F)"]
    assert spec["layer"][0]["encoding"]["y"]["title"] == "log units (ln of the factor on F)"
    assert deal_plots.waterfall(d).to_dict()["datasets"] == spec["datasets"]


def test_zopa_chart_carries_the_zopa_quantiles() -> None:
    m = deals.core_model(R=40)
    m.replace("R", "20 to 80")
    r = m.simulate(n=2_000, seed=1)
    spec = deal_plots.zopa(r).to_dict()
    z = deals.zopa(r)
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    by = {row["quantity"]: row for row in rows}
    assert by["ask | feasible"]["p50"] == pytest.approx(z.loc["ask | feasible", 0.5])
    assert by["bid | feasible"]["p95"] == pytest.approx(z.loc["bid | feasible", 0.95])
    assert spec["layer"][0]["encoding"]["x"]["title"] == "price (USD)"
    assert f"{r.mean('feasible'):.1%}" in spec["title"]["subtitle"]


def test_window_chart_plots_p_feasible() -> None:
    frame = deals.window(deals.core_model(), axis="R", values=[10, 25, 60, 90], n=200)
    spec = deal_plots.window(frame).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert [r["R"] for r in rows] == [10, 25, 60, 90]
    assert [r["p_feasible"] for r in rows] == list(frame["p_feasible"])
    assert spec["layer"][1]["encoding"]["y"]["field"] == "p_feasible"
    assert all(0 <= r["lo"] <= r["p_feasible"] <= r["hi"] <= 1 for r in rows)
