"""A mailing that can no longer be edited opens read-only from the list:
its content, its audience and its results, on a real database."""

from __future__ import annotations

from sqlalchemy import update

from mailapp.models import Mailing, MailingState, Recipient, Response
from mailapp.models.base import utcnow
from mailapp.services import lifecycle
from mailapp.services.context import AppContext
from mailapp.ui.mailings.analytics import AnalyticsWindow
from mailapp.ui.mailings.editor import MailingEditor
from mailapp.ui.mailings.viewer import MailingViewer
from tests.support.data import add_contacts, make_mailing


def _sent_mailing(ctx: AppContext) -> int:
    """Three recipients: two sent, one stopped; the mailing stopped."""
    add_contacts(ctx, ["anna@example.com", "boris@example.com", "cora@example.com"])
    mailing_id = make_mailing(ctx, name="Autumn news " + "with a very long name " * 4)
    lifecycle.start(ctx, mailing_id)
    now = utcnow()
    with ctx.db.write() as session:
        ids = session.scalars(
            Recipient.__table__.select()
            .with_only_columns(Recipient.id)
            .where(Recipient.mailing_id == mailing_id)
            .order_by(Recipient.id)
        ).all()
        session.execute(
            update(Recipient)
            .where(Recipient.id.in_(ids[:2]))
            .values(response=Response.SENT.value, tx_started_at=now, sent_at=now)
        )
        session.execute(
            update(Recipient)
            .where(Recipient.id == ids[2])
            .values(response=Response.STOPPED_MANUALLY.value)
        )
        session.execute(
            update(Mailing).where(Mailing.id == mailing_id).values(state=MailingState.STOPPED.value)
        )
    return mailing_id


def _opened(window, kind: type) -> list:  # type: ignore[no-untyped-def]
    return [w for w in window._windows if isinstance(w, kind)]


def test_enter_on_a_sent_mailing_opens_it_read_only(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    mailing_id = _sent_mailing(services.ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id), timeout=5000)
    # It cannot be edited: Edit opens nothing, View is offered instead.
    assert not window.edit_action.isEnabled()
    window.edit_mailing()
    assert _opened(window, MailingEditor) == []
    assert window.view_action.isEnabled() and window.view_action.isVisible()
    window.table.activated.emit(window.table.currentIndex())
    qtbot.waitUntil(lambda: len(_opened(window, MailingViewer)) == 1, timeout=5000)
    viewer = _opened(window, MailingViewer)[0]
    assert _opened(window, AnalyticsWindow) == []
    qtbot.waitUntil(lambda: viewer.info is not None, timeout=5000)
    assert viewer.subject.text() == "News for {{ contact.first_name }}"
    assert viewer.sender.text() == "Shop <news@shop.example.com>"
    assert viewer.audience.text() == "the contacts in the folder “Customers”"
    assert viewer.recipients.text() == "3"
    assert viewer.findChild(type(viewer.subject), "result_sent").text() == "2"
    assert viewer.findChild(type(viewer.subject), "result_stopped_manually").text() == "1"
    # The email as a recipient of the folder saw it.
    qtbot.waitUntil(lambda: viewer.pane.preview.subject.text().startswith("News for First"))
    # Nothing in it can be changed.
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    assert viewer.findChildren(QLineEdit) == [] and viewer.findChildren(QPlainTextEdit) == []
    viewer.analytics_button.click()
    qtbot.waitUntil(lambda: len(_opened(window, AnalyticsWindow)) == 1, timeout=5000)


def test_a_draft_still_opens_in_the_editor(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    add_contacts(services.ctx, ["anna@example.com"])
    mailing_id = make_mailing(services.ctx)
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id), timeout=5000)
    assert window.edit_action.isEnabled() and not window.view_action.isVisible()
    window.table.activated.emit(window.table.currentIndex())
    qtbot.waitUntil(lambda: len(_opened(window, MailingEditor)) == 1, timeout=5000)
    assert _opened(window, MailingViewer) == []


def test_the_results_follow_the_sending(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    mailing_id = _sent_mailing(services.ctx)
    viewer = MailingViewer(services, mailing_id)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.info is not None, timeout=5000)
    with services.ctx.db.write() as session:
        session.execute(
            update(Recipient)
            .where(Recipient.response == Response.STOPPED_MANUALLY.value)
            .values(response=Response.SENT.value)
        )
    services.bridge.mailings_changed.emit(frozenset({mailing_id}))
    qtbot.waitUntil(
        lambda: viewer.findChild(type(viewer.subject), "result_sent").text() == "3", timeout=5000
    )
