"""DKIM as the engine sends: every message that reaches a real SMTP server on
loopback verifies with dkimpy's verifier against the record that
``dkim generate`` printed, served by a stub DNS lookup; a key problem is the
mailing's error; the published record is checked against a DNS server on
loopback."""

from __future__ import annotations

import socket
from pathlib import Path

import dkim
import pytest

from mailapp.models import MailingState, Refused, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import dkim_setup, lifecycle, mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.dkim_setup import DkimRecord, DnsStatus
from mailapp.services.provider import ProviderSession
from mailapp.services.test_email import send_test
from tests.support.data import bulk_contacts, make_mailing
from tests.support.dkim import REQUIRED_HEADERS, DnsFunc, covered, published
from tests.support.dns_server import LocalDnsServer
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer


def dns(record: DkimRecord) -> DnsFunc:
    """The DNS of the sender's domain once the marketer published the record."""
    return published(record.name, record.record)


def test_every_message_sent_is_signed_and_verifies(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    record = dkim_setup.generate(ctx, "shop.example.com", "mail")
    use_server(ctx, server, UnsubscribeUrl="https://shop.example.com/u/{email}")
    bulk_contacts(ctx, 12)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED])

    assert info.responses[Response.SENT.value] == 12
    assert len(server.accepted) == 12
    for message in server.accepted:
        assert dkim.verify(message.data, dnsfunc=dns(record)), message.message_id
        assert covered(message.data) >= REQUIRED_HEADERS
        assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.data


def test_the_test_email_is_signed_too(ctx: AppContext, server: TestSmtpServer) -> None:
    record = dkim_setup.generate(ctx, "shop.example.com", "mail")
    use_server(ctx, server)
    bulk_contacts(ctx, 1)
    mailing_id = make_mailing(ctx)
    provider = ProviderSession(ctx)
    try:
        send_test(ctx, mailing_id, "me@example.org", provider)
    finally:
        provider.close()
    (message,) = server.accepted
    assert dkim.verify(message.data, dnsfunc=dns(record))


def test_a_key_that_cannot_be_read_puts_the_mailing_in_error_before_any_message(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    record = dkim_setup.generate(ctx, "shop.example.com", "mail")
    use_server(ctx, server)
    Path(record.key_file).unlink()  # moved away after it was set
    bulk_contacts(ctx, 5)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR])

    assert server.received == []
    assert info.responses[Response.PLANNED.value] == 5
    error = mailings.get(ctx, mailing_id).last_error or ""
    assert "DKIM" in error and "does not exist" in error
    with pytest.raises(Refused, match="does not exist"):
        dkim_setup.current(ctx)


def test_half_set_up_dkim_is_the_mailings_error(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, DkimDomain="shop.example.com")
    bulk_contacts(ctx, 3)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.ERROR])
    assert "DkimSelector is empty" in (mailings.get(ctx, mailing_id).last_error or "")
    assert server.received == []


def test_a_second_key_for_the_same_selector_is_refused_and_changes_nothing(
    ctx: AppContext,
) -> None:
    first = dkim_setup.generate(ctx, "shop.example.com", "mail")
    key = Path(first.key_file).read_bytes()
    with pytest.raises(Refused, match="already exists"):
        dkim_setup.generate(ctx, "shop.example.com", "mail")
    with pytest.raises(Refused, match="not a valid DNS name"):
        dkim_setup.generate(ctx, "shop example", "other")
    assert Path(first.key_file).read_bytes() == key
    assert dkim_setup.current(ctx) == first
    assert settings_service.get(ctx, "DkimSelector") == "mail"


def test_an_existing_key_file_can_be_used(ctx: AppContext, tmp_path: Path) -> None:
    record = dkim_setup.generate(ctx, "shop.example.com", "mail")
    settings_service.set_many(ctx, {"DkimDomain": "", "DkimKeyFile": ""})
    assert dkim_setup.current(ctx) is None
    public = tmp_path / "public.pem"
    public.write_text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
    with pytest.raises(Refused, match="does not hold a PEM private key"):
        settings_service.set_value(ctx, "DkimKeyFile", str(public))
    assert settings_service.get(ctx, "DkimKeyFile") == ""
    settings_service.set_many(
        ctx, {"DkimDomain": "Shop.Example.com", "DkimKeyFile": record.key_file}
    )
    assert dkim_setup.current(ctx) == record


# -- the published record -------------------------------------------------------


def _record(ctx: AppContext) -> DkimRecord:
    return dkim_setup.generate(ctx, "shop.example.com", "mail")


def test_a_published_record_with_our_key_matches(sqlite_url: str) -> None:
    ctx = AppContext.open(sqlite_url)
    record = _record(ctx)
    # As DNS hosting panels store it: split into strings, with spaces.
    text = record.record.replace("; ", ";  ")
    with LocalDnsServer({record.name: ["v=spf1 -all", text]}) as dns_server:
        check = dkim_setup.check_published(record, dns_server.resolver())
    assert check.status is DnsStatus.MATCH
    assert dns_server.queries == [record.name]
    ctx.db.dispose()


def test_a_record_with_another_key_is_a_mismatch(sqlite_url: str, tmp_path: Path) -> None:
    ctx = AppContext.open(sqlite_url)
    record = _record(ctx)
    old = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAold"
    with LocalDnsServer({record.name: [old]}) as dns_server:
        check = dkim_setup.check_published(record, dns_server.resolver())
    assert check.status is DnsStatus.MISMATCH and "AQEAold" in check.detail
    ctx.db.dispose()


def test_no_record_is_missing(sqlite_url: str) -> None:
    ctx = AppContext.open(sqlite_url)
    record = _record(ctx)
    with LocalDnsServer({"shop.example.com": ["v=spf1 -all"]}) as dns_server:
        assert dkim_setup.check_published(record, dns_server.resolver()).status is (
            DnsStatus.MISSING
        )
    ctx.db.dispose()


def test_without_a_dns_server_the_check_says_offline(sqlite_url: str) -> None:
    ctx = AppContext.open(sqlite_url)
    record = _record(ctx)
    closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    with LocalDnsServer({}) as dns_server:
        resolver = dns_server.resolver()
    resolver.port = port
    resolver.lifetime = 1.0
    check = dkim_setup.check_published(record, resolver)
    assert check.status is DnsStatus.OFFLINE
    ctx.db.dispose()
