"""The model file format: its fields, the checks the loader makes of them, and
the JSON Schema made from the same table (:data:`FIELDS`).

:mod:`dealvalue.io.toml` reads and writes the files; this module says what a
file may hold.  Every refusal is a :class:`~dealvalue.ModelFileError` naming
the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import ModelFileError

__all__ = ["FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_CELLS", "MAX_NESTING", "MAX_SEED", "PLAIN_TEXT", "Field",
           "UNIT_FIELDS", "CELL_FIELDS", "CORRELATION_FIELDS", "FIELDS", "check_field", "check_table", "check_strings",
           "check_text", "check_unknown", "nesting", "shown", "schema"]

FORMAT = "dealvalue-model"
VERSION = 1
MAX_FILE_BYTES = 2_000_000  # a model file's size (checked before reading it)
MAX_CELLS = 20_000  # cells in a model file (counted before parsing, and again after)
MAX_NESTING = 20  # brackets and tables nested in a model file (checked before parsing)
MAX_SEED = 2**63 - 1  # a TOML integer

#: Characters no text in a model file may hold: NUL, other control characters, lone surrogates.
_BAD_CHARS = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uD800-\\uDFFF"
_BAD_CHAR = re.compile(f"[{_BAD_CHARS}]")
PLAIN_TEXT = f"^[^{_BAD_CHARS}]*$"  # the same rule as a JSON Schema pattern


@dataclass(frozen=True)
class Field:
    """One field of the model file format: what the loader checks and what :func:`schema` says.

    ``kind`` is one of ``text``, ``whole`` (an integer from ``minimum`` to ``maximum``), ``number``
    (int or float from ``minimum`` to ``maximum``), ``formula`` (text or a number), ``const``,
    ``bounds`` (``[low, high]``) or ``tables`` (a list of tables, each with the fields ``table``).
    ``what`` is what a refusal says was expected.
    """

    kind: str
    what: str
    doc: str
    required: bool = False
    const: Any = None
    minimum: float | None = None
    maximum: float | None = None
    table: "Mapping[str, Field] | None" = None
    item_what: str = ""
    max_items: str | None = None  # the name of the module constant bounding a list's length
    named: bool = False  # a list whose items are named by their 'name' in refusals: cells.R


_TEXT = "expected text"
UNIT_FIELDS: dict[str, Field] = {
    "name": Field("text", "expected a unit name", "the unit's name, e.g. doom ([A-Za-z][A-Za-z0-9_]{0,63}, no '__')",
                  required=True),
    "definition": Field("text", "expected text like '1000 microdoom'",
                        "a finite, non-zero factor of other units, e.g. '1000 microdoom'; omitted: a new base unit"),
}
CELL_FIELDS: dict[str, Field] = {
    "name": Field("text", "expected a cell name", "the cell's name: an identifier not starting with '_'", required=True),
    "formula": Field("formula", "expected formula text", "the formula (the safe formula language), or a number",
                     required=True),
    "unit": Field("text", _TEXT, "the declared unit, e.g. USD or MUSD/year"),
    "label": Field("text", _TEXT, "a short label"),
    "description": Field("text", _TEXT, "a longer description"),
    "group": Field("text", _TEXT, "a group name, for display"),
    "bounds": Field("bounds", "expected [low, high]", "a plausible range [low, high], for display and checks"),
}
CORRELATION_FIELDS: dict[str, Field] = {
    "a": Field("text", "expected a cell name", "an input cell", required=True),
    "b": Field("text", "expected a cell name", "another input cell", required=True),
    "rho": Field("number", "expected a number from -1 to 1", "the rank correlation", required=True, minimum=-1, maximum=1),
}
#: The model file format: the loader checks these fields and :func:`schema` describes them.
FIELDS: dict[str, Field] = {
    "format": Field("const", f"expected {FORMAT!r}", "always dealvalue-model", required=True, const=FORMAT),
    "version": Field("const", f"this dealvalue reads version {VERSION}", "the format's version", required=True,
                     const=VERSION),
    "name": Field("text", _TEXT, "the model's name (default 'model')"),
    "description": Field("text", _TEXT, "what the model is"),
    "seed": Field("whole", "expected a whole number >= 0", "the default seed of simulate", minimum=0, maximum=MAX_SEED),
    "units": Field("tables", "expected a list of units", "user-defined units, definitions before their uses",
                   table=UNIT_FIELDS, item_what="expected a table with 'name' and optional 'definition'"),
    "cells": Field("tables", "expected a list of cells", "the cells, in order", table=CELL_FIELDS,
                   item_what="expected a table with 'name' and 'formula'", max_items="MAX_CELLS", named=True),
    "correlations": Field("tables", "expected a list", "rank correlations between input cells",
                          table=CORRELATION_FIELDS, item_what="expected a table with a, b and rho"),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_field(path: str, field: str, value: Any, spec: Field) -> None:
    """Refuse ``value`` unless it is what ``spec`` says, naming ``field``."""
    kind = spec.kind
    if kind == "const":
        ok = type(value) is type(spec.const) and value == spec.const
    elif kind == "text":
        ok = isinstance(value, str)
    elif kind == "whole":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = _is_number(value)
    elif kind == "formula":
        ok = isinstance(value, str) or _is_number(value)
    elif kind == "bounds":
        ok = isinstance(value, list) and len(value) == 2 and all(_is_number(b) for b in value)
    elif kind == "tables":
        ok = isinstance(value, list)
    else:  # pragma: no cover - a mistake in FIELDS
        raise AssertionError(kind)
    if ok and kind in ("whole", "number"):
        ok = (spec.minimum is None or value >= spec.minimum) and (spec.maximum is None or value <= spec.maximum)
    if not ok:
        raise ModelFileError(path, field, f"{spec.what}, got {shown(value)}")
    if kind == "tables":
        assert spec.table is not None
        limit = globals()[spec.max_items] if spec.max_items else None
        if limit is not None and len(value) > limit:
            raise ModelFileError(path, field, f"{len(value):,} {field}; the limit is {limit:,}")
        for i, item in enumerate(value):
            where = f"{field}[{i}]"
            if not isinstance(item, dict):
                raise ModelFileError(path, where, f"{spec.item_what}, got {shown(item)}")
            if spec.named and "name" in item:
                check_field(path, where + ".name", item["name"], spec.table["name"])
                where = f"{field}.{item['name']}"
            check_table(path, where, item, spec.table)


def shown(value: Any) -> str:
    """A short repr of a refused value (bounded: deep nesting and huge integers have no repr)."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} too deep or too large to show"
    return text if len(text) <= 80 else text[:77] + "..."


def check_unknown(path: str, prefix: str, data: dict[Any, Any], table: Mapping[str, Field]) -> None:
    unknown = [k for k in data if k not in table]
    if unknown:
        key = str(min(unknown, key=str))
        raise ModelFileError(path, f"{prefix}.{key}" if prefix else key,
                             f"unknown field; expected one of {', '.join(sorted(table))}")


def check_table(path: str, prefix: str, data: dict[Any, Any], table: Mapping[str, Field]) -> None:
    """Unknown and missing fields, then each field's value (the checks :func:`schema` describes)."""
    check_unknown(path, prefix, data, table)
    for key, spec in table.items():
        field = f"{prefix}.{key}" if prefix else key
        if key in data:
            check_field(path, field, data[key], spec)
        elif spec.required:
            raise ModelFileError(path, field, f"missing; {spec.what}")


def _json(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"description": spec.doc}
    if spec.kind == "const":
        out |= {"type": "integer" if isinstance(spec.const, int) else "string", "const": spec.const}
    elif spec.kind == "text":
        out |= {"type": "string", "pattern": PLAIN_TEXT}
    elif spec.kind in ("whole", "number"):
        out["type"] = "integer" if spec.kind == "whole" else "number"
        out |= {k: v for k, v in (("minimum", spec.minimum), ("maximum", spec.maximum)) if v is not None}
    elif spec.kind == "formula":
        out |= {"type": ["string", "number"], "pattern": PLAIN_TEXT}
    elif spec.kind == "bounds":
        out |= {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    else:
        assert spec.table is not None
        out |= {"type": "array", "items": _json_table(spec.table)}
        if spec.max_items:
            out["maxItems"] = globals()[spec.max_items]
    return out


def _json_table(table: Mapping[str, Field]) -> dict[str, Any]:
    return {"type": "object", "properties": {k: _json(f) for k, f in table.items()},
            "required": [k for k, f in table.items() if f.required], "additionalProperties": False}


def schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the model file's data, made from :data:`FIELDS`,
    the table the loader checks.  The loader also checks what a schema cannot say: the
    file's size and nesting, formulas, unit definitions, duplicate names, correlations.

    Returns
    -------
    dict
        The schema as plain data (``dealvalue schema`` writes it as JSON).

    Examples
    --------
    >>> s = schema()
    >>> s["required"], sorted(s["properties"])[:4]
    (['format', 'version'], ['cells', 'correlations', 'description', 'format'])
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"dealvalue model file ({FORMAT}, version {VERSION})",
        "description": ("The data of a dealvalue model file (TOML), as the loader checks it "
                        "(generated from dealvalue.io.toml.FIELDS by `dealvalue schema`). The loader also refuses "
                        f"files over {MAX_FILE_BYTES:,} bytes or nested deeper than {MAX_NESTING}, formulas the "
                        "formula language refuses, bad unit definitions, duplicate cell names and correlations "
                        "that are not positive definite."),
        **_json_table(FIELDS),
    }


def check_strings(path: str, value: Any, field: str) -> None:
    """Refuse NUL, other control characters and lone surrogates anywhere in the data, naming the field."""
    stack = [(value, field)]
    while stack:
        v, f = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str):
                    check_text(path, k, f"{f}.{k}" if f else k)
                stack.append((x, f"{f}.{k}" if f else str(k)))
        elif isinstance(v, list):
            stack.extend((x, f"{f}[{i}]") for i, x in enumerate(v))
        elif isinstance(v, str):
            check_text(path, v, f)


def check_text(path: str, text: str, field: str) -> None:
    bad = _BAD_CHAR.search(text)
    if bad:
        k, o = bad.start(), ord(bad.group())
        what = "NUL" if o == 0 else ("a lone surrogate" if o >= 0xD800 else "a control character")
        raise ModelFileError(path, field or "<top>", f"contains {what} (U+{o:04X}) at character {k + 1}; "
                             "expected plain UTF-8 text")


def nesting(text: str) -> int:
    """How deeply brackets and inline tables nest (an upper bound: quotes are not skipped)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest
