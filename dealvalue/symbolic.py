"""LaTeX of cell names and of expressions over them."""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["latex_name", "expr_latex"]


def latex_name(name: str) -> str:
    """LaTeX for a cell name: ``c_h`` -> ``c_{h}``, ``risk_premium`` -> ``\\mathrm{risk\\_premium}``."""
    head, _, tail = name.partition("_")
    if not tail:
        import sympy

        own = str(sympy.latex(sympy.Symbol(name)))
        if own.startswith("\\") or len(name) == 1:  # greek letters and single letters
            return own
        return r"\mathrm{" + name + "}"
    if len(head) == 1 and len(tail) <= 3 and "_" not in tail:
        return f"{head}_{{{tail}}}"
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def expr_latex(expr: Any) -> str:
    """Any sympy expression over cell symbols as LaTeX, each name printed by
    :func:`latex_name` and products written with a dot (upright multi-letter
    names side by side would read as one name).

    Euler's number is printed upright (``\\mathrm{e}``, the ISO convention for
    a constant) and an exponential as ``\\exp(...)``, as the formula language
    writes it, so a cell named ``e`` (italic, like every one-letter cell)
    never reads as the constant:

    >>> import sympy
    >>> e, x = sympy.symbols("e x")
    >>> print(expr_latex(e * sympy.exp(x) + sympy.E))
    e \\cdot \\exp\\left(x\\right) + \\mathrm{e}
    """
    printer = _cell_printer()(dict(symbol_names={s: latex_name(s.name) for s in expr.free_symbols}, mul_symbol="dot"))
    return str(printer.doprint(expr))


@functools.cache
def _cell_printer() -> Any:
    """sympy's LaTeX printer with the constant e and exponentials written as above
    (sympy's documented way to change how one kind of expression prints)."""
    import sympy
    from sympy.printing.latex import LatexPrinter

    class CellLatexPrinter(LatexPrinter):  # type: ignore[misc]  # sympy is untyped
        def _print(self, expr: Any, **kwargs: Any) -> str:
            if expr is sympy.E:  # sympy's E prints itself (its own _latex method), before any _print_Exp1
                return r"\mathrm{e}"
            return str(super()._print(expr, **kwargs))

        def _print_ExpBase(self, expr: Any, exp: Any = None) -> str:
            body = r"\exp\left(%s\right)" % self._print(expr.args[0])
            return body if exp is None else r"{\left(%s\right)}^{%s}" % (body, exp)

    return CellLatexPrinter
