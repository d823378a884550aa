"""Running the real engine against a test SMTP server, and waiting on it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

from mailapp.models import MailingState, Response
from mailapp.services import mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInfo
from tests.support.smtp_server import TestSmtpServer


def use_server(ctx: AppContext, server: TestSmtpServer, **extra: str) -> None:
    """Point the provider at ``server`` with no delay and quick retries."""
    host, port = server.address
    settings_service.set_many(
        ctx,
        {
            "Provider": "smtp",
            "SmtpHost": host,
            "SmtpPort": str(port),
            "SmtpSecurity": "none",
            "MandrillMailingDelayInSeconds": "0",
            "RetryDelaySeconds": "0",
            **extra,
        },
    )


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    if not holds_within(predicate, timeout, poll=0.05):
        raise AssertionError(f"timed out waiting for {what or predicate}")


def holds_within(predicate: Callable[[], bool], timeout: float, *, poll: float = 0.01) -> bool:
    """True as soon as ``predicate()`` is; False if it was not within
    ``timeout`` seconds (for a test that something does *not* happen)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True


def wait_state(
    ctx: AppContext, mailing_id: int, states: Iterable[MailingState], timeout: float = 30.0
) -> MailingInfo:
    wanted = set(states)
    info: list[MailingInfo] = []

    def reached() -> bool:
        info[:] = [mailings.get(ctx, mailing_id)]
        return info[0].state in wanted

    wait_until(reached, timeout, f"mailing {mailing_id} to reach {wanted}")
    return info[0]


def final_responses(info: MailingInfo) -> bool:
    return not info.responses[Response.PLANNED.value] and not info.responses[Response.SENDING.value]


def assert_never_twice(server: TestSmtpServer) -> None:
    """No Message-ID reached the server twice, and no address got two messages."""
    assert server.duplicates() == []
    per_address = Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)
    assert [a for a, n in per_address.items() if n > 1] == []
