"""The bounce mailbox on a real Dovecot: read, apply, move; nothing deleted."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest

from mailapp.delivery import credentials
from mailapp.models import MailingState, Refused, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import bounces, lifecycle, mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.bounce_mail import arf_for, auto_reply, dsn_for, ordinary_mail
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.imap_server import PASSWORD, USER, DovecotServer
from tests.support.smtp_server import TestSmtpServer

BOUNCES = "bounces@shop.example.com"
PROCESSED = "INBOX.Processed by mailapp"


def use_mailbox(ctx: AppContext, dovecot: DovecotServer, *, tls: bool = False) -> None:
    settings_service.set_value(ctx, "BounceMailbox", dovecot.url(tls=tls))
    credentials.set_password(USER, dovecot.host, PASSWORD, credentials.MAILBOX)


def total(contents: dict[str, list[bytes]]) -> int:
    return sum(len(messages) for messages in contents.values())


@pytest.fixture
def ctx(sqlite_url: str) -> Iterator[AppContext]:
    """SQLite alone: the services' database side runs on both in test_bounces.py."""
    context = AppContext.open(sqlite_url)
    yield context
    context.db.dispose()


@pytest.fixture
def sent_mailing(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> int:
    use_server(ctx, server, BounceAddress=BOUNCES)
    bulk_contacts(ctx, 3)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    return mailing_id


def test_fetch_applies_moves_and_keeps_everything(
    ctx: AppContext, server: TestSmtpServer, sent_mailing: int, dovecot: DovecotServer
) -> None:
    messages = sorted(server.accepted, key=lambda m: m.recipients[0])
    dovecot.append(
        dsn_for(messages[0]),
        arf_for(messages[1]),
        auto_reply(BOUNCES),
        ordinary_mail(BOUNCES),
    )
    use_mailbox(ctx, dovecot)

    counts = bounces.fetch_mailbox(ctx, ssl_context=dovecot.trusting_context())
    assert counts.as_json() == {
        "messages": 4,
        "hard": 1,
        "soft": 0,
        "complaints": 1,
        "unsubscribes": 0,
        "unmatched": 0,
        "ignored": 2,
    }
    responses = mailings.get(ctx, sent_mailing).responses
    assert responses[Response.HARD_BOUNCE.value] == 1
    assert responses[Response.SPAM_COMPLAINT.value] == 1

    contents = dovecot.contents()
    assert total(contents) == 4  # nothing deleted
    assert contents["INBOX"] == [ordinary_mail(BOUNCES)]  # not understood: stays
    assert len(contents[PROCESSED]) == 3

    # Fetching again finds only what nobody understood, and changes nothing.
    again = bounces.fetch_mailbox(ctx, ssl_context=dovecot.trusting_context())
    assert again.as_json()["messages"] == 1 and again.left == 1
    assert mailings.get(ctx, sent_mailing).responses == responses
    assert total(dovecot.contents()) == 4


def test_imaps_with_a_trusted_certificate(ctx: AppContext, dovecot: DovecotServer) -> None:
    use_mailbox(ctx, dovecot, tls=True)
    dovecot.append(ordinary_mail(BOUNCES))
    assert bounces.check_mailbox(ctx, ssl_context=dovecot.trusting_context()) == 1


@pytest.mark.parametrize("tls", [True, False], ids=["imaps", "starttls"])
def test_a_certificate_the_client_does_not_trust_is_refused(
    ctx: AppContext, dovecot: DovecotServer, tls: bool
) -> None:
    use_mailbox(ctx, dovecot, tls=tls)
    dovecot.append(ordinary_mail(BOUNCES))
    with pytest.raises(Refused, match="cannot be trusted"):
        bounces.fetch_mailbox(ctx, ssl_context=ssl.create_default_context())
    assert dovecot.contents() == {"INBOX": [ordinary_mail(BOUNCES)]}


def test_a_wrong_password_is_refused_plainly(ctx: AppContext, dovecot: DovecotServer) -> None:
    use_mailbox(ctx, dovecot)
    credentials.set_password(USER, dovecot.host, "wrong", credentials.MAILBOX)
    with pytest.raises(Refused, match="refused the user name or password"):
        bounces.check_mailbox(ctx, ssl_context=dovecot.trusting_context())


def test_test_connection_with_unsaved_values(ctx: AppContext, dovecot: DovecotServer) -> None:
    count = bounces.check_mailbox(
        ctx, dovecot.url(), PASSWORD, ssl_context=dovecot.trusting_context()
    )
    assert count == 0
    with pytest.raises(Refused, match="does not exist"):
        bounces.check_mailbox(
            ctx, dovecot.url(folder="Nowhere"), PASSWORD, ssl_context=dovecot.trusting_context()
        )


def test_nothing_to_fetch_without_a_mailbox_or_password(
    ctx: AppContext, dovecot: DovecotServer
) -> None:
    with pytest.raises(Refused, match="Set the bounce mailbox first"):
        bounces.fetch_mailbox(ctx)
    settings_service.set_value(ctx, "BounceMailbox", dovecot.url())
    with pytest.raises(Refused, match="set-password --mailbox"):
        bounces.fetch_mailbox(ctx)


def test_a_server_that_is_not_there(ctx: AppContext) -> None:
    settings_service.set_value(ctx, "BounceMailbox", "imap://u@127.0.0.1:1/INBOX")
    credentials.set_password("u", "127.0.0.1", "pw", credentials.MAILBOX)
    with pytest.raises(Refused, match="Cannot connect"):
        bounces.check_mailbox(ctx)
