"""Table models that show a million rows without freezing the window.

As in Anki's browser table, a model holds only the ids of its rows (an
``array('q')`` from :mod:`mailapp.services.reads`: 8 MB for a million, and
nothing for the garbage collector to walk) and a small cache of loaded pages. When
the view asks for a row that is not loaded, the model answers with a
placeholder, asks for the whole page of ~200 rows off the GUI thread and
emits ``dataChanged`` for that page when it arrives. Old pages are dropped,
so memory stays flat however far the user scrolls.

A fast scroll asks for many pages that are off screen a moment later. Asks
are collected while the view paints and served once the view has stood
still for :data:`SETTLE_MS`, the most recent first, with at most
:data:`MAX_IN_FLIGHT` reads at a time; pages asked for long before (no
longer on screen) are forgotten. This keeps the reader threads — and the
interpreter lock they hold while they build rows — from competing with the
GUI thread while it paints a moving view.

What a paint shows of a row — its texts and its colour — is made by the
thread that reads its page and kept with the page
(:meth:`LazyRowsModel.shown`), and
:mod:`mailapp.ui.common.lazy_table` paints from it with one Python call a
cell instead of Qt's seven ``data()`` calls.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from mailapp.ui.common.tasks import TaskRunner

RowT = TypeVar("RowT")
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
#: The roles a row answers (a tooltip shows its cell's text whole).
_ROLES = frozenset(
    int(role) for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, _FOREGROUND)
)
#: What a paint shows of a row: a text for each column, the text's colour.
Shown = tuple[tuple[str, ...], QColor | None]
AnyIndex = QModelIndex | QPersistentModelIndex

#: Rows fetched in one round trip.
PAGE_SIZE = 200
#: Pages kept in memory (LRU); 50 pages are 10,000 rows.
MAX_PAGES = 50
#: Page reads in flight at once.
MAX_IN_FLIGHT = 2
#: Reads start once the view has asked for nothing new for this long.
SETTLE_MS = 40
#: Pages asked for and waiting for a read; the oldest asks are forgotten
#: (a screen shows one or two pages, and every repaint asks again).
MAX_ASKED = 6


def alive(obj: QObject) -> bool:
    """False once the C++ side of ``obj`` is gone (a callback arrived late)."""
    return shiboken6.isValid(obj)


def submit(
    tasks: TaskRunner,
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> bool:
    """Run ``fn`` off the GUI thread; False when the runner is already shut
    down (the application is quitting and a timer fired late)."""
    try:
        tasks.run(fn, on_success=on_success, on_failure=on_failure)
    except RuntimeError:
        return False
    return True


class LazyRowsModel(QAbstractTableModel, Generic[RowT]):
    """Ids plus a paged, size-bounded cache of rows fetched off the GUI thread.

    Subclasses say how to fetch the ids and the rows (:meth:`fetch_ids`,
    :meth:`fetch_rows`, both called in a worker thread) and how to show a
    row (:meth:`columns`, :meth:`texts`).
    """

    #: (int) the number of rows after a new list of ids arrived.
    rows_loaded = Signal(int)
    #: (object) loading the ids or a page failed with this exception.
    load_failed = Signal(object)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._ids: Sequence[int] = []
        self._pages: OrderedDict[int, dict[int, RowT]] = OrderedDict()
        #: Row id → what a paint shows of it (see :meth:`shown`).
        self._shown: dict[int, Shown] = {}
        self._pending: set[int] = set()
        #: Pages asked for by the view and not yet requested, oldest first.
        self._asked: OrderedDict[int, None] = OrderedDict()
        self._generation = 0
        #: Counts language switches: texts made before one are not kept.
        self._language = 0
        #: The words rows are shown with, and the language they are in.
        self._words: tuple[int, dict[Any, str]] = -1, {}
        self._loading = False
        self._placeholder_shown: Shown | None = None
        self._column_count: int | None = None
        # Requests go out once the view stops moving.
        self._serve = QTimer(self)
        self._serve.setSingleShot(True)
        self._serve.setInterval(SETTLE_MS)
        self._serve.timeout.connect(self._serve_asked)

    # -- what subclasses provide (fetch_* run off the GUI thread) -------------

    fetch_ids: Callable[[], Sequence[int]]
    fetch_rows: Callable[[Sequence[int]], list[tuple[int, RowT]]]
    columns: Callable[[], list[str]]
    #: A row's texts, one a column; a cell's tooltip shows its text whole.
    #: Called by the page readers for a whole page at once: one call a row.
    texts: Callable[[RowT], tuple[str, ...]]

    def words(self, make: Callable[[], dict[Any, str]]) -> dict[Any, str]:
        """The words (status names, say) that :meth:`texts` shows rows with,
        made by ``make`` once a language rather than once a row.

        Made by whichever thread needs them first, and marked with the
        language counted before they were asked for: a reader that made them
        across a switch leaves them to be made again.
        """
        language, words = self._words
        if language != self._language:
            language = self._language
            words = make()
            self._words = language, words
        return words

    def colour(self, row: RowT) -> QColor | None:
        """The colour of a row's text; None for the palette's."""
        return None

    # -- public -----------------------------------------------------------------

    @property
    def language(self) -> int:
        """Counts the UI language's switches (:meth:`retranslate`): texts
        made before the count moved are in the language of before."""
        return self._language

    @property
    def loading(self) -> bool:
        """True while a new list of ids is being fetched."""
        return self._loading

    def reload(self) -> None:
        """Fetch the ids again; rows that stay keep their place and selection."""
        self._generation += 1
        generation = self._generation
        self._loading = submit(
            self._tasks,
            self.fetch_ids,
            self._guard(lambda ids: self._ids_arrived(generation, ids)),
            self._guard(lambda exc: self._failed(generation, exc)),
        )

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def ids_at(self, rows: Sequence[int]) -> list[int]:
        return [self._ids[r] for r in rows if 0 <= r < len(self._ids)]

    def row_at(self, row: int) -> RowT | None:
        """The loaded row, or None while it is not loaded."""
        page = self._pages.get(row // PAGE_SIZE)
        return None if page is None else page.get(self._ids[row])

    def loaded_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    def is_page_loaded(self, row: int) -> bool:
        return row // PAGE_SIZE in self._pages

    def pages_in_flight(self) -> int:
        """Page reads submitted and not yet answered."""
        return len(self._pending)

    # -- loading ------------------------------------------------------------------

    def _guard(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if alive(self):
                fn(value)

        return call

    def _ids_arrived(self, generation: int, ids: Sequence[int]) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        self._loading = False
        if ids == self._ids:
            # Same rows: refresh what is shown without losing the selection.
            self._pages.clear()
            self._shown.clear()
            self._pending.clear()
            self._asked.clear()
            if ids:
                last = self.index(len(ids) - 1, self.columnCount() - 1)
                self.dataChanged.emit(self.index(0, 0), last)
        else:
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self._shown.clear()
            self._pending.clear()
            self._asked.clear()
            self.endResetModel()
        self.rows_loaded.emit(len(ids))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.load_failed.emit(exc)

    def _ask_page(self, page: int) -> None:
        """The view wants ``page``: remember it; reads go out after the paint."""
        if page in self._pending:
            return
        if page in self._asked:
            self._asked.move_to_end(page)
            return  # asked again by the same paint: the timer runs already
        self._asked[page] = None
        while len(self._asked) > MAX_ASKED:
            self._asked.popitem(last=False)
        self._serve.start()  # (re)start: a new page means the view moved

    def _serve_asked(self) -> None:
        """Request the most recently asked pages while reads are free."""
        while self._asked and len(self._pending) < MAX_IN_FLIGHT:
            page, _ = self._asked.popitem(last=True)
            if page not in self._pages:
                self._request_page(page)

    def _request_page(self, page: int) -> None:
        if page in self._pending:
            return
        generation = self._generation
        language = self._language
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]

        def read() -> tuple[list[tuple[int, RowT]], dict[int, Shown]]:
            # The texts are made here too, so a paint formats nothing.
            rows = self.fetch_rows(ids)
            return rows, {item_id: self._make_shown(row) for item_id, row in rows}

        if submit(
            self._tasks,
            read,
            self._guard(lambda read: self._page_arrived(generation, language, page, *read)),
            self._guard(lambda exc: self._page_failed(generation, page, exc)),
        ):
            self._pending.add(page)

    def _page_arrived(
        self,
        generation: int,
        language: int,
        page: int,
        rows: list[tuple[int, RowT]],
        shown: dict[int, Shown],
    ) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._serve_asked()
        self._forget_shown(self._pages.get(page, {}))
        self._pages[page] = dict(rows)
        if language == self._language:
            self._shown.update(shown)
        else:  # made in the language of before a switch
            self._forget_shown(self._pages[page])
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            _, dropped = self._pages.popitem(last=False)
            self._forget_shown(dropped)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

    def _page_failed(self, generation: int, page: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._pending.discard(page)
            self.load_failed.emit(exc)
            self._serve_asked()

    # -- Qt model interface ----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        # Qt asks for this on every index it makes: count the columns once.
        if self._column_count is None:
            self._column_count = len(self.columns())
        return 0 if parent.isValid() else self._column_count

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            names = self.columns()
            return names[section] if 0 <= section < len(names) else None
        return str(section + 1)

    def shown(self, row_no: int) -> Shown:
        """What a paint shows of row ``row_no``: a text for each column and
        the text's colour (None: the palette's).

        Made by the thread that reads the row's page, from :meth:`texts` and
        :meth:`colour`, and kept with the page, so a paint formats no date
        or name. A row whose page is not loaded shows a placeholder and asks
        for its page.
        """
        page_no = row_no // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            self._ask_page(page_no)
            return self._placeholder()
        item_id = self._ids[row_no]
        shown = self._shown.get(item_id)
        if shown is None:  # the language was switched, or the row deleted
            row = page.get(item_id)
            if row is None:  # deleted since the ids were read
                return self._blank(self.tr("(deleted)"), None)
            shown = self._shown[item_id] = self._make_shown(row)
        return shown

    def _make_shown(self, row: RowT) -> Shown:
        """Also called by the page readers: texts and colour must be thread-safe."""
        return self.texts(row), self.colour(row)

    def _placeholder(self) -> Shown:
        if self._placeholder_shown is None:
            colour = QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
            self._placeholder_shown = self._blank(self.tr("Loading…"), colour)
        return self._placeholder_shown

    def _blank(self, first: str, colour: QColor | None) -> Shown:
        return (first,) + ("",) * (self.columnCount() - 1), colour

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked for roles no cell answers on every paint: those leave first.
        if role not in _ROLES:
            return None
        row_no = index.row()  # -1 for an invalid index
        if not 0 <= row_no < len(self._ids):
            return None
        texts, colour = self.shown(row_no)
        if role == _FOREGROUND:
            return colour
        return texts[index.column()]

    def _forget_shown(self, rows: dict[int, RowT]) -> None:
        for item_id in rows:
            self._shown.pop(item_id, None)

    def retranslate(self) -> None:
        """Make the texts anew in the UI language (the view's owner calls
        this on a live language switch)."""
        self._shown.clear()
        self._language += 1
        self._placeholder_shown = None
        self._column_count = None
        count = self.columnCount()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, count - 1)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, count - 1))

    # ``flags`` is QAbstractTableModel's (enabled, selectable, not editable):
    # no Python call per painted cell.
