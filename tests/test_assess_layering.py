"""dealvalue.assess sits between deals and cli: nothing below imports it, it imports no cli or webapp."""

from __future__ import annotations

from test_layering import GRAPH


def test_nothing_below_assess_imports_it_and_it_imports_nothing_above() -> None:
    below = [m for m in GRAPH if not m.startswith(("dealvalue.assess", "dealvalue.cli", "dealvalue.webapp"))]
    assert {m: sorted(x for x in GRAPH[m] if x.startswith("dealvalue.assess")) for m in below if
            any(x.startswith("dealvalue.assess") for x in GRAPH[m])} == {}
    inside = [m for m in GRAPH if m.startswith("dealvalue.assess")]
    assert {m: sorted(x for x in GRAPH[m] if x.startswith(("dealvalue.cli", "dealvalue.webapp"))) for m in inside
            if any(x.startswith(("dealvalue.cli", "dealvalue.webapp")) for x in GRAPH[m])} == {}
