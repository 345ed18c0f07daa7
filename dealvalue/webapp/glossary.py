"""Plain words for a grantmaker: the terms the page uses, defined once
(the Glossary tab shows them; help texts and captions link to it)."""

from __future__ import annotations

__all__ = ["TERMS", "define", "see_glossary"]

#: Term -> a definition written for someone deciding whether to fund a deal.
TERMS: dict[str, str] = {
    "ZOPA": "Zone of possible agreement: the prices that both sides would accept. It exists when the most we "
            "would pay (our bid) is at least the least the AI would accept (its ask). P(a ZOPA exists) is the "
            "share of the simulated worlds in which it does. P(a deal happens), the headline, also needs the AI to be "
            "eligible, no rule-out condition to hold and the AI to find the deal worth considering, so it is "
            "lower.",
    "credibility": "How far each side believes the other will keep its side of the deal: the AI's credence that "
                   "we pay, and ours that it delivers. Low credibility shrinks what a promise is worth, so the ask "
                   "rises or the bid falls.",
    "trust inflation": "How much more the AI asks because it doubts it will be paid: the ask for an uncertain "
                       "promise divided by the ask for a certain payment. 1× means full trust; 4× means a promise "
                       "is worth a quarter of a sure payment to the AI.",
    "microdoom": "A unit of value: one millionth of the chance of existential catastrophe averted. 1 microdoom "
                 "per M USD means a million dollars buys a one-in-a-million reduction in that risk.",
    "barrier": "A factor that pushes the AI's ask above our bid (for example, the AI's doubt that a deferred "
               "payment is kept). The Barriers tab shows how much each factor scales bid / ask.",
    "window": "The range of AI capability in which a deal is likely to exist: weak AIs have little to sell that "
              "control cannot extract anyway; strong AIs can expect more from a takeover than from a deal.",
    "configuration": "A kind of deal: the good bought, how and when payment is made, who pays, the AI's "
                     "motivations and the share paid upfront. It sets the inputs it touches, with the reason.",
    "input set": "A set of input values saved on this page, to compare with others or to record as an assessment.",
    "MC error": "Monte Carlo error: how much a number would move if the simulation were run again with other "
                "random numbers. It shrinks as the number of samples grows.",
}


def define(term: str) -> str:
    """The definition of ``term`` (as a help text), pointing to the Glossary tab."""
    return f"**{term}**: {TERMS[term]} (Glossary tab)"


def see_glossary(*terms: str) -> str:
    """A short help line: the definitions of ``terms``."""
    return "\n\n".join(define(t) for t in terms)
