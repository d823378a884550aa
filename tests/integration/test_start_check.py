"""The warnings of *Start sending*, counted in SQL on SQLite and PostgreSQL.

``start_check.check_start`` tells what will go wrong before a mailing is
started; the counts must agree with what the audience builder and the
renderer then really do.
"""

from __future__ import annotations

from sqlalchemy import update

from mailapp.models import Contact, Mailing, MailingKind, MailingState, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.services import contacts, lifecycle, mailings, resend, settings, start_check, stops
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing

BODY = (
    "<p>Hello {{ contact.first_name }} from {{ contact.city }}, {{ contact['zip code'] }}</p>"
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>'
)


def _audience(ctx: AppContext) -> list[int]:
    """Six contacts of "Customers": one invalid, one unsubscribed, one in
    "Friends" too (it counts once); fields missing or empty here and there."""
    ids = add_contacts(
        ctx,
        [
            "anna@example.com",
            "boris@example.com",
            "not an address",
            "gone@example.com",
            "dora@example.com",
            "emil@example.com",
        ],
        unsubscribed={"gone@example.com"},
    )
    add_contacts(ctx, ["emil@example.com"], folder="Friends")
    fields = [
        {"city": "Riga", "zip code": "1001"},
        {"city": "", "zip code": "1002"},  # empty counts as missing
        {},  # invalid: not counted among the missing
        {},  # unsubscribed: neither
        {"zip code": "  "},  # no city, blank zip
        {"city": "Oslo", "zip code": 7},
    ]
    with ctx.db.write() as session:
        for cid, value in zip(ids, fields, strict=True):
            session.execute(update(Contact).where(Contact.id == cid).values(fields=value))
        session.execute(update(Contact).where(Contact.id == ids[5]).values(first_name=""))
    return ids


def test_counts_what_will_go_wrong(ctx: AppContext) -> None:
    _audience(ctx)
    mailing_id = make_mailing(ctx, html=BODY, folders=("Customers", "Friends"))
    check = start_check.check_start(ctx, mailing_id)
    assert check.recipients == 4
    assert (check.invalid, check.unsubscribed) == (1, 1)
    missing = {m.name: m.recipients for m in check.missing_fields}
    assert missing == {"city": 2, "zip code": 1, "first_name": 1}
    assert check.has_unsubscribe_link
    assert not check.unsubscribe_url_set and check.lacks_unsubscribe_link
    assert (check.provider, check.delay_seconds) == ("sandbox", 10)

    # The audience builder agrees about who is sent and who is cancelled.
    outcome = lifecycle.start(ctx, mailing_id)
    assert outcome.audience is not None
    assert outcome.audience.will_send == check.recipients
    assert outcome.audience.invalid == check.invalid
    assert outcome.audience.unsubscribed == check.unsubscribed


def test_a_complete_audience_has_no_warnings(ctx: AppContext) -> None:
    add_contacts(ctx, ["anna@example.com", "boris@example.com"])  # every one has a city
    settings.set_many(ctx, {"UnsubscribeUrl": "https://shop.example.com/u/{email}"})
    mailing_id = make_mailing(
        ctx, html='<p>{{ contact.city }}</p><a href="{{ unsubscribe_url }}">x</a>'
    )
    check = start_check.check_start(ctx, mailing_id)
    assert check.recipients == 2
    assert (check.invalid, check.unsubscribed, check.missing_fields) == (0, 0, ())
    assert not check.lacks_unsubscribe_link


def test_a_bulk_email_without_the_link_is_told(ctx: AppContext) -> None:
    add_contacts(ctx, ["anna@example.com"])
    settings.set_many(ctx, {"UnsubscribeUrl": "https://shop.example.com/u/{email}"})
    mailing_id = make_mailing(ctx, html="<p>No way out</p>")
    check = start_check.check_start(ctx, mailing_id)
    assert not check.has_unsubscribe_link and check.lacks_unsubscribe_link


def test_a_real_provider_is_named(ctx: AppContext) -> None:
    add_contacts(ctx, ["anna@example.com"])
    settings.set_many(ctx, {"Provider": "smtp", "SmtpHost": "smtp.shop.example.com"})
    check = start_check.check_start(ctx, make_mailing(ctx))
    assert (check.provider, check.smtp_host) == ("smtp", "smtp.shop.example.com")


def test_a_trigger_mailing_has_no_audience_yet(ctx: AppContext) -> None:
    add_contacts(ctx, ["anna@example.com"])
    mailing_id = make_mailing(ctx, kind=MailingKind.TRIGGER, html="<p>{{ contact.city }}</p>")
    check = start_check.check_start(ctx, mailing_id)
    assert check.recipients is None and check.missing_fields == ()
    assert not check.lacks_unsubscribe_link  # a trigger email is a personal one


def test_a_resumed_mailing_counts_those_still_to_send(ctx: AppContext) -> None:
    ids = add_contacts(ctx, ["anna@example.com", "boris@example.com", "cora@example.com"])
    with ctx.db.write() as session:
        session.execute(update(Contact).where(Contact.id == ids[2]).values(fields={}))
    mailing_id = make_mailing(ctx, html="<p>{{ contact.city }}</p>")
    lifecycle.start(ctx, mailing_id)
    # One was handed over, then the provider failed: the mailing resumes.
    with ctx.db.write() as session:
        session.execute(
            update(Recipient)
            .where(Recipient.mailing_id == mailing_id, Recipient.contact_id == ids[0])
            .values(response=Response.SENT.value, tx_started_at=utcnow(), sent_at=utcnow())
        )
        session.execute(
            update(Mailing).where(Mailing.id == mailing_id).values(state=MailingState.ERROR.value)
        )
    # A contact added to the folder now is not in the resumed audience.
    add_contacts(ctx, ["late@example.com"])
    check = start_check.check_start(ctx, mailing_id)
    assert check.recipients == mailings.get(ctx, mailing_id).pending == 2
    assert {m.name: m.recipients for m in check.missing_fields} == {"city": 1}


def test_a_follow_up_counts_its_fixed_recipients(ctx: AppContext) -> None:
    ids = add_contacts(ctx, ["anna@example.com", "boris@example.com", "cora@example.com"])
    mailing_id = make_mailing(ctx, html="<p>{{ contact.city }}</p>")
    settings.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    stops.stop(ctx, mailing_id)
    lifecycle.finish_stopping(ctx)
    follow_up = resend.resend(ctx, mailing_id).id
    # unsubscribed since the follow-up was made, and a contact its folder got later
    contacts.set_unsubscribed(ctx, [ids[1]], True)
    add_contacts(ctx, ["late@example.com"])
    check = start_check.check_start(ctx, follow_up)
    assert (check.recipients, check.unsubscribed) == (2, 1)
    assert lifecycle.start(ctx, follow_up).audience.will_send == 2  # type: ignore[union-attr]
