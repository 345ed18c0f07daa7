"""docs/guide.md pastes the output of dealvalue.deals: its numbers are what the library prints."""

from __future__ import annotations

import numpy as np

from dealvalue import deals

from _deals import MODELS


def test_guide_numbers_are_what_the_library_prints() -> None:
    """docs/guide.md pastes the library's output; check a few of its numbers."""
    guide = (MODELS.parent.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    m = deals.scenario("labour_trust_fund")
    d = deals.decomposition(m)
    assert f"{d.loc['ln F', 'log_units']:.4g}" == "-2.794" and "ln F                                         total     -2.794" in guide
    assert f"{d.loc['verification', 'log_units']:.4g}" == "-0.6931"
    s = deals.deal_summary(m, n=20_000)
    assert f"{s.loc['p_feasible', 'value']:.4g}" == "0.0918"  # 0.0927 +- 0.0003 at 1,000,000 samples
    import pandas as pd

    # whole tables, printed with the guide's pandas options, are pasted verbatim
    with pd.option_context("display.float_format", "{:.4g}".format, "display.max_colwidth", 40, "display.width", 250,
                           "display.max_columns", 20):
        assert str(s) in guide  # with the label column
        assert str(d.drop(columns="label")) in guide
        t = deals.interventions(m, n=20_000)
        assert str(t[["cost", "free", "delta_p", "delta_p_stderr", "delta_microdoom", "microdoom_per_MUSD"]]) in guide
        assert str(deals.top_inputs(m, n=2_000, k=6)) in guide
    assert t.loc["pay mostly upfront", "free"] and np.isnan(t.loc["pay mostly upfront", "microdoom_per_MUSD"])
    # the guide's markdown fences pair up: no output block is split by a stray fence
    fences = [line for line in guide.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0 and all(f in ("```", "```python") for f in fences[0::2])
