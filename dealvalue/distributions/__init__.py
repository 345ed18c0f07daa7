"""Distributions: one small immutable class each, with its own checks.

Every distribution can

* ``sample(rng, n)``: draw ``n`` values with a :class:`numpy.random.Generator`
  (plain Monte Carlo; fast native samplers),
* ``ppf(u)``: turn uniforms in (0, 1) into values (inverse CDF; Latin
  hypercube and quasi-Monte Carlo sampling, and Excel's ``RAND()`` sheets),
* ``cdf(x)``, ``median()``, ``support()``,
* ``formula()``: print itself back in the formula language.

The classic kinds are in :mod:`.classic`, the newer ones (gamma, exponential,
binomial, poisson, student_t, lognorm_ms, discrete, truncate) in :mod:`.more`,
the squigglepy conversion in :mod:`.squigglepy`.

Parameters follow Squiggle's names.  Two bare numbers mean an interval only in
``to``: ``Norm(0, 1)`` is a mean and a standard deviation, not squigglepy's
90% interval.

Examples
--------
>>> from dealvalue.distributions import To, Beta
>>> d = To(10, 100)
>>> round(d.median(), 6)  # the geometric mean of the 90% interval
31.622777
>>> [round(float(x), 6) for x in d.ppf([0.05, 0.95])]
[10.0, 100.0]
>>> Beta(0, 1)
Traceback (most recent call last):
...
dealvalue.errors.DistributionError: beta(0, 1): expected a > 0 and b > 0
"""

from __future__ import annotations

from typing import Sequence

from .base import MAX_LOG_MU, Distribution, FloatArray, check_finite, number_text, shown_value
from .classic import Bernoulli, Beta, Lognorm, Mixture, Norm, Pert, To, Triangular, Uniform
from .bounded import Clipped, Truncated
from .more import (DISCRETE_KINDS, MAX_COUNT, Binomial, Discrete, Exponential, Gamma, LognormMS, Poisson,
                   StudentT)
from .squigglepy import from_squigglepy

__all__ = [
    "Distribution", "To", "Norm", "Lognorm", "Beta", "Uniform", "Triangular", "Pert", "Bernoulli", "Mixture",
    "Gamma", "Exponential", "Binomial", "Poisson", "StudentT", "LognormMS", "Discrete", "Truncated", "Clipped",
    "from_squigglepy", "DISTRIBUTIONS", "DISCRETE_KINDS", "MAX_COUNT", "MAX_LOG_MU", "FloatArray", "check_finite",
    "number_text", "shown_value", "make",
]

#: the kinds the formula language builds from numbers, by name (mixture, discrete and truncate take lists or a distribution)
DISTRIBUTIONS: dict[str, type[Distribution]] = {
    cls.kind: cls for cls in (To, Norm, Lognorm, Beta, Uniform, Triangular, Pert, Bernoulli, Mixture,
                              Gamma, Exponential, Binomial, Poisson, StudentT, LognormMS, Discrete, Truncated)
}


def make(kind: str, args: Sequence[float]) -> Distribution:
    """Build a distribution from its kind and positional numeric parameters.

    Parameters
    ----------
    kind : str
        A key of ``DISTRIBUTIONS`` (the formula language's name).
    args : sequence of float
        The parameters, in the order the formula language takes them.

    Returns
    -------
    Distribution
        The distribution, checked.

    Raises
    ------
    KeyError
        An unknown kind.
    dealvalue.errors.DistributionError
        Parameters the kind refuses.

    Examples
    --------
    >>> make("beta", [2, 3]).formula(), round(make("to", [1, 10]).median(), 6)   # sqrt(10)
    ('beta(2, 3)', 3.162278)
    """
    cls = DISTRIBUTIONS[kind]
    return cls(*args)  # type: ignore[call-arg]
