"""Holds hold: from the click on *Stop sending* until the dialog is answered,
no SMTP transaction of the mailing begins and its countdown stands still.

The engine is real, sending over real SMTP on loopback, on SQLite and on
PostgreSQL; the hold is taken with the same service call the window makes.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from mailapp.models import Mailing, MailingState, Refused, Response
from mailapp.models.states import StopAction
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, mailings, stops
from mailapp.services.context import AppContext
from tests.cli.clihelp import WorkerProcess, child_env
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state, wait_until
from tests.support.smtp_server import TestSmtpServer


def quiet_for(server: TestSmtpServer, seconds: float) -> int:
    """Messages that reached the server during ``seconds`` from now."""
    before = len(server.received)
    time.sleep(seconds)
    return len(server.received) - before


def test_a_hold_mid_send_stops_every_new_transaction_until_answered(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="3")
    server.delay_data = 0.02
    bulk_contacts(ctx, 400)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    server.wait_for(30)

    held = stops.hold(ctx, mailing_id)
    at_click = len(server.received)
    assert held.preview.action is StopAction.STOP
    assert held.preview.in_flight <= 3
    time.sleep(0.3)  # the transactions in flight at the click finish
    settled = len(server.received)
    assert settled - at_click <= held.preview.in_flight
    assert quiet_for(server, 2.0) == 0, "a transaction began while the mailing was held"
    assert mailings.get(ctx, mailing_id).held_at is not None

    # The numbers the dialog showed are the final ones.
    result = stops.stop(ctx, mailing_id, expect=StopAction.STOP)
    info = wait_state(ctx, mailing_id, [MailingState.STOPPED])
    assert info.responses[Response.STOPPED_MANUALLY.value] == held.preview.pending
    assert result.pending == held.preview.pending
    assert len(server.received) == settled
    assert info.held_at is None


def test_cancel_lifts_the_hold_and_sending_goes_on(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    server.delay_data = 0.01
    bulk_contacts(ctx, 150)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    server.wait_for(10)
    held = stops.hold(ctx, mailing_id)
    time.sleep(0.2)
    assert quiet_for(server, 1.0) == 0
    stops.release_hold(ctx, mailing_id, held.token)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    assert info.responses[Response.SENT.value] == 150
    assert len(server.accepted) == 150


def test_the_countdown_stands_still_while_held(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    """A careful reader keeps the pause dialog open longer than the delay:
    the mailing is still waiting when they confirm, and is paused."""
    use_server(ctx, server, MandrillMailingDelayInSeconds="2")
    bulk_contacts(ctx, 20)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    held = stops.hold(ctx, mailing_id)
    assert held.preview.action is StopAction.PAUSE
    time.sleep(3.5)  # longer than the delay
    assert mailings.get(ctx, mailing_id).state is MailingState.WAITING
    assert stops.stop(ctx, mailing_id, expect=StopAction.PAUSE).action is StopAction.PAUSE
    assert mailings.get(ctx, mailing_id).state is MailingState.PAUSED
    assert server.received == []


def test_after_cancel_the_countdown_goes_on_from_where_it_stood(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, MandrillMailingDelayInSeconds="3")
    bulk_contacts(ctx, 5)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    before = mailings.get(ctx, mailing_id).send_after
    assert before is not None
    held = stops.hold(ctx, mailing_id)
    time.sleep(1.5)
    stops.release_hold(ctx, mailing_id, held.token)
    after = mailings.get(ctx, mailing_id).send_after
    assert after is not None
    assert after - before >= timedelta(seconds=1.4)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=20)


def test_a_hold_whose_holder_died_lapses_by_itself(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    bulk_contacts(ctx, 40)
    mailing_id = make_mailing(ctx)
    server.delay_data = 0.02
    lifecycle.start(ctx, mailing_id)
    server.wait_for(5)
    stops.hold(ctx, mailing_id)  # and never renewed: the window is gone
    time.sleep(0.3)
    assert quiet_for(server, 1.0) == 0
    # Age the hold instead of waiting HOLD_SECONDS.
    with ctx.db.write() as session:
        session.execute(
            update(Mailing)
            .where(Mailing.id == mailing_id)
            .values(hold_until=ctx.db.now() - timedelta(seconds=1))
        )
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=30)
    assert info.responses[Response.SENT.value] == 40
    assert info.held_at is None


def test_a_renewed_hold_does_not_lapse_and_a_second_holder_is_refused(
    ctx: AppContext,
) -> None:
    bulk_contacts(ctx, 3)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    held = stops.hold(ctx, mailing_id)
    assert stops.renew_hold(ctx, mailing_id, held.token)
    assert lifecycle.lift_lapsed_holds(ctx) == []
    with pytest.raises(Refused) as refused:
        stops.hold(ctx, mailing_id)
    assert refused.value.code == "held_elsewhere"
    stops.release_hold(ctx, mailing_id, held.token)
    assert not stops.renew_hold(ctx, mailing_id, held.token)


def test_a_worker_in_another_process_honours_a_hold(
    tmp_path: Path, ctx: AppContext, server: TestSmtpServer, db_url: str
) -> None:
    use_server(ctx, server, SmtpConnections="2")
    server.delay_data = 0.02
    bulk_contacts(ctx, 300)
    mailing_id = make_mailing(ctx)
    worker = WorkerProcess(child_env(tmp_path, db_url), tmp_path)
    try:
        worker.wait_ready()
        lifecycle.start(ctx, mailing_id)
        server.wait_for(20, timeout=30)
        held = stops.hold(ctx, mailing_id)
        time.sleep(0.3)
        assert quiet_for(server, 2.0) == 0, worker.log()
        stops.release_hold(ctx, mailing_id, held.token)
        wait_until(lambda: len(server.accepted) == 300, 60, "the rest to be sent")
        assert worker.terminate() == 0, worker.log()
    finally:
        worker.close()
