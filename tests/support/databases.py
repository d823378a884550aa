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


class PostgresCluster:
    """A PostgreSQL server of the test's own, so the test may restart it.

    Started as the ``postgres`` user when run as root (PostgreSQL refuses to
    run as root), on a free loopback port; :meth:`remove` deletes it.
    """

    def __init__(self) -> None:
        import shutil
        import socket
        import subprocess
        import tempfile

        self._subprocess = subprocess
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            pytest.skip("PostgreSQL is not installed")
        self.bin = found[-1].parent
        # Not under the test's folder: the server's user must reach it.
        folder = self.folder = Path(tempfile.mkdtemp(prefix="mailapp-pg-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._run("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        result = self._subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        import shutil

        self._subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
