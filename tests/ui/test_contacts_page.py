"""The contacts page and its lazy model on a real database."""

from __future__ import annotations

from PySide6.QtTest import QAbstractItemModelTester

from mailapp.models.base import utcnow
from mailapp.services import contacts
from mailapp.services.context import AppContext
from mailapp.ui.app import AppServices
from mailapp.ui.contacts_model import PAGE_SIZE, ContactsModel
from mailapp.ui.contacts_page import ContactsPage
from mailapp.ui.tasks import TaskRunner


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


def test_model_passes_the_model_tester(qtbot, ctx: AppContext, tasks: TaskRunner) -> None:
    generate(ctx, 3000)
    model = ContactsModel(ctx, tasks)
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
    model = ContactsModel(ctx, tasks)
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
    qtbot.waitUntil(lambda: page.folder_list.count() == 3)  # all + two folders
    assert "(500)" in page.folder_list.item(1).text()

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
    page.unsubscribe_button.click()
    qtbot.waitUntil(
        lambda: contacts.get_contact(services.ctx, page.model.id_at(0)).unsubscribed, timeout=5000
    )

    page.search.clear()
    page.folder_list.setCurrentRow(2)  # VIP
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.folder == "VIP", timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_create_folder(qtbot, services: AppServices) -> None:
    page = ContactsPage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.folder_list.count() == 1)
    page._create_named("Новости")
    qtbot.waitUntil(lambda: page.folder_list.count() == 2, timeout=5000)
    assert page.current_folder == "Новости"
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
