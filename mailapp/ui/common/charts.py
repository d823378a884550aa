"""Two small bar charts drawn with QPainter (QtCharts is not in PySide6-Essentials).

Both take plain data through a setter and repaint; they never query
anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    color: QColor


def _text_color(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


class HorizontalBarChart(QWidget):
    """Labelled horizontal bars, one per category, with the count at the end.

    Labels are never cut: the chart asks for the width of its longest label
    and count plus a short bar, and the rows shrink (down to one line of
    text) before any bar is left out.
    """

    #: The shortest room a bar gets beside its label and count.
    MIN_SPAN = 60

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

    def _min_row_height(self) -> int:
        return self.fontMetrics().height() + 2

    def _label_width(self) -> int:
        fm = self.fontMetrics()
        return max((fm.horizontalAdvance(b.label) for b in self._bars), default=0) + 12

    def _count_width(self) -> int:
        fm, locale = self.fontMetrics(), QLocale()
        return (
            max((fm.horizontalAdvance(locale.toString(b.value)) for b in self._bars), default=0)
            + 12
        )

    def sizeHint(self) -> QSize:
        width = max(420, self._label_width() + self._count_width() + 2 * self.MIN_SPAN)
        return QSize(width, max(3, len(self._bars)) * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        width = max(200, self._label_width() + self._count_width() + self.MIN_SPAN)
        return QSize(width, max(3, len(self._bars)) * self._min_row_height() + 8)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            # Ended here, not when the wrapper is collected: anything that
            # holds the frame (a traceback, a profiler) would keep it painting.
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_color = _text_color(self)
        if not self._bars or not any(b.value for b in self._bars):
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        locale = QLocale()
        label_width = self._label_width()
        count_width = self._count_width()
        top_value = max(b.value for b in self._bars) or 1
        row = max(
            self._min_row_height(), min(self._row_height(), (self.height() - 8) // len(self._bars))
        )
        pad = max(1, (row - fm.height()) // 2 - 1)
        span = max(self.width() - label_width - count_width - 8, 10)
        for n, bar in enumerate(self._bars):
            y = 4 + n * row
            painter.setPen(text_color)
            painter.drawText(
                QRectF(0, y, label_width - 8, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                bar.label,
            )
            width = span * bar.value / top_value
            if bar.value and width < 2:
                width = 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar.color)
            painter.drawRoundedRect(QRectF(label_width, y + pad, width, row - 2 * pad), 2, 2)
            painter.setPen(text_color)
            painter.drawText(
                QRectF(label_width + width + 6, y, count_width, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                locale.toString(bar.value),
            )


#: Labels go on every n-th bar, n the first of these that keeps them apart
#: (the caller may give strides of its own: round steps of a clock).
_LABEL_STRIDES = (1, 2, 5, 10, 20, 50, 100, 200, 500)


class ColumnChart(QWidget):
    """Vertical bars over time (messages handed over per bucket).

    Labels under the axis go on every n-th bar, n the smallest round stride
    that keeps them apart, and on bars whose number (``phase`` + index) is a
    multiple of n, so they fall on round times. Each bar has a tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._values: list[int] = []
        self._tips: list[str] = []
        self._phase = 0
        self._strides: tuple[int, ...] = _LABEL_STRIDES
        self._empty_text = ""
        #: The widest label's width and margin, found once a series and
        #: font (a paint asked it of every label, twice).
        self._label_width: float | None = None
        #: Each label's width in the font, kept across series: a refresh
        #: every second brings the same labels again, and one new bucket.
        self._widths: dict[str, int] = {}
        self._color = QColor("#2e86c1")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(
        self,
        labels: list[str],
        values: list[int],
        tips: list[str] | None = None,
        phase: int = 0,
        strides: tuple[int, ...] = _LABEL_STRIDES,
    ) -> None:
        """Bars with their labels and tooltips; ``phase`` is the number of the
        first bar, ``strides`` the label steps to choose from, smallest first."""
        self._labels = labels
        self._values = values
        self._tips = tips or []
        self._phase = phase
        self._strides = strides or _LABEL_STRIDES
        self._label_width = None
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

    def _plot(self) -> QRectF:
        fm = self.fontMetrics()
        top_value = max(self._values, default=0) or 1
        axis_width = fm.horizontalAdvance(QLocale().toString(top_value)) + 8
        bottom = self.height() - fm.height() - 6
        top = fm.height() // 2 + 4
        return QRectF(axis_width, top, max(self.width() - axis_width - 6, 10), bottom - top)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the labels take other room
            self._label_width = None
            self._widths.clear()
        super().changeEvent(event)

    def _needed(self) -> float:
        """The room a label takes under the axis."""
        if self._label_width is None:
            widths = self._widths
            new = [t for t in self._labels if t not in widths]
            if new:
                fm = self.fontMetrics()
                widths.update((t, fm.horizontalAdvance(t)) for t in new)
            self._label_width = max((widths[t] for t in self._labels), default=0) + 12
        return self._label_width

    def label_positions(self, plot: QRectF | None = None) -> list[int]:
        """The bars that carry a label under the axis at the current width."""
        if not self._labels:
            return []
        plot = plot or self._plot()
        slot = plot.width() / len(self._values)
        needed = self._needed()
        stride = next((s for s in self._strides if s * slot >= needed), None)
        if stride is None:
            stride = int(needed / slot) + 1
        marks = [i for i in range(len(self._labels)) if (self._phase + i) % stride == 0]
        if not marks or marks[0] * slot > needed:  # the start without a label: label it
            marks.insert(0, 0)
        # Labels stay inside the widget; one that would run into the label
        # before it is left out (the first one rather than a regular one).
        kept: list[tuple[int, float]] = []
        for i in marks:
            x = self._label_left(plot, i, slot, needed)
            if kept and x < kept[-1][1] + needed:
                if kept[-1][0] == 0 and len(kept) == 1 and self._phase % stride:
                    kept.pop()
                else:
                    continue
            kept.append((i, x))
        return [i for i, _ in kept]

    def _label_left(self, plot: QRectF, index: int, slot: float, width: float) -> float:
        center = plot.left() + (index + 0.5) * slot
        return min(max(center - width / 2, 0.0), self.width() - width)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._bar_at(event.pos().x())
            if index is not None and index < len(self._tips):
                QToolTip.showText(event.globalPos(), self._tips[index], self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _bar_at(self, x: float) -> int | None:
        if not self._values:
            return None
        plot = self._plot()
        if not plot.left() <= x < plot.right():
            return None
        return min(
            int((x - plot.left()) / (plot.width() / len(self._values))), len(self._values) - 1
        )

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            # Ended here, not when the wrapper is collected: anything that
            # holds the frame (a traceback, a profiler) would keep it painting.
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_color = _text_color(self)
        painter.setPen(text_color)
        if not self._values:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        locale = QLocale()
        top_value = max(self._values) or 1
        plot = self._plot()
        axis_width = plot.left()
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
        # One call for all the bars: each call into Qt from Python may wait
        # for the interpreter lock behind a reader thread.
        left, bottom, scale = plot.left(), plot.bottom(), plot.height() / top_value
        painter.drawRects(
            [
                QRectF(left + n * slot + gap, bottom - value * scale, slot - gap, value * scale)
                for n, value in enumerate(self._values)
            ]
        )
        painter.setPen(grid)
        marks = self.label_positions(plot)
        for i in marks:
            x = plot.left() + (i + 0.5) * slot
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
        painter.setPen(text_color)
        needed = self._needed()
        for i in marks:
            painter.drawText(
                QRectF(self._label_left(plot, i, slot, needed), bottom + 3, needed, fm.height()),
                Qt.AlignmentFlag.AlignHCenter,
                self._labels[i],
            )
