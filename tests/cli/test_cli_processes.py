"""``mailapp`` as real processes: the README walk-through, a worker stopped
by SIGTERM mid-send, a worker killed with ``kill -9`` mid-send and restarted,
and two workers sharing one PostgreSQL database.

The SMTP server runs in the test process, so it outlives every worker, and
it records each message with its recipients the moment the final dot
arrives: what it holds is what the recipients may have in their inboxes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from mailapp.delivery.sandbox import read_outbox
from tests.cli.clihelp import SAMPLE_CSV, WorkerProcess, child_env, wait_until
from tests.support.processes import (
    FINAL,
    delivered_to,
    ok,
    ok_process,
    prepare_smtp_mailing,
    recipients,
    show,
)
from tests.support.smtp_server import TestSmtpServer


@pytest.fixture
def smtp_server() -> TestSmtpServer:
    server = TestSmtpServer()
    server.start()
    yield server
    server.stop()


def test_readme_walkthrough(tmp_path: Path, workers: list[WorkerProcess]) -> None:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'walk.sqlite3'}")
    imported = json.loads(
        ok_process(env, "contacts", "import", str(SAMPLE_CSV), "--folder", "Newsletter", "--json")
    )
    assert imported["imported"] == 20
    ok_process(env, "settings", "set", "MandrillMailingDelayInSeconds", "1")
    created = ok_process(
        env,
        "mailing",
        "create",
        "--name",
        "Spring news",
        "--subject",
        "Spring news for {{ contact.first_name }}",
        "--sender-email",
        "news@example.com",
        "--sender-name",
        "Example News",
        "--html",
        "<h1>Hello {{ contact.first_name }}!</h1><p>News from {{ contact.city }}.</p>",
        "--folder",
        "Newsletter",
        "--json",
    )
    mailing_id = json.loads(created)["id"]
    started = ok_process(env, "mailing", "start", str(mailing_id))
    assert "Waiting for sending" in started

    worker = WorkerProcess(env, tmp_path)
    workers.append(worker)
    ready = worker.wait_ready()
    assert "provider sandbox: 127.0.0.1:" in ready
    wait_until(lambda: show(env, mailing_id)["state"] == "completed", 30, "the mailing to complete")

    info = show(env, mailing_id)
    assert info["responses"]["sent"] == 20 and info["recipients"] == 20
    outbox = read_outbox(Path(env["MAILAPP_HOME"]) / "outbox")
    assert len(outbox) == 20
    raw = sorted(m.path.read_text(encoding="utf-8", errors="replace") for m in outbox)
    assert any("Spring news for Anna" in text for text in raw)
    log = json.loads(ok_process(env, "journal", "--mailing", str(mailing_id), "--json"))
    events = [e["event"] for e in log]
    assert events[:2] == ["mailing_started", "audience_prepared"]
    assert "sending_started" in events and "batch_sent" in events
    assert events[-1] == "mailing_completed"
    listed = ok_process(env, "mailing", "list")
    assert "Completed" in listed

    # 6. a stop once sending has begun, then a follow-up for those not reached
    ok_process(env, "settings", "set", "SandboxRatePerSecond", "2")
    sale = json.loads(
        ok_process(
            env,
            "mailing",
            "create",
            "--name",
            "Spring sale",
            "--subject",
            "Spring sale for {{ contact.first_name }}",
            "--sender-email",
            "news@example.com",
            "--html",
            "<p>Everything at half price, {{ contact.first_name }}!</p>",
            "--folder",
            "Newsletter",
            "--json",
        )
    )["id"]
    ok_process(env, "mailing", "start", str(sale))
    wait_until(lambda: show(env, sale)["responses"]["sent"] >= 2, 30, "sending to begin")
    stopped = ok_process(env, "mailing", "stop", str(sale))
    assert "stopped for good" in stopped
    wait_until(lambda: show(env, sale)["state"] == "stopped", 30, "the stop")
    not_reached = show(env, sale)["responses"]["stopped_manually"]
    assert 0 < not_reached < 20
    ok_process(env, "settings", "set", "SandboxRatePerSecond", "20")
    resent = ok_process(env, "mailing", "resend", str(sale))
    follow_up = sale + 1
    assert f"Created mailing {follow_up} as a draft for {not_reached} recipients" in resent
    assert show(env, follow_up)["follows"] == sale
    ok_process(env, "mailing", "start", str(follow_up))
    wait_until(lambda: show(env, follow_up)["state"] == "completed", 30, "the follow-up")
    assert "Reached in all: 20" in ok_process(env, "mailing", "show", str(sale))
    sale_mail = [
        m for m in read_outbox(Path(env["MAILAPP_HOME"]) / "outbox") if "Spring sale" in m.subject
    ]
    assert Counter(r for m in sale_mail for r in m.recipients) == Counter(
        r for m in outbox for r in m.recipients
    )
    who = {e["event"]: e["actor"] for e in json.loads(ok_process(env, "journal", "--json"))}
    assert who["mailing_stopping"] and who["mailing_resent"] == who["mailing_stopping"]
    assert who["batch_sent"] is None

    assert worker.terminate() == 0
    assert "mailapp worker stopped" in worker.out_path.read_text()


def test_sigterm_mid_send_finishes_in_flight_transactions(
    tmp_path: Path, smtp_server: TestSmtpServer, workers: list[WorkerProcess]
) -> None:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'term.sqlite3'}")
    smtp_server.delay_data = 0.3
    mailing_id, emails = prepare_smtp_mailing(env, tmp_path, smtp_server, 40, connections=3)

    worker = WorkerProcess(env, tmp_path)
    workers.append(worker)
    worker.wait_ready()
    assert smtp_server.wait_for(4, timeout=20), worker.log()
    assert worker.terminate(timeout=20) == 0, worker.log()

    rows = recipients(env, mailing_id)
    by_response = Counter(r["response"] for r in rows)
    # in-flight transactions got their 250 and were recorded; the rest wait
    assert by_response["sending"] == 0 and by_response["unconfirmed"] == 0
    assert set(by_response) <= {"sent", "planned"}
    assert 0 < by_response["sent"] < len(emails)
    sent = {r["email"] for r in rows if r["response"] == "sent"}
    assert set(delivered_to(smtp_server)) == sent

    # a new worker sends the rest, and nobody gets two messages
    again = WorkerProcess(env, tmp_path, "worker2")
    workers.append(again)
    again.wait_ready()
    wait_until(lambda: show(env, mailing_id)["state"] == "completed", 40, "completion")
    assert again.terminate() == 0
    counts = delivered_to(smtp_server)
    assert sorted(counts) == sorted(emails)
    assert max(counts.values()) == 1
    assert show(env, mailing_id)["responses"]["sent"] == len(emails)


def test_kill_9_mid_send_then_restart_no_duplicate_nothing_lost(
    tmp_path: Path, smtp_server: TestSmtpServer, workers: list[WorkerProcess]
) -> None:
    env = child_env(tmp_path, f"sqlite:///{tmp_path / 'kill.sqlite3'}")
    connections = 3
    smtp_server.delay_data = 0.25  # the 250 comes late: the kill lands mid-transaction
    mailing_id, emails = prepare_smtp_mailing(
        env, tmp_path, smtp_server, 45, connections=connections
    )

    worker = WorkerProcess(env, tmp_path)
    workers.append(worker)
    worker.wait_ready()
    assert smtp_server.wait_for(7, timeout=20), worker.log()
    worker.kill9()
    at_kill = len(smtp_server.received)
    assert at_kill < len(emails), "the kill came too late to land mid-send"

    restarted = WorkerProcess(env, tmp_path, "restarted")
    workers.append(restarted)
    restarted.wait_ready()
    wait_until(
        lambda: show(env, mailing_id)["state"] == "completed", 45, "completion after restart"
    )
    assert restarted.terminate() == 0, restarted.log()

    rows = recipients(env, mailing_id)
    assert len(rows) == len(emails)
    # never lost: every recipient has a final response
    assert all(r["response"] in FINAL for r in rows), Counter(r["response"] for r in rows)
    by_response = Counter(r["response"] for r in rows)
    assert set(by_response) <= {"sent", "unconfirmed"}
    # unconfirmed only for transactions in flight at the kill: one per connection
    assert by_response["unconfirmed"] <= connections
    # never twice: no address got two messages
    counts = delivered_to(smtp_server)
    assert not [e for e, n in counts.items() if n > 1], counts
    # what the database says was sent, the server has; and it has nothing else
    sent = {r["email"] for r in rows if r["response"] == "sent"}
    unconfirmed = {r["email"] for r in rows if r["response"] == "unconfirmed"}
    assert sent <= set(counts)
    assert set(counts) <= sent | unconfirmed
    # the restarted worker did send: the mailing was not finished at the kill
    assert len(counts) > at_kill or by_response["sent"] > at_kill


def _two_workers(
    env: dict[str, str], tmp_path: Path, workers: list[WorkerProcess]
) -> tuple[WorkerProcess, WorkerProcess]:
    """Two workers on the test's database, both ready."""
    first = WorkerProcess(env, tmp_path, "first")
    second = WorkerProcess(env, tmp_path, "second")
    workers.extend([first, second])
    first.wait_ready()
    second.wait_ready()
    return first, second


@pytest.mark.postgres
def test_two_workers_on_one_postgres_database(
    tmp_path: Path,
    fresh_postgres_url: str,
    smtp_server: TestSmtpServer,
    workers: list[WorkerProcess],
) -> None:
    env = child_env(tmp_path, fresh_postgres_url)
    smtp_server.delay_data = 0.02
    mailing_id, emails = prepare_smtp_mailing(env, tmp_path, smtp_server, 120, connections=3)

    first, second = _two_workers(env, tmp_path, workers)
    wait_until(lambda: show(env, mailing_id)["state"] == "completed", 45, "completion")
    assert first.terminate() == 0, first.log()
    assert second.terminate() == 0, second.log()

    rows = recipients(env, mailing_id)
    assert Counter(r["response"] for r in rows) == {"sent": len(emails)}
    counts = delivered_to(smtp_server)
    assert sorted(counts) == sorted(emails)
    assert max(counts.values()) == 1
    message_ids = [m.message_id for m in smtp_server.received]
    assert len(message_ids) == len(set(message_ids)) == len(emails)


@pytest.mark.postgres
def test_two_workers_on_postgres_one_killed_the_other_finishes(
    tmp_path: Path,
    fresh_postgres_url: str,
    smtp_server: TestSmtpServer,
    workers: list[WorkerProcess],
) -> None:
    env = child_env(tmp_path, fresh_postgres_url)
    connections = 2
    smtp_server.delay_data = 0.1
    mailing_id, emails = prepare_smtp_mailing(
        env, tmp_path, smtp_server, 60, connections=connections
    )

    doomed = WorkerProcess(env, tmp_path, "doomed")
    survivor = WorkerProcess(env, tmp_path, "survivor")
    workers.extend([doomed, survivor])
    doomed.wait_ready()
    survivor.wait_ready()
    assert smtp_server.wait_for(10, timeout=20), doomed.log()
    doomed.kill9()
    wait_until(lambda: show(env, mailing_id)["state"] == "completed", 45, "completion")
    assert survivor.terminate() == 0, survivor.log()

    rows = recipients(env, mailing_id)
    by_response = Counter(r["response"] for r in rows)
    assert set(by_response) <= {"sent", "unconfirmed"}
    assert by_response["unconfirmed"] <= connections
    counts = delivered_to(smtp_server)
    assert not [e for e, n in counts.items() if n > 1], counts
    sent = {r["email"] for r in rows if r["response"] == "sent"}
    unconfirmed = {r["email"] for r in rows if r["response"] == "unconfirmed"}
    assert sent <= set(counts) <= sent | unconfirmed
    assert len(sent) + len(unconfirmed) == len(emails)


@pytest.mark.postgres
def test_stop_then_resend_with_two_workers_on_postgres(
    tmp_path: Path,
    fresh_postgres_url: str,
    smtp_server: TestSmtpServer,
    workers: list[WorkerProcess],
) -> None:
    env = child_env(tmp_path, fresh_postgres_url)
    smtp_server.delay_data = 0.1
    mailing_id, emails = prepare_smtp_mailing(env, tmp_path, smtp_server, 240, connections=2)
    first, second = _two_workers(env, tmp_path, workers)
    assert smtp_server.wait_for(15, timeout=20), first.log() + second.log()
    ok(env, "mailing", "stop", str(mailing_id))
    wait_until(lambda: show(env, mailing_id)["state"] == "stopped", 30, "the stop")
    stopped = {r["email"] for r in recipients(env, mailing_id) if r["response"] != "sent"}
    assert stopped and len(stopped) < len(emails)

    smtp_server.delay_data = 0.0
    made = json.loads(ok_process(env, "mailing", "resend", str(mailing_id), "--json"))
    assert made["recipients"] == len(stopped)
    assert show(env, made["id"])["follows"] == mailing_id
    ok_process(env, "mailing", "start", str(made["id"]))
    wait_until(lambda: show(env, made["id"])["state"] == "completed", 45, "the resend")
    assert first.terminate() == 0, first.log()
    assert second.terminate() == 0, second.log()

    assert {r["email"] for r in recipients(env, made["id"])} == stopped
    assert delivered_to(smtp_server) == Counter(emails)
    message_ids = [m.message_id for m in smtp_server.received]
    assert len(message_ids) == len(set(message_ids)) == len(emails)
