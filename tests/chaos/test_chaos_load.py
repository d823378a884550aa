"""Many mailings at once, with odd addresses, sent by real worker processes.

Twenty mailings (short: eight) start together at the default
``SmtpConnections``; the audience mixes plain addresses with international
ones (a non-ASCII local part, sent over SMTPUTF8) and addresses that cannot
be sent at all. One worker on SQLite, two on PostgreSQL. While everything
sends, ``mailing list`` and ``mailing stop`` must answer within a second;
at the end every mailing has reached each of its recipients exactly once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.cli.clihelp import WorkerProcess, child_env, wait_until
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.databases import postgres_database
from tests.support.processes import ok, recipients, show
from tests.support.smtp_server import ServerProcess, read_envelopes, read_record

#: States a mailing leaves only by a person's hand.
FINAL = ("completed", "stopped", "paused", "error")

ODD = ["jöhn.{n}@example.com", "zoë.{n}@example.org"]


def write_audience(path: Path, count: int) -> None:
    rows = [
        f"person.{n}@example.com" if n % 10 else ODD[n % 20 // 10].format(n=n) for n in range(count)
    ]
    path.write_text(
        "email,first_name\n" + "".join(f"{e},P{n}\n" for n, e in enumerate(rows)), "utf-8"
    )


def load_scenario(
    tmp_path: Path, db_url: str, *, mailings: int, count: int, workers: int, long: bool
) -> None:
    tally = Tally(f"{mailings}-mailings-{workers}-workers", unconfirmed_bound=0)
    record, envelope_file = tmp_path / "ids.txt", tmp_path / "envelopes.jsonl"
    env = child_env(tmp_path, db_url)
    with ServerProcess(record, delay=0.005, extra=["--envelopes", str(envelope_file)]) as server:
        csv = tmp_path / "people.csv"
        write_audience(csv, count)
        ok(env, "contacts", "import", str(csv), "--folder", "People")
        for code, value in (
            ("Provider", "smtp"),
            ("SmtpHost", server.host),
            ("SmtpPort", str(server.port)),
            ("SmtpSecurity", "none"),
            ("MandrillMailingDelayInSeconds", "0"),
        ):
            ok(env, "settings", "set", code, value)
        ids = []
        for n in range(mailings):
            created = ok(
                env, "mailing", "create", "--name", f"Load {n}", "--subject", f"News {n}",
                "--sender-email", "news@example.com", "--folder", "People", "--json",
                "--html", "<p>Hi {{ contact.first_name }}</p>",
            )  # fmt: skip
            ids.append(int(json.loads(created)["id"]))
        running = [WorkerProcess(env, tmp_path, f"worker-{n}") for n in range(workers)]
        try:
            for worker in running:
                worker.wait_ready()
            for mailing_id in ids:
                ok(env, "mailing", "start", str(mailing_id))
            wait_until(lambda: len(read_record(record)) > mailings * 5, 60, "sending")
            # Before its delay has run out a stop would pause the last one.
            wait_until(
                lambda: show(env, ids[-1])["state"] in ("queued", "sending"),
                60,
                f"mailing {ids[-1]} to begin",
                lambda: json.dumps(show(env, ids[-1])),
            )
            began = time.monotonic()
            ok(env, "mailing", "list", "--json")
            listed = time.monotonic() - began
            began = time.monotonic()
            ok(env, "mailing", "stop", str(ids[-1]))
            stopped = time.monotonic() - began
            tally.notes.append(f"list {listed:.2f} s, stop {stopped:.2f} s while sending")
            for mailing_id in ids:
                wait_until(
                    lambda m=mailing_id: show(env, m)["state"] in FINAL,
                    120 + count * mailings / 50,
                    f"mailing {mailing_id} to finish",
                    lambda m=mailing_id: (
                        json.dumps(show(env, m))
                        + "".join(f"\n--- {w.out_path.stem}\n{w.log()[-6000:]}" for w in running)
                    ),
                )
            states = [show(env, m)["state"] for m in ids]
            assert states == ["completed"] * (mailings - 1) + ["stopped"], states
            for worker in running:
                assert worker.terminate() == 0, worker.log()
        finally:
            for worker in running:
                worker.close()
        envelopes = read_envelopes(envelope_file)
        for mailing_id in ids:
            check_mailing(tally, recipients(env, mailing_id), envelopes, mailing_id)
        tally.runs = mailings
        ids_seen = read_record(record)
        tally.duplicates += len(ids_seen) - len(set(ids_seen))
    tally.report(long=long)
    tally.assert_guarantees()
    assert listed < 1.0 and stopped < 1.0, tally.line()
    assert show(env, ids[0])["responses"]["sent"] == count, tally.line()


def test_many_mailings_sqlite_short(tmp_path: Path) -> None:
    load_scenario(
        tmp_path,
        f"sqlite:///{tmp_path / 'load.sqlite3'}",
        mailings=8,
        count=60,
        workers=1,
        long=False,
    )


@pytest.mark.chaos
def test_many_mailings_sqlite_long(tmp_path: Path) -> None:
    load_scenario(
        tmp_path,
        f"sqlite:///{tmp_path / 'load.sqlite3'}",
        mailings=20,
        count=scaled(500),
        workers=1,
        long=True,
    )


@pytest.mark.chaos
@pytest.mark.postgres
def test_many_mailings_postgres_long(tmp_path: Path) -> None:
    with postgres_database() as url:
        load_scenario(tmp_path, url, mailings=20, count=scaled(500), workers=2, long=True)
