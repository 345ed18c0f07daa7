"""Sidebar: the model's inputs, each with a preview of its distribution,
a mark and a reset when edited, and "reset all" and undo above them."""

from __future__ import annotations

from typing import Any

import streamlit as st

import dealvalue as dv

from ..cache import input_preview
from ..format import md_escape, preview_caption, unit_text
from ..state import LIVE_PAUSE, Edit, input_key, on_input_change, on_reset, on_undo

__all__ = ["input_label", "inputs_panel", "previews_panel"]


def input_label(model: dv.Model, name: str) -> str:
    """The widget label of an input, in plain text (screen readers read it
    as is): ``label · name (unit)``."""
    cell = model.cell(name)
    u = unit_text(model, name)
    head = f"{cell.label} · {name}" if cell.label else name
    return head + (f" ({u})" if u else "")


def _undo_help(change: tuple[tuple[str, str], ...]) -> str:
    """What undo takes back, in words: ``reality back to beta(8, 2)``."""
    said = [f"{key.split(':', 2)[-1]} back to {before}" for key, before in change[:3]]
    more = f" and {len(change) - 3} more" if len(change) > 3 else ""
    return "Takes back the last change: " + "; ".join(said) + more


def inputs_panel(model: dv.Model, gen: int) -> tuple[tuple[Edit, ...], dict[str, Any]]:
    """The model's inputs, grouped by the taxonomy group of each cell.

    Each input takes a number, a range ``a to b`` or a distribution formula.
    An input whose text differs from the model's is marked as edited, with
    the model's value and a reset; above the inputs, "reset all" and an undo
    of the last change.

    Returns the edits (cells whose text differs from the model's), and by
    cell a slot under the widget where the engine's message goes, then the
    input's distribution (:func:`previews_panel`).
    """
    ss = st.session_state
    st.header("Inputs")
    st.caption("A number (0.8), a 90% range (10 to 100) or a distribution (beta(8, 2), pert(0.1, 0.3, 0.9)); "
               "suffixes k M B % work. What you type applies when you pause or press Enter. "
               "Under each box: its distribution (5%, median, 95%).")
    controls = st.container()
    groups: dict[str, list[str]] = {}
    for name in model.inputs:
        groups.setdefault(model.cell(name).group or "Other inputs", []).append(name)
    edits: list[Edit] = []
    slots: dict[str, Any] = {}
    seen: dict[str, str] = ss.setdefault("input_seen", {})
    for i, (group, names) in enumerate(groups.items()):
        with st.expander(f"{group} ({len(names)})", expanded=i < 2):
            for name in names:
                cell = model.cell(name)
                help_text = (cell.description or "No description in the model file.") + f"\n\nModel file formula: `{cell.formula}`"
                key = input_key(gen, name)
                if key not in ss:  # a link may have set it already
                    ss[key] = cell.formula
                text = st.text_input(input_label(model, name), key=key, help=help_text, live=LIVE_PAUSE,
                                     on_change=on_input_change, args=(key, cell.formula))
                seen[key] = text
                slots[name] = st.container()  # the engine's message on a refused text, then the preview
                if text.strip() and text.strip() != cell.formula:
                    edits.append((name, (("formula", text.strip()),)))
                    left, right = st.columns([3, 1], vertical_alignment="center")
                    left.caption(f"✎ **Edited**; the model's value: {md_escape(cell.formula)}")
                    right.button("Reset", key=f"reset:{key}", type="tertiary", on_click=on_reset,
                                 args=(((key, cell.formula),),), help=f"Back to the model's value, {cell.formula}")
    with controls:
        edited = [name for name, _ in edits]
        if edited:
            st.caption(f"✎ {len(edited)} edited: " + ", ".join(md_escape(n) for n in edited))
        history = ss.get("undo") or []
        left, right = st.columns(2)
        left.button("Reset all", key="reset_all", width="stretch", disabled=not edited, on_click=on_reset,
                    args=(tuple((input_key(gen, n), model.cell(n).formula) for n in model.inputs),),
                    help="Reset all to the model's values (undo takes it back)")
        right.button("Undo", key="undo_input", width="stretch", disabled=not history, on_click=on_undo,
                     help=_undo_help(history[-1]) if history else "No change to take back yet")
    return tuple(edits), slots


def previews_panel(model: dv.Model, previews: dict[str, Any], seed: int) -> None:
    """Each input's distribution under its box: a small histogram with its
    5%, 50% and 95% values, from the formula the model runs on (for a
    refused input, the last one accepted)."""
    for name, slot in previews.items():
        if name not in model or not model.is_input(name):
            continue
        cell = model.cell(name)
        p = input_preview(cell.formula, cell.unit, seed)
        if p is None:
            continue
        caption = preview_caption(p.marks, unit_text(model, name))
        if not p.shares:
            slot.caption(caption)
            continue
        slot.image(p.svg, width="stretch",
                   caption=caption + (" (log scale)" if p.log else ""),
                   alt=f"Distribution of {name}: {caption}")
