"""The SMTP client against a real server on loopback, one test per outcome."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.delivery.message import build_message, make_message_id
from mailapp.delivery.smtp import (
    AuthenticationFailed,
    Outcome,
    Phase,
    ProviderUnavailable,
    SmtpConfig,
    SmtpConnection,
)
from tests.support.smtp_server import TestSmtpServer, make_self_signed_cert, server_tls_context

SENDER = "news@example.com"
TO = "anna@example.org"


def message(subject: str = "Hello") -> tuple[str, bytes]:
    mid = make_message_id("example.com")
    data = build_message(
        sender_name="News",
        sender_email=SENDER,
        to=TO,
        subject=subject,
        html="<p>Hi</p>\n<p>.a line starting with a dot</p>",
        text="Hi\n.a line starting with a dot\n",
        message_id=mid,
        unsubscribe_url="https://example.com/u/1",
        mailing_id=1,
    )
    return mid, data


def config_for(server: TestSmtpServer, **kwargs: object) -> SmtpConfig:
    options: dict[str, object] = {"security": "none", "timeout": 5.0}
    options.update(kwargs)
    return SmtpConfig(server.host, server.port, **options)  # type: ignore[arg-type]


@pytest.fixture(params=[True, False], ids=["pipelining", "in-turn"])
def server(request: pytest.FixtureRequest) -> Iterator[TestSmtpServer]:
    """Every test against a server that offers PIPELINING and one that does not."""
    with TestSmtpServer(pipelining=request.param) as smtp:
        yield smtp


@pytest.fixture
def conn(server: TestSmtpServer) -> Iterator[SmtpConnection]:
    connection = SmtpConnection(config_for(server))
    connection.open()
    yield connection
    connection.close()


def test_accepted_and_the_connection_is_reused(
    server: TestSmtpServer, conn: SmtpConnection
) -> None:
    first_id, first = message()
    second_id, second = message()

    r1 = conn.send(SENDER, TO, first)
    r2 = conn.send(SENDER, TO, second)

    assert (r1.outcome, r1.code, r1.phase) == (Outcome.ACCEPTED, 250, Phase.END_OF_DATA)
    assert r2.outcome is Outcome.ACCEPTED
    assert r1.may_have_been_delivered
    assert server.message_ids() == [first_id, second_id]
    assert server.connection_count == 1
    received = server.accepted[0]
    assert received.recipients == (TO,)
    assert received.sender == SENDER
    assert received.data == first  # dot-stuffing undone by the server: same bytes


def test_421_closes_then_a_new_connection_succeeds(server: TestSmtpServer) -> None:
    server.fail_first_n(421, 1)
    conn = SmtpConnection(config_for(server))
    conn.open()
    try:
        result = conn.send(SENDER, TO, message()[1])
        assert (result.outcome, result.code, result.phase) == (Outcome.TEMPORARY, 421, Phase.MAIL)
        assert not conn.is_open

        conn.open()
        assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    finally:
        conn.close()
    assert server.accept_count == 1
    assert server.connection_count == 2


@pytest.mark.parametrize(
    ("phase", "expected_phase"),
    [
        ("mail", Phase.MAIL),
        ("rcpt", Phase.RCPT),
        ("data", Phase.DATA),
        ("end_of_data", Phase.END_OF_DATA),
    ],
)
def test_451_is_temporary_and_the_connection_stays_usable(
    server: TestSmtpServer, conn: SmtpConnection, phase: str, expected_phase: Phase
) -> None:
    server.fail_first_n(451, 1, phase=phase)

    result = conn.send(SENDER, TO, message()[1])

    assert (result.outcome, result.code, result.phase) == (Outcome.TEMPORARY, 451, expected_phase)
    assert not result.may_have_been_delivered
    assert conn.is_open
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    assert server.accept_count == 1
    assert server.duplicates() == []


def test_550_recipient_is_a_permanent_failure(server: TestSmtpServer, conn: SmtpConnection) -> None:
    server.reject_rcpt("nobody@example.org")

    result = conn.send(SENDER, "Nobody@example.org", message()[1])

    assert (result.outcome, result.code, result.phase) == (Outcome.PERMANENT, 550, Phase.RCPT)
    assert "Mailbox unavailable" in result.text
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED


def test_drop_after_dot_is_unconfirmed(server: TestSmtpServer, conn: SmtpConnection) -> None:
    server.drop_after_dot = True
    mid, data = message()

    result = conn.send(SENDER, TO, data)

    assert (result.outcome, result.phase) == (Outcome.UNCONFIRMED, Phase.END_OF_DATA)
    assert result.may_have_been_delivered
    assert not conn.is_open
    assert server.dropped_count == 1
    assert server.received[0].message_id == mid


def test_stall_after_dot_is_unconfirmed_after_the_timeout(server: TestSmtpServer) -> None:
    server.stall_after_dot = True
    conn = SmtpConnection(config_for(server, timeout=0.5))
    conn.open()
    try:
        result = conn.send(SENDER, TO, message()[1])
    finally:
        conn.close()
    assert (result.outcome, result.phase) == (Outcome.UNCONFIRMED, Phase.END_OF_DATA)
    assert "no answer within 0.5 s" in result.text
    assert server.stalled_count == 1


def test_connection_lost_before_the_dot_is_not_sent(server: TestSmtpServer) -> None:
    conn = SmtpConnection(config_for(server))
    conn.open()
    server.drop_at_data = True

    result = conn.send(SENDER, TO, message()[1])

    assert result.outcome is Outcome.NOT_SENT
    assert result.phase is Phase.DATA
    assert not result.may_have_been_delivered
    assert not conn.is_open
    assert server.received == []
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.NOT_SENT


def test_the_envelope_goes_in_one_write_when_the_server_offers_pipelining(
    server: TestSmtpServer, conn: SmtpConnection
) -> None:
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED

    assert server.accept_count == 2
    assert server.pipelined_count == (2 if server.pipelining else 0)


@pytest.mark.parametrize(("phase", "expected_phase"), [("mail", Phase.MAIL), ("rcpt", Phase.RCPT)])
def test_a_refusal_before_data_is_the_result_and_nothing_is_sent(
    server: TestSmtpServer, conn: SmtpConnection, phase: str, expected_phase: Phase
) -> None:
    """Pipelined, DATA is already on its way when MAIL or RCPT is refused:
    the first refusal is the result, and the transaction is reset."""
    server.fail_first_n(554, 1, phase=phase)

    result = conn.send(SENDER, TO, message()[1])

    assert (result.outcome, result.code, result.phase) == (Outcome.PERMANENT, 554, expected_phase)
    assert conn.is_open
    assert server.received == []
    assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED


@pytest.mark.parametrize("phase", ["mail", "rcpt", "data"])
def test_421_before_the_message_closes_the_connection(
    server: TestSmtpServer, conn: SmtpConnection, phase: str
) -> None:
    server.fail_first_n(421, 1, phase=phase)

    result = conn.send(SENDER, TO, message()[1])

    assert (result.outcome, result.code) == (Outcome.TEMPORARY, 421)
    assert result.phase is Phase(phase)
    assert not conn.is_open
    assert server.received == []


def test_data_accepted_after_a_refused_recipient_sends_no_message(
    server: TestSmtpServer, conn: SmtpConnection
) -> None:
    """Some servers answer 354 to a pipelined DATA although the RCPT before
    it was refused; the client then must not send the message."""
    server.reject_rcpt(TO)
    server.data_without_recipients = True

    result = conn.send(SENDER, TO, message()[1])

    assert (result.outcome, result.code, result.phase) == (Outcome.PERMANENT, 550, Phase.RCPT)
    assert server.received == []


def test_is_alive(server: TestSmtpServer, conn: SmtpConnection) -> None:
    assert conn.is_alive()
    server.stop()
    assert not conn.is_alive()
    assert not conn.is_open


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_connection_refused_is_provider_unavailable() -> None:
    port = free_port()
    conn = SmtpConnection(SmtpConfig("127.0.0.1", port, security="none", timeout=5))

    with pytest.raises(ProviderUnavailable) as info:
        conn.open()

    assert str(info.value) == f"Cannot connect to 127.0.0.1:{port}: connection refused"
    assert not conn.is_open


def test_a_server_that_never_greets_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        conn = SmtpConnection(SmtpConfig("127.0.0.1", port, security="none", timeout=0.3))
        with pytest.raises(ProviderUnavailable, match=r"no answer within 0.3 s"):
            conn.open()


def test_login(server: TestSmtpServer) -> None:
    server.require_auth("user", "s3cret")
    conn = SmtpConnection(config_for(server, user="user", password="s3cret"))
    conn.open()
    try:
        assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    finally:
        conn.close()


def test_wrong_password_is_authentication_failed(server: TestSmtpServer) -> None:
    server.require_auth("user", "s3cret")
    conn = SmtpConnection(config_for(server, user="user", password="wrong"))

    with pytest.raises(AuthenticationFailed) as info:
        conn.open()

    assert "refused the user name or password for user at 127.0.0.1" in str(info.value)
    assert "535" in str(info.value)
    assert server.auth_failures >= 1  # smtplib tries PLAIN, then LOGIN
    assert not conn.is_open


def test_missing_password_is_authentication_failed(server: TestSmtpServer) -> None:
    conn = SmtpConnection(config_for(server, user="user", password=None))
    with pytest.raises(AuthenticationFailed, match="No SMTP password is saved"):
        conn.open()


def test_without_login_the_server_refuses_mail(
    server: TestSmtpServer, conn: SmtpConnection
) -> None:
    server.require_auth("user", "s3cret")
    result = conn.send(SENDER, TO, message()[1])
    assert (result.outcome, result.code) == (Outcome.PERMANENT, 530)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[TestSmtpServer, Path]]:
    cert, key = make_self_signed_cert(tmp_path)
    with TestSmtpServer(tls_context=server_tls_context(cert, key)) as srv:
        yield srv, cert


def test_starttls_refuses_an_unverifiable_certificate(
    tls_server: tuple[TestSmtpServer, Path],
) -> None:
    server, _ = tls_server
    conn = SmtpConnection(config_for(server, security="starttls"))

    with pytest.raises(ProviderUnavailable) as info:
        conn.open()

    text = str(info.value)
    assert text.startswith(f"Cannot connect to 127.0.0.1:{server.port}: the server's certificate")
    assert "self-signed" in text or "self signed" in text


def test_starttls_without_verification(tls_server: tuple[TestSmtpServer, Path]) -> None:
    server, _ = tls_server
    conn = SmtpConnection(config_for(server, security="starttls", verify=False))
    conn.open()
    try:
        assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    finally:
        conn.close()


def test_starttls_verifies_against_a_trusted_ca(tls_server: tuple[TestSmtpServer, Path]) -> None:
    server, cert = tls_server
    server.require_auth("user", "s3cret")
    conn = SmtpConnection(
        config_for(server, security="starttls", cafile=str(cert), user="user", password="s3cret")
    )
    conn.open()
    try:
        assert conn.send(SENDER, TO, message()[1]).outcome is Outcome.ACCEPTED
    finally:
        conn.close()


def test_starttls_required_but_not_offered(server: TestSmtpServer) -> None:
    conn = SmtpConnection(config_for(server, security="starttls"))
    with pytest.raises(ProviderUnavailable, match="does not offer STARTTLS"):
        conn.open()


def test_implicit_tls(tmp_path: Path) -> None:
    cert, key = make_self_signed_cert(tmp_path)
    with TestSmtpServer(tls_context=server_tls_context(cert, key), implicit_tls=True) as server:
        conn = SmtpConnection(config_for(server, security="tls", cafile=str(cert)))
        conn.open()
        try:
            assert conn.send(SENDER, TO, message("Привет")[1]).outcome is Outcome.ACCEPTED
        finally:
            conn.close()
        plain = SmtpConnection(config_for(server, security="tls"))
        with pytest.raises(ProviderUnavailable, match="certificate"):
            plain.open()


def test_password_is_not_in_the_repr() -> None:
    assert "hunter2" not in repr(SmtpConfig("h", 25, password="hunter2"))
