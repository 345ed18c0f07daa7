"""The compiled graph: one numpy function per cell, run in dependency order,
and the point values (medians) that :meth:`dealvalue.Model.evaluate` uses.

Every compiled function is lambdified with each free symbol as an argument,
so nothing is looked up globally.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from . import distributions as D
from .budgets import check_time
from .errors import CycleError, UnknownCellError
from .formula import Parsed

__all__ = ["Step", "Compiled", "compile_graph", "run_steps", "point_values", "monotone_in_leaf", "topological",
           "POINT_SAMPLES", "POINT_SEED"]

POINT_SAMPLES = 100_001  # samples for the median of an input that is not one distribution
POINT_SEED = 0


@dataclass(frozen=True)
class Step:
    """One cell's compiled computation: ``fn(*values[args])``."""

    name: str
    fn: Callable[..., Any]
    args: tuple[str, ...]
    leaf: str | None  # set when the cell is exactly one distribution literal


@dataclass(frozen=True)
class Compiled:
    """The whole graph compiled once: leaves to sample and steps in order."""

    order: tuple[str, ...]
    steps: tuple[Step, ...]
    leaves: dict[str, D.Distribution]  # leaf name -> distribution
    leaf_owner: dict[str, str]         # leaf name -> cell it belongs to
    inputs: tuple[str, ...]


def compile_graph(cells: Mapping[str, Any], parsed: Mapping[str, Parsed], inputs: tuple[str, ...]) -> Compiled:
    """Compile the cells' parsed formulas into steps in dependency order."""
    import sympy

    order = topological(cells, {n: p.refs for n, p in parsed.items()})
    steps = []
    leaves: dict[str, D.Distribution] = {}
    owner: dict[str, str] = {}
    for i, name in enumerate(order):
        check_time("compiling the model", f"{i:,} of {len(order):,} cells")
        p = parsed[name]
        for leaf, dist in p.dists.items():
            leaves[leaf] = dist
            owner[leaf] = name
        e = p.expr
        if e.is_Symbol and e.name in p.dists:
            steps.append(Step(name, identity, (e.name,), e.name))
            continue
        args = tuple(sorted(e.free_symbols, key=lambda s: s.name))
        # sympy prints a 53-bit Float with 15 digits, which can move it by an ulp
        # (0.9999999999999999 became 1.0); 20 digits round-trip every double exactly
        e = e.xreplace({x: sympy.Float(x, 20) for x in e.atoms(sympy.Float)})
        # sympy folds 1/(x - x) to complex infinity, which numpy cannot print:
        # it is a per-sample numeric problem, so it becomes NaN and is counted
        e = e.xreplace({sympy.zoo: sympy.nan, sympy.oo: sympy.Float("inf"), -sympy.oo: sympy.Float("-inf")})
        # every free symbol is an argument; nothing is looked up globally
        fn = lambdified(args, e)
        steps.append(Step(name, fn, tuple(s.name for s in args), None))
    return Compiled(tuple(order), tuple(steps), leaves, owner, inputs)


def run_steps(
    compiled: Compiled,
    leaf_values: Mapping[str, np.ndarray],
    n: int,
    fixed: Mapping[str, np.ndarray] | None = None,
    check: Callable[[str, np.ndarray], None] | None = None,
) -> dict[str, np.ndarray]:
    """Compute every cell from leaf samples; ``fixed`` pins cells to values
    (a masked array pins the rows it does not mask, the others are computed),
    ``check(name, values)`` (e.g. a bounds check) sees each cell's result."""
    values: dict[str, np.ndarray] = dict(leaf_values)
    fixed = fixed or {}
    with np.errstate(all="ignore"):
        for step in compiled.steps:
            pin = fixed.get(step.name)
            # a masked array pins some rows: the mask marks the rows computed as usual
            computed_rows = np.ma.getmaskarray(pin) if pin is not None and np.ma.isMaskedArray(pin) else None
            partly = computed_rows is not None and bool(computed_rows.any())
            if pin is not None and not partly:
                out = np.ma.getdata(pin)
            else:
                out = step.fn(*[values[a] for a in step.args])
            if np.iscomplexobj(out):  # sqrt(-b) is I*sqrt(b): a non-real sample is NaN, not its real part
                out = np.where(np.imag(out) != 0, np.nan, np.real(out))
            arr = np.asarray(out, dtype=float)
            if arr.shape != (n,):
                arr = np.broadcast_to(arr, (n,)).copy()
            if partly and pin is not None and computed_rows is not None:
                arr = np.where(computed_rows, arr, np.ma.getdata(pin))
            if check is not None:
                check(step.name, arr)
            values[step.name] = arr
    return values


def point_values(compiled: Compiled, parsed: Mapping[str, Parsed]) -> dict[str, float]:
    """Each input's point value (the number, or its median), and each
    distribution literal inside a formula at its median."""
    out: dict[str, float] = {}
    for name in compiled.inputs:
        p = parsed[name]
        if not p.dists:
            out[name] = float(p.expr)
        elif len(p.dists) == 1 and monotone_in_leaf(p):
            leaf, dist = next(iter(p.dists.items()))
            step = next(s for s in compiled.steps if s.name == name)
            out[name] = float(np.asarray(step.fn(*[np.array([dist.median()])]), dtype=float).reshape(-1)[0]) if step.leaf is None else dist.median()
        else:
            out[name] = sampled_median(compiled, name, p)
    for leaf, cellname in compiled.leaf_owner.items():
        if parsed[cellname].refs:
            out[leaf] = compiled.leaves[leaf].median()
    return out


def monotone_in_leaf(p: Parsed) -> bool:
    """True when an input is increasing in its one distribution literal
    (so the median passes through): a positive multiple, possibly plus a constant."""
    (leaf,) = p.dists
    return _increasing_in(p.expr, leaf)


@functools.lru_cache(maxsize=4096)  # a model edit makes a new model: its unchanged inputs need no new derivative
def _increasing_in(expr: Any, leaf: str) -> bool:
    import sympy

    s = next((x for x in expr.free_symbols if x.name == leaf), None)
    if s is None:  # the literal folded away (lognorm(...) and 3697): not monotone, sample the median
        return False
    d = sympy.diff(expr, s)
    return bool(not d.free_symbols and d.is_positive)


def sampled_median(compiled: Compiled, name: str, p: Parsed) -> float:
    """The median of input ``name`` from ``POINT_SAMPLES`` draws with ``POINT_SEED``."""
    from .simulate import leaf_rng

    leaf_values = {leaf: dist.sample(leaf_rng(POINT_SEED, leaf), POINT_SAMPLES) for leaf, dist in p.dists.items()}
    step = next(s for s in compiled.steps if s.name == name)
    with np.errstate(all="ignore"):
        arr = np.asarray(step.fn(*[leaf_values[a] for a in step.args]), dtype=float)
    return float(np.median(arr))


def identity(x: np.ndarray) -> np.ndarray:
    return x


# Compiled cell functions, shared across models and edits: an edit changes one
# cell, and recompiling the others with sympy would cost most of a rerun.
_LAMBDIFIED: dict[Any, Callable[..., Any]] = {}
_LAMBDIFIED_MAX = 4096


def lambdified(args: tuple[Any, ...], expr: Any) -> Callable[..., Any]:
    import sympy

    key = (args, expr)
    fn = _LAMBDIFIED.get(key)
    if fn is None:
        fn = sympy.lambdify(args, expr, modules="numpy", cse=True)
        if len(_LAMBDIFIED) >= _LAMBDIFIED_MAX:
            _LAMBDIFIED.clear()
        _LAMBDIFIED[key] = fn
    return fn


def topological(cells: Mapping[str, Any], refs: Mapping[str, Sequence[str]]) -> list[str]:
    """Order names so that each comes after what it refers to.

    Raises UnknownCellError for a name that is not a cell and CycleError with
    the cycle's path (``a -> b -> a``).
    """
    for name, rs in refs.items():
        for r in rs:
            if r not in cells:
                raise UnknownCellError(r, name, tuple(cells))
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for root in cells:
        if state.get(root) == 2:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(refs[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
                continue
            st = state.get(nxt)
            if st == 1:
                i = path.index(nxt)
                raise CycleError(tuple(path[i:] + [nxt]))
            if st is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(refs[nxt])))
    return order
