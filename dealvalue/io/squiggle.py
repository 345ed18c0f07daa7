"""Squiggle code in: the common subset of Squiggle, each binding a cell.

Read (a whitelist; anything else is refused with its line and column in a
:class:`~dealvalue.errors.PeerModelError`):

* top-level bindings ``name = expression``, one cell each, in order;
* ``//`` and ``/* */`` comments; ``@name("...")`` and ``@doc("...")``
  decorators (the cell's label and description; ``@hide`` and ``@format``
  are accepted and ignored);
* numbers with Squiggle's suffixes (``%``, ``n``, ``m``, ``k``, ``M``,
  ``B``, ``G``, ``T``);
* ``a to b`` (a lognormal with that 90% interval; Squiggle allows only
  positive ends), ``normal(mean, sd)``, ``lognormal(mu, sigma)``,
  ``beta(a, b)``, ``uniform(low, high)``, ``triangular(min, mode, max)``,
  ``pointMass(x)``, ``mixture(d1, ..., dk, [w1, ..., wk])`` (``mx`` too;
  equal weights when none are given);
* arithmetic ``+ - * / ^`` and parentheses, with Squiggle's precedence
  (``to`` binds loosest, unary minus tightest, ``^`` from the right).

Squiggle's distributions are sample sets and its arithmetic goes sample by
sample, which is what dealvalue's joint samples do, so a binding used twice is
the same draw in both places.  A mixture of other bindings becomes a hidden
``uniform(0, 1)`` cell ``<name>_pick`` choosing the component sample by
sample, so the mixture stays joint with its components as in Squiggle.

The reader builds the model it is handed the class of (``new_model``), so
this module sits below :mod:`dealvalue.model`; use :func:`dealvalue.from_squiggle`.

Examples
--------
>>> from dealvalue import Model
>>> m = read("// piano tuners\\npopulation = 8.1M to 8.4M\\nshare = population * 1%", Model)
>>> m.cell("population").formula, m.cell("share").formula
('to(8100000, 8400000)', 'population * 0.01')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..distributions import number_text
from ..errors import DealValueError, PeerModelError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["read", "Expr", "Parser", "Token", "tokenize", "SUFFIXES", "MAX_CHARS"]

#: Longest program read, in characters.
MAX_CHARS = 200_000
SUFFIXES = {"%": 1e-2, "n": 1e-9, "m": 1e-3, "k": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}
_DECORATORS = {"name", "doc", "hide", "format"}
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)|(?P<line_comment>//[^\n]*)|(?P<block_comment>/\*.*?\*/)"
    r"|(?P<number>(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:%|[nmkMBGT](?![A-Za-z0-9_]))?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<string>\"(?:[^\"\\\n]|\\.)*\")"
    r"|(?P<op>[-+*/^()\[\],=@;:{}.<>!&|?])",
    re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str      # number, name, string, op, end
    text: str
    offset: int


def tokenize(text: str, fail: Callable[[int, str], Exception]) -> list[Token]:
    """Split ``text`` into tokens (comments and white space dropped)."""
    out: list[Token] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if text.startswith("/*", i) and (m is None or m.lastgroup != "block_comment"):
            raise fail(i, "unterminated comment: '/*' without '*/'")
        if m is None or m.end() == i:
            raise fail(i, f"unexpected character {text[i]!r}")
        kind = m.lastgroup or ""
        if kind not in ("space", "line_comment", "block_comment"):
            out.append(Token(kind, m.group(), i))
        i = m.end()
    out.append(Token("end", "", len(text)))
    return out


@dataclass(frozen=True)
class Expr:
    """A translated expression: dealvalue formula ``text``, its value when
    constant, and whether it is one distribution literal with constant
    parameters (a mixture component)."""

    text: str
    const: float | None = None
    literal: bool = False

    @staticmethod
    def number(x: float) -> "Expr":
        return Expr(number_text(x), float(x))


@dataclass
class Parser:
    """Recursive descent over tokens, producing :class:`Expr`.

    ``functions`` maps a function name to a builder ``(parser, args, token)
    -> Expr``; ``resolve`` turns a name token into an Expr (a reference).
    """

    tokens: list[Token]
    fail: Callable[[int, str], Exception]
    resolve: Callable[[Token], Expr]
    functions: dict[str, Callable[["Parser", list[Any], Token], Expr]]
    power: str = "^"
    pos: int = 0
    helpers: list[tuple[str, str]] = field(default_factory=list)

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        t = self.peek()
        self.pos += 1
        return t

    def expect(self, text: str) -> Token:
        t = self.peek()
        if t.text != text or t.kind not in ("op", "name"):
            raise self.fail(t.offset, f"expected {text!r}, got {t.text or 'the end'!r}")
        return self.take()

    def at(self, *texts: str) -> bool:
        t = self.peek()
        return t.kind in ("op", "name") and t.text in texts

    # expression := additive ('to' additive)?
    def expression(self) -> Expr:
        start = self.peek()
        low = self.additive()
        if self.at("to"):
            tok = self.take()
            high = self.additive()
            return interval(self, low, high, tok if low.const is not None else start)
        return low

    def additive(self) -> Expr:
        left = self.multiplicative()
        while self.at("+", "-"):
            op = self.take()
            left = binary(self, op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Expr:
        left = self.power_()
        while self.at("*", "/"):
            op = self.take()
            left = binary(self, op, left, self.power_())
        return left

    def power_(self) -> Expr:
        base = self.unary()
        if self.at(self.power):
            op = self.take()
            return binary(self, op, base, self.power_())
        return base

    def unary(self) -> Expr:
        if self.at("-"):
            self.take()
            x = self.unary()
            return Expr.number(-x.const) if x.const is not None else Expr(f"(-{x.text})")
        if self.at("+"):
            self.take()
            return self.unary()
        return self.atom()

    def atom(self) -> Expr:
        t = self.peek()
        if t.kind == "number":
            self.take()
            return Expr.number(number_value(t.text))
        if t.text == "(" and t.kind == "op":
            self.take()
            x = self.expression()
            self.expect(")")
            simple = x.const is not None or x.literal or re.fullmatch(r"[A-Za-z_]\w*", x.text)
            return x if simple else Expr(f"({x.text})")
        if t.kind == "name":
            self.take()
            if self.at("(") and self.peek().offset == t.offset + len(t.text):
                build = self.functions.get(t.text)
                if build is None:
                    raise self.fail(t.offset, f"function {t.text!r} is not in the subset read here "
                                              f"(known: {', '.join(sorted(self.functions))})")
                self.take()
                args: list[Any] = []
                while not self.at(")"):
                    args.append(self.list_() if self.at("[") else self.expression())
                    if not self.at(")"):
                        self.expect(",")
                self.take()
                return build(self, args, t)
            return self.resolve(t)
        what = repr(t.text) if t.text else "the end of the program"
        raise self.fail(t.offset, f"expected a number, a name, a function call or '(', got {what}")

    def list_(self) -> list[Expr]:
        self.expect("[")
        items: list[Expr] = []
        while not self.at("]"):
            items.append(self.expression())
            if not self.at("]"):
                self.expect(",")
        self.take()
        return items


def number_value(text: str) -> float:
    """The value of a number token, suffix included."""
    scale = 1.0
    if text[-1] in SUFFIXES:
        scale = SUFFIXES[text[-1]]
        text = text[:-1]
    return float(text.replace("_", "")) * scale


def binary(p: Parser, op: Token, a: Expr, b: Expr) -> Expr:
    """``a op b``: computed when both are constant, else formula text."""
    sym = "**" if op.text in ("^", "**") else op.text
    if a.const is not None and b.const is not None:
        try:
            value = {"+": a.const + b.const, "-": a.const - b.const, "*": a.const * b.const}.get(sym)
            if sym == "/":
                value = a.const / b.const
            elif sym == "**":
                value = float(a.const ** b.const)
        except (ZeroDivisionError, OverflowError, TypeError):
            raise p.fail(op.offset, f"cannot compute {number_text(a.const)} {op.text} {number_text(b.const)}") from None
        if value is None or not math.isfinite(value):
            raise p.fail(op.offset, f"{number_text(a.const)} {op.text} {number_text(b.const)} is not a finite number")
        return Expr.number(value)
    return Expr(f"{a.text} {sym} {b.text}")


def constants(p: Parser, args: Sequence[Any], tok: Token, count: int | tuple[int, int]) -> list[float]:
    """The arguments of ``tok``'s call as numbers (they must be constant)."""
    lo, hi = (count, count) if isinstance(count, int) else count
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo} to {hi}"
        raise p.fail(tok.offset, f"{tok.text}() takes {want} arguments, got {len(args)}")
    out = []
    for a in args:
        if not isinstance(a, Expr) or a.const is None:
            raise p.fail(tok.offset, f"the arguments of {tok.text}() must be numbers (not distributions or lists)")
        out.append(a.const)
    return out


def interval(p: Parser, low: Expr, high: Expr, tok: Token) -> Expr:
    """Squiggle's ``low to high``: a lognormal with that 90% interval."""
    if low.const is None or high.const is None:
        raise p.fail(tok.offset, "the ends of 'to' must be numbers")
    if not 0 < low.const < high.const:
        raise p.fail(tok.offset, f"Squiggle's 'to' needs 0 < low < high, got {number_text(low.const)} to "
                                 f"{number_text(high.const)} (use normal(mean, sd) for values at or below 0)")
    return Expr(f"to({number_text(low.const)}, {number_text(high.const)})", literal=True)


def _dist(kind: str, count: int) -> Callable[[Parser, list[Any], Token], Expr]:
    def build(p: Parser, args: list[Any], tok: Token) -> Expr:
        values = constants(p, args, tok, count)
        return Expr(f"{kind}({', '.join(number_text(v) for v in values)})", literal=True)
    return build


def _point_mass(p: Parser, args: list[Any], tok: Token) -> Expr:
    return Expr.number(constants(p, args, tok, 1)[0])


def mixture(p: Parser, args: list[Any], tok: Token, helper_name: Callable[[], str]) -> Expr:
    """``mixture(d1, ..., dk, [w1, ..., wk])``: a mixture literal when every
    component is one, else a choice by a hidden uniform cell."""
    weights: list[float] | None = None
    if args and isinstance(args[-1], list):
        weights = constants(p, args[-1], tok, (1, 10_000))
        args = args[:-1]
    if len(args) == 1 and isinstance(args[0], list):
        args = args[0]
    if not args or any(not isinstance(a, Expr) for a in args):
        raise p.fail(tok.offset, "mixture() takes distributions and then, optionally, a list of weights")
    comps: list[Expr] = list(args)
    w = weights if weights is not None else [1.0] * len(comps)
    if len(w) != len(comps):
        raise p.fail(tok.offset, f"mixture() got {len(comps)} components and {len(w)} weights")
    if any(x < 0 for x in w) or sum(w) <= 0:
        raise p.fail(tok.offset, "mixture() weights must be >= 0 with a positive sum")
    total = sum(w)
    if all(c.literal for c in comps):
        return Expr(f"mixture([{', '.join(c.text for c in comps)}], [{', '.join(number_text(x / total) for x in w)}])", literal=True)
    pick = helper_name()
    p.helpers.append((pick, "uniform(0, 1)"))
    text = comps[-1].text
    cumulative = [sum(w[: i + 1]) / total for i in range(len(w))]
    for c, edge in zip(reversed(comps[:-1]), reversed(cumulative[:-1])):
        text = f"if({pick} < {number_text(edge)}, {c.text}, {text})"
    return Expr(text)


def read(text: str, new_model: Callable[..., "Model"], name: str = "squiggle model", path: str = "<squiggle>") -> "Model":
    """Build a model from Squiggle code (see the module notes for the subset).

    Parameters
    ----------
    text
        The program.
    new_model
        Makes the empty model: ``new_model(name, description=..., seed=...)``.
    name
        The model's name.
    path
        Names the program in errors.

    Returns
    -------
    Model
        One cell per binding (plus a ``<name>_pick`` cell per mixture of
        other bindings).

    Raises
    ------
    PeerModelError
        Anything outside the subset, with its line and column.

    Examples
    --------
    ``10 to 100`` is lognormal, so the point value of ``ask`` is its median
    ``sqrt(10 * 100)`` over 0.5:

    >>> from dealvalue import Model
    >>> m = read("R = 10 to 100  // the AI's price\\nc = 0.5\\nask = R / c", Model)
    >>> [(c.name, c.formula) for c in m.cells], round(m.evaluate("ask"), 4)
    ([('R', 'to(10, 100)'), ('c', '0.5'), ('ask', 'R / c')], 63.2456)
    >>> read("y = foo(2)", Model)
    Traceback (most recent call last):
    ...
    dealvalue.errors.PeerModelError: <squiggle>, line 1, column 5: function 'foo' is not in the subset read here (known: beta, lognormal, mixture, mx, normal, pointMass, triangular, uniform)
        y = foo(2)
            ^
    """
    if not isinstance(text, str):
        raise PeerModelError(path, 1, 1, f"expected Squiggle code as text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise PeerModelError(path, 1, 1, f"the program is longer than {MAX_CHARS:,} characters")
    lines = text.split("\n")

    def fail(offset: int, reason: str) -> PeerModelError:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return PeerModelError(path, line, column, reason, lines[line - 1] if line <= len(lines) else "")

    tokens = tokenize(text, fail)
    model = new_model(name, description="read from Squiggle code", seed=None)
    consts: dict[str, float | None] = {}
    current = [""]
    counter = [0]

    def resolve(t: Token) -> Expr:
        if t.text not in consts:
            raise fail(t.offset, f"unknown name {t.text!r} (bindings must come before their use)")
        return Expr(t.text, consts[t.text])

    def helper_name() -> str:
        counter[0] += 1
        base = f"{current[0]}_pick" if counter[0] == 1 else f"{current[0]}_pick{counter[0]}"
        return base

    functions: dict[str, Callable[[Parser, list[Any], Token], Expr]] = {
        "normal": _dist("norm", 2), "lognormal": _dist("lognorm", 2), "beta": _dist("beta", 2),
        "uniform": _dist("uniform", 2), "triangular": _dist("triangular", 3), "pointMass": _point_mass,
        "mixture": lambda p, a, t: mixture(p, a, t, helper_name), "mx": lambda p, a, t: mixture(p, a, t, helper_name),
    }
    p = Parser(tokens, fail, resolve, functions)
    while p.peek().kind != "end":
        label = description = ""
        while p.at("@"):
            at = p.take()
            deco = p.take()
            if deco.kind != "name" or deco.text not in _DECORATORS:
                raise fail(deco.offset, f"decorator @{deco.text} is not read (known: @name, @doc, @hide, @format)")
            if p.at("("):
                p.take()
                s = p.take()
                if s.kind != "string":
                    raise fail(s.offset, f"@{deco.text}(...) takes one string")
                p.expect(")")
                given = s.text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                if deco.text == "name":
                    label = given
                elif deco.text == "doc":
                    description = given
            elif deco.text in ("name", "doc", "format"):
                raise fail(at.offset, f"@{deco.text} takes a string: @{deco.text}(\"...\")")
        t = p.peek()
        if t.kind != "name" or p.peek(1).text != "=" or p.peek(1).kind != "op":
            what = repr(t.text) if t.text else "the end"
            raise fail(t.offset, f"expected a top-level binding 'name = expression', got {what} "
                                 "(functions, blocks, records and a final expression are not read)")
        p.take()
        p.take()
        if t.text in consts:
            raise fail(t.offset, f"{t.text!r} is bound twice")
        current[0], counter[0] = t.text, 0
        start = p.peek()
        helpers_before = len(p.helpers)
        value = p.expression()
        if p.at(";"):
            p.take()
        nxt = p.peek()
        if nxt.kind != "end" and not (nxt.kind == "name" or nxt.text == "@"):
            raise fail(nxt.offset, f"unexpected {nxt.text!r} after the expression of {t.text!r}")
        try:
            for helper, formula in p.helpers[helpers_before:]:
                model.add(helper, formula, label=f"mixture choice for {t.text}")
            model.add(t.text, value.text, label=label, description=description)
        except DealValueError as exc:
            raise fail(start.offset if not isinstance(exc, PeerModelError) else 0,
                       f"binding {t.text!r}: {getattr(exc, 'reason', None) or exc}") from None
        consts[t.text] = value.const
    return model
