"""The deal questions that need many simulations, on a Dask cluster (``dealvalue[dask]``).

Each function gives the same numbers as its local counterpart, bit for bit:
the work is cut into batches of independent points (grid values of the
window's axis, configurations), each batch is answered on a worker by the
local function itself with the same seed, and the rows are put back in order.
The model is shipped to every worker once (:func:`dealvalue.scale.map_points`).

* :func:`window` -- :func:`dealvalue.deals.window.window` over the axis values;
* :func:`compare_configurations` --
  :func:`dealvalue.deals.rules.compare_configurations` over the
  configurations;
* :func:`sobol` -- :func:`dealvalue.analysis.sobol` for several targets or
  configurations at once (one Sobol analysis per point).

``client`` is a :class:`distributed.Client`; ``None`` runs the same batches
on local threads.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> window(core_model(), axis="R", values=[10, 25, 90], n=10)["p_feasible"].tolist()
[1.0, 1.0, 0.0]
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..scale import map_points
from .configurations import Configuration
from .rules import RuleOuts
from .rules import compare_configurations as _compare_local
from .core import check_core, seed_of
from .window import window as _window_local

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["window", "compare_configurations", "sobol"]


def _window_batch(model: "Model", values: Sequence[float], axis: str, n: int, seed: int, method: str) -> "pd.DataFrame":
    return _window_local(model, axis=axis, values=values, n=n, seed=seed, method=method)


def _split(items: Sequence[Any], client: Any, batch: int | None) -> list[list[Any]]:
    """Items in consecutive batches: ``batch`` each, or four per worker (two per local thread)."""
    from ..scale import TASKS_PER_WORKER, worker_count

    if batch is None:
        parts = TASKS_PER_WORKER * worker_count(client) if client is not None else 2
        batch = max(1, -(-len(items) // parts))
    return [list(items[i : i + batch]) for i in range(0, len(items), batch)]


def window(model: "Model", axis: str = "capability", values: Sequence[float] | None = None, n: int = 4_000,
           seed: int | None = None, method: str = "mc", client: Any = None, batch: int | None = None) -> "pd.DataFrame":
    """:func:`dealvalue.deals.window` with the axis values in batches over
    ``client``'s workers: the same frame, bit for bit."""
    import pandas as pd

    check_core(model)
    model.cell(axis)
    if values is None:  # the local default grid
        b = model.bounds(axis) or (0.0, 10.0)
        values = [float(x) for x in np.linspace(b[0], b[1], 41)]
    fn = functools.partial(_window_batch, axis=axis, n=n, seed=seed_of(model, seed), method=method)
    parts = map_points(fn, model, _split([float(x) for x in values], client, batch), client=client)
    return pd.concat(parts)


def _configuration_rows(model: "Model", configs: Sequence[Configuration], rules: RuleOuts | None, n: int,
                        seed: int) -> "pd.DataFrame":
    import pandas as pd

    # one configuration at a time keeps the input order (the local function sorts)
    return pd.concat([_compare_local(model, [c], rules, n=n, seed=seed) for c in configs])


def compare_configurations(model: "Model", configs: Sequence[Configuration], rules: RuleOuts | None = None,
                           n: int = 10_000, seed: int | None = None, client: Any = None,
                           batch: int | None = None) -> "pd.DataFrame":
    """:func:`dealvalue.deals.compare_configurations` with the configurations
    in batches over ``client``'s workers: the same frame, bit for bit."""
    import pandas as pd

    configs = list(configs)
    if not configs:
        return _compare_local(model, configs, rules, n=n, seed=seed)
    fn = functools.partial(_configuration_rows, rules=rules, n=n, seed=seed_of(model, seed))
    df = pd.concat(map_points(fn, model, _split(configs, client, batch), client=client))
    # the local order: feasible configurations first, by expected value (a stable sort of the input order)
    return df.sort_values(["value_to_us", "p_feasible"], ascending=False, na_position="last", kind="stable")


def _sobol_point(model: "Model", point: tuple[str, Configuration | None], n: int | None, seed: int | None,
                 method: str, kwargs: dict[str, Any]) -> "pd.DataFrame":
    from ..analysis import sobol as sobol_local
    from .configurations import configure

    target, config = point
    m = model if config is None else configure(model, config)[0]
    return sobol_local(m, target, n=n, seed=seed, method=method, **kwargs)


def sobol(model: "Model", targets: Sequence[str], configs: Sequence[Configuration] | None = None, n: int | None = None,
          seed: int | None = None, method: str = "mc", client: Any = None, **kwargs: Any) -> "dict[Any, pd.DataFrame]":
    """Sobol indices (:func:`dealvalue.analysis.sobol`) of each target, for
    the model or for each configuration of it, one analysis per task on
    ``client``'s workers: the same frames as local calls, bit for bit.

    Returns ``{target: frame}``, or ``{(configuration name, target): frame}``
    when ``configs`` is given.  Other keywords go to ``analysis.sobol``.
    """
    targets = [targets] if isinstance(targets, str) else list(targets)
    points: list[tuple[str, Configuration | None]] = (
        [(t, None) for t in targets] if configs is None else [(t, c) for c in configs for t in targets]
    )
    fn = functools.partial(_sobol_point, n=n, seed=seed, method=method, kwargs=dict(kwargs))
    frames = map_points(fn, model, points, client=client, batch=1)
    return {(t if c is None else (c.name, t)): f for (t, c), f in zip(points, frames)}
