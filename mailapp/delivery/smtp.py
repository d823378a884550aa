"""One SMTP connection that knows whether a message may have been handed over.

``smtplib.sendmail`` reports a lost connection the same way whether it broke
before the message was sent or while the server was writing its reply to the
final dot. The dispatcher cannot afford that ambiguity: the first case must
be retried, the second must never be (it may already be in the inbox,
RFC 1047). :meth:`SmtpConnection.send` therefore runs MAIL, RCPT and DATA
itself and sends the end-of-data dot as a separate write, so every failure is
placed on one side of that line:

==============  ==============================================================
``ACCEPTED``    2xx reply to the end of data: handed over.
``TEMPORARY``   4xx reply to MAIL, RCPT, DATA or the end of data: not handed
                over, try again later.
``PERMANENT``   5xx reply: a hard bounce.
``NOT_SENT``    the connection broke before the dot was written: surely not
                handed over.
``UNCONFIRMED`` the connection broke, or the reply timed out, after the dot
                began to be written: may have been handed over.
``ABORTED``     the ``before_data`` hook said no: nothing was sent.
==============  ==============================================================

A connection is used by one thread at a time (one connection per worker).
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
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
    ABORTED = "aborted"


class Phase(StrEnum):
    """The step of the transaction an outcome comes from."""

    CONNECTION = "connection"
    MAIL = "mail"
    RCPT = "rcpt"
    BEFORE_DATA = "before_data"
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


def _reply_text(message: bytes | str) -> str:
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return message


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
                # The dot goes out as its own small write; without this, Nagle's
                # algorithm would hold it until the body is acknowledged.
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
        outcome = Outcome.TEMPORARY if 400 <= code < 500 else Outcome.PERMANENT
        if code == 421:  # the server is closing the connection
            self._drop()
        else:
            self._reset()
        return SendResult(outcome, code, _reply_text(message), phase)

    def _broken(self, outcome: Outcome, phase: Phase, exc: BaseException) -> SendResult:
        self._drop()
        text = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            text = f"no answer within {self.config.timeout:g} s"
        return SendResult(outcome, 0, f"Connection lost: {text}", phase)

    def send(
        self,
        from_addr: str,
        to_addr: str,
        data: bytes,
        before_data: Callable[[], bool] | None = None,
    ) -> SendResult:
        """Hand one message for one recipient to the server.

        ``before_data`` is called once the recipient is accepted, just before
        DATA: the last moment to change one's mind (a mailing stopped in the
        meantime). When it returns False the transaction is reset and the
        outcome is ``ABORTED``.

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

        if before_data is not None:
            try:
                go_on = before_data()
            except BaseException:
                self._reset()
                raise
            if not go_on:
                self._reset()
                return SendResult(Outcome.ABORTED, 0, "Not sent: cancelled", Phase.BEFORE_DATA)

        try:
            smtp.putcmd("data")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            return self._broken(Outcome.NOT_SENT, Phase.DATA, exc)
        if code != 354:
            if 400 <= code < 600:
                return self._refused(code, reply, Phase.DATA)
            self._drop()
            return SendResult(Outcome.NOT_SENT, code, _reply_text(reply), Phase.DATA)

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
