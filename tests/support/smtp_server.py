"""A real SMTP server on loopback whose faults the tests switch on and off.

``TestSmtpServer`` is an aiosmtpd server in a background thread that records
every message whose data it received, and can misbehave the way real
providers do: answer slowly, refuse the first transactions, reject some
recipients, drop the connection or stall after the final dot, require a
login. Behaviours may be changed while clients are connected.

What counts as delivered: a message is recorded the moment its final dot
arrives. Its ``disposition`` says what the client was told: ``accepted``
(250), ``rejected`` (an error reply; not delivered), ``dropped`` (the
connection was cut without a reply) or ``stalled`` (no reply until
released). Everything but ``rejected`` may have reached the inbox, and that
is what :meth:`TestSmtpServer.duplicates` counts, because "never twice"
is about what the recipient sees.

Run in a separate process (for benchmarks, and for tests that ``kill -9``
a worker)::

    python -m tests.support.smtp_server --port 0 --delay 0.01 --record ids.txt

It prints ``READY <host> <port>`` once it listens, appends the Message-ID of
every possibly delivered message to the ``--record`` file (one per line,
flushed at once) and runs until SIGTERM or SIGINT. With ``--envelopes FILE``
it also appends one JSON line per possibly delivered message: its
Message-ID, recipients and ``X-Mailapp-Mailing`` header (read back with
:func:`read_envelopes`). :class:`ServerProcess` does this from a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import ipaddress
import json
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from mailapp.delivery.sandbox import BoundController, bind_loopback
from mailapp.priority import run_below

ACCEPTED = "accepted"
REJECTED = "rejected"
DROPPED = "dropped"
STALLED = "stalled"

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ReceivedMessage:
    message_id: str | None
    sender: str
    recipients: tuple[str, ...]
    received_at: float
    data: bytes
    disposition: str

    @property
    def may_be_delivered(self) -> bool:
        return self.disposition != REJECTED


def _message_id(data: bytes) -> str | None:
    headers = BytesHeaderParser(policy=compat32).parsebytes(data)
    value = headers.get("Message-ID")
    return str(value).strip() if value is not None else None


def _reply(code: int, what: str) -> str:
    klass = 4 if code < 500 else 5
    return f"{code} {klass}.3.0 {what} (test server)"


class _FaultySMTP(SMTP):
    """aiosmtpd's server, telling its owner of connections and DATA commands.

    The handler hooks cover MAIL, RCPT and the end of data; a failure of the
    DATA command itself needs the command method.
    """

    def __init__(self, owner: TestSmtpServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner = owner

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        # aiosmtpd writes each reply of a pipelined group as it is made.
        # With Nagle's algorithm the second waits for the client's delayed
        # acknowledgement of the first, 40 ms a transaction: the engine sent
        # 90 messages a second to this server instead of about 950. Real
        # servers send a group's replies together (RFC 2920, 3.2).
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._owner._on_connect()

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        if self._owner.drop_at_data:
            await _hang_up(self, None)
        if self._owner.data_without_recipients and self.envelope is not None:
            if self.envelope.mail_from is None:
                self.envelope.mail_from = ""
            if not self.envelope.rcpt_tos:  # what arrives now reaches no one
                self.envelope.rcpt_tos.append("nobody@refused.invalid")
        if not arg and self.envelope is not None and self.envelope.rcpt_tos:
            code = self._owner._take_failure("data")
            if code is not None:
                await self.push(await self._owner._fail(self, code))
                return
        await super().smtp_DATA(arg)


class _Controller(BoundController):
    def __init__(self, owner: TestSmtpServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner = owner

    def factory(self) -> SMTP:
        return _FaultySMTP(self._owner, self.handler, **self.SMTP_kwargs)


async def _hang_up(server: SMTP, reply: str | None) -> None:
    """Send ``reply`` (if any), close the connection, and end this session.

    The session task is cancelled by aiosmtpd when the connection is lost,
    so waiting here keeps aiosmtpd from writing its own reply afterwards.
    """
    if reply is not None:
        await server.push(reply)
    if server.transport is not None:
        if reply is None:
            server.transport.abort()
        else:
            server.transport.close()
    await asyncio.Event().wait()


class TestSmtpServer:
    """Fault-injecting SMTP server on 127.0.0.1 (see the module docstring)."""

    __test__ = False  # a helper, not a test class

    def __init__(
        self,
        *,
        port: int = 0,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        record_file: Path | None = None,
        envelope_file: Path | None = None,
        smtputf8: bool = True,
        pipelining: bool = True,
    ) -> None:
        self._port = port
        #: Offer SMTPUTF8 (international addresses), as most providers do.
        self._smtputf8 = smtputf8
        #: Offer PIPELINING (RFC 2920), as providers do.
        self.pipelining = pipelining
        self._pipelined = 0
        self._tls_context = tls_context
        self._implicit_tls = implicit_tls
        self._record_path = record_file
        self._record: TextIO | None = None
        self._envelope_path = envelope_file
        self._envelopes: TextIO | None = None
        self._controller: _Controller | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._messages: list[ReceivedMessage] = []
        self._connections = 0
        self._auth_failures = 0
        self._released = threading.Event()
        self.host = "127.0.0.1"
        self.port = 0
        self._clear_behaviours()

    # -- life cycle -------------------------------------------------------

    def start(self) -> tuple[str, int]:
        if self._controller is not None:
            return self.host, self.port
        sock = bind_loopback(self._port)
        kwargs: dict[str, Any] = {
            "server_hostname": "test-smtp",
            "authenticator": self._authenticate,
            "auth_require_tls": False,
            "enable_SMTPUTF8": self._smtputf8,
        }
        if self._implicit_tls:
            kwargs["ssl_context"] = self._tls_context
        elif self._tls_context is not None:
            kwargs["tls_context"] = self._tls_context
        controller = _Controller(self, _Handler(self), sock, **kwargs)
        try:
            controller.start()
        except BaseException:
            sock.close()
            raise
        self._controller = controller
        self.host, self.port = sock.getsockname()[:2]
        if self._record_path is not None:
            self._record = open(self._record_path, "a", encoding="utf-8")  # noqa: SIM115
        if self._envelope_path is not None:
            self._envelopes = open(self._envelope_path, "a", encoding="utf-8")  # noqa: SIM115
        with self._lock:
            self._connections = 0  # the controller's own start-up probe
        return self.host, self.port

    def stop(self) -> None:
        self._released.set()
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()
        if self._record is not None:
            self._record.close()
            self._record = None
        if self._envelopes is not None:
            self._envelopes.close()
            self._envelopes = None

    def __enter__(self) -> TestSmtpServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    # -- behaviours ---------------------------------------------------------

    def _clear_behaviours(self) -> None:
        #: Seconds to wait before answering the final dot (the message is
        #: recorded as accepted when the dot arrives; only the reply is late).
        self.delay_data: float = 0.0
        #: Cut the connection after the final dot, without a reply.
        self.drop_after_dot: bool = False
        #: Cut the connection at the DATA command, without a reply.
        self.drop_at_data: bool = False
        #: Answer 354 to DATA even when no recipient was accepted, as some
        #: servers do to pipelining clients (RFC 2920, 3.1).
        self.data_without_recipients: bool = False
        self._stall = False
        self._released.set()
        self._fail_remaining = 0
        self._fail_code = 451
        self._fail_phase = "mail"
        self._rejects: list[tuple[Callable[[str], bool], int]] = []
        self._credentials: tuple[str, str] | None = None

    def reset(self) -> None:
        """Back to a well-behaved server with nothing recorded."""
        with self._lock:
            self._clear_behaviours()
            self._messages.clear()
            self._connections = 0
            self._auth_failures = 0
            self._pipelined = 0

    @property
    def stall_after_dot(self) -> bool:
        """Accept the data, then answer nothing until set back to False."""
        return self._stall

    @stall_after_dot.setter
    def stall_after_dot(self, value: bool) -> None:
        self._stall = value
        if value:
            self._released.clear()
        else:
            self._released.set()

    def release_stalled(self) -> None:
        """Let stalled transactions answer 250 (if their client is still there)."""
        self.stall_after_dot = False

    def fail_first_n(self, code: int, n: int, phase: str = "mail") -> None:
        """Answer ``code`` to the next ``n`` transactions at ``phase``.

        ``phase`` is ``"mail"``, ``"rcpt"``, ``"data"`` (the DATA command) or
        ``"end_of_data"`` (the final dot). A 421 also closes the connection,
        as real servers do.
        """
        if phase not in ("mail", "rcpt", "data", "end_of_data"):
            raise ValueError(f"unknown phase {phase!r}")
        with self._lock:
            self._fail_code, self._fail_remaining, self._fail_phase = code, n, phase

    def reject_rcpt(
        self, address_or_predicate: str | Callable[[str], bool], code: int = 550
    ) -> None:
        """Refuse these recipients (an address, compared without case, or a test)."""
        if isinstance(address_or_predicate, str):
            wanted = address_or_predicate.lower()

            def predicate(address: str) -> bool:
                return address.lower() == wanted
        else:
            predicate = address_or_predicate
        with self._lock:
            self._rejects.append((predicate, code))

    def require_auth(self, user: str, password: str) -> None:
        """Refuse MAIL with 530 until the client logs in with these credentials."""
        with self._lock:
            self._credentials = (user, password)

    # -- observations -------------------------------------------------------

    @property
    def received(self) -> list[ReceivedMessage]:
        """Every message whose data arrived, whatever the reply."""
        with self._lock:
            return list(self._messages)

    @property
    def accepted(self) -> list[ReceivedMessage]:
        with self._lock:
            return [m for m in self._messages if m.disposition == ACCEPTED]

    def _count(self, disposition: str) -> int:
        with self._lock:
            return sum(1 for m in self._messages if m.disposition == disposition)

    @property
    def accept_count(self) -> int:
        return self._count(ACCEPTED)

    @property
    def dropped_count(self) -> int:
        """Messages received in full although the client never got a reply."""
        return self._count(DROPPED)

    @property
    def stalled_count(self) -> int:
        return self._count(STALLED)

    @property
    def pipelined_count(self) -> int:
        """Transactions whose DATA command had arrived with their RCPT TO,
        before the reply to it was written."""
        with self._lock:
            return self._pipelined

    @property
    def connection_count(self) -> int:
        with self._lock:
            return self._connections

    @property
    def auth_failures(self) -> int:
        with self._lock:
            return self._auth_failures

    def message_ids(self) -> list[str]:
        """Message-IDs of the accepted messages, in the order they arrived."""
        return [m.message_id for m in self.accepted if m.message_id is not None]

    def duplicates(self) -> list[str]:
        """Message-IDs that may have been delivered more than once."""
        with self._lock:
            counts = Counter(
                m.message_id for m in self._messages if m.may_be_delivered and m.message_id
            )
        return sorted(mid for mid, n in counts.items() if n > 1 and mid is not None)

    def wait_for(self, count: int, timeout: float = 10.0, *, delivered: bool = True) -> bool:
        """Wait until ``count`` messages arrived (possibly delivered ones, by default)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                have = sum(1 for m in self._messages if m.may_be_delivered or not delivered)
                if have >= count:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)

    # -- aiosmtpd hooks (run in the server thread) -------------------------

    def _on_connect(self) -> None:
        with self._lock:
            self._connections += 1

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        with self._lock:
            wanted = self._credentials
            if wanted is None:
                return AuthResult(success=True)
            ok = (
                isinstance(data, LoginPassword)
                and (
                    data.login.decode("utf-8", "replace"),
                    data.password.decode("utf-8", "replace"),
                )
                == wanted
            )
            if not ok:
                self._auth_failures += 1
        return AuthResult(success=ok, handled=False)

    def _take_failure(self, phase: str) -> int | None:
        with self._lock:
            if self._fail_remaining > 0 and self._fail_phase == phase:
                self._fail_remaining -= 1
                return self._fail_code
        return None

    async def _fail(self, server: SMTP, code: int) -> str:
        if code == 421:
            await _hang_up(server, "421 4.3.2 Service not available, closing connection")
        return _reply(code, "Try again later" if code < 500 else "Refused")

    async def _on_mail(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self._credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        code = self._take_failure("mail")
        if code is not None:
            return await self._fail(server, code)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def _on_rcpt(
        self, server: SMTP, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        code = self._take_failure("rcpt")
        if code is not None:
            return await self._fail(server, code)
        with self._lock:
            rejects = list(self._rejects)
        for predicate, reject_code in rejects:
            if predicate(address):
                if reject_code == 421:
                    await self._fail(server, reject_code)
                return f"{reject_code} {4 if reject_code < 500 else 5}.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        # What the client wrote with the RCPT TO and aiosmtpd has not read
        # yet: a DATA there was sent without waiting for this reply.
        if b"DATA" in bytes(server._reader._buffer).upper():
            with self._lock:
                self._pipelined += 1
        return "250 2.1.5 OK"

    async def _on_data(self, server: SMTP, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        code = self._take_failure("end_of_data")
        if code is not None:
            self._record_message(envelope, data, REJECTED)
            return await self._fail(server, code)
        if self.drop_after_dot:
            self._record_message(envelope, data, DROPPED)
            await _hang_up(server, None)
        if self._stall:
            index = self._record_message(envelope, data, STALLED)
            while not self._released.is_set():
                await asyncio.sleep(0.01)
            with self._lock:
                self._messages[index] = replace(self._messages[index], disposition=ACCEPTED)
        else:
            self._record_message(envelope, data, ACCEPTED)
        if self.delay_data > 0:
            await asyncio.sleep(self.delay_data)
        return "250 2.0.0 Accepted"

    def _record_message(self, envelope: Envelope, data: bytes, disposition: str) -> int:
        message = ReceivedMessage(
            message_id=_message_id(data),
            sender=envelope.mail_from or "",
            recipients=tuple(envelope.rcpt_tos),
            received_at=time.time(),
            data=data,
            disposition=disposition,
        )
        with self._changed:
            self._messages.append(message)
            index = len(self._messages) - 1
            if self._record is not None and message.may_be_delivered:
                self._record.write(f"{message.message_id or ''}\n")
                self._record.flush()
            if self._envelopes is not None and message.may_be_delivered:
                self._envelopes.write(json.dumps(_envelope(message)) + "\n")
                self._envelopes.flush()
            self._changed.notify_all()
        return index


def _envelope(message: ReceivedMessage) -> dict[str, Any]:
    mailing = BytesHeaderParser(policy=compat32).parsebytes(message.data).get("X-Mailapp-Mailing")
    return {
        "message_id": message.message_id,
        "recipients": list(message.recipients),
        "mailing": str(mailing).strip() if mailing is not None else None,
    }


class _Handler:
    """The aiosmtpd handler: only hooks, because aiosmtpd inspects every
    member of its handler (an ``auth_*`` name would become a mechanism)."""

    def __init__(self, owner: TestSmtpServer) -> None:
        self._owner = owner

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        return await self._owner._on_mail(server, session, envelope, address, mail_options)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        return await self._owner._on_rcpt(server, envelope, address, rcpt_options)

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname  # this hook's duty in aiosmtpd
        if self._owner.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return await self._owner._on_data(server, envelope)


# -- certificates for TLS tests --------------------------------------------


def make_self_signed_cert(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for ``host`` signed by itself, and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# -- the server in its own process ------------------------------------------


class ServerProcess:
    """``python -m tests.support.smtp_server`` as a child process."""

    def __init__(
        self,
        record: Path,
        *,
        delay: float = 0.0,
        extra: list[str] | None = None,
        nice: int | None = None,
    ) -> None:
        self.record = record
        #: Run in a session of its own at this nice value: in a benchmark
        #: the server stands for a provider on another machine, and must
        #: not take the cores from what is measured.
        self.nice = nice
        self._args = ["--port", "0", "--delay", str(delay), "--record", str(record)]
        self._args += extra or []
        self._proc: subprocess.Popen[str] | None = None
        self.host = "127.0.0.1"
        self.port = 0

    def start(self) -> tuple[str, int]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.smtp_server", *self._args],
            cwd=_PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=self.nice is not None,
        )
        self._proc = proc
        if self.nice is not None:
            run_below(self.nice, proc.pid)
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "READY":
            self.stop()
            raise RuntimeError(f"the SMTP test server did not start: {line!r}")
        self.host, self.port = line[1], int(line[2])
        return self.host, self.port

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def message_ids(self) -> list[str]:
        return read_record(self.record)

    def duplicates(self) -> list[str]:
        counts = Counter(self.message_ids())
        return sorted(mid for mid, n in counts.items() if n > 1)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def read_record(path: Path) -> list[str]:
    """The Message-IDs a ``--record`` file holds, ignoring a half-written last line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines = text.split("\n")
    return [line for line in lines[:-1] if line]


def read_envelopes(path: Path) -> list[dict[str, Any]]:
    """The JSON lines an ``--envelopes`` file holds, ignoring a half-written last line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.split("\n")[:-1] if line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SMTP test server on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each 250")
    parser.add_argument("--record", type=Path, help="append each Message-ID to this file")
    parser.add_argument(
        "--envelopes", type=Path, help="append each message's Message-ID and recipients (JSON)"
    )
    parser.add_argument("--fail-first", type=int, default=0, metavar="N")
    parser.add_argument("--fail-code", type=int, default=451)
    parser.add_argument("--drop-after-dot", action="store_true")
    parser.add_argument(
        "--no-pipelining", action="store_true", help="do not offer PIPELINING (RFC 2920)"
    )
    args = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = TestSmtpServer(
        port=args.port,
        record_file=args.record,
        envelope_file=args.envelopes,
        pipelining=not args.no_pipelining,
    )
    server.delay_data = args.delay
    server.drop_after_dot = args.drop_after_dot
    if args.fail_first:
        server.fail_first_n(args.fail_code, args.fail_first)
    host, port = server.start()
    print(f"READY {host} {port}", flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
