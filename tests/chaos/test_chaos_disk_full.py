"""The disk holding the SQLite database fills up while a mailing sends.

The database lives on an 8 MB tmpfs (room for the database and its
write-ahead log) mounted for the test (skipped where mounting is not
permitted); a filler file takes the rest of the space
once sending is under way. The engine must say clearly that the database
cannot be written, send nothing new while it cannot record what it sends,
put the mailing in ``error`` once it can write again, and send the rest
when the user clicks *Start sending* (a resume) — with nobody lost and
nobody served twice.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.models import Event, MailingState
from mailapp.scheduler.engine import MailEngine
from mailapp.services import journal, lifecycle, mailings
from mailapp.services.context import AppContext
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server, wait_state, wait_until
from tests.support.smtp_server import TestSmtpServer

CONNECTIONS = 2
AUDIENCE = 150


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def quiet(server: TestSmtpServer, seconds: float = 2.0, timeout: float = 30.0) -> int:
    """Wait until nothing new reached the server for ``seconds``; the count."""
    deadline = time.monotonic() + timeout
    count, since = len(server.received), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = len(server.received)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return count
    raise AssertionError("sending did not halt while the disk was full")


def disk_scenario(disk: Path, caplog: pytest.LogCaptureFixture, rounds: int, long: bool) -> None:
    tally = Tally("sqlite-disk-full", unconfirmed_bound=rounds * CONNECTIONS)
    ctx = AppContext.open(f"sqlite:///{disk / 'mail.sqlite3'}")
    caplog.set_level(logging.WARNING)
    try:
        with TestSmtpServer() as server:
            server.delay_data = 0.05
            use_server(ctx, server, SmtpConnections=str(CONNECTIONS))
            bulk_contacts(ctx, AUDIENCE)
            mailing_id = make_mailing(ctx)
            engine = MailEngine(ctx, tick_seconds=0.2)
            engine.start()
            try:
                lifecycle.start(ctx, mailing_id)
                for _ in range(rounds):
                    server.wait_for(len(server.received) + 5, timeout=30)
                    at_fill = len(server.received)
                    filler = fill(disk)
                    halted = quiet(server)
                    # only transactions in flight when the disk filled finish
                    assert halted - at_fill <= CONNECTIONS, (at_fill, halted)
                    wait_until(
                        lambda: "disk is full" in caplog.text, 20, "a clear error in the log"
                    )
                    filler.unlink()
                    info = wait_state(ctx, mailing_id, [MailingState.ERROR], timeout=60)
                    assert info.last_error and "disk is full" in info.last_error
                    kinds = [e.event for e in journal.entries(ctx, mailing_id)]
                    assert Event.MAILING_ERROR in kinds
                    tally.runs += 1
                    lifecycle.start(ctx, mailing_id)  # the user clicks Start sending
                info = wait_state(ctx, mailing_id, [MailingState.COMPLETED], timeout=120)
                assert info.pending == 0
            finally:
                engine.stop()
            rows = [
                {"email": r.email, "response": r.response.value, "message_id": r.message_id}
                for r in mailings.recipients(ctx, mailing_id)
            ]
            envelopes = [
                {"message_id": m.message_id, "recipients": m.recipients, "mailing": str(mailing_id)}
                for m in server.received
                if m.may_be_delivered
            ]
            check_mailing(tally, rows, envelopes, mailing_id)
    finally:
        ctx.db.dispose()
    tally.report(long=long)
    tally.assert_guarantees()


def test_disk_full_short(small_disk: Path, caplog: pytest.LogCaptureFixture) -> None:
    disk_scenario(small_disk, caplog, 1, long=False)


@pytest.mark.chaos
def test_disk_full_long(small_disk: Path, caplog: pytest.LogCaptureFixture) -> None:
    disk_scenario(small_disk, caplog, scaled(5), long=True)
