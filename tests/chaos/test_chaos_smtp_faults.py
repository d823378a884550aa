"""Providers that misbehave: the connection drops after the final dot, the
server answers 421 for a while, the server takes the data and then says
nothing. In each case nothing is sent twice and nobody is lost; what the
engine does with the affected recipients is asserted and printed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.models import MailingState, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, mailings
from mailapp.services.context import AppContext
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext.open(f"sqlite:///{tmp_path / 'faults.sqlite3'}")
    yield context
    context.db.dispose()


@pytest.fixture
def server() -> Iterator[TestSmtpServer]:
    with TestSmtpServer() as smtp:
        yield smtp


@pytest.fixture
def engine(ctx: AppContext) -> Iterator[MailEngine]:
    mail_engine = MailEngine(ctx, tick_seconds=0.2)
    mail_engine.start()
    yield mail_engine
    mail_engine.stop()


def tally_of(
    name: str, ctx: AppContext, server: TestSmtpServer, mailing_id: int, bound: int
) -> tuple[Tally, dict[str, int]]:
    tally = Tally(name, runs=1, unconfirmed_bound=bound)
    rows = [
        {"email": r.email, "response": r.response.value, "message_id": r.message_id}
        for r in mailings.recipients(ctx, mailing_id)
    ]
    envelopes = [
        {"message_id": m.message_id, "recipients": m.recipients, "mailing": str(mailing_id)}
        for m in server.received
        if m.may_be_delivered
    ]
    responses = check_mailing(tally, rows, envelopes, mailing_id)
    tally.notes.append(", ".join(f"{k} {v}" for k, v in sorted(responses.items())))
    return tally, responses


# -- the connection drops after the final dot --------------------------------


def drop_scenario(ctx: AppContext, server: TestSmtpServer, count: int, long: bool) -> None:
    use_server(ctx, server, SmtpConnections="1", MaxSendErrors="1000")
    server.drop_after_dot = True
    bulk_contacts(ctx, count)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60 + 30 * count)
    time.sleep(0.5)  # nothing is tried again afterwards
    tally, responses = tally_of("smtp-drop-after-dot", ctx, server, mailing_id, bound=count)
    tally.report(long=long)
    tally.assert_guarantees()
    # every message reached the server once and none was confirmed: unconfirmed, never re-sent
    assert responses == {Response.UNCONFIRMED.value: count}
    assert len(server.received) == count


def test_drop_after_dot_short(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> None:
    drop_scenario(ctx, server, 3, long=False)


@pytest.mark.chaos
def test_drop_after_dot_long(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> None:
    drop_scenario(ctx, server, scaled(7), long=True)


# -- 421 for a while -----------------------------------------------------------


def busy_scenario(ctx: AppContext, server: TestSmtpServer, seconds: float, long: bool) -> None:
    count = 30
    use_server(ctx, server, SmtpConnections="2", MaxSendErrors="1000", RetryDelaySeconds="1")
    server.fail_first_n(421, 10**9, phase="mail")
    bulk_contacts(ctx, count)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    time.sleep(seconds)
    assert server.received == []  # a 421 to MAIL: no data went over
    assert mailings.get(ctx, mailing_id).state in (MailingState.QUEUED, MailingState.SENDING)
    server.fail_first_n(421, 0)
    info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=120)
    time.sleep(0.5)
    tally, responses = tally_of(f"smtp-421-for-{seconds:g}s", ctx, server, mailing_id, bound=0)
    tally.report(long=long)
    tally.assert_guarantees()
    # Each 421 counts as one attempt of that recipient: those tried more than
    # SoftBounceRetries times during the outage end as soft bounces; the rest
    # are sent once the server is back.
    assert set(responses) <= {Response.SENT.value, Response.SOFT_BOUNCE.value}
    assert responses.get(Response.SENT.value, 0) == len(server.accepted) > 0
    assert info.pending == 0


def test_421_for_a_while_short(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> None:
    busy_scenario(ctx, server, 5, long=False)


@pytest.mark.chaos
def test_421_for_a_minute_long(ctx: AppContext, server: TestSmtpServer, engine: MailEngine) -> None:
    busy_scenario(ctx, server, 60 * scaled(1), long=True)


# -- the server takes the data and stalls --------------------------------------


def stall_scenario(
    ctx: AppContext,
    server: TestSmtpServer,
    engine: MailEngine,
    monkeypatch: pytest.MonkeyPatch,
    timeout: float | None,
    long: bool,
) -> None:
    count, max_errors = 8, 3
    use_server(ctx, server, SmtpConnections="1", MaxSendErrors=str(max_errors))
    if timeout is not None:  # the short run does not wait the client's 30 s
        config = engine.provider.config
        monkeypatch.setattr(
            engine.provider, "config", lambda s: dataclasses.replace(config(s), timeout=timeout)
        )
    server.stall_after_dot = True
    bulk_contacts(ctx, count)
    mailing_id = make_mailing(ctx)
    lifecycle.start(ctx, mailing_id)
    info = wait_state(ctx, mailing_id, [MailingState.ERROR], timeout=60 + max_errors * 40)
    # MaxSendErrors unanswered transactions in a row: the mailing stops in error
    assert info.responses[Response.UNCONFIRMED.value] == max_errors
    assert info.responses[Response.PLANNED.value] == count - max_errors
    assert server.stalled_count == max_errors
    # the server answers again; the user clicks Start sending: the rest go out
    server.release_stalled()
    lifecycle.start(ctx, mailing_id)
    wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60)
    time.sleep(0.5)
    name = f"smtp-stall-timeout-{timeout or 30:g}s"
    tally, responses = tally_of(name, ctx, server, mailing_id, bound=max_errors)
    tally.report(long=long)
    tally.assert_guarantees()
    assert responses == {
        Response.UNCONFIRMED.value: max_errors,
        Response.SENT.value: count - max_errors,
    }
    assert len(server.received) == count  # the unconfirmed ones were not sent again


def test_stall_after_dot_short(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    stall_scenario(ctx, server, engine, monkeypatch, 1.5, long=False)


@pytest.mark.chaos
def test_stall_after_dot_real_timeout_long(
    ctx: AppContext, server: TestSmtpServer, engine: MailEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    stall_scenario(ctx, server, engine, monkeypatch, None, long=True)
