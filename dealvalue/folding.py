"""Bounded constant folding for the formula builder.

sympy computes constants exactly and asks assumption questions about them;
on user input both can run without bound (``cos(exp(1M))``,
``79k ** 41M``) or raise ``TypeError`` on complex values (``sqrt(-1) > 0``).
The builder decides *before* computing: :func:`approx` evaluates a constant
sympy tree in floating point without asking sympy anything, and
:func:`tame` replaces a constant that is complex, NaN or too large to keep
exactly by a float (``nan`` or ``oo``), so a per-sample numeric problem stays
a value (counted as non-finite) and never becomes an exception.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["approx", "tame", "EXACT_LIMIT", "EXACT_BITS", "pow_budget_ok", "MAX_POW_DIGITS"]

EXACT_LIMIT = 1e15      # constants larger than this are kept as floats, not exact trees
EXACT_BITS = 256        # exact rationals with a longer numerator or denominator become floats
MAX_POW_DIGITS = 300    # exact integer powers up to 10**300


class _Unknown(Exception):
    pass


def _num(x: Any) -> complex:
    import sympy

    if x is sympy.nan or x is sympy.zoo:
        return complex(math.nan)
    if x is sympy.oo:
        return complex(math.inf)
    if x is sympy.S.NegativeInfinity:
        return complex(-math.inf)
    if x.is_Integer:
        try:
            return complex(float(int(x)))
        except OverflowError:
            return complex(math.copysign(math.inf, int(x)))
    if x.is_Rational:
        try:
            return complex(int(x.p) / int(x.q))
        except OverflowError:
            return complex(math.copysign(math.inf, int(x.p)))
    if x.is_Float:
        return complex(float(x))
    raise _Unknown


def _eval(e: Any, depth: int = 0) -> complex:
    import sympy

    if depth > 200:
        raise _Unknown
    if e.is_Number or e is sympy.zoo or e is sympy.nan:
        return _num(e)
    if e is sympy.pi:
        return complex(math.pi)
    if e is sympy.E:
        return complex(math.e)
    if e is sympy.I:
        return 1j
    args = [_eval(a, depth + 1) for a in e.args] if not isinstance(e, sympy.Piecewise) else []
    if True:
        if isinstance(e, sympy.Add):
            return complex(sum(args))
        if isinstance(e, sympy.Mul):
            out = complex(1.0)
            for a in args:
                out = _cmul(out, a)
            return out
        if isinstance(e, sympy.Pow):
            return _cpow(args[0], args[1])
        one = args[0] if args else 0j
        real = one.imag == 0
        x = one.real
        if isinstance(e, sympy.exp):
            return complex(_safe(math.exp, x)) if real else complex(math.nan)
        if isinstance(e, sympy.log):
            if not real or x < 0:
                return complex(math.nan)
            return complex(-math.inf if x == 0 else (math.log(x) if math.isfinite(x) else x))
        if isinstance(e, (sympy.sin, sympy.cos, sympy.tan)) and real:
            f = {sympy.sin: math.sin, sympy.cos: math.cos, sympy.tan: math.tan}[type(e)]
            return complex(f(x)) if math.isfinite(x) else complex(math.nan)
        if isinstance(e, sympy.Abs):
            return complex(abs(one))
        if isinstance(e, (sympy.floor, sympy.ceiling)) and real:
            if not math.isfinite(x):
                return complex(x)
            return complex(float(math.floor(x) if isinstance(e, sympy.floor) else math.ceil(x)))
        if isinstance(e, sympy.sign) and real:
            return complex(math.nan if math.isnan(x) else (x > 0) - (x < 0))
        if isinstance(e, (sympy.Min, sympy.Max)) and all(a.imag == 0 for a in args):
            vals = [a.real for a in args]
            if any(math.isnan(v) for v in vals):
                return complex(math.nan)
            return complex(min(vals) if isinstance(e, sympy.Min) else max(vals))
    raise _Unknown


def _safe(f: Any, x: float) -> float:
    try:
        return float(f(x))
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


def _cmul(a: complex, b: complex) -> complex:
    if a.imag == 0 and b.imag == 0:
        return complex(a.real * b.real)
    return a * b


def _cpow(a: complex, b: complex) -> complex:
    if a.imag != 0 or b.imag != 0:
        return complex(math.nan)
    x, y = a.real, b.real
    try:
        r = x ** y
    except OverflowError:
        return complex(math.inf)
    except ZeroDivisionError:
        return complex(math.inf)
    if isinstance(r, complex):
        return complex(math.nan)
    return complex(r)


def approx(expr: Any) -> complex | None:
    """The value of a constant sympy expression in floating point, or
    ``None`` when it contains something this evaluator does not know."""
    try:
        return _eval(expr)
    except (_Unknown, RecursionError):
        return None


def tame(expr: Any) -> Any:
    """A constant expression that is safe to keep building on: complex and
    undefined values become ``nan``, overflowing ones ``oo``, large ones and
    long exact rationals a float; moderate exact values stay exact."""
    import sympy

    if expr is sympy.nan or expr is sympy.zoo:
        return sympy.nan
    if expr is sympy.oo or expr is sympy.S.NegativeInfinity:
        return expr
    if expr.is_Rational and max(abs(int(expr.p)).bit_length(), int(expr.q).bit_length()) <= EXACT_BITS:
        # exact, unless too large for numpy's integers (sin(-12259235953626614595584) reached numpy as an object)
        return expr if abs(int(expr.p)) <= EXACT_LIMIT * int(expr.q) else sympy.Float(int(expr.p) / int(expr.q))
    a = approx(expr)
    if a is None:
        return expr
    if a.imag != 0 or math.isnan(a.real):
        return sympy.nan
    x = a.real
    if math.isinf(x):
        return sympy.oo if x > 0 else -sympy.oo
    if expr.is_Float:
        return expr
    if abs(x) > EXACT_LIMIT or expr.is_Rational:
        return sympy.Float(x)
    return expr


def pow_budget_ok(base: float, exp: float) -> bool:
    """True when ``base ** exp`` has at most :data:`MAX_POW_DIGITS` digits (decided before computing)."""
    if base == 0 or abs(base) == 1:
        return True
    return abs(exp) * math.log10(abs(base)) <= MAX_POW_DIGITS
