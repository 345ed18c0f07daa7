"""Values from pint and sympy as cells.

* A pint ``Quantity`` of one number, ``5 * dv.ureg.USD``, becomes the number
  and its unit (converted to the cell's declared unit, if one is given).
  A Quantity of an array, or of a distribution, is refused: a cell is one
  number, a distribution or a formula.
* A sympy expression becomes formula text by a walk of its tree that maps
  the node types and functions the formula language has (numbers, symbols
  naming cells, ``+ - * / **``, ``exp ln sqrt abs min max floor ceil sin cos
  tan``, ``pi``, ``E``, comparisons, ``And``/``Or``/``Not`` and ``Piecewise``)
  and refuses every other node.  The text is then parsed by the same
  whitelist as typed text; sympy's own parser (``sympify``) never runs.

Examples
--------
>>> import sympy
>>> R, c = sympy.symbols("R c")
>>> sympy_text(R / c + 2, "ask")
'(2 + (R * (c ** (-1))))'
>>> quantity_formula(5 * __import__("dealvalue").ureg.USD, None, "W")
(5.0, 'USD')
"""

from __future__ import annotations

import re
from typing import Any

from .errors import FormulaError
from .grammar import MAX_DEPTH, RESERVED

__all__ = ["is_quantity", "is_sympy", "quantity_formula", "sympy_text"]

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def is_quantity(value: Any) -> bool:
    """Whether ``value`` is a pint Quantity (of any registry)."""
    return type(value).__module__.startswith("pint") and hasattr(value, "magnitude") and hasattr(value, "units")


def is_sympy(value: Any) -> bool:
    """Whether ``value`` is a sympy object."""
    return type(value).__module__.startswith("sympy")


def quantity_formula(value: Any, unit: str | None, cell: str) -> tuple[Any, str]:
    """The number and the unit text of a Quantity of one number.

    Parameters
    ----------
    value
        A pint Quantity whose magnitude is one real number.
    unit
        The cell's declared unit, or None to take the Quantity's own.
    cell
        The cell's name, for errors.

    Returns
    -------
    tuple
        ``(number, unit text)``: the magnitude in ``unit`` (or in the
        Quantity's unit) and the unit text.
    """
    import numpy as np

    mag = value.magnitude
    shown = f"{type(mag).__name__} Quantity"
    if isinstance(mag, np.ndarray) and mag.ndim > 0 or isinstance(mag, (list, tuple)):
        raise FormulaError(cell, shown, "a Quantity of an array cannot be a cell (a cell is one number, a distribution "
                           "or a formula); for a sweep over values use evaluate(cell, X=array)")
    if not isinstance(mag, (int, float, np.integer, np.floating)) or isinstance(mag, bool):
        raise FormulaError(cell, shown, "a Quantity of a distribution (or of anything but a number) cannot be a "
                           "cell; give the distribution itself with unit=..., e.g. m.add('W', dv.To(1, 10), unit='USD')")
    if unit is None:
        return float(mag), str(value.units)
    try:
        return float(value.to(unit).magnitude), unit
    except Exception as exc:
        raise FormulaError(cell, str(value), f"cannot convert the Quantity to the cell's unit {unit!r} ({exc})") from None


def sympy_text(expr: Any, cell: str) -> str:
    """Formula text for a sympy expression, by a whitelist walk of its tree.

    Parameters
    ----------
    expr
        A sympy expression whose symbols name cells.
    cell
        The cell's name, for errors.

    Returns
    -------
    str
        Formula text, read back by :func:`dealvalue.formula.parse`.
    """
    return _Walk(cell).text(expr, 0)


class _Walk:
    def __init__(self, cell: str) -> None:
        import sympy

        self.sp = sympy
        self.cell = cell
        self.functions = {sympy.exp: "exp", sympy.log: "ln", sympy.Abs: "abs", sympy.Min: "min", sympy.Max: "max",
                          sympy.floor: "floor", sympy.ceiling: "ceil", sympy.sin: "sin", sympy.cos: "cos",
                          sympy.tan: "tan"}
        self.relations = {sympy.StrictLessThan: "<", sympy.LessThan: "<=", sympy.StrictGreaterThan: ">",
                          sympy.GreaterThan: ">=", sympy.Equality: "==", sympy.Unequality: "!="}

    def refuse(self, e: Any, why: str) -> FormulaError:
        return FormulaError(self.cell, f"sympy {type(e).__name__}", why)

    def text(self, e: Any, depth: int) -> str:  # noqa: C901 - one branch per node type
        sp = self.sp
        if depth > MAX_DEPTH:
            raise self.refuse(e, f"the expression is nested more than {MAX_DEPTH} deep")

        def t(a: Any) -> str:
            return self.text(a, depth + 1)

        if e is sp.pi:
            return "pi"
        if e is sp.E:
            return "exp(1)"
        if e is sp.true or e is sp.false:
            return "(1 == 1)" if e is sp.true else "(1 == 0)"
        if isinstance(e, sp.Integer):
            return str(int(e)) if e >= 0 else f"(-{-int(e)})"
        if isinstance(e, sp.Rational):
            return f"({t(sp.Integer(e.p))} / {int(e.q)})"
        if isinstance(e, sp.Float):
            x = float(e)
            if x != x or x in (float("inf"), float("-inf")):
                raise self.refuse(e, "a constant must be a finite number")
            return repr(x) if x >= 0 else f"(-{repr(-x)})"
        if isinstance(e, sp.Symbol):
            if not NAME.fullmatch(e.name) or e.name in RESERVED:
                raise self.refuse(e, f"symbol {e.name[:70]!r} is not a cell name (a letter, then letters, digits "
                                  "and '_', at most 64, not a function's name)")
            return str(e.name)
        if isinstance(e, sp.Add):
            return "(" + " + ".join(t(a) for a in e.args) + ")"
        if isinstance(e, sp.Mul):
            return "(" + " * ".join(t(a) for a in e.args) + ")"
        if isinstance(e, sp.Pow):
            return f"({t(e.base)} ** {t(e.exp)})"
        if isinstance(e, sp.Piecewise):
            *pieces, (last, cond) = e.args
            if cond is not sp.true:
                raise self.refuse(e, "a Piecewise needs a last piece for every other case, (expr, True)")
            out = t(last)
            for value, c in reversed(pieces):
                out = f"if({t(c)}, {t(value)}, {out})"
            return out
        if type(e) in self.relations:
            return f"({t(e.lhs)} {self.relations[type(e)]} {t(e.rhs)})"
        if isinstance(e, (sp.And, sp.Or)):
            word = " and " if isinstance(e, sp.And) else " or "
            return "(" + word.join(t(a) for a in e.args) + ")"
        if isinstance(e, sp.Not):
            return f"(not {t(e.args[0])})"
        func = getattr(e, "func", None)
        if func in self.functions:
            return f"{self.functions[func]}({', '.join(t(a) for a in e.args)})"
        raise self.refuse(e, f"{type(e).__name__} is not in the formula language (numbers, cell symbols, + - * / **, "
                          "exp, log, sqrt, Abs, Min, Max, floor, ceiling, sin, cos, tan, pi, E, comparisons, "
                          "And, Or, Not, Piecewise)")
