"""The cell table (edit formulas, add or delete cells) and the All cells tab."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

import dealvalue as dv

from ..cache import summary_table
from ..format import md_escape, table_height
from ..state import CELL_FIELDS, Edit, Spec


def edit_panel(base: dv.Model, gen: int) -> tuple[Edit, ...]:
    """The model's cells as a table: change formulas, add or delete cells.

    Valid edits apply; each refused edit shows the engine's message next to
    its cell, and the rest of the model keeps working."""
    st.caption("Edit any cell, add rows for new cells, or delete rows. Formulas may name other cells; "
               "the engine's message appears under the table for a cell it cannot accept, and that cell keeps its previous formula.")
    rows = [{"name": c.name, **{f: (getattr(c, f) or "") for f in CELL_FIELDS}} for c in base.cells]
    frame = pd.DataFrame(rows, columns=["name", *CELL_FIELDS])
    edited = st.data_editor(frame, key=f"table:{gen}", num_rows="dynamic", hide_index=True, width="stretch",
                            column_config={"description": st.column_config.TextColumn(width="medium"),
                                           "formula": st.column_config.TextColumn(width="medium")})
    before = {r["name"]: r for r in rows}
    edits: list[Edit] = []
    seen = set()
    problems: list[str] = []
    for rec in edited.to_dict("records"):
        name = str(rec.get("name") or "").strip()
        if not name:
            continue
        if name in seen:
            problems.append(f"cell {name!r}: the name appears twice; the second row is ignored")
            continue
        seen.add(name)
        fields = {f: ("" if rec.get(f) is None or (isinstance(rec.get(f), float) and math.isnan(rec[f])) else str(rec[f])) for f in CELL_FIELDS}
        old = before.get(name)
        if old is not None and all(fields[f] == old[f] for f in CELL_FIELDS):
            continue
        if not fields["formula"].strip():
            problems.append(f"cell {name!r}: give it a formula (a number, a distribution or an expression)")
            continue
        clean: dict[str, Any] = {f: v for f, v in fields.items() if f != "unit"}
        clean["unit"] = fields["unit"] or None
        edits.append((name, tuple(sorted(clean.items()))))
    for name in before:
        if name not in seen:
            edits.append((name, None))
    for p in problems:
        st.error(md_escape(p))
    return tuple(edits)


def all_cells_panel(spec: Spec, n: int, seed: int) -> None:
    """The All cells tab: the library's summary of every cell."""
    with st.spinner("Summarising every cell…"):
        summary = summary_table(spec, n, seed)
    st.dataframe(summary, width="stretch", height=table_height(len(summary)), column_config={
        "label": st.column_config.TextColumn(width="medium"),
        **{c: st.column_config.NumberColumn(format="compact") for c in ("mean", "stderr", "sd", "p5", "p50", "p95") if c in summary.columns}})
