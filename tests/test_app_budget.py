"""The app's budget for one view (issue 11): a model that needs more time or
memory than the server gives is stopped, the page says so in words, and the
user's inputs stay as they were; above the samples the app keeps, the
headline comes from the whole run and the charts from its first samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue.webapp.limits import KEPT_SAMPLES, run_limits

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 300


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    """The text input of a model input, by the cell name at the end of its label."""
    hits = [t for t in at.text_input if t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label]
    assert len(hits) == 1, [t.label for t in at.text_input]
    return hits[0]


def test_over_the_memory_budget_says_so_and_keeps_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    # a run already made costs nothing (it is cached); the next input change needs a new run
    monkeypatch.setenv("DEALVALUE_APP_MEMORY_MB", "5")  # the deal model's 100,000 samples need ~130 MB of arrays
    _input(at, "reality").set_value("0.3").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value).replace("\\", "") for e in at.error]  # without the Markdown escapes
    assert any("Stopped" in e and "simulate(n=100,000)" in e and "budget of 5 MB" in e and "inputs are kept" in e
               for e in errors), errors
    assert not at.metric  # no stale headline pretending to be these inputs' numbers
    assert _input(at, "reality").value == "0.3"
    monkeypatch.delenv("DEALVALUE_APP_MEMORY_MB")
    at.run()  # the budget lifted: the same inputs run
    assert not at.exception and not any("Stopped" in str(e.value) for e in at.error)
    m = dv.Model.load("deal")
    m.replace("reality", "0.3")
    r = m.simulate(n=100_000, seed=m.seed)
    shown = next(x for x in at.metric if "ZOPA" in x.label or "deal" in x.label.lower())
    assert f"{100 * r.mean('feasible'):.1f}%" in str(shown.value)


def test_over_the_time_budget_stops_the_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALVALUE_APP_SECONDS", "1e-9")  # over before the first chunk of samples is done
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="seed").set_value(424242).run()  # a run no earlier test has cached
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value).replace("\\", "") for e in at.error]  # without the Markdown escapes
    assert any("Stopped" in e and "stopped after" in e and "over the budget of 1e-09 s" in e for e in errors), errors
    assert not at.metric


def test_bad_budget_setting_is_named() -> None:
    import os

    os.environ["DEALVALUE_APP_SECONDS"] = "soon"
    try:
        with pytest.raises(dv.ArgumentError, match="DEALVALUE_APP_SECONDS"):
            run_limits()
    finally:
        del os.environ["DEALVALUE_APP_SECONDS"]


def test_past_the_kept_samples_the_headline_uses_the_whole_run() -> None:
    n = 3 * KEPT_SAMPLES
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(n).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Headline numbers from all {n:,} samples" in str(c.value) for c in at.caption)
    m = dv.Model.load("deal")
    whole = m.simulate(n=n, seed=m.seed, keep="summary")  # the same seed draws the same numbers
    shown = next(x for x in at.metric if "ZOPA" in x.label or "deal" in x.label.lower())
    assert f"{100 * whole.mean('feasible'):.1f}%" in str(shown.value)
    # its Monte Carlo error is the whole run's (1/sqrt(3) of the first million's: 0.03 pp, not 0.05 pp)
    assert any(f"± {100 * whole.stderr('feasible'):.2f} pp" in str(c.value) for c in at.caption), \
        [str(c.value) for c in at.caption]
    assert f"{100 * whole.stderr('feasible'):.2f}" != f"{100 * whole.stderr('feasible') * 3 ** 0.5:.2f}"
