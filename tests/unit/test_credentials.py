"""The SMTP password in the keyring, with an in-memory keyring backend."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from mailapp.delivery import credentials
from mailapp.delivery.credentials import CredentialsError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("locked")


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_set_get_delete(memory: MemoryKeyring) -> None:
    assert credentials.get_password("user", "smtp.example.com") is None
    credentials.set_password("user", "SMTP.Example.com", "s3cret")
    assert memory.store == {("mailapp", "user@smtp.example.com"): "s3cret"}
    assert credentials.get_password("user", "smtp.example.com") == "s3cret"
    credentials.delete_password("user", "smtp.example.com")
    assert credentials.get_password("user", "smtp.example.com") is None
    credentials.delete_password("user", "smtp.example.com")  # nothing to delete: no error


def test_user_and_host_are_required(memory: MemoryKeyring) -> None:
    with pytest.raises(CredentialsError, match="host and user"):
        credentials.set_password("", "smtp.example.com", "x")
    with pytest.raises(CredentialsError, match="empty"):
        credentials.set_password("user", "smtp.example.com", "")


def test_backend_errors_become_credentials_errors() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(CredentialsError, match="no system keyring is available"):
            credentials.get_password("user", "smtp.example.com")
        with pytest.raises(CredentialsError, match=r"Cannot save the SMTP password.*locked"):
            credentials.set_password("user", "smtp.example.com", "x")
    finally:
        keyring.set_keyring(previous)
