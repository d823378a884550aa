"""A live switch to Russian reaches every page and window.

The window is opened in English with every page visited and the windows
that stay open beside it (analytics, outbox) open; the language is then
switched while they are open, as the settings do. The dialogs that block
the window (editor, schedule, test email, settings, import) cannot be open
during a switch; they are opened after it. Every visible text — labels,
buttons, titles, placeholders, combo box items, tabs, table headers, menus,
tool tips, the status bar — is compared with the English sources of the
translation, and three English words in a row without Russian are caught
too. Names (of mailings, contacts, folders, campaigns) are data, not
interface, and are left aside.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QStatusBar,
    QTabWidget,
    QWidget,
    QWizard,
)

from mailapp.services import campaigns, folders, mailings, samples
from mailapp.ui.common.i18n import Translations, translations_dir

RU = translations_dir() / "mailapp_ru.ts"
#: Three English words in a row: a sentence the translation does not know.
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")
RUSSIAN = re.compile(r"[А-Яа-яЁё]")


def english_sources() -> list[str]:
    """The English texts whose Russian differs (the ones that must not show)."""
    found = []
    for message in ET.parse(RU).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        texts = [translation.text or ""] + [f.text or "" for f in translation.iter("numerusform")]
        if re.search(r"[A-Za-z]{3,}", source) and source not in texts:
            found.append(source)
    return found


def matcher(source: str) -> re.Pattern[str]:
    """A source as a pattern: placeholders match anything, ``(s)`` plurals
    either form, ``&`` mnemonics are ignored."""
    text = source.replace("&", "")
    placeholder = re.compile(r"\{\w+\}|%L?n|%\d")
    pattern = ""
    for i, part in enumerate(re.split(r"(\{\w+\}|%L?n|%\d|\(s\))", text)):
        if i % 2 == 0:
            pattern += re.escape(part)
        else:
            pattern += "s?" if part == "(s)" else ".+?" if placeholder.fullmatch(part) else ""
    return re.compile(rf"^{pattern}$", re.DOTALL)


def plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    return text.replace("&", "").strip()


def model_headers(model: QAbstractItemModel | None) -> Iterator[str]:
    if model is None or isinstance(model, QAbstractListModel):
        return
    for section in range(model.columnCount(QModelIndex())):
        value = model.headerData(section, Qt.Orientation.Horizontal)
        if isinstance(value, str):
            yield value


def visible_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything ``widget`` and its children show."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if not w.isVisibleTo(widget) and w is not widget:
            continue
        if w.objectName().startswith("preview"):
            continue  # a preview shows the mailing as a contact gets it: data
        where = f"{type(w).__name__} {w.objectName()}"
        if w.isWindow():
            yield where, w.windowTitle()
        if w.toolTip():
            yield where, w.toolTip()
        if isinstance(w, QStatusBar):
            yield where, w.currentMessage()
        if isinstance(w, (QLabel, QAbstractButton)):
            yield where, w.text()
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, QLineEdit):
            yield where, w.placeholderText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield where, w.itemText(i)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield where, w.tabText(i)
        elif isinstance(w, QAbstractItemView):
            yield from ((where, h) for h in model_headers(w.model()))
        if isinstance(w, QWizard):
            for page_id in w.pageIds():
                yield where, w.page(page_id).title()
                yield where, w.page(page_id).subTitle()
        for action in w.actions():
            yield where, action.text()
            yield where, action.toolTip()
            menu = action.menu()
            if isinstance(menu, QMenu):
                yield from ((where, a.text()) for a in menu.actions())


@pytest.fixture
def translations(qapp: object) -> Iterator[Translations]:
    switcher = Translations()
    switcher.apply("en")
    yield switcher
    switcher.apply("en")
    for translator in switcher._installed:
        QCoreApplication.instance().removeTranslator(translator)


def names_in(ctx) -> set[str]:  # type: ignore[no-untyped-def]
    names = {m.name for m in mailings.list_all(ctx)}
    names |= {m.subject for m in (mailings.get(ctx, i.id) for i in mailings.list_all(ctx))}
    names |= {f.name for f in folders.list_folders(ctx)}
    names |= {c.name for c in campaigns.list_campaigns(ctx)}
    return {n for n in names if n}


def english_left(ctx, tops: list[QWidget]) -> list[str]:  # type: ignore[no-untyped-def]
    """What ``tops`` still show of the English sources (data aside)."""
    patterns = [matcher(s) for s in english_sources()]
    data = names_in(ctx)
    left: set[str] = set()
    for top in tops:
        for where, text in visible_texts(top):
            shown = plain(text)
            if not shown or shown in data:
                continue
            if any(p.match(shown) for p in patterns) or (
                ENGLISH.search(shown) and not RUSSIAN.search(shown)
            ):
                left.add(f"{where}: {shown!r}")
    return sorted(left)


def shown_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


@pytest.fixture
def with_samples(qtbot, window, services):  # type: ignore[no-untyped-def]
    samples.ensure_samples(services.ctx)
    window.loader.load_all()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 2)
    newsletter = next(i for i in mailings.list_all(services.ctx) if i.kind.value == "bulk")
    assert window.select_mailing(newsletter.id)
    return window


def test_a_live_switch_reaches_every_page_and_open_window(
    qtbot, with_samples, services, translations
) -> None:
    window = with_samples
    # Every page visited and the windows that stay open beside the main
    # window (analytics, outbox) open, all in English; then the switch.
    for page in (window.PAGE_CONTACTS, window.PAGE_CAMPAIGNS, window.PAGE_MAILINGS):
        window._show_page(page)
    window.analytics_action.trigger()
    window.outbox_action.trigger()
    qtbot.wait(300)  # their first reads
    translations.apply("ru")
    qtbot.wait(300)  # pages re-read what they show in the new language
    for page in (window.PAGE_CONTACTS, window.PAGE_CAMPAIGNS, window.PAGE_MAILINGS):
        window._show_page(page)
        assert english_left(services.ctx, shown_windows()) == []


@pytest.mark.parametrize(
    "open_dialog",
    [
        lambda w: w.edit_action.trigger(),
        lambda w: w.new_action.trigger(),
        lambda w: w.schedule_action.trigger(),
        lambda w: w.test_action.trigger(),
        lambda w: w.settings_action.trigger(),
        lambda w: (w._show_page(w.PAGE_CONTACTS), w._contacts_page.import_csv()),
    ],
    ids=["editor", "new mailing", "schedule", "test email", "settings", "import"],
)
def test_dialogs_opened_after_the_switch_speak_russian(
    qtbot, with_samples, services, translations, open_dialog
) -> None:
    window = with_samples
    translations.apply("ru")
    before = set(shown_windows())
    open_dialog(window)
    qtbot.waitUntil(lambda: bool(set(shown_windows()) - before))
    qtbot.wait(300)  # its first reads
    dialogs = [w for w in shown_windows() if w not in before]
    assert english_left(services.ctx, dialogs) == []
    for dialog in dialogs:
        dialog.close()


def test_the_matcher_finds_english_with_values() -> None:
    assert matcher("About %n recipient(s) {where}.").match("About 12 recipients in the folder “A”.")
    assert matcher("&Settings…").match("Settings…")
    assert not matcher("Sending").match("Отправка")
