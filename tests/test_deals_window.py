"""Tests of dealvalue.deals.window: the window of viable deals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals

from _deals import N, deal  # noqa: F401  (fixture)


# ---------------------------------------------------------------- window of viable deals
def test_window_ends_by_hand() -> None:
    import pandas as pd

    f = pd.DataFrame({"p_feasible": [0.0, 0.4, 0.8, 0.6, 0.2]}, index=[0.0, 1.0, 2.0, 3.0, 4.0])
    row = deals.window_ends(f).iloc[0]
    assert row["start"] == pytest.approx(1.25) and row["end"] == pytest.approx(3.25)
    assert (row["peak_at"], row["peak_p"]) == (2.0, 0.8)
    assert math.isnan(deals.window_ends(f, level=0.9).iloc[0]["start"])


def test_capability_window_rises_and_falls(deal: dv.Model) -> None:
    w = deals.window(deal, values=np.linspace(0, 10, 21), n=N, seed=1)
    p = w["p_feasible"].to_numpy()
    ends = deals.window_ends(w, level=0.3).iloc[0]
    assert p[0] < ends["peak_p"] and p[-1] < 0.01
    assert 0 < ends["start"] < ends["peak_at"] < ends["end"] < 10
    assert w["R_median"].is_monotonic_increasing  # takeover odds raise R with capability
