"""Paired differences: how one output differs between two models run with the
same seed (common random numbers), and what the pairing saves.

Each leaf draws from a stream keyed by the seed and its name, so leaves two
models share get the same draws and the difference of an output is computed
sample by sample: its standard error is that of the paired difference, often
far smaller than that of two independent runs.  The names are also in
:mod:`dealvalue.analysis`.

Examples
--------
>>> import dealvalue as dv
>>> a = dv.Model(); a.add("x", "norm(0, 1)"); a.add("y", "x + norm(0, 0.5)")
>>> b = a.copy(); b.replace("y", "1.1 * x + norm(0, 0.5)")
>>> round(paired_difference(b, a, "y", n=10_000, seed=0).stderr, 4)   # sd(0.1 x) / 100
0.001
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ArgumentError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

__all__ = ["Difference", "paired_difference", "scenario_difference"]


@dataclass(frozen=True)
class Difference:
    """The difference ``a - b`` of one output between two scenarios, as
    :func:`paired_difference` returns it.

    Parameters
    ----------
    target : str
        The cell compared.
    mean : float
        Mean difference, in ``unit``.
    stderr : float
        Its standard error from the paired samples (common random numbers):
        ``sd(a - b) / sqrt(n)``.
    stderr_independent : float
        The standard error two independent runs of the same size would have:
        ``sqrt(var(a) / n + var(b) / n)``.
    correlation : float
        Correlation of the paired samples (what common random numbers buy);
        NaN when either side does not vary.
    n : int
        The number of finite pairs.
    seed : int
        The seed of both runs.
    method : str
        The sampling method of both runs (``"mc"``, ``"lhs"``, ``"qmc"``).
    unit : str
        The target's unit as text (``""`` for none).

    Examples
    --------
    >>> d = Difference("y", 1.0, 0.1, 0.5, 0.98, 10_000, 0, "mc", "USD")
    >>> d.variance_reduction    # (0.5 / 0.1)**2: 25 times fewer samples
    25.0
    """

    target: str
    mean: float
    stderr: float
    stderr_independent: float
    correlation: float
    n: int
    seed: int
    method: str
    unit: str

    @property
    def variance_reduction(self) -> float:
        """``(stderr_independent / stderr)**2``: how many times fewer samples
        common random numbers need for the same error.

        Returns
        -------
        float
            The ratio; ``inf`` when the paired standard error is 0.

        Examples
        --------
        ``y = x + e`` against ``y = 1.1 x + e`` (``x ~ norm(0, 1)``, ``e ~
        norm(0, 0.5)``): independent runs have variance ``1.25 + 1.46``,
        the paired difference ``0.1 x`` has variance 0.01, so the ratio is
        271 in closed form.

        >>> import dealvalue as dv
        >>> a = dv.Model(); a.add("x", "norm(0, 1)"); a.add("y", "x + norm(0, 0.5)")
        >>> b = a.copy(); b.replace("y", "1.1 * x + norm(0, 0.5)")
        >>> d = paired_difference(b, a, "y", n=10_000, seed=0)
        >>> abs(d.variance_reduction / 271 - 1) < 0.05
        True
        """
        return (self.stderr_independent / self.stderr) ** 2 if self.stderr > 0 else math.inf


def paired_difference(
    a: "Model | Results",
    b: "Model | Results",
    target: str,
    n: int = 10_000,
    seed: int = 0,
    method: str = "mc",
) -> Difference:
    """Difference of ``target`` between two models run with the same seed.

    Each leaf draws from a stream keyed by the seed and its name, so leaves
    that both scenarios share get the same draws (common random numbers) and
    the paired difference is far less noisy than the difference of two
    independent runs.  ``a`` and ``b`` are models (run here with ``n``,
    ``seed``, ``method``) or results of runs with equal ``n``, ``seed`` and
    ``method``.  The standard errors are the independent-sample formulas:
    exact for ``"mc"`` while the pairs stay in step, upper bounds in practice
    for ``"lhs"``.

    Pairs stay in step when the scenarios change formulas or the parameters
    of leaves drawn by a transform of one stream (normal, lognormal, ``to``,
    uniform).  numpy draws ``beta`` and ``pert`` by rejection: with new
    parameters the stream is the same but the pairs slip out of step at the
    first rejection that differs, so under ``"mc"`` the gain varies from seed
    to seed.  ``"lhs"`` and ``"qmc"`` send the same uniforms through the new
    inverse CDF and keep every pair in step.

    Parameters
    ----------
    a, b : Model or Results
        The two scenarios (``a - b`` is reported); results must have been
        run with the same ``n``, ``seed`` and ``method``.
    target : str
        The cell compared; ``b``'s samples are converted to ``a``'s unit.
    n : int, default 10_000
        The number of samples, for a model.
    seed : int, default 0
        The seed, for a model.
    method : {"mc", "lhs", "qmc"}
        The sampling method, for a model.

    Returns
    -------
    Difference
        The mean difference and both standard errors, over the pairs where
        both sides are finite.

    Raises
    ------
    dealvalue.errors.ArgumentError
        Results run differently, or fewer than two finite pairs.

    Examples
    --------
    >>> import dealvalue as dv
    >>> base = dv.Model(); base.add("x", "10 to 100"); base.add("y", "x * beta(8, 2)")
    >>> better = base.copy(); better.replace("y", "x * beta(9, 2)")
    >>> d = paired_difference(better, base, "y", n=20_000, seed=1)
    >>> d.stderr < d.stderr_independent / 4  # about 1/5 for most seeds under "mc"
    True
    """
    from .results import Results
    from .units import unit_text

    ra = a if isinstance(a, Results) else a.simulate(n=n, seed=seed, method=method)
    rb = b if isinstance(b, Results) else b.simulate(n=n, seed=seed, method=method)
    for field in ("n", "seed", "method"):
        if getattr(ra, field) != getattr(rb, field):
            raise ArgumentError(
                "b", f"{field}={getattr(rb, field)!r}",
                f"results run alike for common random numbers ({field}={getattr(ra, field)!r}, as in the first)",
            )
    unit = unit_text(ra.model.unit(target))
    xa = ra.get(target)
    xb = rb.get(target, unit) if unit else rb.get(target)
    ok = np.isfinite(xa) & np.isfinite(xb)
    xa, xb = xa[ok], xb[ok]
    m = xa.size
    if m < 2:
        raise ArgumentError("target", target, "a cell with at least two finite paired samples")
    d = xa - xb
    sa, sb = xa.std(ddof=1), xb.std(ddof=1)
    corr = float(np.corrcoef(xa, xb)[0, 1]) if sa > 0 and sb > 0 else math.nan
    return Difference(
        target=target,
        mean=float(d.mean()),
        stderr=float(d.std(ddof=1) / math.sqrt(m)),
        stderr_independent=float(math.sqrt((sa**2 + sb**2) / m)),
        correlation=corr,
        n=m,
        seed=ra.seed,
        method=ra.method,
        unit=unit,
    )


def scenario_difference(*args: Any, **kwargs: Any) -> Difference:
    """Deprecated name of :func:`paired_difference` (a *scenario* is a shipped
    model file; this compares any two models or results).

    Parameters
    ----------
    *args, **kwargs
        Those of :func:`paired_difference`.

    Returns
    -------
    Difference
        What :func:`paired_difference` returns, after a ``DeprecationWarning``.

    Examples
    --------
    >>> import warnings, dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     d = scenario_difference(m, m, "x", n=100)
    >>> d.mean, caught[0].category.__name__
    (0.0, 'DeprecationWarning')
    """
    warnings.warn("scenario_difference is deprecated: use dealvalue.analysis.paired_difference",
                  DeprecationWarning, stacklevel=2)
    return paired_difference(*args, **kwargs)
