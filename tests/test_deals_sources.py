"""Issue 10, item 8: every input of every shipped model and scenario names its source (the quoted sentence and
section of the source text, 'Seed: ...'), or says it is an 'Assumption of this model' with its reason."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import deals, models


def _shipped() -> list[dv.Model]:
    return [dv.Model.load(str(models.path(n))) for n in models.names()] + [deals.scenario(s) for s in deals.SCENARIOS]


@pytest.mark.parametrize("model", _shipped(), ids=lambda m: m.name)
def test_every_input_has_a_source(model: dv.Model) -> None:
    missing = [c for c in model.inputs
               if "Seed" not in model.cell(c).description and "Assumption of this model" not in model.cell(c).description]
    assert missing == []
    for c in model.inputs:   # an assumption gives its reason: more than the words themselves
        d = model.cell(c).description
        if "Seed" not in d:
            assert len(d.split("Assumption of this model", 1)[1].strip(" :.")) > 20, c


def test_advocacy_high_anchor_is_never_below_the_low_one() -> None:
    a = dv.Model.load(str(models.path("advocacy")))
    r = a.simulate(n=50_000, seed=1)
    assert np.all(r["p_high"] >= r["p_low"])
    assert 0.25 < np.median(r["p_high"]) < 0.35          # about 30% at $500M a year
    assert "Assumption of this model" in a.cell("value_of_success").description
