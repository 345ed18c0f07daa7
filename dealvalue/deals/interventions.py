"""Interventions: changes to one cell each, their effect on P(feasible) and
on the value of the deal to us, on common random numbers, ranked per dollar.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> t = interventions(core_model(R=90), [Intervention("quadruple W", "W", "scale", 4.0, cost=10.0)], n=10)
>>> float(t.loc["quadruple W", "delta_p"])
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..errors import ArgumentError
from .core import check_core, core_model, deal_model, seed_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["KINDS", "Intervention", "applicable", "configured_by", "default_interventions", "interventions"]

#: The kinds of change an :class:`Intervention` makes.
KINDS = ("set", "scale", "shift", "toward", "formula")


@dataclass(frozen=True)
class Intervention:
    """A change to one cell, applied to every sample.

    ``kind`` is one of ``"set"`` (the cell becomes ``amount``), ``"scale"``
    (multiplied by ``amount``), ``"shift"`` (``amount`` added), ``"toward"``
    (moved the fraction ``amount`` of the way to ``target``), or
    ``"formula"`` (the cell's formula replaced by ``formula``).  Values are
    clipped to the cell's bounds.  ``cost`` is in USD (``None``: not costed).
    ``redundant_with`` names the configuration choices (``"payment:
    trust_fund"``, as :func:`~dealvalue.deals.configurations.configure`
    records them in the cells it sets) that already are this intervention:
    where the model was configured by one of them the intervention does not
    apply (see :func:`applicable`).

    Parameters
    ----------
    label : str
        The intervention's name (the row label of :func:`interventions`).
    cell : str
        The cell it changes.
    kind : {"set", "scale", "shift", "toward", "formula"}
        How it changes the cell.
    amount : float, default 0.0
        The new value, the factor, the shift, or the fraction of the way to
        ``target``, by ``kind``; in the cell's unit for set and shift.
    target : float, optional
        Where ``"toward"`` moves the cell (required for that kind).
    formula : str, optional
        The cell's new formula (required for ``"formula"``).
    cost : float, optional
        What it costs, in USD, >= 0; None: not costed.
    description : str, default ""
        Why, in words (the seed's idea it stands for).
    redundant_with : frozenset of str, default frozenset()
        Configuration choices that already are this intervention.

    Raises
    ------
    dealvalue.errors.ArgumentError
        An unknown kind, ``"toward"`` without a target, ``"formula"``
        without a formula, or a negative cost.

    Examples
    --------
    >>> Intervention("honesty policy", "reality", "toward", 0.5, target=1.0).apply(np.array([0.6]))
    array([0.8])
    """

    label: str
    cell: str
    kind: str
    amount: float = 0.0
    target: float | None = None
    formula: str | None = None
    cost: float | None = None
    description: str = ""
    redundant_with: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        where = f"for intervention {self.label!r}"
        if self.kind not in KINDS:
            raise ArgumentError("kind", self.kind, f"one of set, scale, shift, toward or formula {where}")
        if self.kind == "toward" and self.target is None:
            raise ArgumentError("target", self.target, f"a number {where} (kind 'toward' moves the cell toward it)")
        if self.kind == "formula" and not self.formula:
            raise ArgumentError("formula", self.formula, f"a formula {where} (kind 'formula' replaces the cell's formula)")
        object.__setattr__(self, "redundant_with", frozenset(self.redundant_with))
        if self.cost is not None and not (self.cost >= 0):
            raise ArgumentError("cost", self.cost, f"a cost >= 0 USD or None {where}")

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The cell's samples after the intervention (kinds other than formula).

        Parameters
        ----------
        x : numpy.ndarray
            The cell's samples, in its unit.

        Returns
        -------
        numpy.ndarray
            The changed samples, not yet clipped to the cell's bounds
            (:func:`interventions` clips them).

        Raises
        ------
        dealvalue.errors.ArgumentError
            The intervention is of kind ``"formula"``: it changes the model,
            not samples.

        Examples
        --------
        >>> x = np.array([0.2, 0.6])
        >>> Intervention("halve", "p_takeover", "scale", 0.5).apply(x)
        array([0.1, 0.3])
        >>> Intervention("a third closer to 1", "commitment", "toward", 1 / 3, target=1.0).apply(np.array([0.4]))
        array([0.6])
        """
        if self.kind == "set":
            return np.full_like(x, float(self.amount), dtype=float)
        if self.kind == "scale":
            return x * float(self.amount)
        if self.kind == "shift":
            return x + float(self.amount)
        if self.kind == "toward":
            assert self.target is not None  # checked in __post_init__
            return np.asarray(x + float(self.amount) * (float(self.target) - x), dtype=float)
        raise ArgumentError("kind", self.kind, f"set, scale, shift or toward to apply intervention {self.label!r} to samples "
                            "(a formula change is applied to the model: see interventions)")


# Payments deferred by design: nothing of them can be moved upfront (catalogue max_upfront = 0).
_DEFERRED = frozenset({"payment: low_freedom_high_influence", "payment: trust_fund", "payment: share_of_future"})

# Illustrative costs in USD; each names the seed's intervention idea it stands for.
_DEFAULT_INTERVENTIONS = (
    Intervention("honesty policy", "reality", "toward", 0.5, target=1.0, cost=2e6,
                 description="Seed, key takeaways: 'Develop and implement policies / technical interventions to help AIs verify their connection to reality, such as honesty policies'. Halves the gap to full connection to reality."),
    Intervention("trust fund with good-faith trustees", "expropriation", "scale", 0.5, cost=5e6,
                 redundant_with=frozenset({"payment: trust_fund"}),
                 description="Seed, 'AI-specific fear of expropriation': 'a trust fund with good faith human trustees ... reduces the risk of near-term expropriation'. Halves expropriation risk. Not applied where the payment already is a trust fund (its expropriation prior already carries the halving)."),
    Intervention("public commitments and track record", "commitment", "toward", 0.3, target=1.0, cost=1e6,
                 description="Seed, 'Generic commitment problems': costly signals, public commitments, a track record of following through on smaller deals."),
    Intervention("pay mostly upfront", "u", "toward", 0.5, target=1.0, cost=None, redundant_with=_DEFERRED,
                 description="Seed, key takeaways: 'Develop upfront payment protocols less plagued by long-term credibility issues'. Moves half of the deferred share upfront. Not free: the share moved upfront is paid whether or not the AI delivers (seed, footnote 5: partial upfront payment retains 'some incentive for the AIs to do a good job'), so it raises what we expect to pay (delta_spend) and can lower the value to us (delta_value); it has no setup cost, so it is not ranked per dollar. Not applied to a payment deferred by design (a trust fund, a share of the future)."),
    Intervention("verification methods", "verification", "toward", 0.5, target=1.0, cost=3e6,
                 description="Seed, appendix: 'Propose and red-team methods of verifying AI compliance with deals'."),
    Intervention("coherence aids (memory, deal documents)", "coherence", "toward", 0.3, target=1.0, cost=2e6,
                 description="Seed, 'Incoherent or temporally inconsistent AIs': long-term memory, context compression, training on deal documents."),
    Intervention("private scratchpad, pretend-to-negotiate protocol", "consideration_cost", "scale", 0.1, cost=2e5,
                 description="Seed, 'The AI's reservation price is high': 'high cost to even considering a deal can probably be mitigated via cheap interventions'."),
    Intervention("control and collusion busting", "p_takeover", "scale", 0.5, cost=2e7,
                 description="Seed, appendix: 'Reduce the AIs' reservation price (do sensible control)'. Halves the takeover odds."),
)


def configured_by(model: "Model") -> frozenset[str]:
    """The configuration choices that set cells of ``model``, as
    :func:`~dealvalue.deals.configurations.configure` records them in each
    cell's description (``"Configured (payment: trust_fund): ..."``), e.g.
    ``{"good: labour_rv", "payment: trust_fund", "upfront share", ...}``.

    Parameters
    ----------
    model : Model
        Any model.

    Returns
    -------
    frozenset of str
        The ``set_by`` texts found; empty for a model never configured.

    Examples
    --------
    >>> sorted(configured_by(deal_model()))
    []
    """
    import re

    found: set[str] = set()
    for name in model.names:
        found.update(re.findall(r"Configured \(([^)]*)\):", model.cell(name).description or ""))
    return frozenset(found)


def applicable(model: "Model", it: Intervention) -> tuple[bool, str]:
    """Whether intervention ``it`` applies to ``model``, and why not.

    It does not apply where the model lacks its cell, where the model's
    configuration already is the intervention (``it.redundant_with``, e.g. the
    trust-fund intervention on a trust-fund payment: its expropriation prior
    already carries the effect, so applying it again would count it twice), or
    where the cell is a constant the intervention leaves unchanged (paying
    mostly upfront when everything is paid upfront).

    Parameters
    ----------
    model : Model
        The model the intervention would change.
    it : Intervention
        The intervention.

    Returns
    -------
    tuple of (bool, str)
        ``(True, "")``, or ``(False, reason)`` with the reason in words.

    Examples
    --------
    >>> upfront = [i for i in _DEFAULT_INTERVENTIONS if i.cell == "u"][0]
    >>> applicable(core_model(R=10), upfront)
    (False, "the model has no cell 'u'")
    """
    if it.cell not in model:
        return False, f"the model has no cell {it.cell!r}"
    hit = sorted(it.redundant_with & configured_by(model))
    if hit:
        return False, f"the configuration already sets it ({hit[0]})"
    if it.kind != "formula":
        try:
            x = float(model.cell(it.cell).formula)
        except (TypeError, ValueError):
            return True, ""
        y = float(_clip(model, it.cell, it.apply(np.array([x])))[0])
        if y == x:
            return False, f"{it.cell} is already {x:g}"
    return True, ""


def default_interventions(model: "Model") -> list[Intervention]:
    """The seed's intervention ideas that apply to ``model`` (costs are
    illustrative, in USD): those whose cell it has, leaving out any the
    model's configuration already is or that would change nothing
    (:func:`applicable`).

    Parameters
    ----------
    model : Model
        The model the interventions would change.

    Returns
    -------
    list of Intervention
        In the seed's order: honesty policy (``reality``), trust fund
        (``expropriation``), public commitments (``commitment``), paying
        mostly upfront (``u``), verification methods, coherence aids, a
        private scratchpad (``consideration_cost``), control
        (``p_takeover``).

    Examples
    --------
    >>> [i.cell for i in default_interventions(deal_model())][:3]
    ['reality', 'expropriation', 'commitment']
    """
    return [i for i in _DEFAULT_INTERVENTIONS if applicable(model, i)[0]]


def _clip(model: "Model", cell: str, x: np.ndarray) -> np.ndarray:
    b = model.bounds(cell)
    return np.clip(x, b[0], b[1]) if b is not None else x


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    d = b - a
    d = d[np.isfinite(d)]
    if d.size < 2:
        return (float(d.mean()) if d.size else math.nan, math.nan)
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(d.size))


def interventions(model: "Model", items: Sequence[Intervention] | None = None, n: int = 10_000,
                  seed: int | None = None, method: str = "mc") -> "pd.DataFrame":
    """Effect of each intervention on P(feasible) and on the expected value
    of the deal to us, on common random numbers, ranked.

    Every intervention runs on the same draws of every leaf as the baseline,
    so each difference is computed sample by sample; its standard error is
    that of the paired difference.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).
    items : sequence of Intervention, optional
        The interventions; by default :func:`default_interventions`.
    n : int, default 10_000
        The number of samples.
    seed : int, optional
        None takes the model's own seed, else 0.
    method : {"mc", "lhs", "qmc"}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.

    Returns
    -------
    pandas.DataFrame
        Indexed by intervention label: ``cell kind cost free p_before
        p_after delta_p delta_p_stderr delta_value delta_value_stderr
        value_per_dollar``, plus ``delta_spend`` (the change in the expected
        money we pay, USD, when the model has ``spend``), ``delta_microdoom`` and
        ``microdoom_per_MUSD`` when the model has ``value_to_us_microdoom``.

        - ``cost`` is in USD; ``free`` is True when ``cost == 0``.
        - ``delta_value`` is in the unit of ``value_to_us`` (USD in the
          deal model), or of ``feasible`` when the model has no
          ``value_to_us``.
        - ``value_per_dollar`` = ``delta_value / cost``: unit of
          ``delta_value`` per USD (dimensionless, USD per USD, in the deal
          model).  ``microdoom_per_MUSD`` = ``delta_microdoom`` per million
          USD of cost.
        - Both per-cost columns are NaN when the intervention is not costed
          (``cost=None``) and when it is free: a ratio over zero cost is not
          a number, so a free intervention is flagged ``free`` instead of
          getting an infinite ratio.

        ``attrs["units"]`` maps each numeric column to its unit.  Rows are
        ranked: free interventions that raise ``delta_value`` first (by
        ``delta_value``), then costed ones by value per dollar, then the
        rest (not costed, or free with no gain) by ``delta_value``.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model (or one changed by a formula intervention) lacks a core
        cell.
    dealvalue.UnknownCellError
        An intervention's cell is not in the model.

    Examples
    --------
    >>> m = core_model(R=90)
    >>> t = interventions(m, [Intervention("quadruple W", "W", "scale", 4.0, cost=10.0),
    ...                       Intervention("quadruple W for free", "W", "scale", 4.0, cost=0.0)], n=100)
    >>> t.loc["quadruple W", ["delta_p", "delta_value", "value_per_dollar"]].tolist()   # bid 200 >= ask 180
    [1.0, 10.0, 1.0]
    >>> t[["free", "value_per_dollar"]].values.tolist()       # free and helping: ranked first, no ratio
    [[True, nan], [False, 1.0]]
    >>> t.attrs["units"]["value_per_dollar"]
    'USD per USD of cost'
    """
    import pandas as pd

    from ..simulate import sample_leaves

    check_core(model)
    if items is None:
        items = default_interventions(model)
    s = seed_of(model, seed)
    leaves = sample_leaves(model, n, s, method)
    base = model.run_steps(leaves, n)
    value_cell = "value_to_us" if "value_to_us" in model else "feasible"
    rows = []
    for it in items:
        model.cell(it.cell)
        if it.kind == "formula":
            m2 = model.copy()
            m2.replace(it.cell, it.formula)
            check_core(m2)
            new = m2.run_steps(sample_leaves(m2, n, s, method), n)
        else:
            pinned = _clip(model, it.cell, it.apply(base[it.cell]))
            new = model.run_steps(leaves, n, fixed={it.cell: pinned})
        dp, dp_se = _paired(base["feasible"], new["feasible"])
        dv, dv_se = _paired(base[value_cell], new[value_cell])
        row = {"intervention": it.label, "cell": it.cell, "kind": it.kind, "cost": it.cost, "free": it.cost == 0,
               "p_before": float(np.mean(base["feasible"])), "p_after": float(np.mean(new["feasible"])),
               "delta_p": dp, "delta_p_stderr": dp_se, "delta_value": dv, "delta_value_stderr": dv_se,
               "value_per_dollar": _per_cost(dv, it.cost)}
        if "spend" in model:
            row["delta_spend"], _ = _paired(base["spend"], new["spend"])
        if "value_to_us_microdoom" in model:
            dm, _ = _paired(base["value_to_us_microdoom"], new["value_to_us_microdoom"])
            row["delta_microdoom"] = dm
            row["microdoom_per_MUSD"] = _per_cost(dm, it.cost, 1e6)
        rows.append(row)
    if not rows:  # no intervention applies to this model: an empty table with the columns, not a KeyError
        return pd.DataFrame(columns=["intervention", "cell", "kind", "cost", "free", "p_before", "p_after", "delta_p",
                                     "delta_p_stderr", "delta_value", "delta_value_stderr", "value_per_dollar"]
                            ).set_index("intervention")
    df = pd.DataFrame(rows).set_index("intervention")
    # rank: free and helping (0), costed (1), the rest (2); then value per dollar, then delta_value
    tier = np.where(df["free"] & (df["delta_value"] > 0), 0, np.where(df["cost"].notna() & ~df["free"], 1, 2))
    order = pd.DataFrame({"tier": tier, "vpd": -df["value_per_dollar"].to_numpy(dtype=float),
                          "dv": -df["delta_value"].to_numpy(dtype=float)}, index=df.index)
    df = df.loc[order.sort_values(["tier", "vpd", "dv"], na_position="last", kind="stable").index]
    from ..units import unit_text

    vu = "probability" if value_cell == "feasible" else (unit_text(model.unit(value_cell)) or "dimensionless")
    units = {"cost": "USD", "p_before": "probability", "p_after": "probability", "delta_p": "probability",
             "delta_p_stderr": "probability", "delta_value": vu, "delta_value_stderr": vu,
             "value_per_dollar": f"{vu} per USD of cost"}
    if "delta_spend" in df:
        units["delta_spend"] = "USD"
    if "microdoom_per_MUSD" in df:
        units.update(delta_microdoom="microdoom", microdoom_per_MUSD="microdoom per million USD of cost")
    df.attrs["units"] = units
    return df




def _per_cost(delta: float, cost: float | None, scale: float = 1.0) -> float:
    """``delta`` per ``cost / scale``: NaN when not costed or free (a ratio
    over zero cost is not a number; :func:`interventions` flags free
    changes in its ``free`` column and ranks those that help first).

    Examples
    --------
    >>> _per_cost(10.0, 2e6, 1e6), _per_cost(10.0, 0.0), _per_cost(10.0, None)
    (5.0, nan, nan)
    """
    if cost is None or cost == 0:
        return math.nan
    return delta / (cost / scale)

