"""The ``BounceMailbox`` setting: ``imap://USER@HOST:PORT/FOLDER`` or ``imaps://…``.

``imap://`` connects in plain text and switches to TLS with STARTTLS when
the server offers it; ``imaps://`` speaks TLS from the first byte. Either
way the certificate is verified. The port defaults to 143 and 993, the
folder to ``INBOX``. The user name may carry an ``@`` of its own
(``bounces@example.com@imap.example.com``, or ``%40`` for it); the password
is never part of the link: it lives in the system keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_DEFAULT_PORTS = {"imap": 143, "imaps": 993}


class MailboxUrlError(ValueError):
    """A ``BounceMailbox`` value that does not say where the mailbox is."""


@dataclass(frozen=True, slots=True)
class MailboxUrl:
    scheme: str  # "imap" or "imaps"
    user: str
    host: str
    port: int
    folder: str

    @property
    def tls(self) -> bool:
        """True for ``imaps``: TLS from the first byte."""
        return self.scheme == "imaps"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_mailbox_url(text: str) -> MailboxUrl:
    """The parts of a ``BounceMailbox`` value, or :class:`MailboxUrlError` saying what is wrong."""
    raw = text.strip()
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        raise MailboxUrlError(
            f"{raw!r} is not a mailbox link: write imap://USER@HOST:PORT/FOLDER or imaps://…"
        )
    authority, _, path = rest.partition("/")
    user, at, hostport = authority.rpartition("@")
    if not at or not user:
        raise MailboxUrlError(f"{raw!r} names no user: write {scheme}://USER@HOST/FOLDER")
    if ":" in user:
        raise MailboxUrlError(
            "The mailbox link cannot hold the password; save it with "
            "'mailapp settings set-password --mailbox' or in the settings window"
        )
    try:
        parts = urlsplit(f"//{hostport}")
        port = parts.port
    except ValueError as exc:
        raise MailboxUrlError(f"{raw!r} has a bad port: {exc}") from None
    host = parts.hostname or ""
    if not host:
        raise MailboxUrlError(f"{raw!r} names no server: write {scheme}://USER@HOST/FOLDER")
    folder = unquote(path).strip("/") or "INBOX"
    if any(ch in raw for ch in "\r\n\x00"):
        raise MailboxUrlError("The mailbox link cannot contain line breaks")
    return MailboxUrl(
        scheme=scheme,
        user=unquote(user),
        host=host,
        port=port or _DEFAULT_PORTS[scheme],
        folder=folder,
    )
