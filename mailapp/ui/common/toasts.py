"""Notifications in the corner of the window.

A :class:`Toast` fades in, stays a few seconds and fades out (a
``QPropertyAnimation`` on the opacity of a ``QGraphicsOpacityEffect``);
error toasts stay until dismissed. :class:`ToastArea` stacks them in the
bottom-right corner of its parent. :class:`StateNotifier` turns the sending
log's state events into toasts, and into a tray message when the window is
not active.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEasingCurve,
    QEvent,
    QObject,
    QPropertyAnimation,
    QRectF,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QStyle,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Event, EventType
from mailapp.services.journal import JournalEntry
from mailapp.ui.common import labels
from mailapp.ui.common.app_icon import app_icon

_BACKGROUND = QColor("#24292f")
_ERROR_BACKGROUND = QColor("#a40e26")
_TEXT = QColor("white")


@functools.cache
def _icon_image(error: bool, style: QStyle) -> QImage:
    """The toast's icon, drawn once a session (the style is the application's).

    Kept as an image: a pixmap kept by the module would outlive the
    application at exit, which Qt does not allow."""
    critical = QStyle.StandardPixmap.SP_MessageBoxCritical
    icon = style.standardIcon(critical) if error else app_icon()
    return icon.pixmap(24, 24).toImage()


class Toast(QWidget):
    """One notification. ``closed`` (with the toast) once it has faded out."""

    closed = Signal(object)

    FADE_MS = 250
    INFO_MS = 5000

    def __init__(self, title: str, text: str, *, error: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.error = error
        self.setObjectName("toastError" if error else "toast")
        self.setMinimumWidth(280)
        self.setMaximumWidth(380)
        # Colours by palette and a background painted here, not a style
        # sheet: a sheet puts the toast and its children under Qt's style
        # sheet engine, and each toast then took 3–4 ms of the GUI thread
        # instead of 2, as a mailing starts or stops.
        palette = self.palette()
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            palette.setColor(role, _TEXT)
        self.setPalette(palette)
        self.icon_label = QLabel(self)
        self.icon_label.setPixmap(QPixmap.fromImage(_icon_image(error, self.style())))
        self.title_label = QLabel(title, self)
        bold = self.title_label.font()
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.title_label.setWordWrap(True)
        self.text_label = QLabel(text, self)
        self.text_label.setWordWrap(True)
        self.close_button = QToolButton(self)
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip(QCoreApplication.translate("toasts", "Dismiss"))
        self.close_button.setAccessibleName(QCoreApplication.translate("toasts", "Dismiss"))
        self.close_button.clicked.connect(self.dismiss)

        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title_label)
        texts.addWidget(self.text_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 6, 8)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        self.effect = QGraphicsOpacityEffect(self)
        self.effect.setOpacity(0.0)
        self.setGraphicsEffect(self.effect)
        self.animation = QPropertyAnimation(self.effect, b"opacity", self)
        self.animation.setDuration(self.FADE_MS)
        self.animation.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._closing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_ERROR_BACKGROUND if self.error else _BACKGROUND)
            painter.drawRoundedRect(QRectF(self.rect()), 6, 6)
        finally:
            painter.end()

    def show_animated(self) -> None:
        self.show()
        self.animation.stop()
        self.animation.setStartValue(self.effect.opacity())
        self.animation.setEndValue(1.0)
        self.animation.start()
        if not self.error:
            self._timer.start(self.INFO_MS)

    @Slot()
    def dismiss(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._timer.stop()
        self.animation.stop()
        self.animation.setStartValue(self.effect.opacity())
        self.animation.setEndValue(0.0)
        self.animation.finished.connect(self._finish)
        self.animation.start()

    @Slot()
    def _finish(self) -> None:
        self.hide()
        self.closed.emit(self)
        self.deleteLater()

    def enterEvent(self, event: QEvent) -> None:  # type: ignore[override]
        # Hovering keeps an info toast up so it can be read.
        self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if not self.error and not self._closing:
            self._timer.start(self.INFO_MS // 2)
        super().leaveEvent(event)


class ToastArea(QObject):
    """Stacks toasts in the bottom-right corner of ``host``."""

    #: (Toast) a toast was shown.
    toast_shown = Signal(object)

    MARGIN = 12
    SPACING = 8
    LIMIT = 5

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._toasts: list[Toast] = []
        host.installEventFilter(self)

    @property
    def toasts(self) -> list[Toast]:
        return list(self._toasts)

    def show_toast(self, title: str, text: str, *, error: bool = False) -> Toast:
        toast = Toast(title, text, error=error, parent=self._host)
        toast.closed.connect(self._forget)
        self._toasts.append(toast)
        # Too many: the oldest info toasts make room.
        infos = [t for t in self._toasts if not t.error]
        while len(self._toasts) > self.LIMIT and infos:
            infos.pop(0).dismiss()
            break
        toast.adjustSize()
        toast.show_animated()
        toast.raise_()
        self._relayout()
        self.toast_shown.emit(toast)
        return toast

    @Slot(object)
    def _forget(self, toast: Toast) -> None:
        self._toasts = [t for t in self._toasts if t is not toast]
        self._relayout()

    @Slot()
    def _relayout(self) -> None:
        self._toasts = [t for t in self._toasts if shiboken6.isValid(t)]
        visible = [t for t in self._toasts if t.isVisible()]
        bottom = self._host.height() - self.MARGIN
        status = getattr(self._host, "statusBar", None)
        if callable(status) and status().isVisible():
            bottom -= status().height()
        for toast in reversed(visible):
            toast.adjustSize()
            size = toast.sizeHint()
            width = max(toast.minimumWidth(), min(size.width(), toast.maximumWidth()))
            height = toast.heightForWidth(width) if toast.hasHeightForWidth() else size.height()
            height = max(height, size.height())
            x = self._host.width() - width - self.MARGIN
            toast.setGeometry(x, bottom - height, width, height)
            bottom -= height + self.SPACING

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self._relayout()
        return False


#: The journal events that are state changes worth a notification.
STATE_EVENTS = frozenset(
    {
        Event.MAILING_STARTED,
        Event.MAILING_RESTARTED,
        Event.MAILING_PAUSED,
        Event.MAILING_SCHEDULED,
        Event.SENDING_STARTED,
        Event.MAILING_STOPPING,
        Event.MAILING_STOPPED_MANUALLY,
        Event.MAILING_COMPLETED,
        Event.MAILING_EXPIRED,
        Event.MAILING_ERROR,
        Event.PROVIDER_ERROR,
        Event.SENDING_INCIDENT,
    }
)


class StateNotifier(QObject):
    """Shows a toast for each state change of a mailing, as the sending log
    tells of it (so changes made by another process are announced too)."""

    def __init__(
        self,
        area: ToastArea,
        window: QWidget,
        mailing_name: Callable[[int], str | None],
        tray: QSystemTrayIcon | None = None,
    ) -> None:
        super().__init__(area)
        self._area = area
        self._window = window
        self._name = mailing_name
        self._tray = tray

    @Slot(object)
    def on_journal_added(self, entries: list[JournalEntry]) -> None:
        for entry in entries:
            if entry.event not in STATE_EVENTS or entry.mailing_id is None:
                continue
            name = self._name(entry.mailing_id) or QCoreApplication.translate(
                "toasts", "Mailing #{id}"
            ).format(id=entry.mailing_id)
            error = entry.type is EventType.ERROR
            text = labels.event_message(entry.event, entry.params)
            self._area.show_toast(name, text, error=error)
            if self._tray is not None and not self._window.isActiveWindow():
                if error:
                    self._tray.showMessage(name, text, QSystemTrayIcon.MessageIcon.Critical, 10000)
                else:
                    self._tray.showMessage(name, text, app_icon(), 5000)


def make_tray(window: QWidget, icon: QIcon) -> QSystemTrayIcon | None:
    """A tray icon for notifications, when the desktop has a tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(icon, window)
    tray.setToolTip(QCoreApplication.translate("toasts", "mailapp"))
    tray.show()
    return tray
