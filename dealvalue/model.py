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

from dataclasses import replace as _dc_replace
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

import numpy as np

from . import units as U
from .cells import Cell
from .compiler import topological
from .errors import ArgumentTypeError, CellInUseError, DistributionError, DuplicateCellError, UnitMismatchError
from .formula import references
from .graph import check_input_bounds, make_symbol, parse_cell
from .model_eval import ModelEvaluation
from .model_symbolic import ModelSymbolic
from .model_units import ModelUnits
from .storage import Storage
from .units import unit_text

if TYPE_CHECKING:  # pragma: no cover
    import os

    import pandas as pd

    from .results import Results

__all__ = ["Model"]


class Model(ModelSymbolic, ModelEvaluation, ModelUnits, Storage):
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
        self._cells = {}
        self._parsed = {}
        self._units = {}
        self._symbols = {}
        self._correlations = {}
        self._version = 0
        self._cache = {}
        # the model's own units (none: the shared registry); new models start
        # with the deprecated process-wide dv.define_unit units, if any
        self._registry = U.registry_for(U.user_units().items())

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

    def copy(self) -> "Model":
        """An independent copy (cells are immutable and shared).

        Returns
        -------
        Model
            Edits to the copy leave this model as it is.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2")
        >>> c = m.copy(); c.replace("x", "3")
        >>> m.evaluate("x"), c.evaluate("x")
        (2.0, 3.0)
        """
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
        """A copy with every valid edit applied, and why each other edit was refused.

        See :func:`dealvalue.edits.apply_edits`.

        Parameters
        ----------
        edits : iterable of (str, mapping or None)
            ``(cell, fields)`` pairs: the fields of :meth:`replace` (``formula``,
            ``unit``, ...) to change, or None to remove the cell.

        Returns
        -------
        model : Model
            The copy, with the valid edits.
        refused : dict of str to str
            Cell name -> why its edit was refused.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> new, refused = m.with_edits([("x", {"formula": "5"}), ("y", {"formula": "x +"})])
        >>> new.evaluate("y"), list(refused)
        (6.0, ['y'])
        """
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

        Parameters
        ----------
        name : str
            The cell's name (a letter, then letters, digits, underscores).
        formula : str, number, Distribution, sympy.Expr or pint.Quantity
            Formula text, a number, a :mod:`dealvalue.distributions` object, a
            squigglepy distribution, a sympy expression or a pint Quantity of
            one number, ``5 * dv.ureg.USD`` (its unit becomes the cell's; see
            :mod:`dealvalue.interop`).
        unit : str, optional
            The cell's unit; a formula cell's is inferred when not given.
        label : str, optional
            A short human name, shown in tables and charts.
        description : str, optional
            Free text (sources, reasoning).
        group : str, optional
            A group name, for grouped sensitivity analysis.
        bounds : tuple of float, optional
            ``(low, high)`` the cell's values must stay within.
        replace : bool, default False
            Replace a cell of that name instead of refusing.

        Raises
        ------
        DuplicateCellError
            ``name`` exists and ``replace`` is False.
        FormulaError, UnknownCellError, CycleError, UnitMismatchError, BoundsError
            The formula does not parse, names unknown cells, makes a cycle,
            mixes units or breaks ``bounds``; the model is left as it was.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model()
        >>> m.add("R", "10 to 100", unit="USD", label="reward")
        >>> m.add("ask", "R / beta(8, 2)")
        >>> str(m.unit("ask")), m.inputs
        ('USD', ('R',))
        """
        cell = Cell(name, formula, unit=unit, label=label, description=description, group=group, bounds=bounds)
        if name in self._cells and not replace:
            raise DuplicateCellError(name)
        self._apply({name: cell})

    def replace(self, name: str, formula: Any = None, **fields: Any) -> None:
        """Change a cell; fields not given are kept.

        Parameters
        ----------
        name : str
            The cell.
        formula : optional
            A new formula (anything :meth:`add` takes).
        **fields
            New values of ``unit``, ``label``, ``description``, ``group`` or
            ``bounds``.

        Raises
        ------
        UnknownCellError
            No such cell.
        FormulaError, CycleError, UnitMismatchError, BoundsError
            As for :meth:`add`; the model is left as it was.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90", unit="USD"); m.add("ask", "R / 0.5")
        >>> m.replace("R", "10"); m.replace("ask", label="the AI's ask")
        >>> m.evaluate("ask"), m.cell("ask").label
        (20.0, "the AI's ask")
        """
        old = self.cell(name)
        if formula is not None:
            fields["formula"] = formula
        cell = _dc_replace(old, **fields)
        self._apply({name: cell})

    def remove(self, name: str) -> None:
        """Remove a cell that no other cell uses.

        Parameters
        ----------
        name : str
            The cell.

        Raises
        ------
        CellInUseError
            Other cells' formulas name it (the message lists them).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "2"); m.add("y", "x + 1")
        >>> m.remove("y"); m.names
        ('x',)
        """
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
        """Add or replace several cells at once, in any order (all or nothing).

        Parameters
        ----------
        cells : iterable of Cell
            The cells; their formulas may name each other.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model()
        >>> m.add_cells([dv.Cell("y", "x + 1"), dv.Cell("x", "2")])
        >>> m.evaluate("y")
        3.0
        """
        self._apply({c.name: c for c in cells})

    def correlate(self, a: str, b: str, rho: float) -> None:
        """Give inputs ``a`` and ``b`` a rank (Spearman) correlation ``rho``.

        Samples keep their marginal distributions; they are paired by the
        Iman-Conover method.

        Parameters
        ----------
        a, b : str
            Two inputs, each holding one distribution.
        rho : float
            The rank correlation, ``-1 < rho < 1``; 0 removes it.

        Raises
        ------
        DistributionError
            A cell is not an input holding one distribution, ``a == b``, or
            ``rho`` is out of range.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100"); m.add("W", "50 to 500")
        >>> m.correlate("R", "W", 0.8)
        >>> r = m.simulate(n=5_000, seed=1)
        >>> round(float(r.samples[["R", "W"]].corr("spearman").iloc[0, 1]), 1)
        0.8
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
        # a cell is parsed again when it is new or changed, or when a cell it names now has another unit or
        # symbol (a parse depends on nothing else): an edited input of the same unit re-parses itself only
        changed: set[str] = set()
        parsed = dict(self._parsed)
        units = dict(self._units)
        symbols = dict(self._symbols)
        for name in order:
            if name not in new and not any(r in changed for r in refs[name]):
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
            symbol = make_symbol(name, p)
            if name not in self._units or not _same_unit(units[name], unit) or symbols.get(name) != symbol:
                changed.add(name)  # its dependents are parsed again with the new unit or symbol
            parsed[name], units[name], symbols[name] = p, unit, symbol
        # declared bounds on constant inputs, and distribution supports
        for name in new:
            check_input_bounds(cells[name], parsed[name])
        for key in list(self._correlations):
            for x in key:
                if x in new and (parsed[x].refs or len(parsed[x].dists) != 1):
                    raise DistributionError(x, "is correlated with another input, so it must stay one distribution; remove the correlation first", x)
        self._cells, self._parsed, self._units, self._symbols = cells, parsed, units, symbols
        self._touch()

    # ------------------------------------------------------------ running
    def simulate(self, n: int = 10_000, seed: "int | np.random.Generator | np.random.SeedSequence | None" = None,
                 method: str = "mc", progress: bool = False, **kwargs: Any) -> "Results":
        """Sample every cell jointly; see :func:`dealvalue.simulate.simulate`.

        Parameters
        ----------
        n : int
            The number of samples (an integral float such as ``1e4`` too).
        seed : int, numpy.random.Generator or numpy.random.SeedSequence, optional
            None takes the model's seed (or a fresh one).
        method : {"mc", "lhs", "qmc"}
            Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.
        progress : bool, default False
            Show a progress bar.
        **kwargs
            Passed on: ``overrides={"R": 90}`` pins cells to values for the
            run (numbers or quantities), ``keep``, ``target_se``, ...

        Returns
        -------
        Results
            Joint samples of every cell.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("big", "x > 0.9")
        >>> r = m.simulate(n=10_000, seed=1)
        >>> r.n, abs(r.mean("big") - 0.1) < 4 * r.stderr("big")
        (10000, True)
        >>> m.simulate(n=100, seed=1, overrides={"x": 0.95}).mean("big")
        1.0
        """
        from .simulate import simulate

        return simulate(self, n=n, seed=self.seed if seed is None else seed, method=method, progress=progress, **kwargs)

    # ------------------------------------------------------------ views
    def describe(self) -> "pd.DataFrame":
        """One row per cell: kind, formula, unit, label, group, bounds.

        Returns
        -------
        pandas.DataFrame
            Indexed by cell name.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / 0.5")
        >>> m.describe()[["kind", "formula", "unit"]]
                 kind    formula unit
        name
        R       input  10 to 100  USD
        ask   formula    R / 0.5  USD
        """
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

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (``.xlsx``).
    mismatch : {"error", "text"}
        Where a formula cell's Excel formula disagrees with its dealvalue
        text: refuse, or take the text.

    Returns
    -------
    Model
        The model, with the edits.

    Raises
    ------
    ExcelError
        The file is not a dealvalue workbook (or is over a size limit), or an
        edit cannot be read; named by its sheet cell.

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


def _same_unit(a: Any, b: Any) -> bool:
    """True when two units are the same unit of the same registry (a unit the model defines makes a new one)."""
    try:
        return bool(a == b)
    except ValueError:  # pint: units of different registries
        return False
