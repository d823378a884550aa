"""What a message in the bounce mailbox says: a bounce, a complaint, an unsubscribe request…

One message in, one :class:`Report` out, with no database: the services
match it to a recipient and apply it. In order:

1. an ARF feedback report (RFC 5965, ``multipart/report;
   report-type=feedback-report``): a spam complaint;
2. a delivery status notification (RFC 3464, ``message/delivery-status``):
   per recipient its ``Action``, ``Status`` and ``Diagnostic-Code``;
   ``failed`` is a bounce, hard or soft by :mod:`bounce_reasons`;
   ``delayed`` changes nothing;
3. an automatic reply (RFC 3834 ``Auto-Submitted``, or the headers and
   subjects that vacation programs use): ignored;
4. a message to ``UnsubscribeMailbox``: an unsubscribe request from its
   sender;
5. anything else goes to flufl.bounce, GNU Mailman's detectors of the
   non-standard bounces (qmail, old Exchange, Yahoo, Gmail's texts…),
   which say which addresses failed permanently or temporarily; the text
   around the address gives the reason.

What none of these understands is :attr:`Kind.UNKNOWN`: it stays in the
mailbox for a person to read.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr
from enum import StrEnum

from flufl.bounce import all_failures

from mailapp.delivery.bounce_reasons import BounceReason, classify, is_permanent, status_in

#: A report is read from its first bytes only: no real one is bigger.
MAX_REPORT_BYTES = 4 * 1024 * 1024


class Kind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    #: Understood, and nothing to do: a delay notice, an auto-reply, a
    #: delivery confirmation, a "not spam" report.
    IGNORED = "ignored"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Failure:
    """One recipient a bounce is about."""

    address: str | None
    status: str | None
    reason: BounceReason
    diagnostic: str


@dataclass(frozen=True)
class Report:
    kind: Kind
    #: Addresses the report is about: the failed ones of a bounce, the
    #: complainer's, the sender of an unsubscribe request.
    addresses: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    #: Message-IDs of the original message that the report quotes.
    message_ids: tuple[str, ...] = ()
    #: Headers and texts of the report and of what it encloses, searched for
    #: the VERP address and for tokens.
    text: str = field(default="", repr=False)
    #: A short line for the recipient's last error: what the server said.
    detail: str = ""


def parse_report(data: bytes, unsubscribe_mailbox: str = "") -> Report:
    """The :class:`Report` of one raw message (``unsubscribe_mailbox`` bare, or empty)."""
    msg = email.message_from_bytes(data[:MAX_REPORT_BYTES])
    text = _searchable(msg)
    ids = _quoted_message_ids(msg, text)
    feedback = _find(msg, "message/feedback-report")
    if feedback is not None:
        return _complaint(msg, feedback, text, ids)
    status = _find(msg, "message/delivery-status")
    if status is not None:
        report = _dsn(status, text, ids)
        if report is not None:
            return report
    if _is_auto_reply(msg):
        return Report(Kind.IGNORED, text=text, detail="automatic reply")
    if unsubscribe_mailbox and _addressed_to(msg, unsubscribe_mailbox):
        sender = parseaddr(str(msg.get("From", "")))[1]
        return Report(
            Kind.UNSUBSCRIBE,
            addresses=(sender,) if "@" in sender else (),
            message_ids=ids,
            text=text,
            detail="unsubscribe request by mail",
        )
    return _heuristic(msg, text, ids)


# -- the parts ---------------------------------------------------------------


def _parts(msg: Message, *, enclosed: bool = True) -> Iterator[Message]:
    """Every part, depth first; ``enclosed=False`` stops at attached messages."""
    yield msg
    if msg.get_content_type() == "message/rfc822" and not enclosed:
        return
    payload = msg.get_payload()
    if isinstance(payload, list):
        for part in payload:
            if isinstance(part, Message):
                yield from _parts(part, enclosed=enclosed)


def _find(msg: Message, content_type: str) -> Message | None:
    return next((p for p in _parts(msg) if p.get_content_type() == content_type), None)


def _text_of(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("latin-1")


def _headers_text(msg: Message) -> str:
    return "".join(f"{name}: {value}\n" for name, value in msg.items())


def _searchable(msg: Message) -> str:
    chunks = []
    for part in _parts(msg):
        chunks.append(_headers_text(part))
        if part.get_content_maintype() == "text" or part.get_content_type() in (
            "message/delivery-status",
            "message/feedback-report",
        ):
            chunks.append(_text_of(part) if part.get_content_maintype() == "text" else "")
    return "\n".join(chunks)


def _enclosed_headers(msg: Message) -> list[Message]:
    """The headers of the original message a report carries, if it does."""
    found: list[Message] = []
    for part in _parts(msg):
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                found.append(inner[0])
        elif kind == "text/rfc822-headers":
            found.append(HeaderParser().parsestr(_text_of(part)))
    return found


_QUOTED_ID = re.compile(r"^\s*>?\s*Message-I[dD]:\s*(<[^<>\s]+>)", re.MULTILINE | re.IGNORECASE)


def _quoted_message_ids(msg: Message, text: str) -> tuple[str, ...]:
    own = str(msg.get("Message-ID", "")).strip()
    ids: list[str] = []
    for headers in _enclosed_headers(msg):
        value = str(headers.get("Message-ID", "")).strip()
        if value:
            ids.append(value)
    ids.extend(m[1] for m in _QUOTED_ID.finditer(text))
    return tuple(dict.fromkeys(i for i in ids if i and i != own))


# -- ARF ---------------------------------------------------------------------

#: Feedback types that are no complaint (RFC 5965 §7.3; "not-spam" from
#: RFC 6650's registry).
_NOT_COMPLAINTS = frozenset({"not-spam", "auth-failure"})


def _fields(part: Message) -> Message:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    return HeaderParser().parsestr(_text_of(part))


def _complaint(msg: Message, feedback: Message, text: str, ids: tuple[str, ...]) -> Report:
    fields = _fields(feedback)
    kind = str(fields.get("Feedback-Type", "abuse")).strip().lower()
    if kind in _NOT_COMPLAINTS:
        return Report(Kind.IGNORED, text=text, detail=f"feedback report: {kind}")
    addresses = [a for _, a in getaddresses(fields.get_all("Original-Rcpt-To", []))]
    for headers in _enclosed_headers(msg):
        addresses.extend(a for _, a in getaddresses(headers.get_all("To", [])))
    return Report(
        Kind.COMPLAINT,
        addresses=tuple(dict.fromkeys(a for a in addresses if "@" in a)),
        message_ids=ids,
        text=text,
        detail=f"spam complaint ({kind})",
    )


# -- DSN ---------------------------------------------------------------------


def _recipient_blocks(status: Message) -> list[Message]:
    payload = status.get_payload()
    if isinstance(payload, list):
        blocks = [b for b in payload if isinstance(b, Message)]
    else:
        blocks = [HeaderParser().parsestr(b) for b in re.split(r"\n\s*\n", _text_of(status))]
    return [b for b in blocks if b.get("Action") or b.get("Final-Recipient")]


def _address_field(value: object) -> str | None:
    text = str(value or "").strip()
    if ";" in text:
        text = text.split(";", 1)[1]
    address = parseaddr(text.strip())[1] or text.strip().strip("<>")
    return address if "@" in address else None


def _dsn(status: Message, text: str, ids: tuple[str, ...]) -> Report | None:
    failures: list[Failure] = []
    delayed = False
    for block in _recipient_blocks(status):
        action = str(block.get("Action", "")).strip().lower()
        code = status_in(str(block.get("Status", "")))
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        if diagnostic.lower().startswith("smtp;"):
            diagnostic = diagnostic[5:].strip()
        address = _address_field(block.get("Final-Recipient")) or _address_field(
            block.get("Original-Recipient")
        )
        if action == "delayed":
            delayed = True
        elif action == "failed":
            reason = classify(code or status_in(diagnostic), diagnostic)
            if is_permanent(code, diagnostic) is False:  # a 4xx given up on: soft
                reason = BounceReason(reason.reason, False)
            failures.append(Failure(address, code, reason, diagnostic))
    if failures:
        return _bounce(failures, text, ids)
    if delayed:
        return Report(Kind.IGNORED, text=text, detail="delivery delayed")
    if _recipient_blocks(status):
        return Report(Kind.IGNORED, text=text, detail="delivery notice")
    return None


def _bounce(failures: list[Failure], text: str, ids: tuple[str, ...]) -> Report:
    hard = any(f.reason.hard for f in failures)
    first = next(f for f in failures if f.reason.hard == hard)
    said = first.diagnostic or first.status or ""
    detail = f"{first.reason.reason}: {said}" if said else first.reason.reason
    return Report(
        Kind.HARD if hard else Kind.SOFT,
        addresses=tuple(dict.fromkeys(f.address for f in failures if f.address)),
        failures=tuple(failures),
        message_ids=ids,
        text=text,
        detail=detail[:500],
    )


# -- auto-replies --------------------------------------------------------------

_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mdaemon|maildelivery)", re.I)
_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|auto:|out of (the )?office|"
    r"abwesenheitsnotiz|absence|vacation|автоответ|автоматический ответ)",
    re.IGNORECASE,
)


def _is_auto_reply(msg: Message) -> bool:
    sender = parseaddr(str(msg.get("From", "")))[1]
    if _DAEMONS.match(sender):
        return False  # a bounce of a server without a DSN
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    if any(msg.get(h) for h in ("X-Autoreply", "X-Autorespond")):
        return True
    if str(msg.get("Precedence", "")).strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(str(msg.get("Subject", ""))))


def _addressed_to(msg: Message, mailbox: str) -> bool:
    local, _, domain = mailbox.lower().rpartition("@")
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    for _, address in getaddresses([str(v) for h in headers for v in msg.get_all(h, [])]):
        a_local, _, a_domain = address.lower().rpartition("@")
        if a_domain == domain and (a_local == local or a_local.startswith(local + "+")):
            return True
    return False


# -- non-standard bounces ----------------------------------------------------------


def _own_text(msg: Message) -> str:
    """The report's own texts, without the original message it quotes."""
    return "\n".join(
        _text_of(p) for p in _parts(msg, enclosed=False) if p.get_content_maintype() == "text"
    )


#: Exchange 2003/2007 without a DSN: "The following recipient(s) cannot be
#: reached:" and then "ADDRESS on DATE" lines (flufl.bounce knows only the
#: older "did not reach the following recipient(s)").
_EXCHANGE_START = re.compile(r"following recipient\(s\) (cannot|could not) be reached", re.I)
_EXCHANGE_LINE = re.compile(r"^\s*(?P<addr>[^\s@<>]+@[^\s@<>]+) on ", re.M)


def _supplement(msg: Message, own: str) -> frozenset[bytes]:
    """Permanent failures of the formats flufl.bounce misses: Exchange's
    later texts and the ``X-Failed-Recipients`` header of Exim and Gmail."""
    found: set[str] = set()
    start = _EXCHANGE_START.search(own)
    if start is not None:
        found.update(m["addr"] for m in _EXCHANGE_LINE.finditer(own, start.end()))
    if _DAEMONS.match(parseaddr(str(msg.get("From", "")))[1]):
        failed = [str(v) for v in msg.get_all("X-Failed-Recipients", [])]
        found.update(a for _, a in getaddresses(failed) if "@" in a)
    return frozenset(a.encode("ascii", errors="ignore") for a in found)


def _heuristic(msg: Message, text: str, ids: tuple[str, ...]) -> Report:
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector that trips over a malformed message
        return Report(Kind.UNKNOWN, text=text)
    own = _own_text(msg)
    if not temporary and not permanent:
        permanent = _supplement(msg, own)
    failures = []
    for raw in sorted(permanent):
        address = raw.decode("ascii", errors="replace").strip("<>")
        where = own.lower().find(address.lower())
        around = own[where : where + 600] if where >= 0 else own
        code = status_in(around) or status_in(own)
        said = " ".join(around.split())[:300]
        reason = classify(code, around)
        if reason.reason in ("undefined", "onhold"):
            reason = classify(code, own)
        failures.append(Failure(address, code, reason, said))
    if failures:
        return _bounce(failures, text, ids)
    if temporary:
        return Report(Kind.IGNORED, text=text, detail="delivery delayed")
    return Report(Kind.UNKNOWN, text=text)
