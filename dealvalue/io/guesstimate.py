"""Guesstimate exports in: each metric a cell.

A Guesstimate export is JSON with a ``graph`` (or the top level) holding
``metrics`` (``id``, ``readableId``, ``name``) and ``guesstimates`` (per
metric: ``input``, the text typed, ``expression``, the stored form,
``guesstimateType`` and ``description``).  Read with Guesstimate's documented
meaning:

* ``a to b`` or ``[a, b]``: a 90% interval, lognormal when both ends are
  positive, normal otherwise; ``guesstimateType`` ``LOGNORMAL``, ``NORMAL``
  or ``UNIFORM`` forces that family (uniform between the ends);
* a number: a point value;
* a function, ``=AB * 2`` (readable ids) or ``=${metric:id} * 2``
  (the stored form): arithmetic ``+ - * / ^``, ``min``, ``max``, ``exp``,
  ``log`` (natural), ``sqrt``, ``abs``, ``floor``, ``ceil``, ``round`` and the
  samplers ``normal(mean, sd)``, ``lognormal(mu, sigma)``, ``uniform(a, b)``,
  ``triangular(min, mode, max)``, ``pert(min, mode, max)``, ``beta(a, b)``,
  ``bernoulli(p)``;
* numbers may end in ``%``, ``K``, ``M``, ``B`` or ``T``.

Guesstimate draws 5,000 samples per metric (:data:`SAMPLES`); every metric is
sampled independently unless a function links them, as in dealvalue.
Sample data (``DATA`` metrics) and anything else are refused with a
:class:`~dealvalue.errors.PeerModelError` naming the metric.

Examples
--------
>>> from dealvalue import Model
>>> export = {"graph": {"metrics": [{"id": "a1", "readableId": "AB", "name": "Users"},
...                                 {"id": "b2", "readableId": "CD", "name": "Revenue"}],
...          "guesstimates": [{"metric": "a1", "input": "1K to 10K"},
...                           {"metric": "b2", "input": "=AB * 3", "guesstimateType": "FUNCTION"}]}}
>>> m = read(export, Model)
>>> [(c.name, c.formula) for c in m.cells]
[('users', 'to(1000, 10000)'), ('revenue', 'users * 3')]
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Callable

from ..cells import Cell
from ..distributions import number_text
from ..errors import DealValueError, PeerModelError
from ..stats import Z_90
from .squiggle import Expr, Parser, Token, constants, tokenize

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["read", "SAMPLES", "cell_names", "MAX_BYTES"]

#: Samples Guesstimate draws per metric.
SAMPLES = 5_000
MAX_BYTES = 5_000_000
_SUFFIX = {"%": 1e-2, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_NUMBER = r"\s*(-?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([%kKMBT]?)\s*"
_RANGE = re.compile(rf"^(?:{_NUMBER}to{_NUMBER}|\[{_NUMBER},{_NUMBER}\])$")
_POINT = re.compile(rf"^{_NUMBER}$")
_MATH = {"min": ("min", (1, 64)), "max": ("max", (1, 64)), "exp": ("exp", 1), "log": ("ln", 1), "sqrt": ("sqrt", 1),
         "abs": ("abs", 1), "floor": ("floor", 1), "ceil": ("ceil", 1), "round": ("round", 1)}
_SAMPLERS = {"normal": ("norm", 2), "lognormal": ("lognorm", 2), "uniform": ("uniform", 2), "triangular": ("triangular", 3),
             "pert": ("pert", 3), "beta": ("beta", 2), "bernoulli": ("bernoulli", 1)}
_REF = re.compile(r"\$\{metric:([A-Za-z0-9_-]+)\}")


def _value(number: str, suffix: str) -> float:
    return float(number.replace(",", "")) * _SUFFIX.get(suffix, 1.0)


def cell_names(metrics: list[dict[str, Any]]) -> dict[str, str]:
    """A cell name for each metric id: its name in lower case with ``_`` for
    anything not a letter or digit, made unique (``m_`` in front of one that
    would start with a digit or is empty)."""
    from ..formula import RESERVED

    out: dict[str, str] = {}
    used: set[str] = set()
    for metric in metrics:
        base = re.sub(r"[^a-z0-9]+", "_", str(metric.get("name") or metric.get("readableId") or "").lower()).strip("_")[:40]
        if not base or not base[0].isalpha() or base in RESERVED or base == "to":
            base = "m_" + base if base else "m"
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        out[str(metric["id"])] = name
    return out


def _function_expr(text: str, refs: dict[str, str], fail: Callable[[int, str], Exception]) -> str:
    """A Guesstimate function (without its ``=``) as formula text."""

    def resolve(t: Token) -> Expr:
        if t.text in refs:
            return Expr(refs[t.text])
        raise fail(t.offset, f"unknown metric {t.text!r} (known: {', '.join(sorted(k for k in refs if not k.startswith('ref_')))})")

    def math_fn(kind: str, count: Any) -> Callable[[Parser, list[Any], Token], Expr]:
        def build(p: Parser, args: list[Any], tok: Token) -> Expr:
            lo, hi = (count, count) if isinstance(count, int) else count
            if not lo <= len(args) <= hi or any(not isinstance(a, Expr) for a in args):
                raise p.fail(tok.offset, f"{tok.text}() takes {lo if lo == hi else f'{lo} to {hi}'} numbers")
            return Expr(f"{kind}({', '.join(a.text for a in args)})")
        return build

    def sampler(kind: str, count: int) -> Callable[[Parser, list[Any], Token], Expr]:
        def build(p: Parser, args: list[Any], tok: Token) -> Expr:
            return Expr(f"{kind}({', '.join(number_text(v) for v in constants(p, args, tok, count))})", literal=True)
        return build

    functions = {k: math_fn(*v) for k, v in _MATH.items()} | {k: sampler(*v) for k, v in _SAMPLERS.items()}
    # Guesstimate's suffixes: K (Squiggle's reader knows k), so spell numbers out first
    text = re.sub(r"(\d)K\b", r"\1k", text)
    p = Parser(tokenize(text, fail), fail, resolve, functions)
    value = p.expression()
    if p.peek().kind != "end":
        raise fail(p.peek().offset, f"unexpected {p.peek().text!r}")
    if value.const is not None:
        return number_text(value.const)
    return value.text


def _distribution(text: str, kind: str, fail: Callable[[int, str], Exception]) -> str:
    m = _RANGE.match(text)
    if m is None:
        raise fail(0, "expected a number, 'a to b', '[a, b]' or a function '=...'")
    g = [x for x in m.groups()]
    low = _value(g[0], g[1]) if g[0] is not None else _value(g[4], g[5])
    high = _value(g[2], g[3]) if g[2] is not None else _value(g[6], g[7])
    if not low < high:
        raise fail(0, f"expected low < high, got {number_text(low)} and {number_text(high)}")
    if kind == "UNIFORM":
        return f"uniform({number_text(low)}, {number_text(high)})"
    if kind == "LOGNORMAL" or (kind != "NORMAL" and low > 0):
        if low <= 0:
            raise fail(0, f"a lognormal needs positive ends, got {number_text(low)} to {number_text(high)}")
        return f"to({number_text(low)}, {number_text(high)})"
    return f"norm({number_text((low + high) / 2)}, {number_text((high - low) / (2 * Z_90))})"


def read(export: "str | bytes | dict[str, Any]", new_model: Callable[..., "Model"], name: str | None = None,
         path: str = "<guesstimate>") -> "Model":
    """Build a model from a Guesstimate export (see the module notes).

    Parameters
    ----------
    export
        The export's JSON text or the parsed JSON.
    new_model
        Makes the empty model: ``new_model(name, description=..., seed=...)``.
    name
        The model's name (default: the export's ``name``).
    path
        Names the export in errors.

    Returns
    -------
    Model
        One cell per metric, labelled with the metric's name.

    Raises
    ------
    PeerModelError
        A metric that cannot be read, named with the text and column.

    Examples
    --------
    The export's JSON text, with a forced uniform, a percentage and a
    function:

    >>> import json
    >>> from dealvalue import Model
    >>> export = json.dumps({"name": "pricing", "graph": {
    ...     "metrics": [{"id": "a1", "readableId": "AB", "name": "Price"}, {"id": "b2", "readableId": "CD", "name": "Share"},
    ...                 {"id": "c3", "readableId": "EF", "name": "Paid"}],
    ...     "guesstimates": [{"metric": "a1", "input": "[10, 20]", "guesstimateType": "UNIFORM"},
    ...                      {"metric": "b2", "input": "40%"},
    ...                      {"metric": "c3", "input": "=AB * CD", "guesstimateType": "FUNCTION"}]}})
    >>> m = read(export, Model)
    >>> m.name, [(c.name, c.formula) for c in m.cells], m.evaluate("paid")   # 15 * 0.4
    ('pricing', [('price', 'uniform(10, 20)'), ('share', '0.4'), ('paid', 'price * share')], 6.0)
    """
    if isinstance(export, (str, bytes)):
        if len(export) > MAX_BYTES:
            raise PeerModelError(path, 1, 1, f"the export is larger than {MAX_BYTES:,} bytes")
        try:
            data = json.loads(export)
        except ValueError as exc:
            line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
            raise PeerModelError(path, line, col, f"not JSON: {getattr(exc, 'msg', exc)}") from None
    else:
        data = export
    graph = data.get("graph", data) if isinstance(data, dict) else None
    if not isinstance(graph, dict) or not isinstance(graph.get("metrics"), list) or not isinstance(graph.get("guesstimates"), list):
        raise PeerModelError(path, 1, 1, "expected a Guesstimate export: a 'graph' with 'metrics' and 'guesstimates' lists")
    metrics = [m for m in graph["metrics"] if isinstance(m, dict) and "id" in m]
    if len(metrics) != len(graph["metrics"]):
        raise PeerModelError(path, 1, 1, "every metric needs an 'id'")
    names = cell_names(metrics)
    by_id = {str(m["id"]): m for m in metrics}
    refs = {str(m["readableId"]): names[str(m["id"])] for m in metrics if m.get("readableId")}
    stored = {f"ref_{i}": names[mid] for i, mid in enumerate(names)}
    slot = {mid: f"ref_{i}" for i, mid in enumerate(names)}
    cells: list[Cell] = []
    for g in graph["guesstimates"]:
        mid = str(g.get("metric", "")) if isinstance(g, dict) else ""
        if mid not in by_id:
            raise PeerModelError(path, 1, 1, f"a guesstimate names metric {mid!r}, which the export does not have")
        metric = by_id[mid]
        title = f"{path}: metric {metric.get('name') or mid!r}"
        kind = str(g.get("guesstimateType") or "").upper()
        text = str(g.get("input") if g.get("input") not in (None, "") else g.get("expression") or "").strip()
        stored_form = str(g.get("expression") or "")
        if kind == "FUNCTION" and stored_form.startswith("=") and "${metric:" in stored_form:
            text = stored_form

        def fail(offset: int, reason: str, source: str = text) -> PeerModelError:
            return PeerModelError(title, 1, offset + 1, reason, source)

        if kind == "DATA" or g.get("data"):
            raise fail(0, "sample data (a DATA metric) is not read; give it a range or a function")
        if not text:
            raise fail(0, "the metric has no value")
        if text.startswith("="):
            body = _REF.sub(lambda m: slot.get(m.group(1), "ref_unknown_" + m.group(1).replace("-", "_")), text[1:])

            def fail_fn(offset: int, reason: str) -> PeerModelError:
                return PeerModelError(title, 1, offset + 2, reason, "=" + body)

            formula = _function_expr(body, refs | stored, fail_fn)
        elif (point := _POINT.match(text)) is not None:
            formula = number_text(_value(point.group(1), point.group(2)))
        else:
            formula = _distribution(text, kind, fail)
        cells.append(Cell(names[mid], formula, label=str(metric.get("name") or ""), description=str(g.get("description") or "")))
    title = name or str(data.get("name") or "guesstimate model")
    model = new_model(title, description=str(data.get("description") or "read from a Guesstimate export"), seed=None)
    try:
        model.add_cells(cells)
    except DealValueError as exc:
        cell = getattr(exc, "cell", None) or getattr(exc, "name", None)
        metric_name = next((c.label for c in cells if c.name == cell), cell)
        raise PeerModelError(f"{path}: metric {metric_name!r}", 1, 1, str(exc)) from None
    return model
