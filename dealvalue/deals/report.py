"""What a page about a deal says first: the cells that play the deal's roles,
the headline numbers, and one plain sentence.

These are the library halves of the app's headline (the app only lays them
out).  Any model works: the roles are found by the names the deal model uses.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> m = core_model(R=10)
>>> roles(m)["feasible"], roles(m)["value_us"]
('feasible', 'value_to_us')
>>> [row["label"] for row in headline(m.simulate(n=100, seed=0))]
['P(a ZOPA exists)', 'Expected value to us', 'Median ZOPA (USD)', 'Trust inflation (median)']
>>> print(headline_sentence(m))
With every input at its median a deal exists: the bid is 2.5× the ask; the barrier that binds most is credibility of the AI's offer (it scales bid / ask by 0.5); the best intervention per dollar: see Interventions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from .barriers import decomposition
from .core import CORE_OUTPUTS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["ROLES", "roles", "headline", "headline_sentence", "short_number"]

# Other names some models use for a role (the role's own name is always tried first).
_ALIASES: dict[str, tuple[str, ...]] = {
    "feasible": ("zopa_exists",),
    "value_us": ("value_to_us", "ev_us"),
    "value_ai": ("value_to_ai",),
    "trust_inflation": (),
    "surplus": ("zopa_width",),
    "price": ("nash_price",),
    "F": ("feasibility",),
}

#: The roles a cell can play on the headline, each with the cell names that
#: may play it, tried in order: the core outputs (``ask``, ``bid``,
#: ``feasible``) under their own names, then the deal model's other cells.
ROLES: dict[str, tuple[str, ...]] = {
    role: (role, *_ALIASES.get(role, ())) for role in (*CORE_OUTPUTS, *(r for r in _ALIASES if r not in CORE_OUTPUTS))
}


def roles(model: "Model") -> dict[str, str]:
    """Which cells of ``model`` play the deal model's roles.

    Parameters
    ----------
    model
        Any model; a role is filled by the first of its names in
        :data:`ROLES` that the model has.

    Returns
    -------
    dict
        Role -> cell name, for the roles the model fills: ``feasible``,
        ``ask``, ``bid``, ``value_us``, ``value_ai``, ``trust_inflation``,
        ``surplus``, ``price``, ``F``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("zopa_exists", "1"); m.add("ev_us", "2")
    >>> roles(m)
    {'feasible': 'zopa_exists', 'value_us': 'ev_us'}
    """
    out: dict[str, str] = {}
    for role, names in ROLES.items():
        for name in names:
            if name in model:
                out[role] = name
                break
    return out


def _unit(model: "Model", name: str) -> str:
    from ..units import unit_text

    return unit_text(model.unit(name))


def headline(results: "Results", main: str | None = None) -> list[dict[str, Any]]:
    """The headline numbers, each with its Monte Carlo standard error.

    Parameters
    ----------
    results
        A run of any model.
    main
        The output to describe when the model fills none of the deal's
        roles (default: its last formula cell).

    Returns
    -------
    list of dict
        One row per number: ``label value se unit kind help``.  ``kind`` is
        ``"prob"`` (P(a ZOPA exists)), ``"num"`` (expected value to us; the
        median trust inflation, unit ``"×"``) or ``"range"`` (the median ZOPA
        where a deal exists: ``value`` and ``se`` are (ask, bid) pairs, NaN
        when fewer than two samples have a ZOPA).  A model without these
        cells gets the mean and median of ``main``.

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> rows = headline(core_model(R=10).simulate(n=100, seed=0))
    >>> rows[0]["value"], rows[1]["value"], rows[2]["value"], rows[3]["value"]
    (1.0, 15.0, (20.0, 50.0), 4.0)
    """
    r = results
    m = r.model
    role = roles(m)
    rows: list[dict[str, Any]] = []
    if "feasible" in role:
        c = role["feasible"]
        rows.append({"label": "P(a ZOPA exists)", "value": r.prob(c), "se": r.stderr(c), "unit": "", "kind": "prob",
                     "help": f"Share of samples where `{c}` holds: {m.cell(c).formula}"})
    if "value_us" in role:
        c = role["value_us"]
        rows.append({"label": "Expected value to us", "value": r.mean(c), "se": r.stderr(c), "unit": _unit(m, c),
                     "kind": "num", "help": f"Mean of `{c}` ({m.cell(c).label}); zero when there is no deal"})
    if "ask" in role and "bid" in role and "feasible" in role:
        a, b = role["ask"], role["bid"]
        sub = r.subset(role["feasible"], (a, b))
        value: tuple[float, float]
        se: tuple[float, float]
        if sub.n >= 2:
            value = (sub.quantile(a, 0.5), sub.quantile(b, 0.5))
            se = (sub.quantile_stderr(a, 0.5), sub.quantile_stderr(b, 0.5))
        else:
            value, se = (math.nan, math.nan), (math.nan, math.nan)
        u = _unit(m, a)
        rows.append({"label": f"Median ZOPA ({u})" if u else "Median ZOPA", "value": value, "se": se, "unit": u, "kind": "range",
                     "help": f"Where a deal exists ({sub.n:,} of {r.n:,} samples): from the median ask (`{a}`) to the median bid (`{b}`)"})
    if "trust_inflation" in role:
        c = role["trust_inflation"]
        rows.append({"label": "Trust inflation (median)", "value": r.quantile(c, 0.5), "se": r.quantile_stderr(c, 0.5),
                     "unit": "×", "kind": "num", "help": f"Median of `{c}` = {m.cell(c).formula}: how much less certain payments are worth"})
    if not rows:
        main = main if main is not None else (m.formulas[-1] if m.formulas else m.names[-1])
        label = m.cell(main).label or main
        rows.append({"label": f"Mean of {main}", "value": r.mean(main), "se": r.stderr(main), "unit": _unit(m, main),
                     "kind": "num", "help": label})
        rows.append({"label": f"Median of {main}", "value": r.quantile(main, 0.5), "se": r.quantile_stderr(main, 0.5),
                     "unit": _unit(m, main), "kind": "num", "help": label})
    return rows


def short_number(x: float | None, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant digits, as 1.2k, 3.4M, 5.6B
    (``"n/a"`` when not finite); ``unit`` follows after a space, or ``×``
    directly.

    Examples
    --------
    >>> short_number(1234567, "USD"), short_number(0.01234), short_number(2.5, "×"), short_number(math.nan)
    ('1.23M USD', '0.0123', '2.5×', 'n/a')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    g = f",.{digits}g"
    if a >= 1e9:
        s = f"{x / 1e9:{g}}B"
    elif a >= 1e6:
        s = f"{x / 1e6:{g}}M"
    elif a >= 1e4:
        s = f"{x / 1e3:{g}}k"
    elif a >= 1 or a == 0:
        s = f"{x:{g}}"
    else:
        s = f"{x:.{digits}g}"
    return f"{s} {unit}".strip() if unit and unit != "×" else (s + "×" if unit == "×" else s)


def _label(model: "Model", name: str) -> str:
    return (model.cell(name).label or name) if name in model else name


def headline_sentence(model: "Model", interventions: "pd.DataFrame | None" = None) -> str:
    """One plain-language line about the deal.

    Whether a deal exists with every input at its median (the ``ln F`` of
    :func:`~dealvalue.deals.barriers.decomposition`), the barrier that binds
    most (its most negative term), and the best intervention per dollar.

    Parameters
    ----------
    model
        A deal model.
    interventions
        The table of :func:`~dealvalue.deals.interventions.interventions`
        for this model (indexed by label, or with an ``intervention``
        column), already ranked.  Without it (running it takes time) the
        sentence points to the Interventions tab instead.

    Returns
    -------
    str

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> from dealvalue.deals.interventions import Intervention, interventions
    >>> m = core_model(R=90)
    >>> t = interventions(m, [Intervention("quadruple W", "W", "scale", 4.0, cost=10.0)], n=10)
    >>> print(headline_sentence(m, t))
    With every input at its median there is no deal: the ask is 3.6× the bid; the barrier that binds most is credibility of the AI's offer (it scales bid / ask by 0.5); the best intervention per dollar is quadruple W: 1 USD of expected value per USD.
    """
    point = decomposition(model)
    lnf = float(point["log_units"].loc["ln F"])
    parts = []
    if not math.isfinite(lnf):
        parts.append("With every input at its median the ask or the bid is not positive, so there is no deal")
    elif lnf >= 0:
        parts.append(f"With every input at its median a deal exists: the bid is {math.exp(lnf):.2g}× the ask")
    else:
        parts.append(f"With every input at its median there is no deal: the ask is {math.exp(-lnf):.2g}× the bid")
    terms = point.drop(index="ln F")
    if not terms.empty:
        i = int(np.argmin(terms["log_units"].to_numpy(dtype=float)))
        worst = float(terms["log_units"].iloc[i])
        if worst < 0:
            parts.append(f"the barrier that binds most is {_label(model, str(terms.index[i]))} "
                         f"(it scales bid / ask by {math.exp(worst):.2g})")
    if interventions is None:
        parts.append("the best intervention per dollar: see Interventions")
        return "; ".join(parts) + "."
    t = interventions
    if not t.empty:
        names = t["intervention"] if "intervention" in t.columns else t.index.to_series()
        free = t["free"].astype(bool) if "free" in t.columns else (t["cost"] == 0)
        helps = (t["delta_value"] > 0).to_numpy()
        if helps.any():
            j = int(np.argmax(helps))
            vu = _unit(model, "value_to_us") if "value_to_us" in model else ""
            if bool(free.iloc[j]):
                how = f"free, and it adds {100 * float(t['delta_p'].iloc[j]):.1f} pp to P(a ZOPA exists)"
            else:
                how = f"{short_number(float(t['value_per_dollar'].iloc[j]))} {vu} of expected value per USD".replace("  ", " ")
            parts.append(f"the best intervention per dollar is {names.iloc[j]}: {how}")
    return "; ".join(parts) + "."
