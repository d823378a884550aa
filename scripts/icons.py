"""Render the icon's PNG sizes from its SVG source.

    python scripts/icons.py

``resources/icons/mailapp.svg`` is the source; the PNGs (the sizes desktops,
the tray and the bundle ask for) go to ``resources/icons/SIZExSIZE/``, named
after the application id as the hicolor icon theme wants them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailapp.assets import APP_ID, ICON_SIZES  # noqa: E402

ICONS = ROOT / "resources" / "icons"


def render(size: int, renderer: QSvgRenderer) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(["icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(ICONS / "mailapp.svg"))
    if not renderer.isValid():
        raise SystemExit("resources/icons/mailapp.svg is not a valid SVG")
    for size in ICON_SIZES:
        folder = ICONS / f"{size}x{size}"
        folder.mkdir(exist_ok=True)
        target = folder / f"{APP_ID}.png"
        if not render(size, renderer).save(str(target)):
            raise SystemExit(f"could not write {target}")
        print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
