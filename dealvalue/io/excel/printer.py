"""Excel names and formulas: the naming rule and a sympy -> Excel printer.

Two pieces of the Excel export that need no workbook:

* :func:`excel_names` maps cell names to workbook defined names.  Excel
  refuses some names that dealvalue allows (``R``, ``C``, ``x1``, ``R1C1``,
  and two names equal but for case), so those are changed by a documented
  rule that :func:`cell_name` reverses.
* :func:`excel_formula` prints a sympy expression as an Excel formula over
  those names.

The rule, as printed on the workbook's Inputs sheet:

1. A cell keeps its name unless Excel would read it as a reference or a
   constant: ``R`` or ``C`` alone; one to three letters then digits (``x1``,
   ``AB12``: A1 references); ``R``/``C`` with optional numbers (``R1C1``,
   ``RC2``, ``R5``: R1C1 references); ``TRUE``/``FALSE``.  Such a name gets
   a leading underscore: ``x1 -> _x1``.  (Cell names never start with ``_``.)
2. A name equal to an earlier one but for case gets ``__2``, ``__3``, ...
   (in the model's cell order): ``Ask`` after ``ask`` is ``Ask__2``.
   (Cell names never contain ``__``.)
3. The k-th distribution literal inside cell ``X`` is ``<name of X>__d<k>``.

To reverse: drop a leading ``_`` and a trailing ``__<digits>``; ``__d<k>``
becomes ``__<k>``.

Examples
--------
>>> excel_names(["R", "W", "x1", "ask", "Ask"])
{'R': '_R', 'W': 'W', 'x1': '_x1', 'ask': 'ask', 'Ask': 'Ask__2'}
>>> cell_name("_x1"), cell_name("Ask__2"), cell_name("_R__d1")
('x1', 'Ask', 'R__1')
>>> import sympy
>>> x, y = sympy.symbols("x y", real=True)
>>> excel_formula(-x**2 + sympy.sqrt(y) / 2, {"x": "x", "y": "y"})
'-(x^2) + SQRT(y)/2'
>>> excel_formula(-x**2, {"x": "x"})
'-(x^2)'
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

from ...errors import ExcelError

__all__ = [
    "ExcelError",
    "excel_forbids",
    "excel_names",
    "leaf_excel_name",
    "cell_name",
    "excel_formula",
    "NAMING_RULE",
    "XLFN",
]

NAMING_RULE = (
    "Excel names: a cell keeps its name unless Excel would read it as a reference or a constant "
    "(R or C alone; 1-3 letters then digits such as x1; R/C with numbers such as R1C1; TRUE/FALSE): "
    "then it gets a leading underscore (x1 -> _x1). A name equal to an earlier one but for case gets "
    "__2, __3, ... (Ask after ask -> Ask__2). The k-th distribution literal in cell X is <X's name>__d<k>. "
    "To reverse: drop a leading _ and a trailing __<digits>; __d<k> stands for __<k>."
)

# Functions added to Excel after 2007: a file must spell them with this prefix,
# or Excel and LibreOffice show #NAME?.
XLFN = ("BETA.INV", "LOGNORM.INV", "NORM.INV", "NORM.S.INV", "NORM.S.DIST", "ISFORMULA", "AGGREGATE")

MAX_FORMULA_CHARS = 8192  # Excel's limit on a formula's length

_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[Rr][0-9]*(?:[Cc][0-9]*)?|[Cc][0-9]*")
_SUFFIX = re.compile(r"__([0-9]+)$")
_LEAF_SUFFIX = re.compile(r"__d([0-9]+)$")


def excel_forbids(name: str) -> str | None:
    """Why Excel would refuse ``name`` as a defined name (None if it would not).

    Conservative: any 1-3 letters followed by digits count as a reference,
    even past Excel's last column ``XFD``, so workbooks also open in
    spreadsheets with larger grids.

    >>> excel_forbids("x1"), excel_forbids("bid")
    ('reads as a cell reference (A1 style)', None)
    """
    if name.upper() in ("TRUE", "FALSE"):
        return "reads as a logical constant"
    if _R1C1.fullmatch(name):
        return "reads as a cell reference (R1C1 style)"
    if _A1.fullmatch(name):
        return "reads as a cell reference (A1 style)"
    return None


def excel_names(names: Iterable[str]) -> dict[str, str]:
    """Defined names for cell names, by the module's rule (order matters for case clashes)."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for name in names:
        base = "_" + name if excel_forbids(name) else name
        key = base.lower()
        seen[key] = seen.get(key, 0) + 1
        out[name] = base if seen[key] == 1 else f"{base}__{seen[key]}"
    return out


def leaf_excel_name(leaf: str, names: Mapping[str, str]) -> str:
    """The defined name of distribution literal ``cell__k``: ``<cell's name>__d<k>``."""
    owner, _, k = leaf.rpartition("__")
    return f"{names[owner]}__d{k}"


def cell_name(excel_name: str) -> str:
    """Reverse the naming rule: the cell (or literal) name behind a defined name."""
    leaf = _LEAF_SUFFIX.search(excel_name)
    tail = ""
    if leaf:
        tail = "__" + leaf.group(1)
        excel_name = excel_name[: leaf.start()]
    excel_name = _SUFFIX.sub("", excel_name)
    if excel_name.startswith("_"):
        excel_name = excel_name[1:]
    return excel_name + tail


# ---------------------------------------------------------------- printer

# Excel's precedence, loosest first.  Its unary minus binds tighter than '^'
# (-2^2 is 4), so a negated power is always printed in brackets.
_CMP, _ADD, _MUL, _POW, _NEG, _ATOM = range(6)

_FUNCS = {"exp": "EXP", "log": "LN", "Abs": "ABS", "sign": "SIGN", "sin": "SIN", "cos": "COS", "tan": "TAN"}
_RELS = {"StrictLessThan": "<", "LessThan": "<=", "StrictGreaterThan": ">", "GreaterThan": ">=",
         "Equality": "=", "Unequality": "<>"}


def excel_formula(expr: Any, names: Mapping[str, str], cell: str = "formula") -> str:
    """Print a sympy expression as an Excel formula (without the leading ``=``).

    Parameters
    ----------
    expr
        A sympy expression as built by :mod:`dealvalue.formula`.
    names
        Symbol name -> the text that stands for it (a defined name or a cell
        reference).
    cell
        Named in errors.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", real=True)
    >>> excel_formula(sympy.Piecewise((1, a >= b), (0, True)), {"a": "bid", "b": "ask"})
    'IF(bid>=ask,1,0)'
    >>> excel_formula(sympy.log(a) / b ** 3, {"a": "a", "b": "b"})
    'LN(a)/b^3'
    """
    text, _ = _Printer(names, cell).p(expr)
    if len(text) > MAX_FORMULA_CHARS:
        raise ExcelError(f"cell {cell!r}", text[:60], f"its Excel formula is {len(text)} characters; Excel allows {MAX_FORMULA_CHARS}")
    return text


class _Printer:
    def __init__(self, names: Mapping[str, str], cell: str) -> None:
        import sympy

        self.sp = sympy
        self.names = names
        self.cell = cell

    def wrap(self, item: tuple[str, int], above: int) -> str:
        """The text, in brackets unless it binds tighter than ``above``."""
        text, prec = item
        return text if prec > above else f"({text})"

    def p(self, e: Any) -> tuple[str, int]:
        sp = self.sp
        if e is sp.true or e is sp.false:
            return ("TRUE()" if e is sp.true else "FALSE()"), _ATOM
        if e in (sp.zoo, sp.oo, sp.S.NegativeInfinity):  # what numpy gives too: not a finite number
            return "(1/0)", _ATOM
        if e is sp.nan:
            return "NA()", _ATOM
        if e.is_Symbol:
            try:
                return self.names[e.name], _ATOM
            except KeyError:
                raise ExcelError(f"cell {self.cell!r}", e.name, "names a symbol with no place in the workbook") from None
        if e.is_Number:
            return self.number(e)
        if e is sp.pi:
            return "PI()", _ATOM
        if e is sp.E:
            return "EXP(1)", _ATOM
        if e.is_Add:
            return self.add(e)
        if e.is_Mul:
            return self.mul(e)
        if e.is_Pow:
            return self.pow(e)
        name = type(e).__name__
        if name in _FUNCS:
            return f"{_FUNCS[name]}({self.p(e.args[0])[0]})", _ATOM
        if name in ("Min", "Max", "And", "Or"):  # same name in Excel, arguments in a stable order
            args = sorted(e.args, key=sp.default_sort_key)
            return f"{name.upper()}({','.join(self.p(a)[0] for a in args)})", _ATOM
        if name == "floor":
            return f"INT({self.p(e.args[0])[0]})", _ATOM
        if name == "ceiling":  # INT rounds down for every sign, so -INT(-x) rounds up
            return f"(-INT({self.neg(e.args[0])}))", _ATOM
        if name == "Piecewise":
            return self.piecewise(e)
        if name in _RELS:
            lhs = self.wrap(self.p(e.lhs), _CMP)
            rhs = self.wrap(self.p(e.rhs), _CMP)
            return f"{lhs}{_RELS[name]}{rhs}", _CMP
        if name == "Not":
            return f"NOT({self.p(e.args[0])[0]})", _ATOM
        raise ExcelError(f"cell {self.cell!r}", str(e), f"has no Excel translation for {name}")

    def number(self, e: Any) -> tuple[str, int]:
        if e.is_Integer:
            v = int(e)
            text = str(v) if abs(v) < 10**15 else repr(float(v))
        elif e.is_Rational:
            if abs(e.p) < 2**53 and abs(e.q) < 2**53:
                text = f"{e.p}/{e.q}"
                return (text, _MUL) if e.p > 0 else (f"-({-e.p}/{e.q})", _NEG)
            text = repr(float(e))
        else:
            f = float(e)
            if not math.isfinite(f):
                raise ExcelError(f"cell {self.cell!r}", str(e), "a constant that is not finite cannot go into Excel")
            text = repr(f).upper().replace("E+", "E")
        return (text, _NEG) if text.startswith("-") else (text, _ATOM)

    def neg(self, x: Any) -> str:
        """``-x`` as Excel text; the minus binds tighter than '^' there, so
        anything but a name, number or function call goes in brackets."""
        return "-" + self.wrap(self.p(x), _NEG)

    def add(self, e: Any) -> tuple[str, int]:
        terms = e.as_ordered_terms()
        parts: list[str] = []
        for k, t in enumerate(terms):
            negative = t.could_extract_minus_sign()
            if k == 0:
                parts.append(self.neg(-t) if negative else self.wrap(self.p(t), _ADD - 1))
            elif negative:
                parts.append(" - " + self.wrap(self.p(-t), _ADD))
            else:
                parts.append(" + " + self.wrap(self.p(t), _ADD - 1))
        return "".join(parts), _ADD

    def mul(self, e: Any) -> tuple[str, int]:
        sp = self.sp
        coeff, rest = e.as_coeff_Mul()
        if coeff.is_negative:
            return self.neg(-e), _NEG
        num: list[Any] = []
        den: list[Any] = []
        for f in sp.Mul.make_args(e):
            if f.is_Rational and not f.is_Integer:
                if f.p != 1:
                    num.append(sp.Integer(f.p))
                den.append(sp.Integer(f.q))
            elif f.is_Pow and f.exp.is_Number and f.exp.is_negative:
                den.append(f.base if f.exp == -1 else sp.Pow(f.base, -f.exp))
            else:
                num.append(f)
        top = "*".join(self.wrap(self.p(f), _MUL - 1 if k == 0 else _MUL) for k, f in enumerate(num)) if num else "1"
        if not den:
            return top, _MUL
        if len(den) == 1:
            bottom = self.wrap(self.p(den[0]), _MUL)
        else:
            bottom = "(" + "*".join(self.wrap(self.p(f), _MUL) for f in den) + ")"
        return f"{top}/{bottom}", _MUL

    def pow(self, e: Any) -> tuple[str, int]:
        sp = self.sp
        base, exp = e.base, e.exp
        if exp.is_Number and exp.is_negative:
            return self.mul(e)
        if exp == sp.Rational(1, 2):
            return f"SQRT({self.p(base)[0]})", _ATOM
        if base is sp.E:
            return f"EXP({self.p(exp)[0]})", _ATOM
        b = self.wrap(self.p(base), _NEG)  # a negative base keeps its brackets
        x = self.wrap(self.p(exp), _NEG)
        return f"{b}^{x}", _POW

    def piecewise(self, e: Any) -> tuple[str, int]:
        sp = self.sp
        pieces = list(e.args)
        text = "NA()"
        for value, cond in reversed(pieces):
            v = self.p(value)[0]
            if cond is sp.true:
                text = v
            else:
                text = f"IF({self.p(cond)[0]},{v},{text})"
        return text, _ATOM
