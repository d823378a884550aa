"""*Send to those not reached…*: a follow-up of a stopped, expired or
completed mailing for the recipients it did not reach.

The dialog reads the counts off the GUI thread (:func:`resend.preview`),
offers a check box per response that may be resent — the stopped ones
checked, soft bounces and unconfirmed ones not, the latter with a warning
that those people may get a second copy — and makes the draft in the
writer lane. ``created(int)`` tells the window which draft to open in the
editor.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Response
from mailapp.models.states import DEFAULT_RESEND_RESPONSES, RESENDABLE_RESPONSES
from mailapp.services import resend
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

WARNING_STYLE = "color: #b9770e;"
ERROR_STYLE = "color: #c0392b;"


class ResendDialog(QDialog):
    """``ResendDialog(services, mailing_id, parent, only=…)``; ``only`` narrows
    it to chosen recipients of the mailing (unconfirmed ones picked in the
    recipients list), which are then checked."""

    #: (int) the follow-up draft was made.
    created = Signal(int)

    def __init__(
        self,
        services: AppServices,
        mailing_id: int,
        parent: QWidget | None = None,
        *,
        only: Collection[int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resendDialog")
        self._services = services
        self.mailing_id = mailing_id
        self._only = None if only is None else tuple(only)
        self.preview: resend.ResendPreview | None = None
        self.setWindowTitle(self.tr("Send to those not reached"))

        self.intro = QLabel(self.tr("Reading the recipients…"))
        self.intro.setWordWrap(True)
        self.boxes: dict[Response, QCheckBox] = {}
        for response in RESENDABLE_RESPONSES:
            box = QCheckBox(labels.response_name(response))
            box.setObjectName(f"resend_{response.value}")
            box.setEnabled(False)
            box.toggled.connect(self._update)
            self.boxes[response] = box
        self.total = QLabel()
        self.total.setObjectName("resendTotal")
        self.warning = QLabel(
            self.tr(
                "Unconfirmed recipients may have got the email already: the connection was "
                "lost after it was handed over. They may get a second copy."
            )
        )
        self.warning.setObjectName("resendWarning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.error = QLabel()
        self.error.setObjectName("resendError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button: QPushButton = self.buttons.addButton(
            self.tr("Make the draft"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setEnabled(False)
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        for box in self.boxes.values():
            layout.addWidget(box)
        layout.addWidget(self.total)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._load()

    def _load(self) -> None:
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._services.tasks.run(
            lambda: resend.preview(ctx, mailing_id), on_success=self._loaded, on_failure=self._fail
        )

    def _loaded(self, preview: resend.ResendPreview) -> None:
        if not alive(self):
            return
        self.preview = preview
        self.intro.setText(
            self.tr(
                "A draft copy of “{name}” for the recipients it did not reach. You can change "
                "its text before you start it; nobody who got the email gets it again. "
                "Send it to the recipients with these responses:"
            ).format(name=preview.name)
        )
        for response, box in self.boxes.items():
            count, reachable = preview.recipients[response], preview.reachable[response]
            text = labels.response_name(response)
            locale = QLocale()
            if reachable != count:
                box.setText(
                    self.tr("{response}: {count} (can be sent to: {reachable})").format(
                        response=text,
                        count=locale.toString(count),
                        reachable=locale.toString(reachable),
                    )
                )
            else:
                box.setText(
                    self.tr("{response}: {count}").format(
                        response=text, count=locale.toString(count)
                    )
                )
            box.setEnabled(
                reachable > 0 and (self._only is None or response is Response.UNCONFIRMED)
            )
            if self._only is not None:
                box.setChecked(response is Response.UNCONFIRMED and reachable > 0)
            else:
                box.setChecked(response in DEFAULT_RESEND_RESPONSES and reachable > 0)
        self._update()

    def chosen(self) -> list[Response]:
        return [r for r, box in self.boxes.items() if box.isChecked() and box.isEnabled()]

    @Slot()
    def _update(self) -> None:
        self.error.hide()
        self.warning.setVisible(Response.UNCONFIRMED in self.chosen())
        if self.preview is None:
            return
        total = sum(self.preview.reachable[r] for r in self.chosen())
        if self._only is not None:
            self.total.setText(
                QCoreApplication.translate(
                    "ResendDialog",
                    "The draft is for the %n recipient(s) you chose.",
                    None,
                    len(self._only),
                )
            )
        else:
            self.total.setText(
                QCoreApplication.translate(
                    "ResendDialog", "The draft will have up to %n recipient(s).", None, total
                )
            )
        self.make_button.setEnabled(total > 0)

    @Slot()
    def make(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        ctx, mailing_id, only = self._services.ctx, self.mailing_id, self._only
        suffix, numbered = self.tr(" (resend)"), self.tr(" (resend {n})")
        self.make_button.setEnabled(False)
        self._services.tasks.run_write(
            lambda: resend.resend(
                ctx,
                mailing_id,
                chosen,
                only=only,
                name_suffix=suffix,
                numbered_suffix=numbered,
            ),
            on_success=self._made,
            on_failure=self._fail,
        )

    def _made(self, outcome: resend.ResendOutcome) -> None:
        if alive(self):
            self.created.emit(outcome.id)
            self.accept()

    def _fail(self, exc: BaseException) -> None:
        if alive(self):
            self.error.setText(error_text(exc))
            self.error.show()
            self.make_button.setEnabled(self.preview is not None and bool(self.chosen()))
