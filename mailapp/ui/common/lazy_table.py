"""A table view that paints a :class:`LazyRowsModel` without starving the window.

Scrolling a table repaints every visible cell, and Qt makes each cell's
style option by asking the model for seven roles, each a call into Python,
then lays the cell's text out afresh. Measured on a screenful of contacts
(17 rows, 5 columns), those calls and Qt's checks of the row and column
counts were over 40 % of a repaint, and shaping the texts over a third of
the rest (docs/PERFORMANCE.md, "scrolling a million contacts"). So this
view

* fills each cell's option with one Python call, from what the model keeps
  of the row (:meth:`LazyRowsModel.shown`), instead of seven ``data()``
  calls, and marks every cell as having a text once per paint instead of
  once per cell;
* asks Qt not to shape text that needs no shaping (Latin, Cyrillic:
  ``QFont.PreferNoShaping``; scripts that need shaping are still shaped);
* does not repaint its header on every move of the current row: a row's
  selection covers every column, so the header highlighted, and repainted,
  all its sections each time; it follows a selection of its own that
  never changes;
* numbers no rows: a row header measures its width from the numbers of
  200 rows (a call into Python each) whenever the row count changes, and
  a list that grows while a mailing sends reloads every second or so. With
  the numbers, one reload of a 100,000-row analytics list kept the window
  busy 7.8 ms; without, 2.0 ms. Rows are all one line high, so none is
  measured either.

Everything else — selection, focus, elision, the style's look, tooltips
and accessibility through ``data()`` — stays Qt's own.
"""

from __future__ import annotations

from typing import Protocol, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from mailapp.ui.common.lazy_model import Shown

_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_TEXT = QPalette.ColorRole.Text


class ShownRows(Protocol):
    """A model that keeps what a paint shows of each row, as
    :meth:`LazyRowsModel.shown` does (the outbox's list does too)."""

    def shown(self, row_no: int) -> Shown: ...


class LazyRowsDelegate(QStyledItemDelegate):
    """Fills a cell's style option from the model's ``shown()``; the view
    has marked the option as one with a text already."""

    def __init__(self, model: ShownRows, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        # Called for every painted cell: only what the model answers (the
        # text and its colour), as QStyledItemDelegate would from data().
        texts, colour = self._model.shown(index.row())
        option.index = index
        text = option.text = texts[index.column()]
        if colour is not None and text:
            option.palette.setColor(_TEXT, colour)  # the option's own palette


class LazyRowsTable(QTableView):
    """The table of a :class:`LazyRowsModel` or another model with a
    ``shown()`` (:class:`ShownRows`), given once: the delegate paints from
    that model, so the table takes no other."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(LazyRowsDelegate(cast(ShownRows, model), self))
        font = QFont()  # only the strategy is set: the rest follows the window's font
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        self.setFont(font)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSelectionModel(QItemSelectionModel(model, header))

    def initViewItemOption(self, option: QStyleOptionViewItem) -> None:
        # Once per paint or measure: the options of all its cells are copies
        # of this one. Without the mark a cell measures as empty, and fitting
        # a column to its texts (a double click on its edge) shrinks it to
        # nothing.
        super().initViewItemOption(option)
        option.features |= _HAS_DISPLAY
