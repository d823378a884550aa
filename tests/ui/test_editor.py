"""The mailing editor: inline validation, saving incomplete drafts, asking
before unsaved changes are thrown away, read-only after handover, and the
test email / schedule dialogs."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from sqlalchemy import func, select, update

from mailapp.models import Contact, Mailing, MailingKind, MailingState, Recipient
from mailapp.models.base import utcnow
from mailapp.paths import outbox_dir
from mailapp.services import mailings
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput
from mailapp.ui.mailings.editor import MailingEditor
from mailapp.ui.mailings.schedule_dialog import ScheduleDialog
from mailapp.ui.mailings.test_email_dialog import TestEmailDialog
from mailapp.ui.services import AppServices
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


def _wait_checked(qtbot, editor: MailingEditor) -> None:
    """Until the template typed last has been checked off the GUI thread."""
    _settled(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.checking, timeout=5000)


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
        ("subject", "Hello\r\nBcc: victim@example.com", "subject", "Line breaks"),
        ("name", "", "name", "required"),
    ],
)
def test_what_cannot_be_stored_shows_inline_and_disables_save(
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


def test_a_bad_sender_address_is_shown_but_the_draft_saves(qtbot, services: AppServices) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    editor.sender_email.setText("not an address")
    _settled(qtbot, editor)
    assert "not a valid email address" in editor.errors["sender_email"].text()
    assert editor.errors["sender_email"].isVisibleTo(editor)
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=5000) as blocker:
        editor.save_button.click()
    info = mailings.get(services.ctx, blocker.args[0])
    assert info.state is MailingState.DRAFT
    assert info.sender_email == "not an address"


def test_template_error_shows_the_line(qtbot, services: AppServices) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    editor.html.setPlainText("<p>line one</p>\n<p>line two</p>\n<p>{% if %}</p>")
    _wait_checked(qtbot, editor)
    text = editor.errors["html"].text()
    assert "Line 3: the tag {% if %} is not closed" in text
    assert "Expected an expression" not in text  # no Jinja internals
    editor.html.setPlainText("<p>{{ contcat.first_name }}</p>")
    _wait_checked(qtbot, editor)
    text = editor.errors["html"].text()
    assert "Line 1" in text and "contcat" in text and "contact" in text
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


# --- unsaved changes -------------------------------------------------------------------


def _shown_editor(qtbot, services: AppServices, mailing_id: int | None = None) -> MailingEditor:
    editor = _editor(qtbot, services, mailing_id)
    if mailing_id is not None:
        qtbot.waitUntil(lambda: editor.info is not None, timeout=5000)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _discard_box(qtbot, editor: MailingEditor) -> QMessageBox:
    qtbot.waitUntil(lambda: editor.discard_box is not None, timeout=2000)
    box = editor.discard_box
    assert box is not None and box.isVisible()
    return box


def test_cancel_without_changes_closes_at_once(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    editor = _shown_editor(qtbot, services, mailing_id)
    _settled(qtbot, editor)
    editor.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not editor.isVisible()
    assert editor.discard_box is None
    new = _shown_editor(qtbot, services)
    qtbot.keyClick(new, Qt.Key.Key_Escape)
    assert not new.isVisible()
    assert new.discard_box is None


def test_cancel_with_changes_asks_and_keep_editing_is_the_default(
    qtbot, services: AppServices
) -> None:
    editor = _shown_editor(qtbot, services)
    editor.name.setText("Spring news")
    editor.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    box = _discard_box(qtbot, editor)
    assert box.text() == "Discard changes?"
    assert box.discard_button.text() == "Discard changes"
    assert box.keep_button.text() == "Keep editing"
    assert box.defaultButton() is box.keep_button
    assert box.escapeButton() is box.keep_button
    assert editor.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: keep editing
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert editor.isVisible()
    assert editor.name.text() == "Spring news"
    editor.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    box = _discard_box(qtbot, editor)
    box.discard_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=2000)
    assert editor.result() == QDialog.DialogCode.Rejected
    assert _count(services.ctx) == 0


def test_escape_with_changes_asks(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    editor = _shown_editor(qtbot, services, mailing_id)
    _settled(qtbot, editor)
    editor.subject.setText("Changed subject")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    box = _discard_box(qtbot, editor)
    assert editor.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc in the question keeps editing too
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert editor.isVisible()
    assert editor.subject.text() == "Changed subject"


def test_closing_the_window_with_changes_asks(qtbot, services: AppServices) -> None:
    editor = _shown_editor(qtbot, services)
    editor.html.setPlainText("<p>Draft text</p>")
    assert not editor.close()
    box = _discard_box(qtbot, editor)
    assert editor.isVisible()
    box.discard_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=2000)


def test_a_change_undone_is_no_change(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx)
    editor = _shown_editor(qtbot, services, mailing_id)
    _settled(qtbot, editor)
    original = editor.subject.text()
    editor.subject.setText("Something else")
    editor.subject.setText(original)
    assert not editor.has_changes()
    assert editor.close()
    assert editor.discard_box is None


def test_saving_closes_without_asking(qtbot, services: AppServices) -> None:
    editor = _shown_editor(qtbot, services)
    _fill(editor)
    _settled(qtbot, editor)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=2000)
    assert editor.discard_box is None


# --- drafts save incomplete ----------------------------------------------------------------


def test_a_new_mailing_with_only_a_name_saves_as_a_draft(qtbot, services: AppServices) -> None:
    editor = _editor(qtbot, services)
    editor.name.setText("Ideas for June")
    _wait_checked(qtbot, editor)
    assert editor.save_button.isEnabled()
    # What is missing is listed at once, and says it blocks sending, not saving.
    assert "Required before the mailing can be sent" in editor.errors["subject"].text()
    assert "email address" in editor.errors["sender_email"].text()
    assert "empty" in editor.errors["html"].text()
    assert editor.summary.isVisibleTo(editor)
    summary = editor.summary.text()
    assert "You can save the mailing now, but it cannot be sent" in summary
    assert "Subject" in summary and "Sender email" in summary and "HTML body" in summary
    with qtbot.waitSignal(editor.saved, timeout=5000) as blocker:
        editor.save_button.click()
    info = mailings.get(services.ctx, blocker.args[0])
    assert info.state is MailingState.DRAFT
    assert (info.name, info.subject, info.sender_email, info.html) == ("Ideas for June", "", "", "")


def test_an_incomplete_draft_opens_with_its_problems(qtbot, services: AppServices) -> None:
    mailing_id = mailings.create(
        services.ctx,
        MailingInput(name="Half done", subject="", sender_email="", html="<p>{% if x %}</p>"),
    )
    editor = _editor(qtbot, services, mailing_id)
    qtbot.waitUntil(lambda: editor.info is not None, timeout=5000)
    _wait_checked(qtbot, editor)
    assert not editor.read_only
    assert "Required before" in editor.errors["subject"].text()
    assert "Line 1: the tag {% if %} is not closed" in editor.errors["html"].text()
    editor.subject.setText("Now with a subject")
    _wait_checked(qtbot, editor)
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save_button.click()
    assert mailings.get(services.ctx, mailing_id).subject == "Now with a subject"


# --- every problem at once -------------------------------------------------------------------


def test_every_template_problem_is_listed_at_once(qtbot, services: AppServices) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    editor.subject.setText("Hi {{ contcat.first_name }}")
    editor.html.setPlainText(
        "<p>{{ mailng.name }}</p>\n"
        "{% if contact.first_name %}\n"
        "<p>Hello</p>\n"
        "{% for x in contact.items %}\n"
        "<p>{{ x }}</p>\n"
    )
    _wait_checked(qtbot, editor)
    subject = editor.errors["subject"].text()
    assert "contcat" in subject and "contact" in subject  # with a suggestion
    body = editor.errors["html"].text()
    assert "Line 2: the tag {% if %} is not closed" in body
    assert "Line 4: the tag {% for %} is not closed" in body
    assert editor.save_button.isEnabled()  # a draft may keep them
    assert all(p.blocks_sending for p in editor.problems() if p.field in ("subject", "html"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a</p>\n{% endif %}", "Line 2: {% endif %} has no {% if %} before it"),
        ("{% if x %}\n{% endfor %}\n{% endif %}", "Line 2: {% endfor %} has no {% for %}"),
        ("<p>{{ contact.first_name }</p>", "Line 1:"),
        ("<p>{{ }}</p>", "Line 1: {{ }} is empty"),
        ("<p>\n{{ contact.first_name </p>", "Line 2: {{ is not closed"),
        ("{% foo %}", "Line 1: there is no tag {% foo %}"),
        ('{{ "abc }}', "Line 1: a text in quotes is not closed"),
        ("{# note", "Line 1: the comment {# is not closed"),
        ("{% for x %}{% endfor %}", "Line 1: the tag {% for %} is incomplete"),
        ("{{ a b }}", "Line 1:"),
    ],
)
def test_template_problems_in_plain_words(
    qtbot, services: AppServices, html: str, expected: str
) -> None:
    editor = _editor(qtbot, services)
    _fill(editor)
    editor.html.setPlainText(html)
    _wait_checked(qtbot, editor)
    text = editor.errors["html"].text()
    assert expected in text
    for jinja in ("Jinja", "Encountered", "expected token", "end of print statement"):
        assert jinja not in text


def test_a_field_no_contact_has_is_a_warning(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"], folder="Customers")  # fields: city
    editor = _editor(qtbot, services)
    assert editor.field_names is None  # read off the GUI thread, not in the constructor
    qtbot.waitUntil(lambda: editor.field_names is not None, timeout=5000)
    assert editor.field_names == frozenset({"city"})
    qtbot.waitUntil(lambda: editor.folder_list.count() == 1, timeout=5000)
    editor.folder_list.item(0).setCheckState(Qt.CheckState.Checked)
    _fill(editor)
    editor.html.setPlainText("<p>{{ contact.city }}</p>\n<p>{{ contact.country }}</p>")
    _wait_checked(qtbot, editor)
    assert editor.errors["html"].text() == ""
    warning = editor.warnings["html"].text()
    assert "Line 2" in warning and "country" in warning
    assert "city" not in warning
    assert editor.warnings["html"].isVisibleTo(editor)
    assert editor.save_button.isEnabled()
    problems = editor.problems()
    assert problems and not any(p.blocks_sending for p in problems)
    assert "Warnings" in editor.summary.text()
    assert "cannot be sent" not in editor.summary.text()


def test_a_field_every_contact_has_empty_is_a_warning(qtbot, services: AppServices) -> None:
    """An imported column left blank is stored empty in every contact: the
    field renders empty for everyone, just like one no contact has."""
    ids = add_contacts(services.ctx, ["anna@example.com", "boris@example.com"])
    with services.ctx.db.write() as session:
        session.execute(update(Contact).where(Contact.id.in_(ids)).values(fields={"country": ""}))
    editor = _editor(qtbot, services)
    qtbot.waitUntil(lambda: editor.field_names is not None, timeout=5000)
    _fill(editor)
    editor.html.setPlainText("<p>{{ contact.country }}</p>")
    _wait_checked(qtbot, editor)
    assert "no contact has the field “country”" in editor.warnings["html"].text()
    assert editor.save_button.isEnabled()


# --- test email ---------------------------------------------------------------------------------


def test_enter_sends_the_test_email(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"])
    mailing_id = make_mailing(services.ctx)
    dialog = TestEmailDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.send_button.isDefault()
    qtbot.keyClicks(dialog.address, "me@example.com")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message_id is not None, timeout=10000)
    assert dialog.isVisible()  # Enter sent; it did not close the dialog
    assert dialog.send_button.isDefault()


def test_the_test_email_subject_says_test(qtbot, services: AppServices) -> None:
    add_contacts(services.ctx, ["anna@example.com"])
    mailing_id = make_mailing(services.ctx)
    dialog = TestEmailDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    dialog.address.setText("me@example.com")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.message_id is not None, timeout=10000)
    (eml,) = outbox_dir().glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert str(message["Subject"]) == "[Test] News for First0"


def test_a_test_email_of_an_incomplete_draft_is_refused_clearly(
    qtbot, services: AppServices
) -> None:
    mailing_id = mailings.create(
        services.ctx, MailingInput(name="Half done", subject="Hi", sender_email="", html="<p>x</p>")
    )
    dialog = TestEmailDialog(services, mailing_id)
    qtbot.addWidget(dialog)
    dialog.address.setText("me@example.com")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10000)
    assert dialog.message_id is None
    assert "Sender email is empty" in dialog.result.text()
    assert not list(outbox_dir().glob("*.eml"))
