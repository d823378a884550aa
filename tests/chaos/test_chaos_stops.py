"""*Stop sending* at random moments while a mailing sends, many times over.

One in-process engine and one SMTP server on loopback; many small mailings
over one folder, each started and stopped at a random delay after its first
message reached the server. For each: after the stop commits, at most the
transactions already in flight (``SmtpConnections``) reach the server; every
recipient not handed over is ``stopped_manually``; the mailing is
``stopped``; its journal has ``mailing_stopping`` and
``mailing_stopped_manually``; nobody got two messages.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.models import Event, MailingState, Refused, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import journal, lifecycle, mailings, stops
from mailapp.services.context import AppContext
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer

CONNECTIONS = 3
AUDIENCE = 40


class Seen:
    """The server's possibly delivered messages by mailing, parsed once each."""

    def __init__(self, server: TestSmtpServer) -> None:
        self.server = server
        self.done = 0
        self.by_mailing: dict[str, list[dict[str, object]]] = {}

    def of(self, mailing_id: int) -> list[dict[str, object]]:
        received = self.server.received
        for m in received[self.done :]:
            if not m.may_be_delivered:
                continue
            head = m.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
            mailing = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in head.split("\r\n")
                    if line.lower().startswith("x-mailapp-mailing:")
                ),
                None,
            )
            self.by_mailing.setdefault(str(mailing), []).append(
                {"message_id": m.message_id, "recipients": m.recipients, "mailing": mailing}
            )
        self.done = len(received)
        return self.by_mailing.get(str(mailing_id), [])


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext.open(f"sqlite:///{tmp_path / 'stops.sqlite3'}")
    yield context
    context.db.dispose()


def run_stops(ctx: AppContext, count: int) -> Tally:
    seed = int(os.environ.get("MAILAPP_CHAOS_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    tally = Tally("stops", unconfirmed_bound=0)
    tally.notes.append(f"seed {seed}")
    late_total = late_max = completed_first = 0
    with TestSmtpServer() as server:
        server.delay_data = 0.02
        use_server(ctx, server, SmtpConnections=str(CONNECTIONS))
        bulk_contacts(ctx, AUDIENCE)
        seen = Seen(server)
        engine = MailEngine(ctx, tick_seconds=0.1)
        engine.start()
        try:
            while tally.runs < count:
                mailing_id = make_mailing(ctx, name=f"Stop {tally.runs}")
                lifecycle.start(ctx, mailing_id)
                server.wait_for(len(server.received) + 1, timeout=20)
                if rng.random() < 0.8:
                    time.sleep(rng.uniform(0.0, 0.25))
                try:
                    stops.stop(ctx, mailing_id)
                except Refused:
                    completed_first += 1  # it finished before the click
                    wait_state(ctx, mailing_id, [MailingState.COMPLETED])
                    continue
                at_stop = len(seen.of(mailing_id))
                info = wait_state(ctx, mailing_id, [MailingState.STOPPED])
                late = len(seen.of(mailing_id)) - at_stop
                late_total += late
                late_max = max(late_max, late)
                tally.runs += 1
                responses = check_mailing(
                    tally,
                    [
                        {"email": r.email, "response": r.response.value, "message_id": r.message_id}
                        for r in mailings.recipients(ctx, mailing_id)
                    ],
                    seen.of(mailing_id),
                    mailing_id,
                )
                handed = responses.get("sent", 0) + responses.get("unconfirmed", 0)
                assert late <= CONNECTIONS, f"{late} messages after the stop of {mailing_id}"
                assert info.responses[Response.STOPPED_MANUALLY.value] == AUDIENCE - handed
                assert info.pending == 0
                kinds = [e.event for e in journal.entries(ctx, mailing_id)]
                assert Event.MAILING_STOPPING in kinds
                assert kinds[-1] is Event.MAILING_STOPPED_MANUALLY
        finally:
            engine.stop()
    tally.notes.append(
        f"after the stop commit: {late_total} messages in all, at most {late_max} per stop "
        f"(bound {CONNECTIONS}); {completed_first} mailings completed before their stop"
    )
    return tally


def stop_scenario(ctx: AppContext, count: int, long: bool) -> None:
    tally = run_stops(ctx, count)
    tally.report(long=long)
    tally.assert_guarantees()


def test_stops_short(ctx: AppContext) -> None:
    stop_scenario(ctx, 10, long=False)


@pytest.mark.chaos
def test_stops_long(ctx: AppContext) -> None:
    stop_scenario(ctx, scaled(300), long=True)
