"""Databases for tests: a real SQLite file, or a fresh PostgreSQL database.

PostgreSQL cases run only when ``MAILAPP_TEST_PG_URL`` names a server (for
example ``postgresql://postgres@127.0.0.1:5433/postgres``); each use gets a
database with a random name, dropped afterwards even if connections to it
are still open, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "MAILAPP_TEST_PG_URL"


def sqlite_url(tmp_path: Path) -> str:
    """A URL of an SQLite file inside the test's own folder."""
    return f"sqlite:///{tmp_path / 'mailapp.sqlite3'}"


def postgres_server_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@contextmanager
def postgres_database() -> Iterator[str]:
    """Yield the URL of a new, empty database; skip the test without a server."""
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"{PG_ENV} is not set")
    base = make_url(server)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = "mailapp_test_" + secrets.token_hex(6)
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=None)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
