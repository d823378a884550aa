"""The database fails under a mailing that sends: PostgreSQL connections
terminated mid-send (``pg_terminate_backend``), and the server restarted.

Every lane reconnects and repeats what it was writing; a 250 already
received is kept until the database takes it. The mailing must complete
with every recipient sent exactly once, none ``unconfirmed`` (no SMTP
transaction is cut by a database fault) and nothing left ``sending``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from mailapp.models import MailingState, Response
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle
from mailapp.services.context import AppContext
from tests.support.chaos import Tally, scaled
from tests.support.data import bulk_contacts, make_mailing
from tests.support.databases import PostgresCluster, postgres_database
from tests.support.engine import use_server, wait_state
from tests.support.smtp_server import TestSmtpServer

pytestmark = pytest.mark.postgres


def tally_of(ctx: AppContext, server: TestSmtpServer, mailing_id: int, name: str) -> Tally:
    from mailapp.services import mailings

    info = mailings.get(ctx, mailing_id)
    tally = Tally(name, unconfirmed_bound=0)
    per_address = Counter(r for m in server.received if m.may_be_delivered for r in m.recipients)
    tally.messages = len(server.received)
    tally.duplicates = sum(n - 1 for n in per_address.values() if n > 1)
    tally.unconfirmed = info.responses[Response.UNCONFIRMED.value]
    tally.lost = (
        info.responses[Response.PLANNED.value]
        + info.responses[Response.SENDING.value]
        + abs(info.responses[Response.SENT.value] - len(server.accepted))
    )
    return tally


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def terminate_scenario(url: str, *, count: int, kills: int, long: bool) -> None:
    began = time.monotonic()
    ctx = AppContext.open(url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with TestSmtpServer() as server:
        server.delay_data = 0.005
        use_server(ctx, server, SmtpConnections="3")
        bulk_contacts(ctx, count)
        mailing_id = make_mailing(ctx)
        engine = MailEngine(ctx, tick_seconds=0.2)
        engine.start()
        done = threading.Event()
        terminated = 0

        def terminate() -> None:
            nonlocal terminated
            while not done.is_set() and terminated < kills:
                time.sleep(0.25)
                with admin.connect() as conn:
                    terminated += int(
                        conn.execute(
                            text(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                            )
                        ).scalar_one()
                        > 0
                    )

        killer = threading.Thread(target=terminate)
        try:
            lifecycle.start(ctx, mailing_id)
            server.wait_for(20, timeout=30)
            killer.start()
            # The test's own reads share the pool: they wait for the faults to end.
            killer.join()
            wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=60 + count / 20)
        finally:
            done.set()
            if killer.is_alive():
                killer.join()
            engine.stop()
        tally = tally_of(ctx, server, mailing_id, "postgres-terminated")
    tally.runs, tally.started = terminated, began
    tally.notes.append(f"{terminated} rounds of terminated connections")
    ctx.db.dispose()
    admin.dispose()
    tally.report(long=long)
    tally.assert_guarantees()
    assert terminated > 0, tally.line()


def test_connections_terminated_mid_send_short(pg_url: str) -> None:
    terminate_scenario(pg_url, count=600, kills=6, long=False)


@pytest.mark.chaos
def test_connections_terminated_mid_send_long(pg_url: str) -> None:
    terminate_scenario(pg_url, count=scaled(6000), kills=scaled(60), long=True)


def restart_scenario(*, count: int, restarts: int, long: bool) -> None:
    began = time.monotonic()
    cluster = PostgresCluster()
    cluster.start()
    try:
        ctx = AppContext.open(cluster.url)
        with TestSmtpServer() as server:
            server.delay_data = 0.005
            use_server(ctx, server, SmtpConnections="3")
            bulk_contacts(ctx, count)
            mailing_id = make_mailing(ctx)
            engine = MailEngine(ctx, tick_seconds=0.2)
            engine.start()
            try:
                lifecycle.start(ctx, mailing_id)
                for n in range(restarts):
                    server.wait_for(len(server.received) + 30, timeout=60)
                    cluster.stop("immediate" if n % 2 else "fast")
                    time.sleep(1.0)
                    cluster.start()
                wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=90 + count / 20)
            finally:
                engine.stop()
            tally = tally_of(ctx, server, mailing_id, "postgres-restarted")
        ctx.db.dispose()
    finally:
        cluster.remove()
    tally.runs, tally.started = restarts, began
    tally.report(long=long)
    tally.assert_guarantees()


def test_server_restarted_mid_send_short() -> None:
    restart_scenario(count=400, restarts=2, long=False)


@pytest.mark.chaos
def test_server_restarted_mid_send_long() -> None:
    restart_scenario(count=scaled(3000), restarts=scaled(10), long=True)
