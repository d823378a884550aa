"""Who a mailing goes to, as the editor shows it: the folders to tick for a
bulk mailing, the campaigns that feed a trigger mailing.

Its texts keep the editor's translation context ("MailingEditor").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from mailapp.services.campaigns import CampaignInfo
from mailapp.services.folders import FolderInfo
from mailapp.ui.common import labels

FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1


class AudienceBox(QGroupBox):
    """The folder list (with the counts of each folder) or the trigger note.

    ``wrap`` puts the editor's error labels under the folder list.
    """

    #: () a folder was ticked or unticked.
    toggled = Signal()

    def __init__(self, wrap: Callable[[QWidget], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("MailingEditor", "Audience"), parent)
        #: The folders there are (empty until read) and the names ticked.
        self.folders: list[FolderInfo] = []
        self.checked: set[str] = set()
        self.read_only = False
        self.folder_list = QListWidget(self)
        self.folder_list.setObjectName("audienceFolders")
        self.folder_list.itemChanged.connect(self._folder_toggled)
        self.trigger_note = QLabel(
            QCoreApplication.translate(
                "MailingEditor",
                "A trigger mailing has no folders: the campaigns that lead to it "
                "add its recipients one by one.",
            ),
            self,
        )
        self.trigger_note.setWordWrap(True)
        self.trigger_note.hide()
        # A follow-up's recipients were fixed when it was made.
        self.follow_up_note = QLabel(self)
        self.follow_up_note.setObjectName("followUpNote")
        self.follow_up_note.setWordWrap(True)
        self.follow_up_note.hide()
        # Trigger mailings: the campaigns that feed it (read off-thread).
        self.fed_by = QLabel(self)
        self.fed_by.setObjectName("fedBy")
        self.fed_by.setWordWrap(True)
        self.fed_by.setTextFormat(Qt.TextFormat.PlainText)
        self.fed_by.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(wrap(self.folder_list))
        layout.addWidget(self.trigger_note)
        layout.addWidget(self.follow_up_note)
        layout.addWidget(self.fed_by)

    def set_folders(self, folders: list[FolderInfo]) -> None:
        self.folders = folders
        self._show_folders()

    def set_checked(self, names: tuple[str, ...]) -> None:
        self.checked = set(names)
        self._show_folders()

    def chosen(self, stored: tuple[str, ...]) -> tuple[str, ...]:
        """The ticked folders, in the list's order. Until the list of folders
        has arrived, the ``stored`` ones still ticked (a quick Save must not
        drop them)."""
        if not self.folders:
            return tuple(f for f in stored if f in self.checked)
        return tuple(f.name for f in self.folders if f.name in self.checked)

    def set_read_only(self) -> None:
        self.read_only = True
        self.folder_list.setEnabled(False)

    def show_follow_up(self, follows: int, recipients: int) -> None:
        """A follow-up of mailing ``follows``: its audience is fixed."""
        self.follow_up_note.setText(
            QCoreApplication.translate(
                "MailingEditor",
                "Sent to those mailing {id} did not reach: %n recipient(s), fixed when "
                "this follow-up was made. Whoever unsubscribes or is reached meanwhile "
                "is left out at the start.",
                "",
                recipients,
            ).format(id=follows)
        )
        self.follow_up_note.show()

    def show_kind(self, trigger: bool, follow_up: bool) -> None:
        self.folder_list.setVisible(not trigger and not follow_up)
        self.trigger_note.setVisible(trigger)
        self.fed_by.setVisible(trigger and bool(self.fed_by.text()))

    def set_feeders(self, feeders: list[CampaignInfo], trigger: bool) -> None:
        if feeders:
            names = ", ".join(
                QCoreApplication.translate("MailingEditor", "“{name}” ({state})").format(
                    name=c.name, state=labels.campaign_state_name(c.state)
                )
                for c in feeders
            )
            self.fed_by.setText(
                QCoreApplication.translate("MailingEditor", "Fed by campaigns: {names}").format(
                    names=names
                )
            )
        else:
            self.fed_by.setText(
                QCoreApplication.translate("MailingEditor", "Fed by campaigns: none yet")
            )
        self.fed_by.setVisible(trigger)

    def _show_folders(self) -> None:
        locale = QLocale()
        self.folder_list.blockSignals(True)
        self.folder_list.clear()
        for folder in self.folders:
            item = QListWidgetItem(
                QCoreApplication.translate(
                    "MailingEditor",
                    "{name} — {valid} valid · {invalid} invalid · {unsubscribed} unsubscribed",
                ).format(
                    name=folder.name,
                    valid=locale.toString(folder.valid),
                    invalid=locale.toString(folder.invalid + folder.no_email),
                    unsubscribed=locale.toString(folder.unsubscribed),
                )
            )
            item.setData(FOLDER_ROLE, folder.name)
            item.setToolTip(
                QCoreApplication.translate(
                    "MailingEditor", "%Ln contact(s) in this folder", "", folder.contacts
                )
            )
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if self.read_only:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            checked = folder.name in self.checked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.folder_list.addItem(item)
        self.folder_list.blockSignals(False)

    @Slot(QListWidgetItem)
    def _folder_toggled(self, item: QListWidgetItem) -> None:
        name = str(item.data(FOLDER_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self.checked.add(name)
        else:
            self.checked.discard(name)
        self.toggled.emit()
