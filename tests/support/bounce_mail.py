"""Bounce reports about messages a test sent, as remote servers would write them."""

from __future__ import annotations

from tests.support.smtp_server import ReceivedMessage

#: A Date far in the past: matching must never go by the report's own Date.
OLD_DATE = "Mon, 01 Jan 2001 00:00:00 +0000"


def _original_headers(message: ReceivedMessage) -> str:
    head = message.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", errors="replace")
    return f"Return-Path: <{message.sender}>\r\n{head}\r\n"


def dsn_for(
    message: ReceivedMessage,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
    to: str | None = None,
    final_recipient: str | None = None,
    quote_original: bool = True,
) -> bytes:
    """An RFC 3464 report on ``message``, sent to its envelope sender (VERP) or ``to``."""
    rcpt = final_recipient or message.recipients[0]
    original = (
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n" + _original_headers(message)
        if quote_original
        else ""
    )
    return (
        "Return-Path: <>\r\n"
        f"Delivered-To: {to or message.sender}\r\n"
        "From: MAILER-DAEMON@mx.remote.example (Mail Delivery System)\r\n"
        f"To: {to or message.sender}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {OLD_DATE}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.remote.example\r\n\r\n"
        f"Final-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; {diagnostic.format(rcpt=rcpt)}\r\n\r\n"
        f"{original}--b--\r\n"
    ).encode()


def arf_for(message: ReceivedMessage, *, feedback_type: str = "abuse") -> bytes:
    """An RFC 5965 feedback report on ``message``, sent to an abuse address."""
    body = message.data.split(b"\r\n\r\n", 1)[1].decode("utf-8", errors="replace")
    return (
        "From: feedback@fbl.provider.example\r\n"
        "To: abuse@shop.example.com\r\n"
        "Subject: Abuse report\r\n"
        f"Date: {OLD_DATE}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="f"\r\n\r\n'
        "--f\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n\r\n"
        "--f\r\nContent-Type: message/feedback-report\r\n\r\n"
        f"Feedback-Type: {feedback_type}\r\nUser-Agent: fbl/1.0\r\nVersion: 1\r\n"
        f"Original-Rcpt-To: <{message.recipients[0]}>\r\n\r\n"
        "--f\r\nContent-Type: message/rfc822\r\n\r\n"
        f"{_original_headers(message)}\r\n{body}\r\n--f--\r\n"
    ).encode()


def unsubscribe_mail(sender: str, to: str) -> bytes:
    """A reader's own mail asking to be taken off the list."""
    return (
        f"From: Reader <{sender}>\r\nTo: {to}\r\nSubject: unsubscribe\r\n"
        f"Date: {OLD_DATE}\r\nMessage-ID: <req.1@reader.example>\r\n\r\nPlease remove me.\r\n"
    ).encode()


def auto_reply(to: str) -> bytes:
    return (
        f"From: Holiday <holiday@reader.example>\r\nTo: {to}\r\n"
        "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n"
        f"Date: {OLD_DATE}\r\n\r\nBack in two weeks.\r\n"
    ).encode()


def ordinary_mail(to: str) -> bytes:
    return (
        f"From: Partner <partner@example.com>\r\nTo: {to}\r\nSubject: A question\r\n"
        f"Date: {OLD_DATE}\r\nMessage-ID: <q.1@example.com>\r\n\r\nWho handles ads?\r\n"
    ).encode()
