"""The bytes of one outgoing message, ready for the SMTP ``DATA`` phase.

Built with :mod:`email` and the SMTP policy (CRLF line ends, which aiosmtpd
and strict providers insist on), with bodies in 7-bit transfer encodings so
the message passes any server, whether or not it offers 8BITMIME.
Non-ASCII names and subjects become RFC 2047 encoded words.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from typing import Any, cast

from mailapp.models.base import utcnow

_HEADER_BREAKERS = ("\r", "\n", "\x00")


class MessageError(ValueError):
    """The message cannot be built from these values."""


class HeaderInjection(MessageError):
    """A header value carries a line break, which would let it add headers."""


class _VerbatimHeader(UnstructuredHeader):
    """Written exactly as given, never folded into encoded words.

    The standard folding turns a long unbreakable URL into ``=?utf-8?q?...?=``,
    which mail clients then cannot use as an unsubscribe link. Values stored
    here are checked to be printable ASCII without spaces.
    """

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {self}{policy.linesep}"  # type: ignore[attr-defined]


def _make_policy() -> email_policy.EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    verbatim = cast(type[BaseHeader], _VerbatimHeader)
    registry.map_to_type("list-unsubscribe", verbatim)
    registry.map_to_type("list-unsubscribe-post", verbatim)
    # Folding would move the id to a continuation line; keep it whole.
    registry.map_to_type("message-id", verbatim)
    return email_policy.SMTP.clone(cte_type="7bit", header_factory=registry)


POLICY = _make_policy()

_counter_lock = threading.Lock()
_counter = 0


def _check_header(value: str, what: str) -> str:
    if any(ch in value for ch in _HEADER_BREAKERS):
        raise HeaderInjection(f"{what} cannot contain line breaks: {value!r}")
    return value


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise MessageError(f"{domain!r} is not a valid domain name") from None


def make_message_id(domain: str) -> str:
    """A new globally unique ``<...@domain>`` Message-ID (RFC 5322 §3.6.4).

    The left part joins the time, the process, a per-process counter and a
    random UUID, so ids stay unique across threads, processes and machines
    that send for the same domain. The sender's domain on the right keeps
    the id from looking forged to spam filters.
    """
    global _counter
    domain = _check_header(domain, "Domain").strip().strip("[]").lower()
    if not domain or any(ch.isspace() or ch in "<>@" for ch in domain):
        raise MessageError(f"{domain!r} cannot be used in a Message-ID")
    with _counter_lock:
        _counter += 1
        count = _counter
    left = f"{time.time_ns():x}.{os.getpid():x}.{count:x}.{uuid.uuid4().hex}"
    return f"<{left}@{_ascii_domain(domain)}>"


def _address(display_name: str, email: str, what: str) -> Address:
    _check_header(display_name, f"{what} name")
    _check_header(email, f"{what} address")
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        raise MessageError(f"{what} address {email!r} is not an email address")
    if not local.isascii():
        raise MessageError(
            f"{what} address {email!r} has non-ASCII characters before the @, "
            "which this sender does not support"
        )
    try:
        return Address(
            display_name=display_name.strip(), username=local, domain=_ascii_domain(domain)
        )
    except (ValueError, IndexError) as exc:
        raise MessageError(f"{what} address {email!r} is not valid: {exc}") from None


def unsubscribe_headers(unsubscribe_url: str | None, sender_email: str) -> dict[str, str]:
    """``List-Unsubscribe`` (and the RFC 8058 one-click header for https links).

    Without an unsubscribe link the header still offers a mail to the sender
    with the subject "unsubscribe": large mailbox providers expect bulk mail
    to carry the header, and the sender can act on such replies.
    """
    url = (unsubscribe_url or "").strip()
    if not url:
        url = f"mailto:{sender_email.strip()}?subject=unsubscribe"
    _check_header(url, "Unsubscribe link")
    if not url.isascii() or any(ch.isspace() or ch in "<>" for ch in url):
        raise MessageError(
            f"Unsubscribe link {url!r} must be an ASCII URL without spaces "
            "(percent-encode the other characters)"
        )
    if not url.lower().startswith(("mailto:", "https://", "http://")):
        raise MessageError(f"Unsubscribe link {url!r} must start with https://, http:// or mailto:")
    if len(url) > 900:
        raise MessageError("Unsubscribe link is longer than 900 characters")
    headers = {"List-Unsubscribe": f"<{url}>"}
    if url.lower().startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def build_message(
    *,
    sender_name: str,
    sender_email: str,
    to: str,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    unsubscribe_url: str | None,
    mailing_id: int | str,
) -> bytes:
    """The complete message as CRLF bytes, or :class:`MessageError`.

    Every header value is checked for line breaks first
    (:class:`HeaderInjection`): the values come from contacts and templates.
    """
    _check_header(subject, "Subject")
    _check_header(message_id, "Message-ID")
    mailing = _check_header(str(mailing_id), "Mailing id")
    message_id = message_id.strip()
    if not (
        message_id.startswith("<")
        and message_id.endswith(">")
        and "@" in message_id
        and message_id.isascii()
        and not any(ch.isspace() for ch in message_id)
        and len(message_id) <= 250
    ):
        raise MessageError(f"Message-ID {message_id!r} must look like <left@domain>")

    msg = EmailMessage(policy=POLICY)
    msg["From"] = _address(sender_name, sender_email, "Sender")
    msg["To"] = _address("", to, "Recipient")
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id
    msg["MIME-Version"] = "1.0"
    for name, value in unsubscribe_headers(unsubscribe_url, sender_email).items():
        msg[name] = value
    msg["X-Mailapp-Mailing"] = mailing
    msg.make_alternative()
    text_part = MIMEPart(policy=POLICY)
    text_part.set_content(text, subtype="plain", charset="utf-8")
    html_part = MIMEPart(policy=POLICY)
    html_part.set_content(html, subtype="html", charset="utf-8")
    msg.attach(cast(EmailMessage, text_part))
    msg.attach(cast(EmailMessage, html_part))
    return msg.as_bytes()
