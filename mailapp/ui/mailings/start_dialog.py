"""The confirmation of *Start sending*: who gets the email, where it goes,
and what will go wrong.

The warnings come from ``start_check.check_start`` (read off the GUI
thread): fields of the template some recipients lack, addresses that will
be cancelled, a bulk email without a working unsubscribe link. They inform
and never block: the action button stays *Start sending*. The list is kept
short (a few fields, then how many more) so the question stays readable.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from mailapp.models import MailingKind
from mailapp.services.start_check import MissingField, StartCheck
from mailapp.ui.common.confirm_dialog import ConfirmDialog

#: Fields named one by one in the list; more are counted in one line.
FIELDS_LISTED = 3
_CODE = "{{ unsubscribe_url }}"


def folders_phrase(folders: list[str]) -> str:
    """ "in the folder “A”" or "in the folders “A”, “B”", in the UI language."""
    quoted = QCoreApplication.translate("confirm", "“{name}”")  # «…» in Russian
    names = ", ".join(quoted.format(name=name) for name in folders)
    if len(folders) == 1:
        return QCoreApplication.translate("confirm", "in the folder {name}").format(name=names)
    return QCoreApplication.translate("confirm", "in the folders {names}").format(names=names)


def _field_name(name: str) -> str:
    """A built-in field by its name in the window, a custom one as it is."""
    if name == "first_name":
        return QCoreApplication.translate("MailingEditor", "First name")
    if name == "last_name":
        return QCoreApplication.translate("MailingEditor", "Last name")
    return name


def _missing_fields(fields: tuple[MissingField, ...]) -> list[str]:
    lines = [
        QCoreApplication.translate(
            "confirm",
            "%n recipient(s) have no “{field}”; it will be empty in their email.",
            None,
            field.recipients,
        ).format(field=_field_name(field.name))
        for field in fields[:FIELDS_LISTED]
    ]
    if len(fields) > FIELDS_LISTED:
        lines.append(
            QCoreApplication.translate(
                "confirm",
                "%n more field(s) of the template are missing for some recipients.",
                None,
                len(fields) - FIELDS_LISTED,
            )
        )
    return lines


def start_warnings(check: StartCheck) -> list[str]:
    """What will go wrong, one sentence each (empty when nothing will)."""
    found = _missing_fields(check.missing_fields)
    if check.invalid:
        found.append(
            QCoreApplication.translate(
                "confirm",
                "%n contact(s) with an invalid or missing address will not be sent the email.",
                None,
                check.invalid,
            )
        )
    if check.unsubscribed:
        found.append(
            QCoreApplication.translate(
                "confirm",
                "%n contact(s) unsubscribed and will not be sent the email.",
                None,
                check.unsubscribed,
            )
        )
    if check.lacks_unsubscribe_link and not check.has_unsubscribe_link:
        found.append(
            QCoreApplication.translate(
                "confirm",
                "The email has no unsubscribe link: add {{ unsubscribe_url }} to its body.",
            ).replace(_CODE, _CODE.replace(" ", "\N{NO-BREAK SPACE}"))  # one piece when wrapped
        )
    elif check.lacks_unsubscribe_link:
        found.append(
            QCoreApplication.translate(
                "confirm",
                "The unsubscribe link leads nowhere: set it in Settings → Unsubscribe link.",
            )
        )
    return found


def _audience_line(check: StartCheck) -> str:
    info = check.mailing
    if info.kind is MailingKind.TRIGGER:
        return QCoreApplication.translate(
            "confirm", "Recipients come from the campaigns that add participants to it."
        )
    count = check.recipients or 0
    if check.resumed:
        return QCoreApplication.translate(
            "confirm", "The email goes to the %n recipient(s) not reached yet.", None, count
        )
    if info.follows is not None:
        return QCoreApplication.translate(
            "confirm",
            "The email goes to the %n recipient(s) mailing {id} did not reach.",
            None,
            count,
        ).format(id=info.follows)
    return QCoreApplication.translate(
        "confirm", "The email goes to %n recipient(s) {where}.", None, count
    ).format(where=folders_phrase(list(info.folders)))


def _provider_line(check: StartCheck) -> str:
    if check.provider == "sandbox":
        return QCoreApplication.translate(
            "confirm", "Provider: the sandbox (messages stay in the local outbox)."
        )
    return QCoreApplication.translate(
        "confirm", "Provider: SMTP server {host} — the email goes to real people."
    ).format(host=check.smtp_host)


class StartDialog(ConfirmDialog):
    """Confirm *Start sending*, warning about what will go wrong."""

    def __init__(self, check: StartCheck, parent: QWidget) -> None:
        super().__init__(parent)
        self.check = check
        self.warnings = start_warnings(check)
        self.setObjectName("startDialog")
        self.setIcon(QMessageBox.Icon.Warning if self.warnings else QMessageBox.Icon.Question)
        self.setWindowTitle(QCoreApplication.translate("confirm", "Start sending"))
        self.setText(
            QCoreApplication.translate("confirm", "Start sending “{name}”?").format(
                name=check.mailing.name
            )
        )
        delay = QCoreApplication.translate(
            "confirm",
            "Sending begins %n second(s) after you confirm; until then "
            "Stop sending pauses the mailing.",
            None,
            check.delay_seconds,
        )
        parts = [_audience_line(check), _provider_line(check)]
        if self.warnings:
            heading = QCoreApplication.translate("confirm", "Check before you start:")
            parts.append("\n".join([heading, *(f"• {w}" for w in self.warnings)]))
        parts.append(delay)
        self.setInformativeText("\n\n".join(parts))
        self.set_action(QCoreApplication.translate("confirm", "Start sending"))
