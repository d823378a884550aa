"""The sending log dock: folded progress lines, the mailing column, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from mailapp.models import Event, EventType
from mailapp.services.journal import JournalEntry
from mailapp.ui.common.labels import format_full_time
from mailapp.ui.window.journal_dock import JournalDock

START = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
NAMES = {1: "Spring sale", 2: "Newsletter"}


def entry(id_: int, mailing_id: int | None, event: Event, **params: object) -> JournalEntry:
    kind = EventType.ERROR if event is Event.PROVIDER_ERROR else EventType.INFO
    return JournalEntry(
        id=id_,
        time=START + timedelta(seconds=id_),
        mailing_id=mailing_id,
        event=event,
        type=kind,
        params=dict(params),
        message="",
    )


@pytest.fixture
def dock(qtbot, tasks) -> JournalDock:
    widget = JournalDock(tasks, NAMES.get)
    qtbot.addWidget(widget)
    return widget


def lines(dock: JournalDock) -> list[tuple[str, str]]:
    model = dock.proxy
    return [
        (model.index(row, 1).data(), model.index(row, 2).data()) for row in range(model.rowCount())
    ]


def test_consecutive_batches_of_a_mailing_fold_into_one_line(dock) -> None:
    dock.on_journal_loaded(
        [
            entry(1, 1, Event.SENDING_STARTED),
            entry(2, 1, Event.BATCH_SENT, count=1),
            entry(3, 2, Event.SENDING_STARTED),
            entry(4, 1, Event.BATCH_SENT, count=1),
            entry(5, 2, Event.BATCH_SENT, count=3),
            entry(6, 1, Event.BATCH_SENT, count=5),
        ]
    )
    # Another mailing's lines in between do not break a mailing's fold.
    assert lines(dock) == [
        ("Spring sale", "7 emails handed to the provider"),
        ("Newsletter", "3 emails handed to the provider"),
        ("Newsletter", "Sending started"),
        ("Spring sale", "Sending started"),
    ]


def test_the_folded_line_stays_live_and_on_top(dock) -> None:
    dock.on_journal_loaded(
        [entry(1, 1, Event.SENDING_STARTED), entry(2, 1, Event.BATCH_SENT, count=2)]
    )
    dock.on_journal_added([entry(3, 2, Event.SENDING_STARTED)])
    dock.on_journal_added(
        [entry(4, 1, Event.BATCH_SENT, count=1), entry(5, 1, Event.BATCH_SENT, count=1)]
    )
    assert lines(dock)[:2] == [
        ("Spring sale", "4 emails handed to the provider"),
        ("Newsletter", "Sending started"),
    ]
    assert dock.model.rowCount() == 3
    # The time is the last batch's; its tooltip gives the whole span.
    tooltip = dock.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert format_full_time(START + timedelta(seconds=2)) in tooltip
    assert format_full_time(START + timedelta(seconds=5)) in tooltip


def test_another_event_of_the_mailing_ends_the_fold(dock) -> None:
    dock.on_journal_loaded([entry(1, 1, Event.BATCH_SENT, count=2)])
    dock.on_journal_added([entry(2, 1, Event.PROVIDER_ERROR, message="421 busy")])
    dock.on_journal_added([entry(3, 1, Event.BATCH_SENT, count=1)])
    assert [text for _, text in lines(dock)][0::2] == [
        "1 email handed to the provider",
        "2 emails handed to the provider",
    ]
    assert dock.model.rowCount() == 3


def test_a_batch_seen_twice_is_counted_once(dock) -> None:
    dock.on_journal_loaded([entry(1, 1, Event.BATCH_SENT, count=2)])
    dock.on_journal_added(
        [entry(1, 1, Event.BATCH_SENT, count=2), entry(2, 1, Event.BATCH_SENT, count=1)]
    )
    assert lines(dock) == [("Spring sale", "3 emails handed to the provider")]


def test_the_mailing_column_shows_only_when_all_mailings_are_shown(dock) -> None:
    dock.on_journal_loaded([entry(1, 1, Event.SENDING_STARTED), entry(2, 2, Event.SENDING_STARTED)])
    assert not dock.view.isColumnHidden(1)
    dock.set_selected_mailing(1)
    dock.selected_only.setChecked(True)
    assert dock.view.isColumnHidden(1)
    assert dock.proxy.rowCount() == 1
    dock.selected_only.setChecked(False)
    assert not dock.view.isColumnHidden(1)
