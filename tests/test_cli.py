"""The command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dealvalue.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODEL = str(ROOT / "dealvalue" / "models" / "evidence.toml")


def test_run_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", MODEL, "--samples", "2000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "evidence for cash: 2,000 samples, seed 3" in out
    assert "feasible" in out and "nonfinite" in out


def test_run_json_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    import dealvalue as dv

    assert main(["run", MODEL, "-n", "2000", "--seed", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    r = dv.Model.load(MODEL).simulate(n=2000, seed=3)
    row = next(c for c in data["cells"] if c["name"] == "feasible")
    assert row["mean"] == pytest.approx(r.mean("feasible"))
    assert data["samples"] == 2000 and data["seed"] == 3


def test_errors_are_one_line_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "dealvalue-model"\nversion = 1\n[[cells]]\nname = "a"\nformula = "b"\n')
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dealvalue: error: ") and "unknown cell 'b'" in err and "Traceback" not in err
    assert main(["run", str(tmp_path / "missing.toml")]) == 2


def test_module_entry_point_and_progress_bar() -> None:
    run = [sys.executable, "-m", "dealvalue", "run", MODEL, "-n", "200000", "--seed", "1"]
    proc = subprocess.run([*run, "--progress"], capture_output=True, text=True, check=True, timeout=120)
    assert "200,000 samples" in proc.stdout
    assert "simulating" in proc.stderr  # the progress bar goes to stderr
    # standard error is a pipe, not a terminal: no bar unless asked for
    quiet = subprocess.run(run, capture_output=True, text=True, check=True, timeout=120)
    assert quiet.stdout == proc.stdout and "simulating" not in quiet.stderr
    sweep = [sys.executable, "-m", "dealvalue", "sweep", MODEL, "--over", "c_ai=0.5,0.8", "-n", "2000", "--seed", "1"]
    shown = subprocess.run([*sweep, "--progress"], capture_output=True, text=True, check=True, timeout=120)
    hidden = subprocess.run(sweep, capture_output=True, text=True, check=True, timeout=120)
    assert "points" in shown.stderr and "points" not in hidden.stderr and shown.stdout == hidden.stdout
