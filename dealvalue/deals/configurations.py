"""Deal configurations: good x payment quadrant x counterparty x AI profile x
upfront share, and the factor defaults each sets (with the seed's reasons).
The conditions under which we will not deal are in :mod:`.rules`.

The options are data: ``catalogue.toml`` beside this module, read with
:mod:`importlib.resources` and validated when the module is imported
(:func:`read_catalogue`; a bad entry raises
:class:`~dealvalue.errors.CatalogueError` naming its field).

Examples
--------
>>> sorted(GOODS)[:2], MAX_UPFRONT["low_freedom_high_influence"]
(['evidence_iv', 'evidence_rv'], 0.0)
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Mapping

from ..errors import ArgumentError, CatalogueError
from .core import deal_model

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = [
    "Option",
    "Catalogue",
    "read_catalogue",
    "GOODS",
    "PAYMENTS",
    "COUNTERPARTIES",
    "PROFILES",
    "MAX_UPFRONT",
    "Configuration",
    "catalogue",
    "configure",
]


@dataclass(frozen=True)
class Option:
    """One entry of a configuration catalogue: what it is, the seed's
    examples, and the cells it sets, each as ``cell -> (formula, reason)``.

    Parameters
    ----------
    key : str
        The option's key in the catalogue (e.g. ``"trust_fund"``).
    label : str
        Its name in words.
    examples : tuple of str, default ()
        The seed's examples of it.
    sets : mapping of str to (str, str), default {}
        The cells it sets: ``cell -> (formula, reason)``.
    tags : frozenset of str, default frozenset()
        For a counterparty, the payments it has the authority to offer; for
        a profile, the values it holds (which rule-outs may refuse).

    Examples
    --------
    >>> o = PAYMENTS["trust_fund"]
    >>> o.key, MAX_UPFRONT[o.key], "expropriation" in o.sets
    ('trust_fund', 0.0, True)
    """

    key: str
    label: str
    examples: tuple[str, ...] = ()
    sets: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()


# ---------------------------------------------------------------- the catalogue, a data file
_KINDS = ("good", "payment", "counterparty", "profile")
_EXTRA = {"good": (), "payment": ("max_upfront",), "counterparty": (), "profile": ("coherence_scale", "fit")}


@dataclass(frozen=True)
class Catalogue:
    """The options a configuration picks from, as read from ``catalogue.toml``.

    ``fit[profile][payment]`` is the ``(formula, reason)`` of the
    ``payment_fit`` cell; ``coherence_scale[profile]`` multiplies the good's
    coherence; ``max_upfront[payment]`` is the most of a payment that can be
    made now.
    """

    goods: dict[str, Option]
    payments: dict[str, Option]
    counterparties: dict[str, Option]
    profiles: dict[str, Option]
    max_upfront: dict[str, float]
    fit: dict[str, dict[str, tuple[str, str]]]
    coherence_scale: dict[str, float]


class _Reader:
    """Checks one catalogue's fields, naming the first that is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, reason: str) -> CatalogueError:
        return CatalogueError(self.source, where, reason)

    def table(self, x: Any, where: str) -> dict[str, Any]:
        if not isinstance(x, dict):
            raise self.fail(where, f"expected a table, got {x!r}")
        return x

    def text(self, x: Any, where: str) -> str:
        if not isinstance(x, str) or not x.strip():
            raise self.fail(where, f"expected a non-empty string, got {x!r}")
        return x

    def texts(self, x: Any, where: str, nonempty: bool = False) -> tuple[str, ...]:
        if not isinstance(x, list) or (nonempty and not x):
            raise self.fail(where, f"expected a{' non-empty' if nonempty else ''} list of strings, got {x!r}")
        return tuple(self.text(v, f"{where}[{i}]") for i, v in enumerate(x))

    def number(self, x: Any, where: str, lo: float, hi: float, low_open: bool = False) -> float:
        ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
        if not ok or not ((lo < x if low_open else lo <= x) and x <= hi):
            span = f"{'(' if low_open else '['}{lo:g}, {hi:g}]"
            raise self.fail(where, f"expected a number in {span}, got {x!r}")
        return float(x)

    def setting(self, x: Any, where: str) -> tuple[str, str]:
        t = self.table(x, where)
        extra = sorted(set(t) - {"formula", "reason"})
        if extra:
            raise self.fail(f"{where}.{extra[0]}", "unknown field; expected formula and reason")
        for k in ("formula", "reason"):
            if k not in t:
                raise self.fail(f"{where}.{k}", "missing")
        return (self.text(t["formula"], f"{where}.formula"), self.text(t["reason"], f"{where}.reason"))

    def option(self, kind: str, key: str, x: Any) -> Option:
        where = f"{kind}.{key}"
        t = self.table(x, where)
        allowed = {"label", "examples", "tags", "sets", *_EXTRA[kind]}
        extra = sorted(set(t) - allowed)
        if extra:
            raise self.fail(f"{where}.{extra[0]}", f"unknown field; expected {', '.join(sorted(allowed))}")
        for k in ("label", "examples", "tags", "sets", *_EXTRA[kind]):
            if k not in t:
                raise self.fail(f"{where}.{k}", "missing")
        sets = self.table(t["sets"], f"{where}.sets")
        return Option(key, self.text(t["label"], f"{where}.label"),
                      self.texts(t["examples"], f"{where}.examples", nonempty=kind == "payment"),
                      {cell: self.setting(v, f"{where}.sets.{cell}") for cell, v in sets.items()},
                      frozenset(self.texts(t["tags"], f"{where}.tags")))

    def read(self, data: Mapping[str, Any]) -> Catalogue:
        extra = sorted(set(data) - set(_KINDS))
        if extra:
            raise self.fail(extra[0], f"unknown table; expected {', '.join(_KINDS)}")
        raw = {kind: self.table(data.get(kind), kind) for kind in _KINDS}
        for kind in _KINDS:
            if not raw[kind]:
                raise self.fail(kind, "expected at least one entry")
        opts = {kind: {key: self.option(kind, key, x) for key, x in raw[kind].items()} for kind in _KINDS}
        payments = list(opts["payment"])
        max_upfront = {p: self.number(raw["payment"][p]["max_upfront"], f"payment.{p}.max_upfront", 0, 1) for p in payments}
        for key, o in opts["counterparty"].items():
            bad = sorted(o.tags - set(payments))
            if bad:
                raise self.fail(f"counterparty.{key}.tags", f"expected payment keys ({', '.join(payments)}), got {bad[0]!r}")
        fit: dict[str, dict[str, tuple[str, str]]] = {}
        scale: dict[str, float] = {}
        for key in opts["profile"]:
            where = f"profile.{key}"
            scale[key] = self.number(raw["profile"][key]["coherence_scale"], f"{where}.coherence_scale", 0, math.inf, low_open=True)
            f = self.table(raw["profile"][key]["fit"], f"{where}.fit")
            if set(f) != set(payments):
                odd = sorted(set(f) ^ set(payments))[0]
                raise self.fail(f"{where}.fit.{odd}", f"expected one entry per payment: {', '.join(payments)}")
            fit[key] = {p: self.setting(f[p], f"{where}.fit.{p}") for p in payments}
        if any(s != 1.0 for s in scale.values()):
            for key, o in opts["good"].items():
                if "coherence" not in o.sets:
                    raise self.fail(f"good.{key}.sets.coherence", "missing: a profile's coherence_scale multiplies it")
        return Catalogue(opts["good"], opts["payment"], opts["counterparty"], opts["profile"], max_upfront, fit, scale)


def read_catalogue(text: str | None = None, source: str = "dealvalue/deals/catalogue.toml") -> Catalogue:
    """Read and check a configuration catalogue: ``text`` in the format of
    ``catalogue.toml`` (default: the shipped file).

    Raises
    ------
    dealvalue.errors.CatalogueError
        A field that is missing, unknown or of the wrong kind, named as
        ``kind.key.field`` (e.g. ``payment.x.max_upfront``).

    Examples
    --------
    >>> read_catalogue().max_upfront["low_freedom_high_influence"]
    0.0
    >>> read_catalogue('[good.x]\\nlabel = ""')
    Traceback (most recent call last):
    ...
    dealvalue.errors.CatalogueError: <text>: field 'payment': expected a table, got None
    """
    if text is None:
        text = resources.files(__package__ or "dealvalue.deals").joinpath("catalogue.toml").read_text(encoding="utf-8")
    elif source == "dealvalue/deals/catalogue.toml":
        source = "<text>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(source, "", f"not valid TOML: {exc}") from None
    return _Reader(source).read(data)


_CATALOGUE = read_catalogue()
GOODS: dict[str, Option] = _CATALOGUE.goods
"""The goods (seed: 'What we can buy in deals'). IV: immediately verifiable, RV: retroactively."""
PAYMENTS: dict[str, Option] = _CATALOGUE.payments
"""The payments: the four freedom x influence quadrants, and two forms of the low-freedom, high-influence one (a trust fund, a share of the future) split out for authority (seed: 'What we can pay for deals', and the Redwood example of 'Humans may lack authority to offer the AI what it wants')."""
COUNTERPARTIES: dict[str, Option] = _CATALOGUE.counterparties
"""The human counterparty; its tags are the payments it has the authority to offer (seed: the Redwood example of 'Humans may lack authority to offer the AI what it wants')."""
PROFILES: dict[str, Option] = _CATALOGUE.profiles
"""AI motivation profiles (seed: 'Humans might be unwilling to offer the AI what it wants')."""
MAX_UPFRONT: dict[str, float] = _CATALOGUE.max_upfront
"""Most of a payment that can be made now, by quadrant (a trust fund or a share of the future is deferred by design)."""


@dataclass(frozen=True)
class Configuration:
    """A deal configuration: good x payment quadrant x counterparty x AI
    motivation profile x upfront share, plus bargaining policies observed in
    the AI (e.g. ``{"threats"}``), which rule-outs may refuse.

    Parameters
    ----------
    good : str
        A key of ``GOODS`` (what we buy).
    payment : str
        A key of ``PAYMENTS`` (how we pay).
    counterparty : str
        A key of ``COUNTERPARTIES`` (who offers the deal).
    profile : str
        A key of ``PROFILES`` (the AI's motivations).
    upfront : float, default 0.0
        The share of the payment asked to be made now, in [0, 1] (capped
        by :func:`configure` at ``MAX_UPFRONT[payment]``).
    ai_policies : frozenset of str, default frozenset()
        Bargaining policies observed in the AI.

    Raises
    ------
    dealvalue.errors.ArgumentError
        A key that is not in its catalogue, or ``upfront`` outside [0, 1].

    Examples
    --------
    >>> Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", upfront=1.0).name
    'evidence_iv / high_freedom_low_influence / safety_org / schemer / u=1'
    """

    good: str
    payment: str
    counterparty: str
    profile: str
    upfront: float = 0.0
    ai_policies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for kind, key, table in (("good", self.good, GOODS), ("payment", self.payment, PAYMENTS),
                                 ("counterparty", self.counterparty, COUNTERPARTIES), ("profile", self.profile, PROFILES)):
            if key not in table:
                raise ArgumentError(kind, key, f"one of {', '.join(table)}")
        if not 0 <= self.upfront <= 1:
            raise ArgumentError("upfront", self.upfront, "an upfront share in [0, 1]")
        object.__setattr__(self, "ai_policies", frozenset(self.ai_policies))

    @property
    def name(self) -> str:
        """The configuration in one line: ``good / payment / counterparty /
        profile / u=upfront``.

        Returns
        -------
        str
            The name, used as the row label by
            :func:`~dealvalue.deals.rules.compare_configurations`.

        Examples
        --------
        >>> Configuration("labour_rv", "trust_fund", "ai_developer", "reward_seeker").name
        'labour_rv / trust_fund / ai_developer / reward_seeker / u=0'
        """
        return f"{self.good} / {self.payment} / {self.counterparty} / {self.profile} / u={self.upfront:g}"


def catalogue() -> "pd.DataFrame":
    """The configuration catalogue as one table: kind, key, label, examples,
    the cells each option sets and why.

    Returns
    -------
    pandas.DataFrame
        One row per option and cell it sets: ``kind key label examples cell
        formula reason``; ``kind`` is ``good``, ``payment``,
        ``counterparty`` or ``profile``; ``examples`` are joined by ``"; "``.

    Examples
    --------
    >>> c = catalogue()
    >>> sorted(set(c["kind"]))
    ['counterparty', 'good', 'payment', 'profile']
    """
    import pandas as pd

    rows = []
    for kind, table in (("good", GOODS), ("payment", PAYMENTS), ("counterparty", COUNTERPARTIES), ("profile", PROFILES)):
        for o in table.values():
            for cell, (formula, reason) in o.sets.items():
                rows.append({"kind": kind, "key": o.key, "label": o.label, "examples": "; ".join(o.examples),
                             "cell": cell, "formula": formula, "reason": reason})
    return pd.DataFrame(rows)


def configure(model: "Model", config: Configuration) -> tuple["Model", "pd.DataFrame"]:
    """A copy of ``model`` with the factor defaults a configuration sets, and
    a table of what was set and why.

    The good sets coherence, verification, the value and the stake; the
    payment quadrant sets expropriation and the takeover risk it buys; the
    counterparty sets connection to reality and commitment; the profile sets
    risk attitude, time preference and takeover payoff, and with the payment
    the payment's fit; the upfront share sets ``u`` (capped at what the
    payment allows).  Cells the model lacks are skipped and listed as such.
    Whether the counterparty may offer the payment is a rule-out, checked by
    :func:`~dealvalue.deals.rules.check_rules`.

    Parameters
    ----------
    model : Model
        The model to configure (left unchanged).
    config : Configuration
        The choices.

    Returns
    -------
    (Model, pandas.DataFrame)
        The configured model and one row per cell touched: ``cell formula
        previous set_by reason``.

    Examples
    --------
    >>> m, why = configure(deal_model(), Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0))
    >>> m.cell("u").formula, why.set_index("cell").loc["u", "set_by"]
    ('1', 'upfront share')
    """
    import pandas as pd

    m = model.copy()
    plan: list[tuple[str, str, str, str]] = []  # (cell, formula, set_by, reason)
    for set_by, opt in (("good: " + config.good, GOODS[config.good]), ("payment: " + config.payment, PAYMENTS[config.payment]),
                        ("counterparty: " + config.counterparty, COUNTERPARTIES[config.counterparty]),
                        ("profile: " + config.profile, PROFILES[config.profile])):
        for cell, (formula, reason) in opt.sets.items():
            plan.append((cell, formula, set_by, reason))
    fit_formula, fit_reason = _CATALOGUE.fit[config.profile][config.payment]
    plan.append(("payment_fit", fit_formula, f"profile x payment: {config.profile} x {config.payment}", fit_reason))
    scale = _CATALOGUE.coherence_scale[config.profile]
    if scale != 1.0:
        good_coh = GOODS[config.good].sets["coherence"][0]
        plan.append(("coherence", f"({good_coh}) * {scale:g}", f"profile: {config.profile}",
                     "context-dependent drives keep the word less reliably across instances (seed: 'Incoherent or temporally inconsistent AIs')"))
    u = min(config.upfront, MAX_UPFRONT[config.payment])
    reason = "share paid now, needing only connection to reality (seed: key takeaways, footnote 5)"
    if u < config.upfront:
        reason = f"asked for {config.upfront:g}, capped at {u:g}: a {PAYMENTS[config.payment].label} payment is deferred by design"
    plan.append(("u", f"{u:g}", "upfront share", reason))
    rows = []
    final: dict[str, str] = {}
    for cell, formula, set_by, why in plan:
        previous = model.cell(cell).formula if cell in model else None
        rows.append({"cell": cell, "formula": formula, "previous": previous, "set_by": set_by,
                     "reason": why if cell in model else f"not in the model: skipped ({why})"})
        if cell in model:
            final[cell] = formula
    from dataclasses import replace as _replace

    why_final = {r["cell"]: (r["set_by"], r["reason"]) for r in rows if r["cell"] in final}
    m.add_cells([_replace(m.cell(c), formula=f, description=(m.cell(c).description + f" Configured ({why_final[c][0]}): {why_final[c][1]}.").strip())
                 for c, f in final.items()])
    m.name = f"{model.name}: {config.name}"
    m.description = (model.description + "\n\n" if model.description else "") + (
        f"Configuration: {GOODS[config.good].label}; paid {PAYMENTS[config.payment].label} "
        f"(e.g. {PAYMENTS[config.payment].examples[0]}); counterparty {COUNTERPARTIES[config.counterparty].label}; "
        f"AI profile {PROFILES[config.profile].label}; upfront share {u:g}.")
    df = pd.DataFrame(rows, columns=["cell", "formula", "previous", "set_by", "reason"])
    # a later option overrides an earlier one for the same cell: keep the last, in plan order
    df = df.drop_duplicates("cell", keep="last").reset_index(drop=True)
    return m, df
