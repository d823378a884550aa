"""Which language the window speaks.

English is the source language; ``mailapp_<lang>.qm`` in
:func:`mailapp.assets.translations_dir` holds the others. The ``Language``
setting picks ``system`` (follow the system locale), ``en`` or ``ru``.
Installing a translator makes Qt send a ``LanguageChange`` event to every
widget, and each widget retranslates itself in ``changeEvent``; so
switching in the settings applies at once.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from mailapp.assets import translations_dir

log = logging.getLogger(__name__)

#: Languages with a translation, besides English.
TRANSLATED = ("ru",)


def resolve(language: str, system: QLocale | None = None) -> str:
    """``system``/``en``/``ru`` → the language code the window will use."""
    if language in ("en", *TRANSLATED):
        return language
    name = (system or QLocale.system()).name()  # e.g. "ru_RU"
    code = name.split("_", 1)[0]
    return code if code in TRANSLATED else "en"


class Translations(QObject):
    """Holds the installed translators and swaps them on a language change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._installed: list[QTranslator] = []
        self.language = ""

    def apply(self, setting: str) -> str:
        """Install the translation for the ``Language`` setting value;
        returns the language code now in use."""
        language = resolve(setting)
        if language == self.language and self._installed:
            return language
        app = QCoreApplication.instance()
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed = []
        self.language = language
        QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
        # English needs its own file too: the plural forms ("1 recipient").
        wanted = [(f"mailapp_{language}", str(translations_dir()))]
        if language != "en":
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            wanted.insert(0, (f"qtbase_{language}", qt_dir))
        for name, folder in wanted:
            translator = QTranslator(self)
            if translator.load(name, folder):
                app.installTranslator(translator)  # sends LanguageChange
                self._installed.append(translator)
            else:
                log.warning("no translation %s in %s", name, folder)
        return language
