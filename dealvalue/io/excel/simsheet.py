"""The Simulation sheet: a reproducible live Monte Carlo in plain Excel.

Each distribution (an input, or a literal inside a formula) has a column of
uniforms written as *values*, drawn from the model's seed
(:func:`uniforms`), so every opening shows the same statistics and Python
can recompute them from the same numbers.  The draws are inverse CDFs of
those uniforms with the Inputs sheet's live kind and parameters; the
``fresh_draw`` cell (0 or 1) switches every uniform to ``RAND()`` for a new
draw.  Every formula column is one shared formula, and every cell carries the
value the library computed for it (:mod:`.cache`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Mapping
from xml.sax.saxutils import escape

import numpy as np

from ... import distributions as D
from .cache import Cache, RowBlock, column_cells, join_rows, number_texts, value_xml
from .draws import excel_number, kind_ppf_text, mixture_draw, mixture_ppf_text, number_ppf_text
from .formats import CellFormat
from .layout import (
    C_KIND, C_P1, C_POINT, PRINT_ROWS, SIM_HEADER_ROW, SIM_STATS, SIM_SWITCH_ROW, SIMPLE, InputRow, col_letter, ref,
)
from .printer import excel_forbids, excel_formula
from .style import (
    POINT_FILL, bold, fill, note_rows, print_block, put, put_formula, put_text, put_title, set_widths, style_header,
)

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook import Workbook

    from ...model import Model

__all__ = ["simulation_sheet", "uniforms", "sim_statistics", "STAT_PREFIX", "SWITCH_NAME"]

ROW = "\x00"  # stands for the row number in a formula template
SWITCH_NAME = "fresh_draw"
#: statistic -> the prefix of its defined name (``mean_ask``; an indicator's mean is also ``P_feasible``)
STAT_PREFIX = {"mean": "mean_", "sd": "sd_", "p5": "p5_", "p50": "p50_", "p95": "p95_"}


def uniforms(seed: int, stream: str, n: int) -> np.ndarray:
    """The ``n`` uniforms of one stream of the Simulation sheet: a function of the
    seed and the stream's name only (the stream is ``u <leaf>`` for a literal,
    ``pick <leaf>`` for a mixture's component, ``z <cell>`` for a correlated input).

    >>> bool((uniforms(1, "u x__1", 3) == uniforms(1, "u x__1", 5)[:3]).all())
    True
    """
    from ...blocks import block_rng

    u = block_rng(seed, "excel " + stream, 0).random(n)
    return np.clip(u, 1e-12, 1 - 1e-12)


def sim_statistics(x: np.ndarray) -> dict[str, float]:
    """The statistics rows as Excel computes them (AGGREGATE ignores errors): mean,
    sd (STDEV.S), p5/p50/p95 (PERCENTILE.INC) and the count of non-numeric rows."""
    ok = x[np.isfinite(x)]
    nan = float("nan")
    out = {"mean": float(ok.mean()) if ok.size else nan, "sd": (0.0 if np.ptp(ok) == 0 else float(ok.std(ddof=1))) if ok.size > 1 else nan}
    for stat, q in (("p5", 5), ("p50", 50), ("p95", 95)):
        out[stat] = float(np.percentile(ok, q)) if ok.size else nan
    out["non-numeric rows"] = float(x.size - ok.size)
    return out


def simulation_sheet(wb: "Workbook", model: "Model", inputs: list[InputRow], leaf_rows: list[InputRow],
                     sim_rows: int, fmts: Mapping[str, CellFormat], seed: int, cache: Cache,
                     xnames: Mapping[str, str]) -> None:
    """The Simulation sheet (see the module): statistics, the switch, headers and,
    through ``cache``, ``sim_rows`` rows of draws with their cached values."""
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Simulation")
    n = sim_rows
    put_title(ws, f"Live Monte Carlo: {n:,} draws from seeded uniforms (seed {seed})")
    compiled = model.compile()
    first, last = SIM_HEADER_ROW + 1, SIM_HEADER_ROW + n
    col = {name: c for c, name in enumerate(model.names, start=2)}
    helper_col = len(model.names) + 3  # one blank column between the cells and the helpers
    helpers: list[tuple[str, str | None, np.ndarray]] = []  # (header, template or None for values, values)
    switch = SWITCH_NAME if SWITCH_NAME not in set(xnames.values()) else "dv_" + SWITCH_NAME

    def helper(header: str, template: str | None, values: np.ndarray) -> str:
        helpers.append((header, template, values))
        return f"{col_letter(helper_col + len(helpers) - 1)}{ROW}"

    def uniform(stream: str) -> tuple[str, np.ndarray]:
        u = uniforms(seed, stream, n)
        fixed = helper(f"{stream} (value)", None, u)
        return helper(stream, f"IF({switch}=1,RAND(),{fixed})", u), u

    u_of: dict[str, tuple[str, np.ndarray]] = {}
    notes = []
    if model.correlations:
        from scipy.stats import norm

        from ...simulate import correlation_groups

        for members, L in correlation_groups(model):
            zs = []
            for m in members:
                U, u = uniform(f"z {m}")
                zs.append((helper(f"z {m}", f"_xlfn.NORM.S.INV({U})", norm.ppf(u)), norm.ppf(u)))
            for i, m in enumerate(members):
                terms = "+".join(f"{excel_number(float(L[i, j]))}*{zs[j][0]}" for j in range(i + 1) if L[i, j] != 0)
                score = sum(float(L[i, j]) * zs[j][1] for j in range(i + 1))
                (leaf,) = [lf for lf, o in compiled.leaf_owner.items() if o == m]
                u = np.asarray(norm.cdf(score), dtype=float)
                u_of[leaf] = (helper(f"u {m}", f"_xlfn.NORM.S.DIST({terms},TRUE())", u), u)
        notes.append("Correlated inputs (" + ", ".join(f"{a}~{b}: {r:g}" for (a, b), r in model.correlations.items())
                     + ") are drawn through correlated normal scores, which keep the rank correlations.")

    leaf_values: dict[str, np.ndarray] = {}

    def draw(row: InputRow, leaf: str, point: str) -> str:
        """The draw of one distribution (with the Inputs sheet's live kind), or its point value once typed over."""
        dist = row.dist if row.dist is not None else compiled.leaves[leaf]
        U, u = u_of.get(leaf) or uniform(f"u {leaf}")
        if isinstance(dist, D.Mixture):
            S, s = uniform(f"pick {leaf}")
            text = mixture_ppf_text(dist, U, S)
            leaf_values[leaf] = mixture_draw(dist, u, s)
        elif dist.kind in ("truncate", "discrete"):  # no parameter row: a formula of its numbers
            text = number_ppf_text(dist, U)
            leaf_values[leaf] = np.asarray(dist.ppf(u), dtype=float)
        else:
            P = [ref(row.row, C_P1 + j, True, "Inputs") for j in range(4)]
            text = kind_ppf_text(ref(row.row, C_KIND, True, "Inputs"), P, U)
            leaf_values[leaf] = np.asarray(dist.ppf(u), dtype=float)
        return f"IF(_xlfn.ISFORMULA({point}),{text},{point})"

    templates: dict[str, str] = {}
    refs: dict[str, str] = {name: f"{col_letter(col[name])}{ROW}" for name in model.names}
    literal_cols: list[str] = []
    for lr in leaf_rows:  # literals inside formulas: helper columns of their own
        text = draw(lr, lr.name, ref(lr.row, C_POINT, True, "Inputs"))
        refs[lr.name] = helper(lr.name, text, np.zeros(0))  # values set below
        literal_cols.append(lr.name)
    for row in inputs:
        point = ref(row.row, C_POINT, True, "Inputs")
        if row.kind == "constant":
            templates[row.name] = row.xname
        elif row.kind == "formula":
            expr = model.parsed(row.name).expr
            templates[row.name] = f"IF(_xlfn.ISFORMULA({point}),{excel_formula(expr, refs, row.name)},{point})"
        else:
            (leaf,) = [lf for lf, o in compiled.leaf_owner.items() if o == row.name]
            templates[row.name] = draw(row, leaf, point)
    for name in model.names:
        if not model.is_input(name):
            templates[name] = excel_formula(model.parsed(name).expr, refs, name)
    for k, (header, template, held) in enumerate(helpers):  # the literals' columns hold their draws
        if header in leaf_values and template is not None and not held.size:
            helpers[k] = (header, template, leaf_values[header])
    values = model.run_steps(leaf_values, n)

    put_text(ws, 2, 1, "Each row draws every input through its inverse CDF from the uniforms in the helper columns "
             f"(values drawn from seed {seed}), with the kind and parameters on the Inputs sheet (an input whose point "
             "value was typed over stays at that number). " + " ".join(notes), "Simulation")
    put_text(ws, 3, 1, "Statistics ignore rows whose value is an error (e.g. #DIV/0!) and count them; each is a defined "
             "name (mean_ask, sd_ask, p5_ask, p50_ask, p95_ask; P_feasible for a 0/1 cell). "
             f"Printing shows the statistics and the first {min(n, PRINT_ROWS)} draws.", "Simulation")
    taken = {x.lower() for x in xnames.values()} | {switch.lower()}
    stats = {name: sim_statistics(values[name]) for name in model.names}
    for k, stat in enumerate(SIM_STATS):
        r = 4 + k
        put_text(ws, r, 1, stat, "Simulation")
        ws.cell(row=r, column=1).font = bold()
        for name in model.names:
            c = col[name]
            rng = f"{col_letter(c)}{first}:{col_letter(c)}{last}"
            text = {
                "mean": f"_xlfn.AGGREGATE(1,6,{rng})",
                "sd": f"_xlfn.AGGREGATE(7,6,{rng})",
                "p5": f"_xlfn.AGGREGATE(16,6,{rng},0.05)",
                "p50": f"_xlfn.AGGREGATE(16,6,{rng},0.5)",
                "p95": f"_xlfn.AGGREGATE(16,6,{rng},0.95)",
                "non-numeric rows": f"ROWS({rng})-COUNT({rng})",
            }[stat]
            put_formula(ws, r, c, text)
            cache.put("Simulation", r, c, stats[name][stat])
            fill(ws, r, c, POINT_FILL)
            f = fmts[name]
            ws.cell(row=r, column=c).number_format = {"mean": f.mean, "sd": f.sd}.get(
                stat, "#,##0" if stat == "non-numeric rows" else f.value)
            wanted = [STAT_PREFIX[stat] + xnames[name]] if stat in STAT_PREFIX else []
            if stat == "mean" and f.meaning == "indicator":
                wanted.append("P_" + xnames[name])
            for dn in wanted:
                if dn.lower() not in taken and not excel_forbids(dn):
                    taken.add(dn.lower())
                    wb.defined_names[dn] = DefinedName(dn, attr_text=ref(r, c, True, "Simulation"))
    put_text(ws, SIM_SWITCH_ROW, 1, "fresh draw", "Simulation")
    ws.cell(row=SIM_SWITCH_ROW, column=1).font = bold()
    put(ws, SIM_SWITCH_ROW, 2, 0)
    put_text(ws, SIM_SWITCH_ROW, 3, f"0: the seeded uniforms (the same numbers at every opening); "
             f"1: RAND() (press F9 to redraw). Named {switch}.", "Simulation")
    wb.defined_names[switch] = DefinedName(switch, attr_text=ref(SIM_SWITCH_ROW, 2, True, "Simulation"))
    put_text(ws, SIM_HEADER_ROW - 1, 1, "labels", "Simulation")
    put_text(ws, SIM_HEADER_ROW, 1, "draw", "Simulation")
    for name in model.names:
        put_text(ws, SIM_HEADER_ROW - 1, col[name], model.cell(name).label, "Simulation")
        put_text(ws, SIM_HEADER_ROW, col[name], name, "Simulation")
    for k, (header, _, _) in enumerate(helpers):
        put_text(ws, SIM_HEADER_ROW, helper_col + k, header, "Simulation")
    if helpers:
        put_text(ws, SIM_HEADER_ROW - 1, helper_col, "helper columns: uniforms (values from the seed), their switch "
                 "to RAND(), normal scores, literals inside formulas (not printed)", "Simulation")
    last_col = helper_col + len(helpers) - 1 if helpers else len(model.names) + 1
    style_header(ws, SIM_HEADER_ROW, last_col)
    columns: list[tuple[int, str | None, np.ndarray]] = [(col[nm], templates[nm], values[nm]) for nm in model.names]
    columns += [(helper_col + k, t, v) for k, (_, t, v) in enumerate(helpers)]
    for c, _, _ in columns:  # a style row: the draws' number formats, read back by the row writer
        ws.cell(row=first, column=c).value = 0
    for name in model.names:
        ws.cell(row=first, column=col[name]).number_format = fmts[name].value
    cache.blocks["Simulation"] = RowBlock(first, last, last_col, _draw_rows(columns, first, last), style_row=first)
    set_widths(ws, {1: 16, **{col[nm]: 16 for nm in model.names}})
    note_rows(ws, [2, 3], len(model.names) + 1)  # wrapped within the first printed page
    from openpyxl.styles import Alignment

    for c in range(2, len(model.names) + 2):  # labels and names wrap in their column rather than run into the next
        for r in (SIM_HEADER_ROW - 1, SIM_HEADER_ROW):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="bottom")
    ws.row_dimensions[SIM_HEADER_ROW - 1].height = 45
    ws.row_dimensions[SIM_HEADER_ROW].height = 30
    ws.freeze_panes = ws.cell(row=SIM_HEADER_ROW + 1, column=2)
    print_block(ws, SIM_HEADER_ROW + min(n, PRINT_ROWS), len(model.names) + 1, f"{SIM_HEADER_ROW - 1}:{SIM_HEADER_ROW}")


def _draw_rows(columns: list[tuple[int, str | None, np.ndarray]], first: int,
               last: int) -> Callable[[dict[str, str]], Iterator[str]]:
    """The rows of draws as XML: a shared formula per formula column, with its cached values."""

    def rows(styles: dict[str, str]) -> Iterator[str]:
        specs: list[tuple[str, str, str | None, str | None, np.ndarray]] = []
        si = 0
        for c, template, values in columns:
            letter = col_letter(c)
            s = f' s="{styles[letter]}"' if letter in styles else ""
            if template is None:
                specs.append((letter, s, None, None, values))
                continue
            master = escape(template.replace(ROW, str(first)))
            specs.append((letter, s, f'<f t="shared" ref="{letter}{first}:{letter}{last}" si="{si}">{master}</f>',
                          f'<f t="shared" si="{si}"/>', values))
            si += 1
        from .cache import ROWS_PER_CHUNK as chunk  # read at each call (a test varies it)

        for start in range(first, last + 1, chunk):
            stop = min(last, start + chunk - 1)
            numbers = [str(r) for r in range(start, stop + 1)]
            cols_text: list[list[str]] = [list(map('<c r="A{}"><v>{}</v></c>'.format, numbers,
                                                   range(start - first + 1, stop - first + 2)))]
            texts: dict[int, list[str]] = {}  # a uniform's two columns (value, switch) share one array: formatted once
            for letter, s, head, body, values in specs:
                part = np.asarray(values[start - first: stop - first + 1])
                known = texts.get(id(values))
                if known is None and part.dtype.kind in "biuf":
                    known = texts[id(values)] = number_texts(part.astype(float, copy=False))
                cells = column_cells(letter, numbers, part, s, body or "", texts=known)
                if head is not None and start == first:  # the shared formula's master cell
                    t, text = value_xml(part[:1].tolist()[0])
                    cells[0] = f'<c r="{letter}{first}"{s}{t}>{head}<v>{text}</v></c>'
                cols_text.append(cells)
            yield join_rows(numbers, cols_text)

    return rows
