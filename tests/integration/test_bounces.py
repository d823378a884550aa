"""Bounce reports, complaints and unsubscribe requests applied to real sent mailings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from mailapp.models import Contact, Event, MailingState, Recipient, Refused, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import bounces, contacts, journal, lifecycle, mailings, resend
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.bounce_mail import (
    arf_for,
    auto_reply,
    dsn_for,
    ordinary_mail,
    unsubscribe_mail,
)
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import ReceivedMessage, TestSmtpServer

BOUNCES = "bounces@shop.example.com"


def send(ctx: AppContext, server: TestSmtpServer, name: str = "Autumn news") -> tuple[int, list]:
    """Send a mailing to every contact; its id and the messages it handed over."""
    before = len(server.accepted)
    mailing_id = make_mailing(ctx, name=name)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    return mailing_id, sorted(server.accepted[before:], key=lambda m: m.recipients[0])


def apply(ctx: AppContext, tmp_path: Path, *messages: bytes) -> dict[str, int]:
    paths = []
    for n, data in enumerate(messages):
        path = tmp_path / f"report-{len(list(tmp_path.glob('*.eml')))}-{n}.eml"
        path.write_bytes(data)
        paths.append(str(path))
    return bounces.import_files(ctx, paths).as_json()


def response(ctx: AppContext, mailing_id: int, email: str) -> Response:
    with ctx.db.read() as session:
        value = session.scalar(
            select(Recipient.response).where(
                Recipient.mailing_id == mailing_id, Recipient.email == email
            )
        )
    return Response(value)


def contact(ctx: AppContext, email: str) -> Contact:
    with ctx.db.read() as session:
        found = session.scalars(select(Contact).where(Contact.email_key == email)).one()
        session.expunge(found)
        return found


def counts(**nonzero: int) -> dict[str, int]:
    base = dict.fromkeys(bounces.COUNT_KEYS, 0)
    return {**base, **nonzero}


@pytest.fixture
def sent(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> tuple[int, list[ReceivedMessage]]:
    use_server(ctx, server, BounceAddress=BOUNCES)
    bulk_contacts(ctx, 4)
    return send(ctx, server)


def test_a_hard_bounce_is_matched_by_verp_first(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    first = messages[0]
    # The report names another address and quotes nothing: the VERP
    # address it was sent to decides.
    report = dsn_for(first, final_recipient="user3@example.com", quote_original=False)
    assert apply(ctx, tmp_path, report) == counts(messages=1, hard=1)

    email = first.recipients[0]
    assert response(ctx, mailing_id, email) is Response.HARD_BOUNCE
    assert response(ctx, mailing_id, "user3@example.com") is Response.SENT
    assert contact(ctx, email).bounced
    listed = {c.email: c.as_json() for c in contacts.list_contacts(ctx)}
    assert listed[email]["bounced"] is True and listed["user3@example.com"]["bounced"] is False
    info = mailings.get(ctx, mailing_id)
    assert info.responses[Response.HARD_BOUNCE.value] == 1
    [event] = [e for e in journal.entries(ctx, mailing_id) if e.event is Event.BOUNCES_PROCESSED]
    assert event.params["hard"] == 1
    overall = [e for e in journal.entries(ctx) if e.mailing_id is None]
    assert overall[-1].event is Event.BOUNCES_PROCESSED and overall[-1].params["messages"] == 1

    # Later audiences leave the bounced contact out.
    second = make_mailing(ctx, name="Winter news")
    lifecycle.start(ctx, second)
    assert response(ctx, second, email) is Response.CANCELLED_BOUNCED


def test_a_forged_verp_token_matches_nobody(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    forged = dsn_for(
        messages[0],
        to="bounces+" + "a" * 26 + "@shop.example.com",
        final_recipient="nobody@elsewhere.example",
        quote_original=False,
    )
    assert apply(ctx, tmp_path, forged) == counts(messages=1, unmatched=1)
    assert mailings.get(ctx, mailing_id).responses[Response.SENT.value] == 4


def test_without_verp_the_quoted_message_id_decides(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, tmp_path: Path
) -> None:
    use_server(ctx, server)
    bulk_contacts(ctx, 3)
    mailing_id, messages = send(ctx, server)
    report = dsn_for(messages[1], to=BOUNCES, final_recipient="someone@else.example")
    assert apply(ctx, tmp_path, report) == counts(messages=1, hard=1)
    assert response(ctx, mailing_id, messages[1].recipients[0]) is Response.HARD_BOUNCE


def test_by_address_the_latest_mailing_that_sent_to_it(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, tmp_path: Path
) -> None:
    use_server(ctx, server)
    bulk_contacts(ctx, 2)
    older, _ = send(ctx, server, "Older")
    newer, messages = send(ctx, server, "Newer")
    report = dsn_for(
        messages[0],
        to=BOUNCES,
        quote_original=False,
        status="5.2.2",
        diagnostic="552 5.2.2 Mailbox full",
    )
    assert apply(ctx, tmp_path, report) == counts(messages=1, soft=1)
    email = messages[0].recipients[0]
    assert response(ctx, newer, email) is Response.SOFT_BOUNCE
    assert response(ctx, older, email) is Response.SENT
    assert not contact(ctx, email).bounced


def test_three_soft_bounces_in_a_row_suppress_the_contact(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, tmp_path: Path
) -> None:
    use_server(ctx, server, BounceAddress=BOUNCES)
    bulk_contacts(ctx, 2)
    email = "user0@example.com"
    for n in range(3):
        mailing_id, messages = send(ctx, server, f"Issue {n}")
        full = dsn_for(messages[0], status="5.2.2", diagnostic="552 5.2.2 Mailbox full")
        # The same report twice counts once towards the streak.
        apply(ctx, tmp_path, full, full)
        assert response(ctx, mailing_id, email) is Response.SOFT_BOUNCE
        assert contact(ctx, email).bounced is (n == 2)
    later = make_mailing(ctx, name="Later")
    lifecycle.start(ctx, later)
    assert response(ctx, later, email) is Response.CANCELLED_BOUNCED
    assert response(ctx, later, "user1@example.com") is Response.PLANNED


def test_a_delivered_mailing_between_soft_bounces_ends_the_streak(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, tmp_path: Path
) -> None:
    use_server(ctx, server, BounceAddress=BOUNCES)
    bulk_contacts(ctx, 1)
    for n in range(4):
        _, messages = send(ctx, server, f"Issue {n}")
        if n != 2:  # issue 2 arrived
            apply(ctx, tmp_path, dsn_for(messages[0], status="4.2.2", diagnostic="Mailbox full"))
    assert not contact(ctx, "user0@example.com").bounced


def test_a_complaint_unsubscribes_the_contact(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    assert apply(ctx, tmp_path, arf_for(messages[2])) == counts(messages=1, complaints=1)
    email = messages[2].recipients[0]
    assert response(ctx, mailing_id, email) is Response.SPAM_COMPLAINT
    found = contact(ctx, email)
    assert found.unsubscribed and found.complained and not found.bounced
    second = make_mailing(ctx, name="Winter news")
    lifecycle.start(ctx, second)
    assert response(ctx, second, email) is Response.CANCELLED_UNSUBSCRIBED


def test_an_unsubscribe_request_by_mail(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    settings_service.set_value(ctx, "UnsubscribeMailbox", "mailto:unsubscribe@shop.example.com")
    email = messages[1].recipients[0]
    request = unsubscribe_mail(email.upper(), "unsubscribe@shop.example.com")
    assert apply(ctx, tmp_path, request) == counts(messages=1, unsubscribes=1)
    assert response(ctx, mailing_id, email) is Response.UNSUBSCRIBED
    assert contact(ctx, email).unsubscribed


def test_delays_auto_replies_and_strangers_change_nothing(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    delayed = dsn_for(messages[0], action="delayed", status="4.4.1", diagnostic="timed out")
    result = apply(ctx, tmp_path, delayed, auto_reply(BOUNCES), ordinary_mail(BOUNCES))
    assert result == counts(messages=3, ignored=3)
    assert mailings.get(ctx, mailing_id).responses[Response.SENT.value] == 4


def test_applying_again_changes_nothing(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    reports = (dsn_for(messages[0]), arf_for(messages[1]))
    apply(ctx, tmp_path, *reports)
    before = mailings.get(ctx, mailing_id).responses
    with ctx.db.read() as session:
        people = sorted(
            (c.email, c.bounced, c.unsubscribed) for c in session.scalars(select(Contact))
        )
    apply(ctx, tmp_path, *reports)
    assert mailings.get(ctx, mailing_id).responses == before
    with ctx.db.read() as session:
        again = sorted(
            (c.email, c.bounced, c.unsubscribed) for c in session.scalars(select(Contact))
        )
    assert again == people


def test_a_bad_path_is_refused_before_anything_is_read(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    good = tmp_path / "good.eml"
    good.write_bytes(dsn_for(messages[0]))
    with pytest.raises(Refused, match="no such file"):
        bounces.import_files(ctx, [str(good), str(tmp_path / "missing.eml")])
    assert mailings.get(ctx, mailing_id).responses[Response.HARD_BOUNCE.value] == 0
    assert not [e for e in journal.entries(ctx) if e.event is Event.BOUNCES_PROCESSED]


def test_a_follow_up_leaves_out_contacts_that_bounced(
    ctx: AppContext, sent: tuple[int, list[ReceivedMessage]], tmp_path: Path
) -> None:
    mailing_id, messages = sent
    full = [dsn_for(m, status="5.2.2", diagnostic="552 5.2.2 Mailbox full") for m in messages[:3]]
    apply(ctx, tmp_path, *full)  # three soft bounces: worth a follow-up
    # One of them bounces for good before the follow-up is made, one after.
    apply(ctx, tmp_path, dsn_for(messages[0]))
    follow_up = resend.resend(ctx, mailing_id, [Response.SOFT_BOUNCE])
    assert follow_up.recipients == 2
    apply(ctx, tmp_path, dsn_for(messages[1]))
    # The follow-up waits before it sends: the running engine would otherwise
    # claim the planned recipient before the assertions look at it.
    settings_service.set_many(ctx, {"MandrillMailingDelayInSeconds": "3600"})
    lifecycle.start(ctx, follow_up.id)
    assert response(ctx, follow_up.id, messages[1].recipients[0]) is Response.CANCELLED_BOUNCED
    assert response(ctx, follow_up.id, messages[2].recipients[0]) is Response.PLANNED
