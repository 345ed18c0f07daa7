"""from_squiggle: the common subset of Squiggle, checked against Squiggle itself.

The comparison runs each program in tests/squiggle/ with @quri/squiggle-lang on
Node (bench/squiggle/stats.mjs; `.ci/squiggle` installs the package) and with
dealvalue, and checks every binding's mean and 5/25/50/75/95% quantiles within
Monte Carlo error.  Without Node or the package the comparison skips, except
under CI=true, where it fails.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import dealvalue as dv

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "squiggle"
PROGRAMS = sorted((Path(__file__).parent / "squiggle").glob("*.squiggle"))
N = 100_000
Z = 4.5  # a comparison this many standard errors off fails (about 1 in 150,000 per check)


def squiggle(program: Path) -> dict:
    node = shutil.which("node")
    if node is None or not (BENCH / "node_modules" / "@quri" / "squiggle-lang").is_dir():
        why = "Node and @quri/squiggle-lang are needed (run .ci/squiggle: npm ci --prefix bench/squiggle)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    out = subprocess.run([node, str(BENCH / "stats.mjs"), str(N), "1"], input=program.read_text(), text=True,
                         capture_output=True, check=True, timeout=300)
    return json.loads(out.stdout)


def test_there_are_at_least_five_programs_with_the_readme_example() -> None:
    assert len(PROGRAMS) >= 5
    assert "piano_tuners.squiggle" in {p.name for p in PROGRAMS}


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_means_and_quantiles_match_squiggle(program: Path) -> None:
    expected = squiggle(program)
    model = dv.from_squiggle(program.read_text(), path=program.name)
    r = model.simulate(n=N, seed=7)
    levels = expected["levels"]
    assert set(expected["cells"]) <= set(model.names)
    for name, sq in expected["cells"].items():
        x = r.get(name)
        if sq["sd"] == 0 or np.ptp(x) == 0:  # a constant on both sides
            assert np.ptp(x) == 0 and x[0] == pytest.approx(sq["mean"], rel=1e-12), name
            continue
        se = math.sqrt(sq["sd"] ** 2 / N + float(np.var(x, ddof=1)) / N)
        assert abs(r.mean(name) - sq["mean"]) <= Z * se, (name, r.mean(name), sq["mean"], se)
        # each of Squiggle's quantiles sits at its level in dealvalue's samples, within the
        # binomial error of two independent runs (at an atom, anywhere in its jump)
        for q, value in zip(levels, sq["quantiles"]):
            below, upto = float(np.mean(x < value)), float(np.mean(x <= value))
            tol = Z * math.sqrt(2 * q * (1 - q) / N) + 1 / N
            assert below - tol <= q <= upto + tol, (name, q, below, upto)


def test_the_readme_example_reads_labels_and_docs() -> None:
    m = dv.from_squiggle((Path(__file__).parent / "squiggle" / "piano_tuners.squiggle").read_text())
    c = m.cell("populationOfNewYork2022")
    assert (c.formula, c.label, c.description) == ("to(8100000, 8400000)", "Population of New York in 2022",
                                                   "I'm really not sure here, this is a quick guess.")
    assert m.cell("proportionOfPopulationWithPianos").formula == "to(0.002, 0.01)"
    assert m.cell("pianoTunersPerPiano").formula == "1 / to(2000, 50000)"


def test_a_mixture_of_bindings_is_joint_with_them() -> None:
    m = dv.from_squiggle("a = 1 to 5\nb = uniform(10, 20)\nc = mixture(a, b, [0.25, 0.75])")
    assert m.cell("c_pick").formula == "uniform(0, 1)"
    r = m.simulate(n=20_000, seed=1)
    c, a, b = r.get("c"), r.get("a"), r.get("b")
    assert np.all((c == a) | (c == b))
    assert abs(np.mean(c == a) - 0.25) < 0.02


def test_squiggle_precedence_and_numbers() -> None:
    m = dv.from_squiggle("a = -2^2\nb = 2^3^2\nc = 10 - 2 - 3\nd = 12 / 2 / 3\ne = 5%\nf = 2m + 1k\ng = 1_000")
    assert [m.evaluate(n) for n in "abcdefg"] == [4, 512, 5, 2, 0.05, 1000.002, 1000]


@pytest.mark.parametrize("text, line, column, words", [
    ("x = 1\ny = foo(2)", 2, 5, "function 'foo' is not in the subset"),
    ("x = 1 to -1", 1, 7, "needs 0 < low < high"),
    ("f(x) = x", 1, 1, "expected a top-level binding"),
    ("x = 1\nx + 1", 2, 1, "expected a top-level binding"),
    ("x = 1\nx = 2", 2, 1, "bound twice"),
    ("x = normal(0, -1)", 1, 5, "expected sd > 0"),
    ("x = {a: 1}", 1, 5, "expected a number"),
    ("x = 1 /* oops", 1, 7, "unterminated comment"),
    ("x = y", 1, 5, "unknown name 'y'"),
    ("x = normal(1 to 2, 1)", 1, 5, "must be numbers"),
    ("x = 1 .+ 2", 1, 7, "unexpected '.'"),
    ("@hello\nx = 1", 1, 2, "decorator @hello"),
    ("x = 1 # 2", 1, 7, "unexpected character '#'"),
    ("x = List.make(3, 1)", 1, 5, "unknown name 'List'"),
    ("beta = 3", 1, 8, "reserved"),
])
def test_anything_else_is_refused_with_line_and_column(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(dv.PeerModelError) as info:
        dv.from_squiggle(text, path="m.squiggle")
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert words in str(err) and str(err).startswith(f"m.squiggle, line {line}, column {column}: ")
    assert isinstance(err, dv.ModelFileError) and isinstance(err, ValueError)
    assert str(pickle.loads(pickle.dumps(err))) == str(err)


def test_refuses_what_is_not_text() -> None:
    with pytest.raises(dv.PeerModelError, match="as text"):
        dv.from_squiggle(b"x = 1")  # type: ignore[arg-type]


def test_the_cli_runs_squiggle_code(capsys: pytest.CaptureFixture[str]) -> None:
    from dealvalue.cli import main

    path = Path(__file__).parent / "squiggle" / "evidence.squiggle"
    assert main(["run", str(path), "--json", "-n", "2000", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "evidence" and out["samples"] == 2000
    assert [c["name"] for c in out["cells"]][:3] == ["r", "w", "reality"]
