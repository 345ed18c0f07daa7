"""Budgets of time and memory for running models someone else wrote.

A model file from an upload can ask for more than a shared server has: a
chain of ten thousand cells, a million samples of each, a symbolic solve
that sympy never finishes.  Inside ``with budget(seconds=..., memory_mb=...)``
the library's long operations check the budget *before* they do the work
they can size (the memory of a simulation's arrays, from its sample and cell
counts) and *while* they do the work they cannot (time, between chunks of
samples and between compiled cells), and raise :class:`BudgetExceeded`, a
:class:`~dealvalue.errors.DealValueError` naming what was stopped, what it
needed and the budget.  A symbolic solve under a time budget runs in a child
process that is stopped when the time is up (:func:`solve_within`).

Budgets nest (the inner one cannot extend the outer) and belong to the
thread that opened them (a :mod:`contextvars` variable), so two sessions of
the app, each on its own thread, have budgets of their own.

Examples
--------
>>> import dealvalue as dv
>>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("y", "x ** 2")
>>> with dv.budget(memory_mb=20):
...     m.simulate(n=1_000_000, seed=1, threads=1)
Traceback (most recent call last):
...
dealvalue.budgets.BudgetExceeded: simulate(n=1,000,000): needs about 21 MB for its arrays, over the budget of 20 MB (keep='summary' keeps statistics only, or use fewer samples)
>>> with dv.budget(memory_mb=20):
...     round(m.simulate(n=1_000_000, seed=1, threads=1, keep="summary").mean("y"), 2)
1.0
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import multiprocessing
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import ArgumentError, DealValueError

__all__ = ["Budget", "BudgetExceeded", "budget", "current", "check_memory", "check_time", "solve_within"]

MB = 1024 * 1024


class BudgetExceeded(DealValueError, RuntimeError):
    """Work stopped (or refused before it started) because it would go over
    the active :class:`Budget`.

    ``what`` names the work, ``needed`` what it needed or had used,
    ``limit`` the budget, ``hint`` what to try instead.

    >>> print(BudgetExceeded("simulate(n=10)", "about 2 GB", "1,000 MB", "use fewer samples"))
    simulate(n=10): needs about 2 GB, over the budget of 1,000 MB (use fewer samples)
    """

    def __init__(self, what: str, needed: str, limit: str, hint: str = "") -> None:
        super().__init__(what, needed, limit, hint)
        self.what = what
        self.needed = needed
        self.limit = limit
        self.hint = hint

    def message(self) -> str:
        return f"{self.what}: needs {self.needed}, over the budget of {self.limit}" + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Budget:
    """Limits on one piece of work.

    Parameters
    ----------
    seconds
        Wall-clock seconds from when the budget is opened (None: no limit).
    memory_mb
        Megabytes the work may allocate for its arrays (None: no limit).

    Raises
    ------
    dealvalue.errors.ArgumentError
        A limit that is not a positive, finite number.

    Examples
    --------
    Open one with :func:`budget`; inside another, the tighter limit holds:

    >>> import dealvalue as dv
    >>> with dv.budget(memory_mb=500), dv.budget(memory_mb=2_000) as b:
    ...     b.memory_mb
    500
    >>> dv.Budget(seconds=0)
    Traceback (most recent call last):
    ...
    dealvalue.errors.ArgumentError: argument 'seconds': expected a positive, finite number (or None for no limit), got 0
    """

    seconds: float | None = None
    memory_mb: float | None = None

    def __post_init__(self) -> None:
        for field, value in (("seconds", self.seconds), ("memory_mb", self.memory_mb)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise ArgumentError(field, value, "a positive, finite number (or None for no limit)")


@dataclass(frozen=True)
class _Active:
    budget: Budget
    deadline: float | None  # time.monotonic() value


_ACTIVE: contextvars.ContextVar[_Active | None] = contextvars.ContextVar("dealvalue_budget", default=None)


@contextlib.contextmanager
def budget(seconds: float | None = None, memory_mb: float | None = None) -> Iterator[Budget]:
    """Run the block within a time and memory budget.

    Parameters
    ----------
    seconds
        Wall-clock seconds the block may take, counted from here.
    memory_mb
        Megabytes any one simulation inside may allocate for its arrays.

    Yields
    ------
    Budget
        The budget in force (the tighter of this one and any enclosing one).

    Examples
    --------
    >>> import dealvalue as dv
    >>> with dv.budget(seconds=60, memory_mb=500) as b:
    ...     b.memory_mb
    500
    """
    Budget(seconds, memory_mb)  # checks the values
    outer = _ACTIVE.get()
    deadline = None if seconds is None else time.monotonic() + float(seconds)
    if outer is not None:
        if outer.deadline is not None:
            deadline = outer.deadline if deadline is None else min(deadline, outer.deadline)
        if outer.budget.memory_mb is not None:
            memory_mb = outer.budget.memory_mb if memory_mb is None else min(memory_mb, outer.budget.memory_mb)
    left = None if deadline is None else max(1e-9, deadline - time.monotonic())
    effective = Budget(left, memory_mb)
    token = _ACTIVE.set(_Active(effective, deadline))
    try:
        yield effective
    finally:
        _ACTIVE.reset(token)


def current() -> Budget | None:
    """The budget in force in this thread, or None."""
    active = _ACTIVE.get()
    return None if active is None else active.budget


def remaining_seconds() -> float | None:
    """Seconds left of the budget in force (None: no time limit)."""
    active = _ACTIVE.get()
    if active is None or active.deadline is None:
        return None
    return active.deadline - time.monotonic()


def size_text(nbytes: float) -> str:
    """``nbytes`` in the unit a reader expects (``'24 MB'``, ``'4.8 GB'``)."""
    mb = nbytes / MB
    return f"about {mb / 1024:.1f} GB" if mb >= 1024 else f"about {mb:,.0f} MB"


def check_memory(what: str, nbytes: float, hint: str = "") -> None:
    """Refuse ``what`` before it starts when it would allocate more than the
    budget's ``memory_mb`` (no budget: nothing to check)."""
    active = _ACTIVE.get()
    if active is None or active.budget.memory_mb is None:
        return
    if nbytes > active.budget.memory_mb * MB:
        raise BudgetExceeded(what, size_text(nbytes) + " for its arrays", f"{active.budget.memory_mb:,.0f} MB", hint)


def check_time(what: str, done: str = "") -> None:
    """Stop ``what`` when the budget's time is up (call between steps of work)."""
    active = _ACTIVE.get()
    if active is None or active.deadline is None:
        return
    if time.monotonic() > active.deadline:
        seconds = active.budget.seconds or 0
        raise BudgetExceeded(what, "more time" + (f" (stopped after {done})" if done else ""),
                             f"{seconds:,.3g} s", "ask for less: fewer samples, or a smaller model")


def _solve_child(conn: Any, expr: Any, symbol: Any) -> None:  # pragma: no cover - runs in the child process
    import sympy

    try:
        conn.send(("ok", list(sympy.solve(expr, symbol))))
    except NotImplementedError as exc:
        conn.send(("none", str(exc)))
    except Exception as exc:  # noqa: BLE001 - sympy's own failure, reported to the parent as text
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


#: Answers of :func:`solve_within` by (expression, symbol): a solve is a function of the two alone, and the app solves
#: the same break-evens again after every input change (the expressions are in the cells' symbols, not their values).
_SOLVED: "OrderedDict[tuple[Any, Any], tuple[str, Any]]" = OrderedDict()
_SOLVED_MAX = 2048
_SOLVED_LOCK = threading.Lock()


def solve_within(expr: Any, symbol: Any, what: str, seconds: float | None = None) -> list[Any]:
    """``sympy.solve(expr, symbol)``, stopped after ``seconds`` (default: the
    time left of the budget in force; no budget and no ``seconds``: solved
    here, unbounded, as :func:`sympy.solve` is).

    With a time limit the solve runs in a child process (``forkserver``:
    a clean process, not a copy of this one's threads) that is killed when
    the time is up; then :class:`BudgetExceeded` says so.  sympy's own
    ``NotImplementedError`` (no closed form) is raised as it is.  Answers
    (solutions, or no closed form) are kept by expression and symbol, so an
    equation solved before is answered at once, in or out of a budget.

    Parameters
    ----------
    expr
        The sympy expression to set to zero.
    symbol
        The sympy symbol to solve for.
    what
        What is solved, for the message (e.g. ``"solve bid = ask for c_ai"``).
    seconds
        The time limit.

    Returns
    -------
    list
        sympy's solutions.
    """
    key = (expr, symbol)
    with _SOLVED_LOCK:
        known = _SOLVED.get(key)
    if known is None:
        known = _solve(expr, symbol, what, seconds)
        with _SOLVED_LOCK:
            _SOLVED[key] = known
            while len(_SOLVED) > _SOLVED_MAX:
                _SOLVED.popitem(last=False)
    status, value = known
    if status == "none":
        raise NotImplementedError(value)
    return list(value)


def _preload() -> list[str]:
    """What the solving children's server imports first: sympy, this module, and the dealvalue modules the main
    script takes its names from.  A child imports the main script again (as ``__mp_main__``) before it solves,
    and Python 3.11's forkserver cannot preload the script itself; in the app the script imports Streamlit and
    the page, which cost each solve about 0.4 s (8 s for the Thresholds tab's first visit) unless already loaded.
    Only dealvalue's own modules: the server survives a module that fails to import only with ImportError, and
    a failed server would fail every later solve."""
    names = {"sympy", "dealvalue.budgets"}
    main = sys.modules.get("__main__")
    for value in list(vars(main).values()) if main is not None else []:
        try:
            module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        except Exception:  # noqa: BLE001 - an object whose attributes raise: not one of ours
            continue
        if isinstance(module, str) and module.split(".")[0] == "dealvalue" and module in sys.modules:
            names.add(module)
    return sorted(names)


def _solve(expr: Any, symbol: Any, what: str, seconds: float | None) -> tuple[str, Any]:
    """``("ok", solutions)`` or ``("none", sympy's reason)``; raises when over time or when sympy fails."""
    import sympy

    if seconds is None:
        seconds = remaining_seconds()
    if seconds is None:
        try:
            return "ok", list(sympy.solve(expr, symbol))
        except NotImplementedError as exc:
            return "none", str(exc)
    if seconds <= 0:
        raise BudgetExceeded(what, "more time", "the time left (none)", "the budget's time was used before the solve started")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_preload())  # each solve forks from a server that has imported what the child needs
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_child, args=(child, expr, symbol), daemon=True)
    try:
        proc.start()
    except (EOFError, OSError) as exc:  # no process to solve in (e.g. its server failed to start)
        parent.close()
        child.close()
        raise BudgetExceeded(what, f"a child process to solve in ({type(exc).__name__}: {exc})",
                             f"{seconds:,.3g} s") from None
    child.close()
    try:
        if not parent.poll(seconds):
            raise BudgetExceeded(what, f"more than {seconds:,.3g} s", f"{seconds:,.3g} s",
                                 "sympy did not finish: no closed form is shown")
        status, value = parent.recv()
    except EOFError:
        raise BudgetExceeded(what, "more than the child process could give (it ended without an answer)",
                             f"{seconds:,.3g} s") from None
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "error":
        raise ArgumentError("equation", what, f"an equation sympy can solve ({value})")
    return status, list(value) if status == "ok" else value
