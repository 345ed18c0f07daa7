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
        """The :class:`~dealvalue.Cell` named ``name``.

        Parameters
        ----------
        name : str
            The cell's name.

        Returns
        -------
        Cell
            The cell: its formula text, unit, label, description, group, bounds.

        Raises
        ------
        UnknownCellError
            No cell has that name (the message lists those that exist).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD", label="reward")
        >>> m.cell("R").formula, m.cell("R").label
        ('10 to 100', 'reward')
        """
        try:
            return self._cells[name]
        except KeyError:
            raise UnknownCellError(name, None, tuple(self._cells)) from None

    @property
    def cells(self) -> tuple[Cell, ...]:
        """All cells, in the order they were added.

        Returns
        -------
        tuple of Cell

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> [c.name for c in m.cells]
        ['x', 'y']
        """
        return tuple(self._cells.values())

    @property
    def names(self) -> tuple[str, ...]:
        """The cells' names, in the order they were added.

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> m.names
        ('x', 'y')
        """
        return tuple(self._cells)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Cells whose formula names no other cell (numbers and distributions).

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "1 to 10"); m.add("y", "x + norm(0, 1)")
        >>> m.inputs, m.formulas
        (('x',), ('y',))
        """
        return tuple(n for n, p in self._parsed.items() if not p.refs)

    @property
    def formulas(self) -> tuple[str, ...]:
        """Cells computed from other cells.

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> m.formulas
        ('y',)
        """
        return tuple(n for n, p in self._parsed.items() if p.refs)

    @property
    def correlations(self) -> dict[tuple[str, str], float]:
        """Rank correlations between inputs (see :meth:`Model.correlate`).

        Returns
        -------
        dict
            ``{(a, b): rho}`` with ``a < b``; a copy.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("a", "1 to 10"); m.add("b", "2 to 20")
        >>> m.correlate("b", "a", 0.5); m.correlations
        {('a', 'b'): 0.5}
        """
        return dict(self._correlations)

    def is_input(self, name: str) -> bool:
        """Whether cell ``name`` is an input (its formula names no other cell).

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        bool

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> m.is_input("x"), m.is_input("y")
        (True, False)
        """
        self.cell(name)
        return not self._parsed[name].refs

    def distribution(self, name: str) -> D.Distribution | None:
        """The distribution of an input that is exactly one distribution.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        Distribution or None
            None for a number, a formula cell, or an input that transforms its
            distribution (``2 * beta(8, 2)``).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("c", "beta(8, 2)"); m.add("d", "2 * beta(8, 2)")
        >>> m.distribution("c"), m.distribution("d")
        (Beta(a=8.0, b=2.0), None)
        """
        self.cell(name)
        p = self._parsed[name]
        if not p.refs and len(p.dists) == 1 and p.expr == leaf_symbol(next(iter(p.dists)), p):
            return next(iter(p.dists.values()))
        return None

    def parsed(self, name: str) -> Parsed:
        """The parsed formula of cell ``name``.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        dealvalue.formula.Parsed
            Its sympy expression, the cells it names (``refs``) and the
            distribution literals written inside it (``dists``).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("ask", "R / beta(8, 2)")
        >>> p = m.parsed("ask")
        >>> p.refs, list(p.dists)
        (('R',), ['ask__1'])
        """
        self.cell(name)
        return self._parsed[name]

    def monotone_in_leaf(self, name: str) -> bool:
        """Whether input ``name`` increases with its one distribution literal.

        True for a positive multiple of the literal, possibly plus a constant,
        so the literal's median passes through to the input's median.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        bool

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("a", "3 * beta(8, 2) + 1"); m.add("b", "1 - beta(8, 2)")
        >>> m.monotone_in_leaf("a"), m.monotone_in_leaf("b")
        (True, False)
        """
        p = self.parsed(name)
        return len(p.dists) == 1 and monotone_in_leaf(p)

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Cells that ``name``'s formula names directly.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.dependencies("ask"), m.dependents("R")
        (('R', 'c'), ('ask',))
        """
        self.cell(name)
        return self._parsed[name].refs

    def dependents(self, name: str) -> tuple[str, ...]:
        """Cells whose formulas name ``name`` directly.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("ask", "R / 0.5"); m.add("bid", "R * 2")
        >>> m.dependents("R")
        ('ask', 'bid')
        """
        self.cell(name)
        return tuple(n for n, p in self._parsed.items() if name in p.refs)

    def bounds(self, name: str) -> tuple[float, float] | None:
        """The cell's declared bounds, or (0, 1) for a beta or bernoulli input.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        tuple of float or None
            ``(low, high)``, or None when the cell has none.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("c", "beta(8, 2)"); m.add("k", "3", bounds=(0, 10)); m.add("y", "c * k")
        >>> m.bounds("c"), m.bounds("k"), m.bounds("y")
        ((0.0, 1.0), (0.0, 10.0), None)
        """
        c = self.cell(name)
        return c.bounds or default_bounds(self._parsed[name])
