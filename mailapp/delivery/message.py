"""The bytes of one outgoing message, ready for the SMTP ``DATA`` phase.

CRLF line ends (which aiosmtpd and strict providers insist on), bodies in
7-bit transfer encodings so the message passes any server, whether or not
it offers 8BITMIME, and RFC 2047 encoded words for non-ASCII names and
subjects.

A mailing sends thousands of messages that differ only in a few headers and
the personalised bodies, so the work is split: a :class:`MessageSkeleton`
holds everything that is the same for the whole mailing (the ``From`` line,
the constant headers, the multipart boundary and part headers), made once
with the :mod:`email` package's own folding, and
:meth:`MessageSkeleton.build` only formats the varying parts with plain
string operations and the C encoders of :mod:`binascii`. Values the fast
paths are not sure about (an unusual recipient address, a subject with
control characters or something that looks like an encoded word) go
through the :mod:`email` package, exactly as a fully generic builder would.

International addresses are written the way the validator
(:mod:`email_validator`) reads them, so that every address it calls valid
can be sent: a domain goes out as IDNA 2008 punycode (``xn--``), and a
non-ASCII local part only in a message built for an SMTPUTF8 transaction
(RFC 6531/6532), where the header carries it as UTF-8; anywhere else it is
refused, because no 7-bit encoding of a local part exists.
:mod:`mailapp.delivery.addresses` gives the dispatcher the matching
envelope address.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import os
import random
import re
import time
from email import policy as email_policy
from email import quoprimime
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from functools import lru_cache
from typing import Any, cast
from urllib.parse import quote

from email_validator import EmailNotValidError, validate_email

_HEADER_BREAKERS = ("\r", "\n", "\x00")

#: The folding limit of the SMTP policy (RFC 5322 recommends 78 characters).
MAX_LINE = 78


class MessageError(ValueError):
    """The message cannot be built from these values."""


class HeaderInjection(MessageError):
    """A header value carries a line break, which would let it add headers."""


class AddressError(MessageError):
    """An address that cannot be written into a message or an SMTP command.

    Its own class so that the dispatcher can tell a recipient that can never
    be sent (cancel that one, go on with the others) from a broken mailing.
    """


class UnsubscribeLinkError(MessageError):
    """An unsubscribe link that cannot go into ``List-Unsubscribe``.

    ``problem`` says which rule it breaks (``scheme``, ``characters`` or
    ``too_long``), so that the UnsubscribeUrl setting can refuse it with a
    sentence in the UI language rather than this English text.
    """

    def __init__(self, message: str, problem: str) -> None:
        super().__init__(message)
        self.problem = problem


class _VerbatimHeader(UnstructuredHeader):
    """Written exactly as given, never folded into encoded words.

    The standard folding turns a long unbreakable URL into ``=?utf-8?q?...?=``,
    which mail clients then cannot use as an unsubscribe link. Values stored
    here are checked to be printable ASCII without spaces.
    """

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {self}{policy.linesep}"  # type: ignore[attr-defined]


def _make_policy() -> email_policy.EmailPolicy[Any]:
    registry = HeaderRegistry()
    verbatim = cast(type[BaseHeader], _VerbatimHeader)
    registry.map_to_type("list-unsubscribe", verbatim)
    registry.map_to_type("list-unsubscribe-post", verbatim)
    # Folding would move the id to a continuation line; keep it whole.
    registry.map_to_type("message-id", verbatim)
    return email_policy.SMTP.clone(cte_type="7bit", header_factory=registry)


POLICY = _make_policy()
#: For the headers of a message that goes out in an SMTPUTF8 transaction:
#: addresses (and with them any display name) written as UTF-8 (RFC 6532).
UTF8_POLICY = POLICY.clone(utf8=True)

# ``next()`` of an ``itertools.count`` is atomic, so threads never share a value.
_counter = itertools.count(1)


def _check_header(value: str, what: str) -> str:
    if any(ch in value for ch in _HEADER_BREAKERS):
        raise HeaderInjection(f"{what} cannot contain line breaks: {value!r}")
    return value


@lru_cache(maxsize=8192)
def _ascii_domain(domain: str) -> str:
    """The domain as it goes on the wire: IDNA 2008 punycode for a non-ASCII one.

    A non-ASCII domain is converted by :mod:`email_validator`, the code that
    judged the address valid, so both agree on which domain is meant: the
    IDNA 2003 codec of the standard library maps ``faß.de`` to ``fass.de``,
    which is somebody else's domain. ASCII domains keep their spelling.
    """
    if domain.isascii():
        try:
            return domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise AddressError(f"{domain!r} is not a valid domain name") from None
    try:
        # Lenient on what only deliverability needs (a dot, a known
        # top-level domain): this converts, the validator judges.
        checked = validate_email(
            f"a@{domain}",
            check_deliverability=False,
            globally_deliverable=False,
            test_environment=True,
        )
    except EmailNotValidError as exc:
        raise AddressError(f"{domain!r} is not a valid domain name: {exc}") from None
    return checked.ascii_domain


@lru_cache(maxsize=256)
def _message_id_domain(domain: str) -> str:
    domain = _check_header(domain, "Domain").strip().strip("[]").lower()
    if not domain or any(ch.isspace() or ch in "<>@" for ch in domain):
        raise MessageError(f"{domain!r} cannot be used in a Message-ID")
    return _ascii_domain(domain)


def make_message_id(domain: str) -> str:
    """A new globally unique ``<...@domain>`` Message-ID (RFC 5322 §3.6.4).

    The left part joins the time, the process, a per-process counter and 64
    random bits, so ids stay unique across threads, processes and machines
    that send for the same domain. The sender's domain on the right keeps
    the id from looking forged to spam filters.
    """
    right = _message_id_domain(domain)
    return f"<{time.time_ns():x}.{os.getpid():x}.{next(_counter):x}.{os.urandom(8).hex()}@{right}>"


_QUOTED_PAIR = re.compile(r"\\(.)")


def _address(display_name: str, email: str, what: str, *, smtputf8: bool = False) -> Address:
    """``email`` as a header address: punycode domain, local part unquoted.

    The :mod:`email` package quotes a local part itself where needed, so a
    quoted one (``"odd local"@x``) is unquoted first, or it would be quoted
    twice. A non-ASCII local part is refused unless the message is for an
    SMTPUTF8 transaction: RFC 2047 encoded words are not allowed in an
    address, so there is no 7-bit way to write it.
    """
    _check_header(display_name, f"{what} name")
    _check_header(email, f"{what} address")
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        raise AddressError(f"{what} address {email!r} is not an email address")
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = _QUOTED_PAIR.sub(r"\1", local[1:-1])
    if not smtputf8 and not local.isascii():
        raise AddressError(
            f"{what} address {email!r} has non-ASCII characters before the @, which only "
            "a server that offers SMTPUTF8 (RFC 6531) accepts, and this server does not"
        )
    try:
        return Address(
            display_name=display_name.strip(), username=local, domain=_ascii_domain(domain)
        )
    except (ValueError, IndexError) as exc:
        raise AddressError(f"{what} address {email!r} is not valid: {exc}") from None


def _fold(name: str, value: Any, policy: email_policy.EmailPolicy[Any] = POLICY) -> bytes:
    """One header as the :mod:`email` package folds it, CRLF included.

    Under :data:`UTF8_POLICY` the line may carry UTF-8 (RFC 6532).
    """
    folded = cast(str, policy.header_factory(name, value).fold(policy=policy))
    return folded.encode("utf-8" if policy.utf8 else "ascii")


def _address_line(name: str, address: Address) -> bytes:
    """An address header: 7-bit unless the local part needs UTF-8."""
    if address.username.isascii():
        return _fold(name, address)
    return _fold(name, address, UTF8_POLICY)


#: The longest link ``List-Unsubscribe`` takes: the header stays one line
#: well within the 998 characters of RFC 5322, since it cannot be folded.
MAX_UNSUBSCRIBE_URL = 900
_UNSUBSCRIBE_SCHEMES = ("https://", "http://", "mailto:")


def check_unsubscribe_url(url: str) -> str:
    """The stripped link if ``List-Unsubscribe`` can carry it, else :class:`UnsubscribeLinkError`.

    The one rule for the link, used by :func:`unsubscribe_headers` for each
    message and by the UnsubscribeUrl setting when it is changed, so that a
    link the setting takes never fails later, message after message. Empty
    means "no link". The header is written verbatim (folding would turn the
    link into encoded words that no client can open), so the link must be
    ASCII without spaces or angle brackets. A template passes as it is:
    ``{email}`` and ``{token}`` are ASCII without spaces, and
    :func:`unsubscribe_link` fills them in percent-encoded.
    """
    _check_header(url, "Unsubscribe link")
    url = url.strip()
    if not url:
        return url
    if not url[:8].lower().startswith(_UNSUBSCRIBE_SCHEMES):
        raise UnsubscribeLinkError(
            f"Unsubscribe link {url!r} must start with https://, http:// or mailto:", "scheme"
        )
    if not url.isascii() or any(ch.isspace() or ch in "<>" for ch in url):
        raise UnsubscribeLinkError(
            f"Unsubscribe link {url!r} must be an ASCII URL without spaces "
            "(percent-encode the other characters)",
            "characters",
        )
    if len(url) > MAX_UNSUBSCRIBE_URL:
        raise UnsubscribeLinkError(
            f"Unsubscribe link is longer than {MAX_UNSUBSCRIBE_URL} characters", "too_long"
        )
    return url


def unsubscribe_link(template: str, email: str, token: str = "") -> str:
    """The UnsubscribeUrl ``template`` with ``{email}`` and ``{token}`` filled in.

    The address is percent-encoded, because it may hold characters that mean
    something in a URL (``+`` reads as a space in a query, ``&``, ``=``,
    ``/``, ``?``, ``#``), and non-ASCII ones that ``List-Unsubscribe``
    cannot carry. The ``@`` stays readable, which RFC 3986 allows in a path
    and a query. A token (:mod:`mailapp.delivery.tokens`) is lower-case
    base32 and goes in as it is; without one ``{token}`` stays.
    """
    if "{email}" in template:
        template = template.replace("{email}", quote(email.strip(), safe="@"))
    if token:
        template = template.replace("{token}", token)
    return template


def _fallback_link(sender_email: str) -> str:
    """``mailto:`` the sender with the subject "unsubscribe" (RFC 6068).

    The domain in punycode and a non-ASCII local part percent-encoded as
    UTF-8, so that the link is ASCII whatever the sender's address.
    """
    local, _, domain = sender_email.strip().rpartition("@")
    address = f"{local}@{_ascii_domain(domain)}" if local and domain else sender_email
    return unsubscribe_link("mailto:{email}?subject=unsubscribe", address)


def unsubscribe_headers(unsubscribe_url: str | None, sender_email: str) -> dict[str, str]:
    """``List-Unsubscribe`` (and the RFC 8058 one-click header for https links).

    Without an unsubscribe link the header still offers a mail to the sender
    with the subject "unsubscribe": large mailbox providers expect bulk mail
    to carry the header, and the sender can act on such replies.
    """
    url = check_unsubscribe_url(unsubscribe_url or "")
    if not url:
        url = check_unsubscribe_url(_fallback_link(sender_email))
    headers = {"List-Unsubscribe": f"<{url}>"}
    if url[:8].lower().startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


# -- the varying headers ------------------------------------------------------

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
#: A dot-atom local part at an LDH domain: written as is, nothing to quote.
_SIMPLE_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
#: Characters a fast-path subject must not contain: controls, line and paragraph
#: separators (which :meth:`str.splitlines` breaks on) and lone surrogates.
_SUBJECT_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|=\\?|  ")
_SUBJECT_PREFIX = len("Subject: ")
#: UTF-8 bytes per encoded word: ``=?utf-8?b?`` + base64 + ``?=`` stays within
#: 75 characters (RFC 2047) and each line within 78.
_EW_FIRST = (MAX_LINE - _SUBJECT_PREFIX - 12) // 4 * 3
_EW_NEXT = 45


def _to_line(to: str, smtputf8: bool = False) -> bytes:
    # Stripped first, as the envelope's address is: a line break around an
    # address is whitespace the validator ignores, one inside it is refused.
    address = _check_header(to.strip(), "Recipient address")
    if address.isascii() and _SIMPLE_ADDRESS.fullmatch(address) and len(address) <= 70:
        local, _, domain = address.rpartition("@")
        return f"To: {local}@{_ascii_domain(domain)}\r\n".encode("ascii")
    return _address_line("To", _address("", address, "Recipient", smtputf8=smtputf8))


def _subject_line(subject: str) -> bytes:
    if (
        not subject
        or subject[0] == " "
        or subject[-1] == " "
        or _SUBJECT_UNSAFE.search(subject) is not None
    ):
        return _fold("Subject", subject)
    if subject.isascii():
        if _SUBJECT_PREFIX + len(subject) <= MAX_LINE:
            return f"Subject: {subject}\r\n".encode("ascii")
        return _fold_ascii_subject(subject)
    return _encoded_subject(subject.encode("utf-8"))


def _fold_ascii_subject(subject: str) -> bytes:
    """Fold before spaces so that every line fits in 78 characters."""
    words = subject.split(" ")
    lines: list[str] = []
    line = "Subject: " + words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= MAX_LINE:
            line += " " + word
        else:
            lines.append(line)
            line = " " + word
    lines.append(line)
    if max(map(len, lines)) > MAX_LINE:  # an unbreakable word: let email encode it
        return _fold("Subject", subject)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _encoded_subject(data: bytes) -> bytes:
    """RFC 2047 ``B`` encoded words, split between characters, one per line."""
    words: list[bytes] = []
    start, size, end = 0, _EW_FIRST, len(data)
    while start < end:
        stop = start + size
        if stop < end:
            while data[stop] & 0xC0 == 0x80:  # never split a UTF-8 sequence
                stop -= 1
        words.append(b"=?utf-8?b?" + binascii.b2a_base64(data[start:stop], newline=False) + b"?=")
        start, size = stop, _EW_NEXT
    return b"Subject: " + b"\r\n ".join(words) + b"\r\n"


_date_cache: tuple[int, bytes] = (-1, b"")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_line() -> bytes:
    """``Date:`` in UTC (RFC 5322 §3.3), formatted once per second."""
    global _date_cache
    now = int(time.time())
    cached = _date_cache
    if cached[0] == now:
        return cached[1]
    t = time.gmtime(now)
    line = (
        f"Date: {_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000\r\n"
    ).encode("ascii")
    _date_cache = (now, line)
    return line


def _message_id_line(message_id: str) -> bytes:
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
    return f"Message-ID: {message_id}\r\n".encode("ascii")


# -- the bodies -----------------------------------------------------------------

#: Bytes quoted-printable leaves as they are (``email.quoprimime``'s body map).
_QP_SAFE = bytes(range(0x20, 0x7F)).replace(b"=", b"") + b"\t\r\n"


def _sniff_prefers_base64(sniff: bytes, line_count: int) -> bool:
    """The :mod:`email` package's choice between base64 and quoted-printable.

    It encodes the first ten lines both ways and takes the shorter. The
    quoted-printable length is bounded from both sides without encoding; only
    a close call pays for the exact (pure Python) encoder.
    """
    b64 = (len(sniff) + 2) // 3 * 4 + 1
    quoted = len(sniff.translate(None, _QP_SAFE))
    low = len(sniff) + 2 * quoted - line_count  # each CRLF becomes one newline
    high = low + 2 * (low // 70 + line_count + 1) + 3 * line_count
    if b64 < low:
        return True
    if b64 > high:
        return False
    return len(quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)) > b64


def encode_body(text: str) -> tuple[str, bytes]:
    """Transfer encoding and CRLF-ended encoded lines of one UTF-8 text part.

    The same choice as :meth:`email.message.EmailMessage.set_content` under a
    7-bit policy: ``7bit`` for ASCII with lines of at most 78 bytes, else the
    shorter of base64 and quoted-printable for the first ten lines.
    """
    lines = text.encode("utf-8").splitlines()
    body = b"\r\n".join(lines) + b"\r\n"
    if body.isascii() and max(map(len, lines), default=0) <= MAX_LINE:
        return "7bit", body
    head = lines[:10]
    sniff = body if len(lines) <= 10 else b"\r\n".join(head) + b"\r\n"
    if _sniff_prefers_base64(sniff, len(head)):
        return "base64", base64.encodebytes(body).replace(b"\n", b"\r\n")
    return "quoted-printable", binascii.b2a_qp(body, istext=True)


def _new_boundary() -> bytes:
    return b"===============%019d==" % random.randrange(10**19)


class MessageSkeleton:
    """What every message of one mailing shares, encoded once.

    Build with :func:`message_skeleton` (cached); then :meth:`build` per
    recipient.
    """

    __slots__ = ("_boundary", "_from", "_sender_email", "_tail")

    def __init__(
        self, sender_name: str, sender_email: str, mailing_id: int | str, smtputf8: bool = False
    ) -> None:
        mailing = _check_header(str(mailing_id), "Mailing id")
        self._sender_email = sender_email
        self._from = _address_line(
            "From", _address(sender_name, sender_email, "Sender", smtputf8=smtputf8)
        )
        self._boundary = _new_boundary()
        self._tail = _fold("X-Mailapp-Mailing", mailing)

    def _content_type(self, boundary: bytes) -> bytes:
        return b'Content-Type: multipart/alternative;\r\n boundary="' + boundary + b'"\r\n'

    def build(
        self,
        *,
        to: str,
        subject: str,
        html: str,
        text: str,
        message_id: str,
        unsubscribe_url: str | None,
        smtputf8: bool = False,
    ) -> bytes:
        """The complete message as CRLF bytes, or :class:`MessageError`.

        Every header value is checked for line breaks first
        (:class:`HeaderInjection`): the values come from contacts and templates.
        ``smtputf8``: see :func:`build_message`.
        """
        _check_header(subject, "Subject")
        _check_header(message_id, "Message-ID")
        id_line = _message_id_line(message_id)
        to_line = _to_line(to, smtputf8)
        subject_line = _subject_line(subject)
        unsubscribe = unsubscribe_headers(unsubscribe_url, self._sender_email)
        text_cte, text_data = encode_body(text)
        html_cte, html_data = encode_body(html)
        boundary = self._boundary
        while boundary in text_data or boundary in html_data:
            boundary = _new_boundary()
        delimiter = b"\r\n--" + boundary
        parts = [
            self._from,
            to_line,
            subject_line,
            _date_line(),
            id_line,
            b"MIME-Version: 1.0\r\n",
            b"List-Unsubscribe: " + unsubscribe["List-Unsubscribe"].encode("ascii") + b"\r\n",
        ]
        if "List-Unsubscribe-Post" in unsubscribe:
            parts.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        parts += [
            self._tail,
            self._content_type(boundary),
            delimiter,
            b'\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            text_cte.encode("ascii"),
            b"\r\n\r\n",
            text_data,
            delimiter,
            b'\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: ',
            html_cte.encode("ascii"),
            b"\r\n\r\n",
            html_data,
            delimiter,
            b"--\r\n",
        ]
        return b"".join(parts)


@lru_cache(maxsize=64)
def message_skeleton(
    sender_name: str, sender_email: str, mailing_id: int | str, smtputf8: bool = False
) -> MessageSkeleton:
    """The (cached) skeleton of a mailing's messages.

    ``smtputf8`` only matters for a sender with a non-ASCII local part.
    """
    return MessageSkeleton(sender_name, sender_email, mailing_id, smtputf8)


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
    smtputf8: bool = False,
) -> bytes:
    """The complete message as CRLF bytes, or :class:`MessageError`.

    Every header value is checked for line breaks first
    (:class:`HeaderInjection`): the values come from contacts and templates.

    ``smtputf8`` says the message goes out in an SMTPUTF8 transaction
    (RFC 6531), which :attr:`EnvelopeAddress.needs_smtputf8
    <mailapp.delivery.addresses.EnvelopeAddress.needs_smtputf8>` tells: then
    an address with a non-ASCII local part is written as UTF-8 (RFC 6532);
    without it such an address is an :class:`AddressError`. It changes
    nothing else, so an ASCII message is the same either way.
    """
    _check_header(subject, "Subject")
    _check_header(message_id, "Message-ID")
    _check_header(str(mailing_id), "Mailing id")
    # An ASCII sender has one skeleton, whatever the transaction.
    skeleton = message_skeleton(
        sender_name, sender_email, mailing_id, smtputf8 and not sender_email.isascii()
    )
    return skeleton.build(
        to=to,
        subject=subject,
        html=html,
        text=text,
        message_id=message_id,
        unsubscribe_url=unsubscribe_url,
        smtputf8=smtputf8,
    )
