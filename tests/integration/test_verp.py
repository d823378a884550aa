"""VERP: with BounceAddress set, each message's envelope sender names its recipient."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mailapp.delivery.verp import verp_recipients
from mailapp.models import MailingState, Recipient, Refused
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, unsubscribe
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import assert_never_twice, use_server, wait_state
from tests.support.smtp_server import TestSmtpServer


def test_each_message_has_its_own_envelope_sender(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, BounceAddress="Bounces@Shop.Example.com")
    bulk_contacts(ctx, 12)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert_never_twice(server)

    with ctx.db.read() as session:
        by_address = {
            r.email: r.id
            for r in session.scalars(select(Recipient).where(Recipient.mailing_id == mailing_id))
        }
    tokens = unsubscribe.tokens(ctx)
    senders = set()
    for message in server.accepted:
        local, _, domain = message.sender.rpartition("@")
        assert domain == "shop.example.com" and local.startswith("Bounces+")
        found = verp_recipients(settings_service.get(ctx, "BounceAddress"), tokens, message.sender)
        assert found == [by_address[message.recipients[0]]]
        senders.add(message.sender)
    assert len(senders) == 12
    # From is still the mailing's sender.
    assert b"From: Shop <news@shop.example.com>" in server.accepted[0].data


def test_without_bounce_address_the_sender_is_the_envelope(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server)
    bulk_contacts(ctx, 2)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
    assert {m.sender for m in server.accepted} == {"news@shop.example.com"}


@pytest.mark.parametrize(
    "value", ["not an address", "bounces+x@example.com", "böunces@example.com", "a" * 40 + "@x.com"]
)
def test_a_bounce_address_that_cannot_carry_a_token_is_refused(ctx: AppContext, value: str) -> None:
    with pytest.raises(Refused):
        settings_service.set_value(ctx, "BounceAddress", value)
    assert settings_service.get(ctx, "BounceAddress") == ""
