"""The built-in provider: messages sent to it land in the outbox and read back."""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.delivery.message import build_message, make_message_id
from mailapp.delivery.sandbox import SandboxServer, read_outbox
from mailapp.delivery.smtp import Outcome, SmtpConfig, SmtpConnection
from tests.support.smtp_server import ServerProcess


def message(subject: str, to: str = "anna@example.org") -> tuple[str, bytes]:
    mid = make_message_id("shop.example.com")
    return mid, build_message(
        sender_name="Магазин",
        sender_email="news@shop.example.com",
        to=to,
        subject=subject,
        html=f"<p>{subject}</p>",
        text=f"{subject}\n",
        message_id=mid,
        unsubscribe_url="https://shop.example.com/u",
        mailing_id=3,
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "outbox") as server:
        yield server


def test_a_message_sent_with_smtplib_lands_in_the_outbox(sandbox: SandboxServer) -> None:
    assert sandbox.address is not None
    host, port = sandbox.address
    mid, data = message("Привет, Анна")
    with smtplib.SMTP(host, port, timeout=5) as client:
        refused = client.sendmail("news@shop.example.com", ["anna@example.org"], data)
    assert refused == {}

    files = list(sandbox.outbox.glob("*.eml"))
    assert len(files) == 1
    (stored,) = read_outbox(sandbox.outbox)
    assert stored.path == files[0]
    assert stored.sender == "news@shop.example.com"
    assert stored.recipients == ("anna@example.org",)
    assert stored.subject == "Привет, Анна"
    assert stored.message_id == mid
    assert stored.html.strip() == "<p>Привет, Анна</p>"
    assert stored.text.strip() == "Привет, Анна"
    assert stored.received_at.tzinfo is not None


def test_the_smtp_client_is_accepted_and_the_outbox_is_newest_first(
    sandbox: SandboxServer,
) -> None:
    assert sandbox.address is not None
    host, port = sandbox.address
    ids = []
    with SmtpConnection(SmtpConfig(host, port, security="none", timeout=5)) as conn:
        for i in range(5):
            mid, data = message(f"n{i}")
            result = conn.send("news@shop.example.com", "anna@example.org", data)
            assert result.outcome is Outcome.ACCEPTED
            ids.append(mid)
    stored = read_outbox(sandbox.outbox)
    assert [m.message_id for m in stored] == ids[::-1]
    assert [m.subject for m in read_outbox(sandbox.outbox, limit=2)] == ["n4", "n3"]


def test_corrupt_and_half_written_files_are_skipped(sandbox: SandboxServer) -> None:
    assert sandbox.address is not None
    host, port = sandbox.address
    mid, data = message("good")
    with smtplib.SMTP(host, port, timeout=5) as client:
        client.sendmail("news@shop.example.com", ["anna@example.org"], data)
    outbox = sandbox.outbox
    (outbox / "99991231T235959999999Z-000000000-empty.eml").write_bytes(b"")
    (outbox / "99991231T235959999998Z-000000001-junk.eml").write_bytes(b"\x00\xff\xfe garbage")
    (outbox / ".20990101T000000000000Z-000000002-x.part").write_bytes(b"Subject: half")
    (outbox / "99991231T235959999997Z-000000003-cut.eml").write_bytes(b"Subject: cut off")

    assert [m.message_id for m in read_outbox(outbox)] == [mid]


def test_no_temporary_files_are_left(sandbox: SandboxServer) -> None:
    assert sandbox.address is not None
    host, port = sandbox.address
    with SmtpConnection(SmtpConfig(host, port, security="none", timeout=5)) as conn:
        for i in range(200):
            conn.send("news@shop.example.com", "anna@example.org", message(f"m{i}")[1])
    names = os.listdir(sandbox.outbox)
    assert len(names) == 200
    assert all(name.endswith(".eml") for name in names)


def test_a_missing_outbox_reads_empty(tmp_path: Path) -> None:
    assert read_outbox(tmp_path / "nothing") == []


def test_stop_frees_the_port(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "outbox")
    host, port = server.start()
    server.stop()
    with socket.socket() as s, pytest.raises(ConnectionRefusedError):
        s.connect((host, port))


def test_the_test_server_in_another_process_records_message_ids(tmp_path: Path) -> None:
    record = tmp_path / "ids.txt"
    with ServerProcess(record) as proc:
        with SmtpConnection(SmtpConfig(proc.host, proc.port, security="none", timeout=5)) as conn:
            mid, data = message("one")
            for _ in range(2):
                assert conn.send("news@shop.example.com", "a@example.org", data).outcome is (
                    Outcome.ACCEPTED
                )
        assert proc.message_ids() == [mid, mid]
        assert proc.duplicates() == [mid]


def test_the_sandbox_accepts_at_its_rate_over_all_connections(sandbox: SandboxServer) -> None:
    """A provider's pace (SandboxRatePerSecond), so a new user can watch a
    mailing send and stop it: replies to the final dot are spaced out,
    whichever connection they are on."""
    import threading
    import time

    sandbox.rate_per_second = 20
    assert sandbox.address is not None
    host, port = sandbox.address
    answered: list[float] = []

    def send(count: int) -> None:
        with smtplib.SMTP(host, port, timeout=10) as client:
            for n in range(count):
                _, data = message(f"Message {n}")
                client.sendmail("news@shop.example.com", ["anna@example.org"], data)
                answered.append(time.monotonic())

    threads = [threading.Thread(target=send, args=(5,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered.sort()
    assert len(answered) == 10
    # Ten answers at 20 a second span at least 9 intervals of 50 ms.
    assert answered[-1] - answered[0] >= 9 * 0.05 * 0.9
    assert len(read_outbox(sandbox.outbox)) == 10
