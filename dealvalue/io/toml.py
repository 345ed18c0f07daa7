"""Model files: a plain, versioned TOML format.

A file holds the model's name, description and seed, the user-defined units
it needs, its cells (formula text, unit, label, description, group, bounds)
and rank correlations.  Loading reads data only: formulas go through the safe
parser, nothing is imported or evaluated.  Every problem raises
:class:`~dealvalue.ModelFileError` naming the field.

The readers build the model they are handed the class of (``new_model``,
called as ``new_model(name, description=..., seed=...)``), so this module
sits below :mod:`dealvalue.model`: use :meth:`dealvalue.Model.load`,
:meth:`~dealvalue.Model.loads` and :meth:`~dealvalue.Model.save`.

Example file::

    format = "dealvalue-model"
    version = 1
    name = "evidence for cash"
    seed = 1

    [[cells]]
    name = "R"
    formula = "10 to 100"
    unit = "USD"
    label = "AI reservation price"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..cells import Cell
from ..errors import DealValueError, ModelFileError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["save", "load", "to_dict", "from_dict", "dumps", "loads", "used_units", "FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_CELLS", "MAX_NESTING", "FIELDS", "Field", "schema", "PLAIN_TEXT"]

#: Builds an empty model: ``new_model(name, description=..., seed=...)`` (the Model class).
NewModel = Callable[..., "Model"]

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


def _check_field(path: str, field: str, value: Any, spec: Field) -> None:
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
        raise ModelFileError(path, field, f"{spec.what}, got {_shown(value)}")
    if kind == "tables":
        assert spec.table is not None
        limit = globals()[spec.max_items] if spec.max_items else None
        if limit is not None and len(value) > limit:
            raise ModelFileError(path, field, f"{len(value):,} {field}; the limit is {limit:,}")
        for i, item in enumerate(value):
            where = f"{field}[{i}]"
            if not isinstance(item, dict):
                raise ModelFileError(path, where, f"{spec.item_what}, got {_shown(item)}")
            if spec.named and "name" in item:
                _check_field(path, where + ".name", item["name"], spec.table["name"])
                where = f"{field}.{item['name']}"
            _check_table(path, where, item, spec.table)


def _shown(value: Any) -> str:
    """A short repr of a refused value (bounded: deep nesting and huge integers have no repr)."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} too deep or too large to show"
    return text if len(text) <= 80 else text[:77] + "..."


def _check_unknown(path: str, prefix: str, data: dict[Any, Any], table: Mapping[str, Field]) -> None:
    unknown = [k for k in data if k not in table]
    if unknown:
        key = str(min(unknown, key=str))
        raise ModelFileError(path, f"{prefix}.{key}" if prefix else key,
                             f"unknown field; expected one of {', '.join(sorted(table))}")


def _check_table(path: str, prefix: str, data: dict[Any, Any], table: Mapping[str, Field]) -> None:
    """Unknown and missing fields, then each field's value (the checks :func:`schema` describes)."""
    _check_unknown(path, prefix, data, table)
    for key, spec in table.items():
        field = f"{prefix}.{key}" if prefix else key
        if key in data:
            _check_field(path, field, data[key], spec)
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


def _check_strings(path: str, value: Any, field: str) -> None:
    """Refuse NUL, other control characters and lone surrogates anywhere in the data, naming the field."""
    stack = [(value, field)]
    while stack:
        v, f = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str):
                    _check_text(path, k, f"{f}.{k}" if f else k)
                stack.append((x, f"{f}.{k}" if f else str(k)))
        elif isinstance(v, list):
            stack.extend((x, f"{f}[{i}]") for i, x in enumerate(v))
        elif isinstance(v, str):
            _check_text(path, v, f)


def _check_text(path: str, text: str, field: str) -> None:
    bad = _BAD_CHAR.search(text)
    if bad:
        k, o = bad.start(), ord(bad.group())
        what = "NUL" if o == 0 else ("a lone surrogate" if o >= 0xD800 else "a control character")
        raise ModelFileError(path, field or "<top>", f"contains {what} (U+{o:04X}) at character {k + 1}; "
                             "expected plain UTF-8 text")


def _nesting(text: str) -> int:
    """How deeply brackets and inline tables nest (an upper bound: quotes are not skipped)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest


def used_units(model: "Model") -> list[dict[str, str]]:
    """The user-defined units the model needs, as ``{"name", "definition"}``
    entries (definitions before the units defined from them)."""
    defined = model.unit_definitions
    used: set[str] = set()
    for name in model.names:
        used.update(str(k) for k in model.unit(name)._units)
        declared = model.cell(name).unit
        if declared:
            used.update(declared.replace("*", " ").replace("/", " ").split())
        used.update(tok for tok in model.cell(name).formula.replace("(", " ").replace(")", " ").split() if tok in defined)
    out: list[dict[str, str]] = []
    # definitions may refer to other user units: include them, earlier first
    pending = [u for u in defined if u in used]
    while pending:
        name = pending.pop(0)
        definition = defined[name]
        if definition:
            for other in definition.split()[1:]:
                if other in defined and other not in used:
                    used.add(other)
                    pending.append(other)
    for name, definition in defined.items():
        if name in used:
            out.append({"name": name} | ({"definition": definition} if definition else {}))
    return out


def to_dict(model: "Model") -> dict[str, Any]:
    """The model as plain data, in the file's layout.

    Parameters
    ----------
    model : Model
        The model.

    Returns
    -------
    dict
        ``format version name`` and, when set, ``description seed units``
        (the user-defined units the cells use), ``cells`` (one table per
        cell: ``name formula`` and the fields that are set) and
        ``correlations``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("evidence for cash", seed=1); m.add("R", "10 to 100", unit="USD")
    >>> to_dict(m)
    {'format': 'dealvalue-model', 'version': 1, 'name': 'evidence for cash', 'seed': 1, 'cells': [{'name': 'R', 'formula': '10 to 100', 'unit': 'USD'}]}
    """
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": model.name}
    if model.description:
        data["description"] = model.description
    if model.seed is not None:
        data["seed"] = int(model.seed)
    units = used_units(model)
    if units:
        data["units"] = units
    cells = []
    for c in model.cells:
        entry: dict[str, Any] = {"name": c.name, "formula": c.formula}
        if c.unit is not None:
            entry["unit"] = c.unit
        for key in ("label", "description", "group"):
            if getattr(c, key):
                entry[key] = getattr(c, key)
        if c.bounds is not None:
            entry["bounds"] = list(c.bounds)
        cells.append(entry)
    data["cells"] = cells
    if model.correlations:
        data["correlations"] = [{"a": a, "b": b, "rho": r} for (a, b), r in model.correlations.items()]
    return data


def dumps(model: "Model") -> str:
    """The model file's text.

    Parameters
    ----------
    model : Model
        The model.

    Returns
    -------
    str
        TOML text of :func:`to_dict`, which :func:`loads` reads back.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("evidence for cash"); m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / 0.5")
    >>> print(dumps(m))
    format = "dealvalue-model"
    version = 1
    name = "evidence for cash"
    cells = [
        { name = "R", formula = "10 to 100", unit = "USD" },
        { name = "ask", formula = "R / 0.5" },
    ]
    <BLANKLINE>
    """
    import tomli_w

    return tomli_w.dumps(to_dict(model))


def save(model: "Model", path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` atomically (a temporary file, then a rename).

    Parameters
    ----------
    model : Model
        The model.
    path : str or os.PathLike
        The file to write (replaced if it exists; its folder must exist).

    Raises
    ------
    OSError
        The file cannot be written; no partial file is left.

    Examples
    --------
    >>> import os, tempfile, dealvalue as dv
    >>> m = dv.Model("evidence for cash"); m.add("R", "10 to 100", unit="USD")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(m, os.path.join(folder, "m.toml"))
    ...     load(os.path.join(folder, "m.toml"), new_model=dv.Model).cell("R").unit
    'USD'
    """
    from .atomic import atomic_path

    text = dumps(model)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)


def from_dict(data: Any, path: str = "<model>", *, new_model: NewModel) -> "Model":
    """Build a model from plain data (as read from a file) with ``new_model``.
    The data is checked against :data:`FIELDS` (what :func:`schema` describes) first.

    Parameters
    ----------
    data : dict
        The file's data, as :func:`to_dict` writes it.
    path : str, default "<model>"
        Where the data came from, named in errors.
    new_model : callable
        Builds the empty model: ``new_model(name, description=...,
        seed=...)``, normally :class:`dealvalue.Model`.

    Returns
    -------
    Model
        The model, with its own units, cells and correlations.

    Raises
    ------
    dealvalue.ModelFileError
        Naming the file and the field: an unknown or missing field, a value
        of the wrong kind, a formula the parser refuses, a bad unit
        definition, a duplicate cell, a bad correlation.

    Examples
    --------
    >>> import dealvalue as dv
    >>> data = {"format": "dealvalue-model", "version": 1, "cells": [{"name": "x", "formula": "2", "colour": "red"}]}
    >>> from_dict(data, new_model=dv.Model)
    Traceback (most recent call last):
    ...
    dealvalue.errors.ModelFileError: <model>: field 'cells.x.colour': unknown field; expected one of bounds, description, formula, group, label, name, unit
    """
    if not isinstance(data, dict):
        raise ModelFileError(path, "<top>", "expected a table of fields")
    _check_unknown(path, "", data, FIELDS)
    _check_field(path, "format", data.get("format"), FIELDS["format"])
    _check_strings(path, data, "")
    _check_table(path, "", data, FIELDS)
    name, description, seed = data.get("name", "model"), data.get("description", ""), data.get("seed")
    units = [(u["name"], u.get("definition")) for u in data.get("units", [])]
    cells = []
    seen: set[str] = set()
    for c in data.get("cells", []):
        cname = c["name"]
        field = f"cells.{cname}"
        if cname in seen:
            raise ModelFileError(path, field, "the same cell name appears twice")
        seen.add(cname)
        formula = c["formula"]
        if not isinstance(formula, str):
            formula = repr(formula) if isinstance(formula, float) else str(formula)
        bounds = c.get("bounds")
        if bounds is not None:
            bounds = (float(bounds[0]), float(bounds[1]))
        try:
            cells.append(Cell(cname, formula, unit=c.get("unit"), label=c.get("label", ""),
                              description=c.get("description", ""), group=c.get("group", ""), bounds=bounds))
        except DealValueError as exc:
            raise ModelFileError(path, field, str(exc)) from None
    model = new_model(name, description=description, seed=seed)
    try:  # the model's own units: loading a file never changes another model's
        model.define_units(units)
    except DealValueError as exc:
        reason = str(exc)
        bad = next((i for i, (n, _) in enumerate(units) if repr(n) in reason), None)
        raise ModelFileError(path, "units" if bad is None else f"units[{bad}]", reason) from None
    try:
        model.add_cells(cells)
    except DealValueError as exc:
        cell = getattr(exc, "cell", None) or getattr(exc, "referenced_by", None) or getattr(exc, "name", None)
        raise ModelFileError(path, f"cells.{cell}" if cell else "cells", str(exc)) from None
    for i, entry in enumerate(data.get("correlations", [])):
        field = f"correlations[{i}]"
        try:
            model.correlate(entry["a"], entry["b"], entry["rho"])
        except KeyError as exc:
            raise ModelFileError(path, field, f"missing or unknown {exc}") from None
        except DealValueError as exc:
            raise ModelFileError(path, field, str(exc)) from None
    if model.correlations:
        from ..simulate import correlation_groups

        try:
            correlation_groups(model)
        except DealValueError as exc:
            raise ModelFileError(path, "correlations", getattr(exc, "reason", str(exc))) from None
    return model


def loads(text: str, path: str = "<model>", *, new_model: NewModel) -> "Model":
    """Read a model from the file's text, built with ``new_model``.

    The text's size and nesting are checked before it is parsed.

    Parameters
    ----------
    text : str
        The file's text (TOML).
    path : str, default "<model>"
        Where the text came from, named in errors.
    new_model : callable
        Builds the empty model: ``new_model(name, description=...,
        seed=...)``, normally :class:`dealvalue.Model`.

    Returns
    -------
    Model
        The model.

    Raises
    ------
    dealvalue.ModelFileError
        Naming the file and the field: an unknown or missing field, a value
        of the wrong kind, a formula the parser refuses, a bad unit
        definition, a duplicate cell, a bad correlation; text that is
        not TOML, over ``MAX_FILE_BYTES`` or nested deeper than
        ``MAX_NESTING``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("R", "90", unit="USD")
    >>> m2 = loads(dumps(m), new_model=dv.Model)
    >>> m2.evaluate("R"), str(m2.unit("R"))
    (90.0, 'USD')
    """
    if len(text) > MAX_FILE_BYTES:  # characters: a lower bound of the bytes, before anything is scanned
        raise ModelFileError(path, "<file>", f"larger than {MAX_FILE_BYTES} bytes")
    _check_text(path, text, "<file>")  # before encoding: a lone surrogate cannot be encoded
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ModelFileError(path, "<file>", f"larger than {MAX_FILE_BYTES} bytes")
    tables = text.count("[[cells]]") + text.count("name =") // 2 if len(text) > 100_000 else 0
    if tables > 2 * MAX_CELLS:  # an upper bound before parsing; the exact count is checked after
        raise ModelFileError(path, "cells", f"more than {MAX_CELLS:,} cells; the limit is {MAX_CELLS:,}")
    if _nesting(text) > MAX_NESTING:
        raise ModelFileError(path, "<file>", f"brackets or tables nested deeper than {MAX_NESTING}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelFileError(path, "<file>", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ModelFileError(path, "<file>", "nested too deeply to read") from None
    return from_dict(data, path, new_model=new_model)


def load(path: str | os.PathLike[str], *, new_model: NewModel) -> "Model":
    """Read a model file, built with ``new_model``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    new_model : callable
        Builds the empty model: ``new_model(name, description=...,
        seed=...)``, normally :class:`dealvalue.Model`.

    Returns
    -------
    Model
        The model.

    Raises
    ------
    dealvalue.ModelFileError
        Naming the file and the field: an unknown or missing field, a value
        of the wrong kind, a formula the parser refuses, a bad unit
        definition, a duplicate cell, a bad correlation; a file that cannot be read,
        is not UTF-8 or is over ``MAX_FILE_BYTES``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> from dealvalue import models
    >>> m = load(models.path("deal"), new_model=dv.Model)
    >>> m.name, "feasible" in m
    ('taxonomy deal model', True)
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(str(p), "<file>", f"larger than {MAX_FILE_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(str(p), "<file>", f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ModelFileError(str(p), "<file>", "not UTF-8 text") from None
    return loads(text, str(p), new_model=new_model)
