"""The first schema: systems, assessors, model texts, assessments, their inputs and ZOPA quantiles.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "systems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("developer", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("release_date", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assessors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
    )
    op.create_table(
        "model_texts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id"), nullable=False, index=True),
        sa.Column("assessor_id", sa.Integer, sa.ForeignKey("assessors.id"), nullable=False),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("model_texts.id"), nullable=False),
        sa.Column("model_name", sa.String(200), nullable=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=True, unique=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("dealvalue_version", sa.String(40), nullable=False),
        sa.Column("p_feasible", sa.Float, nullable=False),
        sa.Column("p_feasible_stderr", sa.Float, nullable=False),
        sa.Column("value_to_us", sa.Float, nullable=True),
        sa.Column("value_to_us_stderr", sa.Float, nullable=True),
        sa.Column("value_unit", sa.String(40), nullable=False),
        sa.Column("binding_barrier", sa.String(200), nullable=True),
        sa.Column("window_axis", sa.String(200), nullable=True),
        sa.Column("window_level", sa.Float, nullable=True),
        sa.Column("window_start", sa.Float, nullable=True),
        sa.Column("window_end", sa.Float, nullable=True),
        sa.Column("window_peak_at", sa.Float, nullable=True),
        sa.Column("window_peak_p", sa.Float, nullable=True),
    )
    op.create_table(
        "assessment_inputs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False, index=True),
        sa.Column("cell", sa.String(200), nullable=False),
        sa.Column("formula", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.UniqueConstraint("assessment_id", "cell"),
    )
    op.create_table(
        "zopa_quantiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False, index=True),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
    )


def downgrade() -> None:
    for table in ("zopa_quantiles", "assessment_inputs", "assessments", "model_texts", "assessors", "systems"):
        op.drop_table(table)
