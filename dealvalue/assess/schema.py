"""The assessment store's tables, as SQLAlchemy 2 ORM classes.

Six tables: ``systems`` (the AI systems assessed), ``assessors``,
``model_texts`` (each model file's full text once, by its SHA-256),
``assessments`` (one row per judgement, with the results computed when it
was recorded), ``assessment_inputs`` (the inputs the assessor set, each with
a note and its sources) and ``zopa_quantiles``.

History is append-only: rows are inserted, never updated or deleted (the
session guard in :mod:`dealvalue.assess.db` refuses it in code, and the
second migration adds database triggers that refuse it in SQL).  A
correction is a new assessment whose ``supersedes_id`` names the old one; an
assessment is *current* when none supersedes it, and ``supersedes_id`` is
unique, so two concurrent corrections of one assessment cannot both win.

The migrations in ``alembic/versions`` create these tables; this module is
what the code reads and writes through.

Examples
--------
>>> sorted(Base.metadata.tables)
['assessment_inputs', 'assessments', 'assessors', 'model_texts', 'systems', 'zopa_quantiles']
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "System", "Assessor", "ModelText", "Assessment", "AssessmentInput", "ZopaQuantile", "APPEND_ONLY_TABLES"]


class Base(DeclarativeBase):
    """The declarative base of the store's tables."""


class System(Base):
    """An AI system: name (unique), developer, version, release date."""

    __tablename__ = "systems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    developer: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[str] = mapped_column(String(100), default="")
    release_date: Mapped[_dt.date | None] = mapped_column(Date, nullable=True)
    recorded_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True))


class Assessor(Base):
    """A person (or team) who makes assessments; just a unique name."""

    __tablename__ = "assessors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class ModelText(Base):
    """A model file's full TOML text, stored once per SHA-256 of the text."""

    __tablename__ = "model_texts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)


class Assessment(Base):
    """One dated, attributed judgement about one AI system, with its results."""

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("systems.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("assessors.id"))
    model_id: Mapped[int] = mapped_column(ForeignKey("model_texts.id"))
    model_name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # a shipped model's name, else None
    assessed_on: Mapped[_dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), unique=True, nullable=True)
    recorded_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True))
    # how the results were computed
    n: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))
    dealvalue_version: Mapped[str] = mapped_column(String(40))
    # the results computed then (NULL where a number is undefined)
    p_feasible: Mapped[float] = mapped_column(Float)
    p_feasible_stderr: Mapped[float] = mapped_column(Float)
    value_to_us: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_to_us_stderr: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_unit: Mapped[str] = mapped_column(String(40), default="")
    binding_barrier: Mapped[str | None] = mapped_column(String(200), nullable=True)
    window_axis: Mapped[str | None] = mapped_column(String(200), nullable=True)
    window_level: Mapped[float | None] = mapped_column(Float, nullable=True)
    window_start: Mapped[float | None] = mapped_column(Float, nullable=True)
    window_end: Mapped[float | None] = mapped_column(Float, nullable=True)
    window_peak_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    window_peak_p: Mapped[float | None] = mapped_column(Float, nullable=True)

    system: Mapped[System] = relationship()
    assessor: Mapped[Assessor] = relationship()
    model: Mapped[ModelText] = relationship()
    inputs: Mapped[list["AssessmentInput"]] = relationship(order_by="AssessmentInput.id")
    zopa: Mapped[list["ZopaQuantile"]] = relationship(order_by="ZopaQuantile.id")


class AssessmentInput(Base):
    """One input an assessor set: the cell, its formula, a note and sources."""

    __tablename__ = "assessment_inputs"
    __table_args__ = (UniqueConstraint("assessment_id", "cell"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    cell: Mapped[str] = mapped_column(String(200))
    formula: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ZopaQuantile(Base):
    """One quantile of the ZOPA at the time of the assessment, e.g.
    ``quantity="ask | feasible", level=0.5``."""

    __tablename__ = "zopa_quantiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    quantity: Mapped[str] = mapped_column(String(40))
    level: Mapped[float] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


#: Tables whose rows are never updated or deleted.
APPEND_ONLY_TABLES = ("systems", "assessors", "model_texts", "assessments", "assessment_inputs", "zopa_quantiles")
