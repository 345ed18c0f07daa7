"""Many simulations and big ones, locally or on a Dask cluster (``dealvalue[dask]``).

* :func:`sweep`: one simulation per grid point of overrides (``over={cell:
  values}``), returning the target's mean (P(target) for a 0/1 cell) and its
  standard error per point.
* :func:`simulate_dask`: one big ``keep="summary"`` simulation cut into
  chunks of whole blocks mapped over Dask workers, their statistics merged in
  block order.
* :func:`map_points`: the generic primitive under both and under the
  many-simulation questions of :mod:`dealvalue.deals.distributed`:
  ``fn(model, point)`` for each point, on local threads or on a Dask cluster
  with the model shipped once (scattered to every worker) and the points
  sent in batches (a few tasks per worker, not one per point).

Randomness lives in blocks (:mod:`dealvalue.blocks`) and statistics are
folded in block order, so a run gives the same numbers, bit for bit, on one
thread, many threads or many workers.  Every grid point of a sweep uses the
same seed: points differ only by their overrides (common random numbers).
``client`` is a :class:`distributed.Client`; ``None`` runs locally on threads.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar

from .chunks import CHUNK_BLOCKS, ChunkOut, Folder, chunk_ranges, run_chunk, run_chunks
from .errors import ArgumentError
from .simulate import MAX_STREAMED_SAMPLES, check_method, check_n, check_seed, check_threads, override_values

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Model
    from .results import Results

__all__ = ["sweep", "simulate_dask", "grid", "point_stats", "blocks_task", "map_points", "worker_count", "local_cluster",
           "TASKS_PER_WORKER", "WORKER_ENVIRON", "MAX_POINTS"]

P = TypeVar("P")
R = TypeVar("R")
MAX_POINTS = 1_000_000  # grid points of one sweep: a grid is built before anything runs
TASKS_PER_WORKER = 4  # batches per worker: few tasks, yet a slow worker does not hold the rest up
# Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 (so that freed memory goes back to the
# system).  Setting any glibc malloc threshold switches off its dynamic mmap threshold, which
# stays at 128 KiB: every chunk array (1 MiB) is then mmapped, faulted in page by page and
# unmapped again, and a sweep point costs 20-25% more CPU than on a local thread (measured:
# 0.100 s against 0.082 s per deal-model point at 1e5).  Arrays under 64 MiB come from the heap
# again with this, while Dask's trim threshold still returns freed memory.
WORKER_ENVIRON = {"MALLOC_MMAP_THRESHOLD_": str(64 * 2**20)}


def local_cluster(workers: int = 2, **kwargs: Any) -> Any:
    """A :class:`distributed.LocalCluster` of ``workers`` single-threaded
    processes whose workers allocate sample arrays as fast as a local
    thread does (:data:`WORKER_ENVIRON`, set before they start).

    Parameters
    ----------
    workers
        Worker processes (one thread each).
    **kwargs
        Passed on to :class:`distributed.LocalCluster` (e.g.
        ``dashboard_address=":8787"``; by default there is no dashboard).

    Returns
    -------
    distributed.LocalCluster
        Use it as a context manager, with ``distributed.Client(cluster)``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> from distributed import Client
    >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("t", "0.5"); m.add("feasible", "x < t")
    >>> with local_cluster(1) as cluster, Client(cluster) as client:
    ...     sweep(m, {"t": [0.25, 0.75]}, n=20_000, seed=1, client=client)["mean"].round(2).tolist()
    [0.25, 0.75]
    """
    import dask
    from distributed import LocalCluster

    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 256:
        raise ArgumentError("workers", workers, "a whole number of worker processes from 1 to 256")
    options: dict[str, Any] = {"n_workers": workers, "threads_per_worker": 1, "processes": True,
                               "dashboard_address": None, **kwargs}
    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRON.items()}):
        return LocalCluster(**options)  # type: ignore[no-untyped-call]


def worker_count(client: Any) -> int:
    """How many workers ``client``'s cluster has (at least 1).

    Parameters
    ----------
    client : distributed.Client
        A client of a running cluster.

    Returns
    -------
    int
        The number of workers the scheduler knows, or 1 when it knows none
        yet.

    Examples
    --------
    >>> from distributed import Client
    >>> with local_cluster(1) as cluster, Client(cluster) as client:
    ...     worker_count(client)
    1
    """
    return max(1, len(client.scheduler_info().get("workers", {})))


def run_batch(fn: "Callable[[Any, P], R]", model: Any, batch: "Sequence[P]") -> "list[R]":
    """``fn(model, point)`` for each point of one batch, in order: a Dask task."""
    return [fn(model, p) for p in batch]


def map_points(
    fn: "Callable[[Any, P], R]",
    model: Any,
    points: "Iterable[P]",
    client: Any = None,
    threads: int | None = None,
    batch: int | None = None,
    on_done: "Callable[[int], None] | None" = None,
) -> "list[R]":
    """``[fn(model, p) for p in points]``, in the points' order, locally or on Dask.

    ``client`` is a :class:`distributed.Client`: the model is scattered to
    every worker once and the points go in batches of ``batch`` (default:
    ``TASKS_PER_WORKER`` = 4 batches per worker), one task per batch.
    ``fn`` must pickle (a module-level function or a
    :func:`functools.partial` of one) and be deterministic, so a point's
    answer does not depend on where it ran.  ``None``: the points run on
    ``threads`` local threads (default every core, at most 8).
    ``on_done(k)`` is told each time ``k`` more points are answered.

    Parameters
    ----------
    fn : callable
        ``fn(model, point)``, the answer at one point.
    model : object
        What ``fn`` gets first (usually a :class:`~dealvalue.Model`); sent
        once to each worker.
    points : iterable
        The points.
    client : distributed.Client, optional
        Run on its cluster; None runs on local threads.
    threads : int, optional
        Local threads (without a client); default every core, at most 8.
    batch : int, optional
        Points per task on a cluster, >= 1.
    on_done : callable, optional
        ``on_done(k)``, called as answers arrive (e.g. a progress bar's
        ``update``).

    Returns
    -------
    list
        ``fn(model, p)`` for each point, in the points' order.

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``batch`` or ``threads`` not a whole number >= 1.

    Examples
    --------
    >>> map_points(lambda m, p: m * p, 10, [1, 2, 3], threads=2)
    [10, 20, 30]
    """
    todo = list(points)
    tell = on_done or (lambda k: None)
    out: list[R] = []
    if client is None:
        workers = check_threads(threads)
        if workers <= 1 or len(todo) <= 1:
            for p in todo:
                out.append(fn(model, p))
                tell(1)
            return out
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for r in pool.map(lambda p: fn(model, p), todo):
                out.append(r)
                tell(1)
        return out
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
        raise ArgumentError("batch", batch, "a whole number of points per task >= 1 (or None)")
    size = batch or max(1, math.ceil(len(todo) / (TASKS_PER_WORKER * worker_count(client))))
    remote = client.scatter(model, broadcast=True, hash=False)
    futures = [client.submit(run_batch, fn, remote, todo[i : i + size], pure=False) for i in range(0, len(todo), size)]
    for fut in futures:
        part = fut.result()
        out.extend(part)
        tell(len(part))
    return out


def _sweep_point(model: "Model", overrides: Mapping[str, float], n: int, seed: int, method: str,
                 target: str) -> tuple[float, float]:
    return point_stats(model, n, seed, method, overrides, target)


def grid(model: "Model", over: Mapping[str, Iterable[Any]]) -> list[dict[str, float]]:
    """Every combination of the values in ``over`` (``{cell: values}``) as
    overrides in each cell's unit, the first cell varying slowest.

    Parameters
    ----------
    model : Model
        The model whose cells are named.
    over : mapping of str to iterable
        Cell -> its values: numbers in the cell's unit or pint quantities.

    Returns
    -------
    list of dict of str to float
        One ``{cell: value}`` per point, values in each cell's unit.

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``over`` empty or not a mapping, a cell with no value, or more than
        ``MAX_POINTS`` points.
    dealvalue.UnknownCellError
        A name that is not a cell of the model.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("fee", "10", unit="USD"); m.add("c", "0.5")
    >>> grid(m, {"fee": [1, dv.ureg.Quantity(2, "kUSD")], "c": [0.1, 0.9]})
    [{'fee': 1.0, 'c': 0.1}, {'fee': 1.0, 'c': 0.9}, {'fee': 2000.0, 'c': 0.1}, {'fee': 2000.0, 'c': 0.9}]
    """
    if not isinstance(over, Mapping) or not over:
        raise ArgumentError("over", over, "a mapping of cell names to lists of values, e.g. {'P': [1e6, 2e6]}")
    lists = []
    for name, values in over.items():
        model.cell(name)
        vals = list(values)
        if not vals:
            raise ArgumentError("over", over, f"at least one value for {name!r}")
        lists.append([override_values(model, {name: v})[name] for v in vals])
    size = math.prod(len(v) for v in lists)
    if size > MAX_POINTS:
        raise ArgumentError("over", {k: f"{len(v):,} values" for k, v in zip(over, lists)},
                            f"a grid of at most {MAX_POINTS:,} points (this one has {size:,})")
    return [dict(zip(over, point)) for point in itertools.product(*lists)]


def point_stats(model: "Model", n: int, seed: int, method: str, overrides: Mapping[str, float], target: str,
                threads: int = 1) -> tuple[float, float]:
    """The mean of ``target`` and its standard error in one run with ``overrides``.

    The run streams chunk by chunk and keeps no samples (what a sweep
    point needs).

    Parameters
    ----------
    model : Model
        The model.
    n : int
        The number of samples.
    seed : int
        The seed.
    method : {"mc", "lhs", "qmc"}
        The sampling method.
    overrides : mapping of str to float
        Cells pinned to values, in each cell's unit.
    target : str
        The cell whose mean is computed.
    threads : int, default 1
        Local threads running the chunks.

    Returns
    -------
    tuple of (float, float)
        The mean over finite samples (NaN if none) and its standard error,
        in the target's unit.

    Examples
    --------
    P(x < 0.25) for ``x`` uniform; the binomial error is
    ``sqrt(p (1 - p) / n)``:

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("t", "0.5"); m.add("feasible", "x < t")
    >>> p, se = point_stats(m, 10_000, 1, "mc", {"t": 0.25}, "feasible")
    >>> p, round(se, 6), round((p * (1 - p) / 10_000) ** 0.5, 6)
    (0.2522, 0.004343, 0.004343)
    """
    folder = Folder([target])
    task = lambda a, b: run_chunk(model, n, seed, method, a, b, (), (target,), overrides)  # noqa: E731
    for out in run_chunks(task, chunk_ranges(n), threads):
        folder.add(out)
    cs = folder.stats[target]
    return (cs.moments.mean if cs.moments.count else math.nan), cs.stderr


def blocks_task(model: "Model", n: int, seed: int, method: str, first: int, stop: int, stats: Sequence[str],
                overrides: Mapping[str, float], chunk_blocks: int = CHUNK_BLOCKS) -> ChunkOut:
    """Blocks ``first`` to ``stop - 1`` chunk by chunk, as one :class:`ChunkOut`
    (per-block moments in block order, sketches merged): a Dask task.

    Parameters
    ----------
    model : Model
        The model.
    n : int
        The run's total number of samples (the last block may be short).
    seed : int
        The run's seed.
    method : {"mc", "lhs", "qmc"}
        The sampling method.
    first, stop : int
        The blocks to run, ``first`` included, ``stop`` not (a block is
        65,536 samples).
    stats : sequence of str
        The cells whose moments and quantile sketches are kept.
    overrides : mapping of str to float
        Cells pinned to values, in each cell's unit.
    chunk_blocks : int, default 2
        Blocks per chunk (the memory one step needs).

    Returns
    -------
    ChunkOut
        ``moments[cell]``: one moments record per block; ``sketches[cell]``:
        one merged quantile sketch.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "uniform(0, 1)")
    >>> out = blocks_task(m, 3 * 2**16, 1, "mc", 0, 2, ("x",), {})
    >>> len(out.moments["x"]), sum(b.count for b in out.moments["x"])
    (2, 131072)
    """
    total = ChunkOut(first, stop)
    for a, b in chunk_ranges(n, chunk_blocks, first, stop):
        out = run_chunk(model, n, seed, method, a, b, (), stats, overrides)
        for name in stats:
            total.moments.setdefault(name, []).extend(out.moments[name])
            total.sketches[name] = total.sketches[name].merge(out.sketches[name]) if name in total.sketches else out.sketches[name]
    return total


def sweep(
    model: "Model",
    over: Mapping[str, Iterable[Any]],
    n: int = 10_000,
    seed: int | None = None,
    target: str | None = None,
    client: Any = None,
    method: str = "mc",
    threads: int | None = None,
    batch: int | None = None,
    progress: bool = False,
) -> "pd.DataFrame":
    """One simulation per grid point of ``over``.

    Parameters
    ----------
    model : Model
        The model.
    over : mapping of str to iterable
        ``{cell: values}``; the grid is every combination (values are numbers
        in the cell's unit or pint quantities).
    n, seed, method
        As in :func:`dealvalue.simulate.simulate`; every point uses the same
        seed (default: the model's, else 0).
    target : str, optional
        The cell whose mean is reported (default ``"feasible"``).
    client : distributed.Client, optional
        The model is shipped to its workers once and the points go in
        batches (:func:`map_points`; ``batch`` points per task).  ``None``:
        points run on ``threads`` local threads.
    threads : int, optional
        Local threads (without a client); default every core, at most 8.
    batch : int, optional
        Points per task on a cluster.
    progress : bool, default False
        A progress bar on standard error, one step per point.

    Returns
    -------
    pandas.DataFrame
        One row per point: the ``over`` cells, ``mean`` (P(target) for a
        0/1 cell) and ``stderr``; ``attrs`` hold target, n and seed.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("t", "0.5"); m.add("feasible", "x < t")
    >>> sweep(m, {"t": [0.25, 0.75]}, n=20_000, seed=1)["mean"].round(2).tolist()
    [0.25, 0.75]
    """
    import pandas as pd

    n = check_n(n, maximum=MAX_STREAMED_SAMPLES)
    if seed is None:
        seed = getattr(model, "seed", None) or 0
    seed = check_seed(seed)
    method = check_method(method)
    target = "feasible" if target is None else target
    if target not in model:
        raise ArgumentError("target", target, "a cell of the model (the default is 'feasible')")
    points = grid(model, over)
    model.compile()  # once here, not once per thread
    fn = functools.partial(_sweep_point, n=n, seed=seed, method=method, target=target)
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=len(points), file=sys.stderr, desc=f"sweeping {len(points)} points", unit="point", leave=False)
    try:
        stats = map_points(fn, model, points, client=client, threads=threads, batch=batch,
                           on_done=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    rows = [{**p, "mean": m, "stderr": se} for p, (m, se) in zip(points, stats)]
    df = pd.DataFrame(rows, columns=[*over, "mean", "stderr"])
    df.attrs.update({"target": target, "n": n, "seed": seed, "method": method})
    return df


def simulate_dask(
    model: "Model",
    n: int,
    seed: int | None = None,
    method: str = "mc",
    client: Any = None,
    tasks: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> "Results":
    """A ``keep="summary"`` run of ``n`` samples cut into ``tasks`` pieces of
    whole blocks (default: four per worker) mapped over ``client``'s workers;
    the same numbers as ``model.simulate(n, seed, method, keep="summary")``.

    Parameters
    ----------
    model : Model
        The model, sent once to every worker.
    n : int
        The number of samples.
    seed : int, optional
        None takes the model's seed (or a fresh one).
    method : {"mc", "lhs", "qmc"}
        The sampling method.
    client : distributed.Client
        The cluster's client (required).
    tasks : int, optional
        The number of pieces; by default four per worker.
    overrides : mapping of str to float or quantity, optional
        Cells pinned to values for the run.

    Returns
    -------
    Results
        Summary results: statistics of every cell (means, standard errors,
        quantiles from sketches), no samples.

    Raises
    ------
    dealvalue.errors.ArgumentError
        No client, or a bad ``n``, ``seed`` or ``method``.

    Examples
    --------
    >>> import dealvalue as dv
    >>> from distributed import Client
    >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("feasible", "x < 0.5")
    >>> with local_cluster(1) as cluster, Client(cluster) as client:
    ...     r = simulate_dask(m, 100_000, seed=1, client=client)
    >>> r.mean("feasible") == m.simulate(100_000, seed=1, keep="summary").mean("feasible")
    True
    """
    from .results import Results

    if client is None:
        raise ArgumentError("client", client, "a distributed.Client (for a local run call model.simulate(keep='summary'))")
    n = check_n(n, maximum=MAX_STREAMED_SAMPLES)
    seed = check_seed(getattr(model, "seed", None) if seed is None else seed)
    method = check_method(method)
    pins = override_values(model, overrides)
    started = time.perf_counter()
    ranges = chunk_ranges(n)
    k = tasks or 4 * max(1, len(client.scheduler_info().get("workers", {})))
    per = max(1, math.ceil(len(ranges) / k))
    pieces = [(ranges[i][0], ranges[min(i + per, len(ranges)) - 1][1]) for i in range(0, len(ranges), per)]
    stats = tuple(model.compile().order)
    remote = client.scatter(model, broadcast=True, hash=False)
    futures = [client.submit(blocks_task, remote, n, seed, method, a, b, stats, pins, pure=False) for a, b in pieces]
    folder = Folder(stats)
    for fut in futures:  # in block order
        folder.add(fut.result())
    return Results(model=model.copy(), values={}, leaves={}, n=n, seed=seed, method=method,
                   seconds=time.perf_counter() - started, stats=folder.stats, overrides=dict(pins))
