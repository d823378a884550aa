"""A Hypothesis state machine over start / stop / schedule / tick / send /
stop while sending / lease taken away, checking the guarantees after every
step.

Sending is done by the real :class:`Dispatcher` with two lanes. The steps
that matter most overlap with messages in flight: the test SMTP server
holds its answer to the final dot while a stop commits, or while a peer
takes a lane's lease away (and settles its claims, as it would for a dead
process), and only then answers.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select, update

from mailapp.delivery.ratelimit import RateLimiter
from mailapp.delivery.smtp import SmtpConfig
from mailapp.models import Mailing, MailingState, Recipient, Refused, Response
from mailapp.models.base import utcnow
from mailapp.models.states import SENDING_STATES, can_schedule, can_start, stop_action
from mailapp.scheduler import leases
from mailapp.scheduler.dispatch import Dispatcher
from mailapp.services import lifecycle, mailings, stops
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, make_mailing
from tests.support.engine import holds_within
from tests.support.smtp_server import TestSmtpServer

MAILINGS = 2
CONTACTS = 12
LANES = 2


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
                "SmtpConnections": str(LANES),
                "RetryDelaySeconds": "0",
            },
        )
        config = SmtpConfig(host=host, port=port, security="none", user="", password="")
        self.dispatcher = Dispatcher(
            self.ctx, leases.new_process_id(), threading.Event(), RateLimiter(0)
        )
        self.dispatcher.configure(settings_service.load(self.ctx), config)
        self.dispatcher.start()
        self.mailing_ids: list[int] = []
        #: Per stopped mailing: the Message-IDs of every transaction begun
        #: when its stop committed; nothing else may reach the server.
        self.begun_at_stop: dict[int, set[str]] = {}

    @initialize()
    def make_mailings(self) -> None:
        for n in range(MAILINGS):
            folder = f"List {n}"
            add_contacts(self.ctx, [f"m{n}c{c}@example.com" for c in range(CONTACTS)], folder)
            self.mailing_ids.append(make_mailing(self.ctx, folders=(folder,), name=f"M{n}"))

    def teardown(self) -> None:
        self.server.release_stalled()
        self.dispatcher.stop()
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

    def begun(self, mailing_id: int) -> set[str]:
        with self.ctx.db.read() as session:
            return set(
                session.scalars(
                    select(Recipient.message_id).where(
                        Recipient.mailing_id == mailing_id, Recipient.tx_started_at.is_not(None)
                    )
                )
            )

    def in_flight(self, mailing_id: int | None = None) -> list[tuple[str, int]]:
        query = select(Recipient.claimed_by, Recipient.id).where(
            Recipient.response == Response.SENDING.value, Recipient.tx_started_at.is_not(None)
        )
        if mailing_id is not None:
            query = query.where(Recipient.mailing_id == mailing_id)
        with self.ctx.db.read() as session:
            return [(str(lease), rid) for lease, rid in session.execute(query).all()]

    def quiet(self) -> None:
        """Wait until the lanes have nothing left: no claim held, ring empty."""

        def settled() -> bool:
            with self.ctx.db.read() as session:
                held = session.scalar(
                    select(func.count())
                    .select_from(Recipient)
                    .where(Recipient.response == Response.SENDING.value)
                )
            return not held and not self.dispatcher.busy

        assert holds_within(settled, 10.0), "the lanes did not settle"

    def stall_until_in_flight(self, mailing_id: int) -> bool:
        """Let the lanes send ``mailing_id`` with the server holding its
        answers; True once a transaction is in flight."""
        info = mailings.get(self.ctx, mailing_id)
        if info.state not in SENDING_STATES or not info.responses[Response.PLANNED.value]:
            return False
        self.server.stall_after_dot = True
        self.dispatcher.offer([mailing_id])
        return holds_within(lambda: bool(self.in_flight(mailing_id)), 3.0)

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
            lifecycle.promote_waiting(self.ctx)  # no delay: it queues at once

    @rule(index=st.integers(0, MAILINGS - 1))
    def stop(self, index: int) -> None:
        mailing_id = self.mailing_ids[index]
        before = self.state(mailing_id)
        try:
            stops.stop(self.ctx, mailing_id)
        except Refused:
            assert stop_action(before) is None
        else:
            assert stop_action(before) is not None
            if self.state(mailing_id) is MailingState.STOPPING:
                self.begun_at_stop[mailing_id] = self.begun(mailing_id)

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

    @rule(index=st.integers(0, MAILINGS - 1))
    def send(self, index: int) -> None:
        self.dispatcher.offer([self.mailing_ids[index]])
        self.quiet()

    @rule(index=st.integers(0, MAILINGS - 1))
    def stop_while_sending(self, index: int) -> None:
        """*Stop sending* committed while the lanes wait for the provider."""
        mailing_id = self.mailing_ids[index]
        try:
            self.stall_until_in_flight(mailing_id)
            self.stop(index)
        finally:
            self.server.release_stalled()
        self.quiet()

    @rule(index=st.integers(0, MAILINGS - 1))
    def lease_taken_while_sending(self, index: int) -> None:
        """A peer wrongly judges a lane dead in the middle of a transaction
        and settles its claims; the lane's writes must all be refused."""
        try:
            if self.stall_until_in_flight(self.mailing_ids[index]):
                lease, _ = self.in_flight()[0]
                leases.release(self.ctx, [lease])
        finally:
            self.server.release_stalled()
        self.quiet()

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
        for mailing_id, begun in self.begun_at_stop.items():
            header = f"X-Mailapp-Mailing: {mailing_id}".encode()
            at_server = {
                m.message_id
                for m in self.server.received
                if m.may_be_delivered and header in m.data
            }
            assert at_server <= begun, "a transaction began after the stop committed"
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
                    self.send(index)
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
