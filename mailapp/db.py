"""Engine, sessions and migrations.

Two kinds of transaction: :meth:`Database.read` for queries and
:meth:`Database.write` for changes. On SQLite a write begins with
``BEGIN IMMEDIATE`` so that two writers queue on ``busy_timeout`` instead of
failing on a lock upgrade; WAL lets readers go on meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

_IMMEDIATE = "mailapp_immediate"

#: The newest migration; a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0002"


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says why."""


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseError(f"Not a database URL: {url!r} ({exc})") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:
        raise DatabaseError(f"Cannot use the database {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    return engine


class Database:
    """The one way services reach the database."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        #: Same pool, but each transaction begins as a writer (SQLite).
        self.write_engine = self.engine.execution_options(**{_IMMEDIATE: True})
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite has one writer at a time and its busy handler sleeps in
        # steps of up to 100 ms; writers of this process queue on a lock
        # instead, so only other processes ever meet the busy handler.
        self._write_lock: threading.RLock | None = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else None
        )
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def _writer(self) -> Iterator[None]:
        if self._write_lock is None:
            yield
        else:
            with self._write_lock:
                yield

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on error."""
        with self._writer(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def write_conn(self) -> Iterator[Connection]:
        """A Core connection in a write transaction, for the hot paths."""
        with self._writer(), self.write_engine.begin() as conn:
            yield conn

    def raw_writer(self) -> RawWriter:
        """A driver connection for a loop that writes once per message."""
        return RawWriter(self)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic).

        A database already at :data:`SCHEMA_REVISION` is checked with one
        query: loading Alembic would cost every command and every start of
        the window a noticeable fraction of a second.
        """
        if self._revision() == SCHEMA_REVISION:
            return
        from alembic import command
        from alembic.config import Config

        script_dir = Path(__file__).resolve().parent / "migrations"
        cfg = Config()
        cfg.set_main_option("script_location", str(script_dir))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except Exception as exc:
            raise DatabaseError(f"Cannot open the database {self.url!r}: {exc}") from exc

    def _revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except Exception:  # no schema yet, or not a database we can read: migrate says
            return None

    def dispose(self) -> None:
        self.engine.dispose()


class RawWriter:
    """Write transactions on one driver connection, below SQLAlchemy.

    Sending writes twice per message; at that rate SQLAlchemy's own work
    per statement costs more than the database's. The writer rules stay the
    same: the process-wide lock and ``BEGIN IMMEDIATE`` on SQLite. Driver
    errors come out as SQLAlchemy's exceptions (``OperationalError`` for a
    full disk), as everywhere else.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sqlite = db.dialect == "sqlite"
        dbapi = db.engine.dialect.dbapi
        assert dbapi is not None
        self._dbapi_error: type[Exception] = dbapi.Error
        self._conn = db.engine.raw_connection()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor in a transaction that commits on success."""
        with self._db._writer():
            cursor = self._conn.cursor()
            try:
                if self._sqlite:
                    cursor.execute("BEGIN IMMEDIATE")
                yield cursor
                self._conn.commit()
            except self._dbapi_error as exc:
                self._rollback()
                raise DBAPIError.instance(None, None, exc, self._dbapi_error) from exc
            except BaseException:
                self._rollback()
                raise
            finally:
                cursor.close()

    def _rollback(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.rollback()

    def close(self) -> None:
        self._conn.close()
