"""Reading a dealvalue workbook back: :func:`read`.

The model is rebuilt from the ``formula (dealvalue)`` texts, then the
analyst's edits on the Inputs sheet (parameters, point values typed over,
rank correlations) are applied.  Every refusal names the sheet cell it
comes from.  The reader builds models through a factory it is given, so it
needs nothing above it in the package.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ... import distributions as D
from ...errors import ArgumentTypeError, DealValueError, ExcelError, FormulaError
from .draws import FIXED
from .limits import MAX_SHEET_CELLS, check_workbook
from .layout import (
    C_BOUNDS, C_DESC, C_FORMULA, C_GROUP, C_KIND, C_LABEL, C_NAME, C_NUM, C_P1, C_POINT, C_UNIT, C_USRC, C_XNAME,
    FORMAT, M_BOUNDS, M_DESC, M_FORMULA, M_GROUP, M_VALUE, PARAMS, SIM_HEADER_ROW, SIMPLE, T_CORR, T_HOWTO, T_INPUTS, T_LEAVES,
    T_MODEL, T_NEW, T_UNITS, plan, ref,
)

if TYPE_CHECKING:  # pragma: no cover
    from ...model import Model

    #: makes an empty model: (name, description, seed) -> Model
    NewModel = Callable[[str, str, int | None], Model]

__all__ = ["read"]


def _literal_spans(text: str, cell: str) -> list[tuple[int, int]]:
    """Character spans of the distribution literals in a formula, in the
    order the parser numbers them (``cell__1``, ``cell__2``, ...)."""
    import ast

    from ...formula import DIST_FUNCTIONS, INTERNAL_PREFIX, syntax_tree

    tree, src, origin = syntax_tree(text, cell, lambda name: False)
    found: list[ast.AST] = []

    def is_dist(node: ast.AST) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.LShift):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id.removeprefix(INTERNAL_PREFIX)
            return name in DIST_FUNCTIONS
        return False

    def walk(node: ast.AST) -> None:
        if is_dist(node):
            found.append(node)
            return
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    spans = []
    for node in found:
        a = origin[node.col_offset]  # type: ignore[attr-defined]
        end = node.end_col_offset  # type: ignore[attr-defined]
        b = origin[end] if end < len(origin) - 1 else len(text)
        spans.append((a, len(text[:b].rstrip())))
    return sorted(spans)


class _Sheet:
    """A worksheet read twice: formulas as written, values as last computed
    (rows held in memory; 1-based access)."""

    def __init__(self, f: Any, v: Any) -> None:
        self.title = str(f.title)
        self._f = self._rows(f)
        self._v = self._rows(v)
        self.max_row = len(self._f)

    def _rows(self, ws: Any) -> list[list[Any]]:
        """The rows, counting cells as they come (a sheet's dimension may lie)."""
        rows: list[list[Any]] = []
        cells = 0
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_SHEET_CELLS:
                raise ExcelError(f"sheet {self.title!r}", cells, f"more than {MAX_SHEET_CELLS:,} cells")
            rows.append(list(row))
        return rows

    @staticmethod
    def _at(rows: list[list[Any]], r: int, c: int) -> Any:
        if 1 <= r <= len(rows) and 1 <= c <= len(rows[r - 1]):
            return rows[r - 1][c - 1]
        return None

    def formula(self, r: int, c: int) -> Any:
        return self._at(self._f, r, c)

    def value(self, r: int, c: int) -> Any:
        return self._at(self._v, r, c)

    def number(self, r: int, c: int, what: str) -> float:
        raw = self.formula(r, c)
        where = f"{self.title}!{ref(r, c)} ({what})"
        if isinstance(raw, str) and raw.startswith("="):
            raw = self.value(r, c)
            if raw is None:
                raise ExcelError(where, self.formula(r, c), "is a formula with no saved value; open and save the workbook in a spreadsheet first")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ExcelError(where, raw, "expected a number")
        if not math.isfinite(raw):
            raise ExcelError(where, raw, "expected a finite number")
        return float(raw)

    def text(self, r: int, c: int) -> str:
        v = self.formula(r, c)
        if v is None:
            return ""
        return v if isinstance(v, str) else str(v)


def _find(sheet: _Sheet, title: str, start: int = 1) -> int | None:
    for r in range(start, sheet.max_row + 1):
        if sheet.formula(r, 1) == title:
            return r
    return None


def _table_rows(sheet: _Sheet, title_row: int) -> list[int]:
    rows = []
    r = title_row + 2
    while r <= sheet.max_row and sheet.formula(r, C_NAME) not in (None, ""):
        rows.append(r)
        r += 1
    return rows


def _unit_rows(about: "_Sheet") -> list[tuple[int, str, str | None]]:
    """The units listed on the About sheet (the writer's units table): (row, name, definition)."""
    title = _find(about, T_UNITS)
    if title is None:
        return []
    out: list[tuple[int, str, str | None]] = []
    r = title + 2
    while r <= about.max_row and about.text(r, 1) not in ("", "(none)"):
        out.append((r, about.text(r, 1).strip(), about.text(r, 2).strip() or None))
        r += 1
    return out


def _define_units(model: "Model", rows: list[tuple[int, str, str | None]]) -> None:
    """Define the About sheet's units on ``model`` (its own units, no other model's)."""
    try:
        model.define_units([(name, definition) for _, name, definition in rows])
    except DealValueError as exc:
        reason = str(exc)
        r, name, definition = next((row for row in rows if repr(row[1]) in reason), rows[0])
        raise ExcelError(f"About!{ref(r, 1)} (unit {name!r})", definition or name, reason) from None



def _named_cells(wb: Any) -> dict[tuple[str, str], str]:
    """The workbook's defined names by the cell they point to: (sheet, ``A1``) -> name."""
    out: dict[tuple[str, str], str] = {}
    for dn_name, dn in wb.defined_names.items():
        try:
            for sheet, coord in dn.destinations:
                out[(sheet.strip("'"), coord.replace("$", ""))] = dn_name
        except Exception:  # a name that is a formula or a broken reference: not a row of ours
            continue
    return out


def _refuse_unnamed_rows(named: Mapping[tuple[str, str], str], sheet: _Sheet, rows: list[int], col: int) -> None:
    """A row of the Inputs or Model table that the workbook cannot compute: a
    row typed in by an analyst has no defined name (formulas that use it show
    #NAME?) and no Simulation column, so reading it back would make the model
    and the workbook disagree.  Refused, naming the row and where new inputs go."""
    from .printer import cell_name

    for r in rows:
        name = sheet.text(r, C_NAME)
        dn = named.get((sheet.title, ref(r, col)))
        if dn is None:
            raise ExcelError(
                f"{sheet.title}!{ref(r, C_NAME)} ({name}, added row)", name,
                f"this row has no defined name in the workbook, so a formula that uses {name!r} shows #NAME? and the "
                f"Simulation sheet does not draw it; cells are added in Python ('{T_NEW}' on the Inputs sheet): "
                f"delete the row, read the workbook with dv.read_excel, call model.add({name!r}, ...) and export again")
        if cell_name(dn) != name:
            raise ExcelError(
                f"{sheet.title}!{ref(r, C_NAME)} (name)", name,
                f"this row's defined name {dn} stands for {cell_name(dn)!r}; cells are renamed in Python "
                f"(read the workbook with the name {cell_name(dn)!r}, rename it in the model and export again)")


def _parse_bounds(text: str, where: str) -> tuple[float, float] | None:
    if not text.strip():
        return None
    parts = text.split(",")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise ExcelError(where, text, "expected bounds as 'low, high'") from None
    return (lo, hi)


def _literal_text(dist: D.Distribution, unit: Any) -> str:
    text = dist.formula()
    return text if unit.dimensionless else f"({text}) * 1 {unit}"


def _constant_text(x: float, unit: Any) -> str:
    from ...cells import formula_text

    text = formula_text(x, "constant")
    if unit.dimensionless:
        return text if x >= 0 else f"({text})"
    return f"{text} {unit}" if x >= 0 else f"(-{formula_text(-x, 'constant')} {unit})"


FORMULA_POLICIES = ("error", "text")


def read(path: str | os.PathLike[str], new_model: "NewModel", mismatch: str = "error") -> "Model":
    """Read a workbook written by :func:`~dealvalue.io.excel.writer.to_excel` back into a model.

    The model is rebuilt from each cell's ``formula (dealvalue)`` text and
    then the analyst's edits on the Inputs sheet are applied: changed
    distribution parameters (or a changed distribution name), point values
    typed over with a number (that input or literal becomes a constant) and
    changed rank correlations.  Formula cells take their ``formula
    (dealvalue)`` text, so an edited text comes back too; Excel formulas
    themselves are not read.  Parameters that are formulas are read at
    their values as last saved by a spreadsheet.

    Parameters
    ----------
    path
        The workbook (``.xlsx``).
    mismatch
        ``"error"`` (default): every formula cell whose Excel formula is not
        the one its ``formula (dealvalue)`` text prints to is an error,
        naming the cell; ``"text"``: the ``formula (dealvalue)`` texts win.
    new_model
        Makes an empty model: ``new_model(name, description, seed)``, e.g.
        the class :class:`~dealvalue.Model` itself (this module does not
        import it: the model facade sits above the readers).

    Returns
    -------
    Model
        What ``new_model`` made, with the workbook's cells and correlations.
        Its units, if the About sheet lists user-defined ones, are defined
        first.

    Raises
    ------
    ExcelError
        A file that is not a dealvalue workbook, or an edit that cannot be
        read, named by its sheet cell (``Inputs!I7 (p, parameter a)``).
        A row typed into the Inputs or Model table (it has no defined name,
        so the workbook cannot compute it): ``Inputs!B9 (bonus, added row)``.
        A formula cell whose Excel formula (``Model`` sheet, ``value``) and
        ``formula (dealvalue)`` text disagree, unless ``mismatch="text"``
        (see :func:`formula_differences`).
    ArgumentTypeError
        ``new_model`` that is not callable.

    Examples
    --------
    >>> import dealvalue as dv, os, tempfile
    >>> m = dv.Model("demo", seed=1)
    >>> m.add("R", "10 to 100", unit="USD"); m.add("c", "beta(8, 2)"); m.add("ask", "R / c")
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
    >>> from dealvalue.io.excel import to_excel
    >>> to_excel(m, path, m.simulate(n=1000, seed=1), sim_rows=50)
    >>> back = read(path, dv.Model)
    >>> back.cell("ask").formula, back.distribution("c")
    ('R / c', Beta(a=8.0, b=2.0))
    """
    import openpyxl

    from ...cells import Cell
    from ...formula import parse
    from ...units import using

    if not callable(new_model):
        raise ArgumentTypeError("new_model", new_model, "a callable (name, description, seed) -> an empty model")

    p = Path(path)
    check_workbook(p)  # sizes from the zip directory, before any XML is parsed
    try:
        wb_f = openpyxl.load_workbook(p, data_only=False, read_only=True)
        wb_v = openpyxl.load_workbook(p, data_only=True, read_only=True)
    except (OSError, KeyError, ValueError, Exception) as exc:  # openpyxl raises many kinds for a bad file
        raise ExcelError(str(p), str(p), f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    for title in ("About", "Inputs", "Model"):
        if title not in wb_f.sheetnames:
            raise ExcelError(str(p), wb_f.sheetnames, f"has no {title!r} sheet; is it a dealvalue workbook?")
    try:
        about, inp, mod = (_Sheet(wb_f[t], wb_v[t]) for t in ("About", "Inputs", "Model"))
        sim_head = ([list(row) for row in wb_f["Simulation"].iter_rows(
            min_row=SIM_HEADER_ROW, max_row=SIM_HEADER_ROW + 1, values_only=True)] if "Simulation" in wb_f.sheetnames else [])
    except DealValueError:
        raise
    except Exception as exc:  # truncated or garbled sheet XML (ParseError), a broken zip member, ...
        raise ExcelError(str(p), str(p), f"cannot read the workbook's sheets ({type(exc).__name__}: {exc})") from None
    finally:
        wb_f.close()
        wb_v.close()
    named = _named_cells(wb_f)
    meta_end = _find(about, T_HOWTO) or about.max_row + 1  # the key-value rows end at the how-to section
    meta = {about.text(r, 1): about.formula(r, 2) for r in range(3, meta_end)}
    if meta.get("format") != FORMAT:
        raise ExcelError(f"{p}: About!format", meta.get("format"), f"expected {FORMAT!r}")
    seed = meta.get("model seed")
    unit_rows = _unit_rows(about)

    # 1. the model as exported, from the formula texts
    cells: list[tuple[float, Cell]] = []
    input_rows = _table_rows(inp, _find(inp, T_INPUTS) or 0) if _find(inp, T_INPUTS) else []
    model_title = _find(mod, T_MODEL)
    model_rows = _table_rows(mod, model_title) if model_title else []
    _refuse_unnamed_rows(named, inp, input_rows, C_POINT)
    _refuse_unnamed_rows(named, mod, model_rows, M_VALUE)

    registry: list[Any] = [None]  # the model's unit registry, once it exists
    where_is: dict[str, tuple[_Sheet, int, int]] = {}  # cell -> its sheet, row and formula column

    def located(exc: DealValueError, fallback: str, value: Any, texts: Mapping[str, str] | None = None) -> ExcelError:
        """An error of the model built from the sheets, at the sheet cell it
        comes from (``texts``: the formulas as edited, when they differ from the sheet's)."""
        from ...errors import UnitMismatchError
        from ...units import parse_unit

        cycle = getattr(exc, "cycle", None)
        cname = (getattr(exc, "cell", None) or getattr(exc, "referenced_by", None) or getattr(exc, "name", None)
                 or (cycle[0] if cycle else None))
        if not isinstance(cname, str) or cname not in where_is:
            return ExcelError(fallback, value, str(exc))
        sheet, r, fcol = where_is[cname]
        unit_text = sheet.text(r, C_UNIT) if sheet.text(r, C_USRC) == "declared" else ""
        bad_unit = False
        if unit_text and isinstance(exc, UnitMismatchError):
            try:
                parse_unit(unit_text, None, registry[0])
            except DealValueError:
                bad_unit = True
        if bad_unit:
            return ExcelError(f"{sheet.title}!{ref(r, C_UNIT)} ({cname}, unit)", unit_text, str(exc))
        text = texts[cname] if texts and cname in texts else sheet.text(r, fcol)
        return ExcelError(f"{sheet.title}!{ref(r, fcol)} ({cname}, formula)", text, str(exc))

    def make_cell(sheet: _Sheet, r: int, formula_col: int, desc: int, group: int, bounds: int) -> tuple[float, Cell]:
        name = sheet.text(r, C_NAME)
        where_is.setdefault(name, (sheet, r, formula_col))
        unit = sheet.text(r, C_UNIT) if sheet.text(r, C_USRC) == "declared" else None
        try:
            cell = Cell(name, sheet.text(r, formula_col), unit=unit, label=sheet.text(r, C_LABEL),
                        description=sheet.text(r, desc), group=sheet.text(r, group),
                        bounds=_parse_bounds(sheet.text(r, bounds), f"{sheet.title}!{ref(r, bounds)}"))
        except ExcelError:
            raise
        except DealValueError as exc:
            if isinstance(exc, FormulaError) or getattr(exc, "cell", None) == name:
                raise located(exc, "", name) from None
            raise ExcelError(f"{sheet.title}!{ref(r, C_NAME)}", name, str(exc)) from None
        num = sheet.formula(r, C_NUM)
        return (float(num) if isinstance(num, (int, float)) else float("inf")), cell

    for r in input_rows:
        cells.append(make_cell(inp, r, C_FORMULA, C_DESC, C_GROUP, C_BOUNDS))
    for r in model_rows:
        cells.append(make_cell(mod, r, M_FORMULA, M_DESC, M_GROUP, M_BOUNDS))
    cells.sort(key=lambda t: t[0])
    name = str(meta.get("model") or "model")
    description = str(meta.get("description") or "")
    orig = new_model(name, description, int(seed) if isinstance(seed, (int, float)) else None)
    _define_units(orig, unit_rows)
    registry[0] = orig.unit_registry
    try:
        orig.add_cells([c for _, c in cells])
    except DealValueError as exc:
        raise located(exc, f"{p}: formulas", name) from None
    if mismatch not in FORMULA_POLICIES:
        raise ExcelError("mismatch", mismatch, f"expected one of {', '.join(FORMULA_POLICIES)}")
    if mismatch == "error":
        from .simcheck import simulation_differences

        found = formula_differences(mod, model_rows, orig) or simulation_differences(sim_head, orig)
        if found:
            raise ExcelError(found[0][0], found[0][1], f"{found[0][2]}" + (
                f"; {len(found) - 1} more: " + ", ".join(w for w, _, _ in found[1:]) if len(found) > 1 else ""))
    compiled = orig.compile()
    points = orig.point_values()

    # 2. the analyst's edits
    formulas = {c.name: c.formula for _, c in cells}
    units = {c.name: c.unit for _, c in cells}

    def edited_distribution(r: int, current: D.Distribution) -> D.Distribution:
        row_name = inp.text(r, C_NAME)
        raw = inp.formula(r, C_KIND)
        kind = inp.text(r, C_KIND).strip().lower()
        if kind not in SIMPLE:
            raise ExcelError(f"Inputs!{ref(r, C_KIND)} ({row_name}, distribution)", raw,
                             f"unknown distribution; expected one of {', '.join(SIMPLE)}")
        params = [inp.number(r, C_P1 + j, f"{row_name}, parameter {PARAMS[kind][j]}") for j in range(len(PARAMS[kind]))]
        try:
            return D.make(kind, params)
        except DealValueError as exc:
            raise ExcelError(f"Inputs!{ref(r, C_P1)} ({row_name})", params, str(exc)) from None

    def unchanged_kind(r: int, kind: str) -> None:
        """A row whose distribution cannot be edited here must keep its kind."""
        raw = inp.formula(r, C_KIND)
        if inp.text(r, C_KIND).strip().lower() != kind:
            raise ExcelError(f"Inputs!{ref(r, C_KIND)} ({inp.text(r, C_NAME)}, distribution)", raw,
                             f"a {kind} row's distribution cannot be changed on the Inputs sheet; expected {kind!r} "
                             "(edit the formula text on a copy of the model instead, or type a number over the point value)")

    def typed_over(r: int) -> float | None:
        raw = inp.formula(r, C_POINT)
        if isinstance(raw, str) and raw.startswith("="):
            return None
        return inp.number(r, C_POINT, f"{inp.text(r, C_NAME)}, point value")

    def declare(cname: str) -> None:
        from ...units import unit_text

        if units[cname] is None and not orig.unit(cname).dimensionless:
            units[cname] = unit_text(orig.unit(cname))

    plan_inputs, _, _ = plan(orig)
    exported_kind = {row.name: row.kind for row in plan_inputs}  # as written, before any edit
    replaced: set[str] = set()  # inputs that became constants
    for r in input_rows:
        cname = inp.text(r, C_NAME)
        kind = exported_kind.get(cname)
        if kind is None:  # its formula text now names other cells: a formula cell, nothing to edit here
            continue
        value = typed_over(r)
        if kind in ("constant", "formula", *FIXED):
            unchanged_kind(r, kind)
        if kind == "constant":
            if value is not None and value != points[cname]:
                declare(cname)
                formulas[cname] = _constant_text(value, _dimless())
            continue
        if value is not None:  # a point value typed over: a constant now
            declare(cname)
            formulas[cname] = _constant_text(value, _dimless())
            replaced.add(cname)
            continue
        dist = orig.distribution(cname)
        if dist is not None and dist.kind in SIMPLE:
            new = edited_distribution(r, dist)
            if new != dist:
                declare(cname)
                formulas[cname] = new.formula()

    leaves_title = _find(inp, T_LEAVES)
    edits: dict[str, dict[int, str]] = {}
    expected: dict[str, dict[int, D.Distribution | None]] = {}  # literal k -> its distribution (None: a number now)
    for r in (_table_rows(inp, leaves_title) if leaves_title else []):
        leaf = inp.text(r, C_NAME)
        if leaf not in compiled.leaf_owner:
            raise ExcelError(f"Inputs!{ref(r, C_NAME)}", leaf, "is not a distribution literal of the model")
        owner = compiled.leaf_owner[leaf]
        if owner in replaced:
            continue
        k = int(leaf.rpartition("__")[2])
        dist = compiled.leaves[leaf]
        spans = _literal_spans(orig.cell(owner).formula, owner)
        a, b = spans[k - 1]
        with using(orig.unit_registry):
            lit_unit = parse(orig.cell(owner).formula[a:b], units={}, cell=owner).unit
        value = typed_over(r)
        if value is not None:
            edits.setdefault(owner, {})[k] = _constant_text(value, lit_unit)
            expected.setdefault(owner, {})[k] = None
            continue
        if dist.kind in FIXED:
            unchanged_kind(r, dist.kind)
        new = edited_distribution(r, dist) if dist.kind in SIMPLE else dist
        if new != dist:
            edits.setdefault(owner, {})[k] = _literal_text(new, lit_unit)
        expected.setdefault(owner, {})[k] = new
    for owner, changes in edits.items():
        text = orig.cell(owner).formula
        spans = _literal_spans(text, owner)
        for k in sorted(changes, reverse=True):
            a, b = spans[k - 1]
            text = text[:a] + changes[k] + text[b:]
        formulas[owner] = text

    corr: dict[tuple[str, str], float] = {}
    corr_title = _find(inp, T_CORR)
    if corr_title:
        r = corr_title + 2
        while inp.formula(r, C_NAME) not in (None, "", "(none)") and r <= inp.max_row:
            first, second = inp.text(r, C_NAME), inp.text(r, C_XNAME)
            if first.startswith("A changed rho"):
                break
            corr[(first, second)] = inp.number(r, C_LABEL, f"rho of {first} and {second}")
            r += 1

    from dataclasses import replace

    model = new_model(name, description, orig.seed)
    _define_units(model, unit_rows)
    try:
        model.add_cells([replace(c, formula=formulas[c.name], unit=units[c.name]) for _, c in cells])
        for (first, second), rho in corr.items():
            if first not in replaced and second not in replaced:  # a constant has nothing to correlate
                model.correlate(first, second, rho)
    except DealValueError as exc:
        raise located(exc, f"{p}: edited inputs", name, formulas) from None
    leaves = model.compile().leaves
    for owner in edits:  # each literal came back as it was edited, in its place
        want = [d for _, d in sorted(expected[owner].items()) if d is not None]
        got = [leaves.get(f"{owner}__{j}") for j in range(1, len(want) + 1)]
        if got != want:
            raise ExcelError(f"cell {owner!r}", formulas[owner], "the edited distribution literals did not come back as edited")
    return model


def _normal(text: str) -> str:
    return text.removeprefix("=").replace("_xlfn.", "").replace("$", "").replace(" ", "").upper()


def formula_differences(sheet: _Sheet, rows: list[int], model: "Model") -> list[tuple[str, Any, str]]:
    """Every Model-sheet row whose Excel formula is not what its ``formula (dealvalue)``
    text prints to: (sheet cell, the Excel formula, what is wrong).

    An edited Excel formula is not translated back: it is reported with its
    cell, and so is an edited ``formula (dealvalue)`` text whose Excel formula
    was left as exported; make the two agree (or read with ``mismatch="text"``).
    """
    from .printer import excel_formula
    from .translate import from_excel, same_formula

    _, _, symbols = plan(model)
    out = []
    for r in rows:
        name = sheet.text(r, C_NAME)
        if name not in model or model.is_input(name):
            continue
        want = excel_formula(model.parsed(name).expr, symbols, name)
        got = sheet.formula(r, M_VALUE)
        if isinstance(got, str) and _normal(got) == _normal(want):
            continue
        if isinstance(got, str) and got.startswith("="):
            try:
                _, expr = from_excel(got, {x: n for n, x in symbols.items()})
            except ExcelError:
                expr = None
            if expr is not None and same_formula(expr, model.parsed(name).expr):
                continue
        where = f"{sheet.title}!{ref(r, M_VALUE)} ({name}, Excel formula)"
        out.append((where, got, f"differs from its formula (dealvalue) text {sheet.text(r, M_FORMULA)!r} "
                    f"(Excel: ={want}); edit the text and the Excel formula alike, or read with mismatch='text' "
                    "to take the texts"))
    return out


def _dimless() -> Any:
    from ...units import shared

    return shared().dimensionless

