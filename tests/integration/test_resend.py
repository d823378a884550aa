"""Follow-ups: a stopped mailing sent again to exactly those it did not
reach, through the real engine and a real SMTP server, on SQLite and
PostgreSQL. What the server received is what the people may have."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from mailapp.models import Contact, Event, Mailing, MailingState, Recipient, Refused, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import contacts, journal, lifecycle, mailings, resend, stops, unconfirmed
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import assert_never_twice, use_server, wait_state
from tests.support.smtp_server import TestSmtpServer

EMAILS = [f"reader{n:03d}@example.com" for n in range(80)]


def _original_stopped_mid_send(ctx: AppContext, server: TestSmtpServer) -> int:
    """A mailing to :data:`EMAILS` over two slow connections, stopped mid-send."""
    use_server(ctx, server, SmtpConnections="2")
    server.delay_data = 0.03
    add_contacts(ctx, EMAILS)
    original = make_mailing(ctx)
    _stopped_mid_send(ctx, server, original)
    return original


def _stopped_mid_send(ctx: AppContext, server: TestSmtpServer, mailing_id: int) -> None:
    """Start the mailing, stop it once a few messages are through, wait for
    the stop to finish."""
    lifecycle.start(ctx, mailing_id)
    assert server.wait_for(8, timeout=20)
    stops.stop(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.STOPPED])


def _delivered(server: TestSmtpServer) -> Counter[str]:
    return Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)


def _responses(ctx: AppContext, mailing_id: int) -> dict[str, str | None]:
    return {r.email or "": r.response.value for r in mailings.recipients(ctx, mailing_id)}


def test_stopped_mid_send_then_resent_everyone_gets_exactly_one(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    original = _original_stopped_mid_send(ctx, server)
    stopped = {e for e, r in _responses(ctx, original).items() if r == "stopped_manually"}
    assert stopped and len(stopped) < len(EMAILS)

    outcome = resend.resend(ctx, original)
    assert outcome.recipients == len(stopped) and outcome.unconfirmed == 0
    follow_up = mailings.get(ctx, outcome.id)
    assert follow_up.state is MailingState.DRAFT and follow_up.follows == original
    assert follow_up.name == "Autumn news (resend)" and follow_up.folders == ()
    assert set(_responses(ctx, outcome.id)) == stopped
    assert mailings.get(ctx, original).follow_ups == (outcome.id,)
    resent = [e for e in journal.entries(ctx, original) if e.event is Event.MAILING_RESENT]
    assert [e.params["follow_up"] for e in resent] == [outcome.id]

    server.delay_data = 0
    lifecycle.start(ctx, outcome.id)
    done = wait_state(ctx, outcome.id, [MailingState.COMPLETED])
    assert done.responses[Response.SENT.value] == len(stopped)
    assert_never_twice(server)
    assert _delivered(server) == Counter(EMAILS)
    chain = resend.summary(ctx, original)
    assert [f.id for f in chain.follow_ups] == [outcome.id]
    assert chain.reached == len(EMAILS)


def test_a_resend_of_a_resend_reaches_the_rest_once(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    original = _original_stopped_mid_send(ctx, server)
    first = resend.resend(ctx, original).id
    server.reset()
    server.delay_data = 0.03
    _stopped_mid_send(ctx, server, first)
    assert mailings.get(ctx, first).responses[Response.STOPPED_MANUALLY.value] > 0

    second = resend.resend(ctx, first)
    assert mailings.get(ctx, second.id).follows == first
    assert mailings.get(ctx, second.id).name == "Autumn news (resend) (resend)"
    lifecycle.start(ctx, second.id)
    wait_state(ctx, second.id, [MailingState.COMPLETED])

    sent: Counter[str] = Counter()
    for mailing_id in (original, first, second.id):
        sent.update(e for e, r in _responses(ctx, mailing_id).items() if r == "sent")
    assert sent == Counter(EMAILS)
    assert resend.summary(ctx, original).reached == len(EMAILS)
    assert [f.id for f in resend.summary(ctx, original).follow_ups] == [first, second.id]


def _stopped_by_hand(
    ctx: AppContext, emails: list[str], stopped: set[str], **responses: str
) -> int:
    """A stopped mailing whose recipients ended as given (without sending)."""
    add_contacts(ctx, emails)
    mailing_id = make_mailing(ctx)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    stops.stop(ctx, mailing_id)
    with ctx.db.write() as session:
        session.execute(
            update(Recipient)
            .where(Recipient.mailing_id == mailing_id)
            .values(response=Response.STOPPED_MANUALLY.value)
        )
        for email, response in responses.items():
            session.execute(
                update(Recipient)
                .where(Recipient.mailing_id == mailing_id, Recipient.email == email)
                .values(response=response)
            )
        session.execute(
            update(Recipient)
            .where(
                Recipient.mailing_id == mailing_id,
                Recipient.response == Response.STOPPED_MANUALLY.value,
                Recipient.email.not_in(list(stopped)),
            )
            .values(response=Response.SENT.value)
        )
    lifecycle.finish_stopping(ctx)
    assert mailings.get(ctx, mailing_id).state is MailingState.STOPPED
    return mailing_id


def _contact_id(ctx: AppContext, email: str) -> int:
    with ctx.db.read() as session:
        found = session.scalar(select(Contact.id).where(Contact.email == email))
    assert found is not None
    return found


def test_contacts_unsubscribed_since_are_left_out(ctx: AppContext) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    original = _stopped_by_hand(ctx, emails, set(emails[1:]))
    contacts.set_unsubscribed(ctx, [_contact_id(ctx, "b@example.com")], True)

    outcome = resend.resend(ctx, original)
    assert (outcome.recipients, outcome.left_out) == (2, 1)
    assert set(_responses(ctx, outcome.id)) == {"c@example.com", "d@example.com"}

    # unsubscribed or deleted after the follow-up was made: left out at its start
    contacts.set_unsubscribed(ctx, [_contact_id(ctx, "c@example.com")], True)
    contacts.delete_contacts(ctx, [_contact_id(ctx, "d@example.com")])
    with pytest.raises(Refused) as refused:
        lifecycle.start(ctx, outcome.id)
    assert refused.value.code == "no_recipients_left"
    assert set(_responses(ctx, outcome.id)) == {"c@example.com", "d@example.com"}


def test_unsubscribed_after_the_follow_up_was_made_is_cancelled_at_start(
    ctx: AppContext,
) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com"]
    original = _stopped_by_hand(ctx, emails, set(emails))
    outcome = resend.resend(ctx, original)
    contacts.set_unsubscribed(ctx, [_contact_id(ctx, "b@example.com")], True)
    started = lifecycle.start(ctx, outcome.id)
    assert started.audience is not None
    assert (started.audience.will_send, started.audience.unsubscribed) == (2, 1)
    assert _responses(ctx, outcome.id)["b@example.com"] == "cancelled_unsubscribed"


def test_unconfirmed_only_when_named_and_soft_bounces_when_named(ctx: AppContext) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    original = _stopped_by_hand(
        ctx,
        emails,
        {"a@example.com"},
        **{"b@example.com": "unconfirmed", "c@example.com": "soft_bounce"},
    )
    preview = resend.preview(ctx, original)
    assert preview.recipients[Response.STOPPED_MANUALLY] == 1
    assert preview.reachable[Response.UNCONFIRMED] == 1
    assert preview.reachable[Response.SOFT_BOUNCE] == 1

    default = resend.resend(ctx, original)
    assert set(_responses(ctx, default.id)) == {"a@example.com"}
    every = resend.resend(
        ctx,
        original,
        [Response.STOPPED_MANUALLY, Response.UNCONFIRMED, Response.SOFT_BOUNCE],
        name="Everybody left",
    )
    assert every.unconfirmed == 1
    info = mailings.get(ctx, every.id)
    assert info.name == "Everybody left"
    assert set(_responses(ctx, every.id)) == {"a@example.com", "b@example.com", "c@example.com"}
    event = [e for e in journal.entries(ctx, original) if e.event is Event.MAILING_RESENT][-1]
    assert event.params["unconfirmed"] == 1
    assert event.params["responses"] == "stopped_manually, soft_bounce, unconfirmed"


def test_only_the_chosen_unconfirmed_recipients(ctx: AppContext) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com"]
    original = _stopped_by_hand(
        ctx, emails, set(), **{"b@example.com": "unconfirmed", "c@example.com": "unconfirmed"}
    )
    picked = [r.id for r in mailings.recipients(ctx, original) if r.email == "c@example.com"]
    outcome = resend.resend(ctx, original, [Response.UNCONFIRMED], only=picked)
    assert set(_responses(ctx, outcome.id)) == {"c@example.com"}


def test_two_follow_ups_of_one_mailing_never_send_to_one_person_twice(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    emails = [f"p{n}@example.com" for n in range(6)]
    original = _stopped_by_hand(ctx, emails, set(emails))
    first = resend.resend(ctx, original).id
    second = resend.resend(ctx, original).id
    assert mailings.get(ctx, second).name == "Autumn news (resend 2)"
    lifecycle.start(ctx, first)
    with pytest.raises(Refused) as busy:
        lifecycle.start(ctx, second)
    assert busy.value.code == "resend_chain_busy"
    wait_state(ctx, first, [MailingState.COMPLETED])

    with pytest.raises(Refused) as nobody:
        lifecycle.start(ctx, second)
    assert nobody.value.code == "no_recipients_left"
    # and a third made now finds nobody
    with pytest.raises(Refused) as none_left:
        resend.resend(ctx, original)
    assert none_left.value.code == "resend_nobody"
    assert _delivered(server) == Counter(emails)


def test_refusals_make_nothing(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    draft = make_mailing(ctx)
    before = mailings.list_all(ctx)
    with pytest.raises(Refused) as state:
        resend.resend(ctx, draft)
    assert state.value.code == "resend_state"
    emails = ["b@example.com", "c@example.com"]
    original = _stopped_by_hand(ctx, emails, set(emails))
    with pytest.raises(Refused) as response:
        resend.resend(ctx, original, [Response.SENT])
    assert response.value.code == "resend_response"
    with pytest.raises(Refused) as name:
        resend.resend(ctx, original, name="Two\nlines")
    assert name.value.code == "header_injection"
    with pytest.raises(Refused):
        resend.resend(ctx, 9999)
    assert [m.id for m in mailings.list_all(ctx)] == [m.id for m in before] + [original]


def test_a_follow_up_keeps_its_fixed_audience_when_edited(ctx: AppContext) -> None:
    emails = ["a@example.com", "b@example.com"]
    original = _stopped_by_hand(ctx, emails, set(emails))
    follow_up = resend.resend(ctx, original).id
    edited = MailingInput(
        name="Fixed price",
        subject="The right price",
        sender_email="news@shop.example.com",
        html="<p>Sorry, the price is 10</p>",
    )
    mailings.update(ctx, follow_up, edited)
    assert mailings.get(ctx, follow_up).subject == "The right price"
    with pytest.raises(Refused) as folders:
        mailings.update(ctx, follow_up, replace(edited, folders=("Customers",)))
    assert folders.value.code == "follow_up_audience"
    assert lifecycle.start(ctx, follow_up).audience is not None


def test_unconfirmed_marked_delivered_are_sent_and_journaled(ctx: AppContext) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com"]
    original = _stopped_by_hand(
        ctx, emails, set(), **{"b@example.com": "unconfirmed", "c@example.com": "unconfirmed"}
    )
    settings_service.set_value(ctx, "UserName", "Boris")
    rows = {r.email: r.id for r in mailings.recipients(ctx, original)}
    # a recipient that is not unconfirmed is left alone
    assert unconfirmed.mark_delivered(ctx, original, [rows["a@example.com"]]) == 0
    assert unconfirmed.mark_delivered(ctx, original, [rows["b@example.com"]]) == 1
    assert _responses(ctx, original) == {
        "a@example.com": "sent",
        "b@example.com": "sent",
        "c@example.com": "unconfirmed",
    }
    marked = [e for e in journal.entries(ctx, original) if e.event is Event.UNCONFIRMED_MARKED_SENT]
    assert [(e.params["count"], e.actor) for e in marked] == [(1, "Boris")]
    # the one marked delivered is never in a follow-up, the other only when named
    with pytest.raises(Refused):
        resend.resend(ctx, original, [Response.UNCONFIRMED], only=[rows["b@example.com"]])
    outcome = resend.resend(ctx, original, [Response.UNCONFIRMED])
    assert set(_responses(ctx, outcome.id)) == {"c@example.com"}


def test_who_unsubscribed_after_the_email_arrived_is_never_sent_it_again(
    ctx: AppContext,
) -> None:
    emails = ["a@example.com", "b@example.com"]
    original = _stopped_by_hand(ctx, emails, set(emails))
    first = resend.resend(ctx, original).id
    # the first follow-up reached b, who unsubscribed through its link, and
    # was stopped before it reached a
    with ctx.db.write() as session:
        session.execute(
            update(Mailing).where(Mailing.id == first).values(state=MailingState.STOPPED.value)
        )
        for email, response in (
            ("a@example.com", "stopped_manually"),
            ("b@example.com", "unsubscribed"),
        ):
            session.execute(
                update(Recipient)
                .where(Recipient.mailing_id == first, Recipient.email == email)
                .values(response=response)
            )
    # subscribed again by hand since: still, the content reached b once
    contacts.set_unsubscribed(ctx, [_contact_id(ctx, "b@example.com")], False)
    outcome = resend.resend(ctx, original)
    assert set(_responses(ctx, outcome.id)) == {"a@example.com"}


def test_a_mailing_without_follow_ups_counts_nobody_reached(ctx: AppContext) -> None:
    """Nothing shows the people reached without follow-ups, and counting them
    reads every address handed over: the analytics window asks every second."""
    add_contacts(ctx, EMAILS)
    chain = resend.summary(ctx, make_mailing(ctx))

    assert chain.follow_ups == ()
    assert chain.reached is None
