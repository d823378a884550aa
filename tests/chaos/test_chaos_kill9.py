"""``kill -9`` of ``mailapp worker`` at random moments while it sends.

Workers are real processes (``python -m mailapp worker``); the SMTP server
runs in a process of its own so it outlives every kill, and answers each
final dot a little late so kills land inside SMTP transactions. After each
kill the worker is started again; at the end the mailing must complete with
no address served twice, every recipient in a final response, each ``sent``
one at the server, and at most ``SmtpConnections`` recipients
``unconfirmed`` per kill (the transactions that can be in flight).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from tests.cli.clihelp import WorkerProcess, child_env, wait_until
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.databases import postgres_database
from tests.support.processes import prepare_smtp_mailing, recipients, show
from tests.support.smtp_server import ServerProcess, read_envelopes, read_record

#: Seconds the server waits before its 250 to the final dot.
REPLY_DELAY = 0.05
CONNECTIONS = 2


def run_kills(
    tmp_path: Path, db_url: str, *, kills: int, workers: int, recipients_count: int
) -> Tally:
    seed = int(os.environ.get("MAILAPP_CHAOS_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    name = "kill9-sqlite" if workers == 1 else f"kill9-postgres-{workers}-workers"
    tally = Tally(name, unconfirmed_bound=kills * CONNECTIONS)
    tally.notes.append(f"seed {seed}")
    record, envelope_file = tmp_path / "ids.txt", tmp_path / "envelopes.jsonl"
    env = child_env(tmp_path, db_url)
    started = 0

    def spawn() -> WorkerProcess:
        nonlocal started
        started += 1
        return WorkerProcess(env, tmp_path, f"worker-{started}")

    with ServerProcess(
        record, delay=REPLY_DELAY, extra=["--envelopes", str(envelope_file)]
    ) as server:
        mailing_id, _ = prepare_smtp_mailing(
            env, tmp_path, server, recipients_count, connections=CONNECTIONS
        )
        running = [spawn() for _ in range(workers)]
        try:
            for worker in running:
                worker.wait_ready()
            while tally.runs < kills:
                if show(env, mailing_id)["state"] == "completed":
                    tally.notes.append(f"the mailing completed after {tally.runs} kills")
                    break
                index = rng.randrange(workers)
                before = len(read_record(record))
                # the victim (and its peers) are sending: a new message arrived
                wait_until(
                    lambda n=before: len(read_record(record)) > n,
                    30,
                    "sending",
                    lambda: f"{len(read_record(record))} of {recipients_count} messages arrived",
                )
                time.sleep(rng.uniform(0.0, 0.6))
                running[index].kill9()
                tally.runs += 1
                running[index] = spawn()
                running[index].wait_ready()
            wait_until(
                lambda: show(env, mailing_id)["state"] == "completed",
                60 + recipients_count / 5,
                "the mailing to complete after the kills",
            )
            for worker in running:
                assert worker.terminate() == 0, worker.log()
        finally:
            for worker in running:
                worker.close()
        rows = recipients(env, mailing_id)
        check_mailing(tally, rows, read_envelopes(envelope_file), mailing_id)
        ids = read_record(record)
        tally.duplicates += len(ids) - len(set(ids))  # by Message-ID over all mail
    return tally


def kill_scenario(tmp_path: Path, db_url: str, kills: int, workers: int, long: bool) -> None:
    # Enough for the mailing to outlast the kills: while a killed worker
    # starts again (a second or two), its peers keep sending, at up to
    # 40 messages a second each.
    per_kill = 12 if workers == 1 else 300
    tally = run_kills(
        tmp_path, db_url, kills=kills, workers=workers, recipients_count=kills * per_kill + 30
    )
    tally.report(long=long)
    tally.assert_guarantees()
    assert tally.runs == kills, tally.line()


def test_kill9_sqlite_short(tmp_path: Path) -> None:
    kill_scenario(tmp_path, f"sqlite:///{tmp_path / 'kill.sqlite3'}", 3, 1, long=False)


@pytest.mark.chaos
def test_kill9_sqlite_long(tmp_path: Path) -> None:
    kill_scenario(tmp_path, f"sqlite:///{tmp_path / 'kill.sqlite3'}", scaled(100), 1, long=True)


@pytest.mark.postgres
def test_kill9_postgres_three_workers_short(tmp_path: Path) -> None:
    with postgres_database() as url:
        kill_scenario(tmp_path, url, 2, 3, long=False)


@pytest.mark.chaos
@pytest.mark.postgres
def test_kill9_postgres_three_workers_long(tmp_path: Path) -> None:
    with postgres_database() as url:
        kill_scenario(tmp_path, url, scaled(60), 3, long=True)
