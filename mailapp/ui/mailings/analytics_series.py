"""The handed-over series of the analytics window as a chart shows it.

The service counts handovers in buckets whose size follows the mailing's
duration (:func:`mailapp.services.analytics.bucket_seconds`). Here the
buckets become bars with no gaps, axis labels in the viewer's clock (with
seconds for buckets under a minute, with the date when the series spans
days), a tooltip per bar, and the chart's title naming the bucket ("per
2 seconds", «в минуту»).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from mailapp.services.analytics import Progress

MINUTE, HOUR, DAY = 60, 3600, 86400
#: Times a clock reader calls round, for the labels under the axis.
ROUND_STEPS = (
    1, 2, 5, 10, 15, 30,
    MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
)  # fmt: skip


@dataclass(frozen=True)
class Series:
    """Bars of one chart: values, axis labels, tooltips, and ``phase`` — the
    number of the first bucket since the epoch (local), so the chart puts
    labels on round times."""

    values: list[int]
    labels: list[str]
    tips: list[str]
    phase: int
    #: Label steps in bars that fall on round times of a clock.
    strides: tuple[int, ...]


def utc_offset() -> int:
    """Seconds east of UTC of the viewer's clock, now."""
    return QDateTime.currentDateTime().offsetFromUtc()


def title(bucket: int) -> str:
    """The chart's title: what one bar counts («в минуту», «за каждые 2 секунды»)."""
    translate = QCoreApplication.translate
    units: tuple[tuple[int, str, Callable[[int], str]], ...] = (
        (
            DAY,
            translate("analytics", "Handed over per day"),
            lambda n: translate("analytics", "Handed over per %n days", None, n),
        ),
        (
            HOUR,
            translate("analytics", "Handed over per hour"),
            lambda n: translate("analytics", "Handed over per %n hours", None, n),
        ),
        (
            MINUTE,
            translate("analytics", "Handed over per minute"),
            lambda n: translate("analytics", "Handed over per %n minutes", None, n),
        ),
        (
            1,
            translate("analytics", "Handed over per second"),
            lambda n: translate("analytics", "Handed over per %n seconds", None, n),
        ),
    )
    for unit, one, many in units:
        if bucket % unit == 0:
            return one if bucket == unit else many(bucket // unit)
    raise ValueError(f"a bucket of {bucket} s")


def _local(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp())).toLocalTime()


def _time_format(locale: QLocale, seconds: bool) -> str:
    short = locale.timeFormat(QLocale.FormatType.ShortFormat)
    if seconds and "ss" not in short:
        return short.replace("mm", "mm:ss", 1)
    return short


def _formats(bucket: int, first: datetime, last: datetime) -> tuple[str, str]:
    """(axis label, tooltip) formats for the buckets of this series."""
    locale = QLocale()
    date = "d MMM"
    if bucket >= DAY:
        return date, locale.dateFormat(QLocale.FormatType.ShortFormat)
    clock = _time_format(locale, seconds=bucket < MINUTE)
    full = f"{locale.dateFormat(QLocale.FormatType.ShortFormat)} {clock}"
    one_day = _local(first).date() == _local(last + timedelta(seconds=bucket - 1)).date()
    return (clock if one_day else f"{date} {clock}"), full


def series(progress: Progress, offset: int) -> Series:
    """Every bucket from the first handover to the last, empty ones included."""
    if not progress.series:
        return Series([], [], [], 0, ())
    bucket = progress.bucket
    counts = {b.start: b.count for b in progress.series}
    first, last = progress.series[0].start, progress.series[-1].start
    steps = int((last - first).total_seconds()) // bucket + 1
    starts = [first + timedelta(seconds=bucket * n) for n in range(steps)]
    label_format, tip_format = _formats(bucket, first, last)
    locale = QLocale()
    labels: list[str] = []
    tips: list[str] = []
    for start in starts:
        begin = _local(start)
        end = _local(start + timedelta(seconds=bucket))
        labels.append(locale.toString(begin, label_format))
        if bucket >= DAY:  # whole days: the last one, inclusive
            end_text = locale.toString(end.addSecs(-1), tip_format)
        elif begin.date() == end.addSecs(-1).date():
            end_text = locale.toString(end, _time_format(locale, bucket < MINUTE))
        else:
            end_text = locale.toString(end, tip_format)
        count = counts.get(start, 0)
        handed = QCoreApplication.translate("analytics", "%Ln message(s) handed over", None, count)
        tips.append(f"{locale.toString(begin, tip_format)} – {end_text}\n{handed}")
    phase = (int(first.timestamp()) + offset) // bucket
    strides = tuple(step // bucket for step in ROUND_STEPS if step % bucket == 0)
    return Series([counts.get(s, 0) for s in starts], labels, tips, phase, strides)
