"""Two small bar charts drawn with QPainter (QtCharts is not in PySide6-Essentials).

Both take plain data through a setter and repaint; they never query
anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLocale, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    color: QColor


def _text_color(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


class HorizontalBarChart(QWidget):
    """Labelled horizontal bars, one per category, with the count at the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = bars
        self.updateGeometry()
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 8

    def sizeHint(self) -> QSize:
        return QSize(420, max(3, len(self._bars)) * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 3 * self._row_height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_color = _text_color(self)
        if not self._bars or not any(b.value for b in self._bars):
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        locale = QLocale()
        label_width = min(
            max(fm.horizontalAdvance(b.label) for b in self._bars) + 12, self.width() // 2
        )
        count_width = max(fm.horizontalAdvance(locale.toString(b.value)) for b in self._bars) + 12
        top_value = max(b.value for b in self._bars) or 1
        row = self._row_height()
        span = max(self.width() - label_width - count_width - 8, 10)
        for n, bar in enumerate(self._bars):
            y = 4 + n * row
            painter.setPen(text_color)
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 12)
            painter.drawText(
                QRectF(0, y, label_width - 8, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            width = span * bar.value / top_value
            if bar.value and width < 2:
                width = 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar.color)
            painter.drawRoundedRect(QRectF(label_width, y + 3, width, row - 6), 2, 2)
            painter.setPen(text_color)
            painter.drawText(
                QRectF(label_width + width + 6, y, count_width, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                locale.toString(bar.value),
            )


class ColumnChart(QWidget):
    """Vertical bars over time (messages handed over per minute)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._values: list[int] = []
        self._empty_text = ""
        self._color = QColor("#2e86c1")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, labels: list[str], values: list[int]) -> None:
        self._labels = labels
        self._values = values
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def values(self) -> list[int]:
        return list(self._values)

    def sizeHint(self) -> QSize:
        return QSize(420, 180)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 120)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_color = _text_color(self)
        painter.setPen(text_color)
        if not self._values:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        locale = QLocale()
        top_value = max(self._values) or 1
        axis_width = fm.horizontalAdvance(locale.toString(top_value)) + 8
        bottom = self.height() - fm.height() - 6
        top = fm.height() // 2 + 4
        plot = QRectF(axis_width, top, max(self.width() - axis_width - 6, 10), bottom - top)
        grid = QColor(text_color)
        grid.setAlpha(60)
        painter.setPen(grid)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft().x(), plot.top(), plot.right(), plot.top())
        painter.setPen(text_color)
        painter.drawText(
            QRectF(0, plot.top() - fm.height() / 2, axis_width - 4, fm.height()),
            Qt.AlignmentFlag.AlignRight,
            locale.toString(top_value),
        )
        painter.drawText(
            QRectF(0, plot.bottom() - fm.height() / 2, axis_width - 4, fm.height()),
            Qt.AlignmentFlag.AlignRight,
            "0",
        )
        count = len(self._values)
        slot = plot.width() / count
        gap = 1.0 if slot > 3 else 0.0
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._color)
        for n, value in enumerate(self._values):
            height = plot.height() * value / top_value
            painter.drawRect(
                QRectF(plot.left() + n * slot + gap, plot.bottom() - height, slot - gap, height)
            )
        # First and last label under the axis, the middle one when there is room.
        painter.setPen(text_color)
        marks = {0, count - 1} if count > 1 else {0}
        if count > 4:
            marks.add(count // 2)
        label_width = max(fm.horizontalAdvance(self._labels[i]) for i in marks) + 4
        for i in sorted(marks):
            center = plot.left() + (i + 0.5) * slot
            x = min(max(center - label_width / 2, plot.left()), plot.right() - label_width)
            painter.drawText(
                QRectF(x, plot.bottom() + 3, label_width, fm.height()),
                Qt.AlignmentFlag.AlignHCenter,
                self._labels[i],
            )
