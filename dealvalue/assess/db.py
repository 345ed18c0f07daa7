"""Which database, connecting to it, its schema version, and migrations.

The database URL is, in order: the ``db`` argument (``--db URL`` on the
command line), the ``DEALVALUE_DB`` environment variable, else a SQLite file
in the user's data directory (:func:`default_url`, via platformdirs).  A team
shares one PostgreSQL database by giving every tool the same URL, e.g.
``postgresql://alice@db.example.org/dealvalue`` (the psycopg 3 driver is used;
passwords belong in ``~/.pgpass`` or ``PGPASSWORD``, which libpq reads, not in
files the tools write).  A URL's password is never shown: every message uses
:func:`safe_url`.

SQLite runs in WAL mode with a busy timeout, and each write takes the write
lock at its start (``BEGIN IMMEDIATE``), so concurrent writers wait in turn
instead of failing half-way.

Examples
--------
>>> safe_url("postgresql://alice:secret@db.example.org/dealvalue")
'postgresql+psycopg://alice:***@db.example.org/dealvalue'
>>> default_url().startswith("sqlite:///") and default_url().endswith("assessments.sqlite")
True
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import threading
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import URL, Engine, create_engine, event, exc, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from ..errors import AppendOnlyError, SchemaVersionError, StoreError

__all__ = ["ENV_VAR", "default_url", "resolve_url", "safe_url", "Store", "open_store", "upgrade", "revisions", "HEAD"]

#: The environment variable that names the database.
ENV_VAR = "DEALVALUE_DB"
#: The newest schema revision this dealvalue knows.
HEAD = "0002"
SQLITE_TIMEOUT = 60.0  # seconds a writer waits for the SQLite write lock


def default_url() -> str:
    """The embedded default: ``sqlite:///<user data dir>/dealvalue/assessments.sqlite``."""
    import platformdirs

    return "sqlite:///" + str(platformdirs.user_data_path("dealvalue") / "assessments.sqlite")


def parse_url(url: str | URL) -> URL:
    """``url`` as a SQLAlchemy URL; ``postgresql://`` means psycopg 3."""
    try:
        u = make_url(url)
    except (exc.ArgumentError, ValueError):
        raise StoreError("<unreadable URL>", "expected a database URL such as sqlite:///path.sqlite or "
                         "postgresql://user@host/db") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def resolve_url(db: str | URL | None = None) -> URL:
    """The database to use: ``db``, else ``$DEALVALUE_DB``, else :func:`default_url`."""
    return parse_url(db or os.environ.get(ENV_VAR) or default_url())


def safe_url(url: str | URL) -> str:
    """The URL as text with its password replaced by ``***``."""
    try:
        return parse_url(url).render_as_string(hide_password=True)
    except StoreError:
        return "<unreadable URL>"


def scrub(message: str, url: URL) -> str:
    """``message`` with the URL's password (if any) replaced by ``***``."""
    if url.password:
        message = message.replace(str(url.password), "***")
    return message


def revisions() -> list[str]:
    """Every schema revision this dealvalue ships, oldest first."""
    script = _script_directory()
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(importlib.resources.files("dealvalue.assess") / "alembic"))
    cfg.attributes["connection"] = connection
    return cfg


def _script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None))


@dataclass
class Store:
    """An open assessment database: its engine and URL (password hidden in ``name``)."""

    engine: Engine
    url: URL
    sessions: "sessionmaker[Session]"

    @property
    def name(self) -> str:
        """The database URL with the password hidden: what messages and the app show."""
        return self.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return str(self.engine.dialect.name)

    def error(self, error: BaseException) -> StoreError:
        """A driver error as a :class:`StoreError` (first line of the reason, password scrubbed)."""
        orig = getattr(error, "orig", None) or error
        reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
        return StoreError(self.name, scrub(reason, self.url))

    @contextlib.contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session in one transaction, committed at the end if ``write``
        (rolled back on any error: nothing partial is written)."""
        try:
            with self.sessions() as s:
                if write:
                    s.connection(execution_options={"dealvalue_write": True})
                yield s
                if write:
                    s.commit()
                else:
                    s.rollback()
        except exc.DBAPIError as e:
            if "append-only" in str(getattr(e, "orig", "")):
                raise AppendOnlyError(self.name, scrub(str(e.orig).strip().splitlines()[0], self.url)) from None
            raise self.error(e) from None

    def revision(self) -> str | None:
        """The schema revision of the database (``None``: no schema yet)."""
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as conn:
                rev = MigrationContext.configure(conn).get_current_revision()
                conn.rollback()
        except exc.DBAPIError as e:
            raise self.error(e) from None
        return None if rev is None else str(rev)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver leaves transactions to us (BEGIN below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(SQLITE_TIMEOUT * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("dealvalue_write") else "BEGIN")


def _append_only_guard(name: str) -> Any:
    def guard(session: Session, flush_context: Any, instances: Any) -> None:
        for obj in session.deleted:
            raise AppendOnlyError(name, f"refused to delete a {type(obj).__name__}: history is append-only")
        for obj in session.dirty:
            if session.is_modified(obj):
                raise AppendOnlyError(name, f"refused to change a stored {type(obj).__name__}: history is append-only "
                                      "(a correction is a new assessment that supersedes the old one)")
    return guard


_LOCK = threading.Lock()
_STORES: dict[str, Store] = {}


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            folder = os.path.dirname(os.path.abspath(url.database))
            if url.render_as_string() == default_url():
                os.makedirs(folder, exist_ok=True)  # the embedded default needs no set-up
            elif not os.path.isdir(folder):
                # a mistyped --db must not look like an empty store
                raise StoreError(url.render_as_string(hide_password=True), f"no folder {folder!r} for this SQLite file")
        engine = create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT})
        _sqlite_events(engine)
        return engine
    if url.get_backend_name() != "postgresql":
        raise StoreError(url.render_as_string(hide_password=True), "expected a sqlite:// or postgresql:// URL")
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _make_store(url: URL) -> Store:
    try:
        engine = _engine(url)
    except exc.ArgumentError as e:
        raise StoreError(url.render_as_string(hide_password=True), scrub(str(e).splitlines()[0], url)) from None
    except ImportError as e:
        raise StoreError(url.render_as_string(hide_password=True),
                         f"the database driver is not installed ({e.name}); pip install 'dealvalue[assess]'") from None
    sessions = sessionmaker(engine, expire_on_commit=False)
    store = Store(engine, url, sessions)
    event.listen(sessions, "before_flush", _append_only_guard(store.name))
    return store


def check_schema(store: Store, create: bool = True) -> None:
    """Refuse a database whose schema is newer or older than this
    dealvalue's; create the schema in an empty database when ``create``."""
    known = revisions()
    rev = store.revision()
    if rev == known[-1]:
        return
    if rev is None:
        if not create:
            raise SchemaVersionError(store.name, "the database has no assessment schema yet")
        if inspect(store.engine).has_table("assessments"):
            raise SchemaVersionError(store.name, "the database has an 'assessments' table that dealvalue did not create")
        upgrade(store)
        return
    if rev not in known:
        raise SchemaVersionError(store.name, f"the database's schema (revision {rev}) is newer than this dealvalue knows "
                                 f"(up to {known[-1]}); upgrade dealvalue to use it")
    raise SchemaVersionError(store.name, f"the database's schema (revision {rev}) is older than this dealvalue's "
                             f"({known[-1]}); run `dealvalue assess upgrade --db URL` (or dealvalue.assess.upgrade)")


def open_store(db: "str | URL | Store | None" = None, create: bool = True) -> Store:
    """The store at ``db`` (see :func:`resolve_url`), connected and with a
    schema this dealvalue can use (created in an empty database).  Stores
    are cached per URL in this process.

    Raises
    ------
    dealvalue.errors.StoreError
        The database cannot be reached.
    dealvalue.errors.SchemaVersionError
        Its schema is newer (or older) than this dealvalue's.
    """
    if isinstance(db, Store):
        return db
    url = resolve_url(db)
    key = url.render_as_string(hide_password=False)
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _make_store(url)
            check_schema(store, create)
            _STORES[key] = store
    return store


def upgrade(db: "str | URL | Store | None" = None, to: str = "head") -> str:
    """Migrate the database to the newest schema (or to revision ``to``),
    in one transaction; returns the revision it is at.

    On PostgreSQL an advisory lock keeps two upgrades from running at
    once; on SQLite the write lock does.
    """
    store = db if isinstance(db, Store) else _make_store(resolve_url(db))
    from alembic import command

    rev = store.revision()
    known = revisions()
    if rev is not None and rev not in known:
        raise SchemaVersionError(store.name, f"the database's schema (revision {rev}) is newer than this dealvalue knows "
                                 f"(up to {known[-1]}); upgrade dealvalue to use it")

    try:
        with store.engine.connect().execution_options(dealvalue_write=True) as conn:
            with conn.begin():
                if store.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6465616C})
                command.upgrade(_alembic_config(conn), to)
    except exc.DBAPIError as e:
        raise store.error(e) from None
    finally:
        if not isinstance(db, Store):
            store.dispose()
    rev = store.revision() if isinstance(db, Store) else open_revision(store.url)
    return rev or ""


def open_revision(url: URL) -> str | None:
    """The schema revision of the database at ``url`` (a fresh connection)."""
    store = _make_store(url)
    try:
        return store.revision()
    finally:
        store.dispose()


def forget_stores() -> None:
    """Dispose of every cached store (tests; after a fork)."""
    with _LOCK:
        for s in _STORES.values():
            s.dispose()
        _STORES.clear()
