"""One SMTP connection that knows whether a message may have been handed over.

``smtplib.sendmail`` reports a lost connection the same way whether it broke
before the message was sent or while the server was writing its reply to the
final dot. The dispatcher cannot afford that ambiguity: the first case must
be retried, the second must never be (it may already be in the inbox,
RFC 1047). :meth:`SmtpConnection.send` therefore runs MAIL, RCPT and DATA
itself, so every failure is placed on one side of that line:

==============  ==============================================================
``ACCEPTED``    2xx reply to the end of data: handed over.
``TEMPORARY``   4xx reply to MAIL, RCPT, DATA or the end of data: not handed
                over, try again later.
``PERMANENT``   5xx reply: a hard bounce.
``NOT_SENT``    the connection broke before the dot was written: surely not
                handed over.
``UNCONFIRMED`` the connection broke, or the reply timed out, after the
                message began to be written: may have been handed over.
==============  ==============================================================

When the server offers PIPELINING (RFC 2920), as providers do, MAIL, RCPT
and DATA go out in one write and their three replies are read together:
two round trips fewer per message. The message itself still goes only
after the 354 reply, so the line between "surely not sent" and "may have
been sent" is where it was.

A connection is used by one thread at a time (one connection per worker).
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Security = Literal["none", "starttls", "tls"]


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    NOT_SENT = "not_sent"
    UNCONFIRMED = "unconfirmed"


class Phase(StrEnum):
    """The step of the transaction an outcome comes from."""

    CONNECTION = "connection"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    END_OF_DATA = "end_of_data"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    code: int
    text: str
    phase: Phase

    @property
    def may_have_been_delivered(self) -> bool:
        """True when re-sending could deliver the message twice."""
        return self.outcome in (Outcome.ACCEPTED, Outcome.UNCONFIRMED)

    def describe(self) -> str:
        if self.code:
            return f"{self.code} {self.text}".strip()
        return self.text


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Security = "starttls"
    user: str = ""
    password: str | None = None
    timeout: float = 30.0
    #: Check the server's certificate. Turn off only for a server you trust.
    verify: bool = True
    local_hostname: str | None = None
    #: Extra trusted CA certificates (PEM file), for a company's own CA.
    cafile: str | None = None

    def __repr__(self) -> str:  # never show the password in logs
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"user={self.user!r}, timeout={self.timeout}, verify={self.verify})"
        )


class ProviderError(Exception):
    """The provider cannot be used; the message speaks to the marketer.

    ``problem`` names what went wrong (``refused``, ``host_not_found``,
    ``timeout``, ``certificate``, ``tls``, ``no_starttls``,
    ``session_refused``, ``closed``, ``reply``, ``login_refused``,
    ``no_password``, ``login_unsupported``, ``other``) and ``detail`` holds
    the server's reply or the TLS reason, so that a window can say the same
    in its own language.
    """

    def __init__(self, message: str, problem: str = "other", detail: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.detail = detail


class ProviderUnavailable(ProviderError):
    """Unreachable, refused, timed out, TLS failure: may work again later."""


class AuthenticationFailed(ProviderError):
    """The server refused the credentials; retrying will not help."""


_BARE_EOL = re.compile(rb"\r\n|\r|\n")
_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


def prepare_data(data: bytes) -> bytes:
    """The message body as it goes on the wire, without the final dot.

    Line ends become CRLF (servers reject bare LF), lines starting with a dot
    get a second one (RFC 5321 §4.5.2), and the body ends with CRLF.
    """
    # Counting is a fast scan and copies nothing: every CR and every LF is
    # part of a CRLF exactly when the three counts agree (most messages).
    crlf = data.count(b"\r\n")
    if data.count(b"\r") != crlf or data.count(b"\n") != crlf:
        data = _BARE_EOL.sub(b"\r\n", data)
    if data.startswith(b".") or b"\n." in data:
        data = _LEADING_DOT.sub(b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def _envelope(
    smtp: smtplib.SMTP, verb: str, argument: str, options: list[str]
) -> tuple[int, bytes]:
    """MAIL FROM or RCPT TO as ``smtplib``'s ``mail()`` and ``rcpt()`` send
    them, for an address already validated and normalised
    (:mod:`mailapp.delivery.addresses`): they parse it again with
    ``email.utils`` for every message, a fifth of the interpreter's time
    when sending. ``putcmd`` still refuses a line break."""
    if options:
        smtp.command_encoding = "utf-8"  # SMTPUTF8, as mail() sets it
        argument += "".join(" " + option for option in options)
    smtp.putcmd(verb, argument)
    return smtp.getreply()


def _pipelined_envelope(from_addr: str, to_addr: str, options: list[str]) -> str:
    """MAIL, RCPT and DATA as one write; a line break in an address is
    refused as ``putcmd`` refuses it."""
    if any(c in from_addr + to_addr for c in "\r\n"):
        raise ValueError("command and arguments contain prohibited newline characters")
    mail = "".join([f"MAIL FROM:<{from_addr}>", *(" " + option for option in options)])
    return f"{mail}\r\nRCPT TO:<{to_addr}>\r\nDATA\r\n"


def _reply_text(message: bytes | str) -> str:
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return message


def _refusal(code: int, message: bytes | str, phase: Phase) -> tuple[Outcome, int, str, Phase]:
    """What a reply other than the one hoped for before the message means."""
    if 400 <= code < 500:
        outcome = Outcome.TEMPORARY
    elif 500 <= code < 600:
        outcome = Outcome.PERMANENT
    else:
        outcome = Outcome.NOT_SENT
    return outcome, code, _reply_text(message), phase


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=config.cafile)
    if not config.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _unavailable(config: SmtpConfig, exc: BaseException) -> ProviderUnavailable:
    """The failure to connect, secure or talk to the server, explained."""
    where = f"Cannot connect to {config.host}:{config.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = str(exc.verify_message or exc.reason)
        return ProviderUnavailable(
            f"{where}: the server's certificate could not be verified "
            f"({reason}). Check the host name; turn off "
            "certificate verification only for a server you trust",
            "certificate",
            reason,
        )
    if isinstance(exc, ssl.SSLError):
        reason = str(exc.reason or exc)
        return ProviderUnavailable(
            f"{where}: the secure (TLS) connection failed ({reason})", "tls", reason
        )
    if isinstance(exc, ConnectionRefusedError):
        return ProviderUnavailable(f"{where}: connection refused", "refused")
    if isinstance(exc, socket.gaierror):
        return ProviderUnavailable(f"{where}: host not found", "host_not_found")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib reports a reply that timed out as a closed connection
        return ProviderUnavailable(
            f"{where}: no answer within {config.timeout:g} s", "timeout", f"{config.timeout:g}"
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        reply = f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
        return ProviderUnavailable(
            f"{where}: the server refused the session ({reply})", "session_refused", reply
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ProviderUnavailable(f"{where}: the server closed the connection", "closed")
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
        return ProviderUnavailable(f"{where}: {reply}", "reply", reply)
    return ProviderUnavailable(f"{where}: {exc}", "other", str(exc))


class SmtpConnection:
    """One connection to the provider, reused for many messages.

    Call :meth:`open` (which may raise :class:`ProviderUnavailable` or
    :class:`AuthenticationFailed`), then :meth:`send` as often as needed.
    After ``NOT_SENT`` or ``UNCONFIRMED`` the connection is closed
    (:attr:`is_open` is False) and must be opened again.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    @property
    def is_open(self) -> bool:
        return self._smtp is not None and self._smtp.sock is not None

    @property
    def supports_smtputf8(self) -> bool:
        """The server takes international addresses (RFC 6531)."""
        return self._smtp is not None and bool(self._smtp.has_extn("smtputf8"))

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect, secure and log in; a no-op if already open."""
        if self.is_open:
            return
        config = self.config
        smtp: smtplib.SMTP | None = None
        try:
            if config.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    config.host,
                    config.port,
                    local_hostname=config.local_hostname,
                    timeout=config.timeout,
                    context=_tls_context(config),
                )
            else:
                smtp = smtplib.SMTP(
                    config.host,
                    config.port,
                    local_hostname=config.local_hostname,
                    timeout=config.timeout,
                )
            if smtp.sock is not None:
                # Commands are small writes, each waited for; without this,
                # Nagle's algorithm would hold one until the last is acknowledged.
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo_or_helo_if_needed()
            if config.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise ProviderUnavailable(
                        f"Cannot connect to {config.host}:{config.port}: the server does not "
                        "offer STARTTLS; choose another security setting or port",
                        "no_starttls",
                    )
                smtp.starttls(context=_tls_context(config))
                smtp.ehlo()
        except ProviderError:
            self._discard(smtp)
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._discard(smtp)
            raise _unavailable(config, exc) from exc
        if config.user:
            self._login(smtp)
        self._smtp = smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        config = self.config
        who = f"{config.user} at {config.host}"
        if config.password is None:
            self._discard(smtp)
            raise AuthenticationFailed(f"No SMTP password is saved for {who}", "no_password")
        try:
            smtp.login(config.user, config.password)
        except smtplib.SMTPAuthenticationError as exc:
            self._discard(smtp)
            reply = f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
            raise AuthenticationFailed(
                f"The SMTP server refused the user name or password for {who} ({reply})",
                "login_refused",
                reply,
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            self._discard(smtp)
            raise AuthenticationFailed(
                f"The SMTP server {config.host} does not offer login on this connection; "
                "check the security setting (most servers need STARTTLS or TLS)",
                "login_unsupported",
            ) from exc
        except smtplib.SMTPServerDisconnected as exc:
            self._discard(smtp)
            raise _unavailable(config, exc) from exc
        except smtplib.SMTPException as exc:
            self._discard(smtp)
            raise AuthenticationFailed(f"Cannot log in as {who}: {exc}", "other", str(exc)) from exc
        except OSError as exc:
            self._discard(smtp)
            raise _unavailable(config, exc) from exc

    @staticmethod
    def _discard(smtp: smtplib.SMTP | None) -> None:
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        """Say QUIT when the connection still works, then close it."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.sock is not None:
                smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        self._discard(smtp)

    def is_alive(self) -> bool:
        """NOOP round trip; closes the connection and returns False if it is dead."""
        if self._smtp is None or not self.is_open:
            return False
        try:
            code, _ = self._smtp.noop()
        except (OSError, smtplib.SMTPException):
            self._drop()
            return False
        if code != 250:
            self._drop()
            return False
        return True

    def _reset(self) -> None:
        """End a failed transaction so the connection can carry the next one."""
        if self._smtp is None:
            return
        try:
            code, _ = self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()
            return
        if code != 250:
            self._drop()

    def _refused(self, code: int, message: bytes | str, phase: Phase) -> SendResult:
        """A refusal before the message: the transaction is reset, or the
        connection dropped when the server closes it (421) or answered
        something no refusal looks like."""
        outcome, code, text, phase = _refusal(code, message, phase)
        if code == 421 or outcome is Outcome.NOT_SENT:
            self._drop()
        else:
            self._reset()
        return SendResult(outcome, code, text, phase)

    def _broken(self, outcome: Outcome, phase: Phase, exc: BaseException) -> SendResult:
        self._drop()
        text = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            text = f"no answer within {self.config.timeout:g} s"
        return SendResult(outcome, 0, f"Connection lost: {text}", phase)

    def _open_in_turn(
        self, smtp: smtplib.SMTP, from_addr: str, to_addr: str, options: list[str]
    ) -> SendResult | None:
        """MAIL, RCPT and DATA, each after the reply to the one before;
        ``None`` once the server waits for the message (354)."""
        try:
            code, reply = _envelope(smtp, "mail", f"FROM:<{from_addr}>", options)
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.NOT_SENT, Phase.MAIL, exc)
        if not 200 <= code < 300:
            return self._refused(code, reply, Phase.MAIL)
        try:
            code, reply = _envelope(smtp, "rcpt", f"TO:<{to_addr}>", [])
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.NOT_SENT, Phase.RCPT, exc)
        if not 200 <= code < 300:
            return self._refused(code, reply, Phase.RCPT)
        try:
            smtp.putcmd("data")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.NOT_SENT, Phase.DATA, exc)
        return None if code == 354 else self._refused(code, reply, Phase.DATA)

    def _open_pipelined(
        self, smtp: smtplib.SMTP, from_addr: str, to_addr: str, options: list[str]
    ) -> SendResult | None:
        """MAIL, RCPT and DATA in one write, then their replies in order
        (RFC 2920); the first refusal is the result."""
        if options:
            smtp.command_encoding = "utf-8"  # SMTPUTF8, as mail() sets it
        try:
            smtp.send(_pipelined_envelope(from_addr, to_addr, options))
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.NOT_SENT, Phase.MAIL, exc)
        refused: tuple[int, bytes, Phase] | None = None
        code = 0
        for phase, wanted in ((Phase.MAIL, 250), (Phase.RCPT, 250), (Phase.DATA, 354)):
            try:
                code, reply = smtp.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                broken = self._broken(Outcome.NOT_SENT, phase, exc)
                return broken if refused is None else self._refused(*refused)
            accepted = 200 <= code < 300 if wanted == 250 else code == 354
            if refused is None and not accepted:
                refused = (code, reply, phase)
                if code == 421:  # the server has closed the connection
                    return self._refused(*refused)
        if refused is None:
            return None
        if code == 354:
            # DATA accepted after a refused MAIL or RCPT (RFC 2920, 3.1):
            # the server waits for a message nobody may send; cutting the
            # connection before any of it leaves nothing delivered.
            self._drop()
            return SendResult(*_refusal(*refused))
        return self._refused(*refused)

    def send(self, from_addr: str, to_addr: str, data: bytes) -> SendResult:
        """Hand one message for one recipient to the server.

        On a closed connection the result is ``NOT_SENT``; reopen and retry.
        """
        smtp = self._smtp
        if smtp is None or smtp.sock is None:
            self._smtp = None
            return SendResult(Outcome.NOT_SENT, 0, "The connection is not open", Phase.CONNECTION)
        options: list[str] = []
        if not (from_addr.isascii() and to_addr.isascii()):
            if not smtp.has_extn("smtputf8"):
                return SendResult(
                    Outcome.PERMANENT,
                    0,
                    "The server does not accept international (non-ASCII) addresses",
                    Phase.MAIL,
                )
            options.append("SMTPUTF8")
        payload = prepare_data(data)
        if smtp.has_extn("pipelining"):
            refused = self._open_pipelined(smtp, from_addr, to_addr, options)
        else:
            refused = self._open_in_turn(smtp, from_addr, to_addr, options)
        if refused is not None:
            return refused

        # The message and its final dot go in one write (one system call,
        # one segment on the wire); from its first byte on the message may be
        # delivered, since the kernel may have passed the dot on before a
        # failure is seen.
        try:
            smtp.send(payload + b".\r\n")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.UNCONFIRMED, Phase.END_OF_DATA, exc)
        if 200 <= code < 300:
            return SendResult(Outcome.ACCEPTED, code, _reply_text(reply), Phase.END_OF_DATA)
        if 400 <= code < 600:
            # The transaction is over after this reply; no RSET needed.
            outcome = Outcome.TEMPORARY if code < 500 else Outcome.PERMANENT
            if code == 421:
                self._drop()
            return SendResult(outcome, code, _reply_text(reply), Phase.END_OF_DATA)
        self._drop()
        return SendResult(
            Outcome.UNCONFIRMED,
            code,
            f"Unexpected reply to the end of the message: {_reply_text(reply)}",
            Phase.END_OF_DATA,
        )
