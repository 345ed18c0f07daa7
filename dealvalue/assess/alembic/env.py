"""Alembic's environment for the assessment store's migrations.

Migrations run only through :func:`dealvalue.assess.upgrade` (or ``dealvalue
assess upgrade``), which hands this script an open connection inside a
transaction (``config.attributes["connection"]``); no ``alembic.ini`` is
needed.  For a developer writing a new revision, ``target_metadata`` is the
ORM's, so ``alembic revision --autogenerate`` can compare against it.
"""

from __future__ import annotations

from alembic import context

from dealvalue.assess.schema import Base

target_metadata = Base.metadata


def run() -> None:
    """Run the pending migrations on the connection the caller opened."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("dealvalue's migrations run through dealvalue.assess.upgrade(db) or `dealvalue assess upgrade`")
    context.configure(connection=connection, target_metadata=target_metadata, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


run()
