"""The analytics queries on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from mailapp.models import Contact, Recipient, Refused, Response
from mailapp.services import analytics, mailings
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput
from tests.support.data import handed_over

T0 = datetime(2026, 3, 1, 10, 0, 5, tzinfo=UTC)


def _mailing(ctx: AppContext) -> int:
    return mailings.create(
        ctx,
        MailingInput(
            name="Spring sale",
            subject="Hello {{ contact.first_name }}",
            sender_email="shop@example.com",
            html="<p>Hi</p>",
        ),
    )


def _fill(ctx: AppContext, mailing_id: int, plan: dict[Response, int]) -> None:
    """Recipients with known responses; sent ones spread over three minutes."""
    rows = []
    n = 0
    with ctx.db.write() as session:
        for response, count in plan.items():
            for _ in range(count):
                n += 1
                contact = Contact(
                    email=f"user{n}@example.com",
                    email_key=f"user{n}@example.com",
                    first_name="=cmd" if n == 1 else f"First{n}",
                    last_name="Ivanova",
                )
                session.add(contact)
                session.flush()
                sent_at = None
                if response in (Response.SENT, Response.UNCONFIRMED):
                    sent_at = T0 + timedelta(seconds=50 * n)
                rows.append(
                    {
                        "mailing_id": mailing_id,
                        "contact_id": contact.id,
                        "email": contact.email,
                        "response": response.value,
                        "sent_at": sent_at,
                    }
                )
        session.execute(insert(Recipient), rows)


PLAN = {
    Response.SENT: 4,
    Response.UNCONFIRMED: 1,
    Response.PLANNED: 2,
    Response.STOPPED_MANUALLY: 2,
    Response.CANCELLED_INVALID_EMAIL: 1,
}


def test_progress_counts_percent_and_minutes(ctx: AppContext) -> None:
    mailing_id = _mailing(ctx)
    _fill(ctx, mailing_id, PLAN)
    p = analytics.progress(ctx, mailing_id)
    assert p.recipients == 10
    assert (p.sent, p.unconfirmed, p.planned, p.stopped, p.cancelled) == (4, 1, 2, 2, 1)
    assert p.percent(p.sent) == pytest.approx(40.0)
    assert p.responses[Response.HARD_BOUNCE.value] == 0
    # handed over at 10:00:55, 10:01:45, 10:02:35, 10:03:25 and 10:04:15:
    # 200 s, so buckets of 5 s
    assert p.bucket == 5
    starts = [b.start.strftime("%H:%M:%S") for b in p.series]
    assert starts == ["10:00:55", "10:01:45", "10:02:35", "10:03:25", "10:04:15"]
    assert [b.count for b in p.series] == [1] * 5
    assert all(b.start.tzinfo is not None for b in p.series)
    assert p.first_sent_at == T0 + timedelta(seconds=50)
    assert p.duration is None  # never started


def test_empty_mailing_has_zero_percent(ctx: AppContext) -> None:
    p = analytics.progress(ctx, _mailing(ctx))
    assert p.recipients == 0
    assert p.percent(0) == 0.0
    assert p.series == ()


@pytest.mark.parametrize(
    ("span", "bucket"),
    [
        (timedelta(0), 1),
        (timedelta(seconds=80), 1),
        (timedelta(minutes=2), 2),
        (timedelta(minutes=30), 30),
        (timedelta(hours=5), 5 * 60),
        (timedelta(days=3), 3600),
        (timedelta(days=60), 86400),
        (timedelta(days=3000), 7 * 86400),
    ],
)
def test_the_bucket_follows_the_duration(span: timedelta, bucket: int) -> None:
    assert analytics.bucket_seconds(span) == bucket


def test_a_three_day_mailing_is_counted_by_the_hour_of_the_viewer(ctx: AppContext) -> None:
    mailing_id = _mailing(ctx)
    _fill(ctx, mailing_id, {Response.PLANNED: 1})
    handed_over(ctx, mailing_id, (T0 + timedelta(minutes=17 * n) for n in range(3 * 24 * 60 // 17)))
    offset = 5 * 3600 + 1800  # UTC+5:30: local hours start at hh:30 UTC
    p = analytics.progress(ctx, mailing_id, utc_offset=offset)
    assert p.bucket == 3600
    assert sum(b.count for b in p.series) == 3 * 24 * 60 // 17
    assert 70 <= len(p.series) <= 74
    assert all((b.start.timestamp() + offset) % 3600 == 0 for b in p.series)
    assert p.series[0].start == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_a_handover_on_a_bucket_edge_counts_in_the_bucket_it_starts(ctx: AppContext) -> None:
    """Each bucket is a range of times, from its start up to the next one."""
    mailing_id = _mailing(ctx)
    edge = datetime(2026, 3, 1, 10, 1, 0, tzinfo=UTC)
    times = [
        edge - timedelta(microseconds=1),  # the bucket before
        edge,  # this one
        edge + timedelta(seconds=1, microseconds=999_999),
        edge + timedelta(seconds=2),  # the next (2 s buckets)
        edge + timedelta(seconds=100),  # the last: 100 s, buckets of 2 s
    ]
    handed_over(ctx, mailing_id, times)

    p = analytics.progress(ctx, mailing_id)

    assert p.bucket == 2
    assert [(b.start - edge).total_seconds() for b in p.series] == [-2, 0, 2, 100]
    assert [b.count for b in p.series] == [1, 2, 1, 1]
    assert (p.first_sent_at, p.last_sent_at) == (times[0], times[-1])


def test_unknown_mailing_is_refused(ctx: AppContext) -> None:
    with pytest.raises(Refused):
        analytics.progress(ctx, 999)


def test_pages_and_ids(ctx: AppContext) -> None:
    mailing_id = _mailing(ctx)
    _fill(ctx, mailing_id, PLAN)
    stopped = analytics.recipient_page(ctx, mailing_id, Response.STOPPED_MANUALLY)
    assert [r.response for r in stopped] == [Response.STOPPED_MANUALLY] * 2
    assert analytics.recipient_count(ctx, mailing_id, Response.SENT) == 4
    ids = analytics.recipient_ids(ctx, mailing_id)
    assert len(ids) == 10
    rows = analytics.recipients_by_ids(ctx, mailing_id, ids[3:6])
    assert [r.id for r in rows] == list(ids[3:6])
    assert rows[0].last_name == "Ivanova"
    page = analytics.recipient_page(ctx, mailing_id, offset=8, limit=5)
    assert len(page) == 2
    handed = analytics.recipient_ids(
        ctx, mailing_id, analytics.GROUPS["sent"] + (Response.UNCONFIRMED,)
    )
    assert len(handed) == 5
    assert analytics.recipient_count(ctx, mailing_id, analytics.GROUPS["cancelled"]) == 1


def test_export_csv_is_formula_safe(ctx: AppContext, tmp_path: Path) -> None:
    mailing_id = _mailing(ctx)
    _fill(ctx, mailing_id, PLAN)
    target = tmp_path / "out.csv"
    assert analytics.export_csv(ctx, mailing_id, target) == 10
    with target.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == list(analytics.CSV_COLUMNS)
    assert lines[1][1] == "'=cmd"
    assert len(lines) == 11
    only = tmp_path / "stopped.csv"
    assert analytics.export_csv(ctx, mailing_id, only, Response.STOPPED_MANUALLY) == 2
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_safe_cell(text: str) -> None:
    assert analytics.safe_cell(text) == "'" + text
    assert analytics.safe_cell("plain") == "plain"
    assert analytics.safe_cell(None) == ""


def test_export_to_unknown_mailing_leaves_no_file(ctx: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    with pytest.raises(Refused):
        analytics.export_csv(ctx, 12345, target)
    assert not target.exists()
    assert not list(tmp_path.glob(".*.part"))
