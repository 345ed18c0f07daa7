"""The assessment store's test databases: a SQLite file always, a real PostgreSQL from DEALVALUE_TEST_POSTGRES.

Each PostgreSQL test gets its own schema (dropped afterwards), reached with
``options=-csearch_path=<schema>`` in the URL.  If ``DEALVALUE_TEST_POSTGRES``
is missing: under ``CI=true`` the PostgreSQL tests FAIL (CI must run them);
locally they are skipped with the reason printed (``bash .ci/postgres``
starts a server and prints the line to export).
"""

from __future__ import annotations

import os
import sys
import uuid
from typing import Iterator

import pytest

PG_VAR = "DEALVALUE_TEST_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]
WHY = (f"{PG_VAR} is not set, so the PostgreSQL half of the assessment store's tests does not run here; "
       "`eval export $(bash .ci/postgres)` starts a server and sets it (under CI=true this is a failure)")


def postgres_base() -> str:
    url = os.environ.get(PG_VAR)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PG_VAR} is not set under CI=true: the store's PostgreSQL tests must run in CI (.ci/postgres)")
        print(f"\nNOTE: {WHY}", file=sys.stderr)
        pytest.skip(WHY)
    return url


def make_db(backend: str, tmp_path: "os.PathLike[str]") -> Iterator[str]:
    """A fresh, empty database URL for one test."""
    from dealvalue.assess import db as dbmod

    if backend == "sqlite":
        yield f"sqlite:///{os.path.join(os.fspath(tmp_path), 'store.sqlite')}"
        dbmod.forget_stores()
        return
    from sqlalchemy import create_engine, make_url, text

    base = make_url(postgres_base())
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        dbmod.forget_stores()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
