"""Fixtures for the window tests: offscreen Qt, a private data folder, a
real database and the real services."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailapp.services.context import AppContext
from mailapp.ui.common.tasks import TaskRunner


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Qt warnings (e.g. a widget touched from another thread) fail a window test.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # The offscreen platform says this of every dialog; it is harmless.
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@pytest.fixture(autouse=True)
def _collect_garbage_in_the_gui_thread() -> Iterator[None]:
    """Python's cycle collector runs in whichever thread happens to allocate,
    and a Qt object freed there dies in the wrong thread: a QTimer then
    cannot be stopped and Qt crashes. pytest-qt's waits leave a QEventLoop
    and a QTimer in such a cycle every time, and the task runner's threads
    allocate plenty. So the window tests never collect automatically; the
    young garbage is collected here, in the GUI thread, after each test
    (all of it now and then)."""
    global _TESTS_RUN
    gc.disable()
    yield
    _TESTS_RUN += 1
    gc.collect(2 if _TESTS_RUN % 25 == 0 else 1)


_TESTS_RUN = 0


@pytest.fixture(autouse=True)
def _english(qapp: object) -> None:
    """The window tests read English texts, plural forms included."""
    from mailapp.ui.common.i18n import Translations

    global _TRANSLATIONS
    if _TRANSLATIONS is None:
        _TRANSLATIONS = Translations()
    _TRANSLATIONS.apply("en")


_TRANSLATIONS = None


@pytest.fixture
def russian(qapp: object) -> Iterator[None]:
    """The window speaks Russian for this test (English again after it)."""
    from PySide6.QtCore import QCoreApplication

    from mailapp.ui.common.i18n import Translations

    translations = Translations()
    assert translations.apply("ru") == "ru"
    yield
    translations.apply("en")
    for translator in translations._installed:
        QCoreApplication.instance().removeTranslator(translator)


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> str:
    """Each test using this runs in English and in Russian."""
    if request.param == "ru":
        request.getfixturevalue("russian")
    return str(request.param)


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data folder (the root conftest may make it)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("MAILAPP_HOME", str(home))
    monkeypatch.delenv("MAILAPP_DB", raising=False)
    return home


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mailapp.sqlite3'}"


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    context = AppContext.open(db_url)
    yield context
    context.db.dispose()


@pytest.fixture
def tasks(qapp: object) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown(wait=True)
    runner.deleteLater()


@pytest.fixture
def services(qapp: object, ctx: AppContext) -> Iterator[object]:
    """Task runner and bridge over ``ctx``; nothing sends (tests add an engine)."""
    from mailapp.ui.services import make_services

    app_services = make_services(ctx)
    app_services.bridge.start()
    yield app_services
    app_services.bridge.stop()
    app_services.tasks.shutdown(wait=True)


@pytest.fixture
def window(qtbot, services):  # type: ignore[no-untyped-def]
    from mailapp.ui.window.main_window import MainWindow

    main = MainWindow(services)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: not main.loader.busy and services.bridge.is_journal_loaded)
    return main
