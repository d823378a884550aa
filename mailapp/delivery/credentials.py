"""The SMTP password, kept in the operating system's keyring.

The password never enters the database or the settings file, so a copied
database does not leak it. Entries live under the service ``mailapp`` with
the key ``user@host`` (host lower-cased: host names ignore case), so one
user may keep passwords for several servers.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "mailapp"


class CredentialsError(Exception):
    """The keyring cannot be used; the message says what to do about it."""


def _key(user: str, host: str) -> str:
    user, host = user.strip(), host.strip().lower()
    if not user or not host:
        raise CredentialsError("Set the SMTP host and user before saving the password")
    return f"{user}@{host}"


def _explain(action: str, exc: Exception) -> CredentialsError:
    if isinstance(exc, keyring.errors.NoKeyringError):
        return CredentialsError(
            f"Cannot {action} the SMTP password: no system keyring is available "
            "on this computer (install or unlock one, such as GNOME Keyring or KWallet)"
        )
    return CredentialsError(f"Cannot {action} the SMTP password in the system keyring: {exc}")


def get_password(user: str, host: str) -> str | None:
    """The saved password, or None when none is saved."""
    key = _key(user, host)
    try:
        return keyring.get_password(SERVICE, key)
    except KeyringError as exc:
        raise _explain("read", exc) from exc


def set_password(user: str, host: str, password: str) -> None:
    key = _key(user, host)
    if not password:
        raise CredentialsError("The SMTP password is empty")
    try:
        keyring.set_password(SERVICE, key, password)
    except KeyringError as exc:
        raise _explain("save", exc) from exc


def delete_password(user: str, host: str) -> None:
    """Forget the password; nothing happens when none is saved."""
    key = _key(user, host)
    try:
        if keyring.get_password(SERVICE, key) is None:
            return
        keyring.delete_password(SERVICE, key)
    except KeyringError as exc:
        raise _explain("delete", exc) from exc
