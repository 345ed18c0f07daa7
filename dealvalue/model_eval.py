"""The numeric part of :class:`dealvalue.Model`: the compiled graph, point
values, evaluation at a point or over a sweep, elasticities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, cast

import numpy as np

from . import units as U
from .compiler import Compiled, compile_graph, point_values, run_steps
from .errors import BoundsError, FormulaError, UnitMismatchError
from .model_graph import ModelGraph

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["ModelEvaluation"]


class ModelEvaluation(ModelGraph):
    """Point evaluation of a model (inherited by :class:`dealvalue.Model`)."""

    def compile(self) -> Compiled:
        """Compile the graph: one numpy function per cell, in dependency order.

        Cached until the model changes.

        Returns
        -------
        dealvalue.compiler.Compiled
            The steps, and which cell owns each distribution literal
            (``leaf_owner``).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("ask", "R / beta(8, 2)")
        >>> m.compile().leaf_owner
        {'ask__1': 'ask'}
        """
        key = ("compiled",)
        if key not in self._cache:
            self._cache[key] = compile_graph(self._cells, self._parsed, self.inputs)
        compiled: Compiled = self._cache[key]
        return compiled

    def run_steps(
        self,
        leaf_values: Mapping[str, np.ndarray],
        n: int,
        fixed: Mapping[str, np.ndarray] | None = None,
        check_bounds: bool = True,
    ) -> dict[str, np.ndarray]:
        """Compute every cell from samples of the distribution literals.

        Parameters
        ----------
        leaf_values : mapping of str to numpy.ndarray
            Samples of each distribution literal, ``cell__k`` (see
            ``compile().leaf_owner``).
        n : int
            The number of samples.
        fixed : mapping of str to numpy.ndarray, optional
            Cells pinned to these values instead of computed; a
            ``numpy.ma.MaskedArray`` pins the samples it does not mask (the
            masked ones are computed).
        check_bounds : bool, default True
            Raise when a cell with bounds leaves them.

        Returns
        -------
        dict of str to numpy.ndarray
            Every cell's values.

        Raises
        ------
        BoundsError
            A cell left its declared bounds (with ``check_bounds``).

        Examples
        --------
        >>> import numpy as np, dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100"); m.add("ask", "R / 0.5")
        >>> m.run_steps({"R__1": np.array([10.0, 20.0])}, 2)["ask"]
        array([20., 40.])
        >>> m.run_steps({"R__1": np.array([10.0, 20.0])}, 2, fixed={"ask": np.ma.array([0.0, 0.0], mask=[True, False])})["ask"]
        array([20.,  0.])
        """
        return run_steps(self.compile(), leaf_values, n, fixed, self._check_bounds if check_bounds else None)

    def point_values(self) -> dict[str, float]:
        """Each input's point value: the number, or its distribution's median.

        Distribution literals inside formulas are at their medians too.

        Returns
        -------
        dict of str to float
            Input or literal name -> value.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 1000"); m.add("k", "2"); m.add("y", "R * k")
        >>> {k: round(v, 6) for k, v in m.point_values().items()}
        {'R': 100.0, 'k': 2.0}
        """
        key = ("points",)
        if key not in self._cache:
            self._cache[key] = point_values(self.compile(), self._parsed)
        return dict(self._cache[key])

    def _check_bounds(self, name: str, arr: np.ndarray) -> None:
        b = self.bounds(name)
        if b is None:
            return
        lo, hi = b
        tol = 1e-12 * max(1.0, abs(lo), abs(hi))
        bad = (arr < lo - tol) | (arr > hi + tol)
        if bad.any():
            raise BoundsError(name, float(arr[bad][0]), b, int(bad.sum()))

    def evaluate_all(self, **overrides: Any) -> dict[str, Any]:
        """Every cell at point values, with ``overrides`` for named cells.

        Parameters
        ----------
        **overrides
            Numbers (in the cell's unit) or pint quantities (converted); 1-d
            arrays for a vectorised sweep (they broadcast together).

        Returns
        -------
        dict
            Cell name -> float (an array for a sweep); inputs not named
            take their point value.

        Raises
        ------
        UnitMismatchError
            A quantity's unit does not convert to the cell's.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90", unit="USD"); m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.evaluate_all()
        {'R': 90.0, 'c': 0.5, 'ask': 180.0}
        >>> m.evaluate_all(c=[0.25, 0.5])["ask"]
        array([360., 180.])
        """
        from .evaluation import evaluate_all

        values = self.point_values()
        return evaluate_all(cast("Model", self), {k: self._magnitude(k, v) for k, v in overrides.items() if k in values or self.cell(k)})

    def evaluate(self, name: str, **overrides: Any) -> Any:
        """The cell's value at point values (see :meth:`evaluate_all`).

        Parameters
        ----------
        name : str
            The cell.
        **overrides
            Values for named cells; arrays make a vectorised sweep.

        Returns
        -------
        float or numpy.ndarray
            The value, or an array of values for a sweep.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "10 to 1000"); m.add("y", "2 * x")
        >>> round(m.evaluate("y"), 9), m.evaluate("y", x=3), m.evaluate("y", x=[1, 2])
        (200.0, 6.0, array([2., 4.]))
        """
        self.cell(name)
        return self.evaluate_all(**overrides)[name]

    def _magnitude(self, name: str, v: Any) -> np.ndarray:
        if hasattr(v, "to") and hasattr(v, "magnitude"):
            unit = self._units.get(name) if name in self._units else None
            if unit is None:
                raise UnitMismatchError(name, "a quantity with units was given for a distribution literal")
            try:
                v = U.quantity_in(v, self._registry).to(unit).magnitude
            except Exception:
                raise UnitMismatchError(name, f"cannot use {v} for a cell in {unit}") from None
        try:
            return np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise FormulaError(name, repr(v), "expected a number or an array of numbers") from None

    def elasticity(self, name: str, wrt: str) -> float:
        """d ln(name) / d ln(wrt) at point values.

        The % change in ``name`` per 1% change in ``wrt`` (see
        :func:`dealvalue.evaluation.elasticity`).

        Parameters
        ----------
        name : str
            The cell whose change is measured.
        wrt : str
            The cell that changes.

        Returns
        -------
        float

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.elasticity("ask", "c")
        -1.0
        """
        from .evaluation import elasticity

        return elasticity(cast("Model", self), name, wrt)
