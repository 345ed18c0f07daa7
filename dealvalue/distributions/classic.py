"""The classic kinds: to, norm, lognorm, beta, uniform, triangular, pert, bernoulli, mixture."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..errors import DistributionError
from ..stats import Z_90  # a 90% interval is mean +- Z_90 sd
from .base import MAX_LOG_MU, Distribution, FloatArray, check_finite, number_text, shown_value

__all__ = ["To", "Norm", "Lognorm", "Beta", "Uniform", "Triangular", "Pert", "Bernoulli", "Mixture"]


@dataclass(frozen=True)
class Norm(Distribution):
    """Normal with a mean and a standard deviation.

    Parameters
    ----------
    mean : float
        The mean (and median).
    sd : float
        The standard deviation, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite, or ``sd <= 0``.

    Examples
    --------
    >>> round(Norm(0, 1).quantile(0.975), 6)
    1.959964
    """

    mean: float
    sd: float
    kind: ClassVar[str] = "norm"

    def __post_init__(self) -> None:
        check_finite(self, mean=self.mean, sd=self.sd)
        if not self.sd > 0:
            raise DistributionError(self.formula(), f"expected sd > 0, got {self.sd:g}")

    def params(self) -> dict[str, float]:
        return {"mean": float(self.mean), "sd": float(self.sd)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import ndtri

        return np.asarray(self.mean + self.sd * ndtri(np.asarray(u, dtype=float)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import ndtr

        return np.asarray(ndtr((np.asarray(x, dtype=float) - self.mean) / self.sd), dtype=float)

    def median(self) -> float:
        return float(self.mean)


@dataclass(frozen=True)
class Lognorm(Distribution):
    """Lognormal; ``mu`` and ``sigma`` are those of the underlying normal.

    Parameters
    ----------
    mu : float
        The mean of the log (the median is ``exp(mu)``).
    sigma : float
        The standard deviation of the log, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite, ``sigma <= 0`` or ``mu`` too
        large for ``exp``.

    Examples
    --------
    >>> Lognorm(0, 1).median()
    1.0
    """

    mu: float
    sigma: float
    kind: ClassVar[str] = "lognorm"

    def __post_init__(self) -> None:
        check_finite(self, mu=self.mu, sigma=self.sigma)
        if not self.sigma > 0:
            raise DistributionError(self.formula(), f"expected sigma > 0, got {self.sigma:g}")
        if abs(self.mu) > MAX_LOG_MU:
            raise DistributionError(self.formula(), f"expected |mu| <= {MAX_LOG_MU:g} so that the median exp(mu) "
                                    f"is a finite, non-zero number, got mu = {self.mu:g}")

    def params(self) -> dict[str, float]:
        return {"mu": float(self.mu), "sigma": float(self.sigma)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import ndtri

        return np.asarray(np.exp(self.mu + self.sigma * ndtri(np.asarray(u, dtype=float))), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import ndtr

        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.log(np.where(x > 0, x, 1.0)) - self.mu) / self.sigma
        return np.where(x > 0, ndtr(z), 0.0)

    def median(self) -> float:
        return math.exp(self.mu)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class To(Distribution):
    """``low to high``: a 90% interval.

    Lognormal when ``low > 0``, normal otherwise (as in Squiggle and
    squigglepy).

    Parameters
    ----------
    low : float
        The 5% quantile.
    high : float
        The 95% quantile, > ``low``.

    Raises
    ------
    dealvalue.errors.DistributionError
        A bound that is not finite, or ``low >= high``.

    Examples
    --------
    Lognormal from 1 to 100, so its median is the geometric mean, 10:

    >>> round(To(1, 100).median(), 9), round(To(1, 100).quantile(0.95), 9)
    (10.0, 100.0)
    """

    low: float
    high: float
    inner: Norm | Lognorm = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "to"

    def __post_init__(self) -> None:
        check_finite(self, low=self.low, high=self.high)
        text = self.formula()
        if not self.low < self.high:
            raise DistributionError(
                text, f"expected low < high, got low = {self.low:g} and high = {self.high:g}"
            )
        inner: Norm | Lognorm
        if self.low > 0:
            lo, hi = math.log(self.low), math.log(self.high)
            inner = Lognorm((lo + hi) / 2, (hi - lo) / (2 * Z_90))
        else:
            inner = Norm((self.low + self.high) / 2, (self.high - self.low) / (2 * Z_90))
        object.__setattr__(self, "inner", inner)

    def params(self) -> dict[str, float]:
        return {"low": float(self.low), "high": float(self.high)}

    def formula(self) -> str:
        return f"{number_text(self.low)} to {number_text(self.high)}"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.inner.sample(rng, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.inner.ppf(u)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self.inner.cdf(x)

    def median(self) -> float:
        return self.inner.median()

    def support(self) -> tuple[float, float]:
        return self.inner.support()


@dataclass(frozen=True)
class Beta(Distribution):
    """Beta(a, b) on (0, 1).

    Parameters
    ----------
    a, b : float
        The shape parameters, > 0 (mean ``a / (a + b)``).

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite or not > 0.

    Examples
    --------
    >>> Beta(2, 2).median(), Beta(2, 2).support()
    (0.5, (0.0, 1.0))
    """

    a: float
    b: float
    kind: ClassVar[str] = "beta"

    def __post_init__(self) -> None:
        check_finite(self, a=self.a, b=self.b)
        if not (self.a > 0 and self.b > 0):
            raise DistributionError(self.formula(), "expected a > 0 and b > 0")

    def params(self) -> dict[str, float]:
        return {"a": float(self.a), "b": float(self.b)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.beta(self.a, self.b, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import betaincinv

        return np.asarray(betaincinv(self.a, self.b, np.asarray(u, dtype=float)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import betainc

        return np.asarray(betainc(self.a, self.b, np.clip(np.asarray(x, dtype=float), 0, 1)), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high].

    Parameters
    ----------
    low : float
        The lower end.
    high : float
        The upper end, > ``low``.

    Raises
    ------
    dealvalue.errors.DistributionError
        An end that is not finite, or ``low >= high``.

    Examples
    --------
    >>> Uniform(0, 10).quantile(0.25)
    2.5
    """

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        check_finite(self, low=self.low, high=self.high)
        if not self.low < self.high:
            raise DistributionError(self.formula(), "expected low < high")

    def params(self) -> dict[str, float]:
        return {"low": float(self.low), "high": float(self.high)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return np.clip((np.asarray(x, dtype=float) - self.low) / (self.high - self.low), 0, 1)

    def support(self) -> tuple[float, float]:
        return (float(self.low), float(self.high))


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular with a left end, a mode and a right end.

    Parameters
    ----------
    left, mode, right : float
        ``left <= mode <= right`` and ``left < right``.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite, or out of that order.

    Examples
    --------
    With the mode at the left end the CDF is ``1 - (1 - x)**2``:

    >>> Triangular(0, 0, 1).quantile(0.75)
    0.5
    """

    left: float
    mode: float
    right: float
    kind: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        check_finite(self, left=self.left, mode=self.mode, right=self.right)
        if not (self.left <= self.mode <= self.right and self.left < self.right):
            raise DistributionError(self.formula(), "expected left <= mode <= right and left < right")

    def params(self) -> dict[str, float]:
        return {"left": float(self.left), "mode": float(self.mode), "right": float(self.right)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.triangular(self.left, self.mode, self.right, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        u = np.asarray(u, dtype=float)
        a, c, b = self.left, self.mode, self.right
        fc = (c - a) / (b - a)
        lower = a + np.sqrt(u * (b - a) * (c - a))
        upper = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < fc, lower, upper)

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=float)
        a, c, b = self.left, self.mode, self.right
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = (x - a) ** 2 / ((b - a) * (c - a)) if c > a else np.ones_like(x)
            upper = 1 - (b - x) ** 2 / ((b - a) * (b - c)) if b > c else np.ones_like(x)
        out = np.where(x <= c, lower, upper)
        return np.where(x <= a, 0.0, np.where(x >= b, 1.0, out))

    def support(self) -> tuple[float, float]:
        return (float(self.left), float(self.right))


@dataclass(frozen=True)
class Pert(Distribution):
    """PERT (a scaled beta) with a low end, a mode and a high end; ``lam`` = 4.

    Parameters
    ----------
    low, mode, high : float
        ``low <= mode <= high`` and ``low < high``.
    lam : float, default 4.0
        How much the mode weighs, > 0.

    Raises
    ------
    dealvalue.errors.DistributionError
        A parameter that is not finite, out of that order, or ``lam <= 0``.

    Examples
    --------
    >>> p = Pert(0, 2, 10)
    >>> p.alpha, p.beta                  # 1 + 4 * 2 / 10, 1 + 4 * 8 / 10
    (1.8, 4.2)
    """

    low: float
    mode: float
    high: float
    lam: float = 4.0
    kind: ClassVar[str] = "pert"

    def __post_init__(self) -> None:
        check_finite(self, low=self.low, mode=self.mode, high=self.high, lam=self.lam)
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise DistributionError(self.formula(), "expected low <= mode <= high and low < high")
        if not self.lam > 0:
            raise DistributionError(self.formula(), "expected lam > 0")

    @property
    def alpha(self) -> float:
        """The first beta shape, ``1 + lam (mode - low) / (high - low)``.

        Returns
        -------
        float
            The shape, >= 1.

        Examples
        --------
        >>> Pert(0, 5, 10).alpha
        3.0
        """
        return 1 + self.lam * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        """The second beta shape, ``1 + lam (high - mode) / (high - low)``.

        Returns
        -------
        float
            The shape, >= 1.

        Examples
        --------
        >>> Pert(0, 5, 10).beta
        3.0
        """
        return 1 + self.lam * (self.high - self.mode) / (self.high - self.low)

    def params(self) -> dict[str, float]:
        p = {"low": float(self.low), "mode": float(self.mode), "high": float(self.high)}
        if self.lam != 4.0:
            p["lam"] = float(self.lam)
        return p

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.low + (self.high - self.low) * rng.beta(self.alpha, self.beta, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import betaincinv

        return np.asarray(self.low + (self.high - self.low) * betaincinv(self.alpha, self.beta, np.asarray(u, dtype=float)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import betainc

        z = (np.asarray(x, dtype=float) - self.low) / (self.high - self.low)
        return np.asarray(betainc(self.alpha, self.beta, np.clip(z, 0, 1)), dtype=float)

    def support(self) -> tuple[float, float]:
        return (float(self.low), float(self.high))


@dataclass(frozen=True)
class Bernoulli(Distribution):
    """1 with probability ``p``, else 0.  Its median is 1 if p > 0.5, 0 if p < 0.5, 0.5 at 0.5.

    Parameters
    ----------
    p : float
        The probability of 1, in [0, 1].

    Raises
    ------
    dealvalue.errors.DistributionError
        ``p`` not finite or outside [0, 1].

    Examples
    --------
    >>> Bernoulli(0.7).median(), Bernoulli(0.5).median()
    (1.0, 0.5)
    """

    p: float
    kind: ClassVar[str] = "bernoulli"

    def __post_init__(self) -> None:
        check_finite(self, p=self.p)
        if not 0 <= self.p <= 1:
            raise DistributionError(self.formula(), f"expected 0 <= p <= 1, got {self.p:g}")

    def params(self) -> dict[str, float]:
        return {"p": float(self.p)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return (rng.random(n) < self.p).astype(float)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return (np.asarray(u, dtype=float) > 1 - self.p).astype(float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=float)
        return np.where(x < 0, 0.0, np.where(x < 1, 1 - self.p, 1.0))

    def median(self) -> float:
        return 1.0 if self.p > 0.5 else 0.0 if self.p < 0.5 else 0.5

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


@dataclass(frozen=True)
class Mixture(Distribution):
    """A mixture of distributions with weights (normalised to sum to 1).

    Parameters
    ----------
    components : tuple of Distribution
        The distributions mixed.
    weights : tuple of float
        One weight per component, >= 0 with a positive sum.

    Raises
    ------
    dealvalue.errors.DistributionError
        Weights that do not match the components, are negative or sum to 0.

    Examples
    --------
    >>> m = Mixture((Norm(0, 1), Norm(10, 1)), (1, 3))
    >>> m.probabilities.tolist(), m.formula()
    ([0.25, 0.75], 'mixture([norm(0, 1), norm(10, 1)], [1, 3])')
    """

    components: tuple[Distribution, ...]
    weights: tuple[float, ...]
    kind: ClassVar[str] = "mixture"

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", tuple(self.components))
        for k, c in enumerate(self.components):
            if not isinstance(c, Distribution):
                raise DistributionError("mixture(...)", f"component {k + 1} must be a distribution, got {shown_value(c)}")
        check_finite(self, **{f"w{i}": w for i, w in enumerate(self.weights)})
        object.__setattr__(self, "weights", tuple(float(w) for w in self.weights))
        text = self.formula()
        if len(self.components) == 0:
            raise DistributionError(text, "expected at least one component")
        if len(self.components) != len(self.weights):
            raise DistributionError(
                text, f"expected one weight per component, got {len(self.weights)} weights "
                f"for {len(self.components)} components"
            )
        for c in self.components:
            if not isinstance(c, Distribution):
                raise DistributionError(text, f"component {c!r} is not a distribution")
        check_finite(self, **{f"w{i}": w for i, w in enumerate(self.weights)})
        if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
            raise DistributionError(text, "expected weights >= 0 with a positive sum")

    @property
    def probabilities(self) -> FloatArray:
        """The weights normalised to sum to 1.

        Returns
        -------
        numpy.ndarray
            One probability per component.

        Examples
        --------
        >>> Mixture((Norm(0, 1), Uniform(0, 1)), (2, 2)).probabilities.tolist()
        [0.5, 0.5]
        """
        w = np.asarray(self.weights, dtype=float)
        return np.asarray(w / w.sum(), dtype=float)

    def params(self) -> dict[str, float]:
        return {f"w{i + 1}": w for i, w in enumerate(self.weights)}

    def formula(self) -> str:
        comps = ", ".join(c.formula() for c in self.components)
        return f"mixture([{comps}], [{', '.join(number_text(w) for w in self.weights)}])"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        which = rng.choice(len(self.components), size=n, p=self.probabilities)
        out = np.empty(n)
        for k, comp in enumerate(self.components):
            mask = which == k
            out[mask] = comp.sample(rng, int(mask.sum()))
        return out

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = np.asarray(x, dtype=float)
        return sum((p * c.cdf(x) for p, c in zip(self.probabilities, self.components)), np.zeros_like(x))

    def ppf(self, u: ArrayLike) -> FloatArray:
        # The mixture's u-quantile lies between the smallest and the largest of the
        # components' u-quantiles (each component's CDF is <= u at the first and >= u
        # at the second), so bisection in that bracket converges for any components.
        u = np.atleast_1d(np.asarray(u, dtype=float))
        qs = np.stack([c.ppf(u) for c in self.components])
        lo, hi = qs.min(axis=0), qs.max(axis=0)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            below = self.cdf(mid) < u
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
            if np.all(hi - lo <= 1e-13 * np.maximum(1.0, np.abs(hi))):
                break
        return np.asarray(0.5 * (lo + hi), dtype=float)

    def support(self) -> tuple[float, float]:
        sup = [c.support() for c in self.components]
        return (min(s[0] for s in sup), max(s[1] for s in sup))
