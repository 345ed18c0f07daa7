"""Answers about deals: is there one, which barrier binds, what to improve.

Every function here works on any model that names the core cells of the
taxonomy deal model (the shipped model ``deal``, see :mod:`dealvalue.models`)::

    R  W  c_h  c_ai  ask  bid  feasible

(``ask = R / c_h`` and ``bid = W * c_ai`` in the simplest model; a model may
build each of them from as many factors as it likes).  Cells named
``value_to_us``, ``value_to_ai``, ``price``, ``spend``, ``value_delivered``,
``g``, ``P_c`` and the eligibility cells are used when present.

Each answer is a :class:`pandas.DataFrame` or a number, with Monte Carlo
standard errors where it is an estimate.  Functions that simulate take
``n`` and ``seed``; the same seed gives the same numbers, and every
comparison (interventions, the capability window, configurations) runs on
common random numbers: the same draws of every leaf, so a difference between
two runs is the effect of the change, not noise.

The submodules, each importing only those before it: :mod:`.core` (the core
cells, loading and simulating, P(feasible), the ZOPA), :mod:`.barriers`,
:mod:`.thresholds`, :mod:`.interventions`, :mod:`.window`,
:mod:`.credibility`, :mod:`.configurations` (with its data file
``catalogue.toml``), :mod:`.rules` (eligibility and rule-outs), :mod:`.alternatives`, :mod:`.voi`, :mod:`.report` (the
headline) and :mod:`.scenarios`.  Everything public is also here.

Examples
--------
The seed's worked example (footnote 26):

>>> import dealvalue as dv
>>> from dealvalue import deals
>>> m = deals.core_model(R=90, W=100, c_h=0.5, c_ai=0.5)
>>> m.evaluate("ask"), m.evaluate("bid"), m.evaluate("feasible")
(180.0, 50.0, 0.0)
>>> m.replace("R", "10")
>>> deals.zopa_point(m)
(20.0, 50.0, 35.0)
"""

from __future__ import annotations

from typing import Any

from .alternatives import Alternative, compare_alternatives
from .barriers import Term, barrier_terms, decomposition, decomposition_distribution, decomposition_samples
from .configurations import (
    COUNTERPARTIES,
    GOODS,
    MAX_UPFRONT,
    PAYMENTS,
    PROFILES,
    Configuration,
    Option,
    catalogue,
    configure,
)
from .core import CORE, check_core, core_model, deal_model, deal_summary, p_feasible, simulate, zopa, zopa_point
from .credibility import best_offer, falling_credibility
from .future_share import price_in_future_share
from .upfront import best_upfront, many_ais
from .interventions import Intervention, applicable, configured_by, default_interventions, interventions
from .rules import RuleOuts, apply_rules, check_rules, compare_configurations, deal_report
from .report import barrier_effects, binding_barrier, headline, headline_sentence, probability_label, roles
from .scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS, make_scenario, scenario
from .thresholds import thresholds
from .voi import top_inputs, value_of_information
from .window import window, window_ends

__all__ = [
    "CORE",
    "MODELS_DIR",
    "core_model",
    "deal_model",
    "check_core",
    "simulate",
    "p_feasible",
    "deal_summary",
    "zopa",
    "zopa_point",
    "Term",
    "barrier_terms",
    "decomposition",
    "decomposition_samples",
    "decomposition_distribution",
    "thresholds",
    "Intervention",
    "applicable",
    "configured_by",
    "default_interventions",
    "interventions",
    "window",
    "window_ends",
    "best_offer",
    "falling_credibility",
    "best_upfront",
    "many_ais",
    "Option",
    "GOODS",
    "PAYMENTS",
    "COUNTERPARTIES",
    "PROFILES",
    "MAX_UPFRONT",
    "Configuration",
    "catalogue",
    "configure",
    "RuleOuts",
    "apply_rules",
    "check_rules",
    "deal_report",
    "compare_configurations",
    "Alternative",
    "compare_alternatives",
    "SCENARIOS",
    "scenario",
    "make_scenario",
    "price_in_future_share",
    "SCENARIO_DESCRIPTIONS",
    "top_inputs",
    "value_of_information",
    "roles",
    "probability_label",
    "headline",
    "headline_sentence",
    "barrier_effects",
    "binding_barrier",
]


def __getattr__(name: str) -> Any:
    """``MODELS_DIR``, deprecated: the folder of the shipped models (use
    :mod:`dealvalue.models`: ``models.path(name)``, ``models.scenario_path(name)``)."""
    if name == "MODELS_DIR":
        import warnings

        from .. import models

        warnings.warn("dealvalue.deals.MODELS_DIR is deprecated; find shipped models by name with dealvalue.models "
                      "(models.path('deal'), models.scenario_path('labour_trust_fund'))", DeprecationWarning, stacklevel=2)
        return models.path("deal").parent
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
