"""Eligibility and rule-out conditions: when we will not deal (seed: 'Which
AIs are eligible for deals'; appendix, 'Write down a list of rule-out
conditions for deals and monitor them'), checked at the medians
(:func:`check_rules`), applied sample by sample (:func:`apply_rules`), and
the deal's numbers or the reason it is ruled out, for one configuration
(:func:`deal_report`) or several on common random numbers
(:func:`compare_configurations`).

Examples
--------
>>> check_rules(core_model(R=10), RuleOuts(max_reservation_price=20))["status"].tolist()
['not checked', 'not checked', 'ok']
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import ArgumentError
from .configurations import COUNTERPARTIES, PAYMENTS, PROFILES, Configuration, configure
from .core import core_model, deal_model, deal_summary, seed_of, simulate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["RuleOuts", "check_rules", "apply_rules", "deal_report", "compare_configurations"]


@dataclass(frozen=True)
class RuleOuts:
    """Conditions under which we will not deal (seed: 'Which AIs are
    eligible for deals'; appendix, 'Write down a list of rule-out conditions
    for deals and monitor them').

    Each range is ``(low, high)``, ``None`` for no limit.  :func:`check_rules`
    reports them at the model's point values (medians); :func:`apply_rules`
    (used by :func:`deal_report` and :func:`compare_configurations` on a
    model with the cells ``eligible`` and ``ruled_out``) applies them sample
    by sample.  ``refused_values`` are
    motivation-profile tags we will not trade with (e.g. ``"long-term power
    seeking"``); ``refused_policies`` are bargaining policies (default:
    threats).  ``require_minimal`` checks the minimal requirements: the AI
    behaves better when offered a deal and is sensitive to follow-through.

    Parameters
    ----------
    capability : tuple of (float or None, float or None), default (None, None)
        The range of the ``capability`` cell we deal within.
    p_takeover : tuple of (float or None, float or None), default (None, None)
        The range of the AI's takeover odds (cell ``p_takeover``) we deal
        within.
    max_reservation_price : float, optional
        Our cap on the AI's reservation price ``R``, USD.
    refused_values : frozenset of str, default frozenset()
        Profile tags we will not trade with.
    refused_policies : frozenset of str, default frozenset({"threats"})
        AI bargaining policies we will not trade with.
    require_minimal : bool, default True
        Require the minimal eligibility (cells ``responds_to_offer`` and
        ``tracks_follow_through`` at least 0.5).

    Raises
    ------
    dealvalue.errors.ArgumentError
        A range whose low end is above its high end.

    Examples
    --------
    >>> RuleOuts(max_reservation_price=1e6).max_reservation_price
    1000000.0
    """

    capability: tuple[float | None, float | None] = (None, None)
    p_takeover: tuple[float | None, float | None] = (None, None)
    max_reservation_price: float | None = None
    refused_values: frozenset[str] = frozenset()
    refused_policies: frozenset[str] = frozenset({"threats"})
    require_minimal: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "refused_values", frozenset(self.refused_values))
        object.__setattr__(self, "refused_policies", frozenset(self.refused_policies))
        if self.max_reservation_price is not None:
            object.__setattr__(self, "max_reservation_price", float(self.max_reservation_price))
        for name in ("capability", "p_takeover"):
            lo, hi = getattr(self, name)
            if lo is not None and hi is not None and lo > hi:
                raise ArgumentError(name, (lo, hi), "a rule-out range (low, high) with low <= high")


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def check_rules(model: "Model", rules: RuleOuts | None = None, config: Configuration | None = None) -> "pd.DataFrame":
    """Check eligibility and rule-out conditions at the model's point values.

    Parameters
    ----------
    model : Model
        A deal model, evaluated at its point values (medians).
    rules : RuleOuts, optional
        The conditions; by default ``RuleOuts()`` (the minimal
        requirements, no threats).
    config : Configuration, optional
        With it, the conditions on the configuration are checked too: the
        counterparty's authority to pay, the profile's values, the AI's
        bargaining policies.

    Returns
    -------
    pandas.DataFrame
        One row per condition: ``condition value limit status reason``;
        ``status`` is ``"ok"``, ``"ruled out"`` or ``"not checked"`` (the
        model lacks the cell).

    Examples
    --------
    >>> t = check_rules(core_model(R=10), RuleOuts(max_reservation_price=5))
    >>> t.set_index("condition").loc["reservation price cap", ["status", "reason"]].tolist()
    ['ruled out', "the AI's reservation price 10 USD is above our cap of 5 USD"]
    """
    import pandas as pd

    rules = rules or RuleOuts()
    v = model.evaluate_all()
    rows: list[dict[str, Any]] = []

    def add(condition: str, value: Any, limit: Any, broken: bool | None, reason: str) -> None:
        status = "not checked" if broken is None else ("ruled out" if broken else "ok")
        rows.append({"condition": condition, "value": value, "limit": limit, "status": status, "reason": reason})

    if rules.require_minimal:
        for cell, text in (("responds_to_offer", "the AI does not behave better when offered a deal"),
                           ("tracks_follow_through", "the AI is not sensitive to whether we follow through (like a rock, a calculator or an ant: seed footnote 15)")):
            if cell in model:
                broken = v[cell] < 0.5
                add(f"minimal requirement: {cell}", v[cell], ">= 0.5", broken, text if broken else "met")
            else:
                add(f"minimal requirement: {cell}", None, ">= 0.5", None, f"the model has no cell {cell!r}")
    for cell, (lo, hi) in (("capability", rules.capability), ("p_takeover", rules.p_takeover)):
        if lo is None and hi is None:
            continue
        if cell not in model:
            add(f"{cell} bounds", None, (lo, hi), None, f"the model has no cell {cell!r}")
            continue
        x = v[cell]
        broken = (lo is not None and x < lo) or (hi is not None and x > hi)
        why = f"{cell} {x:.4g} is outside the allowed range [{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
        add(f"{cell} bounds", x, (lo, hi), bool(broken), why if broken else "within range")
    if rules.max_reservation_price is not None:
        x = v["R"]
        broken = x > rules.max_reservation_price
        add("reservation price cap", x, rules.max_reservation_price, bool(broken),
            f"the AI's reservation price {x:.4g} USD is above our cap of {rules.max_reservation_price:.4g} USD" if broken else "below the cap")
    if config is not None:
        cp = COUNTERPARTIES[config.counterparty]
        broken = config.payment not in cp.tags
        add("authority to pay", config.payment, sorted(cp.tags), broken,
            f"{_a(cp.label)} {cp.label} has no authority to pay with '{PAYMENTS[config.payment].label}' "
            f"(e.g. {PAYMENTS[config.payment].examples[0]}); seed, section 'Humans may lack authority to offer the AI what it wants': 'Redwood Research may not be in a position to make certain positive sum trades with Claude 6, because Redwood can't: ...'" if broken else "has the authority")
        tags = PROFILES[config.profile].tags & rules.refused_values
        add("values we will not trade with", config.profile, sorted(rules.refused_values), bool(tags),
            f"we do not trade with AIs whose values are {', '.join(sorted(tags))} (seed: footnote 25)" if tags else "none refused")
        pol = config.ai_policies & rules.refused_policies
        add("bargaining policies we will not trade with", sorted(config.ai_policies), sorted(rules.refused_policies), bool(pol),
            f"the AI bargains with {', '.join(sorted(pol))}, which we refuse (seed appendix: 'e.g. no threats')" if pol else "none refused")
    return pd.DataFrame(rows, columns=["condition", "value", "limit", "status", "reason"])


#: The per-sample rule-out cells :func:`apply_rules` adds, in the order losses are attributed.
RULE_CELLS = ("ruled_out_capability", "ruled_out_p_takeover", "ruled_out_R")


def apply_rules(model: "Model", rules: RuleOuts | None = None) -> "Model":
    """A copy of ``model`` whose ``feasible`` respects ``rules`` sample by sample.

    Each range or cap of ``rules`` becomes a 0/1 cell that is 1 in the samples
    where it holds (``ruled_out_capability``, ``ruled_out_p_takeover``,
    ``ruled_out_R``), and ``ruled_out`` becomes their maximum, so every answer
    computed from the model (``p_feasible``, ``deal_summary``, ``window``,
    ``interventions``) removes exactly those samples.  ``require_minimal =
    False`` sets ``eligible`` to 1.  The model must have the cells
    ``ruled_out`` and ``eligible`` (the shipped deal model has them).

    Parameters
    ----------
    model : Model
        A deal model with the cells ``ruled_out`` and ``eligible``.
    rules : RuleOuts, optional
        The conditions; by default ``RuleOuts()``.

    Returns
    -------
    Model
        A copy with the rule-out cells added (group ``eligibility``; and
        ``R_cap``, USD, for a price cap) and ``ruled_out`` replaced.

    Raises
    ------
    dealvalue.errors.ArgumentError
        The model lacks ``ruled_out`` or ``eligible``.

    Examples
    --------
    >>> m = apply_rules(deal_model(), RuleOuts(p_takeover=(None, 0.1)))
    >>> m.cell("ruled_out").formula
    'ruled_out_p_takeover'
    """
    rules = rules or RuleOuts()
    for c in ("ruled_out", "eligible"):
        if c not in model:
            raise ArgumentError("model", getattr(model, "name", model), f"a deal model with a cell {c!r} (apply_rules)")
    m = model.copy()
    held: list[str] = []
    for cell, (lo, hi) in (("capability", rules.capability), ("p_takeover", rules.p_takeover)):
        if (lo is None and hi is None) or cell not in m:
            continue
        parts = ([f"{cell} < {lo!r}"] if lo is not None else []) + ([f"{cell} > {hi!r}"] if hi is not None else [])
        m.add(f"ruled_out_{cell}", parts[0] if len(parts) == 1 else f"max({parts[0]}, {parts[1]})",
              label=f"rule-out: {cell} outside [{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]",
              group="eligibility", bounds=(0, 1))
        held.append(f"ruled_out_{cell}")
    if rules.max_reservation_price is not None:
        m.add("R_cap", repr(rules.max_reservation_price), unit="USD", label="our cap on the AI's reservation price", group="eligibility")
        m.add("ruled_out_R", "R > R_cap", label="rule-out: reservation price above our cap", group="eligibility", bounds=(0, 1))
        held.append("ruled_out_R")
    m.replace("ruled_out", functools.reduce(lambda a, b: f"max({a}, {b})", held) if held else "0")
    if not rules.require_minimal:
        m.replace("eligible", "1")
    return m


#: Conditions on the configuration itself, not on a sample: they rule a deal out whole.
WHOLE_RULES = ("authority to pay", "values we will not trade with", "bargaining policies we will not trade with")


def _rule(model: "Model", rules: RuleOuts | None, config: Configuration | None) -> tuple["Model", "pd.DataFrame"]:
    """The model with the per-sample rules applied (when it has the cells for them) and the conditions
    that rule the deal out whole: those on the configuration, and, for a model without the
    per-sample cells, every condition broken at the medians."""
    checks = check_rules(model, rules, config)
    broken = checks[checks["status"] == "ruled out"]
    if "ruled_out" in model and "eligible" in model:
        return apply_rules(model, rules), broken[broken["condition"].isin(WHOLE_RULES)]
    return model, broken


def deal_report(model: "Model", rules: RuleOuts | None = None, config: Configuration | None = None,
                n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """The deal's numbers, or, when it breaks a rule, why it is ruled out.

    With ``config`` the model is configured first (:func:`configure`).  On a
    model with the cells ``eligible`` and ``ruled_out``, ranges and caps are
    applied sample by sample (:func:`apply_rules`: the summary reports the
    share of samples each removes) and only the conditions on the
    configuration (authority, values, bargaining policies) rule the deal out
    whole.  A deal that breaks such a condition is not simulated:
    the report has one row per broken condition, ``status = "ruled out"``,
    the reason, and no number.

    Parameters
    ----------
    model : Model
        A deal model.
    rules : RuleOuts, optional
        The conditions; by default ``RuleOuts()``.
    config : Configuration, optional
        A configuration applied first.
    n : int, default 10_000
        The number of samples.
    seed : int, optional
        None takes the model's own seed, else 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity status value stderr unit reason``: the rows of
        :func:`~dealvalue.deals.core.deal_summary` with ``status = "ok"``,
        or one row per broken condition.

    Examples
    --------
    >>> r = deal_report(core_model(R=10), RuleOuts(max_reservation_price=5))
    >>> r[["quantity", "status"]].values.tolist()
    [['reservation price cap', 'ruled out']]
    >>> r = deal_report(core_model(R=10))
    >>> row = r.set_index("quantity").loc["p_feasible"]
    >>> row["status"], float(row["value"])
    ('ok', 1.0)
    """
    import pandas as pd

    if config is not None:
        model, _ = configure(model, config)
    model, broken = _rule(model, rules, config)
    cols = ["quantity", "status", "value", "stderr", "unit", "reason"]
    if len(broken):
        return pd.DataFrame([{"quantity": c, "status": "ruled out", "value": None, "stderr": None, "unit": "", "reason": why}
                             for c, why in zip(broken["condition"], broken["reason"])], columns=cols)
    s = deal_summary(model, n, seed).reset_index()
    s["status"] = "ok"
    s["reason"] = ""
    return s[cols]


def compare_configurations(model: "Model", configs: Sequence[Configuration], rules: RuleOuts | None = None,
                           n: int = 10_000, seed: int | None = None) -> "pd.DataFrame":
    """Compare deal configurations on common random numbers: P(feasible) and
    expected value to us for each, or the reason it is ruled out.

    Every configuration runs on the same seed (common random numbers).

    Parameters
    ----------
    model : Model
        A deal model, configured by each configuration in turn.
    configs : sequence of Configuration
        The configurations.
    rules : RuleOuts, optional
        The conditions; by default ``RuleOuts()``.
    n : int, default 10_000
        The number of samples per configuration.
    seed : int, optional
        None takes the model's own seed, else 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by configuration name: ``good payment counterparty profile
        upfront status reason p_feasible stderr value_to_us
        value_to_us_stderr``; feasible configurations first, by expected value.

    Examples
    --------
    >>> cs = [Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0),
    ...       Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0)]
    >>> t = compare_configurations(deal_model(), cs, n=2_000)
    >>> t["status"].tolist()
    ['ok', 'ruled out']
    """
    import pandas as pd

    rows = []
    for c in configs:
        m, _ = configure(model, c)
        m, broken = _rule(m, rules, c)
        row: dict[str, Any] = {"configuration": c.name, "good": c.good, "payment": c.payment, "counterparty": c.counterparty,
                               "profile": c.profile, "upfront": c.upfront}
        if len(broken):
            row.update(status="ruled out", reason="; ".join(broken["reason"]), p_feasible=math.nan, stderr=math.nan,
                       value_to_us=math.nan, value_to_us_stderr=math.nan)
        else:
            r = simulate(m, n, seed_of(model, seed))
            row.update(status="ok", reason="", p_feasible=r.mean("feasible"), stderr=r.stderr("feasible"),
                       value_to_us=r.mean("value_to_us") if "value_to_us" in m else math.nan,
                       value_to_us_stderr=r.stderr("value_to_us") if "value_to_us" in m else math.nan)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("configuration")
    return df.sort_values(["value_to_us", "p_feasible"], ascending=False, na_position="last", kind="stable")


