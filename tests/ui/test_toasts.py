"""Toasts look as they did with a style sheet, without one.

A style sheet put each toast under Qt's style sheet engine: each toast
took 3–4 ms of the GUI thread, as a mailing starts or stops, and about
2 ms without. The toast now paints its own background and takes its
colours from its palette.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from mailapp.ui.common.toasts import Toast, ToastArea


def _shown(qtbot, toast: Toast) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: toast.effect.opacity() == 1.0, timeout=3000)


def test_toasts_paint_dark_or_red_with_white_text_and_no_style_sheet(qtbot) -> None:
    host = QWidget()
    host.resize(700, 400)
    qtbot.addWidget(host)
    host.show()
    area = ToastArea(host)

    news = area.show_toast("Spring news", "Sending started")
    error = area.show_toast("Spring news", "The provider refused the login", error=True)
    for toast, background in ((news, "#24292f"), (error, "#a40e26")):
        _shown(qtbot, toast)
        image = host.grab().toImage()
        # Left of the icon, half way down: the background.
        left_of_icon = toast.geometry().topLeft() + QPoint(4, toast.height() // 2)
        assert image.pixelColor(left_of_icon) == QColor(background)
        for label in (toast.title_label, toast.text_label):
            assert label.palette().color(QPalette.ColorRole.WindowText) == QColor("white")
        assert toast.title_label.font().bold()
        widgets = [toast, *toast.findChildren(QWidget)]
        assert all(widget.styleSheet() == "" for widget in widgets)
