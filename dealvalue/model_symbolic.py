"""The symbolic part of :class:`dealvalue.Model`: each cell as a sympy
expression in the inputs, equations solved for a cell, LaTeX."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from . import units as U
from .errors import FormulaError
from .formula import parse
from .model_graph import ModelGraph
from .symbolic import expr_latex

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = ["ModelSymbolic"]


class ModelSymbolic(ModelGraph):
    """Symbolic views of a model (inherited by :class:`dealvalue.Model`)."""

    def symbol(self, name: str) -> "sympy.Symbol":
        """The sympy Symbol that stands for cell ``name``.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        sympy.Symbol

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("c_h", "0.5")
        >>> m.symbol("c_h")
        c_h
        """
        self.cell(name)
        return self._symbols[name]

    def expr(self, name: str, keep: Iterable[str] = ()) -> "sympy.Expr":
        """The cell as a sympy expression in the input symbols.

        Parameters
        ----------
        name : str
            The cell.
        keep : iterable of str, optional
            Formula cells that stay as their own symbols instead of being
            expanded down to inputs.

        Returns
        -------
        sympy.Expr
            Distribution literals inside formulas appear as symbols ``cell__k``.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c"); m.add("gap", "ask - 100")
        >>> m.expr("gap"), m.expr("gap", keep=["ask"])
        (R/c - 100, ask - 100)
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
        """Parse a formula over this model's cells (not added) and expand it.

        Parameters
        ----------
        text : str
            Formula text; it may name cells but hold no distribution.
        keep : iterable of str, optional
            Formula cells left as symbols (see :meth:`expr`).

        Returns
        -------
        sympy.Expr

        Raises
        ------
        FormulaError
            The text does not parse, names unknown cells or holds a distribution.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90"); m.add("c", "0.5"); m.add("ask", "R / c")
        >>> m.formula_expr("2 * ask")
        2*R/c
        """
        with U.using(self._registry):
            p = parse(text, units=self._units, cell=None, symbol_for=lambda n: self._symbols[n])
        if p.dists:
            raise FormulaError(None, text, "distributions are not allowed here")
        return self._expand(p.expr, frozenset(keep))

    def solve(self, equation: str, for_: str, keep: Iterable[str] = ()) -> list["sympy.Expr"]:
        """Solve ``equation = 0`` (or a comparison as an equality) for a cell.

        Parameters
        ----------
        equation : str
            Formula text over the model's cells, an expression equal to zero or
            a comparison such as ``W >= ask``.
        for_ : str
            The cell to solve for: an input, or a formula cell (then kept as a
            symbol).
        keep : iterable of str, optional
            Formula cells kept as symbols too, which keeps solutions short in
            large models.

        Returns
        -------
        list of sympy.Expr
            The solutions from :func:`sympy.solve`.

        Raises
        ------
        FormulaError
            The equation does not depend on ``for_``.
        BudgetExceeded
            The solve ran over the active :func:`dealvalue.budget`'s time.

        Examples
        --------
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
        r"""The cell's expression as LaTeX (for the app and reports).

        Names keep their underscores: ``c_h`` prints as :math:`c_{h}` (a short
        subscript), ``risk_premium`` as ``\mathrm{risk\_premium}`` (sympy alone
        would print ``risk_{premium}``).

        Parameters
        ----------
        name : str
            The cell.
        keep : iterable of str, optional
            Formula cells left as symbols (see :meth:`expr`).

        Returns
        -------
        str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("c_h", "0.5"); m.add("risk_premium", "2")
        >>> m.add("x", "risk_premium / c_h")
        >>> print(m.latex("x"))
        \frac{\mathrm{risk\_premium}}{c_{h}}
        """
        return expr_latex(self.expr(name, keep=keep))
