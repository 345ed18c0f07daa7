"""Append-only in the database too: triggers refuse UPDATE and DELETE on every store table.

The code already refuses changes (the session guard); these triggers make a
stray ``UPDATE`` from another tool fail as well.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("systems", "assessors", "model_texts", "assessments", "assessment_inputs", "zopa_quantiles")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION dealvalue_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'dealvalue: table % is append-only (a correction is a new assessment)', TG_TABLE_NAME; END $$"
        )
        for t in TABLES:
            op.execute(f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                       "FOR EACH ROW EXECUTE FUNCTION dealvalue_append_only()")
    elif dialect == "sqlite":
        for t in TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {t}_no_{event.lower()} BEFORE {event} ON {t} BEGIN "
                           f"SELECT RAISE(ABORT, 'dealvalue: table {t} is append-only (a correction is a new assessment)'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for t in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
        op.execute("DROP FUNCTION IF EXISTS dealvalue_append_only()")
    elif dialect == "sqlite":
        for t in TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {t}_no_{event}")
