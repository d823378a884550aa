"""Trying the user's SMTP account, and saving it, through the service the window uses.

Real servers on loopback: the test SMTP server (with and without a login
required), a port nobody listens on, and a server that accepts the
connection but never greets.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import keyring
import pytest
from keyring.errors import KeyringError

from mailapp.delivery.credentials import get_password, set_password
from mailapp.delivery.sandbox import bind_loopback
from mailapp.models import Refused
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.smtp_account import check_connection, save_settings
from tests.conftest import MemoryKeyring
from tests.support.smtp_server import TestSmtpServer


@pytest.fixture
def login_server() -> Iterator[TestSmtpServer]:
    with TestSmtpServer() as server:
        server.require_auth("marketing", "s3cret")
        yield server


def test_a_server_that_takes_the_settings(server: TestSmtpServer) -> None:
    host, port = server.address
    result = check_connection(host, port, "none")
    assert result.ok
    assert (result.host, result.port, result.problem) == (host, port, "")
    assert server.received == []  # a test sends nothing


def test_a_login_with_the_right_password(login_server: TestSmtpServer) -> None:
    host, port = login_server.address
    assert check_connection(host, port, "none", "marketing", "s3cret").ok


def test_a_refused_login_says_so_with_the_reply(login_server: TestSmtpServer) -> None:
    host, port = login_server.address
    result = check_connection(host, port, "none", "marketing", "wrong")
    assert result.problem == "login_refused"
    assert "refused the user name or password" in result.message
    assert result.detail.startswith("535")


def test_the_saved_password_is_used_when_none_is_typed(login_server: TestSmtpServer) -> None:
    host, port = login_server.address
    assert check_connection(host, port, "none", "marketing").problem == "no_password"
    set_password("marketing", host, "s3cret")
    assert check_connection(host, port, "none", "marketing").ok


def test_a_port_nobody_listens_on_is_refused() -> None:
    sock = bind_loopback()  # bound, never listening: connections are refused
    port = sock.getsockname()[1]
    try:
        result = check_connection("127.0.0.1", port, "none")
    finally:
        sock.close()
    assert result.problem == "refused"
    assert result.message == f"Cannot connect to 127.0.0.1:{port}: connection refused"


def test_a_server_that_never_answers_times_out() -> None:
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never greets
    port = silent.getsockname()[1]
    try:
        result = check_connection("127.0.0.1", port, "none", timeout=0.5)
    finally:
        silent.close()
    assert result.problem == "timeout"
    assert result.detail == "0.5"


def test_starttls_that_the_server_does_not_offer(server: TestSmtpServer) -> None:
    host, port = server.address
    result = check_connection(host, port, "starttls")
    assert result.problem == "no_starttls"


def test_save_keeps_the_password_in_the_keyring_only(ctx: AppContext) -> None:
    save_settings(
        ctx,
        {"Provider": "smtp", "SmtpHost": "smtp.example.com", "SmtpUser": "marketing"},
        "s3cret",
    )
    assert get_password("marketing", "smtp.example.com") == "s3cret"
    loaded = settings_service.load(ctx)
    assert (loaded.provider, loaded.smtp_host, loaded.smtp_user) == (
        "smtp",
        "smtp.example.com",
        "marketing",
    )
    assert "s3cret" not in repr(settings_service.values(ctx))


class _BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")


def test_a_keyring_that_fails_saves_no_setting(ctx: AppContext) -> None:
    keyring.set_keyring(_BrokenKeyring())  # the OS keyring is the one boundary out of reach
    with pytest.raises(Exception, match="locked"):
        save_settings(ctx, {"SmtpHost": "smtp.example.com", "SmtpUser": "marketing"}, "pw")
    assert settings_service.load(ctx).smtp_host == ""


def test_a_bad_value_saves_nothing_not_even_the_password(ctx: AppContext) -> None:
    with pytest.raises(Refused):
        save_settings(
            ctx,
            {"SmtpHost": "smtp.example.com", "SmtpUser": "m", "UnsubscribeUrl": "unsubscribe me"},
            "pw",
        )
    assert settings_service.load(ctx).smtp_host == ""
    assert get_password("m", "smtp.example.com") is None
