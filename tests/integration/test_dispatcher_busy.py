"""``Dispatcher.busy``: true while any message is in a lane's hands.

Whoever waits for the dispatcher to be done (a worker about to exit, a test
about to compare the server with the database) must not be told it is
idle while a lane still waits for the provider. The ring of mailings alone
does not say so: it empties once one lane finds nothing left to claim, and
after a peer has released a lane's claims no row says so either.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.smtp import SmtpConfig
from mailapp.models import Recipient, Response
from mailapp.scheduler import leases
from mailapp.scheduler.dispatch import Dispatcher
from mailapp.services import lifecycle
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import holds_within
from tests.support.smtp_server import TestSmtpServer


@pytest.fixture
def dispatcher(tmp_path: Path, server: TestSmtpServer) -> Iterator[Dispatcher]:
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    settings_service.set_many(ctx, {"MandrillMailingDelayInSeconds": "0", "SmtpConnections": "2"})
    host, port = server.address
    dispatcher = Dispatcher(ctx, leases.new_process_id(), threading.Event(), RateLimiter(0))
    dispatcher.configure(
        settings_service.load(ctx),
        SmtpConfig(host=host, port=port, security="none", user="", password=""),
    )
    dispatcher.start()
    try:
        yield dispatcher
    finally:
        server.release_stalled()
        dispatcher.stop()
        ctx.db.dispose()


def _one_recipient_sending(dispatcher: Dispatcher, server: TestSmtpServer) -> int:
    """A one-recipient mailing whose message waits at the server for its
    250; returns the recipient's id."""
    ctx = dispatcher.ctx
    add_contacts(ctx, ["only@example.com"], "One")
    mailing_id = make_mailing(ctx, folders=("One",))
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    server.stall_after_dot = True
    dispatcher.offer([mailing_id])
    assert server.wait_for(1, 10), "the message did not reach the server"
    with ctx.db.read() as session:
        return session.scalars(select(Recipient.id)).one()


def test_busy_while_a_message_waits_for_its_answer(
    dispatcher: Dispatcher, server: TestSmtpServer
) -> None:
    _one_recipient_sending(dispatcher, server)
    # The other lane finds nothing to claim and takes the mailing out of the
    # ring at once; the dispatcher is still busy.
    assert not holds_within(lambda: not dispatcher.busy, 1.0)
    server.release_stalled()
    assert holds_within(lambda: not dispatcher.busy, 10)


def test_busy_until_a_released_lanes_late_250_is_recorded(
    dispatcher: Dispatcher, server: TestSmtpServer
) -> None:
    """A peer judges the lane dead mid-transaction and settles its claim:
    no row is ``sending`` any more, yet the lane's 250 is still to come."""
    ctx = dispatcher.ctx
    recipient_id = _one_recipient_sending(dispatcher, server)
    with ctx.db.read() as session:
        lease = session.scalars(select(Recipient.claimed_by)).one()
    leases.release(ctx, [str(lease)])
    assert not holds_within(lambda: not dispatcher.busy, 0.5)

    server.release_stalled()
    assert holds_within(lambda: not dispatcher.busy, 10)
    # Once it is not busy, the database has the lane's last word.
    with ctx.db.read() as session:
        assert session.get(Recipient, recipient_id).response == Response.SENT.value
