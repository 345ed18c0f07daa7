"""Budgets of time and memory (issue 11: "the app runs user models with a
memory and time budget and says so when one is exceeded").

No test here asserts how long anything took: a time budget of a nanosecond
is over before any chunk of samples is done, on any machine, and the solve
that must be stopped takes seconds where the budget gives a fraction of one.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import sympy

import dealvalue as dv
from dealvalue.budgets import BudgetExceeded, current, solve_within
from dealvalue.simulate import BLOCK, run_bytes


def small_model() -> dv.Model:
    m = dv.Model("budget")
    m.add("x", "norm(0, 1)")
    m.add("y", "x ** 2")
    m.add("z", "y + x")
    return m


def test_run_bytes_by_hand() -> None:
    # 1e6 samples, two leaves and three cells kept; two-block chunks, one thread: two chunks in flight,
    # each 2 * 65,536 rows of 5 arrays
    assert run_bytes(1_000_000, 2, 3, 5, [(0, 2), (2, 4), (4, 6)], 1) == 8 * (1_000_000 * 5 + 2 * 2 * BLOCK * 5)
    # the last chunk is short: the longest chunk sets the rows
    assert run_bytes(100, 0, 0, 1, [(0, 1)], 4) == 8 * 100


def test_memory_refused_before_the_run_names_n_and_the_estimate() -> None:
    m = small_model()
    need = run_bytes(40_000_000, 1, 2, 1 + 3, [(0, 2)] * 2, 1)  # x is its leaf's array: leaf x__0, cells y, z copied
    with dv.budget(memory_mb=100), pytest.raises(BudgetExceeded) as info:
        m.simulate(n=40_000_000, seed=1, threads=1)
    msg = str(info.value)
    assert "simulate(n=40,000,000)" in msg and "100 MB" in msg and "keep='summary'" in msg
    assert f"about {need / 2**20:,.0f} MB" in msg
    assert isinstance(info.value, dv.DealValueError)


def test_statistics_only_fits_where_samples_do_not() -> None:
    m = small_model()
    with dv.budget(memory_mb=20):
        with pytest.raises(BudgetExceeded):
            m.simulate(n=1_000_000, seed=3, threads=1)
        s = m.simulate(n=1_000_000, seed=3, threads=1, keep="summary")
    full = m.simulate(n=1_000_000, seed=3, threads=1)  # no budget: the same numbers, kept
    assert s.mean("y") == pytest.approx(full.mean("y"), rel=1e-12)
    assert s.mean("y") == pytest.approx(1.0, abs=5 * full.stderr("y"))  # E[x^2] = 1


def test_time_budget_stops_between_chunks_and_says_how_far() -> None:
    m = small_model()
    m.compile()  # compiled outside the budget: what is stopped is the sampling
    with dv.budget(seconds=1e-9), pytest.raises(BudgetExceeded) as info:
        m.simulate(n=5 * BLOCK, seed=1, threads=1, chunk_blocks=1, keep="summary")
    msg = str(info.value)
    assert "simulate(n=327,680)" in msg and "stopped after" in msg and "samples" in msg


def test_time_budget_stops_compiling() -> None:
    m = small_model()
    with dv.budget(seconds=1e-9), pytest.raises(BudgetExceeded, match="compiling the model"):
        m.compile()
    assert m.simulate(n=100, seed=1).n == 100  # outside the budget the model is whole


def test_budgets_nest_and_belong_to_their_thread() -> None:
    with dv.budget(memory_mb=50):
        with dv.budget(memory_mb=500) as inner:
            assert inner.memory_mb == 50  # the inner budget cannot extend the outer one
        seen: list[object] = []
        t = threading.Thread(target=lambda: seen.append(current()))
        t.start()
        t.join()
        assert seen == [None]  # another thread (another app session) has no budget of ours
    assert current() is None


@pytest.mark.parametrize("field, value", [("seconds", 0), ("seconds", float("nan")), ("memory_mb", -1),
                                          ("memory_mb", True), ("seconds", "10")])
def test_bad_budget_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(dv.ArgumentError, match=field):
        with dv.budget(**{field: value}):  # type: ignore[arg-type]
            pass


def test_solve_within_answers_like_sympy() -> None:
    x, a = sympy.symbols("x a")
    assert solve_within(x**2 - a, x, "x^2 = a", seconds=60) == sympy.solve(x**2 - a, x)
    with pytest.raises(NotImplementedError):  # no closed form: sympy's own answer, from the child
        solve_within(sympy.cos(x) - x, x, "cos x = x", seconds=60)


def test_solve_within_answers_an_equation_it_solved_before_without_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    import dealvalue.budgets as budgets

    x, k = sympy.symbols("x k", positive=True)
    first = solve_within(k * x**3 - 8, x, "k x^3 = 8", seconds=60)  # in a child process
    with pytest.raises(NotImplementedError):
        solve_within(sympy.cos(x) - x * k, x, "cos x = k x", seconds=60)

    def no_child(*args: object) -> None:
        raise AssertionError("a child process was started for an equation solved before")

    monkeypatch.setattr(budgets.multiprocessing, "get_context", no_child)
    assert solve_within(k * x**3 - 8, x, "k x^3 = 8", seconds=60) == first == [2 / k ** sympy.Rational(1, 3)]
    with pytest.raises(NotImplementedError):  # no closed form is remembered too
        solve_within(sympy.cos(x) - x * k, x, "cos x = k x", seconds=60)
    with pytest.raises(AssertionError, match="child process"):  # a new equation still goes to a child
        solve_within(k * x**2 - 8, x, "k x^2 = 8", seconds=60)


def test_solve_within_stops_sympy_and_says_so() -> None:
    x, a, b, c = sympy.symbols("x a b c")
    # sympy takes several seconds on this (nested roots: it squares them away); the budget is a tenth of one
    slow = sympy.sqrt(x + sympy.sqrt(x + sympy.sqrt(x + a))) - b * x + sympy.sqrt(x + c) - 1
    with pytest.raises(BudgetExceeded) as info:
        solve_within(slow, x, "solving the nested roots", seconds=0.1)
    assert "solving the nested roots" in str(info.value) and "sympy did not finish" in str(info.value)


def test_model_solve_under_a_budget_runs_in_a_child() -> None:
    m = dv.Model()
    m.add("R", "90", unit="USD")
    m.add("W", "100", unit="USD")
    m.add("c", "0.5")
    m.add("ask", "R / c")
    with dv.budget(seconds=60):
        assert [str(s) for s in m.solve("W >= ask", for_="c")] == ["R/W"]


def test_deal_model_runs_within_the_apps_budget() -> None:
    from dealvalue.webapp.limits import run_budget

    m = dv.Model.load("deal")
    with run_budget():  # the default budget of one view in the app
        r = m.simulate(n=100_000, seed=1)
    assert np.isfinite(r.mean("feasible"))


def test_solving_children_do_not_import_the_main_scripts_dealvalue_modules_again(tmp_path: Path) -> None:
    # A solving child imports the main script again before it solves. The dealvalue modules the script takes its
    # names from come preloaded in the children's server (the app's page, Streamlit included, cost each solve about
    # 0.4 s), the script's other modules do not: the server survives only an ImportError in what it preloads.
    import subprocess
    import sys

    (tmp_path / "heavy.py").write_text("import os\nopen(os.environ['IMPORTS'], 'a').write('x')\ndef f(): pass\n")
    (tmp_path / "script.py").write_text(
        "import sympy\nfrom heavy import f\nfrom dealvalue.webapp.launcher import model_arg\n"
        "from dealvalue.budgets import _preload, solve_within\n"
        "if __name__ == '__main__':\n"
        "    x = sympy.Symbol('x', positive=True)\n"
        "    print(_preload())\n"
        "    print([solve_within(x**k - 8, x, 'x^k = 8', seconds=60) for k in (2, 3)])\n")
    log = tmp_path / "imports.txt"
    env = {**__import__("os").environ, "IMPORTS": str(log), "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, str(tmp_path / "script.py")], capture_output=True, text=True, env=env,
                         timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    preload, solved = out.stdout.strip().splitlines()[-2:]
    assert preload == "['dealvalue.budgets', 'dealvalue.webapp.launcher', 'sympy']"
    assert solved == "[[2*sqrt(2)], [2]]"
    assert log.read_text() == "xxx"  # the script's own import, then one in each child: heavy is not preloaded
