"""The contact list shows who bounced and who reported spam."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from sqlalchemy import update

from mailapp.models import Contact
from mailapp.services import contacts
from mailapp.services.context import AppContext
from mailapp.ui.common.tasks import TaskRunner
from mailapp.ui.contacts.model import ContactsModel


def test_status_says_bounced_and_reported_spam(qtbot, ctx: AppContext, tasks: TaskRunner) -> None:
    for address in ("ok@example.com", "gone@example.com", "angry@example.com"):
        contacts.add_contact(ctx, address, "", "", folder="List")
    with ctx.db.write() as session:
        session.execute(
            update(Contact).where(Contact.email_key == "gone@example.com").values(bounced=True)
        )
        session.execute(
            update(Contact)
            .where(Contact.email_key == "angry@example.com")
            .values(complained=True, unsubscribed=True)
        )
    owner = QObject()
    model = ContactsModel(ctx, tasks, owner)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query("List", "")
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    status = {
        model.data(model.index(row, ContactsModel.EMAIL)): model.data(
            model.index(row, ContactsModel.STATUS)
        )
        for row in range(3)
    }
    assert status == {
        "ok@example.com": "Subscribed",
        "gone@example.com": "Address bounced",
        "angry@example.com": "Reported spam",
    }
    color = model.data(model.index(1, ContactsModel.STATUS), Qt.ItemDataRole.ForegroundRole)
    assert color is not None and color.name() == "#aa3333"
