"""Fixtures for the command line tests: ``main()`` in-process with captured
output, a check that a refusal changed nothing, worker processes that are
always cleaned up, and a fresh PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from mailapp.cli import main
from tests.cli.clihelp import Cli, Result, WorkerProcess, database_picture


@pytest.fixture
def cli(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("mailing", "list")`` runs ``main`` on the test's SQLite file."""

    def run(*args: str, db: str | None = None) -> Result:
        capsys.readouterr()
        code = main(["--db", db or sqlite_url, *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def unchanged(sqlite_url: str) -> Callable[[], Any]:
    """``with unchanged(): ...`` fails when the block changed any row."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_picture(sqlite_url)
        yield
        assert database_picture(sqlite_url) == before

    return check


@pytest.fixture
def workers() -> Iterator[list[WorkerProcess]]:
    """Worker processes a test starts are killed at its end, whatever happens."""
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.close()


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get("MAILAPP_TEST_PG_URL")
    if not base:
        pytest.skip("MAILAPP_TEST_PG_URL is not set")
    import psycopg

    name = f"mailapp_cli_{uuid.uuid4().hex[:12]}"
    admin = make_url(base).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
