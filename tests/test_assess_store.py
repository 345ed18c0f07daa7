"""The assessment store, against SQLite and a real PostgreSQL (see tests/_assess.py)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from typing import Iterator

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import select, text  # noqa: E402

from dealvalue import assess, deals  # noqa: E402
from dealvalue.assess import db as dbmod  # noqa: E402
from dealvalue.assess.compute import assessed_model, load_model, sha256  # noqa: E402
from dealvalue.assess.schema import Assessment  # noqa: E402
from dealvalue.errors import (AppendOnlyError, AssessmentError, DealValueError, SchemaVersionError,  # noqa: E402
                              StoreError, UnknownCellError)

from _assess import BACKENDS, make_db  # noqa: E402

N = 2_000


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: "os.PathLike[str]") -> Iterator[str]:
    yield from make_db(request.param, tmp_path)


@pytest.fixture
def system(url: str) -> str:
    assess.add_system("Claude 9", developer="Anthropic", version="9.0", release_date="2031-01-15", db=url)
    return "Claude 9"


def test_an_assessment_keeps_its_model_inputs_results_and_provenance(url: str, system: str) -> None:
    row = assess.add("deal", system=system, assessor="alice", date="2031-03-01", note="after the March evals",
                     inputs={"reality": {"formula": "beta(2, 8)", "note": "few honest reports", "sources": ["https://ex.org/a"]},
                             "commitment": "beta(6, 4)"}, n=N, seed=7, db=url)
    a = row.iloc[0]
    assert (a["system"], a["assessor"], a["date"], a["model"], a["n"], a["seed"]) == (system, "alice", dt.date(2031, 3, 1), "deal", N, 7)
    from dealvalue import __version__

    assert a["model_sha256"] == sha256(load_model("deal")[2])
    assert a["dealvalue_version"] == __version__ and a["note"] == "after the March evals" and bool(a["current"])
    ins = assess.inputs(int(row.index[0]), db=url).set_index("cell")
    assert ins.loc["reality", "formula"] == "beta(2, 8)" and ins.loc["reality", "sources"] == ["https://ex.org/a"]
    assert ins.loc["reality", "note"] == "few honest reports" and ins.loc["commitment", "sources"] == []
    # the results are those of a separate simulation of the same model, inputs, n and seed
    m = assessed_model(deals.deal_model(), {"reality": "beta(2, 8)", "commitment": "beta(6, 4)"})
    r = deals.simulate(m, N, 7)
    assert a["p_feasible"] == r.mean("feasible") and a["stderr"] == pytest.approx(r.stderr("feasible"))
    assert a["value_to_us"] == pytest.approx(r.mean("value_to_us")) and a["value_unit"] == "USD"
    z = assess.zopa(int(row.index[0]), db=url)
    assert z.loc["ask", 0.5] == pytest.approx(deals.zopa(r).loc["ask", 0.5])
    assert isinstance(a["binding_barrier"], str) and a["window_level"] == 0.1
    assert assess.systems(db=url).loc[system].to_dict() == {"developer": "Anthropic", "version": "9.0",
                                                            "release_date": dt.date(2031, 1, 15), "assessments": 1}


def test_a_model_file_is_stored_in_full(url: str, system: str, tmp_path: "os.PathLike[str]") -> None:
    m = deals.core_model(R=10)
    row = assess.add(m, system=system, assessor="bob", date=dt.date(2031, 4, 1), n=100, db=url)
    assert row.iloc[0]["model"] == "(file)" and row.iloc[0]["p_feasible"] == 1.0
    assert "window_start" in row and row["window_start"].isna().all()  # no capability axis


def test_history_is_append_only_in_code_and_in_the_database(url: str, system: str) -> None:
    aid = int(assess.add("deal", system=system, assessor="alice", date="2031-03-01", n=N, db=url).index[0])
    store = dbmod.open_store(url)
    with pytest.raises(AppendOnlyError, match="append-only"):
        with store.session(write=True) as s:
            s.get(Assessment, aid).p_feasible = 0.99  # type: ignore[union-attr]
    with pytest.raises(AppendOnlyError, match="append-only"):
        with store.session(write=True) as s:
            s.delete(s.get(Assessment, aid))
    with pytest.raises(AppendOnlyError, match="append-only"):  # a raw UPDATE meets the trigger
        with store.session(write=True) as s:
            s.execute(text("UPDATE assessments SET p_feasible = :p WHERE id = :i"), {"p": 0.99, "i": aid})
    assert assess.assessments(db=url).loc[aid, "p_feasible"] != 0.99


def test_a_correction_supersedes_and_nothing_is_lost(url: str, system: str) -> None:
    old = int(assess.add("deal", system=system, assessor="alice", date="2031-03-01", inputs={"reality": "beta(2, 8)"}, n=N, db=url).index[0])
    new = int(assess.add("deal", system=system, assessor="alice", date="2031-03-01", inputs={"reality": "beta(3, 7)"},
                         supersedes=old, n=N, db=url).index[0])
    t = assess.assessments(db=url)
    assert t.loc[old, "superseded_by"] == new and not t.loc[old, "current"] and t.loc[new, "supersedes"] == old
    assert list(assess.assessments(current_only=True, db=url).index) == [new]
    with pytest.raises(AssessmentError, match="already superseded by assessment"):
        assess.add("deal", system=system, assessor="alice", date="2031-03-01", supersedes=old, n=N, db=url)
    with pytest.raises(AssessmentError, match="keeps the system and assessor"):
        assess.add("deal", system=system, assessor="bob", date="2031-03-01", supersedes=new, n=N, db=url)
    with pytest.raises(AssessmentError, match="no assessment with that id"):
        assess.add("deal", system=system, assessor="alice", date="2031-03-01", supersedes=999, n=N, db=url)
    assert len(assess.assessments(db=url)) == 2


@pytest.mark.parametrize("kwargs, error, match", [
    ({"system": "Claude 8"}, AssessmentError, "unknown system.*did you mean 'Claude 9'"),
    ({"date": "2031-13-01"}, AssessmentError, "expected a date YYYY-MM-DD"),
    ({"inputs": {"reality": "beta(0, 1)"}}, DealValueError, "expected a > 0"),
    ({"inputs": {"realty": "0.5"}}, UnknownCellError, "did you mean 'reality'"),
    ({"inputs": {"c_h": "0.5"}}, AssessmentError, "formula cell"),
    ({"inputs": {"reality": "__import__('os')"}}, DealValueError, "cell 'reality'"),
    ({"assessor": ""}, AssessmentError, "name"),
])
def test_a_bad_input_is_a_clear_error_and_writes_nothing(url: str, system: str, kwargs: dict, error: type, match: str) -> None:
    args = {"model": "deal", "system": system, "assessor": "alice", "date": "2031-03-01", "n": N, "db": url, **kwargs}
    with pytest.raises(error, match=match):
        assess.add(**args)
    assert assess.assessments(db=url).empty


def test_names_and_notes_are_data_never_sql(url: str) -> None:
    evil = "Robert'); DROP TABLE assessments; --"
    assess.add_system(evil, developer="x\" OR 1=1", db=url)
    assess.add("deal", system=evil, assessor=evil, date="2031-03-01", note=evil,
               inputs={"reality": {"formula": "beta(2, 8)", "note": evil, "sources": [evil]}}, n=N, db=url)
    t = assess.assessments(system=evil, db=url)
    assert t.iloc[0][["system", "assessor", "note"]].tolist() == [evil] * 3
    assert assess.inputs(db=url).iloc[0]["sources"] == [evil]


def test_a_system_is_not_changed_in_place(url: str, system: str) -> None:
    assess.add_system("Claude 9", developer="Anthropic", version="9.0", release_date="2031-01-15", db=url)  # same: fine
    with pytest.raises(AssessmentError, match="not changed in place"):
        assess.add_system("Claude 9", developer="Anthropic", version="9.1", db=url)


def test_a_newer_schema_is_refused_clearly(url: str, system: str) -> None:
    store = dbmod.open_store(url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": "9999"})
    dbmod.forget_stores()
    with pytest.raises(SchemaVersionError, match="revision 9999.* newer than this dealvalue"):
        assess.assessments(db=url)
    with pytest.raises(SchemaVersionError, match="newer"):
        assess.upgrade(url)


def test_the_first_schema_upgrades_and_keeps_its_data(url: str) -> None:
    assert assess.upgrade(url, to="0001") == "0001"
    with pytest.raises(SchemaVersionError, match="older.*dealvalue assess upgrade"):
        assess.assessments(db=url)
    from sqlalchemy import create_engine

    e = create_engine(url)
    with e.begin() as conn:  # the first schema has no triggers: a row written by the old version
        conn.execute(text("INSERT INTO systems (name, developer, version, recorded_at) VALUES (:n, '', '', :t)"),
                     {"n": "Old system", "t": dt.datetime(2030, 1, 1)})
    e.dispose()
    assert assess.upgrade(url) == assess.revisions()[-1] == dbmod.HEAD
    dbmod.forget_stores()
    assert list(assess.systems(db=url).index) == ["Old system"]
    assess.add("deal", system="Old system", assessor="alice", date="2031-03-01", n=N, db=url)
    with pytest.raises(AppendOnlyError):
        with dbmod.open_store(url).session(write=True) as s:
            s.execute(text("DELETE FROM systems"))


def _writer(url: str, worker: int, count: int) -> None:
    dbmod.forget_stores()
    for j in range(count):  # assessors shared between workers: their rows are created concurrently too
        assess.add("deal", system="Claude 9", assessor=f"assessor {j}", date="2031-03-01", note=f"{worker}-{j}",
                   n=300, seed=worker * 100 + j, db=url)


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(url: str, system: str) -> None:
    workers, count = 4, 4
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * workers
    notes = assess.assessments(db=url)["note"].tolist()
    assert sorted(notes) == sorted(f"{w}-{j}" for w in range(workers) for j in range(count))
    assert sorted(set(assess.assessments(db=url)["assessor"])) == [f"assessor {j}" for j in range(count)]


def test_sqlite_runs_in_wal_mode(tmp_path: "os.PathLike[str]") -> None:
    url = f"sqlite:///{os.path.join(os.fspath(tmp_path), 'wal.sqlite')}"
    store = dbmod.open_store(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    dbmod.forget_stores()


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    secret = "s3cr3t-pw"
    with pytest.raises(StoreError) as info:
        assess.assessments(db=f"postgresql://alice:{secret}@127.0.0.1:1/nothing")
    assert secret not in str(info.value) and "alice:***@127.0.0.1:1" in str(info.value)
    assert secret not in repr(info.value.args) and info.value.__cause__ is None
    with pytest.raises(StoreError, match="expected a sqlite:// or postgresql:// URL"):
        assess.assessments(db="mysql://x@localhost/y")


def test_the_default_database_is_in_the_user_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: "os.PathLike[str]") -> None:
    import platformdirs

    monkeypatch.delenv(dbmod.ENV_VAR, raising=False)
    assert assess.database() == "sqlite:///" + str(platformdirs.user_data_path("dealvalue") / "assessments.sqlite")
    monkeypatch.setenv(dbmod.ENV_VAR, "postgresql://a:b@h/d")
    assert assess.database() == "postgresql+psycopg://a:***@h/d"


def test_export_writes_csv_and_xlsx(url: str, system: str, tmp_path: "os.PathLike[str]") -> None:
    import pandas as pd

    assess.add("deal", system=system, assessor="alice", date="2031-03-01", inputs={"reality": "beta(2, 8)"}, n=N, db=url)
    csv = assess.export(os.path.join(os.fspath(tmp_path), "a.csv"), db=url)
    frame = pd.read_csv(csv)
    assert frame["assessor"].tolist() == ["alice"] and "beta(2, 8)" in frame["inputs"][0]
    xlsx = assess.export(os.path.join(os.fspath(tmp_path), "a.xlsx"), db=url)
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"assessments", "inputs", "systems", "about"}
    assert sheets["about"]["database"][0] == dbmod.safe_url(url)
    with pytest.raises(AssessmentError, match=".csv or .xlsx"):
        assess.export(os.path.join(os.fspath(tmp_path), "a.txt"), db=url)


def test_reading_uses_select_only(url: str, system: str) -> None:
    # a read never writes: the read session rolls back
    store = dbmod.open_store(url)
    with store.session() as s:
        assert s.scalars(select(Assessment)).all() == []
