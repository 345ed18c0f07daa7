"""Scale: block randomness, streamed statistics, threads, pickling."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

import dealvalue as dv
from dealvalue.blocks import BLOCK, sample_blocks
from dealvalue.stats import Z_95


def small_model() -> dv.Model:
    m = dv.Model("scale test", seed=3)
    m.add("x", "norm(10, 2)")
    m.add("b", "beta(2, 5)")
    m.add("u", "uniform(0, 1)")
    m.add("y", "x * b + u")
    m.add("hit", "y > 3")
    m.correlate("x", "b", 0.6)
    return m


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_any_chunking_in_whole_blocks_gives_the_same_draws(method: str) -> None:
    m = small_model()
    n = 3 * BLOCK + 1234
    whole = sample_blocks(m, n, 7, method, 0, 4)
    parts = [sample_blocks(m, n, 7, method, a, b) for a, b in [(0, 1), (1, 3), (3, 4)]]
    for leaf, arr in whole.items():
        assert np.array_equal(arr, np.concatenate([p[leaf] for p in parts]))


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_block_draws_match_their_distributions(method: str) -> None:
    m = small_model()
    n = 3 * BLOCK
    leaves = sample_blocks(m, n, 11, method, 0, 3)
    x, b = leaves["x__1"], leaves["b__1"]
    # means within 4 standard errors of the closed forms (norm 10, 2; beta 2/7)
    assert abs(x.mean() - 10) < 4 * 2 / math.sqrt(n)
    assert abs(b.mean() - 2 / 7) < 4 * math.sqrt(2 * 5 / (49 * 8)) / math.sqrt(n)
    # the median of norm(10, 2) within its order-statistic error
    assert abs(np.median(x) - 10) < Z_95 * 2 * 2 * math.sqrt(math.pi / 2) / math.sqrt(4 * n)
    # each block carries the rank correlation 0.6 (Iman-Conover per block)
    from scipy.stats import spearmanr

    for k in range(3):
        s = slice(k * BLOCK, (k + 1) * BLOCK)
        assert abs(spearmanr(x[s], b[s]).statistic - 0.6) < 0.02


def test_lhs_is_stratified_in_each_block() -> None:
    m = dv.Model(); m.add("u", "uniform(0, 1)")
    u = sample_blocks(m, 2 * BLOCK, 5, "lhs", 0, 2)["u__1"]
    for k in range(2):
        block = u[k * BLOCK : (k + 1) * BLOCK]
        assert np.array_equal(np.sort(np.floor(block * BLOCK)), np.arange(BLOCK))


def test_summary_runs_give_the_kept_runs_statistics() -> None:
    m = small_model()
    n = 2 * BLOCK + 999
    full = m.simulate(n, seed=5, threads=1)
    summ = m.simulate(n, seed=5, keep="summary", threads=1)
    assert summ.values == {} and summ.leaves == {}
    for name in ["x", "y", "hit"]:
        # means, sd, standard errors exact up to rounding
        assert summ.mean(name) == pytest.approx(full.mean(name), rel=1e-12, abs=1e-15)
        assert summ.sd(name) == pytest.approx(full.sd(name), rel=1e-9)
        assert summ.stderr(name) == pytest.approx(full.stderr(name), rel=1e-9)
    # the sketch's stated bound: within ALPHA of numpy's "lower" quantile
    from dealvalue.streaming import ALPHA

    for name in ["x", "y", "u"]:
        for q in (0.0, 0.01, 0.05, 0.5, 0.95, 0.999, 1.0):
            true = float(np.quantile(full.get(name), q, method="lower"))
            assert abs(summ.quantile(name, q) - true) <= ALPHA * abs(true) + 1e-300
    assert summ.quantile("hit", 0.5) == full.quantile("hit", 0.5)
    s, f = summ.summary(), full.summary()
    assert list(s.index) == list(f.index) and list(s.columns) == list(f.columns)
    assert np.allclose(s["mean"], f["mean"]) and np.allclose(s["p50"], f["p50"], rtol=2 * ALPHA)
    with pytest.raises(dv.errors.ArgumentError, match="keep"):
        summ.get("x")
    with pytest.raises(ValueError):
        summ.tornado("y")


def test_the_sketch_bound_holds_for_signs_and_heavy_tails() -> None:
    from dealvalue.streaming import ALPHA, Sketch

    rng = np.random.default_rng(0)
    x = np.concatenate([-rng.lognormal(0, 3, 5000), np.zeros(10), rng.lognormal(2, 4, 7000)])
    a, b = Sketch(), Sketch()
    a.add(x[:4000]); b.add(x[4000:])
    s = a.merge(b)
    for q in np.linspace(0, 1, 101):
        true = float(np.quantile(x, q, method="lower"))
        assert abs(s.quantile(q) - true) <= ALPHA * abs(true)


def test_kept_cells_and_exact_quantiles_by_a_second_pass() -> None:
    m = small_model()
    n = 3 * BLOCK
    full = m.simulate(n, seed=2)
    part = m.simulate(n, seed=2, keep=["y"], exact=["x"])
    assert np.array_equal(part.get("y"), full.get("y")) and "x" not in part.values
    for q in (0.05, 0.5, 0.95):
        assert part.quantile("x", q) == full.quantile("x", q)  # exact: same interpolation
    assert part.mean("hit") == pytest.approx(full.mean("hit"), rel=1e-12)


def test_summary_runs_go_past_the_cap_on_kept_samples() -> None:
    from dealvalue.simulate import MAX_SAMPLES, check_n

    with pytest.raises(dv.errors.ArgumentError):
        check_n(MAX_SAMPLES + 1)
    assert check_n(MAX_SAMPLES + 1, maximum=10**11) == MAX_SAMPLES + 1


@pytest.mark.parametrize("keep", ["all", "summary"])
def test_chunk_size_and_threads_do_not_change_a_number(keep: str) -> None:
    m = small_model()
    n = 5 * BLOCK + 17
    runs = [m.simulate(n, seed=9, keep=keep, threads=t, chunk_blocks=c) for t, c in [(1, 2), (2, 2), (3, 1), (2, 5)]]
    base = runs[0]
    for r in runs[1:]:
        for name in m.names:
            if keep == "all":
                assert np.array_equal(r.get(name), base.get(name))
            assert r.mean(name) == base.mean(name) and r.sd(name) == base.sd(name)
            assert r.quantile(name, 0.3) == base.quantile(name, 0.3)


def test_overrides_pin_cells_in_their_units() -> None:
    from dealvalue.units import ureg

    m = dv.Model(seed=1)
    m.add("price", "100 to 200", unit="USD")
    m.add("budget", "150", unit="USD")
    m.add("ok", "budget >= price")
    base = m.simulate(20_000)
    r = m.simulate(20_000, overrides={"budget": ureg.Quantity(10, "kUSD")})
    assert r.mean("ok") == 1.0 and r.mean("budget") == 10_000.0
    assert np.array_equal(r.get("price"), base.get("price"))  # common random numbers
    with pytest.raises(dv.errors.UnitMismatchError):
        m.simulate(100, overrides={"budget": ureg.Quantity(3, "meter")})


def test_models_and_results_pickle_after_simulate() -> None:
    import pickle

    m = dv.Model.load("deal")
    r = m.simulate(3_000, seed=4)
    m2 = pickle.loads(pickle.dumps(m))
    assert m2 == m and str(m2.unit("ask")) == str(m.unit("ask")) if "ask" in m else m2 == m
    r2 = pickle.loads(pickle.dumps(r))
    assert r2.n == r.n and all(np.array_equal(r2.get(k), r.get(k)) for k in r.values)
    # compiled functions are rebuilt on demand: the unpickled model simulates the same numbers
    r3 = m2.simulate(3_000, seed=4)
    assert all(np.array_equal(r3.get(k), r.get(k)) for k in r.values)
    s = m.simulate(3_000, seed=4, keep="summary")
    s2 = pickle.loads(pickle.dumps(s))
    assert s2.mean("feasible") == s.mean("feasible") and s2.summary().equals(s.summary())
    assert r2.summary().equals(r.summary())


def test_sweep_locally_and_on_a_two_worker_local_cluster_agree() -> None:
    """A real LocalCluster with two worker processes; a test that cannot start it fails."""
    from distributed import Client

    from dealvalue.scale import local_cluster

    from dealvalue.scale import simulate_dask, sweep

    m = small_model()
    over = {"u": [0.0, 0.5, 1.0], "b": [0.1, 0.3]}
    local = sweep(m, over, n=BLOCK + 500, seed=8, target="hit")
    assert len(local) == 6 and list(local.columns) == ["u", "b", "mean", "stderr"]
    # hit = x * b + u > 3 with x ~ norm(10, 2): a closed form per point
    from scipy.stats import norm

    for _, row in local.iterrows():
        p = norm.sf((3 - row["u"]) / row["b"], 10, 2)
        assert abs(row["mean"] - p) < 4 * math.sqrt(p * (1 - p) / (BLOCK + 500)) + 1e-9
    with local_cluster(2) as cluster, Client(cluster) as client:
        # the workers started with the allocator setting that keeps chunk arrays on the heap
        from dealvalue.scale import WORKER_ENVIRON

        envs = client.run(lambda: {k: os.environ.get(k) for k in WORKER_ENVIRON})
        assert len(envs) == 2 and all(e == WORKER_ENVIRON for e in envs.values())
        remote = sweep(m, over, n=BLOCK + 500, seed=8, target="hit", client=client)
        assert remote.equals(local)
        n = 5 * BLOCK + 3
        big = simulate_dask(m, n, seed=6, client=client, tasks=3)
        here = m.simulate(n, seed=6, keep="summary", threads=2)
        for name in m.names:
            assert big.mean(name) == here.mean(name) and big.stderr(name) == here.stderr(name)
            assert big.quantile(name, 0.9) == here.quantile(name, 0.9)


def test_cli_run_summary_and_sweep(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from dealvalue.cli import main

    assert main(["run", "evidence", "--samples", "2e5", "--keep", "summary", "--json", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["samples"] == 200_000 and any(c["name"] == "feasible" for c in out["cells"])
    path = tmp_path / "sweep.csv"
    assert main(["sweep", "evidence", "--over", "c_ai=0.2:1:0.4", "--samples", "5000", "--csv", str(path)]) == 0
    import pandas as pd

    t = pd.read_csv(path)
    assert list(t["c_ai"]) == [0.2, 0.6, 1.0] and t["mean"].is_monotonic_increasing
    assert main(["sweep", "evidence", "--over", "c_ai=0.5,0.9", "--samples", "5000", "--json"]) == 0
    assert [r["c_ai"] for r in json.loads(capsys.readouterr().out)] == [0.5, 0.9]
    assert main(["sweep", "evidence", "--over", "c_ai=1:0:1"]) == 2


@pytest.mark.parametrize("over, words", [
    ("c_ai=1:0:0.5", "START <= STOP, STEP > 0"),
    ("c_ai=0:1:0", "START <= STOP, STEP > 0"),
    ("c_ai=nan,1", "finite numbers"),
    ("c_ai=0:inf:1", "finite numbers"),
    ("c_ai=0:1e9:1e-9", "at most 1,000,000 values per cell (this range has 1,000,000,000,000,000,001)"),
    ("=1,2", "CELL=START:STOP:STEP"),
])
def test_cli_sweep_refuses_bad_ranges_at_once(over: str, words: str, capsys) -> None:  # type: ignore[no-untyped-def]
    """A range too big to build, or not a range, is refused before any model is
    loaded or any list is built (a billion-point range used to hang)."""
    from dealvalue.cli import main

    assert main(["sweep", "evidence", "--over", over]) == 2
    err = capsys.readouterr().err
    assert "--over" in err and words in err and over[:10] in err


def test_sweep_refuses_a_grid_over_the_limit_and_a_csv_in_a_missing_folder(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from dealvalue.cli import main
    from dealvalue.scale import grid

    m = small_model()
    with pytest.raises(dv.DealValueError, match=r"a grid of at most 1,000,000 points \(this one has 1,000,000,000\)"):
        grid(m, {"u": range(1000), "b": range(1000), "x": range(1000)})
    missing = tmp_path / "no" / "t.csv"
    assert main(["sweep", "evidence", "--over", "c_ai=0.5", "--csv", str(missing)]) == 2
    assert "--csv" in capsys.readouterr().err and not missing.parent.exists()


PINNED = Path(__file__).parent / "data" / "evidence_samples.json"


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_sampling_stays_as_it_was(method: str) -> None:
    """The evidence model's samples as the block sampling of issue 13 drew them
    (tests/data/evidence_samples.json: each cell's mean and its samples at block
    edges), for any thread count and chunking.  Compared to 1e-12 rather than bit
    for bit, so a CPU whose exp/log differ in the last bit still passes while any
    change of the sampling scheme fails."""
    want = json.loads(PINNED.read_text())[method]
    m = dv.Model.load("evidence")
    for threads, chunk_blocks in [(1, 2), (2, 1)]:
        r = m.simulate(n=140_000, seed=3, method=method, threads=threads, chunk_blocks=chunk_blocks)
        got = {k: v for group in (r.values, r.leaves) for k, v in group.items()}
        assert sorted(got) == sorted(want)
        for k, pin in want.items():
            assert float(np.mean(got[k])) == pytest.approx(pin["mean"], rel=1e-12, abs=1e-15)
            assert [float(got[k][i]) for i in (0, 65_535, 65_536, 139_999)] == pytest.approx(pin["at"], rel=1e-12, abs=1e-15)


def test_kept_runs_share_leaf_arrays_but_not_overridden_ones() -> None:
    m = small_model()
    n = 2 * BLOCK + 5
    r = m.simulate(n, seed=2)
    assert np.shares_memory(r.get("x"), r.leaves["x__1"])  # a cell that is one literal is its leaf
    pinned = m.simulate(n, seed=2, overrides={"x": 4.0})
    assert (pinned.get("x") == 4.0).all() and np.array_equal(pinned.leaves["x__1"], r.leaves["x__1"])
    part = m.simulate(n, seed=2, keep=["x", "hit"], threads=2)
    assert np.array_equal(part.get("x"), r.get("x")) and np.array_equal(part.get("hit"), r.get("hit"))


@pytest.mark.parametrize("argv, words", [
    (["run", "evidence", "--export", "{tmp}/x.csv"], "argument '--export': expected a workbook's name ending in .xlsx"),
    (["run", "evidence", "--export", "{tmp}"], "argument '--export': expected a workbook's name ending in .xlsx"),
    (["run", "evidence", "--export", "{tmp}/folder.xlsx"], "argument '--export': expected a file's name (this is a folder)"),
    (["run", "evidence", "--seed", "-1"], "argument '--seed': expected a whole number >= 0 (leave --seed out"),
    (["run", "evidence", "--samples", "1e8"], "(up to 100,000,000,000 with --keep summary)"),
    (["sweep", "evidence", "--over", "c_ai=0.5", "--csv", "{tmp}"], "argument '--csv': expected a file's name (this is a folder)"),
    (["sweep", "evidence", "--over", "c_ai=0.5", "--over", "c_ai=0.6"], "each cell once ('c_ai' is already swept"),
    (["sweep", "evidence", "--over", "c_ai=0.5", "--target", "nosuch"], "argument '--target': expected a cell of the model"),
    (["sweep", "evidence", "--over", "c_ai=0.5", "--seed", "-2"], "argument '--seed'"),
])
def test_cli_refuses_bad_options_before_simulating(argv: list[str], words: str, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Refused in the command line's words, before any simulation runs (a new-user review found a wrong file
    suffix, a folder as --csv and a repeated --over refused only after minutes of simulation, or not at all)."""
    from dealvalue.cli import main

    (tmp_path / "folder.xlsx").mkdir()
    ran: list[int] = []
    monkeypatch.setattr(dv.Model, "simulate", lambda self, *a, **k: ran.append(1))
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    assert words in capsys.readouterr().err and not ran
