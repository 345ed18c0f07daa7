"""What the app lets one view of one model cost: time, memory, samples.

A model in the app may be anyone's upload, and the server is shared, so
every view runs inside :func:`dealvalue.budget`: at most
``DEALVALUE_APP_SECONDS`` seconds (default 60) and ``DEALVALUE_APP_MEMORY_MB``
megabytes of arrays per simulation (default 1,024), both settable by
whoever runs the server.  A view that would go over says so, in words, and
the user's inputs stay as they were.

Above :data:`KEPT_SAMPLES` samples the app keeps the samples of the
headline's cells only (``feasible``, the ask and the bid); every other
cell gets exact statistics, and the charts and tables show the first
:data:`KEPT_SAMPLES` samples of the same run (the same seed draws the same
numbers in the same blocks, so they are that run's own first samples).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator

import dealvalue as dv
from dealvalue.budgets import Budget, BudgetExceeded
from dealvalue.errors import ArgumentError

__all__ = ["KEPT_SAMPLES", "SAMPLE_CHOICES", "run_limits", "run_budget", "budget_text"]

SAMPLE_CHOICES = (1_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)
KEPT_SAMPLES = 1_000_000  # every cell's samples up to here; above, the headline's cells only
DEFAULTS = {"DEALVALUE_APP_SECONDS": 60.0, "DEALVALUE_APP_MEMORY_MB": 1024.0}


def _setting(name: str) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return DEFAULTS[name]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ArgumentError(name, text, "a positive number (environment variable of the app's budget)")
    return value


def run_limits() -> Budget:
    """The budget of one view, from the environment (read each time, so a
    server's setting applies without a restart of the script).

    >>> run_limits().memory_mb > 0
    True
    """
    return Budget(seconds=_setting("DEALVALUE_APP_SECONDS"), memory_mb=_setting("DEALVALUE_APP_MEMORY_MB"))


@contextlib.contextmanager
def run_budget() -> Iterator[Budget]:
    """Run the block within one view's budget (:func:`dealvalue.budget`)."""
    limits = run_limits()
    with dv.budget(seconds=limits.seconds, memory_mb=limits.memory_mb) as b:
        yield b


def budget_text(exc: BudgetExceeded) -> str:
    """What the page says when a view went over its budget (plain text)."""
    limits = run_limits()
    return (f"Stopped: {exc}. The app gives each view at most {limits.seconds:,.0f} s and "
            f"{limits.memory_mb:,.0f} MB of samples. Your inputs are kept: try fewer samples, or run the model "
            "with the library (dealvalue run MODEL --samples N --keep summary), which has no such limit.")
