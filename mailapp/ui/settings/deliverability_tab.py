"""The settings tab *Deliverability*: what mailbox providers ask of bulk senders.

One section per subject, each a group box with its own fields: DKIM (the
signing domain, selector and key; *Create key*, the record to copy and
*Check DNS*), the unsubscribe link, and the bounce mailbox (its own module,
:mod:`mailapp.ui.settings.bounce_section`). A new subject is one more
``with self.section(...)`` block in :meth:`DeliverabilityTab.__init__`.

Everything slow runs off the GUI thread: reading the key to show its
record, creating a key (a 2048-bit RSA key takes a moment) and the DNS
look-up, which may wait seconds for an answer that never comes offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from mailapp.models import Refused
from mailapp.services import dkim_setup
from mailapp.services.dkim_setup import DkimRecord, DnsCheck, DnsStatus
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.refusals import refused_message
from mailapp.ui.common.tasks import error_text
from mailapp.ui.settings.bounce_section import BounceSection
from mailapp.ui.settings.fields import FieldMessage, SettingsTab

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class DeliverabilityTab(SettingsTab):
    """DKIM, the one-click unsubscribe link and the bounce mailbox."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle(self.tr("Deliverability"))  # the tab's name
        self.record: DkimRecord | None = None
        self._scroll_sections()
        with self.section(self.tr("DKIM signature")):
            self.add_text(
                "DkimDomain",
                self.tr("Signing domain:"),
                self.tr("The domain of your sender address; empty: messages are not signed."),
            )
            self.add_text(
                "DkimSelector",
                self.tr("Selector:"),
                self.tr("The name of the key in DNS: <selector>._domainkey.<domain>"),
            )
            self.add_text(
                "DkimKeyFile",
                self.tr("Key file:"),
                self.tr("A PEM file with the RSA private key, without a password."),
            )
            self.create_button = QPushButton(self.tr("Create key"))
            self.create_button.setToolTip(
                self.tr("A new 2048-bit key for the domain and selector, saved at once")
            )
            self.create_button.clicked.connect(self.create_key)
            self.copy_button = QPushButton(self.tr("Copy record"))
            self.copy_button.clicked.connect(self.copy_record)
            self.check_button = QPushButton(self.tr("Check DNS"))
            self.check_button.clicked.connect(self.check_dns)
            row = QWidget()
            buttons = QHBoxLayout(row)
            buttons.setContentsMargins(0, 0, 0, 0)
            for button in (self.create_button, self.copy_button, self.check_button):
                buttons.addWidget(button)
            buttons.addStretch(1)
            self.form.addRow("", row)
            self.record_name = self._read_only("dkimRecordName")
            self.form.addRow(self.tr("DNS name (TXT):"), self.record_name)
            self.record_value = self._read_only("dkimRecordValue")
            self.form.addRow(self.tr("Value:"), self.record_value)
            self.dkim_status = FieldMessage(lines=3)
            self.dkim_status.setObjectName("dkimStatus")
            self.form.addRow("", self.dkim_status)
        with self.section(self.tr("Unsubscribe link")):
            self.add_text(
                "UnsubscribeUrl",
                self.tr("Link:"),
                self.tr(
                    "The link of the List-Unsubscribe header and of {{ unsubscribe_url }} in "
                    "templates. {token} becomes the recipient's signed token, {email} the "
                    "address."
                ),
            )
            self.unsubscribe_note = FieldMessage(lines=3)
            self.unsubscribe_note.setObjectName("unsubscribeNote")
            self.form.addRow("", self.unsubscribe_note)
        with self.section(self.tr("Bounce mailbox")):
            self.bounces = BounceSection(self)
        self._show_record(None)

    def _scroll_sections(self) -> None:
        """The sections go into a scroll area: three of them are taller than
        a small laptop's screen leaves the dialog."""
        content = QWidget()
        inner = QFormLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("deliverabilitySections")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.form.addRow(scroll)
        self.form = inner
        self._content = content
        self._scroll = scroll

    def showEvent(self, event: QShowEvent) -> None:
        """As wide as the sections want, so that only the height scrolls."""
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        self._scroll.setMinimumWidth(self._content.minimumSizeHint().width() + bar)
        super().showEvent(event)

    @contextmanager
    def section(self, title: str) -> Iterator[QFormLayout]:
        """Fields added inside the block go into a group box of their own."""
        box = QGroupBox(title)
        inner = QFormLayout(box)
        inner.setRowWrapPolicy(self.form.rowWrapPolicy())
        inner.setFieldGrowthPolicy(self.form.fieldGrowthPolicy())
        inner.setLabelAlignment(self.form.labelAlignment())
        outer, self.form = self.form, inner
        try:
            yield inner
        finally:
            self.form = outer
            outer.addRow(box)

    @staticmethod
    def _read_only(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setReadOnly(True)
        return field

    # -- loading -----------------------------------------------------------------

    def load(self, values: dict[str, Any]) -> None:
        super().load(values)
        self._note_unsubscribe()
        ctx = self.services.ctx
        self.services.tasks.run(
            lambda: dkim_setup.current(ctx), on_success=self._loaded, on_failure=self._failed
        )

    def _loaded(self, record: DkimRecord | None) -> None:
        if alive(self):
            self._show_record(record)

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._show_record(None)
            text = refused_message(exc) if isinstance(exc, Refused) else error_text(exc)
            self.dkim_status.show_error(text)

    def _show_record(self, record: DkimRecord | None) -> None:
        self.record = record
        self.record_name.setText(record.name if record else "")
        self.record_value.setText(record.record if record else "")
        self.record_value.setCursorPosition(0)
        self.copy_button.setEnabled(record is not None)
        self.check_button.setEnabled(record is not None)
        if record is None:
            self.dkim_status.show_note(
                self.tr(
                    "Messages are not signed. Enter your domain and a selector, then Create key."
                )
            )
        else:
            self.dkim_status.show_note(
                self.tr("Every message is signed. Publish this TXT record in your domain's DNS.")
            )

    def field_edited(self, code: str) -> None:
        if code == "UnsubscribeUrl":
            self._note_unsubscribe()

    def _note_unsubscribe(self) -> None:
        url = self.edits["UnsubscribeUrl"].text().strip()
        if not url:
            self.unsubscribe_note.show_note(
                self.tr("Without a link, messages ask for a reply with the subject “unsubscribe”.")
            )
        elif not url.lower().startswith("https://"):
            self.unsubscribe_note.show_warning(
                self.tr(
                    "Only an https link gives the one-click unsubscribe that Gmail and "
                    "Yahoo ask for."
                )
            )
        elif "{token}" not in url:
            self.unsubscribe_note.show_warning(
                self.tr(
                    "Without {token} the worker cannot answer the link: your own page must "
                    "unsubscribe the address."
                )
            )
        else:
            self.unsubscribe_note.show_note(
                self.tr(
                    "Run “mailapp worker --listen 127.0.0.1:8025” and let your web server "
                    "pass /u/ to it."
                )
            )

    # -- actions -------------------------------------------------------------------

    @Slot()
    def create_key(self) -> None:
        domain = self.edits["DkimDomain"].text().strip()
        selector = self.edits["DkimSelector"].text().strip()
        if not domain or not selector:
            self.dkim_status.show_error(self.tr("Enter the signing domain and a selector first."))
            return
        ctx = self.services.ctx
        self.create_button.setEnabled(False)
        self.dkim_status.show_note(self.tr("Creating the key…"))
        self.services.tasks.run_write(
            lambda: dkim_setup.generate(ctx, domain, selector),
            on_success=self._created,
            on_failure=self._create_failed,
        )

    def _created(self, record: DkimRecord) -> None:
        if not alive(self):
            return
        self.create_button.setEnabled(True)
        name, _, domain = record.name.partition("._domainkey.")
        self.edits["DkimDomain"].setText(domain)
        self.edits["DkimSelector"].setText(name)
        self.edits["DkimKeyFile"].setText(record.key_file)
        self._show_record(record)
        self.dkim_status.show_ok(
            self.tr("The key is created and in use. Publish this TXT record in your domain's DNS.")
        )

    def _create_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.create_button.setEnabled(True)
            text = refused_message(exc) if isinstance(exc, Refused) else error_text(exc)
            self.dkim_status.show_error(text)

    @Slot()
    def copy_record(self) -> None:
        if self.record is not None:
            QGuiApplication.clipboard().setText(self.record.record)
            self.dkim_status.show_ok(self.tr("The record's value is copied."))

    @Slot()
    def check_dns(self) -> None:
        record = self.record
        if record is None:
            return
        self.check_button.setEnabled(False)
        self.dkim_status.show_note(self.tr("Looking up {name}…").format(name=record.name))
        self.services.tasks.run(
            lambda: dkim_setup.check_published(record),
            on_success=self._checked,
            on_failure=self._check_failed,
        )

    def _checked(self, check: DnsCheck) -> None:
        if not alive(self):
            return
        self.check_button.setEnabled(self.record is not None)
        if check.status is DnsStatus.MATCH:
            self.dkim_status.show_ok(self.tr("Published: the record in DNS matches this key."))
        elif check.status is DnsStatus.MISMATCH:
            self.dkim_status.show_error(
                self.tr(
                    "DNS has another key under this name: receivers will reject the "
                    "signatures. Publish the value above instead."
                )
            )
        elif check.status is DnsStatus.MISSING:
            self.dkim_status.show_warning(
                self.tr("Not published yet. DNS changes can take up to a day to arrive.")
            )
        else:
            self.dkim_status.show_warning(
                self.tr(
                    "No DNS server answered: this computer seems to be offline. "
                    "Check again when it is connected."
                )
            )

    def _check_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.check_button.setEnabled(self.record is not None)
            self.dkim_status.show_error(error_text(exc))
