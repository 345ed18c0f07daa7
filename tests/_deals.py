"""Fixtures and constants shared by the tests of dealvalue.deals (tests/test_deals_*.py).

A test module imports the fixtures it uses: ``from _deals import deal``.
"""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import models
from dealvalue.simulate import sample_leaves

MODELS = models.path("deal").parent  # the folder of the shipped models
N = 2_000


@pytest.fixture(scope="module")
def deal() -> dv.Model:
    return dv.Model.load(str(MODELS / "deal.toml"))


@pytest.fixture(scope="module")
def draws(deal: dv.Model) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    leaves = sample_leaves(deal, 400, 7)
    return leaves, deal.run_steps(leaves, 400)
