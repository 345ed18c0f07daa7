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
    """Shortest text that reads back as the same float."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def shown_value(value: Any) -> str:
    """A short text for a parameter value, also for an integer too long to print."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {len(str(abs(value) >> 0)) if value.bit_length() < 13000 else 'over 4000'} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_finite(dist: "Distribution", **params: Any) -> None:
    """Check that every parameter is a finite real number."""
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
    """Base of the distribution classes (an interface, with no state)."""

    kind: ClassVar[str] = ""

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        raise NotImplementedError

    def ppf(self, u: ArrayLike) -> FloatArray:
        raise NotImplementedError

    def cdf(self, x: ArrayLike) -> FloatArray:
        raise NotImplementedError

    def median(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])

    def quantile(self, q: float) -> float:
        return float(self.ppf(np.array([q]))[0])

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def params(self) -> dict[str, float]:
        """Parameters by name, in the order the formula takes them."""
        raise NotImplementedError

    def formula(self) -> str:
        return f"{self.kind}({', '.join(number_text(v) for v in self.params().values())})"

    def __str__(self) -> str:
        return self.formula()

    def _repr_html_(self) -> str:
        from ..display import distribution_html

        return distribution_html(self)


