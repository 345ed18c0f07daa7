"""Cell definitions: immutable records of what a user wrote.

A :class:`Cell` holds text (its formula, unit, label, ...), checked when it is
made.  What the text *means* (its sympy expression, inferred unit) is worked
out by :class:`~dealvalue.Model`, and what it *evaluates to* lives in
:class:`~dealvalue.Results`; neither is stored on the cell.
"""

from __future__ import annotations

import keyword
import math
import sys
import re
from dataclasses import dataclass
from typing import Any

from .errors import FormulaError
from .interop import is_quantity, is_sympy, quantity_formula, sympy_text

__all__ = ["Cell", "check_name", "check_text", "formula_text"]

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def check_name(name: Any) -> str:
    """Return ``name`` if it can name a cell, else raise FormulaError saying why."""
    from .formula import RESERVED

    if not isinstance(name, str):
        raise FormulaError(None, repr(name), f"a cell name must be text, got {type(name).__name__}")
    if not NAME_RE.fullmatch(name):
        raise FormulaError(
            name, name,
            "a cell name starts with a letter and has only letters, digits and '_' (at most 64)",
        )
    if "__" in name:
        raise FormulaError(name, name, "a cell name may not contain '__' (reserved for distribution literals)")
    if name in RESERVED or keyword.iskeyword(name) or name == "to":
        raise FormulaError(name, name, f"{name!r} is a reserved word and cannot name a cell")
    return name


def check_text(value: Any, field: str, cell: str, multiline: bool = False, limit: int = 2000) -> str:
    """Plain text for labels and descriptions: no control characters."""
    if not isinstance(value, str):
        raise FormulaError(cell, repr(value), f"{field} must be text, got {type(value).__name__}")
    if len(value) > limit:
        raise FormulaError(cell, value[:40], f"{field} is longer than {limit} characters")
    allowed = "\n\t" if multiline else ""
    for k, ch in enumerate(value):
        if (ord(ch) < 32 and ch not in allowed) or 127 <= ord(ch) < 160:
            raise FormulaError(cell, value, f"{field} contains control character {ch!r}", k)
        if 0xD800 <= ord(ch) <= 0xDFFF:  # cannot be written as UTF-8 (save, to_excel)
            raise FormulaError(cell, value.encode("utf-8", "backslashreplace").decode("ascii"),
                               f"{field} contains a lone surrogate {ch!r}; expected text that can be written as UTF-8", k)
    return value


def formula_text(value: Any, cell: str) -> str:
    """The formula text for a number, a distribution, a squigglepy object or text."""
    from .distributions import Distribution, number_text, from_squigglepy

    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise FormulaError(cell, repr(value), "a cell value must be a number, a distribution or a formula, not True/False")
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        try:
            x = float(value)
        except (OverflowError, ValueError):  # an int beyond the float range, e.g. 10**400
            x = math.inf
        if not math.isfinite(x):
            from .distributions import shown_value

            raise FormulaError(cell, shown_value(value), f"a constant must be finite (a number of at most {sys.float_info.max:.3g})")
        return number_text(x) if x >= 0 else f"-{number_text(-x)}"
    if isinstance(value, Distribution):
        return value.formula()
    if is_sympy(value):
        return sympy_text(value, cell)
    if type(value).__module__.startswith("squigglepy"):
        return from_squigglepy(value).formula()
    raise FormulaError(
        cell, repr(value),
        f"a cell value must be a number, a distribution or a formula, got {type(value).__name__}",
    )


@dataclass(frozen=True)
class Cell:
    """One named cell: an input (a number or a distribution) or a formula.

    Parameters
    ----------
    name
        An identifier: a letter, then letters, digits and ``_``.
    formula
        Formula text, e.g. ``"10 to 100"``, ``"0.8"`` or ``"R / c_h"``; a
        number, a distribution, a squigglepy distribution, a sympy
        expression or a pint Quantity of one number (which also gives the
        unit; see :mod:`dealvalue.interop`).
    unit
        Declared unit text (``"USD"``); ``None`` lets a formula's unit be
        inferred and makes an input dimensionless.
    label, description, group
        Text shown to people; never evaluated.
    bounds
        ``(low, high)``: every value of the cell must lie within.

    Examples
    --------
    >>> Cell("R", "10 to 100", unit="USD", label="AI reservation price").name
    'R'
    >>> Cell("1R", "2")
    Traceback (most recent call last):
    ...
    dealvalue.errors.FormulaError: cell '1R': a cell name starts with a letter and has only letters, digits and '_' (at most 64) in '1R'
    """

    name: str
    formula: str
    unit: str | None = None
    label: str = ""
    description: str = ""
    group: str = ""
    bounds: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        check_name(self.name)
        if is_quantity(self.formula):  # 5 * dv.ureg.USD: the number, and the unit (or in the declared unit)
            number, unit = quantity_formula(self.formula, self.unit, self.name)
            object.__setattr__(self, "formula", number)
            object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "formula", formula_text(self.formula, self.name))
        if self.unit is not None:
            check_text(self.unit, "unit", self.name, limit=100)
        check_text(self.label, "label", self.name, limit=200)
        check_text(self.description, "description", self.name, multiline=True, limit=5000)
        check_text(self.group, "group", self.name, limit=100)
        if self.bounds is not None:
            try:
                lo, hi = (float(b) for b in self.bounds)
            except (TypeError, ValueError):
                raise FormulaError(self.name, repr(self.bounds), "bounds must be two numbers (low, high)") from None
            if math.isnan(lo) or math.isnan(hi) or not lo < hi:
                raise FormulaError(self.name, repr(self.bounds), "bounds must satisfy low < high")
            object.__setattr__(self, "bounds", (lo, hi))
