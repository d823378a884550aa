"""The application's icon is the window's, the task bar's and the toasts'."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

from mailapp import assets
from mailapp.ui.app import make_application
from mailapp.ui.common.app_icon import app_icon
from mailapp.ui.common.toasts import ToastArea


def test_the_icon_comes_in_every_size() -> None:
    sizes = app_icon().availableSizes()

    assert sorted(s.width() for s in sizes) == list(assets.ICON_SIZES)
    assert all(s.width() == s.height() for s in sizes)


def test_the_application_shows_it_and_names_its_desktop_entry(qapp) -> None:
    interval = sys.getswitchinterval()
    try:
        app = make_application()
    finally:
        sys.setswitchinterval(interval)

    assert app is qapp
    assert not QApplication.windowIcon().isNull()
    assert sorted(s.width() for s in QApplication.windowIcon().availableSizes()) == list(
        assets.ICON_SIZES
    )
    assert QApplication.desktopFileName() == assets.APP_ID


def test_news_toasts_show_it_and_error_toasts_a_warning(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    area = ToastArea(host)
    mine = app_icon().pixmap(24, 24).toImage()

    news = area.show_toast("Spring news", "Mailing paused")
    error = area.show_toast("Spring news", "Sending error", error=True)

    assert news.icon_label.pixmap().toImage() == mine
    assert error.icon_label.pixmap().toImage() != mine
