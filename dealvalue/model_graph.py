"""The graph part of :class:`dealvalue.Model`: its cells, which are inputs
and which formulas, who uses whom, declared bounds.

``ModelGraph`` holds the state every part of a model reads (the cells, their
parsed formulas, units and symbols, the correlations); :class:`Model`
fills it and keeps it consistent, the other parts
(:class:`~dealvalue.model_symbolic.ModelSymbolic`,
:class:`~dealvalue.model_eval.ModelEvaluation`) only read it.
"""

from __future__ import annotations

from typing import Any

from . import distributions as D
from .cells import Cell
from .compiler import monotone_in_leaf
from .errors import UnknownCellError
from .formula import Parsed
from .graph import default_bounds, leaf_symbol

__all__ = ["ModelGraph"]


class ModelGraph:
    """Queries on a model's cells (inherited by :class:`dealvalue.Model`)."""

    _cells: dict[str, Cell]
    _parsed: dict[str, Parsed]
    _units: dict[str, Any]
    _symbols: dict[str, Any]
    _correlations: dict[tuple[str, str], float]
    _cache: dict[Any, Any]
    _registry: Any

    def cell(self, name: str) -> Cell:
        """The :class:`Cell` named ``name``."""
        try:
            return self._cells[name]
        except KeyError:
            raise UnknownCellError(name, None, tuple(self._cells)) from None

    @property
    def cells(self) -> tuple[Cell, ...]:
        """All cells, in the order they were added."""
        return tuple(self._cells.values())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._cells)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Cells whose formula names no other cell (numbers and distributions)."""
        return tuple(n for n, p in self._parsed.items() if not p.refs)

    @property
    def formulas(self) -> tuple[str, ...]:
        """Cells computed from other cells."""
        return tuple(n for n, p in self._parsed.items() if p.refs)

    @property
    def correlations(self) -> dict[tuple[str, str], float]:
        """Rank correlations between inputs, ``{(a, b): rho}``."""
        return dict(self._correlations)

    def is_input(self, name: str) -> bool:
        self.cell(name)
        return not self._parsed[name].refs

    def distribution(self, name: str) -> D.Distribution | None:
        """The distribution of an input that is exactly one distribution, else None."""
        self.cell(name)
        p = self._parsed[name]
        if not p.refs and len(p.dists) == 1 and p.expr == leaf_symbol(next(iter(p.dists)), p):
            return next(iter(p.dists.values()))
        return None

    def parsed(self, name: str) -> Parsed:
        """The parsed formula of cell ``name``: its sympy expression, the cells
        it names and the distribution literals written inside it."""
        self.cell(name)
        return self._parsed[name]

    def monotone_in_leaf(self, name: str) -> bool:
        """True when input ``name`` is increasing in its one distribution
        literal (a positive multiple, possibly plus a constant), so the
        literal's median passes through to the input's median."""
        p = self.parsed(name)
        return len(p.dists) == 1 and monotone_in_leaf(p)

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Cells that ``name``'s formula names directly."""
        self.cell(name)
        return self._parsed[name].refs

    def dependents(self, name: str) -> tuple[str, ...]:
        """Cells whose formulas name ``name`` directly."""
        self.cell(name)
        return tuple(n for n, p in self._parsed.items() if name in p.refs)

    def bounds(self, name: str) -> tuple[float, float] | None:
        """Declared bounds, or (0, 1) for a beta or bernoulli input."""
        c = self.cell(name)
        return c.bounds or default_bounds(self._parsed[name])
