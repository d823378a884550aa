"""The one-click unsubscribe endpoint, driven by a real HTTP client.

The mailing is sent by the real engine to a real SMTP server on loopback;
the links are taken from the messages the server received, and the
endpoint is the worker's aiohttp listener on a loopback port.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from mailapp.models import Contact, Event, MailingState, Recipient, Response
from mailapp.scheduler import listener as listener_module
from mailapp.scheduler.engine import MailEngine
from mailapp.scheduler.listener import ListenError, UnsubscribeListener
from mailapp.services import journal, lifecycle, mailings, unsubscribe
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer

ONE_CLICK = "List-Unsubscribe=One-Click"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def sent(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> dict[str, str]:
    """A completed mailing to three contacts; each address → its link's path."""
    use_server(ctx, server, UnsubscribeUrl="https://news.shop.example.com/u/{token}")
    add_contacts(ctx, ["anna@example.com", "boris@example.com", "clara@example.com"])
    mailing_id = make_mailing(ctx, html='<p>Hi <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>')
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    links = {}
    for message in server.accepted:
        text = message.data.decode()
        header = re.search(r"^List-Unsubscribe: <([^>]+)>", text, re.M)
        assert header is not None
        # The template's link is the header's link.
        assert f'href="{header.group(1)}"' in text.replace("=\r\n", "").replace("3D", "")
        (address,) = message.recipients
        links[address] = urlsplit(header.group(1)).path
    return links


@pytest.fixture
def endpoint(ctx: AppContext) -> Iterator[tuple[str, int]]:
    listener = UnsubscribeListener(ctx, "127.0.0.1", 0)
    address = listener.start()
    yield address
    listener.stop()


def request(
    address: tuple[str, int],
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def picture(ctx: AppContext) -> tuple[object, ...]:
    with ctx.db.read() as session:
        contacts = session.execute(select(Contact.email, Contact.unsubscribed)).all()
        recipients = session.execute(select(Recipient.email, Recipient.response)).all()
    return tuple(sorted(contacts)), tuple(sorted(recipients)), len(journal.entries(ctx))


def test_one_click_post_unsubscribes_the_contact_once(
    ctx: AppContext, sent: dict[str, str], endpoint: tuple[str, int]
) -> None:
    status, text = request(endpoint, "POST", sent["anna@example.com"], ONE_CLICK, FORM)
    assert status == 200 and "anna@example.com is unsubscribed" in text

    with ctx.db.read() as session:
        flags = dict(session.execute(select(Contact.email, Contact.unsubscribed)).all())
    assert flags == {
        "anna@example.com": True,
        "boris@example.com": False,
        "clara@example.com": False,
    }
    (mailing,) = mailings.list_all(ctx)
    assert mailing.responses[Response.UNSUBSCRIBED.value] == 1
    assert mailing.responses[Response.SENT.value] == 2
    events = [e for e in journal.entries(ctx) if e.event is Event.CONTACT_UNSUBSCRIBED]
    assert [(e.mailing_id, e.params["email"]) for e in events] == [(mailing.id, "anna@example.com")]

    # Pressed again (or the provider retries): nothing more changes.
    before = picture(ctx)
    status, text = request(endpoint, "POST", sent["anna@example.com"], ONE_CLICK, FORM)
    assert status == 200 and "already unsubscribed" in text
    assert picture(ctx) == before


def test_a_get_shows_a_button_and_changes_nothing(
    ctx: AppContext, sent: dict[str, str], endpoint: tuple[str, int]
) -> None:
    before = picture(ctx)
    status, text = request(endpoint, "GET", sent["boris@example.com"])
    assert status == 200
    assert '<form method="post">' in text and 'name="List-Unsubscribe" value="One-Click"' in text
    assert "boris@example.com" in text and "Autumn news" in text
    assert request(endpoint, "HEAD", sent["boris@example.com"])[0] == 200
    assert picture(ctx) == before


def test_the_page_speaks_the_recipients_language(
    ctx: AppContext, sent: dict[str, str], endpoint: tuple[str, int]
) -> None:
    ru = {"Accept-Language": "de-DE, ru;q=0.8, en;q=0.5"}
    assert (
        "Больше не присылать письма на"
        in request(endpoint, "GET", sent["clara@example.com"], headers=ru)[1]
    )
    with ctx.db.write() as session:
        session.execute(
            update(Contact)
            .where(Contact.email == "boris@example.com")
            .values(fields={"language": "ru"})
        )
    status, text = request(endpoint, "POST", sent["boris@example.com"], ONE_CLICK, FORM)
    assert status == 200 and "Адрес boris@example.com отписан" in text
    status, text = request(
        endpoint, "GET", sent["anna@example.com"], headers={"Accept-Language": "en"}
    )
    assert "Stop sending emails to anna@example.com?" in text


def test_forged_expired_and_foreign_tokens_change_nothing(
    ctx: AppContext, sent: dict[str, str], endpoint: tuple[str, int]
) -> None:
    path = sent["anna@example.com"]
    token = path.rsplit("/", 1)[1]
    middle = len(path) - 20
    forged = path[:middle] + ("a" if path[middle] != "a" else "b") + path[middle + 1 :]
    keys = unsubscribe.tokens(ctx)
    recipient_id = keys.read(token).recipient_id
    old = ctx.db.now() - timedelta(days=unsubscribe.TOKEN_DAYS + 1)
    expired = f"/u/{keys.make(recipient_id, old)}"
    nobody = f"/u/{keys.make(recipient_id + 1000, ctx.db.now())}"
    before = picture(ctx)
    for bad, says in (
        (forged, "not valid"),
        ("/u/1", "not valid"),
        (expired, "expired"),
        (nobody, "belongs to no subscription"),
    ):
        for method in ("GET", "POST"):
            status, text = request(endpoint, method, bad, ONE_CLICK, FORM)
            assert status == 404, (bad, method)
            assert says in text
    assert request(endpoint, "GET", "/u/")[0] == 404
    assert request(endpoint, "GET", "/admin")[0] == 404
    assert request(endpoint, "PUT", path, ONE_CLICK, FORM)[0] == 405
    assert picture(ctx) == before


def test_a_post_without_the_one_click_field_changes_nothing(
    ctx: AppContext, sent: dict[str, str], endpoint: tuple[str, int]
) -> None:
    before = picture(ctx)
    path = sent["anna@example.com"]
    assert request(endpoint, "POST", path)[0] == 400
    assert request(endpoint, "POST", path, "List-Unsubscribe=Yes", FORM)[0] == 400
    assert request(endpoint, "POST", path, ONE_CLICK, {"Content-Type": "text/plain"})[0] == 400
    big = ONE_CLICK + "&x=" + "y" * 10_000
    assert request(endpoint, "POST", path, big, FORM)[0] == 413
    assert picture(ctx) == before
    # multipart/form-data is what some providers send: it counts.
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        f"One-Click\r\n--{boundary}--\r\n"
    )
    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    assert request(endpoint, "POST", path, body, multipart)[0] == 200


def _raw(address: tuple[str, int], data: bytes) -> socket.socket:
    sock = socket.create_connection(address, timeout=10)
    sock.sendall(data)
    return sock


def test_slow_clients_hold_up_nobody(
    ctx: AppContext,
    sent: dict[str, str],
    endpoint: tuple[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(listener_module, "BODY_SECONDS", 1.0)
    path = sent["anna@example.com"]
    # Ten clients that stop in the middle of their headers, and one that
    # announces a body and never sends it.
    stalled = [_raw(endpoint, f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode()) for _ in range(10)]
    no_body = _raw(
        endpoint,
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        "\r\nContent-Length: 26\r\n\r\nList-Unsub".encode(),
    )
    try:
        started = time.monotonic()
        assert request(endpoint, "GET", sent["boris@example.com"])[0] == 200
        assert request(endpoint, "POST", sent["clara@example.com"], ONE_CLICK, FORM)[0] == 200
        assert time.monotonic() - started < 1.0
        answer = no_body.recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        for sock in [*stalled, no_body]:
            sock.close()
    with ctx.db.read() as session:
        anna = session.scalar(
            select(Contact.unsubscribed).where(Contact.email == "anna@example.com")
        )
    assert anna is False


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(40) + b"\r\n\r\n",  # TLS hello
        b"GET /u/x HTTP/9.9\r\n\r\n",
        b"GET\r\n\r\n",
        b"POST /u/x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"GET /u/x HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 20_000 + b"\r\n\r\n",
        b"GET /u/x HTTP/1.1\r\nBad Header Line\r\n\r\n",
    ],
)
def test_malformed_requests_get_400_and_the_server_goes_on(
    ctx: AppContext, endpoint: tuple[str, int], garbage: bytes
) -> None:
    sock = _raw(endpoint, garbage)
    try:
        answer = sock.recv(200)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.") and b" 4" in answer[:13], answer
    assert request(endpoint, "GET", "/u/nothing")[0] == 404


def test_the_listener_stops_cleanly_and_refuses_a_taken_port(ctx: AppContext) -> None:
    first = UnsubscribeListener(ctx, "127.0.0.1", 0)
    address = first.start()
    second = UnsubscribeListener(ctx, *address)
    with pytest.raises(ListenError, match=r"Cannot listen on 127\.0\.0\.1"):
        second.start()
    first.stop()
    assert not first._thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2).close()
