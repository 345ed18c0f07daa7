"""Recording and reading assessments: systems, ``add``, ``assessments``, ``inputs``, ``export``.

Every function takes ``db``: a database URL, an open
:class:`~dealvalue.assess.db.Store`, or ``None`` for ``$DEALVALUE_DB`` or the
default SQLite file (see :mod:`dealvalue.assess.db`).  Each assessment is
written in one transaction (the results are computed before it starts, so a
refused formula or a failed simulation writes nothing); names, notes and
formulas go to the database as bound parameters only.

Examples
--------
>>> import tempfile, os
>>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "a.sqlite")
>>> _ = add_system("Claude 9", developer="Anthropic", version="9.0", release_date="2031-01-01", db=url)
>>> row = add("deal", system="Claude 9", assessor="alice", date="2031-03-01",
...           inputs={"reality": "beta(2, 8)"}, n=2_000, db=url)
>>> row[["system", "assessor", "date", "p_feasible"]].round(3).to_dict("records")  # doctest: +SKIP
[{'system': 'Claude 9', 'assessor': 'alice', 'date': datetime.date(2031, 3, 1), 'p_feasible': 0.071}]
>>> inputs(int(row.index[0]), db=url)["formula"].tolist()
['beta(2, 8)']
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from sqlalchemy import exc, select
from sqlalchemy.orm import Session, aliased

from .. import __version__
from ..errors import AssessmentError
from .compute import Input, as_input, assessed_model, compute, load_model, sha256
from .db import Store, open_store
from .schema import Assessment, AssessmentInput, Assessor, ModelText, System, ZopaQuantile

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["parse_date", "add_system", "systems", "add", "assessments", "inputs", "zopa", "export", "COLUMNS"]

#: The columns of :func:`assessments`, in order (indexed by ``id``).
COLUMNS = ("date", "system", "assessor", "model", "model_sha256", "p_feasible", "stderr", "value_to_us",
           "value_to_us_stderr", "value_unit", "binding_barrier", "window_level", "window_start", "window_end",
           "n", "seed", "method", "dealvalue_version", "supersedes", "superseded_by", "current", "note", "recorded_at")


def parse_date(value: "str | _dt.date | None", field: str = "date") -> _dt.date:
    """A date from ``YYYY-MM-DD`` text or a date; anything else is an AssessmentError."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise AssessmentError(field, value, "expected a date YYYY-MM-DD")


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise AssessmentError(field, value, "expected a name of 1 to 200 characters")
    return value.strip()


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _insert_ignore(s: Session, store: Store, cls: Any, values: Mapping[str, Any], key: str) -> int:
    """Insert a row unless one with the same ``key`` exists (no race: ON CONFLICT DO NOTHING); its id."""
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        s.execute(pg_insert(cls).values(**values).on_conflict_do_nothing(index_elements=[key]))
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        s.execute(sqlite_insert(cls).values(**values).on_conflict_do_nothing(index_elements=[key]))
    found: int = s.execute(select(cls.id).where(getattr(cls, key) == values[key])).scalar_one()
    return found


def _system(s: Session, name: str) -> System:
    found = s.scalar(select(System).where(System.name == name))
    if found is None:
        known = list(s.scalars(select(System.name).order_by(System.name)))
        import difflib

        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise AssessmentError("system", name, f"unknown system (register it with dealvalue.assess.add_system or "
                              f"`dealvalue assess system NAME`){hint}")
    return found


def add_system(name: str, developer: str = "", version: str = "", release_date: "str | _dt.date | None" = None,
               db: "str | Store | None" = None) -> "pd.DataFrame":
    """Register an AI system (or return it if it is registered with the same fields).

    Systems are append-only too: registering a known name with a different
    developer, version or release date is refused; register the new version
    under its own name (``"Claude 9.1"``).

    Returns
    -------
    pandas.DataFrame
        The system as one row of :func:`systems`.

    Examples
    --------
    >>> import tempfile, os
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "a.sqlite")
    >>> add_system("GPT-7", developer="OpenAI", db=url)[["developer", "version"]].to_dict("records")
    [{'developer': 'OpenAI', 'version': ''}]
    """
    name = _name(name, "system")
    released = None if release_date in (None, "") else parse_date(release_date, "release_date")
    store = open_store(db)
    with store.session(write=True) as s:
        _insert_ignore(s, store, System, {"name": name, "developer": developer, "version": version,
                                          "release_date": released, "recorded_at": _now()}, "name")
        found = _system(s, name)
        if (found.developer, found.version, found.release_date) != (developer, version, released):
            raise AssessmentError("system", name, f"already registered as developer {found.developer!r}, version "
                                  f"{found.version!r}, released {found.release_date}; systems are not changed in place")
    return systems(db=store).loc[[name]]


def systems(db: "str | Store | None" = None) -> "pd.DataFrame":
    """Every registered system, indexed by name: ``developer version release_date assessments``."""
    import pandas as pd
    from sqlalchemy import func

    store = open_store(db)
    with store.session() as s:
        counts = dict(s.execute(select(Assessment.system_id, func.count()).group_by(Assessment.system_id)).all())
        rows = [{"name": x.name, "developer": x.developer, "version": x.version, "release_date": x.release_date,
                 "assessments": int(counts.get(x.id, 0))} for x in s.scalars(select(System).order_by(System.name))]
    return pd.DataFrame(rows, columns=["name", "developer", "version", "release_date", "assessments"]).set_index("name")


def add(model: "str | os.PathLike[str] | Model", system: str, assessor: str, date: "str | _dt.date",
        inputs: "Mapping[str, Input | str | float | Mapping[str, Any]] | None" = None, note: str = "",
        n: int = 10_000, seed: int | None = None, method: str = "mc", supersedes: int | None = None,
        db: "str | Store | None" = None) -> "pd.DataFrame":
    """Record one assessment: compute its results, then write it in one transaction.

    Parameters
    ----------
    model
        A shipped model's name (``"deal"``), a model file or a Model; its full
        text and SHA-256 are stored.
    system, assessor
        The AI system (registered with :func:`add_system`) and who judges.
    date
        The date of the judgement (``YYYY-MM-DD``).
    inputs
        The inputs the assessor set: ``{"reality": "beta(2, 8)"}``, or per
        input ``{"formula": ..., "note": ..., "sources": [...]}`` (or an
        :class:`~dealvalue.assess.compute.Input`).
    note
        A note on the whole assessment.
    n, seed, method
        The simulation (``seed=None``: the model's seed, else 0).
    supersedes
        The id of the assessment this one corrects (same system and
        assessor; each assessment is superseded at most once).

    Returns
    -------
    pandas.DataFrame
        The new assessment as one row of :func:`assessments` (its id is the index).

    Raises
    ------
    dealvalue.errors.AssessmentError
        Unknown system, bad date or name, a bad ``supersedes``.
    dealvalue.errors.DealValueError
        A formula the model refuses (``FormulaError``, ``UnknownCellError``, ...).
    dealvalue.errors.StoreError
        The database cannot be reached or refuses the write; nothing is written.
    """
    from ..deals.core import seed_of
    from ..simulate import check_n, check_seed

    system, assessor = _name(system, "system"), _name(assessor, "assessor")
    day = parse_date(date)
    if not isinstance(note, str):
        raise AssessmentError("note", note, "expected text")
    given = {str(k): as_input(str(k), v) for k, v in (inputs or {}).items()}
    base, shipped, text = load_model(model)
    m = assessed_model(base, given)
    n, seed = check_n(n), check_seed(seed_of(m, seed))
    store = open_store(db)
    with store.session() as s:  # refuse before the simulation, not after
        _system(s, system)
        if supersedes is not None:
            _check_supersedes(s, supersedes, system, assessor)
    computed = compute(m, n, seed, method)
    with store.session(write=True) as s:
        sys_id = _system(s, system).id
        if supersedes is not None:
            _check_supersedes(s, supersedes, system, assessor)
        who = _insert_ignore(s, store, Assessor, {"name": assessor}, "name")
        mid = _insert_ignore(s, store, ModelText, {"sha256": sha256(text), "text": text}, "sha256")
        w = computed.window
        a = Assessment(system_id=sys_id, assessor_id=who, model_id=mid, model_name=shipped, assessed_on=day, note=note,
                       supersedes_id=supersedes, recorded_at=_now(), n=n, seed=seed, method=method,
                       dealvalue_version=__version__, p_feasible=computed.p_feasible,
                       p_feasible_stderr=computed.p_feasible_stderr, value_to_us=computed.value_to_us,
                       value_to_us_stderr=computed.value_to_us_stderr, value_unit=computed.value_unit,
                       binding_barrier=computed.binding_barrier, window_axis=w.get("axis"), window_level=w.get("level"),
                       window_start=w.get("start"), window_end=w.get("end"), window_peak_at=w.get("peak_at"),
                       window_peak_p=w.get("peak_p"))
        a.inputs = [AssessmentInput(cell=c, formula=i.formula, note=i.note, sources=list(i.sources)) for c, i in given.items()]
        a.zopa = [ZopaQuantile(quantity=q, level=lv, value=v) for q, lv, v in computed.zopa]
        s.add(a)
        try:
            s.flush()
        except exc.IntegrityError:
            raise AssessmentError("supersedes", supersedes, "that assessment was superseded by another "
                                  "correction a moment ago; nothing was written") from None
        new_id = a.id
    return assessments(ids=[new_id], db=store)


def _check_supersedes(s: Session, old_id: int, system: str, assessor: str) -> None:
    old = s.get(Assessment, old_id) if isinstance(old_id, int) and not isinstance(old_id, bool) else None
    if old is None:
        raise AssessmentError("supersedes", old_id, "no assessment with that id")
    if (old.system.name, old.assessor.name) != (system, assessor):
        raise AssessmentError("supersedes", old_id, f"that assessment is {old.assessor.name!r}'s of {old.system.name!r}; "
                              "a correction keeps the system and assessor")
    by = s.scalar(select(Assessment.id).where(Assessment.supersedes_id == old_id))
    if by is not None:
        raise AssessmentError("supersedes", old_id, f"that assessment is already superseded by assessment {by}; "
                              f"correct assessment {by} instead")


def assessments(system: str | None = None, assessor: str | None = None, current_only: bool = False,
                ids: Iterable[int] | None = None, db: "str | Store | None" = None) -> "pd.DataFrame":
    """Stored assessments, oldest date first, indexed by ``id``.

    Columns: ``date system assessor model model_sha256 p_feasible stderr
    value_to_us value_to_us_stderr value_unit binding_barrier window_level
    window_start window_end n seed method dealvalue_version supersedes
    superseded_by current note recorded_at`` (``current``: no assessment
    supersedes it).  ``current_only`` leaves out superseded rows.
    """
    import pandas as pd

    store = open_store(db)
    later = aliased(Assessment)
    q = (select(Assessment, System.name, Assessor.name, ModelText.sha256, later.id)
         .outerjoin(later, later.supersedes_id == Assessment.id)
         .join(Assessment.system).join(Assessment.assessor).join(Assessment.model)
         .order_by(Assessment.assessed_on, Assessment.id))
    with store.session() as s:
        if system is not None:
            q = q.where(Assessment.system_id == _system(s, _name(system, "system")).id)
        if assessor is not None:
            q = q.where(Assessor.name == assessor)
        if ids is not None:
            q = q.where(Assessment.id.in_([int(i) for i in ids]))
        if current_only:
            q = q.where(later.id.is_(None))
        rows = []
        for a, system_name, assessor_name, digest, by in s.execute(q):
            rows.append({"id": a.id, "date": a.assessed_on, "system": system_name, "assessor": assessor_name,
                         "model": a.model_name or "(file)", "model_sha256": digest, "p_feasible": a.p_feasible,
                         "stderr": a.p_feasible_stderr, "value_to_us": a.value_to_us,
                         "value_to_us_stderr": a.value_to_us_stderr, "value_unit": a.value_unit,
                         "binding_barrier": a.binding_barrier, "window_level": a.window_level,
                         "window_start": a.window_start, "window_end": a.window_end, "n": a.n, "seed": a.seed,
                         "method": a.method, "dealvalue_version": a.dealvalue_version, "supersedes": a.supersedes_id,
                         "superseded_by": by, "current": by is None, "note": a.note, "recorded_at": a.recorded_at})
    frame = pd.DataFrame(rows, columns=["id", *COLUMNS]).set_index("id")
    for col in ("value_to_us", "value_to_us_stderr", "window_level", "window_start", "window_end"):
        frame[col] = frame[col].astype(float)
    for col in ("supersedes", "superseded_by"):
        frame[col] = frame[col].astype("Int64")
    return frame


def inputs(ids: "int | Sequence[int] | None" = None, db: "str | Store | None" = None) -> "pd.DataFrame":
    """The inputs set in assessments ``ids`` (one id, several, or all):
    ``assessment cell formula note sources`` (sources as a list)."""
    import pandas as pd

    store = open_store(db)
    q = select(AssessmentInput).order_by(AssessmentInput.assessment_id, AssessmentInput.id)
    if ids is not None:
        q = q.where(AssessmentInput.assessment_id.in_([ids] if isinstance(ids, int) else [int(i) for i in ids]))
    with store.session() as s:
        rows = [{"assessment": i.assessment_id, "cell": i.cell, "formula": i.formula, "note": i.note,
                 "sources": list(i.sources)} for i in s.scalars(q)]
    return pd.DataFrame(rows, columns=["assessment", "cell", "formula", "note", "sources"])


def zopa(assessment: int, db: "str | Store | None" = None) -> "pd.DataFrame":
    """The stored ZOPA quantiles of one assessment: one row per quantity
    (``ask``, ``bid``, ``ask | feasible``, ...), one column per level."""
    import pandas as pd

    store = open_store(db)
    with store.session() as s:
        rows = [(z.quantity, z.level, z.value) for z in
                s.scalars(select(ZopaQuantile).where(ZopaQuantile.assessment_id == int(assessment)).order_by(ZopaQuantile.id))]
    if not rows:
        raise AssessmentError("assessment", assessment, "no stored assessment with that id")
    frame = pd.DataFrame(rows, columns=["quantity", "level", "value"])
    return frame.pivot(index="quantity", columns="level", values="value").reindex(list(dict.fromkeys(r[0] for r in rows)))


def export(path: "str | os.PathLike[str]", db: "str | Store | None" = None) -> str:
    """Write every assessment to ``PATH.csv`` (one row per assessment, its
    inputs as JSON in an ``inputs`` column) or ``PATH.xlsx`` (sheets
    ``assessments``, ``inputs``, ``systems``); returns the path.  No
    credentials are written: only the data and the database URL without
    its password."""
    import pandas as pd

    path = os.fspath(path)
    store = open_store(db)
    table = assessments(db=store)
    ins = inputs(db=store)
    if path.lower().endswith(".csv"):
        by = {int(str(k)): {r.cell: {"formula": r.formula, "note": r.note, "sources": r.sources} for r in g.itertuples()}
              for k, g in ins.groupby("assessment")}
        out = table.copy()
        out["inputs"] = [json.dumps(by.get(int(i), {}), ensure_ascii=False) for i in out.index]
        out.to_csv(path)
    elif path.lower().endswith(".xlsx"):
        with pd.ExcelWriter(path) as xl:
            t = table.copy()
            t["recorded_at"] = t["recorded_at"].astype(str)
            t.to_excel(xl, sheet_name="assessments")
            x = ins.copy()
            x["sources"] = ["\n".join(v) for v in x["sources"]]
            x.to_excel(xl, sheet_name="inputs", index=False)
            systems(db=store).to_excel(xl, sheet_name="systems")
            pd.DataFrame({"database": [store.name], "exported_at": [_now().isoformat(timespec="seconds")]}).to_excel(
                xl, sheet_name="about", index=False)
    else:
        raise AssessmentError("path", path, "expected a .csv or .xlsx file")
    return path
