"""Models shared by the engine tests."""

from __future__ import annotations

import dealvalue as dv


def evidence_model() -> dv.Model:
    """The engine issue's example model, written in Python."""
    m = dv.Model("evidence for cash")
    m.add("R", "10 to 100", unit="USD", label="AI reservation price")
    m.add("W", "50 to 500", unit="USD", label="our willingness to pay")
    m.add("reality", "beta(8, 2)")
    m.add("expropriation", "beta(2, 8)")
    m.add("commitment", "beta(7, 3)")
    m.add("c_h", "reality * (1 - expropriation) * commitment")
    m.add("c_ai", "0.8")
    m.add("ask", "R / c_h")
    m.add("bid", "W * c_ai")
    m.add("feasible", "bid >= ask")
    return m
