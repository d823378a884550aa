"""Reading and changing the system settings.

Read with SQLAlchemy Core: the window reads its language before it shows,
and the ORM is loaded only after its first list is painted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from mailapp.models.settings import SETTINGS, setting_def
from mailapp.models.states import Event
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed


@dataclass(frozen=True)
class SystemSettings:
    """A typed snapshot, read once per use so a change applies to the next batch."""

    delay_seconds: int
    prevent_duplicates: bool
    provider: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    rate_per_second: int
    sandbox_rate_per_second: int
    connections: int
    max_errors: int
    soft_bounce_retries: int
    retry_delay_seconds: int
    unsubscribe_url: str
    unsubscribe_mailbox: str
    bounce_mailbox: str
    bounce_address: str
    bounce_poll_seconds: int
    language: str
    dkim_domain: str
    dkim_selector: str
    dkim_key_file: str


_STORED = text("SELECT code, value FROM settings")


def values(ctx: AppContext) -> dict[str, Any]:
    """Every setting code with its typed value (defaults filled in)."""
    with ctx.db.read_conn() as conn:
        stored: dict[str, str] = {code: value for code, value in conn.execute(_STORED)}
    result: dict[str, Any] = {}
    for code, definition in SETTINGS.items():
        raw = stored.get(code)
        result[code] = definition.default if raw is None else definition.from_storage(raw)
    return result


def load(ctx: AppContext) -> SystemSettings:
    v = values(ctx)
    return SystemSettings(
        delay_seconds=v["MandrillMailingDelayInSeconds"],
        prevent_duplicates=v["PreventDuplicatesSending"],
        provider=v["Provider"],
        smtp_host=v["SmtpHost"],
        smtp_port=v["SmtpPort"],
        smtp_security=v["SmtpSecurity"],
        smtp_user=v["SmtpUser"],
        rate_per_second=v["SendRatePerSecond"],
        sandbox_rate_per_second=v["SandboxRatePerSecond"],
        connections=v["SmtpConnections"],
        max_errors=v["MaxSendErrors"],
        soft_bounce_retries=v["SoftBounceRetries"],
        retry_delay_seconds=v["RetryDelaySeconds"],
        unsubscribe_url=v["UnsubscribeUrl"],
        unsubscribe_mailbox=v["UnsubscribeMailbox"],
        bounce_mailbox=v["BounceMailbox"],
        bounce_address=v["BounceAddress"],
        bounce_poll_seconds=v["BouncePollSeconds"],
        language=v["Language"],
        dkim_domain=v["DkimDomain"],
        dkim_selector=v["DkimSelector"],
        dkim_key_file=v["DkimKeyFile"],
    )


def get(ctx: AppContext, code: str) -> Any:
    setting_def(code)
    return values(ctx)[code]


def set_many(ctx: AppContext, changes: dict[str, str]) -> None:
    """Validate every value first, then store them all in one transaction."""
    from mailapp.models import Setting
    from mailapp.services import journal

    parsed = {code: setting_def(code).parse(raw) for code, raw in changes.items()}
    with ctx.db.write() as session:
        changed: dict[str, str] = {}
        for code, value in parsed.items():
            text = SETTINGS[code].format(value)
            row = session.get(Setting, code)
            if row is None:
                session.add(Setting(code=code, value=text))
            elif row.value != text:
                row.value = text
            else:
                continue
            changed[code] = text
        if changed:
            session.flush()  # a new UserName names the actor of this very change
            journal.record_by_person(
                session, None, Event.SETTINGS_CHANGED, codes=", ".join(changed), values=changed
            )
    ctx.hub.publish(Changed(settings=True))


def set_value(ctx: AppContext, code: str, raw: str) -> None:
    set_many(ctx, {code: raw})
