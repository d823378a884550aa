"""The engine under ordinary load and odd input, on SQLite and PostgreSQL.

Each scenario here once broke the guarantees: many mailings at once
exhausted the connection pools and starved the scheduler, one address the
message builder could not take stalled its mailing for ever, a provider
refusing the sender turned the whole list into hard bounces.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from mailapp.models import Event, MailingState, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import journal, lifecycle, mailings, stops
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import assert_never_twice, use_server, wait_state, wait_until
from tests.support.smtp_server import TestSmtpServer


def folder_mailing(ctx: AppContext, name: str, count: int) -> int:
    add_contacts(ctx, [f"{name.lower()}.{n}@example.com" for n in range(count)], folder=name)
    return make_mailing(ctx, name=name, folders=(name,))


def timed(call: object) -> float:
    began = time.monotonic()
    call()  # type: ignore[operator]
    return time.monotonic() - began


def test_twenty_mailings_send_at_once_at_the_default_settings(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)  # SmtpConnections stays at its default, 4
    server.delay_data = 0.01
    # The last one is big enough to be stopped half-way.
    ids = [folder_mailing(ctx, f"Group{n}", 15) for n in range(19)]
    ids.append(folder_mailing(ctx, "Big", 300))
    for mailing_id in ids:
        lifecycle.start(ctx, mailing_id)
    wait_until(lambda: mailings.get(ctx, ids[-1]).handed_over >= 5, 30, "all to be sending")

    # While all of them send, a user's commands answer at once.
    assert timed(lambda: mailings.list_all(ctx)) < 1.0
    assert timed(lambda: stops.stop(ctx, ids[-1])) < 1.0

    for mailing_id in ids[:-1]:
        info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=90)
        assert info.responses[Response.SENT.value] == 15
    stopped = wait_state(ctx, ids[-1], [MailingState.STOPPED], timeout=30)
    assert stopped.responses[Response.STOPPED_MANUALLY.value] > 0
    assert (
        stopped.responses[Response.SENT.value] + stopped.responses[Response.STOPPED_MANUALLY.value]
        == 300
    )
    assert_never_twice(server)
    assert server.connection_count <= 4 * 3, "a fixed set of lanes, not connections per mailing"


def test_one_mailing_over_many_connections(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="24")
    server.delay_data = 0.01
    mailing_id = folder_mailing(ctx, "Many", 200)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 200
    assert_never_twice(server)


def test_a_small_mailing_is_not_starved_by_a_big_one(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    server.delay_data = 0.01
    big = folder_mailing(ctx, "Big", 600)
    small = folder_mailing(ctx, "Small", 6)
    lifecycle.start(ctx, big)
    wait_until(lambda: server.accept_count >= 20, 20, "the big mailing to send")
    lifecycle.start(ctx, small)
    wait_state(ctx, small, [MailingState.COMPLETED], timeout=20)
    # Round-robin between the two: the big one is far from done.
    assert mailings.get(ctx, big).responses[Response.PLANNED.value] > 200
    stops.stop(ctx, big)
    wait_state(ctx, big, [MailingState.STOPPED], timeout=30)
    assert_never_twice(server)


ODD_ADDRESSES = ["jöhn@example.com", "anna@example.com", "zoë@bücher.example"]


def test_international_addresses_go_out_over_smtputf8(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    add_contacts(ctx, ODD_ADDRESSES)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=20)
    assert info.responses[Response.SENT.value] == 3
    delivered = {a for m in server.accepted for a in m.recipients}
    assert delivered == {"jöhn@example.com", "anna@example.com", "zoë@xn--bcher-kva.example"}
    assert_never_twice(server)


def test_an_address_the_provider_cannot_take_ends_one_recipient(
    ctx: AppContext, engine: MailEngine
) -> None:
    """A non-ASCII local part over a server without SMTPUTF8 is that
    recipient's problem: cancelled with the reason, the others are sent."""
    with TestSmtpServer(smtputf8=False) as server:
        use_server(ctx, server)
        _send_odd_addresses(ctx, server)


def _send_odd_addresses(ctx: AppContext, server: TestSmtpServer) -> None:
    add_contacts(ctx, ODD_ADDRESSES)
    add_contacts(ctx, ["petra@bücher.example"])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=20)

    assert info.responses[Response.SENT.value] == 2
    assert info.responses[Response.CANCELLED_INVALID_EMAIL.value] == 2
    cancelled = [
        r for r in mailings.recipients(ctx, mailing_id) if r.response.value.startswith("cancelled")
    ]
    assert {r.email for r in cancelled} == {"jöhn@example.com", "zoë@bücher.example"}
    assert all("SMTPUTF8" in (r.last_error or "") for r in cancelled)
    # The IDN domain went out as punycode.
    delivered = {a for m in server.accepted for a in m.recipients}
    assert delivered == {"anna@example.com", "petra@xn--bcher-kva.example"}


def test_a_setting_that_breaks_every_message_puts_the_mailing_in_error(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    """A bad unsubscribe link (stored before the setting was checked) is
    the same for every message: the mailing goes to ``error`` with the
    cause in the log, and nothing is re-dispatched in a loop."""
    use_server(ctx, server)
    with ctx.db.write() as session:
        session.execute(
            text("DELETE FROM settings WHERE code = 'UnsubscribeUrl'"),
        )
        session.execute(
            text("INSERT INTO settings (code, value) VALUES ('UnsubscribeUrl', 'unsubscribe me')")
        )
    add_contacts(ctx, [f"p{n}@example.com" for n in range(5)])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR], timeout=20)

    assert "unsubscribe" in (info.last_error or "").lower()
    assert info.responses[Response.PLANNED.value] == 5
    errors = [e for e in journal.entries(ctx, mailing_id) if e.event is Event.MAILING_ERROR]
    assert len(errors) == 1
    assert server.received == []


def test_a_provider_refusing_the_sender_is_a_provider_error(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    """A 5xx to MAIL FROM says nothing about the recipients: it counts
    towards MaxSendErrors, the mailing goes to ``error`` and every
    recipient is still there to send once the provider is fixed."""
    use_server(ctx, server, MaxSendErrors="5", SmtpConnections="2")
    server.fail_first_n(553, 10_000, phase="mail")
    add_contacts(ctx, [f"p{n}@example.com" for n in range(40)])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR], timeout=30)

    assert info.responses[Response.HARD_BOUNCE.value] == 0
    assert info.responses[Response.PLANNED.value] == 40
    assert "553" in (info.last_error or "")

    server.fail_first_n(553, 0, phase="mail")
    lifecycle.start(ctx, mailing_id)  # resume after the provider recovered
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=30)
    assert info.responses[Response.SENT.value] == 40
    assert_never_twice(server)
