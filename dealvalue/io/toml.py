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

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["save", "load", "to_dict", "from_dict", "dumps", "loads", "used_units", "FORMAT", "VERSION", "MAX_FILE_BYTES", "MAX_CELLS", "MAX_NESTING"]

#: Builds an empty model: ``new_model(name, description=..., seed=...)`` (the Model class).
NewModel = Callable[..., "Model"]

FORMAT = "dealvalue-model"
VERSION = 1
MAX_FILE_BYTES = 2_000_000  # a model file's size (checked before reading it)
MAX_CELLS = 20_000  # cells in a model file (counted before parsing, and again after)
_TOP = {"format", "version", "name", "description", "seed", "units", "cells", "correlations"}
_CELL = {"name", "formula", "unit", "label", "description", "group", "bounds"}
_CORRELATION = {"a", "b", "rho"}
MAX_NESTING = 20  # brackets and tables nested in a model file (checked before parsing)


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
    for k, ch in enumerate(text):
        o = ord(ch)
        if o == 0 or 0xD800 <= o <= 0xDFFF or (o < 32 and ch not in "\n\t\r"):
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
    """The model as plain data, in the file's layout."""
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
    """The model file's text."""
    import tomli_w

    return tomli_w.dumps(to_dict(model))


def save(model: "Model", path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` atomically (a temporary file, then a rename)."""
    from .atomic import atomic_path

    text = dumps(model)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)


def _want(path: str, field: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ModelFileError(path, field, f"expected {what}, got {value!r}")
    return value


def from_dict(data: Any, path: str = "<model>", *, new_model: NewModel) -> "Model":
    """Build a model from plain data (as read from a file) with ``new_model``."""
    if not isinstance(data, dict):
        raise ModelFileError(path, "<top>", "expected a table of fields")
    unknown = set(data) - _TOP
    if unknown:
        raise ModelFileError(path, sorted(unknown)[0], f"unknown field; expected one of {', '.join(sorted(_TOP))}")
    if data.get("format") != FORMAT:
        raise ModelFileError(path, "format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    _check_strings(path, data, "")
    version = data.get("version")
    if isinstance(version, bool) or version != VERSION:
        raise ModelFileError(path, "version", f"this dealvalue reads version {VERSION}, got {version!r}")
    name = _want(path, "name", data.get("name", "model"), str, "text")
    description = _want(path, "description", data.get("description", ""), str, "text")
    seed = data.get("seed")
    if seed is not None:
        _want(path, "seed", seed, int, "a whole number")
        if seed < 0:
            raise ModelFileError(path, "seed", f"expected a whole number >= 0, got {seed}")
    units: list[tuple[str, str | None]] = []
    for i, u in enumerate(_want(path, "units", data.get("units", []), list, "a list of units")):
        field = f"units[{i}]"
        _want(path, field, u, dict, "a table with 'name' and optional 'definition'")
        uname = _want(path, field + ".name", u.get("name"), str, "a unit name")
        definition = u.get("definition")
        if definition is not None:
            _want(path, field + ".definition", definition, str, "text like '1000 microdoom'")
        units.append((uname, definition))
    cells = []
    seen: set[str] = set()
    entries = _want(path, "cells", data.get("cells", []), list, "a list of cells")
    if len(entries) > MAX_CELLS:
        raise ModelFileError(path, "cells", f"{len(entries):,} cells; the limit is {MAX_CELLS:,}")
    for i, c in enumerate(entries):
        field = f"cells[{i}]"
        _want(path, field, c, dict, "a table with 'name' and 'formula'")
        cname = _want(path, field + ".name", c.get("name"), str, "a cell name")
        field = f"cells.{cname}"
        unknown = set(c) - _CELL
        if unknown:
            raise ModelFileError(path, f"{field}.{sorted(unknown)[0]}", f"unknown field; expected one of {', '.join(sorted(_CELL))}")
        if cname in seen:
            raise ModelFileError(path, field, "the same cell name appears twice")
        seen.add(cname)
        formula = c.get("formula")
        if isinstance(formula, (int, float)) and not isinstance(formula, bool):
            formula = repr(formula) if isinstance(formula, float) else str(formula)
        _want(path, field + ".formula", formula, str, "formula text")
        bounds = c.get("bounds")
        if bounds is not None:
            if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)):
                raise ModelFileError(path, field + ".bounds", f"expected [low, high], got {bounds!r}")
            bounds = (float(bounds[0]), float(bounds[1]))
        for key in ("unit", "label", "description", "group"):
            if key in c:
                _want(path, f"{field}.{key}", c[key], str, "text")
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
    for i, entry in enumerate(_want(path, "correlations", data.get("correlations", []), list, "a list")):
        field = f"correlations[{i}]"
        _want(path, field, entry, dict, "a table with a, b and rho")
        unknown = set(entry) - _CORRELATION
        if unknown:
            raise ModelFileError(path, f"{field}.{sorted(unknown)[0]}", "unknown field; expected one of a, b, rho")
        for key in ("a", "b"):
            if key not in entry:
                raise ModelFileError(path, f"{field}.{key}", "missing; expected a cell name")
            _want(path, f"{field}.{key}", entry[key], str, "a cell name")
        if "rho" not in entry:
            raise ModelFileError(path, f"{field}.rho", "missing; expected a number from -1 to 1")
        _want(path, f"{field}.rho", entry["rho"], (int, float), "a number from -1 to 1")
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
    """Read a model from the file's text, built with ``new_model``."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ModelFileError(path, "<file>", f"larger than {MAX_FILE_BYTES} bytes")
    _check_text(path, text.replace("\n", " ").replace("\t", " ").replace("\r", " "), "<file>")
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
    """Read a model file, built with ``new_model``."""
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
