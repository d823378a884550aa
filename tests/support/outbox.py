"""Outbox folders filled as the sandbox fills them, fast, for tests and benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from mailapp.delivery.message import message_skeleton
from mailapp.delivery.sandbox import _TIME_FORMAT, SUFFIX


def fill_outbox(
    folder: Path,
    count: int,
    mailing_id: int = 7,
    *,
    start: datetime = datetime(2026, 11, 1, 9, 0),
    sender_name: str = "Shop",
) -> list[Path]:
    """``count`` messages of one mailing, as the sandbox stores them (a
    trace header, then the message the dispatcher builds), 50 ms apart;
    returns the files, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    skeleton = message_skeleton(sender_name, "news@shop.example.com", mailing_id)
    html = "<p>Our autumn collection is here.</p>" * 40
    paths = []
    for n in range(count):
        body = skeleton.build(
            to=f"user{n}@example.com",
            subject=f"Autumn news for Name{n}",
            html=html,
            text="Our autumn collection is here.\n" * 40,
            message_id=f"<{mailing_id}.{n}.bench@shop.example.com>",
            unsubscribe_url=None,
        )
        trace = f"Return-Path: <news@shop.example.com>\r\nDelivered-To: user{n}@example.com\r\n"
        stamp = (start + timedelta(milliseconds=50 * n)).strftime(_TIME_FORMAT)
        path = folder / f"{stamp}-{mailing_id:04d}{n:05d}-fill{SUFFIX}"
        path.write_bytes(trace.encode() + body)
        paths.append(path)
    return paths
