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


def test_guide_prose_numbers_are_the_librarys() -> None:
    """The sentences of the guide that carry a number, rebuilt from the library (issue 10, step D)."""
    import re

    guide = (MODELS.parent.parent / "docs" / "guide.md").read_text(encoding="utf-8")
    prose = re.sub(r"\s+", " ", guide)
    m = deals.scenario("labour_trust_fund")
    s = deals.deal_summary(m, n=20_000)["value"]
    assert f"A deal happens in {100 * s['p_feasible']:.1f}%" in prose
    assert f"{100 * s['lost_no_zopa']:.1f}% are lost for want of a ZOPA" in prose
    assert f"worth {s['value_to_us_microdoom']:.2f} microdoom to us" in prose
    assert f"{s['value_to_us_microdoom']:.2f} / {s['p_feasible']:.4g} ≈ {s['value_to_us_microdoom'] / s['p_feasible']:.0f} microdoom" in prose
    z = deals.zopa(m, n=20_000)
    ask, bid = z.loc["ask", 0.5], z.loc["bid", 0.5]
    assert f"median ask ({ask / 1e6:.0f} M USD) is about {['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'][round(ask / bid)]} times the median bid ({bid / 1e6:.0f} M USD)" in prose
    n_zopa = int(z.loc["ask | feasible", "n"])
    assert f"the {n_zopa:,} samples with a ZOPA" in prose
    # section 2: ln F, and the offset that makes verification not the binding barrier
    d = deals.decomposition(m)["log_units"]
    assert f"`ln F = {d['ln F']:.2f}` (`F = {np.exp(d['ln F']):.2f}`): the AI asks {np.exp(-d['ln F']):.1f} times" in prose
    assert d["verification"] + d["coherence"] + d["cost_rate"] == pytest.approx(0, abs=1e-12)
    e = deals.barrier_effects(m)
    assert e.loc["verification", "effect"] == pytest.approx(0, abs=1e-12) and deals.binding_barrier(m) == "discount"
    assert f"time discount alone would multiply bid / ask by {e.loc['discount', 'multiplier']:.2f}" in prose
    # section 3: thresholds
    th = deals.thresholds(m)
    ratio = th.loc["c_h * c_ai", "break_even"] / th.loc["c_h * c_ai", "current"]
    assert f"({th.loc['c_h * c_ai', 'break_even']:.4g} / {th.loc['c_h * c_ai', 'current']:.4g} = {ratio:.1f})" in prose
    assert f"`R` must fall below {th.loc['R', 'break_even'] / 1e6:.0f} M USD" in prose
    assert f"`W` rise above {th.loc['W', 'break_even'] / 1e6:.0f} M USD" in prose
    assert th.loc["capability", "within_range"] and f"capability {th.loc['capability', 'break_even']:.2f} or below" in prose
    assert th.loc["c_h", "expression"] == "R/bid" and "`R/bid`" in prose
    # section 4: interventions
    t = deals.interventions(m, n=20_000)
    assert t.loc["verification methods", "delta_p"] == 0
    assert f"({t.loc['verification methods', 'microdoom_per_MUSD']:.2f} microdoom per M USD)" in prose
    beat = [i for i in t.index if t.loc[i, "microdoom_per_MUSD"] > m.evaluate("e")]
    assert sorted(beat) == ["public commitments and track record", "verification methods"] and "Two beat the opportunity cost" in prose
    assert f"+{100 * t.loc['control and collusion busting', 'delta_p']:.1f} points" in prose
    # section 5, 6, 7
    w = deals.window(m, n=4_000)
    ends = deals.window_ends(w, level=0.1).iloc[0]
    assert f"to {ends['end']:.2f}, peaking at {100 * ends['peak_p']:.0f}% at capability {ends['peak_at']:.2f}" in prose
    f = deals.falling_credibility(m, n=20_000, P_c=1e9)["value"]
    assert f"In {100 * (1 - f['p_can_meet_R']):.0f}% of the samples (1 - {f['p_can_meet_R']:.4g})" in prose
    a = deals.compare_alternatives(m, n=20_000)["value_per_MUSD"]
    assert f"about {a.loc['deal']:.2f} microdoom per M USD" in prose
    # section 9: the VOI conclusion
    v = deals.value_of_information(m, k=5)
    assert v.attrs["best_option"] == "deal_net_value" and "preparing this deal pays for its setup" in prose
    assert f"worth {v.loc['EVPI', 'value']:.2f} microdoom" in prose
    # statements the reviewer found false are gone
    for stale in ("9.1%", "4.434", "1,820", "sixteen times", "(R/bid)**(1-g)", "no capability makes", "+11.7 points",
                  "Only verification methods beat", "72% of the samples", "1.75", "key takeaway.", "`no_deal`"):
        assert stale not in prose, stale
