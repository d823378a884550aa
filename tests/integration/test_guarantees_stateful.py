"""A Hypothesis state machine over start / stop / schedule / tick / send /
crash / restart that checks the guarantees after every step.

Sending runs synchronously here (one ``MailingDispatch`` at a time) so every
interleaving Hypothesis finds can be replayed. A crash is a dispatcher that
dies between the provider's reply and recording it — the window in which
``kill -9`` hurts most — followed by another worker releasing its claims.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import delete, select, update

from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.smtp import SendResult, SmtpConfig
from mailapp.models import Mailing, MailingState, Recipient, Refused, Response, Worker
from mailapp.models.base import utcnow
from mailapp.models.states import SENDING_STATES, can_schedule, can_start, stop_action
from mailapp.scheduler import workers
from mailapp.scheduler.dispatch import MailingDispatch, _Lane
from mailapp.services import lifecycle, mailings
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.smtp_server import TestSmtpServer

MAILINGS = 2
CONTACTS = 6


class LimitedDispatch(MailingDispatch):
    """Stops after ``limit`` recorded results; with ``crash`` the last one
    is never recorded, as if the process died right after the 250."""

    def __init__(self, *args: object, limit: int, crash: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.limit = limit
        self.crash = crash
        self.count = 0
        self.count_lock = threading.Lock()

    def _after_send(self, lane: _Lane, recipient_id: int, result: SendResult) -> None:
        with self.count_lock:
            self.count += 1
            last = self.count >= self.limit
        if last:
            self.halt.set()
            if self.crash:
                lane.accepted = None  # the sent message of the lane dies too
                return
        super()._after_send(lane, recipient_id, result)


class Guarantees(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.server = TestSmtpServer()
        self.server.start()
        self.ctx = AppContext.open(f"sqlite:///{Path(self.tmp.name) / 'db.sqlite3'}")
        host, port = self.server.address
        settings_service.set_many(
            self.ctx,
            {
                "MandrillMailingDelayInSeconds": "0",
                "SmtpConnections": "1",
                "RetryDelaySeconds": "0",
            },
        )
        self.config = SmtpConfig(host=host, port=port, security="none", user="", password="")
        self.worker = workers.register(self.ctx)
        self.mailing_ids: list[int] = []
        #: Messages at the server per mailing when its stop committed.
        self.at_stop: dict[int, int] = {}

    @initialize()
    def make_mailings(self) -> None:
        for n in range(MAILINGS):
            folder = f"List {n}"
            add_contacts(self.ctx, [f"m{n}c{c}@example.com" for c in range(CONTACTS)], folder)
            self.mailing_ids.append(make_mailing(self.ctx, folders=(folder,), name=f"M{n}"))

    def teardown(self) -> None:
        self.server.stop()
        self.ctx.db.dispose()
        self.tmp.cleanup()

    # -- helpers -------------------------------------------------------------

    def state(self, mailing_id: int) -> MailingState:
        return mailings.get(self.ctx, mailing_id).state

    def delivered_for(self, mailing_id: int) -> list[str]:
        header = f"X-Mailapp-Mailing: {mailing_id}".encode()
        return [
            r
            for m in self.server.received
            if m.may_be_delivered and header in m.data
            for r in m.recipients
        ]

    # -- what the user does --------------------------------------------------

    @rule(index=st.integers(0, MAILINGS - 1))
    def start(self, index: int) -> None:
        mailing_id = self.mailing_ids[index]
        before = self.state(mailing_id)
        try:
            lifecycle.start(self.ctx, mailing_id)
        except Refused:
            assert not can_start(before)
        else:
            assert can_start(before)

    @rule(index=st.integers(0, MAILINGS - 1))
    def stop(self, index: int) -> None:
        mailing_id = self.mailing_ids[index]
        before = self.state(mailing_id)
        try:
            lifecycle.stop(self.ctx, mailing_id)
        except Refused:
            assert stop_action(before) is None
        else:
            assert stop_action(before) is not None
            if self.state(mailing_id) is MailingState.STOPPING:
                self.at_stop[mailing_id] = len(self.delivered_for(mailing_id))

    @rule(index=st.integers(0, MAILINGS - 1))
    def schedule(self, index: int) -> None:
        mailing_id = self.mailing_ids[index]
        before = self.state(mailing_id)
        try:
            lifecycle.schedule(self.ctx, mailing_id, utcnow() + timedelta(hours=1))
        except Refused:
            assert not can_schedule(before)

    # -- what time and the engine do -------------------------------------------

    @rule()
    def tick(self) -> None:
        with self.ctx.db.write() as session:
            session.execute(
                update(Mailing)
                .where(Mailing.state == MailingState.SCHEDULED.value)
                .values(scheduled_at=utcnow() - timedelta(seconds=1))
            )
        lifecycle.promote_scheduled(self.ctx)
        lifecycle.promote_waiting(self.ctx)
        lifecycle.finish_stopping(self.ctx)
        lifecycle.complete_finished(self.ctx)

    def _dispatch(self, index: int, limit: int, crash: bool) -> None:
        mailing_id = self.mailing_ids[index]
        LimitedDispatch(
            self.ctx,
            self.worker,
            mailing_id,
            self.config,
            threading.Event(),
            RateLimiter(0),
            limit=limit,
            crash=crash,
        ).run()

    @rule(index=st.integers(0, MAILINGS - 1), limit=st.integers(1, 4))
    def send(self, index: int, limit: int) -> None:
        self._dispatch(index, limit, crash=False)

    @rule(index=st.integers(0, MAILINGS - 1), limit=st.integers(1, 3))
    def crash(self, index: int, limit: int) -> None:
        self._dispatch(index, limit, crash=True)
        self.restart()

    def restart(self) -> None:
        """A new process: the crashed worker is gone, another settles its claims."""
        dead = self.worker
        with self.ctx.db.write() as session:
            session.execute(delete(Worker).where(Worker.id == dead))
        self.worker = workers.register(self.ctx)
        workers.reap(self.ctx, self.worker)
        with self.ctx.db.read() as session:
            assert not session.scalar(
                select(Recipient.id).where(
                    Recipient.claimed_by == dead, Recipient.response == Response.SENDING.value
                )
            )

    # -- the guarantees --------------------------------------------------------

    @invariant()
    def never_twice(self) -> None:
        assert self.server.duplicates() == []
        for mailing_id in self.mailing_ids:
            addresses = self.delivered_for(mailing_id)
            assert len(addresses) == len(set(addresses))

    @invariant()
    def server_and_database_agree(self) -> None:
        at_server = {m.message_id for m in self.server.received if m.may_be_delivered}
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Recipient.response, Recipient.message_id, Recipient.tx_started_at)
            ).all()
        for response, message_id, began in rows:
            if response == Response.SENT.value:
                assert message_id in at_server
            if response == Response.UNCONFIRMED.value:
                assert began is not None
            if message_id in at_server:
                assert response in (Response.SENT.value, Response.UNCONFIRMED.value) or (
                    response == Response.SENDING.value and began is not None
                )

    @invariant()
    def stop_means_stop(self) -> None:
        for mailing_id, count in self.at_stop.items():
            assert len(self.delivered_for(mailing_id)) == count
            info = mailings.get(self.ctx, mailing_id)
            if info.state is MailingState.STOPPED:
                assert info.pending == 0

    @precondition(lambda self: bool(self.mailing_ids))
    @rule()
    def nothing_lost_when_finished(self) -> None:
        """Drive every mailing to an end, then every recipient is final."""
        for _ in range(3):
            self.tick()
            for index, mailing_id in enumerate(self.mailing_ids):
                if self.state(mailing_id) in SENDING_STATES:
                    self._dispatch(index, CONTACTS * 2, crash=False)
        self.tick()
        for mailing_id in self.mailing_ids:
            info = mailings.get(self.ctx, mailing_id)
            if info.state in (MailingState.COMPLETED, MailingState.STOPPED):
                assert info.pending == 0
                assert all(Response(code).is_final for code, n in info.responses.items() if n)


Guarantees.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGuarantees = Guarantees.TestCase
