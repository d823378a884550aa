"""*Send to those not reached…* in the window: the dialog from the toolbar
and from the analytics, the follow-up under its original in the list, the
unconfirmed recipients resolved by a person, and who did it in the log."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update

from mailapp.models import Event, MailingState, Recipient, Response
from mailapp.services import journal, lifecycle, mailings, stops
from mailapp.services import settings as settings_service
from mailapp.services.actor import machine_user
from mailapp.services.context import AppContext
from mailapp.ui.mailings.analytics import AnalyticsWindow
from mailapp.ui.mailings.editor import MailingEditor
from mailapp.ui.mailings.resend_dialog import ResendDialog
from mailapp.ui.mailings.table import Column
from tests.support.data import add_contacts, make_mailing

EMAILS = [f"reader{n}@example.com" for n in range(10)]


def stopped_mailing(ctx: AppContext, unconfirmed: int = 2, sent: int = 3) -> int:
    """A mailing stopped after sending began: ``sent`` sent, ``unconfirmed``
    unconfirmed, the rest stopped (manually)."""
    add_contacts(ctx, EMAILS)
    mailing_id = make_mailing(ctx, name="Spring news")
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    lifecycle.mark_sending(ctx, mailing_id)  # the engine's: by nobody
    stops.stop(ctx, mailing_id)
    lifecycle.finish_stopping(ctx)
    with ctx.db.write() as session:
        for emails, response in (
            (EMAILS[:sent], Response.SENT),
            (EMAILS[sent : sent + unconfirmed], Response.UNCONFIRMED),
        ):
            session.execute(
                update(Recipient)
                .where(Recipient.mailing_id == mailing_id, Recipient.email.in_(emails))
                .values(response=response.value)
            )
    ctx.hub.mailings_changed(mailing_id)
    return mailing_id


def _dialog(window) -> ResendDialog:  # type: ignore[no-untyped-def]
    found = [w for w in window._windows if isinstance(w, ResendDialog)]
    assert len(found) == 1
    return found[0]


def test_the_dialog_makes_the_draft_and_opens_it(qtbot, window, services) -> None:
    ctx = services.ctx
    mailing_id = stopped_mailing(ctx)
    draft = make_mailing(ctx, name="A draft")
    qtbot.waitUntil(lambda: window.select_mailing(draft))
    assert not window.resend_action.isEnabled()
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id))
    qtbot.waitUntil(lambda: window.model.find(mailing_id).state is MailingState.STOPPED)
    assert window.resend_action.isEnabled()
    assert window.resend_action in window.toolbar.actions()
    assert window.resend_action in window.mailing_menu.actions()

    window.resend_action.trigger()
    dialog = _dialog(window)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    stopped = dialog.boxes[Response.STOPPED_MANUALLY]
    maybe = dialog.boxes[Response.UNCONFIRMED]
    assert stopped.isChecked() and stopped.text() == "Stopped (manually): 5"
    assert not maybe.isChecked() and maybe.isEnabled()
    assert not dialog.boxes[Response.SOFT_BOUNCE].isEnabled()  # nobody to reach
    assert dialog.total.text() == "The draft will have up to 5 recipients."
    assert dialog.warning.isHidden()
    maybe.setChecked(True)
    assert not dialog.warning.isHidden()
    assert dialog.total.text() == "The draft will have up to 7 recipients."
    maybe.setChecked(False)
    stopped.setChecked(False)
    assert not dialog.make_button.isEnabled()
    stopped.setChecked(True)

    with qtbot.waitSignal(dialog.created, timeout=5000) as made:
        dialog.make_button.click()
    follow_up = made.args[0]
    info = mailings.get(ctx, follow_up)
    assert info.follows == mailing_id and info.recipients == 5
    assert info.name == "Spring news (resend)"
    editors = [w for w in window._windows if isinstance(w, MailingEditor)]
    assert [e.mailing_id for e in editors] == [follow_up]
    editor = editors[0]
    qtbot.waitUntil(lambda: editor.info is not None)
    assert editor.folder_list.isHidden() and not editor.follow_up_note.isHidden()
    assert "5 recipients" in editor.follow_up_note.text()
    assert not any(p.field == "folders" for p in editor.problems())

    # the follow-up is listed under its original, and selected
    qtbot.waitUntil(lambda: window.selected() is not None and window.selected().id == follow_up)
    proxy = window.page.proxy
    names = [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]
    assert names == ["A draft", "Spring news", "↳ Spring news (resend)"]
    tip = window.model.index(window.model.row_of(follow_up), Column.NAME).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "Spring news” did not reach" in (tip or "")

    # the log says who made it, and can show one person's lines only
    me = machine_user()
    dock = window.journal
    qtbot.waitUntil(lambda: me in dock.model.actors and dock.actor_filter.count() == 2)
    resent = [
        r for r in range(dock.model.rowCount()) if dock.model.entry(r).event is Event.MAILING_RESENT
    ]
    assert len(resent) == 1
    assert dock.model.index(resent[0], 3).data() == me
    assert "made for 5 recipients not reached" in dock.model.index(resent[0], 2).data()
    everyone = dock.proxy.rowCount()
    dock.actor_filter.setCurrentIndex(dock.actor_filter.findData(me))
    assert 0 < dock.proxy.rowCount() < everyone  # the engine's lines are not mine
    assert all(dock.proxy.index(r, 3).data() == me for r in range(dock.proxy.rowCount()))
    dock.actor_filter.setCurrentIndex(0)
    assert dock.proxy.rowCount() == everyone


def _select(window: AnalyticsWindow, rows: list[int]) -> None:
    selection = window.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(window.model.index(row, 0), flags)


def test_unconfirmed_resolved_in_the_analytics(qtbot, window, services) -> None:
    ctx = services.ctx
    settings_service.set_value(ctx, "UserName", "Anna")
    mailing_id = stopped_mailing(ctx, unconfirmed=3)
    analytics = AnalyticsWindow(services, mailing_id)
    qtbot.addWidget(analytics)
    analytics.show()
    qtbot.waitUntil(lambda: analytics.progress is not None)
    assert analytics.follow_ups.resend_button.isEnabled()
    assert not analytics.follow_ups.delivered_button.isEnabled()
    analytics.show_response(Response.UNCONFIRMED)
    qtbot.waitUntil(lambda: analytics.model.loaded_rows() == 3)
    _select(analytics, [0])
    assert (
        analytics.follow_ups.delivered_button.isEnabled()
        and analytics.follow_ups.include_button.isEnabled()
    )

    analytics.follow_ups.delivered_button.click()
    box = analytics.follow_ups.question
    assert isinstance(box, QMessageBox) and "Mark 1 unconfirmed recipient" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    mark = next(b for b in box.buttons() if b.text() == "Mark as delivered")
    mark.click()
    qtbot.waitUntil(
        lambda: mailings.get(ctx, mailing_id).responses[Response.UNCONFIRMED.value] == 2
    )
    marked = [
        e for e in journal.entries(ctx, mailing_id) if e.event is Event.UNCONFIRMED_MARKED_SENT
    ]
    assert [(e.params["count"], e.actor) for e in marked] == [(1, "Anna")]

    # the other two, picked in the list, go into a follow-up of their own
    qtbot.waitUntil(lambda: analytics.model.loaded_rows() == 2)
    _select(analytics, [0, 1])
    analytics.follow_ups.include_button.click()
    dialog = analytics.follow_ups.dialog
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.boxes[Response.UNCONFIRMED].isChecked()
    assert not dialog.boxes[Response.STOPPED_MANUALLY].isEnabled()
    assert not dialog.warning.isHidden()
    assert dialog.total.text() == "The draft is for the 2 recipients you chose."
    with qtbot.waitSignal(analytics.follow_up_created, timeout=5000) as made:
        dialog.make_button.click()
    follow_up = mailings.get(ctx, made.args[0])
    assert follow_up.recipients == 2 and follow_up.follows == mailing_id
    # the analytics of the original tell of it
    analytics.refresh()
    qtbot.waitUntil(
        lambda: (
            analytics.follow_ups.chain is not None
            and len(analytics.follow_ups.chain.follow_ups) == 1
        )
    )
    assert (
        "Follow-ups: “Spring news (resend)” (Draft, 0 of 2 sent)"
        in analytics.follow_ups.summary.text()
    )
    # three sent, one marked delivered, two that may have got it
    assert "Reached with them: 6" in analytics.follow_ups.summary.text()


def test_starting_a_follow_up_names_those_it_goes_to(qtbot, window, services) -> None:
    from mailapp.services import resend
    from mailapp.ui.mailings.start_dialog import StartDialog

    ctx = services.ctx
    mailing_id = stopped_mailing(ctx)
    follow_up = resend.resend(ctx, mailing_id).id
    qtbot.waitUntil(lambda: window.select_mailing(follow_up), timeout=5000)
    with qtbot.waitSignal(window.commands.dialog_opened, timeout=5000) as blocker:
        window.start_action.trigger()
    dialog = blocker.args[0]
    assert isinstance(dialog, StartDialog)
    assert (
        f"The email goes to the 5 recipients mailing {mailing_id} did not reach."
        in dialog.informativeText()
    )
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    assert mailings.get(ctx, follow_up).state is MailingState.WAITING
