"""Assessments: dated, attributed judgements about real AI systems, in a database.

An *assessment* is one assessor's judgement of one AI system on one date: the
model (a shipped model's name, or a model file's full text, with its
SHA-256), the inputs the assessor set (as formulas, each with a note and
sources), and the results computed then (P(feasible) with its error, the
expected value to us, ZOPA quantiles, the binding barrier, the window's
ends), with ``n``, the seed and the dealvalue version.  History is
append-only: a correction is a new assessment that supersedes the old one.

The store is SQLAlchemy 2 over SQLite (the default: a file in the user's
data directory, no set-up) or PostgreSQL (a team shares one database: give
every tool the same URL with ``db=`` or ``--db``, or set ``DEALVALUE_DB``).
Needs the ``assess`` extra: ``pip install 'dealvalue[assess]'``.

Modules: :mod:`.schema` (tables), :mod:`.db` (URL, engine, migrations),
:mod:`.compute` (an assessor's model and its results), :mod:`.store`
(record and read), :mod:`.pool` (opinion pool, disagreement),
:mod:`.trend`.

Examples
--------
>>> import tempfile, os
>>> from dealvalue import assess
>>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "team.sqlite")
>>> _ = assess.add_system("Claude 9", developer="Anthropic", version="9.0", db=url)
>>> _ = assess.add("deal", system="Claude 9", assessor="alice", date="2031-03-01",
...                inputs={"reality": {"formula": "beta(2, 8)", "note": "few honest reports",
...                                    "sources": ["https://example.org/eval"]}}, n=2_000, db=url)
>>> _ = assess.add("deal", system="Claude 9", assessor="bob", date="2031-03-02",
...                inputs={"reality": "beta(6, 4)"}, n=2_000, db=url)
>>> assess.assessments(db=url)["assessor"].tolist()
['alice', 'bob']
>>> assess.pool("Claude 9", n=2_000, db=url).index.tolist()
['alice', 'bob', 'pooled']
>>> assess.disagreement("Claude 9", n=2_000, db=url).index.tolist()
['reality']
"""

from __future__ import annotations

from .compute import Input
from .db import ENV_VAR, Store, default_url, open_store, revisions, safe_url, upgrade
from .pool import disagreement, pool, pooled_samples, simulate_pool
from .store import add, add_system, assessments, export, inputs, systems, zopa
from .trend import trend

__all__ = [
    "Input",
    "ENV_VAR",
    "Store",
    "default_url",
    "open_store",
    "revisions",
    "safe_url",
    "upgrade",
    "add_system",
    "systems",
    "add",
    "assessments",
    "inputs",
    "zopa",
    "export",
    "pool",
    "disagreement",
    "pooled_samples",
    "simulate_pool",
    "trend",
    "database",
]


def database(db: "str | None" = None) -> str:
    """Which database the tools use (``db``, ``$DEALVALUE_DB`` or the default), password hidden.

    >>> database("postgresql://alice:secret@db.example.org/dv")
    'postgresql+psycopg://alice:***@db.example.org/dv'
    """
    from .db import resolve_url

    return resolve_url(db).render_as_string(hide_password=True)
