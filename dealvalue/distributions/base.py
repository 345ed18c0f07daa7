"""The base of the distribution classes and the checks they share."""

from __future__ import annotations

import math
import sys
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import DistributionError

__all__ = ["Distribution", "FloatArray", "number_text", "shown_value", "check_finite", "MAX_LOG_MU"]

FloatArray = NDArray[np.float64]
MAX_LOG_MU = 700.0  # exp(700) ~ 1e304: the median of a lognormal stays a finite float


def number_text(x: float) -> str:
    """Shortest text that reads back as the same float.

    Parameters
    ----------
    x : float
        The number.

    Returns
    -------
    str
        Whole numbers below 1e15 without a decimal point, else ``repr``.

    Examples
    --------
    >>> number_text(3.0), number_text(0.1), number_text(1e20)
    ('3', '0.1', '1e+20')
    """
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def shown_value(value: Any) -> str:
    """A short text for a parameter value, also for an integer too long to print.

    Parameters
    ----------
    value : object
        The value, as the user gave it.

    Returns
    -------
    str
        At most 60 characters; a huge integer as its number of digits.

    Examples
    --------
    >>> shown_value(2.5), shown_value("x"), shown_value(10**400)
    ('2.5', "'x'", 'an integer of 401 digits')
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {len(str(abs(value) >> 0)) if value.bit_length() < 13000 else 'over 4000'} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_finite(dist: "Distribution", **params: Any) -> None:
    """Check that every parameter is a finite real number.

    Parameters
    ----------
    dist : Distribution
        The distribution being built (its ``kind`` names it in the error).
    **params : float
        The parameters, by name.

    Raises
    ------
    dealvalue.errors.DistributionError
        Naming the first parameter that is not a number (a bool is not) or
        not finite, and the value.

    Examples
    --------
    >>> from dealvalue.distributions import Norm
    >>> Norm(float("nan"), 1)
    Traceback (most recent call last):
    ...
    dealvalue.errors.DistributionError: norm(nan, 1): parameter mean must be finite (a number of at most 1.8e+308), got nan
    """
    for key, value in params.items():
        problem = None
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            problem = f"parameter {key} must be a number, got {shown_value(value)}"
        else:
            try:
                finite = math.isfinite(value)
            except OverflowError:  # an int beyond the float range, e.g. 10**400
                finite = False
            if not finite:
                problem = f"parameter {key} must be finite (a number of at most {sys.float_info.max:.3g}), got {shown_value(value)}"
        if problem:
            shown = ", ".join(shown_value(v) for v in params.values())
            raise DistributionError(f"{dist.kind}({shown})", problem)


class Distribution:
    """Base of the distribution classes (an interface, with no state).

    Each kind carries everything about itself: validation (in
    ``__post_init__``), a sampler, an inverse CDF for Latin hypercube and
    quasi-Monte Carlo sampling, its CDF, median and support, and the formula
    text that parses back to it.

    Examples
    --------
    >>> import dealvalue as dv
    >>> d = dv.To(10, 100)
    >>> isinstance(d, dv.Distribution), d.formula()
    (True, '10 to 100')
    >>> round(d.median(), 6)
    31.622777
    """

    kind: ClassVar[str] = ""

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """Draw ``n`` independent samples.

        Parameters
        ----------
        rng : numpy.random.Generator
            The random stream (randomness is passed in, never global).
        n : int
            How many samples.

        Returns
        -------
        numpy.ndarray
            ``n`` float samples.

        Examples
        --------
        >>> import numpy as np, dealvalue as dv
        >>> x = dv.Uniform(0, 1).sample(np.random.default_rng(1), 1_000)
        >>> x.shape, bool(((0 <= x) & (x <= 1)).all())
        ((1000,), True)
        """
        raise NotImplementedError

    def ppf(self, u: ArrayLike) -> FloatArray:
        """The inverse CDF: the value below which a share ``u`` of the mass lies.

        Parameters
        ----------
        u : array_like
            Probabilities in [0, 1].

        Returns
        -------
        numpy.ndarray
            One value per probability.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Uniform(0, 10).ppf([0.0, 0.25, 1.0])
        array([ 0. ,  2.5, 10. ])
        """
        raise NotImplementedError

    def cdf(self, x: ArrayLike) -> FloatArray:
        """The cumulative distribution function, P(X <= x).

        Parameters
        ----------
        x : array_like
            Values.

        Returns
        -------
        numpy.ndarray
            One probability per value.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Uniform(0, 10).cdf([-1, 2.5, 20])
        array([0.  , 0.25, 1.  ])
        """
        raise NotImplementedError

    def median(self) -> float:
        """The median (the point value of an input holding this distribution).

        Returns
        -------
        float
            ``ppf(0.5)``, or a closed form where the kind has one.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Norm(5, 2).median(), dv.Lognorm(0, 1).median()
        (5.0, 1.0)
        """
        return float(self.ppf(np.array([0.5]))[0])

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (:meth:`ppf` at one probability).

        Parameters
        ----------
        q : float
            A probability in [0, 1].

        Returns
        -------
        float
            The value below which a share ``q`` of the mass lies.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Uniform(0, 10).quantile(0.9)
        9.0
        """
        return float(self.ppf(np.array([q]))[0])

    def support(self) -> tuple[float, float]:
        """The interval outside which the distribution has no mass.

        Returns
        -------
        tuple of float
            ``(low, high)``, infinite where unbounded.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Beta(8, 2).support(), dv.Norm(0, 1).support()
        ((0.0, 1.0), (-inf, inf))
        """
        return (-math.inf, math.inf)

    def params(self) -> dict[str, float]:
        """Parameters by name, in the order the formula takes them.

        Returns
        -------
        dict
            Parameter name -> value.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Beta(8, 2).params()
        {'a': 8.0, 'b': 2.0}
        """
        raise NotImplementedError

    def formula(self) -> str:
        """The formula text that builds this distribution (it parses back to it).

        Returns
        -------
        str
            Text such as ``beta(8, 2)`` or ``10 to 100``.

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Beta(8, 2).formula(), dv.To(10, 100).formula()
        ('beta(8, 2)', '10 to 100')
        """
        return f"{self.kind}({', '.join(number_text(v) for v in self.params().values())})"

    def __str__(self) -> str:
        return self.formula()

    def _repr_html_(self) -> str:
        from ..display import distribution_html

        return distribution_html(self)


