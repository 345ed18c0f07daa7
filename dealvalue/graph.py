"""Checking a cell into the model's graph: its formula parsed against the
other cells' units and symbols, its unit fitted to the declared one, its
bounds checked.  :class:`dealvalue.Model` calls these on every change."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Mapping

from . import distributions as D
from .cells import Cell
from .errors import BoundsError, DistributionError, UnitMismatchError
from .formula import Parsed, parse
from .units import compatible, current, parse_unit

__all__ = ["parse_cell", "make_symbol", "leaf_symbol", "check_input_bounds", "default_bounds"]


def parse_cell(cell: Cell, units: Mapping[str, Any], symbols: Mapping[str, Any]) -> tuple[Parsed, Any]:
    """Parse a cell's formula against the other cells' units and symbols, and
    fit it to the declared unit (converting compatible units by a factor)."""
    p = parse(cell.formula, units=units, cell=cell.name, symbol_for=lambda n: symbols[n], exclude=cell.name)
    declared = parse_unit(cell.unit, cell.name) if cell.unit is not None else None
    reg = current()
    if declared is None:
        return p, p.unit
    if not p.refs and p.unit.dimensionless and not p.has_unit_literal:
        return p, declared  # an input takes the unit you declare
    if p.is_zero:
        return p, declared
    if not compatible(p.unit, declared):
        shown = "dimensionless" if p.unit.dimensionless else str(p.unit)
        raise UnitMismatchError(cell.name, f"formula {cell.formula!r} gives {shown}, but the cell is declared in {declared}")
    f = float(reg.Quantity(1.0, p.unit).to(declared).magnitude)
    if f != 1.0:
        import sympy

        p = replace(p, expr=p.expr * sympy.Float(f), unit=declared)
    return p, declared

def make_symbol(name: str, p: Parsed) -> Any:
    """The cell's sympy Symbol: positive or nonnegative when a constant or a
    distribution says so (which lets sympy simplify break-evens)."""
    import sympy

    if not p.refs:
        pos = p.expr.is_positive
        if pos:
            return sympy.Symbol(name, real=True, positive=True)
        if p.expr.is_nonnegative:
            return sympy.Symbol(name, real=True, nonnegative=True)
    return sympy.Symbol(name, real=True)

def leaf_symbol(leaf: str, p: Parsed) -> Any:
    """The symbol standing for distribution literal ``leaf`` in ``p``."""
    return next(s for s in p.expr.free_symbols if s.name == leaf) if p.dists else None

def check_input_bounds(cell: Cell, p: Parsed) -> None:
    """Refuse a constant input outside its bounds, or a distribution whose
    support leaves them."""
    bounds = cell.bounds or default_bounds(p)
    if bounds is None or p.refs:
        return
    lo, hi = bounds
    if not p.expr.free_symbols:
        v = float(p.expr)
        if not lo <= v <= hi:
            raise BoundsError(cell.name, v, (lo, hi))
        return
    if len(p.dists) == 1 and p.expr.is_Symbol:
        dist = next(iter(p.dists.values()))
        s_lo, s_hi = dist.support()
        if s_lo < lo or s_hi > hi:
            bad = s_lo if s_lo < lo else s_hi
            raise BoundsError(cell.name, bad, (lo, hi)) if math.isfinite(bad) else DistributionError(
                dist.formula(),
                f"can take values outside the cell's bounds [{lo:g}, {hi:g}]; use a bounded distribution (beta, uniform, pert) or clip()",
                cell.name,
            )

def default_bounds(p: Parsed) -> tuple[float, float] | None:
    """(0, 1) for an input that is one beta or bernoulli (a probability)."""
    if not p.refs and len(p.dists) == 1 and p.expr.is_Symbol:
        dist = next(iter(p.dists.values()))
        if isinstance(dist, (D.Beta, D.Bernoulli)):
            return (0.0, 1.0)
    return None
