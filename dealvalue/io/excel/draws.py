"""Distributions as Excel formula text: medians and inverse CDFs.

The Inputs sheet shows each input's median as a live formula of its
parameter cells, and the Simulation sheet draws it as the inverse CDF of a
``RAND()``; both are written here, over parameter texts (cell references
or numbers) the caller gives.

The :data:`KINDS` have a parameter row an analyst may edit.  A mixture, a
truncation and a discrete distribution are :data:`FIXED`: their draw is one
formula over their numbers (:func:`number_ppf_text`).  A truncation draws the
base's inverse CDF on the truncated range of the uniform,
``F(low) + u * (F(high) - F(low))``, with ``F`` the base's CDF formula
(:func:`cdf_text`); a discrete distribution looks its uniform up in the
cumulative probabilities.  Student's t goes through ``BETA.INV`` and
``BETA.DIST``, because Excel's and LibreOffice's ``T.INV`` and ``T.DIST``
cut the degrees of freedom to a whole number (and refuse fewer than 1).  A
Poisson distribution has no inverse CDF in Excel and is refused
(:func:`undrawable`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

from ... import distributions as D
from ...errors import ExcelError
from ...stats import Z_90

__all__ = ["excel_number", "flatten_mixture", "dist_params", "median_text", "ppf_text", "mixture_ppf_text",
           "KINDS", "FIXED", "MAX_FORMULA", "kind_median_text", "kind_ppf_text", "mixture_draw", "cdf_text",
           "number_ppf_text", "undrawable"]

#: the kinds a live kind cell chooses from, in the order of the CHOOSE branches
KINDS = ("to", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli",
         "gamma", "exponential", "binomial", "student_t", "lognorm_ms")
_NPARAMS = {"to": 2, "norm": 2, "lognorm": 2, "beta": 2, "uniform": 2, "triangular": 3, "pert": 4, "bernoulli": 1,
            "gamma": 2, "exponential": 1, "binomial": 2, "student_t": 3, "lognorm_ms": 2}
#: kinds drawn by one formula over their numbers, with no editable parameter row
FIXED = ("mixture", "truncate", "discrete")
MAX_FORMULA = 8_000  # Excel's limit on a formula is 8,192 characters


def _choose(kind: str, branches: Sequence[str]) -> str:
    listed = ",".join(f'"{k}"' for k in KINDS)
    return f"CHOOSE(MATCH({kind},{{{listed}}},0),{','.join(branches)})"


def kind_median_text(kind: str, P: Sequence[str]) -> str:
    """The median of whichever kind the cell ``kind`` names, over parameter cells ``P`` (four).

    >>> kind_median_text("G7", ["I7", "J7", "K7", "L7"])[:48]
    'CHOOSE(MATCH(G7,{"to","norm","lognorm","beta","u'
    """
    return _choose(kind, [median_text(k, P[: _NPARAMS[k]]) for k in KINDS])


def kind_ppf_text(kind: str, P: Sequence[str], U: str) -> str:
    """The inverse CDF at ``U`` of whichever kind the cell ``kind`` names."""
    return _choose(kind, [ppf_text(k, P[: _NPARAMS[k]], U) for k in KINDS])


def mixture_draw(dist: D.Mixture, u: "np.ndarray", s: "np.ndarray") -> "np.ndarray":
    """What :func:`mixture_ppf_text` computes, in numpy: ``s`` picks the component, ``u`` draws it."""
    import numpy as np

    parts = flatten_mixture(dist)
    out = np.asarray(parts[-1][1].ppf(u), dtype=float).copy()
    cum = sum(p for p, _ in parts[:-1])
    for p, comp in reversed(parts[:-1]):
        pick = s < cum
        out[pick] = np.asarray(comp.ppf(u[pick]), dtype=float)
        cum -= p
    return out


def excel_number(x: float) -> str:
    """A number as Excel formula text, exactly (negative numbers in brackets).

    >>> excel_number(2.0), excel_number(-0.5), excel_number(1e300)
    ('2', '(-0.5)', '1E300')
    """
    if not math.isfinite(x):
        raise ExcelError("number", x, "a number that is not finite cannot go into a formula")
    text = repr(float(x)).upper().replace("E+", "E")
    if text.endswith(".0"):
        text = text[:-2]
    return f"({text})" if text.startswith("-") else text



def flatten_mixture(dist: D.Mixture) -> list[tuple[float, D.Distribution]]:
    """A mixture's (probability, component) pairs, nested mixtures multiplied out."""
    out: list[tuple[float, D.Distribution]] = []
    for p, c in zip(dist.probabilities, dist.components):
        if isinstance(c, D.Mixture):
            out += [(p * q, cc) for q, cc in flatten_mixture(c)]
        else:
            out.append((float(p), c))
    return out


def dist_params(dist: D.Distribution) -> list[float]:
    """A distribution's parameters in the order of :data:`~.layout.PARAMS`."""
    if isinstance(dist, D.Pert):
        return [dist.low, dist.mode, dist.high, dist.lam]
    return list(dist.params().values())


def median_text(kind: str, P: Sequence[str]) -> str:
    """The median of a distribution as an Excel formula of its parameters."""
    if kind == "to":
        return f"IF({P[0]}>0,SQRT({P[0]}*{P[1]}),({P[0]}+{P[1]})/2)"
    if kind == "norm":
        return P[0]
    if kind == "lognorm":
        return f"EXP({P[0]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV(0.5,{P[0]},{P[1]})"
    if kind == "uniform":
        return f"({P[0]}+{P[1]})/2"
    if kind == "triangular":
        a, c, b = P
        return f"IF(({c}-{a})/({b}-{a})>0.5,{a}+SQRT(0.5*({b}-{a})*({c}-{a})),{b}-SQRT(0.5*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV(0.5,1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({P[0]}>0.5,1,IF({P[0]}<0.5,0,0.5))"
    if kind == "gamma":
        return f"_xlfn.GAMMA.INV(0.5,{P[0]},{P[1]})"
    if kind == "exponential":
        return f"LN(2)/{P[0]}"
    if kind == "binomial":
        return f"_xlfn.BINOM.INV({P[0]},{P[1]},0.5)"
    if kind == "student_t":
        return P[1]
    if kind == "lognorm_ms":
        return f"{P[0]}/SQRT(1+({P[1]}/{P[0]})^2)"
    raise ExcelError("distribution", kind, "has no median formula")  # pragma: no cover


def ppf_text(kind: str, P: Sequence[str], U: str) -> str:
    """The inverse CDF at uniform ``U`` as an Excel formula of the parameters."""
    if kind == "to":
        lo, hi = P
        return (f"IF({lo}>0,_xlfn.LOGNORM.INV({U},(LN({lo})+LN({hi}))/2,(LN({hi})-LN({lo}))/(2*{Z_90!r})),"
                f"_xlfn.NORM.INV({U},({lo}+{hi})/2,({hi}-{lo})/(2*{Z_90!r})))")
    if kind == "norm":
        return f"_xlfn.NORM.INV({U},{P[0]},{P[1]})"
    if kind == "lognorm":
        return f"_xlfn.LOGNORM.INV({U},{P[0]},{P[1]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV({U},{P[0]},{P[1]})"
    if kind == "uniform":
        return f"{P[0]}+({P[1]}-{P[0]})*{U}"
    if kind == "triangular":
        a, c, b = P
        return f"IF({U}<({c}-{a})/({b}-{a}),{a}+SQRT({U}*({b}-{a})*({c}-{a})),{b}-SQRT((1-{U})*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV({U},1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({U}>1-{P[0]},1,0)"
    if kind == "gamma":
        return f"_xlfn.GAMMA.INV({U},{P[0]},{P[1]})"
    if kind == "exponential":
        return f"-LN(1-{U})/{P[0]}"
    if kind == "binomial":
        return f"_xlfn.BINOM.INV({P[0]},{P[1]},{U})"
    if kind == "student_t":  # |t| from the beta distribution of df / (df + t^2), the sign from U
        df, loc, scale = P
        return f"{loc}+{scale}*SIGN({U}-0.5)*SQRT({df}*(1/_xlfn.BETA.INV(2*MIN({U},1-{U}),{df}/2,0.5)-1))"
    if kind == "lognorm_ms":
        m, sd = P
        return f"_xlfn.LOGNORM.INV({U},LN({m})-LN(1+({sd}/{m})^2)/2,SQRT(LN(1+({sd}/{m})^2)))"
    raise ExcelError("distribution", kind, "has no inverse CDF formula")  # pragma: no cover


def mixture_ppf_text(dist: D.Mixture, U: str, S: str) -> str:
    """A mixture draw: uniform ``S`` picks the component, ``U`` draws from it."""
    parts = flatten_mixture(dist)
    text = number_ppf_text(parts[-1][1], U)
    cum = sum(p for p, _ in parts[:-1])  # P(one of the components before the last)
    for p, comp in reversed(parts[:-1]):
        text = f"IF({S}<{excel_number(cum)},{number_ppf_text(comp, U)},{text})"
        cum -= p
    return text


def _array_number(x: float) -> str:
    """A number inside an array constant (no brackets around a negative one)."""
    text = excel_number(x)
    return text[1:-1] if text.startswith("(") else text


def cdf_text(dist: D.Distribution, X: str) -> str:
    """The CDF at ``X`` of a distribution of the :data:`KINDS` (but bernoulli and
    binomial), as an Excel formula of its numbers; ``X`` inside the support.

    >>> cdf_text(D.Norm(0, 2), "1")
    '_xlfn.NORM.DIST(1,0,2,TRUE())'
    """
    n = [excel_number(v) for v in dist_params(dist)]
    kind = dist.kind
    if isinstance(dist, (D.To, D.LognormMS)):  # a normal or lognormal inside
        return cdf_text(dist.inner, X)
    if kind == "norm":
        return f"_xlfn.NORM.DIST({X},{n[0]},{n[1]},TRUE())"
    if kind == "lognorm":
        return f"_xlfn.LOGNORM.DIST({X},{n[0]},{n[1]},TRUE())"
    if kind == "beta":
        return f"_xlfn.BETA.DIST({X},{n[0]},{n[1]},TRUE())"
    if kind == "uniform":
        return f"({X}-{n[0]})/({n[1]}-{n[0]})"
    if kind == "triangular":
        a, c, b = n
        return f"IF({X}<{c},({X}-{a})^2/(({b}-{a})*({c}-{a})),1-({b}-{X})^2/(({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = n
        return (f"_xlfn.BETA.DIST(({X}-{lo})/({hi}-{lo}),1+{lam}*({mo}-{lo})/({hi}-{lo}),"
                f"1+{lam}*({hi}-{mo})/({hi}-{lo}),TRUE())")
    if kind == "gamma":
        return f"_xlfn.GAMMA.DIST({X},{n[0]},{n[1]},TRUE())"
    if kind == "exponential":
        return f"1-EXP(-{n[0]}*{X})"
    if kind == "student_t":
        df, loc, scale = n
        t = f"(({X}-{loc})/{scale})"
        tail = f"0.5*_xlfn.BETA.DIST({df}/({df}+{t}^2),{df}/2,0.5,TRUE())"
        return f"IF({t}<0,{tail},1-{tail})"
    raise ExcelError("distribution", dist.formula(), "has no CDF formula in the workbook")


def undrawable(dist: D.Distribution) -> str | None:
    """Why the workbook cannot draw ``dist`` with a spreadsheet formula, or ``None``.

    >>> undrawable(D.Norm(0, 1)) is None
    True
    >>> undrawable(D.Poisson(3))
    'a poisson distribution has no inverse CDF in Excel or LibreOffice'
    """
    if isinstance(dist, D.Mixture):
        for _, part in flatten_mixture(dist):
            if (why := undrawable(part)) is not None:
                return why
    elif isinstance(dist, D.Truncated):
        base = dist.dist
        if base.kind not in KINDS or base.kind in ("bernoulli", "binomial"):
            return (f"a truncated {base.kind} distribution has no CDF formula here "
                    f"(the workbook truncates only {', '.join(k for k in KINDS if k not in ('bernoulli', 'binomial'))})")
    if dist.kind in FIXED:  # one formula of its numbers: it must fit in a cell
        long_ref = "XFD1048576"
        text = (mixture_ppf_text(dist, long_ref, long_ref) if isinstance(dist, D.Mixture)
                else number_ppf_text(dist, long_ref))
        if len(text) > MAX_FORMULA:
            return f"its draw would be a formula of {len(text):,} characters, over Excel's {MAX_FORMULA:,}"
        return None
    if dist.kind in KINDS:
        return None
    if dist.kind == "poisson":
        return "a poisson distribution has no inverse CDF in Excel or LibreOffice"
    return f"a {dist.kind} distribution has no spreadsheet formula here"


def number_ppf_text(dist: D.Distribution, U: str) -> str:
    """The inverse CDF at ``U`` of a distribution that is not a mixture, as an
    Excel formula of its numbers (of the :data:`KINDS`, a truncation or a
    discrete distribution).

    >>> number_ppf_text(D.Discrete((1, 2, 5), (1, 1, 2)), "A1")
    'INDEX({1,2,5},1+SUMPRODUCT(--({0.25,0.5}<A1)))'
    >>> number_ppf_text(D.Truncated(D.Exponential(2), 0, 1), "A1")
    'MIN(MAX(-LN(1-(0+A1*((1-EXP(-2*1))-0)))/2,0),1)'
    >>> number_ppf_text(D.Truncated(D.Exponential(2), 0.5, 1), "A1")[:41]
    'MIN(MAX(-LN(1-((1-EXP(-2*0.5))+A1*((1-EXP'
    """
    if isinstance(dist, D.Truncated):
        base = dist.dist
        lo_s, hi_s = base.support()
        lo = "0" if dist.low <= lo_s else f"({cdf_text(base, excel_number(dist.low))})"
        hi = "1" if dist.high >= hi_s else f"({cdf_text(base, excel_number(dist.high))})"
        inner = number_ppf_text(base, f"({lo}+{U}*({hi}-{lo}))")
        return f"MIN(MAX({inner},{excel_number(dist.low)}),{excel_number(dist.high)})"
    if isinstance(dist, D.Discrete):
        xs, cum = dist.table()
        keep = [k for k in range(len(xs)) if cum[k] > (cum[k - 1] if k else 0.0)]  # values of probability 0 never come
        xs, cum = xs[keep], cum[keep]
        if len(xs) == 1:
            return excel_number(float(xs[0]))
        values = ",".join(_array_number(float(x)) for x in xs)
        steps = ",".join(_array_number(float(c)) for c in cum[:-1])
        return f"INDEX({{{values}}},1+SUMPRODUCT(--({{{steps}}}<{U})))"
    if dist.kind not in KINDS:
        raise ExcelError("distribution", dist.formula(), undrawable(dist) or "has no inverse CDF formula")
    return ppf_text(dist.kind, [excel_number(v) for v in dist_params(dist)], U)
