"""What PIPELINING buys across a real network.

On loopback a round trip costs next to nothing, so sending MAIL, RCPT and
DATA in one write changes little there (see ``bench.postfix``). Against a
provider across the internet every round trip is milliseconds. Here the
engine sends to Postfix's ``smtp-sink`` through a link that delays every
chunk by 5 ms each way (``bench.link``: a 10 ms round trip): once with the
sink offering PIPELINING, once with it refused (``smtp-sink -p``), the
baseline, in alternating pairs.

Per message a pipelining client waits two round trips (MAIL/RCPT/DATA,
then the message), a client without it four: the ratio should be near 2.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from bench.common import Row, fill_contacts
from bench.link import Link
from bench.postfix import CONNECTIONS, Sink, Unavailable, engine_run, programs

DELAY_S = 0.005


def run(quick: bool = False) -> None:
    count = 400 if quick else 2_000
    pairs = 1 if quick else 2
    figure = (
        f"dispatch of {count:,} recipients over a {2 * DELAY_S * 1000:g} ms round trip, "
        f"{CONNECTIONS} connections, PIPELINING"
    )
    try:
        sink_program, _, env = programs()
    except Unavailable as exc:
        Row(figure, value=float("nan"), unit="msg/s", note=f"skipped: {exc}").emit()
        return
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for pair in range(pairs):
            for pipelining in (False, True):
                url = f"sqlite:///{Path(tmp) / f'rt{pair}{pipelining:d}.sqlite3'}"
                fill_contacts(url, count)
                with (
                    Sink(sink_program, env, pipelining=pipelining) as sink,
                    Link(DELAY_S, sink.port) as link,
                ):
                    times[pipelining].append(engine_run(url, link.port))
    piped, in_turn = statistics.median(times[True]), statistics.median(times[False])
    Row(
        figure,
        value=count / piped,
        unit="msg/s",
        baseline=count / in_turn,
        ratio=in_turn / piped,
        target="≥ 1.6× the same without it",
        ok=in_turn / piped >= 1.6,
        note=f"baseline: the sink refuses PIPELINING; median of {len(times[True])}",
    ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
