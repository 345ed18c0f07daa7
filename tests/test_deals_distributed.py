"""The many-simulation deal questions on a real 2-worker Dask LocalCluster: the
same numbers as the local functions, bit for bit (issue 13)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

import dealvalue as dv
from dealvalue import analysis, deals
from dealvalue.deals import distributed
from dealvalue.scale import map_points

CONFIGS = [
    deals.Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0),
    deals.Configuration("evidence_iv", "low_freedom_low_influence", "safety_org", "schemer", 1.0),  # ruled out
    deals.Configuration("labour_rv", "low_freedom_high_influence", "independent_funder", "kludge", upfront=0.5),
    deals.Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 0.3),
]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster with two worker processes; a test that cannot start it fails."""
    from distributed import Client

    from dealvalue.scale import local_cluster

    with local_cluster(2) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def deal() -> dv.Model:
    return dv.Model.load("deal")


def _scale(model: int, p: int) -> int:
    return model * p


def test_map_points_keeps_order_in_batches(client: Any) -> None:
    pts = list(range(23))
    want = [10 * p for p in pts]
    assert map_points(_scale, 10, pts) == want
    for batch in (None, 1, 5, 100):
        assert map_points(_scale, 10, pts, client=client, batch=batch) == want
    with pytest.raises(dv.errors.ArgumentError):
        map_points(_scale, 10, pts, client=client, batch=0)


def test_window_on_the_cluster_is_the_local_window(deal: dv.Model, client: Any) -> None:
    values = [0.5 * i for i in range(9)]
    local = deals.window(deal, values=values, n=3_000, seed=5)
    for batch in (None, 2):
        assert distributed.window(deal, values=values, n=3_000, seed=5, client=client, batch=batch).equals(local)
    assert distributed.window(deal, values=values, n=3_000, seed=5).equals(local)


def test_compare_configurations_on_the_cluster_is_the_local_table(deal: dv.Model, client: Any) -> None:
    local = deals.compare_configurations(deal, CONFIGS, n=3_000, seed=2)
    remote = distributed.compare_configurations(deal, CONFIGS, n=3_000, seed=2, client=client, batch=1)
    assert remote.equals(local) and list(remote.index) == list(local.index)
    assert distributed.compare_configurations(deal, CONFIGS, n=3_000, seed=2).equals(local)


def test_sobol_on_the_cluster_is_the_local_analysis(deal: dv.Model, client: Any) -> None:
    frames = distributed.sobol(deal, ["feasible", "ask"], n=1_000, seed=4, n_boot=20, client=client)
    for target in ("feasible", "ask"):
        assert frames[target].equals(analysis.sobol(deal, target, n=1_000, seed=4, n_boot=20))
    per_config = distributed.sobol(deal, "feasible", configs=CONFIGS[:1], n=1_000, seed=4, n_boot=20, client=client)
    m = deals.configure(deal, CONFIGS[0])[0]
    assert per_config[(CONFIGS[0].name, "feasible")].equals(analysis.sobol(m, "feasible", n=1_000, seed=4, n_boot=20))
