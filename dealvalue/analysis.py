"""Decision analysis on a model's joint samples.

Which uncertainty drives an output (variance-based sensitivity, Sobol
indices), what it would be worth to resolve it before deciding (expected value
of perfect and of partial perfect information), and how two scenarios differ
when they are run with common random numbers (:mod:`dealvalue.paired`, whose
names are also here).

Inputs of the analysis
----------------------
The *uncertain inputs* are the model's input cells that hold distributions,
named by the cell, and the distribution literals written inside formula cells
(leaves such as ``ask__1``), named by the leaf.  An input cell written with
several literals (``norm(0, 1) + norm(0, 1)``) is one input: its literals
move together.

Sobol indices: estimators and why
---------------------------------
We use the pick-freeze (Saltelli) designs on the engine itself rather than
SALib: two independent sample matrices ``A`` and ``B`` of every leaf (drawn by
:func:`dealvalue.simulate.sample_leaves` with two seeds derived from the given
seed), and for each input ``i`` the matrix ``A_B^(i)``: ``A`` with input ``i``'s
leaves taken from ``B``.  With ``V`` the variance of the output over ``A`` and
``B`` pooled:

* first order, Saltelli et al. (2010):
  ``S1_i = mean(f(B) * (f(A_B^(i)) - f(A))) / V``;
* total, Jansen (1999): ``ST_i = mean((f(A) - f(A_B^(i)))**2) / (2 V)``.

These two are the ones Saltelli et al. (2010, *Comput. Phys. Commun.* 181)
found most accurate among the simple pick-freeze estimators; each needs
``n (k + 2)`` model runs for ``k`` inputs, and the engine's compiled graph
runs whole arrays, so this is a handful of vectorised passes.  Confidence
intervals are bootstrap percentile intervals: rows (the same rows of ``A``,
``B`` and every ``A_B^(i)``) are resampled with replacement and the indices
recomputed.

Sobol indices need independent inputs.  Correlated inputs (``m.correlate``)
are refused, naming the pair, unless ``correlated="group"``: then each
connected set of correlated inputs is one input (its leaves are swapped
together), whose indices are well defined because the groups are independent
of each other.

Value of information
--------------------
For a choice between options whose payoffs are cells (``value_deal``,
``value_other``), EVPI is ``E[max_k V_k] - max_k E[V_k]`` and EVPPI of an
input ``X`` is ``E_X[max_k E[V_k | X]] - max_k E[V_k]``, both in the first
option's unit.  ``E[V_k | X]`` is estimated by least-squares regression of
each option's samples on a piecewise-linear spline in the rank of ``X`` (or
by exact group means when ``X`` takes few values).  Regression on the joint
samples is valid whether or not inputs are correlated.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .errors import ArgumentError, DistributionError, UnitMismatchError
from .paired import Difference, paired_difference, scenario_difference
from .simulate import derived_seed

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Model
    from .results import Results

__all__ = [
    "input_groups",
    "sobol",
    "evpi",
    "evpi_stderr",
    "evppi",
    "Difference",
    "paired_difference",
    "scenario_difference",
    "derived_seed",
]

CORRELATED = ("raise", "group")


# ---------------------------------------------------------------- inputs
def input_groups(model: "Model", correlated: str = "raise") -> dict[str, tuple[str, ...]]:
    """Uncertain inputs of ``model`` and the leaves each one owns.

    Input cells with distributions are named by the cell; distribution
    literals inside formula cells by the leaf (``cell__k``).

    Parameters
    ----------
    model : Model
        The model.
    correlated : {"raise", "group"}
        ``"raise"`` (default): refuse correlated inputs, naming the pair.
        ``"group"``: merge each connected set of correlated inputs into one
        input named ``"a+b"``.

    Returns
    -------
    dict of str to tuple of str
        Input name -> the names of the leaves it owns, in the model's order.

    Raises
    ------
    dealvalue.errors.DistributionError
        Correlated inputs with ``correlated="raise"``, naming the pair.
    dealvalue.errors.ArgumentError
        Any other value of ``correlated``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("k", "3")
    >>> m.add("y", "x + uniform(0, 1)")
    >>> input_groups(m)
    {'x': ('x__1',), 'y__1': ('y__1',)}
    """
    if correlated not in CORRELATED:
        raise ArgumentError("correlated", correlated, "one of " + ", ".join(repr(c) for c in CORRELATED))
    compiled = model.compile()
    groups: dict[str, list[str]] = {}
    for leaf, owner in compiled.leaf_owner.items():
        key = owner if model.is_input(owner) else leaf
        groups.setdefault(key, []).append(leaf)
    corr = model.correlations
    if corr and correlated == "raise":
        (a, b), rho = next(iter(corr.items()))
        raise DistributionError(
            "correlations",
            f"Sobol indices need independent inputs, but {a!r} and {b!r} are correlated (rho = {rho:g}); "
            "remove the correlation or pass correlated='group' to treat them as one input",
            cell=a,
        )
    merged: list[set[str]] = []
    for a, b in corr:
        hit = [g for g in merged if a in g or b in g]
        merged = [g for g in merged if g not in hit] + [{a, b}.union(*hit)]
    for g in merged:
        names = sorted(g, key=list(groups).index)
        leaves = [leaf for name in names for leaf in groups.pop(name)]
        groups["+".join(names)] = leaves
    return {k: tuple(v) for k, v in groups.items()}


# ---------------------------------------------------------------- Sobol
def sobol(
    model: "Model | Results",
    target: str,
    n: int | None = None,
    seed: int | None = None,
    method: str = "mc",
    conf: float = 0.95,
    n_boot: int = 300,
    correlated: str = "raise",
) -> "pd.DataFrame":
    """First-order and total Sobol indices of ``target`` for each uncertain input.

    Runs the model on its own pick-freeze designs (``n (k + 2)`` evaluations
    for ``k`` inputs; see the module notes for the estimators).

    Parameters
    ----------
    model
        The model, or results of a run (then its model, ``n = min(run's n,
        20,000)`` and the run's seed are the defaults).
    target
        The output cell.
    n
        Rows of each design matrix (default 10,000).
    seed
        Designs and bootstrap draw from seeds derived from it (default 0):
        same seed, same indices.
    method
        Sampling method of the designs (``"mc"``, ``"lhs"``, ``"qmc"``).  The
        bootstrap intervals assume independent rows, so they are exact in the
        limit for ``"mc"`` and conservative for the others.
    conf
        Level of the bootstrap percentile intervals.
    n_boot
        Bootstrap resamples.
    correlated
        ``"raise"`` or ``"group"``; see :func:`input_groups`.

    Returns
    -------
    pandas.DataFrame
        Indexed by input, largest total index first: ``S1 S1_lo S1_hi ST
        ST_lo ST_hi``.  ``attrs`` holds ``target``, ``n``, ``evaluations``,
        ``variance``, ``conf``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("y", "norm(0, 1)")
    >>> m.add("z", "2 * x + y")
    >>> s = sobol(m, "z", n=4_000, seed=1)
    >>> list(s.index), [round(v, 1) for v in s["S1"]]   # exact: 0.8, 0.2
    (['x', 'y'], [0.8, 0.2])
    """
    import pandas as pd

    from .results import NonFiniteWarning, Results
    from .simulate import check_n, check_seed, sample_leaves

    if isinstance(model, Results):  # the run's model, at most 20,000 rows, the run's seed
        n = min(model.n, 20_000) if n is None else n
        seed = model.seed if seed is None else seed
        model = model.model
    model.cell(target)
    n = check_n(10_000 if n is None else n)
    seed = check_seed(0 if seed is None else seed)
    if not 0 < conf < 1:
        raise ArgumentError("conf", conf, "a confidence level between 0 and 1 (e.g. 0.95)")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 10:
        raise ArgumentError("n_boot", n_boot, "a whole number of bootstrap resamples >= 10")
    groups = input_groups(model, correlated)
    if not groups:
        raise ArgumentError("model", model.name, f"a model with uncertain inputs (Sobol indices of {target!r} are undefined without them)")
    a = sample_leaves(model, n, derived_seed(seed, "sobol:A"), method)
    b = sample_leaves(model, n, derived_seed(seed, "sobol:B"), method)
    f_a = model.run_steps(a, n)[target]
    f_b = model.run_steps(b, n)[target]
    f_ab = np.empty((len(groups), n))
    for i, leaves in enumerate(groups.values()):
        mixed = dict(a)
        mixed.update({leaf: b[leaf] for leaf in leaves})
        f_ab[i] = model.run_steps(mixed, n)[target]
    ok = np.isfinite(f_a) & np.isfinite(f_b) & np.isfinite(f_ab).all(axis=0)
    if not ok.all():
        warnings.warn(
            f"cell {target!r}: {int((~ok).sum())} of {n} Sobol design rows give non-finite values and are left out",
            NonFiniteWarning,
            stacklevel=2,
        )
        f_a, f_b, f_ab = f_a[ok], f_b[ok], f_ab[:, ok]
    m = f_a.size
    variance = float(np.var(np.concatenate([f_a, f_b]), ddof=1)) if m >= 2 else 0.0
    if not variance > 0:
        raise ArgumentError("target", target, "a cell that varies across samples (its Sobol indices are undefined otherwise)")
    diff = f_ab - f_a  # (k, m)
    s1, st = _pick_freeze(f_a, f_b, diff, variance)
    rng = np.random.default_rng(derived_seed(seed, "sobol:bootstrap"))
    boot_s1 = np.empty((n_boot, len(groups)))
    boot_st = np.empty((n_boot, len(groups)))
    for r in range(n_boot):
        idx = rng.integers(0, m, m)
        fa, fb = f_a[idx], f_b[idx]
        v = float(np.var(np.concatenate([fa, fb]), ddof=1))
        boot_s1[r], boot_st[r] = _pick_freeze(fa, fb, diff[:, idx], v) if v > 0 else (np.nan, np.nan)
    tail = (1 - conf) / 2
    qs = [tail, 1 - tail]
    s1_lo, s1_hi = np.nanquantile(boot_s1, qs, axis=0)
    st_lo, st_hi = np.nanquantile(boot_st, qs, axis=0)
    df = pd.DataFrame(
        {"S1": s1, "S1_lo": s1_lo, "S1_hi": s1_hi, "ST": st, "ST_lo": st_lo, "ST_hi": st_hi},
        index=pd.Index(list(groups), name="input"),
    )
    df = df.sort_values("ST", ascending=False, kind="stable")
    df.attrs.update({"target": target, "n": m, "evaluations": n * (len(groups) + 2), "variance": variance, "conf": conf})
    return df


def _pick_freeze(f_a: np.ndarray, f_b: np.ndarray, diff: np.ndarray, variance: float) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli (2010) first-order and Jansen total indices from one set of rows."""
    m = f_a.size
    s1 = (diff @ f_b) / (m * variance)
    st = np.einsum("ij,ij->i", diff, diff) / (2 * m * variance)
    return s1, st


# ---------------------------------------------------------------- value of information
def _option_matrix(results: "Results", options: Sequence[str]) -> tuple[np.ndarray, str]:
    """Samples of each option's payoff in the first option's unit, shape (n, k)."""
    from .units import unit_text
    from .units import compatible

    if isinstance(options, str) or len(options) < 2:
        raise ArgumentError("options", options, "at least two cells, each holding one option's payoff")
    if len(set(options)) != len(options):
        raise ArgumentError("options", list(options), "different cells")
    unit = results.model.unit(options[0])
    for name in options[1:]:
        if not compatible(results.model.unit(name), unit):
            raise UnitMismatchError(
                name, f"option payoffs must share a unit: {results.model.unit(name)} is not {unit} (of {options[0]!r})"
            )
    text = unit_text(unit)
    cols = [results.get(name, None if name == options[0] else text) if text else results.get(name) for name in options]
    v = np.column_stack(cols)
    ok = np.isfinite(v).all(axis=1)
    if not ok.all():
        from .results import NonFiniteWarning

        warnings.warn(
            f"options {list(options)!r}: {int((~ok).sum())} of {len(ok)} samples are not finite and are left out",
            NonFiniteWarning,
            stacklevel=3,
        )
    return v, text


def evpi(results: "Results", options: Sequence[str]) -> float:
    """Expected value of perfect information for choosing among ``options``.

    ``E[max_k V_k] - max_k E[V_k]``: what knowing every uncertain input before
    choosing would be worth, in the unit of the first option's cell.

    Parameters
    ----------
    results : Results
        Joint samples of a model with the option cells.
    options : sequence of str
        At least two different cells, each holding one option's payoff, in
        units that convert to the first's.

    Returns
    -------
    float
        EVPI, >= 0, in the first option's unit; samples where an option is
        not finite are left out (with a warning).

    Raises
    ------
    dealvalue.errors.ArgumentError
        Fewer than two options, or the same cell twice.
    dealvalue.UnitMismatchError
        An option's unit does not convert to the first's.

    Examples
    --------
    With ``X ~ norm(1, 2)`` against 0 the closed form is
    ``2 phi(0.5) + Phi(0.5) - 1 = 0.39559``:

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("fund", "norm(1, 2)"); m.add("skip", "0")
    >>> r = m.simulate(n=100_000, seed=1)
    >>> value, se = evpi(r, ["fund", "skip"]), evpi_stderr(r, ["fund", "skip"])
    >>> abs(value - 0.39559) < 3 * se, round(se, 3)
    (True, 0.003)
    """
    v, _ = _option_matrix(results, options)
    v = v[np.isfinite(v).all(axis=1)]
    return float(v.max(axis=1).mean() - v.mean(axis=0).max())


def evpi_stderr(results: "Results", options: Sequence[str]) -> float:
    """Monte Carlo standard error of :func:`evpi`.

    EVPI is the mean regret ``max_k V_k - V_best`` of the option best on
    average; this is that mean's ``sd / sqrt(n)`` (the choice of the best
    option is taken as known, which it is when the options' means differ by
    more than a few standard errors).

    Parameters
    ----------
    results : Results
        Joint samples of a model with the option cells.
    options : sequence of str
        At least two different cells, each holding one option's payoff, in
        units that convert to the first's.

    Returns
    -------
    float
        The standard error, in the first option's unit; NaN with fewer than
        two finite samples.

    Raises
    ------
    dealvalue.errors.ArgumentError
        Fewer than two options, or the same cell twice.
    dealvalue.UnitMismatchError
        An option's unit does not convert to the first's.

    Examples
    --------
    With ``X ~ norm(1, 2)`` against 0 the best option is ``X`` and the
    regret is ``max(-X, 0)``, whose sd is 0.8259 in closed form (its mean
    0.39559 and mean square ``5 Phi(-0.5) - 2 phi(0.5) = 0.83857``), so
    the standard error at ``n = 10,000`` is 0.00826:

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("fund", "norm(1, 2)"); m.add("skip", "0")
    >>> se = evpi_stderr(m.simulate(n=10_000, seed=1), ["fund", "skip"])
    >>> abs(se - 0.00826) < 0.0003
    True
    """
    v, _ = _option_matrix(results, options)
    v = v[np.isfinite(v).all(axis=1)]
    if v.shape[0] < 2:
        return math.nan
    regret = v.max(axis=1) - v[:, int(np.argmax(v.mean(axis=0)))]
    return float(regret.std(ddof=1) / math.sqrt(regret.size))


def evppi(
    results: "Results",
    options: Sequence[str],
    inputs: Sequence[str] | None = None,
    knots: int | None = None,
) -> "pd.Series":
    """Expected value of partial perfect information of each uncertain input.

    ``E_X[max_k E[V_k | X]] - max_k E[V_k]``: what learning input ``X`` alone
    before choosing would be worth, in the first option's unit.  ``E[V_k | X]``
    is the least-squares fit of option ``k``'s samples on a piecewise-linear
    spline in the rank of ``X`` with ``knots`` equal-count pieces (default
    ``n**(1/3) / 2`` clipped to 4..40), or the exact group means when ``X``
    takes at most 50 values.  The fit's noise biases the estimate upwards by
    about ``0.4 sd(V_1 - V_2) sqrt(knots / n)`` when the options are close.

    Parameters
    ----------
    results : Results
        Joint samples of a model with the option cells.
    options : sequence of str
        At least two different cells, each holding one option's payoff, in
        units that convert to the first's.
    inputs : sequence of str, optional
        Cells or leaves to value; by default every uncertain input
        (:meth:`dealvalue.Results.uncertain_inputs`).
    knots : int, optional
        The number of spline pieces, >= 1.

    Returns
    -------
    pandas.Series
        Indexed by input, largest first; ``attrs["unit"]`` is the unit.

    Raises
    ------
    dealvalue.errors.ArgumentError
        Fewer than two options, the same cell twice, or ``knots`` not a
        whole number >= 1.
    dealvalue.UnitMismatchError
        An option's unit does not convert to the first's.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(1, 2)"); m.add("noise", "norm(0, 1)")
    >>> m.add("fund", "x + noise"); m.add("skip", "0")
    >>> r = m.simulate(n=100_000, seed=1)
    >>> s = evppi(r, ["fund", "skip"])
    >>> list(s.index), abs(float(s["x"]) - 0.3956) < 0.01     # closed form 0.3956
    (['x', 'noise'], True)
    """
    import pandas as pd

    v, unit = _option_matrix(results, options)
    ok = np.isfinite(v).all(axis=1)
    names = list(results.uncertain_inputs() if inputs is None else inputs)
    best_mean = v[ok].mean(axis=0).max()
    out: dict[str, float] = {}
    for name in names:
        x = results.get(name)
        keep = ok & np.isfinite(x)
        fitted = _conditional_means(x[keep], v[keep], knots)
        out[name] = float(fitted.max(axis=1).mean() - max(best_mean, fitted.mean(axis=0).max()))
    s = pd.Series(out, name="EVPPI", dtype=float)
    s.index.name = "input"
    s = s.sort_values(ascending=False, kind="stable")
    s.attrs["unit"] = unit
    return s


def _conditional_means(x: np.ndarray, v: np.ndarray, knots: int | None) -> np.ndarray:
    """Estimates of ``E[v[:, k] | x]`` at each sample, shape like ``v``."""
    n = x.size
    values, inverse = np.unique(x, return_inverse=True)
    if values.size <= 50:  # a discrete input: exact conditional means
        counts = np.bincount(inverse, minlength=values.size).astype(float)
        sums = np.stack([np.bincount(inverse, weights=v[:, k], minlength=values.size) for k in range(v.shape[1])], axis=1)
        means: np.ndarray = (sums / counts[:, None])[inverse]
        return means
    if knots is None:
        knots = int(np.clip(round(n ** (1 / 3) / 2), 4, 40))
    if isinstance(knots, bool) or not isinstance(knots, (int, np.integer)) or knots < 1:
        raise ArgumentError("knots", knots, "a whole number of spline pieces >= 1")
    # equal-count pieces: position in rank space, hat-function (linear spline) basis
    u = (np.argsort(np.argsort(x, kind="stable"), kind="stable") + 0.5) / n * knots
    j = np.minimum(u.astype(int), knots - 1)
    w = u - j
    size = knots + 1
    diag = np.bincount(j, (1 - w) ** 2, size) + np.bincount(j + 1, w**2, size)
    off = np.bincount(j, w * (1 - w), size)[:-1]
    gram = np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
    fitted = np.empty_like(v)
    for k in range(v.shape[1]):
        rhs = np.bincount(j, (1 - w) * v[:, k], size) + np.bincount(j + 1, w * v[:, k], size)
        coef = np.linalg.lstsq(gram, rhs, rcond=None)[0]
        fitted[:, k] = coef[j] * (1 - w) + coef[j + 1] * w
    return fitted
