"""The outbox's header reader: a real second process, killed for real."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from mailapp.delivery import header_reader
from mailapp.delivery.header_reader import HeaderReader
from mailapp.delivery.sandbox import OutboxHeader
from tests.support.outbox import fill_outbox
from tests.support.processes import pid_alive


def _in_this_process_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process unable to parse: what parses is another process."""

    def refuse(path: Path) -> OutboxHeader:
        raise AssertionError(f"{path.name} parsed in the window's process")

    monkeypatch.setattr(header_reader, "read_header", refuse)


def test_the_headers_are_parsed_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = fill_outbox(tmp_path, 30, start=datetime(2026, 11, 1, 9))
    _in_this_process_refused(monkeypatch)
    reader = HeaderReader()
    try:
        headers = reader.read(paths)
        pid = reader.pid
    finally:
        reader.close()

    assert [h.path for h in headers] == paths
    assert headers[0].recipients == ("user0@example.com",)
    assert pid is not None and pid != os.getpid()


def test_unreadable_files_are_named_in_this_process_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (good,) = fill_outbox(tmp_path, 1)
    bad = tmp_path / "20261101T090000.000000-broken.eml"
    bad.write_bytes(b"Subject: no end of the header")
    reader = HeaderReader()
    try:
        with caplog.at_level(logging.WARNING, logger=header_reader.__name__):
            headers = reader.read([bad, good])
        assert reader.pid is not None
    finally:
        reader.close()

    assert [h.path for h in headers] == [good]
    assert f"skipping unreadable outbox file {bad.name}" in caplog.text


def test_a_killed_reader_leaves_the_rest_read_here(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = fill_outbox(tmp_path, 20)
    reader = HeaderReader()
    try:
        first = reader.read(paths[:10])
        pid = reader.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with caplog.at_level(logging.WARNING, logger=header_reader.__name__):
            rest = reader.read(paths[10:])
        assert reader.pid is None  # no new process: the rest is read here
    finally:
        reader.close()

    assert [h.path for h in first + rest] == paths
    assert "reader process stopped" in caplog.text
    assert not pid_alive(pid)


def test_close_ends_the_process_and_a_later_read_starts_another(tmp_path: Path) -> None:
    paths = fill_outbox(tmp_path, 5)
    reader = HeaderReader()
    reader.read(paths)
    pid = reader.pid
    assert pid is not None

    reader.close()

    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(pid)
    # A read after the close starts another process.
    assert [h.path for h in reader.read(paths)] == paths
    assert reader.pid not in (None, pid)
    reader.close()


def test_close_does_not_wait_for_a_batch_being_read(tmp_path: Path) -> None:
    """The window closes from the GUI thread while a worker thread may be
    waiting for a batch: close hands the end of the process to a thread."""
    paths = fill_outbox(tmp_path, 5)
    reader = HeaderReader()
    reader.read(paths)
    pid = reader.pid
    assert pid is not None
    held, release = threading.Event(), threading.Event()

    def read_in_flight() -> None:  # what a worker thread's read holds
        with reader._lock:
            held.set()
            release.wait(10)

    worker = threading.Thread(target=read_in_flight)
    worker.start()
    held.wait(10)
    reader.close()
    # Had close waited for the batch, it would have returned only after it.
    assert worker.is_alive()
    assert pid_alive(pid)
    release.set()
    worker.join()
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(pid)
