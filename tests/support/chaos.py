"""Shared parts of the fault tests (``tests/chaos``): how long a run is, what
the SMTP server and the database say afterwards, and the line and results
row every scenario writes.

A scenario is one function run twice: a short variant in ``make test`` and a
long one under ``@pytest.mark.chaos`` (``make chaos``). ``MAILAPP_CHAOS_SCALE``
multiplies the long counts (``0.1`` for a quick look, ``2`` for a longer
night). Long runs append a row to ``MAILAPP_CHAOS_RESULTS`` (by default
``build/chaos-results.tsv`` in the project folder).
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.processes import FINAL

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCALE_ENV = "MAILAPP_CHAOS_SCALE"
RESULTS_ENV = "MAILAPP_CHAOS_RESULTS"
RESULT_COLUMNS = (
    "date",
    "scenario",
    "runs",
    "messages",
    "duplicates",
    "lost",
    "unconfirmed",
    "unconfirmed_bound",
    "seconds",
    "cpus",
    "load",
    "note",
)


def scaled(count: int) -> int:
    """A long-run count times ``MAILAPP_CHAOS_SCALE`` (at least 1)."""
    return max(1, round(count * float(os.environ.get(SCALE_ENV, "1"))))


@dataclass
class Tally:
    """What one scenario measured; ``line()`` is what it prints."""

    scenario: str
    runs: int = 0
    messages: int = 0
    duplicates: int = 0
    lost: int = 0
    unconfirmed: int = 0
    unconfirmed_bound: int = 0
    started: float = field(default_factory=time.monotonic)
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.messages += other.messages
        self.duplicates += other.duplicates
        self.lost += other.lost
        self.unconfirmed += other.unconfirmed
        self.notes += other.notes

    def line(self) -> str:
        extra = f" ({'; '.join(self.notes)})" if self.notes else ""
        return (
            f"chaos {self.scenario}: runs={self.runs} messages_at_server={self.messages} "
            f"duplicates={self.duplicates} lost={self.lost} unconfirmed={self.unconfirmed} "
            f"(bound {self.unconfirmed_bound}) in {time.monotonic() - self.started:.0f} s{extra}"
        )

    def report(self, *, long: bool) -> None:
        """Print the line; a long run also appends its row to the results file."""
        print(self.line())
        if not long:
            return
        path = Path(os.environ.get(RESULTS_ENV) or PROJECT_ROOT / "build" / "chaos-results.tsv")
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        row = (
            time.strftime("%Y-%m-%d %H:%M"),
            self.scenario,
            self.runs,
            self.messages,
            self.duplicates,
            self.lost,
            self.unconfirmed,
            self.unconfirmed_bound,
            round(time.monotonic() - self.started),
            os.cpu_count(),
            f"{load:.1f}",
            "; ".join(self.notes) or platform.python_version(),
        )
        with path.open("a", encoding="utf-8") as out:
            if new:
                out.write("\t".join(RESULT_COLUMNS) + "\n")
            out.write("\t".join(str(v) for v in row) + "\n")

    def assert_guarantees(self) -> None:
        assert self.duplicates == 0, self.line()
        assert self.lost == 0, self.line()
        assert self.unconfirmed <= self.unconfirmed_bound, self.line()


def check_mailing(
    tally: Tally,
    rows: Iterable[dict[str, Any]],
    envelopes: Iterable[dict[str, Any]],
    mailing_id: int,
) -> dict[str, int]:
    """Compare one mailing's recipients (``mailing recipients --json`` rows)
    with what reached the server (envelopes: ``message_id``, ``recipients``,
    ``mailing``); add duplicates, lost and unconfirmed to ``tally``.

    * duplicate: a Message-ID received twice, or an address of this mailing
      that received two messages;
    * lost: a recipient without a final response, a ``sent`` one whose
      message is not at the server, or a message at the server whose
      recipient the database does not show as ``sent``/``unconfirmed``.
    Returns the responses counted.
    """
    rows = list(rows)
    mine = [e for e in envelopes if e.get("mailing") == str(mailing_id)]
    by_id = Counter(e["message_id"] for e in mine)
    by_address = Counter(a.lower() for e in mine for a in e["recipients"])
    responses = Counter(r["response"] for r in rows)
    sent_ids = {r["message_id"] for r in rows if r["response"] == "sent"}
    handed = {
        r["email"].lower(): r["message_id"]
        for r in rows
        if r["response"] in ("sent", "unconfirmed")
    }
    tally.messages += len(mine)
    tally.duplicates += sum(n - 1 for n in by_id.values() if n > 1)
    tally.duplicates += sum(n - 1 for n in by_address.values() if n > 1)
    not_final = sum(n for code, n in responses.items() if code not in FINAL)
    missing = len(sent_ids - set(by_id))
    unexplained = len(set(by_address) - set(handed))
    tally.lost += not_final + missing + unexplained
    tally.unconfirmed += responses["unconfirmed"]
    if not_final:
        tally.notes.append(f"mailing {mailing_id}: {not_final} not final")
    if missing:
        tally.notes.append(f"mailing {mailing_id}: {missing} sent but not at the server")
    if unexplained:
        tally.notes.append(f"mailing {mailing_id}: {unexplained} at the server, not recorded")
    return dict(responses)
