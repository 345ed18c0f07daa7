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
With every input at its median a ZOPA exists: the bid is 2.5× the ask; the barrier that binds most is credibility of the AI's offer (removing it alone would multiply bid / ask by 2); the best intervention per dollar: see Interventions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from ..evaluation import evaluate_rows
from .barriers import decomposition
from .core import CORE_OUTPUTS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["ROLES", "roles", "probability_label", "headline", "headline_sentence", "barrier_effects", "binding_barrier", "short_number"]

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


def probability_label(model: "Model", role: str = "feasible") -> str:
    """What a probability of the cell playing ``role`` is called on a page:
    ``P(<the cell's label>)``, so every view names the same cell the same way.

    The deal model's ``feasible`` is "a deal happens" (eligibility, rule-outs
    and participation included), not "a ZOPA exists" (``zopa_exists``, bid at
    least ask): the two probabilities differ, and the label says which.

    Parameters
    ----------
    model
        Any model.
    role
        A role of :data:`ROLES` (default ``feasible``), or a cell's name.

    Returns
    -------
    str
        ``P(label)``: the label of the cell playing ``role`` (its name when
        it has no label, or ``role`` itself when no cell plays it).

    Examples
    --------
    >>> from dealvalue.deals.core import core_model, deal_model
    >>> probability_label(core_model()), probability_label(deal_model())
    ('P(a ZOPA exists)', 'P(a deal happens)')
    """
    name = roles(model).get(role, role)
    return f"P({_label(model, name)})"


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
        ``"prob"`` (the probability of ``feasible``, labelled by
        :func:`probability_label`: "P(a deal happens)" in the deal model), ``"num"`` (expected value to us; the
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
        rows.append({"label": probability_label(m), "value": r.prob(c), "se": r.stderr(c), "unit": "", "kind": "prob",
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
                     "help": f"Where {_label(m, role['feasible'])}, `{role['feasible']}` ({sub.n:,} of {r.n:,} samples): from the median ask (`{a}`) to the median bid (`{b}`)"})
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


def _neutral(model: "Model", term: Any) -> tuple[str, float] | None:
    """The cell to pin, and its value, that removes ``term`` (makes its
    factor 1): ``x`` -> 1, ``1 - x`` -> 0; a term named by a formula cell
    whose factors are pieces of its formula (``risk_premium``) -> the cell
    at 1.  None when there is no such cell."""
    import sympy

    name = term.name
    if name not in model:
        return None
    if len(term.parts) == 1:
        expr = sympy.sympify(term.parts[0][1])
        syms = [x for x in expr.free_symbols if x.name == name]
        sym = syms[0] if syms else sympy.Symbol(name)
        if expr == sym:
            return name, 1.0
        if sympy.simplify(expr - (1 - sym)) == 0:
            return name, 0.0
    if not model.is_input(name):
        return name, 1.0
    return None


def barrier_effects(model: "Model") -> "pd.DataFrame":
    """What removing each barrier alone does to ``ln F`` with every other
    input at its median: the barrier's effect, netted over every place its
    cell enters the deal.

    A term of :func:`~dealvalue.deals.barriers.decomposition` can be offset
    by another term that shares its inputs: with ``u = 0`` the verification
    and coherence terms of ``bid`` cancel against ``cost_rate`` (we pay only
    on delivery, so checking delivery changes what we pay, not bid / ask);
    with ``u = 1`` the time discount cancels against ``upfront_gain``
    (nothing is deferred).  So a term's own size does not say whether the
    barrier binds.  Here each barrier's cell is pinned to its no-barrier
    value (a factor ``x`` to 1, a factor ``1 - x`` to 0, a pooled cell such
    as ``risk_premium`` to 1), the model is re-evaluated at the medians,
    and ``effect`` = ``ln F`` after minus ``ln F`` before: positive when the
    barrier lowers bid / ask, zero when it is fully offset (it cannot bind
    here), negative when the "barrier" in fact helps.

    The gains-from-trade term and the AI's takeover odds (which set the
    value of a no-takeover promise, so are not a barrier to remove) are left
    out.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells), evaluated at its medians.

    Returns
    -------
    pandas.DataFrame
        Indexed by term: ``label group term_log_units cell pinned_to
        effect multiplier`` (``multiplier = exp(effect)``: what removing the
        barrier alone does to bid / ask), sorted by ``effect``, largest
        first.  Empty when ``ln F`` is not finite at the medians.

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> e = barrier_effects(core_model(R=10))
    >>> e["multiplier"].round(3).tolist()
    [2.0, 2.0]
    """
    return _effects(model, decomposition(model))


def _effects(model: "Model", point: "pd.DataFrame") -> "pd.DataFrame":
    """:func:`barrier_effects` from the model's decomposition at the medians, ``point``."""
    import pandas as pd

    from .barriers import GAINS, barrier_terms

    base = float(point["log_units"].loc["ln F"])
    rows = []
    if math.isfinite(base):
        pinned = []
        for term in barrier_terms(model):
            if term.name == GAINS or term.group.startswith(f"{GAINS}: AI side"):
                continue
            pin = _neutral(model, term)
            if pin is not None:
                pinned.append((term, *pin))
        # every barrier removed in its own row of one vectorised evaluation
        v = evaluate_rows(model, [{cell: value} for _, cell, value in pinned])
        for (term, cell, value), ask, bid in zip(pinned, v["ask"], v["bid"]):
            f = bid / ask if ask > 0 else math.nan
            effect = math.log(f) - base if f > 0 and math.isfinite(f) else math.nan
            rows.append({"term": term.name, "label": term.label, "group": term.group,
                         "term_log_units": float(point["log_units"].get(term.name, math.nan)),
                         "cell": cell, "pinned_to": value, "effect": effect,
                         "multiplier": math.exp(effect) if math.isfinite(effect) else math.nan})
    df = pd.DataFrame(rows, columns=["term", "label", "group", "term_log_units", "cell", "pinned_to", "effect", "multiplier"])
    df = df.set_index("term")
    return df.sort_values("effect", ascending=False, kind="stable")


#: Below this effect on ln F a barrier does not bind (it is offset, or zero up to rounding).
_BINDS = 1e-9


def binding_barrier(model: "Model") -> str | None:
    """The barrier whose removal alone raises bid / ask the most
    (:func:`barrier_effects`), or None when no barrier lowers it.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells), evaluated at its medians.

    Returns
    -------
    str or None
        The barrier's term name (a cell or input of the model).  Among
        barriers of equal effect, the first in the decomposition's order.

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> binding_barrier(core_model(R=10))
    'c_ai'
    """
    e = barrier_effects(model)
    e = e[e["effect"] > _BINDS]
    return None if e.empty else str(e.index[0])


def headline_sentence(model: "Model", interventions: "pd.DataFrame | None" = None) -> str:
    """One plain-language line about the deal.

    What it says, clause by clause:

    1. Whether a ZOPA exists (bid at least ask) with every input at its median (``ln F`` of
       :func:`~dealvalue.deals.barriers.decomposition`) and the ratio
       bid / ask (or ask / bid).
    2. The barrier that binds most: the one whose removal *alone* (its cell
       at its no-barrier value, every other input at its median) raises
       bid / ask the most, with the factor it would raise it by
       (:func:`barrier_effects`).  A barrier whose decomposition term is
       offset by another term sharing its inputs (verification when
       ``u = 0``, the time discount when ``u = 1``) has no effect and is
       never named; when no barrier lowers bid / ask none is named.
    3. With the ``interventions`` table: the costed intervention with the
       most expected value to us per dollar of setup cost among those that
       raise the value to us; else one that raises it at no setup cost.
       An intervention is called "free" only when it has no setup cost and
       does not raise what we expect to pay (``delta_spend``); one that
       does (paying more upfront) is reported with that payment, never as
       free.  Nothing is named when nothing raises the value to us.

    It is a summary at the medians and of one table: not a recommendation
    beyond what those numbers say.

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
    With every input at its median there is no ZOPA: the ask is 3.6× the bid; the barrier that binds most is credibility of the AI's offer (removing it alone would multiply bid / ask by 2); the best intervention per dollar is quadruple W: 1 USD of expected value per USD.
    """
    point = decomposition(model)
    lnf = float(point["log_units"].loc["ln F"])
    parts = []
    if not math.isfinite(lnf):
        parts.append("With every input at its median the ask or the bid is not positive, so there is no ZOPA")
    elif lnf >= 0:
        parts.append(f"With every input at its median a ZOPA exists: the bid is {math.exp(lnf):.2g}× the ask")
    else:
        parts.append(f"With every input at its median there is no ZOPA: the ask is {math.exp(-lnf):.2g}× the bid")
    effects = _effects(model, point)  # the decomposition once: it is this sentence's first clause too
    effects = effects[effects["effect"] > _BINDS]
    if not effects.empty:
        top = effects.iloc[0]
        parts.append(f"the barrier that binds most is {_label(model, str(effects.index[0]))} "
                     f"(removing it alone would multiply bid / ask by {float(top['multiplier']):.2g})")
    if interventions is None:
        parts.append("the best intervention per dollar: see Interventions")
        return "; ".join(parts) + "."
    t = interventions
    if not t.empty:
        names = (t["intervention"] if "intervention" in t.columns else t.index.to_series()).astype(str).to_numpy()
        cost = t["cost"].to_numpy(dtype=float)
        dvalue = t["delta_value"].to_numpy(dtype=float)
        spend = t["delta_spend"].to_numpy(dtype=float) if "delta_spend" in t.columns else np.zeros(len(t))
        vpd = t["value_per_dollar"].to_numpy(dtype=float)
        vu = _unit(model, "value_to_us") if "value_to_us" in model else ""
        costed = np.flatnonzero((dvalue > 0) & np.isfinite(cost) & (cost > 0) & np.isfinite(vpd))
        no_setup = np.flatnonzero((dvalue > 0) & ~(np.isfinite(cost) & (cost > 0)))
        if costed.size:
            j = int(costed[np.argmax(vpd[costed])])
            how = f"{short_number(float(vpd[j]))} {vu} of expected value per USD".replace("  ", " ")
            parts.append(f"the best intervention per dollar is {names[j]}: {how}")
        elif no_setup.size:
            j = int(no_setup[np.argmax(dvalue[no_setup])])
            dp = 100 * float(t["delta_p"].iloc[j])
            if np.isfinite(cost[j]) and not spend[j] > 0:
                parts.append(f"the best intervention is {names[j]}: free, and it adds {dp:.1f} pp to {probability_label(model)}")
            else:
                parts.append(f"no costed intervention raises the value to us; {names[j]} has no setup cost but raises "
                             f"what we expect to pay by {short_number(float(spend[j]), 'USD')} "
                             f"(value to us {short_number(float(dvalue[j]), vu)}, {probability_label(model)} {dp:+.1f} pp)")
    return "; ".join(parts) + "."
