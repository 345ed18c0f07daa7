"""from_guesstimate: hand-written exports read with Guesstimate's documented meaning
(its `a to b`: a lognormal 90% interval when both ends are positive, normal otherwise;
5,000 samples per metric)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import dealvalue as dv
from dealvalue.peers import GUESSTIMATE_SAMPLES
from dealvalue.stats import Z_90

HERE = Path(__file__).parent / "guesstimate"
Z = 4.5


def within(x: np.ndarray, q: float, value: float) -> bool:
    """``value`` is the q-quantile of samples ``x`` within binomial error."""
    return abs(float(np.mean(x <= value)) - q) <= Z * math.sqrt(q * (1 - q) / x.size)


def test_saas_export_cells_and_formulas() -> None:
    m = dv.from_guesstimate(HERE / "saas.json")
    assert m.name == "SaaS revenue"
    assert [(c.name, c.formula) for c in m.cells] == [
        ("visitors_per_month", "to(10000, 100000)"),
        ("conversion_rate", "uniform(0.01, 0.05)"),
        ("price_usd", "20"),
        ("revenue_per_month", "visitors_per_month * conversion_rate * price_usd"),
        ("churn_change", f"norm(2, {8 / (2 * Z_90)!r})"),
        ("revenue_per_year", "revenue_per_month * 12 * (1 - churn_change / 100)"),
    ]
    assert m.cell("visitors_per_month").label == "Visitors per month"
    assert m.cell("visitors_per_month").description == "from analytics"


def test_saas_export_has_guesstimates_semantics_in_5000_samples() -> None:
    m = dv.from_guesstimate((HERE / "saas.json").read_text())
    r = m.simulate(n=GUESSTIMATE_SAMPLES, seed=3)
    assert r.n == 5_000
    v = r.get("visitors_per_month")   # lognormal: the ends are its 5% and 95% quantiles
    assert within(v, 0.05, 10_000) and within(v, 0.95, 100_000) and within(v, 0.5, math.sqrt(1e9))
    c = r.get("conversion_rate")      # uniform between the ends
    assert c.min() >= 0.01 and c.max() <= 0.05 and within(c, 0.5, 0.03)
    ch = r.get("churn_change")        # normal: a negative end
    assert within(ch, 0.05, -2) and within(ch, 0.95, 6) and abs(r.mean("churn_change") - 2) < Z * r.stderr("churn_change")
    rev = r.get("revenue_per_month")
    assert np.allclose(rev, v * c * 20)
    assert np.allclose(r.get("revenue_per_year"), rev * 12 * (1 - ch / 100))
    # E[lognormal] * E[uniform] * 20 (independent metrics)
    mu, s = math.log(math.sqrt(1e9)), math.log(10) / (2 * Z_90)
    exact = math.exp(mu + s * s / 2) * 0.03 * 20
    assert abs(r.mean("revenue_per_month") - exact) <= Z * r.stderr("revenue_per_month")


def test_charity_export_with_functions_and_forced_types() -> None:
    data = json.loads((HERE / "charity.json").read_text())
    m = dv.from_guesstimate(data)
    assert m.name == "guesstimate model"
    f = {c.name: c.formula for c in m.cells}
    assert f["cost_per_net"] == f"norm(5, {2 / (2 * Z_90)!r})"      # NORMAL forced on positive ends
    assert f["nets"] == "1000000"
    assert f["lives_saved_per_1000_nets"] == "to(0.5, 3)"
    assert f["cost_per_life"] == "total_cost / max(lives_saved, 1)"
    assert f["adjustment"] == "triangular(0.5, 0.8, 1)"
    r = m.simulate(n=GUESSTIMATE_SAMPLES, seed=4)
    assert abs(r.mean("total_cost") - 5e6) <= Z * r.stderr("total_cost")
    lives = r.get("lives_saved")
    assert np.allclose(lives, 1000 * r.get("lives_saved_per_1000_nets") * r.get("adjustment"))
    assert within(r.get("lives_saved_per_1000_nets"), 0.05, 0.5) and within(r.get("lives_saved_per_1000_nets"), 0.95, 3)


def test_the_cli_runs_a_guesstimate_export_with_5000_samples(capsys: pytest.CaptureFixture[str]) -> None:
    from dealvalue.cli import main

    assert main(["run", str(HERE / "saas.json"), "--json", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["samples"] == 5_000 and out["model"] == "SaaS revenue"
    assert {c["name"] for c in out["cells"]} >= {"revenue_per_year"}


@pytest.mark.parametrize("guesstimate, words", [
    ({"input": "=AB * ZZ", "guesstimateType": "FUNCTION"}, "unknown metric 'ZZ'"),
    ({"input": "=AB * ", "guesstimateType": "FUNCTION"}, "expected a number"),
    ({"input": "=sin(AB)", "guesstimateType": "FUNCTION"}, "function 'sin' is not in the subset"),
    ({"input": "", "guesstimateType": "DATA", "data": [1, 2, 3]}, "sample data"),
    ({"input": "-1 to 5", "guesstimateType": "LOGNORMAL"}, "positive ends"),
    ({"input": "5 to 1"}, "low < high"),
    ({"input": "about ten"}, "expected a number, 'a to b'"),
    ({"input": ""}, "has no value"),
])
def test_what_cannot_be_read_is_refused_naming_the_metric(guesstimate: dict, words: str) -> None:
    export = {"graph": {"metrics": [{"id": "a", "readableId": "AB", "name": "Base"}, {"id": "b", "readableId": "CD", "name": "Odd one"}],
                        "guesstimates": [{"metric": "a", "input": "1 to 2"}, {"metric": "b", **guesstimate}]}}
    with pytest.raises(dv.PeerModelError) as info:
        dv.from_guesstimate(export)
    assert words in str(info.value) and "metric 'Odd one'" in str(info.value)


def test_not_an_export_is_refused() -> None:
    with pytest.raises(dv.PeerModelError, match="not JSON"):
        dv.from_guesstimate("{oops")
    with pytest.raises(dv.PeerModelError, match="a 'graph' with 'metrics'"):
        dv.from_guesstimate({"metrics": 3})
