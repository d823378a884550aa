"""The outbox viewer over messages a real sandbox server kept."""

from __future__ import annotations

import os
import smtplib
import threading
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest

from mailapp.delivery import sandbox
from mailapp.delivery.message import message_skeleton
from mailapp.delivery.sandbox import SandboxServer
from mailapp.paths import outbox_dir
from mailapp.ui.services import AppServices
from mailapp.ui.settings.outbox import FIRST_BATCH, OutboxWindow
from mailapp.ui.settings.outbox_model import NO_MAILING
from tests.support.data import add_contacts, make_mailing
from tests.support.outbox import fill_outbox
from tests.support.processes import pid_alive


def _send(subject: str, html: str) -> None:
    msg = EmailMessage()
    msg["From"] = "shop@example.com"
    msg["To"] = "anna@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = "<1@example.com>"
    msg.set_content("plain")
    msg.add_alternative(html, subtype="html")
    with SandboxServer(outbox_dir()) as server:
        host, port = server.address or ("", 0)
        with smtplib.SMTP(host, port) as smtp:
            smtp.send_message(msg)


def _send_mailing(mailing_id: int, sender_name: str, messages: list[tuple[str, str]]) -> None:
    """Messages of a mailing, built as the dispatcher builds them, through
    the sandbox's SMTP server."""
    skeleton = message_skeleton(sender_name, "news@shop.example.com", mailing_id)
    with SandboxServer(outbox_dir()) as server:
        host, port = server.address or ("", 0)
        with smtplib.SMTP(host, port) as smtp:
            for n, (to, subject) in enumerate(messages):
                data = skeleton.build(
                    to=to,
                    subject=subject,
                    html=f"<p>{subject}</p>",
                    text=subject,
                    message_id=f"<{mailing_id}.{n}@shop.example.com>",
                    unsubscribe_url=None,
                )
                smtp.sendmail("news@shop.example.com", [to], data)


def _open(qtbot, services: AppServices) -> OutboxWindow:
    window = OutboxWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.indexed, timeout=10_000)
    return window


def test_lists_messages_with_headers_and_html(qtbot, services: AppServices) -> None:
    _send("Привет, Анна", "<h1>Скидки</h1><p>Только сегодня</p>")
    window = _open(qtbot, services)
    assert window.model.rowCount() == 1
    assert "Subject: Привет, Анна" in window.headers.text()
    assert "To: anna@example.com" in window.headers.text()
    assert "Mailing: Test emails" in window.headers.text()
    qtbot.waitUntil(lambda: "Скидки" in window.preview.view.toPlainText(), timeout=5000)
    assert window.status.text() == "1 message"


def test_empty_outbox(qtbot, services: AppServices) -> None:
    window = _open(qtbot, services)
    assert window.model.rowCount() == 0
    assert window.status.text() == "The outbox is empty"
    assert not window.open_button.isEnabled()


def test_grouped_by_mailing_with_search_and_the_senders_name(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"])
    spring = make_mailing(services.ctx, name="Spring sale")
    webinar = make_mailing(services.ctx, name="Webinar invitation")
    _send_mailing(
        spring,
        "Sample Shop",
        [("anna@example.com", "Spring prices"), ("boris@example.com", "Spring prices")],
    )
    _send_mailing(webinar, "Events team", [("anna@example.com", "Join the webinar")])
    _send("A test", "<p>test</p>")
    window = _open(qtbot, services)
    assert window.model.rowCount() == 4
    qtbot.waitUntil(lambda: window.mailing_filter.findText("Spring sale (2)") >= 0, timeout=5000)
    entries = [window.mailing_filter.itemText(i) for i in range(window.mailing_filter.count())]
    assert entries == [
        "All mailings (4)",
        "Test emails (1)",
        "Spring sale (2)",
        "Webinar invitation (1)",
    ]

    window.show_mailing(spring)
    assert window.model.rowCount() == 2
    assert window.status.text() == "2 of 4 messages"
    assert {window.model.header_at(r).mailing_id for r in range(2)} == {spring}
    # The sender's name, in the list and the headers.
    sender = window.model.index(0, window.model.FROM)
    assert sender.data() == "Sample Shop"
    assert sender.data(Qt.ItemDataRole.ToolTipRole) == "Sample Shop <news@shop.example.com>"
    assert "From: Sample Shop <news@shop.example.com>" in window.headers.text()
    assert "Mailing: Spring sale" in window.headers.text()

    # Search by recipient, then by subject, within the mailing and across.
    window.search.setText("BORIS")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.header_at(0).recipients == ("boris@example.com",)
    window.show_mailing(None)
    window.search.setText("webinar")
    qtbot.waitUntil(
        lambda: (
            [window.model.header_at(r).mailing_id for r in range(window.model.rowCount())]
            == [webinar]
        ),
        timeout=2000,
    )
    window.search.setText("")
    window.show_mailing(NO_MAILING)
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 1 and window.model.header_at(0).subject == "A test",
        timeout=2000,
    )


class _Desktop(QObject):
    """Stands in for the desktop's mail program and file manager: the one
    boundary a test cannot reach (Qt hands ``file:`` URLs to this handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def desktop() -> Iterator[_Desktop]:
    handler = _Desktop()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


def test_open_in_mail_program_and_the_folder(
    qtbot, services: AppServices, desktop: _Desktop
) -> None:
    _send("First", "<p>1</p>")
    _send("Second", "<p>2</p>")
    window = _open(qtbot, services)
    assert str(outbox_dir()) in window.folder_label.text()
    window.table.selectRow(1)
    chosen = window.selected()
    assert chosen is not None and chosen.subject == "First"
    assert window.open_button.isEnabled()
    QTest.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    (url,) = desktop.opened
    assert url.isLocalFile()
    target = Path(url.toLocalFile())
    assert target == chosen.path and target.suffix == ".eml" and target.exists()
    assert b"Subject: First" in target.read_bytes()
    QTest.mouseClick(window.folder_button, Qt.MouseButton.LeftButton)
    assert Path(desktop.opened[-1].toLocalFile()) == outbox_dir()


def test_thousands_list_the_newest_at_once_and_read_nothing_on_the_gui_thread(
    qtbot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 3000
    paths = fill_outbox(outbox_dir(), count, start=datetime(2026, 11, 1, 9))
    on_gui: list[str] = []
    reads: list[str] = []
    original = sandbox.read_header

    def read_header(path: Path) -> sandbox.OutboxHeader:
        reads.append(path.name)
        if threading.current_thread() is threading.main_thread():
            on_gui.append(path.name)
        return original(path)

    # Only this process's reads are counted: the reader process has its own.
    monkeypatch.setattr("mailapp.delivery.header_reader.read_header", read_header)
    window = OutboxWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    # The newest are listed while the older ones are still being read.
    assert not window.indexed
    assert window.model.rowCount() < count
    assert window.model.header_at(0).path == paths[-1]
    assert "Reading the outbox" in window.status.text()
    qtbot.waitUntil(lambda: window.indexed, timeout=30_000)
    assert window.model.rowCount() == count
    assert window.status.text() == "3,000 messages"
    assert on_gui == []
    # The first batch was read here, at once; the rest by the reader process.
    assert len(reads) == FIRST_BATCH
    reader_pid = window.reader.pid
    assert reader_pid is not None and reader_pid != os.getpid()

    # Refresh reads only what is new, here: five files need no process.
    more = fill_outbox(outbox_dir(), 5, mailing_id=8, start=datetime(2026, 11, 2, 9))
    reads.clear()
    window.refresh()
    qtbot.waitUntil(lambda: window.indexed and window.model.rowCount() == count + 5, timeout=10_000)
    assert sorted(reads) == sorted(p.name for p in more)
    assert window.model.header_at(0).path == more[-1]

    # Closing the window ends its reader process.
    window.close()
    qtbot.waitUntil(lambda: not pid_alive(reader_pid), timeout=10_000)


def test_escape_and_ctrl_w_close_it(qtbot, services: AppServices) -> None:
    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        window = _open(qtbot, services)
        window.activateWindow()
        QTest.keyClick(window.table, key, modifier)
        assert not window.isVisible()
