"""Smoke tests of the speed benchmark (bench/run.py) at small n: no timing assertions.

They check that every implementation runs and computes every cell, that the
hand-written numpy model is the same model as dealvalue/models/evidence.toml (same
arithmetic exactly, same distributions in law), and that the benchmark's
subprocess machinery reports what it measured.
"""

from __future__ import annotations

import importlib.util
import math
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
N = 20_000


def _p_and_se(x: np.ndarray) -> tuple[float, float]:
    p = float(np.mean(x))
    return p, math.sqrt(p * (1 - p) / len(x))


@pytest.fixture(scope="module")
def dealvalue_values() -> dict[str, np.ndarray]:
    return dict(bench.dealvalue_run(bench.dealvalue_setup(), N, 1))


def test_every_implementation_computes_every_cell(dealvalue_values: dict[str, np.ndarray]) -> None:
    runs = {
        "numpy": bench.numpy_model(1_000, 1),
        "dealvalue": bench.dealvalue_run(bench.dealvalue_setup(), 1_000, 1),
        "squigglepy": bench.squigglepy_run(bench.squigglepy_setup(), 1_000, 1),
    }
    for name, values in runs.items():
        assert set(values) == set(bench.CELLS), name
        for cell in bench.CELLS:
            arr = np.asarray(values[cell])
            assert arr.shape == (1_000,), (name, cell)
            assert np.isfinite(arr).all(), (name, cell)
        assert set(np.unique(values["feasible"])) <= {0.0, 1.0}
        assert np.all(values["c_ai"] == 0.8)


def test_numpy_arithmetic_matches_dealvalue_exactly(dealvalue_values: dict[str, np.ndarray]) -> None:
    # the hand-written formulas, fed dealvalue's own input samples, give dealvalue's cells
    inputs = {k: dealvalue_values[k] for k in ("R", "W", "reality", "expropriation", "commitment")}
    by_hand = bench.numpy_cells(inputs)
    for cell in bench.CELLS:
        np.testing.assert_allclose(by_hand[cell], dealvalue_values[cell], rtol=1e-12, atol=0, err_msg=cell)


def test_numpy_and_dealvalue_agree_in_distribution(dealvalue_values: dict[str, np.ndarray]) -> None:
    from scipy import stats

    by_hand = bench.numpy_model(N, 2)
    p_np, se_np = _p_and_se(by_hand["feasible"])
    p_dv, se_dv = _p_and_se(dealvalue_values["feasible"])
    assert abs(p_np - p_dv) < 4 * math.hypot(se_np, se_dv)
    # the inputs have the same laws: two-sample Kolmogorov-Smirnov on independent draws
    for cell in ("R", "W", "reality", "expropriation", "commitment", "ask"):
        assert stats.ks_2samp(by_hand[cell], dealvalue_values[cell]).pvalue > 1e-3, cell
    # and the closed forms: 5th and 95th percentiles of `10 to 100` are 10 and 100
    for arr in (by_hand["R"], dealvalue_values["R"]):
        lo, hi = np.quantile(arr, [0.05, 0.95])
        assert lo == pytest.approx(10, rel=0.05) and hi == pytest.approx(100, rel=0.05)
    # E[beta(8, 2)] = 0.8 with sd 0.12 / sqrt(N)
    assert abs(by_hand["reality"].mean() - 0.8) < 4 * 0.1206 / math.sqrt(N)


def test_squigglepy_draws_cells_independently() -> None:
    sp = bench.squigglepy_run(bench.squigglepy_setup(), N, 3)
    p_sp, se_sp = _p_and_se(sp["feasible"])
    p_np, se_np = _p_and_se(bench.numpy_model(N, 4)["feasible"])
    assert abs(p_sp - p_np) < 4 * math.hypot(se_sp, se_np)
    # the benchmark's note: `ask @ n` redraws R and c_h, so ask is not R / c_h sample by sample
    assert not np.allclose(sp["ask"], sp["R"] / sp["c_h"])


def test_worker_reports_runs_and_cells() -> None:
    rep = bench.worker("dealvalue", 1_000, 1, 2)
    assert len(rep["steady"]) == 2 and "first" in rep
    assert set(rep["phases"]) == {"import", "load", "compile", "compile_again", "to_first_result"}
    assert {k: v["samples"] for k, v in rep["cells"].items()} == {c: 1_000 for c in bench.CELLS}
    direct = bench.dealvalue_run(bench.dealvalue_setup(), 1_000, 1)
    assert rep["cells"]["ask"]["mean"] == pytest.approx(float(np.mean(direct["ask"])), rel=1e-12)


def test_whole_benchmark_runs_at_tiny_n(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # subprocesses, interleaving, RSS and the table; Squiggle only if already installed
    # (never installed from a test: no network).  What is asserted is what each
    # implementation computed, never how fast: at n = 1000 a run can print 0.000 s.
    squiggle = shutil.which("node") is not None and bench.SQUIGGLE_PACKAGE.exists()
    raw = tmp_path / "raw.json"
    argv = ["--n", "1000", "--repeats", "1", "--runs", "1", "--json", str(raw)] + ([] if squiggle else ["--no-squiggle"])
    bench.main(argv)  # exit status depends on timings at n = 1000, which are not asserted
    out = capsys.readouterr().out
    rows = json.loads(raw.read_text())
    for name in ("numpy", "dealvalue", "squigglepy"):
        assert next(l for l in out.splitlines() if l.startswith(name + " "))  # a row in the table
        assert {c: rows[name]["cells"][c]["samples"] for c in bench.CELLS} == {c: 1_000 for c in bench.CELLS}
        assert len(rows[name]["steady"]) == 1 and min(rows[name]["peak_mb"]) > 10  # ran; at least an interpreter
    assert "dealvalue / numpy" in out and "squigglepy / dealvalue" in out
    assert "DISAGREEMENT" not in out
    if squiggle:
        assert next(l for l in out.splitlines() if l.startswith("squiggle ")).split()[1] != "skipped:"


def test_the_app_benchmark_prints_its_tables_at_tiny_n() -> None:
    # bench/app_bench.py end to end (no timing asserted): the recompute table, the page against a bare simulate,
    # and a first and a next visit of every tab of the deal model
    import subprocess

    out = subprocess.run([sys.executable, str(ROOT / "bench" / "app_bench.py"), "--samples", "10000", "--repeat", "1",
                          "--page-samples", "10000", "--page-repeat", "2", "--page-warmup", "2"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert "recompute after editing 'reality'" in text and "page / simulate" in text and "ratio within each change" in text
    tabs = ("Deal", "Barriers", "Interventions", "Window", "Alternatives", "Configurations", "Sensitivity",
            "Thresholds & formulas", "Compare", "Assessments", "All cells", "Glossary")
    rows = {line.strip().rsplit(None, 2)[0]: line for line in text.splitlines()
            if line.startswith("  ") and line.strip().rsplit(None, 2)[0] in tabs}
    assert set(rows) == set(tabs), text
