"""A live worker is never declared dead: a peer on another host whose clock
is a minute off, sharing the database and the mailing.

Both workers are real processes. The peer runs in a UTS namespace of its
own under another host name (so its pid checks cannot apply) and under
libfaketime with its clock 60 s ahead or behind. Liveness is judged by
beats and the observer's monotonic clock, so nothing the peer's clock says
may make it release the other worker's claims: no address is served twice
and no recipient ends ``unconfirmed``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.clihelp import WorkerProcess, child_env, wait_until
from tests.support.chaos import Tally, check_mailing, scaled
from tests.support.databases import postgres_database
from tests.support.processes import prepare_smtp_mailing, recipients, show
from tests.support.smtp_server import ServerProcess, read_envelopes, read_record

REPLY_DELAY = 0.02
CONNECTIONS = 2


def peer_prefix(host: str, skew: str) -> tuple[str, ...]:
    """Run as another host (its own UTS namespace) with a skewed clock.

    libfaketime is preloaded rather than run through its ``faketime``
    wrapper, which would stand between the test's SIGTERM and the worker.
    """
    libraries = sorted(Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1"))
    if not libraries:
        pytest.skip("libfaketime is not installed")
    probe = subprocess.run(["unshare", "--uts", "true"], capture_output=True, check=False)
    if probe.returncode:
        pytest.skip(f"cannot make a UTS namespace here: {probe.stderr.decode().strip()}")
    return (
        "unshare",
        "--uts",
        "sh",
        "-c",
        'hostname "$0" && exec "$@"',
        host,
        "env",
        f"LD_PRELOAD={libraries[0]}",
        f"FAKETIME={skew}",
        "FAKETIME_DONT_FAKE_MONOTONIC=1",
    )


def skew_scenario(tmp_path: Path, db_url: str, *, count: int, skew: str, long: bool) -> None:
    tally = Tally(f"skewed-peer-{skew}", unconfirmed_bound=0)
    record, envelope_file = tmp_path / "ids.txt", tmp_path / "envelopes.jsonl"
    env = child_env(tmp_path, db_url)
    prefix = peer_prefix("peer-host", skew)
    with ServerProcess(
        record, delay=REPLY_DELAY, extra=["--envelopes", str(envelope_file)]
    ) as server:
        mailing_id, _ = prepare_smtp_mailing(env, tmp_path, server, count, connections=CONNECTIONS)
        local = WorkerProcess(env, tmp_path, "local")
        peer = None
        try:
            local.wait_ready()
            wait_until(lambda: len(read_record(record)) > 20, 30, "the local worker to send")
            peer = WorkerProcess(env, tmp_path, "peer", prefix=prefix)
            peer.wait_ready()
            wait_until(
                lambda: show(env, mailing_id)["state"] == "completed",
                60 + count / 10,
                "the mailing to complete",
            )
            assert local.terminate() == 0, local.log()
            assert peer.terminate() == 0, peer.log()
        finally:
            local.close()
            if peer is not None:
                peer.close()
        logs = local.log() + (peer.log() if peer else "")
        tally.runs = 1
        check_mailing(tally, recipients(env, mailing_id), read_envelopes(envelope_file), mailing_id)
        ids = read_record(record)
        tally.duplicates += len(ids) - len(set(ids))
    tally.report(long=long)
    tally.assert_guarantees()
    assert tally.unconfirmed == 0, tally.line()
    assert "released claims" not in logs


def test_skewed_peer_sqlite_short(tmp_path: Path) -> None:
    skew_scenario(
        tmp_path, f"sqlite:///{tmp_path / 'skew.sqlite3'}", count=400, skew="+60s", long=False
    )


@pytest.mark.postgres
def test_skewed_peer_postgres_short(tmp_path: Path) -> None:
    with postgres_database() as url:
        skew_scenario(tmp_path, url, count=400, skew="-60s", long=False)


@pytest.mark.chaos
def test_skewed_peer_sqlite_long(tmp_path: Path) -> None:
    skew_scenario(
        tmp_path,
        f"sqlite:///{tmp_path / 'skew.sqlite3'}",
        count=scaled(5000),
        skew="+60s",
        long=True,
    )


@pytest.mark.chaos
@pytest.mark.postgres
def test_skewed_peer_postgres_long(tmp_path: Path) -> None:
    with postgres_database() as url:
        skew_scenario(tmp_path, url, count=scaled(5000), skew="-60s", long=True)
