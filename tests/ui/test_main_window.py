"""The main window: the table, the commands and their confirmations, the
sending log and the notifications, over a real database, the real engine
and a real (slow) SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QMessageBox

from mailapp.models import Event, MailingState, Response
from mailapp.models.states import StopAction
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, mailings, samples, settings, stops
from mailapp.ui.common.toasts import Toast
from mailapp.ui.mailings.confirm import StopDialog
from mailapp.ui.mailings.start_dialog import StartDialog
from mailapp.ui.mailings.table import Column
from tests.support.data import bulk_contacts, make_mailing
from tests.support.engine import use_server
from tests.support.smtp_server import TestSmtpServer

CONTACTS = 30


@pytest.fixture
def smtp() -> Iterator[TestSmtpServer]:
    with TestSmtpServer() as server:
        server.delay_data = 0.15  # slow enough for a stop to land mid-send
        yield server


@pytest.fixture
def engine(services, smtp: TestSmtpServer) -> Iterator[MailEngine]:  # type: ignore[no-untyped-def]
    """The sender, in this process for the test (the window itself never
    sends: the application runs it in a worker process)."""
    use_server(
        services.ctx,
        smtp,
        MandrillMailingDelayInSeconds="2",
        SmtpConnections="1",
    )
    mail_engine = MailEngine(services.ctx, tick_seconds=0.2)
    mail_engine.start()
    yield mail_engine
    mail_engine.stop()


def state_of(window, mailing_id: int) -> MailingState | None:  # type: ignore[no-untyped-def]
    info = window.model.find(mailing_id)
    return info.state if info else None


def open_dialog(qtbot, window, action) -> QMessageBox:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.commands.dialog_opened, timeout=5000) as blocker:
        action.trigger()
    dialog = blocker.args[0]
    assert dialog.isVisible()
    assert dialog.defaultButton() is dialog.cancel_button
    return dialog


def test_samples_show_up(qtbot, window, services) -> None:
    with qtbot.waitSignal(window.model.rows_refreshed, timeout=3000):
        services.tasks.run_write(lambda: samples.ensure_samples(services.ctx))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    names = {window.model.info(r).name for r in range(3)}
    assert names == {
        "Sample newsletter",
        "Sample welcome (trigger)",
        "Sample second chance (trigger)",
    }
    assert window.model.index(0, Column.STATE).data() == "Draft"
    assert all(i.state is MailingState.DRAFT for i in mailings.list_all(services.ctx))


def test_model_passes_the_item_model_tester(qtbot, window, services) -> None:
    QAbstractItemModelTester(
        window.model, QAbstractItemModelTester.FailureReportingMode.Fatal, window
    )
    QAbstractItemModelTester(
        window.page.proxy, QAbstractItemModelTester.FailureReportingMode.Fatal, window
    )
    bulk_contacts(services.ctx, 5)
    ids = [make_mailing(services.ctx, name=f"Mailing {n}") for n in range(3)]
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    mailings.delete(services.ctx, ids[1])
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    window.page.search.setText("mailing 2")
    assert window.page.proxy.rowCount() == 1


def test_buttons_follow_the_state(qtbot, window, services) -> None:
    bulk_contacts(services.ctx, 3)
    mailing_id = make_mailing(services.ctx)
    qtbot.waitUntil(lambda: window.model.find(mailing_id) is not None)
    assert not window.start_action.isEnabled()  # nothing selected
    assert window.select_mailing(mailing_id)
    assert window.start_action.isEnabled()
    assert not window.stop_action.isEnabled()
    assert window.edit_action.isEnabled()
    assert window.delete_action.isEnabled()
    assert window.schedule_action.isEnabled()


def test_start_cancelled_changes_nothing(qtbot, window, services) -> None:
    bulk_contacts(services.ctx, 3)
    mailing_id = make_mailing(services.ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))
    dialog = open_dialog(qtbot, window, window.start_action)
    assert isinstance(dialog, StartDialog)
    assert "3 recipients" in dialog.informativeText()
    with qtbot.waitSignal(window.commands.cancelled):
        dialog.cancel_button.click()
    assert mailings.get(services.ctx, mailing_id).state is MailingState.DRAFT
    assert window.start_action.isEnabled()


def test_whole_lifecycle_from_the_window(
    qtbot, window, services, engine, smtp, monkeypatch
) -> None:
    monkeypatch.setattr(Toast, "INFO_MS", 400)
    ctx = services.ctx
    bulk_contacts(ctx, CONTACTS)
    mailing_id = make_mailing(ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))

    # Start: the mailing waits for sending, with a countdown.
    dialog = open_dialog(qtbot, window, window.start_action)
    assert dialog.action_button.text() == "Start sending"
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.WAITING)
    row = window.model.row_of(mailing_id)
    assert "starts in" in window.model.index(row, Column.STATE).data()
    assert window.stop_action.isEnabled() and not window.start_action.isEnabled()

    # Stop in the delay window: a pause.
    dialog = open_dialog(qtbot, window, window.stop_action)
    assert isinstance(dialog, StopDialog) and dialog.preview.action is StopAction.PAUSE
    assert dialog.action_button.text() == "Pause mailing"
    with qtbot.waitSignal(window.toasts.toast_shown, timeout=5000) as toast_blocker:
        dialog.action_button.click()
    toast = toast_blocker.args[0]
    assert "Mailing paused" in toast.text_label.text()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.PAUSED)
    assert window.start_action.isEnabled() and not window.stop_action.isEnabled()
    assert window.edit_action.isEnabled()
    qtbot.waitUntil(
        lambda: any(
            window.journal.model.entry(r).event is Event.MAILING_PAUSED
            for r in range(window.journal.model.rowCount())
        )
    )
    # Info toasts fade out by themselves.
    qtbot.waitUntil(lambda: not window.toasts.toasts, timeout=5000)

    # Start again, let sending begin, then stop for good mid-send.
    dialog = open_dialog(qtbot, window, window.start_action)
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: (window.model.find(mailing_id).handed_over or 0) >= 2, timeout=15000)
    assert state_of(window, mailing_id) is MailingState.SENDING
    assert "%" in window.model.index(window.model.row_of(mailing_id), Column.PROGRESS).data()
    dialog = open_dialog(qtbot, window, window.stop_action)
    assert dialog.preview.action is StopAction.STOP
    assert dialog.action_button.text() == "Stop mailing"
    assert "cannot be undone" in dialog.informativeText()
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.STOPPED, timeout=15000)
    assert not window.start_action.isEnabled() and not window.stop_action.isEnabled()

    info = mailings.get(ctx, mailing_id)
    assert info.responses[Response.STOPPED_MANUALLY.value] > 0
    assert info.handed_over + info.stopped == CONTACTS
    assert len(smtp.accepted) == info.handed_over < CONTACTS
    assert smtp.duplicates() == []
    events = [window.journal.model.entry(r).event for r in range(window.journal.model.rowCount())]
    assert events[0] is Event.MAILING_STOPPED_MANUALLY  # newest first
    assert Event.MAILING_STOPPING in events and Event.MAILING_RESTARTED in events


def test_a_slow_reader_of_the_pause_dialog_gets_a_pause(
    qtbot, window, services, engine, smtp
) -> None:
    """The pause dialog stays open longer than the delay: the countdown
    stood still behind it, so Pause mailing pauses and nothing is sent."""
    ctx = services.ctx
    bulk_contacts(ctx, CONTACTS)
    mailing_id = make_mailing(ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))
    dialog = open_dialog(qtbot, window, window.start_action)
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.WAITING)

    dialog = open_dialog(qtbot, window, window.stop_action)
    assert dialog.preview.action is StopAction.PAUSE
    row = window.model.row_of(mailing_id)
    qtbot.waitUntil(lambda: "held" in window.model.index(row, Column.STATE).data())
    qtbot.wait(3500)  # reading slowly: longer than the 2 s delay
    assert state_of(window, mailing_id) is MailingState.WAITING
    with qtbot.waitSignal(window.commands.done, timeout=5000) as done:
        dialog.action_button.click()
    assert done.args == [mailing_id, "pause"]
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.PAUSED)
    assert smtp.received == []


def test_a_slow_reader_of_the_stop_dialog_gets_its_numbers(
    qtbot, window, services, engine, smtp
) -> None:
    """Open for seconds mid-send: no transaction begins after the click,
    and what the dialog said will be stopped is what is stopped."""
    ctx = services.ctx
    bulk_contacts(ctx, CONTACTS)
    mailing_id = make_mailing(ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))
    dialog = open_dialog(qtbot, window, window.start_action)
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: len(smtp.received) >= 2, timeout=15000)

    dialog = open_dialog(qtbot, window, window.stop_action)
    assert dialog.preview.action is StopAction.STOP
    at_click = len(smtp.received)
    qtbot.wait(3000)
    assert len(smtp.received) - at_click <= dialog.preview.in_flight
    settled = len(smtp.received)
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.STOPPED, timeout=15000)
    info = mailings.get(ctx, mailing_id)
    assert info.responses[Response.STOPPED_MANUALLY.value] == dialog.preview.pending
    assert len(smtp.received) == settled


def test_cancel_of_the_stop_dialog_lets_sending_go_on(
    qtbot, window, services, engine, smtp
) -> None:
    ctx = services.ctx
    bulk_contacts(ctx, 8)
    mailing_id = make_mailing(ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))
    dialog = open_dialog(qtbot, window, window.start_action)
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: len(smtp.received) >= 1, timeout=15000)
    dialog = open_dialog(qtbot, window, window.stop_action)
    qtbot.wait(1000)
    held_count = len(smtp.received)
    with qtbot.waitSignal(window.commands.cancelled, timeout=5000):
        dialog.cancel_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.COMPLETED, timeout=20000)
    assert len(smtp.accepted) == 8 > held_count


def test_about_names_the_version_the_data_folder_and_the_log(qtbot, window) -> None:
    from mailapp import __version__, logs
    from mailapp.paths import data_dir

    window.about_action.trigger()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert __version__ in box.text()
    assert str(data_dir()) in box.informativeText()
    assert str(logs.log_file("window")) in box.informativeText()
    box.close()


def test_a_worker_keeps_its_log_in_the_data_folder(tmp_path, sqlite_url) -> None:
    from tests.cli.clihelp import WorkerProcess, child_env

    env = child_env(tmp_path, sqlite_url)
    worker = WorkerProcess(env, tmp_path)
    try:
        worker.wait_ready()
        assert worker.terminate() == 0
    finally:
        worker.close()
    log = (tmp_path / "home" / "logs" / "worker.log").read_text(encoding="utf-8")
    assert "worker stopped" in log


def test_closing_the_window_with_an_unsaved_editor_asks_first(qtbot, window) -> None:
    from mailapp.ui.mailings.editor import MailingEditor

    window.new_mailing()
    qtbot.waitUntil(lambda: any(isinstance(w, MailingEditor) for w in window._windows))
    (editor,) = [w for w in window._windows if isinstance(w, MailingEditor)]
    qtbot.waitUntil(lambda: editor.isVisible())
    editor.name.setText("Winter sale")
    window.close()
    qtbot.waitUntil(lambda: editor.discard_box is not None and editor.discard_box.isVisible())
    assert window.isVisible() and editor.isVisible()


def test_the_stop_dialog_says_when_the_mailing_changes_behind_it(
    qtbot, window, services, engine, smtp
) -> None:
    """Someone stops the mailing from the command line while the pause
    dialog is open: the dialog says what happened and offers only Close."""
    ctx = services.ctx
    bulk_contacts(ctx, CONTACTS)
    mailing_id = make_mailing(ctx)
    settings.set_value(ctx, "MandrillMailingDelayInSeconds", "60")
    lifecycle.start(ctx, mailing_id)
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.WAITING)
    assert window.select_mailing(mailing_id)
    dialog = open_dialog(qtbot, window, window.stop_action)
    assert dialog.preview.action is StopAction.PAUSE

    stops.stop(ctx, mailing_id)  # `mailapp mailing stop`: immediate
    qtbot.waitUntil(lambda: "changed" in dialog.informativeText(), timeout=10000)
    assert "“Paused”" in dialog.informativeText()
    assert not dialog.action_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    with qtbot.waitSignal(window.commands.cancelled, timeout=5000):
        dialog.cancel_button.click()
    qtbot.waitUntil(lambda: state_of(window, mailing_id) is MailingState.PAUSED)
    assert smtp.received == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_names_keep_their_room_in_a_small_window_and_in_russian(
    qtbot, window, services, language
) -> None:
    """The name column was squeezed to 50 px («Sam…»): it keeps at least
    NAME_MIN_WIDTH (a narrow window scrolls instead), and at 1280 px
    every column fits."""
    from mailapp.ui.common.i18n import Translations
    from mailapp.ui.mailings.page import NAME_MIN_WIDTH
    from mailapp.ui.mailings.table import usual_state_texts

    translations = Translations()
    translations.apply(language)
    try:
        ctx = services.ctx
        with qtbot.waitSignal(window.model.rows_refreshed, timeout=3000):
            services.tasks.run_write(lambda: samples.ensure_samples(ctx))
        qtbot.waitUntil(lambda: window.model.rowCount() >= 2)
        settings.set_value(ctx, "MandrillMailingDelayInSeconds", "600")
        bulk_contacts(ctx, 3)
        waiting = make_mailing(ctx)
        services.tasks.run_write(lambda: lifecycle.start(ctx, waiting))  # a date, a countdown
        qtbot.waitUntil(lambda: state_of(window, waiting) is MailingState.WAITING)
        table = window.page.table
        for width, height in ((1280, 800), (880, 520)):
            window.resize(width, height)
            qtbot.wait(100)
            assert table.columnWidth(Column.NAME) >= NAME_MIN_WIDTH
        window.resize(1280, 800)
        qtbot.wait(100)
        assert not table.horizontalScrollBar().isVisible(), [table.columnWidth(c) for c in Column]
        # Dates and the usual badges whole («01.12.2026 14…» was cut).
        metrics = table.fontMetrics()
        shown = table.model()
        dates = [
            shown.index(row, column).data()
            for row in range(shown.rowCount())
            for column in (Column.STARTED, Column.FINISHED)
        ]
        assert any(dates)
        for column in (Column.STARTED, Column.FINISHED):
            for text in filter(None, dates):
                assert metrics.horizontalAdvance(text) + 8 <= table.columnWidth(column), text
        for text in usual_state_texts():  # the badge's own margins are 16 px
            assert metrics.horizontalAdvance(text) + 24 <= table.columnWidth(Column.STATE), text
        # No command hides behind the toolbar's overflow button.
        for width in (1280, 880):
            window.resize(width, 520)
            qtbot.wait(100)
            bar = window.toolbar
            for action in bar.actions():
                if not action.isSeparator() and action.isVisible():
                    button = bar.widgetForAction(action)
                    assert button.isVisible(), (width, action.text())
                    assert bar.rect().contains(button.geometry()), (width, action.text())
    finally:
        translations.apply("en")
        for translator in translations._installed:
            QCoreApplication.instance().removeTranslator(translator)
