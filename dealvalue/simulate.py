"""Monte Carlo: sample every cell of a model jointly.

Each distribution literal (a *leaf*) draws from its own random streams, one
per block of ``BLOCK`` = 65,536 samples, derived from the seed, the leaf's
name (``cell__k``) and the block's index (:mod:`dealvalue.blocks`).  So
adding a cell leaves every other cell's draws unchanged, two scenarios run
with the same seed share common random numbers, and any chunking of a run in
whole blocks (threads, Dask workers) gives the same numbers.  The graph is
compiled once (one lambdified numpy function per cell, called on whole
arrays), and a cell reached by two paths is one array.

Methods
-------
``"mc"``
    Plain Monte Carlo with numpy's native samplers (fastest per sample).
``"lhs"``
    Latin hypercube per block: each leaf's uniforms in a block are
    stratified into as many equal bins as the block has samples, then sent
    through the inverse CDF.  A run of at most 65,536 samples is one Latin
    hypercube; per-leaf streams hold here too.
``"qmc"``
    Randomised quasi-Monte Carlo: one scrambled Sobol' sequence for the whole
    run (:class:`scipy.stats.qmc.Sobol`) whose dimensions are the leaves in
    name order; chunks fast-forward into it.  Draws therefore depend on the
    *set* of leaves: adding or removing any distribution changes every other
    leaf's draws (the scramble is drawn for all dimensions at once).  Between
    models with the same leaf names the uniforms are identical, so changing
    formulas or a leaf's parameters keeps common random numbers.  ``n`` is
    best a power of 2.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from .blocks import BLOCK, METHODS, block_count, correlation_groups, sample_blocks, stream_key
from .errors import ArgumentError, ArgumentTypeError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

__all__ = ["simulate", "simulate_until", "leaf_rng", "derived_seed", "METHODS", "BLOCK", "correlation_groups"]

MAX_SAMPLES = 50_000_000


def leaf_rng(seed: int, name: str) -> np.random.Generator:
    """The random stream of one leaf: a function of the seed and the name only."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=stream_key(name)))


def derived_seed(seed: int, purpose: str) -> int:
    """A seed for a purpose (``"sobol:A"``, ``"batch:3"``), a function of
    ``seed`` and ``purpose`` only.

    >>> derived_seed(1, "sobol:A") == derived_seed(1, "sobol:A") != derived_seed(1, "sobol:B")
    True
    """
    return int(leaf_rng(seed, purpose).integers(0, 2**63 - 1))


def check_n(n: Any, argument: str = "n") -> int:
    """``n`` as a number of samples: a whole number from 1 to ``MAX_SAMPLES``
    (an integral float such as ``1e4`` counts as whole).

    >>> check_n(1e4)
    10000
    >>> check_n(0)
    Traceback (most recent call last):
    ...
    dealvalue.errors.ArgumentError: argument 'n': expected a whole number of samples from 1 to 50,000,000, got 0
    """
    expected = f"a whole number of samples from 1 to {MAX_SAMPLES:,}"
    if isinstance(n, (float, np.floating)) and math.isfinite(n) and float(n).is_integer():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ArgumentTypeError(argument, n, expected)
    if not 1 <= n <= MAX_SAMPLES:
        raise ArgumentError(argument, n, expected)
    return int(n)


def check_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63))  # type: ignore[operator]
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ArgumentError("seed", seed, "a whole number >= 0 (or None for a fresh seed)")
    return int(seed)


def sample_leaves(model: "Model", n: int, seed: int, method: str = "mc") -> dict[str, np.ndarray]:
    """Draw ``n`` samples of every leaf of the model (correlations applied),
    block by block (see :mod:`dealvalue.blocks`)."""
    check_method(method)
    out = sample_blocks(model, n, seed, method, 0, block_count(n))
    for arr in out.values():
        arr.flags.writeable = False
    return out


def check_method(method: Any) -> str:
    if method not in METHODS:
        raise ArgumentError("method", method, "one of " + ", ".join(repr(m) for m in METHODS))
    return str(method)


def simulate(
    model: "Model",
    n: int = 10_000,
    seed: int | None = None,
    method: str = "mc",
    progress: bool = False,
    target_se: Mapping[str, float] | None = None,
    max_n: int | None = None,
) -> "Results":
    """Sample every cell of ``model`` jointly.

    Parameters
    ----------
    n
        Number of samples (default 10,000).
    seed
        Same seed, same numbers.  ``None`` draws a fresh seed, which is kept in
        ``Results.seed`` so the run can be repeated.
    method
        ``"mc"`` (default), ``"lhs"`` or ``"qmc"``; see the module notes.
    progress
        Show a progress bar on standard error.
    target_se
        Keep sampling until each named cell's mean has at most this standard
        error, e.g. ``{"feasible": 0.001}``; see :func:`simulate_until`.
    max_n
        The cap on samples when ``target_se`` is given (default
        ``max(n, 1,000,000)``).

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("y", "x > 0")
    >>> r = m.simulate(n=20_000, seed=1)
    >>> abs(r.mean("y") - 0.5) < 4 * r.stderr("y")
    True
    """
    from .results import Results

    if target_se is not None:
        return simulate_until(model, target_se, n=n, seed=seed, method=method, max_n=max_n, progress=progress)
    if max_n is not None:
        raise ArgumentError("max_n", max_n, "no max_n without target_se (max_n caps adaptive sampling: give target_se too, e.g. target_se={'feasible': 0.001})")
    n = check_n(n)
    seed = check_seed(seed)
    compiled = model.compile()
    started = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(compiled.leaves) + len(compiled.steps), file=sys.stderr, desc=f"simulating {n:,} samples", unit="cell", leave=False)
    leaf_values = sample_leaves(model, n, seed, method)
    if bar is not None:
        bar.update(len(compiled.leaves))
    values = model.run_steps(leaf_values, n)
    if bar is not None:
        bar.update(len(compiled.steps))
        bar.close()
    elapsed = time.perf_counter() - started
    return Results(
        model=model.copy(),
        values={name: values[name] for name in compiled.order},
        leaves=leaf_values,
        n=n,
        seed=seed,
        method=method,
        seconds=elapsed,
    )


def simulate_values(model: "Model", n: int, seed: int, method: str = "mc") -> Mapping[str, np.ndarray]:
    """Every cell's samples as plain arrays (no Results object)."""
    return model.run_steps(sample_leaves(model, n, seed, method), n)


MIN_REPLICATES = 8  # batches before the spread of "qmc" batch means is trusted as its error
DEFAULT_MAX_N = 1_000_000


def simulate_until(
    model: "Model",
    target_se: Mapping[str, float],
    n: int = 10_000,
    seed: int | None = None,
    method: str = "mc",
    max_n: int | None = None,
    progress: bool = False,
) -> "Results":
    """Sample in batches until every target standard error is met or ``max_n`` is reached.

    The first batch is exactly ``simulate(model, n, seed, method)``; batch
    ``b >= 1`` draws with the seed :func:`derived_seed`
    ``(seed, "batch:b")``, so the run is repeatable and its batches are
    independent.  The error judged is:

    * ``"mc"``: :meth:`Results.stderr` of the pooled samples (binomial for a
      0/1 cell), exact for independent draws.  Batch sizes aim at the ``n``
      that error projects, plus 10%.
    * ``"lhs"``: the same formula, an upper bound (a Latin hypercube's
      variance is at most ``n / (n - 1)`` times plain Monte Carlo's, Owen 1997).
    * ``"qmc"``: the spread of the means of equal batches of ``n`` (independent
      scrambles), :meth:`Results.batch_stderr`, once there are at least
      ``MIN_REPLICATES`` = 8 batches; one scrambled sequence says nothing
      about its own error.

    The results say how it ended: ``converged`` (True or False),
    ``stop_reason`` (text), ``se_reached`` (cell -> the error judged) and
    ``batch_sizes``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("y", "x > 1")
    >>> r = m.simulate(seed=1, target_se={"y": 0.002})
    >>> r.converged, r.stderr("y") <= 0.002, r.n > 10_000
    (True, True, True)
    >>> r = m.simulate(seed=1, target_se={"y": 0.0001}, max_n=30_000)
    >>> r.converged, r.n, r.stop_reason.startswith("max_n")
    (False, 30000, True)
    """
    from .results import Results

    n = check_n(n)
    seed = check_seed(seed)
    cap = DEFAULT_MAX_N if max_n is None else check_n(max_n, "max_n")
    cap = max(cap, n) if max_n is None else cap
    if cap < n:
        raise ArgumentError("max_n", cap, f"at least the first batch's n = {n}")
    if not isinstance(target_se, Mapping) or not target_se:
        raise ArgumentError("target_se", target_se, "a mapping of cell names to standard errors, e.g. {'feasible': 0.001}")
    targets: dict[str, float] = {}
    for name, se in target_se.items():
        model.cell(name)
        if isinstance(se, bool) or not isinstance(se, (int, float, np.integer, np.floating)) or not 1e-12 <= se < math.inf:
            raise ArgumentError(f"target_se[{name!r}]", se, "a finite standard error >= 1e-12")
        targets[name] = float(se)
    compiled = model.compile()
    started = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=cap, file=sys.stderr, desc="sampling to target errors", unit="sample", leave=False)
    batches: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = []
    sizes: list[int] = []
    size = n
    while True:
        batch_seed = seed if not batches else derived_seed(seed, f"batch:{len(batches)}")
        leaf_values = sample_leaves(model, size, batch_seed, method)
        values = model.run_steps(leaf_values, size)
        batches.append((leaf_values, {k: values[k] for k in compiled.order}))
        sizes.append(size)
        if bar is not None:
            bar.update(size)
        total = sum(sizes)
        probe = Results(
            model=model,
            values={t: np.concatenate([b[1][t] for b in batches]) for t in targets},
            leaves={},
            n=total,
            seed=seed,
            method=method,
            batch_sizes=tuple(sizes),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the final results warn when asked
            if method == "qmc":
                reached = {t: probe.batch_stderr(t) if len(sizes) >= MIN_REPLICATES else math.nan for t in targets}
            else:
                reached = {t: probe.stderr(t) for t in targets}
        if all(reached[t] <= targets[t] for t in targets):
            converged, reason = True, f"target standard errors met after {total:,} samples in {len(sizes)} batches"
            break
        if method == "qmc":
            if total + n > cap:
                converged, reason = False, f"max_n = {cap:,} reached before the target standard errors ({total:,} samples)"
                break
            size = n
        else:
            if total >= cap:
                converged, reason = False, f"max_n = {cap:,} reached before the target standard errors"
                break
            # errors fall as 1/sqrt(n): aim at the projected size, 10% over
            need = max((total * (reached[t] / targets[t]) ** 2 if math.isfinite(reached[t]) else 2 * total) for t in targets)
            size = int(min(cap - total, max(n, math.ceil(1.1 * need) - total)))
    if bar is not None:
        bar.close()
    leaves = {k: np.concatenate([b[0][k] for b in batches]) for k in batches[0][0]}
    pooled = {k: np.concatenate([b[1][k] for b in batches]) for k in compiled.order}
    for arr in (*leaves.values(), *pooled.values()):
        arr.flags.writeable = False
    return Results(
        model=model.copy(),
        values=pooled,
        leaves=leaves,
        n=sum(sizes),
        seed=seed,
        method=method,
        seconds=time.perf_counter() - started,
        batch_sizes=tuple(sizes),
        converged=converged,
        stop_reason=reason,
        se_reached=reached,
    )
