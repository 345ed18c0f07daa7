"""The model: named cells, their dependency graph, symbolic and point evaluation.

Examples
--------
>>> import dealvalue as dv
>>> m = dv.Model("worked example")
>>> m.add("R", "90", unit="USD")
>>> m.add("W", "100", unit="USD")
>>> m.add("c_h", "0.5")
>>> m.add("c_ai", "0.5")
>>> m.add("ask", "R / c_h")
>>> m.add("bid", "W * c_ai")
>>> m.evaluate("ask"), m.evaluate("bid"), str(m.unit("ask"))
(180.0, 50.0, 'USD')
>>> m.solve("bid - ask", for_="c_ai")
[R/(W*c_h)]
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace as _dc_replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from . import distributions as D
from .cells import Cell, check_name
from .errors import (ArgumentTypeError, BoundsError, CellInUseError, CycleError, DealValueError, DistributionError,
                     DuplicateCellError, FormulaError, UnitMismatchError, UnknownCellError)
from .compiler import Compiled, compile_graph, monotone_in_leaf, point_values, run_steps, topological
from .formula import Parsed, parse, references
from .storage import Storage
from .graph import check_input_bounds, default_bounds, leaf_symbol, make_symbol, parse_cell
from .symbolic import expr_latex, latex_name
from . import units as U
from .model_units import ModelUnits
from .units import compatible, parse_unit, unit_text

if TYPE_CHECKING:  # pragma: no cover
    import os

    import pandas as pd
    import pint
    import sympy

    from .results import Results

__all__ = ["Model"]


class Model(ModelUnits, Storage):
    """A model: named cells holding numbers, distributions and formulas.

    Parameters
    ----------
    name
        A title, shown in summaries and exports.
    description
        Free text.
    seed
        The default seed of :meth:`simulate`: an int, or a numpy
        ``Generator`` or ``SeedSequence`` (an int is derived once, see
        :func:`dealvalue.simulate.check_seed`).

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("evidence for cash")
    >>> m.add("R", "10 to 100", unit="USD")
    >>> m.add("reality", "beta(8, 2)")
    >>> m.add("ask", "R / reality")
    >>> m.expr("ask")
    R/reality
    >>> str(m.unit("ask"))
    'USD'
    >>> round(m.evaluate("ask", R=90, reality=0.5), 6)
    180.0
    """

    def __init__(self, name: str = "model", description: str = "", seed: "int | np.random.Generator | np.random.SeedSequence | None" = None) -> None:
        if not isinstance(name, str):
            raise ArgumentTypeError("name", name, "the model's name as text")
        self.name = name
        self.description = description
        if isinstance(seed, (np.random.Generator, np.random.SeedSequence)):  # an int seed, derived once
            from .simulate import check_seed
            seed = check_seed(seed)
        self.seed = seed
        self._cells: dict[str, Cell] = {}
        self._parsed: dict[str, Parsed] = {}
        self._units: dict[str, Any] = {}
        self._symbols: dict[str, Any] = {}
        self._correlations: dict[tuple[str, str], float] = {}
        self._version = 0
        self._cache: dict[Any, Any] = {}
        # the model's own units (none: the shared registry); new models start
        # with the deprecated process-wide dv.define_unit units, if any
        self._registry: Any = U.registry_for(U.user_units().items())

    # ------------------------------------------------------------ container
    def __contains__(self, name: object) -> bool:
        return name in self._cells

    def __len__(self) -> int:
        return len(self._cells)

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __getitem__(self, name: str) -> Cell:
        return self.cell(name)

    def __repr__(self) -> str:
        return f"<Model {self.name!r}: {len(self.inputs)} inputs, {len(self.formulas)} formulas>"

    def __eq__(self, other: object) -> bool:
        """Models are equal when their name, description, seed, cells (in order)
        and correlations are."""
        if not isinstance(other, Model):
            return NotImplemented
        return (
            (self.name, self.description, self.seed, self.cells, self._correlations)
            == (other.name, other.description, other.seed, other.cells, other._correlations)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

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

    def copy(self) -> "Model":
        """An independent copy (cells are immutable and shared)."""
        m = type(self).__new__(type(self))
        m.__dict__.update(self.__dict__)
        m._cells = dict(self._cells)
        m._parsed = dict(self._parsed)
        m._units = dict(self._units)
        m._symbols = dict(self._symbols)
        m._correlations = dict(self._correlations)
        m._cache = dict(self._cache)
        return m

    def with_edits(
        self, edits: Iterable[tuple[str, Mapping[str, Any] | Iterable[tuple[str, Any]] | None]]
    ) -> tuple["Model", dict[str, str]]:
        """A copy with every valid edit applied, and why each other edit was
        refused; see :func:`dealvalue.edits.apply_edits`."""
        from .edits import apply_edits

        return apply_edits(self, edits)

    # ------------------------------------------------------------ editing
    def add(
        self,
        name: str,
        formula: Any,
        unit: str | None = None,
        label: str = "",
        description: str = "",
        group: str = "",
        bounds: tuple[float, float] | None = None,
        *,
        replace: bool = False,
    ) -> None:
        """Add a cell.

        ``formula`` is formula text, a number, a :mod:`dealvalue.distributions`
        object, a squigglepy distribution, a sympy expression or a pint
        Quantity of one number, ``5 * dv.ureg.USD`` (its unit becomes the
        cell's; see :mod:`dealvalue.interop`).  Raises if ``name`` exists (unless
        ``replace=True``), names unknown cells, makes a cycle, mixes units, or
        breaks ``bounds``; on any error the model is left as it was.
        """
        cell = Cell(name, formula, unit=unit, label=label, description=description, group=group, bounds=bounds)
        if name in self._cells and not replace:
            raise DuplicateCellError(name)
        self._apply({name: cell})

    def replace(self, name: str, formula: Any = None, **fields: Any) -> None:
        """Change a cell: its formula and/or any of ``unit``, ``label``,
        ``description``, ``group``, ``bounds``.  Fields not given are kept."""
        old = self.cell(name)
        if formula is not None:
            fields["formula"] = formula
        cell = _dc_replace(old, **fields)
        self._apply({name: cell})

    def remove(self, name: str) -> None:
        """Remove a cell that no other cell uses."""
        self.cell(name)
        users = self.dependents(name)
        if users:
            raise CellInUseError(name, users)
        del self._cells[name]
        del self._parsed[name]
        del self._units[name]
        self._symbols.pop(name, None)
        self._correlations = {k: v for k, v in self._correlations.items() if name not in k}
        self._touch()

    def add_cells(self, cells: Iterable[Cell]) -> None:
        """Add or replace several cells at once, in any order (all or nothing)."""
        self._apply({c.name: c for c in cells})

    def correlate(self, a: str, b: str, rho: float) -> None:
        """Give inputs ``a`` and ``b`` a rank (Spearman) correlation ``rho``.

        Both must be inputs holding one distribution.  Samples keep their
        marginal distributions; they are paired by the Iman-Conover method.
        ``rho = 0`` removes the correlation.
        """
        for x in (a, b):
            self.cell(x)
            if not self.is_input(x) or len(self._parsed[x].dists) != 1:
                raise DistributionError(f"correlate({a!r}, {b!r})", f"{x!r} is not an input holding one distribution, so it cannot be correlated")
        if a == b:
            raise DistributionError(f"correlate({a!r}, {b!r})", "a cell cannot be correlated with itself")
        try:
            r = float(rho)
        except (TypeError, ValueError):
            raise DistributionError(f"correlate({a!r}, {b!r})", f"rho must be a number, got {rho!r}") from None
        if not -1 < r < 1:
            raise DistributionError(f"correlate({a!r}, {b!r})", f"expected -1 < rho < 1, got {r:g}")
        key = (a, b) if a < b else (b, a)
        if r == 0:
            self._correlations.pop(key, None)
        else:
            self._correlations[key] = r
        self._touch()

    def _touch(self) -> None:
        self._version += 1
        self._cache.clear()

    def _apply(self, new: dict[str, Cell]) -> None:
        """Parse new cells and everything downstream of them; commit only if all is well."""
        with U.using(self._registry):
            self._apply_in(new)

    def _apply_in(self, new: dict[str, Cell]) -> None:
        cells = dict(self._cells)
        cells.update(new)
        refs = {n: (references(c.formula, n) if n in new else self._parsed[n].refs) for n, c in cells.items()}
        order = topological(cells, refs)
        changed: set[str] = set(new)
        parsed = dict(self._parsed)
        units = dict(self._units)
        symbols = dict(self._symbols)
        for name in order:
            if name not in changed and not any(r in changed for r in refs[name]):
                continue
            try:
                p, unit = parse_cell(cells[name], units, symbols)
            except UnitMismatchError as exc:
                if name in new or len(new) != 1:
                    raise
                # the user changed another cell: name that one, and say what it breaks
                (edited,) = new
                raise UnitMismatchError(
                    edited, f"unit {unit_text(units[edited]) or 'dimensionless'} breaks cell {name!r}, which uses it: {exc.reason}"
                ) from None
            parsed[name], units[name] = p, unit
            symbols[name] = make_symbol(name, p)
            changed.add(name)  # dependents are rebuilt too: the unit or symbol may differ
        # declared bounds on constant inputs, and distribution supports
        for name in new:
            check_input_bounds(cells[name], parsed[name])
        for key in list(self._correlations):
            for x in key:
                if x in new and (parsed[x].refs or len(parsed[x].dists) != 1):
                    raise DistributionError(x, "is correlated with another input, so it must stay one distribution; remove the correlation first", x)
        self._cells, self._parsed, self._units, self._symbols = cells, parsed, units, symbols
        self._touch()

    def bounds(self, name: str) -> tuple[float, float] | None:
        """Declared bounds, or (0, 1) for a beta or bernoulli input."""
        c = self.cell(name)
        return c.bounds or default_bounds(self._parsed[name])

    # ------------------------------------------------------------ symbolic
    def symbol(self, name: str) -> "sympy.Symbol":
        """The sympy Symbol that stands for cell ``name``."""
        self.cell(name)
        return self._symbols[name]

    def unit(self, name: str) -> "pint.Unit":
        """The cell's pint unit (declared, or inferred for formulas)."""
        self.cell(name)
        unit: pint.Unit = self._units[name]
        return unit

    def expr(self, name: str, keep: Iterable[str] = ()) -> "sympy.Expr":
        """The cell as a sympy expression in the input symbols.

        Formula cells are expanded down to inputs, except those named in
        ``keep``, which stay as their own symbols.  Distribution literals
        inside formulas appear as symbols ``cell__k``.
        """
        self.cell(name)
        keep = frozenset(keep)
        for k in keep:
            self.cell(k)
        key = ("expr", name, keep)
        if key in self._cache:
            return self._cache[key]
        if not self._parsed[name].refs:
            result = self._symbols[name]
        else:
            result = self._expand(self._parsed[name].expr, keep)
        self._cache[key] = result
        return result

    def _expand(self, e: Any, keep: frozenset[str]) -> Any:
        subs = {}
        for s in e.free_symbols:
            n = s.name
            if n in self._parsed and self._parsed[n].refs and n not in keep:
                subs[s] = self.expr(n, keep)
        return e.xreplace(subs) if subs else e

    def formula_expr(self, text: str, keep: Iterable[str] = ()) -> "sympy.Expr":
        """Parse a formula over this model's cells (not added) and expand it."""
        with U.using(self._registry):
            p = parse(text, units=self._units, cell=None, symbol_for=lambda n: self._symbols[n])
        if p.dists:
            raise FormulaError(None, text, "distributions are not allowed here")
        return self._expand(p.expr, frozenset(keep))

    def solve(self, equation: str, for_: str, keep: Iterable[str] = ()) -> list["sympy.Expr"]:
        """Solve ``equation = 0`` (or a comparison as an equality) for a cell.

        ``for_`` may be an input or a formula cell (which is then kept as a
        symbol).  Formula cells named in ``keep`` stay symbols too, which
        keeps solutions short in large models.  Returns the list of
        solutions from :func:`sympy.solve`.

        >>> import dealvalue as dv
        >>> m = dv.Model()
        >>> m.add("R", "90", unit="USD"); m.add("W", "100", unit="USD")
        >>> m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.solve("W >= ask", for_="c")
        [R/W]
        """
        import sympy

        from .budgets import solve_within  # under a budget's time: in a child process, stopped when time is up
        self.cell(for_)
        e = self.formula_expr(equation, keep=[for_, *keep])
        if isinstance(e, sympy.Piecewise) and len(e.args) == 2 and e.args[0][0] == 1:
            rel = e.args[0][1]
            if isinstance(rel, sympy.core.relational.Relational):
                e = rel.lhs - rel.rhs
        sym = self._symbols[for_]
        if sym not in e.free_symbols:
            raise FormulaError(None, equation, f"the equation does not depend on {for_!r}")
        return solve_within(e, sym, f"solving {equation!r} for {for_!r}")

    def latex(self, name: str, keep: Iterable[str] = ()) -> str:
        """The cell's expression as LaTeX (for the app and reports).

        Names keep their underscores: ``c_h`` prints as :math:`c_{h}` (a short
        subscript), ``risk_premium`` as ``\\mathrm{risk\\_premium}`` (sympy
        alone would print ``risk_{premium}``).

        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("c_h", "0.5"); m.add("risk_premium", "2")
        >>> m.add("x", "risk_premium / c_h")
        >>> print(m.latex("x"))
        \\frac{\\mathrm{risk\\_premium}}{c_{h}}
        """
        return expr_latex(self.expr(name, keep=keep))

    # ------------------------------------------------------------ compiled evaluation
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
        return evaluate_all(self, {k: self._magnitude(k, v) for k, v in overrides.items() if k in values or self.cell(k)})

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

        return elasticity(self, name, wrt)

    # ------------------------------------------------------------ running
    def simulate(self, n: int = 10_000, seed: "int | np.random.Generator | np.random.SeedSequence | None" = None,
                 method: str = "mc", progress: bool = False, **kwargs: Any) -> "Results":
        """Sample every cell jointly; see :func:`dealvalue.simulate.simulate`.

        Parameters
        ----------
        n
            The number of samples (an integral float such as ``1e4`` too).
        seed
            An int, a numpy ``Generator`` or ``SeedSequence``; None takes
            the model's seed (or a fresh one).
        method
            ``"mc"``, ``"lhs"`` or ``"qmc"``.
        progress
            Show a progress bar.
        **kwargs
            Passed on: ``overrides={"R": 90}`` pins cells to values for the
            run (numbers or quantities), ``keep``, ``target_se``, ...

        Returns
        -------
        Results
            Joint samples of every cell.
        """
        from .simulate import simulate

        return simulate(self, n=n, seed=self.seed if seed is None else seed, method=method, progress=progress, **kwargs)

    # ------------------------------------------------------------ views
    def describe(self) -> "pd.DataFrame":
        """One row per cell: kind, formula, unit, label, group, bounds."""
        import pandas as pd

        rows = [{"name": c.name, "kind": "input" if self.is_input(c.name) else "formula", "formula": c.formula,
                 "unit": unit_text(self._units[c.name]), "label": c.label, "group": c.group,
                 "bounds": self.bounds(c.name)} for c in self._cells.values()]
        return pd.DataFrame(rows).set_index("name")

    def _repr_html_(self) -> str:
        from .display import model_html
        return model_html(self)

    def _repr_latex_(self) -> str | None:
        from .display import model_latex
        return model_latex(self)


def read_excel(path: "str | os.PathLike[str]", mismatch: str = "error") -> Model:
    """Read a workbook written by :meth:`Model.to_excel` back into a model.

    The model is rebuilt from each cell's ``formula (dealvalue)`` text, then
    the analyst's edits on the Inputs sheet are applied: changed
    distribution parameters, point values typed over with a number (that
    input becomes a constant) and changed rank correlations.

    ``path`` is the workbook (``.xlsx``); returns the model, with the edits.
    Raises :class:`~dealvalue.ExcelError` for a file that is not a dealvalue
    workbook (or is over a size limit), or an edit that cannot be read, named
    by its sheet cell.

    Examples
    --------
    >>> import dealvalue as dv, os, tempfile
    >>> m = dv.Model("demo", seed=1)
    >>> m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / beta(8, 2)")
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
    >>> m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=20)
    >>> dv.read_excel(path).cell("ask").formula
    'R / beta(8, 2)'
    """
    return Model.read_excel(path, mismatch=mismatch)


