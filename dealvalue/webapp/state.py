"""Session state, the user's edits, and the model spec the page runs.

State kept per browser session (``st.session_state``):

``base``
    The model file text the page starts from (a shipped model, a shipped
    scenario, an input set or an uploaded file).
``gen``
    A counter bumped whenever ``base`` changes, so the input widgets of the
    previous model are dropped instead of carrying stale text over.
``input_sets``
    The user's input sets: name -> model file text (inputs included).
``input_set_specs``
    The spec each input set was saved from (name -> :data:`Spec`), so the
    Assessments tab can record it as the model and the inputs edited.
``start``
    The option and the text the page opened on (``--model``).
``input_seen``
    The text each input box showed at the end of the last run (widget key ->
    text), so a change knows what it replaced.
``undo``
    The input changes of this model, oldest first: each a tuple of
    (widget key, text before), one entry per change (a reset of every input
    is one entry).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import streamlit as st

import dealvalue as dv
from dealvalue import deals, models
from dealvalue.errors import DealValueError

from .cache import base_model, current_model, model_file_text
from .limits import SAMPLE_CHOICES

DEFAULT_SAMPLES = 100_000
DEFAULT_SEED = 1
DEFAULT_MODEL = "deal"
MAX_UPLOAD_BYTES = 200_000  # a model file is a few KB; .streamlit/config.toml caps uploads at 1 MB
CELL_FIELDS = ("formula", "unit", "label", "group", "description")
LIVE_PAUSE = "600ms"  # an input box applies what is typed after this pause (and on Enter)
TYPING_GAP = 3.0  # seconds: commits of one box closer together than this are one typing session, one undo step

# A table edit or an input edit: (cell name, ((field, value), ...)), or
# (cell name, None) to remove the cell.  Tuples, so they hash for the caches.
Edit = tuple[str, tuple[tuple[str, Any], ...] | None]
Spec = tuple[str, tuple[Edit, ...], tuple[Edit, ...]]  # (base text, table edits, input edits)


def shipped_model_option(name: str) -> str:
    """The model picker's option for the shipped model ``name``."""
    return f"shipped model: {name}.toml"


def shipped_scenarios() -> dict[str, str]:
    """Shipped scenarios as the page names them (``labour trust fund``) -> their name."""
    return {name.replace("_", " "): name for name in models.scenario_names()}


def start_from(model: str | None) -> tuple[str, str, str]:
    """What the page opens on for ``--model NAME_OR_PATH`` (None: the deal
    model): (model picker option, model file text, label)."""
    if model is None or models.looks_like_name(model):
        name = model or DEFAULT_MODEL
        return shipped_model_option(name), models.text(name), f"{name}.toml (shipped)"
    path = Path(model)
    return f"model file: {path.name}", path.read_text(encoding="utf-8"), f"{path.name} (file)"


def init_state(model: str | None = None) -> None:
    """Fill the session state on a session's first run."""
    ss = st.session_state
    if "base" not in ss:
        from .share import read_params, shipped_name

        link, ss.link_notes = read_params(st.query_params.to_dict())
        if link:  # a shared link: its model, inputs, samples and seed
            name = shipped_name(link["base"])
            option = (shipped_model_option(name) if name is not None and "/" not in name else
                      f"shipped scenario: {name.removeprefix('scenarios/').replace('_', ' ')}" if name is not None else
                      "model from the link")
            ss.start = (option, link["base"], link["label"])
            ss.base, ss.base_label, ss.gen = link["base"], link["label"], 0
            ss.input_sets, ss.input_set_specs, ss.notice = {}, {}, ""
            ss.config, ss.config_why, ss.config_name = None, [], link.get("config")
            ss.seed = int(link.get("seed", model_seed(link["base"])))
            if link.get("n") in SAMPLE_CHOICES:
                ss.samples = link["n"]
            for cell, formula in link["inputs"].items():
                ss[input_key(0, cell)] = str(formula)
            return
        option, text, label = start_from(model)
        ss.start = (option, text, label)
        ss.base = text
        ss.base_label = label
        ss.gen = 0
        ss.input_sets = {}
        ss.input_set_specs = {}
        ss.notice = ""
        ss.config = None
        ss.config_why = []
        ss.seed = model_seed(text)


def model_seed(text: str) -> int:
    """The model file's own seed (``seed = ...`` in the file), else :data:`DEFAULT_SEED`."""
    try:
        seed = base_model(text).seed
    except DealValueError:
        return DEFAULT_SEED
    return int(seed) if seed is not None else DEFAULT_SEED


def input_key(gen: int, name: str) -> str:
    """The widget key of input ``name`` in model generation ``gen``."""
    return f"in:{gen}:{name}"


def on_input_change(key: str, default: str) -> None:
    """An input box changed (a pause in typing, or Enter): remember what it
    replaced, for undo.  The commits of one typing session (the same box,
    each within :data:`TYPING_GAP` seconds of the last) are one undo step,
    back to the text before the session."""
    ss = st.session_state
    before = ss.setdefault("input_seen", {}).get(key, default)
    now = str(ss.get(key, default))
    if now == before:
        return
    last = ss.get("typing")
    history = ss.setdefault("undo", [])
    clock = time.monotonic()
    same_session = (last is not None and last[0] == key and clock - last[1] < TYPING_GAP and history
                    and len(history[-1]) == 1 and history[-1][0][0] == key)
    if not same_session:
        history.append(((key, before),))
    elif history[-1][0][1] == now:  # typed back to where the session began: nothing to take back
        history.pop()
    ss.typing = (key, clock)
    ss.input_seen[key] = now


def on_reset(pairs: tuple[tuple[str, str], ...]) -> None:
    """Put the inputs ``(widget key, model's formula)`` back to the model's
    values, as one change that undo takes back."""
    ss = st.session_state
    seen = ss.setdefault("input_seen", {})
    changed = tuple((key, str(ss.get(key, formula))) for key, formula in pairs if str(ss.get(key, formula)) != formula)
    if not changed:
        return
    ss.typing = None  # typing after a reset is a change of its own
    ss.setdefault("undo", []).append(changed)
    for key, formula in pairs:
        ss[key] = formula
        seen[key] = formula


def on_undo() -> None:
    """Take back the last input change (a typed value, a reset, a reset of all)."""
    ss = st.session_state
    history = ss.get("undo") or []
    if not history:
        return
    ss.typing = None
    seen = ss.setdefault("input_seen", {})
    for key, before in history.pop():
        ss[key] = before
        seen[key] = before


def set_base(text: str, label: str) -> None:
    """Start from another model: drop the edits made to the previous one."""
    ss = st.session_state
    ss.undo = []  # the changes were to the previous model's inputs
    ss.typing = None
    ss.base = text
    ss.base_label = label
    ss.gen += 1
    ss.config = None
    ss.config_why = []
    ss.config_name = None
    ss.seed = model_seed(text)


def on_source_change() -> None:
    ss = st.session_state
    choice = ss.get("source")
    if choice is None:
        return
    kind, _, name = choice.partition(": ")
    if choice == ss.start[0]:
        set_base(ss.start[1], ss.start[2])
    elif kind == "shipped model":
        set_base(models.text(name.removesuffix(".toml")), f"{name} (shipped)")
    elif kind == "shipped scenario":
        stem = shipped_scenarios()[name]
        set_base(models.scenario_path(stem).read_text(encoding="utf-8"), f"scenario {name} (shipped)")
        ss.config = deals.SCENARIOS.get(stem)  # the configuration the file was built from
    elif kind == "input set":
        set_base(ss.input_sets[name], f"input set {name}")
    elif kind == "uploaded file" and ss.get("uploaded_text"):
        set_base(ss.uploaded_text, f"{name} (uploaded)")


def on_upload(key: str = "upload") -> None:
    ss = st.session_state
    f = ss.get(key)
    if f is None:
        return
    ok = _load_upload(f)
    if not ok:  # the old model stays: a fresh uploader, not one listing the refused file
        ss.upload_gen = int(ss.get("upload_gen") or 0) + 1


def _load_upload(f: Any) -> bool:
    ss = st.session_state
    if f.size > MAX_UPLOAD_BYTES:
        ss.notice = f"{f.name}: the file has {f.size:,} bytes; a model file may have at most {MAX_UPLOAD_BYTES:,}"
        return False
    try:
        text = f.getvalue().decode("utf-8")
        base_model(text)
    except UnicodeDecodeError:
        ss.notice = f"{f.name}: not UTF-8 text; a model file is TOML text"
        return False
    except DealValueError as exc:
        ss.notice = f"{f.name}: {exc}".replace("model file: ", "")
        return False
    ss.notice = ""
    set_base(text, f"{f.name} (uploaded)")
    ss.uploaded_option = f"uploaded file: {f.name}"
    ss.uploaded_text = text
    ss.source = ss.uploaded_option
    return True


def on_save_input_set(spec: Spec) -> None:
    ss = st.session_state
    name = (ss.get("input_set_name") or "").strip()
    if not name:
        ss.notice = "give the input set a name before saving it"
        return
    ss.input_sets[name] = model_file_text(spec)
    ss.setdefault("input_set_specs", {})[name] = spec
    ss.notice = ""
    ss.saved_msg = f"Saved the input set {name!r}: it is compared below, listed under Start from, and can be recorded " \
                   "as an assessment (below, or on the Assessments tab)."
    chosen = list(ss.get("compare") or ["current inputs"])
    if f"input set: {name}" not in chosen:
        ss.compare = [*chosen, f"input set: {name}"]


def with_last_valid(base: str, table_edits: tuple[Edit, ...], input_edits: tuple[Edit, ...],
                    staged: dv.Model, gen: int) -> tuple[Spec, dict[str, str], dict[str, str]]:
    """The spec the page runs: each input whose text the engine refuses falls
    back to the last formula it accepted for that cell in this session (the
    model's own formula if none), not to the shipped default.

    Returns the spec, the engine's message per refused cell, and per refused
    input the formula used in its place.  Accepted formulas are remembered in
    ``st.session_state.last_valid`` (keyed by model generation and cell).
    """
    ss = st.session_state
    last: dict[tuple[int, str], str] = ss.setdefault("last_valid", {})
    spec: Spec = (base, table_edits, input_edits)
    _, errors = current_model(spec)
    typed = {name for name, _ in input_edits}
    refused = {name for name in errors if name in typed}
    fallback: dict[str, str] = {}
    if refused:
        kept: list[Edit] = []
        for name, fields in input_edits:
            if name not in refused:
                kept.append((name, fields))
                continue
            prev = last.get((gen, name), staged.cell(name).formula if name in staged else "")
            fallback[name] = prev
            if name in staged and prev != staged.cell(name).formula:
                kept.append((name, (("formula", prev),)))
        spec = (base, table_edits, tuple(kept))
        _, again = current_model(spec)
        errors = {**again, **{name: errors[name] for name in refused}}
    typed_text = {c: str(dict(f).get("formula", "")) for c, f in input_edits if f is not None}
    for name in staged.inputs:  # remember what the engine accepted (the model's own text included)
        if name not in refused:
            last[(gen, name)] = typed_text.get(name) or staged.cell(name).formula
    return spec, errors, fallback
