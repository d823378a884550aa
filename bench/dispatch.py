"""Dispatch throughput and stop latency against an SMTP server in another process.

Throughput: a 20,000-recipient mailing sent by the real engine (rendering,
bookkeeping, SMTP over 4 connections) against a bare aiosmtplib loop sending
the same number of pre-built messages to the same server over 4 connections.

Stop latency: while the mailing sends at full speed, the time from the stop
request (its commit included) to the last message the server accepted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import HTML, SUBJECT, Row, engine_message, fill_contacts, sending_mailing
from mailapp.delivery.render import compile_template
from mailapp.models import Mailing, MailingState
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, stops
from mailapp.services.context import AppContext
from tests.support.smtp_server import ServerProcess, read_record

CONNECTIONS = 4
PAIRS = 3


def _bare_loop(host: str, port: int, count: int) -> float:
    import aiosmtplib

    # The very messages the engine sends: same template, same contacts.
    template = compile_template(SUBJECT, HTML)
    messages = [engine_message(template, n) for n in range(count)]

    async def lane(items: list[bytes]) -> None:
        smtp = aiosmtplib.SMTP(hostname=host, port=port, start_tls=False, use_tls=False)
        await smtp.connect()
        for n, data in enumerate(items):
            await smtp.sendmail("news@shop.example.com", [f"user{n}@example.com"], data)
        await smtp.quit()

    async def main() -> None:
        await asyncio.gather(*(lane(messages[i::CONNECTIONS]) for i in range(CONNECTIONS)))

    start = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - start


def _state(ctx: AppContext, mailing_id: int) -> str:
    """The state alone: polling must not cost the engine its CPU."""
    with ctx.db.read() as session:
        return str(session.get(Mailing, mailing_id).state)  # type: ignore[union-attr]


def engine_run(
    url: str,
    host: str,
    port: int,
    record: Path,
    count: int,
    stop_after: int | None,
    **settings: str,
) -> tuple[float, float | None, int]:
    """Send the benchmark mailing with the real engine; the time it took,
    and with ``stop_after`` the stop latency and the messages after it."""
    ctx = AppContext.open(url)
    mailing_id = sending_mailing(
        ctx, host, port, "Benchmark", SmtpConnections=str(CONNECTIONS), **settings
    )
    engine = MailEngine(ctx)
    engine.start()
    latency: float | None = None
    after = 0
    try:
        start = time.perf_counter()
        lifecycle.start(ctx, mailing_id)
        if stop_after is not None:
            while len(read_record(record)) < stop_after:
                time.sleep(0.005)
            requested = time.time()
            at_request = len(read_record(record))
            stops.stop(ctx, mailing_id)
        final = {
            s.value for s in (MailingState.COMPLETED, MailingState.STOPPED, MailingState.ERROR)
        }
        while _state(ctx, mailing_id) not in final:
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if stop_after is not None:
            time.sleep(0.5)
            latency = max(0.0, os.stat(record).st_mtime - requested)
            after = len(read_record(record)) - at_request
    finally:
        engine.stop()
        ctx.db.dispose()
    return elapsed, latency, after


def run(quick: bool = False) -> None:
    count = 2_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Alternating pairs, and the median of each side: one run of either
        # swings by a third on a machine this noisy.
        bare_times: list[float] = []
        our_times: list[float] = []
        for pair in range(1 if quick else PAIRS):
            record = folder / f"throughput-ids{pair}.txt"
            with ServerProcess(record) as server:
                bare_times.append(_bare_loop(server.host, server.port, count))
                url = f"sqlite:///{folder / f'throughput{pair}.sqlite3'}"
                fill_contacts(url, count)
                our_times.append(engine_run(url, server.host, server.port, record, count, None)[0])
        bare, ours = statistics.median(bare_times), statistics.median(our_times)
        ratio = bare / ours
        Row(
            f"dispatch throughput, {count:,} recipients, {CONNECTIONS} connections",
            value=count / ours,
            unit="msg/s",
            baseline=count / bare,
            ratio=ratio,
            target="≥ 0.7",
            ok=ratio >= 0.7,
            note=f"median of {len(our_times)} alternating runs of each",
        ).emit()

        record2 = folder / "stop-ids.txt"
        with ServerProcess(record2) as server:
            url = f"sqlite:///{folder / 'stop.sqlite3'}"
            fill_contacts(url, count)
            _, latency, after = engine_run(
                url, server.host, server.port, record2, count, stop_after=count // 10
            )
            assert latency is not None
            Row(
                "stop latency at full speed (stop requested → last message accepted)",
                value=latency * 1000,
                unit="ms",
                target="≤ 100 ms",
                ok=latency <= 0.1,
                note=f"{after} messages arrived after the request (transactions in flight)",
            ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
