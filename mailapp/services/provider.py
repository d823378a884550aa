"""Which SMTP server the mail goes to: the built-in sandbox or the user's.

The sandbox is a real SMTP server on loopback that keeps every message in
the outbox folder, so a new user sees exactly what would be sent without
an account anywhere.
"""

from __future__ import annotations

import threading
from typing import cast

from mailapp.delivery.credentials import CredentialsError, get_password
from mailapp.delivery.sandbox import SandboxServer
from mailapp.delivery.smtp import ProviderError, Security, SmtpConfig
from mailapp.paths import outbox_dir
from mailapp.services.context import AppContext
from mailapp.services.settings import SystemSettings

__all__ = ["ProviderError", "ProviderSession"]


class ProviderSession:
    """Resolves the settings into an :class:`SmtpConfig`, starting the
    sandbox server on first use and keeping it until :meth:`close`."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._sandbox: SandboxServer | None = None
        self._sandbox_address: tuple[str, int] | None = None

    def config(self, settings: SystemSettings) -> SmtpConfig:
        if settings.provider == "sandbox":
            host, port = self._sandbox_started()
            assert self._sandbox is not None
            self._sandbox.rate_per_second = settings.sandbox_rate_per_second
            return SmtpConfig(host=host, port=port, security="none", user="", password="")
        if not settings.smtp_host:
            raise ProviderError("No SMTP server is set (setting SmtpHost)")
        password = ""
        if settings.smtp_user:
            try:
                password = get_password(settings.smtp_user, settings.smtp_host) or ""
            except CredentialsError as exc:
                raise ProviderError(str(exc)) from None
            if not password:
                raise ProviderError(
                    f"No password is stored for {settings.smtp_user} at {settings.smtp_host}"
                )
        return SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=cast(Security, settings.smtp_security),
            user=settings.smtp_user,
            password=password,
        )

    def _sandbox_started(self) -> tuple[str, int]:
        with self._lock:
            if self._sandbox_address is None:
                self._sandbox = SandboxServer(outbox_dir())
                self._sandbox_address = self._sandbox.start()
            return self._sandbox_address

    def close(self) -> None:
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.stop()
            self._sandbox = None
            self._sandbox_address = None
