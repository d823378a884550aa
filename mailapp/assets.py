"""Where the application's own data is: translations, icons, samples and the
freedesktop files.

The data lives in the top-level folders ``resources/`` and ``packaging/`` of
the source tree, which pyproject.toml maps into the package as
``mailapp.resources`` and ``mailapp.packaging``. ``importlib.resources``
finds them the same way in a wheel, an editable checkout and the bundle, so
nothing here guesses at paths relative to a checkout. No Qt here: the
command line uses it too.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The reverse-DNS id of the desktop entry, the AppStream component and the
#: icon; Wayland compositors match the window to its entry by it.
APP_ID = "org.mailapp.Mailapp"

#: The PNG sizes of the icon (the hicolor theme's usual ones).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _folder(package: str, *parts: str) -> Path:
    root = files(package)
    if not isinstance(root, Path):  # a zip import: not a way mailapp is installed
        raise RuntimeError(f"{package} is not installed as files on disk")
    return root.joinpath(*parts)


def translations_dir() -> Path:
    """The compiled translations, ``mailapp_<lang>.qm``."""
    return _folder("mailapp.resources", "translations")


def icon_svg() -> Path:
    """The icon's scalable source."""
    return _folder("mailapp.resources", "icons", "mailapp.svg")


def icon_png(size: int) -> Path:
    """The icon rendered at ``size`` × ``size`` pixels (one of ICON_SIZES)."""
    return _folder("mailapp.resources", "icons", f"{size}x{size}", f"{APP_ID}.png")


def sample_contacts() -> Path:
    """The sample contacts CSV of the command-line walk-through."""
    return _folder("mailapp.resources", "samples", "contacts.csv")


def desktop_file() -> Path:
    """The freedesktop desktop entry (its ``Exec`` names the plain command)."""
    return _folder("mailapp.packaging", f"{APP_ID}.desktop")


def metainfo_file() -> Path:
    """The AppStream metainfo that software centres show."""
    return _folder("mailapp.packaging", f"{APP_ID}.metainfo.xml")
