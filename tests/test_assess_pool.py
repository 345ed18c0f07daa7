"""Pooling and trends: three assessors' views of one system at two dates, against SQLite and PostgreSQL.

The pooled P(feasible) is checked against a hand-built mixture model (one
``who`` draw per sample picks an assessor, whose formulas give every input of
that sample), and the trend against separate simulations of each view.
"""

from __future__ import annotations

import math
import os
from typing import Iterator

import numpy as np
import pytest

pytest.importorskip("sqlalchemy")

from dealvalue import assess, deals  # noqa: E402
from dealvalue.assess.compute import assessed_model  # noqa: E402
from dealvalue.errors import ArgumentError, AssessmentError  # noqa: E402

from _assess import BACKENDS, make_db  # noqa: E402

N = 5_000  # samples per recorded assessment
VIEWS = {  # date -> assessor -> inputs
    "2031-03-01": {"alice": {"reality": "beta(2, 8)", "commitment": "beta(7, 3)"},
                   "bob": {"reality": "beta(5, 5)"},
                   "carol": {"reality": "beta(8, 2)", "commitment": "beta(4, 6)"}},
    "2031-09-01": {"alice": {"reality": "beta(4, 6)"},
                   "bob": {"reality": "beta(8, 2)", "commitment": "beta(8, 2)"},
                   "carol": {"reality": "beta(9, 1)", "commitment": "beta(4, 6)"}},
}
SEEDS = {"alice": 11, "bob": 12, "carol": 13}


@pytest.fixture(scope="module", params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for u in make_db(request.param, tmp_path_factory.mktemp(request.param)):
        assess.add_system("Claude 9", developer="Anthropic", db=u)
        for day, views in VIEWS.items():
            for who, given in views.items():
                assess.add("deal", system="Claude 9", assessor=who, date=day, inputs=given, n=N, seed=SEEDS[who], db=u)
        yield u


def mixture_model(views: dict[str, dict[str, str]]) -> "deals.Model":  # type: ignore[name-defined]
    """The linear pool built by hand: ``who`` picks the assessor of each sample."""
    base = deals.deal_model()
    m = base.copy()
    names = sorted(views)
    m.add("who", "uniform(0, 1)")
    for cell in sorted({c for v in views.values() for c in v}):
        formulas = [views[a].get(cell, base.cell(cell).formula) for a in names]
        expr = formulas[-1]
        for k in range(len(names) - 2, -1, -1):
            expr = f"if(who < {(k + 1) / len(names)!r}, {formulas[k]}, {expr})"
        m.replace(cell, expr)
    return m


def test_the_pool_is_the_weighted_mean_and_matches_a_hand_built_mixture(url: str) -> None:
    p = assess.pool("Claude 9", date="2031-03-01", n=40_000, seed=3, db=url)
    assert p.index.tolist() == ["alice", "bob", "carol", "pooled"]
    assert p.loc["pooled", "p_feasible"] == pytest.approx(p.loc[["alice", "bob", "carol"], "p_feasible"].mean(), abs=1e-12)
    for who, given in VIEWS["2031-03-01"].items():  # common random numbers: each is the separate run at the pool's seed
        assert p.loc[who, "p_feasible"] == deals.simulate(assessed_model(deals.deal_model(), given), 40_000, 3).mean("feasible")
    r = mixture_model(VIEWS["2031-03-01"]).simulate(n=200_000, seed=5)
    se = math.hypot(p.loc["pooled", "stderr"], r.stderr("feasible"))
    assert abs(p.loc["pooled", "p_feasible"] - r.mean("feasible")) < 4 * se
    spread = p.loc[["alice", "bob", "carol"], "p_feasible"]
    assert spread.max() - spread.min() > 20 * se  # the test can tell the views apart
    # a joint sample of the pool: each row from one assessor, chosen with equal weights
    s = assess.pooled_samples("Claude 9", date="2031-03-01", n=60_000, seed=3, db=url)
    assert set(s["assessor"]) == {"alice", "bob", "carol"}
    assert abs(s["feasible"].mean() - r.mean("feasible")) < 4 * math.hypot(s["feasible"].std() / math.sqrt(len(s)), r.stderr("feasible"))
    assert abs((s["assessor"] == "alice").mean() - 1 / 3) < 0.01


def test_weights_are_respected_and_checked(url: str) -> None:
    p = assess.pool("Claude 9", date="2031-03-01", weights={"alice": 2, "bob": 1, "carol": 1}, n=10_000, db=url)
    expected = (2 * p.loc["alice", "p_feasible"] + p.loc["bob", "p_feasible"] + p.loc["carol", "p_feasible"]) / 4
    assert p.loc["pooled", "p_feasible"] == pytest.approx(expected, abs=1e-12)
    assert p["weight"].tolist() == [0.5, 0.25, 0.25, 1.0]
    with pytest.raises(ArgumentError, match="no current assessment by dave"):
        assess.pool("Claude 9", weights={"dave": 1}, n=1_000, db=url)
    with pytest.raises(ArgumentError, match="positive sum"):
        assess.pool("Claude 9", weights={"alice": 0}, n=1_000, db=url)
    with pytest.raises(AssessmentError, match="no current assessment"):
        assess.pool("Claude 9", date="2020-01-01", n=1_000, db=url)


def test_disagreement_ranks_the_inputs_the_assessors_set_differently(url: str) -> None:
    d = assess.disagreement("Claude 9", date="2031-03-01", n=20_000, seed=1, db=url)
    assert d.index.tolist() == ["reality", "commitment"]  # the views of reality are far apart
    assert (d["spread"] == d["high"] - d["low"]).all() and d["spread"].is_monotonic_decreasing
    # column j: everyone takes j's view of the input; carol's view of reality is the most optimistic
    assert d.loc["reality", "carol"] == d.loc["reality", "high"] and d.loc["reality", "alice"] == d.loc["reality", "low"]
    # bob's view of commitment is the model's default, the same as alice's: the same pooled value
    assert d.loc["commitment", "alice"] == d.loc["commitment", "bob"]


def test_the_trend_shows_stored_results_per_assessor_and_pooled(url: str) -> None:
    t = assess.trend("Claude 9", db=url)
    assert [(str(r.date), r.assessor) for r in t.itertuples()] == [
        (d, a) for d in VIEWS for a in ("alice", "bob", "carol", "pooled")]
    assert set(t["source"]) == {"stored"}
    for r in t[t["assessor"] != "pooled"].itertuples():  # each is a separate simulation of that view
        sim = deals.simulate(assessed_model(deals.deal_model(), VIEWS[str(r.date)][r.assessor]), N, SEEDS[r.assessor])
        assert r.p_feasible == sim.mean("feasible") and r.stderr == pytest.approx(sim.stderr("feasible"))
        assert r.window_start is None or np.isnan(r.window_start) or r.window_start <= r.window_end
    for day in VIEWS:
        rows = t[t["date"].astype(str) == day].set_index("assessor")
        assert rows.loc["pooled", "p_feasible"] == pytest.approx(rows.loc[["alice", "bob", "carol"], "p_feasible"].mean())
        assert rows.loc["pooled", "stderr"] == pytest.approx(math.sqrt((rows.loc[["alice", "bob", "carol"], "stderr"] ** 2).sum()) / 3)
    later = t[t["date"].astype(str) == "2031-09-01"].set_index("assessor")
    earlier = t[t["date"].astype(str) == "2031-03-01"].set_index("assessor")
    assert later.loc["pooled", "p_feasible"] > earlier.loc["pooled", "p_feasible"]  # the views grew more optimistic


def test_a_trend_recomputed_with_todays_model_is_marked(url: str) -> None:
    stored = assess.trend("Claude 9", db=url, pooled=False)
    again = assess.trend("Claude 9", recompute=True, n=10_000, db=url)
    assert set(again["source"]) == {"recomputed"}
    per = again[again["assessor"] != "pooled"].reset_index(drop=True)
    assert per["p_feasible"].tolist() == stored["p_feasible"].tolist()  # today's deal model is the one stored
    pooled = again[again["assessor"] == "pooled"].set_index("date")
    direct = assess.pool("Claude 9", date="2031-09-01", n=10_000, seed=0, db=url).loc["pooled", "p_feasible"]
    assert pooled["p_feasible"].iloc[-1] == pytest.approx(direct, abs=1e-12)
