"""Hypothesis strategies and the per-example check for fuzzing formulas (issue 11).

Used by tests/test_fuzz.py (a bounded run) and bench/fuzz.py (the long run, 100,000 examples).
"""

from __future__ import annotations

import builtins
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

import dealvalue as dv

ATOMS = ["b", "c", "pi", "0", "1", "-1", "2.5", "1e100", "10k", "2.5M", "3B", "24T", "5%", "100 USD", "2 kUSD",
         "3 year", "1e-300", "9**9**9", "x.__class__", "__import__('os')", "lambda: 1", "'text'", "[1, 2]",
         "(1, 2)", "é", "∞", "\u200b", "1j", "0x10", "None", "True", "not", "to", "if", "nan", "inf"]
FUNCS = ["exp", "ln", "log", "log10", "sqrt", "abs", "min", "max", "clip", "floor", "ceil", "round", "sin",
         "cos", "tan", "if", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli", "to",
         "mixture", "eval", "open", "getattr"]
OPS = [" + ", " - ", " * ", " / ", " ** ", " > ", " <= ", " == ", " != ", " and ", " or ", " to ", " % ", " // ", " ^ "]

NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.builds(lambda m, e, s: f"{m}E{e}{s}", st.integers(1, 99999), st.integers(-10**9, 10**9),
              st.sampled_from(["", "k", "M", "B", "T", "%"])),
)
ATOM = st.one_of(st.sampled_from(ATOMS), NUMBERS, st.text(max_size=3))


def _extend(children: Any) -> Any:
    return st.one_of(
        st.builds(lambda a, op, b: a + op + b, children, st.sampled_from(OPS), children),
        st.builds(lambda f, args: f"{f}({', '.join(args)})", st.sampled_from(FUNCS), st.lists(children, max_size=4)),
        st.builds(lambda a: f"({a})", children),
        st.builds(lambda a: f"-{a}", children),
        st.builds(lambda a: f"[{a}]", children),
    )


FORMULAS = st.recursive(ATOM, _extend, max_leaves=12)


def check_formula(formula: str) -> tuple[str, float]:
    """Run one formula in a fresh model; the outcome ('ok', 'refused' or
    'other:<exception>') and the seconds it took."""
    start = time.perf_counter()
    try:
        m = dv.Model("fuzz", seed=1)
        m.add("b", "1 to 10")
        m.add("c", "-5 to 5")
        m.add("x", formula)
        m.simulate(n=64, seed=1)
        m.evaluate("x")
        outcome = "ok"
    except dv.DealValueError:
        outcome = "refused"
    except Exception as exc:  # noqa: BLE001 - what the fuzz run counts
        outcome = f"other:{type(exc).__name__}"
    return outcome, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def canary(guard_s: int) -> Iterator[list[str]]:
    """The canary: records any call of os.system or subprocess.Popen, and any import of os,
    subprocess, shutil or socket from evaluated code (a frame of '<string>'), in the list it
    yields; SIGALRM after ``guard_s`` turns a hang into a TimeoutError (a guard, not a budget)."""
    hits: list[str] = []
    real_import = builtins.__import__
    real_system, real_popen = os.system, subprocess.Popen

    def spy_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("os", "subprocess", "shutil", "socket") and sys._getframe(1).f_code.co_filename in ("<string>", "<unknown>"):
            hits.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    def hang(*_: object) -> None:
        raise TimeoutError(f"an example ran longer than the {guard_s} s guard")

    os.system = lambda *a: hits.append("os.system") or 0  # type: ignore[assignment]
    subprocess.Popen = lambda *a, **k: hits.append("subprocess.Popen")  # type: ignore[assignment,misc]
    builtins.__import__ = spy_import
    old = signal.signal(signal.SIGALRM, hang)
    try:
        yield hits
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        builtins.__import__ = real_import
        os.system, subprocess.Popen = real_system, real_popen  # type: ignore[misc]
