"""The built-in provider: a local SMTP server that keeps every message in a folder.

With the ``sandbox`` provider a marketer can run a whole mailing, pause and
stop it, and read what each contact would have received, without sending
anything. The dispatcher talks to it over SMTP exactly as to a real
provider, so the same code paths are exercised.

Each accepted message becomes one ``.eml`` file in the outbox. The file is
written under a temporary name and renamed into place, so a reader never sees
half a message; no fsync per message, because losing the last messages of a
test outbox in a power cut costs nothing and fsync would cap the rate far
below what a mailing needs.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

SUFFIX = ".eml"
_TMP_SUFFIX = ".part"
_TIME_FORMAT = "%Y%m%dT%H%M%S%fZ"


class BoundController(Controller):
    """An aiosmtpd controller that listens on a socket bound beforehand.

    Binding port 0 first gives a free port with no race, and the real port
    is known before the server thread starts (the stock controller needs
    the port up front to check that the server answers).
    """

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)
        self._sock = sock

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening-ready socket on 127.0.0.1 (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


class _OutboxHandler:
    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self._sequence = itertools.count()
        #: Messages a second accepted over all connections (0: no pause).
        self.rate_per_second = 0
        self._next_slot = 0.0

    async def _pace(self) -> None:
        """Answer the final dot at a provider's pace, not a disk's: a new
        user can watch a mailing send and stop it half-way. Slots are
        reserved in turn on the server's one event loop, so the rate holds
        over every connection."""
        if self.rate_per_second <= 0:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate_per_second
        if slot > now:
            await asyncio.sleep(slot - now)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await self._pace()
        content = envelope.original_content or b""
        if isinstance(envelope.content, bytes):
            content = envelope.content
        trace = [f"Return-Path: <{envelope.mail_from or ''}>"]
        trace += [f"Delivered-To: {rcpt}" for rcpt in envelope.rcpt_tos]
        head = ("\r\n".join(trace) + "\r\n").encode("utf-8")
        now = datetime.now(UTC)
        name = f"{now.strftime(_TIME_FORMAT)}-{next(self._sequence):09d}-{uuid.uuid4().hex}"
        try:
            _write_atomically(self.outbox, name, head + content)
        except OSError as exc:
            log.error("sandbox cannot store a message: %s", exc)
            return f"451 4.3.0 Cannot store the message in the outbox: {exc.strerror or exc}"
        return f"250 2.0.0 Stored as {name}"


def _write_atomically(folder: Path, name: str, data: bytes) -> None:
    tmp = folder / f".{name}{_TMP_SUFFIX}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / f"{name}{SUFFIX}")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class SandboxServer:
    """The outbox SMTP server on 127.0.0.1, in a background thread.

    ``start()`` returns the host and port to connect to; ``stop()`` waits for
    the thread to end. Usable as a context manager.
    """

    def __init__(self, outbox: Path, port: int = 0) -> None:
        self.outbox = Path(outbox)
        self._port = port
        self._controller: BoundController | None = None
        self._handler = _OutboxHandler(self.outbox)
        self.address: tuple[str, int] | None = None

    @property
    def rate_per_second(self) -> int:
        return self._handler.rate_per_second

    @rate_per_second.setter
    def rate_per_second(self, value: int) -> None:
        self._handler.rate_per_second = max(0, value)

    def start(self) -> tuple[str, int]:
        if self._controller is not None and self.address is not None:
            return self.address
        self.outbox.mkdir(parents=True, exist_ok=True)
        sock = bind_loopback(self._port)
        controller = BoundController(
            self._handler,
            sock,
            server_hostname="mailapp-sandbox",
            data_size_limit=64 * 1024 * 1024,
        )
        try:
            controller.start()
        except BaseException:
            sock.close()
            raise
        self._controller = controller
        host, port = sock.getsockname()[:2]
        self.address = (host, port)
        return self.address

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        self.address = None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class OutboxHeader:
    """What the outbox's list shows of a message: its header alone.

    Reading a header is a small read and a header parse; the window lists
    thousands of these and reads a whole message (:func:`read_message`)
    only when it is opened.
    """

    path: Path
    received_at: datetime
    #: The envelope sender (``Return-Path``).
    sender: str
    #: The display name of ``From`` ("Shop" of ``Shop <news@shop.example>``).
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    #: The mailing that sent it (``X-Mailapp-Mailing``), None for a test email.
    mailing_id: int | None


@dataclass(frozen=True)
class OutboxMessage:
    path: Path
    received_at: datetime
    sender: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    html: str
    text: str


def _received_at(path: Path) -> datetime:
    stamp = path.name.split("-", 1)[0]
    try:
        return datetime.strptime(stamp, _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _decoded(value: str) -> str:
    """A raw header value as text: RFC 2047 words decoded, raw UTF-8
    (SMTPUTF8 messages) read as UTF-8."""
    if any("\udc80" <= c <= "\udcff" for c in value):
        return value.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError, HeaderParseError):
        return value


def _header_of(path: Path, msg: Message, decode: Callable[[str], str]) -> OutboxHeader:
    """The list's facts of a parsed message; ``decode`` turns a value of
    ``msg`` into text (nothing to do under the default policy)."""
    if msg.defects and not msg.keys():
        raise ValueError(f"{path.name} is not a message")

    def first(name: str) -> str:
        value = msg.get(name)
        return "" if value is None else str(value)

    sender = first("Return-Path").strip().strip("<>")
    recipients = tuple(str(r).strip() for r in msg.get_all("Delivered-To", []))
    if not recipients and first("To"):
        recipients = (decode(first("To")),)
    name, _address = parseaddr(first("From"))
    mailing = first("X-Mailapp-Mailing").strip()
    return OutboxHeader(
        path=path,
        received_at=_received_at(path),
        sender=sender,
        sender_name=decode(name),
        recipients=recipients,
        subject=decode(first("Subject")),
        message_id=first("Message-ID").strip(),
        mailing_id=int(mailing) if mailing.isdigit() else None,
    )


#: A header is read in steps of this many bytes (most fit in the first).
_HEAD_STEP = 16 * 1024
_HEAD_MAX = 1024 * 1024


def read_header(path: Path) -> OutboxHeader:
    """A stored message's header, without reading its body; raises
    ``ValueError`` or ``OSError`` if unreadable."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_STEP)
        while b"\r\n\r\n" not in head and b"\n\n" not in head:
            more = fh.read(_HEAD_STEP)
            if not more or len(head) > _HEAD_MAX:
                raise ValueError(f"{path.name} has no message body")
            head += more
    end = min(i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0)
    head = head[: end + 2]  # the parser would read the body's lines too
    # The compat32 policy leaves values raw: five times quicker than the
    # default policy's header objects, and only five values are decoded.
    return _header_of(path, BytesHeaderParser(policy=policy.compat32).parsebytes(head), _decoded)


def read_message(path: Path) -> OutboxMessage:
    """One stored message; raises ``ValueError`` or ``OSError`` if unreadable."""
    raw = path.read_bytes()
    if b"\r\n\r\n" not in raw and b"\n\n" not in raw:
        raise ValueError(f"{path.name} has no message body")
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    header = _header_of(path, msg, lambda value: value)
    return OutboxMessage(
        path=path,
        received_at=header.received_at,
        sender=header.sender,
        recipients=header.recipients,
        subject=header.subject,
        message_id=header.message_id,
        html=_body(msg, "html"),
        text=_body(msg, "plain"),
    )


def outbox_files(outbox: Path) -> list[Path]:
    """The stored messages, newest first (names start with the time received)."""
    try:
        names = [p for p in Path(outbox).iterdir() if p.name.endswith(SUFFIX)]
    except FileNotFoundError:
        return []
    return sorted(names, key=lambda p: p.name, reverse=True)


def read_outbox(outbox: Path, limit: int | None = None) -> list[OutboxMessage]:
    """The messages of the outbox, newest first; unreadable files are skipped.

    ``limit`` stops after that many good messages, so a window can show the
    latest ones without parsing a folder of a million files.
    """
    messages: list[OutboxMessage] = []
    for path in outbox_files(outbox):
        if limit is not None and len(messages) >= limit:
            break
        try:
            messages.append(read_message(path))
        except (OSError, ValueError, LookupError, UnicodeError) as exc:
            log.warning("skipping unreadable outbox file %s: %s", path.name, exc)
    return messages
