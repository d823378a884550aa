"""The mailing editor: inline validation, saving, read-only after handover,
and the test email / schedule dialogs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from mailapp.models import Mailing, MailingKind, MailingState, Recipient
from mailapp.models.base import utcnow
from mailapp.paths import outbox_dir
from mailapp.services import mailings
from mailapp.services.context import AppContext
from mailapp.ui.app import AppServices
from mailapp.ui.editor import MailingEditor
from mailapp.ui.schedule_dialog import ScheduleDialog
from mailapp.ui.test_email_dialog import TestEmailDialog
from tests.support.data import add_contacts, make_mailing


def _mailing(ctx: AppContext) -> int:
    add_contacts(ctx, ["anna@example.com"])
    return make_mailing(ctx)


def _count(ctx: AppContext) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Mailing)) or 0)


def _editor(qtbot, services: AppServices, mailing_id: int | None = None) -> MailingEditor:
    editor = MailingEditor(services, mailing_id)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded and editor.folder_list.count() >= 0, timeout=5000)
    return editor


def _fill(editor: MailingEditor) -> None:
    editor.name.setText("Осенняя рассылка")
    editor.sender_name.setText("Shop")
    editor.sender_email.setText("news@shop.example.com")
    editor.subject.setText("Hello {{ contact.first_name }}")
    editor.html.setPlainText("<p>Hi {{ contact.first_name }}</p>")


def _settled(qtbot, editor: MailingEditor) -> None:
    qtbot.waitUntil(lambda: not editor.preview.pending, timeout=5000)


def test_new_mailing_saves_with_folders(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com", "bad-address"], folder="Customers")
    editor = _editor(qtbot, services)
    qtbot.waitUntil(lambda: editor.folder_list.count() == 1, timeout=5000)
    assert "1 valid · 1 invalid · 0 unsubscribed" in editor.folder_list.item(0).text()
    _fill(editor)
    editor.folder_list.item(0).setCheckState(editor.folder_list.item(0).checkState().Checked)
    _settled(qtbot, editor)
    qtbot.waitUntil(
        lambda: "anna@example.com" in editor.preview_contact.currentText(), timeout=5000
    )
    _settled(qtbot, editor)
    assert editor.preview.subject.text() == "Hello First0"
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=5000) as blocker:
        editor.save_button.click()
    info = mailings.get(services.ctx, blocker.args[0])
    assert info.name == "Осенняя рассылка"
    assert info.folders == ("Customers",)


@pytest.mark.parametrize(
    ("field", "value", "key", "message"),
    [
        ("sender_email", "not an address", "sender_email", "not a valid email address"),
        ("subject", "Hello\r\nBcc: victim@example.com", "subject", "Line breaks"),
        ("name", "", "name", "required"),
    ],
)
def test_bad_field_shows_inline_and_disables_save(
    qtbot, services: AppServices, field: str, value: str, key: str, message: str
) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    getattr(editor, field).setText(value)
    _settled(qtbot, editor)
    editor.validate()
    assert message in editor.errors[key].text()
    assert editor.errors[key].isVisibleTo(editor)
    assert not editor.save_button.isEnabled()
    editor.save()  # even when forced, nothing is saved
    qtbot.wait(100)
    assert _count(services.ctx) == 0


def test_template_error_shows_the_line(qtbot, services: AppServices) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    editor.html.setPlainText("<p>line one</p>\n<p>line two</p>\n<p>{% if %}</p>")
    _settled(qtbot, editor)
    text = editor.errors["html"].text()
    assert "line 3" in text
    assert not editor.save_button.isEnabled()
    editor.html.setPlainText("<p>{{ contcat.first_name }}</p>")
    _settled(qtbot, editor)
    assert "unknown variable contcat" in editor.errors["html"].text()
    assert _count(services.ctx) == 0


def test_trigger_mailing_has_no_folders(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"], folder="Customers")
    editor = _editor(qtbot, services)
    qtbot.waitUntil(lambda: editor.folder_list.count() == 1, timeout=5000)
    editor.folder_list.item(0).setCheckState(editor.folder_list.item(0).checkState().Checked)
    editor.kind.setCurrentIndex(editor.kind.findData(MailingKind.TRIGGER.value))
    assert editor.trigger_note.isVisibleTo(editor)
    assert editor.chosen_folders() == ()


def test_service_refusal_shows_inline(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    editor = _editor(qtbot, services, mailing_id)
    qtbot.waitUntil(lambda: editor.info is not None, timeout=5000)
    _settled(qtbot, editor)
    # Somebody starts the mailing meanwhile: the save is refused.
    with services.ctx.db.write() as session:
        session.execute(update(Mailing).values(state=MailingState.QUEUED.value))
    editor.subject.setText("Changed")
    _settled(qtbot, editor)
    editor.save_button.click()
    qtbot.waitUntil(lambda: editor.save_error.isVisibleTo(editor), timeout=5000)
    assert "cannot be changed" in editor.save_error.text()
    assert mailings.get(services.ctx, mailing_id).subject != "Changed"


def test_read_only_after_handover(qtbot, services: AppServices) -> None:
    ids = add_contacts(services.ctx, ["anna@example.com"])
    mailing_id = make_mailing(services.ctx)
    with services.ctx.db.write() as session:
        session.execute(update(Mailing).values(state=MailingState.PAUSED.value))
        session.add(
            Recipient(
                mailing_id=mailing_id,
                contact_id=ids[0],
                email="anna@example.com",
                response="sent",
                tx_started_at=utcnow(),
                sent_at=utcnow(),
            )
        )
    editor = _editor(qtbot, services, mailing_id)
    qtbot.waitUntil(lambda: editor.info is not None, timeout=5000)
    assert editor.read_only
    assert editor.banner.isVisibleTo(editor)
    assert "already handed emails" in editor.banner.text()
    assert editor.subject.isReadOnly() and editor.html.isReadOnly()
    assert not editor.save_button.isVisibleTo(editor)
    assert editor.test_button.isEnabled()


def test_read_only_when_state_does_not_allow(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    with services.ctx.db.write() as session:
        session.execute(update(Mailing).values(state=MailingState.STOPPED.value))
    editor = _editor(qtbot, services, mailing_id)
    qtbot.waitUntil(lambda: editor.info is not None, timeout=5000)
    assert editor.read_only
    assert "Stopped" in editor.banner.text()


def test_macro_menu_offers_custom_fields(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"], folder="Customers")  # fields: city
    editor = _editor(qtbot, services)
    qtbot.waitUntil(lambda: editor.folder_list.count() == 1, timeout=5000)
    editor.folder_list.item(0).setCheckState(editor.folder_list.item(0).checkState().Checked)
    codes = lambda: [a.data() for a in editor.macro_menu.actions() if a.data()]  # noqa: E731
    qtbot.waitUntil(lambda: "{{ contact.city }}" in codes(), timeout=5000)
    editor.html.setPlainText("")
    editor.insert_macro("{{ contact.city }}")
    assert editor.html.toPlainText() == "{{ contact.city }}"


def test_send_test_email_to_the_sandbox(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"])
    mailing_id = make_mailing(services.ctx)
    dialog = TestEmailDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    dialog.address.setText("me@example.com")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10000)
    assert dialog.message_id, dialog.result.text()
    assert list(outbox_dir().glob("*.eml"))


def test_send_test_email_bad_address(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    dialog = TestEmailDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    dialog.address.setText("nobody")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10000)
    assert "not valid" in dialog.result.text()


def test_schedule_dialog(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    dialog = ScheduleDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.schedule_button.click()
    assert mailings.get(services.ctx, mailing_id).state is MailingState.SCHEDULED
