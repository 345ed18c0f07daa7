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
        """Compile the graph: one numpy function per cell, in dependency order
        (cached until the model changes)."""
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
        """Compute every cell from leaf samples (``fixed`` pins cells to values)."""
        return run_steps(self.compile(), leaf_values, n, fixed, self._check_bounds if check_bounds else None)

    def point_values(self) -> dict[str, float]:
        """Each input's point value (the number, or its median), and each
        distribution literal inside a formula at its median."""
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
        """
        from .evaluation import evaluate_all

        values = self.point_values()
        return evaluate_all(cast("Model", self), {k: self._magnitude(k, v) for k, v in overrides.items() if k in values or self.cell(k)})

    def evaluate(self, name: str, **overrides: Any) -> Any:
        """The cell's value at point values (see :meth:`evaluate_all`).

        Parameters
        ----------
        name
            The cell.
        **overrides
            Values for named cells; arrays make a vectorised sweep.

        Returns
        -------
        float or numpy.ndarray
            The value, or an array of values for a sweep.

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
        """d ln(name) / d ln(wrt) at point values: the % change in ``name``
        per 1% change in ``wrt`` (see :func:`dealvalue.evaluation.elasticity`).

        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.elasticity("ask", "c")
        -1.0
        """
        from .evaluation import elasticity

        return elasticity(cast("Model", self), name, wrt)
