"""Fixtures every test may use: an isolated data folder and keyring, and
application contexts on a real SQLite file or a real PostgreSQL database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from mailapp.services.context import AppContext
from tests.support.counts import assert_counts_kept
from tests.support.imap_server import DovecotServer
from tests.support.smtp_server import TestSmtpServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    """The OS keyring is out of reach in CI; this one lives for one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does touches the user's real data folder or keyring."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MAILAPP_HOME", str(home))
    monkeypatch.delenv("MAILAPP_DB", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield home
    keyring.set_keyring(previous)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mailapp.sqlite3'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    from tests.support.databases import postgres_database

    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    """The application's services over the test's database."""
    context = AppContext.open(db_url)
    yield context
    try:
        assert_counts_kept(context)
    finally:
        context.db.dispose()


@pytest.fixture
def server() -> Iterator[TestSmtpServer]:
    """A real SMTP server on loopback whose faults the test switches on."""
    with TestSmtpServer() as smtp:
        yield smtp


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    """A throwaway Dovecot IMAP server (STARTTLS and imaps) with one user."""
    server = DovecotServer().start()
    yield server
    server.stop()
