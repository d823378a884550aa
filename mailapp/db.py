"""Engine, sessions and migrations.

Two kinds of transaction: :meth:`Database.read` for queries and
:meth:`Database.write` for changes. On SQLite a write begins with
``BEGIN IMMEDIATE`` so that two writers queue on ``busy_timeout`` instead of
failing on a lock upgrade; WAL lets readers go on meanwhile.
:meth:`Database.read_conn` reads with SQLAlchemy Core alone: the ORM is
imported by the first ORM session, so a process that only reads that way
(the window, until its first list is painted) does not load it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool, StaticPool

from mailapp.models import base

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

_IMMEDIATE = "mailapp_immediate"

#: The newest migration; a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0007"


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says why."""


def _pragma(conn: Connection, statement: str) -> None:
    """Run a PRAGMA on the DBAPI connection itself, outside any transaction."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(statement)


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


def _pool_size(pooled: bool) -> dict[str, Any]:
    """The shared pool serves short reads and writes only: the window's
    tasks, the scheduler's tick and the heartbeat. Sending lanes never take
    from it, so its size does not depend on how much is sent."""
    if not pooled:
        return {"poolclass": NullPool}
    return {"pool_size": 8, "max_overflow": 16, "pool_timeout": 60}


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    """The engine for ``url``; ``pooled=False`` opens a connection per use
    (the sending lanes keep theirs for their whole life)."""
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
            kwargs.update(_pool_size(pooled))
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.update(_pool_size(pooled))
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
        self._server_clock = ServerClock(self.engine) if self.dialect == "postgresql" else None
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

    @cached_property
    def _read(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def _write(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.write_engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def read_conn(self) -> Iterator[Connection]:
        """A Core connection in a read transaction, rolled back at the end."""
        with self.engine.connect() as conn:
            yield conn

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

    def lane_connection(self) -> LaneConnection:
        """A connection of its own for a sending lane."""
        return LaneConnection(self)

    @cached_property
    def lane_engine(self) -> Engine:
        """Opens the lanes' connections, one per lane, outside the pool (an
        in-memory SQLite database has one connection only: the pool's)."""
        if isinstance(self.engine.pool, StaticPool):
            return self.engine
        return make_engine(self.url, pooled=False)

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
            with self.engine.connect() as conn:
                sqlite = self.dialect == "sqlite"
                if sqlite:
                    # SQLite alters a table's constraints by copying it and
                    # dropping the old one; with foreign keys on, that drop
                    # would delete its rows and, by ON DELETE CASCADE, every
                    # recipient and log line of every mailing. The pragma is
                    # ignored inside a transaction: set it before one begins.
                    _pragma(conn, "PRAGMA foreign_keys=OFF")
                try:
                    with conn.begin():
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, "head")
                        if sqlite:
                            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                            if broken:
                                raise DatabaseError(f"the migration broke references: {broken}")
                finally:
                    if sqlite:
                        _pragma(conn, "PRAGMA foreign_keys=ON")
        except Exception as exc:
            raise DatabaseError(f"Cannot open the database {self.url!r}: {exc}") from exc

    def _revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except Exception:  # no schema yet, or not a database we can read: migrate says
            return None

    def now(self) -> datetime:
        """The current time by the database's clock, as an aware UTC datetime.

        Deadlines (the end of the delay window, the expiration time, the
        start time of a schedule, the next attempt of a retry) are written by
        one process and judged by another, maybe on another machine; judged
        by each machine's own clock, two machines a minute apart disagree.
        The database's clock is the one they share. SQLite has no server:
        every process using the file runs on this machine, so the local
        clock is the database's clock.
        """
        if self._server_clock is None:
            return base.utcnow()
        return base.utcnow() + self._server_clock.offset()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.__dict__.get("lane_engine", self.engine) is not self.engine:
            self.lane_engine.dispose()


class ServerClock:
    """How far the database server's clock is from this machine's.

    ``clock_timestamp()`` is read and compared with the local clock at the
    middle of the round trip (the better of two readings, so the first one's
    ``BEGIN`` is not counted) and measured again at most every
    :attr:`REFRESH` seconds, so a caller in a hot path pays no query. One
    thread measures while the others go on with the previous offset; only
    the very first call waits. A failed measurement keeps the previous
    offset; without one the database's error is raised, as any query's is.
    The local clock is read through :func:`mailapp.models.base.utcnow`,
    looked up at each call, so that a test can skew it.
    """

    REFRESH = 30.0

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self.measured: timedelta | None = None
        #: ``time.monotonic()`` of the last measurement.
        self.measured_at = 0.0

    def offset(self) -> timedelta:
        stale = time.monotonic() - self.measured_at >= self.REFRESH
        if (self.measured is None or stale) and self._lock.acquire(blocking=self.measured is None):
            try:
                if self.measured is None or time.monotonic() - self.measured_at >= self.REFRESH:
                    self._measure()
            finally:
                self._lock.release()
        assert self.measured is not None
        return self.measured

    def _measure(self) -> None:
        try:
            best: tuple[float, timedelta] | None = None
            with self._engine.connect() as conn:
                for _ in range(2):
                    sent = time.monotonic()
                    local = base.utcnow()
                    server = conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
                    trip = time.monotonic() - sent
                    offset = server - (local + timedelta(seconds=trip / 2))
                    if best is None or trip < best[0]:
                        best = (trip, offset)
            assert best is not None
            self.measured = best[1]
        except Exception:
            if self.measured is None:
                raise
            log.warning("cannot read the database's clock; keeping the last offset", exc_info=True)
        self.measured_at = time.monotonic()


class LaneConnection:
    """One sending lane's own driver connection, below SQLAlchemy.

    Sending writes twice per message; at that rate SQLAlchemy's own work
    per statement costs more than the database's. Each lane owns one
    connection of its own, opened outside the shared pool, so no number of
    lanes or mailings can exhaust the pool the window, the scheduler and
    the heartbeat read from. The writer rules stay the same: the
    process-wide lock and ``BEGIN IMMEDIATE`` on SQLite.

    A driver error of any kind (sqlite3 or psycopg, a full disk, a server
    restart, a terminated backend) rolls back, closes the connection and
    comes out as :class:`LaneDatabaseError`; the next transaction connects
    anew.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sqlite = db.dialect == "sqlite"
        dbapi = db.engine.dialect.dbapi
        assert dbapi is not None
        self._dbapi_error: type[Exception] = dbapi.Error
        self._conn: Any = None

    @property
    def dialect(self) -> Any:
        return self._db.engine.dialect

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor in a transaction that commits on success."""
        with self._db._writer():
            try:
                if self._conn is None:
                    self._conn = self._db.lane_engine.raw_connection()
                cursor = self._conn.cursor()
            except self._dbapi_error as exc:
                self.close()
                raise LaneDatabaseError(exc) from exc
            except DBAPIError as exc:
                self.close()
                raise LaneDatabaseError(exc.orig or exc) from exc
            try:
                if self._sqlite:
                    cursor.execute("BEGIN IMMEDIATE")
                yield cursor
                self._conn.commit()
            except self._dbapi_error as exc:
                self.close()
                raise LaneDatabaseError(exc) from exc
            except BaseException:
                self._rollback()
                raise
            finally:
                with contextlib.suppress(Exception):
                    cursor.close()

    def _rollback(self) -> None:
        try:
            self._conn.rollback()
        except Exception:  # a broken connection: start afresh next time
            self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


class LaneDatabaseError(Exception):
    """A lane's statement failed in the driver; ``disk_full`` says whether
    the database refused the write for lack of space (as opposed to a lost
    connection, which goes away by itself)."""

    def __init__(self, orig: BaseException) -> None:
        super().__init__(str(orig))
        self.orig = orig

    @property
    def disk_full(self) -> bool:
        code = getattr(self.orig, "sqlite_errorcode", None)
        sqlstate = getattr(self.orig, "sqlstate", None) or ""
        return code == 13 or sqlstate.startswith("53") or "disk is full" in str(self.orig)
