"""Excel formulas back into the formula language, where they can be.

An analyst who edits a formula on the Model sheet writes Excel: defined
names, ``^``, ``SQRT``, ``LN``.  :func:`from_excel` reads the arithmetic
part of Excel (numbers, the model's defined names, ``+ - * / ^``, brackets
and a few functions) into a sympy expression over the cells' names; anything
else (cell references such as ``A1``, other functions, text) is refused
with :class:`~dealvalue.errors.ExcelError`, for the caller to name the cell.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ...errors import ExcelError

__all__ = ["from_excel", "same_formula", "FUNCTIONS"]

#: Excel function -> the formula language's
FUNCTIONS = {"SQRT": "sqrt", "EXP": "exp", "LN": "ln", "ABS": "abs", "MIN": "min", "MAX": "max", "LOG10": "log10"}
_SYMPY = {"sqrt": "sqrt", "exp": "exp", "ln": "log", "abs": "Abs", "min": "Min", "max": "Max", "log10": "_log10"}
_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(_xlfn\.)?([A-Za-z_][A-Za-z0-9_.]*)|(\^|[-+*/(),]))")


def from_excel(text: str, names: Mapping[str, str]) -> tuple[str, Any]:
    """An Excel formula as (formula-language text, sympy expression); ``names``: defined name -> cell name.

    >>> from_excel("=2*_R/c^2", {"_R": "R", "c": "c"})[0]
    '2*R/c**2'
    """
    import sympy

    src = text.removeprefix("=").strip()
    out: list[str] = []
    pos = 0
    upper = {k.upper(): v for k, v in names.items()}
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None or m.end() == pos:
            raise ExcelError("formula", text, f"cannot read {src[pos:pos + 12]!r} as the formula language")
        pos = m.end()
        number, name, op = m.group(1), m.group(3), m.group(4)
        if number:
            out.append(number)
        elif name:
            after = src[pos:].lstrip()[:1]
            if after == "(":
                if name.upper() not in FUNCTIONS:
                    raise ExcelError("formula", text, f"the function {name} has no counterpart in the formula language")
                out.append(FUNCTIONS[name.upper()])
            elif name.upper() in upper:
                out.append(upper[name.upper()])
            else:
                raise ExcelError("formula", text, f"{name} is not a defined name of the model (a cell reference?)")
        else:
            out.append("**" if op == "^" else op)
    language = "".join(out)
    local: dict[str, Any] = {v: sympy.Symbol(v, real=True) for v in names.values()}
    local.update({k: getattr(sympy, v) for k, v in _SYMPY.items() if v != "_log10"})
    local["log10"] = lambda x: sympy.log(x, 10)
    try:
        expr = sympy.sympify(language, locals=local)
    except (sympy.SympifyError, SyntaxError, TypeError) as exc:
        raise ExcelError("formula", text, f"cannot read it ({exc})") from None
    return language, expr


def same_formula(a: Any, b: Any, trials: int = 4) -> bool:
    """Two sympy expressions that agree at a few random points (by their symbols' names)."""
    import numpy as np
    import sympy

    names = sorted({s.name for s in a.free_symbols} | {s.name for s in b.free_symbols})
    syms = [sympy.Symbol(n) for n in names]
    def rename(e: Any) -> Any:
        return e.xreplace({s: sympy.Symbol(s.name) for s in e.free_symbols})

    fa, fb = (sympy.lambdify(syms, rename(e), "numpy") for e in (a, b))
    rng = np.random.default_rng(0)
    for _ in range(trials):
        x = rng.uniform(0.5, 3.0, len(syms))
        with np.errstate(all="ignore"):
            va, vb = float(np.real(fa(*x))), float(np.real(fb(*x)))
        if not (va == vb or abs(va - vb) <= 1e-9 * max(abs(va), abs(vb))):
            return False
    return True
