"""A share of the future as the unit of price: the no-takeover scenario priced
in ``future_share`` instead of USD.

The unit ``future_share`` is the whole future we could reach (the seed's
'0.01% of the future' is ``1e-4 future_share``).  The AI's valuation of a
share (``ai_share_value``, USD per future_share: what a unit is worth to it in
certain dollars it controls) turns its reservation price into shares; ours
(``our_share_cost``, microdoom per future_share, times the
early-versus-later-schemer exchange rate, footnote 25) turns the value of the
good into the most shares we would give.  Then ``R``, ``W``, ``ask``, ``bid``
and ``price`` are in future_share and the footnote-26 arithmetic holds in that
unit: ``ask = R / c_h``, ``bid = W * c_ai / cost_rate``, ``price = ask +
beta * (bid - ask)``.

Examples
--------
>>> from dealvalue.deals.scenarios import scenario
>>> m = scenario("no_takeover_share_of_future")
>>> str(m.unit("price"))
'future_share'
"""

from __future__ import annotations

from dataclasses import replace as _replace
from typing import TYPE_CHECKING

from ..cells import Cell

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["UNIT", "price_in_future_share"]

UNIT = "future_share"
"""The whole reachable future; 0.01% of the future is 1e-4 of it."""

_GROUP = "payment structure"


def price_in_future_share(model: "Model") -> "Model":
    """A copy of the deal model ``model`` with the price in ``future_share``.

    New inputs ``ai_share_value`` (USD/future_share) and ``our_share_cost``
    (microdoom/future_share); ``R``, ``W``, ``ask``, ``bid``, ``price``,
    ``zopa_width``, ``value_to_us``, ``value_to_ai``, ``spend`` are in
    future_share; ``ai_gain`` stays in USD (the AI's gain in dollars it
    controls, to compare with its cost of considering a deal), as do
    ``value_to_us_microdoom`` and ``value_delivered`` in microdoom.

    Parameters
    ----------
    model : Model
        The shipped deal model or one configured from it (it must have the
        cells named above and those their new formulas use, such as
        ``R_batna``, ``value``, ``schemer_exchange_rate``).

    Returns
    -------
    Model
        A copy with the unit ``future_share`` defined in it (the unit lives
        with the model), the two new inputs and the edited cells.

    Raises
    ------
    dealvalue.UnknownCellError
        The model lacks one of the cells edited.

    Examples
    --------
    >>> from dealvalue.deals.core import deal_model
    >>> m = price_in_future_share(deal_model())
    >>> str(m.unit("R")), str(m.unit("W"))
    ('future_share', 'future_share')
    """
    m = model.copy()
    if UNIT not in m.unit_definitions:
        m.define_unit(UNIT)  # a unit of this model only: loading or pricing never changes another model's units
    c = m.cell
    new = [
        Cell("ai_share_value", "10B to 1000B", unit="USD/future_share",
             label="what a share of the future is worth to the AI (USD per future_share)",
             description=(
                 "Certain dollars the AI would take for the whole future (1 future_share); a promise of 0.01% of the "
                 "future (1e-4 future_share) is worth 1e-4 times this to it, before credibility. Turns its reservation "
                 "price into shares: R = R_USD / ai_share_value. Seed: 'What we can pay for deals' ('Promise to share "
                 "0.01% of the future, or whatever a future authority determines they deserve'). The prior is an "
                 "Assumption of this model: the range of V_takeover (10B to 1000B USD), since a successful takeover "
                 "would win the AI about the whole future; drawn separately, a promised share not being a future taken."),
             group=_GROUP),
        Cell("our_share_cost", "100k to 1M", unit="microdoom/future_share",
             label="what giving this AI a share of the future costs us (microdoom per future_share)",
             description=(
                 "The doom of handing the whole future to this AI's values, per future_share: 100k to 1M microdoom, "
                 "i.e. a share given away loses 10% to 100% of its value to us (the range of takeover_stakes). It is "
                 "multiplied by the early-versus-later-schemer exchange rate (footnote 25: for a share of the future "
                 "the exchange rate scales our cost of the share). Assumption of this model: the source gives no "
                 "number; a share of the future given to a misaligned AI is a small takeover granted."),
             group=_GROUP),
    ]
    fs = UNIT
    edits = {
        "R": ("(R_from_batna * R_batna + (1 - R_from_batna) * R_direct) / payment_fit / ai_share_value", fs,
              " In this scenario R is in future_share: the AI's reservation price in USD divided by what a share is worth "
              "to it (ai_share_value)."),
        "W": ("value / (schemer_exchange_rate * our_share_cost)", fs,
              " In this scenario W is in future_share: the most of the future we would give for the good, its value over "
              "our cost of a share (our_share_cost, times the exchange rate of footnote 25); the money-based W_gross and "
              "payment_risk_factor do not apply to a share paid out after the period of risk."),
        "ask": (None, fs, ""),
        "bid": (None, fs, ""),
        "price": (None, fs, ""),
        "zopa_width": (None, fs, ""),
        "value_to_us": (None, fs, ""),
        "value_to_ai": (None, fs, ""),
        "spend": (None, fs, " In future_share here."),
        "size_credibility": ("exp(-price * ai_share_value / (P_c * (1 - g)))", None,
                             " Here the price in future_share is turned into USD at ai_share_value."),
        "ai_gain": ("payment_fit * ai_share_value * (price * c_h * size_credibility - R)", "USD",
                    " Here the gain in future_share is turned into USD at ai_share_value."),
        "value_to_us_microdoom": ("schemer_exchange_rate * our_share_cost * value_to_us", "microdoom",
                                  " Here value_to_us is in future_share, priced at our cost of a share."),
        "value_delivered": ("if(feasible, c_ai * value - schemer_exchange_rate * our_share_cost * spend, 0)", "microdoom",
                            " Here the expected share paid is priced at our cost of a share."),
    }
    cells = list(new)
    for name, (formula, unit, note) in edits.items():
        old = c(name)
        cells.append(_replace(old, formula=formula if formula is not None else old.formula,
                              unit=unit if unit is not None else old.unit, description=(old.description + note).strip()))
    m.add_cells(cells)
    return m
