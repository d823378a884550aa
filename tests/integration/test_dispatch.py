"""Sending over real SMTP on loopback: the guarantees, one scenario each."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from mailapp.models import Event, MailingState, Recipient, Refused, Response
from mailapp.models.states import StopAction
from mailapp.scheduler.engine import MailEngine
from mailapp.services import journal, lifecycle, mailings, stops
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, bulk_contacts, make_mailing
from tests.support.engine import (
    assert_never_twice,
    final_responses,
    use_server,
    wait_state,
    wait_until,
)
from tests.support.smtp_server import TestSmtpServer


def recipients(ctx: AppContext, mailing_id: int) -> list[mailings.RecipientInfo]:
    return mailings.recipients(ctx, mailing_id)


def test_sends_every_recipient_once_and_completes(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="3")
    bulk_contacts(ctx, 60)
    add_contacts(ctx, ["bad@@example"])
    mailing_id = make_mailing(ctx)

    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])

    assert info.responses[Response.SENT.value] == 60
    assert info.responses[Response.CANCELLED_INVALID_EMAIL.value] == 1
    assert len(server.accepted) == 60
    assert_never_twice(server)
    sent_ids = {r.message_id for r in recipients(ctx, mailing_id) if r.response is Response.SENT}
    assert sent_ids == {m.message_id for m in server.accepted}
    body = server.accepted[0].data.decode()
    assert "List-Unsubscribe" in body and "Hello First" in body
    kinds = [e.event for e in journal.entries(ctx, mailing_id)]
    assert kinds[:3] == [Event.MAILING_STARTED, Event.AUDIENCE_PREPARED, Event.SENDING_STARTED]
    assert Event.BATCH_SENT in kinds and kinds[-1] is Event.MAILING_COMPLETED
    assert info.started_at is not None and info.finished_at is not None


def test_pause_in_the_delay_window_sends_nothing(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, MandrillMailingDelayInSeconds="2")
    bulk_contacts(ctx, 10)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    assert stops.stop(ctx, mailing_id).action is StopAction.PAUSE
    time.sleep(3)
    assert server.received == []
    assert mailings.get(ctx, mailing_id).state is MailingState.PAUSED

    use_server(ctx, server)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert len(server.accepted) == 10
    assert_never_twice(server)


def test_stop_mid_send_hands_nothing_over_after_the_commit(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    connections = 2
    use_server(ctx, server, SmtpConnections=str(connections))
    server.delay_data = 0.05
    bulk_contacts(ctx, 300)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    server.wait_for(10)

    result = stops.stop(ctx, mailing_id)
    at_stop = len(server.received)

    assert result.action is StopAction.STOP
    info = wait_state(ctx, mailing_id, [MailingState.STOPPED])
    time.sleep(0.5)
    # Only the transactions already in flight may finish after the stop.
    assert len(server.received) - at_stop <= connections
    assert_never_twice(server)
    sent = info.responses[Response.SENT.value]
    assert sent == len(server.accepted)
    assert info.responses[Response.STOPPED_MANUALLY.value] == 300 - sent
    assert info.responses[Response.PLANNED.value] == info.responses[Response.SENDING.value] == 0
    kinds = [e.event for e in journal.entries(ctx, mailing_id)]
    assert Event.MAILING_STOPPING in kinds and kinds[-1] is Event.MAILING_STOPPED_MANUALLY
    with pytest.raises(Refused):
        lifecycle.start(ctx, mailing_id)


def test_temporary_failures_are_retried_then_sent(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="1")
    server.fail_first_n(451, 3, phase="rcpt")
    bulk_contacts(ctx, 5)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert info.responses[Response.SENT.value] == 5
    assert_never_twice(server)
    assert max(r.attempts for r in recipients(ctx, mailing_id)) > 1


def test_421_then_success_rides_through(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    server.fail_first_n(421, 4)
    bulk_contacts(ctx, 8)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 8
    assert_never_twice(server)


def test_temporary_failure_that_lasts_becomes_a_soft_bounce(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="1", SoftBounceRetries="2")
    server.reject_rcpt("user0@example.com", code=452)
    bulk_contacts(ctx, 3)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert info.responses[Response.SOFT_BOUNCE.value] == 1
    assert info.responses[Response.SENT.value] == 2


def test_permanent_failure_is_a_hard_bounce(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    server.reject_rcpt("user1@example.com", code=550)
    bulk_contacts(ctx, 4)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert info.responses[Response.HARD_BOUNCE.value] == 1
    assert info.responses[Response.SENT.value] == 3
    bounced = [r for r in recipients(ctx, mailing_id) if r.response is Response.HARD_BOUNCE]
    assert bounced[0].email == "user1@example.com" and "550" in (bounced[0].last_error or "")


def test_connection_dropped_after_the_dot_is_unconfirmed_never_resent(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="1")
    server.drop_after_dot = True
    bulk_contacts(ctx, 1)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert info.responses[Response.UNCONFIRMED.value] == 1
    time.sleep(0.5)
    assert len(server.received) == 1


def test_authentication_refused_puts_the_mailing_in_error(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    import keyring

    server.require_auth("marketing", "right")
    use_server(ctx, server, SmtpUser="marketing")
    keyring.set_password("mailapp", f"marketing@{server.address[0]}", "wrong")
    bulk_contacts(ctx, 3)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR])
    assert info.last_error
    assert info.responses[Response.PLANNED.value] == 3
    kinds = [e.event for e in journal.entries(ctx, mailing_id)]
    assert Event.PROVIDER_ERROR in kinds and kinds[-1] is Event.MAILING_ERROR
    assert server.accepted == []


def test_nothing_listening_ends_in_error_after_max_errors(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, MaxSendErrors="3", SmtpConnections="1")
    server.stop()
    bulk_contacts(ctx, 2)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR], timeout=40)
    assert "connect" in (info.last_error or "").lower()
    assert info.responses[Response.PLANNED.value] == 2


def test_a_template_error_for_one_contact_cancels_only_that_one(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    add_contacts(ctx, ["a@example.com", "bb@example.com", "ccc@example.com"])
    # Divides by zero for the 14-character address only.
    mailing_id = make_mailing(ctx, html="<p>{{ 10 // (contact.email|length - 14) }}</p>")
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert info.responses[Response.CANCELLED_TEMPLATE_ERROR.value] == 1
    assert info.responses[Response.SENT.value] == 2
    cancelled = [r for r in recipients(ctx, mailing_id) if r.response.is_cancelled]
    assert cancelled[0].email == "bb@example.com"
    assert "division" in (cancelled[0].last_error or "").lower()


def test_two_engines_on_one_database_never_send_twice(
    ctx: AppContext, server: TestSmtpServer, db_url: str
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    server.delay_data = 0.01
    bulk_contacts(ctx, 200)
    mailing_id = make_mailing(ctx)
    other_ctx = AppContext.open(db_url)
    engines = [MailEngine(ctx, tick_seconds=0.2), MailEngine(other_ctx, tick_seconds=0.2)]
    for e in engines:
        e.start()
    try:
        lifecycle.start(ctx, mailing_id)
        info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    finally:
        for e in engines:
            e.stop()
        other_ctx.db.dispose()
    assert info.responses[Response.SENT.value] == 200
    assert len(server.accepted) == 200
    assert_never_twice(server)
    with ctx.db.read() as session:
        claimers = set(session.scalars(select(Recipient.claimed_by).distinct()))
    assert len(claimers - {None}) >= 1


def test_expiry_during_sending(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> None:
    from datetime import timedelta

    from mailapp.models.base import utcnow

    use_server(ctx, server, SmtpConnections="1")
    server.delay_data = 0.05
    bulk_contacts(ctx, 100)
    mailing_id = make_mailing(ctx)
    info = mailings.get(ctx, mailing_id)
    mailings.update(
        ctx,
        mailing_id,
        mailings.MailingInput(
            name=info.name,
            subject=info.subject,
            sender_email=info.sender_email,
            html=info.html,
            folders=info.folders,
            expires_at=utcnow() + timedelta(seconds=2),
        ),
    )
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.EXPIRED], timeout=20)
    # The lane gives back its claims as soon as its next begin is refused,
    # which may be before the tick has finished the expiry's rows.
    wait_until(lambda: final_responses(mailings.get(ctx, mailing_id)))
    info = mailings.get(ctx, mailing_id)
    assert info.responses[Response.STOPPED_EXPIRED.value] > 0
    assert info.responses[Response.SENT.value] == len(server.accepted)
    assert info.responses[Response.PLANNED.value] == 0


def test_the_send_rate_holds_across_mailings(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SendRatePerSecond="10", SmtpConnections="4")
    bulk_contacts(ctx, 12)
    first = make_mailing(ctx, name="First")
    second = make_mailing(ctx, name="Second")
    lifecycle.start(ctx, first)
    lifecycle.start(ctx, second)
    wait_state(ctx, first, [MailingState.COMPLETED])
    wait_state(ctx, second, [MailingState.COMPLETED])
    times = sorted(m.received_at for m in server.accepted)
    assert len(times) == 24
    # 24 messages at 10 a second start 2.3 s apart at least; allow some jitter.
    assert times[-1] - times[0] >= 2.0
