"""More kinds: gamma, exponential, binomial, poisson, student_t, lognorm_ms and
discrete (``truncate`` and clipping are in :mod:`.bounded`).

Each checks its parameters (a :class:`~dealvalue.errors.DistributionError`
naming the parameter), samples with a :class:`numpy.random.Generator`, and has
an exact inverse CDF (``scipy.special`` / ``scipy.stats``) for Latin hypercube
and quasi-Monte Carlo draws.

>>> from dealvalue.distributions import Gamma, LognormMS
>>> round(Gamma(2, 3).median(), 6)
5.035041
>>> LognormMS(10, 5).formula()
'lognorm_ms(10, 5)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..errors import DistributionError
from .base import MAX_LOG_MU, Distribution, FloatArray, check_finite, number_text, shown_value
from .classic import Lognorm

__all__ = ["Gamma", "Exponential", "Binomial", "Poisson", "StudentT", "LognormMS", "Discrete", "DISCRETE_KINDS",
           "MAX_COUNT"]

MAX_COUNT = 1e12  # binomial n and poisson lam: counts numpy draws exactly and scipy inverts
#: kinds whose values are whole numbers (a CDF with steps)
DISCRETE_KINDS = frozenset({"bernoulli", "binomial", "poisson", "discrete"})


def _u(u: ArrayLike) -> FloatArray:
    return np.asarray(u, dtype=float)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with a ``shape`` (k) and a ``scale`` (theta): mean k theta, variance k theta^2.

    Parameters
    ----------
    shape, scale : float
        k and theta, both > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite or not > 0.

    Examples
    --------
    >>> round(Gamma(1, 2).median(), 6)    # exponential of mean 2: 2 ln 2
    1.386294
    """

    shape: float
    scale: float
    kind: ClassVar[str] = "gamma"

    def __post_init__(self) -> None:
        check_finite(self, shape=self.shape, scale=self.scale)
        if not self.shape > 0:
            raise DistributionError(self.formula(), f"expected shape > 0, got {self.shape:g}")
        if not self.scale > 0:
            raise DistributionError(self.formula(), f"expected scale > 0, got {self.scale:g}")

    def params(self) -> dict[str, float]:
        return {"shape": float(self.shape), "scale": float(self.scale)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.gamma(self.shape, self.scale, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import gammaincinv

        return np.asarray(self.scale * gammaincinv(self.shape, _u(u)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import gammainc

        return np.asarray(gammainc(self.shape, np.maximum(_u(x), 0.0) / self.scale), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with a ``rate`` (events per unit): mean 1 / rate.

    Parameters
    ----------
    rate : float
        Events per unit, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        ``rate`` not finite or not > 0.

    Examples
    --------
    >>> round(Exponential(2).median(), 6)    # ln 2 / 2
    0.346574
    """

    rate: float
    kind: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        check_finite(self, rate=self.rate)
        if not self.rate > 0:
            raise DistributionError(self.formula(), f"expected rate > 0, got {self.rate:g}")

    def params(self) -> dict[str, float]:
        return {"rate": float(self.rate)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.exponential(1.0 / self.rate, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.asarray(-np.log1p(-_u(u)) / self.rate, dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return np.asarray(-np.expm1(-self.rate * np.maximum(_u(x), 0.0)), dtype=float)

    def median(self) -> float:
        return math.log(2) / self.rate

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


def _count(dist: Distribution, key: str, value: float) -> None:
    if not (float(value).is_integer() and 0 <= value <= MAX_COUNT):
        raise DistributionError(dist.formula(), f"expected {key} a whole number from 0 to {MAX_COUNT:g}, got {shown_value(value)}")


@dataclass(frozen=True)
class Binomial(Distribution):
    """The number of successes in ``n`` trials of probability ``p``.

    Parameters
    ----------
    n : int
        The number of trials, a whole number from 0 to ``MAX_COUNT``.
    p : float
        The probability of success, in [0, 1].

    Raises
    ------
    dealvalue.errors.DistributionError
        ``n`` not a whole number in range, or ``p`` outside [0, 1].

    Examples
    --------
    >>> Binomial(10, 0.5).median(), Binomial(10, 0.5).support()
    (5.0, (0.0, 10.0))
    """

    n: float
    p: float
    kind: ClassVar[str] = "binomial"

    def __post_init__(self) -> None:
        check_finite(self, n=self.n, p=self.p)
        _count(self, "n", self.n)
        if not 0 <= self.p <= 1:
            raise DistributionError(self.formula(), f"expected 0 <= p <= 1, got {self.p:g}")

    def params(self) -> dict[str, float]:
        return {"n": float(self.n), "p": float(self.p)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.binomial(int(self.n), self.p, n).astype(float)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.stats import binom

        return np.asarray(np.clip(binom.ppf(_u(u), int(self.n), self.p), 0, self.n), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.stats import binom

        return np.asarray(binom.cdf(_u(x), int(self.n), self.p), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, float(self.n))


@dataclass(frozen=True)
class Poisson(Distribution):
    """The number of events of a Poisson process with mean ``lam``.

    Parameters
    ----------
    lam : float
        The mean, in (0, ``MAX_COUNT``].

    Raises
    ------
    dealvalue.errors.DistributionError
        ``lam`` out of range.

    Examples
    --------
    >>> Poisson(3).quantile(0.5), Poisson(3).formula()
    (3.0, 'poisson(3)')
    """

    lam: float
    kind: ClassVar[str] = "poisson"

    def __post_init__(self) -> None:
        check_finite(self, lam=self.lam)
        if not 0 < self.lam <= MAX_COUNT:
            raise DistributionError(self.formula(), f"expected 0 < lam <= {MAX_COUNT:g}, got {self.lam:g}")

    def params(self) -> dict[str, float]:
        return {"lam": float(self.lam)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.poisson(self.lam, n).astype(float)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.stats import poisson

        return np.asarray(np.maximum(poisson.ppf(_u(u), self.lam), 0.0), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.stats import poisson

        return np.asarray(poisson.cdf(_u(x), self.lam), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, shifted by ``loc`` and stretched by ``scale``.

    Parameters
    ----------
    df : float
        Degrees of freedom, > 0.
    loc : float, default 0.0
        The centre (the median).
    scale : float, default 1.0
        The stretch, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite, ``df <= 0`` or ``scale <= 0``.

    Examples
    --------
    With one degree of freedom it is Cauchy: the 75% quantile is ``tan(pi / 4)``.

    >>> round(StudentT(1).quantile(0.75), 9), StudentT(3, 10, 2).median()
    (1.0, 10.0)
    """

    df: float
    loc: float = 0.0
    scale: float = 1.0
    kind: ClassVar[str] = "student_t"

    def __post_init__(self) -> None:
        check_finite(self, df=self.df, loc=self.loc, scale=self.scale)
        if not self.df > 0:
            raise DistributionError(self.formula(), f"expected df > 0, got {self.df:g}")
        if not self.scale > 0:
            raise DistributionError(self.formula(), f"expected scale > 0, got {self.scale:g}")

    def params(self) -> dict[str, float]:
        return {"df": float(self.df), "loc": float(self.loc), "scale": float(self.scale)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.loc + self.scale * rng.standard_t(self.df, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import stdtrit

        return np.asarray(self.loc + self.scale * stdtrit(self.df, _u(u)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import stdtr

        return np.asarray(stdtr(self.df, (_u(x) - self.loc) / self.scale), dtype=float)

    def median(self) -> float:
        return float(self.loc)


@dataclass(frozen=True)
class LognormMS(Distribution):
    """Lognormal by its own ``mean`` and standard deviation ``sd`` (not those of the log).

    Parameters
    ----------
    mean : float
        The mean, > 0.
    sd : float
        The standard deviation, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite or not > 0.

    Examples
    --------
    ``sigma**2 = ln(1 + (sd / mean)**2)`` and ``mu = ln(mean) - sigma**2 / 2``,
    so the median ``exp(mu)`` is ``mean / sqrt(1.25)`` here:

    >>> round(LognormMS(10, 5).median(), 6), round(10 / 1.25 ** 0.5, 6)
    (8.944272, 8.944272)
    """

    mean: float
    sd: float
    inner: Lognorm = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "lognorm_ms"

    def __post_init__(self) -> None:
        check_finite(self, mean=self.mean, sd=self.sd)
        if not self.mean > 0:
            raise DistributionError(self.formula(), f"expected mean > 0, got {self.mean:g}")
        if not self.sd > 0:
            raise DistributionError(self.formula(), f"expected sd > 0, got {self.sd:g}")
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        mu = math.log(self.mean) - sigma2 / 2
        if not (sigma2 > 0 and abs(mu) <= MAX_LOG_MU):
            raise DistributionError(self.formula(), "expected sd / mean and mean within the float range "
                                    f"(the log's mean {mu:g}, its sd {math.sqrt(sigma2):g})")
        object.__setattr__(self, "inner", Lognorm(mu, math.sqrt(sigma2)))

    def params(self) -> dict[str, float]:
        return {"mean": float(self.mean), "sd": float(self.sd)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.inner.sample(rng, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.inner.ppf(u)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self.inner.cdf(x)

    def median(self) -> float:
        return self.inner.median()

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Discrete(Distribution):
    """One of ``values`` with probabilities proportional to ``weights``.

    Parameters
    ----------
    values : tuple of float
        The values (finite).
    weights : tuple of float
        One weight per value, >= 0 with a positive sum.

    Raises
    ------
    dealvalue.errors.DistributionError
        No values, a weight per value missing, or bad weights.

    Examples
    --------
    The CDF is 0.25, 0.5, 1 at 1, 2, 3:

    >>> d = Discrete((1, 2, 3), (1, 1, 2))
    >>> d.quantile(0.5), d.quantile(0.51)
    (2.0, 3.0)
    """

    values: tuple[float, ...]
    weights: tuple[float, ...]
    kind: ClassVar[str] = "discrete"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "weights", tuple(self.weights))
        check_finite(self, **{f"value {i + 1}": v for i, v in enumerate(self.values)})
        check_finite(self, **{f"weight {i + 1}": w for i, w in enumerate(self.weights)})
        object.__setattr__(self, "values", tuple(float(v) for v in self.values))
        object.__setattr__(self, "weights", tuple(float(w) for w in self.weights))
        if not self.values:
            raise DistributionError(self.formula(), "expected at least one value")
        if len(self.values) != len(self.weights):
            raise DistributionError(self.formula(), f"expected one weight per value, got {len(self.weights)} "
                                    f"weights for {len(self.values)} values")
        if any(w < 0 for w in self.weights) or not sum(self.weights) > 0:
            raise DistributionError(self.formula(), "expected weights >= 0 with a positive sum")

    def table(self) -> tuple[FloatArray, FloatArray]:
        """Distinct sorted values and their cumulative probabilities (the last exactly 1).

        Returns
        -------
        values, cumulative : numpy.ndarray
            The distinct values in increasing order, and P(X <= value) for each.

        Examples
        --------
        >>> Discrete((2, 1, 2), (1, 2, 1)).table()
        (array([1., 2.]), array([0.5, 1. ]))
        """
        v = np.asarray(self.values)
        w = np.asarray(self.weights)
        xs, inv = np.unique(v, return_inverse=True)
        p = np.bincount(inv.ravel(), weights=w) / w.sum()
        cum = np.cumsum(p)
        cum[-1] = 1.0
        return xs, cum

    def params(self) -> dict[str, float]:
        return {f"w{i + 1}": w for i, w in enumerate(self.weights)}

    def formula(self) -> str:
        return (f"discrete([{', '.join(number_text(v) for v in self.values)}], "
                f"[{', '.join(number_text(w) for w in self.weights)}])")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        w = np.asarray(self.weights)
        return np.asarray(self.values)[rng.choice(len(self.values), size=n, p=w / w.sum())]

    def ppf(self, u: ArrayLike) -> FloatArray:
        xs, cum = self.table()
        k = np.searchsorted(cum, _u(u), side="left")
        return np.asarray(xs[np.clip(k, 0, len(xs) - 1)], dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        xs, cum = self.table()
        k = np.searchsorted(xs, _u(x), side="right")
        return np.where(k > 0, cum[np.maximum(k - 1, 0)], 0.0)

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))
