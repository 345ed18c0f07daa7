"""dealvalue.blocks.Draws: leaves' draws kept between runs give the same
numbers, bit for bit, as drawing them again (issue 15: the app's redraw)."""

from __future__ import annotations

import numpy as np
import pytest

import dealvalue as dv
from dealvalue.blocks import Draws
from dealvalue.errors import ArgumentError


def _model() -> dv.Model:
    m = dv.Model("draws")
    m.add("a", "beta(8, 2)")
    m.add("b", "10 to 100")
    m.add("c", "norm(0, 1)")
    m.add("d", "mixture([norm(0, 1), uniform(2, 3)], [0.4, 0.6])")
    m.add("y", "a * b + c + d")
    m.correlate("a", "c", 0.6)
    return m


@pytest.mark.parametrize("method", ["mc", "lhs", "qmc"])
def test_runs_with_kept_draws_are_the_runs_without(method: str) -> None:
    store = Draws(max_mb=64)
    m = _model()
    n = 150_000  # three blocks, the last one short
    for step in range(3):
        if step == 1:
            m.replace("b", "20 to 200")  # a changed input: its leaf is drawn again, the others are taken
        if step == 2:
            m.replace("y", "a * b - c + d")  # a changed formula: every leaf taken
        before = (store.hits, store.misses)
        kept = m.simulate(n=n, seed=3, method=method, draws=store, threads=2, chunk_blocks=1)
        fresh = m.simulate(n=n, seed=3, method=method)
        for name in m.names:
            assert np.array_equal(kept[name], fresh[name]), (method, step, name)
        leaves_blocks = 4 * 3  # leaves a, b, c, d (the mixture is one leaf) x 3 blocks
        if method == "qmc":  # draws depend on the set of leaves: never kept
            assert store.bytes == 0 and (store.hits, store.misses) == (0, 0)
        elif step == 0:
            assert (store.hits, store.misses) == (0, leaves_blocks)
        elif step == 1:
            assert (store.hits - before[0], store.misses - before[1]) == (leaves_blocks - 3, 3)
        else:
            assert (store.hits - before[0], store.misses - before[1]) == (leaves_blocks, 0)


def test_the_store_stays_within_its_size_and_refuses_what_is_not_a_store() -> None:
    store = Draws(max_mb=1.2)  # room for two blocks of 65,536 samples (0.52 MB each), not for all four
    _model().simulate(n=200_000, seed=1, draws=store)  # 3 x 65,536 + 3,392: which blocks stay depends on the
    assert store.bytes <= store.max_bytes and 2 <= len(store._blocks) <= 3  # order the threads stored them in
    again = _model().simulate(n=200_000, seed=1, draws=store)
    assert np.array_equal(again["y"], _model().simulate(n=200_000, seed=1)["y"])
    with pytest.raises(ArgumentError, match="draws"):
        _model().simulate(n=100, seed=1, draws={})  # type: ignore[arg-type]


def _chain() -> dv.Model:
    m = dv.Model("chain")
    m.add("a", "beta(8, 2)"); m.add("b", "10 to 100", unit="USD"); m.add("c", "norm(0, 1)")
    m.add("ab", "a * b"); m.add("abc", "ab + c * 1 USD"); m.add("cc", "c ** 2 + uniform(0, 1)")
    return m


def _downstream(m: dv.Model, name: str) -> set[str]:
    out, todo = {name}, [name]
    while todo:
        for d in m.dependents(todo.pop()):
            if d not in out:
                out.add(d); todo.append(d)
    return out


@pytest.mark.parametrize("method", ["mc", "lhs"])
def test_a_run_that_reuses_the_last_one_recomputes_only_what_the_edit_touched(method: str) -> None:
    from dealvalue.blocks import reusable_cells

    m = _chain()
    n = 150_000  # three blocks, the last one short
    before = m.simulate(n=n, seed=4, method=method, threads=2, chunk_blocks=1)
    for cell, formula in (("b", "20 to 200"), ("c", "norm(0, 2)"), ("cc", "c ** 3")):
        m.replace(cell, formula)
        # second route to which cells are unchanged: everything not downstream of the edited cell
        assert set(reusable_cells(m, before, n, 4, method)) == set(m.names) - _downstream(m, cell)
        again = m.simulate(n=n, seed=4, method=method, reuse=before, threads=2, chunk_blocks=1)
        fresh = m.simulate(n=n, seed=4, method=method)
        for name in m.names:
            assert np.array_equal(again[name], fresh[name]), (cell, name)
        for leaf in fresh.leaves:
            assert np.array_equal(again.leaves[leaf], fresh.leaves[leaf]), (cell, leaf)
        before = again


def test_nothing_is_reused_from_another_kind_of_run() -> None:
    from dealvalue.blocks import reusable_cells

    m = _chain()
    r = m.simulate(n=1_000, seed=4)
    assert reusable_cells(m, r, 1_000, 4, "mc") == m.compile().order  # the same model and run: everything
    assert reusable_cells(m, r, 2_000, 4, "mc") == reusable_cells(m, r, 1_000, 5, "mc") == ()
    assert reusable_cells(m, r, 1_000, 4, "lhs") == ()
    q = m.simulate(n=1_000, seed=4, method="qmc")  # qmc draws depend on the set of literals
    assert reusable_cells(m, q, 1_000, 4, "qmc") == ()
    assert reusable_cells(m, m.simulate(n=1_000, seed=4, overrides={"a": 0.5}), 1_000, 4, "mc") == ()
    units = _chain(); units.define_unit("widget", "2 USD")
    assert reusable_cells(units, r, 1_000, 4, "mc") == ()  # its own units may change what a formula means
    m.replace("b", "10 to 100", unit="kUSD")  # a new unit: b and what uses it are computed again
    assert set(reusable_cells(m, r, 1_000, 4, "mc")) == {"a", "c", "cc"}
    # results simulate did not make in one pass from the seed: a subset, an adaptive run (its later batches
    # have seeds of their own); reusing either would pin cells to other samples than a fresh run draws
    sub = r.subset(r["c"] > 0)
    assert reusable_cells(m, sub, sub.n, 4, "mc") == ()
    adaptive = m.simulate(n=500, seed=4, target_se={"a": 0.002})
    assert len(adaptive.batch_sizes) > 1 and reusable_cells(m, adaptive, adaptive.n, 4, "mc") == ()
    with pytest.raises(ArgumentError, match="reuse"):
        m.simulate(n=500, seed=4, target_se={"a": 0.002}, reuse=r)
    correlated = _model(); run = correlated.simulate(n=1_000, seed=4)
    assert reusable_cells(correlated, run, 1_000, 4, "mc") == ()
    with pytest.raises(ArgumentError, match="reuse"):
        m.simulate(n=1_000, seed=4, reuse={"a": r["a"]})  # type: ignore[arg-type]
