"""What keeps the window responsive at scale, locked in as behaviour.

The figures themselves are measured by ``python -m bench.gui``; these tests
hold the reasons they are good: lazy rows, page reads limited to what is on
screen, precise ``dataChanged``, throttled refreshes and no database call
on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from mailapp.models import Event, EventType
from mailapp.models.base import utcnow
from mailapp.services import analytics, mailings
from mailapp.services.context import AppContext
from mailapp.services.journal import JournalEntry
from mailapp.services.mailings import MailingInput
from mailapp.ui.common import lazy_model
from mailapp.ui.common.lazy_model import MAX_IN_FLIGHT, PAGE_SIZE
from mailapp.ui.common.tasks import TaskRunner
from mailapp.ui.contacts.model import ContactsModel

COUNT = 200_000


def generate(ctx: AppContext, count: int, folder: str = "Everyone") -> None:
    """``count`` contacts in one folder, inserted by SQLite itself."""
    stamp = utcnow().replace(tzinfo=None).isoformat(sep=" ")
    with ctx.db.write() as session:
        conn = session.connection()
        conn.exec_driver_sql(
            "INSERT INTO folders (name, created_at) VALUES (?, ?)", (folder, stamp)
        )
        conn.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)"
            " INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            " fields, unsubscribed, created_at, updated_at)"
            " SELECT 'user' || i || '@example.com', 'user' || i || '@example.com', 'valid',"
            " 'Name' || i, 'Example', '{}', 0, ?2, ?2 FROM n",
            (count, stamp),
        )
        conn.exec_driver_sql(
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            " SELECT f.id, c.id, ? FROM folders f, contacts c WHERE f.name = ?",
            (stamp, folder),
        )


def mailing(ctx: AppContext, name: str) -> int:
    return mailings.create(
        ctx,
        MailingInput(
            name=name,
            subject="Hello",
            sender_email="news@shop.example.com",
            html="<p>Hello</p>",
        ),
    )


# -- the lazy contacts model -------------------------------------------------------------


def test_contacts_model_holds_ids_and_reads_only_pages_on_screen(
    qtbot, ctx: AppContext, tasks: TaskRunner
) -> None:
    generate(ctx, COUNT)
    model = ContactsModel(ctx, tasks)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    assert model.rowCount() == COUNT
    assert model.loaded_rows() == 0

    # A fast scroll: the view asks for rows on twenty pages, one after another.
    asked = [page * 5 * PAGE_SIZE for page in range(20)]
    for row in asked:
        assert model.data(model.index(row, 0)) == "Loading…"
    # Nothing is read while the view paints; afterwards only a few reads go
    # out, for the pages asked for last (those still on screen).
    assert model.pages_in_flight() == 0
    qtbot.waitUntil(lambda: model.pages_in_flight() > 0)
    assert model.pages_in_flight() <= MAX_IN_FLIGHT
    qtbot.waitUntil(lambda: model.pages_in_flight() == 0 and tasks.pending == 0, timeout=10000)
    assert model.is_page_loaded(asked[-1])
    assert not model.is_page_loaded(asked[0])
    assert model.loaded_rows() <= lazy_model.MAX_ASKED * PAGE_SIZE
    assert model.data(model.index(asked[-1], 0)) == f"user{asked[-1]}@example.com"


def contacts_model(qtbot, ctx: AppContext, tasks: TaskRunner, count: int) -> ContactsModel:
    """A contacts model over ``count`` new contacts, with their ids loaded."""
    generate(ctx, count)
    model = ContactsModel(ctx, tasks)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    return model


@contextmanager
def ui_translations() -> Iterator[Any]:
    """Translations to switch the UI language with; English again after."""
    from PySide6.QtCore import QCoreApplication

    from mailapp.ui.common.i18n import Translations

    translations = Translations()
    try:
        yield translations
    finally:
        translations.apply("en")
        for translator in translations._installed:
            QCoreApplication.instance().removeTranslator(translator)


def test_the_page_reader_makes_the_texts_and_a_language_switch_makes_them_again(
    qtbot, ctx: AppContext, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt

    model = contacts_model(qtbot, ctx, tasks, PAGE_SIZE)
    made_in: list[str] = []
    texts = model.texts
    monkeypatch.setattr(
        model, "texts", lambda row: made_in.append(threading.current_thread().name) or texts(row)
    )
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    # Every text of the page was made by its reader, none by the GUI thread.
    assert len(made_in) == PAGE_SIZE
    assert threading.main_thread().name not in made_in
    made_in.clear()
    status = model.index(3, ContactsModel.STATUS)
    for _ in range(10):  # ten repaints, display and tooltip
        assert model.data(status) == "Subscribed"
        assert model.data(status, Qt.ItemDataRole.ToolTipRole) == "Subscribed"
        assert model.shown(3)[0][ContactsModel.STATUS] == "Subscribed"
    assert made_in == []

    with ui_translations() as translations:
        translations.apply("ru")
        with qtbot.waitSignal(model.dataChanged):
            model.retranslate()
        for _ in range(10):
            assert model.data(status) == "Подписан"
        assert len(made_in) == 1  # one row's texts, made once
        assert model.headerData(ContactsModel.FIRST, Qt.Orientation.Horizontal) == "Имя"


def test_a_page_read_across_a_language_switch_keeps_no_text_of_before(
    qtbot, ctx: AppContext, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = contacts_model(qtbot, ctx, tasks, PAGE_SIZE)
    go = threading.Event()
    made = threading.Event()
    rows: list[int] = []
    fetch, texts = model.fetch_rows, model.texts
    monkeypatch.setattr(model, "fetch_rows", lambda ids: go.wait(10) and fetch(ids))

    def counted_texts(row: Any) -> tuple[str, ...]:
        made_texts = texts(row)
        rows.append(1)
        if len(rows) == PAGE_SIZE:
            made.set()
        return made_texts

    monkeypatch.setattr(model, "texts", counted_texts)
    with ui_translations() as translations:
        try:
            model.data(model.index(0, 0))
            qtbot.waitUntil(lambda: model.pages_in_flight() == 1, timeout=10000)
            translations.apply("ru")
            model.retranslate()
            go.set()
            assert made.wait(10)  # the reader made the page's texts in Russian
            translations.apply("en")  # and the window went back to English
            model.retranslate()
            qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
            assert model.data(model.index(3, ContactsModel.STATUS)) == "Subscribed"
        finally:
            go.set()


def test_the_lazy_table_paints_the_models_texts_and_colours(
    qtbot, ctx: AppContext, tasks: TaskRunner
) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleOptionViewItem

    from mailapp.services import contacts as contact_service
    from mailapp.ui.common.lazy_table import LazyRowsTable

    generate(ctx, 3 * PAGE_SIZE)
    bounced = contact_service.contact_ids(ctx, None, None)[5]
    contact_service.update_contact(ctx, bounced, bounced=True)
    model = ContactsModel(ctx, tasks)
    table = LazyRowsTable(model)
    qtbot.addWidget(table)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    delegate = table.itemDelegate()

    def painted(row: int, column: int) -> QStyleOptionViewItem:
        """The option a cell is painted with, made as the view makes it."""
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        delegate.initStyleOption(option, model.index(row, column))
        return option

    # Not loaded: the placeholder, in the disabled colour, and the page is asked for.
    assert painted(2 * PAGE_SIZE, 0).text == "Loading…"
    qtbot.waitUntil(lambda: model.is_page_loaded(2 * PAGE_SIZE), timeout=10000)
    painted(0, 0)
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    for row in (0, 5, 2 * PAGE_SIZE + 7):
        for column in range(model.columnCount()):
            option = painted(row, column)
            assert option.text == model.data(model.index(row, column))
            assert option.features & QStyleOptionViewItem.ViewItemFeature.HasDisplay
    bounced_option, usual_option = painted(5, ContactsModel.STATUS), painted(0, 0)
    assert bounced_option.text == "Address bounced"
    text_colour = bounced_option.palette.color(QPalette.ColorRole.Text)
    assert text_colour == model.data(model.index(5, ContactsModel.STATUS), lazy_model._FOREGROUND)
    assert text_colour != usual_option.palette.color(QPalette.ColorRole.Text)


def test_moving_the_current_row_repaints_no_header(
    qtbot, ctx: AppContext, tasks: TaskRunner
) -> None:
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView

    from mailapp.ui.common.lazy_table import LazyRowsTable

    generate(ctx, PAGE_SIZE)
    model = ContactsModel(ctx, tasks)
    table = LazyRowsTable(model)
    qtbot.addWidget(table)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    table.resize(600, 400)
    table.show()
    qtbot.waitExposed(table)
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    qtbot.wait(100)

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    header, rows = Paints(), Paints()
    table.horizontalHeader().viewport().installEventFilter(header)
    table.viewport().installEventFilter(rows)
    for _ in range(5):
        QTest.keyClick(table, Qt.Key.Key_Down)
        qtbot.wait(20)
    assert table.currentIndex().row() == 5
    assert rows.count >= 5  # the rows did repaint
    assert header.count == 0


def test_the_lazy_table_draws_its_texts_and_fits_a_column_to_them(
    qtbot, ctx: AppContext, tasks: TaskRunner
) -> None:
    """The option-level test above makes the options by hand; this one goes
    through Qt's own paint and sizing. A double click on a column's edge
    fits it to the texts shown (sizeHintForColumn): a cell whose option is
    not marked as having text measures as empty."""
    from PySide6.QtGui import QColor

    from mailapp.ui.common.lazy_table import LazyRowsTable

    model = contacts_model(qtbot, ctx, tasks, PAGE_SIZE)
    table = LazyRowsTable(model)
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(0), timeout=10000)
    table.viewport().repaint()

    def dark_pixels(row: int, column: int) -> int:
        rect = table.visualRect(model.index(row, column))
        image = table.viewport().grab(rect).toImage()
        return sum(
            1
            for x in range(image.width())
            for y in range(image.height())
            if QColor(image.pixel(x, y)).lightness() < 128
        )

    assert model.data(model.index(0, ContactsModel.EMAIL)) == "user0@example.com"
    assert dark_pixels(0, ContactsModel.EMAIL) > 20  # the address is drawn
    assert dark_pixels(0, ContactsModel.STATUS) > 10  # and its status
    widest = table.fontMetrics().horizontalAdvance("user199@example.com")
    assert table.sizeHintForColumn(ContactsModel.EMAIL) >= widest


def test_a_page_asked_again_while_it_loads_is_read_once(
    qtbot, ctx: AppContext, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(ctx, 5 * PAGE_SIZE)
    model = ContactsModel(ctx, tasks)
    with qtbot.waitSignal(model.rows_loaded, timeout=10000):
        model.set_query(None, "")
    reads: list[int] = []
    fetch = model.fetch_rows
    monkeypatch.setattr(model, "fetch_rows", lambda ids: reads.append(ids[0]) or fetch(ids))
    for _ in range(3):  # three repaints before the page arrives
        for row in range(0, 30):
            model.data(model.index(row, 0))
        qtbot.wait(1)
    qtbot.waitUntil(lambda: model.is_page_loaded(0))
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert len(reads) == 1


# -- the mailing table ---------------------------------------------------------------------


def test_a_change_of_one_mailing_repaints_its_row_only(qtbot, window, services) -> None:
    ctx = services.ctx
    ids = [mailing(ctx, f"Mailing {n}") for n in range(3)]
    window.loader.load_all()
    qtbot.waitUntil(lambda: all(window.model.find(i) for i in ids) and not window.loader.busy)
    changes: list[tuple[int, int, int, int]] = []
    resets: list[bool] = []
    window.model.dataChanged.connect(
        lambda a, b, _roles=(): changes.append((a.row(), b.row(), a.column(), b.column()))
    )
    window.model.modelReset.connect(lambda: resets.append(True))
    window.model.layoutChanged.connect(lambda *_: resets.append(True))

    target = ids[1]
    mailings.update(
        ctx,
        target,
        MailingInput(
            name="Renamed", subject="Hello", sender_email="news@shop.example.com", html="<p>Hi</p>"
        ),
    )
    with qtbot.waitSignal(window.model.rows_refreshed, timeout=5000):
        services.bridge.mailings_changed.emit(frozenset({target}))
    row = window.model.row_of(target)
    assert changes and all(c[0] == c[1] == row for c in changes)
    assert not resets


def test_journal_names_repaint_only_when_a_name_changes(qtbot, window, services) -> None:
    ctx = services.ctx
    first = mailing(ctx, "First")
    second = mailing(ctx, "Second")
    window.loader.load_all()
    qtbot.waitUntil(lambda: window.model.find(second) is not None and not window.loader.busy)
    journal = window.journal.model
    # Thousands of log lines, most of them of the second mailing.
    journal.set_entries(
        JournalEntry(
            id=n + 1,
            time=utcnow(),
            mailing_id=first if n % 100 == 0 else second,
            event=Event.MAILING_STARTED,
            type=EventType.INFO,
            params={},
            message="",
        )
        for n in range(5000)
    )
    for row in range(journal.rowCount()):  # as the view does when it paints
        journal.data(journal.index(row, 1))
    changes: list[tuple[int, int]] = []
    journal.dataChanged.connect(lambda a, b, _roles=(): changes.append((a.row(), b.row())))

    journal.refresh_names()  # nothing renamed: nothing to repaint
    assert changes == []

    mailings.update(
        ctx,
        first,
        MailingInput(
            name="First, renamed",
            subject="Hello",
            sender_email="news@shop.example.com",
            html="<p>Hi</p>",
        ),
    )
    with qtbot.waitSignal(window.model.rows_refreshed, timeout=5000):
        window.loader.refresh([first])
    assert changes
    rows_of_first = [
        row for row in range(journal.rowCount()) if journal.entry(row).mailing_id == first
    ]
    for top, bottom in changes:
        assert top >= min(rows_of_first) and bottom <= max(rows_of_first)


# -- analytics --------------------------------------------------------------------------------


def test_analytics_reads_progress_at_most_once_a_second(
    qtbot, services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailapp.ui.mailings.analytics import AnalyticsWindow

    mailing_id = mailing(services.ctx, "Watched")
    calls: list[int] = []
    progress = analytics.progress
    monkeypatch.setattr(
        analytics, "progress", lambda ctx, i, *more: calls.append(i) or progress(ctx, i, *more)
    )
    window = AnalyticsWindow(services, mailing_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.progress is not None)
    assert len(calls) == 1
    for _ in range(50):  # the bridge says "changed" many times while it sends
        services.bridge.mailings_changed.emit(frozenset({mailing_id}))
        qtbot.wait(10)
    qtbot.wait(1200)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
    assert 2 <= len(calls) <= 3


# -- no database on the GUI thread ------------------------------------------------------------


@contextmanager
def gui_thread_database_calls(ctx: AppContext) -> Iterator[list[str]]:
    """Record every database session or connection opened on the GUI thread."""
    offenders: list[str] = []
    db = ctx.db
    originals: dict[str, Callable[..., Any]] = {
        name: getattr(db, name) for name in ("read", "write", "write_conn")
    }

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                import traceback

                offenders.append(f"{name}: " + "".join(traceback.format_stack(limit=6)))
            return original(*args, **kwargs)

        return call

    for name, original in originals.items():
        setattr(db, name, wrap(name, original))
    try:
        yield offenders
    finally:
        for name, original in originals.items():
            setattr(db, name, original)


def test_no_database_call_on_the_gui_thread(qtbot, services) -> None:
    from mailapp.ui.window.main_window import MainWindow

    ctx = services.ctx
    generate(ctx, 5_000)
    ids = [mailing(ctx, f"Mailing {n}") for n in range(3)]
    with gui_thread_database_calls(ctx) as offenders:
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.model.find(ids[-1]) is not None)
        # Mailings: select, refresh, filter, open the analytics.
        for mailing_id in ids:
            window.select_mailing(mailing_id)
            services.bridge.mailings_changed.emit(frozenset({mailing_id}))
            qtbot.wait(20)
        window.page.search.setText("Mailing 1")
        window.page.search.clear()
        window.refresh_action.trigger()
        window.open_analytics()
        # Contacts: open the page, scroll, search.
        window.nav.setCurrentRow(window.PAGE_CONTACTS)
        page = window._contacts_page
        qtbot.waitUntil(lambda: page.model.rowCount() == 5_000, timeout=10000)
        bar = page.table.verticalScrollBar()
        for step in range(11):
            bar.setValue(bar.maximum() * step // 10)
            qtbot.wait(5)
        page.search.setText("user4")
        qtbot.waitUntil(lambda: page.model.rowCount() < 5_000, timeout=10000)
        services.bridge.contacts_changed.emit()
        services.bridge.poll_journal()
        qtbot.waitUntil(lambda: services.tasks.pending == 0, timeout=10000)
        for widget in list(window._windows):
            widget.close()
        window.close()
        qtbot.waitUntil(lambda: services.tasks.pending == 0, timeout=10000)
    assert offenders == []


def test_the_contacts_model_emits_page_sized_changes(qtbot, ctx: AppContext, tasks) -> None:
    generate(ctx, 3 * PAGE_SIZE)
    model = ContactsModel(ctx, tasks)
    with qtbot.waitSignal(model.rows_loaded, timeout=10000):
        model.set_query(None, "")
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): changes.append((a.row(), b.row())))
    model.data(model.index(PAGE_SIZE + 3, 0))
    qtbot.waitUntil(lambda: model.is_page_loaded(PAGE_SIZE + 3))
    assert changes == [(PAGE_SIZE, 2 * PAGE_SIZE - 1)]
    assert model.rowCount(QModelIndex()) == 3 * PAGE_SIZE
    qtbot.waitUntil(lambda: tasks.pending == 0)


# -- templates off the GUI thread -------------------------------------------------------------


def test_the_editor_compiles_and_previews_templates_off_the_gui_thread(
    qtbot, services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    from mailapp.ui.mailings.editor import MailingEditor

    compiled_on: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, *args: Any, **kwargs: Any) -> Any:
        compiled_on.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    editor = MailingEditor(services, None)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded, timeout=5000)
    editor.subject.setText("Hello {{ contact.first_name }}")
    editor.html.setPlainText(
        "<p>Hi {{ contact.first_name }}, {% if contact.city %}x{% endif %}</p>"
    )
    qtbot.waitUntil(lambda: not editor.preview.pending and not editor.checking, timeout=5000)
    editor.html.setPlainText("<p>{% if %}</p>")
    qtbot.waitUntil(lambda: not editor.preview.pending and not editor.checking, timeout=5000)
    assert compiled_on, "the template was never compiled"
    assert threading.main_thread().name not in compiled_on


def test_a_lazy_table_reloaded_with_more_rows_measures_no_row_header(
    qtbot, ctx: AppContext, tasks: TaskRunner
) -> None:
    """A list that grows while a mailing sends reloads every second or so; a
    row header would measure the numbers of 200 rows (a call into Python
    each) on every reload."""
    from PySide6.QtCore import Qt

    from mailapp.ui.common.lazy_table import LazyRowsTable

    generate(ctx, PAGE_SIZE)
    model = ContactsModel(ctx, tasks)
    asked: list[int] = []
    header_data = model.headerData

    def counted(section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Vertical:
            asked.append(section)
        return header_data(section, orientation, role)

    model.headerData = counted  # type: ignore[method-assign]
    table = LazyRowsTable(model)
    qtbot.addWidget(table)
    table.resize(600, 400)
    table.show()
    qtbot.waitExposed(table)
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.set_query(None, "")
    with ctx.db.write() as session:  # 50 more, as a sending mailing's list grows
        session.connection().exec_driver_sql(
            "INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            " fields, unsubscribed, created_at, updated_at)"
            " SELECT 'more' || email, 'more' || email_key, email_status, first_name,"
            " last_name, fields, unsubscribed, created_at, updated_at"
            " FROM contacts WHERE id <= 50"
        )
    with qtbot.waitSignal(model.rows_loaded, timeout=20000):
        model.reload()
    qtbot.wait(100)
    assert model.rowCount() == PAGE_SIZE + 50
    assert asked == []
    assert table.rowHeight(0) == table.rowHeight(PAGE_SIZE + 49)
