"""docs/guide.md pastes the output of dealvalue.deals: its numbers are what the library prints."""

from __future__ import annotations

import numpy as np
import pytest

from dealvalue import deals

from _deals import MODELS


def test_guide_numbers_are_what_the_library_prints() -> None:
    """docs/guide.md pastes the library's output; check a few of its numbers."""
    guide = (MODELS.parent.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    m = deals.scenario("labour_trust_fund")
    d = deals.decomposition(m)
    # ln F at the medians, by hand from the inputs: ask = R / c_h with c_h the certainty equivalent of the
    # (all deferred, u = 0) payment, bid = W * c_ai / pay_rate = W (we pay only on delivery)
    v = m.evaluate_all()
    assert v["u"] == 0
    c_h = v["delta"] ** v["T"] * (v["reality"] * (1 - v["expropriation"]) * v["commitment"]) ** (1 / (1 - v["g"]))
    ln_f = np.log(v["W"] / (v["R"] / c_h))
    assert d.loc["ln F", "log_units"] == pytest.approx(ln_f, rel=1e-12)
    assert f"ln F                                         total {d.loc['ln F', 'log_units']:10.4g}" in guide
    assert f"{d.loc['verification', 'log_units']:.4g}" == "-0.6931"  # verification 0.5: ln 0.5
    s = deals.deal_summary(m, n=20_000)
    # P(feasible) by another route: the same draws, feasibility recomputed from R, W and the credibility inputs
    r = m.simulate(n=20_000, seed=m.seed)
    k = 1 / (1 - r["g"])
    ce = r["delta"] ** r["T"] * (r["reality"] * (1 - r["expropriation"]) * r["commitment"]) ** k
    ask, bid = r["R"] / ce, r["W"]
    gain = r["payment_fit"] * r["bargaining_power"] * (bid - ask) * ce  # the AI's gain at the Nash price
    assert s.loc["p_feasible", "value"] == pytest.approx(np.mean((bid >= ask) & (gain >= r["consideration_cost"])), abs=1e-12)
    import pandas as pd

    # whole tables, printed with the guide's pandas options, are pasted verbatim
    with pd.option_context("display.float_format", "{:.4g}".format, "display.max_colwidth", 40, "display.width", 250,
                           "display.max_columns", 20):
        assert str(s) in guide  # with the label column
        assert str(d.drop(columns="label")) in guide
        t = deals.interventions(m, n=20_000)
        assert str(t[["cost", "free", "delta_p", "delta_p_stderr", "delta_microdoom", "microdoom_per_MUSD"]]) in guide
        assert str(deals.top_inputs(m, n=2_000, k=6)) in guide
    # a trust fund is deferred by design: the upfront intervention does not apply, and the trust-fund one is not
    # applied on top of the trust-fund payment (issue 10, item 6)
    assert "pay mostly upfront" not in t.index and "trust fund with good-faith trustees" not in t.index
    # the guide's markdown fences pair up: no output block is split by a stray fence
    fences = [line for line in guide.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0 and all(f in ("```", "```python") for f in fences[0::2])
