"""Building an assessor's model and computing the results an assessment stores.

An assessment names a model (a shipped model, a model file, or a
:class:`~dealvalue.Model`) and the inputs the assessor set, as formulas.
:func:`assessed_model` applies them; :func:`compute` simulates the result and
returns what is stored: P(feasible) with its standard error, the expected
value to us, ZOPA quantiles, the binding barrier (the barrier term of the
decomposition at the medians that removes the most log-units) and, when the
model has a ``capability`` cell, the window's ends: where P(feasible) along
capability first rises to, and last falls below, ``WINDOW_LEVEL`` (0.1).

Examples
--------
>>> m, name, text = load_model("deal")
>>> name, len(sha256(text))
('deal', 64)
>>> a = assessed_model(m, {"reality": "beta(2, 8)"})
>>> a.cell("reality").formula
'beta(2, 8)'
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from ..errors import ArgumentTypeError, AssessmentError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["Input", "Computed", "ZOPA_LEVELS", "WINDOW_AXIS", "WINDOW_N", "WINDOW_LEVEL", "load_model", "sha256", "as_input",
           "assessed_model", "compute"]

#: The quantile levels of the ZOPA that are stored.
ZOPA_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The cell along which the window of viable deals is computed, when the model has it.
WINDOW_AXIS = "capability"
#: The P(feasible) level that marks the window's ends (stored with each assessment).
WINDOW_LEVEL = 0.1
#: Samples per grid point of the stored window (at most the assessment's n).
WINDOW_N = 4_000


@dataclass(frozen=True)
class Input:
    """One input an assessor set: the formula, a note, and its sources (URLs, citations)."""

    formula: str
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass
class Computed:
    """The results stored with an assessment."""

    p_feasible: float
    p_feasible_stderr: float
    value_to_us: float | None
    value_to_us_stderr: float | None
    value_unit: str
    binding_barrier: str | None
    zopa: list[tuple[str, float, float | None]] = field(default_factory=list)  # (quantity, level, value)
    window: dict[str, Any] = field(default_factory=dict)  # axis level start end peak_at peak_p


def sha256(text: str) -> str:
    """The hex SHA-256 of a model file's text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_model(model: "str | os.PathLike[str] | Model") -> "tuple[Model, str | None, str]":
    """``(model, shipped name or None, the model file's full text)``.

    ``model`` is a shipped model's name (``"deal"``, or a scenario as
    ``"scenarios/<name>"``), a model file's path, or a Model (its text is
    what :meth:`~dealvalue.Model.dumps` writes).
    """
    from .. import models
    from ..model import Model

    if isinstance(model, Model):
        return model, None, model.dumps()
    if not isinstance(model, (str, os.PathLike)):
        raise ArgumentTypeError("model", model, "a shipped model's name, a model file's path or a dealvalue Model")
    name = os.fspath(model)
    if name.startswith("scenarios/") and name.removeprefix("scenarios/") in models.scenario_names():
        path, shipped = models.scenario_path(name.removeprefix("scenarios/")), name
    elif name in models.names():
        path, shipped = models.path(name), name
    else:
        path, shipped = name, None  # type: ignore[assignment]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return Model.loads(text, path=str(path)), shipped, text


def as_input(cell: str, value: "Input | str | float | Mapping[str, Any]") -> Input:
    """An :class:`Input` from a formula (text or number), a mapping with
    ``formula``, ``note``, ``sources``, or an Input."""
    if isinstance(value, Input):
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Input(str(value))
    if isinstance(value, Mapping) and "formula" in value:
        sources = value.get("sources", ())
        sources = (sources,) if isinstance(sources, str) else tuple(str(s) for s in sources)
        return Input(str(value["formula"]), str(value.get("note", "")), sources)
    raise AssessmentError(f"inputs[{cell!r}]", value, "expected a formula, or a mapping with 'formula', 'note', 'sources'")


def assessed_model(base: "Model", inputs: Mapping[str, "Input | str | float | Mapping[str, Any]"]) -> "Model":
    """A copy of ``base`` with each input cell set to the assessor's formula.

    Only inputs can be set (a formula cell is the model's structure, not a
    judgement); an unknown cell, a formula cell or a formula the model
    refuses raises a :class:`~dealvalue.DealValueError` and ``base`` is left
    as it was.
    """
    m = base.copy()
    for cell, value in inputs.items():
        inp = as_input(cell, value)
        base.cell(cell)  # UnknownCellError with suggestions
        if not base.is_input(cell):
            raise AssessmentError(f"input {cell!r}", inp.formula, f"{cell!r} is a formula cell of the model, not an input; "
                                  "an assessment sets inputs only")
        m.replace(cell, inp.formula)
    return m


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def compute(model: "Model", n: int, seed: int, method: str = "mc", window_level: float = WINDOW_LEVEL) -> Computed:
    """Simulate ``model`` and compute every stored result (see the module notes)."""
    from .. import deals
    from ..deals.barriers import GAINS
    from ..errors import DealValueError
    from ..units import unit_text

    r = deals.simulate(model, n, seed, method)
    value = stderr = None
    unit = ""
    if "value_to_us" in r.values:
        value, stderr = _finite(r.mean("value_to_us")), _finite(r.stderr("value_to_us"))
        unit = unit_text(model.unit("value_to_us"))
    binding = None
    try:
        d = deals.decomposition(model)
        terms = d.drop(index=[t for t in ("ln F", GAINS) if t in d.index])["log_units"]
        if len(terms) and float(terms.min()) < 0:
            binding = str(terms.idxmin())
    except DealValueError:
        binding = None
    z = deals.zopa(r, qs=ZOPA_LEVELS)
    zt = z.to_dict(orient="index")
    zopa = [(str(q), float(level), _finite(float(zt[q][level]))) for q in z.index for level in ZOPA_LEVELS]
    window: dict[str, Any] = {}
    if WINDOW_AXIS in model:
        w = deals.window(model, axis=WINDOW_AXIS, n=min(n, WINDOW_N), seed=seed, method=method)
        ends = deals.window_ends(w, level=window_level).iloc[0]
        window = {"axis": WINDOW_AXIS, "level": float(ends["level"]), "start": _finite(float(ends["start"])),
                  "end": _finite(float(ends["end"])), "peak_at": _finite(float(ends["peak_at"])),
                  "peak_p": _finite(float(ends["peak_p"]))}
    return Computed(float(r.mean("feasible")), float(r.stderr("feasible")), value, stderr, unit, binding, zopa, window)
