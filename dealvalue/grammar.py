"""The formula language's vocabulary and limits, shared by the parser
(:mod:`dealvalue.formula`) and the builder of sympy objects
(:mod:`dealvalue.builder`)."""

from __future__ import annotations

import ast
from decimal import Decimal

__all__ = [
    "MAX_LENGTH", "MAX_DEPTH", "MAX_NODES", "MAX_LITERAL_CHARS", "MAX_LITERAL", "MAX_EXPONENT", "SUFFIXES",
    "MATH_FUNCTIONS", "DIST_FUNCTIONS", "FUNCTIONS", "CONSTANTS", "RESERVED", "ARITY", "INTERNAL_UNIT",
    "INTERNAL_PREFIX", "position",
]

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
    "gamma", "exponential", "binomial", "poisson", "student_t", "lognorm_ms", "discrete", "truncate",
}
FUNCTIONS = frozenset(MATH_FUNCTIONS | DIST_FUNCTIONS)
CONSTANTS = {"pi"}
RESERVED = frozenset(FUNCTIONS | CONSTANTS | {"and", "or", "not", "True", "False", "None"})

ARITY: dict[str, tuple[int, int]] = {
    "exp": (1, 1), "ln": (1, 1), "log": (1, 2), "log10": (1, 1), "sqrt": (1, 1),
    "abs": (1, 1), "min": (1, 64), "max": (1, 64), "clip": (3, 3), "floor": (1, 1),
    "ceil": (1, 1), "round": (1, 2), "sin": (1, 1), "cos": (1, 1), "tan": (1, 1),
    "if": (3, 3), "to": (2, 2), "norm": (2, 2), "lognorm": (2, 2), "beta": (2, 2),
    "uniform": (2, 2), "triangular": (3, 3), "pert": (3, 3), "bernoulli": (1, 1),
    "mixture": (2, 2), "gamma": (2, 2), "exponential": (1, 1), "binomial": (2, 2), "poisson": (1, 1),
    "student_t": (1, 3), "lognorm_ms": (2, 2), "discrete": (2, 2), "truncate": (3, 3),
}

INTERNAL_UNIT = "_u"      # 100 USD  ->  _u(100, 'USD')
INTERNAL_PREFIX = "_f_"   # if(...)  ->  _f_if(...), to(a, b) -> _f_to(a, b)


def position(node: ast.AST, origin: list[int]) -> int | None:
    """The 0-based offset in the user's text of a node of the rewritten source."""
    off = getattr(node, "col_offset", None)
    if off is None:
        return None
    return int(origin[min(int(off), len(origin) - 1)])
