"""The user's own SMTP account: try it before saving, and keep its password.

The settings window uses these instead of opening connections or the
keyring itself: the window reaches the network only through the services,
and the answer comes back as a plain value it can put in its own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from mailapp.delivery.credentials import CredentialsError, get_password, set_password
from mailapp.delivery.smtp import ProviderError, Security, SmtpConfig, SmtpConnection
from mailapp.models import Refused
from mailapp.models.settings import setting_def
from mailapp.services import settings as settings_service
from mailapp.services.bounces import save_mailbox_password
from mailapp.services.context import AppContext

#: How long *Test connection* waits for the server before saying it did not answer.
CHECK_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ConnectionCheck:
    """What *Test connection* found.

    ``problem`` is empty when the server took the settings (and the login,
    if a user is given); otherwise one of :class:`ProviderError`'s problem
    names, or ``keyring`` when the stored password could not be read.
    ``message`` is the English explanation (the command line's words);
    ``detail`` is the server's reply or the reason, for a translated text.
    """

    host: str
    port: int
    problem: str = ""
    message: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def check_connection(
    host: str,
    port: int,
    security: str,
    user: str = "",
    password: str | None = None,
    timeout: float = CHECK_TIMEOUT_SECONDS,
) -> ConnectionCheck:
    """Connect, secure, log in and say QUIT; never raises for a failed attempt.

    ``password`` None means "the one saved in the keyring" (the form left
    the password unchanged). Nothing is sent and nothing is stored.
    """
    if user and password is None:
        try:
            password = get_password(user, host)
        except CredentialsError as exc:
            return ConnectionCheck(host, port, "keyring", str(exc), str(exc))
    config = SmtpConfig(
        host=host,
        port=port,
        security=cast(Security, security),
        user=user,
        password=password,
        timeout=timeout,
    )
    connection = SmtpConnection(config)
    try:
        connection.open()
    except ProviderError as exc:
        return ConnectionCheck(host, port, exc.problem, str(exc), exc.detail)
    finally:
        connection.close()
    return ConnectionCheck(host, port)


def save_settings(
    ctx: AppContext, changes: dict[str, str], password: str = "", mailbox_password: str = ""
) -> None:
    """Store every setting in one transaction, and new passwords in the keyring.

    Every value is checked before anything is stored; then the passwords
    go first, for the accounts the settings name after the change, so
    that when the keyring fails no setting is stored either.
    """
    parsed = {code: setting_def(code).parse(raw) for code, raw in changes.items()}
    current = settings_service.values(ctx)
    if password:
        user, host = (parsed.get(code, current[code]) for code in ("SmtpUser", "SmtpHost"))
        set_password(user, host, password)
    if mailbox_password:
        link = parsed.get("BounceMailbox", current["BounceMailbox"])
        if not link:
            raise Refused(
                "bounce_mailbox_not_set",
                "Enter the bounce mailbox the password is for",
                setting="BounceMailbox",
            )
        save_mailbox_password(link, mailbox_password)
    settings_service.set_many(ctx, changes)
