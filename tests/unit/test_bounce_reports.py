"""Reading the bounce mailbox's messages: the samples of tests/data/bounces."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailapp.delivery.bounce_reasons import classify
from mailapp.delivery.bounce_reports import Kind, parse_report

DATA = Path(__file__).resolve().parents[1] / "data" / "bounces"
UNSUBSCRIBE = "unsubscribe@shop.example.com"


@pytest.mark.parametrize(
    ("name", "kind", "address", "reason"),
    [
        ("rfc3464-postfix-user-unknown.eml", Kind.HARD, "nobody@mail.example.org", "userunknown"),
        ("rfc3464-mailbox-full.eml", Kind.SOFT, "full@mail.example.org", "mailboxfull"),
        ("office365-recipient-not-found.eml", Kind.HARD, "gone@contoso.com", "userunknown"),
        ("gmail-address-not-found.eml", Kind.HARD, "no.such.person@gmail.com", "userunknown"),
        ("yahoo-no-account.eml", Kind.HARD, "absent.reader@yahoo.com", "userunknown"),
        ("qmail-no-mailbox.eml", Kind.HARD, "left.company@example.net", "userunknown"),
        ("exchange2000-msexch.eml", Kind.HARD, "old.name@legacy.example.com", "userunknown"),
        ("exchange2003-ndr.eml", Kind.HARD, "retired.user@corp.example.com", "userunknown"),
    ],
)
def test_bounces_of_the_common_servers(name: str, kind: Kind, address: str, reason: str) -> None:
    report = parse_report((DATA / name).read_bytes(), UNSUBSCRIBE)
    assert report.kind is kind
    assert report.addresses == (address,)
    assert [f.reason.reason for f in report.failures] == [reason]
    assert report.detail


def test_the_quoted_message_id_is_the_original_one_not_the_reports() -> None:
    report = parse_report((DATA / "rfc3464-postfix-user-unknown.eml").read_bytes())
    assert report.message_ids == ("<18a1b2c3d4e5f.1a2b.1.0011223344556677@shop.example.com>",)
    gmail = parse_report((DATA / "gmail-address-not-found.eml").read_bytes())
    assert gmail.message_ids == ("<18a1b2c3d4e63.1a2b.5.b1b2b3b4b5b6b7b8@shop.example.com>",)


def test_an_arf_report_is_a_complaint_about_the_original_recipient() -> None:
    report = parse_report((DATA / "arf-abuse-complaint.eml").read_bytes(), UNSUBSCRIBE)
    assert report.kind is Kind.COMPLAINT
    assert report.addresses == ("annoyed.reader@mailbox-provider.example",)
    assert report.message_ids == ("<18a1b2c3d4e67.1a2b.9.f1f2f3f4f5f6f7f8@shop.example.com>",)


@pytest.mark.parametrize("name", ["rfc3464-delayed.eml", "autoreply-out-of-office.eml"])
def test_delays_and_automatic_replies_change_nothing(name: str) -> None:
    assert parse_report((DATA / name).read_bytes(), UNSUBSCRIBE).kind is Kind.IGNORED


def test_mail_to_the_unsubscribe_address_is_a_request_of_its_sender() -> None:
    data = (DATA / "unsubscribe-request.eml").read_bytes()
    report = parse_report(data, UNSUBSCRIBE)
    assert report.kind is Kind.UNSUBSCRIBE
    assert report.addresses == ("Busy.Reader@example.org",)
    # Without an UnsubscribeMailbox it is just a message nobody understands.
    assert parse_report(data).kind is Kind.UNKNOWN


def test_an_ordinary_message_is_not_understood() -> None:
    assert parse_report((DATA / "not-a-report.eml").read_bytes(), UNSUBSCRIBE).kind is Kind.UNKNOWN


def _dsn(action: str, status: str, diagnostic: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.net\nTo: bounces@shop.example.com\n"
        "Subject: Delivery Status Notification\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nDelivery report.\n\n"
        "--b\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\n\n"
        f"Final-Recipient: rfc822; someone@example.org\nAction: {action}\n"
        f"Status: {status}\nDiagnostic-Code: smtp; {diagnostic}\n\n--b--\n"
    ).encode()


@pytest.mark.parametrize(
    ("status", "diagnostic", "kind"),
    [
        ("5.1.1", "550 5.1.1 No such user", Kind.HARD),
        ("5.1.2", "550 5.1.2 Host unknown", Kind.HARD),
        ("5.1.6", "550 5.1.6 Mailbox has moved", Kind.HARD),
        ("5.0.0", "550 Requested action not taken: mailbox unavailable", Kind.HARD),
        ("5.0.0", "550 Host or domain name not found", Kind.HARD),
        ("5.2.2", "552 5.2.2 Mailbox full", Kind.SOFT),
        ("5.7.1", "554 5.7.1 Message rejected as spam", Kind.SOFT),
        ("5.7.1", "550 5.7.1 Blocked by policy", Kind.SOFT),
        ("4.4.7", "Delivery time expired", Kind.SOFT),
        ("4.1.1", "450 4.1.1 User unknown (temporarily)", Kind.SOFT),
        ("5.3.0", "554 5.3.0 Internal system error", Kind.SOFT),
    ],
)
def test_hard_or_soft_as_sisimai_has_it(status: str, diagnostic: str, kind: Kind) -> None:
    assert parse_report(_dsn("failed", status, diagnostic)).kind is kind


def test_a_delivered_or_delayed_dsn_changes_nothing() -> None:
    assert parse_report(_dsn("delayed", "4.4.1", "Connection timed out")).kind is Kind.IGNORED
    assert parse_report(_dsn("delivered", "2.0.0", "250 OK")).kind is Kind.IGNORED


def test_reasons() -> None:
    assert classify("5.1.1", "").hard
    assert classify(None, "sorry, no mailbox here by that name").reason == "userunknown"
    assert classify(None, "Your mailbox is full").reason == "mailboxfull"
    assert not classify(None, "something odd happened").hard


def test_garbage_is_not_understood() -> None:
    assert parse_report(b"\x00\xff not a message at all").kind is Kind.UNKNOWN
    assert parse_report(b"").kind is Kind.UNKNOWN
