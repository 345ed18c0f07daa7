"""Assessment store speed: record one assessment (deal model, 100,000 samples) and draw a trend of 1,000 assessments.

On SQLite (a temporary file) and on PostgreSQL (``DEALVALUE_TEST_POSTGRES``, e.g. from
``bash .ci/postgres``; a fresh schema, dropped afterwards).  Prints a table.

    python bench/assess_bench.py [--trend-rows 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid

from dealvalue import assess
from dealvalue.assess import db as dbmod
from dealvalue.assess.compute import compute, assessed_model, load_model


def fill(url: str, rows: int) -> None:
    """``rows`` assessments of one system by 5 assessors over dates, written in one transaction
    (the results of one real computation, so filling is quick; reading them is what is timed)."""
    import datetime as dt

    from dealvalue import __version__
    from dealvalue.assess.schema import Assessment, Assessor, ModelText, System

    c = compute(assessed_model(load_model("deal")[0], {"reality": "beta(2, 8)"}), 2_000, 0)
    text = load_model("deal")[2]
    store = dbmod.open_store(url)
    now = dt.datetime.now(dt.timezone.utc)
    with store.session(write=True) as s:
        system = System(name="bench", developer="", version="", recorded_at=now)
        people = [Assessor(name=f"assessor {k}") for k in range(5)]
        model = ModelText(sha256="bench" + uuid.uuid4().hex, text=text)
        s.add_all([system, model, *people])
        s.flush()
        for i in range(rows):
            s.add(Assessment(system_id=system.id, assessor_id=people[i % 5].id, model_id=model.id, model_name="deal",
                             assessed_on=dt.date(2030, 1, 1) + dt.timedelta(days=i // 5), note="", recorded_at=now,
                             n=2_000, seed=i, method="mc", dealvalue_version=__version__, p_feasible=c.p_feasible,
                             p_feasible_stderr=c.p_feasible_stderr, value_to_us=c.value_to_us,
                             value_to_us_stderr=c.value_to_us_stderr, value_unit=c.value_unit,
                             binding_barrier=c.binding_barrier, window_start=c.window.get("start"),
                             window_end=c.window.get("end")))


def measure(url: str, trend_rows: int, repeats: int) -> dict[str, float]:
    out: dict[str, float] = {}
    assess.add_system("one", db=url)
    times = []
    for k in range(repeats):
        t0 = time.perf_counter()
        assess.add("deal", system="one", assessor="alice", date="2031-03-01", inputs={"reality": "beta(2, 8)"},
                   n=100_000, seed=k, db=url)
        times.append(time.perf_counter() - t0)
    out["record one (100,000 samples)"] = statistics.median(times)
    # of which the computation alone (no database)
    m = assessed_model(load_model("deal")[0], {"reality": "beta(2, 8)"})
    t0 = time.perf_counter()
    compute(m, 100_000, 0)
    out["  of which computing the results"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fill(url, trend_rows)
    out[f"  (writing {trend_rows:,} small assessments)"] = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        dbmod.forget_stores()
        t0 = time.perf_counter()
        t = assess.trend("bench", db=url)
        times.append(time.perf_counter() - t0)
    assert (t["assessor"] != "pooled").sum() == trend_rows
    out[f"trend of {trend_rows:,} assessments (stored)"] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trend-rows", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as d:
        results["SQLite"] = measure(f"sqlite:///{os.path.join(d, 'bench.sqlite')}", a.trend_rows, a.repeats)
        dbmod.forget_stores()
    pg = os.environ.get("DEALVALUE_TEST_POSTGRES")
    if pg:
        from sqlalchemy import create_engine, make_url, text

        schema = "bench_" + uuid.uuid4().hex[:8]
        admin = create_engine(pg)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
            results["PostgreSQL"] = measure(url, a.trend_rows, a.repeats)
        finally:
            dbmod.forget_stores()
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        print("(DEALVALUE_TEST_POSTGRES not set: PostgreSQL not measured; bash .ci/postgres starts one)")
    names = list(next(iter(results.values())))
    backends = list(results)
    print(f"| {'seconds (median of ' + str(a.repeats) + ')':<42} | " + " | ".join(f"{b:>10}" for b in backends) + " |")
    print("|" + "-" * 44 + "|" + "|".join("-" * 12 for _ in backends) + "|")
    for n in names:
        print(f"| {n:<42} | " + " | ".join(f"{results[b][n]:>10.3f}" for b in backends) + " |")


if __name__ == "__main__":
    main()
