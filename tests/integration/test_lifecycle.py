"""The moves of a mailing against a real database (no sending here)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from mailapp.models import Contact, Event, Mailing, MailingKind, MailingState, Refused, Response
from mailapp.models.base import utcnow
from mailapp.models.states import StopAction
from mailapp.services import journal, lifecycle, mailings, stops
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing


def events(ctx: AppContext, mailing_id: int) -> list[Event]:
    return [e.event for e in journal.entries(ctx, mailing_id)]


def test_start_builds_the_audience_and_opens_the_delay_window(ctx: AppContext) -> None:
    add_contacts(
        ctx,
        ["a@example.com", "b@example.com", "bad@@example", None, "u@example.com"],
        unsubscribed={"u@example.com"},
    )
    add_contacts(ctx, ["A@example.com", "c@example.com", "gone@example.com"], folder="VIP")
    with ctx.db.write() as session:
        session.execute(
            update(Contact).where(Contact.email_key == "gone@example.com").values(bounced=True)
        )
    mailing_id = make_mailing(ctx, folders=("Customers", "VIP"))

    outcome = lifecycle.start(ctx, mailing_id)

    assert outcome.state is MailingState.WAITING
    assert outcome.audience is not None
    assert outcome.audience.as_params() == {
        "will_send": 3,
        "invalid": 1,
        "duplicates": 1,
        "unsubscribed": 1,
        "no_email": 1,
        "bounced": 1,
    }
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.WAITING
    assert info.recipients == 8
    assert info.responses[Response.CANCELLED_BOUNCED.value] == 1
    assert info.send_after is not None and info.send_after > utcnow() + timedelta(seconds=8)
    assert events(ctx, mailing_id) == [Event.MAILING_STARTED, Event.AUDIENCE_PREPARED]


def test_duplicates_are_sent_when_the_setting_allows(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    add_contacts(ctx, ["a@example.com"], folder="VIP")
    settings_service.set_value(ctx, "PreventDuplicatesSending", "false")
    mailing_id = make_mailing(ctx, folders=("Customers", "VIP"))
    outcome = lifecycle.start(ctx, mailing_id)
    assert outcome.audience is not None and outcome.audience.will_send == 2


def test_pause_in_the_delay_window_then_start_again(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com", "b@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)

    preview = stops.preview_stop(ctx, mailing_id)
    result = stops.stop(ctx, mailing_id)

    assert preview.action is result.action is StopAction.PAUSE
    assert mailings.get(ctx, mailing_id).state is MailingState.PAUSED
    # A paused mailing can be edited, then started again with a fresh audience.
    add_contacts(ctx, ["c@example.com"])
    lifecycle.start(ctx, mailing_id)
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.WAITING
    assert info.responses[Response.PLANNED.value] == 3
    assert events(ctx, mailing_id) == [
        Event.MAILING_STARTED,
        Event.AUDIENCE_PREPARED,
        Event.MAILING_PAUSED,
        Event.MAILING_RESTARTED,
        Event.AUDIENCE_PREPARED,
    ]


def _force_state(ctx: AppContext, mailing_id: int, state: MailingState) -> None:
    with ctx.db.write() as session:
        session.execute(update(Mailing).where(Mailing.id == mailing_id).values(state=state.value))


def test_stop_after_sending_began_is_final(ctx: AppContext) -> None:
    add_contacts(ctx, [f"u{n}@example.com" for n in range(5)])
    mailing_id = make_mailing(ctx)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    assert lifecycle.promote_waiting(ctx) == [mailing_id]
    assert mailings.get(ctx, mailing_id).state is MailingState.QUEUED

    result = stops.stop(ctx, mailing_id)
    assert result.action is StopAction.STOP
    assert result.pending == 5
    assert mailings.get(ctx, mailing_id).state is MailingState.STOPPING

    assert lifecycle.finish_stopping(ctx) == [mailing_id]
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.STOPPED
    assert info.responses[Response.STOPPED_MANUALLY.value] == 5
    assert info.finished_at is not None
    assert events(ctx, mailing_id)[-2:] == [
        Event.MAILING_STOPPING,
        Event.MAILING_STOPPED_MANUALLY,
    ]
    with pytest.raises(Refused, match="never be started again") as refused:
        lifecycle.start(ctx, mailing_id)
    assert refused.value.code == "start_final"


def test_refusals_change_nothing(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    with pytest.raises(Refused, match="cannot be stopped"):
        stops.stop(ctx, mailing_id)
    with pytest.raises(Refused, match="No mailing"):
        lifecycle.start(ctx, 999)
    with pytest.raises(Refused, match="future"):
        lifecycle.schedule(ctx, mailing_id, utcnow() - timedelta(minutes=1))
    assert mailings.get(ctx, mailing_id).state is MailingState.DRAFT
    assert journal.entries(ctx, mailing_id) == []


def test_start_refused_without_anyone_to_send(ctx: AppContext) -> None:
    add_contacts(ctx, ["bad@@example", None])
    mailing_id = make_mailing(ctx)
    with pytest.raises(Refused, match="No recipient can be sent"):
        lifecycle.start(ctx, mailing_id)
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.DRAFT and info.recipients == 0


def test_template_error_refuses_the_start_with_its_line(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    with ctx.db.write() as session:
        session.execute(
            update(Mailing)
            .where(Mailing.id == mailing_id)
            .values(html="<p>ok</p>\n<p>{{ contact.first_name </p>")
        )
    with pytest.raises(Refused, match="line 2"):
        lifecycle.start(ctx, mailing_id)
    assert mailings.get(ctx, mailing_id).state is MailingState.DRAFT


def test_schedule_then_due(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.schedule(ctx, mailing_id, utcnow() + timedelta(hours=1))
    assert mailings.get(ctx, mailing_id).state is MailingState.SCHEDULED
    assert lifecycle.promote_scheduled(ctx) == []
    with ctx.db.write() as session:
        session.execute(
            update(Mailing)
            .where(Mailing.id == mailing_id)
            .values(scheduled_at=utcnow() - timedelta(seconds=1))
        )
    assert lifecycle.promote_scheduled(ctx) == [mailing_id]
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING
    # Stop sending on a scheduled mailing pauses it.
    other = make_mailing(ctx, name="Later")
    lifecycle.schedule(ctx, other, utcnow() + timedelta(hours=1))
    assert stops.stop(ctx, other).action is StopAction.PAUSE


def test_expiry_stops_the_unsent(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com", "b@example.com"])
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    with ctx.db.write() as session:
        session.execute(
            update(Mailing)
            .where(Mailing.id == mailing_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert lifecycle.expire_due(ctx) == [mailing_id]
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.EXPIRED
    assert info.responses[Response.STOPPED_EXPIRED.value] == 2
    assert events(ctx, mailing_id)[-1] is Event.MAILING_EXPIRED


def test_error_then_resume(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    assert lifecycle.mark_error(ctx, mailing_id, "Authentication refused")
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.ERROR and info.last_error == "Authentication refused"
    assert events(ctx, mailing_id)[-2:] == [Event.PROVIDER_ERROR, Event.MAILING_ERROR]
    lifecycle.start(ctx, mailing_id)
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING
    assert Event.MAILING_RESTARTED in events(ctx, mailing_id)[-2:]


def test_editing_rules(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    info = mailings.get(ctx, mailing_id)
    data = mailings.MailingInput(
        name="Renamed",
        subject=info.subject,
        sender_email=info.sender_email,
        html=info.html,
        folders=info.folders,
    )
    mailings.update(ctx, mailing_id, data)
    assert mailings.get(ctx, mailing_id).name == "Renamed"
    with pytest.raises(Refused, match="line breaks"):
        mailings.update(
            ctx,
            mailing_id,
            mailings.MailingInput(**{**data.__dict__, "subject": "a\r\nBcc: x@y.z"}),
        )
    with pytest.raises(Refused, match="no folders"):
        mailings.create(
            ctx, mailings.MailingInput(**{**data.__dict__, "kind": MailingKind.TRIGGER})
        )
    lifecycle.start(ctx, mailing_id)
    with pytest.raises(Refused, match="pause it first"):
        mailings.update(ctx, mailing_id, data)
