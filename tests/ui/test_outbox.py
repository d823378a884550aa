"""The outbox viewer over messages a real sandbox server kept."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from mailapp.delivery.sandbox import SandboxServer
from mailapp.paths import outbox_dir
from mailapp.ui.services import AppServices
from mailapp.ui.settings.outbox import OutboxWindow


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


def test_lists_messages_with_headers_and_html(qtbot, services: AppServices) -> None:
    _send("Привет, Анна", "<h1>Скидки</h1><p>Только сегодня</p>")
    window = OutboxWindow(services)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.loaded, timeout=5000)
    assert window.list.count() == 1
    assert "Subject: Привет, Анна" in window.headers.text()
    assert "To: anna@example.com" in window.headers.text()
    assert "Скидки" in window.preview.view.toPlainText()


def test_empty_outbox(qtbot, services: AppServices) -> None:
    window = OutboxWindow(services)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.loaded, timeout=5000)
    assert window.list.count() == 0
    assert window.status.text() == "The outbox is empty"
