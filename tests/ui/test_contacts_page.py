"""The contacts page and its lazy model on a real database."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QAbstractItemModelTester
from sqlalchemy import update

from mailapp.models import Contact
from mailapp.models.base import utcnow
from mailapp.services import contacts, folders
from mailapp.services.context import AppContext
from mailapp.ui.common.lazy_model import PAGE_SIZE
from mailapp.ui.common.tasks import TaskRunner
from mailapp.ui.contacts.model import ContactsModel
from mailapp.ui.contacts.page import ContactsPage
from mailapp.ui.services import AppServices


def generate(ctx: AppContext, count: int, folder: str = "Big list") -> None:
    """``count`` contacts in one folder, inserted with one executemany."""
    stamp = utcnow().replace(tzinfo=None).isoformat(sep=" ")
    rows = [
        (f"user{n}@example.com", f"user{n}@example.com", f"Имя{n}", f"Last{n}", stamp)
        for n in range(count)
    ]
    with ctx.db.write() as session:
        conn = session.connection()
        conn.exec_driver_sql(
            "INSERT INTO folders (name, created_at) VALUES (?, ?)", (folder, stamp)
        )
        conn.exec_driver_sql(
            "INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            " fields, unsubscribed, created_at, updated_at)"
            " VALUES (?, ?, 'valid', ?, ?, '{}', 0, ?, ?5)",
            rows,
        )
        conn.exec_driver_sql(
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            " SELECT f.id, c.id, ? FROM folders f, contacts c WHERE f.name = ?",
            (stamp, folder),
        )


def _owner() -> QObject:
    """A parent for a model made in a test. A parentless model is owned by
    its Python wrapper, and the page reads running in the task runner's
    threads hold that wrapper: when a worker drops the last reference the
    model (and its timer) would be destroyed in that thread, and the next
    timer event crashes the GUI thread. Owned by this parent, the model is
    destroyed with it, here."""
    return QObject()


def test_model_passes_the_model_tester(qtbot, ctx: AppContext, tasks: TaskRunner) -> None:
    generate(ctx, 3000)
    owner = _owner()
    model = ContactsModel(ctx, tasks, owner)
    # The tester walks every index, so it checks a small list; laziness is
    # checked on a large one below.
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query("Big list", "")
    assert model.rowCount() == 3000
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    assert model.data(model.index(2999, 0)) == "Loading…"
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "user29")
    assert model.rowCount() == 111  # user29, user290..299, user2900..2999
    qtbot.waitUntil(lambda: tasks.pending == 0)


def test_model_loads_a_large_list_lazily(qtbot, ctx: AppContext, tasks: TaskRunner) -> None:
    generate(ctx, 200_000)
    owner = _owner()
    model = ContactsModel(ctx, tasks, owner)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    assert model.rowCount() == 200_000
    assert model.loaded_rows() == 0
    # A row far down is a placeholder until its page arrives.
    far = model.index(150_123, 0)
    assert model.data(far) == "Loading…"
    qtbot.waitUntil(lambda: model.is_page_loaded(150_123), timeout=10000)
    assert model.data(far) == "user150123@example.com"
    assert model.data(model.index(150_123, ContactsModel.FIRST)) == "Имя150123"
    # Only the pages asked for are in memory.
    assert model.loaded_rows() <= 3 * PAGE_SIZE
    qtbot.waitUntil(lambda: tasks.pending == 0)


def test_search_folder_and_unsubscribe(qtbot, services: AppServices) -> None:
    generate(services.ctx, 500)
    contacts.add_contact(services.ctx, "anna@example.com", "Анна", "Petrova", folder="VIP")
    page = ContactsPage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 501, timeout=10000)
    qtbot.waitUntil(lambda: page.folder_panel.folder_list.count() == 3)  # all + two folders
    assert "(500)" in page.folder_panel.folder_list.item(1).text()

    page.search.setText("анна")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(
        lambda: (
            page.model.row_at(0) is not None or (page.model.data(page.model.index(0, 0)) and False)
        ),
        timeout=100,
    ) if False else None
    page.model.data(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None, timeout=5000)
    assert page.model.row_at(0).email == "anna@example.com"

    page.table.selectRow(0)
    assert page.unsubscribe_button.isEnabled()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.unsubscribe_button.click()
    opened.args[0].action_button.click()
    qtbot.waitUntil(
        lambda: contacts.get_contact(services.ctx, page.model.id_at(0)).unsubscribed, timeout=5000
    )

    page.search.clear()
    page.folder_panel.folder_list.setCurrentRow(2)  # VIP
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.folder == "VIP", timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_create_folder(qtbot, services: AppServices) -> None:
    page = ContactsPage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.folder_panel.folder_list.count() == 1)
    page.folder_panel._create_named("Новости")
    qtbot.waitUntil(lambda: page.folder_panel.folder_list.count() == 2, timeout=5000)
    assert page.current_folder == "Новости"
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


# --- editing, deleting and bulk actions --------------------------------------------


def _page(qtbot, services: AppServices, rows: int) -> ContactsPage:  # type: ignore[no-untyped-def]
    page = ContactsPage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == rows and not page.model.loading, timeout=10000)
    for row in range(rows):
        page.model.data(page.model.index(row, 0))
    qtbot.waitUntil(lambda: all(page.model.row_at(r) is not None for r in range(rows)))
    return page


def _select(page: ContactsPage, *rows: int) -> None:
    from PySide6.QtCore import QItemSelectionModel

    selection = page.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(page.model.index(row, 0), flags)


def _en(text: str) -> str:
    """English plural forms come from ``mailapp_en.ts``; until a new text is
    there Qt shows "2 contact(s)". Either reads the same here."""
    return re.sub(
        r"(\d+) contact\(s\)", lambda m: m[1] + (" contact" if m[1] == "1" else " contacts"), text
    )


def _opened(qtbot, page: ContactsPage, trigger):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as blocker:
        trigger()
    dialog = blocker.args[0]
    assert dialog.isVisible()
    return dialog


def _confirmation(qtbot, page: ContactsPage, trigger):  # type: ignore[no-untyped-def]
    """The confirmation ``trigger`` opens: Cancel is its default button."""
    dialog = _opened(qtbot, page, trigger)
    assert dialog.defaultButton() is dialog.cancel_button
    return dialog


def test_edit_dialog_opens_from_button_double_click_and_menu(qtbot, services: AppServices) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from mailapp.ui.contacts.contact_dialogs import EditContactDialog

    ctx = services.ctx
    contacts.add_contact(ctx, "anna@example.com", "Анна", "Petrova", fields={"city": "Kazan"})
    contacts.add_contact(ctx, "boris@example.com", "Boris")
    page = _page(qtbot, services, 2)
    assert not page.edit_button.isEnabled()
    _select(page, 0)
    assert page.edit_button.isEnabled()

    dialog = _opened(qtbot, page, page.edit_button.click)
    assert isinstance(dialog, EditContactDialog)
    assert (dialog.email.text(), dialog.first_name.text(), dialog.last_name.text()) == (
        "anna@example.com",
        "Анна",
        "Petrova",
    )
    assert dialog.custom_fields() == {"city": "Kazan"}
    assert not dialog.unsubscribed.isChecked()
    dialog.reject()

    # Double-click on the second row edits that one.
    page.show()
    qtbot.waitExposed(page)
    viewport = page.table.viewport()
    rect = page.table.visualRect(page.model.index(1, 1))
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as blocker:
        # A real double-click: press and release, then the double-click.
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0].email.text() == "boris@example.com"
    blocker.args[0].reject()

    # The context menu offers the same commands.
    _select(page, 0)
    menu = page.context_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Edit…",
        "Move to folder…",
        "Unsubscribe…",
        "Subscribe again…",
        "Delete…",
    ]
    dialog = _opened(qtbot, page, page.edit_action.trigger)
    assert dialog.email.text() == "anna@example.com"
    dialog.reject()
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_edit_refuses_a_bad_address_inline_and_changes_nothing(
    qtbot, services: AppServices
) -> None:
    ctx = services.ctx
    cid = contacts.add_contact(ctx, "anna@example.com", "Anna", fields={"city": "Kazan"})
    before = contacts.get_contact(ctx, cid)
    page = _page(qtbot, services, 1)
    _select(page, 0)
    dialog = _opened(qtbot, page, page.edit_button.click)

    dialog.email.setText("anna@@example")
    assert dialog.email_error.isVisibleTo(dialog)
    assert "not valid" in dialog.email_error.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()  # Enter or a stray click: still refused
    assert dialog.isVisible()
    dialog.email.setText("   ")
    assert "empty" in dialog.email_error.text()
    assert not dialog.save_button.isEnabled()
    qtbot.wait(200)
    assert contacts.get_contact(ctx, cid) == before

    # Another contact's address: the service refuses, the dialog says why.
    contacts.add_contact(ctx, "taken@example.com")
    dialog.email.setText("Taken@example.com")
    assert not dialog.email_error.isVisibleTo(dialog)
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert "already exists" in dialog.error.text()
    assert dialog.isVisible()
    assert contacts.get_contact(ctx, cid) == before
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_edit_saves_every_field_and_the_table_shows_it(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    cid = contacts.add_contact(ctx, "anna@example.com", "Anna", "Li", fields={"city": "Kazan"})
    page = _page(qtbot, services, 1)
    _select(page, 0)
    dialog = _opened(qtbot, page, page.edit_button.click)
    dialog.email.setText(" Anna.Petrova@Example.com ")
    dialog.first_name.setText("Анна")
    dialog.last_name.setText("Petrova")
    dialog.set_custom_fields({"city": "Moscow", "plan": "gold"})
    dialog.unsubscribed.setChecked(True)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    info = contacts.get_contact(ctx, cid)
    assert (info.email, info.first_name, info.last_name, info.unsubscribed) == (
        "Anna.Petrova@example.com",
        "Анна",
        "Petrova",
        True,
    )
    assert info.fields == {"city": "Moscow", "plan": "gold"}
    qtbot.waitUntil(
        lambda: page.model.data(page.model.index(0, 0)) == "Anna.Petrova@example.com",
        timeout=5000,
    )
    assert page.model.data(page.model.index(0, page.model.STATUS)) == "Unsubscribed"
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_a_bounced_address_can_be_cleared_in_the_editor(qtbot, services: AppServices) -> None:
    """A contact marked bounced was left out of every later mailing, with
    no way in the window to say the address works again."""
    ctx = services.ctx
    cid = contacts.add_contact(ctx, "anna@example.com", "Anna")
    with ctx.db.write() as session:
        session.execute(update(Contact).values(bounced=True))
    page = _page(qtbot, services, 1)
    _select(page, 0)
    dialog = _opened(qtbot, page, page.edit_button.click)
    assert dialog.bounced.isChecked()
    dialog.bounced.setChecked(False)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert not contacts.get_contact(ctx, cid).bounced
    qtbot.waitUntil(
        lambda: page.model.data(page.model.index(0, page.model.STATUS)) == "Subscribed",
        timeout=5000,
    )

    with ctx.db.write() as session:
        session.execute(update(Contact).values(bounced=True))
    page.model.reload()
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
    dialog = _opened(qtbot, page, page.edit_button.click)
    assert dialog.bounced.isChecked()
    qtbot.keyClicks(dialog.email, "x")  # another address has not bounced
    assert not dialog.bounced.isChecked()
    qtbot.keyClick(dialog.email, Qt.Key.Key_Backspace)  # the old one back has
    assert dialog.bounced.isChecked()
    dialog.reject()
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_delete_asks_with_the_count_and_what_happens_to_mailings(
    qtbot, services: AppServices
) -> None:
    from PySide6.QtCore import Qt

    ctx = services.ctx
    ids = [contacts.add_contact(ctx, f"user{n}@example.com", folder="News") for n in range(3)]
    page = _page(qtbot, services, 3)
    assert not page.delete_button.isEnabled()
    _select(page, 0, 2)

    # The Delete key asks first; Cancel (the default) changes nothing.
    dialog = _confirmation(qtbot, page, lambda: qtbot.keyClick(page.table, Qt.Key.Key_Delete))
    assert _en(dialog.text()) == "Delete 2 contacts?"
    info = dialog.informativeText()
    assert "keep their response" in info
    assert "leave their folders" in info
    assert dialog.action_button.text() == "Delete contacts"
    dialog.cancel_button.click()
    qtbot.wait(200)
    assert list(contacts.contact_ids(ctx)) == ids

    # The button asks the same; confirming deletes off the GUI thread.
    dialog = _confirmation(qtbot, page, page.delete_button.click)
    assert _en(dialog.text()) == "Delete 2 contacts?"
    dialog.action_button.click()
    qtbot.waitUntil(lambda: list(contacts.contact_ids(ctx)) == [ids[1]], timeout=5000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.model.id_at(0) == ids[1]

    # One contact: the dialog names it; the context menu entry asks too.
    page.model.data(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None)
    _select(page, 0)
    dialog = _confirmation(qtbot, page, page.delete_action.trigger)
    assert dialog.text() == "Delete the contact user1@example.com?"
    assert dialog.action_button.text() == "Delete contact"
    dialog.action_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert contacts.count_contacts(ctx) == 0
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_bulk_unsubscribe_asks_with_the_count(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    ids = [contacts.add_contact(ctx, f"user{n}@example.com") for n in range(4)]
    page = _page(qtbot, services, 4)
    _select(page, 0, 1, 3)
    dialog = _confirmation(qtbot, page, page.unsubscribe_button.click)
    assert _en(dialog.text()) == "Unsubscribe 3 contacts?"
    assert dialog.action_button.text() == "Unsubscribe"
    dialog.cancel_button.click()
    qtbot.wait(200)
    assert not any(c.unsubscribed for c in contacts.list_contacts(ctx))

    dialog = _confirmation(qtbot, page, page.unsubscribe_button.click)
    dialog.action_button.click()
    qtbot.waitUntil(
        lambda: [c.unsubscribed for c in contacts.list_contacts(ctx)] == [True, True, False, True],
        timeout=5000,
    )
    qtbot.waitUntil(
        lambda: page.model.data(page.model.index(3, page.model.STATUS)) == "Unsubscribed",
        timeout=5000,
    )

    _select(page, 0)
    dialog = _confirmation(qtbot, page, page.resubscribe_button.click)
    assert _en(dialog.text()) == "Subscribe 1 contact again?"
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not contacts.get_contact(ctx, ids[0]).unsubscribed, timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_bulk_move_to_folder(qtbot, services: AppServices) -> None:
    ctx = services.ctx
    ids = [contacts.add_contact(ctx, f"user{n}@example.com", folder="News") for n in range(3)]
    folders.create_folder(ctx, "Gold")
    page = _page(qtbot, services, 3)
    qtbot.waitUntil(lambda: page.folder_panel.folder_list.count() == 3)
    page.folder_panel.folder_list.setCurrentRow(2)  # News
    qtbot.waitUntil(lambda: page.model.folder == "News" and not page.model.loading)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    _select(page, 0, 1)

    dialog = _confirmation(qtbot, page, page.move_button.click)
    assert _en(dialog.text()) == "Move 2 contacts to the folder:"
    assert "They leave the folder “News”" in dialog.informativeText()
    assert dialog.folder.currentText() == "Gold"
    assert dialog.action_button.text() == "Move"
    dialog.cancel_button.click()
    qtbot.wait(200)
    assert list(contacts.contact_ids(ctx, folder="Gold")) == []

    dialog = _confirmation(qtbot, page, page.move_button.click)
    dialog.folder.setEditText("News")  # the folder they are in: nothing to do
    assert not dialog.action_button.isEnabled()
    dialog.folder.setEditText("Gold")
    assert dialog.action_button.isEnabled()
    dialog.action_button.click()
    qtbot.waitUntil(lambda: list(contacts.contact_ids(ctx, folder="Gold")) == ids[:2], timeout=5000)
    assert list(contacts.contact_ids(ctx, folder="News")) == ids[2:]
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)

    # From "All contacts" they keep their folders; a new name makes a folder.
    page.folder_panel.folder_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: page.model.folder is None and page.model.rowCount() == 3)
    _select(page, 2)
    dialog = _confirmation(qtbot, page, page.move_action.trigger)
    assert _en(dialog.text()) == "Move 1 contact to the folder:"
    assert "They stay in their other folders" in dialog.informativeText()
    dialog.folder.setEditText("Fresh")
    dialog.action_button.click()
    qtbot.waitUntil(lambda: "Fresh" in {f.name for f in folders.list_folders(ctx)}, timeout=5000)
    assert list(contacts.contact_ids(ctx, folder="Fresh")) == [ids[2]]
    assert contacts.get_contact(ctx, ids[2]).folders == ("Fresh", "News")
    qtbot.waitUntil(lambda: page.folder_panel.folder_list.count() == 4, timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_a_select_all_of_a_large_list_is_counted_from_ranges(qtbot, services: AppServices) -> None:
    generate(services.ctx, 50_000)
    page = ContactsPage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 50_000, timeout=20000)
    page.table.selectAll()
    assert page.delete_button.isEnabled() and not page.edit_button.isEnabled()
    dialog = _confirmation(qtbot, page, page.delete_button.click)
    assert _en(dialog.text()) == "Delete 50000 contacts?"
    dialog.cancel_button.click()
    assert len(page.selected_ids()) == 50_000
    assert contacts.count_contacts(services.ctx) == 50_000
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
