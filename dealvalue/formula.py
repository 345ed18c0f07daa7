"""The formula language: safe parsing of user text into sympy objects.

A formula is one line of text such as ``R / c_h``, ``10 to 100``,
``if(bid >= ask, W - bid, 0)`` or ``100 USD * (1 - 5%)``.  It is read in three
steps, none of which evaluates user text:

1. **Tokens.**  Python's tokenizer splits the text; we rewrite the few places
   where our language differs from Python's (``a to b``, ``10k``, ``5%``,
   ``100 USD``, ``if(...)``).  Names starting with ``_`` are refused here, so
   the internal names the rewrite introduces cannot be written by a user.
2. **Syntax tree.**  :func:`ast.parse` builds a tree, and limits on length,
   nesting and node count are checked *before* any sympy object exists (sympy
   would compute ``9**9**8`` exactly and never return).
3. **sympy.**  A whitelist walk builds sympy objects by hand, node by node,
   and infers units with pint as it goes, inserting conversion factors where
   compatible units differ (``kUSD + USD``).

Every refusal raises :class:`~dealvalue.FormulaError` with the cell name and
the 0-based character position in the original text.

Examples
--------
>>> from dealvalue.formula import parse
>>> p = parse("2 * x + 1", units={"x": ""})
>>> p.expr
2*x + 1
>>> parse("x.__class__", units={"x": ""})
Traceback (most recent call last):
...
dealvalue.errors.FormulaError: formula: '.' (attribute access) is not allowed at position 2
    x.__class__
     ^
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable, Mapping

from . import distributions as D
from .errors import FormulaError, UnitMismatchError, UnknownCellError
from .units import compatible, parse_unit, ureg

if TYPE_CHECKING:  # pragma: no cover
    import pint
    import sympy

__all__ = ["parse", "references", "Parsed", "FUNCTIONS", "RESERVED", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NODES = 600
MAX_LITERAL_CHARS = 40
MAX_LITERAL = 1e100
MAX_EXPONENT = 1000

SUFFIXES = {"k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "B": Decimal(10) ** 9, "T": Decimal(10) ** 12}

MATH_FUNCTIONS = {
    "exp", "ln", "log", "log10", "sqrt", "abs", "min", "max", "clip",
    "floor", "ceil", "round", "sin", "cos", "tan", "if",
}
DIST_FUNCTIONS = {
    "to", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli", "mixture",
}
FUNCTIONS = frozenset(MATH_FUNCTIONS | DIST_FUNCTIONS)
CONSTANTS = {"pi"}
RESERVED = frozenset(FUNCTIONS | CONSTANTS | {"and", "or", "not", "True", "False", "None"})

_ARITY: dict[str, tuple[int, int]] = {
    "exp": (1, 1), "ln": (1, 1), "log": (1, 2), "log10": (1, 1), "sqrt": (1, 1),
    "abs": (1, 1), "min": (1, 64), "max": (1, 64), "clip": (3, 3), "floor": (1, 1),
    "ceil": (1, 1), "round": (1, 2), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1),
    "if": (3, 3), "to": (2, 2), "norm": (2, 2), "lognorm": (2, 2), "beta": (2, 2),
    "uniform": (2, 2), "triangular": (3, 3), "pert": (3, 3), "bernoulli": (1, 1),
    "mixture": (2, 2),
}

_INTERNAL_UNIT = "_u"      # 100 USD  ->  _u(100, 'USD')
INTERNAL_PREFIX = "_f_"   # if(...)  ->  _f_if(...), to(a, b) -> _f_to(a, b)


@dataclass(frozen=True)
class Parsed:
    """A parsed formula.

    ``expr`` is a sympy expression over the symbols of the cells it names
    (``refs``) and of the distribution literals it contains (``dists``: symbol
    name -> distribution, each in ``unit``'s magnitude).  ``unit`` is the unit
    of the result; ``is_zero`` marks the literal ``0``, which fits any unit.
    """

    expr: "sympy.Expr"
    unit: "pint.Unit"
    refs: tuple[str, ...]
    dists: dict[str, D.Distribution] = field(default_factory=dict)
    is_zero: bool = False
    has_unit_literal: bool = False


# ---------------------------------------------------------------- tokens


def _tokens(text: str, cell: str | None) -> list[tokenize.TokenInfo]:
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise FormulaError(cell, text, f"cannot read the formula ({exc.args[0]})") from None
    out = []
    for t in toks:
        if t.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
            continue
        if t.type == tokenize.COMMENT:
            raise FormulaError(cell, text, "'#' comments are not allowed", t.start[1])
        if t.type == tokenize.ERRORTOKEN and t.string.strip():
            raise FormulaError(cell, text, f"unexpected character {t.string!r}", t.start[1])
        if t.type == tokenize.ERRORTOKEN:
            continue
        out.append(t)
    return out


def _rewrite(text: str, cell: str | None, cell_names: Callable[[str], bool]) -> tuple[str, list[int]]:
    """Rewrite our language into Python syntax; return it and, for each of its
    characters, the position in ``text`` it came from."""
    toks = _tokens(text, cell)
    pieces: list[tuple[str, int]] = []
    i = 0
    n = len(toks)

    def emit(s: str, pos: int) -> None:
        pieces.append((s, pos))

    while i < n:
        t = toks[i]
        pos = t.start[1]
        if t.type == tokenize.NAME and t.string.startswith("_"):
            raise FormulaError(cell, text, f"names may not start with '_' ({t.string!r})", pos)
        if t.type == tokenize.OP and t.string in ("<<", ">>", "<<=", ">>=", "//", "@", "~", "|", "&", "^", ":=", "->", "=", ";", ":", "."):
            what = {"." : "'.' (attribute access)", "=": "'=' (assignment; use '==' to compare)",
                    ":": "':'", ":=": "':='", "^": "'^' (use '**' for powers)"}.get(t.string, repr(t.string))
            raise FormulaError(cell, text, f"{what} is not allowed", pos)
        if t.type == tokenize.STRING:
            raise FormulaError(cell, text, "text in quotes is not allowed", pos)
        if t.type == tokenize.NUMBER:
            if len(t.string) > MAX_LITERAL_CHARS:
                raise FormulaError(cell, text, f"number literal longer than {MAX_LITERAL_CHARS} characters", pos)
            if re.search(r"[jJ]$", t.string) or re.match(r"0[xXoObB]", t.string):
                raise FormulaError(cell, text, f"number {t.string!r} is not a decimal number", pos)
            try:
                value = Decimal(t.string.replace("_", ""))
            except InvalidOperation:
                raise FormulaError(cell, text, f"cannot read number {t.string!r}", pos) from None
            end = t.end[1]
            j = i + 1
            # 10k, 2.5M, 3B: a suffix written directly after the number
            if j < n and toks[j].type == tokenize.NAME and toks[j].start[1] == end and toks[j].string in SUFFIXES:
                value *= SUFFIXES[toks[j].string]
                end = toks[j].end[1]
                j += 1
            # 5%: a percent sign directly after the number
            if j < n and toks[j].type == tokenize.OP and toks[j].string == "%":
                value /= 100
                end = toks[j].end[1]
                j += 1
            if abs(value) > Decimal(MAX_LITERAL):
                raise FormulaError(cell, text, f"number {text[pos:end]!r} is larger than {MAX_LITERAL:g}", pos)
            number = format(value, "f") if value == value.to_integral_value() and abs(value) < 10**20 else str(value)
            # 100 USD, 2 kUSD/year: a unit written after a number
            if (
                j < n
                and toks[j].type == tokenize.NAME
                and not cell_names(toks[j].string)
                and toks[j].string not in RESERVED
                and not toks[j].string.startswith("_")
                and _is_unit(toks[j].string)
            ):
                unit_parts = [toks[j].string]
                k = j + 1
                while (
                    k + 1 < n
                    and toks[k].type == tokenize.OP
                    and toks[k].string in ("/", "*")
                    and toks[k + 1].type == tokenize.NAME
                    and not cell_names(toks[k + 1].string)
                    and toks[k + 1].string not in RESERVED
                    and not toks[k + 1].string.startswith("_")
                    and _is_unit(toks[k + 1].string)
                ):
                    unit_parts += [toks[k].string, toks[k + 1].string]
                    k += 2
                emit(f"{_INTERNAL_UNIT}({number}, '{''.join(unit_parts)}')", pos)
                i = k
                continue
            if (
                j < n
                and toks[j].type == tokenize.NAME
                and toks[j].string not in RESERVED
                and not keyword.iskeyword(toks[j].string)
                and not toks[j].string.startswith("_")
            ):
                word = toks[j].string
                raise FormulaError(
                    cell, text,
                    f"{word!r} after the number {text[pos:end]} is not a known unit "
                    f"(units: USD, kUSD, MUSD, BUSD, year, your own from dv.define_unit; "
                    f"suffixes: k, M, B, T, %); to multiply, write {text[pos:end]} * {word}",
                    toks[j].start[1],
                )
            emit(number, pos)
            i = j
            continue
        if t.type == tokenize.OP and t.string == "%":
            raise FormulaError(cell, text, "'%' is only allowed directly after a number (5%)", pos)
        if t.type == tokenize.NAME and t.string == "to":
            if i + 1 < n and toks[i + 1].string == "(" and (i == 0 or toks[i - 1].type == tokenize.OP and toks[i - 1].string in "(,+-*/"):
                emit(INTERNAL_PREFIX + "to", pos)
            else:
                emit("<<", pos)
            i += 1
            continue
        if t.type == tokenize.NAME and t.string == "if":
            emit(INTERNAL_PREFIX + "if", pos)
            i += 1
            continue
        if t.type == tokenize.NAME and t.string in ("lambda", "for", "in", "is", "import", "from", "yield",
                                                    "await", "async", "del", "global", "nonlocal", "with",
                                                    "as", "class", "def", "return", "else", "elif", "while",
                                                    "try", "except", "finally", "raise", "assert", "pass",
                                                    "break", "continue", "print", "exec", "eval"):
            raise FormulaError(cell, text, f"{t.string!r} is not allowed in a formula", pos)
        emit(t.string, pos)
        i += 1

    src: list[str] = []
    origin: list[int] = []
    for s, pos in pieces:
        if src:
            src.append(" ")
            origin.append(pos)
        src.append(s)
        origin.extend([pos] * len(s))
    origin.append(len(text))
    return "".join(src), origin


def _is_unit(name: str) -> bool:
    try:
        return name in ureg()
    except Exception:  # pragma: no cover - pint internals
        return False


# ---------------------------------------------------------------- syntax tree


def syntax_tree(text: str, cell: str | None, cell_names: Callable[[str], bool]) -> tuple[ast.Expression, str, list[int]]:
    if not isinstance(text, str):
        raise FormulaError(cell, repr(text), f"a formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(cell, text, f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}")
    for k, ch in enumerate(text):
        if ord(ch) < 32 or ord(ch) == 127:
            raise FormulaError(cell, text, f"control character {ch!r} is not allowed", k)
    if not text.strip():
        raise FormulaError(cell, text, "formula is empty")
    opened: list[int] = []
    pairs = {")": "(", "]": "["}
    for k, ch in enumerate(text):
        if ch in "([":
            opened.append(k)
            if len(opened) > MAX_DEPTH:
                raise FormulaError(cell, text, f"brackets nested deeper than {MAX_DEPTH}", k)
        elif ch in ")]":
            if not opened or text[opened[-1]] != pairs[ch]:
                raise FormulaError(cell, text, f"{ch!r} has no matching {pairs[ch]!r}", k)
            opened.pop()
    if opened:
        k = opened[-1]
        raise FormulaError(cell, text, f"{text[k]!r} is never closed", k)
    src, origin = _rewrite(text, cell, cell_names)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        off = (exc.offset or 1) - 1
        pos = origin[min(max(off, 0), len(origin) - 1)]
        detail = "" if exc.msg in ("invalid syntax", "") else f" ({exc.msg})"
        raise FormulaError(cell, text, f"invalid syntax{detail}", pos) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError(cell, text, "formula too complex to read") from None
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, d = stack.pop()
        count += 1
        if d > MAX_DEPTH:
            raise FormulaError(cell, text, f"formula nested deeper than {MAX_DEPTH}", _pos(node, origin))
        if count > MAX_NODES:
            raise FormulaError(cell, text, f"formula has more than {MAX_NODES} parts")
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return tree, src, origin


def _pos(node: ast.AST, origin: list[int]) -> int | None:
    off = getattr(node, "col_offset", None)
    if off is None:
        return None
    return int(origin[min(int(off), len(origin) - 1)])


def references(text: str, cell: str | None = None) -> tuple[str, ...]:
    """Names of cells that a formula refers to, in order of first use.

    Reads the syntax only (no units, no sympy), so a loader can order cells
    before adding them.

    >>> references("R / (reality * commitment) + max(R, 0)")
    ('R', 'reality', 'commitment')
    """
    tree, _, origin = syntax_tree(text, cell, lambda name: False)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) in called and node.id not in FUNCTIONS:
            if not node.id.startswith("_"):
                raise FormulaError(
                    cell, text, f"unknown function {node.id!r}; known: {', '.join(sorted(FUNCTIONS))}",
                    _pos(node, origin),
                )
        if isinstance(node, ast.Name) and id(node) not in called and node.id not in RESERVED and not node.id.startswith("_"):
            if node.id not in names:
                names.append(node.id)
    # ast.walk is breadth-first; order by position for a stable, readable order
    pos: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            pos[node.id] = min(pos.get(node.id, 1 << 30), _pos(node, origin) or 0)
    return tuple(sorted(names, key=lambda nm: pos[nm]))


# ---------------------------------------------------------------- sympy


@dataclass
class _Val:
    expr: Any
    unit: Any
    label: str
    cond: Any = None          # a sympy boolean when the value is an indicator
    zero: bool = False        # the literal 0, which fits any unit
    dist: D.Distribution | None = None  # a distribution literal (not yet a symbol)
    const: bool = False       # no symbols in it
    unit_literal: bool = False


class _Builder:
    def __init__(
        self,
        text: str,
        cell: str | None,
        src: str,
        origin: list[int],
        units: Mapping[str, Any],
        symbol_for: Callable[[str], Any],
    ) -> None:
        import sympy

        self.sp = sympy
        self.text = text
        self.cell = cell
        self.src = src
        self.origin = origin
        self.units = units
        self.symbol_for = symbol_for
        self.refs: list[str] = []
        self.dists: dict[str, D.Distribution] = {}
        self.reg = ureg()
        self.one = self.reg.dimensionless
        self.has_unit_literal = False

    # -- helpers
    def err(self, node: ast.AST | None, reason: str) -> FormulaError:
        return FormulaError(self.cell, self.text, reason, _pos(node, self.origin) if node is not None else None)

    def label(self, node: ast.AST) -> str:
        a = getattr(node, "col_offset", None)
        b = getattr(node, "end_col_offset", None)
        if a is None or b is None:
            return "?"
        lo = self.origin[min(a, len(self.origin) - 1)]
        hi = self.origin[min(b, len(self.origin) - 1)] if b < len(self.origin) - 1 else len(self.text)
        s = self.text[lo:hi].strip()
        if isinstance(node, ast.Name):
            return node.id
        return s or "?"

    def unit_name(self, u: Any) -> str:
        return "dimensionless" if u.dimensionless and str(u) in ("", "dimensionless") else str(u)

    def mismatch(self, what: str, a: _Val, b: _Val) -> UnitMismatchError:
        return UnitMismatchError(
            self.cell,
            f"cannot {what} {a.label!r} ({self.unit_name(a.unit)}) and {b.label!r} ({self.unit_name(b.unit)})",
        )

    def to_unit(self, v: _Val, unit: Any) -> Any:
        """v's expression expressed in ``unit`` (which must be compatible)."""
        if v.zero or v.unit == unit:
            return v.expr
        f = float(self.reg.Quantity(1.0, v.unit).to(unit).magnitude)
        if f == 1.0:
            return v.expr
        return v.expr * self.sp.Float(f) if not float(f).is_integer() else v.expr * self.sp.Integer(int(f))

    def common(self, what: str, vals: list[_Val]) -> tuple[list[Any], Any]:
        """Bring values to a common unit (the first non-zero one's)."""
        target = next((v.unit for v in vals if not v.zero), self.one)
        out = []
        for v in vals:
            if not v.zero and not compatible(v.unit, target):
                first = next(x for x in vals if not x.zero)
                raise self.mismatch(what, first, v)
            out.append(self.to_unit(v, target))
        return out, target

    def reduce(self, expr: Any, unit: Any) -> tuple[Any, Any]:
        """Simplify a product unit (USD/kUSD -> dimensionless, with its factor)."""
        if unit.dimensionless:
            f = float(self.reg.Quantity(1.0, unit).to(self.one).magnitude)
            return (expr if f == 1.0 else expr * self.sp.Float(f)), self.one
        q = self.reg.Quantity(1.0, unit).to_reduced_units()
        f = float(q.magnitude)
        return (expr if f == 1.0 else expr * self.sp.Float(f)), q.units

    def materialise(self, v: _Val, node: ast.AST) -> _Val:
        """Turn a distribution literal into a fresh symbol of this formula."""
        if v.dist is None:
            return v
        k = len(self.dists) + 1
        name = f"{self.cell or 'formula'}__{k}"
        lo = v.dist.support()[0]
        sym = self.sp.Symbol(name, real=True, positive=True) if lo >= 0 and not isinstance(v.dist, (D.Bernoulli, D.Mixture)) else self.sp.Symbol(name, real=True)
        self.dists[name] = v.dist
        return _Val(sym, v.unit, v.label, unit_literal=v.unit_literal)

    def truth(self, v: _Val) -> Any:
        if v.cond is not None:
            return v.cond
        return self.sp.Ne(v.expr, 0)

    def indicator(self, cond: Any, label: str) -> _Val:
        sp = self.sp
        if cond is sp.true:
            return _Val(sp.Integer(1), self.one, label, cond=cond, const=True)
        if cond is sp.false:
            return _Val(sp.Integer(0), self.one, label, cond=cond, const=True)
        return _Val(sp.Piecewise((sp.Integer(1), cond), (sp.Integer(0), True)), self.one, label, cond=cond)

    def constant_value(self, v: _Val, node: ast.AST, what: str) -> float:
        if v.dist is not None or v.expr.free_symbols:
            raise self.err(node, f"{what} must be a number, not {v.label!r}")
        try:
            value = float(v.expr)
        except (TypeError, ValueError, OverflowError):
            raise self.err(node, f"{what} must be a real number, got {v.label!r}") from None
        if not math.isfinite(value):
            raise self.err(node, f"{what} is not finite")
        return value

    # -- the walk
    def build(self, node: ast.AST) -> _Val:
        method = getattr(self, "n_" + type(node).__name__, None)
        if method is None:
            raise self.err(node, f"{type(node).__name__} expressions are not allowed")
        result: _Val = method(node)
        return result

    def value(self, node: ast.AST) -> _Val:
        """Build a node as a number (distribution literals become symbols)."""
        return self.materialise(self.build(node), node)

    def n_Expression(self, node: ast.Expression) -> _Val:
        return self.build(node.body)

    def n_Constant(self, node: ast.Constant) -> _Val:
        sp = self.sp
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.err(node, f"literal {v!r} is not allowed")
        text = self.label(node)
        if isinstance(v, int):
            e = sp.Integer(v)
        else:
            e = sp.Rational(str(Decimal(repr(v))))
            if e.q > 10**15:  # keep exotic decimals as floats
                e = sp.Float(v)
        return _Val(e, self.one, text, zero=(v == 0), const=True)

    def n_Name(self, node: ast.Name) -> _Val:
        sp = self.sp
        if node.id == "pi":
            return _Val(sp.pi, self.one, "pi", const=True)
        if node.id in RESERVED:
            raise self.err(node, f"{node.id!r} is a function; call it with brackets, e.g. {node.id}(x)")
        if node.id not in self.units:
            raise UnknownCellError(node.id, self.cell or "formula", tuple(self.units))
        if node.id not in self.refs:
            self.refs.append(node.id)
        unit = self.units[node.id]
        return _Val(self.symbol_for(node.id), unit, node.id)

    def n_UnaryOp(self, node: ast.UnaryOp) -> _Val:
        if isinstance(node.op, ast.Not):
            v = self.value(node.operand)
            return self.indicator(self.sp.Not(self.truth(v)), self.label(node))
        inner = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        if isinstance(node.op, ast.USub):
            if inner.dist is not None:
                inner = self.materialise(inner, node.operand)
            return _Val(-inner.expr, inner.unit, self.label(node), zero=inner.zero, const=inner.const,
                        unit_literal=inner.unit_literal)
        raise self.err(node, "operator not allowed")

    def n_BinOp(self, node: ast.BinOp) -> _Val:
        sp = self.sp
        if isinstance(node.op, ast.LShift):  # a to b
            return self.make_dist("to", [node.left, node.right], node)
        a = self.value(node.left)
        b = self.value(node.right)
        label = self.label(node)
        ul = a.unit_literal or b.unit_literal
        const = a.const and b.const
        if isinstance(node.op, (ast.Add, ast.Sub)):
            what = "add" if isinstance(node.op, ast.Add) else "subtract"
            (ea, eb), unit = self.common(what, [a, b])
            e = ea + eb if isinstance(node.op, ast.Add) else ea - eb
            return _Val(e, unit, label, zero=a.zero and b.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Mult):
            e, unit = self.reduce(a.expr * b.expr, a.unit * b.unit)
            return _Val(e, unit, label, zero=a.zero or b.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Div):
            if b.zero:
                raise self.err(node.right, "division by the literal 0")
            e, unit = self.reduce(a.expr / b.expr, a.unit / b.unit)
            return _Val(e, unit, label, zero=a.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Pow):
            if not b.unit.dimensionless:
                raise UnitMismatchError(self.cell, f"exponent {b.label!r} must be dimensionless, not {self.unit_name(b.unit)}")
            if b.const:
                ev = self.constant_value(b, node.right, "exponent")
                if abs(ev) > MAX_EXPONENT:
                    raise self.err(node.right, f"exponent {ev:g} is larger than {MAX_EXPONENT}")
            elif not a.unit.dimensionless:
                raise UnitMismatchError(self.cell, f"{a.label!r} has unit {self.unit_name(a.unit)}; it can only be raised to a constant power")
            if a.const and b.const:
                return self.const_pow(a, b, node, label)
            unit = self.one
            if not a.unit.dimensionless:
                ev = float(b.expr)
                unit = a.unit ** (int(ev) if ev.is_integer() else ev)
            e = sp.Pow(a.expr, b.expr)
            return _Val(e, unit, label, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Mod):  # pragma: no cover - refused by the tokenizer
            raise self.err(node, "'%' is only allowed directly after a number")
        raise self.err(node, f"operator {type(node.op).__name__} is not allowed")

    def const_pow(self, a: _Val, b: _Val, node: ast.AST, label: str) -> _Val:
        sp = self.sp
        base = self.constant_value(a, node, "base")
        exp = self.constant_value(b, node, "exponent")
        unit = a.unit ** (int(exp) if exp.is_integer() else exp) if not a.unit.dimensionless else self.one
        small_ints = base.is_integer() and exp.is_integer() and abs(base) <= 10**6 and 0 <= exp <= 64
        if small_ints:
            return _Val(sp.Integer(int(base)) ** int(exp), unit, label, const=True)
        try:
            value = base ** exp
        except (OverflowError, ZeroDivisionError) as exc:
            raise self.err(node, f"{label} cannot be computed ({exc})") from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise self.err(node, f"{label} is not a finite real number")
        if b.expr.is_Rational and not b.expr.is_Integer and a.expr.is_Rational and a.expr > 0:
            return _Val(sp.Pow(a.expr, b.expr), unit, label, const=True)  # keep sqrt(2) exact
        return _Val(sp.Float(value), unit, label, const=True)

    def n_BoolOp(self, node: ast.BoolOp) -> _Val:
        vals = [self.value(v) for v in node.values]
        conds = [self.truth(v) for v in vals]
        cond = self.sp.And(*conds) if isinstance(node.op, ast.And) else self.sp.Or(*conds)
        return self.indicator(cond, self.label(node))

    def n_Compare(self, node: ast.Compare) -> _Val:
        sp = self.sp
        ops = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        left = self.value(node.left)
        conds = []
        for op, comp in zip(node.ops, node.comparators):
            if type(op) not in ops:
                raise self.err(node, f"comparison {type(op).__name__} is not allowed")
            right = self.value(comp)
            (el, er), _ = self.common("compare", [left, right])
            conds.append(ops[type(op)](el, er))
            left = right
        return self.indicator(sp.And(*conds) if len(conds) > 1 else conds[0], self.label(node))

    def n_Call(self, node: ast.Call) -> _Val:
        if not isinstance(node.func, ast.Name):
            raise self.err(node, "only named functions can be called, e.g. max(a, b)")
        name = node.func.id
        if name.startswith(INTERNAL_PREFIX):
            name = name[len(INTERNAL_PREFIX):]
        if node.keywords:
            raise self.err(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(node, "'*' arguments are not allowed")
        if name == _INTERNAL_UNIT:
            return self.unit_literal(node)
        if name not in FUNCTIONS:
            if name in self.units:
                raise self.err(node, f"{name!r} is a cell, not a function")
            raise self.err(node, f"unknown function {name!r}; known: {', '.join(sorted(FUNCTIONS))}")
        lo, hi = _ARITY[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.err(node, f"{name}() takes {want} arguments, got {len(node.args)}")
        if name in DIST_FUNCTIONS:
            return self.make_dist(name, list(node.args), node)
        return self.math(name, node)

    def unit_literal(self, node: ast.Call) -> _Val:
        num, unit_node = node.args
        assert isinstance(unit_node, ast.Constant) and isinstance(unit_node.value, str)
        v = self.build(num)
        unit = parse_unit(unit_node.value, self.cell)
        self.has_unit_literal = True
        return _Val(v.expr, unit, self.label(node), const=True, unit_literal=True)

    def math(self, name: str, node: ast.Call) -> _Val:
        sp = self.sp
        label = self.label(node)
        args = [self.value(a) for a in node.args]
        const = all(a.const for a in args)
        ul = any(a.unit_literal for a in args)

        def dimless(i: int) -> Any:
            if not args[i].unit.dimensionless:
                raise UnitMismatchError(self.cell, f"{name}() needs a dimensionless argument; {args[i].label!r} is {self.unit_name(args[i].unit)}")
            return self.to_unit(args[i], self.one)

        if name in ("exp", "sin", "cos", "tan"):
            f = {"exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan}[name]
            return _Val(f(dimless(0)), self.one, label, const=const)
        if name in ("ln", "log", "log10"):
            x = dimless(0)
            if args[0].zero:
                raise self.err(node, f"{name}(0) is minus infinity")
            if name == "log10":
                return _Val(sp.log(x, 10), self.one, label, const=const)
            if len(args) == 2:
                return _Val(sp.log(x, dimless(1)), self.one, label, const=const)
            return _Val(sp.log(x), self.one, label, const=const)
        if name == "sqrt":
            unit = args[0].unit ** 0.5 if not args[0].unit.dimensionless else self.one
            return _Val(sp.sqrt(args[0].expr), unit, label, const=const, unit_literal=ul)
        if name == "abs":
            return _Val(sp.Abs(args[0].expr), args[0].unit, label, zero=args[0].zero, const=const, unit_literal=ul)
        if name in ("floor", "ceil"):
            f = sp.floor if name == "floor" else sp.ceiling
            return _Val(f(args[0].expr), args[0].unit, label, const=const, unit_literal=ul)
        if name == "round":
            x = args[0].expr
            if len(args) == 2:
                digits = self.constant_value(args[1], node, "round()'s number of digits")
                if not float(digits).is_integer() or abs(digits) > 15:
                    raise self.err(node, "round()'s number of digits must be a whole number from -15 to 15")
                scale = sp.Integer(10) ** int(digits)
            else:
                scale = sp.Integer(1)
            # half away from zero, as Excel's ROUND does
            e = sp.sign(x) * sp.floor(sp.Abs(x) * scale + sp.Rational(1, 2)) / scale
            return _Val(e, args[0].unit, label, const=const, unit_literal=ul)
        if name in ("min", "max"):
            exprs, unit = self.common("compare", args)
            f = sp.Min if name == "min" else sp.Max
            return _Val(f(*exprs), unit, label, const=const, unit_literal=ul, zero=all(a.zero for a in args))
        if name == "clip":
            exprs, unit = self.common("compare", args)
            return _Val(sp.Min(sp.Max(exprs[0], exprs[1]), exprs[2]), unit, label, const=const, unit_literal=ul)
        if name == "if":
            cond = self.truth(args[0])
            (a, b), unit = self.common("choose between", args[1:])
            if cond is sp.true:
                e = a
            elif cond is sp.false:
                e = b
            else:
                e = sp.Piecewise((a, cond), (b, True))
            return _Val(e, unit, label, const=const, unit_literal=ul,
                        zero=args[1].zero and args[2].zero)
        raise self.err(node, f"unknown function {name!r}")  # pragma: no cover

    def make_dist(self, name: str, arg_nodes: list[ast.AST], node: ast.AST) -> _Val:
        label = self.label(node)
        shown = "a to b" if name == "to" else f"{name}()"
        if name == "mixture":
            comps_node, weights_node = arg_nodes
            if not isinstance(comps_node, ast.List) or not isinstance(weights_node, ast.List):
                raise self.err(node, "mixture() takes a list of distributions and a list of weights: mixture([d1, d2], [w1, w2])")
            comps = [self.build(c) for c in comps_node.elts]
            for c, cn in zip(comps, comps_node.elts):
                if c.dist is None:
                    raise self.err(cn, f"mixture component {c.label!r} is not a distribution")
            weights = [self.constant_value(self.build(w), w, "a mixture weight") for w in weights_node.elts]
            units = [c.unit for c in comps]
            target = units[0] if units else self.one
            dists = []
            for c in comps:
                if not compatible(c.unit, target):
                    raise self.mismatch("mix", comps[0], c)
                f = float(self.reg.Quantity(1.0, c.unit).to(target).magnitude)
                assert c.dist is not None  # checked above
                dists.append(c.dist if f == 1.0 else _scale(c.dist, f))
            try:
                dist: D.Distribution = D.Mixture(tuple(dists), tuple(weights))
            except Exception as exc:
                raise self.err(node, str(exc)) from None
            return _Val(None, target, label, dist=dist, unit_literal=any(c.unit_literal for c in comps))
        vals = [self.build(a) for a in arg_nodes]
        for v, a in zip(vals, arg_nodes):
            if v.dist is not None:
                raise self.err(a, f"the parameters of {shown} must be numbers, not the distribution {v.label!r}")
            if v.expr.free_symbols:
                raise self.err(a, f"the parameters of {shown} must be numbers; {v.label!r} depends on other cells")
        if name in ("beta", "bernoulli", "lognorm"):
            for v in vals:
                if not v.unit.dimensionless:
                    raise UnitMismatchError(self.cell, f"{name}() takes dimensionless parameters; {v.label!r} is {self.unit_name(v.unit)}")
            unit = self.one
            nums = [self.constant_value(v, a, f"a parameter of {shown}") for v, a in zip(vals, arg_nodes)]
        else:
            exprs, unit = self.common("combine", vals)
            nums = []
            for e, v, a in zip(exprs, vals, arg_nodes):
                nums.append(self.constant_value(_Val(e, unit, v.label), a, f"a parameter of {shown}"))
        try:
            dist = D.make(name, nums)
        except Exception as exc:  # DistributionError, with the literal's text
            reason = getattr(exc, "reason", str(exc))
            raise self.err(node, f"{label}: {reason}") from None
        return _Val(None, unit, label, dist=dist, unit_literal=any(v.unit_literal for v in vals))

    def n_Tuple(self, node: ast.Tuple) -> _Val:
        raise self.err(node, "a comma only separates a function's arguments; write a thousand as 1000 or 1_000")

    def n_List(self, node: ast.List) -> _Val:
        raise self.err(node, "lists are only allowed inside mixture()")


def _scale(dist: D.Distribution, f: float) -> D.Distribution:
    """A distribution scaled by a positive factor (unit conversion inside mixtures)."""
    if isinstance(dist, D.To):
        return D.To(dist.low * f, dist.high * f)
    if isinstance(dist, D.Norm):
        return D.Norm(dist.mean * f, dist.sd * f)
    if isinstance(dist, D.Lognorm):
        return D.Lognorm(dist.mu + math.log(f), dist.sigma)
    if isinstance(dist, D.Uniform):
        return D.Uniform(dist.low * f, dist.high * f)
    if isinstance(dist, D.Triangular):
        return D.Triangular(dist.left * f, dist.mode * f, dist.right * f)
    if isinstance(dist, D.Pert):
        return D.Pert(dist.low * f, dist.mode * f, dist.high * f, dist.lam)
    if isinstance(dist, D.Mixture):
        return D.Mixture(tuple(_scale(c, f) for c in dist.components), dist.weights)
    raise FormulaError(None, dist.formula(), "cannot convert the unit of this distribution")


def parse(
    text: str,
    units: Mapping[str, Any],
    cell: str | None = None,
    symbol_for: Callable[[str], Any] | None = None,
) -> Parsed:
    """Parse ``text`` into a :class:`Parsed` formula.

    Parameters
    ----------
    text
        The formula.
    units
        The cells that may be named, each with its unit (a pint unit or text).
    cell
        The name of the cell being defined, for messages and for naming the
        symbols of distribution literals (``cell__1``, ``cell__2``, ...).
    symbol_for
        Gives the sympy symbol for a cell name (default: a real symbol).
    """
    import sympy

    unit_map = {k: (parse_unit(v) if isinstance(v, str) else v) for k, v in units.items()}
    sym = symbol_for or (lambda name: sympy.Symbol(name, real=True))
    tree, src, origin = syntax_tree(text, cell, lambda name: name in unit_map)
    b = _Builder(text, cell, src, origin, unit_map, sym)
    v = b.build(tree)
    if v.dist is not None:
        v = b.materialise(v, tree.body)
    if v.cond is not None and v.expr is None:  # pragma: no cover
        raise b.err(tree, "empty formula")
    expr = v.expr
    if isinstance(expr, (sympy.logic.boolalg.BooleanAtom,)):  # pragma: no cover
        expr = sympy.Integer(1 if expr else 0)
    return Parsed(
        expr=expr,
        unit=v.unit,
        refs=tuple(b.refs),
        dists=dict(b.dists),
        is_zero=v.zero,
        has_unit_literal=b.has_unit_literal or v.unit_literal,
    )
