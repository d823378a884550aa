"""The application's icon for Qt: the title bar, the task bar, the tray and
the toasts all show it.

Built from the PNG sizes (not the SVG), so that no SVG plugin is needed and
each place gets a size drawn for it rather than a scaled one.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from mailapp import assets


def app_icon() -> QIcon:
    icon = QIcon()
    for size in assets.ICON_SIZES:
        icon.addFile(str(assets.icon_png(size)), QSize(size, size))
    return icon
