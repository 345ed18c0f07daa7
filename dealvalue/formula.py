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
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from . import distributions as D
from .builder import Builder
from .errors import FormulaError, UnitMismatchError, UnknownCellError
from .units import compatible, current, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    import pint
    import sympy

__all__ = ["parse", "references", "syntax_tree", "Parsed", "FUNCTIONS", "DIST_FUNCTIONS", "RESERVED", "INTERNAL_PREFIX", "MAX_LENGTH", "MAX_DEPTH"]

from .grammar import (  # noqa: F401 - re-exported: the grammar's names have always been importable from here
    ARITY,
    CONSTANTS,
    DIST_FUNCTIONS,
    FUNCTIONS,
    INTERNAL_PREFIX,
    INTERNAL_UNIT,
    MATH_FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LITERAL,
    MAX_LITERAL_CHARS,
    MAX_NODES,
    RESERVED,
    SUFFIXES,
    position,
)


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
            # the size is read from the exponent before any arithmetic (which could raise decimal.Overflow)
            if value != 0 and value.adjusted() > 100:
                raise FormulaError(cell, text, f"number {t.string!r} is larger than {MAX_LITERAL:g}", pos)
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
                emit(f"{INTERNAL_UNIT}({number}, '{''.join(unit_parts)}')", pos)
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
                    f"(units: USD, kUSD, MUSD, BUSD, year, your own from Model.define_unit; "
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
        return name in current()
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
            raise FormulaError(cell, text, f"formula nested deeper than {MAX_DEPTH}", position(node, origin))
        if count > MAX_NODES:
            raise FormulaError(cell, text, f"formula has more than {MAX_NODES} parts")
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return tree, src, origin


class _UnitView(Mapping[str, Any]):
    """``units`` without ``exclude``, unit texts parsed when read."""

    __slots__ = ("_src", "_skip")

    def __init__(self, src: Mapping[str, Any], skip: str | None) -> None:
        self._src, self._skip = src, skip

    def __getitem__(self, key: str) -> Any:
        if key == self._skip:
            raise KeyError(key)
        v = self._src[key]
        return parse_unit(v) if isinstance(v, str) else v

    def __contains__(self, key: object) -> bool:
        return key != self._skip and key in self._src

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._src if k != self._skip)

    def __len__(self) -> int:
        return len(self._src) - (self._skip in self._src)


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
                    position(node, origin),
                )
        if isinstance(node, ast.Name) and id(node) not in called and node.id not in RESERVED and not node.id.startswith("_"):
            if node.id not in names:
                names.append(node.id)
    # ast.walk is breadth-first; order by position for a stable, readable order
    pos: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            pos[node.id] = min(pos.get(node.id, 1 << 30), position(node, origin) or 0)
    return tuple(sorted(names, key=lambda nm: pos[nm]))


def parse(
    text: str,
    units: Mapping[str, Any],
    cell: str | None = None,
    symbol_for: Callable[[str], Any] | None = None,
    *,
    exclude: str | None = None,
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
    exclude
        A name of ``units`` that may not be named (the cell itself), so that
        a caller need not copy ``units`` for every cell (which made loading
        n cells take time in n squared).

    Returns
    -------
    Parsed
        The sympy expression (``expr``), the cells named (``refs``), the
        distribution literals written inside (``dists``) and the unit.

    Raises
    ------
    FormulaError
        The text is not in the formula language (the message points at the
        position), or names a cell not in ``units``.
    UnitMismatchError
        The formula mixes units.

    Examples
    --------
    >>> import dealvalue as dv
    >>> p = dv.parse("R / beta(8, 2)", {"R": "USD"}, cell="ask")
    >>> p.expr, p.refs, str(p.unit)
    (R/ask__1, ('R',), 'USD')
    """
    import sympy

    unit_map = _UnitView(units, exclude)  # read lazily: a model's whole unit table, never copied
    sym = symbol_for or (lambda name: sympy.Symbol(name, real=True))
    tree, src, origin = syntax_tree(text, cell, lambda name: name in unit_map)
    b = Builder(text, cell, src, origin, unit_map, sym)
    v = b.build(tree)
    if v.dist is not None:
        v = b.materialise(v, tree.body)
    v = b.fold(v)
    if v.cond is not None and v.expr is None:  # pragma: no cover
        raise b.err(tree, "empty formula")
    expr = v.expr
    if b.nan in expr.free_symbols:  # a per-sample NaN from constant folding
        expr = sympy.nan
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
