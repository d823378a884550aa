"""The SMTP and bounce mailbox passwords, kept in the operating system's keyring.

The passwords never enter the database or the settings file, so a copied
database does not leak them. Entries live under the service ``mailapp``
with the key ``user@host`` for SMTP and ``imap:user@host`` for the bounce
mailbox (host lower-cased: host names ignore case), so one user may keep
passwords for several servers, and the same account's SMTP and IMAP
passwords never overwrite each other.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "mailapp"


class CredentialsError(Exception):
    """The keyring cannot be used; the message says what to do about it."""


SMTP = "smtp"
MAILBOX = "imap"
_NAMES = {SMTP: "SMTP", MAILBOX: "bounce mailbox"}


def _key(user: str, host: str, kind: str) -> str:
    user, host = user.strip(), host.strip().lower()
    if not user or not host:
        raise CredentialsError(f"Set the {_NAMES[kind]} host and user before saving the password")
    return f"{user}@{host}" if kind == SMTP else f"{kind}:{user}@{host}"


def _explain(action: str, exc: Exception, kind: str) -> CredentialsError:
    what = f"the {_NAMES[kind]} password"
    if isinstance(exc, keyring.errors.NoKeyringError):
        return CredentialsError(
            f"Cannot {action} {what}: no system keyring is available "
            "on this computer (install or unlock one, such as GNOME Keyring or KWallet)"
        )
    return CredentialsError(f"Cannot {action} {what} in the system keyring: {exc}")


def get_password(user: str, host: str, kind: str = SMTP) -> str | None:
    """The saved password, or None when none is saved."""
    key = _key(user, host, kind)
    try:
        return keyring.get_password(SERVICE, key)
    except KeyringError as exc:
        raise _explain("read", exc, kind) from exc


def set_password(user: str, host: str, password: str, kind: str = SMTP) -> None:
    key = _key(user, host, kind)
    if not password:
        raise CredentialsError(f"The {_NAMES[kind]} password is empty")
    try:
        keyring.set_password(SERVICE, key, password)
    except KeyringError as exc:
        raise _explain("save", exc, kind) from exc


def delete_password(user: str, host: str, kind: str = SMTP) -> None:
    """Forget the password; nothing happens when none is saved."""
    key = _key(user, host, kind)
    try:
        if keyring.get_password(SERVICE, key) is None:
            return
        keyring.delete_password(SERVICE, key)
    except KeyringError as exc:
        raise _explain("delete", exc, kind) from exc
