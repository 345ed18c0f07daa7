"""Building sympy objects from a checked syntax tree, by hand and through a
whitelist: every node kind and function name is matched explicitly, units are
inferred on the way, and constant folding is bounded.  User text never
reaches ``eval``, ``sympify`` or ``parse_expr``."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable, Mapping

from . import distributions as D
from .errors import DealValueError, FormulaError, UnitMismatchError, UnknownCellError
from .grammar import ARITY, DIST_FUNCTIONS, FUNCTIONS, INTERNAL_PREFIX, INTERNAL_UNIT, MAX_EXPONENT, RESERVED, position
from .folding import pow_budget_ok, tame
from .units import compatible, current, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    import pint
    import sympy

__all__ = ["Builder", "Value", "scale"]



@dataclass
class Value:
    expr: Any
    unit: Any
    label: str
    cond: Any = None          # a sympy boolean when the value is an indicator
    zero: bool = False        # the literal 0, which fits any unit
    dist: D.Distribution | None = None  # a distribution literal (not yet a symbol)
    const: bool = False       # no symbols in it
    unit_literal: bool = False


class Builder:
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
        self.reg = current()
        self.one = self.reg.dimensionless
        self.has_unit_literal = False
        # a per-sample NaN found while folding constants (sqrt(-1), log(-1), 0/0):
        # a marker symbol while building, so sympy never compares or orders a NaN;
        # an expression that contains it is NaN (see :meth:`value` and :func:`parse`)
        self.nan = sympy.Symbol("_nan", real=True)

    # -- helpers
    def err(self, node: ast.AST | None, reason: str) -> FormulaError:
        return FormulaError(self.cell, self.text, reason, position(node, self.origin) if node is not None else None)

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

    def mismatch(self, what: str, a: Value, b: Value) -> UnitMismatchError:
        return UnitMismatchError(
            self.cell,
            f"cannot {what} {a.label!r} ({self.unit_name(a.unit)}) and {b.label!r} ({self.unit_name(b.unit)})",
        )

    def to_unit(self, v: Value, unit: Any) -> Any:
        """v's expression expressed in ``unit`` (which must be compatible)."""
        if v.zero or v.unit == unit:
            return v.expr
        f = self.factor(self.reg.Quantity(1.0, v.unit).to(unit).magnitude, v.unit)
        if f == 1.0:
            return v.expr
        return v.expr * self.sp.Float(f) if not float(f).is_integer() else v.expr * self.sp.Integer(int(f))

    def common(self, what: str, vals: list[Value]) -> tuple[list[Any], Any]:
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
            f = self.factor(self.reg.Quantity(1.0, unit).to(self.one).magnitude, unit)
            return (expr if f == 1.0 else expr * self.sp.Float(f)), self.one
        q = self.reg.Quantity(1.0, unit).to_reduced_units()
        f = self.factor(q.magnitude, unit)
        return (expr if f == 1.0 else expr * self.sp.Float(f)), q.units

    def factor(self, magnitude: Any, unit: Any) -> float:
        """A unit conversion factor, refused when it is not a finite, non-zero number."""
        try:
            f = float(magnitude)
        except (OverflowError, TypeError, ValueError):
            f = math.inf
        if not math.isfinite(f) or f == 0:
            raise FormulaError(self.cell, self.text, f"the unit {self.unit_name(unit)} converts by a factor of {f:g}; "
                               "expected a finite, non-zero factor")
        return f

    def nan_value(self, unit: Any, label: str) -> Value:
        return Value(self.nan, unit, label)

    def is_nan(self, v: Value) -> bool:
        return v.expr is not None and self.nan in v.expr.free_symbols

    def materialise(self, v: Value, node: ast.AST) -> Value:
        """Turn a distribution literal into a fresh symbol of this formula."""
        if v.dist is None:
            return v
        k = len(self.dists) + 1
        name = f"{self.cell or 'formula'}__{k}"
        lo = v.dist.support()[0]
        sym = self.sp.Symbol(name, real=True, positive=True) if lo >= 0 and not isinstance(v.dist, (D.Bernoulli, D.Mixture)) and v.dist.kind not in D.DISCRETE_KINDS else self.sp.Symbol(name, real=True)
        self.dists[name] = v.dist
        return Value(sym, v.unit, v.label, unit_literal=v.unit_literal)

    def truth(self, v: Value) -> Any:
        if v.cond is not None:
            return v.cond
        return self.sp.Ne(v.expr, 0)

    def indicator(self, cond: Any, label: str) -> Value:
        sp = self.sp
        if cond is sp.true:
            return Value(sp.Integer(1), self.one, label, cond=cond, const=True)
        if cond is sp.false:
            return Value(sp.Integer(0), self.one, label, cond=cond, const=True)
        return Value(sp.Piecewise((sp.Integer(1), cond), (sp.Integer(0), True)), self.one, label, cond=cond)

    def constant_value(self, v: Value, node: ast.AST, what: str) -> float:
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
    def build(self, node: ast.AST) -> Value:
        method = getattr(self, "n_" + type(node).__name__, None)
        if method is None:
            raise self.err(node, f"{type(node).__name__} expressions are not allowed")
        result: Value = method(node)
        return result

    def value(self, node: ast.AST) -> Value:
        """Build a node as a number (distribution literals become symbols);
        a constant is tamed before anything is built on it (see :mod:`.folding`)."""
        v = self.materialise(self.build(node), node)
        return self.fold(v)

    def fold(self, v: Value) -> Value:
        if v.expr is None:
            return v
        if self.is_nan(v):
            return self.nan_value(v.unit, v.label)
        if not v.expr.free_symbols and v.cond is None:
            e = tame(v.expr)
            if e is self.sp.nan:
                return self.nan_value(v.unit, v.label)
            if e is not v.expr:
                return Value(e, v.unit, v.label, zero=v.zero, const=True, unit_literal=v.unit_literal)
        return v

    def n_Expression(self, node: ast.Expression) -> Value:
        return self.build(node.body)

    def n_Constant(self, node: ast.Constant) -> Value:
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
        return Value(e, self.one, text, zero=(v == 0), const=True)

    def n_Name(self, node: ast.Name) -> Value:
        sp = self.sp
        if node.id == "pi":
            return Value(sp.pi, self.one, "pi", const=True)
        if node.id in RESERVED:
            raise self.err(node, f"{node.id!r} is a function; call it with brackets, e.g. {node.id}(x)")
        if node.id not in self.units:
            raise UnknownCellError(node.id, self.cell or "formula", tuple(self.units))
        if node.id not in self.refs:
            self.refs.append(node.id)
        unit = self.units[node.id]
        return Value(self.symbol_for(node.id), unit, node.id)

    def n_UnaryOp(self, node: ast.UnaryOp) -> Value:
        if isinstance(node.op, ast.Not):
            v = self.value(node.operand)
            if self.is_nan(v):
                return self.nan_value(self.one, self.label(node))
            return self.indicator(self.sp.Not(self.truth(v)), self.label(node))
        inner = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        if isinstance(node.op, ast.USub):
            if inner.dist is not None:
                inner = self.materialise(inner, node.operand)
            return Value(-inner.expr, inner.unit, self.label(node), zero=inner.zero, const=inner.const,
                        unit_literal=inner.unit_literal)
        raise self.err(node, "operator not allowed")

    def n_BinOp(self, node: ast.BinOp) -> Value:
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
            return Value(e, unit, label, zero=a.zero and b.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Mult):
            e, unit = self.reduce(a.expr * b.expr, a.unit * b.unit)
            return Value(e, unit, label, zero=a.zero or b.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Div):
            if b.zero:
                raise self.err(node.right, "division by the literal 0")
            e, unit = self.reduce(a.expr / b.expr, a.unit / b.unit)
            return Value(e, unit, label, zero=a.zero, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Pow):
            if not b.unit.dimensionless:
                raise UnitMismatchError(self.cell, f"exponent {b.label!r} must be dimensionless, not {self.unit_name(b.unit)}")
            if not b.expr.free_symbols:
                ev = self.constant_value(b, node.right, "exponent")
                if abs(ev) > MAX_EXPONENT:
                    raise self.err(node.right, f"exponent {ev:g} is larger than {MAX_EXPONENT}")
            elif not a.unit.dimensionless:
                raise UnitMismatchError(self.cell, f"{a.label!r} has unit {self.unit_name(a.unit)}; it can only be raised to a constant power")
            if not a.expr.free_symbols and not b.expr.free_symbols:
                return self.const_pow(a, b, node, label)
            unit = self.one
            if not a.unit.dimensionless:
                ev = float(b.expr)
                unit = a.unit ** (int(ev) if ev.is_integer() else ev)
            e = sp.Pow(a.expr, b.expr)
            return Value(e, unit, label, const=const, unit_literal=ul)
        if isinstance(node.op, ast.Mod):  # pragma: no cover - refused by the tokenizer
            raise self.err(node, "'%' is only allowed directly after a number")
        raise self.err(node, f"operator {type(node.op).__name__} is not allowed")

    def const_pow(self, a: Value, b: Value, node: ast.AST, label: str) -> Value:
        sp = self.sp
        base = self.constant_value(a, node, "base")
        exp = self.constant_value(b, node, "exponent")
        unit = a.unit ** (int(exp) if exp.is_integer() else exp) if not a.unit.dimensionless else self.one
        # the size of the result is decided before computing it exactly
        small_ints = base.is_integer() and exp.is_integer() and 0 <= exp <= 64 and pow_budget_ok(base, exp)
        if small_ints:
            return Value(sp.Integer(int(base)) ** int(exp), unit, label, const=True)
        try:
            value = base ** exp
        except (OverflowError, ZeroDivisionError) as exc:
            raise self.err(node, f"{label} cannot be computed ({exc})") from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise self.err(node, f"{label} is not a finite real number")
        if (b.expr.is_Rational and not b.expr.is_Integer and b.expr.q <= 64 and a.expr.is_Rational
                and 0 < a.expr <= 10**6 and a.expr.q <= 10**6):
            return Value(sp.Pow(a.expr, b.expr), unit, label, const=True)  # keep sqrt(2) exact
        return Value(sp.Float(value), unit, label, const=True)

    def n_BoolOp(self, node: ast.BoolOp) -> Value:
        vals = [self.value(v) for v in node.values]
        if any(self.is_nan(v) for v in vals):
            return self.nan_value(self.one, self.label(node))
        conds = [self.truth(v) for v in vals]
        cond = self.sp.And(*conds) if isinstance(node.op, ast.And) else self.sp.Or(*conds)
        return self.indicator(cond, self.label(node))

    def n_Compare(self, node: ast.Compare) -> Value:
        sp = self.sp
        ops = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        left = self.value(node.left)
        conds = []
        for op, comp in zip(node.ops, node.comparators):
            if type(op) not in ops:
                raise self.err(node, f"comparison {type(op).__name__} is not allowed")
            right = self.value(comp)
            (el, er), _ = self.common("compare", [left, right])
            if self.is_nan(left) or self.is_nan(right):
                return self.nan_value(self.one, self.label(node))
            try:
                conds.append(ops[type(op)](el, er))
            except (TypeError, ValueError):  # sympy proved a side non-real: NaN in every sample
                return self.nan_value(self.one, self.label(node))
            left = right
        return self.indicator(sp.And(*conds) if len(conds) > 1 else conds[0], self.label(node))

    def n_Call(self, node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name):
            raise self.err(node, "only named functions can be called, e.g. max(a, b)")
        name = node.func.id
        if name.startswith(INTERNAL_PREFIX):
            name = name[len(INTERNAL_PREFIX):]
        if node.keywords:
            raise self.err(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.err(node, "'*' arguments are not allowed")
        if name == INTERNAL_UNIT:
            return self.unit_literal(node)
        if name not in FUNCTIONS:
            if name in self.units:
                raise self.err(node, f"{name!r} is a cell, not a function")
            raise self.err(node, f"unknown function {name!r}; known: {', '.join(sorted(FUNCTIONS))}")
        lo, hi = ARITY[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.err(node, f"{name}() takes {want} arguments, got {len(node.args)}")
        if name in DIST_FUNCTIONS:
            return self.make_dist(name, list(node.args), node)
        return self.math(name, node)

    def unit_literal(self, node: ast.Call) -> Value:
        num, unit_node = node.args
        assert isinstance(unit_node, ast.Constant) and isinstance(unit_node.value, str)
        v = self.build(num)
        unit = parse_unit(unit_node.value, self.cell)
        self.has_unit_literal = True
        return Value(v.expr, unit, self.label(node), const=True, unit_literal=True)

    def math(self, name: str, node: ast.Call) -> Value:
        args = [self.value(a) for a in node.args]
        label = self.label(node)
        try:
            out = self.math_of(name, node, args, label)
        except (TypeError, ValueError) as exc:  # sympy proved an argument non-real or NaN
            if isinstance(exc, DealValueError):
                raise
            return self.nan_value(args[0].unit if args else self.one, label)
        if any(self.is_nan(a) for a in args):
            return self.nan_value(out.unit, label)
        return out

    def math_of(self, name: str, node: ast.Call, args: list[Value], label: str) -> Value:
        sp = self.sp
        if any(self.is_nan(a) for a in args) and name in ("min", "max", "clip", "if", "round"):
            args = [Value(self.sp.Integer(1), a.unit, a.label) if self.is_nan(a) else a for a in args]
        const = all(a.const for a in args)
        ul = any(a.unit_literal for a in args)

        def dimless(i: int) -> Any:
            if not args[i].unit.dimensionless:
                raise UnitMismatchError(self.cell, f"{name}() needs a dimensionless argument; {args[i].label!r} is {self.unit_name(args[i].unit)}")
            return self.to_unit(args[i], self.one)

        if name in ("exp", "sin", "cos", "tan"):
            f = {"exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan}[name]
            if name != "exp" and args[0].expr in (sp.oo, -sp.oo):
                return self.nan_value(self.one, label)
            return Value(f(dimless(0)), self.one, label, const=const)
        if name in ("ln", "log", "log10"):
            x = dimless(0)
            if args[0].zero:
                raise self.err(node, f"{name}(0) is minus infinity")
            if name == "log10":
                return Value(sp.log(x, 10), self.one, label, const=const)
            if len(args) == 2:
                return Value(sp.log(x, dimless(1)), self.one, label, const=const)
            return Value(sp.log(x), self.one, label, const=const)
        if name == "sqrt":
            unit = args[0].unit ** 0.5 if not args[0].unit.dimensionless else self.one
            return Value(sp.sqrt(args[0].expr), unit, label, const=const, unit_literal=ul)
        if name == "abs":
            return Value(sp.Abs(args[0].expr), args[0].unit, label, zero=args[0].zero, const=const, unit_literal=ul)
        if name in ("floor", "ceil"):
            f = sp.floor if name == "floor" else sp.ceiling
            return Value(f(args[0].expr), args[0].unit, label, const=const, unit_literal=ul)
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
            return Value(e, args[0].unit, label, const=const, unit_literal=ul)
        if name in ("min", "max"):
            exprs, unit = self.common("compare", args)
            f = sp.Min if name == "min" else sp.Max
            return Value(f(*exprs), unit, label, const=const, unit_literal=ul, zero=all(a.zero for a in args))
        if name == "clip":
            exprs, unit = self.common("compare", args)
            return Value(sp.Min(sp.Max(exprs[0], exprs[1]), exprs[2]), unit, label, const=const, unit_literal=ul)
        if name == "if":
            cond = self.truth(args[0])
            (a, b), unit = self.common("choose between", args[1:])
            if cond is sp.true:
                e = a
            elif cond is sp.false:
                e = b
            else:
                e = sp.Piecewise((a, cond), (b, True))
            return Value(e, unit, label, const=const, unit_literal=ul,
                        zero=args[1].zero and args[2].zero)
        raise self.err(node, f"unknown function {name!r}")  # pragma: no cover

    def make_dist(self, name: str, arg_nodes: list[ast.AST], node: ast.AST) -> Value:
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
                dists.append(c.dist if f == 1.0 else scale(c.dist, f))
            try:
                dist: D.Distribution = D.Mixture(tuple(dists), tuple(weights))
            except Exception as exc:
                raise self.err(node, str(exc)) from None
            return Value(None, target, label, dist=dist, unit_literal=any(c.unit_literal for c in comps))
        if name == "discrete":
            return self.make_discrete(arg_nodes, node, label)
        if name == "truncate":
            return self.make_truncate(arg_nodes, node, label)
        vals = [self.build(a) for a in arg_nodes]
        for v, a in zip(vals, arg_nodes):
            if v.dist is not None:
                raise self.err(a, f"the parameters of {shown} must be numbers, not the distribution {v.label!r}")
            if v.expr.free_symbols:
                raise self.err(a, f"the parameters of {shown} must be numbers; {v.label!r} depends on other cells")
        first = 1 if name in ("gamma", "student_t") else 0  # shape / df: a pure number before parameters with the unit
        if first and not vals[0].unit.dimensionless:
            raise UnitMismatchError(self.cell, f"{name}()'s first parameter is dimensionless; {vals[0].label!r} is {self.unit_name(vals[0].unit)}")
        if name in ("beta", "bernoulli", "lognorm", "exponential", "binomial", "poisson"):
            for v in vals:
                if not v.unit.dimensionless:
                    raise UnitMismatchError(self.cell, f"{name}() takes dimensionless parameters; {v.label!r} is {self.unit_name(v.unit)}")
            unit = self.one
            nums = [self.constant_value(v, a, f"a parameter of {shown}") for v, a in zip(vals, arg_nodes)]
        else:
            exprs, unit = self.common("combine", vals[first:])
            nums = [self.constant_value(vals[0], arg_nodes[0], f"a parameter of {shown}")] if first else []
            for e, v, a in zip(exprs, vals[first:], arg_nodes[first:]):
                nums.append(self.constant_value(Value(e, unit, v.label), a, f"a parameter of {shown}"))
        try:
            dist = D.make(name, nums)
        except Exception as exc:  # DistributionError, with the literal's text
            reason = getattr(exc, "reason", str(exc))
            raise self.err(node, f"{label}: {reason}") from None
        return Value(None, unit, label, dist=dist, unit_literal=any(v.unit_literal for v in vals))

    def make_discrete(self, arg_nodes: list[ast.AST], node: ast.AST, label: str) -> Value:
        values_node, weights_node = arg_nodes
        if not isinstance(values_node, ast.List) or not isinstance(weights_node, ast.List):
            raise self.err(node, "discrete() takes a list of values and a list of weights: discrete([1, 2], [0.3, 0.7])")
        vals = [self.build(v) for v in values_node.elts]
        for v, a in zip(vals, values_node.elts):
            if v.dist is not None or v.expr.free_symbols:
                raise self.err(a, f"the values of discrete() must be numbers, not {v.label!r}")
        exprs, unit = self.common("combine", vals) if vals else ([], self.one)
        nums = [self.constant_value(Value(e, unit, v.label), a, "a value of discrete()")
                for e, v, a in zip(exprs, vals, values_node.elts)]
        weights = [self.constant_value(self.build(w), w, "a weight of discrete()") for w in weights_node.elts]
        try:
            dist: D.Distribution = D.Discrete(tuple(nums), tuple(weights))
        except Exception as exc:
            raise self.err(node, f"{label}: {getattr(exc, 'reason', str(exc))}") from None
        return Value(None, unit, label, dist=dist, unit_literal=any(v.unit_literal for v in vals))

    def make_truncate(self, arg_nodes: list[ast.AST], node: ast.AST, label: str) -> Value:
        inner = self.build(arg_nodes[0])
        if inner.dist is None:
            raise self.err(arg_nodes[0], f"truncate() takes a distribution first, not {inner.label!r}: truncate(norm(0, 1), -2, 2)")
        bounds = [self.build(a) for a in arg_nodes[1:]]
        for v, a in zip(bounds, arg_nodes[1:]):
            if v.dist is not None or v.expr.free_symbols:
                raise self.err(a, f"the bounds of truncate() must be numbers, not {v.label!r}")
        nums = []
        for v, a in zip(bounds, arg_nodes[1:]):
            if not v.zero and not compatible(v.unit, inner.unit):
                raise self.mismatch("truncate", inner, v)
            nums.append(self.constant_value(Value(self.to_unit(v, inner.unit), inner.unit, v.label), a, "a bound of truncate()"))
        try:
            dist: D.Distribution = D.Truncated(inner.dist, nums[0], nums[1])
        except Exception as exc:
            raise self.err(node, f"{label}: {getattr(exc, 'reason', str(exc))}") from None
        return Value(None, inner.unit, label, dist=dist, unit_literal=inner.unit_literal or any(v.unit_literal for v in bounds))

    def n_Tuple(self, node: ast.Tuple) -> Value:
        raise self.err(node, "a comma only separates a function's arguments; write a thousand as 1000 or 1_000")

    def n_List(self, node: ast.List) -> Value:
        raise self.err(node, "lists are only allowed inside mixture() and discrete()")


def scale(dist: D.Distribution, f: float) -> D.Distribution:
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
        return D.Mixture(tuple(scale(c, f) for c in dist.components), dist.weights)
    if isinstance(dist, D.Gamma):
        return D.Gamma(dist.shape, dist.scale * f)
    if isinstance(dist, D.Exponential):
        return D.Exponential(dist.rate / f)
    if isinstance(dist, D.StudentT):
        return D.StudentT(dist.df, dist.loc * f, dist.scale * f)
    if isinstance(dist, D.LognormMS):
        return D.LognormMS(dist.mean * f, dist.sd * f)
    if isinstance(dist, D.Discrete):
        return D.Discrete(tuple(v * f for v in dist.values), dist.weights)
    if isinstance(dist, D.Truncated):
        return D.Truncated(scale(dist.dist, f), dist.low * f, dist.high * f)
    raise FormulaError(None, dist.formula(), "cannot convert the unit of this distribution")
