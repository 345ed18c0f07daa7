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
from typing import TYPE_CHECKING, Any, Callable

from ..cells import Cell
from ..errors import DealValueError, ModelFileError
from .fileformat import (FIELDS, FORMAT, MAX_CELLS, MAX_FILE_BYTES, MAX_NESTING, PLAIN_TEXT, VERSION, Field, check_field,
                         check_strings, check_table, check_text, check_unknown, nesting, schema)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["save", "load", "to_dict", "from_dict", "dumps", "loads", "used_units", "FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_CELLS", "MAX_NESTING", "FIELDS", "Field", "schema", "PLAIN_TEXT"]

#: Builds an empty model: ``new_model(name, description=..., seed=...)`` (the Model class).
NewModel = Callable[..., "Model"]


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
    check_unknown(path, "", data, FIELDS)
    check_field(path, "format", data.get("format"), FIELDS["format"])
    check_strings(path, data, "")
    check_table(path, "", data, FIELDS)
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
    check_text(path, text, "<file>")  # before encoding: a lone surrogate cannot be encoded
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ModelFileError(path, "<file>", f"larger than {MAX_FILE_BYTES} bytes")
    tables = text.count("[[cells]]") + text.count("name =") // 2 if len(text) > 100_000 else 0
    if tables > 2 * MAX_CELLS:  # an upper bound before parsing; the exact count is checked after
        raise ModelFileError(path, "cells", f"more than {MAX_CELLS:,} cells; the limit is {MAX_CELLS:,}")
    if nesting(text) > MAX_NESTING:
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
