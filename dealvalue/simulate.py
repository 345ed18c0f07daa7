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
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import numpy as np

from .blocks import (BLOCK, METHODS, Draws, block_bounds, block_count, correlation_groups, reusable_cells, sample_blocks,
                     stream_key)
from .chunks import CHUNK_BLOCKS, ChunkOut, Folder, chunk_ranges, default_threads, exact_quantiles, run_chunk, run_chunks
from .budgets import check_memory, check_time
from .errors import ArgumentError, ArgumentTypeError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

__all__ = ["simulate", "simulate_until", "leaf_rng", "derived_seed", "METHODS", "BLOCK", "correlation_groups",
           "MAX_SAMPLES", "MAX_STREAMED_SAMPLES", "check_keep", "check_threads", "override_values"]

MAX_SAMPLES = 50_000_000        # when samples are kept
MAX_STREAMED_SAMPLES = 10**11   # keep="summary": memory does not grow with n
EXACT_LEVELS = (0.05, 0.5, 0.95)


def leaf_rng(seed: int, name: str) -> np.random.Generator:
    """The random stream of one leaf: a function of the seed and the name only."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=stream_key(name)))


def derived_seed(seed: int, purpose: str) -> int:
    """A seed for a purpose (``"sobol:A"``, ``"batch:3"``), a function of
    ``seed`` and ``purpose`` only.

    Parameters
    ----------
    seed : int
        The run's seed.
    purpose : str
        What the seed is for.

    Returns
    -------
    int
        A seed in [0, 2**63 - 1).

    Examples
    --------
    >>> derived_seed(1, "sobol:A") == derived_seed(1, "sobol:A") != derived_seed(1, "sobol:B")
    True
    """
    return int(leaf_rng(seed, purpose).integers(0, 2**63 - 1))


def check_n(n: Any, argument: str = "n", maximum: int = MAX_SAMPLES) -> int:
    """``n`` as a number of samples: a whole number from 1 to ``MAX_SAMPLES``
    (an integral float such as ``1e4`` counts as whole).

    >>> check_n(1e4)
    10000
    >>> check_n(0)
    Traceback (most recent call last):
    ...
    dealvalue.errors.ArgumentError: argument 'n': expected a whole number of samples from 1 to 50,000,000, got 0
    """
    expected = f"a whole number of samples from 1 to {maximum:,}"
    if isinstance(n, (float, np.floating)) and math.isfinite(n) and float(n).is_integer():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ArgumentTypeError(argument, n, expected)
    if not 1 <= n <= maximum:
        raise ArgumentError(argument, n, expected)
    return int(n)


def check_seed(seed: Any) -> int:
    """The int seed of a run: ``seed`` itself, or one derived from a numpy
    ``Generator`` (``seed.integers(2**63)``: the same generator state gives the
    same seed, and the generator advances) or a ``SeedSequence`` (its first
    64-bit ``generate_state`` word, halved into 63 bits: always the same)."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))
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
    seed: "int | np.random.Generator | np.random.SeedSequence | None" = None,
    method: str = "mc",
    progress: bool = False,
    target_se: Mapping[str, float] | None = None,
    max_n: int | None = None,
    keep: "str | Sequence[str]" = "all",
    threads: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    exact: "Sequence[str] | Mapping[str, Sequence[float]] | None" = None,
    chunk_blocks: int = CHUNK_BLOCKS,
    draws: "Draws | None" = None,
    reuse: "Results | None" = None,
) -> "Results":
    """Sample every cell of ``model`` jointly.

    Parameters
    ----------
    n
        Number of samples (default 10,000; up to 50,000,000 when samples are
        kept, up to 10**11 with ``keep="summary"``).
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
    keep
        ``"all"`` (default): every cell's samples.  A list of cells: their
        samples, and statistics only for the others.  ``"summary"``:
        statistics only (:mod:`dealvalue.streaming`): means, sd, standard
        errors and probabilities exact, quantiles from a sketch within 0.5%
        relative error.  Memory then depends on the chunk (131,072 samples
        per thread), not on ``n``.
    threads
        Chunks run on this many threads (default ``os.cpu_count()``, at most
        8).  The numbers do not depend on it, bit for bit.
    overrides
        Cells pinned to values, ``{cell: value}``: numbers in the cell's unit
        or pint quantities (converted).  Every other cell keeps its draws.
    exact
        Cells whose quantiles a second pass makes exact (a list: the 5th,
        50th and 95th percentiles; a mapping: cell -> levels).  Only for
        runs that do not keep the cell's samples.
    chunk_blocks
        Blocks of 65,536 samples per chunk (default 2).
    draws
        A :class:`~dealvalue.blocks.Draws` store: the leaves' blocks of draws
        are kept there and taken from there in later runs (same numbers, bit
        for bit; a model changed in one input draws that input's leaves only).
    reuse
        A previous run of this model or of an edited copy of it, with the
        same ``n``, seed and method: each cell that does not depend on what
        changed takes its samples from there instead of being computed, as
        a spreadsheet recalculates only what an edit touches (same numbers,
        bit for bit; :func:`~dealvalue.blocks.reusable_cells` says which).
        Only a run ``simulate`` made in one pass counts: not a subset, not an
        adaptive run.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(0, 1)"); m.add("y", "x > 0")
    >>> r = m.simulate(n=20_000, seed=1)
    >>> abs(r.mean("y") - 0.5) < 4 * r.stderr("y")
    True
    >>> s = m.simulate(n=20_000, seed=1, keep="summary")
    >>> s.mean("y") == r.mean("y"), abs(s.quantile("x", 0.9) - r.quantile("x", 0.9)) < 0.01
    (True, True)
    """
    from .results import Results

    if draws is not None and not isinstance(draws, Draws):
        raise ArgumentError("draws", draws, "a dealvalue.blocks.Draws store or None")
    if reuse is not None and not isinstance(reuse, Results):
        raise ArgumentError("reuse", reuse, "the Results of a previous run, or None")
    if target_se is not None:
        if keep != "all" or overrides or exact:
            raise ArgumentError("target_se", target_se, "no target_se with keep, overrides or exact (adaptive runs keep every sample)")
        if reuse is not None:
            raise ArgumentError("reuse", reuse, "no reuse with target_se (an adaptive run's batches have seeds of their own)")
        return simulate_until(model, target_se, n=n, seed=check_seed(seed), method=method, max_n=max_n, progress=progress)
    if max_n is not None:
        raise ArgumentError("max_n", max_n, "no max_n without target_se (max_n caps adaptive sampling: give target_se too, e.g. target_se={'feasible': 0.001})")
    compiled = model.compile()
    kept, keep_leaves = check_keep(model, keep)
    n = check_n(n) if kept or keep_leaves else check_n(n, maximum=MAX_STREAMED_SAMPLES)
    seed = check_seed(seed)
    check_method(method)
    threads = check_threads(threads)
    pins = override_values(model, overrides)
    if isinstance(chunk_blocks, bool) or not isinstance(chunk_blocks, (int, np.integer)) or chunk_blocks < 1:
        raise ArgumentError("chunk_blocks", chunk_blocks, "a whole number of blocks >= 1")
    summarised = tuple(k for k in compiled.order if k not in kept) if not keep_leaves else ()
    levels = check_exact(exact, summarised)
    started = time.perf_counter()
    ranges = chunk_ranges(n, int(chunk_blocks))
    # a cell that is exactly one distribution literal is its leaf's array (no copy)
    aliased = {s.name: s.leaf for s in compiled.steps if keep_leaves and s.leaf is not None and s.name not in pins}
    copied = tuple(k for k in kept if k not in aliased)
    reused = {k: reuse.values[k] for k in reusable_cells(model, reuse, n, seed, method)} if reuse is not None and not pins else {}
    check_memory(f"simulate(n={n:,})", run_bytes(n, len(compiled.leaves) if keep_leaves else 0, len(copied),
                                                  len(compiled.leaves) + len(compiled.steps), ranges, threads),
                 "keep='summary' keeps statistics only, or use fewer samples" if keep_leaves or copied
                 else "fewer threads or a smaller chunk_blocks hold fewer samples at once")
    leaves = {k: np.empty(n) for k in compiled.leaves} if keep_leaves else {}
    values = {k: leaves[aliased[k]] if k in aliased else np.empty(n) for k in kept}

    def task(first: int, stop: int) -> ChunkOut:
        lo, hi = block_bounds(n, first)[0], block_bounds(n, stop - 1)[1]
        return run_chunk(model, n, seed, method, first, stop, copied, summarised, pins, keep_leaves,
                         into={k: values[k][lo:hi] for k in copied}, leaves_into={k: v[lo:hi] for k, v in leaves.items()},
                         draws=draws, reused={k: v[lo:hi] for k, v in reused.items()})

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n, file=sys.stderr, desc=f"simulating {n:,} samples", unit="sample", unit_scale=True, leave=False)
    folder = Folder(summarised)
    for out in run_chunks(task, ranges, threads):
        folder.add(out)
        check_time(f"simulate(n={n:,})", f"{block_bounds(n, out.stop - 1)[1]:,} samples")
        if bar is not None:
            bar.update(block_bounds(n, out.stop - 1)[1] - block_bounds(n, out.first)[0])
    if bar is not None:
        bar.close()
    if levels:
        def second_pass(gather: Mapping[str, tuple[float, float]]) -> Iterator[ChunkOut]:
            return run_chunks(lambda a, b: run_chunk(model, n, seed, method, a, b, (), (), pins, False, gather), ranges, threads)

        exact_quantiles(folder.stats, levels, second_pass)
    for arr in (*values.values(), *leaves.values()):
        arr.flags.writeable = False
    results = Results(
        model=model.copy(),
        values={k: values[k] for k in compiled.order if k in values},
        leaves=leaves,
        n=n,
        seed=seed,
        method=method,
        seconds=time.perf_counter() - started,
        stats=folder.stats,
        overrides=dict(pins),
    )
    results.plain_run = True
    return results


def run_bytes(n: int, kept_leaves: int, kept_cells: int, arrays_per_chunk: int, ranges: Sequence[tuple[int, int]],
              threads: int) -> int:
    """Bytes a run allocates for its float64 arrays: ``n`` samples of each
    kept leaf and cell, and the arrays of the chunks in flight (at most
    ``2 * threads``, each a block range with ``arrays_per_chunk`` arrays).

    >>> run_bytes(1_000_000, 1, 1, 2, [(0, 2)], 1) == 8 * (2_000_000 + 2 * 2 * BLOCK)
    True
    """
    rows = max((min(n, stop * BLOCK) - first * BLOCK for first, stop in ranges), default=0)
    in_flight = min(len(ranges), 2 * max(threads, 1))
    return 8 * (n * (kept_leaves + kept_cells) + rows * in_flight * arrays_per_chunk)


def check_keep(model: "Model", keep: Any) -> tuple[tuple[str, ...], bool]:
    """The cells whose samples a run keeps, and whether it keeps them all (with the leaves)."""
    compiled = model.compile()
    if isinstance(keep, str):
        if keep == "all":
            return tuple(compiled.order), True
        if keep == "summary":
            return (), False
        raise ArgumentError("keep", keep, "'all', 'summary' or a list of cell names")
    try:
        names = list(keep)
    except TypeError:
        raise ArgumentTypeError("keep", keep, "'all', 'summary' or a list of cell names") from None
    for name in names:
        if not isinstance(name, str):
            raise ArgumentTypeError("keep", keep, "'all', 'summary' or a list of cell names")
        model.cell(name)
    return tuple(k for k in compiled.order if k in set(names)), False


def check_threads(threads: Any) -> int:
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or not 1 <= threads <= 256:
        raise ArgumentError("threads", threads, "a whole number of threads from 1 to 256 (or None for every core, at most 8)")
    return int(threads)


def check_exact(exact: Any, summarised: Sequence[str]) -> dict[str, tuple[float, ...]]:
    if exact is None:
        return {}
    levels = dict(exact) if isinstance(exact, Mapping) else {name: EXACT_LEVELS for name in exact}
    out = {}
    for name, qs in levels.items():
        if name not in summarised:
            raise ArgumentError("exact", exact, "cells whose samples are not kept (keep='summary' or a list that leaves them out)")
        qs = tuple(float(q) for q in qs)
        if not all(0 <= q <= 1 for q in qs):
            raise ArgumentError("exact", exact, "quantile levels in [0, 1]")
        out[name] = qs
    return out


def override_values(model: "Model", overrides: Mapping[str, Any] | None) -> dict[str, float]:
    """``{cell: value}`` as magnitudes in each cell's unit (pint quantities are converted)."""
    from .errors import FormulaError, UnitMismatchError

    out: dict[str, float] = {}
    if overrides is None:
        return out
    if not isinstance(overrides, Mapping):
        raise ArgumentTypeError("overrides", overrides, "a mapping of cell names to values")
    for name, v in overrides.items():
        model.cell(name)
        unit = model.unit(name)
        if hasattr(v, "to") and hasattr(v, "magnitude") and hasattr(v, "units"):
            try:
                # read in the model's own registry, where its user-defined units live
                out[name] = float(model.unit_registry.Quantity(v.magnitude, str(v.units)).to(unit).magnitude)
            except Exception:
                raise UnitMismatchError(name, f"cannot use {v} for a cell in {unit}") from None
            continue
        try:
            out[name] = float(v)
        except (TypeError, ValueError):
            raise FormulaError(name, repr(v), "expected a number (in the cell's unit) or a pint quantity") from None
    return out


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
