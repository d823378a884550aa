"""International addresses over a real SMTP conversation on loopback.

What :func:`envelope_address` and ``build_message(smtputf8=...)`` produce is
what a server that offers SMTPUTF8 (RFC 6531) takes, and an IDN domain alone
needs no SMTPUTF8 at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailapp.delivery.addresses import EnvelopeAddress, envelope_address
from mailapp.delivery.message import build_message, make_message_id
from mailapp.delivery.sandbox import BoundController, bind_loopback
from mailapp.delivery.smtp import Outcome, SmtpConfig, SmtpConnection


class _Recorder:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], list[str], bytes]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(
            (
                str(envelope.mail_from),
                list(envelope.mail_options),
                list(envelope.rcpt_tos),
                bytes(envelope.original_content or b""),
            )
        )
        return "250 OK"


@pytest.fixture(params=[True, False], ids=["smtputf8", "no-smtputf8"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[_Recorder, SmtpConnection, bool]]:
    recorder = _Recorder()
    sock = bind_loopback()
    controller = BoundController(
        recorder, sock, enable_SMTPUTF8=request.param, server_hostname="test-smtp"
    )
    controller.start()
    host, port = sock.getsockname()[:2]
    connection = SmtpConnection(SmtpConfig(host, port, security="none", timeout=5.0))
    connection.open()
    try:
        yield recorder, connection, request.param
    finally:
        connection.close()
        controller.stop()


def _message(to: str, **kwargs: Any) -> bytes:
    return build_message(
        sender_name="Магазин",
        sender_email="news@bücher.example",
        to=to,
        subject="Скидки",
        html="<p>Привет</p>",
        text="Привет\n",
        message_id=make_message_id("bücher.example"),
        unsubscribe_url="",
        mailing_id=1,
        **kwargs,
    )


def test_an_idn_domain_goes_to_any_server(server: tuple[_Recorder, SmtpConnection, bool]) -> None:
    recorder, connection, _ = server
    sender = envelope_address("news@bücher.example")
    recipient = envelope_address("anna@пример.рф")
    assert not sender.needs_smtputf8 and not recipient.needs_smtputf8
    data = _message(recipient.address)
    result = connection.send(sender.address, recipient.address, data)
    assert result.outcome is Outcome.ACCEPTED, result
    [(mail_from, options, rcpt_tos, content)] = recorder.received
    assert mail_from == "news@xn--bcher-kva.example"
    assert "SMTPUTF8" not in options
    assert rcpt_tos == ["anna@xn--e1afmkfd.xn--p1ai"]
    msg = message_from_bytes(content, policy=policy.default)
    assert msg["To"] == "anna@xn--e1afmkfd.xn--p1ai"


def test_a_non_ascii_local_part_goes_over_smtputf8(
    server: tuple[_Recorder, SmtpConnection, bool],
) -> None:
    recorder, connection, offers_smtputf8 = server
    sender = envelope_address("news@bücher.example")
    recipient = envelope_address("jöhn@bücher.example")
    assert recipient == EnvelopeAddress("jöhn@xn--bcher-kva.example", True)
    data = _message(recipient.address, smtputf8=recipient.needs_smtputf8)
    result = connection.send(sender.address, recipient.address, data)
    if not offers_smtputf8:
        assert result.outcome is Outcome.PERMANENT
        assert "international" in result.text
        assert recorder.received == []
        return
    assert result.outcome is Outcome.ACCEPTED, result
    [(_, options, rcpt_tos, content)] = recorder.received
    assert "SMTPUTF8" in options
    assert rcpt_tos == ["jöhn@xn--bcher-kva.example"]
    assert b"\r\nTo: j\xc3\xb6hn@xn--bcher-kva.example\r\n" in content
    msg = message_from_bytes(content, policy=policy.SMTPUTF8)
    assert msg.get_body(("plain",)).get_content().strip() == "Привет"  # type: ignore[union-attr]
