"""What DKIM signing costs the dispatcher.

The same 20,000-recipient mailing sent by the real engine over 4 connections
to an SMTP server in another process, once unsigned and once with every
message signed (a 2048-bit key, relaxed/relaxed), in alternating pairs; the
median of each side. The figure is the signed throughput, the baseline the
unsigned one; the target is a cost of at most 20 %.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from bench.common import Row, fill_contacts
from bench.dispatch import CONNECTIONS, PAIRS, engine_run
from mailapp.delivery.dkim import generate_key
from tests.support.smtp_server import ServerProcess


def run(quick: bool = False) -> None:
    count = 2_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = folder / "dkim.pem"
        generate_key(key)
        signed = {
            "DkimDomain": "shop.example.com",
            "DkimSelector": "bench",
            "DkimKeyFile": str(key),
        }
        plain_times: list[float] = []
        signed_times: list[float] = []
        for pair in range(1 if quick else PAIRS):
            for name, times, settings in (
                ("plain", plain_times, {}),
                ("signed", signed_times, signed),
            ):
                record = folder / f"{name}{pair}.txt"
                with ServerProcess(record) as server:
                    url = f"sqlite:///{folder / f'{name}{pair}.sqlite3'}"
                    fill_contacts(url, count)
                    elapsed = engine_run(
                        url, server.host, server.port, record, count, None, **settings
                    )[0]
                    times.append(elapsed)
        plain, signed_time = statistics.median(plain_times), statistics.median(signed_times)
        ratio = plain / signed_time
        Row(
            f"dispatch throughput with DKIM signing, {count:,} recipients, "
            f"{CONNECTIONS} connections",
            value=count / signed_time,
            unit="msg/s",
            baseline=count / plain,
            ratio=ratio,
            target="≥ 0.8 (signing costs ≤ 20 %)",
            ok=ratio >= 0.8,
            note=f"unsigned as the baseline; median of {len(signed_times)} alternating runs",
        ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
